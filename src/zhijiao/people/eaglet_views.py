"""Pages of the 技能雏鹰 selection: the rounds, a round's quotas and stage, its nominations with
the three bureaus' opinions, a nomination with its review and objections, and the documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhijiao.core.pages import AuthedRequest, int_param, render_page, require
from zhijiao.core.personal import normalise
from zhijiao.orgs.roles import Capability

from . import eaglet_documents, eaglet_selectors, eaglet_services, selectors
from .data import (
    EagletRoundStatus,
    EagletStage,
    NominationStatus,
    ObjectionOutcome,
)
from .forms import (
    NominateForm,
    NoticeForm,
    ObjectionForm,
    QuotaForm,
    ResolveForm,
    ReviewForm,
    RoundForm,
    WithdrawForm,
)
from .models import EagletNomination, EagletRound, Student
from .viewkit import (
    DOCX_CONTENT_TYPE,
    Cell,
    Link,
    call_service,
    download,
    form_errors,
    form_page,
    list_page,
    text_param,
)

NOTICE_DAYS = 7


def require_office(request: AuthedRequest) -> None:
    """Pages that decide the round itself: the plan office's alone."""
    require(request, Capability.PEOPLE_DECIDE)
    if not request.user.sees_all_units:
        raise PermissionDenied(_("只有工作专班可以组织评选"))


def _round_url(round_: EagletRound) -> str:
    return reverse("admin:people-eaglet-round", args=[round_.pk])


# ---------------------------------------------------------------- rounds


def eaglet_rounds(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    is_office = request.user.can(Capability.PEOPLE_DECIDE) and request.user.sees_all_units
    return list_page(
        request,
        title=_("“技能雏鹰”评选"),
        queryset=eaglet_selectors.rounds_all().order_by("-year"),
        headers=[
            _("年度"),
            _("名称"),
            _("阶段"),
            (_("表彰名额"), True),
            (_("已确定"), True),
            _("推荐时间"),
            _("公示时间"),
        ],
        row=lambda r: [
            Cell(r.year),
            Cell(r.title, _round_url(r)),
            Cell(r.get_status_display()),
            Cell(r.places, num=True),
            Cell(r.selected, num=True),
            Cell(
                _("{opens} 至 {closes}").format(
                    opens=r.nomination_opens, closes=r.nomination_closes
                )
            ),
            Cell(
                _("{starts} 至 {ends}").format(starts=r.notice_starts, ends=r.notice_ends)
                if r.notice_starts
                else "—"
            ),
        ],
        actions=[Link(_("创建评选"), reverse("admin:people-eaglet-round-new"), primary=True)]
        if is_office
        else [],
        empty=_(
            "还没有组织“技能雏鹰”评选。方案要求每年表彰 100 名职业学校学生“技能雏鹰”，"
            "由工作专班创建年度评选并分配各校推荐名额。"
        ),
        count_label=_("届"),
    )


def _round_form_page(request: AuthedRequest, form: RoundForm, title: str, cancel: str) -> Any:
    return form_page(
        request,
        title=title,
        form=form,
        cancel=cancel,
        intro=_(
            "联审单位为教育局、科技局、人社局（按单位名称或其他名称自动确定）。"
            "推荐时间内，各校在本校名额内推荐学生。"
        ),
    )


def eaglet_round_new(request: AuthedRequest) -> HttpResponse:
    require_office(request)
    year = timezone.localdate().year
    if EagletRound.objects.filter(year=year).exists():
        year += 1
    form = RoundForm(
        request.POST or None,
        initial={
            "year": year,
            "places": 100,
            "nomination_opens": dt.date(year, 9, 1),
            "nomination_closes": dt.date(year, 10, 31),
        },
    )
    if request.method == "POST" and form.is_valid():
        ok, round_ = call_service(
            request,
            lambda: eaglet_services.eaglet_round_create(
                user=request.user, data=eaglet_services.RoundData(**form.cleaned_data)
            ),
            _("已创建评选，请分配各校推荐名额"),
        )
        if ok:
            return redirect(_round_url(round_))
    return _round_form_page(request, form, _("创建“技能雏鹰”评选"), reverse("admin:people-eaglets"))


def eaglet_round_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_office(request)
    round_ = eaglet_selectors.round_get(pk)
    form = RoundForm(
        request.POST or None,
        initial={
            "year": round_.year,
            "places": round_.places,
            "nomination_opens": round_.nomination_opens,
            "nomination_closes": round_.nomination_closes,
        },
    )
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        ok, _changed = call_service(
            request,
            lambda: eaglet_services.eaglet_round_update(
                user=request.user,
                round_=round_,
                data=eaglet_services.RoundData(**form.cleaned_data),
            ),
            _("已保存"),
        )
        if ok:
            return redirect(_round_url(round_))
    return _round_form_page(
        request, form, _("修改 · {title}").format(title=round_.title), _round_url(round_)
    )


def eaglet_round(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    round_ = eaglet_selectors.round_get(pk)
    user = request.user
    is_office = user.can(Capability.PEOPLE_DECIDE) and user.sees_all_units
    status = EagletRoundStatus(round_.status)
    next_status = eaglet_services.NEXT_STATUS.get(status)
    today = timezone.localdate()
    return render_page(
        request,
        "people/eaglet_round.html",
        round_.title,
        r=round_,
        next_status=next_status,
        is_office=is_office,
        can_nominate=user.can(Capability.PEOPLE_MANAGE) and status == EagletRoundStatus.NOMINATING,
        stage=round_.stage_of(user.unit_id),
        quotas=eaglet_selectors.quotas_visible(user, round_),
        counts=[
            (NominationStatus(s).label, n)
            for s, n in eaglet_selectors.status_counts(user, round_).items()
        ],
        quota_form=QuotaForm(schools=selectors.schools_in_scope(user).order_by("name"))
        if is_office and status in (EagletRoundStatus.PREPARING, EagletRoundStatus.NOMINATING)
        else None,
        notice_form=NoticeForm(
            initial={"notice_starts": today, "notice_ends": today + dt.timedelta(NOTICE_DAYS - 1)}
        )
        if next_status == EagletRoundStatus.NOTICE
        else None,
        has_notice=status in (EagletRoundStatus.NOTICE, EagletRoundStatus.PUBLISHED),
    )


@require_POST
def eaglet_quota(request: AuthedRequest, pk: int) -> HttpResponse:
    require_office(request)
    round_ = eaglet_selectors.round_get(pk)
    form = QuotaForm(request.POST, schools=selectors.schools_in_scope(request.user))
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        call_service(
            request,
            lambda: eaglet_services.eaglet_quota_set(
                user=request.user, round_=round_, **form.cleaned_data
            ),
            _("已设定{school}的推荐名额").format(school=form.cleaned_data["school"]),
        )
    return redirect(_round_url(round_))


@require_POST
def eaglet_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    require_office(request)
    round_ = eaglet_selectors.round_get(pk)
    form = NoticeForm(request.POST)
    form.is_valid()
    call_service(
        request,
        lambda: eaglet_services.eaglet_round_advance(
            user=request.user,
            round_=round_,
            notice_starts=form.cleaned_data.get("notice_starts"),
            notice_ends=form.cleaned_data.get("notice_ends"),
        ),
        _("评选已进入下一阶段"),
    )
    return redirect(_round_url(round_))


# ---------------------------------------------------------------- nominations


def _nomination_filters(request: AuthedRequest) -> eaglet_selectors.NominationFilters:
    status = request.GET.get("status", "")
    return eaglet_selectors.NominationFilters(
        school=int_param(request.GET.get("school")),
        status=status if status in NominationStatus.values else "",
        pending_for_me=request.GET.get("pending") == "1",
        q=text_param(request.GET.get("q")),
    )


def eaglet_nominations(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    round_ = eaglet_selectors.round_get(pk)
    user = request.user
    f = _nomination_filters(request)
    nominations = list(eaglet_selectors.nominations_visible(user, round_, f))
    status = EagletRoundStatus(round_.status)
    stage = round_.stage_of(user.unit_id)
    can_review = (
        user.can(Capability.PEOPLE_DECIDE)
        and stage is not None
        and status in eaglet_services.REVIEWABLE_ROUND
    )
    can_pick = (
        user.can(Capability.PEOPLE_DECIDE)
        and user.sees_all_units
        and status == EagletRoundStatus.REVIEWING
    )
    schools = list(selectors.schools_in_scope(user).order_by("name"))
    return render_page(
        request,
        "people/eaglet_nominations.html",
        _("{year}年度“技能雏鹰”推荐名单").format(year=round_.year),
        r=round_,
        rows=[
            {"n": n, "opinions": list(eaglet_selectors.opinions(n).values())} for n in nominations
        ],
        stages=EagletStage.labels,
        stage_label=EagletStage(stage).label if stage else "",
        filters=f,
        statuses=NominationStatus.choices,
        schools=schools if len(schools) > 1 else [],
        can_review=can_review,
        can_pick=can_pick,
        selectable=can_review or can_pick,
        query=request.GET.urlencode(),
    )


def _resolve_student(user: Any, form: NominateForm) -> Student | None:
    """The student a nomination form names (by 身份证号 or 学号, checked against the name)."""
    who = normalise(form.cleaned_data["who"])
    if selectors.looks_like_id_number(who):
        student = selectors.person_by_id_number(Student.objects, user, who)
    else:
        matches = list(
            Student.objects.visible_to(user).select_related("school").filter(student_number=who)[:2]
        )
        if len(matches) > 1:
            form.add_error("who", _("多所学校有该学号的学生，请填写身份证号"))
            return None
        student = matches[0] if matches else None
    if student is None:
        form.add_error("who", _("学生库中没有该学生（或不在您可以推荐的学校），请先登记学生"))
        return None
    if normalise(student.name) != normalise(form.cleaned_data["name"]):
        form.add_error(
            "name", _("姓名与学生库不符（学生库中为“{student}”）").format(student=student.name)
        )
        return None
    return student


def eaglet_nominate(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_MANAGE)
    round_ = eaglet_selectors.round_get(pk)
    chosen = int_param(request.GET.get("student") or request.POST.get("student"))
    student = selectors.student_get(request.user, chosen) if chosen else None
    form = NominateForm(request.POST or None)
    if student is not None:
        for name in ("who", "name"):
            form.fields[name].required = False
            form.fields[name].widget = forms.HiddenInput()
    if request.method == "POST" and form.is_valid():
        if student is None:
            student = _resolve_student(request.user, form)
        if student is not None:
            target = student
            ok, nomination = call_service(
                request,
                lambda: eaglet_services.eaglet_nominate(
                    user=request.user,
                    round_=round_,
                    student=target,
                    reasons=form.cleaned_data["reasons"],
                    achievements=form.cleaned_data["achievements"],
                ),
                _("已推荐 {student}").format(student=target.name),
            )
            if ok:
                return redirect(reverse("admin:people-nomination", args=[nomination.pk]))
    intro = (
        _("推荐{student}（{school}，{major}）").format(
            student=student.name, school=student.school.name, major=student.major
        )
        if student is not None
        else _("填写学生的身份证号或学号，并核对姓名。")
    )
    return form_page(
        request,
        title=_("推荐学生 · {title}").format(title=round_.title),
        form=form,
        cancel=_round_url(round_),
        intro=_("{intro}推荐时间：{opens} 至 {closes}。").format(
            intro=intro, opens=round_.nomination_opens, closes=round_.nomination_closes
        ),
    )


@require_POST
def eaglet_review_many(request: AuthedRequest, pk: int) -> HttpResponse:
    """Several nominations at once: a bureau's 同意 (or 不同意 with a reason), or the office's
    pick (拟表彰)."""
    require(request, Capability.PEOPLE_DECIDE)
    round_ = eaglet_selectors.round_get(pk)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdecimal()]
    chosen = list(
        EagletNomination.objects.visible_to(request.user).filter(round=round_, pk__in=ids)
    )
    action = request.POST.get("action", "")
    back = reverse("admin:people-eaglet-nominations", args=[round_.pk])
    if request.POST.get("query"):
        back += "?" + request.POST["query"]
    if action == "pick":
        if not request.user.sees_all_units:
            raise PermissionDenied(_("只有工作专班可以确定拟表彰名单"))
        call_service(
            request,
            lambda: eaglet_services.eaglet_propose_many(user=request.user, nominations=chosen),
            _("已确定拟表彰 {count} 人").format(count=len(chosen)),
        )
    else:
        agreed = action == "agree"
        call_service(
            request,
            lambda: eaglet_services.eaglet_review_many(
                user=request.user,
                nominations=chosen,
                agreed=agreed,
                comment=request.POST.get("comment", "")[:300],
            ),
            _("已提交 {count} 条联审意见").format(count=len(chosen)),
        )
    return redirect(back)


def eaglet_export(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    round_ = eaglet_selectors.round_get(pk)
    content = eaglet_documents.nominations_export(
        user=request.user, round_=round_, filters=_nomination_filters(request)
    )
    return download(content, _("{year}年技能雏鹰推荐名单.xlsx").format(year=round_.year))


def eaglet_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    round_ = eaglet_selectors.round_get(pk)
    ok, content = call_service(
        request, lambda: eaglet_documents.notice_download(user=request.user, round_=round_)
    )
    if not ok:
        return redirect(_round_url(round_))
    if round_.status == EagletRoundStatus.NOTICE:
        filename = _("{year}年技能雏鹰公示.docx").format(year=round_.year)
    else:
        filename = _("{year}年技能雏鹰名单.docx").format(year=round_.year)
    return download(content, filename, DOCX_CONTENT_TYPE)


# ---------------------------------------------------------------- one nomination


def nomination_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.PEOPLE_VIEW)
    user = request.user
    n = eaglet_selectors.nomination_get(user, pk)
    round_ = n.round
    status = EagletRoundStatus(round_.status)
    stage = round_.stage_of(user.unit_id)
    opinions = eaglet_selectors.opinions(n)
    is_office = user.can(Capability.PEOPLE_DECIDE) and user.sees_all_units
    can_review = (
        user.can(Capability.PEOPLE_DECIDE)
        and stage is not None
        and opinions.get(stage) is None
        and n.status == NominationStatus.NOMINATED
        and status in eaglet_services.REVIEWABLE_ROUND
    )
    objections = list(n.objections.all())
    return render_page(
        request,
        "people/eaglet_nomination.html",
        _("推荐 · {student}").format(student=n.student.name),
        n=n,
        r=round_,
        opinions=[(EagletStage(s).label, o) for s, o in opinions.items()],
        review_form=ReviewForm() if can_review else None,
        stage_label=EagletStage(stage).label if stage else "",
        can_withdraw=user.can(Capability.PEOPLE_MANAGE)
        and n.status in eaglet_services.WITHDRAWABLE
        and status in eaglet_services.REVIEWABLE_ROUND,
        withdraw_form=WithdrawForm(),
        can_pick=is_office
        and status == EagletRoundStatus.REVIEWING
        and n.status == NominationStatus.ENDORSED,
        can_unpick=is_office
        and status == EagletRoundStatus.REVIEWING
        and n.status == NominationStatus.PROPOSED,
        objection_form=ObjectionForm(initial={"received_on": timezone.localdate()})
        if is_office
        and status == EagletRoundStatus.NOTICE
        and n.status == NominationStatus.PROPOSED
        else None,
        objections=[
            {
                "o": o,
                "form": ResolveForm()
                if is_office
                and o.outcome == ObjectionOutcome.PENDING
                and status == EagletRoundStatus.NOTICE
                else None,
            }
            for o in objections
        ],
    )


def _nomination_action(
    request: AuthedRequest,
    pk: int,
    capability: Capability,
    run: Any,
    done: str,
    form_class: type[forms.Form] | None = None,
) -> HttpResponse:
    require(request, capability)
    n = eaglet_selectors.nomination_get(request.user, pk)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect(reverse("admin:people-nomination", args=[n.pk]))
        data = form.cleaned_data
    call_service(request, lambda: run(n, data), done)
    return redirect(reverse("admin:people-nomination", args=[n.pk]))


@require_POST
def nomination_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _nomination_action(
        request,
        pk,
        Capability.PEOPLE_DECIDE,
        lambda n, d: eaglet_services.eaglet_review(user=request.user, nomination=n, **d),
        _("已提交联审意见"),
        ReviewForm,
    )


@require_POST
def nomination_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    return _nomination_action(
        request,
        pk,
        Capability.PEOPLE_MANAGE,
        lambda n, d: eaglet_services.eaglet_withdraw(user=request.user, nomination=n, **d),
        _("已撤回推荐"),
        WithdrawForm,
    )


@require_POST
def nomination_propose(request: AuthedRequest, pk: int) -> HttpResponse:
    require_office(request)
    return _nomination_action(
        request,
        pk,
        Capability.PEOPLE_DECIDE,
        lambda n, d: eaglet_services.eaglet_propose(user=request.user, nomination=n),
        _("已确定为拟表彰"),
    )


@require_POST
def nomination_unpropose(request: AuthedRequest, pk: int) -> HttpResponse:
    require_office(request)
    return _nomination_action(
        request,
        pk,
        Capability.PEOPLE_DECIDE,
        lambda n, d: eaglet_services.eaglet_unpropose(user=request.user, nomination=n),
        _("已取消拟表彰"),
    )


@require_POST
def nomination_objection(request: AuthedRequest, pk: int) -> HttpResponse:
    require_office(request)
    return _nomination_action(
        request,
        pk,
        Capability.PEOPLE_DECIDE,
        lambda n, d: eaglet_services.eaglet_objection_record(user=request.user, nomination=n, **d),
        _("已登记异议"),
        ObjectionForm,
    )


@require_POST
def objection_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    require_office(request)
    objection = eaglet_selectors.objection_get(request.user, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        call_service(
            request,
            lambda: eaglet_services.eaglet_objection_resolve(
                user=request.user, objection=objection, **form.cleaned_data
            ),
            _("已记录核查结论"),
        )
    return redirect(reverse("admin:people-nomination", args=[objection.nomination_id]))
