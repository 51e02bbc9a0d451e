"""The talent data platform over the API (added under /api/v1/ by ``zhijiao.api.api``).

Catalogues are read by everyone holding TALENT_VIEW, a page at a time, searched by code or name.
An enterprise reads and writes its own survey of a year (a token is enough: ``Authorization:
Bearer …``); the office may read any enterprise's survey. Demand aggregates are for the planners.
Writes go through the same services as the pages: the same checks, Chinese errors and audit rows.

Who may call a route is decided before its body is read: a signed-in caller without the right
gets 403 whatever it sent.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from zhijiao.api.schemas import ErrorOut
from zhijiao.core.errors import ServiceError
from zhijiao.orgs.models import UnitKind
from zhijiao.orgs.roles import AccessErrorCode, Capability

from . import selectors, services
from .codes import level_name
from .data import (
    CatalogueKind,
    Cluster,
    Education,
    SalaryBand,
    SkillLevel,
    TalentErrorCode,
    Urgency,
)
from .models import CatalogueEdition, DemandLine, DemandSurvey, MajorOccupation

router = Router(tags=["产业人才"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, **ERRORS}
MAX_LIMIT = 500


def allowed_first(allowed: Callable[[Any], bool]) -> Callable[[Any], Any]:
    """An operation decorator: a signed-in caller who is not allowed is refused (403) before the
    operation parses its input; anonymous callers go on to authentication (401)."""

    def decorate(run: Any) -> Any:
        @functools.wraps(run)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if user.is_authenticated and not allowed(user):
                error = ServiceError(
                    AccessErrorCode.NOT_ALLOWED, "您没有执行此操作的权限", status_code=403
                )
                refused: HttpResponse = run.__self__.api.on_exception(request, error)
                return refused
            response: HttpResponse = run(request, *args, **kwargs)
            return response

        return checked

    return decorate


def _can(capability: Capability) -> Callable[[Any], bool]:
    return lambda user: bool(user.can(capability))


def _can_survey(user: Any) -> bool:
    return bool(user.can(Capability.TALENT_SURVEY) or user.can(Capability.TALENT_MANAGE))


# ---------------------------------------------------------------- catalogues


class EditionOut(Schema):
    id: int
    kind: str
    name: str = Field(description="版本，如 2022")
    title: str
    is_current: bool
    entry_count: int

    @classmethod
    def of(cls, e: CatalogueEdition) -> EditionOut:
        return cls(
            id=e.pk,
            kind=e.kind,
            name=e.name,
            title=e.title,
            is_current=e.is_current,
            entry_count=e.entry_count,
        )


class EntryOut(Schema):
    code: str
    name: str
    level: int
    level_name: str
    parent: str | None = Field(description="上级代码")
    marks: str = Field("", description="职业标识：S 数字职业，L 绿色职业")
    stage: str = Field("", description="专业层次：中职、高职专科、高职本科")


class EntryPage(Schema):
    edition: EditionOut | None
    count: int
    items: list[EntryOut]


def _entries(
    kind: str, edition: int | None, q: str, level: int | None, limit: int, offset: int
) -> EntryPage:
    the_edition = selectors.edition_for(kind, edition)
    qs = selectors.catalogue_entries(kind, edition=the_edition, q=q[:50], level=level)
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    items = []
    for e in qs[offset : offset + limit]:
        items.append(
            EntryOut(
                code=e.code,
                name=e.name,
                level=e.level,
                level_name=level_name(kind, e.level),
                parent=e.parent.code if e.parent_id else None,
                marks=getattr(e, "marks", ""),
                stage=e.get_stage_display() if kind == CatalogueKind.MAJORS else "",
            )
        )
    return EntryPage(
        edition=EditionOut.of(the_edition) if the_edition else None,
        count=qs.count(),
        items=items,
    )


@router.get(
    "/talent/occupations",
    response={200: EntryPage, **ERRORS},
    summary="职业分类",
    description="职业分类大典的条目（默认现行版本），可按代码开头或名称检索，按层级筛选"
    "（1 大类、2 中类、3 小类、4 职业），分页（limit 最多 500）。",
)
@decorate_view(allowed_first(_can(Capability.TALENT_VIEW)))
def occupation_list(
    request: HttpRequest,
    q: str = "",
    level: int | None = None,
    edition: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> EntryPage:
    return _entries(CatalogueKind.OCCUPATIONS, edition, q, level, limit, offset)


@router.get(
    "/talent/majors",
    response={200: EntryPage, **ERRORS},
    summary="专业目录",
    description="职业教育专业目录的条目（1 专业大类、2 专业类、3 专业），检索与分页同上。",
)
@decorate_view(allowed_first(_can(Capability.TALENT_VIEW)))
def major_list(
    request: HttpRequest,
    q: str = "",
    level: int | None = None,
    edition: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> EntryPage:
    return _entries(CatalogueKind.MAJORS, edition, q, level, limit, offset)


@router.get(
    "/talent/industries",
    response={200: EntryPage, **ERRORS},
    summary="行业分类",
    description="国民经济行业分类（GB/T 4754）的条目（1 门类、2 大类、3 中类、4 小类），"
    "代码带门类字母，如 C3130。",
)
@decorate_view(allowed_first(_can(Capability.TALENT_VIEW)))
def industry_list(
    request: HttpRequest,
    q: str = "",
    level: int | None = None,
    edition: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> EntryPage:
    return _entries(CatalogueKind.INDUSTRIES, edition, q, level, limit, offset)


class CodeName(Schema):
    code: str
    name: str


class MappingOut(Schema):
    major: CodeName
    occupation: CodeName
    industry: CodeName
    source: str
    note: str

    @classmethod
    def of(cls, m: MajorOccupation) -> MappingOut:
        return cls(
            major=CodeName(code=m.major.code, name=m.major.name),
            occupation=CodeName(code=m.occupation.code, name=m.occupation.name),
            industry=CodeName(code=m.industry.code, name=m.industry.name),
            source=m.source,
            note=m.note,
        )


class MappingPage(Schema):
    edition: EditionOut | None
    count: int
    items: list[MappingOut]


@router.get(
    "/talent/mappings",
    response={200: MappingPage, **ERRORS},
    summary="专业职业面向",
    description="专业 → 职业 → 行业的对应关系及其来源；可按专业代码（major）筛选或检索。",
)
@decorate_view(allowed_first(_can(Capability.TALENT_VIEW)))
def mapping_list(
    request: HttpRequest,
    q: str = "",
    major: str = "",
    limit: int = 100,
    offset: int = 0,
) -> MappingPage:
    edition = selectors.edition_for(CatalogueKind.MAPPING)
    qs: QuerySet[MajorOccupation] = selectors.mappings(edition=edition, q=q[:50], major=major[:6])
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    return MappingPage(
        edition=EditionOut.of(edition) if edition else None,
        count=qs.count(),
        items=[MappingOut.of(m) for m in qs[offset : offset + limit]],
    )


# ---------------------------------------------------------------- the survey


class LineIn(Schema):
    occupation: str = Field(description="职业代码（职业分类大典的职业，如 6-18-02-04）")
    headcount: int = Field(description="需求人数，正整数")
    education: Education = Education.ANY
    skill_level: SkillLevel = SkillLevel.ANY
    experience_years: int = 0
    salary_band: SalaryBand = SalaryBand.NEGOTIABLE
    urgency: Urgency = Urgency.NORMAL
    note: str = ""


class SurveyIn(Schema):
    year: int = Field(description="调查年度")
    lines: list[LineIn]
    note: str = ""
    submit: bool = Field(False, description="为 true 时保存后即报送（报送后不能再修改）")


class LineOut(Schema):
    occupation: CodeName
    headcount: int
    education: str
    skill_level: str
    experience_years: int
    salary_band: str
    urgency: str
    note: str

    @classmethod
    def of(cls, line: DemandLine) -> LineOut:
        return cls(
            occupation=CodeName(code=line.occupation.code, name=line.occupation.name),
            headcount=line.headcount,
            education=line.education,
            skill_level=line.skill_level,
            experience_years=line.experience_years,
            salary_band=line.salary_band,
            urgency=line.urgency,
            note=line.note,
        )


class SurveyOut(Schema):
    id: int
    year: int
    enterprise: CodeName = Field(description="企业：统一社会信用代码与名称")
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    review_comment: str
    note: str
    lines: list[LineOut]

    @classmethod
    def of(cls, s: DemandSurvey) -> SurveyOut:
        return cls(
            id=s.pk,
            year=s.round.year,
            enterprise=CodeName(code=s.enterprise.credit_code, name=s.enterprise.name),
            status=s.status,
            status_label=s.get_status_display(),
            submitted_at=timezone.localtime(s.submitted_at) if s.submitted_at else None,
            review_comment=s.review_comment,
            note=s.note,
            lines=[LineOut.of(line) for line in selectors.survey_lines(s)],
        )


@router.get(
    "/talent/survey",
    response={200: SurveyOut, **WRITE_ERRORS},
    summary="岗位需求填报",
    description="企业用户：本企业某年度的岗位需求（默认为正在填报或最近一年）。"
    "工作专班可用 enterprise（单位编号）查看任一企业的填报。不在您范围内的填报返回 404。",
)
@decorate_view(allowed_first(_can_survey))
def survey_read(
    request: HttpRequest, year: int | None = None, enterprise: int | None = None
) -> SurveyOut:
    user: Any = request.user
    year = year or selectors.default_year()
    if year is None:
        raise Http404("尚未开展岗位需求调查")
    if enterprise is None:
        if user.unit is None or user.unit.kind != UnitKind.ENTERPRISE:
            raise ServiceError(TalentErrorCode.INVALID_INPUT, "请提供 enterprise（企业单位编号）")
        enterprise = user.unit_id
    found = (
        DemandSurvey.objects.visible_to(user)
        .select_related("round", "enterprise")
        .filter(round__year=year, enterprise_id=enterprise)
        .first()
    )
    if found is None:
        raise Http404(f"未找到{year}年的岗位需求填报")
    return SurveyOut.of(found)


@router.post(
    "/talent/survey",
    response={200: SurveyOut, **WRITE_ERRORS},
    summary="填报、报送岗位需求",
    description="企业用户保存本企业某年度的岗位需求（整体替换已保存的各条），"
    "submit 为 true 时同时报送。调查须在填报期内；已报送的不能再修改或重复报送。",
)
@decorate_view(allowed_first(_can(Capability.TALENT_SURVEY)))
def survey_write(request: HttpRequest, payload: SurveyIn) -> SurveyOut:
    user: Any = request.user
    survey = services.survey_save(
        user=user,
        year=payload.year,
        lines=[
            services.LineData(
                occupation=line.occupation,
                headcount=line.headcount,
                education=line.education,
                skill_level=line.skill_level,
                experience_years=line.experience_years,
                salary_band=line.salary_band,
                urgency=line.urgency,
                note=line.note,
            )
            for line in payload.lines
        ],
        note=payload.note,
        submit=payload.submit,
    )
    survey.refresh_from_db()
    return SurveyOut.of(survey)


# ---------------------------------------------------------------- demand figures


class DemandRowOut(Schema):
    key: str
    label: str
    headcount: int
    enterprises: int
    lines: int


class DemandOut(Schema):
    by: str
    year: int | None
    headcount: int
    enterprises: int
    high_skill_headcount: int = Field(description="高级工及以上的需求人数")
    rows: list[DemandRowOut]


@router.get(
    "/talent/demand",
    response={200: DemandOut, **WRITE_ERRORS},
    summary="岗位需求汇总",
    description="已报送、已采纳的岗位需求按维度汇总：by 为 occupation（职业）、cluster（产业集群）、"
    "skill_level（技能等级）、education（学历）或 year（年度）；可按年度、集群、技能等级、学历筛选。",
)
@decorate_view(allowed_first(selectors.may_see_demand))
def demand(
    request: HttpRequest,
    by: str = "occupation",
    year: int | None = None,
    cluster: str = "",
    skill_level: str = "",
    education: str = "",
) -> DemandOut:
    if by not in selectors.DIMENSIONS:
        raise ServiceError(
            TalentErrorCode.INVALID_INPUT,
            f"by 应为：{'、'.join(selectors.DIMENSIONS)}",
        )
    for value, choices, name in (
        (cluster, [*Cluster.values, "none"], "cluster"),
        (skill_level, SkillLevel.values, "skill_level"),
        (education, Education.values, "education"),
    ):
        if value and value not in choices:
            raise ServiceError(TalentErrorCode.INVALID_INPUT, f"{name} 的取值不正确")
    filters = selectors.DemandFilters(
        year=year, cluster=cluster, skill_level=skill_level, education=education
    )
    totals = selectors.demand_totals(filters)
    return DemandOut(
        by=by,
        year=year,
        headcount=totals.headcount,
        enterprises=totals.enterprises,
        high_skill_headcount=totals.high_skill,
        rows=[
            DemandRowOut(
                key=r.key,
                label=r.label,
                headcount=r.headcount,
                enterprises=r.enterprises,
                lines=r.lines,
            )
            for r in selectors.demand_by(by, filters)
        ],
    )
