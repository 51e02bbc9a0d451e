"""Pages of school evaluation: schemes, rounds and their progress, the school's self-assessment,
the expert's scoring workspace, reconciliation with outliers, results with comparisons and charts,
strengths and weaknesses, the performance-pay basis, appeals, exports and the 质量年度报告.

Each view parses input, checks access (capability, then scope: an object outside it is a 404),
calls one service and renders.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.core import listing
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import XLSX_CONTENT_TYPE
from zhijiao.core.listing import ExportColumn
from zhijiao.core.pages import AuthedRequest, int_param, render_page, report_error, require
from zhijiao.core.registry import ChoiceFilter, SearchFilter, UnitFilter, units_named_in
from zhijiao.core.scope import get_visible_or_404
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability

from . import documents, selectors, services
from .data import AppealStatus, ConflictKind, RoundStatus, SchemeKind, ScoringMethod, SelfStatus
from .forms import (
    AppealForm,
    AssignForm,
    ClaimForm,
    CopyForm,
    DecideForm,
    FinalForm,
    LinkForm,
    NoticeForm,
    QualityForm,
    RoundForm,
    SchemeEditForm,
)
from .models import Appeal, Assignment, Entry, ExpertLink, Round, Scheme, SelfClaim
from .scoring import fmt

COLORS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"]
CHART_OPTIONS = {"animation": False, "responsive": True, "maintainAspectRatio": False}


def _is_office(request: AuthedRequest) -> bool:
    return request.user.can(Capability.EVALUATION_MANAGE) and request.user.sees_all_units


def _office(request: AuthedRequest) -> None:
    require(request, Capability.EVALUATION_MANAGE)


def _ran(request: AuthedRequest, call: Any, done: str = "") -> tuple[bool, Any]:
    try:
        result = call()
    except ServiceError as error:
        report_error(request, error)
        return False, None
    if done:
        messages.success(request, done)
    return True, result


def _round_or_404(request: AuthedRequest, pk: int) -> Round:
    found = selectors.rounds_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("未找到"))
    return found


def _entry_or_404(request: AuthedRequest, pk: int) -> Entry:
    return get_visible_or_404(
        Entry.objects.select_related("school", "round__scheme"), request.user, pk=pk
    )


def _results_shown(request: AuthedRequest, round_: Round) -> bool:
    if _is_office(request):
        return round_.status in (
            RoundStatus.RECONCILIATION,
            RoundStatus.NOTICE,
            RoundStatus.PUBLISHED,
        )
    return round_.results_visible


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _radar(labels: list[str], series: list[tuple[str, list[Decimal | None]]]) -> str:
    return _json(
        {
            "labels": labels,
            "datasets": [
                {
                    "label": name,
                    "data": [_f(v) for v in values],
                    "borderColor": COLORS[i % len(COLORS)],
                    "backgroundColor": COLORS[i % len(COLORS)] + "22",
                    "pointBackgroundColor": COLORS[i % len(COLORS)],
                }
                for i, (name, values) in enumerate(series)
            ],
        }
    )


RADAR_OPTIONS = _json(
    {**CHART_OPTIONS, "scales": {"r": {"min": 0, "max": 100, "ticks": {"stepSize": 20}}}}
)
BAR_OPTIONS = _json({**CHART_OPTIONS, "scales": {"y": {"min": 0, "max": 100}}})


# ---------------------------------------------------------------- schemes


def scheme_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    return render_page(
        request,
        "evaluation/schemes.html",
        _("评价方案"),
        schemes=selectors.schemes_all(),
        is_office=_is_office(request),
    )


def _scheme_or_404(pk: int) -> Scheme:
    scheme = Scheme.objects.filter(pk=pk).first()
    if scheme is None:
        raise Http404(_("未找到"))
    return scheme


def scheme_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    scheme = _scheme_or_404(pk)
    return render_page(
        request,
        "evaluation/scheme.html",
        str(scheme),
        scheme=scheme,
        rows=selectors.flat_tree(scheme),
        in_use=scheme.rounds.exclude(status=RoundStatus.DRAFT).exists(),
        is_office=_is_office(request),
        copy_form=CopyForm(initial={"year": scheme.year + 1}),
        methods=ScoringMethod,
    )


def scheme_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _office(request)
    scheme = _scheme_or_404(pk)
    criteria = list(scheme.criteria.select_related("indicator").order_by("position"))
    form = SchemeEditForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        edits = form.edits()
        if form.is_valid():
            ok, _result = _ran(
                request,
                lambda: services.scheme_edit(user=request.user, scheme=scheme, edits=edits),
                _("方案已保存"),
            )
            if ok:
                return redirect(reverse("admin:evaluation-scheme", args=[scheme.pk]))
    return render_page(
        request,
        "evaluation/scheme_edit.html",
        _("修改{scheme}").format(scheme=scheme),
        scheme=scheme,
        form=form,
    )


@require_POST
def scheme_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    _office(request)
    scheme = _scheme_or_404(pk)
    form = CopyForm(request.POST)
    if form.is_valid():
        ok, copy = _ran(
            request,
            lambda: services.scheme_copy(
                user=request.user, scheme=scheme, year=form.cleaned_data["year"]
            ),
            _("已复制为新年度版本"),
        )
        if ok:
            return redirect(reverse("admin:evaluation-scheme", args=[copy.pk]))
    else:
        messages.error(request, _("请填写有效的年度"))
    return redirect(reverse("admin:evaluation-scheme", args=[scheme.pk]))


# ---------------------------------------------------------------- rounds


def round_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    rounds = list(selectors.rounds_for(request.user))
    rows = []
    for r in rounds:
        visible = Entry.objects.visible_to(request.user).filter(round=r)
        rows.append((r, selectors.round_progress(r, visible)))
    return render_page(
        request,
        "evaluation/rounds.html",
        _("评价轮次"),
        rows=rows,
        is_office=_is_office(request),
    )


def round_new(request: AuthedRequest) -> HttpResponse:
    _office(request)
    year = timezone.localdate().year
    form = RoundForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, round_ = _ran(
            request,
            lambda: services.round_create(
                user=request.user,
                data=services.RoundInput(
                    scheme=data["scheme"],
                    year=data["year"],
                    title=data["title"],
                    self_due=data["self_due"],
                    scoring_due=data["scoring_due"],
                    schools=list(data["schools"]),
                ),
            ),
            _("已创建评价轮次，请分配评审专家后开始自评"),
        )
        if ok:
            return redirect(reverse("admin:evaluation-round", args=[round_.pk]))
    return render_page(
        request, "evaluation/form.html", _("创建评价轮次"), form=form, multipart=False
    )


NEXT_STEP = {
    RoundStatus.DRAFT: ("open", gettext_lazy("开始学校自评")),
    RoundStatus.SELF_ASSESSMENT: ("scoring", gettext_lazy("进入专家评分")),
    RoundStatus.SCORING: ("reconcile", gettext_lazy("进入复核汇总（自动计分并汇总专家评分）")),
    RoundStatus.RECONCILIATION: ("notice", gettext_lazy("公示评价结果")),
    RoundStatus.NOTICE: ("publish", gettext_lazy("公示期满，公布结果")),
}


def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    round_ = _round_or_404(request, pk)
    entries = selectors.entries_visible(request.user, round_).annotate(
        sheets=Count("assignments", distinct=True),
        sheets_done=Count(
            "assignments", filter=Q(assignments__submitted_at__isnull=False), distinct=True
        ),
    )
    is_office = _is_office(request)
    step = NEXT_STEP.get(RoundStatus(round_.status)) if is_office else None
    today = timezone.localdate()
    return render_page(
        request,
        "evaluation/round.html",
        round_.title,
        r=round_,
        entries=entries,
        progress=selectors.round_progress(round_, selectors.entries_visible(request.user, round_)),
        results_shown=_results_shown(request, round_),
        is_office=is_office,
        step=step,
        notice_form=NoticeForm(
            initial={"notice_starts": today, "notice_ends": today + dt.timedelta(days=6)}
        )
        if step and step[0] == "notice"
        else None,
        own_school=request.user.unit_id,
        can_submit=request.user.can(Capability.EVALUATION_SUBMIT),
    )


@require_POST
def round_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    _office(request)
    round_ = _round_or_404(request, pk)
    action = request.POST.get("action", "")
    user = request.user
    if action == "open":
        _ran(request, lambda: services.round_open(user=user, round_=round_), _("已开始学校自评"))
    elif action == "scoring":
        _ran(
            request,
            lambda: services.round_start_scoring(user=user, round_=round_),
            _("已进入专家评分"),
        )
    elif action == "reconcile":
        ok, _result = _ran(
            request,
            lambda: services.round_start_reconciliation(user=user, round_=round_),
            _("已自动计分并汇总专家评分，请核查离群评分"),
        )
        if ok:
            return redirect(reverse("admin:evaluation-reconcile", args=[round_.pk]))
    elif action == "notice":
        form = NoticeForm(request.POST)
        if form.is_valid():
            _ran(
                request,
                lambda: services.round_publish_notice(
                    user=user,
                    round_=round_,
                    notice_starts=form.cleaned_data["notice_starts"],
                    notice_ends=form.cleaned_data["notice_ends"],
                ),
                _("评价结果已进入公示，公示期内学校可提出申诉"),
            )
        else:
            messages.error(request, _("请填写公示起止日期"))
    elif action == "publish":
        _ran(request, lambda: services.round_publish(user=user, round_=round_), _("评价结果已公布"))
    else:
        messages.error(request, _("未知操作"))
    return redirect(reverse("admin:evaluation-round", args=[round_.pk]))


def round_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    _office(request)
    round_ = _round_or_404(request, pk)
    school_ids = round_.entries.values("school_id")
    round_schools = Unit.objects.filter(pk__in=school_ids).order_by("name")
    form = AssignForm(request.POST or None, round_schools=round_schools)
    if request.method == "POST" and "remove" in request.POST:
        assignment = Assignment.objects.filter(
            pk=int_param(request.POST.get("remove")) or 0, entry__round=round_
        ).first()
        if assignment is None:
            raise Http404(_("未找到"))
        _ran(
            request,
            lambda: services.assignment_remove(user=request.user, assignment=assignment),
            _("已撤销分配"),
        )
        return redirect(reverse("admin:evaluation-round-assign", args=[round_.pk]))
    if request.method == "POST" and form.is_valid():
        ok, made = _ran(
            request,
            lambda: services.assignment_create(
                user=request.user,
                round_=round_,
                expert=form.cleaned_data["expert"],
                schools=list(form.cleaned_data["schools"]),
            ),
        )
        if ok:
            messages.success(request, _("已分配 {count} 所学校").format(count=len(made)))
            return redirect(reverse("admin:evaluation-round-assign", args=[round_.pk]))
    entries = round_.entries.select_related("school").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("expert"))
    )
    links = ExpertLink.objects.select_related("expert", "school").order_by("expert__username")
    return render_page(
        request,
        "evaluation/assign.html",
        _("分配评审专家 · {title}").format(title=round_.title),
        r=round_,
        entries=entries,
        form=form,
        links=links,
    )


def expert_links(request: AuthedRequest) -> HttpResponse:
    """The conflict-of-interest register (回避): the office records for any expert, an expert
    declares for themself; the list (all for the office, an expert's own otherwise) is filtered by
    relation, school and words, 50 a page, and ``?format=xlsx`` exports the filtered list."""
    require(request, Capability.EVALUATION_MANAGE, Capability.EVALUATION_SCORE)
    user = request.user
    is_office = user.can(Capability.EVALUATION_MANAGE)
    form = LinkForm(request.POST or None, expert=None if is_office else user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _result = _ran(
            request,
            lambda: services.expert_link_declare(
                user=user,
                expert=data["expert"],
                school=data["school"],
                kind=data["kind"],
                note=data["note"],
            ),
            _("已登记回避关系"),
        )
        if ok:
            return redirect(reverse("admin:evaluation-experts"))
    links = ExpertLink.objects.select_related("expert", "school", "recorded_by")
    if not is_office:
        links = links.filter(expert=user)
    links = links.order_by("expert__username", "school__name", "kind")
    filters = [
        ChoiceFilter("kind", gettext_lazy("关系"), ConflictKind.choices),
        UnitFilter(
            "school",
            gettext_lazy("学校"),
            ("school",),
            lambda _user: units_named_in(links, "school"),
        ),
        SearchFilter(
            "q",
            gettext_lazy("关键词"),
            ("expert__full_name__icontains", "expert__username__icontains", "note__icontains"),
            placeholder=gettext_lazy("专家姓名、账号或说明"),
        ),
    ]
    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            links,
            filters,
            columns=LINK_EXPORT,
            title=_("专家回避关系"),
            object_type="evaluation.ExpertLink",
        )
    return render_page(
        request,
        "evaluation/experts.html",
        _("专家回避关系"),
        **listing.listing(request, links, filters),
        form=form,
        is_office=is_office,
    )


LINK_EXPORT = [
    ExportColumn(gettext_lazy("专家"), 16, lambda link: str(link.expert)),
    ExportColumn(gettext_lazy("学校"), 26, lambda link: link.school.name),
    ExportColumn(gettext_lazy("关系"), 24, lambda link: link.get_kind_display()),
    ExportColumn(gettext_lazy("说明"), 40, lambda link: link.note),
    ExportColumn(gettext_lazy("登记人"), 14, lambda link: str(link.recorded_by or "")),
    ExportColumn(gettext_lazy("登记时间"), 18, lambda link: _when(link.recorded_at)),
]


# ---------------------------------------------------------------- self-assessment


def self_assessment(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    entry = _entry_or_404(request, pk)
    round_ = entry.round
    user = request.user
    editable = (
        user.can(Capability.EVALUATION_SUBMIT)
        and user.unit_id == entry.school_id
        and round_.status == RoundStatus.SELF_ASSESSMENT
        and timezone.localdate() <= round_.self_due
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("当前不能填报本校自评"))
        if request.POST.get("action") == "submit":
            _ran(
                request,
                lambda: services.self_assessment_submit(user=user, entry=entry),
                _("自评已提交"),
            )
            return redirect(reverse("admin:evaluation-self", args=[entry.pk]))
        form = ClaimForm(request.POST, request.FILES)
        criterion = (
            services.self_criteria(round_.scheme)
            .filter(pk=int_param(request.POST.get("criterion")) or 0)
            .first()
        )
        if form.is_valid() and criterion is not None:
            data = form.cleaned_data
            ok, _result = _ran(
                request,
                lambda: services.self_claim_save(
                    user=user,
                    entry=entry,
                    criterion=criterion,
                    points=data["points"],
                    statement=data["statement"],
                    evidence=data["evidence"],
                ),
                _("已保存“{criterion}”的自评").format(criterion=criterion),
            )
            if ok:
                return redirect(reverse("admin:evaluation-self", args=[entry.pk]))
        else:
            messages.error(request, _("请填写自评分和自评说明"))
    claims = {c.criterion_id: c for c in entry.claims.all()}
    items = []
    for c in services.self_criteria(round_.scheme):
        claim = claims.get(c.pk)
        form = ClaimForm(
            initial={
                "criterion": c.pk,
                "points": claim.points if claim else None,
                "statement": claim.statement if claim else "",
            },
            prefix=None,
        )
        items.append((c, claim, form))
    return render_page(
        request,
        "evaluation/self.html",
        _("学校自评 · {school}").format(school=entry.school.name),
        entry=entry,
        r=round_,
        items=items,
        editable=editable,
        statuses=SelfStatus,
    )


def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    require(request, Capability.EVALUATION_VIEW, Capability.EVALUATION_SCORE)
    user = request.user
    if user.can(Capability.EVALUATION_SCORE):
        claims = SelfClaim.objects.filter(entry__assignments__expert=user)
    else:
        claims = SelfClaim.objects.filter(entry__in=Entry.objects.visible_to(user))
    claim = claims.filter(pk=pk).exclude(evidence="").first()
    if claim is None:
        raise Http404(_("未找到"))
    return FileResponse(
        claim.evidence.open("rb"),
        as_attachment=True,
        filename=claim.evidence_name,
        content_type=claim.evidence_type,
    )


# ---------------------------------------------------------------- expert scoring


def scoring_workspace(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.EVALUATION_SCORE)
    return render_page(
        request,
        "evaluation/scoring.html",
        _("专家评分工作台"),
        assignments=selectors.assignments_of(request.user),
        links=ExpertLink.objects.filter(expert=request.user).select_related("school"),
    )


def score_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.EVALUATION_SCORE)
    assignment = selectors.assignment_for_expert(request.user, pk)
    if assignment is None:
        raise Http404(_("未找到"))
    entry = assignment.entry
    round_ = entry.round
    criteria = list(services.expert_criteria(round_.scheme))
    editable = (
        round_.status == RoundStatus.SCORING
        and assignment.submitted_at is None
        and timezone.localdate() <= round_.scoring_due
    )
    errors: list[str] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("当前不能修改评分"))
        scores: dict[int, services.ScoreInput] = {}
        for c in criteria:
            raw = request.POST.get(f"points_{c.pk}", "").strip()
            if not raw:
                continue
            try:
                points = Decimal(raw)
            except ArithmeticError:
                errors.append(_("“{criterion}”的评分应为数字").format(criterion=c))
                continue
            scores[c.pk] = services.ScoreInput(points, request.POST.get(f"comment_{c.pk}", ""))
        if not errors:
            submit = request.POST.get("action") == "submit"
            ok, _result = _ran(
                request,
                lambda: services.expert_scores_save(
                    user=request.user, assignment=assignment, scores=scores, submit=submit
                ),
                _("评分已提交") if submit else _("评分已保存"),
            )
            if ok:
                return redirect(reverse("admin:evaluation-score", args=[assignment.pk]))
        for e in errors:
            messages.error(request, e)
    given: dict[int, Any] = {s.criterion_id: s for s in assignment.scores.all()}
    if request.method == "POST":
        # Refused: the sheet comes back with what the expert typed, not emptied.
        given = {
            c.pk: {
                "points": request.POST.get(f"points_{c.pk}", "").strip()[:20] or None,
                "comment": request.POST.get(f"comment_{c.pk}", "")[:500],
            }
            for c in criteria
        }
    claims = {c.criterion_id: c for c in entry.claims.all()}
    rows = [(c, given.get(c.pk), claims.get(c.pk)) for c in criteria]
    return render_page(
        request,
        "evaluation/score.html",
        _("评分 · {school}").format(school=entry.school.name),
        assignment=assignment,
        entry=entry,
        r=round_,
        rows=rows,
        editable=editable,
        methods=ScoringMethod,
    )


# ---------------------------------------------------------------- reconciliation


def reconcile(request: AuthedRequest, pk: int) -> HttpResponse:
    _office(request)
    round_ = _round_or_404(request, pk)
    if request.method == "POST":
        form = FinalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            entry = round_.entries.filter(pk=data["entry"]).first()
            criterion = round_.scheme.criteria.filter(pk=data["criterion"]).first()
            if entry is None or criterion is None:
                raise Http404(_("未找到"))
            _ran(
                request,
                lambda: services.final_score_set(
                    user=request.user,
                    entry=entry,
                    criterion=criterion,
                    points=data["points"],
                    reason=data["reason"],
                ),
                _("已调整核定得分，结果已重新计算"),
            )
        else:
            messages.error(request, _("请填写核定得分和理由"))
        return redirect(reverse("admin:evaluation-reconcile", args=[round_.pk]))
    only = request.GET.get("all") != "1"
    rows = selectors.reconciliation_rows(round_, only_outliers=only)
    return render_page(
        request,
        "evaluation/reconcile.html",
        _("复核汇总 · {title}").format(title=round_.title),
        r=round_,
        rows=rows,
        only=only,
        editable=round_.status == RoundStatus.RECONCILIATION,
        share=round_.scheme.outlier_share * 100,
    )


# ---------------------------------------------------------------- results


def results(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    round_ = _round_or_404(request, pk)
    shown = _results_shown(request, round_)
    if request.GET.get("export") == "xlsx":
        if not shown:
            raise Http404(_("结果尚未公示"))
        response = HttpResponse(
            documents.results_xlsx(user=request.user, round_=round_),
            content_type=XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = content_disposition_header(
            True, _("{title}结果.xlsx").format(title=round_.title)
        )
        return response
    entries = list(selectors.entries_visible(request.user, round_)) if shown else []
    dims = selectors.dimensions(round_.scheme)
    average, average_dims = selectors.city_average(round_) if shown else (None, {})
    bar = _json(
        {
            "labels": [e.school.short_name or e.school.name for e in entries],
            "datasets": [
                {
                    "label": _("总分"),
                    "data": [_f(e.total) for e in entries],
                    "backgroundColor": COLORS[0],
                }
            ],
        }
    )

    def rates(points: dict[str, Any]) -> list[Decimal | None]:
        return [
            Decimal(points[d.code]) * 100 / d.weight if d.code in points and d.weight else None
            for d in dims
        ]

    radar = _radar(
        [d.name for d in dims],
        [(_("全市平均"), rates({k: str(v) for k, v in average_dims.items()}))]
        + [(e.school.short_name or e.school.name, rates(e.dimensions)) for e in entries[:7]],
    )
    return render_page(
        request,
        "evaluation/results.html",
        _("评价结果 · {title}").format(title=round_.title),
        r=round_,
        shown=shown,
        entries=[(e, [e.dimensions.get(d.code) for d in dims]) for e in entries],
        dims=dims,
        average=average,
        average_dims=[average_dims.get(d.code) for d in dims],
        bar_json=bar,
        radar_json=radar,
        bar_options=BAR_OPTIONS,
        radar_options=RADAR_OPTIONS,
        is_office=_is_office(request),
        is_social=round_.scheme.kind == SchemeKind.SOCIAL_SERVICE,
    )


@require_POST
def notice(request: AuthedRequest, pk: int) -> HttpResponse:
    _office(request)
    round_ = _round_or_404(request, pk)
    ok, _result = _ran(
        request,
        lambda: documents.notice_generate(user=request.user, round_=round_),
        _("结果文件正在后台生成，完成后可在“后台任务”中下载"),
    )
    if ok:
        return redirect(reverse("admin:jobs"))
    return redirect(reverse("admin:evaluation-results", args=[round_.pk]))


def entry_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    entry = _entry_or_404(request, pk)
    round_ = entry.round
    shown = _results_shown(request, round_) and entry.total is not None
    dims = selectors.dimension_rates(entry) if shown else []
    average, average_dims = selectors.city_average(round_) if shown else (None, {})
    finals = selectors.finals_of(entry) if shown else {}
    tree = [(n, finals.get(n.criterion.pk)) for n in selectors.flat_tree(round_.scheme)]
    today = timezone.localdate()
    can_appeal = (
        request.user.can(Capability.EVALUATION_SUBMIT)
        and request.user.unit_id == entry.school_id
        and round_.status == RoundStatus.NOTICE
        and round_.notice_starts is not None
        and round_.notice_ends is not None
        and round_.notice_starts <= today <= round_.notice_ends
    )
    radar = _radar(
        [d.name for d, _points, _rate in dims],
        [
            (entry.school.short_name or entry.school.name, [rate for _d, _points, rate in dims]),
            (
                _("全市平均"),
                [
                    Decimal(average_dims[d.code]) * 100 / d.weight
                    if d.code in average_dims and d.weight
                    else None
                    for d, _points, _rate in dims
                ],
            ),
        ],
    )
    return render_page(
        request,
        "evaluation/entry.html",
        f"{entry.school.name} · {round_.title}",
        entry=entry,
        r=round_,
        shown=shown,
        dims=dims,
        tree=tree,
        sw=selectors.strengths_weaknesses(entry) if shown else None,
        average=average,
        radar_json=radar,
        radar_options=RADAR_OPTIONS,
        appeals=entry.appeals.select_related("criterion", "decided_by"),
        appeal_form=AppealForm(scheme=round_.scheme) if can_appeal else None,
        is_office=_is_office(request),
    )


@require_POST
def appeal_new(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    entry = _entry_or_404(request, pk)
    form = AppealForm(request.POST, scheme=entry.round.scheme)
    if form.is_valid():
        _ran(
            request,
            lambda: services.appeal_submit(
                user=request.user,
                entry=entry,
                criterion=form.cleaned_data["criterion"],
                reason=form.cleaned_data["reason"],
            ),
            _("申诉已提交，工作专班将在公示期内处理"),
        )
    else:
        messages.error(request, _("请写明申诉理由"))
    return redirect(reverse("admin:evaluation-entry", args=[entry.pk]))


def appeal_list(request: AuthedRequest) -> HttpResponse:
    """Appeals in scope, pending first: filtered by state, round and school, 50 a page;
    ``?format=xlsx`` exports the filtered list."""
    require(request, Capability.EVALUATION_VIEW)
    user = request.user
    appeals = selectors.appeals_visible(user)
    rounds = selectors.rounds_for(user).filter(pk__in=appeals.values("entry__round"))
    filters = [
        ChoiceFilter("status", gettext_lazy("状态"), AppealStatus.choices),
        ChoiceFilter(
            "round",
            gettext_lazy("轮次"),
            [(r.pk, r.title) for r in rounds.order_by("-year", "-pk")],
            q=lambda value: Q(entry__round_id=value),
        ),
        UnitFilter(
            "school",
            gettext_lazy("学校"),
            ("entry__school",),
            lambda _user: units_named_in(appeals, "entry__school"),
        ),
    ]
    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            appeals,
            filters,
            columns=APPEAL_EXPORT,
            title=_("结果申诉"),
            object_type="evaluation.Appeal",
        )
    is_office = _is_office(request)
    return render_page(
        request,
        "evaluation/appeals.html",
        _("结果申诉"),
        **listing.listing(request, appeals, filters),
        is_office=is_office,
        decide_form=DecideForm() if is_office else None,
        pending=AppealStatus.PENDING,
    )


def _when(at: Any) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if at else ""


APPEAL_EXPORT = [
    ExportColumn(gettext_lazy("轮次"), 30, lambda a: a.entry.round.title),
    ExportColumn(gettext_lazy("学校"), 26, lambda a: a.entry.school.name),
    ExportColumn(gettext_lazy("申诉指标"), 30, lambda a: str(a.criterion or _("总体结果"))),
    ExportColumn(gettext_lazy("申诉理由"), 50, lambda a: a.reason),
    ExportColumn(gettext_lazy("申诉人"), 14, lambda a: str(a.submitted_by or "")),
    ExportColumn(gettext_lazy("申诉时间"), 18, lambda a: _when(a.submitted_at)),
    ExportColumn(gettext_lazy("状态"), 10, lambda a: a.get_status_display()),
    ExportColumn(gettext_lazy("处理意见"), 50, lambda a: a.decision),
    ExportColumn(gettext_lazy("原得分"), 10, lambda a: _f(a.points_before)),
    ExportColumn(gettext_lazy("调整后得分"), 10, lambda a: _f(a.points_after)),
    ExportColumn(gettext_lazy("处理人"), 14, lambda a: str(a.decided_by or "")),
    ExportColumn(gettext_lazy("处理时间"), 18, lambda a: _when(a.decided_at)),
]


@require_POST
def appeal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    _office(request)
    appeal = Appeal.objects.filter(pk=pk).first()
    if appeal is None:
        raise Http404(_("未找到"))
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _ran(
            request,
            lambda: services.appeal_decide(
                user=request.user,
                appeal=appeal,
                upheld=data["upheld"],
                decision=data["decision"],
                points=data["points"],
            ),
            _("申诉已处理"),
        )
    else:
        messages.error(request, _("请选择处理结果并写明处理意见"))
    return redirect(reverse("admin:evaluation-appeals"))


# ---------------------------------------------------------------- comparison and pay basis


def compare(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    codes = list(Scheme.objects.order_by("kind").values_list("code", "name").distinct())
    code = request.GET.get("scheme") or (codes[0][0] if codes else "")
    years, table = selectors.history(request.user, code)
    schools = sorted(table)
    bar = _json(
        {
            "labels": schools,
            "datasets": [
                {
                    "label": _("{year}年").format(year=y),
                    "data": [_f(table[s].get(y)) for s in schools],
                    "backgroundColor": COLORS[i % len(COLORS)],
                }
                for i, y in enumerate(years)
            ],
        }
    )
    latest = (
        selectors.rounds_for(request.user).filter(scheme__code=code, year=years[-1]).first()
        if years
        else None
    )
    radar = None
    if latest is not None:
        dims = selectors.dimensions(latest.scheme)
        entries = list(selectors.entries_visible(request.user, latest).filter(total__isnull=False))
        radar = _radar(
            [d.name for d in dims],
            [
                (
                    e.school.short_name or e.school.name,
                    [
                        Decimal(e.dimensions.get(d.code, "0")) * 100 / d.weight
                        if d.weight
                        else None
                        for d in dims
                    ],
                )
                for e in entries[:8]
            ],
        )
    return render_page(
        request,
        "evaluation/compare.html",
        _("跨校跨年比较"),
        codes=codes,
        code=code,
        years=years,
        rows=[(s, [table[s].get(y) for y in years]) for s in schools],
        bar_json=bar,
        bar_options=BAR_OPTIONS,
        radar_json=radar,
        radar_options=RADAR_OPTIONS,
        latest=latest,
    )


def pay_basis(request: AuthedRequest) -> HttpResponse:
    """The performance-pay basis of one 社会服务能力绩效考核 round whose results the user may see
    (the latest unless another is chosen), filtered by school and grade; ``?format=xlsx`` exports
    the filtered rows. Coefficients stay relative to every school of the round."""
    require(request, Capability.EVALUATION_VIEW)
    user = request.user
    rounds = [
        r
        for r in selectors.rounds_for(user).filter(scheme__kind=SchemeKind.SOCIAL_SERVICE)
        if _results_shown(request, r)
    ]
    by_round = ChoiceFilter(
        "round",
        gettext_lazy("考核轮次"),
        [(r.pk, r.title) for r in rounds],
        q=lambda value: Q(round_id=value),
        required=True,
    )
    picked = by_round.clean(str(request.GET.get("round") or ""), user)
    chosen = next((r for r in rounds if str(r.pk) == picked), None)
    entries = Entry.objects.visible_to(user).filter(round=chosen)
    grades = entries.exclude(grade="").values("grade").annotate(best=Min("rank")).order_by("best")
    filters = [
        by_round,
        UnitFilter(
            "school",
            gettext_lazy("学校"),
            ("school",),
            lambda _user: units_named_in(entries, "school"),
        ),
        ChoiceFilter("grade", gettext_lazy("等级"), [(g["grade"], g["grade"]) for g in grades]),
    ]

    def rows(kept: Any) -> list[selectors.PayBasis]:
        return selectors.pay_basis(chosen, kept) if chosen else []

    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            entries,
            filters,
            columns=PAY_EXPORT,
            title=_("绩效工资核定依据"),
            object_type="evaluation.Entry",
            rows=rows,
        )
    conf = selectors.pay_settings(chosen.scheme) if chosen else selectors.PAY_DEFAULTS
    return render_page(
        request,
        "evaluation/pay.html",
        _("绩效工资核定依据"),
        **listing.listing(request, entries, filters, rows=rows),
        conf=conf,
    )


PAY_EXPORT = [
    ExportColumn(gettext_lazy("考核轮次"), 30, lambda p: p.entry.round.title),
    ExportColumn(gettext_lazy("学校"), 26, lambda p: p.entry.school.name),
    ExportColumn(gettext_lazy("考核得分"), 10, lambda p: _f(p.score)),
    ExportColumn(gettext_lazy("等级"), 8, lambda p: p.entry.grade),
    ExportColumn(gettext_lazy("名次"), 8, lambda p: p.entry.rank),
    ExportColumn(gettext_lazy("年培训人次"), 12, lambda p: _f(p.training)),
    ExportColumn(gettext_lazy("全日制在校生"), 12, lambda p: _f(p.enrolment)),
    ExportColumn(gettext_lazy("培训完成度"), 12, lambda p: _f(p.completion)),
    ExportColumn(gettext_lazy("参考分"), 10, lambda p: _f(p.basis)),
    ExportColumn(gettext_lazy("参考系数"), 10, lambda p: _f(p.coefficient)),
    ExportColumn(gettext_lazy("缺失数据"), 30, lambda p: "、".join(str(m) for m in p.missing)),
]


# ---------------------------------------------------------------- 质量年度报告


def quality_reports(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.EVALUATION_VIEW)
    user: User = request.user
    allowed = documents.schools_for(user)
    allowed_qs = Unit.objects.filter(pk__in=[s.pk for s in allowed]).order_by("name")
    form = QualityForm(
        request.POST or None,
        initial={"year": timezone.localdate().year - 1},
        allowed=allowed_qs,
    )
    if request.method == "POST" and form.is_valid():
        ok, _result = _ran(
            request,
            lambda: documents.quality_generate(
                user=user, year=form.cleaned_data["year"], school=form.cleaned_data["school"]
            ),
            _("质量年度报告正在后台生成，完成后可在“后台任务”中下载"),
        )
        if ok:
            return redirect(reverse("admin:jobs"))
    return render_page(
        request,
        "evaluation/reports.html",
        _("质量年度报告"),
        form=form,
        schools=allowed,
        is_office=_is_office(request),
        fmt=fmt,
    )
