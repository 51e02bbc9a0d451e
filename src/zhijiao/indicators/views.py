"""Pages of targets and indicators. Each parses input, checks access, calls one service, renders."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.core import audit, listing
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import XLSX_CONTENT_TYPE, Column, ExcelError, ImportRejected, xlsx_write
from zhijiao.core.listing import ExportColumn
from zhijiao.core.models import AuditAction
from zhijiao.core.pages import AuthedRequest, render_page, report_error, require
from zhijiao.core.periods import Period
from zhijiao.core.registry import ChoiceFilter, SearchFilter, UnitFilter, units_named_in
from zhijiao.core.routing import replica_reads
from zhijiao.core.scope import get_visible_or_404
from zhijiao.orgs.models import Unit
from zhijiao.orgs.roles import Capability

from . import documents, imports, selectors, services
from .data import STATUS_SEVERITY, TARGET_STATUS_COLORS, TargetProgress, TargetStatus
from .models import DataSet, DataSetExtension, Submission, SubmissionStatus

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _fmt(value: Decimal | None, decimals: int) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


# ---------------------------------------------------------------- targets


@replica_reads
def overview(request: AuthedRequest) -> HttpResponse:
    """The city overview: every target of the plan, its latest value, gap, status, projection."""
    require(request, Capability.TARGETS_VIEW)
    today = timezone.localdate()
    in_plan_order = selectors.targets_progress(today=today)
    progress = sorted(in_plan_order, key=lambda p: STATUS_SEVERITY.index(p.status))
    export = request.GET.get("export")
    if export == "xlsx":
        audit.record(AuditAction.EXPORT, object_type="indicators.Target", message="导出目标进展表")
        return _download(
            documents.targets_xlsx(progress),
            _("目标进展-{day:%Y%m%d}.xlsx").format(day=today),
            XLSX_CONTENT_TYPE,
        )
    if export == "docx":
        audit.record(
            AuditAction.EXPORT, object_type="indicators.Target", message="导出目标监测进展报告"
        )
        return _download(
            documents.targets_report_build(
                in_plan_order, today=today, timeliness=selectors.timeliness(today=today)
            ),
            _("目标监测进展报告-{day:%Y%m%d}.docx").format(day=today),
            DOCX_CONTENT_TYPE,
        )
    counts = Counter(p.status for p in progress)
    return render_page(
        request,
        "indicators/overview.html",
        _("目标监测总览"),
        today=today,
        rows=[_row(p) for p in progress],
        cards=[
            {"label": s.label, "variant": s.variant, "count": counts.get(s, 0), "key": s.value}
            for s in [
                TargetStatus.MET,
                TargetStatus.ON_TRACK,
                TargetStatus.AT_RISK,
                TargetStatus.NOT_MET,
                TargetStatus.NO_DATA,
            ]
        ],
        total=len(progress),
    )


def _row(p: TargetProgress) -> dict[str, Any]:
    unit = p.unit_of_measure
    target = (
        p.comparator_label
        if p.comparator == "increase"
        else f"{p.comparator_label} {_fmt(p.target, p.decimals)}{unit}"
    )
    return {
        "p": p,
        "target_text": target,
        "value_text": f"{_fmt(p.value, p.decimals)}{unit if p.value is not None else ''}",
        "gap_text": (
            "—" if p.gap is None else ("0" if p.gap == 0 else f"{_fmt(p.gap, p.decimals)}{unit}")
        ),
        "sparkline": [float(v) if v is not None else None for _, v in p.series],
    }


@replica_reads
def target_detail(request: AuthedRequest, key: str) -> HttpResponse:
    """One target: the trend with the target line and projection, and each school's value."""
    require(request, Capability.TARGETS_VIEW)
    today = timezone.localdate()
    target = selectors.targets_queryset().filter(key=key).first()
    if target is None:
        raise Http404(_("未找到该目标"))
    progress = selectors.targets_progress([target], today=today)[0]
    indicator = target.indicator
    if request.GET.get("export") == "xlsx":
        unit = indicator.unit_of_measure or _("数值")
        return _table_download(
            request,
            _("目标进展-{key}").format(key=target.key),
            [
                Column(_("范围"), 20),
                Column(_("年度"), 10),
                Column(f"{indicator.name}（{unit}）", 24),
                Column(_("状态"), 12),
            ],  # fmt: skip
            [[_("全市"), y, _float(v), ""] for y, v in progress.series]
            + [
                [u.unit_name, progress.value_year, _float(u.value), u.status.label]
                for u in progress.units
            ],
        )
    years = [y for y, _ in progress.series]
    horizon = today.year if target.recurring else target.deadline.year
    trend_years = list(range(years[0], max(horizon, years[-1]) + 1)) if years else []
    # A year still running is partial: keep it out of the trend and say so on the axis.
    complete = [(y, v) for y, v in progress.series if not (target.recurring and y == today.year)]
    line = _trend_line(complete, trend_years)
    chart: dict[str, Any] = {
        "labels": [
            _("{year}（截至目前）").format(year=y)
            if target.recurring and y == today.year
            else str(y)
            for y in trend_years
        ],
        "datasets": [
            {
                "label": _("实际值"),
                "data": [_float(dict(progress.series).get(y)) for y in trend_years],
                "borderColor": "#2563eb",
                "backgroundColor": "#2563eb",
                "spanGaps": True,
            },
            {
                "label": _("趋势外推"),
                "data": line,
                "borderColor": "#9ca3af",
                "borderDash": [6, 4],
                "pointRadius": 0,
            },
        ],
    }
    if target.comparator != "increase":
        chart["datasets"].append(
            {
                "label": _("目标值"),
                "data": [float(target.value)] * len(trend_years),
                "borderColor": "#dc2626",
                "borderDash": [2, 2],
                "pointRadius": 0,
            }
        )
    schools = {
        "labels": [u.unit_name for u in progress.units],
        "datasets": [
            {
                "label": _("{year}年及以前最新值").format(year=progress.value_year or ""),
                "data": [_float(u.value) for u in progress.units],
                "backgroundColor": [TARGET_STATUS_COLORS[u.status] for u in progress.units],
            }
        ],
    }
    return render_page(
        request,
        "indicators/target_detail.html",
        target.name,
        target=target,
        indicator=indicator,
        row=_row(progress),
        progress=progress,
        projection=progress.projection,
        series=[(y, _fmt(v, indicator.decimals)) for y, v in progress.series],
        units=[{"u": u, "value": _fmt(u.value, indicator.decimals)} for u in progress.units],
        chart_json=json.dumps(chart, ensure_ascii=False),
        schools_json=json.dumps(schools, ensure_ascii=False),
        chart_options=json.dumps(
            {"animation": False, "responsive": True, "maintainAspectRatio": False}
        ),
        bar_options=json.dumps(
            {
                "animation": False,
                "responsive": True,
                "maintainAspectRatio": False,
                "plugins": {"legend": {"display": False}},
            }
        ),
    )


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _trend_line(series: list[tuple[int, Decimal | None]], years: list[int]) -> list[float | None]:
    fit = selectors.trend_fit(series)
    if fit is None:
        return [None for _ in years]
    slope, intercept = fit
    return [float(intercept + slope * y) for y in years]


@replica_reads
def timeliness(request: AuthedRequest) -> HttpResponse:
    """Reporting completeness and timeliness per data set and period, imports included."""
    require(request, Capability.TARGETS_VIEW)
    today = timezone.localdate()
    data_sets = DataSet.objects.filter(is_active=True).prefetch_related("units", "unit_groups")
    chosen = request.GET.get("data_set", "")
    if chosen:
        data_sets = data_sets.filter(code=chosen)
    rows = selectors.timeliness(list(data_sets), today=today)
    rows.sort(key=lambda r: (r.data_set_code, r.period_code), reverse=False)
    if request.GET.get("export") == "xlsx":
        audit.record(
            AuditAction.EXPORT, object_type="indicators.Submission", message="导出报送及时性"
        )
        return _download(
            documents.timeliness_xlsx(rows),
            _("报送完整性与及时性-{day:%Y%m%d}.xlsx").format(day=today),
            XLSX_CONTENT_TYPE,
        )
    totals: Counter[str] = Counter()
    for r in rows:
        totals["expected"] += r.expected
        totals["received"] += r.received
        totals["on_time"] += r.on_time
        totals["imported"] += r.imported
    return render_page(
        request,
        "indicators/timeliness.html",
        _("报送完整性与及时性"),
        rows=list(reversed(rows)),
        totals=totals,
        data_sets=DataSet.objects.filter(is_active=True),
        chosen=chosen,
        today=today,
    )


# ---------------------------------------------------------------- data entry


def _unit_choices(request: AuthedRequest, data_set: DataSet) -> list[Unit]:
    """Units whose data the user may enter for a data set: own unit, supervised units, or all."""
    user = request.user
    if user.sees_all_units:
        return selectors.reporting_units(data_set)
    if user.unit_id is None:
        return []
    return selectors.reporting_units(data_set, Q(pk=user.unit_id) | Q(parent_id=user.unit_id))


def entry(request: AuthedRequest) -> HttpResponse:
    """The data sets a user fills in, with each period's state for each unit they report for."""
    require(request, Capability.DATA_ENTER)
    today = timezone.localdate()
    blocks = []
    for data_set in DataSet.objects.filter(is_active=True).prefetch_related("units", "unit_groups"):
        units = _unit_choices(request, data_set)
        if not units:
            continue
        periods = list(reversed(selectors.periods_due(data_set, today=today)))[:8]
        submissions = {
            (s.unit_id, s.period_code): s
            for s in Submission.objects.visible_to(request.user).filter(
                data_set=data_set, period_code__in=[p.code for p in periods]
            )
        }
        own_only = len(units) <= 3
        rows = []
        for period in periods:
            window = selectors.entry_window(data_set, period)
            cells = []
            for unit in units if own_only else []:
                s = submissions.get((unit.pk, period.code))
                cells.append({"unit": unit, "submission": s})
            counted = sum(
                1
                for u in units
                if (s := submissions.get((u.pk, period.code))) is not None
                and s.status
                in (
                    SubmissionStatus.AWAITING_BUREAU,
                    SubmissionStatus.AWAITING_OFFICE,
                    SubmissionStatus.APPROVED,
                )
            )
            rows.append(
                {
                    "period": period,
                    "window": window,
                    "state": window.state(today),
                    "cells": cells,
                    "reported": counted,
                }
            )
        blocks.append({"data_set": data_set, "units": units, "rows": rows, "own_only": own_only})
    return render_page(request, "indicators/entry.html", _("数据填报"), blocks=blocks, today=today)


def _data_set_or_404(code: str) -> DataSet:
    data_set = DataSet.objects.filter(code=code, is_active=True).first()
    if data_set is None:
        raise Http404(_("未找到该数据集"))
    return data_set


def _unit_for(request: AuthedRequest, data_set: DataSet) -> Unit:
    units = _unit_choices(request, data_set)
    wanted = request.GET.get("unit") or request.POST.get("unit")
    if wanted:
        for unit in units:
            if str(unit.pk) == wanted:
                return unit
        raise Http404(_("未找到该单位"))
    for unit in units:
        if unit.pk == request.user.unit_id:
            return unit
    if len(units) == 1:
        return units[0]
    raise Http404(_("请选择单位"))


def entry_form(request: AuthedRequest, code: str, period_code: str) -> HttpResponse:
    """The form for one data set, unit and period: enter, check against the rules, report."""
    require(request, Capability.DATA_ENTER)
    data_set = _data_set_or_404(code)
    period = selectors.period_or_none(data_set, period_code)
    if period is None:
        raise Http404(_("没有这个周期"))
    unit = _unit_for(request, data_set)
    submission = Submission.objects.filter(
        data_set=data_set, unit=unit, period_code=period.code
    ).first()
    cell_errors: dict[tuple[str, str], str] = {}
    values: dict[tuple[str, str], Any] = {}
    if request.method == "POST":
        values = {
            (key[2:].split("__")[0], key[2:].split("__")[1] if "__" in key else ""): v
            for key, v in request.POST.items()
            if key.startswith("v:")
        }
        files = {
            (key[2:].split("__")[0], key[2:].split("__")[1] if "__" in key else ""): f
            for key in request.FILES
            if key.startswith("v:") and (f := request.FILES.get(key)) is not None
        }
        try:
            submission = services.values_save(
                user=request.user,
                data_set=data_set,
                unit=unit,
                period_code=period.code,
                values=values,
                files=files,
            )
            if request.POST.get("action") == "complete":
                services.submission_complete(user=request.user, submission=submission)
                messages.success(request, _("已报送，等待审核"))
                return redirect(reverse("admin:indicators-submission", args=[submission.pk]))
            messages.success(request, _("草稿已保存"))
            return redirect(request.get_full_path())
        except services.ValuesRejected as exc:
            report_error(request, exc)
            cell_errors = {(e.element.upper(), e.option.upper()): e.message for e in exc.errors}
        except ServiceError as exc:
            report_error(request, exc)
    sheet = selectors.submission_sheet(data_set, submission)
    registered = selectors.registered_figures(data_set, unit.pk, period.end.year)
    for row in sheet:
        if row.element.code in registered:
            number = registered[row.element.code]
            row.registered = (  # type: ignore[attr-defined]
                selectors.format_number(number)
                if row.element.value_type != "boolean"
                else (_("是") if number else _("否"))
            )
        for cell in row.cells:
            key = (row.element.code, cell.option_code)
            if key in values:
                cell.value = values[key]
            cell.error = cell_errors.get(key, "")  # type: ignore[attr-defined]
    window = selectors.entry_window(data_set, period, unit.pk)
    checks = selectors.submission_check(submission) if submission else []
    return render_page(
        request,
        "indicators/entry_form.html",
        f"{data_set.name} · {period.label}",
        data_set=data_set,
        period=period,
        unit=unit,
        units=_unit_choices(request, data_set),
        submission=submission,
        sheet=sheet,
        window=window,
        window_state=window.state(timezone.localdate()),
        editable=submission is None or submission.is_editable,
        checks=checks,
        events=selectors.submission_events(submission) if submission else [],
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("意见"), required=False, max_length=1000, widget=forms.Textarea
    )


def submission_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.DATA_ENTER, Capability.DATA_APPROVE, Capability.INDICATORS_MANAGE)
    submission = get_visible_or_404(
        Submission.objects.select_related("data_set", "unit", "completed_by"), request.user, pk=pk
    )
    user = request.user
    can_act = (
        submission.status == SubmissionStatus.AWAITING_BUREAU
        and user.can(Capability.DATA_APPROVE)
        and user.unit_id == submission.unit.parent_id
    ) or (
        submission.status == SubmissionStatus.AWAITING_OFFICE
        and user.can(Capability.INDICATORS_MANAGE)
    )
    return render_page(
        request,
        "indicators/submission.html",
        str(submission),
        submission=submission,
        sheet=selectors.submission_sheet(submission.data_set, submission),
        checks=selectors.submission_check(submission),
        events=selectors.submission_events(submission),
        can_act=can_act,
        can_unapprove=submission.status == SubmissionStatus.APPROVED
        and user.can(Capability.INDICATORS_MANAGE),
        can_complete=submission.is_editable and user.can(Capability.DATA_ENTER),
        form=CommentForm(),
    )


SUBMISSION_ACTIONS = {"complete", "approve", "return", "unapprove"}


@require_POST
def submission_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    require(request, Capability.DATA_ENTER, Capability.DATA_APPROVE, Capability.INDICATORS_MANAGE)
    if action not in SUBMISSION_ACTIONS:
        raise Http404(_("未知操作"))
    submission = get_visible_or_404(Submission.objects.all(), request.user, pk=pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if action == "complete":
            services.submission_complete(user=request.user, submission=submission)
            messages.success(request, _("已报送，等待审核"))
        elif action == "approve":
            services.submission_approve(user=request.user, submission=submission, comment=comment)
            messages.success(request, _("已审核通过"))
        elif action == "return":
            services.submission_return(user=request.user, submission=submission, comment=comment)
            messages.success(request, _("已退回"))
        else:
            services.submission_unapprove(user=request.user, submission=submission, reason=comment)
            messages.success(request, _("已撤销审定，单位可以修改后重新报送"))
    except ServiceError as exc:
        report_error(request, exc)
    return redirect(reverse("admin:indicators-submission", args=[submission.pk]))


def _table_download(
    request: AuthedRequest, name: str, columns: list[Column], rows: list[list[Any]]
) -> HttpResponse:
    """Any table of these pages as .xlsx; the export is audited."""
    buffer = io.BytesIO()
    xlsx_write(buffer, columns=columns, rows=rows, title=name[:31])
    audit.record(AuditAction.EXPORT, object_type="indicators.Submission", message=f"导出{name}")
    today = timezone.localdate()
    return _download(buffer.getvalue(), f"{name}-{today:%Y%m%d}.xlsx", XLSX_CONTENT_TYPE)


def approvals(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.DATA_APPROVE, Capability.INDICATORS_MANAGE)
    pending = selectors.submissions_awaiting(request.user).order_by("completed_at")
    if request.GET.get("export") == "xlsx":
        return _table_download(
            request,
            _("待审核数据"),
            [
                Column(_("数据集"), 28),
                Column(_("单位"), 26),
                Column(_("周期"), 18),
                Column(_("状态"), 16),
                Column(_("报送时间"), 18),
            ],  # fmt: skip
            [
                [
                    s.data_set.name,
                    s.unit.name,
                    s.period_label,
                    s.get_status_display(),
                    timezone.localtime(s.completed_at).strftime("%Y-%m-%d %H:%M")
                    if s.completed_at
                    else "",
                ]  # fmt: skip
                for s in pending
            ],
        )
    recent = (
        Submission.objects.visible_to(request.user)
        .filter(status=SubmissionStatus.RETURNED)
        .select_related("data_set", "unit")
        .order_by("-updated_at")[:20]
    )
    return render_page(
        request, "indicators/approvals.html", _("数据审核"), pending=pending, returned=recent
    )


# ---------------------------------------------------------------- Excel


def _periods_param(data_set: DataSet, text: str) -> list[Period]:
    period = selectors.period_or_none(data_set, text)
    if period is None:
        raise Http404(_("没有这个周期"))
    return [period]


def template(request: AuthedRequest, code: str) -> HttpResponse:
    """The Excel template of a data set, pre-filled with the unit(s) and the period."""
    require(request, Capability.DATA_ENTER)
    data_set = _data_set_or_404(code)
    periods = _periods_param(data_set, request.GET.get("period", ""))
    if request.GET.get("unit") == "all":
        units = _unit_choices(request, data_set)
    else:
        units = [_unit_for(request, data_set)]
    audit.record(
        AuditAction.EXPORT,
        obj=data_set,
        message=f"下载导入模板：{periods[0].label}，{len(units)} 个单位",
    )
    return _download(
        imports.export_bytes(data_set=data_set, units=units, periods=periods),
        imports.template_filename(data_set, units, periods),
        XLSX_CONTENT_TYPE,
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))


def import_values(request: AuthedRequest, code: str) -> HttpResponse:
    require(request, Capability.DATA_ENTER)
    data_set = _data_set_or_404(code)
    units = _unit_choices(request, data_set)
    if not units:
        raise Http404(_("您不是该数据集的填报单位"))
    row_errors: list[Any] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.values_import(
                user=request.user, data_set=data_set, upload=upload, name=upload.name
            )
            if result.unchanged:
                done = _(
                    "导入成功：更新 {values} 项数据，涉及 {submissions} 份报送"
                    "（另有 {unchanged} 项与已有数据相同）。请核对后逐份报送。"
                )
            else:
                done = _(
                    "导入成功：更新 {values} 项数据，涉及 {submissions} 份报送。请核对后逐份报送。"
                )
            messages.success(
                request,
                done.format(
                    values=result.values,
                    submissions=result.submissions,
                    unchanged=result.unchanged,
                ),
            )
            return redirect(reverse("admin:indicators-entry"))
        except ImportRejected as exc:
            report_error(request, exc)
            row_errors = list(exc.errors)
        except (ExcelError, ServiceError) as exc:
            report_error(request, exc)
    today = timezone.localdate()
    return render_page(
        request,
        "indicators/import.html",
        _("导入数据 · {name}").format(name=data_set.name),
        data_set=data_set,
        form=form,
        row_errors=row_errors[:500],
        more_errors=max(0, len(row_errors) - 500),
        periods=list(reversed(selectors.periods_due(data_set, today=today)))[:8],
        units=units,
        many_units=len(units) > 1,
    )


# ---------------------------------------------------------------- extensions


class ExtensionForm(forms.Form):
    data_set = forms.ModelChoiceField(
        label=gettext_lazy("数据集"), queryset=DataSet.objects.filter(is_active=True)
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"), queryset=Unit.objects.filter(is_active=True)
    )
    period_code = forms.CharField(
        label=gettext_lazy("周期"), max_length=20, help_text=gettext_lazy("如 2025、2025Q3")
    )
    until = forms.DateField(
        label=gettext_lazy("延期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("理由"), max_length=300)


def extensions(request: AuthedRequest) -> HttpResponse:
    """Grant a unit more time for a closed period; the extensions granted, filtered by data set,
    unit, whether still open and words of the period or reason, 50 a page; ``?format=xlsx``
    exports the filtered list."""
    require(request, Capability.INDICATORS_MANAGE)
    today = timezone.localdate()
    granted = DataSetExtension.objects.select_related("data_set", "unit", "granted_by").order_by(
        "-granted_at", "-pk"
    )
    filters = [
        ChoiceFilter(
            "data_set",
            gettext_lazy("数据集"),
            [
                (d.pk, d.name)
                for d in DataSet.objects.filter(pk__in=granted.values("data_set")).order_by("name")
            ],
        ),
        UnitFilter(
            "unit",
            gettext_lazy("单位"),
            ("unit",),
            lambda _user: units_named_in(granted, "unit"),
        ),
        ChoiceFilter(
            "open",
            gettext_lazy("状态"),
            [("yes", gettext_lazy("有效")), ("no", gettext_lazy("已过期"))],
            q=lambda value: Q(until__gte=today) if value == "yes" else Q(until__lt=today),
        ),
        SearchFilter(
            "q",
            gettext_lazy("关键词"),
            ("period_code__icontains", "reason__icontains"),
            placeholder=gettext_lazy("周期或理由"),
        ),
    ]
    if request.method == "GET" and listing.wants_export(request):
        return listing.export_filtered(
            request,
            granted,
            filters,
            columns=_extension_export(today),
            title=_("延期填报记录"),
            object_type="indicators.DataSetExtension",
        )
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_grant(user=request.user, **form.cleaned_data)
            messages.success(request, _("已批准延期填报"))
            return redirect(reverse("admin:indicators-extensions"))
        except ServiceError as exc:
            report_error(request, exc)
    return render_page(
        request,
        "indicators/extensions.html",
        _("延期填报"),
        form=form,
        **listing.listing(request, granted, filters),
        today=today,
    )


def _extension_export(today: dt.date) -> list[ExportColumn]:
    return [
        ExportColumn(gettext_lazy("数据集"), 30, lambda e: e.data_set.name),
        ExportColumn(gettext_lazy("单位"), 24, lambda e: e.unit.name),
        ExportColumn(gettext_lazy("周期"), 10, lambda e: e.period_code),
        ExportColumn(gettext_lazy("延期至"), 12, lambda e: e.until.isoformat()),
        ExportColumn(
            gettext_lazy("状态"),
            8,
            lambda e: str(_("有效")) if e.until >= today else str(_("已过期")),
        ),
        ExportColumn(gettext_lazy("理由"), 40, lambda e: e.reason),
        ExportColumn(gettext_lazy("批准人"), 12, lambda e: str(e.granted_by)),
        ExportColumn(
            gettext_lazy("批准时间"),
            18,
            lambda e: f"{timezone.localtime(e.granted_at):%Y-%m-%d %H:%M}",
        ),
    ]
