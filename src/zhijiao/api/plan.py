"""Plan supervision over the API: tasks, periods, progress reports and their review.

Each operation parses its input, checks the capability and the data scope (an object outside the
user's scope is a 404, like a missing one), calls one selector or service, and returns a schema.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile

from zhijiao.core.errors import ServiceError
from zhijiao.core.scope import get_visible_or_404
from zhijiao.orgs.roles import Capability, require_capability
from zhijiao.plan import selectors, services
from zhijiao.plan.data import PlanErrorCode
from zhijiao.plan.models import Plan, ProgressReport, ReportingPeriod, Task

from .schemas import (
    ErrorOut,
    EvidenceOut,
    PeriodOut,
    ReportIn,
    ReportOut,
    ReviewIn,
    TaskDetailOut,
    TaskOut,
)

router = Router(tags=["实施方案督办"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, **ERRORS}


def _require(request: HttpRequest, capability: Capability) -> Any:
    """The signed-in user, if their role holds the capability; otherwise a 403."""
    user: Any = request.user
    require_capability(user, capability)
    return user


def _plan(code: str | None) -> Plan:
    if code:
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise Http404(_("未找到该实施方案"))
        return plan
    plan = selectors.current_plan()
    if plan is None:
        raise Http404(_("尚未载入实施方案"))
    return plan


def _period(plan: Plan, ref: int | str) -> ReportingPeriod:
    text = str(ref).strip()
    periods = plan.periods.all()
    period = (
        periods.filter(pk=int(text)) if text.isdecimal() else periods.filter(label=text)
    ).first()
    if period is None:
        raise ServiceError(
            PlanErrorCode.BAD_PERIOD, _("报送周期“{period}”不存在").format(period=text)
        )
    return period


def _visible_report(user: Any, report_id: int) -> ProgressReport:
    return get_visible_or_404(
        ProgressReport.objects.select_related("task", "unit", "period").prefetch_related(
            "evidence"
        ),
        user,
        pk=report_id,
    )


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, summary="任务清单")
def task_list(request: HttpRequest, plan: str | None = None) -> list[TaskOut]:
    """您可见的任务，按序号排列：工作专班可见全部任务，其他用户只见本单位负责的任务。
    默认为当前实施方案；可用 `plan` 参数指定方案编码。"""
    user = _require(request, Capability.PLAN_VIEW)
    rows = selectors.task_rows(user, _plan(plan), today=timezone.localdate())
    return [TaskOut.of(row) for row in rows]


@router.get("/tasks/{number}", response={200: TaskDetailOut, **ERRORS}, summary="任务详情")
def task_detail(request: HttpRequest, number: int, plan: str | None = None) -> TaskDetailOut:
    """一项任务，连同其责任单位（单位组已展开）和您可见的进展报告。不在您范围内的任务返回 404。"""
    user = _require(request, Capability.PLAN_VIEW)
    task = selectors.tasks_visible(user, _plan(plan)).filter(number=number).first()
    if task is None:
        raise Http404(_("未找到"))
    row = selectors.TaskRow(task=task, state=selectors.task_state(task, today=timezone.localdate()))
    responsibilities = task.responsibilities.select_related("unit", "via_group").order_by(
        "position", "unit__name"
    )
    return TaskDetailOut.of_task(
        row,
        responsibilities=list(responsibilities),
        reports=list(selectors.reports_for_task(user, task)),
    )


@router.get("/periods", response={200: list[PeriodOut], **ERRORS}, summary="报送周期")
def period_list(request: HttpRequest, plan: str | None = None) -> list[PeriodOut]:
    """实施方案的报送周期，按时间先后排列。"""
    _require(request, Capability.PLAN_VIEW)
    return [PeriodOut.of(p) for p in _plan(plan).periods.order_by("start")]


@router.post("/reports", response={200: ReportOut, **WRITE_ERRORS}, summary="保存进展报告草稿")
def report_save(request: HttpRequest, payload: ReportIn, plan: str | None = None) -> ReportOut:
    """新建或修改本单位在某任务、某周期的进展报告草稿（已报送的报告不能再改）。"""
    user = _require(request, Capability.PLAN_REPORT)
    task = get_visible_or_404(
        Task.objects.select_related("plan"), user, plan=_plan(plan), number=payload.task
    )
    report = services.report_save(
        user=user,
        task=task,
        period=_period(task.plan, payload.period),
        data=services.ReportInput(
            narrative=payload.narrative,
            percent=payload.percent,
            milestone=payload.milestone,
            claims_completion=payload.claims_completion,
        ),
    )
    return ReportOut.of(report)


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="进展报告")
def report_detail(request: HttpRequest, report_id: int) -> ReportOut:
    """一份您可见的进展报告及其佐证材料。"""
    user = _require(request, Capability.PLAN_VIEW)
    return ReportOut.of(_visible_report(user, report_id))


@router.post(
    "/reports/{report_id}/submit", response={200: ReportOut, **WRITE_ERRORS}, summary="报送进展报告"
)
def report_submit(request: HttpRequest, report_id: int) -> ReportOut:
    """把本单位的草稿或被退回的报告报送工作专班审核；重复报送返回 400（already_submitted）。"""
    user = _require(request, Capability.PLAN_REPORT)
    report = services.report_submit(user=user, report=_visible_report(user, report_id))
    return ReportOut.of(report)


@router.post(
    "/reports/{report_id}/review", response={200: ReportOut, **WRITE_ERRORS}, summary="审核进展报告"
)
def report_review(request: HttpRequest, report_id: int, payload: ReviewIn) -> ReportOut:
    """工作专班审核已报送的报告：通过，或填写意见后退回。"""
    user = _require(request, Capability.PLAN_REVIEW)
    report = services.report_review(
        user=user,
        report=_visible_report(user, report_id),
        approve=payload.approve,
        comment=payload.comment,
    )
    return ReportOut.of(report)


@router.post(
    "/reports/{report_id}/evidence",
    response={201: EvidenceOut, **WRITE_ERRORS},
    summary="上传佐证材料",
)
def evidence_upload(
    request: HttpRequest, report_id: int, file: File[UploadedFile]
) -> Status[EvidenceOut]:
    """为本单位未报送的报告上传一份佐证材料（PDF、图片或 Office 文件，multipart/form-data）。"""
    user = _require(request, Capability.PLAN_REPORT)
    evidence = services.evidence_add(
        user=user, report=_visible_report(user, report_id), upload=file
    )
    return Status(201, EvidenceOut.of(evidence))
