"""Writes of the plan app: periods, progress reports and their review, evidence, extensions,
warnings, one-school-one-plan. Each is atomic, checks who may do it and writes its audit rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.dates import add_months, month_end
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.core.notify import notify as notify_users
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, Role, require_capability

from .data import PlanErrorCode, TaskStatus
from .models import (
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    PeriodKind,
    Plan,
    ProgressReport,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ReviewAction,
    SchoolPlan,
    Task,
    TaskWarning,
    WarningLevel,
)
from .selectors import missed_streaks, obligations
from .status import task_states

REPORT_FIELDS = (
    "status",
    "narrative",
    "percent",
    "milestone",
    "claims_completion",
    "review_comment",
)

# Evidence: what a unit may attach. The first bytes must match the claimed kind.
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}


def _error(code: PlanErrorCode, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


# ---------------------------------------------------------------- periods


def _period_bounds(kind: str, start: dt.date) -> tuple[dt.date, str]:
    months = {
        PeriodKind.MONTH: 1,
        PeriodKind.QUARTER: 3,
        PeriodKind.HALF_YEAR: 6,
        PeriodKind.YEAR: 12,
    }[PeriodKind(kind)]
    end = month_end(add_months(start, months - 1))
    if kind == PeriodKind.MONTH:
        label = _("{year}年{month}月").format(year=start.year, month=start.month)
    elif kind == PeriodKind.QUARTER:
        label = _("{year}年第{quarter}季度").format(
            year=start.year, quarter=(start.month - 1) // 3 + 1
        )
    elif kind == PeriodKind.HALF_YEAR:
        if start.month <= 6:
            label = _("{year}年上半年").format(year=start.year)
        else:
            label = _("{year}年下半年").format(year=start.year)
    else:
        label = _("{year}年度").format(year=start.year)
    return end, label


@transaction.atomic
def periods_ensure(*, plan: Plan, through: dt.date) -> list[ReportingPeriod]:
    """Creates the plan's reporting periods from its issue month up to the one holding ``through``.

    Existing periods are kept as they are, so the office may change the period kind going forward.
    """
    last = plan.periods.order_by("-start").first()
    start = (last.end + dt.timedelta(days=1)) if last else plan.issued_on.replace(day=1)
    if plan.period_kind != PeriodKind.MONTH and last is None:
        step = {PeriodKind.QUARTER: 3, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}[
            PeriodKind(plan.period_kind)
        ]
        start = start.replace(month=(start.month - 1) // step * step + 1)
    created = []
    while start <= through:
        end, label = _period_bounds(plan.period_kind, start)
        created.append(
            ReportingPeriod(
                plan=plan,
                kind=plan.period_kind,
                start=start,
                end=end,
                due=end + dt.timedelta(days=plan.report_due_days),
                label=label,
            )
        )
        start = end + dt.timedelta(days=1)
    ReportingPeriod.objects.bulk_create(created)
    if created:
        audit.record(
            AuditAction.CREATE,
            obj=plan,
            message=f"生成报送周期 {len(created)} 个（至 {created[-1].label}）",
        )
    return created


@transaction.atomic
def plan_rules_update(*, user: User, plan: Plan, **rules: int | str) -> Plan:
    """Changes the warning and reporting rules of a plan (plan office only)."""
    require_capability(user, Capability.PLAN_MANAGE)
    allowed = {
        "due_soon_days",
        "yellow_overdue_days",
        "red_overdue_days",
        "yellow_missed_periods",
        "red_missed_periods",
        "notice_days_before_due",
        "period_kind",
        "report_due_days",
    }
    unknown = set(rules) - allowed
    if unknown:
        raise _error(
            PlanErrorCode.NOT_ALLOWED,
            _("不能修改：{fields}").format(fields="、".join(sorted(unknown))),
        )
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    before = audit.snapshot(plan, rules)
    for name, value in rules.items():
        setattr(plan, name, value)
    if (
        plan.red_overdue_days < plan.yellow_overdue_days
        or plan.red_missed_periods < plan.yellow_missed_periods
    ):
        raise _error(PlanErrorCode.INVALID_INPUT, _("红牌条件不能比黄牌条件更宽松"))
    plan.save(update_fields=list(rules))
    audit.record(
        AuditAction.UPDATE,
        obj=plan,
        changes=audit.changes_between(before, audit.snapshot(plan, rules)),
    )
    return plan


# ---------------------------------------------------------------- progress reports


def _own_unit_id(user: User) -> int:
    if user.unit_id is None:
        raise _error(PlanErrorCode.NOT_RESPONSIBLE, _("您的账号未关联单位，不能填报"), 403)
    return user.unit_id


def _responsibility(user: User, task: Task) -> Responsibility:
    require_capability(user, Capability.PLAN_REPORT, _("您的角色不能填报进展"))
    resp = Responsibility.objects.filter(task=task, unit_id=_own_unit_id(user)).first()
    if resp is None:
        raise _error(
            PlanErrorCode.NOT_RESPONSIBLE,
            _("本单位不是任务 {number} 的责任单位，不能填报").format(number=task.number),
            403,
        )
    return resp


def notify_office(*, title: str, link: str = "") -> None:
    notify_users(_office_users(), title=title, link=link)


def _unit_users(unit_id: int) -> Any:
    return User.objects.filter(
        unit_id=unit_id, is_active=True, role__in=[Role.UNIT_LIAISON, Role.SCHOOL_CLERK]
    )


def _office_users() -> Any:
    return User.objects.filter(is_active=True, role=Role.PLAN_OFFICE)


@dataclass(frozen=True)
class ReportInput:
    narrative: str
    percent: int = 0
    milestone: str = ""
    claims_completion: bool = False


@transaction.atomic
def report_save(
    *, user: User, task: Task, period: ReportingPeriod, data: ReportInput
) -> ProgressReport:
    """Creates or updates the user's unit's draft report on a task for a period."""
    _responsibility(user, task)
    if period.plan_id != task.plan_id:
        raise _error(PlanErrorCode.BAD_PERIOD, _("报送周期不属于该任务所在的方案"))
    if period.start > timezone.localdate():
        raise _error(
            PlanErrorCode.BAD_PERIOD, _("{period} 尚未开始，不能填报").format(period=period.label)
        )
    if not data.narrative.strip():
        raise _error(PlanErrorCode.INVALID_INPUT, _("请填写进展情况"))
    if not 0 <= data.percent <= 100:
        raise _error(PlanErrorCode.INVALID_INPUT, _("完成进度应在 0 到 100 之间"))
    if data.claims_completion and task.is_continuous:
        raise _error(PlanErrorCode.INVALID_INPUT, _("持续推进的任务不能申报完成"))
    report = (
        ProgressReport.objects.select_for_update()
        .filter(task=task, unit_id=_own_unit_id(user), period=period)
        .first()
    )
    if report is None:
        try:
            with transaction.atomic():
                report = ProgressReport.objects.create(
                    task=task,
                    unit_id=_own_unit_id(user),
                    period=period,
                    author=user,
                    narrative=data.narrative.strip(),
                    percent=data.percent,
                    milestone=data.milestone.strip(),
                    claims_completion=data.claims_completion,
                )
        except IntegrityError as exc:  # a concurrent first save of the same report
            raise _error(
                PlanErrorCode.CONFLICT, _("该报告已由他人同时创建，请刷新后再试"), 409
            ) from exc
        audit.record(
            AuditAction.CREATE,
            obj=report,
            changes={k: [None, v] for k, v in audit.snapshot(report, REPORT_FIELDS).items()},
        )
        return report
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise _error(
            PlanErrorCode.ALREADY_SUBMITTED,
            _("该报告{status}，不能再修改").format(status=report.get_status_display()),
        )
    before = audit.snapshot(report, REPORT_FIELDS)
    report.narrative = data.narrative.strip()
    report.percent = data.percent
    report.milestone = data.milestone.strip()
    report.claims_completion = data.claims_completion
    report.author = user
    report.save(update_fields=["narrative", "percent", "milestone", "claims_completion", "author"])
    audit.record(
        AuditAction.UPDATE,
        obj=report,
        changes=audit.changes_between(before, audit.snapshot(report, REPORT_FIELDS)),
    )
    return report


def _locked(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update()
        .select_related("task", "unit", "period")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_submit(*, user: User, report: ProgressReport, notify: bool = True) -> ProgressReport:
    """Sends a draft or returned report for review. A second submit is refused.

    ``notify=False`` lets a bulk import tell the office once instead of once per report.
    """
    report = _locked(report)
    _responsibility(user, report.task)
    if report.unit_id != user.unit_id:
        raise _error(PlanErrorCode.NOT_RESPONSIBLE, _("只能报送本单位的报告"), 403)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise _error(
            PlanErrorCode.ALREADY_SUBMITTED,
            _("该报告{status}，请勿重复报送").format(status=report.get_status_display()),
        )
    now = timezone.now()
    before = audit.snapshot(report, REPORT_FIELDS)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    fields = ["status", "submitted_at"]
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        fields.append("first_submitted_at")
    report.save(update_fields=fields)
    ReportEvent.objects.create(report=report, action=ReviewAction.SUBMIT, actor=user, at=now)
    audit.record(
        AuditAction.UPDATE,
        obj=report,
        message="报送进展报告",
        changes=audit.changes_between(before, audit.snapshot(report, REPORT_FIELDS)),
    )
    if notify:
        notify_users(
            _office_users(),
            title=_("{unit} 报送了任务 {number} 的{period}进展").format(
                unit=report.unit, number=report.task.number, period=report.period
            ),
            link=f"/plan/reports/{report.pk}/",
        )
    return report


@transaction.atomic
def report_review(
    *, user: User, report: ProgressReport, approve: bool, comment: str = ""
) -> ProgressReport:
    """Approves or returns a submitted report. Only the plan office reviews; returning needs a reason."""
    require_capability(user, Capability.PLAN_REVIEW, _("只有工作专班可以审核进展报告"))
    report = _locked(report)
    if report.status != ReportStatus.SUBMITTED:
        raise _error(
            PlanErrorCode.NOT_SUBMITTED,
            _("该报告{status}，不在待审核状态").format(status=report.get_status_display()),
        )
    if not approve and not comment.strip():
        raise _error(PlanErrorCode.COMMENT_REQUIRED, _("退回报告时请填写退回意见"))
    now = timezone.now()
    before = audit.snapshot(report, REPORT_FIELDS)
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.reviewer = user
    report.reviewed_at = now
    report.review_comment = comment.strip()
    report.save(update_fields=["status", "reviewer", "reviewed_at", "review_comment"])
    ReportEvent.objects.create(
        report=report,
        action=ReviewAction.APPROVE if approve else ReviewAction.RETURN,
        actor=user,
        comment=comment.strip(),
        at=now,
    )
    audit.record(
        AuditAction.UPDATE,
        obj=report,
        message="审核通过" if approve else "退回",
        changes=audit.changes_between(before, audit.snapshot(report, REPORT_FIELDS)),
    )
    verdict = _("已审核通过") if approve else _("被退回，请修改后重新报送")
    notify_users(
        _unit_users(report.unit_id),
        title=_("任务 {number} 的{period}进展报告{verdict}").format(
            number=report.task.number, period=report.period, verdict=verdict
        ),
        body=comment.strip(),
        link=f"/plan/reports/{report.pk}/",
    )
    if approve and report.claims_completion:
        warnings_refresh(plan=report.task.plan, today=timezone.localdate())
    return report


@transaction.atomic
def evidence_add(*, user: User, report: ProgressReport, upload: UploadedFile) -> Evidence:
    """Attaches a file to the unit's own draft or returned report, after checking type and size."""
    report = _locked(report)
    _responsibility(user, report.task)
    if report.unit_id != user.unit_id:
        raise _error(PlanErrorCode.NOT_RESPONSIBLE, _("只能为本单位的报告上传材料"), 403)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise _error(PlanErrorCode.ALREADY_SUBMITTED, _("报告已报送，不能再添加材料"))
    name = (upload.name or "").strip()
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        raise _error(
            PlanErrorCode.FILE_TYPE,
            _("不支持的文件类型“{suffix}”，请上传 PDF、图片（PNG/JPG）或 Office 文件").format(
                suffix=suffix or _("无扩展名")
            ),
        )
    if upload.size is None or upload.size == 0:
        raise _error(PlanErrorCode.FILE_EMPTY, _("文件是空的"))
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise _error(
            PlanErrorCode.FILE_TOO_LARGE,
            _("文件过大（{size:.1f} MB），单个文件不能超过 {limit} MB").format(
                size=upload.size / 1048576, limit=limit // 1048576
            ),
        )
    content_type, magics = EVIDENCE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(m) for m in magics):
        raise _error(
            PlanErrorCode.FILE_TYPE,
            _("文件内容与扩展名“{suffix}”不符，请检查文件").format(suffix=suffix),
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        report=report,
        original_name=name[:200],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    evidence.file.save(f"{digest.hexdigest()[:16]}{suffix}", upload, save=False)
    evidence.save()
    audit.record(AuditAction.CREATE, obj=evidence, message=f"上传佐证材料 {name}")
    return evidence


@transaction.atomic
def report_with_evidence(
    *,
    user: User,
    task: Task,
    period: ReportingPeriod,
    data: ReportInput,
    files: list[UploadedFile],
    submit: bool,
) -> ProgressReport:
    """Saves a report with its new evidence files and, if asked, submits it — all or nothing."""
    report = report_save(user=user, task=task, period=period, data=data)
    for upload in files:
        evidence_add(user=user, report=report, upload=upload)
    if submit:
        report = report_submit(user=user, report=report)
    return report


# ---------------------------------------------------------------- extensions


@transaction.atomic
def extension_request(
    *, user: User, task: Task, requested_deadline: dt.date, reason: str
) -> ExtensionRequest:
    """The lead unit asks to move a task's deadline."""
    resp = _responsibility(user, task)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.is_continuous:
        raise _error(
            PlanErrorCode.EXTENSION_CONTINUOUS, _("持续推进的任务没有截止日期，无需申请延期")
        )
    if not resp.is_lead:
        raise _error(PlanErrorCode.EXTENSION_NOT_LEAD, _("只有牵头单位可以申请延期"), 403)
    current = task.effective_deadline
    assert current is not None
    if requested_deadline <= current:
        raise _error(
            PlanErrorCode.EXTENSION_DATE,
            _("申请的日期应晚于当前截止日期 {current:%Y年%m月%d日}").format(current=current),
        )
    if not reason.strip():
        raise _error(PlanErrorCode.INVALID_INPUT, _("请说明延期理由"))
    if ExtensionRequest.objects.filter(task=task, status=ExtensionStatus.PENDING).exists():
        raise _error(PlanErrorCode.EXTENSION_PENDING, _("该任务已有待审批的延期申请"))
    try:
        with transaction.atomic():
            req = ExtensionRequest.objects.create(
                task=task,
                unit_id=_own_unit_id(user),
                requested_by=user,
                previous_deadline=current,
                requested_deadline=requested_deadline,
                reason=reason.strip(),
            )
    except IntegrityError as exc:
        raise _error(PlanErrorCode.EXTENSION_PENDING, _("该任务已有待审批的延期申请")) from exc
    audit.record(AuditAction.CREATE, obj=req, message=f"申请延期至 {requested_deadline}")
    notify_users(
        _office_users(),
        title=_("{unit} 申请任务 {number} 延期").format(unit=req.unit, number=task.number),
        body=req.reason,
        link=f"/plan/tasks/{task.number}/",
    )
    return req


@transaction.atomic
def extension_decide(
    *, user: User, request: ExtensionRequest, approve: bool, comment: str = ""
) -> ExtensionRequest:
    require_capability(user, Capability.PLAN_REVIEW, _("只有工作专班可以审批延期申请"))
    req = ExtensionRequest.objects.select_for_update().select_related("task").get(pk=request.pk)
    if req.status != ExtensionStatus.PENDING:
        raise _error(
            PlanErrorCode.EXTENSION_DECIDED,
            _("该申请{status}，不能重复审批").format(status=req.get_status_display()),
        )
    if not approve and not comment.strip():
        raise _error(PlanErrorCode.COMMENT_REQUIRED, _("不批准时请填写意见"))
    req.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    req.decided_by = user
    req.decided_at = timezone.now()
    req.decision_comment = comment.strip()
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    audit.record(AuditAction.UPDATE, obj=req, message=req.get_status_display())
    if approve:
        task = Task.objects.select_for_update().get(pk=req.task_id)
        before = audit.snapshot(task, ["extended_deadline"])
        task.extended_deadline = req.requested_deadline
        task.save(update_fields=["extended_deadline"])
        audit.record(
            AuditAction.UPDATE,
            obj=task,
            message="批准延期",
            changes=audit.changes_between(before, audit.snapshot(task, ["extended_deadline"])),
        )
    notify_users(
        _unit_users(req.unit_id),
        title=_("任务 {number} 的延期申请{status}").format(
            number=req.task.number, status=req.get_status_display()
        ),
        body=comment.strip(),
        link=f"/plan/tasks/{req.task.number}/",
    )
    return req


# ---------------------------------------------------------------- warnings


@dataclass(frozen=True)
class WarningChange:
    task_id: int
    unit_id: int
    level: int | None  # None: resolved
    reason: str


def _wanted_warnings(plan: Plan, today: dt.date) -> dict[tuple[int, int], tuple[int, str]]:
    tasks = list(plan.tasks.select_related("plan"))
    states = task_states(tasks, today=today)
    wanted: dict[tuple[int, int], tuple[int, str]] = {}

    def raise_to(key: tuple[int, int], level: int, reason: str) -> None:
        if key not in wanted or wanted[key][0] < level:
            wanted[key] = (level, reason)

    leads = Responsibility.objects.filter(task__plan=plan, is_lead=True).values_list(
        "task_id", "unit_id"
    )
    for task_id, unit_id in leads:
        state = states[task_id]
        if state.status == TaskStatus.OVERDUE and state.days_left is not None:
            late = -state.days_left
            if late >= plan.red_overdue_days:
                raise_to(
                    (task_id, unit_id),
                    WarningLevel.RED,
                    _("任务逾期 {late} 天未完成").format(late=late),
                )
            elif late >= plan.yellow_overdue_days:
                raise_to(
                    (task_id, unit_id),
                    WarningLevel.YELLOW,
                    _("任务逾期 {late} 天未完成").format(late=late),
                )
        elif state.status == TaskStatus.DUE_SOON and state.days_left is not None:
            raise_to(
                (task_id, unit_id),
                WarningLevel.NOTICE,
                _("距截止日期还有 {days_left} 天").format(days_left=state.days_left),
            )
    items = obligations(plan, today=today)
    for (task_id, unit_id), missed in missed_streaks(items).items():
        if states[task_id].status == TaskStatus.COMPLETED:
            continue  # reports owed before completion are history, not a standing warning
        if missed >= plan.red_missed_periods:
            raise_to(
                (task_id, unit_id),
                WarningLevel.RED,
                _("连续 {missed} 期未报送进展").format(missed=missed),
            )
        elif missed >= plan.yellow_missed_periods:
            raise_to(
                (task_id, unit_id),
                WarningLevel.YELLOW,
                _("连续 {missed} 期未报送进展").format(missed=missed),
            )
    for item in items:
        if (
            item.state == "open"
            and item.period.end < today
            and (item.period.due - today).days <= plan.notice_days_before_due
        ):
            raise_to(
                (item.task_id, item.unit_id),
                WarningLevel.NOTICE,
                _("{period}进展将于 {due:%m月%d日} 截止报送").format(
                    period=item.period.label, due=item.period.due
                ),
            )
    return wanted


@transaction.atomic
def warnings_refresh(*, plan: Plan, today: dt.date) -> list[WarningChange]:
    """Brings the standing warnings in line with the rules: issues, escalates and lifts them,
    and tells the units concerned when a warning is issued or escalated."""
    wanted = _wanted_warnings(plan, today)
    now = timezone.now()
    standing = {
        (w.task_id, w.unit_id): w
        for w in TaskWarning.objects.select_for_update().filter(
            task__plan=plan, resolved_at__isnull=True
        )
    }
    changes: list[WarningChange] = []
    to_resolve = [
        w.pk for key, w in standing.items() if key not in wanted or wanted[key][0] != w.level
    ]
    TaskWarning.objects.filter(pk__in=to_resolve).update(resolved_at=now)
    new = [
        TaskWarning(task_id=t, unit_id=u, level=level, reason=reason, issued_at=now)
        for (t, u), (level, reason) in wanted.items()
        if (t, u) not in standing or standing[(t, u)].level != level
    ]
    TaskWarning.objects.bulk_create(new)
    for key in standing:
        if key not in wanted:
            changes.append(WarningChange(key[0], key[1], None, _("预警解除")))
    numbers = dict(plan.tasks.values_list("pk", "number"))
    for w in new:
        changes.append(WarningChange(w.task_id, w.unit_id, w.level, w.reason))
        previous = standing.get((w.task_id, w.unit_id))
        if previous is None or previous.level < w.level:
            label = WarningLevel(w.level).label
            notify_users(
                _unit_users(w.unit_id),
                title=_("【{label}】任务 {number}：{reason}").format(
                    label=label, number=numbers[w.task_id], reason=w.reason
                ),
                link=f"/plan/tasks/{numbers[w.task_id]}/",
            )
    if changes:
        audit.record(
            AuditAction.UPDATE,
            obj=plan,
            message=f"督办预警更新：新发 {len(new)} 条，解除 {len(to_resolve)} 条",
        )
    return changes


# ---------------------------------------------------------------- one school, one plan


@transaction.atomic
def school_plan_save(
    *,
    user: User,
    plan: Plan,
    title: str,
    summary: str,
    task_ids: list[int],
    document: UploadedFile | None = None,
) -> SchoolPlan:
    """Creates or updates the user's school's 一校一案, linked to the tasks it serves."""
    require_capability(user, Capability.SCHOOL_PLAN, _("只有学校用户可以维护一校一案"))
    school = Unit.objects.get(pk=_own_unit_id(user))
    if school.kind != UnitKind.SCHOOL:
        raise _error(PlanErrorCode.NOT_A_SCHOOL, _("只有职业院校可以维护一校一案"))
    if not title.strip() or not summary.strip():
        raise _error(PlanErrorCode.INVALID_INPUT, _("请填写方案名称和主要内容"))
    tasks = list(plan.tasks.filter(pk__in=task_ids))
    if len(tasks) != len(set(task_ids)):
        raise _error(PlanErrorCode.INVALID_INPUT, _("所选任务不属于本方案"))
    sp = SchoolPlan.objects.select_for_update().filter(plan=plan, school=school).first()
    created = sp is None
    if sp is None:
        sp = SchoolPlan(plan=plan, school=school, updated_by=user)
    before = {} if created else audit.snapshot(sp, ["title", "summary", "document_name"])
    sp.title, sp.summary, sp.updated_by, sp.updated_at = (
        title.strip(),
        summary.strip(),
        user,
        timezone.now(),
    )
    if document is not None:
        suffix = "." + (document.name or "").rsplit(".", 1)[-1].lower()
        if suffix not in (".pdf", ".docx", ".doc", ".ofd"):
            raise _error(PlanErrorCode.FILE_TYPE, _("方案文件请上传 PDF、Word 或 OFD 格式"))
        if (document.size or 0) > settings.EVIDENCE_MAX_BYTES:
            raise _error(
                PlanErrorCode.FILE_TOO_LARGE,
                _("文件不能超过 {count} MB").format(count=settings.EVIDENCE_MAX_BYTES // 1048576),
            )
        sp.document.save(f"{school.pk}-{timezone.now():%Y%m%d%H%M%S}{suffix}", document, save=False)
        sp.document_name = (document.name or "")[:200]
    sp.save()
    sp.tasks.set(tasks)
    after = audit.snapshot(sp, ["title", "summary", "document_name"])
    audit.record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=sp,
        changes=audit.changes_between(before, after)
        | {"tasks": [None, sorted(t.number for t in tasks)]},
    )
    return sp
