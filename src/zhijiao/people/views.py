"""Pages of the teachers registry. Each parses input, checks access, calls one service, renders.

Numbers are masked everywhere; the full 身份证号 or phone appears only in the answer to the
“查看完整…” POST, which goes through :func:`zhijiao.core.personal.unmask` (audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import XLSX_CONTENT_TYPE, ExcelError, ImportRejected
from zhijiao.core.pages import AuthedRequest, render_page, report_error, require
from zhijiao.core.personal import mask_id_number, mask_phone, unmask
from zhijiao.orgs.roles import Capability

from . import imports, selectors, services
from .data import TeacherKind, Title
from .forms import (
    DualGrantForm,
    DualRevokeForm,
    LeaveForm,
    PracticeForm,
    TeacherForm,
    UploadForm,
)
from .models import Teacher

PAGE_SIZE = 50
UNMASKABLE = {"id_number": gettext_lazy("身份证号"), "phone": gettext_lazy("手机号")}


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _filters(request: AuthedRequest) -> selectors.TeacherFilters:
    get = request.GET
    school = get.get("school", "")
    return selectors.TeacherFilters(
        school=int(school) if school.isdecimal() else None,
        kind=get.get("kind", "") if get.get("kind") in TeacherKind.values else "",
        title=get.get("title", "") if get.get("title") in Title.values else "",
        dual=get.get("dual", "") if get.get("dual") in ("yes", "no") else "",
        current=get.get("current", "yes") if get.get("current") in ("yes", "left", "") else "yes",
        q=get.get("q", "").strip()[:50],
    )


def _masked(teacher: Teacher) -> dict[str, str]:
    return {
        "id_number": mask_id_number(teacher.id_number),
        "phone": mask_phone(teacher.phone) if teacher.phone else "",
    }


def teacher_list(request: AuthedRequest) -> HttpResponse:
    """Teachers in scope with filters; 50 a page; numbers masked."""
    require(request, Capability.PEOPLE_VIEW)
    filters = _filters(request)
    teachers = selectors.teachers_visible(request.user, filters)
    page = Paginator(teachers, PAGE_SIZE).get_page(request.GET.get("page"))
    schools = list(selectors.schools_in_scope(request.user).order_by("name"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "people/teacher_list.html",
        _("教师库"),
        page=page,
        rows=[{"t": t, **_masked(t)} for t in page.object_list],
        filters=filters,
        schools=schools if len(schools) > 1 else [],
        kinds=TeacherKind.choices,
        titles=Title.choices,
        query=query.urlencode(),
        can_manage=request.user.can(Capability.PEOPLE_MANAGE),
        filtered=any(k in request.GET for k in ("school", "kind", "title", "dual", "q")),
    )


def _detail(request: AuthedRequest, teacher: Teacher, **extra: Any) -> HttpResponse:
    can_manage = request.user.can(Capability.PEOPLE_MANAGE)
    return render_page(
        request,
        "people/teacher_detail.html",
        _("教师 · {teacher}").format(teacher=teacher.name),
        t=teacher,
        masked=_masked(teacher),
        dual=selectors.teacher_dual_current(teacher),
        history=selectors.teacher_history(teacher),
        can_manage=can_manage,
        can_unmask=request.user.can(Capability.PEOPLE_UNMASK),
        leave_form=LeaveForm() if can_manage and teacher.left_on is None else None,
        grant_form=DualGrantForm() if can_manage else None,
        revoke_form=DualRevokeForm() if can_manage else None,
        practice_form=PracticeForm(initial={"year": timezone.localdate().year})
        if can_manage
        else None,
        **extra,
    )


def teacher_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    return _detail(request, selectors.teacher_get(request.user, pk))


@require_POST
def teacher_unmask(request: AuthedRequest, pk: int) -> HttpResponse:
    """The full number, shown once in this answer only; audited whether allowed or not."""
    require(request, Capability.PEOPLE_VIEW)
    teacher = selectors.teacher_get(request.user, pk)
    field = request.POST.get("field", "id_number")
    if field not in UNMASKABLE:
        field = "id_number"
    try:
        value = unmask(
            user=request.user,
            obj=teacher,
            field=field,
            capability=Capability.PEOPLE_UNMASK,
            reason=request.POST.get("reason", "").strip()[:100],
        )
    except ServiceError as error:
        report_error(request, error)
        response = _detail(request, teacher)
        response.status_code = error.status_code
        return response
    response = _detail(
        request, teacher, unmasked={"field": field, "label": UNMASKABLE[field], "value": value}
    )
    response["Cache-Control"] = "no-store"
    return response


def _form_page(
    request: AuthedRequest, form: TeacherForm, title: str, teacher: Teacher | None = None
) -> HttpResponse:
    return render_page(request, "people/teacher_form.html", title, form=form, t=teacher)


def teacher_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    schools = selectors.schools_in_scope(request.user).order_by("name")
    form = TeacherForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            teacher = services.teacher_create(
                user=request.user, school=form.cleaned_data["school"], data=form.teacher_data()
            )
        except ServiceError as error:
            report_error(request, error)
        else:
            messages.success(request, _("已登记教师 {teacher}").format(teacher=teacher.name))
            return redirect(reverse("admin:people-teacher", args=[teacher.pk]))
    return _form_page(request, form, _("登记教师"))


def teacher_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    teacher = selectors.teacher_get(request.user, pk)
    schools = selectors.schools_in_scope(request.user).order_by("name")
    initial = {
        "school": teacher.school,
        "name": teacher.name,
        "id_number": teacher.id_number,
        "phone": teacher.phone,
        "kind": teacher.kind,
        "title": teacher.title,
        "skill_level": teacher.skill_level,
        "employer": teacher.employer,
        "hired_on": teacher.hired_on,
    }
    if request.method != "POST":
        # The edit form never echoes the full number: it is kept unless a new one is typed.
        initial["id_number"] = ""
        initial["phone"] = ""
    post = request.POST.copy() if request.method == "POST" else None
    if post is not None:
        if not post.get("id_number", "").strip():
            post["id_number"] = teacher.id_number
        if not post.get("phone", "").strip():
            post["phone"] = teacher.phone
    form = TeacherForm(post, initial=initial, schools=schools)
    form.fields["id_number"].required = False
    form.fields["id_number"].help_text = _(
        "当前：{id_number}。留空表示不修改；更正时填写完整的 18 位号码。"
    ).format(id_number=mask_id_number(teacher.id_number))
    form.fields["phone"].help_text = _("当前：{phone}。留空表示不修改。").format(
        phone=mask_phone(teacher.phone) if teacher.phone else _("未填写")
    )
    if post is not None and form.is_valid():
        try:
            changed = services.teacher_update(
                user=request.user,
                teacher=teacher,
                data=form.teacher_data(),
                school=form.cleaned_data["school"],
            )
        except ServiceError as error:
            report_error(request, error)
        else:
            messages.success(request, _("已保存") if changed else _("没有需要保存的修改"))
            return redirect(reverse("admin:people-teacher", args=[teacher.pk]))
    return _form_page(
        request, form, _("修改教师 · {teacher}").format(teacher=teacher.name), teacher
    )


def _action(request: AuthedRequest, pk: int, form_class: Any, run: Any, done: str) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    teacher = selectors.teacher_get(request.user, pk)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        try:
            run(teacher, form.cleaned_data)
        except ServiceError as error:
            report_error(request, error)
        else:
            messages.success(request, done)
    return redirect(reverse("admin:people-teacher", args=[pk]))


@require_POST
def teacher_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        LeaveForm,
        lambda t, d: services.teacher_leave(user=request.user, teacher=t, **d),
        _("已登记离职"),
    )


@require_POST
def teacher_dual_grant(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        DualGrantForm,
        lambda t, d: services.dual_grant(user=request.user, teacher=t, **d),
        _("已登记“双师型”认定"),
    )


@require_POST
def teacher_dual_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        DualRevokeForm,
        lambda t, d: services.dual_revoke(user=request.user, teacher=t, **d),
        _("已撤销“双师型”认定"),
    )


@require_POST
def teacher_practice(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        PracticeForm,
        lambda t, d: services.practice_record(user=request.user, teacher=t, **d),
        _("已登记企业实践"),
    )


def teacher_evidence(request: AuthedRequest, pk: int) -> FileResponse:
    """A 双师型 grant's evidence, only for users who may see that teacher."""
    require(request, Capability.PEOPLE_VIEW)
    grant = selectors.dual_evidence_get(request.user, pk)
    return FileResponse(
        grant.evidence.open("rb"),
        as_attachment=True,
        filename=grant.evidence_name,
        content_type=grant.evidence_type,
    )


def teachers_import(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    if request.GET.get("template") == "xlsx":
        return _download(imports.template_bytes(request.user), _("教师导入模板.xlsx"))
    row_errors: list[Any] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.teachers_import(user=request.user, upload=upload, name=upload.name)
        except ImportRejected as exc:
            report_error(request, exc)
            row_errors = list(exc.errors)
        except (ExcelError, ServiceError) as exc:
            report_error(request, exc)
        else:
            messages.success(
                request, _("导入成功：登记教师 {count} 人").format(count=result.created)
            )
            return redirect(reverse("admin:people-teachers"))
    return render_page(
        request,
        "people/teachers_import.html",
        _("导入教师"),
        form=form,
        row_errors=row_errors[:500],
        more_errors=max(0, len(row_errors) - 500),
    )


def teachers_export(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    content = imports.teachers_export(user=request.user, filters=_filters(request))
    return _download(content, _("教师名单-{day:%Y%m%d}.xlsx").format(day=timezone.localdate()))
