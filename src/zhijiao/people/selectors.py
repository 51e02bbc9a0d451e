"""Reads of the people app for persons: teachers and students in scope, filtered; the teachers'
year-end counts for the indicator sources (the other registries' figures are in ``figures``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from zhijiao.core.personal import lookup_digest, normalise
from zhijiao.core.scope import get_visible_or_404
from zhijiao.orgs.models import Unit, UnitKind

from .data import ID_PURPOSE, TeacherKind
from .models import DualQualification, EnterprisePractice, Student, Teacher

Figures = Mapping[tuple[int | None, int], Decimal]


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def employed_q(on: dt.date, prefix: str = "") -> Q:
    """Teachers on the staff on a day: hired on or before it and not gone before it (a teacher
    whose ``left_on`` is that very day still counts)."""
    return Q(**{f"{prefix}hired_on__lte": on}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": on})
    )


def dual_held_q(on: dt.date, prefix: str = "") -> Q:
    """Grants of 双师型 standing on a day: granted on or before it, not revoked by then."""
    return Q(**{f"{prefix}granted_on__lte": on}) & (
        Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": on})
    )


def standing_dual() -> QuerySet[DualQualification]:
    return DualQualification.objects.filter(teacher=OuterRef("pk"), revoked_on__isnull=True)


# ---------------------------------------------------------------- pages


def schools_in_scope(user: Any) -> QuerySet[Unit]:
    """The schools whose teachers the user may see and register (own school, supervised schools,
    every school for the plan office)."""
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True)
    if user.sees_all_units:
        return schools
    if user.unit_id is None:
        return schools.none()
    return schools.filter(Q(pk=user.unit_id) | Q(parent_id=user.unit_id))


def looks_like_id_number(text: str) -> bool:
    value = normalise(text)
    return (
        len(value) == 18 and value[:17].isdecimal() and (value[17].isdecimal() or value[17] == "X")
    )


@dataclass(frozen=True)
class TeacherFilters:
    school: int | None = None
    kind: str = ""
    title: str = ""
    dual: str = ""  # "yes", "no" or ""
    current: str = "yes"  # "yes" (on the staff today), "left", "" (all)
    q: str = ""  # a name fragment, or an exact 身份证号


def teachers_visible(user: Any, filters: TeacherFilters | None = None) -> QuerySet[Teacher]:
    """The teachers the user may see, filtered, with what lists and exports show."""
    f = filters or TeacherFilters()
    qs = Teacher.objects.visible_to(user).select_related("school")
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.title:
        qs = qs.filter(title=f.title)
    if f.current == "yes":
        qs = qs.filter(left_on__isnull=True)
    elif f.current == "left":
        qs = qs.filter(left_on__isnull=False)
    if f.q:
        if looks_like_id_number(f.q):
            # The number itself is never stored in the clear: search by its keyed digest.
            qs = qs.filter(id_lookup=lookup_digest(f.q, purpose=ID_PURPOSE))
        else:
            qs = qs.filter(name__icontains=f.q.strip())
    if f.dual == "yes":
        qs = qs.filter(Exists(standing_dual()))
    elif f.dual == "no":
        qs = qs.filter(~Exists(standing_dual()))
    return qs.annotate(is_dual=Exists(standing_dual())).order_by("school__name", "name", "pk")


def teacher_get(user: Any, pk: int) -> Teacher:
    """One teacher in the user's scope; 404 otherwise."""
    return get_visible_or_404(Teacher.objects.select_related("school"), user, pk=pk)


def teacher_dual_current(teacher: Teacher) -> DualQualification | None:
    return teacher.dual_qualifications.filter(revoked_on__isnull=True).first()


def teacher_history(teacher: Teacher) -> dict[str, Any]:
    return {
        "duals": list(teacher.dual_qualifications.select_related("recorded_by")),
        "practices": list(teacher.practices.order_by("-year", "pk")),
    }


def dual_evidence_get(user: Any, pk: int) -> DualQualification:
    return get_visible_or_404(DualQualification.objects.select_related("teacher"), user, pk=pk)


@dataclass(frozen=True)
class StudentFilters:
    school: int | None = None
    enrolled_year: int | None = None
    q: str = ""  # a name fragment, a 学号, or an exact 身份证号


def students_visible(user: Any, filters: StudentFilters | None = None) -> QuerySet[Student]:
    """The students the user may see, filtered."""
    f = filters or StudentFilters()
    qs = Student.objects.visible_to(user).select_related("school")
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.enrolled_year:
        plausible = 1900 <= f.enrolled_year <= 2100
        qs = qs.filter(enrolled_year=f.enrolled_year) if plausible else qs.none()
    if f.q:
        if looks_like_id_number(f.q):
            qs = qs.filter(id_lookup=lookup_digest(f.q, purpose=ID_PURPOSE))
        else:
            text = f.q.strip()
            qs = qs.filter(Q(name__icontains=text) | Q(student_number=text))
    return qs.order_by("school__name", "-enrolled_year", "name", "pk")


def student_get(user: Any, pk: int) -> Student:
    """One student in the user's scope; 404 otherwise."""
    return get_visible_or_404(Student.objects.select_related("school"), user, pk=pk)


def person_by_id_number(queryset: Any, user: Any, id_number: str) -> Any:
    """The teacher or student with this 身份证号 among those the user may see, or None."""
    return (
        queryset.visible_to(user)
        .select_related("school")
        .filter(id_lookup=lookup_digest(id_number, purpose=ID_PURPOSE))
        .first()
    )


# ---------------------------------------------------------------- figures for the indicators


def _active_schools() -> list[int]:
    return list(
        Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).values_list("pk", flat=True)
    )


def _per_school_per_year(
    queryset: QuerySet[Any], years: Sequence[int], condition: Any
) -> dict[tuple[int | None, int], Decimal]:
    """One query: for each school, ``Count(distinct pk)`` under ``condition(year)`` per year."""
    schools = _active_schools()
    result: dict[tuple[int | None, int], Decimal] = {
        (pk, year): Decimal(0) for pk in schools for year in years
    }
    if not years or not schools:
        return result
    annotations = {f"y{year}": Count("pk", filter=condition(year), distinct=True) for year in years}
    rows = queryset.filter(school_id__in=schools).values("school_id").annotate(**annotations)
    for row in rows:
        for year in years:
            result[(row["school_id"], year)] = Decimal(row[f"y{year}"])
    return result


def professional_teachers_by_year(years: Sequence[int]) -> dict[tuple[int | None, int], Decimal]:
    """专业课教师 on each school's staff on 31 December of each year."""
    return _per_school_per_year(
        Teacher.objects.filter(kind=TeacherKind.PROFESSIONAL),
        years,
        lambda year: employed_q(_year_end(year)),
    )


def dual_teachers_by_year(years: Sequence[int]) -> dict[tuple[int | None, int], Decimal]:
    """Of those, the ones holding 双师型 status on 31 December of each year."""
    return _per_school_per_year(
        Teacher.objects.filter(kind=TeacherKind.PROFESSIONAL),
        years,
        lambda year: (
            employed_q(_year_end(year)) & dual_held_q(_year_end(year), "dual_qualifications__")
        ),
    )


def practice_days_by_year(years: Sequence[int]) -> dict[tuple[int | None, int], Decimal]:
    """Enterprise practice days of each school's teachers, per calendar year."""
    schools = _active_schools()
    result: dict[tuple[int | None, int], Decimal] = {
        (pk, year): Decimal(0) for pk in schools for year in years
    }
    rows = (
        EnterprisePractice.objects.filter(year__in=list(years), teacher__school_id__in=schools)
        .values("teacher__school_id", "year")
        .annotate(total=Sum("days"))
    )
    for row in rows:
        result[(row["teacher__school_id"], row["year"])] = Decimal(row["total"] or 0)
    return result
