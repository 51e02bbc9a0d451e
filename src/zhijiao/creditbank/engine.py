"""The rule engine: which outcomes of a learner convert into which credits of a programme on a
date, under which rules, and why — a pure function of plain values (no database, no clock).

:func:`evaluate` goes through these steps, explaining each decision (in the active language):

1. **Rules in effect.** Only rules of the programme whose validity covers the date count; when
   several versions of one code do, the latest version wins.
2. **Expiry.** An outcome whose own validity ended before the date is set aside.
3. **Once per content, at its highest level.** Outcomes of the same content (``content_key``)
   count once: the highest level (then the latest) stands, the others are superseded. Content
   already recognised for the programme earlier is not counted again.
4. **Matching.** Rules needing more outcomes go first (N:1 before 1:1), then those converting
   more credits, then by code. A rule applies when every input is met by a standing outcome not
   yet used by another rule, at or above its minimum level and — if the rule limits the age of
   outcomes — recent enough. An outcome is used by one rule only. A rule converts into all its
   courses (1:N), except courses credited before or by an earlier rule.
5. **Caps.** A rule's courses are granted whole, in order, while the programme's recognised
   credits stay within the rule's share of the diploma's credits and the learner's credits of the
   year stay within the rule's yearly cap; what does not fit is cut, and the cut is explained.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .data import (
    Decision,
    DecisionKind,
    Evaluation,
    Grant,
    InputSpec,
    LearnerState,
    OutcomeFact,
    ProgrammeSpec,
    RuleSpec,
    format_credits,
)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _join(names: Sequence[str]) -> str:
    return "、".join(names)


def rules_in_effect(
    rules: Sequence[RuleSpec], programme_key: str, on_date: dt.date
) -> list[RuleSpec]:
    """The rules of a programme in effect on a date, one version per code (the latest)."""
    latest: dict[str, RuleSpec] = {}
    for rule in rules:
        if rule.programme_key != programme_key or not rule.in_effect(on_date):
            continue
        known = latest.get(rule.code)
        if known is None or rule.version > known.version:
            latest[rule.code] = rule
    return list(latest.values())


@dataclass
class _Ledger:
    """Running totals while one evaluation grants credits."""

    state: LearnerState
    programme: ProgrammeSpec
    granted: Decimal = Decimal(0)
    courses: set[str] = field(default_factory=set)

    def share_room(self, rule: RuleSpec) -> tuple[Decimal, str] | None:
        if rule.max_share_percent is None:
            return None
        limit = (self.programme.total_credits * rule.max_share_percent / 100).quantize(
            Decimal("0.1")
        )
        used = self.state.banked_in_programme + self.granted
        text = _(
            "认定学分不超过毕业总学分 {total} 的 {percent}%（{limit} 学分），此前已认定 {used} 学分"
        ).format(
            total=format_credits(self.programme.total_credits),
            percent=format_credits(rule.max_share_percent),
            limit=format_credits(limit),
            used=format_credits(used),
        )
        return limit - used, text

    def year_room(self, rule: RuleSpec, year: int) -> tuple[Decimal, str] | None:
        if rule.yearly_cap is None:
            return None
        used = self.state.banked_in_year + self.granted
        text = _("每人每年认定不超过 {cap} 学分，{year} 年已认定 {used} 学分").format(
            cap=format_credits(rule.yearly_cap), year=year, used=format_credits(used)
        )
        return rule.yearly_cap - used, text


def evaluate(
    learner: LearnerState,
    outcomes: Sequence[OutcomeFact],
    programme: ProgrammeSpec,
    on_date: dt.date,
    rules: Sequence[RuleSpec],
) -> Evaluation:
    """What ``outcomes`` convert into for ``programme`` on ``on_date`` under ``rules``, given
    what ``learner`` has banked already. Pure: the same values always give the same answer."""
    decisions: list[Decision] = []
    grants: list[Grant] = []
    running = _Ledger(state=learner, programme=programme)

    # 1–3: the outcomes that stand, one per content.
    standing: dict[str, OutcomeFact] = {}
    for fact in sorted(outcomes, key=lambda f: (f.obtained_on, f.id)):
        if fact.expires_on is not None and fact.expires_on < on_date:
            decisions.append(
                Decision(
                    DecisionKind.EXPIRED,
                    _("{outcome}：有效期至 {day}，已过期，不予认定").format(
                        outcome=fact.described, day=f"{fact.expires_on:%Y-%m-%d}"
                    ),
                    (fact.id,),
                )
            )
            continue
        used_where = learner.used_content.get(fact.content_key)
        if used_where is not None:
            decisions.append(
                Decision(
                    DecisionKind.ALREADY_COUNTED,
                    _("{outcome}：同一内容已在{where}中认定，不重复计算").format(
                        outcome=fact.described, where=used_where
                    ),
                    (fact.id,),
                )
            )
            continue
        known = standing.get(fact.content_key)
        if known is None or (fact.level, fact.obtained_on, fact.id) > (
            known.level,
            known.obtained_on,
            known.id,
        ):
            if known is not None:
                decisions.append(_superseded(known, fact))
            standing[fact.content_key] = fact
        else:
            decisions.append(_superseded(fact, known))

    # 4–5: rules, most demanding first.
    in_effect = rules_in_effect(rules, programme.key, on_date)
    in_effect.sort(
        key=lambda r: (-len(r.inputs), -sum((o.credits for o in r.outputs), Decimal(0)), r.code)
    )
    used: set[int] = set()
    remarks: dict[int, list[str]] = {}
    for rule in in_effect:
        chosen: list[OutcomeFact] = []
        missing: list[InputSpec] = []
        too_old: list[OutcomeFact] = []
        for need in rule.inputs:
            match = standing.get(need.content_key)
            if match is None or match.id in used or match.level < need.min_level:
                missing.append(need)
                continue
            if rule.max_age_years is not None and (
                add_years(match.obtained_on, rule.max_age_years) < on_date
            ):
                too_old.append(match)
                continue
            chosen.append(match)
        for fact in too_old:
            decisions.append(
                Decision(
                    DecisionKind.EXPIRED,
                    _("{outcome}：取得于 {day}，超过{rule}规定的 {years} 年时限，不予认定").format(
                        outcome=fact.described,
                        day=f"{fact.obtained_on:%Y-%m-%d}",
                        rule=rule.reference,
                        years=rule.max_age_years,
                    ),
                    (fact.id,),
                    rule=f"{rule.code}@{rule.version}",
                )
            )
        if missing or too_old:
            if chosen and missing:
                for fact in chosen:
                    remarks.setdefault(fact.id, []).append(
                        _("{rule}还需要{inputs}").format(
                            rule=rule.reference, inputs=_join([n.label for n in missing])
                        )
                    )
            continue
        decision, rule_grants = _apply(rule, chosen, running, on_date)
        decisions.append(decision)
        if rule_grants:
            grants.extend(rule_grants)
            used.update(f.id for f in chosen)

    for fact in sorted(standing.values(), key=lambda f: f.id):
        if fact.id in used or any(fact.id in d.outcome_ids for d in decisions):
            continue
        notes = remarks.get(fact.id)
        if notes:
            decisions.append(
                Decision(
                    DecisionKind.INCOMPLETE,
                    _("{outcome}：{notes}，暂不能转换").format(
                        outcome=fact.described, notes="；".join(notes)
                    ),
                    (fact.id,),
                )
            )
        else:
            decisions.append(
                Decision(
                    DecisionKind.NO_RULE,
                    _("{outcome}：{programme}在 {day} 没有适用的转换规则").format(
                        outcome=fact.described,
                        programme=programme.described,
                        day=f"{on_date:%Y-%m-%d}",
                    ),
                    (fact.id,),
                )
            )
    return Evaluation(
        programme=programme, on_date=on_date, grants=tuple(grants), decisions=tuple(decisions)
    )


def _superseded(lower: OutcomeFact, higher: OutcomeFact) -> Decision:
    return Decision(
        DecisionKind.SUPERSEDED,
        _("{lower}：与{higher}属同一内容，只按最高等级（{level}）计一次").format(
            lower=lower.described,
            higher=higher.described,
            level=higher.level_name or higher.described,
        ),
        (lower.id,),
    )


def _apply(
    rule: RuleSpec, chosen: list[OutcomeFact], running: _Ledger, on_date: dt.date
) -> tuple[Decision, list[Grant]]:
    """Grants a rule's courses whole, in order, within its caps; explains what was cut."""
    ids = tuple(f.id for f in chosen)
    reference = f"{rule.code}@{rule.version}"
    inputs = _join([f.described for f in chosen])
    granted: list[Grant] = []
    duplicates: list[str] = []
    cuts: list[str] = []
    for output in rule.outputs:
        if (
            output.course_code in running.state.credited_courses
            or output.course_code in running.courses
        ):
            duplicates.append(output.course_name)
            continue
        limits = [
            room
            for room in (running.share_room(rule), running.year_room(rule, on_date.year))
            if room is not None
        ]
        blocking = [text for left, text in limits if output.credits > left]
        if blocking:
            cuts.append(
                _("课程 {course}（{credits} 学分）未予转换：{limits}").format(
                    course=output.course_name,
                    credits=format_credits(output.credits),
                    limits="；".join(blocking),
                )
            )
            continue
        granted.append(
            Grant(
                course_code=output.course_code,
                course_name=output.course_name,
                credits=output.credits,
                rule_code=rule.code,
                rule_version=rule.version,
                outcome_ids=ids,
            )
        )
        running.granted += output.credits
        running.courses.add(output.course_code)

    total = sum((g.credits for g in granted), Decimal(0))
    notes = []
    if duplicates:
        notes.append(_("课程 {courses} 此前已认定，不重复计入").format(courses=_join(duplicates)))
    if cuts:
        notes.append(_("受上限限制：{cuts}").format(cuts="；".join(cuts)))
    if granted:
        text = _("{inputs} → 课程 {courses} 共 {credits} 学分；依据{rule}").format(
            inputs=inputs,
            courses=_join([g.course_name for g in granted]),
            credits=format_credits(total),
            rule=rule.reference,
        )
        if notes:
            text += "。" + "。".join(notes)
        kind = DecisionKind.CUT if (cuts or duplicates) else DecisionKind.GRANTED
        return Decision(kind, text, ids, rule=reference, credits=total), granted
    if cuts:
        text = _("{inputs}：依据{rule}本可转换，但已达上限。").format(
            inputs=inputs, rule=rule.reference
        ) + "。".join(notes)
        return Decision(DecisionKind.CAPPED, text, ids, rule=reference), []
    text = _("{inputs}：依据{rule}对应的课程均已认定，不重复计入").format(
        inputs=inputs, rule=rule.reference
    )
    return Decision(DecisionKind.DUPLICATE, text, ids, rule=reference), []
