"""Pages of the students registry. The 身份证号 is masked everywhere; the full number appears only
in the answer to the “查看完整身份证号” POST, through the audited :func:`unmask`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhijiao.core.errors import ServiceError
from zhijiao.core.pages import AuthedRequest, int_param, report_error, require
from zhijiao.core.personal import mask_id_number, unmask
from zhijiao.orgs.roles import Capability

from . import eaglet_selectors, record_tables, selectors, services, tabular
from .data import EagletRoundStatus
from .forms import StudentForm
from .models import Student
from .viewkit import (
    Cell,
    FilterField,
    Link,
    Section,
    call_service,
    detail_page,
    download,
    form_page,
    import_page,
    list_page,
    text_param,
)


def _filters(request: AuthedRequest) -> selectors.StudentFilters:
    return selectors.StudentFilters(
        school=int_param(request.GET.get("school")),
        enrolled_year=int_param(request.GET.get("year")),
        q=text_param(request.GET.get("q")),
    )


def _school_filter(request: AuthedRequest, value: int | None) -> list[FilterField]:
    schools = list(selectors.schools_in_scope(request.user).order_by("name"))
    if len(schools) < 2:
        return []
    return [FilterField("school", _("学校"), value, [(s.pk, s.name) for s in schools])]


def student_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    f = _filters(request)
    can_manage = request.user.can(Capability.PEOPLE_MANAGE)
    actions = [
        Link(
            _("导出 Excel（已脱敏）"),
            reverse("admin:people-students-export") + "?" + request.GET.urlencode(),
        )
    ]
    if can_manage:
        actions[:0] = [
            Link(_("登记学生"), reverse("admin:people-student-new"), primary=True),
            Link(_("Excel 导入"), reverse("admin:people-students-import")),
        ]
    return list_page(
        request,
        title=_("学生库"),
        queryset=selectors.students_visible(request.user, f),
        headers=[
            _("学校"),
            _("姓名"),
            _("性别"),
            _("身份证号"),
            _("学号"),
            _("专业"),
            _("班级"),
            (_("入学年份"), True),
        ],
        row=lambda s: [
            Cell(s.school.name),
            Cell(s.name, reverse("admin:people-student", args=[s.pk])),
            Cell(s.get_gender_display()),
            Cell(mask_id_number(s.id_number)),
            Cell(s.student_number),
            Cell(s.major),
            Cell(s.class_name),
            Cell(s.enrolled_year, num=True),
        ],
        filters=[
            *_school_filter(request, f.school),
            FilterField("year", _("入学年份"), f.enrolled_year or ""),
            FilterField("q", _("姓名、学号或身份证号"), f.q, placeholder=_("完整的 18 位身份证号")),
        ],
        actions=actions,
        empty=(
            _(
                "还没有登记学生。获奖学生和“技能雏鹰”推荐人选须先在这里登记；"
                "可逐个登记，或下载模板后通过“Excel 导入”批量登记。"
            )
            if can_manage
            else _("还没有登记学生。获奖学生和“技能雏鹰”推荐人选须先在这里登记；")
        ),
        note=_("身份证号已脱敏显示"),
        count_label=_("人"),
    )


def _detail(request: AuthedRequest, student: Student, **extra: Any) -> HttpResponse:
    can_manage = request.user.can(Capability.PEOPLE_MANAGE)
    actions = []
    if can_manage:
        actions.append(Link(_("修改"), reverse("admin:people-student-edit", args=[student.pk])))
        current = eaglet_selectors.round_current()
        if current is not None and current.status == EagletRoundStatus.NOMINATING:
            actions.append(
                Link(
                    _("推荐参加{year}年度“技能雏鹰”评选").format(year=current.year),
                    reverse("admin:people-eaglet-nominate", args=[current.pk])
                    + f"?student={student.pk}",
                    primary=True,
                )
            )
    awards = student.awards.select_related("competition").order_by("-competition__year")
    nominations = student.nominations.select_related("round").order_by("-round__year")
    return detail_page(
        request,
        title=_("学生 · {student}").format(student=student.name),
        heading=_("{student}（{school}）").format(student=student.name, school=student.school.name),
        fields=[
            (_("身份证号"), extra.pop("shown", None) or mask_id_number(student.id_number)),
            (_("性别 / 出生年份"), f"{student.get_gender_display()} / {student.birth_year}"),
            (_("学号"), student.student_number),
            (_("专业 / 班级"), f"{student.major} / {student.class_name or '—'}"),
            (_("入学年份"), student.enrolled_year),
        ],
        actions=actions,
        sections=[
            Section(
                _("获奖"),
                [_("年度"), _("赛事"), _("级别"), _("奖项")],
                [
                    [
                        Cell(a.competition.year),
                        Cell(str(a.competition), reverse("admin:people-award", args=[a.pk])),
                        Cell(a.competition.get_level_display()),
                        Cell(a.get_rank_display()),
                    ]
                    for a in awards
                ],
                empty=_("还没有获奖记录。"),
            ),
            Section(
                _("“技能雏鹰”推荐"),
                [_("年度"), _("状态")],
                [
                    [
                        Cell(n.round.year, reverse("admin:people-nomination", args=[n.pk])),
                        Cell(n.get_status_display()),
                    ]
                    for n in nominations
                ],
                empty=_("未被推荐过。"),
            ),
        ],
        template="people/student_detail.html",
        student=student,
        can_unmask=request.user.can(Capability.PEOPLE_UNMASK),
        **extra,
    )


def student_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    return _detail(request, selectors.student_get(request.user, pk))


@require_POST
def student_unmask(request: AuthedRequest, pk: int) -> HttpResponse:
    """The full number, shown once in this answer only; audited whether allowed or not."""
    require(request, Capability.PEOPLE_VIEW)
    student = selectors.student_get(request.user, pk)
    try:
        value = unmask(
            user=request.user,
            obj=student,
            field="id_number",
            capability=Capability.PEOPLE_UNMASK,
            reason=request.POST.get("reason", "").strip()[:100],
        )
    except ServiceError as error:
        report_error(request, error)
        response = _detail(request, student)
        response.status_code = error.status_code
        return response
    response = _detail(
        request, student, shown=_("{value}（本次查看已记录审计日志）").format(value=value)
    )
    response["Cache-Control"] = "no-store"
    return response


def student_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    schools = selectors.schools_in_scope(request.user).order_by("name")
    form = StudentForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        ok, student = call_service(
            request,
            lambda: services.student_create(
                user=request.user, school=form.cleaned_data["school"], data=form.student_data()
            ),
        )
        if ok:
            messages.success(request, _("已登记学生 {student}").format(student=student.name))
            return redirect(reverse("admin:people-student", args=[student.pk]))
    return form_page(
        request, title=_("登记学生"), form=form, cancel=reverse("admin:people-students")
    )


def student_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    student = selectors.student_get(request.user, pk)
    schools = selectors.schools_in_scope(request.user).order_by("name")
    post = request.POST.copy() if request.method == "POST" else None
    if post is not None and not post.get("id_number", "").strip():
        post["id_number"] = student.id_number  # kept unless a new one is typed
    initial = {
        "school": student.school,
        "name": student.name,
        "student_number": student.student_number,
        "major": student.major,
        "class_name": student.class_name,
        "enrolled_year": student.enrolled_year,
    }
    form = StudentForm(post, initial=initial, schools=schools)
    form.fields["id_number"].required = False
    form.fields["id_number"].help_text = _(
        "当前：{id_number}。留空表示不修改；更正时填写完整的 18 位号码。"
    ).format(id_number=mask_id_number(student.id_number))
    if post is not None and form.is_valid():
        ok, changed = call_service(
            request,
            lambda: services.student_update(
                user=request.user,
                student=student,
                data=form.student_data(),
                school=form.cleaned_data["school"],
            ),
        )
        if ok:
            messages.success(request, _("已保存") if changed else _("没有需要保存的修改"))
            return redirect(reverse("admin:people-student", args=[student.pk]))
    return form_page(
        request,
        title=_("修改学生 · {student}").format(student=student.name),
        form=form,
        cancel=reverse("admin:people-student", args=[student.pk]),
    )


def students_import(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    spec = record_tables.STUDENTS
    return import_page(
        request,
        title=_("导入学生"),
        template=lambda: tabular.template_bytes(spec, request.user),
        template_name=_("学生导入模板.xlsx"),
        run=lambda upload: tabular.run_import(
            spec, user=request.user, upload=upload, name=upload.name
        ),
        done=_("导入成功：登记学生 {count} 人"),
        back=reverse("admin:people-students"),
        rules=_(
            "每行一名学生。身份证号须为完整的 18 位号码；学号在本校内不能重复；入学年份写四位年份。"
            "已登记过的学生（同一身份证号）不能重复导入。"
        ),
    )


def students_export(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    content = record_tables.students_export(
        user=request.user,
        students=selectors.students_visible(request.user, _filters(request)).iterator(2000),
    )
    return download(content, _("学生名单-{day:%Y%m%d}.xlsx").format(day=timezone.localdate()))
