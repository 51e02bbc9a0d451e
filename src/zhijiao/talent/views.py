"""Pages of the talent data platform. Each parses input, checks access, calls one service or
selector, renders."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.core import listing
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import XLSX_CONTENT_TYPE, ExcelError, ImportRejected
from zhijiao.core.listing import ExportColumn
from zhijiao.core.pages import AuthedRequest, int_param, render_page, report_error, require
from zhijiao.orgs.models import Unit
from zhijiao.orgs.roles import Capability

from . import imports, selectors, services
from .data import (
    INDUSTRY_LEVELS,
    MAJOR_LEVELS,
    OCCUPATION_LEVELS,
    CatalogueKind,
    Cluster,
    Education,
    RoundStatus,
    SkillLevel,
    SurveyStatus,
    TalentErrorCode,
)
from .forms import (
    DecideForm,
    LineFormSet,
    MappingForm,
    ProfileForm,
    RoundForm,
    SurveyNoteForm,
    UploadForm,
)
from .models import EnterpriseProfile, MajorOccupation, SurveyRound

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 50
TABS = [
    (CatalogueKind.OCCUPATIONS, gettext_lazy("职业")),
    (CatalogueKind.MAJORS, gettext_lazy("专业")),
    (CatalogueKind.INDUSTRIES, gettext_lazy("行业")),
    (CatalogueKind.MAPPING, gettext_lazy("职业面向")),
]
LEVELS: dict[str, list[tuple[int, StrOrPromise]]] = {
    CatalogueKind.OCCUPATIONS: list(OCCUPATION_LEVELS.items()),
    CatalogueKind.MAJORS: list(MAJOR_LEVELS.items()),
    CatalogueKind.INDUSTRIES: list(INDUSTRY_LEVELS.items()),
}
CHART_COLORS = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#4b5563"]


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _query(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---------------------------------------------------------------- catalogues


def catalogue(request: AuthedRequest) -> HttpResponse:
    """The catalogues, one tab each, searched by code or name; the office edits the mapping."""
    require(request, Capability.TALENT_VIEW)
    tab = request.GET.get("tab", CatalogueKind.OCCUPATIONS)
    if tab not in CatalogueKind.values:
        tab = CatalogueKind.OCCUPATIONS
    q = request.GET.get("q", "").strip()[:50]
    edition = selectors.edition_for(tab, int_param(request.GET.get("edition")))
    level = int_param(request.GET.get("level"))
    if tab == CatalogueKind.MAPPING:
        entries: Any = selectors.mappings(
            edition=edition, q=q, major=request.GET.get("major", "").strip()[:6]
        )
    else:
        entries = selectors.catalogue_entries(tab, edition=edition, q=q, level=level)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = request.user.can(Capability.TALENT_MANAGE)
    levels = LEVELS.get(tab, [])
    return render_page(
        request,
        "talent/catalogue.html",
        _("目录浏览"),
        tab=tab,
        tabs=TABS,
        q=q,
        level=level,
        levels=levels,
        edition=edition,
        editions=list(selectors.editions(tab)),
        page=page,
        query=_query(request),
        can_manage=can_manage,
        mapping_form=MappingForm() if can_manage and tab == CatalogueKind.MAPPING else None,
    )


@require_POST
def mapping_new(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.TALENT_MANAGE)
    form = MappingForm(request.POST)
    back = reverse("admin:talent-catalogue") + "?tab=mapping"
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    try:
        mapping = services.mapping_add(user=request.user, **form.cleaned_data)
    except ServiceError as error:
        report_error(request, error)
    else:
        messages.success(request, _("已登记职业面向：{mapping}").format(mapping=mapping))
    return redirect(back)


@require_POST
def mapping_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.TALENT_MANAGE)
    mapping = MajorOccupation.objects.filter(pk=pk).first()
    if mapping is None:
        raise Http404(_("未找到该职业面向"))
    try:
        services.mapping_remove(user=request.user, mapping=mapping)
    except ServiceError as error:
        report_error(request, error)
    else:
        messages.success(request, _("已删除该职业面向"))
    return redirect(reverse("admin:talent-catalogue") + "?tab=mapping")


# ---------------------------------------------------------------- the enterprise's pages


def _profile_of(request: AuthedRequest, enterprise: Unit) -> EnterpriseProfile | None:
    return EnterpriseProfile.objects.visible_to(request.user).filter(unit=enterprise).first()


def profile(request: AuthedRequest) -> HttpResponse:
    """The enterprise's own profile: industry, size, cluster, town."""
    require(request, Capability.TALENT_SURVEY)
    try:
        enterprise = services.own_enterprise(request.user)
    except ServiceError as error:
        raise PermissionDenied(error.message) from error
    current = _profile_of(request, enterprise)
    initial = (
        {
            "industry_code": current.industry_code,
            "size": current.size,
            "cluster": current.cluster,
            "town": current.town,
            "address": current.address,
            "staff_count": current.staff_count,
        }
        if current
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                user=request.user, enterprise=enterprise, data=form.profile_data()
            )
        except ServiceError as error:
            # A wrong industry code is shown next to its field; any other problem above the form.
            industry = error.code in (TalentErrorCode.BAD_CODE, TalentErrorCode.UNKNOWN_CODE)
            form.add_error("industry_code" if industry else None, error.message)
        else:
            messages.success(request, _("企业信息已保存"))
            return redirect(reverse("admin:talent-profile"))
    return render_page(
        request, "talent/profile.html", _("企业信息"), form=form, enterprise=enterprise
    )


def _line_initial(survey: Any) -> list[dict[str, Any]]:
    if survey is None:
        return []
    return [
        {
            "occupation": line.occupation.code,
            "headcount": line.headcount,
            "education": line.education,
            "skill_level": line.skill_level,
            "experience_years": line.experience_years,
            "salary_band": line.salary_band,
            "urgency": line.urgency,
            "note": line.note,
        }
        for line in selectors.survey_lines(survey)
    ]


def survey(request: AuthedRequest) -> HttpResponse:
    """The enterprise's demand for a year: lines in a form, Excel download and upload."""
    require(request, Capability.TALENT_SURVEY)
    try:
        enterprise = services.own_enterprise(request.user)
    except ServiceError as error:
        raise PermissionDenied(error.message) from error
    years = selectors.survey_years()
    year = int_param(request.GET.get("year")) or selectors.default_year()
    survey_round = SurveyRound.objects.filter(year=year).first() if year else None
    if survey_round is None:
        return render_page(
            request,
            "talent/survey.html",
            _("岗位需求填报"),
            enterprise=enterprise,
            survey_round=None,
            years=years,
        )
    assert year is not None
    if request.GET.get("template") == "xlsx":
        return _download(
            imports.template_bytes(user=request.user, year=year),
            _("{year}年岗位需求填报-{enterprise}.xlsx").format(
                year=year, enterprise=enterprise.short_name or enterprise.name
            ),
        )
    current = selectors.own_survey(request.user, year)
    is_open = services.round_is_open(survey_round)
    editable = is_open and (current is None or current.status in ("draft", "returned"))
    occupations = selectors.occupation_choices()
    row_errors: list[Any] = []
    formset: Any = LineFormSet(
        request.POST if request.method == "POST" and "file" not in request.FILES else None,
        initial=_line_initial(current),
        form_kwargs={"occupations": occupations},
        prefix="lines",
    )
    note_form = SurveyNoteForm(
        request.POST if request.method == "POST" and "file" not in request.FILES else None,
        initial={"note": current.note if current else ""},
    )
    upload_form = UploadForm()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        done = reverse("admin:talent-survey") + f"?year={year}"
        if action == "submit-saved" and current is not None:
            try:
                services.survey_submit(user=request.user, survey=current)
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(request, _("已报送{year}年岗位需求，感谢填报").format(year=year))
            return redirect(done)
        if "file" in request.FILES:
            upload_form = UploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                try:
                    imports.survey_import(
                        user=request.user, year=year, upload=upload, name=upload.name
                    )
                except ImportRejected as exc:
                    report_error(request, exc)
                    row_errors = list(exc.errors)
                except (ExcelError, ServiceError) as exc:
                    report_error(request, exc)
                else:
                    messages.success(request, _("已从 Excel 导入岗位需求（草稿），请核对后报送"))
                    return redirect(done)
        elif formset.is_valid() and note_form.is_valid():
            try:
                services.survey_save(
                    user=request.user,
                    year=year,
                    lines=formset.lines(),
                    note=note_form.cleaned_data["note"],
                    submit=action == "submit",
                )
            except services.LinesRejected as rejected:
                _attach(formset, rejected)
                report_error(request, rejected)
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("已报送{year}年岗位需求，感谢填报").format(year=year)
                    if action == "submit"
                    else _("草稿已保存"),
                )
                return redirect(done)
        else:
            messages.error(request, _("请按提示修改标红的内容"))
    return render_page(
        request,
        "talent/survey.html",
        _("{year}年岗位需求填报").format(year=year),
        enterprise=enterprise,
        has_profile=_profile_of(request, enterprise) is not None,
        survey_round=survey_round,
        survey=current,
        lines=list(selectors.survey_lines(current)) if current else [],
        is_open=is_open,
        editable=editable,
        formset=formset,
        note_form=note_form,
        upload_form=upload_form,
        row_errors=row_errors[:300],
        years=years,
        year=year,
        has_catalogue=bool(occupations),
    )


def _attach(formset: Any, rejected: services.LinesRejected) -> None:
    """Puts each problem next to the field it concerns (the lines are the changed forms)."""
    used = formset.line_forms()
    for problem in rejected.problems:
        if problem.index < len(used):
            form = used[problem.index]
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, problem.message)


# ---------------------------------------------------------------- the office's pages


def _survey_filters(request: AuthedRequest) -> selectors.SurveyFilters:
    get = request.GET
    return selectors.SurveyFilters(
        year=int_param(get.get("year")),
        status=get.get("status", "") if get.get("status") in SurveyStatus.values else "",
        cluster=get.get("cluster", "") if get.get("cluster") in [*Cluster.values, "none"] else "",
        q=get.get("q", "").strip()[:50],
    )


def surveys(request: AuthedRequest) -> HttpResponse:
    """Every enterprise's survey, filtered by year, status and cluster; exported to Excel."""
    require(request, Capability.TALENT_MANAGE)
    filters = _survey_filters(request)
    if request.GET.get("export") == "xlsx":
        content = imports.surveys_export(user=request.user, filters=filters)
        return _download(
            content, _("岗位需求调查-{day}.xlsx").format(day=f"{timezone.localdate():%Y%m%d}")
        )
    rows = selectors.surveys_visible(request.user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "talent/surveys.html",
        _("需求调查"),
        page=page,
        filters=filters,
        years=selectors.survey_years(),
        statuses=SurveyStatus.choices,
        clusters=Cluster.choices,
        query=_query(request),
    )


def survey_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One survey: the office reviews it; the enterprise sees its own history."""
    require(request, Capability.TALENT_MANAGE, Capability.TALENT_SURVEY)
    found = selectors.survey_get(request.user, pk)
    can_decide = request.user.can(Capability.TALENT_MANAGE) and found.status == "submitted"
    return render_page(
        request,
        "talent/survey_detail.html",
        str(found),
        survey=found,
        profile=getattr(found.enterprise, "talent_profile", None),
        lines=list(selectors.survey_lines(found)),
        decide_form=DecideForm() if can_decide else None,
        is_office=request.user.can(Capability.TALENT_MANAGE),
    )


@require_POST
def survey_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.TALENT_MANAGE)
    found = selectors.survey_get(request.user, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结论"))
    else:
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.survey_decide(
                user=request.user,
                survey=found,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as error:
            report_error(request, error)
        else:
            messages.success(request, _("已采纳") if accept else _("已退回企业修改"))
    return redirect(reverse("admin:talent-survey-detail", args=[pk]))


def rounds(request: AuthedRequest) -> HttpResponse:
    """The yearly rounds: set one up, open it, close it."""
    require(request, Capability.TALENT_MANAGE)
    form = RoundForm(
        request.POST
        if request.method == "POST" and request.POST.get("action") == "create"
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            if form.is_valid():
                try:
                    created = services.round_create(user=request.user, data=form.round_data())
                except ServiceError as error:
                    report_error(request, error)
                else:
                    messages.success(request, _("已设置{round}").format(round=created))
                    return redirect(reverse("admin:talent-rounds"))
        elif action in (RoundStatus.OPEN, RoundStatus.CLOSED):
            target = SurveyRound.objects.filter(
                pk=int_param(request.POST.get("round")) or 0
            ).first()
            if target is None:
                raise Http404(_("未找到该调查轮次"))
            try:
                services.round_set_status(user=request.user, survey_round=target, status=action)
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("{year}年需求调查已{status}").format(
                        year=target.year, status=RoundStatus(action).label
                    ),
                )
            return redirect(reverse("admin:talent-rounds"))
    return render_page(
        request,
        "talent/rounds.html",
        _("需求调查轮次"),
        rounds=list(selectors.rounds()),
        form=form,
        today=timezone.localdate(),
    )


# ---------------------------------------------------------------- demand figures


def demand(request: AuthedRequest) -> HttpResponse:
    """Demand by occupation, cluster, skill level, education and year, with charts."""
    require(request, Capability.TALENT_VIEW)
    if not selectors.may_see_demand(request.user):
        raise PermissionDenied(_("岗位需求汇总仅向工作专班、责任单位和学校开放"))
    get = request.GET
    years = selectors.survey_years()
    year = int_param(get.get("year"))
    filters = selectors.DemandFilters(
        year=year,
        cluster=get.get("cluster", "") if get.get("cluster") in [*Cluster.values, "none"] else "",
        skill_level=get.get("skill_level", "")
        if get.get("skill_level") in SkillLevel.values
        else "",
        education=get.get("education", "") if get.get("education") in Education.values else "",
    )
    if listing.wants_export(request):  # an export is computed afresh, not from the page's figures
        chosen = {
            name: str(value)
            for name, value in dataclasses.asdict(filters).items()
            if value not in (None, "")
        }
        return listing.export(
            user=request.user,
            rows=selectors.demand_by("occupation", filters),
            columns=DEMAND_EXPORT,
            title=_("岗位需求汇总（按职业）"),
            object_type="talent.DemandLine",
            filters=chosen,
        )
    kept = selectors.demand_summary(filters)
    if kept is None:  # being computed by another request
        return render_page(
            request, "talent/demand.html", _("岗位需求汇总"), filters=filters, years=years
        )
    summary = kept.value
    by_occupation, by_year = summary.by_occupation, summary.by_year
    top = by_occupation[:15]
    headcount = _("需求人数")
    occupation_chart = {
        "labels": [r.label.split(" ", 1)[-1] for r in top],
        "datasets": [
            {"label": headcount, "data": [r.headcount for r in top], "backgroundColor": "#2563eb"}
        ],
    }
    by_cluster = summary.by_cluster
    cluster_chart = {
        "labels": [r.label for r in by_cluster],
        "datasets": [
            {
                "label": headcount,
                "data": [r.headcount for r in by_cluster],
                "backgroundColor": [
                    CHART_COLORS[i % len(CHART_COLORS)] for i in range(len(by_cluster))
                ],
            }
        ],
    }
    year_chart = {
        "labels": [r.label for r in by_year],
        "datasets": [
            {
                "label": headcount,
                "data": [r.headcount for r in by_year],
                "borderColor": "#2563eb",
                "backgroundColor": "#2563eb",
            }
        ],
    }
    bar_options = {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "plugins": {"legend": {"display": False}},
    }
    query = request.GET.copy()
    query.pop("format", None)
    query["format"] = "xlsx"
    return render_page(
        request,
        "talent/demand.html",
        _("岗位需求汇总"),
        export_url="?" + query.urlencode(),
        filters=filters,
        years=years,
        clusters=Cluster.choices,
        skill_levels=SkillLevel.choices,
        educations=Education.choices,
        computed_at=kept.computed_at,
        totals=summary.totals,
        by_occupation=by_occupation[:50],
        more_occupations=max(0, len(by_occupation) - 50),
        by_cluster=by_cluster,
        by_skill=summary.by_skill,
        by_education=summary.by_education,
        by_year=by_year,
        occupation_json=json.dumps(occupation_chart, ensure_ascii=False),
        cluster_json=json.dumps(cluster_chart, ensure_ascii=False),
        year_json=json.dumps(year_chart, ensure_ascii=False),
        bar_options=json.dumps({**bar_options, "indexAxis": "y"}),
        plain_options=json.dumps(bar_options),
    )


DEMAND_EXPORT = [
    ExportColumn(gettext_lazy("职业"), 40, lambda r: r.label),
    ExportColumn(gettext_lazy("需求人数"), 12, lambda r: r.headcount),
    ExportColumn(gettext_lazy("企业（家）"), 12, lambda r: r.enterprises),
    ExportColumn(gettext_lazy("岗位（条）"), 12, lambda r: r.lines),
]
