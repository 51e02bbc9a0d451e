"""The plan as data, and its supervision: periods, progress reports, warnings, extensions.

Task status is never stored: it is derived from reports and deadlines (see ``status.py``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitGroup


class Plan(models.Model):
    """An official implementation plan, loaded from its text. No personal data."""

    code = models.SlugField(_("编码"), max_length=80, unique=True)
    title = models.CharField(_("方案名称"), max_length=300)
    issuer = models.CharField(_("发文单位"), max_length=200)
    issued_on = models.DateField(_("成文日期"))
    notice_title = models.CharField(_("通知标题"), max_length=300, blank=True)
    preamble = models.TextField(_("正文引言"), blank=True)
    attachment_title = models.CharField(_("附件标题"), max_length=300, blank=True)
    source_sha256 = models.CharField(_("原文摘要"), max_length=64, blank=True)
    warnings = models.JSONField(_("载入提示"), default=list, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    # Warning rules the plan office may change (预警 → 黄牌 → 红牌).
    due_soon_days = models.PositiveSmallIntegerField(_("临期提醒天数"), default=30)
    yellow_overdue_days = models.PositiveSmallIntegerField(_("逾期多少天亮黄牌"), default=1)
    red_overdue_days = models.PositiveSmallIntegerField(_("逾期多少天亮红牌"), default=90)
    yellow_missed_periods = models.PositiveSmallIntegerField(_("连续漏报几期亮黄牌"), default=1)
    red_missed_periods = models.PositiveSmallIntegerField(_("连续漏报几期亮红牌"), default=3)
    notice_days_before_due = models.PositiveSmallIntegerField(_("报送截止前几天提醒"), default=3)
    period_kind = models.CharField(_("报送周期"), max_length=10, default="month")
    report_due_days = models.PositiveSmallIntegerField(_("周期结束后几天内报送"), default=5)

    class Meta:
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A programme of measures in the plan's body, e.g. （一）以党建为引领…."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("序号"))
    heading = models.CharField(_("标题"), max_length=300)

    class Meta:
        verbose_name = _("重点举措")
        verbose_name_plural = _("重点举措")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="section_unique_number")
        ]

    def __str__(self) -> str:
        return self.heading


class Measure(models.Model):
    """One numbered measure under a body programme."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("序号"))
    heading = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("措施")
        verbose_name_plural = _("措施")
        ordering = ["section", "number"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="measure_unique_number")
        ]

    def __str__(self) -> str:
        return self.heading


class Programme(models.Model):
    """A programme (工程) of the attachment's task list, its name exactly as printed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programmes")
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("工程名称"), max_length=100)
    name_repeated = models.BooleanField(_("名称与前文重复"), default=False)

    class Meta:
        verbose_name = _("工程")
        verbose_name_plural = _("工程")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="programme_unique_number")
        ]

    def __str__(self) -> str:
        return f"（{self.number}）{self.name}"


class TaskQuerySet(ScopedQuerySet["Task"]):
    def scope_q(self, user) -> models.Q:  # type: ignore[no-untyped-def]
        return models.Q(responsibilities__unit_id=user.unit_id)

    def visible_to(self, user):  # type: ignore[no-untyped-def]
        qs = super().visible_to(user)
        # A unit responsible for a task is one row per task; distinct() guards the join.
        return qs if user is not None and getattr(user, "sees_all_units", False) else qs.distinct()


class Task(models.Model):
    """A task (任务) of the attachment's list, with its deadline exactly as printed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("主要任务"))
    deadline_text = models.CharField(_("完成年限"), max_length=20)
    deadline = models.DateField(
        _("截止日期"), null=True, blank=True, help_text=_("持续推进的任务没有截止日期")
    )
    extended_deadline = models.DateField(_("延期后截止日期"), null=True, blank=True)
    units_text = models.CharField(_("责任单位（原文）"), max_length=300)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}．{self.text[:30]}"

    @property
    def is_continuous(self) -> bool:
        return self.deadline is None

    @property
    def effective_deadline(self) -> dt.date | None:
        return self.extended_deadline or self.deadline


class Assignee(models.Model):
    """A responsible party as printed in the task list, in printed order; the first leads."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignees")
    position = models.PositiveSmallIntegerField(_("顺序"))
    printed_name = models.CharField(_("原文名称"), max_length=100)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        UnitGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("责任单位（原文）")
        verbose_name_plural = _("责任单位（原文）")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="assignee_unique_position"),
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, group__isnull=True)
                    | models.Q(unit__isnull=True, group__isnull=False)
                ),
                name="assignee_unit_xor_group",
            ),
        ]

    def __str__(self) -> str:
        return self.printed_name


class Responsibility(models.Model):
    """A unit that must report on a task: the printed units with groups resolved to members."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="responsibilities")
    is_lead = models.BooleanField(_("牵头"), default=False)
    via_group = models.ForeignKey(
        UnitGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["task", "position", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="responsibility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task.number} {self.unit}"


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    HALF_YEAR = "half_year", _("半年")
    YEAR = "year", _("年度")


class ReportingPeriod(models.Model):
    """A period for which every unit with an open or continuous task owes a progress report."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(
        _("周期类型"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    due = models.DateField(_("报送截止日期"))
    label = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")
        ordering = ["plan", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "start"], name="period_unique_start"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(due__gte=models.F("end")), name="period_due_after_end"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("已退回")


class ProgressReportQuerySet(ScopedQuerySet["ProgressReport"]):
    def scope_q(self, user) -> models.Q:  # type: ignore[no-untyped-def]
        # A unit sees its own reports; a lead unit also sees its co-units' reports on that task.
        return models.Q(unit_id=user.unit_id) | models.Q(
            task__responsibilities__unit_id=user.unit_id, task__responsibilities__is_lead=True
        )

    def visible_to(self, user):  # type: ignore[no-untyped-def]
        qs = super().visible_to(user)
        return qs if user is not None and getattr(user, "sees_all_units", False) else qs.distinct()


class ProgressReport(models.Model):
    """One unit's report on one task for one period. No personal data beyond the author."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    narrative = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    milestone = models.CharField(_("节点目标"), max_length=200, blank=True)
    claims_completion = models.BooleanField(_("申报完成"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    # Timeliness is judged on the first submission: a report returned and sent again stays on time.
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-period__start", "task__number", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period"], name="report_unique_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="report_percent_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["task", "status"])]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.unit} · {self.period}"


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("报送")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    WITHDRAW = "withdraw", _("撤回")


class ReportEvent(models.Model):
    """The timeline of a report: each submit, approval and return with its comment."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=10, choices=ReviewAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class Evidence(models.Model):
    """A file attached to a report, stored outside the web root and served only in scope."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("摘要"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class WarningLevel(models.IntegerChoices):
    NOTICE = 1, _("预警")
    YELLOW = 2, _("黄牌")
    RED = 3, _("红牌")


class TaskWarningQuerySet(ScopedQuerySet["TaskWarning"]):
    def scope_q(self, user) -> models.Q:  # type: ignore[no-untyped-def]
        return models.Q(unit_id=user.unit_id)


class TaskWarning(models.Model):
    """A warning standing against a unit on a task. Recomputed by the warning service."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="warnings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="task_warnings")
    level = models.PositiveSmallIntegerField(_("级别"), choices=WarningLevel.choices)
    reason = models.CharField(_("原因"), max_length=300)
    issued_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = TaskWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办预警")
        verbose_name_plural = _("督办预警")
        ordering = ["-level", "task__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                condition=models.Q(resolved_at__isnull=True),
                name="warning_one_open_per_task_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.task.number} {self.unit}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ExtensionRequestQuerySet(ScopedQuerySet["ExtensionRequest"]):
    def scope_q(self, user) -> models.Q:  # type: ignore[no-untyped-def]
        return models.Q(unit_id=user.unit_id)


class ExtensionRequest(models.Model):
    """A lead unit's request to move a task's deadline (延期申请), with its decision."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    previous_deadline = models.DateField(_("原截止日期"))
    requested_deadline = models.DateField(_("申请延期至"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(status="pending"),
                name="extension_one_pending_per_task",
            ),
            models.CheckConstraint(
                condition=models.Q(requested_deadline__gt=models.F("previous_deadline")),
                name="extension_moves_deadline_later",
            ),
        ]

    def __str__(self) -> str:
        return gettext("{number} 延期至 {requested_deadline}").format(
            number=self.task.number, requested_deadline=self.requested_deadline
        )


class SchoolPlanQuerySet(ScopedQuerySet["SchoolPlan"]):
    def scope_q(self, user) -> models.Q:  # type: ignore[no-untyped-def]
        return models.Q(school_id=user.unit_id)


class SchoolPlan(models.Model):
    """A school's own implementation plan (一校一案), linked to the tasks it serves."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="school_plans")
    school = models.ForeignKey(
        Unit, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="school_plans"
    )
    title = models.CharField(_("方案名称"), max_length=200)
    summary = models.TextField(_("主要内容"))
    document = models.FileField(_("方案文件"), upload_to="school-plans/%Y/", blank=True)
    document_name = models.CharField(_("文件名"), max_length=200, blank=True)
    tasks = models.ManyToManyField(
        Task, verbose_name=_("对应任务"), related_name="school_plans", blank=True
    )
    created_at = models.DateTimeField(_("制定时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = SchoolPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("一校一案")
        verbose_name_plural = _("一校一案")
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "school"], name="school_plan_unique")
        ]

    def __str__(self) -> str:
        return self.title
