"""The cooperation and school-governance registries, declared on ``zhijiao.core.registry``.

Each declaration says what users see and may do; the rules live in ``services``. ``urls``,
``access`` and ``api`` take their pages, permission entries and routes from here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.registry import (
    Action,
    ApiField,
    ChoiceFilter,
    Column,
    ExcelColumn,
    Registry,
    RegistryRef,
    SearchFilter,
    Section,
    UnitFilter,
    YearFilter,
    unit_ref,
    unit_refs,
    units_named_in,
)
from zhijiao.orgs.models import Unit
from zhijiao.orgs.roles import Capability

from . import forms, selectors, services
from .data import (
    INDUSTRY_FORMER_LABELS,
    BaseLevel,
    CaseKind,
    EnterpriseLevel,
    GroupLevel,
    Industry,
    PilotLevel,
    PilotRank,
)
from .models import (
    Apprentice,
    Apprenticeship,
    FamousProject,
    GroupMember,
    IdeologyCase,
    IntegrationEnterprise,
    SanquanPilot,
    SchoolGovernance,
    TrainingBase,
    VocationalGroup,
    XPilot,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

VIEW, MANAGE, DECIDE = (
    Capability.COOPERATION_VIEW,
    Capability.COOPERATION_MANAGE,
    Capability.COOPERATION_DECIDE,
)
TAG = "校企合作"
GOVERNANCE_TAG = "学校治理"


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _standing(start: str, end: str = "", *, end_inclusive: bool = False) -> Any:
    """A year filter: records begun by the end of the year and not ended before it."""

    def q(year: int) -> Q:
        condition = Q(**{f"{start}__lte": _year_end(year)})
        if end:
            lookup = "gte" if end_inclusive else "gt"
            condition &= Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__{lookup}": _year_end(year)})
        return condition

    return q


def _editable(model: Any) -> Any:
    return lambda user: model.objects.editable_by(user)


def _level_history(obj: Any, user: Any) -> Any:
    return obj.decisions.select_related("decided_by").order_by("decided_on", "pk")


def _level_label(model: Any) -> Any:
    labels = dict(model._meta.get_field("level").choices)
    return lambda d: f"{labels.get(d.previous, d.previous)} → {labels.get(d.level, d.level)}"


LEVEL_SECTION_TITLE = _("级别认定记录")


def _level_section(model: Any, title: StrOrPromise = LEVEL_SECTION_TITLE) -> Section:
    return Section(
        title,
        _level_history,
        [
            Column(_("认定日期"), "decided_on"),
            Column(_("调整"), _level_label(model)),
            Column(_("认定机关"), "authority"),
            Column(_("文号"), "document_no"),
            Column(_("说明"), "note"),
            Column(_("登记人"), "decided_by"),
        ],
        empty=_("还没有认定记录。"),
        action="level",
    )


def _level_action(what: StrOrPromise) -> Action:
    return Action(
        name="level",
        title=_("认定级别"),
        capability=DECIDE,
        form=forms.LevelForm,
        run=lambda *, user, obj, data: services.level_decide(user=user, record=obj, **data),
        done=format_lazy(_("已登记{what}级别认定"), what=what),
    )


SCHOOL_FILTER = UnitFilter("school", _("学校"), ("school",), selectors.schools_to_filter)
INDUSTRY_FILTER = ChoiceFilter("industry", _("产业集群"), Industry.choices)
# The column was 产业领域 before, with older cluster labels: such files still import.
INDUSTRY_EXCEL = ExcelColumn(
    _("产业集群"),
    "industry",
    required=True,
    former_headers=("产业领域",),
    former_labels=INDUSTRY_FORMER_LABELS,
)
DEPARTMENT_COLUMN = Column(_("负责部门"), "department")
DEPARTMENT_EXCEL = ExcelColumn(_("负责部门"), "department", width=14)
DEPARTMENT_API = ApiField("department", RegistryRef | None, unit_ref("department"), "负责部门")


# ---------------------------------------------------------------- 名企名校合作项目

PROJECTS = Registry(
    key="cooperation-projects",
    path="cooperation/projects",
    title=_("名企名校合作项目"),
    item=_("合作项目"),
    counter=_("个"),
    model=FamousProject,
    view=VIEW,
    manage=MANAGE,
    icon="handshake",
    api_tag=TAG,
    related=("school", "department"),
    prefetch=("enterprises",),
    ordering=("-started_on", "pk"),
    editable=_editable(FamousProject),
    columns=[
        Column(_("项目名称"), "name", link=True),
        Column(_("牵头学校"), "school"),
        Column(_("合作企业"), "enterprises"),
        Column(_("产业集群"), "get_industry_display"),
        Column(_("启动日期"), "started_on"),
        Column(
            _("状态"),
            lambda p: (
                gettext("{day} 终止").format(day=p.terminated_on)
                if p.terminated_on
                else gettext("建设中")
            ),
        ),
    ],
    detail=[
        Column(_("牵头学校"), "school"),
        Column(_("合作企业"), "enterprises"),
        Column(_("产业集群"), "get_industry_display"),
        Column(_("合作内容"), "content"),
        Column(_("合作成果"), "outputs"),
        Column(_("启动日期"), "started_on"),
        Column(_("计划完成日期"), "planned_end_on"),
        Column(
            _("终止"),
            lambda p: f"{p.terminated_on}：{p.termination_reason}" if p.terminated_on else "",
        ),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        UnitFilter(
            "enterprise",
            _("合作企业"),
            ("enterprises",),
            lambda user: units_named_in(FamousProject.objects.all(), "enterprises"),
        ),
        INDUSTRY_FILTER,
        YearFilter("year", _("在建年度"), _standing("started_on", "terminated_on")),
        SearchFilter(
            "q",
            _("名称或内容"),
            ("name__icontains", "content__icontains"),
            _("项目名称或合作内容中的字词"),
        ),
    ],
    form=forms.ProjectForm,
    create=lambda *, user, data: services.project_create(user=user, **data),
    update=lambda *, user, obj, data: services.project_update(user=user, project=obj, **data),
    actions=[
        Action(
            name="terminate",
            title=_("终止项目"),
            capability=MANAGE,
            form=forms.TerminateForm,
            run=lambda *, user, obj, data: services.project_terminate(
                user=user, project=obj, **data
            ),
            done=_("已登记项目终止"),
            show=lambda p: p.terminated_on is None,
        )
    ],
    excel=[
        ExcelColumn(_("项目名称"), "name", required=True, width=28),
        ExcelColumn(_("牵头学校"), "school", required=True, width=22),
        ExcelColumn(_("合作企业"), "enterprises", required=True, width=36),
        INDUSTRY_EXCEL,
        ExcelColumn(_("合作内容"), "content", required=True, width=40),
        ExcelColumn(_("合作成果"), "outputs", width=40),
        ExcelColumn(_("启动日期"), "started_on", required=True, width=12),
        ExcelColumn(_("计划完成日期"), "planned_end_on", width=12),
        DEPARTMENT_EXCEL,
        ExcelColumn(_("终止日期"), export="terminated_on", width=12),
        ExcelColumn(_("终止原因"), export="termination_reason", width=24),
    ],
    import_help=_(
        "“合作企业”填写已登记企业的名称或统一社会信用代码，多家企业用顿号分隔；尚未登记的企业请先在“企业名录”中登记。"
    ),
    api=[
        ApiField("name", str, description="项目名称"),
        ApiField("school", RegistryRef, unit_ref("school"), "牵头学校"),
        ApiField("enterprises", list[RegistryRef], unit_refs("enterprises"), "合作企业"),
        ApiField("industry", str, description="产业集群代码"),
        ApiField("content", str),
        ApiField("outputs", str),
        ApiField("started_on", dt.date),
        ApiField("planned_end_on", dt.date | None),
        ApiField("terminated_on", dt.date | None),
        DEPARTMENT_API,
    ],
    empty=_(
        "还没有登记名企名校合作项目。请点击“登记合作项目”逐个登记，或下载模板后通过“Excel 导入”批量登记。"
    ),
    empty_readonly=_("您所在单位还没有参与的名企名校合作项目。"),
)


# ---------------------------------------------------------------- 职教集团

GROUPS = Registry(
    key="cooperation-groups",
    path="cooperation/groups",
    title=_("职教集团"),
    item=_("职教集团"),
    counter=_("个"),
    model=VocationalGroup,
    view=VIEW,
    manage=MANAGE,
    icon="hub",
    api_tag=TAG,
    related=("lead", "department"),
    prefetch=(Prefetch("members", GroupMember.objects.select_related("unit")),),
    ordering=("name",),
    editable=_editable(VocationalGroup),
    columns=[
        Column(_("集团名称"), "name", link=True),
        Column(_("牵头单位"), "lead"),
        Column(_("级别"), "get_level_display"),
        Column(_("产业集群"), "get_industry_display"),
        Column(_("成立日期"), "founded_on"),
    ],
    detail=[
        Column(_("牵头单位"), "lead"),
        Column(
            _("级别"),
            lambda g: (
                g.get_level_display()
                + (gettext("（{day} 认定）").format(day=g.level_since) if g.level_since else "")
            ),
        ),
        Column(_("产业集群"), "get_industry_display"),
        Column(_("成立日期"), "founded_on"),
        Column(_("集团简介"), "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        ChoiceFilter("level", _("级别"), GroupLevel.choices),
        INDUSTRY_FILTER,
        UnitFilter(
            "member",
            _("成员单位"),
            ("members__unit",),
            lambda user: units_named_in(VocationalGroup.objects.all(), "members__unit"),
        ),
        YearFilter("year", _("成立年度（截至）"), _standing("founded_on")),
        SearchFilter("q", _("名称"), ("name__icontains",)),
    ],
    form=forms.GroupForm,
    create=lambda *, user, data: services.group_create(user=user, **data),
    update=lambda *, user, obj, data: services.group_update(user=user, group=obj, **data),
    sections=[
        Section(
            _("成员单位"),
            lambda g, user: g.members.select_related("unit").order_by(
                "left_on", "role", "unit__name"
            ),
            [
                Column(_("单位"), "unit"),
                Column(_("类别"), "get_role_display"),
                Column(_("加入日期"), "joined_on"),
                Column(_("退出日期"), "left_on"),
            ],
            empty=_("还没有成员单位。"),
            action="member-add",
        ),
        Section(
            _("集团活动"),
            lambda g, user: g.activities.all(),
            [
                Column(_("日期"), "held_on"),
                Column(_("类别"), "get_kind_display"),
                Column(_("活动名称"), "title"),
                Column(_("参与人数"), "participants", num=True),
                Column(_("活动情况"), "summary"),
            ],
            empty=_("还没有活动记录。"),
            action="activity",
        ),
        _level_section(VocationalGroup),
    ],
    actions=[
        Action(
            name="member-add",
            title=_("登记成员单位"),
            capability=MANAGE,
            form=forms.MemberAddForm,
            run=lambda *, user, obj, data: services.member_add(user=user, group=obj, **data),
            done=_("已登记成员单位"),
            show=lambda g: g.level != GroupLevel.DISSOLVED,
        ),
        Action(
            name="member-leave",
            title=_("登记成员退出"),
            capability=MANAGE,
            form=forms.MemberLeaveForm,
            run=lambda *, user, obj, data: services.member_leave(user=user, group=obj, **data),
            done=_("已登记成员退出"),
        ),
        Action(
            name="activity",
            title=_("登记活动"),
            capability=MANAGE,
            form=forms.ActivityForm,
            run=lambda *, user, obj, data: services.activity_record(user=user, group=obj, **data),
            done=_("已登记集团活动"),
        ),
        _level_action(_("职教集团")),
    ],
    excel=[
        ExcelColumn(_("集团名称"), "name", required=True, width=30),
        ExcelColumn(_("牵头单位"), "lead", required=True, width=24),
        INDUSTRY_EXCEL,
        ExcelColumn(_("成立日期"), "founded_on", required=True, width=12),
        ExcelColumn(_("集团简介"), "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn(_("级别"), export="get_level_display", width=10),
        ExcelColumn(_("级别认定日期"), export="level_since", width=12),
        ExcelColumn(
            _("现有成员数"),
            export=lambda g: sum(1 for m in g.members.all() if m.left_on is None),
            width=10,
        ),
    ],
    import_help=_(
        "导入后集团级别为“一般”，示范性、骨干职教集团由工作专班在集团页面认定；牵头单位自动成为理事长单位。"
    ),
    api=[
        ApiField("name", str),
        ApiField("lead", RegistryRef, unit_ref("lead"), "牵头单位"),
        ApiField(
            "level",
            str,
            description="级别：ordinary 一般、backbone 骨干、demonstration 示范性、dissolved 已撤销",
        ),
        ApiField("level_since", dt.date | None),
        ApiField("industry", str),
        ApiField("founded_on", dt.date),
        ApiField(
            "members",
            list[RegistryRef],
            lambda g: [
                {"id": m.unit_id, "name": m.unit.name} for m in g.members.all() if m.left_on is None
            ],
            "现有成员单位",
        ),
        DEPARTMENT_API,
    ],
    empty=_("还没有登记职教集团。请点击“登记职教集团”，再在集团页面登记成员单位和活动。"),
    empty_readonly=_("您所在单位还没有参加的职教集团。"),
)


# ---------------------------------------------------------------- 产教融合型企业

ENTERPRISES = Registry(
    key="cooperation-enterprises",
    path="cooperation/enterprises",
    title=_("产教融合型企业"),
    item=_("产教融合型企业"),
    counter=_("家"),
    model=IntegrationEnterprise,
    view=VIEW,
    manage=MANAGE,
    icon="factory",
    api_tag=TAG,
    related=("enterprise", "department"),
    prefetch=("schools", "incentives"),
    ordering=("enterprise__name",),
    editable=_editable(IntegrationEnterprise),
    columns=[
        Column(_("企业"), "enterprise", link=True),
        Column(_("统一社会信用代码"), "enterprise.credit_code"),
        Column(_("级别"), "get_level_display"),
        Column(_("产业集群"), "get_industry_display"),
        Column(_("合作院校"), "schools"),
        Column(_("负责部门"), "department"),
    ],
    detail=[
        Column(_("统一社会信用代码"), "enterprise.credit_code"),
        Column(
            _("当前级别"),
            lambda r: (
                r.get_level_display()
                + (gettext("（{day} 认定）").format(day=r.level_since) if r.level_since else "")
            ),
        ),
        Column(_("产业集群"), "get_industry_display"),
        Column(_("合作院校"), "schools"),
        Column(_("申报日期"), "applied_on"),
        Column(_("年度职业教育投入（万元）"), "vet_investment"),
        Column(_("产教融合情况"), "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        ChoiceFilter("level", _("级别"), EnterpriseLevel.choices),
        INDUSTRY_FILTER,
        UnitFilter("school", _("合作院校"), ("schools",), selectors.schools_to_filter),
        YearFilter("year", _("申报年度（截至）"), _standing("applied_on")),
        SearchFilter(
            "q",
            _("企业名称或信用代码"),
            ("enterprise__name__icontains", "enterprise__credit_code__iexact"),
        ),
    ],
    form=forms.EnterpriseRecordForm,
    create=lambda *, user, data: services.cpe_create(user=user, **data),
    update=lambda *, user, obj, data: services.cpe_update(user=user, record=obj, **data),
    sections=[
        _level_section(IntegrationEnterprise),
        Section(
            _("激励政策落实（金融、财政、土地、信用、教育费附加抵免）"),
            lambda r, user: r.incentives.all(),
            [
                Column(_("落实日期"), "granted_on"),
                Column(_("政策类别"), "get_policy_display"),
                Column(_("金额（万元）"), "amount", num=True),
                Column(_("实施部门"), "authority"),
                Column(_("内容"), "description"),
            ],
            empty=_("尚未登记激励政策落实情况。"),
            action="incentive",
        ),
    ],
    actions=[
        _level_action(_("产教融合型企业")),
        Action(
            name="incentive",
            title=_("登记激励政策"),
            capability=MANAGE,
            form=forms.IncentiveForm,
            run=lambda *, user, obj, data: services.incentive_record(user=user, record=obj, **data),
            done=_("已登记激励政策落实"),
            show=lambda r: r.level not in (EnterpriseLevel.CANDIDATE, EnterpriseLevel.REMOVED),
        ),
    ],
    excel=[
        ExcelColumn(
            _("企业名称"), "enterprise_name", export="enterprise.name", required=True, width=30
        ),
        ExcelColumn(
            _("统一社会信用代码"),
            "credit_code",
            export="enterprise.credit_code",
            required=True,
            width=22,
        ),
        INDUSTRY_EXCEL,
        ExcelColumn(_("合作院校"), "schools", width=30),
        ExcelColumn(_("申报日期"), "applied_on", required=True, width=12),
        ExcelColumn(_("年度职业教育投入（万元）"), "vet_investment", width=14),
        ExcelColumn(_("产教融合情况"), "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn(_("当前级别"), export="get_level_display", width=10),
        ExcelColumn(_("级别认定日期"), export="level_since", width=12),
        ExcelColumn(
            _("激励政策金额合计（万元）"),
            export=lambda r: sum((g.amount or 0 for g in r.incentives.all()), 0),
            width=14,
        ),
    ],
    import_help=_(
        "企业按统一社会信用代码识别：系统中尚未登记的企业将同时登记；同一企业不能重复进入名单。导入后级别为“已申报”，由工作专班认定入库、市级、省级。"
    ),
    api=[
        ApiField("enterprise", RegistryRef, unit_ref("enterprise"), "企业"),
        ApiField("credit_code", str, "enterprise.credit_code", "统一社会信用代码"),
        ApiField(
            "level",
            str,
            description="级别：candidate 已申报、cultivation 培育库、municipal 市级、provincial 省级、removed 已移出",
        ),
        ApiField("level_since", dt.date | None),
        ApiField("industry", str),
        ApiField("schools", list[RegistryRef], unit_refs("schools"), "合作院校"),
        ApiField("applied_on", dt.date),
        ApiField("vet_investment", float | None, description="年度职业教育投入（万元）"),
        ApiField(
            "incentives",
            list[dict[str, Any]],
            lambda r: [
                {
                    "policy": g.policy,
                    "amount": float(g.amount) if g.amount is not None else None,
                    "granted_on": g.granted_on.isoformat(),
                    "authority": g.authority,
                }
                for g in r.incentives.all()
            ],
            "激励政策落实",
        ),
        DEPARTMENT_API,
    ],
    empty=_(
        "还没有登记产教融合型企业。负责部门（如发改委）请点击“登记产教融合型企业”，或通过“Excel 导入”批量登记申报企业。"
    ),
    empty_readonly=_("您所在单位还没有参与的产教融合型企业记录。"),
)


# ---------------------------------------------------------------- 实训基地

BASES = Registry(
    key="cooperation-bases",
    path="cooperation/bases",
    title=_("实训基地"),
    item=_("实训基地"),
    counter=_("个"),
    model=TrainingBase,
    view=VIEW,
    manage=MANAGE,
    icon="construction",
    api_tag=TAG,
    related=("school", "department"),
    prefetch=("enterprises",),
    ordering=("school__name", "name"),
    editable=_editable(TrainingBase),
    columns=[
        Column(_("基地名称"), "name", link=True),
        Column(_("承建学校"), "school"),
        Column(_("共建企业"), "enterprises"),
        Column(_("资源共享型"), "shared"),
        Column(_("功能"), "functions"),
        Column(_("级别"), "get_level_display"),
        Column(_("建成日期"), "opened_on"),
    ],
    detail=[
        Column(_("承建学校"), "school"),
        Column(_("共建企业"), "enterprises"),
        Column(_("产业集群"), "get_industry_display"),
        Column(_("资源共享型"), "shared"),
        Column(_("功能"), "functions"),
        Column(
            _("级别"),
            lambda b: (
                b.get_level_display()
                + (gettext("（{day} 认定）").format(day=b.level_since) if b.level_since else "")
            ),
        ),
        Column(_("建成日期"), "opened_on"),
        Column(_("工位数"), "workstations"),
        Column(_("建筑面积（平方米）"), "area"),
        Column(_("总投入（万元）"), "investment"),
        Column(_("基地简介"), "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter(
            "shared",
            _("资源共享型"),
            [("yes", _("是")), ("no", _("否"))],
            lambda v: Q(shared=v == "yes"),
        ),
        ChoiceFilter("level", _("级别"), BaseLevel.choices),
        INDUSTRY_FILTER,
        YearFilter("year", _("建成年度（截至）"), _standing("opened_on")),
        SearchFilter("q", _("名称"), ("name__icontains",)),
    ],
    form=forms.TrainingBaseForm,
    create=lambda *, user, data: services.base_create(user=user, **data),
    update=lambda *, user, obj, data: services.base_update(user=user, base=obj, **data),
    sections=[_level_section(TrainingBase)],
    actions=[_level_action(_("实训基地"))],
    excel=[
        ExcelColumn(_("基地名称"), "name", required=True, width=28),
        ExcelColumn(_("承建学校"), "school", required=True, width=22),
        ExcelColumn(_("共建企业"), "enterprises", width=30),
        INDUSTRY_EXCEL,
        ExcelColumn(_("资源共享型"), "shared", width=10),
        ExcelColumn(_("基地功能"), "functions", export="functions", required=True, width=30),
        ExcelColumn(_("建成日期"), "opened_on", required=True, width=12),
        ExcelColumn(_("工位数"), "workstations", width=10),
        ExcelColumn(_("建筑面积（平方米）"), "area", width=12),
        ExcelColumn(_("总投入（万元）"), "investment", width=12),
        ExcelColumn(_("基地简介"), "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn(_("级别"), export="get_level_display", width=10),
    ],
    import_help=_(
        "“基地功能”从人才培养、技术研发、生产示范、员工培训、技能鉴定中选择，多项用顿号分隔；资源共享型基地应至少具备两项功能。"
    ),
    api=[
        ApiField("name", str),
        ApiField("school", RegistryRef, unit_ref("school"), "承建学校"),
        ApiField("enterprises", list[RegistryRef], unit_refs("enterprises"), "共建企业"),
        ApiField("industry", str),
        ApiField("shared", bool, description="资源共享型"),
        ApiField(
            "functions",
            list[str],
            lambda b: [
                v for v, name in forms.TrainingBaseForm.FIELD_OF.items() if getattr(b, name)
            ],
            "功能：talent 人才培养、research 技术研发、production 生产示范、staff 员工培训、assessment 技能鉴定",
        ),
        ApiField(
            "level",
            str,
            description="级别：school 校级、municipal 市级、provincial 省级、closed 已停用",
        ),
        ApiField("opened_on", dt.date),
        ApiField("workstations", int | None),
        DEPARTMENT_API,
    ],
    empty=_("还没有登记实训基地。请点击“登记实训基地”，或下载模板后通过“Excel 导入”批量登记。"),
    empty_readonly=_("您所在单位还没有参与共建的实训基地。"),
)


# ---------------------------------------------------------------- 现代学徒制

APPRENTICESHIPS = Registry(
    key="cooperation-apprenticeships",
    path="cooperation/apprenticeships",
    title=_("现代学徒制项目"),
    item=_("现代学徒制项目"),
    counter=_("个"),
    model=Apprenticeship,
    view=VIEW,
    manage=MANAGE,
    icon="engineering",
    api_tag=TAG,
    related=("school", "enterprise", "department"),
    prefetch=("mentors",),
    # Apprentices under agreement, counted by the database rather than row by row.
    queryset=lambda user: Apprenticeship.objects.visible_to(user).annotate(  # type: ignore[attr-defined]
        current_apprentices=Count("apprentices", filter=Q(apprentices__left_on__isnull=True))
    ),
    ordering=("-started_on", "pk"),
    editable=_editable(Apprenticeship),
    columns=[
        Column(_("项目名称"), "name", link=True),
        Column(_("学校"), "school"),
        Column(_("合作企业"), "enterprise"),
        Column(_("专业"), "major"),
        Column(_("开班日期"), "started_on"),
        Column(_("结束日期"), "ended_on"),
    ],
    detail=[
        Column(_("学校"), "school"),
        Column(_("合作企业"), "enterprise"),
        Column(_("统一社会信用代码"), "enterprise.credit_code"),
        Column(_("专业"), "major"),
        Column(_("开班日期"), "started_on"),
        Column(_("结束日期"), "ended_on"),
        Column(_("在册学徒"), "current_apprentices"),
        Column(_("培养方案要点"), "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        UnitFilter(
            "enterprise",
            _("合作企业"),
            ("enterprise",),
            lambda user: units_named_in(Apprenticeship.objects.all(), "enterprise"),
        ),
        YearFilter("year", _("在办年度"), _standing("started_on", "ended_on", end_inclusive=True)),
        SearchFilter("q", _("名称或专业"), ("name__icontains", "major__icontains")),
    ],
    form=forms.ApprenticeshipForm,
    create=lambda *, user, data: services.apprenticeship_create(user=user, **data),
    update=lambda *, user, obj, data: services.apprenticeship_update(
        user=user, programme=obj, **data
    ),
    sections=[
        Section(
            _("企业导师"),
            lambda p, user: p.mentors.annotate(taught=Count("apprentices")).order_by("name", "pk"),
            [
                Column(_("姓名"), "name"),
                Column(_("岗位或职务"), "position"),
                Column(_("技能等级或职称"), "qualification"),
                Column(_("聘任日期"), "since"),
                Column(_("带教学徒"), "taught", num=True),
            ],
            empty=_("尚未聘任企业导师。"),
            action="mentor",
        ),
        Section(
            _("学徒"),
            lambda p, user: (
                Apprentice.objects.visible_to(user)  # type: ignore[attr-defined]
                .filter(programme=p)
                .select_related("mentor")
            ),
            [
                Column(_("姓名"), "name"),
                Column(_("学号"), "student_number"),
                Column(_("签订协议日期"), "signed_on"),
                Column(_("企业导师"), "mentor.name"),
                Column(_("结业或退出日期"), "left_on"),
            ],
            empty=_("尚未登记学徒。学徒在“学徒名册”中登记或批量导入。"),
        ),
    ],
    actions=[
        Action(
            name="mentor",
            title=_("聘任企业导师"),
            capability=MANAGE,
            form=forms.MentorForm,
            run=lambda *, user, obj, data: services.mentor_add(user=user, programme=obj, **data),
            done=_("已登记企业导师"),
        )
    ],
    excel=[
        ExcelColumn(_("项目名称"), "name", required=True, width=28),
        ExcelColumn(_("学校"), "school", required=True, width=22),
        ExcelColumn(
            _("合作企业名称"), "enterprise_name", export="enterprise.name", required=True, width=28
        ),
        ExcelColumn(
            _("统一社会信用代码"),
            "credit_code",
            export="enterprise.credit_code",
            required=True,
            width=22,
        ),
        ExcelColumn(_("专业"), "major", required=True, width=18),
        ExcelColumn(_("开班日期"), "started_on", required=True, width=12),
        ExcelColumn(_("结束日期"), "ended_on", width=12),
        ExcelColumn(_("培养方案要点"), "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn(_("企业导师数"), export=lambda p: p.mentors.count(), width=10),
        ExcelColumn(
            _("在册学徒数"),
            export="current_apprentices",
            width=10,
        ),
    ],
    import_help=_(
        "合作企业按统一社会信用代码识别，尚未登记的企业将同时登记。企业导师在项目页面聘任，学徒在“学徒名册”中登记。"
    ),
    api=[
        ApiField("name", str),
        ApiField("school", RegistryRef, unit_ref("school")),
        ApiField("enterprise", RegistryRef, unit_ref("enterprise")),
        ApiField("major", str),
        ApiField("started_on", dt.date),
        ApiField("ended_on", dt.date | None),
        ApiField(
            "mentors",
            list[dict[str, Any]],
            lambda p: [
                {"id": m.pk, "name": m.name, "position": m.position} for m in p.mentors.all()
            ],
            "企业导师",
        ),
        ApiField(
            "apprentices",
            int,
            "current_apprentices",
            "在册学徒人数",
        ),
        DEPARTMENT_API,
    ],
    empty=_("还没有登记现代学徒制项目。请点击“登记现代学徒制项目”，再聘任企业导师、登记学徒。"),
    empty_readonly=_("您所在单位还没有参与的现代学徒制项目。"),
)

APPRENTICES = Registry(
    key="cooperation-apprentices",
    path="cooperation/apprentices",
    title=_("学徒名册"),
    item=_("学徒"),
    counter=_("名"),
    model=Apprentice,
    view=VIEW,
    manage=MANAGE,
    icon="groups",
    api_tag=TAG,
    related=("programme", "programme__school", "programme__enterprise", "mentor"),
    ordering=("programme__name", "student_number"),
    editable=_editable(Apprentice),
    columns=[
        Column(_("姓名"), "name", link=True),
        Column(_("学号"), "student_number"),
        Column(_("学徒制项目"), "programme"),
        Column(_("学校"), "programme.school"),
        Column(_("合作企业"), "programme.enterprise"),
        Column(_("企业导师"), "mentor.name"),
        Column(_("签订协议日期"), "signed_on"),
        Column(_("结业或退出日期"), "left_on"),
    ],
    detail=[
        Column(_("学号"), "student_number"),
        Column(_("学徒制项目"), "programme"),
        Column(_("学校"), "programme.school"),
        Column(_("合作企业"), "programme.enterprise"),
        Column(_("企业导师"), "mentor"),
        Column(_("签订协议日期"), "signed_on"),
        Column(_("结业或退出日期"), "left_on"),
    ],
    filters=[
        UnitFilter("school", _("学校"), ("programme__school",), selectors.schools_to_filter),
        YearFilter("year", _("在册年度"), _standing("signed_on", "left_on", end_inclusive=True)),
        SearchFilter("q", _("姓名或学号"), ("name__icontains", "student_number__iexact")),
    ],
    form=forms.ApprenticeForm,
    create=lambda *, user, data: services.apprentice_create(user=user, **data),
    update=lambda *, user, obj, data: services.apprentice_update(user=user, apprentice=obj, **data),
    excel=[
        ExcelColumn(_("学徒制项目"), "programme", required=True, width=28),
        ExcelColumn(_("姓名"), "name", required=True, width=10),
        ExcelColumn(_("学号"), "student_number", required=True, width=14),
        ExcelColumn(_("签订协议日期"), "signed_on", required=True, width=12),
        ExcelColumn(_("企业导师"), "mentor_name", export="mentor.name", width=10),
        ExcelColumn(_("结业或退出日期"), "left_on", width=12),
        ExcelColumn(_("学校"), export="programme.school", width=22),
        ExcelColumn(_("合作企业"), export="programme.enterprise", width=28),
    ],
    import_help=_(
        "“学徒制项目”填写项目名称（不同学校有同名项目时写成“学校/项目名称”）；“企业导师”填写该项目已聘任导师的姓名。"
    ),
    api=[
        ApiField("name", str),
        ApiField("student_number", str),
        ApiField("programme", RegistryRef, unit_ref("programme"), "学徒制项目"),
        ApiField("school", RegistryRef, unit_ref("programme.school")),
        ApiField("mentor", str | None, "mentor.name", "企业导师"),
        ApiField("signed_on", dt.date),
        ApiField("left_on", dt.date | None),
    ],
    empty=_(
        "还没有登记学徒。请先登记现代学徒制项目并聘任导师，再点击“登记学徒”或通过“Excel 导入”批量登记。"
    ),
    empty_readonly=_("您所在单位还没有学徒记录。"),
)


# ---------------------------------------------------------------- 1+X 证书试点

PILOTS = Registry(
    key="cooperation-pilots",
    path="cooperation/pilots",
    title=_("1+X 证书试点项目"),
    item=_("1+X 证书试点"),
    counter=_("个"),
    model=XPilot,
    view=VIEW,
    manage=MANAGE,
    icon="workspace_premium",
    api_tag=TAG,
    related=("school", "department"),
    ordering=("school__name", "certificate"),
    editable=_editable(XPilot),
    columns=[
        Column(_("职业技能等级证书"), "certificate", link=True),
        Column(_("证书等级"), "get_certificate_level_display"),
        Column(_("试点学校"), "school"),
        Column(_("试点专业"), "major"),
        Column(_("项目类别"), "get_level_display"),
        Column(_("参加考核"), "candidates", num=True),
        Column(_("取证"), "certified", num=True),
    ],
    detail=[
        Column(_("试点学校"), "school"),
        Column(_("证书等级"), "get_certificate_level_display"),
        Column(_("培训评价组织"), "organisation"),
        Column(_("试点专业"), "major"),
        Column(_("试点开始日期"), "started_on"),
        Column(
            _("项目类别"),
            lambda p: (
                p.get_level_display()
                + (gettext("（{day} 遴选）").format(day=p.level_since) if p.level_since else "")
            ),
        ),
        Column(_("累计参加考核人数"), "candidates"),
        Column(_("累计取证人数"), "certified"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter("level", _("项目类别"), PilotLevel.choices),
        YearFilter("year", _("试点年度（截至）"), _standing("started_on")),
        SearchFilter(
            "q",
            _("证书或专业"),
            ("certificate__icontains", "major__icontains", "organisation__icontains"),
        ),
    ],
    form=forms.PilotForm,
    create=lambda *, user, data: services.pilot_create(user=user, **data),
    update=lambda *, user, obj, data: services.pilot_update(user=user, pilot=obj, **data),
    sections=[_level_section(XPilot, _("示范项目遴选记录"))],
    actions=[_level_action(_("1+X 证书试点"))],
    excel=[
        ExcelColumn(_("试点学校"), "school", required=True, width=22),
        ExcelColumn(_("职业技能等级证书"), "certificate", required=True, width=30),
        ExcelColumn(_("证书等级"), "certificate_level", required=True, width=10),
        ExcelColumn(_("培训评价组织"), "organisation", required=True, width=28),
        ExcelColumn(_("试点专业"), "major", required=True, width=18),
        ExcelColumn(_("试点开始日期"), "started_on", required=True, width=12),
        ExcelColumn(_("累计参加考核人数"), "candidates", width=12),
        ExcelColumn(_("累计取证人数"), "certified", width=12),
        DEPARTMENT_EXCEL,
        ExcelColumn(_("项目类别"), export="get_level_display", width=10),
        ExcelColumn(_("遴选日期"), export="level_since", width=12),
    ],
    import_help=_("导入的都是试点项目；遴选为示范项目由工作专班在项目页面登记。"),
    api=[
        ApiField("school", RegistryRef, unit_ref("school")),
        ApiField("certificate", str),
        ApiField(
            "certificate_level", str, description="junior 初级、intermediate 中级、senior 高级"
        ),
        ApiField("organisation", str),
        ApiField("major", str),
        ApiField("started_on", dt.date),
        ApiField(
            "level", str, description="pilot 试点项目、demonstration 示范项目、stopped 已停止"
        ),
        ApiField("level_since", dt.date | None),
        ApiField("candidates", int),
        ApiField("certified", int),
        DEPARTMENT_API,
    ],
    empty=_(
        "还没有登记 1+X 证书试点项目。请点击“登记1+X 证书试点”，或下载模板后通过“Excel 导入”批量登记。"
    ),
    empty_readonly=_("您所在单位还没有 1+X 证书试点项目。"),
)


# ---------------------------------------------------------------- school governance

GOVERNANCE = Registry(
    key="governance-charters",
    path="governance/charters",
    title=_("学校章程与理事会"),
    item=_("章程与理事会"),
    counter=_("所学校的"),
    model=SchoolGovernance,
    view=VIEW,
    manage=MANAGE,
    icon="gavel",
    api_tag=GOVERNANCE_TAG,
    related=("school",),
    ordering=("school__name",),
    editable=_editable(SchoolGovernance),
    columns=[
        Column(_("学校"), "school", link=True),
        Column(_("章程核准日期"), "charter_approved_on"),
        Column(_("理事会成立日期"), "council_founded_on"),
        Column(_("理事长"), "council_chair"),
        Column(_("理事会成员"), "council_members", num=True),
        Column(_("行业企业代表"), "enterprise_members", num=True),
    ],
    detail=[
        Column(_("章程核准日期"), "charter_approved_on"),
        Column(_("章程核准机关"), "charter_authority"),
        Column(_("核准文号"), "charter_document_no"),
        Column(_("理事会成立日期"), "council_founded_on"),
        Column(_("理事长"), "council_chair"),
        Column(_("理事会成员数"), "council_members"),
        Column(_("其中行业企业代表数"), "enterprise_members"),
        Column(_("一校一案（见督查督办）"), selectors.school_plan_year),
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter(
            "council",
            _("理事会"),
            [("yes", _("已成立")), ("no", _("未成立"))],
            lambda v: Q(council_founded_on__isnull=v == "no"),
        ),
    ],
    form=forms.GovernanceForm,
    create=lambda *, user, data: services.governance_create(user=user, **data),
    update=lambda *, user, obj, data: services.governance_update(user=user, record=obj, **data),
    excel=[
        ExcelColumn(_("学校"), "school", required=True, width=22),
        ExcelColumn(_("章程核准日期"), "charter_approved_on", width=12),
        ExcelColumn(_("章程核准机关"), "charter_authority", width=20),
        ExcelColumn(_("核准文号"), "charter_document_no", width=20),
        ExcelColumn(_("理事会成立日期"), "council_founded_on", width=12),
        ExcelColumn(_("理事长"), "council_chair", width=10),
        ExcelColumn(_("理事会成员数"), "council_members", width=10),
        ExcelColumn(_("其中行业企业代表数"), "enterprise_members", width=12),
    ],
    import_help=_(
        "每所学校一行；已登记的学校请在原记录上修改。一校一案在“督查督办—一校一案”中制定，这里只显示其状态。"
    ),
    api=[
        ApiField("school", RegistryRef, unit_ref("school")),
        ApiField("charter_approved_on", dt.date | None),
        ApiField("charter_authority", str),
        ApiField("council_founded_on", dt.date | None),
        ApiField("council_chair", str),
        ApiField("council_members", int | None),
        ApiField("enterprise_members", int | None),
    ],
    empty=_("还没有登记学校章程与理事会。请点击“登记章程与理事会”，每所学校登记一条。"),
    empty_readonly=_("您所在单位还没有登记章程与理事会。"),
)

SANQUAN = Registry(
    key="governance-sanquan",
    path="governance/sanquan",
    title=_("“三全育人”试点学校"),
    item=_("“三全育人”试点"),
    counter=_("个"),
    model=SanquanPilot,
    view=VIEW,
    manage=MANAGE,
    icon="diversity_3",
    api_tag=GOVERNANCE_TAG,
    related=("school",),
    ordering=("-approved_on", "pk"),
    editable=_editable(SanquanPilot),
    columns=[
        Column(_("学校"), "school", link=True),
        Column(_("级别"), "get_rank_display"),
        Column(_("认定日期"), "approved_on"),
        Column(_("认定机关"), "authority"),
        Column(_("文号"), "document_no"),
        Column(_("终止日期"), "ended_on"),
    ],
    detail=[
        Column(_("级别"), "get_rank_display"),
        Column(_("认定日期"), "approved_on"),
        Column(_("认定机关"), "authority"),
        Column(_("文号"), "document_no"),
        Column(_("终止日期"), "ended_on"),
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter("rank", _("级别"), PilotRank.choices),
        YearFilter("year", _("试点年度"), _standing("approved_on", "ended_on")),
    ],
    form=forms.SanquanForm,
    create=lambda *, user, data: services.sanquan_create(user=user, **data),
    update=lambda *, user, obj, data: services.sanquan_update(user=user, pilot=obj, **data),
    excel=[
        ExcelColumn(_("学校"), "school", required=True, width=22),
        ExcelColumn(_("级别"), "rank", required=True, width=10),
        ExcelColumn(_("认定日期"), "approved_on", required=True, width=12),
        ExcelColumn(_("认定机关"), "authority", required=True, width=20),
        ExcelColumn(_("文号"), "document_no", width=20),
        ExcelColumn(_("终止日期"), "ended_on", width=12),
    ],
    api=[
        ApiField("school", RegistryRef, unit_ref("school")),
        ApiField(
            "rank", str, description="school 校级、municipal 市级、provincial 省级、national 国家级"
        ),
        ApiField("approved_on", dt.date),
        ApiField("authority", str),
        ApiField("ended_on", dt.date | None),
    ],
    empty=_("还没有登记“三全育人”综合改革试点学校。获得认定后请点击“登记‘三全育人’试点”。"),
    empty_readonly=_("您所在单位还没有“三全育人”试点记录。"),
)

CASES = Registry(
    key="governance-cases",
    path="governance/cases",
    title=_("思政示范课堂与典型案例"),
    item=_("案例"),
    counter=_("项"),
    model=IdeologyCase,
    view=VIEW,
    manage=MANAGE,
    icon="menu_book",
    api_tag=GOVERNANCE_TAG,
    related=("school",),
    ordering=("-year", "school__name", "title"),
    editable=_editable(IdeologyCase),
    columns=[
        Column(_("名称"), "title", link=True),
        Column(_("类别"), "get_kind_display"),
        Column(_("学校"), "school"),
        Column(_("课程"), "course"),
        Column(_("教师"), "teachers"),
        Column(_("级别"), "get_rank_display"),
        Column(_("年度"), "year", num=True),
    ],
    detail=[
        Column(_("类别"), "get_kind_display"),
        Column(_("学校"), "school"),
        Column(_("课程"), "course"),
        Column(_("主讲或完成教师"), "teachers"),
        Column(_("认定级别"), "get_rank_display"),
        Column(_("认定年度"), "year"),
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter("kind", _("类别"), CaseKind.choices),
        ChoiceFilter("rank", _("级别"), PilotRank.choices),
        YearFilter("year", _("认定年度"), lambda y: Q(year=y)),
        SearchFilter("q", _("名称或课程"), ("title__icontains", "course__icontains")),
    ],
    form=forms.CaseForm,
    create=lambda *, user, data: services.case_create(user=user, **data),
    update=lambda *, user, obj, data: services.case_update(user=user, case=obj, **data),
    excel=[
        ExcelColumn(_("学校"), "school", required=True, width=22),
        ExcelColumn(_("类别"), "kind", required=True, width=18),
        ExcelColumn(_("名称"), "title", required=True, width=30),
        ExcelColumn(_("课程"), "course", required=True, width=18),
        ExcelColumn(_("主讲或完成教师"), "teachers", required=True, width=18),
        ExcelColumn(_("认定级别"), "rank", required=True, width=10),
        ExcelColumn(_("认定年度"), "year", required=True, width=10),
    ],
    api=[
        ApiField("school", RegistryRef, unit_ref("school")),
        ApiField(
            "kind", str, description="model_class 思政教育示范课堂、course_case 课程思政典型案例"
        ),
        ApiField("title", str),
        ApiField("course", str),
        ApiField("teachers", str),
        ApiField("rank", str),
        ApiField("year", int),
    ],
    empty=_(
        "还没有登记思政示范课堂或课程思政典型案例。请点击“登记案例”，或通过“Excel 导入”批量登记。"
    ),
    empty_readonly=_("您所在单位还没有登记的案例。"),
)


# ---------------------------------------------------------------- the enterprise directory

DIRECTORY = Registry(
    key="cooperation-directory",
    path="cooperation/directory",
    title=_("企业名录"),
    item=_("企业"),
    counter=_("家"),
    model=Unit,
    module=__name__,
    view=VIEW,
    manage=MANAGE,
    icon="apartment",
    api_tag=TAG,
    queryset=selectors.enterprises_visible,
    ordering=("name",),
    columns=[
        Column(_("企业名称"), "name", link=True),
        Column(_("简称"), "short_name"),
        Column(_("统一社会信用代码"), "credit_code"),
        Column(_("启用"), "is_active"),
    ],
    detail=[
        Column(_("简称"), "short_name"),
        Column(_("统一社会信用代码"), "credit_code"),
        Column(_("启用"), "is_active"),
    ],
    filters=[
        SearchFilter(
            "q",
            _("名称或信用代码"),
            ("name__icontains", "short_name__icontains", "credit_code__iexact"),
        )
    ],
    form=forms.EnterpriseForm,
    create=lambda *, user, data: services.enterprise_add(user=user, **data),
    sections=[
        Section(
            _("参与的校企合作（您可见的）"),
            selectors.enterprise_records,
            [Column(_("类别"), lambda r: r["kind"]), Column(_("名称或级别"), lambda r: r["name"])],
            empty=_("您可见的范围内，该企业尚未参与校企合作记录。"),
        )
    ],
    excel=[
        ExcelColumn(_("企业名称"), "name", required=True, width=32),
        ExcelColumn(_("统一社会信用代码"), "credit_code", required=True, width=22),
        ExcelColumn(_("简称"), "short_name", width=14),
    ],
    import_help=_(
        "企业按统一社会信用代码（GB 32100，18 位，含校验位）识别：已登记的企业不能重复登记，同一代码不能登记为不同名称。"
    ),
    api=[
        ApiField("name", str),
        ApiField("short_name", str),
        ApiField("credit_code", str),
        ApiField("is_active", bool),
    ],
    empty=_("还没有登记企业。请点击“登记企业”，或下载模板后通过“Excel 导入”批量登记合作企业。"),
    empty_readonly=_("还没有登记企业。"),
)


REGISTRIES = [
    PROJECTS,
    GROUPS,
    ENTERPRISES,
    BASES,
    APPRENTICESHIPS,
    APPRENTICES,
    PILOTS,
    DIRECTORY,
    GOVERNANCE,
    SANQUAN,
    CASES,
]
