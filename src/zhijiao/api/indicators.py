"""Targets and data values over the API.

``GET /targets`` is the city's target list with live values. Data values are read and written
within the caller's scope: a unit its own, a supervising bureau also its units', the plan office
all; writing goes through the same service as the web form (types, ranges, window, lock).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import BaseModel

from zhijiao.core.errors import ServiceError
from zhijiao.indicators import selectors, services
from zhijiao.indicators.data import IndicatorErrorCode
from zhijiao.indicators.models import DataSet, DataValue, Submission, ValueSource
from zhijiao.orgs.models import Unit
from zhijiao.orgs.roles import Capability, require_capability

from .schemas import ErrorOut

router = Router(tags=["目标监测"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 409: ErrorOut, **ERRORS}


# The target list is built by hand from the selectors' rows, so its two schemas are plain
# pydantic models: ninja's Schema runs a Django-aware validator over every object (for the ORM
# objects other routes return), which over a province's thousands of per-school values took
# nine tenths of the route's time.
class UnitValueOut(BaseModel):
    unit_id: int
    unit: str
    value: float | None
    status: str


class TargetOut(BaseModel):
    key: str
    name: str
    comparator: str
    target: float
    deadline: dt.date
    scope: str
    recurring: bool
    unit_of_measure: str
    value: float | None
    value_year: int | None
    gap: float | None
    status: str
    status_label: str
    projection: float | None
    projection_method: str
    tasks: list[int]
    units: list[UnitValueOut]


def _f(value: Any) -> float | None:
    return float(value) if value is not None else None


@router.get(
    "/targets",
    response={200: list[TargetOut], **ERRORS},
    summary="目标进展",
    description="方案全部量化目标：最新值、差距、状态（met/on_track/at_risk/not_met/no_data）与趋势推算。",
)
def target_list(request: HttpRequest) -> list[TargetOut]:
    require_capability(request.user, Capability.TARGETS_VIEW)
    return [
        TargetOut(
            key=p.key,
            name=p.name,
            comparator=p.comparator,
            target=float(p.target),
            deadline=p.deadline,
            scope=p.scope,
            recurring=p.recurring,
            unit_of_measure=p.unit_of_measure,
            value=_f(p.value),
            value_year=p.value_year,
            gap=_f(p.gap),
            status=p.status.value,
            status_label=p.status.label,
            projection=_f(p.projection.value),
            projection_method=p.projection.method,
            tasks=p.tasks,
            units=[
                UnitValueOut(
                    unit_id=u.unit_id, unit=u.unit_name, value=_f(u.value), status=u.status
                )
                for u in p.units
            ],
        )
        for p in selectors.targets_progress(today=timezone.localdate())
    ]


class ValueOut(Schema):
    element: str
    option: str
    number: float | None
    text: str


class SubmissionOut(Schema):
    id: int
    data_set: str
    unit_id: int
    unit: str
    period: str
    period_label: str
    status: str
    status_label: str
    source: str
    values: list[ValueOut]


class ValueIn(Schema):
    element: str
    option: str = ""
    value: str | float | int | bool | None


class ValuesIn(Schema):
    data_set: str
    unit_id: int
    period: str
    values: list[ValueIn]
    complete: bool = False


def _out(submission: Submission) -> SubmissionOut:
    values = DataValue.objects.filter(submission=submission).select_related("element")
    return SubmissionOut(
        id=submission.pk,
        data_set=submission.data_set.code,
        unit_id=submission.unit_id,
        unit=submission.unit.name,
        period=submission.period_code,
        period_label=submission.period_label,
        status=submission.status,
        status_label=submission.get_status_display(),
        source=submission.source,
        values=[
            ValueOut(element=v.element.code, option=v.option_code, number=_f(v.number), text=v.text)
            for v in values.order_by("element__code", "option_code")
        ],
    )


@router.get(
    "/data/values",
    response={200: list[SubmissionOut], **ERRORS},
    summary="读取数据值",
    description="按数据集、周期、单位筛选本人可见的报送及其数据值（最多 500 份）。",
)
def values_list(
    request: HttpRequest,
    data_set: str | None = None,
    period: str | None = None,
    unit_id: int | None = None,
) -> list[SubmissionOut]:
    require_capability(request.user, Capability.TARGETS_VIEW)
    qs = Submission.objects.visible_to(request.user).select_related("data_set", "unit")
    if data_set:
        qs = qs.filter(data_set__code=data_set)
    if period:
        qs = qs.filter(period_code=period)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return [_out(s) for s in qs.order_by("-period_start", "unit__name")[:500]]


@router.post(
    "/data/values",
    response={200: SubmissionOut, **WRITE_ERRORS},
    summary="写入数据值",
    description=(
        "保存一个单位一个周期的数据（与网页填报同样校验：类型、范围、填报时间、锁定）；"
        "`complete=true` 时保存后直接报送。全部成功或全部不保存。"
    ),
)
def values_write(request: HttpRequest, payload: ValuesIn) -> SubmissionOut:
    user: Any = request.user
    require_capability(user, Capability.DATA_ENTER)
    data_set = DataSet.objects.filter(code=payload.data_set, is_active=True).first()
    if data_set is None:
        raise Http404(_("未找到该数据集"))
    unit = Unit.objects.filter(pk=payload.unit_id, is_active=True).first()
    if unit is None or not services.unit_in_scope(user, unit):
        raise Http404(_("未找到该单位"))  # outside the caller's scope looks the same as missing
    values = {(v.element.upper(), v.option.upper()): v.value for v in payload.values}
    if len(values) != len(payload.values):
        raise ServiceError(IndicatorErrorCode.INVALID_INPUT, _("同一数据项和分类出现了多次"))
    try:
        submission = services.values_save(
            user=user,
            data_set=data_set,
            unit=unit,
            period_code=payload.period,
            values=values,
            source=ValueSource.API,
        )
    except services.ValuesRejected as exc:
        raise ServiceError(
            exc.code, exc.message + " " + "；".join(e.message for e in exc.errors)
        ) from exc
    if payload.complete:
        submission = services.submission_complete(user=user, submission=submission)
    return _out(Submission.objects.select_related("data_set", "unit").get(pk=submission.pk))
