"""Documents of the plan: the supervision bulletin (督查通报), the task list as a workbook with a
progress template, and the import of that template filled in by a unit.

The bulletin is built in the background (:func:`bulletin_generate` starts a job); the export and
the import are quick enough to run in the request.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    Column,
    RowError,
    SheetRow,
    cell_int,
    reject_if_errors,
    xlsx_table,
    xlsx_write,
)
from zhijiao.core.gongwen import GongwenDocument, GroupRow, chinese_numeral, date_text
from zhijiao.core.jobs import job_progress, job_result_path, job_running, job_start, job_succeed
from zhijiao.core.models import AuditAction, Job
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability, require_capability

from .data import PlanErrorCode, TaskStatus
from .models import (
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    Task,
    TaskWarning,
    WarningLevel,
)
from .selectors import (
    ObligationState,
    TaskRow,
    obligations,
    period_current,
    plan_task_rows,
    task_rows,
)
from .services import ReportInput, notify_office, report_save, report_submit

BULLETIN_ISSUER = gettext_lazy("江阴市推进职业教育改革创新工作专班")
BULLETIN_TITLE = gettext_lazy("江阴市推进职业教育改革创新工作\n督查通报")
BULLETIN_ADDRESSEE = gettext_lazy("各责任单位：")
BULLETIN_JOB_KIND = "plan.bulletin"
TASK_TEXT_LIMIT = 36

# The order statuses are counted in, in the bulletin's overview.
STATUS_ORDER = [
    TaskStatus.COMPLETED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.DUE_SOON,
    TaskStatus.OVERDUE,
    TaskStatus.NOT_STARTED,
    TaskStatus.CONTINUOUS,
]

Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    return None


def shorten(text: str, limit: int = TASK_TEXT_LIMIT) -> str:
    """A task's text cut to its first sentence, and to ``limit`` characters with an ellipsis."""
    text = re.sub(r"\s+", "", text)
    first = re.split(r"(?<=[。；;])", text, maxsplit=1)[0].rstrip("。；;")
    return first if len(first) <= limit else first[: limit - 1] + "…"


# ---------------------------------------------------------------- bulletin


@dataclass
class BulletinFacts:
    """What a bulletin says, gathered before anything is written."""

    plan: Plan
    period: ReportingPeriod
    today: dt.date
    issue_number: int
    rows: list[TaskRow]
    status_counts: Counter[TaskStatus]
    period_counts: Counter[ObligationState]
    overall_counts: Counter[ObligationState]
    # unit name → task numbers, for the period
    late: dict[str, list[int]] = field(default_factory=dict)
    missing: dict[str, list[int]] = field(default_factory=dict)
    pending: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[TaskWarning] = field(default_factory=list)
    notices: int = 0
    next_period: ReportingPeriod | None = None

    @property
    def period_due_passed(self) -> bool:
        return self.today > self.period.due

    @property
    def title(self) -> str:
        return _("{title}（{year}年第{number}期）").format(
            title=BULLETIN_TITLE, year=self.period.start.year, number=self.issue_number
        )


def bulletin_issue_number(period: ReportingPeriod) -> int:
    """The bulletin's number within its year: the period's place among the plan's periods that
    start in the same year (November of monthly periods is 第11期)."""
    return ReportingPeriod.objects.filter(
        plan_id=period.plan_id, start__year=period.start.year, start__lte=period.start
    ).count()


def bulletin_filename(period: ReportingPeriod) -> str:
    return _("督查通报（{year}年第{number}期）.docx").format(
        year=period.start.year, number=bulletin_issue_number(period)
    )


def bulletin_facts(*, plan: Plan, period: ReportingPeriod, today: dt.date) -> BulletinFacts:
    rows = plan_task_rows(plan, today=today)
    numbers = {r.task.pk: r.task.number for r in rows}
    items = obligations(plan, today=today)
    in_period = [o for o in items if o.period.pk == period.pk]
    by_state: dict[ObligationState, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for o in in_period:
        by_state[o.state][o.unit_id].append(numbers[o.task_id])
    unit_ids = {o.unit_id for o in in_period}
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))

    def named(state: ObligationState) -> dict[str, list[int]]:
        # Most tasks first, then by name, so the units most behind lead the list.
        units = sorted(by_state[state].items(), key=lambda kv: (-len(kv[1]), names[kv[0]]))
        return {names[u]: sorted(tasks) for u, tasks in units}

    warnings = list(
        TaskWarning.objects.filter(task__plan=plan, resolved_at__isnull=True)
        .select_related("task", "unit")
        .order_by("-level", "task__number", "unit__name")
    )
    return BulletinFacts(
        plan=plan,
        period=period,
        today=today,
        issue_number=bulletin_issue_number(period),
        rows=rows,
        status_counts=Counter(r.state.status for r in rows),
        period_counts=Counter(o.state for o in in_period),
        overall_counts=Counter(o.state for o in items if o.period.due < today),
        late=named(ObligationState.LATE),
        missing=named(ObligationState.MISSING),
        pending=named(ObligationState.OPEN),
        warnings=[w for w in warnings if w.level >= WarningLevel.YELLOW],
        notices=sum(1 for w in warnings if w.level == WarningLevel.NOTICE),
        next_period=plan.periods.filter(start__gt=period.start).order_by("start").first(),
    )


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def _units_text(units: dict[str, list[int]]) -> str:
    return "、".join(
        _("{name}（任务{items}）").format(name=name, items="、".join(str(n) for n in tasks))
        for name, tasks in units.items()
    )


def _plan_name(plan: Plan) -> str:
    # The printed title may break into two lines at a space; Chinese text runs together.
    return re.sub(r"\s+", "", plan.title).strip("《》")


def bulletin_build(
    *,
    plan: Plan,
    period: ReportingPeriod,
    today: dt.date,
    stream: IO[bytes],
    progress: Progress = _no_progress,
) -> BulletinFacts:
    """Writes the 督查通报 for a reporting period as a .docx to ``stream``; returns its facts.

    Sections: 一、总体情况 (tasks by status, reporting rates); 二、任务推进情况 (every task with
    its lead unit, deadline, status and progress, grouped by programme); 三、报送情况 (units that
    reported late or not at all in the period, by name); 四、督办预警 (standing yellow and red
    cards); 五、下一步工作要求.
    """
    progress(10, _("正在汇总任务状态"))
    facts = bulletin_facts(plan=plan, period=period, today=today)
    progress(50, _("正在生成文档"))
    doc = GongwenDocument(
        title=facts.title,
        issuer=str(BULLETIN_ISSUER),
        date=today,
        mark=str(BULLETIN_ISSUER),
        addressee=str(BULLETIN_ADDRESSEE),
    )
    doc.paragraph(
        _(
            "为推动《{plan_name}》各项任务落地见效，工作专班对{period}各责任单位任务推进和进展报送情况进行了督查。现将有关情况通报如下："
        ).format(plan_name=_plan_name(plan), period=period.label)
    )
    _overview(doc, facts)
    progress(60, _("正在生成任务推进情况"))
    _task_table(doc, facts)
    progress(80, _("正在生成报送情况和督办预警"))
    _reporting(doc, facts)
    _warnings(doc, facts)
    _requirements(doc, facts)
    doc.signature()
    doc.save(stream)
    progress(95, _("文档已生成"))
    return facts


def _overview(doc: GongwenDocument, facts: BulletinFacts) -> None:
    doc.heading(_("一、总体情况"), 1)
    counts = facts.status_counts
    parts = [
        _("{status} {count} 项").format(status=status.label, count=counts[status])
        for status in STATUS_ORDER
        if counts[status]
    ]
    text = _("方案共有重点任务 {count} 项").format(count=len(facts.rows))
    if parts:
        text += _("，截至{today}，其中{parts}。").format(
            today=date_text(facts.today), parts="、".join(parts)
        )
    else:
        text += "。"
    doc.paragraph(text)
    pc = facts.period_counts
    total = sum(pc.values())
    if total == 0:
        doc.paragraph(_("{period}无应报送的进展报告。").format(period=facts.period.label))
    elif facts.period_due_passed:
        reported = pc[ObligationState.ON_TIME] + pc[ObligationState.LATE]
        doc.paragraph(
            _(
                "{period}应报送进展报告 {total} 份，已报送 {reported} 份，其中按时报送 {on_time} 份、逾期报送 {late} 份，未报送 {missing} 份，按时报送率 {percent}。"
            ).format(
                period=facts.period.label,
                total=total,
                reported=reported,
                on_time=pc[ObligationState.ON_TIME],
                late=pc[ObligationState.LATE],
                missing=pc[ObligationState.MISSING],
                percent=_percent(pc[ObligationState.ON_TIME], total),
            )
        )
    else:
        submitted = pc[ObligationState.ON_TIME] + pc[ObligationState.LATE]
        doc.paragraph(
            _(
                "{period}进展报告应于{due}前报送。截至{today}，应报送 {total} 份，已报送 {submitted} 份，尚未报送 {open} 份。"
            ).format(
                period=facts.period.label,
                due=date_text(facts.period.due),
                today=date_text(facts.today),
                total=total,
                submitted=submitted,
                open=pc[ObligationState.OPEN],
            )
        )
    oc = facts.overall_counts
    overall = sum(oc.values())
    if overall:
        doc.paragraph(
            _(
                "方案实施以来，已到报送截止日期的进展报告共 {overall} 份，累计按时报送率 {percent}。"
            ).format(overall=overall, percent=_percent(oc[ObligationState.ON_TIME], overall))
        )


def _deadline_cell(task: Task) -> str:
    if task.extended_deadline is not None:
        return _("{deadline}\n延至{extended}").format(
            deadline=task.deadline_text, extended=date_text(task.extended_deadline)
        )
    return task.deadline_text


def _task_table(doc: GongwenDocument, facts: BulletinFacts) -> None:
    doc.heading(_("二、任务推进情况"), 1)
    overdue = [r.task.number for r in facts.rows if r.state.status == TaskStatus.OVERDUE]
    due_soon = [r.task.number for r in facts.rows if r.state.status == TaskStatus.DUE_SOON]
    text = _("各项任务推进情况见下表（状态按截至通报日的进展报告审核结果和完成年限确定）。")
    if overdue:
        text += _("其中，任务{items}已超过完成年限尚未完成，请牵头单位抓紧推进。").format(
            items="、".join(map(str, overdue))
        )
    if due_soon:
        text += _("任务{items}即将到期，请提前做好完成准备。").format(
            items="、".join(map(str, due_soon))
        )
    doc.paragraph(text)
    body: list[list[Any] | GroupRow] = []
    programme = None
    for row in facts.rows:
        if row.task.programme_id != programme:
            programme = row.task.programme_id
            body.append(
                GroupRow(
                    f"（{chinese_numeral(row.task.programme.number)}）{row.task.programme.name}"
                )
            )
        state = row.state
        body.append(
            [
                row.task.number,
                shorten(row.task.text),
                row.lead_unit,
                _deadline_cell(row.task),
                state.status.label,
                "—" if state.status == TaskStatus.CONTINUOUS else f"{state.latest_percent}%",
            ]
        )
    doc.table(
        [_("序号"), _("主要任务"), _("牵头单位"), _("完成年限"), _("状态"), _("进度")],
        body,
        # 状态 and 牵头单位 must hold 持续推进 and 市委教育工委 on one line at 小四.
        widths_mm=[11, 61, 28, 24, 19, 13],
        align=["center", "left", "center", "center", "center", "center"],
    )


def _reporting(doc: GongwenDocument, facts: BulletinFacts) -> None:
    doc.heading(_("三、报送情况"), 1)
    label = facts.period.label
    if facts.period_due_passed:
        if not facts.late and not facts.missing:
            doc.paragraph(_("{label}各责任单位均按时报送了任务进展。").format(label=label))
            return
        if facts.late:
            doc.paragraph(
                _("{units}。").format(units=_units_text(facts.late)), lead=_("（一）逾期报送。")
            )
        else:
            doc.paragraph(_("无。"), lead=_("（一）逾期报送。"))
        if facts.missing:
            doc.paragraph(
                _("{units}。").format(units=_units_text(facts.missing)), lead=_("（二）未报送。")
            )
        else:
            doc.paragraph(_("无。"), lead=_("（二）未报送。"))
    else:
        if facts.pending:
            doc.paragraph(
                _("截至{today}，{units}尚未报送{label}进展，请于{due}前报送。").format(
                    today=date_text(facts.today),
                    units=_units_text(facts.pending),
                    label=label,
                    due=date_text(facts.period.due),
                )
            )
        else:
            doc.paragraph(_("{label}各责任单位均已报送任务进展。").format(label=label))
        if facts.late:
            doc.paragraph(
                _("{units}。").format(units=_units_text(facts.late)), lead=_("逾期报送。")
            )


def _warnings(doc: GongwenDocument, facts: BulletinFacts) -> None:
    doc.heading(_("四、督办预警"), 1)
    levels = Counter(w.level for w in facts.warnings)
    if not facts.warnings:
        text = _("截至{date_text}，无黄牌、红牌督办事项").format(date_text=date_text(facts.today))
        if facts.notices:
            text += _("；另有临期预警 {count} 条，请相关单位关注。").format(count=facts.notices)
        else:
            text += "。"
        doc.paragraph(text)
        return
    text = _("截至{today}，共有红牌 {red} 张、黄牌 {yellow} 张").format(
        today=date_text(facts.today),
        red=levels[WarningLevel.RED],
        yellow=levels[WarningLevel.YELLOW],
    )
    if facts.notices:
        text += _("，另有临期预警 {count} 条").format(count=facts.notices)
    doc.paragraph(text + _("。具体如下："))
    doc.table(
        [_("序号"), _("任务"), _("责任单位"), _("级别"), _("原因")],
        [
            [
                i,
                f"{w.task.number}．{shorten(w.task.text, 28)}",
                w.unit.name,
                WarningLevel(w.level).label,
                w.reason,
            ]
            for i, w in enumerate(facts.warnings, start=1)
        ],
        widths_mm=[11, 58, 30, 15, 42],
        align=["center", "left", "center", "center", "left"],
    )


def _requirements(doc: GongwenDocument, facts: BulletinFacts) -> None:
    doc.heading(_("五、下一步工作要求"), 1)
    doc.paragraph(
        _(
            "各牵头单位要对照任务清单细化工作举措，明确时间节点和责任人，确保各项任务按期完成；"
            "配合单位要主动对接、协同推进，形成工作合力。"
        ),
        lead=_("（一）压实工作责任。"),
    )
    text = _(
        "各责任单位要在每个报送周期结束后 {report_due_days} 日内，通过平台如实报送任务进展并上传佐证材料，做到不迟报、不漏报。"
    ).format(report_due_days=facts.plan.report_due_days)
    if facts.next_period is not None:
        text += _("{period}进展请于{due}前报送。").format(
            period=facts.next_period.label, due=date_text(facts.next_period.due)
        )
    doc.paragraph(text, lead=_("（二）按时报送进展。"))
    doc.paragraph(
        _(
            "被亮黄牌、红牌的单位要认真分析原因，制定整改措施，限期整改到位；逾期任务确需调整完成时间的，"
            "由牵头单位通过平台提出延期申请。工作专班将持续跟踪督办，定期通报推进情况。"
        ),
        lead=_("（三）抓好督办整改。"),
    )


@task()
def bulletin_job(job_id: int, plan_id: int, period_id: int) -> None:
    """Background task: builds a bulletin into the job's result file."""
    with job_running(job_id):
        period = (
            ReportingPeriod.objects.select_related("plan")
            .filter(pk=period_id, plan_id=plan_id)
            .first()
        )
        if period is None:
            raise ServiceError(
                PlanErrorCode.BAD_PERIOD, _("报送周期不存在或已被删除，无法生成督查通报")
            )
        path = job_result_path(job_id, ".docx")
        try:
            with path.open("wb") as stream:
                bulletin_build(
                    plan=period.plan,
                    period=period,
                    today=timezone.localdate(),
                    stream=stream,
                    progress=lambda percent, message: job_progress(job_id, percent, message),
                )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        job_succeed(job_id, path, bulletin_filename(period), message=_("督查通报已生成"))


@transaction.atomic
def bulletin_generate(*, user: User, plan: Plan, period: ReportingPeriod) -> Job:
    """Starts building the 督查通报 of a period in the background (plan office only)."""
    require_capability(user, Capability.PLAN_BULLETIN, _("只有工作专班可以生成督查通报"))
    if period.plan_id != plan.pk:
        raise ServiceError(PlanErrorCode.BAD_PERIOD, _("报送周期不属于该方案"))
    if period.start > timezone.localdate():
        raise ServiceError(
            PlanErrorCode.BAD_PERIOD,
            _("{period}尚未开始，不能生成督查通报").format(period=period.label),
        )
    label = _("{year}年第{number}期").format(
        year=period.start.year, number=bulletin_issue_number(period)
    )
    job = job_start(
        user=user,
        kind=BULLETIN_JOB_KIND,
        title=_("督查通报（{label}）").format(label=label),
        task_func=bulletin_job,
        params={"plan_id": plan.pk, "period_id": period.pk},
    )
    audit.record(
        AuditAction.EXPORT, obj=plan, actor=user, message=f"生成督查通报（{label}，{period.label}）"
    )
    return job


# ---------------------------------------------------------------- task list export and import

H_NUMBER = gettext_lazy("序号")
H_PROGRAMME = gettext_lazy("工程名称")
H_TEXT = gettext_lazy("主要任务")
H_UNITS = gettext_lazy("责任单位")
H_DEADLINE_TEXT = gettext_lazy("完成年限")
H_LEAD = gettext_lazy("牵头单位")
H_DEADLINE = gettext_lazy("截止日期")
H_STATUS = gettext_lazy("状态")
H_CURRENT = gettext_lazy("当前进度（%）")
H_PERIOD = gettext_lazy("报送周期")
H_NARRATIVE = gettext_lazy("进展情况")
H_PERCENT = gettext_lazy("完成进度（%）")
H_CLAIM = gettext_lazy("申报完成（是/否）")
# Headers are compared loosely (core.excel.normalize_header): templates downloaded when these
# were written with half-width brackets, 完成进度(%) and 申报完成(是/否), still import.
IMPORT_HEADERS = [H_NUMBER, H_PERIOD, H_NARRATIVE, H_PERCENT, H_CLAIM]
YES, NO = gettext_lazy("是"), gettext_lazy("否")


def tasks_export_filename(plan: Plan, today: dt.date) -> str:
    return _("任务清单及进展填报模板（{today:%Y%m%d}）.xlsx").format(today=today)


def tasks_export_xlsx(*, user: User, plan: Plan, today: dt.date, stream: IO[bytes]) -> int:
    """Writes the tasks the user may see as a workbook: the attachment's columns (工程名称,
    主要任务, 责任单位, 完成年限), their status today, and the progress template to fill in
    (报送周期, 进展情况, 完成进度, 申报完成) for :func:`tasks_import_progress`. Returns the row count.
    """
    require_capability(user, Capability.PLAN_VIEW, _("您没有查看任务清单的权限"))
    rows = task_rows(user, plan, today=today)
    labels = list(
        plan.periods.filter(start__lte=today).order_by("-start").values_list("label", flat=True)
    )
    current = period_current(plan, today=today)
    columns = [
        Column(H_NUMBER, 6),
        Column(H_PROGRAMME, 16, wrap=True),
        Column(H_TEXT, 50, wrap=True),
        Column(H_UNITS, 24, wrap=True),
        Column(H_DEADLINE_TEXT, 10),
        Column(H_LEAD, 14, wrap=True),
        Column(H_DEADLINE, 12, number_format="yyyy-mm-dd"),
        Column(H_STATUS, 10),
        Column(H_CURRENT, 10),
        # Text cells, so Excel keeps a typed "2026年11月" as the label instead of making it a date.
        Column(H_PERIOD, 14, choices=labels, to_fill=True, number_format="@"),
        Column(H_NARRATIVE, 50, wrap=True, to_fill=True),
        Column(H_PERCENT, 12, to_fill=True),
        Column(H_CLAIM, 14, choices=[YES, NO], to_fill=True),
    ]
    count = xlsx_write(
        stream,
        title=_("任务清单"),
        columns=columns,
        rows=(
            [
                r.task.number,
                r.task.programme.name,
                r.task.text,
                r.task.units_text,
                r.task.deadline_text,
                r.lead_unit,
                r.state.deadline if r.state.deadline is not None else "—",
                r.state.status.label,
                None if r.state.status == TaskStatus.CONTINUOUS else r.state.latest_percent,
                current.label if current is not None else None,
                None,
                None,
                None,
            ]
            for r in rows
        ),
    )
    audit.record(AuditAction.EXPORT, obj=plan, actor=user, message=f"导出任务清单 {count} 项")
    return count


@dataclass(frozen=True)
class ImportResult:
    """What an accepted import did: reports saved and submitted, by task number and period."""

    submitted: int
    reports: list[tuple[int, str]]


@dataclass(frozen=True)
class _Item:
    row: int
    task: Task
    period: ReportingPeriod
    data: ReportInput


@transaction.atomic
def tasks_import_progress(*, user: User, plan: Plan, file: IO[bytes] | bytes) -> ImportResult:
    """Saves and submits, for the user's unit, a progress report for every row of the template
    whose 进展情况 is filled in — all or nothing.

    Every row is checked first; then the reports are written and submitted through the usual
    services. Any problem, in checking or in writing, ends with
    :class:`~zhijiao.core.excel.ImportRejected` (code ``import_invalid``) listing each one by row
    and column, and the transaction rolls back: nothing is saved. A file that cannot be read at all
    raises :class:`~zhijiao.core.excel.ExcelError` (file_type, file_too_large, file_empty, …).
    """
    require_capability(user, Capability.PLAN_REPORT, _("您的角色不能填报进展"))
    if user.unit_id is None:
        raise ServiceError(
            PlanErrorCode.NOT_RESPONSIBLE, _("您的账号未关联单位，不能填报"), status_code=403
        )
    sheet = xlsx_table(file, columns=IMPORT_HEADERS, required=IMPORT_HEADERS)
    tasks = {t.number: t for t in plan.tasks.select_related("plan")}
    mine = set(
        Responsibility.objects.filter(task__plan=plan, unit_id=user.unit_id).values_list(
            "task_id", flat=True
        )
    )
    periods = {p.label: p for p in plan.periods.all()}
    existing = {
        (task_id, period_id): status
        for task_id, period_id, status in ProgressReport.objects.filter(
            task__plan=plan, unit_id=user.unit_id
        ).values_list("task_id", "period_id", "status")
    }
    today = timezone.localdate()
    errors: list[RowError] = []
    items: list[_Item] = []
    seen: dict[tuple[int, int], int] = {}
    for row in sheet:
        item = _check_row(
            row,
            tasks=tasks,
            mine=mine,
            periods=periods,
            existing=existing,
            today=today,
            errors=errors,
        )
        if item is None:
            continue
        key = (item.task.pk, item.period.pk)
        if key in seen:
            errors.append(
                RowError(
                    row.number,
                    H_NUMBER,
                    _("与第 {row} 行重复：同一任务同一报送周期只能填报一次").format(row=seen[key]),
                )
            )
            continue
        seen[key] = row.number
        items.append(item)
    reject_if_errors(errors, code=PlanErrorCode.IMPORT_INVALID)
    if not items:
        raise ServiceError(
            PlanErrorCode.IMPORT_INVALID, _("文件中没有填写“进展情况”的行，未导入任何数据")
        )

    for item in items:
        try:
            report = report_save(user=user, task=item.task, period=item.period, data=item.data)
            report_submit(user=user, report=report, notify=False)
        except ServiceError as exc:  # each service rolled back its own savepoint; keep checking
            errors.append(RowError(item.row, "", exc.message))
    reject_if_errors(errors, code=PlanErrorCode.IMPORT_INVALID)
    audit.record(AuditAction.IMPORT, obj=plan, actor=user, message=f"导入进展报告 {len(items)} 份")
    notify_office(
        title=_("{unit} 通过 Excel 报送了 {count} 份进展报告").format(
            unit=user.unit, count=len(items)
        ),
        link="/plan/review/",
    )
    return ImportResult(
        submitted=len(items), reports=[(i.task.number, i.period.label) for i in items]
    )


def _check_row(
    row: SheetRow,
    *,
    tasks: dict[int, Task],
    mine: set[int],
    periods: dict[str, ReportingPeriod],
    existing: dict[tuple[int, int], str],
    today: dt.date,
    errors: list[RowError],
) -> _Item | None:
    narrative = row.text(H_NARRATIVE)
    claim_text = row.text(H_CLAIM)
    if not narrative:
        if row.values.get(H_PERCENT) is not None or claim_text == YES:
            errors.append(
                RowError(
                    row.number,
                    H_NARRATIVE,
                    _("填写了完成进度或申报完成，但没有填写进展情况；请补充，或清空本行的填报内容"),
                )
            )
        return None
    before = len(errors)

    task: Task | None = None
    try:
        number = cell_int(row.values.get(H_NUMBER))
    except ValueError:
        number = None
        errors.append(
            RowError(
                row.number,
                H_NUMBER,
                _("序号“{text}”不是任务序号（整数）").format(text=row.text(H_NUMBER)),
            )
        )
    else:
        if number is None:
            errors.append(RowError(row.number, H_NUMBER, _("请填写任务序号")))
        elif number not in tasks:
            errors.append(
                RowError(
                    row.number,
                    H_NUMBER,
                    _("方案中没有序号为 {number} 的任务").format(number=number),
                )
            )
        elif tasks[number].pk not in mine:
            errors.append(
                RowError(
                    row.number,
                    H_NUMBER,
                    _("本单位不是任务 {number} 的责任单位，不能填报").format(number=number),
                )
            )
        else:
            task = tasks[number]

    period: ReportingPeriod | None = None
    label = re.sub(r"\s+", "", row.text(H_PERIOD))
    raw_period = row.values.get(H_PERIOD)
    if isinstance(raw_period, dt.date):
        # Excel in Chinese turns a typed "2026年11月" into a date: take the period holding it.
        day = raw_period.date() if isinstance(raw_period, dt.datetime) else raw_period
        holding = [p for p in periods.values() if p.start <= day <= p.end]
        label = holding[0].label if holding else f"{day.year}年{day.month}月{day.day}日"
    if not label:
        errors.append(RowError(row.number, H_PERIOD, _("请填写报送周期")))
    elif label not in periods:
        errors.append(
            RowError(
                row.number,
                H_PERIOD,
                _("没有名为“{label}”的报送周期，请从下拉列表中选择").format(label=label),
            )
        )
    elif periods[label].start > today:
        errors.append(
            RowError(row.number, H_PERIOD, _("{label}尚未开始，不能填报").format(label=label))
        )
    else:
        period = periods[label]

    percent = 0
    try:
        value = cell_int(row.values.get(H_PERCENT))
    except ValueError:
        errors.append(
            RowError(
                row.number,
                H_PERCENT,
                _("“{text}”不是 0 到 100 之间的整数").format(text=row.text(H_PERCENT)),
            )
        )
    else:
        if value is None:
            if task is not None and not task.is_continuous:
                errors.append(
                    RowError(row.number, H_PERCENT, _("请填写完成进度（0 到 100 之间的整数）"))
                )
        elif not 0 <= value <= 100:
            errors.append(
                RowError(
                    row.number,
                    H_PERCENT,
                    _("完成进度应在 0 到 100 之间，不能是 {value}").format(value=value),
                )
            )
        else:
            percent = value

    claims = False
    if claim_text in ("", NO):
        claims = False
    elif claim_text == YES:
        claims = True
        if task is not None and task.is_continuous:
            errors.append(RowError(row.number, H_CLAIM, _("持续推进的任务不能申报完成")))
    else:
        errors.append(
            RowError(
                row.number,
                H_CLAIM,
                _("应填“是”或“否”，不能是“{claim_text}”").format(claim_text=claim_text),
            )
        )

    if task is not None and period is not None:
        status = existing.get((task.pk, period.pk))
        if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
            errors.append(
                RowError(
                    row.number,
                    H_PERIOD,
                    _("本单位任务 {number} 的{period}进展报告{status}，不能重复报送").format(
                        number=task.number, period=period.label, status=ReportStatus(status).label
                    ),
                )
            )
    if len(errors) > before or task is None or period is None:
        return None
    return _Item(
        row=row.number,
        task=task,
        period=period,
        data=ReportInput(narrative=narrative, percent=percent, claims_completion=claims),
    )
