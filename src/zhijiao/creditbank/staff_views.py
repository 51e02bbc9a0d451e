"""Pages of the credit bank for schools (学校：开户、提交、初审) and the bank (学分银行：终审、公示、
入账、撤销、更正): the review queue with filters and bulk actions, learners (masked; unmasking
audited), 集体开户 and bulk submission from Excel or a list, mutual recognition, statistics.

Every list and object comes through ``visible_to``; an object out of scope is a 404.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.core import audit, listing
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    XLSX_CONTENT_TYPE,
    Column,
    ExcelError,
    ImportRejected,
    RowError,
    xlsx_write,
)
from zhijiao.core.listing import ExportColumn
from zhijiao.core.models import AuditAction
from zhijiao.core.pages import AuthedRequest, int_param, render_page, report_error, require
from zhijiao.core.registry import ChoiceFilter, SearchFilter, UnitFilter
from zhijiao.orgs.models import Unit
from zhijiao.orgs.roles import Capability

from . import imports, selectors, services
from .data import ApplicationStatus, LearnerData, RecognitionDecision, RuleStatus
from .forms import LearnerForm, RecognitionForm, UploadForm
from .models import (
    Application,
    ConversionRule,
    Learner,
    MutualRecognition,
    Outcome,
    Programme,
)
from .views import _call, _outcome_form

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STAFF = (Capability.CREDIT_SUBMIT, Capability.CREDIT_REVIEW, Capability.CREDIT_BANK)
PAGE_SIZE = 50
COUNT_CAP = 10_000
UNMASKABLE = {
    "name": gettext_lazy("姓名"),
    "id_number": gettext_lazy("身份证号"),
    "phone": gettext_lazy("手机号"),
}
BULK_LIMIT = 200

# Bulk actions of the queue: (label, capability, decision or step).
BULK_ACTIONS: dict[str, tuple[StrOrPromise, Capability]] = {
    "school_approve": (gettext_lazy("学校审核通过"), Capability.CREDIT_REVIEW),
    "school_return": (gettext_lazy("学校退回修改"), Capability.CREDIT_REVIEW),
    "school_reject": (gettext_lazy("学校不予通过"), Capability.CREDIT_REVIEW),
    "bank_approve": (gettext_lazy("学分银行审核通过"), Capability.CREDIT_BANK),
    "bank_return": (gettext_lazy("学分银行退回修改"), Capability.CREDIT_BANK),
    "bank_reject": (gettext_lazy("学分银行不予通过"), Capability.CREDIT_BANK),
    "notice": (gettext_lazy("发布公示"), Capability.CREDIT_BANK),
    "credit": (gettext_lazy("公示期满入账"), Capability.CREDIT_BANK),
}


def download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def text_param(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


# ---------------------------------------------------------------- queue


def _queue_filters(request: AuthedRequest) -> selectors.QueueFilters:
    get = request.GET
    status = get.get("status", "todo")
    if status not in ("todo", "", *ApplicationStatus.values):
        status = "todo"
    return selectors.QueueFilters(
        status=status,
        school=int_param(get.get("school")),
        programme=int_param(get.get("programme")),
        batch=text_param(get.get("batch"), 40),
        q=text_param(get.get("q"), 30),
    )


def queue(request: AuthedRequest) -> HttpResponse:
    """Applications in scope — by default what waits for the user — with filters; rows can be
    selected for a bulk action."""
    require(request, *STAFF)
    user = request.user
    filters = _queue_filters(request)
    qs = selectors.applications_filtered(user, filters)
    if request.GET.get("format") == "xlsx":
        return download(
            _queue_xlsx(user, qs),
            _("学分认定申请-{day}.xlsx").format(day=f"{timezone.localdate():%Y%m%d}"),
        )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # A school's programmes: its own, or — for the bank, which sees every school — those of the
    # school chosen (a province has thousands of programmes, too many for one list).
    programmes = Programme.objects.select_related("school").order_by("school__name", "major_code")
    if not user.can(Capability.CREDIT_BANK):
        programmes = programmes.filter(school_id=user.unit_id)
    elif filters.school is not None:
        programmes = programmes.filter(school_id=filters.school)
    else:
        programmes = programmes.none()
    return render_page(
        request,
        "creditbank/queue.html",
        _("学分认定审核"),
        page=page,
        filters=filters,
        statuses=ApplicationStatus.choices,
        schools=list(selectors.schools_in_scope(user).order_by("name"))
        if user.can(Capability.CREDIT_BANK)
        else [],
        programmes=list(programmes),
        actions=[(k, label) for k, (label, cap) in BULK_ACTIONS.items() if user.can(cap)],
        query=query.urlencode(),
        notice_days=services.notice_days(),
    )


class CappedPaginator(Paginator):
    """Counts no further than :data:`COUNT_CAP`: a province's queue holds hundreds of thousands
    of applications, and counting them all took a second on every view (the rows of a page are
    read in index order either way). ``capped`` says the count stopped there."""

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # a queryset: SELECT COUNT(*) FROM (… LIMIT cap + 1)
        return int(rows[: COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _queue_xlsx(user: Any, qs: Any) -> bytes:
    """The filtered applications as a workbook: no personal data beyond the account number."""
    stream = io.BytesIO()
    count = xlsx_write(
        stream,
        columns=[
            Column(_("申请编号"), 16),
            Column(_("学习账号"), 16),
            Column(_("学校"), 22),
            Column(_("专业"), 30),
            Column(_("状态"), 18),
            Column(_("认定学分"), 10),
            Column(_("批次"), 12),
            Column(_("提交日期"), 12),
            Column(_("公示期满"), 12),
            Column(_("入账日期"), 12),
        ],
        rows=(
            [
                a.number or "",
                a.learner.account_number,
                a.programme.school.name,
                a.programme.major_name,
                a.get_status_display(),
                float(a.credits) if a.credits else None,
                a.batch,
                _day(a.submitted_at),
                a.notice_ends.isoformat() if a.notice_ends else "",
                _day(a.credited_at),
            ]
            for a in qs.select_related("learner", "programme__school").iterator(2000)
        ),
        title=_("学分认定申请"),
    )
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        object_type="creditbank.Application",
        message=_("导出学分认定申请 %(count)d 份") % {"count": count},
    )
    return stream.getvalue()


def _day(at: Any) -> str:
    return timezone.localtime(at).date().isoformat() if at else ""


@require_POST
def queue_bulk(request: AuthedRequest) -> HttpResponse:
    """One action on every selected application. Each goes through its own service call (its
    own transaction, lock and audit row); those that cannot be handled are listed with the
    reason, the others are done. 发布公示 is all or none, as the service decides."""
    require(request, Capability.CREDIT_REVIEW, Capability.CREDIT_BANK)
    user = request.user
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS or not user.can(BULK_ACTIONS[action][1]):
        messages.error(request, _("请选择您可以执行的批量操作"))
        return redirect(_back(request))
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdecimal() and len(v) < 10]
    chosen = list(
        selectors.applications_visible(user).filter(pk__in=ids[:BULK_LIMIT]).order_by("pk")
    )
    if not chosen:
        messages.error(request, _("请先勾选申请"))
        return redirect(_back(request))
    comment = request.POST.get("comment", "").strip()[:500]
    label = BULK_ACTIONS[action][0]
    if action == "notice":
        ok, _result = _call(
            request,
            lambda: services.application_notice_start(
                user=user, applications=chosen, days=int_param(request.POST.get("days"), digits=3)
            ),
        )
        if ok:
            messages.success(request, _("%(a)s：%(n)s 份") % {"a": label, "n": len(chosen)})
        return redirect(_back(request))
    done, failed = 0, []
    for application in chosen:
        try:
            _bulk_one(user, application, action, comment)
        except ServiceError as error:
            failed.append(f"{application}：{error.message}")
        else:
            done += 1
    if done:
        messages.success(request, _("%(a)s：已处理 %(n)s 份") % {"a": label, "n": done})
    if failed:
        messages.error(
            request,
            _("%(n)s 份未处理：%(list)s") % {"n": len(failed), "list": "；".join(failed[:20])},
        )
    return redirect(_back(request))


def _bulk_one(user: Any, application: Application, action: str, comment: str) -> None:
    step, _sep, decision = action.partition("_")
    if step == "school":
        services.application_school_review(
            user=user, application=application, decision=decision, comment=comment
        )
    elif step == "bank":
        services.application_bank_review(
            user=user, application=application, decision=decision, comment=comment
        )
    elif step == "credit":
        services.application_credit(user=user, application=application)


def _back(request: AuthedRequest) -> str:
    query = request.POST.get("query", "")
    return reverse("admin:creditbank-queue") + (f"?{query}" if query else "")


# ---------------------------------------------------------------- learners


def learners(request: AuthedRequest) -> HttpResponse:
    """Learners in scope, masked; found by account number or a full 身份证号 (digest lookup)."""
    require(request, *STAFF)
    user = request.user
    qs = selectors.learners_visible(user)
    school = int_param(request.GET.get("school"))
    if school is not None:
        qs = qs.filter(school_id=school)
    q = text_param(request.GET.get("q"), 30)
    if q:
        found = selectors.learner_find(user, id_number=q) if len(q) >= 15 else None
        qs = qs.filter(pk=found.pk) if found is not None else qs.filter(account_number=q.upper())
    if request.GET.get("format") == "xlsx":
        return download(
            _learners_xlsx(user, qs),
            _("学习账户-{day}.xlsx").format(day=f"{timezone.localdate():%Y%m%d}"),
        )
    page = Paginator(qs.order_by("account_number"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "creditbank/learners.html",
        _("学习账户"),
        page=page,
        cards=[selectors.learner_card(learner) for learner in page.object_list],
        schools=list(selectors.schools_in_scope(user).order_by("name"))
        if user.can(Capability.CREDIT_BANK)
        else [],
        school=school,
        q=q,
        query=query.urlencode(),
        can_open=user.can(Capability.CREDIT_SUBMIT) or user.can(Capability.CREDIT_BANK),
    )


def _learners_xlsx(user: Any, qs: Any) -> bytes:
    """The learners in scope as a workbook, masked as on screen (the export is audited)."""
    stream = io.BytesIO()
    count = xlsx_write(
        stream,
        columns=[
            Column(_("学习账号"), 16),
            Column(_("姓名"), 10),
            Column(_("身份证号（脱敏）"), 22),
            Column(_("手机号（脱敏）"), 16),
            Column(_("开户学校"), 24),
            Column(_("开户日期"), 12),
        ],
        rows=(
            [
                card.account_number,
                card.name,
                card.id_number,
                card.phone,
                card.school,
                _day(learner.opened_at),
            ]
            for learner in qs.select_related("school").order_by("account_number").iterator(2000)
            for card in [selectors.learner_card(learner)]
        ),
        title=_("学习账户"),
    )
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        object_type="creditbank.Learner",
        message=_("导出学习账户 %(count)d 个（已脱敏）") % {"count": count},
    )
    return stream.getvalue()


def learner_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK)
    schools = selectors.schools_in_scope(request.user).order_by("name")
    form = LearnerForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, learner = _call(
            request,
            lambda: services.learner_open(
                user=request.user,
                school=d.get("school"),
                data=LearnerData(name=d["name"], id_number=d["id_number"], phone=d["phone"]),
            ),
        )
        if ok:
            messages.success(request, _("已开立学习账户 %(a)s") % {"a": learner.account_number})
            return redirect(reverse("admin:creditbank-learner", args=[learner.pk]))
    return render_page(
        request,
        "creditbank/form.html",
        _("开立学习账户"),
        form=form,
        cancel=reverse("admin:creditbank-learners"),
        intro=_("身份证号按 GB 11643 校验；同一身份证号只能开立一个学习账户。"),
    )


def learners_import(request: AuthedRequest) -> HttpResponse:
    """集体开户: the template, then the filled file, all or nothing, every row's problem listed."""
    require(request, Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK)
    if request.GET.get("template") == "xlsx":
        return download(imports.template_bytes(request.user), _("集体开户导入模板.xlsx"))
    row_errors: list[RowError] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.learners_import(user=request.user, upload=upload, name=upload.name)
        except ImportRejected as exc:
            report_error(request, exc)
            row_errors = list(exc.errors)
        except (ExcelError, ServiceError) as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("集体开户成功：%(n)s 人") % {"n": result.opened})
            return redirect(reverse("admin:creditbank-learners"))
    return render_page(
        request,
        "creditbank/import.html",
        _("集体开户"),
        form=form,
        row_errors=row_errors[:500],
        more_errors=max(0, len(row_errors) - 500),
    )


def _learner_page(request: AuthedRequest, learner: Learner, **extra: Any) -> HttpResponse:
    user = request.user
    is_bank = user.can(Capability.CREDIT_BANK)
    return render_page(
        request,
        "creditbank/learner.html",
        _("学习账户 %(a)s") % {"a": learner.account_number},
        learner=learner,
        card=selectors.learner_card(learner),
        outcomes=Outcome.objects.filter(learner=learner).select_related("certificate", "course"),
        applications=Application.objects.visible_to(user)
        .filter(learner=learner)
        .select_related("programme__school")
        .order_by("-created_at"),
        transcript=selectors.learner_transcript(learner),
        shares=learner.shares.order_by("-created_at")[:10] if is_bank else [],
        name_history=selectors.name_history(learner) if is_bank else [],
        can_unmask=user.can(Capability.CREDIT_UNMASK) and not learner.is_erased,
        can_rename=is_bank and not learner.is_erased,
        can_record=(user.can(Capability.CREDIT_SUBMIT) or is_bank) and not learner.is_erased,
        unmaskable=UNMASKABLE.items(),
        **extra,
    )


def learner_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, *STAFF)
    return _learner_page(request, selectors.learner_get(request.user, pk))


@require_POST
def learner_unmask(request: AuthedRequest, pk: int) -> HttpResponse:
    """The full value, in this answer only, never cached; audited whether allowed or not."""
    require(request, *STAFF)
    learner = selectors.learner_get(request.user, pk)
    field = request.POST.get("field", "id_number")
    if field not in UNMASKABLE:
        field = "id_number"
    try:
        value = services.learner_unmask(
            user=request.user,
            learner=learner,
            field=field,
            reason=request.POST.get("reason", "").strip()[:100],
        )
    except ServiceError as error:
        report_error(request, error)
        response = _learner_page(request, learner)
        response.status_code = error.status_code
        return response
    response = _learner_page(
        request, learner, unmasked={"label": UNMASKABLE[field], "value": value}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def learner_rename(request: AuthedRequest, pk: int) -> HttpResponse:
    """姓名更正 (the bank): history kept, ledger entry, shares re-issued."""
    require(request, Capability.CREDIT_BANK)
    learner = selectors.learner_get(request.user, pk)
    _call(
        request,
        lambda: services.learner_name_correct(
            user=request.user,
            learner=learner,
            new_name=request.POST.get("new_name", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("已更正姓名，原成绩单核验码已换发"),
    )
    return redirect(reverse("admin:creditbank-learner", args=[pk]))


def learner_outcome_new(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK)
    learner = selectors.learner_get(request.user, pk)
    return _outcome_form(request, learner, reverse("admin:creditbank-learner", args=[pk]))


@require_POST
def learner_share(request: AuthedRequest, pk: int) -> HttpResponse:
    """The bank issues a transcript share for a learner (e.g. at a counter)."""
    require(request, Capability.CREDIT_BANK)
    learner = selectors.learner_get(request.user, pk)
    _call(
        request,
        lambda: services.transcript_share_create(user=request.user, learner=learner),
        _("已生成成绩单核验码"),
    )
    return redirect(reverse("admin:creditbank-learner", args=[pk]))


# ---------------------------------------------------------------- bulk submission


def bulk_submit(request: AuthedRequest) -> HttpResponse:
    """A school (or training body) submits applications for many learners at once: one
    programme, the learners ticked, each with all their outcomes; all or nothing, every
    learner's problem listed in Chinese."""
    require(request, Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK)
    user = request.user
    programmes = Programme.objects.filter(is_active=True).select_related("school")
    chosen_pk = int_param(request.POST.get("programme") or request.GET.get("programme"))
    programme = programmes.filter(pk=chosen_pk).first() if chosen_pk is not None else None
    candidates = list(
        selectors.learners_visible(user)
        .filter(status="active", outcomes__isnull=False)
        .distinct()
        .order_by("account_number")[:BULK_LIMIT]
    )
    row_errors: list[RowError] = []
    if request.method == "POST" and programme is not None:
        ids = {int(v) for v in request.POST.getlist("learners") if v.isdecimal() and len(v) < 10}
        chosen = [c for c in candidates if c.pk in ids]
        outcomes: dict[int, list[Outcome]] = {}
        for outcome in Outcome.objects.filter(learner__in=chosen).order_by("pk"):
            outcomes.setdefault(outcome.learner_id, []).append(outcome)
        items = [
            services.BulkItem(learner=c, programme=programme, outcomes=outcomes.get(c.pk, []))
            for c in chosen
        ]
        try:
            created = services.applications_submit_bulk(user=user, items=items)
        except ImportRejected as exc:
            report_error(request, exc)
            row_errors = [
                RowError(e.row, chosen[e.row - 1].account_number, e.message) for e in exc.errors
            ]
        except ServiceError as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("已批量提交 %(n)s 份申请") % {"n": len(created)})
            batch = created[0].batch if created else ""
            return redirect(reverse("admin:creditbank-queue") + f"?status=&batch={batch}")
    return render_page(
        request,
        "creditbank/bulk_submit.html",
        _("批量提交认定申请"),
        programmes=programmes,
        programme=programme,
        candidates=[selectors.learner_card(c) for c in candidates],
        row_errors=row_errors,
    )


# ---------------------------------------------------------------- mutual recognition


def recognitions(request: AuthedRequest) -> HttpResponse:
    """学分互认: school B decides on credits a learner shared from school A, under a rule of B."""
    require(request, Capability.CREDIT_REVIEW, Capability.CREDIT_BANK)
    user = request.user
    can_decide = user.can(Capability.CREDIT_REVIEW)
    programmes = Programme.objects.filter(school_id=user.unit_id).select_related("school")
    rules = ConversionRule.objects.filter(
        programme__school_id=user.unit_id, status=RuleStatus.PUBLISHED
    ).select_related("programme")
    form = RecognitionForm(request.POST or None, programmes=programmes, rules=rules)
    if request.method == "POST":
        require(request, Capability.CREDIT_REVIEW)
        if form.is_valid():
            d = form.cleaned_data
            _call(
                request,
                lambda: services.recognition_decide(
                    user=user,
                    share_code=d["share_code"],
                    programme=d["programme"],
                    accept=d["accept"],
                    rule=d.get("rule"),
                    reason=d.get("reason") or "",
                ),
                _("已记录学分互认决定（已记入账本）"),
            )
            return redirect(reverse("admin:creditbank-recognitions"))
    decided = (
        MutualRecognition.objects.visible_to(user)
        .select_related("learner", "school", "source_school", "programme__school", "rule", "entry")
        .order_by("-decided_at", "-pk")
    )
    schools = Unit.objects.filter(
        Q(pk__in=decided.values("school")) | Q(pk__in=decided.values("source_school"))
    ).order_by("name")
    filters = [
        ChoiceFilter("decision", gettext_lazy("决定"), RecognitionDecision.choices),
        UnitFilter(
            "school", gettext_lazy("学校"), ("school", "source_school"), lambda _user: schools
        ),
        SearchFilter(
            "q",
            gettext_lazy("学习账号"),
            ("learner__account_number__icontains",),
            placeholder=gettext_lazy("学习账号"),
        ),
    ]
    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            decided,
            filters,
            columns=RECOGNITION_EXPORT,
            title=_("学分互认决定"),
            object_type="creditbank.MutualRecognition",
        )
    return render_page(
        request,
        "creditbank/recognitions.html",
        _("学分互认"),
        form=form if can_decide else None,
        **listing.listing(request, decided, filters, page_size=PAGE_SIZE),
    )


RECOGNITION_EXPORT = [
    ExportColumn(
        gettext_lazy("决定时间"), 18, lambda r: f"{timezone.localtime(r.decided_at):%Y-%m-%d %H:%M}"
    ),
    ExportColumn(gettext_lazy("学习账号"), 16, lambda r: r.learner.account_number),
    ExportColumn(gettext_lazy("学分所在学校"), 24, lambda r: r.source_school.name),
    ExportColumn(gettext_lazy("认可学校"), 24, lambda r: r.programme.school.name),
    ExportColumn(gettext_lazy("认可专业"), 30, lambda r: r.programme.major_name),
    ExportColumn(gettext_lazy("决定"), 10, lambda r: r.get_decision_display()),
    ExportColumn(gettext_lazy("认可学分"), 10, lambda r: float(r.credits)),
    ExportColumn(gettext_lazy("依据规则"), 24, lambda r: r.rule.reference if r.rule else ""),
    ExportColumn(gettext_lazy("理由"), 40, lambda r: r.reason),
    ExportColumn(gettext_lazy("账本序号"), 10, lambda r: r.entry.seq),
]


# ---------------------------------------------------------------- statistics


def stats(request: AuthedRequest) -> HttpResponse:
    """Outcomes by type and year, credits by school and year, applications by state; .xlsx."""
    require(request, Capability.CREDIT_REVIEW, Capability.CREDIT_BANK)
    year = int_param(request.GET.get("year"))
    if request.GET.get("format") == "xlsx":  # an export is computed afresh
        return download(
            _stats_xlsx(selectors.statistics(request.user, year=year)),
            _("学分银行统计-{day}.xlsx").format(day=f"{timezone.localdate():%Y%m%d}"),
        )
    kept = selectors.statistics_kept(request.user, year=year)
    school = request.GET.get("school", "").strip()[:50]
    figures, schools = (
        _schools_page(kept.value, school, request.GET.get("page")) if kept else (None, None)
    )
    return render_page(
        request,
        "creditbank/stats.html",
        _("学分银行统计"),
        figures=figures,
        page=schools,
        query=urlencode({k: v for k, v in (("year", year or ""), ("school", school)) if v}),
        school=school,
        computed_at=kept.computed_at if kept else None,
        year=year,
        years=range(timezone.localdate().year, timezone.localdate().year - 6, -1),
    )


SCHOOLS_PER_PAGE = 20


def _schools_page(
    figures: selectors.Statistics, text: str, number: str | None
) -> tuple[selectors.Statistics, Page[str]]:
    """The figures with the two tables by school cut to one page of schools (those whose name
    contains ``text``): a province's bank serves over a thousand schools, whose rows by year and
    by state would make a page of thousands of rows. The export keeps every school."""
    names = sorted({r.key[0] for r in (*figures.credits, *figures.applications)})
    page = Paginator([n for n in names if text in n], SCHOOLS_PER_PAGE).get_page(number)
    shown = set(page.object_list)
    return (
        replace(
            figures,
            credits=tuple(r for r in figures.credits if r.key[0] in shown),
            applications=tuple(r for r in figures.applications if r.key[0] in shown),
        ),
        page,
    )


def _stats_xlsx(figures: selectors.Statistics) -> bytes:
    from openpyxl import Workbook

    from zhijiao.core.excel import sheet_write

    workbook = Workbook()
    sheets = [
        (
            _("学习成果（按类型、年度）"),
            [_("成果类型"), _("年度"), _("成果数")],
            figures.outcomes,
            False,
        ),
        (
            _("入账学分（按学校、年度）"),
            [_("学校"), _("年度"), _("记录数"), _("学分")],
            figures.credits,
            True,
        ),
        (
            _("认定申请（按学校、状态）"),
            [_("学校"), _("状态"), _("申请数"), _("学分")],
            figures.applications,
            True,
        ),
    ]
    first = True
    for title, headers, rows, with_credits in sheets:
        ws = workbook.active if first else workbook.create_sheet()
        assert ws is not None
        first = False
        sheet_write(
            ws,
            columns=[Column(h, 24 if i == 0 else 12) for i, h in enumerate(headers)],
            rows=[[*r.key, r.count, *([float(r.credits)] if with_credits else [])] for r in rows],
            title=title,
        )
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
