"""Supply against demand: 求人倍率, gaps, trends, the shortage index (紧缺指数), over-supplied majors,
occupations no major serves, and the major-adjustment suggestions. Reads only.

The method is documented for readers of the report in docs/talent-analysis.md; in short, for a
year Y:

- **Demand** D of an occupation: the headcount of the counted demand-survey lines of Y.
- **Supply** A of a major: its graduates of Y less those who went on to further study (they do not
  enter the labour market). A major serves the occupations its 职业面向 names (an occupation named
  at 小类 or 中类 level covers the 职业 under it). Each major's A is shared among the occupations
  it serves in proportion to their demand; an occupation's supply S is what it receives.
- **求人倍率** R = D ÷ S; gap = D − S.
- **紧缺指数** of a version (``data.INDEX_VERSIONS``): 100 × Σ weight × component, components scaled
  to 0–1 (ratio, growth, urgency, postings; ``data.INDEX_COMPONENTS``).
- **Match of a major** k = (demand its graduates meet) ÷ A, where the demand it meets is, over the
  occupations it serves, its share of their supply × their demand. k < 0.5: reduce; 0.5–0.8:
  adjust; 0.8–1.5: keep; ≥ 1.5: expand.

Everything is computed in a few grouped queries and then in Python over at most a few thousand
groups, so a year with a million postings and fifty thousand demand lines is read in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.utils.translation import gettext, gettext_lazy

from .catalogue import current_edition
from .data import (
    COUNTED_STATUSES,
    CURRENT_INDEX_VERSION,
    GRADE_NORMAL,
    GRADE_SHORTAGE,
    GRADE_TIGHT,
    HIGH_SKILL_LEVELS,
    INDEX_COMPONENTS,
    INDEX_VERSIONS,
    MATCH_CUT,
    MATCH_HIGH,
    MATCH_LOW,
    CatalogueKind,
    Cluster,
    Education,
    MajorStage,
    ShortageIndexVersion,
    SkillLevel,
    Suggestion,
    Urgency,
)
from .models import DemandLine, MajorOccupation, Occupation, Posting, SupplyRecord

RATIO_CAP = 3.0
TITLE_LEVELS = (SkillLevel.JUNIOR_TITLE, SkillLevel.INTERMEDIATE_TITLE, SkillLevel.SENIOR_TITLE)
# Skill bands compared with the level of education that mainly supplies them (docs).
BANDS = {
    "basic": gettext_lazy("初、中级技能（学徒工至中级工、不限）"),
    "high": gettext_lazy("高技能（高级工及以上）"),
    "professional": gettext_lazy("专业技术（初、中、高级职称）"),
}
BAND_OF_STAGE: dict[str, str] = {
    MajorStage.SECONDARY: "basic",
    MajorStage.HIGHER: "high",
    MajorStage.BACHELOR: "professional",
}


def band_of(skill_level: str) -> str:
    if skill_level in HIGH_SKILL_LEVELS:
        return "high"
    if skill_level in TITLE_LEVELS:
        return "professional"
    return "basic"


# ---------------------------------------------------------------- the pure part


def ratio_score(demand: float, supply: float) -> float:
    """求人倍率 scaled to 0–1: min(R, 3) ÷ 3; no supply at all counts as the maximum."""
    if supply <= 0:
        return 1.0
    return min(demand / supply, RATIO_CAP) / RATIO_CAP


def growth_score(growth: float | None) -> float:
    """Demand growth on last year scaled to 0–1: −50% → 0, flat → 0.5, +50% → 1 (unknown: 0.5)."""
    if growth is None:
        return 0.5
    return max(0.0, min(1.0, 0.5 + growth))


def shortage_index(components: Mapping[str, float], version: ShortageIndexVersion) -> float:
    """100 × Σ weight × component, to one decimal."""
    return round(100 * sum(version.weights[k] * components[k] for k in version.weights), 1)


def grade(index: float, version: ShortageIndexVersion) -> str:
    """One of ``data.GRADE_*``: a value, shown through gettext."""
    if index >= version.shortage_at:
        return GRADE_SHORTAGE
    if index >= version.tight_at:
        return GRADE_TIGHT
    return GRADE_NORMAL


def serves(mapped: str, occupation: str) -> bool:
    """A 职业面向 code covers an occupation: the same code, or a 大类/中类/小类 above it."""
    return occupation == mapped or occupation.startswith(mapped + "-")


def suggestion_for(match: float) -> str:
    if match >= MATCH_HIGH:
        return Suggestion.EXPAND
    if match >= MATCH_LOW:
        return Suggestion.KEEP
    if match >= MATCH_CUT:
        return Suggestion.ADJUST
    return Suggestion.REDUCE


@dataclass
class OccupationRow:
    code: str
    name: str
    demand: int
    supply: float
    gap: float
    ratio: float | None  # None: no supply
    previous: int
    growth: float | None
    urgency: float
    postings: int
    index: float
    grade: str
    clusters: list[str] = field(default_factory=list)
    served: bool = True
    components: dict[str, float] = field(default_factory=dict)


@dataclass
class GroupRow:
    key: str
    label: str
    demand: int
    supply: float
    gap: float
    ratio: float | None
    previous: int = 0
    growth: float | None = None


@dataclass
class MajorRow:
    code: str
    name: str
    stage: str
    schools: int
    graduates: int
    available: int
    enrolled: int
    local_employed: int
    further_study: int
    met_demand: float
    match: float
    suggestion: str
    occupations: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    """Everything the dashboards and the report state about a year."""

    year: int
    version: str
    weights: dict[str, float]
    occupations: list[OccupationRow]
    clusters: list[GroupRow]
    bands: list[GroupRow]
    majors: list[MajorRow]
    unserved: list[OccupationRow]
    totals: dict[str, Any]
    demand_by_year: dict[str, int]
    supply_by_year: dict[str, int]
    cluster_years: dict[str, dict[str, int]]
    education: list[tuple[str, int]]
    skill_levels: list[tuple[str, int]]
    skills: list[tuple[str, int]]
    certificates: list[tuple[str, int]]
    posting_education: list[tuple[str, int]]

    @property
    def shortage(self) -> list[OccupationRow]:
        return [o for o in self.occupations if o.grade != GRADE_NORMAL]

    @property
    def surplus_majors(self) -> list[MajorRow]:
        return [m for m in self.majors if m.match < MATCH_LOW]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Inputs:
    """What the analysis reads, gathered by :func:`gather` (or given by a test)."""

    year: int
    # (occupation code, cluster or "", skill level, education, urgency) → headcount, for Y
    demand: Mapping[tuple[str, str, str, str, str], int]
    previous_demand: Mapping[str, int]  # occupation → headcount in Y − 1
    previous_cluster_demand: Mapping[str, int]
    names: Mapping[str, str]  # occupation code → name
    # major code → (name, stage, graduates, further study, enrolled, local employed, schools)
    supply: Mapping[str, tuple[str, str, int, int, int, int, int]]
    mapping: Mapping[str, Iterable[str]]  # major code → occupation codes (any level)
    postings: Mapping[str, int]  # occupation code → number of postings in Y


def compute(inputs: Inputs, version_name: str = CURRENT_INDEX_VERSION) -> Analysis:
    """The analysis of a year from its inputs (pure: no database)."""
    version = INDEX_VERSIONS[version_name]
    demand: dict[str, int] = defaultdict(int)
    urgent: dict[str, float] = defaultdict(float)
    by_cluster: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_band: dict[str, int] = defaultdict(int)
    education: dict[str, int] = defaultdict(int)
    skill_levels: dict[str, int] = defaultdict(int)
    for (code, cluster, skill, edu, urgency), n in inputs.demand.items():
        demand[code] += n
        urgent[code] += (
            n if urgency == Urgency.URGENT else 0.5 * n if urgency == Urgency.SOON else 0
        )
        by_cluster[code][cluster or ""] += n
        by_band[band_of(skill)] += n
        education[edu] += n
        skill_levels[skill] += n

    # Share each major's available graduates among the occupations it serves, by their demand.
    allocation: dict[str, dict[str, float]] = {}
    supply_of: dict[str, float] = defaultdict(float)
    served_codes: set[str] = set()
    for major, mapped in inputs.mapping.items():
        mapped = list(mapped)
        covered = {o for o in demand if any(serves(m, o) for m in mapped)}
        served_codes |= covered
        if major not in inputs.supply:
            continue
        _n, _s, graduates, further, *_rest = inputs.supply[major]
        available = max(graduates - further, 0)
        total = sum(demand[o] for o in covered)
        allocation[major] = {}
        if total > 0:
            for o in covered:
                share = available * demand[o] / total
                allocation[major][o] = share
                supply_of[o] += share

    max_postings = max(inputs.postings.values(), default=0)
    occupations: list[OccupationRow] = []
    for code, d in demand.items():
        s = supply_of.get(code, 0.0)
        prev = inputs.previous_demand.get(code, 0)
        growth = (d / prev - 1) if prev else None
        components = {
            "ratio": ratio_score(d, s),
            "growth": growth_score(growth),
            "urgency": urgent[code] / d if d else 0.0,
            "postings": inputs.postings.get(code, 0) / max_postings if max_postings else 0.0,
        }
        index = shortage_index(components, version)
        occupations.append(
            OccupationRow(
                code=code,
                name=inputs.names.get(code, code),
                demand=d,
                supply=round(s, 1),
                gap=round(d - s, 1),
                ratio=round(d / s, 2) if s > 0 else None,
                previous=prev,
                growth=round(growth, 3) if growth is not None else None,
                urgency=round(components["urgency"], 3),
                postings=inputs.postings.get(code, 0),
                index=index,
                grade=grade(index, version) if d >= version.min_demand else GRADE_NORMAL,
                clusters=[c for c, _ in sorted(by_cluster[code].items(), key=lambda x: -x[1]) if c],
                served=code in served_codes,
                components={k: round(v, 3) for k, v in components.items()},
            )
        )
    occupations.sort(key=lambda o: (-o.index, -o.demand, o.code))

    clusters: list[GroupRow] = []
    cluster_demand: dict[str, int] = defaultdict(int)
    cluster_supply: dict[str, float] = defaultdict(float)
    for code, parts in by_cluster.items():
        for cluster, n in parts.items():
            cluster_demand[cluster] += n
            if demand[code]:
                cluster_supply[cluster] += supply_of.get(code, 0.0) * n / demand[code]
    labels = {value: str(label) for value, label in Cluster.choices}
    unregistered = gettext("未登记")
    for cluster in sorted(cluster_demand, key=lambda c: -cluster_demand[c]):
        d, s = cluster_demand[cluster], cluster_supply[cluster]
        prev = inputs.previous_cluster_demand.get(cluster, 0)
        clusters.append(
            GroupRow(
                key=cluster or "none",
                label=labels.get(cluster, unregistered),
                demand=d,
                supply=round(s, 1),
                gap=round(d - s, 1),
                ratio=round(d / s, 2) if s > 0 else None,
                previous=prev,
                growth=round(d / prev - 1, 3) if prev else None,
            )
        )

    band_supply: dict[str, int] = defaultdict(int)
    majors: list[MajorRow] = []
    for major, (name, stage, graduates, further, enrolled, local, schools) in inputs.supply.items():
        available = max(graduates - further, 0)
        band_supply[BAND_OF_STAGE.get(stage, "basic")] += available
        shares = allocation.get(major, {})
        met = sum(
            share * demand[o] / supply_of[o] for o, share in shares.items() if supply_of[o] > 0
        )
        match = met / available if available else 0.0
        majors.append(
            MajorRow(
                code=major,
                name=name,
                stage=stage,
                schools=schools,
                graduates=graduates,
                available=available,
                enrolled=enrolled,
                local_employed=local,
                further_study=further,
                met_demand=round(met, 1),
                match=round(match, 2),
                suggestion=suggestion_for(match) if available else Suggestion.KEEP,
                occupations=sorted(shares),
            )
        )
    majors.sort(key=lambda m: (m.match, m.code))
    bands = [
        GroupRow(
            key=key,
            label=str(label),
            demand=by_band.get(key, 0),
            supply=float(band_supply.get(key, 0)),
            gap=float(by_band.get(key, 0) - band_supply.get(key, 0)),
            ratio=round(by_band.get(key, 0) / band_supply[key], 2)
            if band_supply.get(key)
            else None,
        )
        for key, label in BANDS.items()
    ]
    unserved = [o for o in occupations if not o.served and o.demand >= version.min_demand]
    total_demand = sum(demand.values())
    total_available = sum(max(v[2] - v[3], 0) for v in inputs.supply.values())
    totals = {
        "demand": total_demand,
        "previous_demand": sum(inputs.previous_demand.values()),
        "graduates": sum(v[2] for v in inputs.supply.values()),
        "available": total_available,
        "enrolled": sum(v[4] for v in inputs.supply.values()),
        "local_employed": sum(v[5] for v in inputs.supply.values()),
        "further_study": sum(v[3] for v in inputs.supply.values()),
        "ratio": round(total_demand / total_available, 2) if total_available else None,
        "high_skill": by_band.get("high", 0),
        "occupations": len(demand),
        "postings": sum(inputs.postings.values()),
    }
    edu_labels = {value: str(label) for value, label in Education.choices}
    skill_labels = {value: str(label) for value, label in SkillLevel.choices}
    return Analysis(
        year=inputs.year,
        version=version.name,
        weights=dict(version.weights),
        occupations=occupations,
        clusters=clusters,
        bands=bands,
        majors=majors,
        unserved=unserved,
        totals=totals,
        demand_by_year={},
        supply_by_year={},
        cluster_years={},
        education=[(edu_labels[e], education[e]) for e in Education.values if education.get(e)],
        skill_levels=[
            (skill_labels[s], skill_levels[s]) for s in SkillLevel.values if skill_levels.get(s)
        ],
        skills=[],
        certificates=[],
        posting_education=[],
    )


# ---------------------------------------------------------------- reading the database


def _demand_rows(year: int) -> dict[tuple[str, str, str, str, str], int]:
    rows = (
        DemandLine.objects.filter(survey__status__in=COUNTED_STATUSES, survey__round__year=year)
        .values(
            "occupation__code",
            "survey__enterprise__talent_profile__cluster",
            "skill_level",
            "education",
            "urgency",
        )
        .annotate(n=Sum("headcount"))
        .order_by()
    )
    return {
        (
            r["occupation__code"],
            r["survey__enterprise__talent_profile__cluster"] or "",
            r["skill_level"],
            r["education"],
            r["urgency"],
        ): int(r["n"] or 0)
        for r in rows
    }


def _json_terms(column: str, year: int, limit: int = 15) -> list[tuple[str, int]]:
    """The most frequent entries of a postings JSON list column in a year (grouped in SQL)."""
    table = Posting._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT t.value, COUNT(*) AS n FROM {table} p, "  # noqa: S608 - fixed names
            f"jsonb_array_elements_text(p.{column}) AS t(value) WHERE p.year = %s "
            "GROUP BY t.value ORDER BY n DESC, t.value LIMIT %s"
        )
    else:
        sql = (
            f"SELECT j.value, COUNT(*) AS n FROM {table} p, json_each(p.{column}) j "  # noqa: S608
            "WHERE p.year = %s GROUP BY j.value ORDER BY n DESC, j.value LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, limit])
        return [(str(value), int(n)) for value, n in cursor.fetchall()]


def gather(year: int) -> Inputs:
    occupations = current_edition(CatalogueKind.OCCUPATIONS)
    names: dict[str, str] = {}
    if occupations is not None:
        names = dict(Occupation.objects.filter(edition=occupations).values_list("code", "name"))
    demand = _demand_rows(year)
    previous = _demand_rows(year - 1)
    previous_demand: dict[str, int] = defaultdict(int)
    previous_cluster: dict[str, int] = defaultdict(int)
    for (code, cluster, *_rest), n in previous.items():
        previous_demand[code] += n
        previous_cluster[cluster] += n
    supply_rows = (
        SupplyRecord.objects.filter(year=year)
        .values("major__code", "major__name", "major__stage")
        .annotate(
            g=Sum("graduates"),
            f=Sum("further_study"),
            e=Sum("enrolled"),
            local=Sum("local_employed"),
            schools=Count("school", distinct=True),
        )
        .order_by()
    )
    supply = {
        r["major__code"]: (
            r["major__name"],
            r["major__stage"],
            int(r["g"] or 0),
            int(r["f"] or 0),
            int(r["e"] or 0),
            int(r["local"] or 0),
            int(r["schools"]),
        )
        for r in supply_rows
    }
    mapping: dict[str, set[str]] = defaultdict(set)
    edition = current_edition(CatalogueKind.MAPPING)
    if edition is not None:
        for major, occupation in MajorOccupation.objects.filter(edition=edition).values_list(
            "major__code", "occupation__code"
        ):
            mapping[major].add(occupation)
    postings = {
        code: int(n)
        for code, n in Posting.objects.filter(year=year, occupation__isnull=False)
        .values_list("occupation__code")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return Inputs(
        year=year,
        demand=demand,
        previous_demand=previous_demand,
        previous_cluster_demand=previous_cluster,
        names=names,
        supply=supply,
        mapping=mapping,
        postings=postings,
    )


def analyse(year: int, version_name: str = CURRENT_INDEX_VERSION) -> Analysis:
    """The analysis of a year from the database, with trends over the years up to it."""
    result = compute(gather(year), version_name)
    demand_years = (
        DemandLine.objects.filter(
            survey__status__in=COUNTED_STATUSES, survey__round__year__lte=year
        )
        .values("survey__round__year", "survey__enterprise__talent_profile__cluster")
        .annotate(n=Sum("headcount"))
        .order_by()
    )
    by_year: dict[str, int] = defaultdict(int)
    cluster_years: dict[str, dict[str, int]] = defaultdict(dict)
    labels = {value: str(label) for value, label in Cluster.choices}
    unregistered = gettext("未登记")
    for r in demand_years:
        y = str(r["survey__round__year"])
        by_year[y] += int(r["n"] or 0)
        label = labels.get(r["survey__enterprise__talent_profile__cluster"] or "", unregistered)
        cluster_years[label][y] = cluster_years[label].get(y, 0) + int(r["n"] or 0)
    supply_years = (
        SupplyRecord.objects.filter(year__lte=year)
        .values("year")
        .annotate(g=Sum("graduates"))
        .order_by("year")
    )
    result.demand_by_year = dict(sorted(by_year.items()))
    result.supply_by_year = {str(r["year"]): int(r["g"] or 0) for r in supply_years}
    result.cluster_years = {k: dict(sorted(v.items())) for k, v in cluster_years.items()}
    result.skills = _json_terms("skills", year)
    result.certificates = _json_terms("certificates", year)
    edu_labels = {value: str(label) for value, label in Education.choices}
    result.posting_education = [
        (edu_labels.get(e, e), int(n))
        for e, n in Posting.objects.filter(year=year)
        .values_list("education")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]
    return result


def index_components() -> dict[str, str]:
    return {key: str(text) for key, text in INDEX_COMPONENTS.items()}
