"""Reads of the registries beyond persons: competitions, awards, social training, majors,
贯通 programmes, teams and bases — each filtered within the user's scope (``visible_to``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from zhijiao.core.scope import get_visible_or_404

from .models import (
    Award,
    Competition,
    DualBase,
    InnovationTeam,
    Major,
    MajorRecognition,
    ThroughEnrolment,
    ThroughProgramme,
    TrainingRecord,
)

YEARS = range(1900, 2101)


@dataclass(frozen=True)
class RecordFilters:
    """The filters the registry lists share; each list reads the ones it offers. A year outside
    1900–2100 matches nothing (no record has one)."""

    school: int | None = None
    year: int | None = None
    level: str = ""
    kind: str = ""
    group: str = ""
    q: str = ""


# ---------------------------------------------------------------- competitions and awards


def competitions(filters: RecordFilters | None = None) -> QuerySet[Competition]:
    """The shared catalogue of competitions, with how many awards each has."""
    f = filters or RecordFilters()
    qs = Competition.objects.annotate(award_count=Count("awards"))
    if f.year:
        qs = qs.filter(year=f.year) if f.year in YEARS else qs.none()
    if f.level:
        qs = qs.filter(level=f.level)
    if f.kind:
        qs = qs.filter(category=f.kind)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(track__icontains=f.q))
    return qs.order_by("-year", "name", "track", "pk")


def competition_get(pk: int) -> Competition:
    competition = Competition.objects.filter(pk=pk).first()
    if competition is None:
        raise Http404(_("未找到该赛事"))
    return competition


def awards_visible(user: Any, filters: RecordFilters | None = None) -> QuerySet[Award]:
    f = filters or RecordFilters()
    qs = Award.objects.visible_to(user).select_related(
        "competition", "student", "teacher", "school"
    )
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.year:
        qs = qs.filter(competition__year=f.year) if f.year in YEARS else qs.none()
    if f.level:
        qs = qs.filter(competition__level=f.level)
    if f.kind == "student":
        qs = qs.filter(student__isnull=False)
    elif f.kind == "teacher":
        qs = qs.filter(teacher__isnull=False)
    if f.q:
        qs = qs.filter(
            Q(student__name__icontains=f.q)
            | Q(teacher__name__icontains=f.q)
            | Q(competition__name__icontains=f.q)
        )
    return qs.order_by("-competition__year", "school__name", "competition__name", "pk")


def award_get(user: Any, pk: int) -> Award:
    return get_visible_or_404(
        Award.objects.select_related("competition", "student", "teacher", "school", "recorded_by"),
        user,
        pk=pk,
    )


# ---------------------------------------------------------------- social training


def training_visible(user: Any, filters: RecordFilters | None = None) -> QuerySet[TrainingRecord]:
    f = filters or RecordFilters()
    qs = TrainingRecord.objects.visible_to(user).select_related("school")
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.year:
        qs = qs.filter(ends_on__year=f.year) if f.year in YEARS else qs.none()
    if f.group:
        qs = qs.filter(target_group=f.group)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        qs = qs.filter(Q(programme__icontains=f.q) | Q(partner__icontains=f.q))
    return qs.order_by("-ends_on", "school__name", "pk")


def training_get(user: Any, pk: int) -> TrainingRecord:
    return get_visible_or_404(
        TrainingRecord.objects.select_related("school", "recorded_by"), user, pk=pk
    )


# ---------------------------------------------------------------- majors and 贯通


def majors_visible(user: Any, filters: RecordFilters | None = None) -> QuerySet[Major]:
    f = filters or RecordFilters()
    qs = (
        Major.objects.visible_to(user)
        .select_related("school")
        .prefetch_related(
            Prefetch(
                "recognitions",
                queryset=MajorRecognition.objects.filter(revoked_year__isnull=True),
                to_attr="standing",
            )
        )
    )
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.kind:
        qs = qs.filter(recognitions__kind=f.kind, recognitions__revoked_year__isnull=True)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__startswith=f.q))
    return qs.order_by("school__name", "code", "pk")


def major_get(user: Any, pk: int) -> Major:
    return get_visible_or_404(Major.objects.select_related("school"), user, pk=pk)


def major_history(major: Major) -> dict[str, Any]:
    return {
        "recognitions": list(major.recognitions.select_related("recorded_by")),
        "programmes": list(major.through_programmes.order_by("partner")),
    }


def recognition_get(user: Any, pk: int) -> MajorRecognition:
    return get_visible_or_404(MajorRecognition.objects.select_related("major"), user, pk=pk)


def majors_for_choice(user: Any) -> QuerySet[Major]:
    return Major.objects.visible_to(user).select_related("school").order_by("school__name", "code")


def through_visible(user: Any, filters: RecordFilters | None = None) -> QuerySet[ThroughProgramme]:
    """贯通 programmes with their latest year's figures."""
    f = filters or RecordFilters()
    latest = ThroughEnrolment.objects.filter(programme=OuterRef("pk")).order_by("-year")
    qs = (
        ThroughProgramme.objects.visible_to(user)
        .select_related("school", "major")
        .annotate(
            latest_year=Max("years__year"),
            latest_intake=Subquery(latest.values("intake")[:1]),
            latest_enrolled=Subquery(latest.values("enrolled")[:1]),
        )
    )
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.kind:
        qs = qs.filter(mode=f.kind)
    if f.q:
        qs = qs.filter(Q(partner__icontains=f.q) | Q(major__name__icontains=f.q))
    return qs.order_by("school__name", "major__code", "partner", "pk")


def through_get(user: Any, pk: int) -> ThroughProgramme:
    return get_visible_or_404(
        ThroughProgramme.objects.select_related("school", "major"), user, pk=pk
    )


def through_years(programme: ThroughProgramme) -> list[ThroughEnrolment]:
    return list(programme.years.order_by("-year"))


def through_years_visible(user: Any) -> QuerySet[ThroughEnrolment]:
    return (
        ThroughEnrolment.objects.visible_to(user)
        .select_related("programme__school", "programme__major")
        .order_by("programme__school__name", "programme__major__code", "-year", "pk")
    )


# ---------------------------------------------------------------- teams and bases


def teams_visible(user: Any, filters: RecordFilters | None = None) -> QuerySet[InnovationTeam]:
    f = filters or RecordFilters()
    qs = (
        InnovationTeam.objects.visible_to(user)
        .select_related("school", "lead")
        .annotate(member_count=Count("members"))
    )
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.year:
        qs = qs.filter(recognised_year=f.year) if f.year in YEARS else qs.none()
    if f.level:
        qs = qs.filter(level=f.level)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(major_group__icontains=f.q))
    return qs.order_by("school__name", "-recognised_year", "name", "pk")


def team_get(user: Any, pk: int) -> InnovationTeam:
    return get_visible_or_404(
        InnovationTeam.objects.select_related("school", "lead").prefetch_related("members"),
        user,
        pk=pk,
    )


def bases_visible(user: Any, filters: RecordFilters | None = None) -> QuerySet[DualBase]:
    f = filters or RecordFilters()
    qs = DualBase.objects.visible_to(user).select_related("school", "enterprise")
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.year:
        qs = qs.filter(recognised_year=f.year) if f.year in YEARS else qs.none()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(enterprise__name__icontains=f.q))
    return qs.order_by("-recognised_year", "name", "pk")


def base_get(user: Any, pk: int) -> DualBase:
    return get_visible_or_404(DualBase.objects.select_related("school", "enterprise"), user, pk=pk)
