"""Reads of the cooperation app: choices within a user's scope, related rows for detail pages,
and the year-end counts behind the targets (see ``sources.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhijiao.core import unitsearch
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import Capability
from zhijiao.plan import selectors as plan_selectors

from .data import BaseLevel, EnterpriseLevel, GroupLevel, PilotLevel
from .models import (
    Apprentice,
    Apprenticeship,
    BaseLevelDecision,
    EnterpriseLevelDecision,
    FamousProject,
    GroupLevelDecision,
    IdeologyCase,
    IntegrationEnterprise,
    LevelDecision,
    PilotLevelDecision,
    SanquanPilot,
    SchoolGovernance,
    TrainingBase,
    VocationalGroup,
    XPilot,
)

Figures = Mapping[tuple[int | None, int], Decimal]
BUREAU_KINDS = (UnitKind.GOVERNMENT, UnitKind.PARTY)


# ---------------------------------------------------------------- choices in scope


def active_schools() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name")


def is_bureau(user: Any) -> bool:
    unit = user.unit if user.unit_id else None
    return unit is not None and unit.kind in BUREAU_KINDS


def schools_for_records(user: Any) -> QuerySet[Unit]:
    """The schools a user may name as a record's school: a school its own; a bureau any school
    (the record is then its own through 负责部门, or its school's); the office every school."""
    schools = active_schools()
    if user.sees_all_units or is_bureau(user):
        return schools
    if user.unit_id is None:
        return schools.none()
    return schools.filter(Q(pk=user.unit_id) | Q(parent_id=user.unit_id))


def schools_supervised(user: Any) -> QuerySet[Unit]:
    """The schools whose school-level records (章程、试点、案例) a user keeps: own school, the
    schools a bureau supervises, every school for the office."""
    schools = active_schools()
    if user.sees_all_units:
        return schools
    if user.unit_id is None:
        return schools.none()
    return schools.filter(Q(pk=user.unit_id) | Q(parent_id=user.unit_id))


def schools_to_filter(user: Any) -> QuerySet[Unit]:
    """Schools offered by a list's school filter (it only narrows what the user already sees)."""
    if user.unit_id and not user.sees_all_units and not is_bureau(user):
        if user.unit.kind == UnitKind.SCHOOL:
            return active_schools().filter(pk=user.unit_id)
    return active_schools()


def bureaus_for_records(user: Any, current: Unit | None = None) -> QuerySet[Unit]:
    """The bureaus a user may name as responsible: any, for the office and schools; a bureau
    itself (and the one already named, so that editing does not move the record)."""
    bureaus = Unit.objects.filter(kind__in=BUREAU_KINDS, is_active=True).order_by("name")
    if user.sees_all_units or not is_bureau(user):
        return bureaus
    keep = [user.unit_id] + ([current.pk] if current is not None else [])
    return bureaus.filter(pk__in=keep)


def enterprises_all() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=UnitKind.ENTERPRISE, is_active=True).order_by("name")


def enterprises_visible(user: Any) -> QuerySet[Unit]:
    """The enterprise directory: names and 统一社会信用代码 are public registration data, so every
    user of the cooperation registries sees every enterprise."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    return Unit.objects.filter(kind=UnitKind.ENTERPRISE)


def member_candidates() -> QuerySet[Unit]:
    """Units that can join a 职教集团: schools, enterprises, associations and others."""
    return Unit.objects.filter(
        is_active=True,
        kind__in=[UnitKind.SCHOOL, UnitKind.ENTERPRISE, UnitKind.ASSOCIATION, UnitKind.OTHER],
    ).order_by("kind", "name")


# What the forms' unit searches offer (zhijiao.core.unitsearch): every active enterprise, and
# every unit that can join a 职教集团; the form's own choices decide what may be saved.
ENTERPRISE_SEARCH = "cooperation-enterprises"
MEMBER_SEARCH = "cooperation-members"
unitsearch.register(ENTERPRISE_SEARCH, enterprises_all, Capability.COOPERATION_MANAGE)
unitsearch.register(MEMBER_SEARCH, member_candidates, Capability.COOPERATION_MANAGE)


def programmes_for_apprentices(user: Any) -> QuerySet[Apprenticeship]:
    return Apprenticeship.objects.editable_by(user).order_by("name")  # type: ignore[attr-defined]


# ---------------------------------------------------------------- detail sections


def enterprise_records(unit: Unit, user: Any) -> list[dict[str, str]]:
    """The cooperation records an enterprise takes part in, among those the user may see."""
    rows: list[dict[str, str]] = []
    for project in FamousProject.objects.visible_to(user).filter(enterprises=unit):  # type: ignore[attr-defined]
        rows.append({"kind": _("名企名校合作项目"), "name": project.name})
    for cpe in IntegrationEnterprise.objects.visible_to(user).filter(enterprise=unit):  # type: ignore[attr-defined]
        rows.append({"kind": _("产教融合型企业"), "name": cpe.get_level_display()})
    for base in TrainingBase.objects.visible_to(user).filter(enterprises=unit):  # type: ignore[attr-defined]
        rows.append({"kind": _("实训基地"), "name": base.name})
    for programme in Apprenticeship.objects.visible_to(user).filter(enterprise=unit):  # type: ignore[attr-defined]
        rows.append({"kind": _("现代学徒制项目"), "name": programme.name})
    groups = VocationalGroup.objects.visible_to(user).filter(  # type: ignore[attr-defined]
        members__unit=unit, members__left_on__isnull=True
    )
    for group in groups.distinct():
        rows.append({"kind": _("职教集团成员"), "name": group.name})
    return rows


def school_plan_year(school: SchoolGovernance) -> str:
    """Whether the school filed its 一校一案 (kept in plan supervision, not duplicated here)."""
    year = plan_selectors.school_plan_first_years().get(school.school_id)
    return _("已制定（{year}年）").format(year=year) if year else _("尚未制定")


# ---------------------------------------------------------------- counts behind the targets


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def levels_at(
    decision_model: type[LevelDecision], initial: str, starts: Mapping[int, dt.date], on: dt.date
) -> dict[int, str]:
    """Each record's level on a day: its last decision by then, or its initial level; records
    not yet started are left out."""
    levels = {pk: initial for pk, start in starts.items() if start <= on}
    decisions = (
        decision_model.objects.filter(decided_on__lte=on, record_id__in=list(levels))  # type: ignore[attr-defined]
        .order_by("decided_on", "pk")
        .values_list("record_id", "level")
    )
    for record_id, level in decisions:
        levels[record_id] = level
    return levels


def _zeros(
    unit_ids: Iterable[int | None], years: Sequence[int]
) -> dict[tuple[int | None, int], Decimal]:
    return {(unit, year): Decimal(0) for unit in unit_ids for year in years}


def _school_ids() -> list[int]:
    return list(active_schools().values_list("pk", flat=True))


def projects_by_year(years: Sequence[int]) -> Figures:
    """名企名校 projects per lead school, started by 31 December and not terminated by then."""
    figures = _zeros(_school_ids(), years)
    rows = FamousProject.objects.values_list("school_id", "started_on", "terminated_on")
    for school_id, started, terminated in rows:
        for year in years:
            end = year_end(year)
            if started <= end and (terminated is None or terminated > end):
                figures[(school_id, year)] = figures.get((school_id, year), Decimal(0)) + 1
    return figures


def _level_counts(
    decision_model: type[LevelDecision],
    initial: str,
    records: Iterable[tuple[int, int, dt.date]],
    wanted: set[str],
    years: Sequence[int],
    base_units: Iterable[int | None],
) -> Figures:
    """How many records stand at one of ``wanted`` levels on 31 December, per owning unit.
    ``records`` are (record id, owning unit id, start date)."""
    owner: dict[int, int] = {}
    starts: dict[int, dt.date] = {}
    for pk, unit_id, start in records:
        owner[pk] = unit_id
        starts[pk] = start
    figures = _zeros(base_units, years)
    for year in years:
        for pk, level in levels_at(decision_model, initial, starts, year_end(year)).items():
            if level in wanted:
                key = (owner[pk], year)
                figures[key] = figures.get(key, Decimal(0)) + 1
    return figures


def groups_by_year(years: Sequence[int], level: str) -> Figures:
    """职教集团 at a level on 31 December, per lead unit (the city total is their sum)."""
    records = VocationalGroup.objects.values_list("pk", "lead_id", "founded_on")
    return _level_counts(GroupLevelDecision, GroupLevel.ORDINARY, records, {level}, years, [None])


def enterprises_by_year(years: Sequence[int], levels: set[str]) -> Figures:
    """产教融合型企业 at one of ``levels`` on 31 December, one per enterprise unit."""
    records = IntegrationEnterprise.objects.values_list("pk", "enterprise_id", "applied_on")
    return _level_counts(
        EnterpriseLevelDecision, EnterpriseLevel.CANDIDATE, records, levels, years, [None]
    )


def pilots_by_year(years: Sequence[int]) -> Figures:
    """1+X pilots selected as 示范项目 and standing on 31 December, per school."""
    records = XPilot.objects.values_list("pk", "school_id", "started_on")
    return _level_counts(
        PilotLevelDecision,
        PilotLevel.PILOT,
        records,
        {PilotLevel.DEMONSTRATION},
        years,
        _school_ids(),
    )


def shared_bases_by_year(years: Sequence[int]) -> Figures:
    """资源共享型 training bases open on 31 December (built, not closed), per school."""
    records = TrainingBase.objects.filter(shared=True).values_list("pk", "school_id", "opened_on")
    open_levels: set[str] = {BaseLevel.SCHOOL, BaseLevel.MUNICIPAL, BaseLevel.PROVINCIAL}
    return _level_counts(
        BaseLevelDecision, BaseLevel.SCHOOL, records, open_levels, years, _school_ids()
    )


def programmes_by_year(years: Sequence[int]) -> Figures:
    """Apprenticeship programmes running on 31 December, per school."""
    figures = _zeros(_school_ids(), years)
    for school_id, started, ended in Apprenticeship.objects.values_list(
        "school_id", "started_on", "ended_on"
    ):
        for year in years:
            end = year_end(year)
            if started <= end and (ended is None or ended >= end):
                figures[(school_id, year)] = figures.get((school_id, year), Decimal(0)) + 1
    return figures


def apprentices_by_year(years: Sequence[int]) -> Figures:
    """Apprentices under agreement on 31 December (signed, not yet left), per school."""
    figures = _zeros(_school_ids(), years)
    for school_id, signed, left in Apprentice.objects.values_list(
        "programme__school_id", "signed_on", "left_on"
    ):
        for year in years:
            end = year_end(year)
            if signed <= end and (left is None or left >= end):
                figures[(school_id, year)] = figures.get((school_id, year), Decimal(0)) + 1
    return figures


def governance_by_year(years: Sequence[int], field: str) -> Figures:
    """1 for a school whose charter was approved (or council founded) by 31 December, else 0."""
    figures = _zeros(_school_ids(), years)
    for school_id, on in SchoolGovernance.objects.values_list("school_id", field):
        for year in years:
            if on is not None and on <= year_end(year) and (school_id, year) in figures:
                figures[(school_id, year)] = Decimal(1)
    return figures


def sanquan_by_year(years: Sequence[int]) -> Figures:
    """1 for a school that is a 三全育人 pilot (of any rank) on 31 December, else 0."""
    figures = _zeros(_school_ids(), years)
    for school_id, approved, ended in SanquanPilot.objects.values_list(
        "school_id", "approved_on", "ended_on"
    ):
        for year in years:
            end = year_end(year)
            if approved <= end and (ended is None or ended > end) and (school_id, year) in figures:
                figures[(school_id, year)] = Decimal(1)
    return figures


def cases_by_year(years: Sequence[int]) -> Figures:
    """思政 model classes and cases recognised up to each year, per school (cumulative)."""
    figures = _zeros(_school_ids(), years)
    counts: dict[int, list[int]] = defaultdict(list)
    for school_id, year in IdeologyCase.objects.values_list("school_id", "year"):
        counts[school_id].append(year)
    for school_id, recognised in counts.items():
        for year in years:
            figures[(school_id, year)] = Decimal(sum(1 for y in recognised if y <= year))
    return figures
