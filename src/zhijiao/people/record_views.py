"""Pages of the registries beyond persons: competitions and awards, social training, majors and
their recognitions, 中高职贯通 programmes, teaching innovation teams and 双师型 bases.

Every page parses its input, checks the capability, reads through the scoped selectors (another
school's record is a 404) or calls one service, and renders with the shared ``viewkit``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhijiao.core.pages import AuthedRequest, int_param, require
from zhijiao.core.personal import lookup_digest, mask_id_number, normalise
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import Capability

from . import (
    award_services,
    record_selectors,
    record_tables,
    registry_services,
    selectors,
    tabular,
    training_services,
)
from .data import (
    ID_PURPOSE,
    AwardeeKind,
    BaseKind,
    CompetitionCategory,
    CompetitionLevel,
    HonourLevel,
    MajorLevel,
    RecognitionKind,
    ThroughMode,
    TraineeGroup,
    TrainingKind,
)
from .forms import (
    AwardForm,
    BaseForm,
    CompetitionForm,
    MajorForm,
    RecognitionForm,
    RevokeRecognitionForm,
    TeamForm,
    ThroughForm,
    ThroughYearForm,
    TrainingForm,
)
from .models import Student, Teacher
from .tabular import ImportSpec
from .viewkit import (
    Cell,
    FilterField,
    Link,
    Section,
    call_service,
    choice_param,
    detail_page,
    download,
    form_errors,
    form_page,
    import_page,
    list_page,
    text_param,
)


def _filters(request: AuthedRequest) -> record_selectors.RecordFilters:
    get = request.GET
    return record_selectors.RecordFilters(
        school=int_param(get.get("school")),
        year=int_param(get.get("year")),
        level=text_param(get.get("level"), 20),
        kind=text_param(get.get("kind"), 20),
        group=choice_param(get.get("group"), TraineeGroup.values),
        q=text_param(get.get("q")),
    )


def _schools(request: AuthedRequest) -> Any:
    return selectors.schools_in_scope(request.user).order_by("name")


def _school_filter(request: AuthedRequest, value: int | None) -> list[FilterField]:
    schools = list(_schools(request))
    if len(schools) < 2:
        return []
    return [FilterField("school", _("学校"), value, [(s.pk, s.name) for s in schools])]


def _can_manage(request: AuthedRequest) -> bool:
    return request.user.can(Capability.PEOPLE_MANAGE)


def _list_actions(request: AuthedRequest, plural: str, single: str, new: str) -> list[Link]:
    """登记 / Excel 导入 for those who may write, and the export of the filtered list for all
    (URL names as the teachers' pages have them: ``<single>-new``, ``<plural>-import``…)."""
    actions = [
        Link(_("导出 Excel"), reverse(f"admin:{plural}-export") + "?" + request.GET.urlencode())
    ]
    if _can_manage(request):
        actions[:0] = [
            Link(new, reverse(f"admin:{single}-new"), primary=True),
            Link(_("Excel 导入"), reverse(f"admin:{plural}-import")),
        ]
    return actions


def _import(
    request: AuthedRequest, spec: ImportSpec, *, back: str, rules: str, unit: str = ""
) -> HttpResponse:
    unit = unit or _("条")
    require(request, Capability.PEOPLE_MANAGE)
    return import_page(
        request,
        title=_("导入{what}").format(what=spec.what),
        template=lambda: tabular.template_bytes(spec, request.user),
        template_name=_("{what}导入模板.xlsx").format(what=spec.what),
        run=lambda upload: tabular.run_import(
            spec, user=request.user, upload=upload, name=upload.name
        ),
        done=_("导入成功：{what} {{count}} {unit}").format(what=spec.what, unit=unit),
        back=reverse(back),
        rules=rules,
    )


def _export(
    request: AuthedRequest,
    build: Callable[..., bytes],
    items: Any,
    name: str,
) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    content = build(user=request.user, items=items.iterator(2000))
    return download(content, f"{name}-{timezone.localdate():%Y%m%d}.xlsx")


def _saved(request: AuthedRequest, changed: Any) -> None:
    messages.success(request, _("已保存") if changed else _("没有需要保存的修改"))


# ---------------------------------------------------------------- competitions


def competition_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    return list_page(
        request,
        title=_("赛事"),
        queryset=record_selectors.competitions(f),
        headers=[
            _("年度"),
            _("赛事名称"),
            _("赛项"),
            _("级别"),
            _("类别"),
            _("主办单位"),
            (_("获奖记录"), True),
        ],
        row=lambda c: [
            Cell(c.year),
            Cell(c.name, reverse("admin:people-competition", args=[c.pk])),
            Cell(c.track),
            Cell(c.get_level_display()),
            Cell(c.get_category_display()),
            Cell(c.organiser),
            Cell(c.award_count, num=True),
        ],
        filters=[
            FilterField("year", _("年度"), f.year or ""),
            FilterField("level", _("级别"), f.level, CompetitionLevel.choices),
            FilterField("kind", _("类别"), f.kind, CompetitionCategory.choices),
            FilterField("q", _("赛事或赛项"), f.q),
        ],
        actions=[
            *_list_actions(request, "people-competitions", "people-competition", _("登记赛事")),
            Link(_("获奖记录"), reverse("admin:people-awards")),
        ],
        empty=_(
            "还没有登记赛事。登记获奖前须先登记赛事（名称、年度、赛项、级别）；各校共用同一赛事目录。"
        ),
        count_label=_("项"),
    )


def competition_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    c = record_selectors.competition_get(pk)
    awards = record_selectors.awards_visible(request.user).filter(competition=c)
    actions = []
    if award_services.competition_editable(request.user, c):
        actions.append(Link(_("修改"), reverse("admin:people-competition-edit", args=[c.pk])))
    if _can_manage(request):
        actions.append(
            Link(_("登记获奖"), reverse("admin:people-award-new") + f"?competition={c.pk}")
        )
    return detail_page(
        request,
        title=_("赛事 · {competition}").format(competition=c),
        heading=str(c),
        fields=[
            (_("级别 / 类别"), f"{c.get_level_display()} / {c.get_category_display()}"),
            (_("赛项"), c.track),
            (_("主办单位"), c.organiser),
            (_("登记单位"), c.registered_by_unit),
        ],
        actions=actions,
        sections=[
            Section(
                _("获奖（您可以查看的学校）"),
                [_("学校"), _("获奖者"), _("奖项"), _("奖励金额（元）")],
                [
                    [
                        Cell(a.school.name),
                        Cell(a.awardee, reverse("admin:people-award", args=[a.pk])),
                        Cell(a.get_rank_display()),
                        Cell(a.incentive_amount, num=True),
                    ]
                    for a in awards
                ],
                empty=_("还没有获奖记录。"),
            )
        ],
    )


def _competition_form(
    request: AuthedRequest, form: CompetitionForm, title: str, cancel: str
) -> Any:
    return form_page(request, title=title, form=form, cancel=cancel)


def competition_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    form = CompetitionForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        ok, c = call_service(
            request,
            lambda: award_services.competition_create(
                user=request.user, data=form.competition_data()
            ),
            _("已登记赛事"),
        )
        if ok:
            return redirect(reverse("admin:people-competition", args=[c.pk]))
    return _competition_form(request, form, _("登记赛事"), reverse("admin:people-competitions"))


def competition_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    c = record_selectors.competition_get(pk)
    initial = {
        f: getattr(c, f) for f in ("name", "year", "track", "level", "category", "organiser")
    }
    form = CompetitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, changed = call_service(
            request,
            lambda: award_services.competition_update(
                user=request.user, competition=c, data=form.competition_data()
            ),
        )
        if ok:
            _saved(request, changed)
            return redirect(reverse("admin:people-competition", args=[c.pk]))
    return _competition_form(
        request,
        form,
        _("修改赛事 · {competition}").format(competition=c),
        reverse("admin:people-competition", args=[c.pk]),
    )


def competitions_import(request: AuthedRequest) -> HttpResponse:
    return _import(
        request,
        record_tables.COMPETITIONS,
        back="admin:people-competitions",
        rules=_(
            "每行一个赛项。赛事名称、年度、赛项相同的视为同一赛事，不能重复登记；级别从下拉列表选择。"
        ),
        unit=_("项"),
    )


def competitions_export(request: AuthedRequest) -> HttpResponse:
    return _export(
        request,
        record_tables.competitions_export,
        record_selectors.competitions(_filters(request)),
        _("赛事"),
    )


# ---------------------------------------------------------------- awards


def award_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    return list_page(
        request,
        title=_("获奖记录"),
        queryset=record_selectors.awards_visible(request.user, f),
        headers=[
            _("年度"),
            _("赛事"),
            _("级别"),
            _("学校"),
            _("获奖者"),
            _("类别"),
            _("奖项"),
            (_("奖励金额（元）"), True),
            _("发放日期"),
        ],
        row=lambda a: [
            Cell(a.competition.year),
            Cell(str(a.competition), reverse("admin:people-award", args=[a.pk])),
            Cell(a.competition.get_level_display()),
            Cell(a.school.name),
            Cell(a.awardee),
            Cell(_("学生") if a.student_id else _("教师")),
            Cell(a.get_rank_display()),
            Cell(a.incentive_amount, num=True),
            Cell(a.incentive_paid_on),
        ],
        filters=[
            *_school_filter(request, f.school),
            FilterField("year", _("赛事年度"), f.year or ""),
            FilterField("level", _("级别"), f.level, CompetitionLevel.choices),
            FilterField("kind", _("获奖者"), f.kind, AwardeeKind.choices),
            FilterField("q", _("姓名或赛事"), f.q),
        ],
        actions=[
            *_list_actions(request, "people-awards", "people-award", _("登记获奖")),
            Link(_("赛事目录"), reverse("admin:people-competitions")),
        ],
        empty=_("还没有获奖记录。获奖须属于已登记的赛事，获奖者须已在学生库或教师库中登记。"),
    )


def award_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    a = record_selectors.award_get(request.user, pk)
    person = a.student or a.teacher
    assert person is not None
    link = (
        reverse("admin:people-student", args=[a.student_id])
        if a.student_id
        else reverse("admin:people-teacher", args=[a.teacher_id])
    )
    return detail_page(
        request,
        title=_("获奖 · {person}").format(person=person.name),
        heading=_("{person}（{school}）· {rank}").format(
            person=person.name, school=a.school.name, rank=a.get_rank_display()
        ),
        fields=[
            (_("赛事"), a.competition),
            (_("级别"), a.competition.get_level_display()),
            (
                _("获奖者"),
                _("{kind} {name}（{id_number}）").format(
                    kind=_("学生") if a.student_id else _("教师"),
                    name=person.name,
                    id_number=mask_id_number(person.id_number),
                ),
            ),
            (_("奖励金额（元）"), a.incentive_amount),
            (_("奖励发放日期"), a.incentive_paid_on),
            (_("说明"), a.note),
            (
                _("登记人 / 时间"),
                f"{a.recorded_by} / {timezone.localtime(a.recorded_at):%Y-%m-%d %H:%M}",
            ),
        ],
        actions=[
            Link(_("获奖者信息"), link),
            Link(_("赛事"), reverse("admin:people-competition", args=[a.competition_id])),
            *(
                [Link(_("修改"), reverse("admin:people-award-edit", args=[a.pk]))]
                if _can_manage(request)
                else []
            ),
        ],
    )


def _award_data(request: AuthedRequest, form: AwardForm) -> award_services.AwardData | None:
    """The form's awardee found by 身份证号 among the people the user may see, name checked."""
    d = form.cleaned_data
    model: Any = Student if d["kind"] == AwardeeKind.STUDENT else Teacher
    person = (
        model.objects.visible_to(request.user)
        .filter(id_lookup=lookup_digest(d["id_number"], purpose=ID_PURPOSE))
        .first()
    )
    label = AwardeeKind(d["kind"]).label
    if person is None:
        form.add_error(
            "id_number",
            _("{label}库中没有该身份证号（或不在您可以登记的学校），请先登记{label}").format(
                label=label
            ),
        )
        return None
    if normalise(person.name) != normalise(d["name"]):
        form.add_error(
            "name",
            _("姓名与身份证号不符（{label}库中为“{person}”）").format(
                label=label, person=person.name
            ),
        )
        return None
    return award_services.AwardData(
        competition=d["competition"],
        rank=d["rank"],
        student=person if isinstance(person, Student) else None,
        teacher=person if isinstance(person, Teacher) else None,
        incentive_amount=d["incentive_amount"],
        incentive_paid_on=d["incentive_paid_on"],
        note=d["note"],
    )


def award_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    form = AwardForm(
        request.POST or None, initial={"competition": int_param(request.GET.get("competition"))}
    )
    if request.method == "POST" and form.is_valid():
        data = _award_data(request, form)
        if data is not None:
            ok, award = call_service(
                request,
                lambda: award_services.award_create(user=request.user, data=data),
                _("已登记获奖"),
            )
            if ok:
                return redirect(reverse("admin:people-award", args=[award.pk]))
    return form_page(
        request,
        title=_("登记获奖"),
        form=form,
        cancel=reverse("admin:people-awards"),
        intro=_(
            "获奖记录必须属于已登记的赛事；获奖者按身份证号在学生库或教师库中查找，并核对姓名。"
        ),
    )


def award_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    a = record_selectors.award_get(request.user, pk)
    person = a.student or a.teacher
    assert person is not None
    post = request.POST.copy() if request.method == "POST" else None
    if post is not None and not post.get("id_number", "").strip():
        post["id_number"] = person.id_number
    form = AwardForm(
        post,
        initial={
            "competition": a.competition,
            "kind": AwardeeKind.STUDENT if a.student_id else AwardeeKind.TEACHER,
            "name": person.name,
            "rank": a.rank,
            "incentive_amount": a.incentive_amount,
            "incentive_paid_on": a.incentive_paid_on,
            "note": a.note,
        },
    )
    form.fields["id_number"].required = False
    form.fields["id_number"].help_text = _("当前：{id_number}。留空表示不修改。").format(
        id_number=mask_id_number(person.id_number)
    )
    if post is not None and form.is_valid():
        data = _award_data(request, form)
        if data is not None:
            ok, changed = call_service(
                request,
                lambda: award_services.award_update(user=request.user, award=a, data=data),
            )
            if ok:
                _saved(request, changed)
                return redirect(reverse("admin:people-award", args=[a.pk]))
    return form_page(
        request,
        title=_("修改获奖记录"),
        form=form,
        cancel=reverse("admin:people-award", args=[a.pk]),
    )


def awards_import(request: AuthedRequest) -> HttpResponse:
    return _import(
        request,
        record_tables.AWARDS,
        back="admin:people-awards",
        rules=_(
            "每行一名获奖者。赛事须已登记（赛事名称、赛事年度、赛项与赛事目录一致）；获奖者按身份证号在"
            "学生库或教师库中查找并核对姓名；同一人在同一赛事中只能登记一次。"
        ),
    )


def awards_export(request: AuthedRequest) -> HttpResponse:
    return _export(
        request,
        record_tables.awards_export,
        record_selectors.awards_visible(request.user, _filters(request)),
        _("获奖记录"),
    )


# ---------------------------------------------------------------- social training


def training_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    return list_page(
        request,
        title=_("社会培训"),
        queryset=record_selectors.training_visible(request.user, f),
        headers=[
            _("学校"),
            _("培训项目"),
            _("类型"),
            _("培训对象"),
            (_("人次"), True),
            (_("学时"), True),
            _("开始"),
            _("结束"),
        ],
        row=lambda t: [
            Cell(t.school.name),
            Cell(t.programme, reverse("admin:people-training-record", args=[t.pk])),
            Cell(t.get_kind_display()),
            Cell(t.get_target_group_display()),
            Cell(t.person_times, num=True),
            Cell(t.hours, num=True),
            Cell(t.starts_on),
            Cell(t.ends_on),
        ],
        filters=[
            *_school_filter(request, f.school),
            FilterField("year", _("结束年度"), f.year or ""),
            FilterField("group", _("培训对象"), f.group, TraineeGroup.choices),
            FilterField("kind", _("培训类型"), f.kind, TrainingKind.choices),
            FilterField("q", _("项目或企业"), f.q),
        ],
        actions=_list_actions(request, "people-training", "people-training", _("登记培训")),
        empty=_(
            "还没有登记社会培训。培训结束后逐项登记，或下载模板后通过“Excel 导入”批量登记；"
            "培训人次按结束日期所在年度计入“年培训人次达到在校生 2 倍”目标。"
        ),
    )


def training_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    t = record_selectors.training_get(request.user, pk)
    return detail_page(
        request,
        title=_("社会培训 · {programme}").format(programme=t.programme),
        heading=_("{programme}（{school}）").format(programme=t.programme, school=t.school.name),
        fields=[
            (_("培训类型"), t.get_kind_display()),
            (_("培训对象"), t.get_target_group_display()),
            (
                _("培训人次 / 学时"),
                _("{times} 人次 / {hours} 学时").format(times=t.person_times, hours=t.hours),
            ),
            (_("培训日期"), _("{start} 至 {end}").format(start=t.starts_on, end=t.ends_on)),
            (_("合作企业"), t.partner),
            (
                _("登记人 / 时间"),
                f"{t.recorded_by} / {timezone.localtime(t.created_at):%Y-%m-%d %H:%M}",
            ),
        ],
        actions=[Link(_("修改"), reverse("admin:people-training-edit", args=[t.pk]))]
        if _can_manage(request)
        else [],
    )


def training_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    form = TrainingForm(request.POST or None, schools=_schools(request))
    if request.method == "POST" and form.is_valid():
        ok, record = call_service(
            request,
            lambda: training_services.training_create(
                user=request.user, school=form.cleaned_data["school"], data=form.training_data()
            ),
            _("已登记社会培训"),
        )
        if ok:
            return redirect(reverse("admin:people-training-record", args=[record.pk]))
    return form_page(
        request, title=_("登记社会培训"), form=form, cancel=reverse("admin:people-training")
    )


def training_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    t = record_selectors.training_get(request.user, pk)
    fields = (
        "school",
        "programme",
        "kind",
        "target_group",
        "person_times",
        "hours",
        "starts_on",
        "ends_on",
        "partner",
    )
    form = TrainingForm(
        request.POST or None, initial={f: getattr(t, f) for f in fields}, schools=_schools(request)
    )
    if request.method == "POST" and form.is_valid():
        ok, changed = call_service(
            request,
            lambda: training_services.training_update(
                user=request.user,
                record=t,
                data=form.training_data(),
                school=form.cleaned_data["school"],
            ),
        )
        if ok:
            _saved(request, changed)
            return redirect(reverse("admin:people-training-record", args=[t.pk]))
    return form_page(
        request,
        title=_("修改社会培训 · {programme}").format(programme=t.programme),
        form=form,
        cancel=reverse("admin:people-training-record", args=[t.pk]),
    )


def training_import(request: AuthedRequest) -> HttpResponse:
    return _import(
        request,
        record_tables.TRAINING,
        back="admin:people-training",
        rules=_(
            "每行一期培训面向一类培训对象（同一项目面向多类对象请分行填写）。培训对象、培训类型从下拉列表"
            "选择；日期写成 2026-03-01 的形式；同一项目、对象和开始日期的培训不能重复登记。"
        ),
    )


def training_export(request: AuthedRequest) -> HttpResponse:
    return _export(
        request,
        record_tables.training_export,
        record_selectors.training_visible(request.user, _filters(request)),
        _("社会培训"),
    )


# ---------------------------------------------------------------- majors


def major_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    return list_page(
        request,
        title=_("专业建设"),
        queryset=record_selectors.majors_visible(request.user, f).distinct(),
        headers=[_("学校"), _("专业代码"), _("专业名称"), _("层次"), _("在招"), _("有效认定")],
        row=lambda m: [
            Cell(m.school.name),
            Cell(m.code),
            Cell(m.name, reverse("admin:people-major", args=[m.pk])),
            Cell(m.get_level_display()),
            Cell(_("是") if m.is_active else _("否")),
            Cell(
                "、".join(
                    _("{kind}（{year}）").format(kind=r.get_kind_display(), year=r.granted_year)
                    for r in m.standing
                )
            ),
        ],
        filters=[
            *_school_filter(request, f.school),
            FilterField("level", _("层次"), f.level, MajorLevel.choices),
            FilterField("kind", _("认定"), f.kind, RecognitionKind.choices),
            FilterField("q", _("专业名称或代码"), f.q),
        ],
        actions=[
            *_list_actions(request, "people-majors", "people-major", _("登记专业")),
            Link(_("中高职贯通"), reverse("admin:people-through")),
        ],
        empty=_(
            "还没有登记专业。登记各校开设的专业后，可为专业登记高水平专业（群）、技工教育品牌专业等认定。"
        ),
        count_label=_("个"),
    )


def major_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    m = record_selectors.major_get(request.user, pk)
    history = record_selectors.major_history(m)
    can_manage = _can_manage(request)
    return detail_page(
        request,
        title=_("专业 · {major}").format(major=m.name),
        heading=_("{major}（{code}，{school}）").format(
            major=m.name, code=m.code, school=m.school.name
        ),
        fields=[
            (_("层次"), m.get_level_display()),
            (_("开设年份"), m.established_year),
            (_("在招"), _("是") if m.is_active else _("否")),
        ],
        actions=[Link(_("修改"), reverse("admin:people-major-edit", args=[m.pk]))]
        if can_manage
        else [],
        sections=[
            Section(
                _("认定"),
                [_("认定类别"), _("专业群"), _("认定年份"), _("认定部门 / 文号"), _("状态")],
                [
                    [
                        Cell(r.get_kind_display()),
                        Cell(r.group_name),
                        Cell(r.granted_year),
                        Cell(" / ".join(x for x in (r.granted_by, r.document_number) if x)),
                        Cell(
                            _("{year} 年撤销").format(year=r.revoked_year)
                            if r.revoked_year
                            else _("有效")
                        ),
                    ]
                    for r in history["recognitions"]
                ],
                empty=_("还没有认定记录。"),
                form=RecognitionForm(initial={"granted_year": timezone.localdate().year})
                if can_manage
                else None,
                action=reverse("admin:people-major-recognition", args=[m.pk]),
                submit=_("登记认定"),
            ),
            Section(
                _("中高职贯通项目"),
                [_("合作院校"), _("培养模式"), _("首次招生")],
                [
                    [
                        Cell(p.partner, reverse("admin:people-through-programme", args=[p.pk])),
                        Cell(p.get_mode_display()),
                        Cell(p.started_year),
                    ]
                    for p in history["programmes"]
                ],
                empty=_("无贯通项目。"),
            ),
        ],
        template="people/major_detail.html",
        revoke_form=RevokeRecognitionForm(initial={"revoked_year": timezone.localdate().year})
        if can_manage
        else None,
        standing=[r for r in history["recognitions"] if r.revoked_year is None],
    )


def major_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    form = MajorForm(request.POST or None, schools=_schools(request))
    if request.method == "POST" and form.is_valid():
        ok, major = call_service(
            request,
            lambda: registry_services.major_create(
                user=request.user, school=form.cleaned_data["school"], data=form.major_data()
            ),
            _("已登记专业"),
        )
        if ok:
            return redirect(reverse("admin:people-major", args=[major.pk]))
    return form_page(request, title=_("登记专业"), form=form, cancel=reverse("admin:people-majors"))


def major_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    m = record_selectors.major_get(request.user, pk)
    fields = ("school", "code", "name", "level", "established_year", "is_active")
    form = MajorForm(
        request.POST or None,
        initial={f: getattr(m, f) for f in fields},
        schools=_schools(request).filter(pk=m.school_id),
    )
    if request.method == "POST" and form.is_valid():
        ok, changed = call_service(
            request,
            lambda: registry_services.major_update(
                user=request.user, major=m, data=form.major_data()
            ),
        )
        if ok:
            _saved(request, changed)
            return redirect(reverse("admin:people-major", args=[m.pk]))
    return form_page(
        request,
        title=_("修改专业 · {major}").format(major=m.name),
        form=form,
        cancel=reverse("admin:people-major", args=[m.pk]),
    )


@require_POST
def major_recognition(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    m = record_selectors.major_get(request.user, pk)
    form = RecognitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        call_service(
            request,
            lambda: registry_services.recognition_add(
                user=request.user,
                major=m,
                data=registry_services.RecognitionData(**form.cleaned_data),
            ),
            _("已登记认定"),
        )
    return redirect(reverse("admin:people-major", args=[m.pk]))


@require_POST
def recognition_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    r = record_selectors.recognition_get(request.user, pk)
    form = RevokeRecognitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        call_service(
            request,
            lambda: registry_services.recognition_revoke(
                user=request.user, recognition=r, revoked_year=form.cleaned_data["revoked_year"]
            ),
            _("已撤销认定"),
        )
    return redirect(reverse("admin:people-major", args=[r.major_id]))


def majors_import(request: AuthedRequest) -> HttpResponse:
    return _import(
        request,
        record_tables.MAJORS,
        back="admin:people-majors",
        rules=_(
            "每行一个专业。专业代码：职业教育专业目录 6 位代码（中职 61–79、高职专科 41–59、高职本科 21–39 开头），"
            "技工院校专业 4 位代码；同一学校的专业代码不能重复。可同时填写一项认定（类别和认定年份）。"
        ),
        unit=_("个"),
    )


def majors_export(request: AuthedRequest) -> HttpResponse:
    return _export(
        request,
        record_tables.majors_export,
        record_selectors.majors_visible(request.user, _filters(request)).distinct(),
        _("专业"),
    )


# ---------------------------------------------------------------- 中高职贯通


def through_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    return list_page(
        request,
        title=_("中高职贯通"),
        queryset=record_selectors.through_visible(request.user, f),
        headers=[
            _("学校"),
            _("专业"),
            _("合作院校"),
            _("培养模式"),
            _("首次招生"),
            _("最近年度"),
            (_("招生"), True),
            (_("在校生"), True),
        ],
        row=lambda p: [
            Cell(p.school.name),
            Cell(_("{major}（{code}）").format(major=p.major.name, code=p.major.code)),
            Cell(p.partner, reverse("admin:people-through-programme", args=[p.pk])),
            Cell(p.get_mode_display()),
            Cell(p.started_year),
            Cell(p.latest_year),
            Cell(p.latest_intake, num=True),
            Cell(p.latest_enrolled, num=True),
        ],
        filters=[
            *_school_filter(request, f.school),
            FilterField("kind", _("培养模式"), f.kind, ThroughMode.choices),
            FilterField("q", _("专业或合作院校"), f.q),
        ],
        actions=_list_actions(request, "people-through", "people-through", _("登记贯通项目")),
        empty=_(
            "还没有登记中高职贯通项目。先在“专业建设”中登记专业，再登记贯通项目及每年的招生和在校生人数。"
        ),
        count_label=_("个"),
    )


def through_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    p = record_selectors.through_get(request.user, pk)
    return detail_page(
        request,
        title=_("贯通项目 · {major}").format(major=p.major.name),
        heading=_("{major} · {partner}（{school}）").format(
            major=p.major.name, partner=p.partner, school=p.school.name
        ),
        fields=[(_("培养模式"), p.get_mode_display()), (_("首次招生年份"), p.started_year)],
        actions=[
            Link(_("专业"), reverse("admin:people-major", args=[p.major_id])),
            *(
                [Link(_("修改"), reverse("admin:people-through-edit", args=[p.pk]))]
                if _can_manage(request)
                else []
            ),
        ],
        sections=[
            Section(
                _("年度招生与在校生"),
                [_("年度"), _("当年招生人数"), _("年末在校生人数")],
                [
                    [Cell(y.year), Cell(y.intake, num=True), Cell(y.enrolled, num=True)]
                    for y in record_selectors.through_years(p)
                ],
                empty=_("尚未登记年度招生。"),
                form=ThroughYearForm(initial={"year": timezone.localdate().year})
                if _can_manage(request)
                else None,
                action=reverse("admin:people-through-year", args=[p.pk]),
                submit=_("登记（同一年度再次登记即更正）"),
            )
        ],
    )


def through_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    form = ThroughForm(
        request.POST or None, majors=record_selectors.majors_for_choice(request.user)
    )
    if request.method == "POST" and form.is_valid():
        ok, programme = call_service(
            request,
            lambda: registry_services.through_create(
                user=request.user, data=registry_services.ThroughData(**form.cleaned_data)
            ),
            _("已登记贯通项目"),
        )
        if ok:
            return redirect(reverse("admin:people-through-programme", args=[programme.pk]))
    return form_page(
        request, title=_("登记中高职贯通项目"), form=form, cancel=reverse("admin:people-through")
    )


def through_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    p = record_selectors.through_get(request.user, pk)
    form = ThroughForm(
        request.POST or None,
        majors=record_selectors.majors_for_choice(request.user).filter(pk=p.major_id),
        initial={
            "major": p.major,
            "partner": p.partner,
            "mode": p.mode,
            "started_year": p.started_year,
        },
    )
    form.fields["major"].disabled = True
    if request.method == "POST" and form.is_valid():
        ok, changed = call_service(
            request,
            lambda: registry_services.through_update(
                user=request.user,
                programme=p,
                data=registry_services.ThroughData(**form.cleaned_data),
            ),
        )
        if ok:
            _saved(request, changed)
            return redirect(reverse("admin:people-through-programme", args=[p.pk]))
    return form_page(
        request,
        title=_("修改贯通项目 · {major}").format(major=p.major.name),
        form=form,
        cancel=reverse("admin:people-through-programme", args=[p.pk]),
    )


@require_POST
def through_year(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    p = record_selectors.through_get(request.user, pk)
    form = ThroughYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        call_service(
            request,
            lambda: registry_services.through_year_record(
                user=request.user, programme=p, **form.cleaned_data
            ),
            _("已保存"),
        )
    return redirect(reverse("admin:people-through-programme", args=[p.pk]))


def through_import(request: AuthedRequest) -> HttpResponse:
    return _import(
        request,
        record_tables.THROUGH,
        back="admin:people-through",
        rules=_(
            "每行一个贯通项目一个年度的招生和年末在校生人数。项目须已登记（学校、专业代码、合作院校、培养模式"
            "与登记的一致）；已登记的年度请在项目页面更正。"
        ),
    )


def through_export(request: AuthedRequest) -> HttpResponse:
    return _export(
        request,
        record_tables.through_export,
        record_selectors.through_years_visible(request.user),
        _("中高职贯通招生"),
    )


# ---------------------------------------------------------------- teams


def _teachers(request: AuthedRequest, school: Unit | None = None) -> Any:
    teachers = Teacher.objects.visible_to(request.user).filter(left_on__isnull=True)
    if school is not None:
        teachers = teachers.filter(school=school)
    return teachers.select_related("school").order_by("school__name", "name")


def team_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    return list_page(
        request,
        title=_("教师教学创新团队"),
        queryset=record_selectors.teams_visible(request.user, f),
        headers=[
            _("学校"),
            _("团队名称"),
            _("所属专业（群）"),
            _("级别"),
            _("立项年份"),
            _("负责人"),
            (_("成员"), True),
        ],
        row=lambda t: [
            Cell(t.school.name),
            Cell(t.name, reverse("admin:people-team", args=[t.pk])),
            Cell(t.major_group),
            Cell(t.get_level_display()),
            Cell(t.recognised_year),
            Cell(t.lead.name),
            Cell(t.member_count, num=True),
        ],
        filters=[
            *_school_filter(request, f.school),
            FilterField("year", _("立项年份"), f.year or ""),
            FilterField("level", _("级别"), f.level, HonourLevel.choices),
            FilterField("q", _("团队或专业"), f.q),
        ],
        actions=_list_actions(request, "people-teams", "people-team", _("登记团队")),
        empty=_("还没有登记教学创新团队。团队负责人和成员须为教师库中的本校在职教师。"),
        count_label=_("个"),
    )


def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    t = record_selectors.team_get(request.user, pk)
    return detail_page(
        request,
        title=_("教学创新团队 · {team}").format(team=t.name),
        heading=_("{team}（{school}）").format(team=t.name, school=t.school.name),
        fields=[
            (_("所属专业（群）"), t.major_group),
            (_("级别 / 立项年份"), f"{t.get_level_display()} / {t.recognised_year}"),
            (_("团队负责人"), t.lead.name),
        ],
        actions=[Link(_("修改"), reverse("admin:people-team-edit", args=[t.pk]))]
        if _can_manage(request)
        else [],
        sections=[
            Section(
                _("团队成员"),
                [_("姓名"), _("教师类别"), _("职称")],
                [
                    [
                        Cell(m.name, reverse("admin:people-teacher", args=[m.pk])),
                        Cell(m.get_kind_display()),
                        Cell(m.get_title_display()),
                    ]
                    for m in t.members.all()
                ],
                empty=_("尚未登记成员。"),
            )
        ],
    )


def team_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    form = TeamForm(
        request.POST or None,
        schools=_schools(request),
        teachers=_teachers(request),
        initial={"recognised_year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        ok, team = call_service(
            request,
            lambda: registry_services.team_create(
                user=request.user, school=form.cleaned_data["school"], data=form.team_data()
            ),
            _("已登记教学创新团队"),
        )
        if ok:
            return redirect(reverse("admin:people-team", args=[team.pk]))
    return form_page(
        request, title=_("登记教学创新团队"), form=form, cancel=reverse("admin:people-teams")
    )


def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    t = record_selectors.team_get(request.user, pk)
    form = TeamForm(
        request.POST or None,
        schools=_schools(request).filter(pk=t.school_id),
        teachers=_teachers(request, t.school),
        initial={
            "school": t.school,
            "name": t.name,
            "major_group": t.major_group,
            "level": t.level,
            "recognised_year": t.recognised_year,
            "lead": t.lead,
            "members": list(t.members.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        ok, changed = call_service(
            request,
            lambda: registry_services.team_update(user=request.user, team=t, data=form.team_data()),
        )
        if ok:
            _saved(request, changed)
            return redirect(reverse("admin:people-team", args=[t.pk]))
    return form_page(
        request,
        title=_("修改团队 · {team}").format(team=t.name),
        form=form,
        cancel=reverse("admin:people-team", args=[t.pk]),
    )


def teams_import(request: AuthedRequest) -> HttpResponse:
    return _import(
        request,
        record_tables.TEAMS,
        back="admin:people-teams",
        rules=_(
            "每行一个团队。负责人和成员按身份证号在教师库中查找，须为本校在职教师；多名成员的身份证号用“、”分隔。"
            "同一学校的团队名称不能重复。"
        ),
        unit=_("个"),
    )


def teams_export(request: AuthedRequest) -> HttpResponse:
    return _export(
        request,
        record_tables.teams_export,
        record_selectors.teams_visible(request.user, _filters(request)),
        _("教师教学创新团队"),
    )


# ---------------------------------------------------------------- bases


def base_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    return list_page(
        request,
        title=_("“双师型”教师培养培训基地"),
        queryset=record_selectors.bases_visible(request.user, f),
        headers=[_("基地名称"), _("类型"), _("依托学校"), _("合作企业"), _("级别"), _("认定年份")],
        row=lambda b: [
            Cell(b.name, reverse("admin:people-base", args=[b.pk])),
            Cell(b.get_kind_display()),
            Cell(b.school.name if b.school else "—"),
            Cell(b.enterprise.name if b.enterprise else "—"),
            Cell(b.get_level_display()),
            Cell(b.recognised_year),
        ],
        filters=[
            *_school_filter(request, f.school),
            FilterField("year", _("认定年份"), f.year or ""),
            FilterField("kind", _("类型"), f.kind, BaseKind.choices),
            FilterField("q", _("基地或企业"), f.q),
        ],
        actions=_list_actions(request, "people-bases", "people-base", _("登记基地")),
        empty=_("还没有登记“双师型”教师培养培训基地或企业实践基地。"),
        count_label=_("个"),
    )


def base_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    b = record_selectors.base_get(request.user, pk)
    return detail_page(
        request,
        title=_("基地 · {base}").format(base=b.name),
        heading=b.name,
        fields=[
            (_("类型"), b.get_kind_display()),
            (_("依托学校"), b.school),
            (_("合作企业"), b.enterprise),
            (_("级别 / 认定年份"), f"{b.get_level_display()} / {b.recognised_year}"),
            (_("说明"), b.note),
        ],
        actions=[Link(_("修改"), reverse("admin:people-base-edit", args=[b.pk]))]
        if _can_manage(request)
        else [],
    )


def _base_form(request: AuthedRequest, **kwargs: Any) -> BaseForm:
    return BaseForm(
        request.POST or None,
        schools=_schools(request),
        enterprises=Unit.objects.filter(kind=UnitKind.ENTERPRISE, is_active=True).order_by("name"),
        **kwargs,
    )


def base_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    form = _base_form(request, initial={"recognised_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        ok, base = call_service(
            request,
            lambda: registry_services.base_create(user=request.user, data=form.base_data()),
            _("已登记基地"),
        )
        if ok:
            return redirect(reverse("admin:people-base", args=[base.pk]))
    return form_page(request, title=_("登记基地"), form=form, cancel=reverse("admin:people-bases"))


def base_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    b = record_selectors.base_get(request.user, pk)
    fields = ("name", "kind", "school", "enterprise", "level", "recognised_year", "note")
    form = _base_form(request, initial={f: getattr(b, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        ok, changed = call_service(
            request,
            lambda: registry_services.base_update(user=request.user, base=b, data=form.base_data()),
        )
        if ok:
            _saved(request, changed)
            return redirect(reverse("admin:people-base", args=[b.pk]))
    return form_page(
        request,
        title=_("修改基地 · {base}").format(base=b.name),
        form=form,
        cancel=reverse("admin:people-base", args=[b.pk]),
    )


def bases_import(request: AuthedRequest) -> HttpResponse:
    return _import(
        request,
        record_tables.BASES,
        back="admin:people-bases",
        rules=_(
            "每行一个基地，基地名称不能重复。依托学校和合作企业至少填写一项；企业须已在单位中登记。"
        ),
        unit=_("个"),
    )


def bases_export(request: AuthedRequest) -> HttpResponse:
    return _export(
        request,
        record_tables.bases_export,
        record_selectors.bases_visible(request.user, _filters(request)),
        _("“双师型”教师培养培训基地"),
    )
