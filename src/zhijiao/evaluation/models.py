"""School evaluation (学校评价): schemes, rounds, self-assessments, expert scoring, results, appeals.

- A :class:`Scheme` is a weighted indicator tree (一级/二级/三级 :class:`Criterion`) for one year;
  each leaf is scored from an indicator of the ``indicators`` app through scoring bands, by experts
  against a rubric, or from the school's self-assessment checked by experts.
- A :class:`Round` runs a scheme for a year: each participating school is an :class:`Entry` with
  its self-assessment (:class:`SelfClaim`), its experts (:class:`Assignment`,
  :class:`ExpertScore`), its reconciled scores (:class:`FinalScore`), its result (total, rank,
  grade) and its :class:`Appeal` rows.
- :class:`ExpertLink` records why an expert may not score a school (conflict of interest).

No model here holds personal data of its own beyond references to accounts (experts, clerks).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitKind, User

from .data import (
    DEFAULT_OUTLIER_SHARE,
    AppealStatus,
    ConflictKind,
    FinalSource,
    RoundStatus,
    SchemeKind,
    SchemeStatus,
    ScoringMethod,
    SelfStatus,
)


class Scheme(models.Model):
    """An evaluation scheme (评价方案) for one year: its weighted indicator tree, grade scale and
    outlier threshold. Editing bumps ``version``; once a round has opened, the scheme is frozen
    and a new year's version is made by copying it. No personal data."""

    code = models.SlugField(_("方案标识"), max_length=60)
    name = models.CharField(_("方案名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20, choices=SchemeKind.choices)
    year = models.PositiveSmallIntegerField(_("适用年度"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.ACTIVE
    )
    total_points = models.DecimalField(
        _("总分"), default=Decimal(100), max_digits=7, decimal_places=2
    )
    grades = models.JSONField(_("等级划分"), default=list, blank=True)  # [[lowest total, label], …]
    outlier_share = models.DecimalField(
        _("离群阈值（占该项满分的比例）"),
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_OUTLIER_SHARE,
    )
    settings = models.JSONField(_("其他设置"), default=dict, blank=True)  # e.g. pay_basis weights
    description = models.TextField(_("说明"), blank=True)
    source_text = models.TextField(_("方案依据（原文）"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评价方案")
        verbose_name_plural = _("评价方案")
        ordering = ["-year", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="evaluation_scheme_code_year"),
            models.CheckConstraint(
                condition=models.Q(total_points__gt=0), name="evaluation_scheme_total_positive"
            ),
        ]

    def __str__(self) -> str:
        return gettext("{name}（{year}年版）").format(name=self.name, year=self.year)


class Criterion(models.Model):
    """One node of a scheme's tree: 一级 (dimension), 二级 or 三级 indicator. ``weight`` is in
    points: the children of a node add up to its weight, the top level to the scheme's total.
    A leaf says how it is scored; ``bands`` are ``[[threshold, points], …]`` (a value at or above
    a threshold earns its points, the highest such band counts). No personal data."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("层级"))
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=200)
    weight = models.DecimalField(_("分值（权重）"), max_digits=7, decimal_places=2)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    method = models.CharField(
        _("计分方式"), max_length=20, choices=ScoringMethod.choices, blank=True
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("取数指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bands = models.JSONField(_("计分档次"), default=list, blank=True)
    rubric = models.TextField(_("评分标准"), blank=True)
    source_text = models.CharField(_("方案出处"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ["scheme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="evaluation_criterion_code"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="evaluation_criterion_weight_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="evaluation_criterion_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return bool(self.method)


class Round(models.Model):
    """A round (评价轮次) of a scheme for one year: its stage, deadlines and public notice.
    No personal data."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("评价方案"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(
        _("阶段"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    self_due = models.DateField(_("自评截止日期"))
    scoring_due = models.DateField(_("专家评分截止日期"))
    notice_starts = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends = models.DateField(_("公示（申诉）截止日期"), null=True, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评价轮次")
        verbose_name_plural = _("评价轮次")
        ordering = ["-year", "scheme__kind"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="evaluation_round_per_year"),
            models.CheckConstraint(
                condition=models.Q(scoring_due__gte=models.F("self_due")),
                name="evaluation_round_scoring_after_self",
            ),
            models.CheckConstraint(
                condition=models.Q(notice_ends__isnull=True)
                | models.Q(notice_ends__gte=models.F("notice_starts")),
                name="evaluation_round_notice_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def results_visible(self) -> bool:
        """Results are shown to schools and bureaus from the public notice on."""
        return self.status in (RoundStatus.NOTICE, RoundStatus.PUBLISHED)


class EntryQuerySet(ScopedQuerySet["Entry"]):
    def scope_q(self, user: User) -> models.Q:
        # A school sees its own; its supervising bureau sees those of its schools.
        return models.Q(school_id=user.unit_id) | models.Q(school__parent_id=user.unit_id)


class Entry(models.Model):
    """A school taking part in a round: its self-assessment status and its result (total,
    per-dimension scores, rank, grade) once computed. No personal data."""

    round = models.ForeignKey(
        Round, verbose_name=_("评价轮次"), on_delete=models.CASCADE, related_name="entries"
    )
    school = models.ForeignKey(
        Unit,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="evaluation_entries",
        limit_choices_to={"kind": UnitKind.SCHOOL},
    )
    self_status = models.CharField(
        _("自评状态"), max_length=20, choices=SelfStatus.choices, default=SelfStatus.NOT_STARTED
    )
    self_submitted_at = models.DateTimeField(_("自评提交时间"), null=True, blank=True)
    self_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("自评提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total = models.DecimalField(_("总分"), null=True, blank=True, max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=20, blank=True)
    dimensions = models.JSONField(_("一级指标得分"), default=dict, blank=True)  # {code: points}
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("参评学校")
        verbose_name_plural = _("参评学校")
        ordering = ["round", "rank", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="evaluation_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round.title} · {self.school.name}"


class SelfClaim(models.Model):
    """A school's self-assessment of one leaf: the points it claims, its statement and evidence
    (checked by type, content and size, stored outside the web root). No personal data."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("参评学校"), on_delete=models.CASCADE, related_name="claims"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="+"
    )
    points = models.DecimalField(_("自评分"), max_digits=7, decimal_places=2)
    statement = models.TextField(_("自评说明"))
    evidence = models.FileField(_("佐证材料"), upload_to="evaluation/evidence/%Y/", blank=True)
    evidence_name = models.CharField(_("材料文件名"), max_length=200, blank=True)
    evidence_type = models.CharField(_("材料类型"), max_length=100, blank=True)
    evidence_sha256 = models.CharField(_("材料摘要"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("学校自评")
        verbose_name_plural = _("学校自评")
        ordering = ["entry", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="evaluation_claim_once"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="evaluation_claim_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.school} · {self.criterion.code}"


class ExpertLink(models.Model):
    """A relation between an expert and a school that bars the expert from scoring it (回避):
    declared by the expert or recorded by the plan office. An expert whose account belongs to a
    school is barred from it without a declaration. No personal data beyond the account."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家"),
        on_delete=models.CASCADE,
        related_name="evaluation_links",
    )
    school = models.ForeignKey(
        Unit, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("关系"), max_length=20, choices=ConflictKind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专家回避关系")
        verbose_name_plural = _("专家回避关系")
        ordering = ["expert", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "school", "kind"], name="evaluation_link_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.school}（{self.get_kind_display()}）"


class Assignment(models.Model):
    """An expert assigned to score one school in a round; ``submitted_at`` closes their sheet.
    No personal data beyond the account."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("参评学校"), on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家"),
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家分配")
        verbose_name_plural = _("专家分配")
        ordering = ["entry", "expert__username"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "expert"], name="evaluation_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.entry.school}"


class ExpertScore(models.Model):
    """One expert's points for one leaf of one school, given independently. No personal data."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("专家分配"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="+"
    )
    points = models.DecimalField(_("评分"), max_digits=7, decimal_places=2)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    scored_at = models.DateTimeField(_("评分时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        ordering = ["assignment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="evaluation_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="evaluation_score_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.criterion.code}: {self.points}"


class FinalScore(models.Model):
    """The reconciled points of one leaf for one school, and where they came from.
    No personal data."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("参评学校"), on_delete=models.CASCADE, related_name="finals"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="+"
    )
    points = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    source = models.CharField(_("来源"), max_length=20, choices=FinalSource.choices)
    indicator_value = models.DecimalField(
        _("指标值"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("核定得分")
        verbose_name_plural = _("核定得分")
        ordering = ["entry", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="evaluation_final_once"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="evaluation_final_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.criterion.code}: {self.points}"


class AppealQuerySet(ScopedQuerySet["Appeal"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(entry__school_id=user.unit_id) | models.Q(
            entry__school__parent_id=user.unit_id
        )


class Appeal(models.Model):
    """A school's appeal (申诉) against its published result during the notice, and its decision.
    Holds no personal data beyond the accounts that submitted and decided it."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("参评学校"), on_delete=models.CASCADE, related_name="appeals"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("申诉指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    decision = models.TextField(_("处理意见"), blank=True)
    points_before = models.DecimalField(
        _("原得分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    points_after = models.DecimalField(
        _("调整后得分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("结果申诉")
        verbose_name_plural = _("结果申诉")
        ordering = ["-submitted_at"]
        constraints = [
            # One open appeal per school and item at a time (decided by the database).
            models.UniqueConstraint(
                fields=["entry", "criterion"],
                condition=models.Q(status="pending"),
                name="evaluation_appeal_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return gettext("{school} 申诉（{status}）").format(
            school=self.entry.school, status=self.get_status_display()
        )


def as_points(value: Any) -> Decimal:
    """A number as points with two decimals."""
    return Decimal(str(value)).quantize(Decimal("0.01"))
