"""Reads of the 技能雏鹰 selection: rounds, quotas and nominations within the user's scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zhijiao.core.scope import get_visible_or_404

from .data import PLACE_HOLDING, EagletStage, NominationStatus
from .models import (
    EagletNomination,
    EagletObjection,
    EagletQuota,
    EagletReview,
    EagletRound,
)


def rounds_all() -> QuerySet[EagletRound]:
    """Every round: the selection itself is public to everyone who may see the registries."""
    return EagletRound.objects.select_related("education_unit", "science_unit", "labour_unit")


def round_get(pk: int) -> EagletRound:
    round_ = rounds_all().filter(pk=pk).first()
    if round_ is None:
        raise Http404(_("未找到该评选"))
    return round_


def round_current() -> EagletRound | None:
    return rounds_all().order_by("-year").first()


def quotas_visible(user: Any, round_: EagletRound) -> list[EagletQuota]:
    return list(
        EagletQuota.objects.visible_to(user)
        .filter(round=round_)
        .select_related("school")
        .order_by("school__name")
    )


@dataclass(frozen=True)
class NominationFilters:
    school: int | None = None
    status: str = ""
    pending_for_me: bool = False  # nominations still waiting for the user's bureau
    q: str = ""  # a student's name


def nominations_visible(
    user: Any, round_: EagletRound, filters: NominationFilters | None = None
) -> QuerySet[EagletNomination]:
    """The round's nominations the user may see, with the three opinions prefetched."""
    f = filters or NominationFilters()
    qs = (
        EagletNomination.objects.visible_to(user)
        .filter(round=round_)
        .select_related("student", "school")
        .prefetch_related(Prefetch("reviews", queryset=EagletReview.objects.order_by("stage")))
    )
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        qs = qs.filter(student__name__icontains=f.q.strip())
    stage = round_.stage_of(getattr(user, "unit_id", None))
    if f.pending_for_me and stage:
        mine = EagletReview.objects.filter(nomination=OuterRef("pk"), stage=stage)
        qs = qs.filter(status=NominationStatus.NOMINATED).filter(~Exists(mine))
    return qs.order_by("school__name", "student__name", "pk")


def nomination_get(user: Any, pk: int) -> EagletNomination:
    return get_visible_or_404(
        EagletNomination.objects.select_related(
            "round", "student", "school", "nominated_by"
        ).prefetch_related(
            Prefetch("reviews", queryset=EagletReview.objects.select_related("reviewer")),
            Prefetch(
                "objections",
                queryset=EagletObjection.objects.select_related("recorded_by", "resolved_by"),
            ),
        ),
        user,
        pk=pk,
    )


def objection_get(user: Any, pk: int) -> EagletObjection:
    objection = (
        EagletObjection.objects.select_related("nomination")
        .filter(pk=pk, nomination__in=EagletNomination.objects.visible_to(user))
        .first()
    )
    if objection is None:
        raise Http404(_("未找到该异议"))
    return objection


def opinions(nomination: EagletNomination) -> dict[str, EagletReview | None]:
    """Each bureau's opinion on a nomination (None: not given yet), from the prefetched rows."""
    given = {r.stage: r for r in nomination.reviews.all()}
    return {stage: given.get(stage) for stage in EagletStage.values}


def status_counts(user: Any, round_: EagletRound) -> dict[str, int]:
    counts = Counter(
        EagletNomination.objects.visible_to(user)
        .filter(round=round_)
        .values_list("status", flat=True)
    )
    return {status: counts.get(status, 0) for status in NominationStatus.values}


def honoured_list(round_: EagletRound) -> QuerySet[EagletNomination]:
    """The students holding a place (拟表彰 during the notice, 已表彰 once published), in the
    order of the public list: by school, then by name. Public once the notice starts."""
    return (
        EagletNomination.objects.filter(round=round_, status__in=PLACE_HOLDING)
        .select_related("student", "school")
        .order_by("school__name", "student__name", "pk")
    )
