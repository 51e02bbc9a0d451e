"""The cooperation and school-governance registries, declared on ``zhijiao.core.registry``.

Each declaration says what users see and may do; the rules live in ``services``. ``urls``,
``access`` and ``api`` take their pages, permission entries and routes from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q

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
)
from zhijiao.orgs.models import Unit
from zhijiao.orgs.roles import Capability

from . import forms, selectors, services
from .data import (
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


def _level_section(model: Any, title: str = "级别认定记录") -> Section:
    return Section(
        title,
        _level_history,
        [
            Column("认定日期", "decided_on"),
            Column("调整", _level_label(model)),
            Column("认定机关", "authority"),
            Column("文号", "document_no"),
            Column("说明", "note"),
            Column("登记人", "decided_by"),
        ],
        empty="尚无认定记录。",
        action="level",
    )


def _level_action(what: str) -> Action:
    return Action(
        name="level",
        title="认定级别",
        capability=DECIDE,
        form=forms.LevelForm,
        run=lambda *, user, obj, data: services.level_decide(user=user, record=obj, **data),
        done=f"已登记{what}级别认定",
    )


SCHOOL_FILTER = UnitFilter("school", "学校", ("school",), selectors.schools_to_filter)
INDUSTRY_FILTER = ChoiceFilter("industry", "产业领域", Industry.choices)
DEPARTMENT_COLUMN = Column("负责部门", "department")
DEPARTMENT_EXCEL = ExcelColumn("负责部门", "department", width=14)
DEPARTMENT_API = ApiField("department", RegistryRef | None, unit_ref("department"), "负责部门")


# ---------------------------------------------------------------- 名企名校合作项目

PROJECTS = Registry(
    key="cooperation-projects",
    path="cooperation/projects",
    title="名企名校合作项目",
    item="合作项目",
    counter="个",
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
        Column("项目名称", "name", link=True),
        Column("牵头学校", "school"),
        Column("合作企业", "enterprises"),
        Column("产业领域", "get_industry_display"),
        Column("启动日期", "started_on"),
        Column("状态", lambda p: f"{p.terminated_on} 终止" if p.terminated_on else "建设中"),
    ],
    detail=[
        Column("牵头学校", "school"),
        Column("合作企业", "enterprises"),
        Column("产业领域", "get_industry_display"),
        Column("合作内容", "content"),
        Column("合作成果", "outputs"),
        Column("启动日期", "started_on"),
        Column("计划完成日期", "planned_end_on"),
        Column(
            "终止",
            lambda p: f"{p.terminated_on}：{p.termination_reason}" if p.terminated_on else "",
        ),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        UnitFilter(
            "enterprise", "合作企业", ("enterprises",), lambda user: selectors.enterprises_all()
        ),
        INDUSTRY_FILTER,
        YearFilter("year", "在建年度", _standing("started_on", "terminated_on")),
        SearchFilter(
            "q",
            "名称或内容",
            ("name__icontains", "content__icontains"),
            "项目名称或合作内容中的字词",
        ),
    ],
    form=forms.ProjectForm,
    create=lambda *, user, data: services.project_create(user=user, **data),
    update=lambda *, user, obj, data: services.project_update(user=user, project=obj, **data),
    actions=[
        Action(
            name="terminate",
            title="终止项目",
            capability=MANAGE,
            form=forms.TerminateForm,
            run=lambda *, user, obj, data: services.project_terminate(
                user=user, project=obj, **data
            ),
            done="已登记项目终止",
            show=lambda p: p.terminated_on is None,
        )
    ],
    excel=[
        ExcelColumn("项目名称", "name", required=True, width=28),
        ExcelColumn("牵头学校", "school", required=True, width=22),
        ExcelColumn("合作企业", "enterprises", required=True, width=36),
        ExcelColumn("产业领域", "industry", required=True),
        ExcelColumn("合作内容", "content", required=True, width=40),
        ExcelColumn("合作成果", "outputs", width=40),
        ExcelColumn("启动日期", "started_on", required=True, width=12),
        ExcelColumn("计划完成日期", "planned_end_on", width=12),
        DEPARTMENT_EXCEL,
        ExcelColumn("终止日期", export="terminated_on", width=12),
        ExcelColumn("终止原因", export="termination_reason", width=24),
    ],
    import_help="“合作企业”填写已登记企业的名称或统一社会信用代码，多家企业用顿号分隔；尚未登记的企业请先在“企业名录”中登记。",
    api=[
        ApiField("name", str, description="项目名称"),
        ApiField("school", RegistryRef, unit_ref("school"), "牵头学校"),
        ApiField("enterprises", list[RegistryRef], unit_refs("enterprises"), "合作企业"),
        ApiField("industry", str, description="产业领域代码"),
        ApiField("content", str),
        ApiField("outputs", str),
        ApiField("started_on", dt.date),
        ApiField("planned_end_on", dt.date | None),
        ApiField("terminated_on", dt.date | None),
        DEPARTMENT_API,
    ],
    empty="还没有登记名企名校合作项目。请点击“登记合作项目”逐个登记，或下载模板后通过“Excel 导入”批量登记。",
    empty_readonly="您所在单位还没有参与的名企名校合作项目。",
)


# ---------------------------------------------------------------- 职教集团

GROUPS = Registry(
    key="cooperation-groups",
    path="cooperation/groups",
    title="职教集团",
    item="职教集团",
    counter="个",
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
        Column("集团名称", "name", link=True),
        Column("牵头单位", "lead"),
        Column("级别", "get_level_display"),
        Column("产业领域", "get_industry_display"),
        Column("成立日期", "founded_on"),
    ],
    detail=[
        Column("牵头单位", "lead"),
        Column(
            "级别",
            lambda g: (
                g.get_level_display() + (f"（{g.level_since} 认定）" if g.level_since else "")
            ),
        ),
        Column("产业领域", "get_industry_display"),
        Column("成立日期", "founded_on"),
        Column("集团简介", "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        ChoiceFilter("level", "级别", GroupLevel.choices),
        INDUSTRY_FILTER,
        UnitFilter(
            "member", "成员单位", ("members__unit",), lambda user: selectors.member_candidates()
        ),
        YearFilter("year", "成立年度（截至）", _standing("founded_on")),
        SearchFilter("q", "名称", ("name__icontains",)),
    ],
    form=forms.GroupForm,
    create=lambda *, user, data: services.group_create(user=user, **data),
    update=lambda *, user, obj, data: services.group_update(user=user, group=obj, **data),
    sections=[
        Section(
            "成员单位",
            lambda g, user: g.members.select_related("unit").order_by(
                "left_on", "role", "unit__name"
            ),
            [
                Column("单位", "unit"),
                Column("类别", "get_role_display"),
                Column("加入日期", "joined_on"),
                Column("退出日期", "left_on"),
            ],
            empty="尚无成员单位。",
            action="member-add",
        ),
        Section(
            "集团活动",
            lambda g, user: g.activities.all(),
            [
                Column("日期", "held_on"),
                Column("类别", "get_kind_display"),
                Column("活动名称", "title"),
                Column("参与人数", "participants", num=True),
                Column("活动情况", "summary"),
            ],
            empty="尚无活动记录。",
            action="activity",
        ),
        _level_section(VocationalGroup),
    ],
    actions=[
        Action(
            name="member-add",
            title="登记成员单位",
            capability=MANAGE,
            form=forms.MemberAddForm,
            run=lambda *, user, obj, data: services.member_add(user=user, group=obj, **data),
            done="已登记成员单位",
            show=lambda g: g.level != GroupLevel.DISSOLVED,
        ),
        Action(
            name="member-leave",
            title="登记成员退出",
            capability=MANAGE,
            form=forms.MemberLeaveForm,
            run=lambda *, user, obj, data: services.member_leave(user=user, group=obj, **data),
            done="已登记成员退出",
        ),
        Action(
            name="activity",
            title="登记活动",
            capability=MANAGE,
            form=forms.ActivityForm,
            run=lambda *, user, obj, data: services.activity_record(user=user, group=obj, **data),
            done="已登记集团活动",
        ),
        _level_action("职教集团"),
    ],
    excel=[
        ExcelColumn("集团名称", "name", required=True, width=30),
        ExcelColumn("牵头单位", "lead", required=True, width=24),
        ExcelColumn("产业领域", "industry", required=True),
        ExcelColumn("成立日期", "founded_on", required=True, width=12),
        ExcelColumn("集团简介", "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn("级别", export="get_level_display", width=10),
        ExcelColumn("级别认定日期", export="level_since", width=12),
        ExcelColumn(
            "现有成员数",
            export=lambda g: sum(1 for m in g.members.all() if m.left_on is None),
            width=10,
        ),
    ],
    import_help="导入后集团级别为“一般”，示范性、骨干职教集团由工作专班在集团页面认定；牵头单位自动成为理事长单位。",
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
    empty="还没有登记职教集团。请点击“登记职教集团”，再在集团页面登记成员单位和活动。",
    empty_readonly="您所在单位还没有参加的职教集团。",
)


# ---------------------------------------------------------------- 产教融合型企业

ENTERPRISES = Registry(
    key="cooperation-enterprises",
    path="cooperation/enterprises",
    title="产教融合型企业",
    item="产教融合型企业",
    counter="家",
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
        Column("企业", "enterprise", link=True),
        Column("统一社会信用代码", "enterprise.credit_code"),
        Column("级别", "get_level_display"),
        Column("产业领域", "get_industry_display"),
        Column("合作院校", "schools"),
        Column("负责部门", "department"),
    ],
    detail=[
        Column("统一社会信用代码", "enterprise.credit_code"),
        Column(
            "当前级别",
            lambda r: (
                r.get_level_display() + (f"（{r.level_since} 认定）" if r.level_since else "")
            ),
        ),
        Column("产业领域", "get_industry_display"),
        Column("合作院校", "schools"),
        Column("申报日期", "applied_on"),
        Column("年度职业教育投入（万元）", "vet_investment"),
        Column("产教融合情况", "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        ChoiceFilter("level", "级别", EnterpriseLevel.choices),
        INDUSTRY_FILTER,
        UnitFilter("school", "合作院校", ("schools",), selectors.schools_to_filter),
        YearFilter("year", "申报年度（截至）", _standing("applied_on")),
        SearchFilter(
            "q",
            "企业名称或信用代码",
            ("enterprise__name__icontains", "enterprise__credit_code__iexact"),
        ),
    ],
    form=forms.EnterpriseRecordForm,
    create=lambda *, user, data: services.cpe_create(user=user, **data),
    update=lambda *, user, obj, data: services.cpe_update(user=user, record=obj, **data),
    sections=[
        _level_section(IntegrationEnterprise),
        Section(
            "激励政策落实（金融、财政、土地、信用、教育费附加抵免）",
            lambda r, user: r.incentives.all(),
            [
                Column("落实日期", "granted_on"),
                Column("政策类别", "get_policy_display"),
                Column("金额（万元）", "amount", num=True),
                Column("实施部门", "authority"),
                Column("内容", "description"),
            ],
            empty="尚未登记激励政策落实情况。",
            action="incentive",
        ),
    ],
    actions=[
        _level_action("产教融合型企业"),
        Action(
            name="incentive",
            title="登记激励政策",
            capability=MANAGE,
            form=forms.IncentiveForm,
            run=lambda *, user, obj, data: services.incentive_record(user=user, record=obj, **data),
            done="已登记激励政策落实",
            show=lambda r: r.level not in (EnterpriseLevel.CANDIDATE, EnterpriseLevel.REMOVED),
        ),
    ],
    excel=[
        ExcelColumn(
            "企业名称", "enterprise_name", export="enterprise.name", required=True, width=30
        ),
        ExcelColumn(
            "统一社会信用代码",
            "credit_code",
            export="enterprise.credit_code",
            required=True,
            width=22,
        ),
        ExcelColumn("产业领域", "industry", required=True),
        ExcelColumn("合作院校", "schools", width=30),
        ExcelColumn("申报日期", "applied_on", required=True, width=12),
        ExcelColumn("年度职业教育投入（万元）", "vet_investment", width=14),
        ExcelColumn("产教融合情况", "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn("当前级别", export="get_level_display", width=10),
        ExcelColumn("级别认定日期", export="level_since", width=12),
        ExcelColumn(
            "激励政策金额合计（万元）",
            export=lambda r: sum((g.amount or 0 for g in r.incentives.all()), 0),
            width=14,
        ),
    ],
    import_help="企业按统一社会信用代码识别：系统中尚未登记的企业将同时登记；同一企业不能重复进入名单。导入后级别为“已申报”，由工作专班认定入库、市级、省级。",
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
    empty="还没有登记产教融合型企业。负责部门（如发改委）请点击“登记产教融合型企业”，或通过“Excel 导入”批量登记申报企业。",
    empty_readonly="您所在单位还没有参与的产教融合型企业记录。",
)


# ---------------------------------------------------------------- 实训基地

BASES = Registry(
    key="cooperation-bases",
    path="cooperation/bases",
    title="实训基地",
    item="实训基地",
    counter="个",
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
        Column("基地名称", "name", link=True),
        Column("承建学校", "school"),
        Column("共建企业", "enterprises"),
        Column("资源共享型", "shared"),
        Column("功能", "functions"),
        Column("级别", "get_level_display"),
        Column("建成日期", "opened_on"),
    ],
    detail=[
        Column("承建学校", "school"),
        Column("共建企业", "enterprises"),
        Column("产业领域", "get_industry_display"),
        Column("资源共享型", "shared"),
        Column("功能", "functions"),
        Column(
            "级别",
            lambda b: (
                b.get_level_display() + (f"（{b.level_since} 认定）" if b.level_since else "")
            ),
        ),
        Column("建成日期", "opened_on"),
        Column("工位数", "workstations"),
        Column("建筑面积（平方米）", "area"),
        Column("总投入（万元）", "investment"),
        Column("基地简介", "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter(
            "shared", "资源共享型", [("yes", "是"), ("no", "否")], lambda v: Q(shared=v == "yes")
        ),
        ChoiceFilter("level", "级别", BaseLevel.choices),
        INDUSTRY_FILTER,
        YearFilter("year", "建成年度（截至）", _standing("opened_on")),
        SearchFilter("q", "名称", ("name__icontains",)),
    ],
    form=forms.TrainingBaseForm,
    create=lambda *, user, data: services.base_create(user=user, **data),
    update=lambda *, user, obj, data: services.base_update(user=user, base=obj, **data),
    sections=[_level_section(TrainingBase)],
    actions=[_level_action("实训基地")],
    excel=[
        ExcelColumn("基地名称", "name", required=True, width=28),
        ExcelColumn("承建学校", "school", required=True, width=22),
        ExcelColumn("共建企业", "enterprises", width=30),
        ExcelColumn("产业领域", "industry", required=True),
        ExcelColumn("资源共享型", "shared", width=10),
        ExcelColumn("基地功能", "functions", export="functions", required=True, width=30),
        ExcelColumn("建成日期", "opened_on", required=True, width=12),
        ExcelColumn("工位数", "workstations", width=10),
        ExcelColumn("建筑面积（平方米）", "area", width=12),
        ExcelColumn("总投入（万元）", "investment", width=12),
        ExcelColumn("基地简介", "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn("级别", export="get_level_display", width=10),
    ],
    import_help="“基地功能”从人才培养、技术研发、生产示范、员工培训、技能鉴定中选择，多项用顿号分隔；资源共享型基地应至少具备两项功能。",
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
    empty="还没有登记实训基地。请点击“登记实训基地”，或下载模板后通过“Excel 导入”批量登记。",
    empty_readonly="您所在单位还没有参与共建的实训基地。",
)


# ---------------------------------------------------------------- 现代学徒制

APPRENTICESHIPS = Registry(
    key="cooperation-apprenticeships",
    path="cooperation/apprenticeships",
    title="现代学徒制项目",
    item="学徒制项目",
    counter="个",
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
        Column("项目名称", "name", link=True),
        Column("学校", "school"),
        Column("合作企业", "enterprise"),
        Column("专业", "major"),
        Column("开班日期", "started_on"),
        Column("结束日期", "ended_on"),
    ],
    detail=[
        Column("学校", "school"),
        Column("合作企业", "enterprise"),
        Column("统一社会信用代码", "enterprise.credit_code"),
        Column("专业", "major"),
        Column("开班日期", "started_on"),
        Column("结束日期", "ended_on"),
        Column("在册学徒", "current_apprentices"),
        Column("培养方案要点", "description"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        UnitFilter(
            "enterprise", "合作企业", ("enterprise",), lambda user: selectors.enterprises_all()
        ),
        YearFilter("year", "在办年度", _standing("started_on", "ended_on", end_inclusive=True)),
        SearchFilter("q", "名称或专业", ("name__icontains", "major__icontains")),
    ],
    form=forms.ApprenticeshipForm,
    create=lambda *, user, data: services.apprenticeship_create(user=user, **data),
    update=lambda *, user, obj, data: services.apprenticeship_update(
        user=user, programme=obj, **data
    ),
    sections=[
        Section(
            "企业导师",
            lambda p, user: p.mentors.annotate(taught=Count("apprentices")).order_by("name", "pk"),
            [
                Column("姓名", "name"),
                Column("岗位或职务", "position"),
                Column("技能等级或职称", "qualification"),
                Column("聘任日期", "since"),
                Column("带教学徒", "taught", num=True),
            ],
            empty="尚未聘任企业导师。",
            action="mentor",
        ),
        Section(
            "学徒",
            lambda p, user: (
                Apprentice.objects.visible_to(user)  # type: ignore[attr-defined]
                .filter(programme=p)
                .select_related("mentor")
            ),
            [
                Column("姓名", "name"),
                Column("学号", "student_number"),
                Column("签订协议日期", "signed_on"),
                Column("企业导师", "mentor.name"),
                Column("结业或退出日期", "left_on"),
            ],
            empty="尚未登记学徒。学徒在“学徒名册”中登记或批量导入。",
        ),
    ],
    actions=[
        Action(
            name="mentor",
            title="聘任企业导师",
            capability=MANAGE,
            form=forms.MentorForm,
            run=lambda *, user, obj, data: services.mentor_add(user=user, programme=obj, **data),
            done="已登记企业导师",
        )
    ],
    excel=[
        ExcelColumn("项目名称", "name", required=True, width=28),
        ExcelColumn("学校", "school", required=True, width=22),
        ExcelColumn(
            "合作企业名称", "enterprise_name", export="enterprise.name", required=True, width=28
        ),
        ExcelColumn(
            "统一社会信用代码",
            "credit_code",
            export="enterprise.credit_code",
            required=True,
            width=22,
        ),
        ExcelColumn("专业", "major", required=True, width=18),
        ExcelColumn("开班日期", "started_on", required=True, width=12),
        ExcelColumn("结束日期", "ended_on", width=12),
        ExcelColumn("培养方案要点", "description", width=40),
        DEPARTMENT_EXCEL,
        ExcelColumn("企业导师数", export=lambda p: p.mentors.count(), width=10),
        ExcelColumn(
            "在册学徒数",
            export="current_apprentices",
            width=10,
        ),
    ],
    import_help="合作企业按统一社会信用代码识别，尚未登记的企业将同时登记。企业导师在项目页面聘任，学徒在“学徒名册”中登记。",
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
    empty="还没有登记现代学徒制项目。请点击“登记学徒制项目”，再聘任企业导师、登记学徒。",
    empty_readonly="您所在单位还没有参与的现代学徒制项目。",
)

APPRENTICES = Registry(
    key="cooperation-apprentices",
    path="cooperation/apprentices",
    title="学徒名册",
    item="学徒",
    counter="名",
    model=Apprentice,
    view=VIEW,
    manage=MANAGE,
    icon="groups",
    api_tag=TAG,
    related=("programme", "programme__school", "programme__enterprise", "mentor"),
    ordering=("programme__name", "student_number"),
    editable=_editable(Apprentice),
    columns=[
        Column("姓名", "name", link=True),
        Column("学号", "student_number"),
        Column("学徒制项目", "programme"),
        Column("学校", "programme.school"),
        Column("合作企业", "programme.enterprise"),
        Column("企业导师", "mentor.name"),
        Column("签订协议日期", "signed_on"),
        Column("结业或退出日期", "left_on"),
    ],
    detail=[
        Column("学号", "student_number"),
        Column("学徒制项目", "programme"),
        Column("学校", "programme.school"),
        Column("合作企业", "programme.enterprise"),
        Column("企业导师", "mentor"),
        Column("签订协议日期", "signed_on"),
        Column("结业或退出日期", "left_on"),
    ],
    filters=[
        UnitFilter("school", "学校", ("programme__school",), selectors.schools_to_filter),
        YearFilter("year", "在册年度", _standing("signed_on", "left_on", end_inclusive=True)),
        SearchFilter("q", "姓名或学号", ("name__icontains", "student_number__iexact")),
    ],
    form=forms.ApprenticeForm,
    create=lambda *, user, data: services.apprentice_create(user=user, **data),
    update=lambda *, user, obj, data: services.apprentice_update(user=user, apprentice=obj, **data),
    excel=[
        ExcelColumn("学徒制项目", "programme", required=True, width=28),
        ExcelColumn("姓名", "name", required=True, width=10),
        ExcelColumn("学号", "student_number", required=True, width=14),
        ExcelColumn("签订协议日期", "signed_on", required=True, width=12),
        ExcelColumn("企业导师", "mentor_name", export="mentor.name", width=10),
        ExcelColumn("结业或退出日期", "left_on", width=12),
        ExcelColumn("学校", export="programme.school", width=22),
        ExcelColumn("合作企业", export="programme.enterprise", width=28),
    ],
    import_help="“学徒制项目”填写项目名称（不同学校有同名项目时写成“学校/项目名称”）；“企业导师”填写该项目已聘任导师的姓名。",
    api=[
        ApiField("name", str),
        ApiField("student_number", str),
        ApiField("programme", RegistryRef, unit_ref("programme"), "学徒制项目"),
        ApiField("school", RegistryRef, unit_ref("programme.school")),
        ApiField("mentor", str | None, "mentor.name", "企业导师"),
        ApiField("signed_on", dt.date),
        ApiField("left_on", dt.date | None),
    ],
    empty="还没有登记学徒。请先登记现代学徒制项目并聘任导师，再点击“登记学徒”或通过“Excel 导入”批量登记。",
    empty_readonly="您所在单位还没有学徒记录。",
)


# ---------------------------------------------------------------- 1+X 证书试点

PILOTS = Registry(
    key="cooperation-pilots",
    path="cooperation/pilots",
    title="1+X证书试点项目",
    item="1+X证书试点",
    counter="个",
    model=XPilot,
    view=VIEW,
    manage=MANAGE,
    icon="workspace_premium",
    api_tag=TAG,
    related=("school", "department"),
    ordering=("school__name", "certificate"),
    editable=_editable(XPilot),
    columns=[
        Column("职业技能等级证书", "certificate", link=True),
        Column("证书等级", "get_certificate_level_display"),
        Column("试点学校", "school"),
        Column("试点专业", "major"),
        Column("项目类别", "get_level_display"),
        Column("参加考核", "candidates", num=True),
        Column("取证", "certified", num=True),
    ],
    detail=[
        Column("试点学校", "school"),
        Column("证书等级", "get_certificate_level_display"),
        Column("培训评价组织", "organisation"),
        Column("试点专业", "major"),
        Column("试点开始日期", "started_on"),
        Column(
            "项目类别",
            lambda p: (
                p.get_level_display() + (f"（{p.level_since} 遴选）" if p.level_since else "")
            ),
        ),
        Column("累计参加考核人数", "candidates"),
        Column("累计取证人数", "certified"),
        DEPARTMENT_COLUMN,
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter("level", "项目类别", PilotLevel.choices),
        YearFilter("year", "试点年度（截至）", _standing("started_on")),
        SearchFilter(
            "q",
            "证书或专业",
            ("certificate__icontains", "major__icontains", "organisation__icontains"),
        ),
    ],
    form=forms.PilotForm,
    create=lambda *, user, data: services.pilot_create(user=user, **data),
    update=lambda *, user, obj, data: services.pilot_update(user=user, pilot=obj, **data),
    sections=[_level_section(XPilot, "示范项目遴选记录")],
    actions=[_level_action("1+X证书试点")],
    excel=[
        ExcelColumn("试点学校", "school", required=True, width=22),
        ExcelColumn("职业技能等级证书", "certificate", required=True, width=30),
        ExcelColumn("证书等级", "certificate_level", required=True, width=10),
        ExcelColumn("培训评价组织", "organisation", required=True, width=28),
        ExcelColumn("试点专业", "major", required=True, width=18),
        ExcelColumn("试点开始日期", "started_on", required=True, width=12),
        ExcelColumn("累计参加考核人数", "candidates", width=12),
        ExcelColumn("累计取证人数", "certified", width=12),
        DEPARTMENT_EXCEL,
        ExcelColumn("项目类别", export="get_level_display", width=10),
        ExcelColumn("遴选日期", export="level_since", width=12),
    ],
    import_help="导入的都是试点项目；遴选为示范项目由工作专班在项目页面登记。",
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
    empty="还没有登记1+X证书试点项目。请点击“登记1+X证书试点”，或下载模板后通过“Excel 导入”批量登记。",
    empty_readonly="您所在单位还没有1+X证书试点项目。",
)


# ---------------------------------------------------------------- school governance

GOVERNANCE = Registry(
    key="governance-charters",
    path="governance/charters",
    title="学校章程与理事会",
    item="章程与理事会",
    counter="所学校的",
    model=SchoolGovernance,
    view=VIEW,
    manage=MANAGE,
    icon="gavel",
    api_tag=GOVERNANCE_TAG,
    related=("school",),
    ordering=("school__name",),
    editable=_editable(SchoolGovernance),
    columns=[
        Column("学校", "school", link=True),
        Column("章程核准日期", "charter_approved_on"),
        Column("理事会成立日期", "council_founded_on"),
        Column("理事长", "council_chair"),
        Column("理事会成员", "council_members", num=True),
        Column("行业企业代表", "enterprise_members", num=True),
    ],
    detail=[
        Column("章程核准日期", "charter_approved_on"),
        Column("章程核准机关", "charter_authority"),
        Column("核准文号", "charter_document_no"),
        Column("理事会成立日期", "council_founded_on"),
        Column("理事长", "council_chair"),
        Column("理事会成员数", "council_members"),
        Column("其中行业企业代表数", "enterprise_members"),
        Column("一校一案（见督查督办）", selectors.school_plan_year),
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter(
            "council",
            "理事会",
            [("yes", "已成立"), ("no", "未成立")],
            lambda v: Q(council_founded_on__isnull=v == "no"),
        ),
    ],
    form=forms.GovernanceForm,
    create=lambda *, user, data: services.governance_create(user=user, **data),
    update=lambda *, user, obj, data: services.governance_update(user=user, record=obj, **data),
    excel=[
        ExcelColumn("学校", "school", required=True, width=22),
        ExcelColumn("章程核准日期", "charter_approved_on", width=12),
        ExcelColumn("章程核准机关", "charter_authority", width=20),
        ExcelColumn("核准文号", "charter_document_no", width=20),
        ExcelColumn("理事会成立日期", "council_founded_on", width=12),
        ExcelColumn("理事长", "council_chair", width=10),
        ExcelColumn("理事会成员数", "council_members", width=10),
        ExcelColumn("其中行业企业代表数", "enterprise_members", width=12),
    ],
    import_help="每所学校一行；已登记的学校请在原记录上修改。一校一案在“督查督办—一校一案”中制定，这里只显示其状态。",
    api=[
        ApiField("school", RegistryRef, unit_ref("school")),
        ApiField("charter_approved_on", dt.date | None),
        ApiField("charter_authority", str),
        ApiField("council_founded_on", dt.date | None),
        ApiField("council_chair", str),
        ApiField("council_members", int | None),
        ApiField("enterprise_members", int | None),
    ],
    empty="还没有登记学校章程与理事会。请点击“登记章程与理事会”，每所学校登记一条。",
    empty_readonly="您所在单位还没有登记章程与理事会。",
)

SANQUAN = Registry(
    key="governance-sanquan",
    path="governance/sanquan",
    title="三全育人试点学校",
    item="三全育人试点",
    counter="个",
    model=SanquanPilot,
    view=VIEW,
    manage=MANAGE,
    icon="diversity_3",
    api_tag=GOVERNANCE_TAG,
    related=("school",),
    ordering=("-approved_on", "pk"),
    editable=_editable(SanquanPilot),
    columns=[
        Column("学校", "school", link=True),
        Column("级别", "get_rank_display"),
        Column("认定日期", "approved_on"),
        Column("认定机关", "authority"),
        Column("文号", "document_no"),
        Column("终止日期", "ended_on"),
    ],
    detail=[
        Column("级别", "get_rank_display"),
        Column("认定日期", "approved_on"),
        Column("认定机关", "authority"),
        Column("文号", "document_no"),
        Column("终止日期", "ended_on"),
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter("rank", "级别", PilotRank.choices),
        YearFilter("year", "试点年度", _standing("approved_on", "ended_on")),
    ],
    form=forms.SanquanForm,
    create=lambda *, user, data: services.sanquan_create(user=user, **data),
    update=lambda *, user, obj, data: services.sanquan_update(user=user, pilot=obj, **data),
    excel=[
        ExcelColumn("学校", "school", required=True, width=22),
        ExcelColumn("级别", "rank", required=True, width=10),
        ExcelColumn("认定日期", "approved_on", required=True, width=12),
        ExcelColumn("认定机关", "authority", required=True, width=20),
        ExcelColumn("文号", "document_no", width=20),
        ExcelColumn("终止日期", "ended_on", width=12),
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
    empty="还没有登记三全育人综合改革试点学校。获得认定后请点击“登记三全育人试点”。",
    empty_readonly="您所在单位还没有三全育人试点记录。",
)

CASES = Registry(
    key="governance-cases",
    path="governance/cases",
    title="思政示范课堂与典型案例",
    item="案例",
    counter="项",
    model=IdeologyCase,
    view=VIEW,
    manage=MANAGE,
    icon="menu_book",
    api_tag=GOVERNANCE_TAG,
    related=("school",),
    ordering=("-year", "school__name", "title"),
    editable=_editable(IdeologyCase),
    columns=[
        Column("名称", "title", link=True),
        Column("类别", "get_kind_display"),
        Column("学校", "school"),
        Column("课程", "course"),
        Column("教师", "teachers"),
        Column("级别", "get_rank_display"),
        Column("年度", "year", num=True),
    ],
    detail=[
        Column("类别", "get_kind_display"),
        Column("学校", "school"),
        Column("课程", "course"),
        Column("主讲或完成教师", "teachers"),
        Column("认定级别", "get_rank_display"),
        Column("认定年度", "year"),
    ],
    filters=[
        SCHOOL_FILTER,
        ChoiceFilter("kind", "类别", CaseKind.choices),
        ChoiceFilter("rank", "级别", PilotRank.choices),
        YearFilter("year", "认定年度", lambda y: Q(year=y)),
        SearchFilter("q", "名称或课程", ("title__icontains", "course__icontains")),
    ],
    form=forms.CaseForm,
    create=lambda *, user, data: services.case_create(user=user, **data),
    update=lambda *, user, obj, data: services.case_update(user=user, case=obj, **data),
    excel=[
        ExcelColumn("学校", "school", required=True, width=22),
        ExcelColumn("类别", "kind", required=True, width=18),
        ExcelColumn("名称", "title", required=True, width=30),
        ExcelColumn("课程", "course", required=True, width=18),
        ExcelColumn("主讲或完成教师", "teachers", required=True, width=18),
        ExcelColumn("认定级别", "rank", required=True, width=10),
        ExcelColumn("认定年度", "year", required=True, width=10),
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
    empty="还没有登记思政示范课堂或课程思政典型案例。请点击“登记案例”，或通过“Excel 导入”批量登记。",
    empty_readonly="您所在单位还没有登记的案例。",
)


# ---------------------------------------------------------------- the enterprise directory

DIRECTORY = Registry(
    key="cooperation-directory",
    path="cooperation/directory",
    title="企业名录",
    item="企业",
    counter="家",
    model=Unit,
    module=__name__,
    view=VIEW,
    manage=MANAGE,
    icon="apartment",
    api_tag=TAG,
    queryset=selectors.enterprises_visible,
    ordering=("name",),
    columns=[
        Column("企业名称", "name", link=True),
        Column("简称", "short_name"),
        Column("统一社会信用代码", "credit_code"),
        Column("启用", "is_active"),
    ],
    detail=[
        Column("简称", "short_name"),
        Column("统一社会信用代码", "credit_code"),
        Column("启用", "is_active"),
    ],
    filters=[
        SearchFilter(
            "q",
            "名称或信用代码",
            ("name__icontains", "short_name__icontains", "credit_code__iexact"),
        )
    ],
    form=forms.EnterpriseForm,
    create=lambda *, user, data: services.enterprise_add(user=user, **data),
    sections=[
        Section(
            "参与的校企合作（您可见的）",
            selectors.enterprise_records,
            [Column("类别", lambda r: r["kind"]), Column("名称或级别", lambda r: r["name"])],
            empty="您可见的范围内，该企业尚未参与校企合作记录。",
        )
    ],
    excel=[
        ExcelColumn("企业名称", "name", required=True, width=32),
        ExcelColumn("统一社会信用代码", "credit_code", required=True, width=22),
        ExcelColumn("简称", "short_name", width=14),
    ],
    import_help="企业按统一社会信用代码（GB 32100，18 位，含校验位）识别：已登记的企业不能重复登记，同一代码不能登记为不同名称。",
    api=[
        ApiField("name", str),
        ApiField("short_name", str),
        ApiField("credit_code", str),
        ApiField("is_active", bool),
    ],
    empty="还没有登记企业。请点击“登记企业”，或下载模板后通过“Excel 导入”批量登记合作企业。",
    empty_readonly="还没有登记企业。",
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
