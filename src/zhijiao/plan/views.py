"""Pages of plan supervision. Each parses input, checks access, calls one service, renders."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.core import listing
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ImportRejected
from zhijiao.core.listing import ExportColumn
from zhijiao.core.pages import AuthedRequest, render_page, report_error, require, require_unit
from zhijiao.core.registry import ChoiceFilter, Filter, SearchFilter, UnitFilter, units_named_in
from zhijiao.core.routing import replica_reads
from zhijiao.core.scope import get_visible_or_404
from zhijiao.indicators import selectors as indicator_selectors
from zhijiao.orgs.roles import Capability

from . import documents, selectors, services
from .data import TASK_STATUS_LABELS, TASK_STATUS_VARIANTS, TaskStatus
from .forms import DecisionForm, ExtensionForm, ReportForm, ReviewForm, RulesForm, SchoolPlanForm
from .models import (
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    Plan,
    ProgressReport,
    ReportStatus,
    Responsibility,
    SchoolPlan,
    Task,
    TaskWarning,
    WarningLevel,
)

TIMELINE_PERIODS = 6

STATUS_ORDER = [
    TaskStatus.OVERDUE,
    TaskStatus.DUE_SOON,
    TaskStatus.IN_PROGRESS,
    TaskStatus.NOT_STARTED,
    TaskStatus.CONTINUOUS,
    TaskStatus.COMPLETED,
]


def _plan_or_404() -> Plan:
    plan = selectors.current_plan()
    if plan is None:
        raise Http404(_("尚未载入实施方案"))
    return plan


def _status_badges() -> list[dict[str, Any]]:
    return [
        {"key": s.value, "label": TASK_STATUS_LABELS[s], "variant": TASK_STATUS_VARIANTS[s]}
        for s in STATUS_ORDER
    ]


@replica_reads
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The plan office's view of every task: by status, programme and unit; late lists; scorecard."""
    require(request, Capability.PLAN_VIEW_ALL)
    plan = _plan_or_404()
    today = timezone.localdate()
    rows = selectors.task_rows(request.user, plan, today=today)
    by_status = Counter(r.state.status for r in rows)
    programmes: dict[int, dict[str, Any]] = {}
    for r in rows:
        p = programmes.setdefault(
            r.task.programme_id, {"programme": r.task.programme, "counts": Counter(), "total": 0}
        )
        p["counts"][r.state.status] += 1
        p["total"] += 1
    scores = selectors.unit_scorecards(plan, today=today)
    warnings = (
        TaskWarning.objects.visible_to(request.user)
        .filter(task__plan=plan, resolved_at__isnull=True)
        .select_related("task", "unit")
        .order_by("-level", "task__number")
    )
    warning_counts = Counter(w.level for w in warnings)
    chart = {
        "labels": [
            f"（{p['programme'].number}）{p['programme'].name}" for p in programmes.values()
        ],
        "datasets": [
            {
                "label": str(TASK_STATUS_LABELS[s]),
                "data": [p["counts"][s] for p in programmes.values()],
                "backgroundColor": COLOR[s],
            }
            for s in STATUS_ORDER
        ],
    }
    return render_page(
        request,
        "plan/dashboard.html",
        _("督查总览"),
        plan=plan,
        today=today,
        rows=rows,
        total=len(rows),
        status_cards=[
            {**b, "count": by_status.get(TaskStatus(b["key"]), 0)} for b in _status_badges()
        ],
        programmes=[
            {**p, "cells": [p["counts"][s] for s in STATUS_ORDER]} for p in programmes.values()
        ],
        status_headers=[TASK_STATUS_LABELS[s] for s in STATUS_ORDER],
        overdue=[r for r in rows if r.state.status == TaskStatus.OVERDUE],
        due_soon=[r for r in rows if r.state.status == TaskStatus.DUE_SOON],
        scores=scores,
        warnings=warnings[:50],
        warning_counts={lvl.label: warning_counts.get(lvl.value, 0) for lvl in WarningLevel},
        chart_json=json.dumps(chart, ensure_ascii=False),
        chart_options=json.dumps(CHART_OPTIONS),
        awaiting=selectors.reports_awaiting_review(request.user, plan).count(),
        pending_extensions=ExtensionRequest.objects.filter(
            task__plan=plan, status=ExtensionStatus.PENDING
        ).count(),
    )


CHART_OPTIONS = {
    "animation": False,
    "responsive": True,
    "maintainAspectRatio": False,
    "indexAxis": "y",
    "scales": {"x": {"stacked": True, "ticks": {"precision": 0}}, "y": {"stacked": True}},
    "plugins": {"legend": {"display": True, "position": "bottom"}},
}

COLOR = {
    TaskStatus.OVERDUE: "#dc2626",
    TaskStatus.DUE_SOON: "#f97316",
    TaskStatus.IN_PROGRESS: "#3b82f6",
    TaskStatus.NOT_STARTED: "#9ca3af",
    TaskStatus.CONTINUOUS: "#8b5cf6",
    TaskStatus.COMPLETED: "#16a34a",
}


def workspace(request: AuthedRequest) -> HttpResponse:
    """A unit's own work: its tasks, what is due this period, drafts, what was returned."""
    require(request, Capability.PLAN_REPORT)
    plan = _plan_or_404()
    today = timezone.localdate()
    unit_id = require_unit(request)
    leads = set(
        Responsibility.objects.filter(unit_id=unit_id, is_lead=True).values_list(
            "task_id", flat=True
        )
    )
    rows = selectors.unit_task_rows(unit_id, plan, today=today)
    period = selectors.period_current(plan, today=today)
    own = ProgressReport.objects.filter(unit_id=unit_id, task__plan=plan).select_related(
        "task", "period"
    )
    reported = (
        set(
            own.filter(period=period)
            .exclude(first_submitted_at__isnull=True)
            .values_list("task_id", flat=True)
        )
        if period
        else set()
    )
    completed = {r.task.pk for r in rows if r.state.status == TaskStatus.COMPLETED}
    due = [r for r in rows if period and r.task.pk not in reported and r.task.pk not in completed]
    return render_page(
        request,
        "plan/workspace.html",
        _("我的工作台"),
        plan=plan,
        rows=rows,
        leads=leads,
        period=period,
        due=due,
        today=today,
        drafts=own.filter(status=ReportStatus.DRAFT).order_by("-created_at")[:20],
        returned=own.filter(status=ReportStatus.RETURNED).order_by("-reviewed_at")[:20],
        warnings=TaskWarning.objects.filter(
            unit_id=unit_id, resolved_at__isnull=True, task__plan=plan
        )
        .select_related("task")
        .order_by("-level"),
    )


def task_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PLAN_VIEW)
    plan = _plan_or_404()
    today = timezone.localdate()
    rows = selectors.task_rows(request.user, plan, today=today)
    status = request.GET.get("status", "")
    programme = request.GET.get("programme", "")
    unit = request.GET.get("unit", "").strip()
    q = request.GET.get("q", "").strip()
    if status in {s.value for s in TaskStatus}:
        rows = [r for r in rows if r.state.status == status]
    if programme.isdecimal():
        rows = [r for r in rows if r.task.programme.number == int(programme)]
    if unit:
        rows = [r for r in rows if any(unit in name for name in r.printed_units)]
    if q:
        rows = [r for r in rows if q in r.task.text or q in r.task.programme.name]
    return render_page(
        request,
        "plan/task_list.html",
        _("任务清单"),
        plan=plan,
        rows=rows,
        statuses=_status_badges(),
        status=status,
        programme=programme,
        unit=unit,
        q=q,
        programmes=plan.programmes.all(),
        can_export=request.user.can(Capability.PLAN_VIEW),
    )


def task_detail(request: AuthedRequest, number: int) -> HttpResponse:
    require(request, Capability.PLAN_VIEW)
    plan = _plan_or_404()
    task = get_visible_or_404(
        Task.objects.select_related("programme", "plan"), request.user, plan=plan, number=number
    )
    today = timezone.localdate()
    state = selectors.task_state(task, today=today)
    user = request.user
    responsibilities = task.responsibilities.select_related("unit", "via_group").order_by(
        "position", "unit__name"
    )
    mine = next((r for r in responsibilities if r.unit_id == user.unit_id), None)
    # The latest periods first; the whole history on request.
    show_all = request.GET.get("all") == "1"
    periods = list(
        task.plan.periods.filter(start__lte=today).order_by("-start").values_list("pk", flat=True)
    )
    reports = selectors.reports_for_task(user, task)
    if not show_all:
        reports = reports.filter(period_id__in=periods[:TIMELINE_PERIODS])
    by_period: dict[Any, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        by_period[report.period].append(report)
    return render_page(
        request,
        "plan/task_detail.html",
        _("任务 {number}").format(number=task.number),
        task=task,
        state=state,
        responsibilities=responsibilities,
        mine=mine,
        assignees=task.assignees.all(),
        timeline=list(by_period.items()),
        show_all=show_all,
        more_periods=not show_all and len(periods) > TIMELINE_PERIODS,
        extensions=ExtensionRequest.objects.visible_to(user)
        .filter(task=task)
        .select_related("unit", "requested_by", "decided_by"),
        warnings=TaskWarning.objects.visible_to(user)
        .filter(task=task, resolved_at__isnull=True)
        .select_related("unit"),
        school_plans=SchoolPlan.objects.visible_to(user)
        .filter(tasks=task)
        .select_related("school"),
        targets=indicator_selectors.targets_for_task(task.pk)
        if user.can(Capability.TARGETS_VIEW)
        else [],
        can_report=mine is not None and user.can(Capability.PLAN_REPORT),
        can_extend=mine is not None
        and mine.is_lead
        and not task.is_continuous
        and user.can(Capability.PLAN_REPORT),
        can_review=user.can(Capability.PLAN_REVIEW),
        status_variant=TASK_STATUS_VARIANTS[state.status],
    )


def report_edit(request: AuthedRequest, number: int) -> HttpResponse:
    """Write (or continue) this unit's report on a task; save as draft or save and submit."""
    require(request, Capability.PLAN_REPORT)
    plan = _plan_or_404()
    task = get_visible_or_404(
        Task.objects.select_related("plan"), request.user, plan=plan, number=number
    )
    unit_id = require_unit(request)
    if not Responsibility.objects.filter(task=task, unit_id=unit_id).exists():
        raise Http404(_("未找到"))
    today = timezone.localdate()
    services.periods_ensure(plan=plan, through=today)
    periods = plan.periods.filter(start__lte=today).order_by("-start")[:6]
    periods = plan.periods.filter(pk__in=[p.pk for p in periods]).order_by("-start")
    current = selectors.period_current(plan, today=today)
    period_id = str(
        request.POST.get("period") or request.GET.get("period") or (current.pk if current else "")
    )
    existing = (
        ProgressReport.objects.filter(task=task, unit_id=unit_id, period_id=int(period_id)).first()
        if period_id.isdecimal()
        else None
    )
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, periods=periods)
        if form.is_valid():
            data = services.ReportInput(
                narrative=form.cleaned_data["narrative"],
                percent=form.cleaned_data["percent"],
                milestone=form.cleaned_data["milestone"],
                claims_completion=form.cleaned_data["claims_completion"],
            )
            try:
                report = services.report_with_evidence(
                    user=request.user,
                    task=task,
                    period=form.cleaned_data["period"],
                    data=data,
                    files=form.cleaned_data["evidence"],
                    submit="submit" in request.POST,
                )
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("已报送，等待工作专班审核") if "submit" in request.POST else _("草稿已保存"),
                )
                return redirect(reverse("admin:plan-report", args=[report.pk]))
    else:
        initial: dict[str, Any] = {"period": period_id}
        if existing is not None:
            initial |= {
                "narrative": existing.narrative,
                "percent": existing.percent,
                "milestone": existing.milestone,
                "claims_completion": existing.claims_completion,
            }
        form = ReportForm(initial=initial, periods=periods)
    return render_page(
        request,
        "plan/report_form.html",
        _("填报任务 {number} 进展").format(number=task.number),
        task=task,
        form=form,
        existing=existing,
    )


def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PLAN_VIEW)
    report = get_visible_or_404(
        ProgressReport.objects.select_related("task", "unit", "period", "author", "reviewer"),
        request.user,
        pk=pk,
    )
    user = request.user
    return render_page(
        request,
        "plan/report_detail.html",
        _("任务 {number} · {period} 进展报告").format(
            number=report.task.number, period=report.period
        ),
        report=report,
        evidence=report.evidence.all(),
        events=report.events.select_related("actor"),
        can_submit=report.unit_id == user.unit_id
        and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
        and user.can(Capability.PLAN_REPORT),
        can_review=report.status == ReportStatus.SUBMITTED and user.can(Capability.PLAN_REVIEW),
        review_form=ReviewForm(),
    )


@require_POST
def report_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PLAN_REPORT)
    report = get_visible_or_404(ProgressReport.objects.all(), request.user, pk=pk)
    try:
        services.report_submit(user=request.user, report=report)
    except ServiceError as error:
        report_error(request, error)
    else:
        messages.success(request, _("已报送，等待工作专班审核"))
    return redirect(reverse("admin:plan-report", args=[pk]))


@require_POST
def report_review(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PLAN_REVIEW)
    report = get_visible_or_404(ProgressReport.objects.all(), request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结论"))
        return redirect(reverse("admin:plan-report", args=[pk]))
    try:
        services.report_review(
            user=request.user,
            report=report,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except ServiceError as error:
        report_error(request, error)
    else:
        messages.success(request, _("审核完成"))
    next_url = request.POST.get("next", "")
    return redirect(
        next_url
        if next_url.startswith("/") and not next_url.startswith("//")
        else reverse("admin:plan-report", args=[pk])
    )


def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    require(request, Capability.PLAN_VIEW)
    visible_reports = ProgressReport.objects.visible_to(request.user)
    evidence = Evidence.objects.filter(pk=pk, report__in=visible_reports).first()
    if evidence is None:
        raise Http404(_("未找到"))
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


def review_queue(request: AuthedRequest) -> HttpResponse:
    """Progress reports waiting for the reviewer — filtered by unit, period and words of the task,
    50 a page, exported as .xlsx — and the pending extension requests."""
    require(request, Capability.PLAN_REVIEW)
    plan = _plan_or_404()
    user = request.user
    reports = selectors.reports_awaiting_review(user, plan)
    filters = [
        UnitFilter(
            "unit",
            gettext_lazy("报送单位"),
            ("unit",),
            lambda _u: units_named_in(reports, "unit"),
        ),
        ChoiceFilter(
            "period",
            gettext_lazy("周期"),
            [(p.pk, str(p)) for p in plan.periods.filter(reports__in=reports).distinct()],
        ),
        SearchFilter(
            "q",
            gettext_lazy("关键词"),
            ("task__text__icontains", "narrative__icontains"),
            placeholder=gettext_lazy("任务或进展中的词"),
        ),
    ]
    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            reports.select_related("author"),
            filters,
            columns=REVIEW_EXPORT,
            title=_("待审核进展报告"),
            object_type="plan.ProgressReport",
        )
    return render_page(
        request,
        "plan/review_queue.html",
        _("待审核"),
        **listing.listing(request, reports, filters),
        extensions=ExtensionRequest.objects.filter(
            task__plan=plan, status=ExtensionStatus.PENDING
        ).select_related("task", "unit", "requested_by"),
        review_form=ReviewForm(),
        decision_form=DecisionForm(),
    )


REVIEW_EXPORT = [
    ExportColumn(gettext_lazy("任务序号"), 10, lambda r: r.task.number),
    ExportColumn(gettext_lazy("主要任务"), 50, lambda r: r.task.text),
    ExportColumn(gettext_lazy("报送单位"), 20, lambda r: r.unit.name),
    ExportColumn(gettext_lazy("周期"), 14, lambda r: str(r.period)),
    ExportColumn(gettext_lazy("完成进度（%）"), 12, lambda r: r.percent),
    ExportColumn(
        gettext_lazy("申报完成"), 10, lambda r: str(_("是")) if r.claims_completion else ""
    ),
    ExportColumn(
        gettext_lazy("报送时间"),
        18,
        lambda r: f"{timezone.localtime(r.submitted_at):%Y-%m-%d %H:%M}" if r.submitted_at else "",
    ),
    ExportColumn(gettext_lazy("填报人"), 12, lambda r: str(r.author)),
    ExportColumn(gettext_lazy("进展情况"), 60, lambda r: r.narrative),
]


def extension_new(request: AuthedRequest, number: int) -> HttpResponse:
    require(request, Capability.PLAN_REPORT)
    plan = _plan_or_404()
    task = get_visible_or_404(
        Task.objects.select_related("plan"), request.user, plan=plan, number=number
    )
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                user=request.user,
                task=task,
                requested_deadline=form.cleaned_data["requested_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            report_error(request, error)
        else:
            messages.success(request, _("延期申请已提交，等待工作专班审批"))
            return redirect(reverse("admin:plan-task", args=[number]))
    return render_page(
        request,
        "plan/extension_form.html",
        _("任务 {number} 延期申请").format(number=task.number),
        task=task,
        form=form,
    )


@require_POST
def extension_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PLAN_REVIEW)
    req = get_visible_or_404(ExtensionRequest.objects.all(), request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.extension_decide(
                user=request.user,
                request=req,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as error:
            report_error(request, error)
        else:
            messages.success(request, _("审批完成"))
    else:
        messages.error(request, _("请选择审批结论"))
    return redirect(reverse("admin:plan-review"))


def school_plan(request: AuthedRequest) -> HttpResponse:
    """一校一案: a school keeps its own plan; the office sees every school's, filtered by school,
    task, uploaded file and words of the plan, 50 a page. ``?format=xlsx`` exports the filtered
    plans the user may see (a school: its own)."""
    require(request, Capability.SCHOOL_PLAN, Capability.PLAN_VIEW_ALL)
    plan = _plan_or_404()
    user = request.user
    school_plans = (
        SchoolPlan.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("school", "updated_by")
        .prefetch_related("tasks")
        .order_by("school__name")
    )
    if request.method == "GET" and listing.wants_export(request):
        return listing.export_filtered(
            request,
            school_plans,
            _school_plan_filters(plan, school_plans),
            columns=SCHOOL_PLAN_EXPORT,
            title=_("一校一案"),
            object_type="plan.SchoolPlan",
        )
    if not user.can(Capability.SCHOOL_PLAN):
        return render_page(
            request,
            "plan/school_plans.html",
            _("一校一案"),
            **listing.listing(request, school_plans, _school_plan_filters(plan, school_plans)),
        )
    current = (
        SchoolPlan.objects.filter(plan=plan, school_id=user.unit_id)
        .prefetch_related("tasks")
        .first()
    )
    choices = [(t.pk, f"{t.number}．{t.text[:40]}") for t in plan.tasks.order_by("number")]
    if request.method == "POST":
        form = SchoolPlanForm(request.POST, request.FILES, task_choices=choices)
        if form.is_valid():
            try:
                services.school_plan_save(
                    user=user,
                    plan=plan,
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                    task_ids=[int(t) for t in form.cleaned_data["tasks"]],
                    document=form.cleaned_data["document"],
                )
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(request, _("一校一案已保存"))
                return redirect(reverse("admin:plan-school-plan"))
    else:
        initial = (
            {
                "title": current.title,
                "summary": current.summary,
                "tasks": [t.pk for t in current.tasks.all()],
            }
            if current
            else {}
        )
        form = SchoolPlanForm(initial=initial, task_choices=choices)
    return render_page(
        request, "plan/school_plan_form.html", _("本校一校一案"), form=form, current=current
    )


def _school_plan_filters(plan: Plan, school_plans: QuerySet[SchoolPlan]) -> list[Filter]:
    """The office's filters of the 一校一案 list: choices among the plans the user may see."""
    return [
        UnitFilter(
            "school",
            gettext_lazy("学校"),
            ("school",),
            lambda _u: units_named_in(school_plans, "school"),
        ),
        ChoiceFilter(
            "task",
            gettext_lazy("对应任务"),
            [
                (t.number, f"{t.number}．{t.text[:30]}")
                for t in plan.tasks.filter(school_plans__in=school_plans)
                .distinct()
                .order_by("number")
            ],
            q=lambda value: Q(tasks__number=value),
        ),
        ChoiceFilter(
            "document",
            gettext_lazy("方案文件"),
            [("yes", gettext_lazy("已上传")), ("no", gettext_lazy("未上传"))],
            q=lambda value: ~Q(document="") if value == "yes" else Q(document=""),
        ),
        SearchFilter(
            "q",
            gettext_lazy("关键词"),
            ("title__icontains", "summary__icontains"),
            placeholder=gettext_lazy("方案名称或主要内容中的词"),
        ),
    ]


SCHOOL_PLAN_EXPORT = [
    ExportColumn(gettext_lazy("学校"), 24, lambda sp: sp.school.name),
    ExportColumn(gettext_lazy("方案名称"), 36, lambda sp: sp.title),
    ExportColumn(gettext_lazy("主要内容"), 60, lambda sp: sp.summary),
    ExportColumn(
        gettext_lazy("对应任务"),
        16,
        lambda sp: "、".join(str(t.number) for t in sorted(sp.tasks.all(), key=lambda t: t.number)),
    ),
    ExportColumn(gettext_lazy("方案文件"), 30, lambda sp: sp.document_name if sp.document else ""),
    ExportColumn(
        gettext_lazy("制定时间"), 12, lambda sp: f"{timezone.localtime(sp.created_at):%Y-%m-%d}"
    ),
    ExportColumn(
        gettext_lazy("更新时间"),
        18,
        lambda sp: f"{timezone.localtime(sp.updated_at):%Y-%m-%d %H:%M}",
    ),
    ExportColumn(gettext_lazy("更新人"), 12, lambda sp: str(sp.updated_by)),
]


def school_plan_document(request: AuthedRequest, pk: int) -> FileResponse:
    require(request, Capability.SCHOOL_PLAN, Capability.PLAN_VIEW_ALL)
    sp = get_visible_or_404(SchoolPlan.objects.all(), request.user, pk=pk)
    if not sp.document:
        raise Http404(_("未找到"))
    return FileResponse(sp.document.open("rb"), as_attachment=True, filename=sp.document_name)


def rules(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PLAN_MANAGE)
    plan = _plan_or_404()
    fields = list(RulesForm.base_fields)
    form = RulesForm(request.POST or None, initial={f: getattr(plan, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_rules_update(user=request.user, plan=plan, **form.cleaned_data)
            services.warnings_refresh(plan=plan, today=timezone.localdate())
        except ServiceError as error:
            report_error(request, error)
        else:
            messages.success(request, _("督办规则已更新，预警已按新规则重新计算"))
            return redirect(reverse("admin:plan-rules"))
    return render_page(request, "plan/rules.html", _("督办规则"), form=form, plan=plan)


def bulletins(request: AuthedRequest) -> HttpResponse:
    """The plan office picks a period and starts its 督查通报; the job page shows progress."""
    require(request, Capability.PLAN_BULLETIN)
    plan = _plan_or_404()
    today = timezone.localdate()
    services.periods_ensure(plan=plan, through=today)
    periods = list(plan.periods.filter(start__lte=today).order_by("-start")[:24])
    if request.method == "POST":
        period = next((p for p in periods if str(p.pk) == request.POST.get("period")), None)
        if period is None:
            messages.error(request, _("请选择有效的报送周期"))
        else:
            try:
                documents.bulletin_generate(user=request.user, plan=plan, period=period)
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("正在生成{period}督查通报，完成后可在“后台任务”中下载").format(
                        period=period.label
                    ),
                )
                return redirect(reverse("admin:jobs"))
    default = selectors.period_current(plan, today=today)
    return render_page(
        request,
        "plan/bulletins.html",
        _("督查通报"),
        periods=periods,
        default=default.pk if default else None,
    )


def tasks_export(request: AuthedRequest) -> HttpResponse:
    """The task list in scope as .xlsx: the attachment's columns, status, and the progress template."""
    require(request, Capability.PLAN_VIEW)
    plan = _plan_or_404()
    today = timezone.localdate()
    stream = io.BytesIO()
    documents.tasks_export_xlsx(user=request.user, plan=plan, today=today, stream=stream)
    response = HttpResponse(
        stream.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=documents.tasks_export_filename(plan, today)
    )
    return response


def tasks_import(request: AuthedRequest) -> HttpResponse:
    """A unit uploads the filled-in template: every row is saved and submitted, or none is."""
    require(request, Capability.PLAN_REPORT)
    plan = _plan_or_404()
    row_errors: list[Any] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的 Excel 文件"))
        else:
            try:
                result = documents.tasks_import_progress(user=request.user, plan=plan, file=upload)
            except ImportRejected as error:
                report_error(request, error)
                row_errors = list(error.errors)
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("已导入并报送 {submitted} 份进展报告").format(submitted=result.submitted),
                )
                return redirect(reverse("admin:plan-workspace"))
    return render_page(request, "plan/import.html", _("导入进展"), row_errors=row_errors)
