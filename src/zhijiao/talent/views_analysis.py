"""Pages of the talent platform's second half: the postings workbench, supply, the analysis
dashboards and the annual reports. Each parses input, checks access, calls one service or
selector, renders."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhijiao.core import listing
from zhijiao.core.cache import snapshot
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ExcelError, ImportRejected
from zhijiao.core.listing import ExportColumn
from zhijiao.core.pages import AuthedRequest, int_param, render_page, report_error, require
from zhijiao.core.registry import ChoiceFilter, SearchFilter, UnitFilter, units_named_in
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import Capability

from . import postings, reports, selectors, supply
from .analysis import analyse
from .data import (
    GRADE_NORMAL,
    INDEX_COMPONENTS,
    INDEX_VERSIONS,
    REVIEW_BELOW,
    ClassifyMethod,
    Cluster,
    Suggestion,
)
from .forms import CorrectForm, PostingImportForm, ReportForm, SupplyForm, SupplyImportForm
from .models import TalentReport

PAGE_SIZE = 50
REVIEW_FILTERS = [
    ("todo", gettext_lazy("待校正（置信度低于 0.6）")),
    ("none", gettext_lazy("未能归类")),
    ("done", gettext_lazy("已校正")),
    ("", gettext_lazy("全部")),
]


def _import_failed(request: AuthedRequest, exc: ServiceError) -> list[str]:
    report_error(request, exc)
    return [str(e) for e in getattr(exc, "errors", [])[:50]]


# ---------------------------------------------------------------- postings


def postings_page(request: AuthedRequest) -> HttpResponse:
    """The analyst workbench: import postings; review and correct their classification."""
    require(request, Capability.TALENT_MANAGE)
    row_errors: list[str] = []
    form = PostingImportForm()
    if request.method == "POST":
        form = PostingImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = postings.read_rows(upload.read(), upload.name)
                result = postings.postings_import(
                    user=request.user,
                    rows=rows,
                    source=form.cleaned_data["source"],
                    filename=upload.name,
                    year=form.cleaned_data["year"],
                )
            except (ImportRejected, ExcelError, ServiceError) as exc:
                row_errors = _import_failed(request, exc)
            else:
                messages.success(
                    request,
                    _(
                        "已导入 {imported} 条（重复跳过 {duplicates} 条），其中归类 "
                        "{classified} 条，待人工校正 {to_review} 条"
                    ).format(
                        imported=result.imported,
                        duplicates=result.duplicates,
                        classified=result.classified,
                        to_review=result.to_review,
                    ),
                )
                return redirect(reverse("admin:talent-postings"))
    get = request.GET
    review = get.get("review", "todo")
    filters = postings.PostingFilters(
        year=int_param(get.get("year")),
        review=review if review in dict(REVIEW_FILTERS) else "todo",
        q=get.get("q", "").strip()[:50],
        occupation=get.get("occupation", "").strip()[:12],
    )
    page = Paginator(postings.postings_for_review(filters), PAGE_SIZE).get_page(get.get("page"))
    query = get.copy()
    query.pop("page", None)
    return render_page(
        request,
        "talent/postings.html",
        _("招聘信息"),
        form=form,
        row_errors=row_errors,
        filters=filters,
        review_filters=REVIEW_FILTERS,
        page=page,
        query=query.urlencode(),
        occupations=selectors.occupation_choices(),
        review_below=REVIEW_BELOW,
        stats=postings.posting_stats(),
        methods=dict(ClassifyMethod.choices),
    )


@require_POST
def posting_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.TALENT_MANAGE)
    form = CorrectForm(request.POST)
    back = request.POST.get("next") or reverse("admin:talent-postings")
    if not back.startswith("/"):
        back = reverse("admin:talent-postings")
    if not form.is_valid():
        messages.error(request, _("请选择职业"))
        return redirect(back)
    try:
        if request.POST.get("confirm"):
            postings.posting_confirm(user=request.user, posting_id=pk)
            messages.success(request, _("已确认归类"))
        else:
            done = postings.posting_correct(
                user=request.user,
                posting_id=pk,
                occupation_code=form.cleaned_data["occupation"],
                learn=form.cleaned_data["learn"],
            )
            if done.learnt_alias:
                text = _(
                    "已校正为 {occupation}；“{alias}”已加入别名词典，另有 {count} 条同名招聘信息随之归类"
                ).format(
                    occupation=done.posting.occupation,
                    alias=done.learnt_alias,
                    count=done.also_updated,
                )
            else:
                text = _("已校正为 {occupation}").format(occupation=done.posting.occupation)
            messages.success(request, text)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        report_error(request, exc)
    return redirect(back)


# ---------------------------------------------------------------- supply


def supply_page(request: AuthedRequest) -> HttpResponse:
    """Schools record enrolment, graduates and destinations by major and year; the office and the
    supervising bureaus see them too."""
    require(request, Capability.TALENT_VIEW)
    user = request.user
    can_manage = user.can(Capability.TALENT_MANAGE)
    can_edit = can_manage or (
        user.can(Capability.SCHOOL_PLAN)
        and user.unit is not None
        and user.unit.kind == UnitKind.SCHOOL
    )
    if not (can_edit or user.can(Capability.PLAN_VIEW)) or user.can(Capability.TALENT_SURVEY):
        raise PermissionDenied(_("毕业生供给仅向工作专班、责任单位和学校开放"))
    row_errors: list[str] = []
    form = SupplyForm()
    upload = SupplyImportForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有学校和工作专班可以填报毕业生供给"))
        own = Unit.objects.filter(pk=user.unit_id or 0).first()
        try:
            if "file" in request.FILES:
                upload = SupplyImportForm(request.POST, request.FILES)
                if upload.is_valid():
                    f = upload.cleaned_data["file"]
                    count = supply.supply_import(
                        user=user,
                        rows=supply.read_supply_file(f.read(), f.name),
                        school=None if can_manage else own,
                    )
                    messages.success(request, _("已导入 {count} 条毕业生供给").format(count=count))
                    return redirect(reverse("admin:talent-supply"))
            else:
                form = SupplyForm(request.POST)
                if form.is_valid():
                    d = form.cleaned_data
                    school = (
                        Unit.objects.filter(pk=d["school"], kind=UnitKind.SCHOOL).first()
                        if can_manage
                        else own
                    )
                    if school is None:
                        form.add_error("school", _("请选择学校"))
                    else:
                        supply.supply_save(
                            user=user,
                            school=school,
                            data=supply.SupplyData(
                                **{
                                    k: d[k]
                                    for k in (
                                        "major_code",
                                        "year",
                                        "enrolled",
                                        "graduates",
                                        "local_employed",
                                        "further_study",
                                        "other",
                                    )
                                }
                            ),
                        )
                        messages.success(request, _("已保存"))
                        return redirect(reverse("admin:talent-supply") + f"?year={d['year']}")
        except (ImportRejected, ExcelError, ServiceError) as exc:
            row_errors = _import_failed(request, exc)
    rows = supply.supply_visible(user)
    years = sorted(set(rows.values_list("year", flat=True)), reverse=True)
    filters = [
        ChoiceFilter("year", _("年度"), [(y, _("{year}年").format(year=y)) for y in years]),
        UnitFilter(
            "school",
            _("学校"),
            ("school",),
            lambda _user: units_named_in(rows, "school"),
        ),
        SearchFilter(
            "q",
            _("专业"),
            ("major__code__icontains", "major__name__icontains"),
            placeholder=_("专业代码或名称"),
        ),
    ]
    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            rows,
            filters,
            columns=SUPPLY_EXPORT,
            title=_("毕业生供给"),
            object_type="talent.SupplyRecord",
        )
    return render_page(
        request,
        "talent/supply.html",
        _("毕业生供给"),
        form=form,
        upload=upload,
        row_errors=row_errors,
        can_edit=can_edit,
        can_manage=can_manage,
        schools=Unit.objects.filter(kind=UnitKind.SCHOOL).order_by("name") if can_manage else [],
        **listing.listing(request, rows, filters, page_size=PAGE_SIZE),
    )


SUPPLY_EXPORT = [
    ExportColumn(gettext_lazy("年度"), 8, lambda r: r.year),
    ExportColumn(gettext_lazy("学校"), 26, lambda r: r.school.name),
    ExportColumn(gettext_lazy("专业代码"), 10, lambda r: r.major.code),
    ExportColumn(gettext_lazy("专业名称"), 26, lambda r: r.major.name),
    ExportColumn(gettext_lazy("层次"), 10, lambda r: r.major.get_stage_display()),
    ExportColumn(gettext_lazy("招生人数"), 10, lambda r: r.enrolled),
    ExportColumn(gettext_lazy("毕业生人数"), 10, lambda r: r.graduates),
    ExportColumn(gettext_lazy("本地就业"), 10, lambda r: r.local_employed),
    ExportColumn(gettext_lazy("升学"), 10, lambda r: r.further_study),
    ExportColumn(gettext_lazy("其他去向"), 10, lambda r: r.other),
]


# ---------------------------------------------------------------- analysis


def _chart(labels: list[str], *datasets: tuple[str, list[Any], str]) -> str:
    return json.dumps(
        {
            "labels": labels,
            "datasets": [
                {"label": name, "data": data, "backgroundColor": color, "borderColor": color}
                for name, data, color in datasets
            ],
        },
        ensure_ascii=False,
    )


def analysis_page(request: AuthedRequest) -> HttpResponse:
    """Supply against demand by cluster, occupation and skill level; the shortage list with its
    index weights; over-supplied majors and the suggestions; charts by cluster."""
    require(request, Capability.TALENT_VIEW)
    if not selectors.may_see_demand(request.user):
        raise PermissionDenied(_("供需分析仅向工作专班、责任单位和学校开放"))
    years = selectors.survey_years()
    year = (
        int_param(request.GET.get("year"))
        or next((y for y in years if y < timezone.localdate().year), None)
        or (years[0] if years else timezone.localdate().year)
    )
    cluster = request.GET.get("cluster", "")
    if cluster not in Cluster.values:
        cluster = ""
    # The analysis reads every posting of the year (millions at province scale) and is the same
    # for every viewer: kept between requests (core.cache); the page says when it was computed.
    kept = snapshot(f"talent-analysis:{year}:{get_language()}", lambda: analyse(year))
    if kept is None:  # being computed by another request
        return render_page(
            request,
            "talent/analysis.html",
            _("供需分析"),
            year=year,
            years=years,
            cluster=cluster,
            clusters=Cluster.choices,
        )
    a = kept.value
    occupations = [o for o in a.occupations if not cluster or cluster in o.clusters]
    top = sorted(occupations, key=lambda o: -o.demand)[:15]
    cluster_label = str(dict(Cluster.choices).get(cluster, ""))
    trend = a.cluster_years.get(cluster_label, a.demand_by_year) if cluster else a.demand_by_year
    version = INDEX_VERSIONS[a.version]
    options = json.dumps({"animation": False, "responsive": True, "maintainAspectRatio": False})
    demand, available = _("需求人数"), _("可供毕业生")
    return render_page(
        request,
        "talent/analysis.html",
        _("供需分析"),
        a=a,
        computed_at=kept.computed_at,
        year=year,
        years=years,
        cluster=cluster,
        clusters=Cluster.choices,
        occupations=occupations,
        shortage=[o for o in occupations if o.grade != GRADE_NORMAL],
        version=version,
        components=[
            (reports.key_label(k), INDEX_COMPONENTS[k], w) for k, w in version.weights.items()
        ],
        cluster_json=_chart(
            [c.label for c in a.clusters],
            (demand, [c.demand for c in a.clusters], "#2563eb"),
            (available, [c.supply for c in a.clusters], "#16a34a"),
        ),
        occupation_json=_chart(
            [o.name for o in top],
            (demand, [o.demand for o in top], "#2563eb"),
            (available, [o.supply for o in top], "#16a34a"),
        ),
        trend_json=_chart(list(trend), (demand, list(trend.values()), "#2563eb")),
        options=options,
        bar_options=json.dumps(
            {"animation": False, "responsive": True, "maintainAspectRatio": False, "indexAxis": "y"}
        ),
        suggestions=[
            (m, reports.stage_label(m.stage), Suggestion(m.suggestion).label) for m in a.majors
        ],
    )


# ---------------------------------------------------------------- reports


def reports_page(request: AuthedRequest) -> HttpResponse:
    """The archive of annual reports: generate one (a background job), publish or withdraw it."""
    require(request, Capability.TALENT_MANAGE)
    form = ReportForm(initial={"year": timezone.localdate().year - 1})
    if request.method == "POST":
        form = ReportForm(request.POST)
        action = request.POST.get("action", "generate")
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                if action == "generate":
                    reports.report_generate(user=request.user, year=year)
                    messages.success(
                        request,
                        _("{title}正在后台生成，完成后可在“后台任务”中下载").format(
                            title=reports.title_of(year)
                        ),
                    )
                    return redirect(reverse("admin:jobs"))
                reports.report_publish(user=request.user, year=year, publish=action == "publish")
                messages.success(request, _("已发布") if action == "publish" else _("已撤回"))
                return redirect(reverse("admin:talent-reports"))
            except ServiceError as exc:
                report_error(request, exc)
    return render_page(
        request,
        "talent/reports.html",
        _("产业人才需求报告"),
        form=form,
        archive=TalentReport.objects.select_related("generated_by", "published_by").order_by(
            "-year"
        ),
    )


def report_view(request: AuthedRequest, year: int) -> HttpResponseBase:
    """An archived report as a web page (the office's preview; the public reads published ones)."""
    require(request, Capability.TALENT_MANAGE)
    report = TalentReport.objects.filter(year=year).first()
    if report is None:
        raise Http404(_("未找到该年度的报告"))
    if request.GET.get("download"):
        return FileResponse(
            reports.report_file(report).open("rb"),
            as_attachment=True,
            filename=reports.filename_of(year),
        )
    context = reports.page_context(report)
    context["download_url"] = reverse("admin:talent-report", args=[year]) + "?download=1"
    return render(request, "talent/report_page.html", context)
