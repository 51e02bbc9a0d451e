"""Pages of the credit bank for the learner (学习者: their own account only) and the application
page every party shares. Each view parses input, checks the capability, finds the object through
``visible_to`` (out of scope: 404), calls one service and renders.

Personal data appears masked; the learner sees their own 身份证号 masked too (first 6, last 4).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhijiao.core.errors import ServiceError
from zhijiao.core.pages import AuthedRequest, int_param, render_page, report_error, require
from zhijiao.core.scope import get_visible_or_404
from zhijiao.orgs.roles import Capability

from . import credentials, selectors, services, transcripts
from .data import (
    SUBMITTABLE,
    WITHDRAWABLE,
    ApplicationStatus,
    Decision,
    ObjectionStatus,
)
from .forms import ApplyForm, ObjectionForm, OutcomeForm
from .models import Application, Learner, Objection, Outcome, TranscriptShare

ANY_CREDIT = (
    Capability.CREDIT_LEARN,
    Capability.CREDIT_SUBMIT,
    Capability.CREDIT_REVIEW,
    Capability.CREDIT_BANK,
)


def _own_learner(request: AuthedRequest) -> Learner | None:
    require(request, Capability.CREDIT_LEARN)
    return selectors.learner_of_user(request.user)


class NoAccount(Exception):
    """The signed-in learner has no account yet: every portal page says so (and how to get
    one) rather than failing."""


def _own_learner_or_404(request: AuthedRequest) -> Learner:
    learner = _own_learner(request)
    if learner is None:
        raise NoAccount
    return learner


def no_account(request: AuthedRequest) -> HttpResponse:
    return render_page(request, "creditbank/portal.html", _("我的学分银行"), learner=None)


def learner_page(view: Any) -> Any:
    """A portal page: the learner's own account, or the page that says there is none."""
    import functools

    @functools.wraps(view)
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except NoAccount:
            return no_account(request)
        return response

    return wrapped


def _call(request: AuthedRequest, run: Any, done: str = "") -> tuple[bool, Any]:
    try:
        result = run()
    except ServiceError as error:
        report_error(request, error)
        return False, None
    if done:
        messages.success(request, done)
    return True, result


def decisions_of(application: Application) -> list[Decision]:
    """The engine's explanation shown with an application: the frozen result once the bank
    approved it, the preview made at submission before that, a fresh evaluation for a draft."""
    frozen = application.result or application.preview
    if frozen:
        return [Decision.from_dict(d) for d in frozen.get("decisions", [])]
    if application.status in SUBMITTABLE:
        return list(selectors.application_evaluate(application).decisions)
    return []


# ---------------------------------------------------------------- learner portal


def portal(request: AuthedRequest) -> HttpResponse:
    """The learner's own account: masked card, outcomes, applications, credits."""
    learner = _own_learner(request)
    if learner is None:
        return render_page(request, "creditbank/portal.html", _("我的学分银行"), learner=None)
    transcript = selectors.learner_transcript(learner)
    applications = list(
        Application.objects.visible_to(request.user)
        .filter(learner=learner)
        .select_related("programme__school")
        .order_by("-created_at", "-pk")
    )
    return render_page(
        request,
        "creditbank/portal.html",
        _("我的学分银行"),
        learner=learner,
        card=selectors.learner_card(learner),
        outcomes=Outcome.objects.visible_to(request.user)
        .filter(learner=learner)
        .select_related("certificate", "course"),
        applications=applications,
        transcript=transcript,
        withdrawable=set(WITHDRAWABLE),
    )


@learner_page
def my_outcome_new(request: AuthedRequest) -> HttpResponse:
    learner = _own_learner_or_404(request)
    return _outcome_form(request, learner, reverse("admin:creditbank-portal"))


def _outcome_form(request: AuthedRequest, learner: Learner, back: str) -> HttpResponse:
    form = OutcomeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ok, outcome = _call(
            request,
            lambda: services.outcome_record(
                user=request.user,
                learner=learner,
                data=form.outcome_data(),
                evidence=form.cleaned_data.get("evidence"),
            ),
        )
        if ok:
            messages.success(request, _("已登记学习成果：%(o)s") % {"o": outcome.described})
            return redirect(back)
    return render_page(
        request,
        "creditbank/form.html",
        _("登记学习成果"),
        form=form,
        cancel=back,
        multipart=True,
        intro=_(
            "证书须在学分银行证书目录中，并选择证书实际颁发的等级；课程学分请选择课程；"
            "培训、竞赛获奖和其他成果请填写名称和颁发机构。"
        ),
    )


@learner_page
def apply(request: AuthedRequest) -> HttpResponse:
    """The learner chooses a programme and outcomes; "预评估" shows what the engine would grant
    (nothing is saved), "提交申请" creates and submits the application."""
    learner = _own_learner_or_404(request)
    outcomes = Outcome.objects.visible_to(request.user).filter(learner=learner)
    form = ApplyForm(request.POST or None, outcomes=outcomes)
    preview = None
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        chosen = list(form.cleaned_data["outcomes"])
        if request.POST.get("preview"):
            from . import engine

            preview = engine.evaluate(
                selectors.learner_state(learner, programme, timezone.localdate()),
                [selectors.outcome_fact(o) for o in chosen],
                selectors.programme_spec(programme),
                timezone.localdate(),
                selectors.published_rules(programme),
            )
        else:

            def create_and_submit() -> Application:
                with transaction.atomic():
                    application = services.application_create(
                        user=request.user, learner=learner, programme=programme, outcomes=chosen
                    )
                    return services.application_submit(user=request.user, application=application)

            ok, application = _call(request, create_and_submit)
            if ok:
                messages.success(
                    request, _("申请 %(n)s 已提交，等待学校审核") % {"n": application.number}
                )
                return redirect(reverse("admin:creditbank-application", args=[application.pk]))
    return render_page(
        request,
        "creditbank/apply.html",
        _("申请学分认定"),
        form=form,
        preview=preview,
        has_outcomes=outcomes.exists(),
    )


@learner_page
def transcript(request: AuthedRequest) -> HttpResponse:
    """The learner's transcript, their verification codes and the exports."""
    learner = _own_learner_or_404(request)
    shares = list(
        TranscriptShare.objects.visible_to(request.user)
        .filter(learner=learner)
        .prefetch_related("records")
        .order_by("-created_at", "-pk")
    )
    return render_page(
        request,
        "creditbank/transcript.html",
        _("我的成绩单"),
        learner=learner,
        transcript=selectors.learner_transcript(learner),
        shares=[(s, selectors.verify(s.code)) for s in shares[:20]],
        name_history=selectors.name_history(learner),
    )


@require_POST
@learner_page
def share_new(request: AuthedRequest) -> HttpResponse:
    learner = _own_learner_or_404(request)
    ok, share = _call(
        request, lambda: services.transcript_share_create(user=request.user, learner=learner)
    )
    if ok:
        messages.success(
            request,
            _("已生成核验码 %(c)s，可下载 PDF 成绩单或把核验码告诉用人单位")
            % {"c": transcripts.formatted_code(share.code)},
        )
    return redirect(reverse("admin:creditbank-transcript"))


@require_POST
def share_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, Capability.CREDIT_LEARN, Capability.CREDIT_BANK)
    share = get_visible_or_404(TranscriptShare.objects.all(), request.user, pk=pk)
    reason = request.POST.get("reason", "").strip() or _("学习者撤回分享")
    _call(
        request,
        lambda: services.transcript_share_revoke(user=request.user, share=share, reason=reason),
        _("已撤销该核验码，核验时将显示“已撤销”"),
    )
    if request.user.can(Capability.CREDIT_LEARN):
        return redirect(reverse("admin:creditbank-transcript"))
    return redirect(reverse("admin:creditbank-learner", args=[share.learner_id]))


def verify_url(request: AuthedRequest | Any, code: str) -> str:
    return str(
        request.build_absolute_uri(reverse("api-v1:creditbank_verify", kwargs={"code": code}))
    )


def share_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The PDF transcript of a share, with its QR code (the learner's own, or in a reviewer's
    scope)."""
    require(request, Capability.CREDIT_LEARN, Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK)
    share = get_visible_or_404(
        TranscriptShare.objects.select_related("learner"), request.user, pk=pk
    )
    answer = selectors.verify(share.code)
    content = transcripts.transcript_pdf(share, answer, verify_url(request, share.code))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, _("成绩单-{code}.pdf").format(code=share.code)
    )
    response["Cache-Control"] = "no-store"
    return response


@learner_page
def credentials_export(request: AuthedRequest) -> HttpResponse:
    """The learner's standing credits as signed Open Badges 3.0 credentials (JSON)."""
    learner = _own_learner_or_404(request)
    document = credentials.export_document(learner, issued=timezone.now())
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _("学分凭证-{account}.json").format(account=learner.account_number)
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- the application page


def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, *ANY_CREDIT)
    application = selectors.application_get(request.user, pk)
    user = request.user
    status = application.status
    own = user.can(Capability.CREDIT_LEARN)
    return render_page(
        request,
        "creditbank/application.html",
        _("学分认定申请 %(n)s") % {"n": application},
        a=application,
        card=selectors.learner_card(application.learner),
        outcomes=application.outcomes.select_related("certificate", "course").order_by("pk"),
        decisions=decisions_of(application),
        summary=(application.result or application.preview).get("summary", ""),
        timeline=selectors.application_timeline(application),
        objections=list(application.objections.select_related("recorded_by").order_by("pk")),
        records=list(application.records.select_related("course").order_by("pk")),
        can_submit=status in SUBMITTABLE
        and (own or user.can(Capability.CREDIT_SUBMIT) or user.can(Capability.CREDIT_BANK)),
        can_withdraw=status in WITHDRAWABLE
        and (own or user.can(Capability.CREDIT_SUBMIT) or user.can(Capability.CREDIT_BANK)),
        can_school=status == ApplicationStatus.SUBMITTED
        and user.can(Capability.CREDIT_REVIEW)
        and application.school_id == user.unit_id,
        can_bank=status == ApplicationStatus.SCHOOL_APPROVED and user.can(Capability.CREDIT_BANK),
        can_notice=status == ApplicationStatus.BANK_APPROVED and user.can(Capability.CREDIT_BANK),
        can_object=status == ApplicationStatus.IN_NOTICE
        and (user.can(Capability.CREDIT_BANK) or application.school_id == user.unit_id)
        and not own,
        can_credit=status == ApplicationStatus.IN_NOTICE and user.can(Capability.CREDIT_BANK),
        can_resolve=user.can(Capability.CREDIT_BANK),
        can_revoke=status == ApplicationStatus.CREDITED and user.can(Capability.CREDIT_BANK),
        objection_form=ObjectionForm(),
        open_status=ObjectionStatus.OPEN,
        notice_days=services.notice_days(),
    )


ACTIONS = (
    "submit",
    "withdraw",
    "school",
    "bank",
    "notice",
    "objection",
    "resolve",
    "credit",
    "revoke",
)


@require_POST
def application_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow on one application, by a service (which checks the role and
    the state and writes the audit row)."""
    require(request, *ANY_CREDIT)
    if action not in ACTIONS:
        raise Http404(_("未知的操作"))
    application = selectors.application_get(request.user, pk)
    user = request.user
    post = request.POST
    comment = post.get("comment", "").strip()[:500]
    runs: dict[str, tuple[Any, str]] = {
        "submit": (
            lambda: services.application_submit(user=user, application=application),
            _("已提交，等待学校审核"),
        ),
        "withdraw": (
            lambda: services.application_withdraw(
                user=user, application=application, reason=comment
            ),
            _("已撤回申请"),
        ),
        "school": (
            lambda: services.application_school_review(
                user=user,
                application=application,
                decision=post.get("decision", ""),
                comment=comment,
            ),
            _("已提交学校审核结论"),
        ),
        "bank": (
            lambda: services.application_bank_review(
                user=user,
                application=application,
                decision=post.get("decision", ""),
                comment=comment,
            ),
            _("已提交学分银行审核结论"),
        ),
        "notice": (
            lambda: services.application_notice_start(
                user=user, applications=[application], days=int_param(post.get("days"), digits=3)
            ),
            _("已发布公示"),
        ),
        "objection": (
            lambda: services.objection_record(
                user=user,
                application=application,
                source=post.get("source", ""),
                text=post.get("text", ""),
            ),
            _("已登记异议，处理完毕前暂不入账"),
        ),
        "resolve": (
            lambda: services.objection_resolve(
                user=user,
                objection=_objection(application, post.get("objection")),
                upheld=post.get("upheld") == "1",
                resolution=post.get("resolution", ""),
            ),
            _("已处理异议"),
        ),
        "credit": (
            lambda: services.application_credit(user=user, application=application),
            _("已入账"),
        ),
        "revoke": (
            lambda: services.credit_revoke(
                user=user, application=application, reason=post.get("reason", "")
            ),
            _("已撤销认定，成绩单和核验将显示撤销理由"),
        ),
    }
    run, done = runs[action]
    try:
        run()
    except ServiceError as error:
        if error.status_code == 404:
            raise Http404(error.message) from error
        report_error(request, error)
    else:
        messages.success(request, done)
    return redirect(reverse("admin:creditbank-application", args=[pk]))


def _objection(application: Application, value: str | None) -> Objection:
    text = (value or "").strip()
    objection = (
        application.objections.filter(pk=int(text)).first()
        if text.isdecimal() and len(text) < 10
        else None
    )
    if objection is None:
        raise Http404(_("未找到该异议"))
    return objection
