"""Reads of the credit bank: scoped lists and details, the values the rule engine takes, the
dry run of a rule, a learner's transcript, and the answer to a verification code.

Everything a user may see goes through a model's ``visible_to`` (a learner sees only their own
account); an object outside the user's scope is a 404, exactly like a missing one. Personal
data leaves here masked unless :func:`learner_unmasked` says otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhijiao.core.cache import Snapshot, snapshot
from zhijiao.core.errors import ServiceError
from zhijiao.core.personal import mask_id_number, mask_name, mask_phone, normalise
from zhijiao.core.scope import get_visible_or_404, scope_key
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import Capability, Role, require_capability

from . import engine, ledger
from .data import (
    BANK_QUEUE,
    VERIFY_MESSAGES,
    ApplicationStatus,
    CreditErrorCode,
    Evaluation,
    InputSpec,
    LearnerState,
    LedgerKind,
    OutcomeFact,
    OutputSpec,
    ProgrammeSpec,
    RuleSpec,
    RuleStatus,
    Verification,
    VerifiedRecord,
    VerifyStatus,
    format_credits,
)
from .models import (
    Application,
    ApplicationEvent,
    ConversionRule,
    CreditRecord,
    Learner,
    LedgerEntry,
    NameCorrection,
    Outcome,
    Programme,
    RuleInput,
    RuleOutput,
    TranscriptShare,
)
from .sealing import unseal_or_placeholder

# ---------------------------------------------------------------- scope


def learners_visible(user: Any) -> QuerySet[Learner]:
    return Learner.objects.visible_to(user).select_related("school")


def learner_get(user: Any, pk: int) -> Learner:
    """A learner the user may see, or 404."""
    return get_visible_or_404(Learner.objects.select_related("school"), user, pk=pk)


def learner_of_user(user: Any) -> Learner | None:
    """The signed-in learner's own account, if they have one."""
    if user is None or not user.is_authenticated or user.role != Role.LEARNER:
        return None
    return Learner.objects.filter(user=user).select_related("school").first()


def applications_visible(user: Any) -> QuerySet[Application]:
    return Application.objects.visible_to(user).select_related(
        "learner", "programme__school", "school"
    )


def application_get(user: Any, pk: int) -> Application:
    return get_visible_or_404(
        Application.objects.select_related("learner", "programme__school", "school"), user, pk=pk
    )


def review_queue(user: Any) -> QuerySet[Application]:
    """What waits for the user: a school's submitted applications addressed to it; the bank's
    school-approved ones, bank-approved ones to notice and noticed ones to credit."""
    qs = applications_visible(user)
    if user.can(Capability.CREDIT_BANK):
        return qs.filter(status__in=BANK_QUEUE).order_by("submitted_at", "pk")
    if user.can(Capability.CREDIT_REVIEW):
        return qs.filter(school_id=user.unit_id, status=ApplicationStatus.SUBMITTED).order_by(
            "submitted_at", "pk"
        )
    return qs.none()


def application_timeline(application: Application) -> list[ApplicationEvent]:
    return list(application.events.select_related("actor").order_by("at", "pk"))


def schools_in_scope(user: Any) -> QuerySet[Unit]:
    """The schools for whose learners the user may open accounts."""
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True)
    if user.can(Capability.CREDIT_BANK):
        return schools
    if user.can(Capability.CREDIT_SUBMIT) and user.unit_id is not None:
        return schools.filter(pk=user.unit_id)
    return schools.none()


# ---------------------------------------------------------------- display of personal data


@dataclass(frozen=True)
class LearnerCard:
    """A learner as pages show them by default: masked."""

    pk: int
    account_number: str
    name: str
    id_number: str
    phone: str
    school: str
    erased: bool


def learner_card(learner: Learner) -> LearnerCard:
    if learner.is_erased:
        return LearnerCard(
            learner.pk, learner.account_number, _("（已删除）"), "", "", "", erased=True
        )
    return LearnerCard(
        pk=learner.pk,
        account_number=learner.account_number,
        name=mask_name(learner.name),
        id_number=mask_id_number(learner.id_number),
        phone=mask_phone(learner.phone) if learner.phone else "",
        school=learner.school.name if learner.school else "",
        erased=False,
    )


def learner_find(user: Any, *, id_number: str = "", phone: str = "") -> Learner | None:
    """A learner in the user's scope found by a full 身份证号 or phone (through the digests)."""
    from zhijiao.core.personal import lookup_digest

    from .data import ID_PURPOSE, PHONE_PURPOSE

    qs = Learner.objects.visible_to(user)
    if id_number:
        return qs.filter(id_lookup=lookup_digest(id_number, purpose=ID_PURPOSE)).first()
    if phone:
        digits = "".join(ch for ch in phone if ch.isdecimal())
        return qs.filter(phone_lookup=lookup_digest(digits, purpose=PHONE_PURPOSE)).first()
    return None


def name_history(learner: Learner) -> list[tuple[dt.datetime, str, str, str]]:
    """(when, old name, new name, reason) of every correction; names read with the learner's key
    (“（已删除）” once it is destroyed). For the learner and the bank only."""
    return [
        (
            c.corrected_at,
            unseal_or_placeholder(learner, c.old_name_sealed),
            unseal_or_placeholder(learner, c.new_name_sealed),
            c.reason,
        )
        for c in NameCorrection.objects.filter(learner=learner).order_by("corrected_at", "pk")
    ]


# ---------------------------------------------------------------- engine inputs


def programme_spec(programme: Programme) -> ProgrammeSpec:
    return ProgrammeSpec(
        key=str(programme.pk),
        code=programme.major_code,
        name=programme.major_name,
        school=programme.school.name,
        total_credits=programme.total_credits,
    )


def outcome_fact(outcome: Outcome) -> OutcomeFact:
    return OutcomeFact(
        id=outcome.pk,
        content_key=outcome.content_key,
        label=outcome.label,
        level=outcome.level,
        level_name=outcome.level_name,
        obtained_on=outcome.obtained_on,
        expires_on=outcome.expires_on,
    )


def record_fact(record: CreditRecord) -> OutcomeFact:
    """A banked course as an outcome, for rules of another school (mutual recognition)."""
    return OutcomeFact(
        id=record.pk,
        content_key=f"course:{record.course_id}",
        label=_("{school}课程 {course}").format(
            school=record.programme.school.short_name or record.programme.school.name,
            course=record.course.name,
        ),
        level=0,
        level_name="",
        obtained_on=record.credited_on,
    )


def _rules_queryset() -> QuerySet[ConversionRule]:
    return ConversionRule.objects.select_related("programme__school").prefetch_related(
        Prefetch(
            "inputs",
            queryset=RuleInput.objects.select_related("certificate", "course").order_by(
                "position", "pk"
            ),
        ),
        Prefetch(
            "outputs",
            queryset=RuleOutput.objects.select_related("course").order_by("position", "pk"),
        ),
    )


def rule_spec(rule: ConversionRule) -> RuleSpec:
    inputs = tuple(
        InputSpec(content_key=_input_key(i), min_level=i.min_level, label=i.label)
        for i in rule.inputs.all()
    )
    outputs = tuple(
        OutputSpec(course_code=o.course.code, course_name=o.course.name, credits=o.credits)
        for o in rule.outputs.all()
    )
    return RuleSpec(
        id=rule.pk,
        code=rule.code,
        version=rule.version,
        title=rule.title,
        programme_key=str(rule.programme_id),
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
        inputs=inputs,
        outputs=outputs,
        max_share_percent=rule.max_share_percent,
        yearly_cap=rule.yearly_cap,
        max_age_years=rule.max_age_years,
    )


def _input_key(rule_input: RuleInput) -> str:
    if rule_input.certificate is not None:
        return rule_input.certificate.content_key
    if rule_input.course_id is not None:
        return f"course:{rule_input.course_id}"
    return rule_input.content_key


def published_rules(programme: Programme) -> list[RuleSpec]:
    """Every published version of the programme's rules (the engine picks by date)."""
    return [
        rule_spec(r)
        for r in _rules_queryset().filter(programme=programme, status=RuleStatus.PUBLISHED)
    ]


def rule_with_versions(code: str) -> list[ConversionRule]:
    return list(_rules_queryset().filter(code=code).order_by("version"))


def _standing(records: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    return records.filter(revoked_at__isnull=True)


def learner_states(
    learners: Sequence[Learner], programme: Programme, on_date: dt.date
) -> dict[int, LearnerState]:
    """What each learner has banked, as the engine needs it, in three queries in all."""
    ids = [learner.pk for learner in learners]
    records = list(
        _standing(CreditRecord.objects.filter(learner_id__in=ids))
        .select_related("course", "application")
        .only(
            "learner_id",
            "programme_id",
            "credits",
            "credited_on",
            "content_keys",
            "course__code",
            "application__number",
        )
    )
    programme_total: dict[int, Decimal] = defaultdict(Decimal)
    year_total: dict[int, Decimal] = defaultdict(Decimal)
    courses: dict[int, set[str]] = defaultdict(set)
    used: dict[int, dict[str, str]] = defaultdict(dict)
    for r in records:
        if r.credited_on.year == on_date.year:
            year_total[r.learner_id] += r.credits
        if r.programme_id != programme.pk:
            continue
        programme_total[r.learner_id] += r.credits
        courses[r.learner_id].add(r.course.code)
        where = (
            _("申请 {number}").format(number=r.application.number)
            if r.application is not None
            else _("学分互认")
        )
        for key in r.content_keys:
            used[r.learner_id].setdefault(key, where)
    return {
        learner.pk: LearnerState(
            account=learner.account_number,
            banked_in_programme=programme_total[learner.pk],
            banked_in_year=year_total[learner.pk],
            credited_courses=frozenset(courses[learner.pk]),
            used_content=dict(used[learner.pk]),
        )
        for learner in learners
    }


def learner_state(learner: Learner, programme: Programme, on_date: dt.date) -> LearnerState:
    return learner_states([learner], programme, on_date)[learner.pk]


def application_evaluate(application: Application, *, on_date: dt.date | None = None) -> Evaluation:
    """The engine's answer for an application on a date (today by default), under the
    programme's published rules and what the learner has banked. Reads only."""
    on_date = on_date or timezone.localdate()
    programme = application.programme
    outcomes = [
        outcome_fact(o)
        for o in application.outcomes.select_related("certificate", "course").order_by("pk")
    ]
    return engine.evaluate(
        learner_state(application.learner, programme, on_date),
        outcomes,
        programme_spec(programme),
        on_date,
        published_rules(programme),
    )


def rule_dry_run(
    *,
    user: Any,
    rule: ConversionRule,
    learners: Iterable[Learner],
    on_date: dt.date | None = None,
) -> list[tuple[Learner, Evaluation]]:
    """What one rule (draft or published) would convert for each learner, from all their
    outcomes, on a date within its validity (its first day when today is outside it). Writes
    nothing: for trying a rule out before publishing it."""
    if not (user.can(Capability.CREDIT_BANK) or user.can(Capability.CREDIT_REVIEW)):
        require_capability(user, Capability.CREDIT_BANK, _("您的角色不能试算转换规则"))
    rule = _rules_queryset().get(pk=rule.pk)
    if not user.can(Capability.CREDIT_BANK) and rule.programme.school_id != user.unit_id:
        raise ServiceError(
            CreditErrorCode.NOT_ALLOWED, _("只能试算本校专业的规则"), status_code=403
        )
    spec = rule_spec(rule)
    if on_date is None:
        today = timezone.localdate()
        on_date = today if spec.in_effect(today) else spec.valid_from
    visible = list(
        Learner.objects.visible_to(user)
        .filter(pk__in=[learner.pk for learner in learners])
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.select_related("certificate", "course").order_by("pk"),
            )
        )
        .order_by("pk")
    )
    states = learner_states(visible, rule.programme, on_date)
    programme = programme_spec(rule.programme)
    return [
        (
            learner,
            engine.evaluate(
                states[learner.pk],
                [outcome_fact(o) for o in learner.outcomes.all()],
                programme,
                on_date,
                [spec],
            ),
        )
        for learner in visible
    ]


# ---------------------------------------------------------------- transcript


@dataclass(frozen=True)
class TranscriptLine:
    record_id: int
    programme: str
    course_code: str
    course: str
    credits: Decimal
    credited_on: dt.date
    rule: str
    source: str  # "申请 XF2025000012" or "学分互认（江阴中专）"
    ledger_seq: int
    revoked: bool
    revoke_reason: str


@dataclass(frozen=True)
class Transcript:
    account: str
    name: str  # masked
    lines: tuple[TranscriptLine, ...]
    total: Decimal  # standing credits only
    revoked: int

    @property
    def total_text(self) -> str:
        return format_credits(self.total)


def learner_transcript(learner: Learner) -> Transcript:
    """Every credit of a learner, standing and revoked, oldest first; two queries whatever the
    number of records (plain values, not model instances: a transcript may list hundreds)."""
    rows = list(
        CreditRecord.objects.filter(learner=learner)
        .order_by("credited_on", "pk")
        .values_list(
            "pk",
            "programme_id",
            "course__code",
            "course__name",
            "credits",
            "credited_on",
            "rule_code",
            "rule_version",
            "application__number",
            "recognition__source_school__short_name",
            "recognition__source_school__name",
            "entry__seq",
            "revoked_at",
            "revoke_reason",
        )
    )
    programmes = {
        p.pk: str(p)
        for p in Programme.objects.filter(pk__in={r[1] for r in rows}).select_related("school")
    }
    lines = tuple(
        TranscriptLine(
            record_id=pk,
            programme=programmes[programme_id],
            course_code=course_code,
            course=course_name,
            credits=credits,
            credited_on=credited_on,
            rule=_("{code} 第 {version} 版").format(code=rule_code, version=rule_version),
            source=_("申请 {number}").format(number=number)
            if number
            else _("学分互认（{school}）").format(school=short or school),
            ledger_seq=seq,
            revoked=revoked_at is not None,
            revoke_reason=reason,
        )
        for (
            pk,
            programme_id,
            course_code,
            course_name,
            credits,
            credited_on,
            rule_code,
            rule_version,
            number,
            short,
            school,
            seq,
            revoked_at,
            reason,
        ) in rows
    )
    return Transcript(
        account=learner.account_number,
        name=_("（已删除）") if learner.is_erased else mask_name(learner.name),
        lines=lines,
        total=sum((line.credits for line in lines if not line.revoked), Decimal(0)),
        revoked=sum(1 for line in lines if line.revoked),
    )


def ledger_entries_of(account: str) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(account=account).order_by("seq")


# ---------------------------------------------------------------- verification


def share_digest(account: str, records: Sequence[CreditRecord]) -> str:
    """SM3 over what a share states: the account and, per record, its course, credits, date and
    the hash of the ledger entry that credited it."""
    statement = ledger.canonical_json(
        {
            "account": account,
            "records": [
                [
                    r.pk,
                    r.programme_id,
                    r.course.code,
                    r.course.name,
                    str(r.credits),
                    r.credited_on.isoformat(),
                    r.entry.hash,
                ]
                for r in sorted(records, key=lambda r: r.pk)
            ],
        }
    )
    return hashlib.new("sm3", statement.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return normalise(code).replace("-", "")


def _record_matches_ledger(record: CreditRecord, account: str) -> bool:
    """The record agrees with the ledger entry that credited it, which is itself intact; and, if
    revoked, with the entry that revoked it."""
    entry = record.entry
    if entry.account != account or not ledger.entry_intact(entry):
        return False
    payload = ledger.payload_of(entry)
    expected = {
        "course_code": record.course.code,
        "credits": format_credits(record.credits),
        "programme": record.programme_id,
    }
    courses = payload.get("courses", [])
    if not any(
        isinstance(c, dict) and {k: c.get(k) for k in expected} == expected for c in courses
    ):
        return False
    if entry.kind not in (LedgerKind.CREDIT, LedgerKind.RECOGNISE):
        return False
    if record.revoke_entry is not None:
        revoke = record.revoke_entry
        if not ledger.entry_intact(revoke) or record.pk not in ledger.payload_of(revoke).get(
            "records", []
        ):
            return False
    elif record.revoked_at is not None:
        return False
    return True


def verify(code: str) -> Verification:
    """The answer for a transcript's verification code (public): genuine, current, revoked — and
    only the data shared (masked name, account number, the shared records). A record that no
    longer agrees with the ledger, or a share whose content changed, is reported as altered."""
    share = (
        TranscriptShare.objects.select_related("learner", "replaced_by")
        .filter(code=normalise_code(code))
        .first()
    )
    if share is None:
        return _answer(VerifyStatus.NOT_FOUND, genuine=False, current=False, revoked=False)
    learner = share.learner
    if learner.is_erased:
        return _answer(VerifyStatus.ERASED, genuine=False, current=False, revoked=True, share=share)
    records = list(
        share.records.select_related(
            "course", "programme__school", "entry", "revoke_entry"
        ).order_by("credited_on", "pk")
    )
    altered = [r for r in records if not _record_matches_ledger(r, learner.account_number)]
    if altered or share_digest(learner.account_number, records) != share.digest:
        details = tuple(
            _("课程 {course} 的记录与账本不一致").format(course=r.course.name) for r in altered
        ) or (_("成绩单内容与分享时不一致"),)
        return _answer(
            VerifyStatus.ALTERED,
            genuine=False,
            current=False,
            revoked=False,
            share=share,
            details=details,
        )
    lines = tuple(
        VerifiedRecord(
            course=r.course.name,
            programme=str(r.programme),
            credits=format_credits(r.credits),
            credited_on=r.credited_on,
            revoked=r.revoked_at is not None,
            note=_("已撤销：{reason}").format(reason=r.revoke_reason)
            if r.revoked_at is not None
            else "",
        )
        for r in records
    )
    if share.revoked_at is not None:
        status = VerifyStatus.SUPERSEDED if share.replaced_by_id else VerifyStatus.REVOKED
        return _answer(
            status,
            genuine=True,
            current=False,
            revoked=status == VerifyStatus.REVOKED,
            share=share,
            records=lines,
            details=(share.revoke_reason,) if share.revoke_reason else (),
        )
    revoked = [line for line in lines if line.revoked]
    if revoked and len(revoked) == len(lines):
        return _answer(
            VerifyStatus.REVOKED,
            genuine=True,
            current=False,
            revoked=True,
            share=share,
            records=lines,
            details=(_("所列学分均已被撤销"),),
        )
    status = VerifyStatus.CONTAINS_REVOKED if revoked else VerifyStatus.VALID
    return _answer(
        status, genuine=True, current=True, revoked=bool(revoked), share=share, records=lines
    )


def _answer(
    status: VerifyStatus,
    *,
    genuine: bool,
    current: bool,
    revoked: bool,
    share: TranscriptShare | None = None,
    records: tuple[VerifiedRecord, ...] = (),
    details: tuple[str, ...] = (),
) -> Verification:
    learner = share.learner if share is not None else None
    return Verification(
        status=status,
        message=str(VERIFY_MESSAGES[status]),
        genuine=genuine,
        current=current,
        revoked=revoked,
        account=learner.account_number if learner is not None else "",
        name=mask_name(learner.name) if learner is not None and not learner.is_erased else "",
        shared_on=timezone.localdate(share.created_at) if share is not None else None,
        records=records,
        details=details,
    )


# ---------------------------------------------------------------- figures


def credited_totals() -> dict[str, Any]:
    """Counts for dashboards: accounts, standing credits, applications by state."""
    standing = CreditRecord.objects.filter(revoked_at__isnull=True)
    by_status = dict(
        Application.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "learners": Learner.objects.filter(~Q(status="erased")).count(),
        "credits": standing.aggregate(total=Sum("credits"))["total"] or Decimal(0),
        "applications": by_status,
    }


# ---------------------------------------------------------------- pages: queue and statistics


@dataclass(frozen=True)
class QueueFilters:
    status: str = "todo"  # "todo": what waits for the user; "": everything in scope
    school: int | None = None
    programme: int | None = None
    batch: str = ""
    q: str = ""  # an application number or a learner's account number


# What a list of applications does not show: decrypting four fields of every row's learner and
# decoding the results would be most of a page's work.
LIST_DEFERRED = (
    "result",
    "learner__name",
    "learner__id_number",
    "learner__phone",
    "learner__data_key",
)


def applications_filtered(user: Any, filters: QueueFilters) -> QuerySet[Application]:
    """Applications in the user's scope with the queue's filters (oldest submitted first),
    without what the list and its export do not show (:data:`LIST_DEFERRED`)."""
    qs = review_queue(user) if filters.status == "todo" else applications_visible(user)
    if filters.status and filters.status != "todo":
        qs = qs.filter(status=filters.status)
    if filters.school is not None:
        qs = qs.filter(school_id=filters.school)
    if filters.programme is not None:
        qs = qs.filter(programme_id=filters.programme)
    if filters.batch:
        qs = qs.filter(batch=filters.batch)
    if filters.q:
        text = normalise(filters.q)
        qs = qs.filter(Q(number=text) | Q(learner__account_number=text))
    return qs.defer(*LIST_DEFERRED).order_by("submitted_at", "pk")


@dataclass(frozen=True)
class StatRow:
    key: tuple[str, ...]
    count: int
    credits: Decimal


@dataclass(frozen=True)
class Statistics:
    outcomes: tuple[StatRow, ...]  # (type, year): outcomes recorded
    credits: tuple[StatRow, ...]  # (school, year): standing credits banked
    applications: tuple[StatRow, ...]  # (school, status): applications


def statistics_kept(user: Any, *, year: int | None = None) -> Snapshot[Statistics] | None:
    """:func:`statistics` kept between requests (core.cache), per scope, year and language:
    over tens of millions of records it takes seconds. The page says when it was computed."""
    return snapshot(
        f"credit-stats:{scope_key(user)}:{year or 'all'}:{get_language()}",
        lambda: statistics(user, year=year),
    )


def statistics(user: Any, *, year: int | None = None) -> Statistics:
    """Outcomes by type and year, credits banked by school and year, applications by school and
    state — over what the user may see (a school its own, the bank everything)."""
    from django.db.models.functions import ExtractYear

    from .data import OutcomeType

    outcomes = Outcome.objects.visible_to(user)
    credits = CreditRecord.objects.visible_to(user).filter(revoked_at__isnull=True)
    applications = Application.objects.visible_to(user)
    if year is not None:
        outcomes = outcomes.filter(obtained_on__year=year)
        credits = credits.filter(credited_on__year=year)
        applications = applications.filter(created_at__year=year)
    type_names = {value: str(label) for value, label in OutcomeType.choices}
    status_names = {value: str(label) for value, label in ApplicationStatus.choices}
    by_type = [
        StatRow(
            (type_names.get(r["outcome_type"], r["outcome_type"]), str(r["y"])),
            r["n"],
            Decimal(0),
        )
        for r in outcomes.annotate(y=ExtractYear("obtained_on"))
        .values("outcome_type", "y")
        .annotate(n=Count("pk"))
        .order_by("-y", "outcome_type")
    ]
    by_school = [
        StatRow((r["programme__school__name"], str(r["y"])), r["n"], r["total"] or Decimal(0))
        for r in credits.annotate(y=ExtractYear("credited_on"))
        .values("programme__school__name", "y")
        .annotate(n=Count("pk"), total=Sum("credits"))
        .order_by("-y", "programme__school__name")
    ]
    by_state = [
        StatRow(
            (r["school__name"], status_names.get(r["status"], r["status"])),
            r["n"],
            r["total"] or Decimal(0),
        )
        for r in applications.values("school__name", "status")
        .annotate(n=Count("pk"), total=Sum("credits"))
        .order_by("school__name", "status")
    ]
    return Statistics(tuple(by_type), tuple(by_school), tuple(by_state))
