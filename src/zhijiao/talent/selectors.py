"""Reads of the talent app: catalogue browsing, surveys in scope, and the demand aggregates.

Demand figures count the lines of surveys that were submitted or accepted (``COUNTED_STATUSES``):
a draft is not an answer yet and a returned survey is being corrected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, gettext, gettext_lazy

from zhijiao.core.cache import Snapshot, snapshot
from zhijiao.core.scope import get_visible_or_404
from zhijiao.orgs.roles import Capability

from .catalogue import ENTRY_MODELS, current_edition
from .data import (
    COUNTED_STATUSES,
    HIGH_SKILL_LEVELS,
    CatalogueKind,
    Cluster,
    Education,
    RoundStatus,
    SkillLevel,
    SurveyStatus,
)
from .models import (
    CatalogueEdition,
    DemandLine,
    DemandSurvey,
    MajorOccupation,
    SurveyRound,
)

Figures = Mapping[tuple[int | None, int], Decimal]
NO_CLUSTER = gettext_lazy("未登记")


def may_see_demand(user: Any) -> bool:
    """Demand figures add up other enterprises' answers: planners see them (the office, bureaus,
    schools); an enterprise sees only its own survey."""
    return bool(user.can(Capability.TALENT_VIEW) and not user.can(Capability.TALENT_SURVEY))


# ---------------------------------------------------------------- catalogues


def editions(kind: str) -> QuerySet[CatalogueEdition]:
    return CatalogueEdition.objects.filter(kind=kind).order_by("-is_current", "-loaded_at")


def edition_for(kind: str, edition_id: int | None = None) -> CatalogueEdition | None:
    """The edition asked for, or the current one."""
    if edition_id:
        found = CatalogueEdition.objects.filter(kind=kind, pk=edition_id).first()
        if found is not None:
            return found
    return current_edition(kind)


def catalogue_entries(
    kind: str, *, edition: CatalogueEdition | None, q: str = "", level: int | None = None
) -> QuerySet[Any]:
    """Entries of one edition, searched by code (its beginning) or name (any part)."""
    model = ENTRY_MODELS[kind]
    if edition is None:
        return model.objects.none()
    qs = model.objects.filter(edition=edition).select_related("parent")
    q = q.strip()
    if q:
        compact = "".join(q.split()).upper()
        qs = qs.filter(Q(code__startswith=compact) | Q(name__icontains=q))
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def mappings(
    *, edition: CatalogueEdition | None, q: str = "", major: str = ""
) -> QuerySet[MajorOccupation]:
    if edition is None:
        return MajorOccupation.objects.none()
    qs = MajorOccupation.objects.filter(edition=edition).select_related(
        "major", "occupation", "industry"
    )
    q = q.strip()
    if q:
        compact = "".join(q.split()).upper()
        qs = qs.filter(
            Q(major__code__startswith=compact)
            | Q(major__name__icontains=q)
            | Q(occupation__code__startswith=compact)
            | Q(occupation__name__icontains=q)
            | Q(industry__name__icontains=q)
        )
    if major:
        qs = qs.filter(major__code=major)
    return qs.order_by("major__code", "occupation__code", "industry__code")


def occupation_choices() -> list[tuple[str, str]]:
    """Occupations (level 4) of the current edition, as (code, "code name") for lists."""
    edition = current_edition(CatalogueKind.OCCUPATIONS)
    if edition is None:
        return []
    rows = (
        ENTRY_MODELS[CatalogueKind.OCCUPATIONS]
        .objects.filter(edition=edition, level=4)
        .order_by("code")
        .values_list("code", "name")
    )
    return [(code, f"{code} {name}") for code, name in rows]


# ---------------------------------------------------------------- rounds and surveys


def rounds() -> QuerySet[SurveyRound]:
    return SurveyRound.objects.annotate(
        answered=Count("surveys", filter=Q(surveys__status__in=COUNTED_STATUSES)),
        drafts=Count("surveys", filter=Q(surveys__status=SurveyStatus.DRAFT)),
    ).order_by("-year")


def default_year() -> int | None:
    """The year a survey page opens on: the open round, else the latest one."""
    survey_round = (
        SurveyRound.objects.filter(status=RoundStatus.OPEN).order_by("-year").first()
        or SurveyRound.objects.order_by("-year").first()
    )
    return survey_round.year if survey_round is not None else None


def own_survey(user: Any, year: int) -> DemandSurvey | None:
    """The caller's enterprise's survey of a year, if it has started one."""
    return (
        DemandSurvey.objects.visible_to(user)
        .select_related("round", "enterprise")
        .filter(round__year=year, enterprise_id=user.unit_id)
        .first()
    )


def survey_get(user: Any, pk: int) -> DemandSurvey:
    """A survey the user may see (own enterprise's, or any for the office); else 404."""
    return get_visible_or_404(
        DemandSurvey.objects.select_related(
            "round", "enterprise", "enterprise__talent_profile", "submitted_by", "reviewed_by"
        ),
        user,
        pk=pk,
    )


def survey_lines(survey: DemandSurvey) -> QuerySet[DemandLine]:
    return survey.lines.select_related("occupation").order_by("position", "pk")


@dataclass(frozen=True)
class SurveyFilters:
    year: int | None = None
    status: str = ""
    cluster: str = ""
    q: str = ""


def surveys_visible(user: Any, filters: SurveyFilters | None = None) -> QuerySet[DemandSurvey]:
    """Surveys in the user's scope with what lists and exports show (counts in one query)."""
    f = filters or SurveyFilters()
    qs = (
        DemandSurvey.objects.visible_to(user)
        .select_related("round", "enterprise", "enterprise__talent_profile")
        .annotate(
            line_count=Count("lines"),
            total_headcount=Coalesce(Sum("lines__headcount"), 0),
        )
    )
    if f.year:
        qs = qs.filter(round__year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.cluster == "none":
        qs = qs.filter(enterprise__talent_profile__isnull=True)
    elif f.cluster:
        qs = qs.filter(enterprise__talent_profile__cluster=f.cluster)
    if f.q:
        qs = qs.filter(
            Q(enterprise__name__icontains=f.q) | Q(enterprise__credit_code=f.q.strip().upper())
        )
    return qs.order_by("-round__year", "enterprise__name")


# ---------------------------------------------------------------- aggregates


DIMENSIONS = {
    "occupation": gettext_lazy("职业"),
    "cluster": gettext_lazy("产业集群"),
    "skill_level": gettext_lazy("技能等级"),
    "education": gettext_lazy("学历要求"),
    "year": gettext_lazy("年度"),
}


@dataclass(frozen=True)
class DemandFilters:
    year: int | None = None
    cluster: str = ""
    skill_level: str = ""
    education: str = ""


@dataclass(frozen=True)
class DemandRow:
    key: str
    label: str
    headcount: int
    enterprises: int
    lines: int


def counted_lines(filters: DemandFilters | None = None) -> QuerySet[DemandLine]:
    f = filters or DemandFilters()
    qs = DemandLine.objects.filter(survey__status__in=COUNTED_STATUSES)
    if f.year:
        qs = qs.filter(survey__round__year=f.year)
    if f.cluster == "none":
        qs = qs.filter(survey__enterprise__talent_profile__isnull=True)
    elif f.cluster:
        qs = qs.filter(survey__enterprise__talent_profile__cluster=f.cluster)
    if f.skill_level:
        qs = qs.filter(skill_level=f.skill_level)
    if f.education:
        qs = qs.filter(education=f.education)
    return qs


def demand_by(by: str, filters: DemandFilters | None = None) -> list[DemandRow]:
    """Demand headcount, answering enterprises and lines by one dimension, largest first (years
    in order)."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    group = {
        "occupation": ["occupation__code", "occupation__name"],
        "cluster": ["survey__enterprise__talent_profile__cluster"],
        "skill_level": ["skill_level"],
        "education": ["education"],
        "year": ["survey__round__year"],
    }[by]
    rows = (
        counted_lines(filters)
        .values(*group)
        .annotate(
            total=Sum("headcount"),
            firms=Count("survey__enterprise", distinct=True),
            n=Count("pk"),
        )
        .order_by()
    )
    labels: dict[str, str] = {
        value: str(label)
        for value, label in {
            "cluster": Cluster.choices,
            "skill_level": SkillLevel.choices,
            "education": Education.choices,
        }.get(by, [])
    }
    unregistered = str(NO_CLUSTER)
    result = []
    for row in rows:
        key = row[group[0]]
        if by == "occupation":
            label = f"{key} {row['occupation__name']}"
        elif by == "year":
            label = gettext("{year}年").format(year=key)
        else:
            label = labels.get(key, unregistered) if key is not None else unregistered
        result.append(
            DemandRow(
                key="none" if key is None else str(key),
                label=label,
                headcount=int(row["total"] or 0),
                enterprises=int(row["firms"]),
                lines=int(row["n"]),
            )
        )
    if by == "year":
        return sorted(result, key=lambda r: r.key)
    if by in ("skill_level", "education"):
        order = {value: i for i, value in enumerate(SkillLevel.values + Education.values)}
        return sorted(result, key=lambda r: order.get(r.key, 99))
    return sorted(result, key=lambda r: (-r.headcount, r.key))


@dataclass(frozen=True)
class DemandTotals:
    headcount: int
    enterprises: int
    lines: int
    high_skill: int


def demand_totals(filters: DemandFilters | None = None) -> DemandTotals:
    row = counted_lines(filters).aggregate(
        total=Coalesce(Sum("headcount"), 0),
        enterprises=Count("survey__enterprise", distinct=True),
        lines=Count("pk"),
        high_skill=Coalesce(Sum("headcount", filter=Q(skill_level__in=HIGH_SKILL_LEVELS)), 0),
    )
    return DemandTotals(
        headcount=int(row["total"]),
        enterprises=int(row["enterprises"]),
        lines=int(row["lines"]),
        high_skill=int(row["high_skill"]),
    )


@dataclass(frozen=True)
class DemandSummary:
    totals: DemandTotals
    by_occupation: list[DemandRow]
    by_cluster: list[DemandRow]
    by_skill: list[DemandRow]
    by_education: list[DemandRow]
    by_year: list[DemandRow]  # every year, whatever the filters' year


def demand_summary(filters: DemandFilters) -> Snapshot[DemandSummary] | None:
    """The demand page's figures, kept between requests (core.cache) per filters and language:
    at province scale each groups millions of demand lines."""

    def compute() -> DemandSummary:
        return DemandSummary(
            totals=demand_totals(filters),
            by_occupation=demand_by("occupation", filters),
            by_cluster=demand_by("cluster", filters),
            by_skill=demand_by("skill_level", filters),
            by_education=demand_by("education", filters),
            by_year=demand_by("year", dataclasses.replace(filters, year=None)),
        )

    key = ":".join(str(v) for v in dataclasses.astuple(filters))
    return snapshot(f"talent-demand:{key}:{get_language()}", compute)


def survey_years() -> list[int]:
    return list(SurveyRound.objects.order_by("-year").values_list("year", flat=True))


# ---------------------------------------------------------------- figures (indicator sources)


def _by_year(years: Sequence[int], measure: str, lines: QuerySet[DemandLine]) -> Figures:
    """A city-wide figure per year (unit ``None``): answering enterprises, or headcount."""
    aggregate = (
        Count("survey__enterprise", distinct=True) if measure == "enterprises" else Sum("headcount")
    )
    rows = (
        lines.filter(survey__round__year__in=list(years))
        .values("survey__round__year")
        .annotate(v=aggregate)
        .order_by()
    )
    found = {row["survey__round__year"]: Decimal(row["v"] or 0) for row in rows}
    return {(None, year): found.get(year, Decimal(0)) for year in years}


def surveyed_enterprises_by_year(years: Sequence[int]) -> Figures:
    return _by_year(years, "enterprises", counted_lines())


def demand_headcount_by_year(years: Sequence[int]) -> Figures:
    return _by_year(years, "headcount", counted_lines())


def high_skill_headcount_by_year(years: Sequence[int]) -> Figures:
    return _by_year(years, "headcount", counted_lines().filter(skill_level__in=HIGH_SKILL_LEVELS))
