"""The rule editor: conversion rules with their versions, validity dates and caps; a new rule or
a new version of one; publish, close, retire; and a dry run ("what would this rule give these
learners?") that reads and writes nothing.

The bank edits every rule; a school its own programmes' rules, published in its own name (the
services decide). Rules are published standards: every reviewer may read them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.core import listing
from zhijiao.core.listing import ExportColumn
from zhijiao.core.pages import AuthedRequest, render_page, require
from zhijiao.core.registry import ChoiceFilter, SearchFilter
from zhijiao.orgs.roles import Capability

from . import selectors, services
from .data import RuleStatus
from .forms import DryRunForm, RuleForm
from .models import ConversionRule, Course, Learner, Programme
from .views import _call

EDITORS = (Capability.CREDIT_REVIEW, Capability.CREDIT_BANK)
DRY_RUN_LIMIT = 20
PAGE_SIZE = 50


def _programmes(user: Any) -> Any:
    programmes = Programme.objects.filter(is_active=True).select_related("school")
    if not user.can(Capability.CREDIT_BANK):
        programmes = programmes.filter(school_id=user.unit_id)
    return programmes.order_by("school__name", "major_code")


def rule_list(request: AuthedRequest) -> HttpResponse:
    """Every conversion rule and version: filtered by state, programme and words of the code or
    name, 50 a page; ``?format=xlsx`` exports the filtered list."""
    require(request, *EDITORS)
    qs = ConversionRule.objects.select_related("programme__school", "publisher").order_by(
        "code", "-version"
    )
    programmes = (
        Programme.objects.filter(pk__in=ConversionRule.objects.values("programme"))
        .select_related("school")
        .order_by("school__name", "major_code")
    )
    filters = [
        ChoiceFilter("status", gettext_lazy("状态"), RuleStatus.choices),
        ChoiceFilter("programme", gettext_lazy("适用专业"), [(p.pk, str(p)) for p in programmes]),
        SearchFilter(
            "q",
            gettext_lazy("关键词"),
            ("code__icontains", "title__icontains"),
            placeholder=gettext_lazy("规则编号或名称"),
        ),
    ]
    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            qs,
            filters,
            columns=RULE_EXPORT,
            title=_("学分转换规则"),
            object_type="creditbank.ConversionRule",
        )
    return render_page(
        request,
        "creditbank/rules.html",
        _("学分转换规则"),
        **listing.listing(request, qs, filters, page_size=PAGE_SIZE),
    )


def _publisher(rule: ConversionRule) -> str:
    return str(rule.publisher) if rule.publisher else str(_("学分银行"))


RULE_EXPORT = [
    ExportColumn(gettext_lazy("规则编号"), 16, lambda r: r.code),
    ExportColumn(gettext_lazy("版本"), 8, lambda r: r.version),
    ExportColumn(gettext_lazy("名称"), 36, lambda r: r.title),
    ExportColumn(gettext_lazy("学校"), 24, lambda r: r.programme.school.name),
    ExportColumn(gettext_lazy("适用专业"), 30, lambda r: r.programme.major_name),
    ExportColumn(gettext_lazy("发布单位"), 20, _publisher),
    ExportColumn(gettext_lazy("生效日期"), 12, lambda r: r.valid_from.isoformat()),
    ExportColumn(
        gettext_lazy("截止日期"), 12, lambda r: r.valid_to.isoformat() if r.valid_to else ""
    ),
    ExportColumn(
        gettext_lazy("成果学分占比上限（%）"),
        14,
        lambda r: float(r.max_share_percent) if r.max_share_percent else None,
    ),
    ExportColumn(
        gettext_lazy("每年认定上限（学分）"),
        14,
        lambda r: float(r.yearly_cap) if r.yearly_cap else None,
    ),
    ExportColumn(gettext_lazy("成果有效年限"), 12, lambda r: r.max_age_years),
    ExportColumn(gettext_lazy("状态"), 10, lambda r: r.get_status_display()),
]


def rule_new(request: AuthedRequest) -> HttpResponse:
    """A new rule, or (``?from=<id>``) the next version of a rule, starting from it."""
    require(request, *EDITORS)
    user = request.user
    programmes = _programmes(user)
    courses = Course.objects.filter(programme__in=programmes).select_related("programme__school")
    base = None
    source = request.GET.get("from", "")
    if source.isdecimal() and len(source) < 10:
        base = get_object_or_404(
            ConversionRule.objects.prefetch_related("inputs__certificate", "outputs"),
            pk=int(source),
        )
    initial = RuleForm.initial_from(base) if base is not None else {}
    form = RuleForm(request.POST or None, initial=initial, programmes=programmes, courses=courses)
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        by_school = form.cleaned_data["by_school"] or not user.can(Capability.CREDIT_BANK)
        ok, rule = _call(
            request,
            lambda: services.rule_create(
                user=user,
                data=form.rule_data(publisher_id=programme.school_id if by_school else None),
            ),
        )
        if ok:
            messages.success(request, _("草稿已保存：%(r)s，试算无误后再发布") % {"r": rule})
            return redirect(reverse("admin:creditbank-rule", args=[rule.pk]))
    return render_page(
        request,
        "creditbank/rule_form.html",
        _("制定规则新版本") if base is not None else _("制定转换规则"),
        form=form,
        base=base,
    )


def rule_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A rule version, its versions, its actions, and the dry run (GET: reads only)."""
    require(request, *EDITORS)
    rule = get_object_or_404(selectors._rules_queryset().select_related("publisher"), pk=pk)
    user = request.user
    can_edit = user.can(Capability.CREDIT_BANK) or (
        rule.programme.school_id == user.unit_id and rule.publisher_id == user.unit_id
    )
    form = DryRunForm(request.GET if "dry_run" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        learners = _dry_run_learners(user, form.cleaned_data["accounts"])
        ok, results = _call(
            request,
            lambda: selectors.rule_dry_run(
                user=user,
                rule=rule,
                learners=learners,
                on_date=form.cleaned_data.get("on_date"),
            ),
        )
    return render_page(
        request,
        "creditbank/rule.html",
        str(rule),
        rule=rule,
        versions=selectors.rule_with_versions(rule.code),
        can_edit=can_edit,
        form=form,
        results=[(selectors.learner_card(learner), e) for learner, e in results or []],
        tried=results is not None,
    )


def _dry_run_learners(user: Any, accounts: str) -> list[Learner]:
    wanted = [a.strip().upper() for a in accounts.replace(",", "\n").splitlines() if a.strip()]
    qs = selectors.learners_visible(user).filter(status="active")
    if wanted:
        qs = qs.filter(account_number__in=wanted[:DRY_RUN_LIMIT])
    else:
        qs = qs.filter(outcomes__isnull=False).distinct()
    return list(qs.order_by("account_number")[:DRY_RUN_LIMIT])


@require_POST
def rule_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    require(request, *EDITORS)
    rule = get_object_or_404(ConversionRule, pk=pk)
    user = request.user
    if action == "publish":
        _call(request, lambda: services.rule_publish(user=user, rule=rule), _("已发布"))
    elif action == "close":
        from django import forms

        field = forms.DateField()
        try:
            valid_to = field.clean(request.POST.get("valid_to", ""))
        except forms.ValidationError:
            messages.error(request, _("请填写截止日期"))
        else:
            _call(
                request,
                lambda: services.rule_close(user=user, rule=rule, valid_to=valid_to),
                _("已设置截止日期"),
            )
    elif action == "retire":
        _call(
            request,
            lambda: services.rule_retire(
                user=user, rule=rule, reason=request.POST.get("reason", "")
            ),
            _("已停用"),
        )
    else:
        raise Http404(_("未知的操作"))
    return redirect(reverse("admin:creditbank-rule", args=[pk]))
