"""School evaluation over the API (added under /api/v1/ by ``zhijiao.api.api``): read schemes with
their trees, rounds with their progress, and results — within the caller's scope, exactly as the
pages show them (a school its own, a bureau its schools', the plan office all; results only from
the public notice on, for the office from reconciliation on). Parameters that name an object
are query parameters; an object outside the scope answers 404 like a missing one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from zhijiao.api.schemas import ErrorOut
from zhijiao.core.errors import ServiceError
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors
from .data import EvaluationErrorCode, RoundStatus
from .models import Entry, Round, Scheme

router = Router(tags=["学校评价"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _viewer(request: HttpRequest) -> Any:
    user: Any = request.user
    require_capability(user, Capability.EVALUATION_VIEW, _("您的角色不能查看学校评价"))
    return user


class CriterionOut(Schema):
    code: str
    parent: str | None
    level: int
    name: str
    weight: Decimal
    method: str
    indicator: str | None
    bands: list[list[Decimal]]
    rubric: str


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    year: int
    version: int
    total_points: Decimal
    grades: list[list[Any]]
    criteria: list[CriterionOut]


@router.get(
    "/evaluation/schemes",
    response={200: list[SchemeOut], **ERRORS},
    summary="评价方案与指标体系",
    description="全部评价方案（可按 year、code 筛选）及其一级、二级、三级指标、分值、计分方式和档次。",
)
def scheme_list(request: HttpRequest, year: int | None = None, code: str = "") -> list[SchemeOut]:
    _viewer(request)
    schemes = Scheme.objects.order_by("-year", "kind")
    if year is not None:
        schemes = schemes.filter(year=year)
    if code:
        schemes = schemes.filter(code=code[:60])
    result = []
    for s in schemes.prefetch_related("criteria__indicator", "criteria__parent"):
        criteria = sorted(s.criteria.all(), key=lambda c: c.position)
        result.append(
            SchemeOut(
                id=s.pk,
                code=s.code,
                name=s.name,
                kind=s.kind,
                year=s.year,
                version=s.version,
                total_points=s.total_points,
                grades=s.grades,
                criteria=[
                    CriterionOut(
                        code=c.code,
                        parent=c.parent.code if c.parent else None,
                        level=c.level,
                        name=c.name,
                        weight=c.weight,
                        method=c.method,
                        indicator=c.indicator.code if c.indicator else None,
                        bands=[[Decimal(t), Decimal(p)] for t, p in c.bands],
                        rubric=c.rubric,
                    )
                    for c in criteria
                ],
            )
        )
    return result


class RoundOut(Schema):
    id: int
    scheme: str
    scheme_year: int
    year: int
    title: str
    status: str
    self_due: dt.date
    scoring_due: dt.date
    notice_starts: dt.date | None
    notice_ends: dt.date | None
    published_on: dt.date | None
    schools: int
    self_submitted: int
    sheets: int
    sheets_submitted: int
    appeals: int
    appeals_pending: int


@router.get(
    "/evaluation/rounds",
    response={200: list[RoundOut], **ERRORS},
    summary="评价轮次与进度",
    description="您可见的评价轮次（学校：本校参加的；主管部门：所辖学校参加的；工作专班：全部），"
    "进度按您可见的学校统计。",
)
def round_list(request: HttpRequest, year: int | None = None) -> list[RoundOut]:
    user = _viewer(request)
    rounds = selectors.rounds_for(user)
    if year is not None:
        rounds = rounds.filter(year=year)
    result = []
    for r in rounds:
        p = selectors.round_progress(r, Entry.objects.visible_to(user).filter(round=r))
        result.append(
            RoundOut(
                id=r.pk,
                scheme=r.scheme.code,
                scheme_year=r.scheme.year,
                year=r.year,
                title=r.title,
                status=r.status,
                self_due=r.self_due,
                scoring_due=r.scoring_due,
                notice_starts=r.notice_starts,
                notice_ends=r.notice_ends,
                published_on=r.published_on,
                schools=p.schools,
                self_submitted=p.self_submitted,
                sheets=p.sheets,
                sheets_submitted=p.sheets_submitted,
                appeals=p.appeals,
                appeals_pending=p.appeals_pending,
            )
        )
    return result


class ResultOut(Schema):
    school_id: int
    school: str
    rank: int | None
    total: Decimal | None
    grade: str
    dimensions: dict[str, Decimal]


class ResultsOut(Schema):
    round: int
    title: str
    status: str
    average: Decimal | None
    results: list[ResultOut]


@router.get(
    "/evaluation/results",
    response={200: ResultsOut, **ERRORS},
    summary="评价结果",
    description="一个评价轮次（round=轮次编号）中您可见学校的总分、一级指标得分、名次和等级，及全市平均分。"
    "结果自公示起公开；工作专班在复核汇总阶段即可读取。",
)
def results(request: HttpRequest, round: int | None = None) -> ResultsOut:
    user = _viewer(request)
    if round is None:
        raise ServiceError(EvaluationErrorCode.INCOMPLETE, _("请提供 round（评价轮次编号）"))
    found: Round | None = selectors.rounds_for(user).filter(pk=round).first()
    if found is None:
        raise Http404(_("未找到该评价轮次"))
    office = user.can(Capability.EVALUATION_MANAGE) and user.sees_all_units
    shown = found.results_visible or (office and found.status == RoundStatus.RECONCILIATION)
    if not shown:
        raise ServiceError(EvaluationErrorCode.WRONG_STATE, _("评价结果尚未公示"), status_code=400)
    average, _dims = selectors.city_average(found)
    return ResultsOut(
        round=found.pk,
        title=found.title,
        status=found.status,
        average=average,
        results=[
            ResultOut(
                school_id=e.school_id,
                school=e.school.name,
                rank=e.rank,
                total=e.total,
                grade=e.grade,
                dimensions={k: Decimal(v) for k, v in e.dimensions.items()},
            )
            for e in selectors.entries_visible(user, found)
        ],
    )
