"""Reads of evaluation data: trees, progress, outliers, results, comparisons, strengths and
weaknesses, the performance-pay basis. Everything a unit may see goes through ``visible_to``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from zhijiao.indicators.models import Indicator
from zhijiao.indicators.selectors import element_values, indicators_values
from zhijiao.orgs.models import User
from zhijiao.orgs.roles import Capability

from . import scoring
from .data import AppealStatus, RoundStatus, SchemeKind, ScoringMethod, SelfStatus
from .models import Appeal, Assignment, Criterion, Entry, ExpertScore, FinalScore, Round, Scheme
from .scoring import q

# ---------------------------------------------------------------- schemes


@dataclass
class TreeNode:
    criterion: Criterion
    children: list[TreeNode] = field(default_factory=list)

    @property
    def share(self) -> Decimal:
        total = self.criterion.scheme.total_points
        return q(self.criterion.weight * 100 / total) if total else Decimal(0)


def schemes_all() -> QuerySet[Scheme]:
    return Scheme.objects.annotate(
        criteria_count=Count("criteria", distinct=True), rounds_count=Count("rounds", distinct=True)
    ).order_by("-year", "kind")


def scheme_tree(scheme: Scheme) -> list[TreeNode]:
    criteria = list(scheme.criteria.select_related("indicator", "scheme").order_by("position"))
    nodes = {c.pk: TreeNode(c) for c in criteria}
    roots = []
    for c in criteria:
        if c.parent_id is None:
            roots.append(nodes[c.pk])
        else:
            nodes[c.parent_id].children.append(nodes[c.pk])
    return roots


def flat_tree(scheme: Scheme) -> list[TreeNode]:
    """The tree in reading order (each node before its children)."""
    result: list[TreeNode] = []

    def walk(items: list[TreeNode]) -> None:
        for n in items:
            result.append(n)
            walk(n.children)

    walk(scheme_tree(scheme))
    return result


def leaves(scheme: Scheme) -> list[Criterion]:
    return list(scheme.criteria.exclude(method="").select_related("indicator").order_by("position"))


def dimensions(scheme: Scheme) -> list[Criterion]:
    return list(scheme.criteria.filter(parent__isnull=True).order_by("position"))


# ---------------------------------------------------------------- rounds


def rounds_all() -> QuerySet[Round]:
    return Round.objects.select_related("scheme").order_by("-year", "scheme__kind")


def rounds_for(user: User) -> QuerySet[Round]:
    """Rounds a user's pages list: all for the office; those of their schools for schools and
    bureaus; those they are assigned to for experts."""
    if user.can(Capability.EVALUATION_MANAGE) and user.sees_all_units:
        return rounds_all()
    if user.can(Capability.EVALUATION_SCORE):
        return rounds_all().filter(entries__assignments__expert=user).distinct()
    entries = Entry.objects.visible_to(user).values("round_id")
    return rounds_all().filter(pk__in=entries)


@dataclass(frozen=True)
class Progress:
    schools: int
    self_submitted: int
    sheets: int
    sheets_submitted: int
    appeals_pending: int
    appeals: int

    @property
    def self_percent(self) -> int:
        return round(100 * self.self_submitted / self.schools) if self.schools else 0

    @property
    def sheets_percent(self) -> int:
        return round(100 * self.sheets_submitted / self.sheets) if self.sheets else 0


def round_progress(round_: Round, entries: QuerySet[Entry] | None = None) -> Progress:
    entries = entries if entries is not None else round_.entries.all()
    counts = entries.aggregate(
        schools=Count("pk", distinct=True),
        submitted=Count("pk", filter=Q(self_status=SelfStatus.SUBMITTED), distinct=True),
    )
    sheets = Assignment.objects.filter(entry__in=entries).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(submitted_at__isnull=False))
    )
    appeals = Appeal.objects.filter(entry__in=entries).aggregate(
        total=Count("pk"), pending=Count("pk", filter=Q(status=AppealStatus.PENDING))
    )
    return Progress(
        counts["schools"],
        counts["submitted"],
        sheets["total"],
        sheets["done"],
        appeals["pending"],
        appeals["total"],
    )


def entries_visible(user: User, round_: Round) -> QuerySet[Entry]:
    return (
        Entry.objects.visible_to(user)
        .filter(round=round_)
        .select_related("school", "round__scheme")
        .order_by("rank", "school__name")
    )


def assignments_of(expert: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(expert=expert)
        .select_related("entry__school", "entry__round__scheme")
        .annotate(scored=Count("scores"))
        .order_by("-entry__round__year", "entry__school__name")
    )


def assignment_for_expert(expert: User, pk: int) -> Assignment | None:
    return (
        Assignment.objects.filter(pk=pk, expert=expert)
        .select_related("entry__school", "entry__round__scheme")
        .first()
    )


# ---------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class OutlierRow:
    entry: Entry
    criterion: Criterion
    scores: list[tuple[str, Decimal, bool]]  # expert, points, is outlier
    median: Decimal | None
    final: FinalScore | None


def reconciliation_rows(round_: Round, *, only_outliers: bool = False) -> list[OutlierRow]:
    """Each expert-scored item of each school with every expert's score, the median and the
    outliers flagged, and the reconciled final score."""
    criteria = {c.pk: c for c in leaves(round_.scheme) if c.method != ScoringMethod.AUTO}
    entries = {e.pk: e for e in round_.entries.select_related("school")}
    raw: dict[tuple[int, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for entry_id, criterion_id, name, username, points in (
        ExpertScore.objects.filter(
            assignment__entry__round=round_, assignment__submitted_at__isnull=False
        )
        .order_by("assignment__expert__username")
        .values_list(
            "assignment__entry_id",
            "criterion_id",
            "assignment__expert__full_name",
            "assignment__expert__username",
            "points",
        )
    ):
        raw[(entry_id, criterion_id)].append((name or username, points))
    finals = {
        (f.entry_id, f.criterion_id): f
        for f in FinalScore.objects.filter(entry__round=round_).select_related("decided_by")
    }
    rows = []
    share = round_.scheme.outlier_share
    for (entry_id, criterion_id), scored in sorted(
        raw.items(), key=lambda kv: (entries[kv[0][0]].school.name, criteria[kv[0][1]].position)
    ):
        c = criteria[criterion_id]
        s = scoring.spread([p for _name, p in scored], c.weight, share)
        if only_outliers and not s.outliers:
            continue
        rows.append(
            OutlierRow(
                entries[entry_id],
                c,
                [(n, p, i in s.outliers) for i, (n, p) in enumerate(scored)],
                s.median,
                finals.get((entry_id, criterion_id)),
            )
        )
    return rows


# ---------------------------------------------------------------- results


def finals_of(entry: Entry) -> dict[int, FinalScore]:
    return {f.criterion_id: f for f in entry.finals.all()}


@dataclass(frozen=True)
class ItemRate:
    criterion: Criterion
    points: Decimal
    rate: Decimal  # share of the item's points, 0–100
    average_rate: Decimal  # the round's schools on average

    @property
    def gap(self) -> Decimal:
        return self.rate - self.average_rate


@dataclass(frozen=True)
class StrengthsWeaknesses:
    strengths: list[ItemRate]
    weaknesses: list[ItemRate]


def strengths_weaknesses(entry: Entry, count: int = 3) -> StrengthsWeaknesses:
    """The school's items furthest above (strengths) and below (weaknesses) the round's average
    score rate; an item below 60% of its points is a weakness whatever the average."""
    round_ = entry.round
    items = {c.pk: c for c in leaves(round_.scheme) if c.weight > 0}
    sums: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    own: dict[int, Decimal] = {}
    for entry_id, criterion_id, points in FinalScore.objects.filter(
        entry__round=round_
    ).values_list("entry_id", "criterion_id", "points"):
        if criterion_id not in items:
            continue
        sums[criterion_id] += points
        counts[criterion_id] += 1
        if entry_id == entry.pk:
            own[criterion_id] = points
    rates = []
    for pk, points in own.items():
        c = items[pk]
        average = sums[pk] / counts[pk]
        rates.append(ItemRate(c, points, q(points * 100 / c.weight), q(average * 100 / c.weight)))
    by_gap = sorted(rates, key=lambda r: (r.gap, r.rate))
    strengths = [r for r in reversed(by_gap) if r.gap > 0][:count]
    weak = [r for r in by_gap if r.gap < 0 or r.rate < 60]
    weaknesses = sorted(weak, key=lambda r: (r.rate >= 60, r.gap))[:count]
    return StrengthsWeaknesses(strengths, weaknesses)


def dimension_rates(entry: Entry) -> list[tuple[Criterion, Decimal, Decimal]]:
    """Each 一级 dimension: (criterion, points, score rate in %)."""
    return [
        (
            d,
            Decimal(entry.dimensions.get(d.code, "0")),
            q(Decimal(entry.dimensions.get(d.code, "0")) * 100 / d.weight)
            if d.weight
            else Decimal(0),
        )
        for d in dimensions(entry.round.scheme)
    ]


def city_average(round_: Round) -> tuple[Decimal | None, dict[str, Decimal]]:
    """The round's average total and average per-dimension points over all its schools — an
    aggregate every viewer may see next to their own school."""
    entries = list(round_.entries.filter(total__isnull=False).values_list("total", "dimensions"))
    if not entries:
        return None, {}
    total = q(sum((t or Decimal(0) for t, _dims in entries), Decimal(0)) / len(entries))
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for _total, dims in entries:
        for code, points in dims.items():
            sums[code] += Decimal(points)
    return total, {code: q(v / len(entries)) for code, v in sums.items()}


def history(user: User, scheme_code: str) -> tuple[list[int], dict[str, dict[int, Decimal]]]:
    """Totals of each school the user may see, per year, over the rounds of one scheme code
    whose results are visible (the office sees them at reconciliation already)."""
    statuses = [RoundStatus.NOTICE, RoundStatus.PUBLISHED]
    if user.can(Capability.EVALUATION_MANAGE):
        statuses.append(RoundStatus.RECONCILIATION)
    rows = (
        Entry.objects.visible_to(user)
        .filter(round__scheme__code=scheme_code, round__status__in=statuses, total__isnull=False)
        .values_list("school__short_name", "school__name", "round__year", "total")
        .order_by("round__year", "school__name")
    )
    years: set[int] = set()
    result: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for short, full, year, total in rows:
        name = short or full
        if total is not None:
            years.add(year)
            result[name][year] = total
    return sorted(years), dict(result)


def appeals_visible(user: User) -> QuerySet[Appeal]:
    return (
        Appeal.objects.visible_to(user)
        .select_related("entry__school", "entry__round", "criterion", "submitted_by", "decided_by")
        .order_by("status", "-submitted_at")
    )


# ---------------------------------------------------------------- performance pay


@dataclass(frozen=True)
class PayBasis:
    entry: Entry
    score: Decimal | None
    training: Decimal | None  # 年社会培训人次
    enrolment: Decimal | None  # 全日制在校生
    completion: Decimal | None  # training ÷ (target × enrolment), capped
    basis: Decimal | None  # the weighted reference score
    coefficient: Decimal | None  # basis ÷ the city's average basis
    missing: list[str]


PAY_DEFAULTS = {
    "score_weight": "0.6",
    "training_weight": "0.4",
    "training_target": "2",
    "completion_cap": "1.5",
    "training_indicator": "TRAINING_RATIO",
}


def pay_settings(scheme: Scheme) -> dict[str, Any]:
    raw = dict(PAY_DEFAULTS)
    raw.update({k: str(v) for k, v in (scheme.settings.get("pay_basis") or {}).items()})
    return raw


def pay_basis(round_: Round, entries: QuerySet[Entry] | None = None) -> list[PayBasis]:
    """The basis for setting each school's teachers' performance-pay total (绩效工资总量核定依据)
    from a 社会服务能力绩效考核 round: the result, and 培训情况 as its own factor — the training
    person-times of the year against the plan's target of twice the full-time enrolment.

    参考分 = 考核得分 × score_weight + min(培训完成度, cap) × 100 × training_weight;
    参考系数 = 参考分 ÷ 全市参评学校平均参考分. The weights live in the scheme's settings."""
    if round_.scheme.kind != SchemeKind.SOCIAL_SERVICE:
        return []
    conf = pay_settings(round_.scheme)
    score_w, train_w = Decimal(conf["score_weight"]), Decimal(conf["training_weight"])
    target, cap = Decimal(conf["training_target"]), Decimal(conf["completion_cap"])
    indicator = Indicator.objects.filter(code=conf["training_indicator"]).first()
    ratios: dict[int, Decimal | None] = {}
    if indicator is not None:
        values = indicators_values([indicator], [round_.year])[indicator.pk]
        ratios = {u: v.get(round_.year) for u, v in values.units.items()}
    figures = element_values(["TRAIN_PT", "ENROLMENT"], [round_.year])
    all_entries = list(round_.entries.select_related("school").order_by("rank", "school__name"))
    rows = []
    for e in all_entries:
        missing = []
        ratio = ratios.get(e.school_id)
        training = figures.get((e.school_id, round_.year, "TRAIN_PT", ""))
        enrolment = figures.get((e.school_id, round_.year, "ENROLMENT", ""))
        if e.total is None:
            missing.append(_("考核得分"))
        if ratio is None:
            missing.append(_("年培训人次与在校生之比"))
        completion = min(ratio / target, cap) if ratio is not None and target else None
        basis = (
            q(e.total * score_w + completion * 100 * train_w)
            if e.total is not None and completion is not None
            else None
        )
        rows.append(
            PayBasis(
                e,
                e.total,
                training,
                enrolment,
                q(completion) if completion is not None else None,
                basis,
                None,
                missing,
            )
        )
    known = [r.basis for r in rows if r.basis is not None]
    average = sum(known, Decimal(0)) / len(known) if known else None
    rows = [
        PayBasis(
            r.entry,
            r.score,
            r.training,
            r.enrolment,
            r.completion,
            r.basis,
            (r.basis / average).quantize(Decimal("0.001"))
            if r.basis is not None and average
            else None,
            r.missing,
        )
        for r in rows
    ]
    if entries is not None:
        allowed = set(entries.values_list("pk", flat=True))
        rows = [r for r in rows if r.entry.pk in allowed]
    return rows


def entry_detail_queryset() -> QuerySet[Entry]:
    return Entry.objects.select_related("school", "round__scheme").prefetch_related(
        Prefetch("finals", queryset=FinalScore.objects.select_related("criterion"))
    )
