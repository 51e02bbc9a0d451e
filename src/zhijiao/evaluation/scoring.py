"""The arithmetic of evaluation, free of the database: tree checks, scoring bands, outliers,
ranks and grades. Services and selectors call these; tests pin them directly."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .data import DEFAULT_GRADES, POINTS_QUANTUM, ScoringMethod

MAX_LEVEL = 3


def q(value: Decimal) -> Decimal:
    return value.quantize(POINTS_QUANTUM)


def fmt(value: Decimal | None) -> str:
    """Points for people: no trailing zeros ("12.5", "10")."""
    if value is None:
        return "—"
    text = f"{q(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(_("{what}应为数字，收到“{value}”").format(what=what, value=value)) from exc
    if not number.is_finite():
        raise ValueError(_("{what}应为数字，收到“{value}”").format(what=what, value=value))
    return number


@dataclass
class Node:
    """One criterion while a tree is checked: what a YAML file or an edit form gives."""

    code: str
    name: str
    weight: Decimal
    method: str = ""
    indicator: str = ""
    bands: list[tuple[Decimal, Decimal]] = field(default_factory=list)
    rubric: str = ""
    source_text: str = ""
    children: list[Node] = field(default_factory=list)


def bands_parse(raw: Any, where: str) -> list[tuple[Decimal, Decimal]]:
    """``[[threshold, points], …]`` or ``[{"min": …, "points": …}, …]`` as decimal pairs."""
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list):
        raise ValueError(_("{where}的计分档次应为列表").format(where=where))
    bands = []
    for item in raw:
        if isinstance(item, Mapping):
            threshold, points = item.get("min"), item.get("points")
        elif isinstance(item, list | tuple) and len(item) == 2:
            threshold, points = item
        else:
            raise ValueError(_("{where}的计分档次应写成 [门槛值, 得分]").format(where=where))
        bands.append(
            (
                to_decimal(threshold, _("{where}的门槛值").format(where=where)),
                to_decimal(points, _("{where}的档次得分").format(where=where)),
            )
        )
    return bands


def bands_text(bands: Sequence[Sequence[Any]]) -> str:
    """Bands as people read them: "≥90%→10；≥80%→8"."""
    return "；".join(
        _("≥{threshold}→{points}分").format(
            threshold=fmt(Decimal(str(t))), points=fmt(Decimal(str(p)))
        )
        for t, p in bands
    )


def check_tree(
    nodes: Sequence[Node], total: Decimal, *, sums: list[str] | None = None
) -> list[str]:
    """Every problem of a tree, in the active language (empty: the tree is sound); those about
    weights that do not add up are also put in ``sums`` when it is given.

    The 一级 weights add up to the scheme's total; the children of a node add up to its weight;
    the tree is at most three levels deep; each leaf names its scoring method, an automatic leaf
    its indicator and bands; bands rise (thresholds strictly, points never falling) and never
    give more than the leaf's weight; codes are unique."""
    problems: list[str] = []
    seen: set[str] = set()
    if not nodes:
        return [_("方案至少要有一个一级指标")]
    top = sum((n.weight for n in nodes), Decimal(0))

    def mismatch(text: str) -> None:
        problems.append(text)
        if sums is not None:
            sums.append(text)

    if q(top) != q(total):
        mismatch(
            _("一级指标分值合计应为 {total} 分，现为 {top} 分").format(
                total=fmt(total), top=fmt(top)
            )
        )

    def walk(node: Node, level: int) -> None:
        label = f"“{node.code} {node.name}”"
        if not node.code:
            problems.append(_("“{name}”缺少编号").format(name=node.name))
        elif node.code in seen:
            problems.append(_("指标编号 {code} 重复").format(code=node.code))
        seen.add(node.code)
        if node.weight < 0:
            problems.append(_("{label}的分值不能为负数").format(label=label))
        if level > MAX_LEVEL:
            problems.append(
                _("{label}超过三级，指标体系最多分一级、二级、三级").format(label=label)
            )
            return
        if node.children:
            if node.method:
                problems.append(_("{label}有下级指标，不应再设计分方式").format(label=label))
            inner = sum((c.weight for c in node.children), Decimal(0))
            if q(inner) != q(node.weight):
                mismatch(
                    _("{label}下级指标分值合计应为 {weight} 分，现为 {inner} 分").format(
                        label=label, weight=fmt(node.weight), inner=fmt(inner)
                    )
                )
            for child in node.children:
                walk(child, level + 1)
            return
        if node.method not in ScoringMethod.values:
            problems.append(
                _("{label}是末级指标，应设定计分方式（指标自动计分、专家评分或自评核定）").format(
                    label=label
                )
            )
            return
        if node.method == ScoringMethod.AUTO:
            if not node.indicator:
                problems.append(_("{label}为指标自动计分，应指定取数指标").format(label=label))
            if not node.bands:
                problems.append(_("{label}为指标自动计分，应设定计分档次").format(label=label))
        elif not node.rubric:
            problems.append(_("{label}由专家评分，应写明评分标准").format(label=label))
        previous: tuple[Decimal, Decimal] | None = None
        for threshold, points in node.bands:
            if points < 0 or points > node.weight:
                problems.append(
                    _("{label}的档次得分 {points} 超出 0 至 {weight} 分的范围").format(
                        label=label, points=fmt(points), weight=fmt(node.weight)
                    )
                )
            if previous is not None and (threshold <= previous[0] or points < previous[1]):
                problems.append(
                    _("{label}的计分档次应按门槛值从低到高排列，得分不递减").format(label=label)
                )
            previous = (threshold, points)

    for node in nodes:
        walk(node, 1)
    return problems


def band_points(bands: Sequence[Sequence[Any]], value: Decimal | None) -> Decimal:
    """The points a value earns: those of the highest band whose threshold it reaches; none
    reached (or no value at all) earns nothing."""
    if value is None:
        return Decimal(0)
    earned = Decimal(0)
    for threshold, points in bands:
        if value >= Decimal(str(threshold)):
            earned = Decimal(str(points))
    return q(earned)


@dataclass(frozen=True)
class Spread:
    """The experts' scores of one item for one school, their median and the outliers."""

    scores: tuple[Decimal, ...]
    median: Decimal | None
    outliers: frozenset[int]  # positions in ``scores``

    @property
    def kept(self) -> list[Decimal]:
        return [s for i, s in enumerate(self.scores) if i not in self.outliers]

    @property
    def agreed(self) -> Decimal | None:
        """The mean of the scores that are not outliers (all of them if every one is)."""
        kept = self.kept or list(self.scores)
        if not kept:
            return None
        return q(sum(kept, Decimal(0)) / len(kept))


def spread(scores: Iterable[Decimal], weight: Decimal, share: Decimal) -> Spread:
    """Flags the scores further than ``share`` × ``weight`` from the median of all scores.

    With two experts the median is their mean, so both are flagged when they differ by more than
    twice the threshold: neither can be trusted over the other and the office must decide."""
    values = tuple(Decimal(s) for s in scores)
    if not values:
        return Spread((), None, frozenset())
    median = Decimal(str(statistics.median(values)))
    limit = share * weight
    flagged = frozenset(i for i, s in enumerate(values) if abs(s - median) > limit)
    return Spread(values, q(median), flagged)


def ranks(totals: Mapping[int, Decimal | None]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; no total, no rank."""
    ordered = sorted((t, k) for k, t in totals.items() if t is not None)
    ordered.reverse()
    result: dict[int, int | None] = {k: None for k in totals}
    previous: Decimal | None = None
    rank = 0
    for position, (total, key) in enumerate(ordered, start=1):
        if total != previous:
            rank = position
            previous = total
        result[key] = rank
    return result


def grade_of(total: Decimal | None, grades: Sequence[Sequence[Any]]) -> str:
    """The grade whose lowest total the total reaches, highest grade first."""
    if total is None:
        return ""
    scale = (
        sorted(((Decimal(str(m)), str(label)) for m, label in grades), reverse=True)
        if grades
        else DEFAULT_GRADES
    )
    for lowest, label in scale:
        if total >= lowest:
            return str(label)
    return str(scale[-1][1]) if scale else ""
