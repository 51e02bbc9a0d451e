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
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from zhijiao.api.schemas import ErrorOut
from zhijiao.core.errors import ServiceError
from zhijiao.core.pages import window
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


def allowed_first(allowed: Callable[[Any], bool]) -> Callable[[Any], Any]:
    """An operation decorator: a signed-in caller who is not allowed is refused (403) before the
    operation parses its input; anonymous callers go on to authentication (401)."""

    def decorate(run: Any) -> Any:
        @functools.wraps(run)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if user.is_authenticated and not allowed(user):
                error = ServiceError(
                    AccessErrorCode.NOT_ALLOWED, _("您没有执行此操作的权限"), status_code=403
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
    items = []
    for e in qs[window(limit, offset)]:
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
    rows = window(limit, offset)
    return MappingPage(
        edition=EditionOut.of(edition) if edition else None,
        count=qs.count(),
        items=[MappingOut.of(m) for m in qs[rows]],
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
        raise Http404(_("尚未开展岗位需求调查"))
    if enterprise is None:
        if user.unit is None or user.unit.kind != UnitKind.ENTERPRISE:
            raise ServiceError(
                TalentErrorCode.INVALID_INPUT, _("请提供 enterprise（企业单位编号）")
            )
        enterprise = user.unit_id
    found = (
        DemandSurvey.objects.visible_to(user)
        .select_related("round", "enterprise")
        .filter(round__year=year, enterprise_id=enterprise)
        .first()
    )
    if found is None:
        raise Http404(_("未找到{year}年的岗位需求填报").format(year=year))
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
            _("by 应为：{values}").format(values="、".join(selectors.DIMENSIONS)),
        )
    for value, choices, name in (
        (cluster, [*Cluster.values, "none"], "cluster"),
        (skill_level, SkillLevel.values, "skill_level"),
        (education, Education.values, "education"),
    ):
        if value and value not in choices:
            raise ServiceError(
                TalentErrorCode.INVALID_INPUT, _("{name} 的取值不正确").format(name=name)
            )
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


# ---------------------------------------------------------------- analysis, supply, reports


class ShortageRowOut(Schema):
    code: str
    name: str
    grade: str = Field(description="紧缺、较紧缺或一般")
    index: float = Field(description="紧缺指数（0–100）")
    demand: int
    supply: float
    gap: float
    ratio: float | None = Field(description="求人倍率；无对口供给时为空")
    growth: float | None = Field(description="需求较上年的增长率")
    postings: int
    components: dict[str, float] = Field(description="各分项得分（0–1）")


class ShortageOut(Schema):
    year: int
    version: str = Field(description="紧缺指数版本")
    weights: dict[str, float]
    component_methods: dict[str, str]
    shortage_at: float
    tight_at: float
    occupations: list[ShortageRowOut]


@router.get(
    "/talent/shortage",
    response={200: ShortageOut, **WRITE_ERRORS},
    summary="紧缺职业目录与各职业供需",
    description="某年度各职业的需求、供给、缺口、求人倍率、紧缺指数及其分项得分，按紧缺指数从高到低；"
    "all=false（默认）只列紧缺和较紧缺职业。指数的版本和权重一并返回。",
)
@decorate_view(allowed_first(selectors.may_see_demand))
def shortage(request: HttpRequest, year: int, all: bool = False) -> ShortageOut:  # noqa: A002 - the query parameter's name
    from .analysis import analyse, index_components
    from .data import INDEX_VERSIONS

    if not 2000 <= year <= 2100:
        raise ServiceError(TalentErrorCode.INVALID_INPUT, _("年度不正确"))
    result = analyse(year)
    version = INDEX_VERSIONS[result.version]
    rows = result.occupations if all else result.shortage
    return ShortageOut(
        year=year,
        version=version.name,
        weights=version.weights,
        component_methods=index_components(),
        shortage_at=version.shortage_at,
        tight_at=version.tight_at,
        occupations=[
            ShortageRowOut(
                code=o.code,
                name=o.name,
                grade=o.grade,
                index=o.index,
                demand=o.demand,
                supply=o.supply,
                gap=o.gap,
                ratio=o.ratio,
                growth=o.growth,
                postings=o.postings,
                components=o.components,
            )
            for o in rows
        ],
    )


class SupplyOut(Schema):
    school_id: int
    school: str
    major_code: str
    major: str
    year: int
    enrolled: int
    graduates: int
    local_employed: int
    further_study: int
    other: int


def _may_see_supply(user: Any) -> bool:
    return bool(
        user.can(Capability.TALENT_VIEW)
        and not user.can(Capability.TALENT_SURVEY)
        and user.can(Capability.PLAN_VIEW)
    )


@router.get(
    "/talent/supply",
    response={200: list[SupplyOut], **WRITE_ERRORS},
    summary="毕业生供给",
    description="各学校分专业、年度的招生、毕业生和毕业去向（本地就业、升学、其他）。学校只看到本校，"
    "教育主管部门看到所辖学校，工作专班看到全部。",
)
@decorate_view(allowed_first(_may_see_supply))
def supply_list(
    request: HttpRequest, year: int | None = None, limit: int = 100, offset: int = 0
) -> list[SupplyOut]:
    from .supply import supply_visible

    rows = supply_visible(request.user, year=year)[window(limit, offset)]
    return [
        SupplyOut(
            school_id=r.school_id,
            school=r.school.name,
            major_code=r.major.code,
            major=r.major.name,
            year=r.year,
            enrolled=r.enrolled,
            graduates=r.graduates,
            local_employed=r.local_employed,
            further_study=r.further_study,
            other=r.other,
        )
        for r in rows
    ]


class ReportOut(Schema):
    year: int
    title: str
    published_at: dt.datetime | None
    index_version: str
    weights: dict[str, float]
    summary: list[str]
    document_url: str
    page_url: str


def _wants_html(request: HttpRequest) -> bool:
    if request.GET.get("format") == "html":
        return True
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept


def _report_out(report: Any) -> ReportOut:
    from .reports import title_of

    return ReportOut(
        year=report.year,
        title=title_of(report.year),
        published_at=report.published_at,
        index_version=report.index_version,
        weights=report.weights,
        summary=list(report.facts.get("summary", [])),
        document_url=f"/api/v1/talent/report/document?year={report.year}",
        page_url=f"/api/v1/talent/report?year={report.year}&format=html",
    )


def _published(year: int) -> Any:
    from .data import ReportStatus
    from .models import TalentReport

    report = TalentReport.objects.filter(year=year, status=ReportStatus.PUBLISHED).first()
    if report is None:
        raise Http404(_("未找到该年度已发布的报告"))
    return report


@router.get(
    "/talent/reports",
    auth=None,
    response=list[ReportOut],
    summary="已发布的产业人才需求报告（无需登录）",
    description="工作专班已发布的各年度报告：摘要、紧缺指数版本和权重、文档和网页地址。浏览器访问"
    "（Accept: text/html 或 ?format=html）得到报告列表页。",
)
def report_list(request: HttpRequest) -> HttpResponse | list[ReportOut]:
    from django.shortcuts import render

    from .reports import published

    reports = published()
    if _wants_html(request):
        return render(
            request,
            "talent/public_reports.html",
            {"reports": reports, "title": _("江阴市产业人才需求报告")},
        )
    return [_report_out(r) for r in reports]


@router.get(
    "/talent/report",
    auth=None,
    response={200: ReportOut, 404: ErrorOut},
    summary="某年度已发布的产业人才需求报告（无需登录）",
    description="浏览器访问（Accept: text/html 或 ?format=html）得到报告网页：摘要、方法、需求、结构、"
    "供需对比、紧缺职业目录（含指数权重）和建议，含图表。",
)
def report_detail(request: HttpRequest, year: int) -> HttpResponse | ReportOut:
    from django.shortcuts import render

    from .reports import page_context

    report = _published(year)
    if _wants_html(request):
        return render(request, "talent/report_page.html", page_context(report))
    return _report_out(report)


@router.get(
    "/talent/report/document",
    auth=None,
    response={200: None, 404: ErrorOut},
    summary="下载已发布的产业人才需求报告（.docx，无需登录）",
)
def report_document(request: HttpRequest, year: int) -> FileResponse:
    from .reports import filename_of, report_file

    report = _published(year)
    path = report_file(report)
    if not path.exists():
        raise Http404(_("报告文档缺失，请联系工作专班重新生成"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename_of(year))
