"""Writes of the credit bank. Every service is keyword-only, typed and atomic, checks the user's
capability and scope itself (out of scope: 404, like a missing object; wrong role: 403), writes its
own audit rows (personal values only masked), and notifies the people concerned once it commits.

- Learners: :func:`learner_open` (one by one; ``imports.learners_import`` for 集体开户),
  :func:`learner_link_user`, :func:`learner_unmask`, :func:`learner_name_correct`,
  :func:`learner_erase`.
- Catalogue and outcomes: :func:`certificate_add`, :func:`programme_add`, :func:`course_add`,
  :func:`outcome_record`.
- Rules: :func:`rule_create` (a new version of a code), :func:`rule_publish`, :func:`rule_close`,
  :func:`rule_retire`.
- Applications: :func:`application_create`, :func:`application_submit`,
  :func:`applications_submit_bulk`, :func:`application_school_review`,
  :func:`application_bank_review`, :func:`application_notice_start`, :func:`objection_record`,
  :func:`objection_resolve`, :func:`application_credit` (= notice close), :func:`notices_close_due`,
  :func:`application_withdraw`, :func:`credit_revoke`.
- :func:`recognition_decide` (学分互认), :func:`transcript_share_create`,
  :func:`transcript_share_revoke`.

Transitions lock the application row (``select_for_update``) before reading its state, so of two
reviewers acting at once exactly one succeeds and the other is told the application was already
handled; crediting also locks the learner, so caps hold across concurrent applications, and the
standing credit of a course is unique in the database.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import random
import secrets
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ImportRejected, RowError
from zhijiao.core.models import AuditAction
from zhijiao.core.notify import notify
from zhijiao.core.personal import (
    clean_id_number,
    clean_phone,
    lookup_digest,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise,
    unmask,
)
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import ROLE_CAPABILITIES, Capability, Role, require_capability

from . import engine, ledger, selectors
from .data import (
    CERTIFICATE_TYPES,
    DEFAULT_NOTICE_DAYS,
    ID_PURPOSE,
    PHONE_PURPOSE,
    SUBMITTABLE,
    WITHDRAWABLE,
    ApplicationAction,
    ApplicationStatus,
    CreditErrorCode,
    EducationLevel,
    Evaluation,
    Grant,
    LearnerData,
    LearnerStatus,
    LedgerKind,
    ObjectionStatus,
    OutcomeData,
    OutcomeType,
    RecognitionDecision,
    ReviewDecision,
    RuleData,
    RuleStatus,
    format_credits,
    level_name,
    levels_of,
)
from .models import (
    Application,
    ApplicationEvent,
    Certificate,
    ConversionRule,
    Course,
    CreditRecord,
    Learner,
    MutualRecognition,
    NameCorrection,
    Objection,
    Outcome,
    Programme,
    RuleInput,
    RuleOutput,
    TranscriptShare,
)
from .sealing import new_data_key, seal

# Evidence of an outcome: scanned certificates, transcripts, award documents.
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}
# Crockford's base 32 without I, L, O, U: nothing to misread when a code is read out or typed.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ACCOUNT_PREFIX = "JY"
SHARE_CODE_LENGTH = 12

# Tests and the demo make account numbers and codes reproducible with a seeded generator.
_code_random: contextvars.ContextVar[random.Random | None] = contextvars.ContextVar(
    "zhijiao_creditbank_codes", default=None
)


@contextlib.contextmanager
def reproducible_codes(seed: int) -> Iterator[None]:
    """Within the block, account numbers and verification codes come from a seeded generator
    (for the demo, so two demos look alike); everywhere else from ``secrets``."""
    token = _code_random.set(random.Random(seed))  # noqa: S311 - demo data only
    try:
        yield
    finally:
        _code_random.reset(token)


def _random_code(length: int) -> str:
    rng = _code_random.get()
    if rng is not None:
        return "".join(rng.choice(CODE_ALPHABET) for _i in range(length))
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


def _error(code: StrEnum, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise _error(CreditErrorCode.INVALID_INPUT, _("请填写{label}").format(label=label))
    if len(text) > limit:
        raise _error(
            CreditErrorCode.INVALID_INPUT,
            _("{label}不能超过 {limit} 个字").format(label=label, limit=limit),
        )
    return text


def _roles_with(capability: Capability) -> list[str]:
    return [str(role) for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def _bank_users() -> QuerySet[User]:
    return User.objects.filter(role__in=_roles_with(Capability.CREDIT_BANK), is_active=True)


def _school_reviewers(school_id: int) -> QuerySet[User]:
    return User.objects.filter(
        role__in=_roles_with(Capability.CREDIT_REVIEW), unit_id=school_id, is_active=True
    )


def _learner_users(learner: Learner) -> list[User]:
    user = learner.user
    return [user] if user is not None and user.is_active else []


def _is_own_learner(user: User, learner: Learner) -> bool:
    return (
        user.role == Role.LEARNER
        and user.can(Capability.CREDIT_LEARN)
        and learner.user_id == user.pk
    )


def _require_any(user: User, capabilities: Sequence[Capability], message: str) -> None:
    if not any(user.can(c) for c in capabilities):
        raise _error(CreditErrorCode.NOT_ALLOWED, message, 403)


def _not_found(what: str) -> ServiceError:
    return _error(CreditErrorCode.NOT_FOUND, _("未找到该{what}").format(what=what), 404)


def _locked_learner(user: User, learner: Learner) -> Learner:
    locked = (
        Learner.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("school", "user")
        .filter(pk=learner.pk)
        .first()
    )
    if locked is None:
        raise _not_found(_("学习者"))
    return locked


def _locked_application(user: User, application: Application) -> Application:
    locked = (
        Application.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("learner__user", "programme__school", "school")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise _not_found(_("申请"))
    return locked


def _expect(application: Application, *states: str) -> None:
    if application.status not in states:
        raise _error(
            CreditErrorCode.WRONG_STATE,
            _("该申请已被他人处理或状态已变化（当前状态：{status}），请刷新后查看").format(
                status=application.get_status_display()
            ),
            409,
        )


def _not_erased(learner: Learner) -> None:
    if learner.is_erased:
        raise _error(CreditErrorCode.ERASED, _("该学习者的个人信息已删除，账户不能再办理业务"))


def _event(
    application: Application,
    action: ApplicationAction,
    *,
    before: str,
    user: User | None,
    comment: str = "",
) -> None:
    ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=before,
        to_status=application.status,
        actor=user,
        comment=comment[:500],
    )
    audit.record(
        AuditAction.UPDATE if action != ApplicationAction.CREATE else AuditAction.CREATE,
        obj=application,
        actor=user,
        changes={"status": [before, application.status]} if before != application.status else {},
        message=f"学分认定申请 {application}：{action.label}"
        + (f"（{comment}）" if comment else ""),
    )


def _move(
    application: Application,
    status: ApplicationStatus,
    action: ApplicationAction,
    *,
    user: User | None,
    comment: str = "",
    fields: Sequence[str] = (),
) -> None:
    before = application.status
    application.status = status
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at", *fields])
    _event(application, action, before=before, user=user, comment=comment)


# ================================================================ learners


@dataclass(frozen=True)
class CheckedLearner:
    name: str
    id_number: str
    id_lookup: str
    phone: str
    phone_lookup: str


def learner_values(data: LearnerData) -> CheckedLearner:
    """Checked values of a learner (GB 11643 check digit, phone); a Chinese error otherwise."""
    name = _text(data.name, _("姓名"), 50)
    number = clean_id_number(data.id_number)
    phone = clean_phone(data.phone) if data.phone.strip() else ""
    return CheckedLearner(
        name=name,
        id_number=number,
        id_lookup=lookup_digest(number, purpose=ID_PURPOSE),
        phone=phone,
        phone_lookup=lookup_digest(phone, purpose=PHONE_PURPOSE) if phone else "",
    )


def duplicate_message(id_lookup: str) -> str:
    school = (
        Learner.objects.filter(id_lookup=id_lookup).values_list("school__name", flat=True).first()
    )
    if school:
        return _("该身份证号已在{school}开立学习账户，不能重复开户").format(school=school)
    return _("该身份证号已开立学习账户，不能重复开户")


def _check_opening_school(user: User, school: Unit | None) -> None:
    _require_any(
        user, (Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK), _("您的角色不能开立学习账户")
    )
    if school is None:
        if not user.can(Capability.CREDIT_BANK):
            raise _error(CreditErrorCode.INVALID_INPUT, _("请选择开户学校"))
        return
    if not selectors.schools_in_scope(user).filter(pk=school.pk).exists():
        raise _error(CreditErrorCode.NOT_ALLOWED, _("只能为本校学习者开户"), 403)


def new_learner(values: CheckedLearner, *, school: Unit | None, user: User) -> Learner:
    """An unsaved learner with a fresh account number and data key."""
    return Learner(
        account_number=ACCOUNT_PREFIX + _random_code(10),
        name=values.name,
        id_number=values.id_number,
        id_lookup=values.id_lookup,
        phone=values.phone,
        phone_lookup=values.phone_lookup,
        data_key=new_data_key(),
        school=school,
        opened_by=user,
    )


def learner_audit_values(learner: Learner) -> dict[str, Any]:
    return {
        "account_number": learner.account_number,
        "name": mask_name(learner.name),
        "id_number": mask_id_number(learner.id_number),
        "phone": mask_phone(learner.phone) if learner.phone else "",
        "school": learner.school_id,
    }


@transaction.atomic
def learner_open(*, user: User, school: Unit | None, data: LearnerData) -> Learner:
    """Opens a learner's account (开户). The same person (the same 身份证号, however typed) has
    one account in the installation: the unique digest in the database decides."""
    _check_opening_school(user, school)
    values = learner_values(data)
    for _attempt in range(3):
        learner = new_learner(values, school=school, user=user)
        try:
            with transaction.atomic():
                learner.save()
            break
        except IntegrityError as exc:
            if Learner.objects.filter(id_lookup=values.id_lookup).exists():
                raise _error(
                    CreditErrorCode.DUPLICATE_LEARNER, duplicate_message(values.id_lookup)
                ) from exc
            # else: an account number already taken (1 in 10^15): draw another
    else:  # pragma: no cover - three collisions in a row
        raise _error(CreditErrorCode.INVALID_INPUT, _("账号生成失败，请重试"))
    audit.record(
        AuditAction.CREATE,
        obj=learner,
        actor=user,
        changes={k: [None, v] for k, v in learner_audit_values(learner).items()},
        message=f"开立学习账户（{school or '学分银行'}）",
    )
    return learner


@transaction.atomic
def learner_link_user(*, user: User, learner: Learner, account: User) -> Learner:
    """Links a sign-in account (role 学习者) to a learner, who then sees their own account."""
    _require_any(
        user, (Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK), _("您的角色不能关联登录账号")
    )
    learner = _locked_learner(user, learner)
    _not_erased(learner)
    if account.role != Role.LEARNER:
        raise _error(CreditErrorCode.INVALID_INPUT, _("只能关联角色为“学习者”的登录账号"))
    if learner.user_id == account.pk:
        return learner
    if learner.user_id is not None:
        raise _error(CreditErrorCode.ALREADY_LINKED, _("该学习账户已关联其他登录账号"))
    learner.user = account
    try:
        with transaction.atomic():
            learner.save(update_fields=["user"])
    except IntegrityError as exc:
        raise _error(CreditErrorCode.ALREADY_LINKED, _("该登录账号已关联其他学习账户")) from exc
    audit.record(
        AuditAction.UPDATE,
        obj=learner,
        actor=user,
        changes={"user": [None, account.pk]},
        message=f"学习账户关联登录账号 {account.get_username()}",
    )
    return learner


UNMASKABLE = ("name", "id_number", "phone")


def learner_unmask(*, user: User, learner: Learner, field: str, reason: str = "") -> str:
    """The full value of a learner's personal field for a user allowed to see it (CREDIT_UNMASK)
    and in whose scope the learner is; audited whether allowed or not."""
    if field not in UNMASKABLE:
        raise _error(CreditErrorCode.INVALID_INPUT, _("只能查看姓名、身份证号或手机号"))
    visible = Learner.objects.visible_to(user).filter(pk=learner.pk).first()
    if visible is None:
        raise _not_found(_("学习者"))
    _not_erased(visible)
    return unmask(
        user=user, obj=visible, field=field, capability=Capability.CREDIT_UNMASK, reason=reason
    )


@transaction.atomic
def learner_name_correct(*, user: User, learner: Learner, new_name: str, reason: str) -> Learner:
    """Corrects a learner's name on record (姓名更正): the history keeps both names (sealed with
    the learner's key), the ledger records the correction, and every standing transcript share
    is re-issued under a new code (the old code answers “已换发”)."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以更正姓名"))
    learner = _locked_learner(user, learner)
    _not_erased(learner)
    name = _text(new_name, _("新姓名"), 50)
    reason = _text(reason, _("更正理由"), 300)
    if name == learner.name:
        raise _error(CreditErrorCode.INVALID_INPUT, _("新姓名与原姓名相同"))
    old_sealed = seal(learner, learner.name)
    new_sealed = seal(learner, name)
    shares = list(
        TranscriptShare.objects.select_for_update()
        .filter(learner=learner, revoked_at__isnull=True)
        .prefetch_related("records")
    )
    entry = ledger.append(
        LedgerKind.CORRECT,
        account=learner.account_number,
        payload={
            "old_name": old_sealed,
            "new_name": new_sealed,
            "reason": reason,
            "reissued_shares": len(shares),
        },
    )
    NameCorrection.objects.create(
        learner=learner,
        old_name_sealed=old_sealed,
        new_name_sealed=new_sealed,
        reason=reason,
        corrected_by=user,
        entry=entry,
    )
    old_masked = mask_name(learner.name)
    learner.name = name
    learner.save(update_fields=["name"])
    for share in shares:
        _share_reissue(user, learner, share)
    audit.record(
        AuditAction.UPDATE,
        obj=learner,
        actor=user,
        changes={"name": [old_masked, mask_name(name)]},
        message=f"更正姓名（账本第 {entry.seq} 号，换发成绩单 {len(shares)} 份）：{reason}",
    )
    notify(
        _learner_users(learner),
        title=_("您的姓名已更正"),
        body=_("学分银行已更正您的姓名记录；原有成绩单核验码已换发新码（{count} 份）。").format(
            count=len(shares)
        ),
    )
    return learner


@transaction.atomic
def learner_erase(*, user: User, learner: Learner, reason: str) -> Learner:
    """Deletes a learner's personal data (个人信息保护法第四十七条): name, 身份证号, phone and their
    digests are wiped, the learner's data key is destroyed (whatever was sealed with it, in the
    ledger and the name history, becomes unreadable), evidence files are deleted once the change
    commits, shares are revoked and the sign-in account unlinked. The account number, the credits
    and the ledger stay: the chain still verifies, since it hashes ciphertext."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以删除学习者个人信息"))
    learner = _locked_learner(user, learner)
    _not_erased(learner)
    reason = _text(reason, _("删除依据或理由"), 300)
    entry = ledger.append(
        LedgerKind.ERASE,
        account=learner.account_number,
        payload={"basis": "个人信息保护法第四十七条", "data_key": "destroyed"},
    )
    files = [
        name
        for name in Outcome.objects.filter(learner=learner)
        .exclude(evidence="")
        .values_list("evidence", flat=True)
        if name
    ]
    Outcome.objects.filter(learner=learner).update(
        evidence="", evidence_name="", evidence_type="", certificate_number=""
    )
    TranscriptShare.objects.filter(learner=learner, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=_("学习者个人信息已删除")
    )
    for application in Application.objects.select_for_update().filter(
        learner=learner, status__in=list(WITHDRAWABLE)
    ):
        application.withdrawn_at = timezone.now()
        _move(
            application,
            ApplicationStatus.WITHDRAWN,
            ApplicationAction.WITHDRAW,
            user=user,
            comment=_("学习者个人信息已删除，申请随之撤回"),
            fields=["withdrawn_at"],
        )
    learner.name = ""
    learner.id_number = ""
    learner.id_lookup = ""
    learner.phone = ""
    learner.phone_lookup = ""
    learner.data_key = ""
    learner.user = None
    learner.status = LearnerStatus.ERASED
    learner.erased_at = timezone.now()
    learner.save(
        update_fields=[
            "name",
            "id_number",
            "id_lookup",
            "phone",
            "phone_lookup",
            "data_key",
            "user",
            "status",
            "erased_at",
        ]
    )

    def delete_files() -> None:
        from django.core.files.storage import default_storage

        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    audit.record(
        AuditAction.DELETE,
        obj=learner,
        actor=user,
        message=f"删除学习者个人信息并销毁数据密钥（账本第 {entry.seq} 号）：{reason}",
    )
    return learner


# ================================================================ catalogue


def _catalogue_error(exc: IntegrityError, message: str) -> ServiceError:
    return _error(CreditErrorCode.DUPLICATE_CATALOGUE, message)


@transaction.atomic
def certificate_add(
    *,
    user: User,
    code: str,
    name: str,
    outcome_type: str,
    organisation: str,
    levels: Sequence[int],
) -> Certificate:
    """Adds a certificate to the catalogue (the bank keeps it)."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以维护证书目录"))
    if outcome_type not in CERTIFICATE_TYPES:
        raise _error(CreditErrorCode.INVALID_INPUT, _("证书类别应为 1+X 证书或职业资格证书"))
    offered = levels_of(outcome_type)
    chosen = sorted({int(v) for v in levels})
    if not chosen or any(v not in offered for v in chosen):
        raise _error(
            CreditErrorCode.INVALID_INPUT,
            _("等级应从 {levels} 中选择").format(levels="、".join(offered.values())),
        )
    certificate = Certificate(
        code=normalise(_text(code, _("证书编码"), 40)),
        name=_text(name, _("证书名称"), 100),
        outcome_type=outcome_type,
        organisation=_text(organisation, _("培训评价组织"), 200),
        levels=chosen,
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError as exc:
        raise _catalogue_error(
            exc, _("证书“{name}”或编码已在目录中").format(name=certificate.name)
        ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=certificate,
        actor=user,
        changes=audit.snapshot(certificate, ["code", "name", "organisation", "levels"]),
        message="证书目录新增证书",
    )
    return certificate


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _error(
            CreditErrorCode.INVALID_INPUT, _("{label}应为数字").format(label=label)
        ) from exc
    if not number.is_finite() or number <= 0 or number >= 10000:
        raise _error(CreditErrorCode.INVALID_INPUT, _("{label}应为大于 0 的数").format(label=label))
    if number != number.quantize(Decimal("0.1")):
        raise _error(
            CreditErrorCode.INVALID_INPUT, _("{label}最多保留一位小数").format(label=label)
        )
    return number


@transaction.atomic
def programme_add(
    *,
    user: User,
    school: Unit,
    major_code: str,
    major_name: str,
    education_level: str,
    total_credits: Decimal,
) -> Programme:
    """Adds a school's diploma programme (专业) with the credits the diploma requires."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以维护专业目录"))
    if school.kind != UnitKind.SCHOOL:
        raise _error(CreditErrorCode.INVALID_INPUT, _("“{unit}”不是职业院校").format(unit=school))
    if education_level not in EducationLevel.values:
        raise _error(CreditErrorCode.INVALID_INPUT, _("请选择层次"))
    code = _text(major_code, _("专业代码"), 10)
    if not code.isdecimal() or len(code) != 6:
        raise _error(
            CreditErrorCode.INVALID_INPUT, _("专业代码应为《职业教育专业目录》的 6 位数字")
        )
    programme = Programme(
        school=school,
        major_code=code,
        major_name=_text(major_name, _("专业名称"), 100),
        education_level=education_level,
        total_credits=_decimal(total_credits, _("毕业总学分")),
    )
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError as exc:
        raise _catalogue_error(exc, _("{school}已有该专业").format(school=school)) from exc
    audit.record(
        AuditAction.CREATE,
        obj=programme,
        actor=user,
        changes=audit.snapshot(
            programme, ["school", "major_code", "major_name", "education_level", "total_credits"]
        ),
        message="新增专业（学历教育）",
    )
    return programme


@transaction.atomic
def course_add(
    *, user: User, programme: Programme, code: str, name: str, credits: Decimal
) -> Course:
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以维护课程目录"))
    course = Course(
        programme=programme,
        code=_text(code, _("课程代码"), 30),
        name=_text(name, _("课程名称"), 100),
        credits=_decimal(credits, _("学分")),
    )
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as exc:
        raise _catalogue_error(
            exc, _("该专业已有课程代码“{code}”").format(code=course.code)
        ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=course,
        actor=user,
        changes=audit.snapshot(course, ["programme", "code", "name", "credits"]),
        message="新增课程",
    )
    return course


def certificate_lookup(text: str, outcome_type: str | None = None) -> Certificate | None:
    """A catalogue certificate by code or by name (loosely: spaces and full-width brackets do
    not matter); None when it is not in the catalogue."""
    from zhijiao.core.excel import normalize_header

    wanted = normalize_header(text)
    if not wanted:
        return None
    qs = Certificate.objects.filter(is_active=True)
    if outcome_type:
        qs = qs.filter(outcome_type=outcome_type)
    by_code = qs.filter(code=normalise(text)).first()
    if by_code is not None:
        return by_code
    for certificate in qs:
        if normalize_header(certificate.name) == wanted:
            return certificate
    return None


# ================================================================ outcomes


def _evidence_check(upload: UploadedFile) -> tuple[str, str, str]:
    """(original name, suffix, content type) of an acceptable evidence file."""
    name = (upload.name or "").strip()
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        raise _error(
            CreditErrorCode.FILE_TYPE,
            _("不支持的文件类型“{suffix}”，请上传 PDF、OFD 或图片（PNG/JPG）").format(
                suffix=suffix or _("无扩展名")
            ),
        )
    if not upload.size:
        raise _error(CreditErrorCode.FILE_EMPTY, _("佐证材料文件是空的"))
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise _error(
            CreditErrorCode.FILE_TOO_LARGE,
            _("文件过大（{size} MB），不能超过 {limit} MB").format(
                size=f"{upload.size / 1048576:.1f}", limit=limit // 1048576
            ),
        )
    content_type, magics = EVIDENCE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise _error(
            CreditErrorCode.FILE_TYPE,
            _("文件内容与扩展名“{suffix}”不符，请检查文件").format(suffix=suffix),
        )
    return name, suffix, content_type


def _check_learner_access(
    user: User, learner: Learner, message: str, *, lock: bool = False
) -> Learner:
    """The learner, if the user is that learner or may act for learners in scope."""
    if _is_own_learner(user, learner):
        return _locked_learner(user, learner) if lock else learner
    _require_any(user, (Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK), message)
    if lock:
        return _locked_learner(user, learner)
    visible = (
        Learner.objects.visible_to(user).select_related("school").filter(pk=learner.pk).first()
    )
    if visible is None:
        raise _not_found(_("学习者"))
    return visible


def outcome_values(data: OutcomeData, *, today: dt.date | None = None) -> dict[str, Any]:
    """Model values of a checked outcome: a certificate must be in the catalogue at a level it
    is issued at; a course must be in the catalogue; dates must make sense."""
    today = today or timezone.localdate()
    if data.outcome_type not in OutcomeType.values:
        raise _error(CreditErrorCode.INVALID_INPUT, _("请选择成果类型"))
    if data.obtained_on > today:
        raise _error(CreditErrorCode.INVALID_INPUT, _("取得日期不能晚于今天"))
    if data.expires_on is not None and data.expires_on < data.obtained_on:
        raise _error(CreditErrorCode.INVALID_INPUT, _("有效期不能早于取得日期"))
    values: dict[str, Any] = {
        "outcome_type": data.outcome_type,
        "obtained_on": data.obtained_on,
        "expires_on": data.expires_on,
        "certificate_number": _text(data.certificate_number, _("证书编号"), 60, required=False),
        "hours": data.hours,
        "level": 0,
    }
    if data.outcome_type in CERTIFICATE_TYPES:
        certificate = certificate_lookup(data.certificate, data.outcome_type)
        if certificate is None:
            raise _error(
                CreditErrorCode.NOT_IN_CATALOGUE,
                _(
                    "证书“{certificate}”不在学分银行证书目录中，"
                    "请核对证书名称，或联系学分银行增补目录"
                ).format(certificate=data.certificate.strip() or _("（未填写）")),
            )
        if data.level not in certificate.levels:
            offered = "、".join(certificate.level_names())
            asked = level_name(data.outcome_type, data.level) or str(data.level)
            raise _error(
                CreditErrorCode.LEVEL_NOT_OFFERED,
                _("证书“{certificate}”没有“{level}”等级（可选：{levels}）").format(
                    certificate=certificate.name, level=asked, levels=offered
                ),
            )
        values.update(
            certificate=certificate,
            level=data.level,
            title=certificate.name,
            issuer=_text(data.issuer, _("颁发机构"), 200, required=False)
            or certificate.organisation,
            content_key=certificate.content_key,
        )
    elif data.outcome_type == OutcomeType.COURSE:
        course = (
            Course.objects.select_related("programme__school").filter(pk=data.course_id).first()
            if data.course_id
            else None
        )
        if course is None:
            raise _error(CreditErrorCode.NOT_IN_CATALOGUE, _("课程不在学分银行课程目录中"))
        values.update(
            course=course,
            title=course.name,
            issuer=_text(data.issuer, _("颁发机构"), 200, required=False)
            or course.programme.school.name,
            content_key=course.content_key,
        )
    else:
        title = _text(data.title, _("成果名称"), 200)
        if data.outcome_type == OutcomeType.AWARD:
            if data.level not in levels_of(OutcomeType.AWARD):
                raise _error(CreditErrorCode.INVALID_INPUT, _("请选择获奖等次（一、二、三等奖）"))
            values["level"] = data.level
        key = data.content_key.strip() or f"{data.outcome_type}:{normalise(title)}"
        values.update(
            title=title,
            issuer=_text(data.issuer, _("颁发机构"), 200),
            content_key=_text(key, _("内容标识"), 200),
        )
    return values


@transaction.atomic
def outcome_record(
    *,
    user: User,
    learner: Learner,
    data: OutcomeData,
    evidence: UploadedFile | None = None,
) -> Outcome:
    """Records a learning outcome of a learner — by the learner, their school, or the bank."""
    learner = _check_learner_access(user, learner, _("您的角色不能登记学习成果"))
    _not_erased(learner)
    values = outcome_values(data)
    outcome = Outcome(
        learner=learner,
        school=user.unit if user.unit is not None and user.unit.kind == UnitKind.SCHOOL else None,
        recorded_by=user,
        **values,
    )
    if evidence is not None:
        name, suffix, content_type = _evidence_check(evidence)
        digest = hashlib.sha256()
        for chunk in evidence.chunks():
            digest.update(chunk)
        evidence.seek(0)
        outcome.evidence_name = name[:200]
        outcome.evidence_type = content_type
        outcome.evidence.save(f"{digest.hexdigest()[:16]}{suffix}", evidence, save=False)
    outcome.save()
    audit.record(
        AuditAction.CREATE,
        obj=outcome,
        actor=user,
        changes=audit.snapshot(
            outcome, ["learner", "outcome_type", "certificate", "course", "level", "obtained_on"]
        ),
        message=f"登记学习成果：{outcome.described}",
    )
    return outcome


# ================================================================ rules


def _check_rule_author(user: User, programme: Programme, publisher: Unit | None) -> None:
    if user.can(Capability.CREDIT_BANK):
        return
    require_capability(user, Capability.CREDIT_REVIEW, _("您的角色不能制定转换规则"))
    if programme.school_id != user.unit_id or publisher is None or publisher.pk != user.unit_id:
        raise _error(
            CreditErrorCode.NOT_ALLOWED, _("学校只能为本校专业制定并以本校名义发布规则"), 403
        )


def _rule_inputs(data: RuleData) -> list[RuleInput]:
    inputs: list[RuleInput] = []
    for position, need in enumerate(data.inputs, start=1):
        if need.certificate:
            certificate = certificate_lookup(need.certificate)
            if certificate is None:
                raise _error(
                    CreditErrorCode.NOT_IN_CATALOGUE,
                    _("规则条件中的证书“{certificate}”不在证书目录中").format(
                        certificate=need.certificate
                    ),
                )
            level = need.min_level or min(certificate.levels)
            if level not in certificate.levels:
                raise _error(
                    CreditErrorCode.LEVEL_NOT_OFFERED,
                    _("证书“{certificate}”没有该等级（可选：{levels}）").format(
                        certificate=certificate.name, levels="、".join(certificate.level_names())
                    ),
                )
            inputs.append(
                RuleInput(
                    position=position,
                    certificate=certificate,
                    outcome_type=certificate.outcome_type,
                    min_level=level,
                    label=_("证书 {certificate} {level}及以上").format(
                        certificate=certificate.name,
                        level=level_name(certificate.outcome_type, level),
                    ),
                )
            )
        elif need.course_id:
            course = (
                Course.objects.select_related("programme__school").filter(pk=need.course_id).first()
            )
            if course is None:
                raise _error(CreditErrorCode.NOT_IN_CATALOGUE, _("规则条件中的课程不在课程目录中"))
            school = course.programme.school
            inputs.append(
                RuleInput(
                    position=position,
                    course=course,
                    outcome_type=OutcomeType.COURSE,
                    label=_("{school}课程 {course}").format(
                        school=school.short_name or school.name, course=course.name
                    ),
                )
            )
        elif need.content_key.strip():
            if need.outcome_type not in (
                OutcomeType.TRAINING,
                OutcomeType.AWARD,
                OutcomeType.INFORMAL,
            ):
                raise _error(
                    CreditErrorCode.INVALID_INPUT,
                    _("按内容标识的条件只适用于培训、获奖和非正式学习"),
                )
            label = _text(need.label, _("条件说明"), 200)
            inputs.append(
                RuleInput(
                    position=position,
                    outcome_type=need.outcome_type,
                    content_key=need.content_key.strip(),
                    min_level=need.min_level,
                    label=label,
                )
            )
        else:
            raise _error(
                CreditErrorCode.RULE_INCOMPLETE,
                _("第 {position} 个条件没有指定证书、课程或内容").format(position=position),
            )
    if not inputs:
        raise _error(CreditErrorCode.RULE_INCOMPLETE, _("规则至少要有一个条件（学习成果）"))
    return inputs


def _rule_outputs(data: RuleData, programme: Programme) -> list[RuleOutput]:
    outputs: list[RuleOutput] = []
    seen: set[int] = set()
    courses = {c.pk: c for c in Course.objects.filter(programme=programme)}
    for position, out in enumerate(data.outputs, start=1):
        course = courses.get(out.course_id)
        if course is None:
            raise _error(
                CreditErrorCode.INVALID_INPUT,
                _("第 {position} 门转换课程不属于{programme}").format(
                    position=position, programme=programme
                ),
            )
        if course.pk in seen:
            raise _error(
                CreditErrorCode.INVALID_INPUT, _("课程 {course} 重复").format(course=course.name)
            )
        seen.add(course.pk)
        credits = course.credits if out.credits is None else _decimal(out.credits, _("转换学分"))
        if credits > course.credits:
            raise _error(
                CreditErrorCode.INVALID_INPUT,
                _("课程 {course} 的转换学分（{credits}）不能超过其学分（{limit}）").format(
                    course=course.name,
                    credits=format_credits(credits),
                    limit=format_credits(course.credits),
                ),
            )
        outputs.append(RuleOutput(position=position, course=course, credits=credits))
    if not outputs:
        raise _error(CreditErrorCode.RULE_INCOMPLETE, _("规则至少要转换为一门课程"))
    return outputs


def _check_caps(data: RuleData, programme: Programme, outputs: Sequence[RuleOutput]) -> None:
    total = sum((o.credits for o in outputs), Decimal(0))
    if data.max_share_percent is not None:
        share = Decimal(str(data.max_share_percent))
        if not (0 < share <= 100):
            raise _error(CreditErrorCode.INVALID_INPUT, _("认定学分占比上限应在 0 到 100% 之间"))
        limit = (programme.total_credits * share / 100).quantize(Decimal("0.1"))
        if total > limit:
            raise _error(
                CreditErrorCode.RULE_EXCEEDS_CAP,
                _(
                    "该规则转换 {credits} 学分，超过“认定学分不超过毕业总学分 {total} 的 "
                    "{percent}%”的上限（{limit} 学分），请减少转换课程或学分"
                ).format(
                    credits=format_credits(total),
                    total=format_credits(programme.total_credits),
                    percent=format_credits(share),
                    limit=format_credits(limit),
                ),
            )
    if data.yearly_cap is not None:
        cap = _decimal(data.yearly_cap, _("每年认定学分上限"))
        if total > cap:
            raise _error(
                CreditErrorCode.RULE_EXCEEDS_CAP,
                _(
                    "该规则转换 {credits} 学分，超过每人每年 {cap} 学分的上限，永远无法全部认定，"
                    "请调整"
                ).format(credits=format_credits(total), cap=format_credits(cap)),
            )
    if data.max_age_years is not None and not (1 <= data.max_age_years <= 50):
        raise _error(CreditErrorCode.INVALID_INPUT, _("成果有效年限应在 1 到 50 年之间"))


@transaction.atomic
def rule_create(*, user: User, data: RuleData) -> ConversionRule:
    """Drafts a rule, as the next version of its code (the first when the code is new). Inputs,
    outputs and caps are checked here: a rule converting more than its own caps allow is
    refused."""
    programme = Programme.objects.select_related("school").filter(pk=data.programme_id).first()
    if programme is None:
        raise _error(CreditErrorCode.INVALID_INPUT, _("请选择适用专业"))
    publisher = Unit.objects.filter(pk=data.publisher_id).first() if data.publisher_id else None
    if data.publisher_id and (publisher is None or publisher.kind != UnitKind.SCHOOL):
        raise _error(CreditErrorCode.INVALID_INPUT, _("发布单位应为学校，或留空表示学分银行"))
    _check_rule_author(user, programme, publisher)
    code = normalise(_text(data.code, _("规则编号"), 40))
    title = _text(data.title, _("规则名称"), 200)
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise _error(CreditErrorCode.INVALID_INPUT, _("截止日期不能早于生效日期"))
    inputs = _rule_inputs(data)
    outputs = _rule_outputs(data, programme)
    _check_caps(data, programme, outputs)
    known = ConversionRule.objects.filter(code=code)
    if known.exclude(programme=programme).exists():
        raise _error(
            CreditErrorCode.INVALID_INPUT, _("规则编号 {code} 已用于其他专业").format(code=code)
        )
    version = (known.aggregate(v=Max("version"))["v"] or 0) + 1
    rule = ConversionRule(
        code=code,
        version=version,
        title=title,
        programme=programme,
        publisher=publisher,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        max_share_percent=data.max_share_percent,
        yearly_cap=data.yearly_cap,
        max_age_years=data.max_age_years,
        note=(data.note or "").strip(),
        created_by=user,
    )
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:
        raise _error(
            CreditErrorCode.WRONG_STATE,
            _("规则 {code} 第 {version} 版刚被他人创建，请重试").format(code=code, version=version),
            409,
        ) from exc
    for requirement in inputs:
        requirement.rule = rule
    for output in outputs:
        output.rule = rule
    RuleInput.objects.bulk_create(inputs)
    RuleOutput.objects.bulk_create(outputs)
    audit.record(
        AuditAction.CREATE,
        obj=rule,
        actor=user,
        changes={
            "inputs": [None, [i.label for i in inputs]],
            "outputs": [None, [f"{o.course.code} {o.credits}" for o in outputs]],
            **{
                k: [None, v]
                for k, v in audit.snapshot(
                    rule,
                    ["valid_from", "valid_to", "max_share_percent", "yearly_cap", "max_age_years"],
                ).items()
            },
        },
        message=f"制定转换规则 {rule}",
    )
    return rule


def _windows_overlap(
    a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None
) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def _window_text(rule: ConversionRule) -> str:
    if rule.valid_to:
        return _("{start} 至 {end}").format(
            start=f"{rule.valid_from:%Y-%m-%d}", end=f"{rule.valid_to:%Y-%m-%d}"
        )
    return _("{start} 起长期有效").format(start=f"{rule.valid_from:%Y-%m-%d}")


def _check_no_overlap(rule: ConversionRule, valid_from: dt.date, valid_to: dt.date | None) -> None:
    others = (
        ConversionRule.objects.select_for_update()
        .filter(code=rule.code, status=RuleStatus.PUBLISHED)
        .exclude(pk=rule.pk)
        .order_by("version")
    )
    for other in others:
        if _windows_overlap(valid_from, valid_to, other.valid_from, other.valid_to):
            raise _error(
                CreditErrorCode.RULE_OVERLAP,
                _(
                    "与已发布的{rule}的有效期（{window}）重叠。"
                    "发布新版本不会自动停用旧版本，请先为第 {version} 版设置截止日期"
                ).format(rule=other.reference, window=_window_text(other), version=other.version),
            )


def _locked_rule(user: User, rule: ConversionRule) -> ConversionRule:
    locked = (
        ConversionRule.objects.select_for_update(of=("self",))
        .select_related("programme__school", "publisher")
        .filter(pk=rule.pk)
        .first()
    )
    if locked is None:
        raise _not_found(_("规则"))
    _check_rule_author(user, locked.programme, locked.publisher)
    return locked


@transaction.atomic
def rule_publish(*, user: User, rule: ConversionRule) -> ConversionRule:
    """Publishes a draft. Its validity may not overlap another published version of the same
    code: versions coexist by dates, and nothing is ended silently."""
    rule = _locked_rule(user, rule)
    if rule.status != RuleStatus.DRAFT:
        raise _error(
            CreditErrorCode.WRONG_STATE,
            _("只能发布草稿（当前：{status}）").format(status=rule.get_status_display()),
        )
    _check_no_overlap(rule, rule.valid_from, rule.valid_to)
    rule.status = RuleStatus.PUBLISHED
    rule.published_by = user
    rule.published_at = timezone.now()
    rule.save(update_fields=["status", "published_by", "published_at"])
    audit.record(
        AuditAction.UPDATE,
        obj=rule,
        actor=user,
        changes={"status": [RuleStatus.DRAFT, RuleStatus.PUBLISHED]},
        message=f"发布转换规则 {rule}（{_window_text(rule)}）",
    )
    return rule


@transaction.atomic
def rule_close(*, user: User, rule: ConversionRule, valid_to: dt.date) -> ConversionRule:
    """Sets the last day a published version applies (to make room for a new version)."""
    rule = _locked_rule(user, rule)
    if rule.status != RuleStatus.PUBLISHED:
        raise _error(CreditErrorCode.WRONG_STATE, _("只能为已发布的规则设置截止日期"))
    if valid_to < rule.valid_from:
        raise _error(CreditErrorCode.INVALID_INPUT, _("截止日期不能早于生效日期"))
    _check_no_overlap(rule, rule.valid_from, valid_to)
    audit.save_changes(rule, {"valid_to": valid_to}, message=f"设置规则 {rule} 的截止日期")
    return rule


@transaction.atomic
def rule_retire(*, user: User, rule: ConversionRule, reason: str) -> ConversionRule:
    """Stops a rule version from applying to any new decision (credits already granted stay)."""
    rule = _locked_rule(user, rule)
    reason = _text(reason, _("停用理由"), 300)
    if rule.status == RuleStatus.RETIRED:
        raise _error(CreditErrorCode.WRONG_STATE, _("该规则已停用"))
    before = rule.status
    rule.status = RuleStatus.RETIRED
    rule.save(update_fields=["status"])
    audit.record(
        AuditAction.UPDATE,
        obj=rule,
        actor=user,
        changes={"status": [before, RuleStatus.RETIRED]},
        message=f"停用转换规则 {rule}：{reason}",
    )
    return rule


# ================================================================ applications


def _application_number(application: Application) -> str:
    return f"XF{timezone.localtime(application.created_at):%Y}{application.pk:06d}"


def _check_outcomes(learner: Learner, outcomes: Sequence[Outcome]) -> list[Outcome]:
    ids = {o.pk for o in outcomes}
    if not ids:
        raise _error(CreditErrorCode.INVALID_INPUT, _("请至少选择一项学习成果"))
    found = list(Outcome.objects.filter(pk__in=ids, learner=learner))
    if len(found) != len(ids):
        raise _error(CreditErrorCode.INVALID_INPUT, _("所选成果不属于该学习者"))
    return found


@transaction.atomic
def application_create(
    *,
    user: User,
    learner: Learner,
    programme: Programme,
    outcomes: Sequence[Outcome],
    batch: str = "",
) -> Application:
    """Drafts an application of a learner's outcomes for a programme; the programme's school
    reviews it."""
    learner = _check_learner_access(user, learner, _("您的角色不能提交学分认定申请"))
    _not_erased(learner)
    if not programme.is_active:
        raise _error(
            CreditErrorCode.INVALID_INPUT,
            _("{programme}已停止招生，不能申请认定").format(programme=programme),
        )
    chosen = _check_outcomes(learner, outcomes)
    application = Application.objects.create(
        learner=learner,
        programme=programme,
        school_id=programme.school_id,
        created_by=user,
        batch=batch,
    )
    application.number = _application_number(application)
    application.save(update_fields=["number"])
    application.outcomes.set(chosen)
    _event(application, ApplicationAction.CREATE, before=application.status, user=user)
    return application


def _submit(user: User, application: Application, *, today: dt.date) -> Evaluation:
    _not_erased(application.learner)
    _expect(application, *SUBMITTABLE)
    evaluation = selectors.application_evaluate(application, on_date=today)
    if not evaluation.grants:
        reasons = "；".join(d.message for d in evaluation.decisions) or _("没有适用的规则")
        raise _error(
            CreditErrorCode.NOTHING_TO_CREDIT,
            _("按现行规则，所选成果不能转换任何学分：{reasons}").format(reasons=reasons),
        )
    application.preview = evaluation.as_dict()
    application.submitted_at = timezone.now()
    _move(
        application,
        ApplicationStatus.SUBMITTED,
        ApplicationAction.SUBMIT,
        user=user,
        comment=evaluation.summary,
        fields=["preview", "submitted_at"],
    )
    return evaluation


@transaction.atomic
def application_submit(
    *, user: User, application: Application, today: dt.date | None = None
) -> Application:
    """Submits a draft (or a returned application) to the school. Refused, with the engine's
    reasons, when the outcomes would convert into nothing."""
    application = _locked_application(user, application)
    _check_learner_access(user, application.learner, _("您的角色不能提交学分认定申请"))
    _submit(user, application, today=today or timezone.localdate())
    school = application.school
    notify(
        _school_reviewers(school.pk),
        title=_("学分认定申请待审核：{application}").format(application=application),
        body=_("{programme}：{summary}").format(
            programme=application.programme, summary=application.preview.get("summary", "")
        ),
    )
    return application


@dataclass(frozen=True)
class BulkItem:
    """One application of a bulk submission (a school or training body submitting for many)."""

    learner: Learner
    programme: Programme
    outcomes: Sequence[Outcome]


@transaction.atomic
def applications_submit_bulk(
    *, user: User, items: Sequence[BulkItem], today: dt.date | None = None
) -> list[Application]:
    """Creates and submits many applications at once, all or nothing: raises ImportRejected
    listing every item that cannot be submitted (numbered from 1), and saves none of them."""
    _require_any(
        user, (Capability.CREDIT_SUBMIT, Capability.CREDIT_BANK), _("您的角色不能批量提交申请")
    )
    if not items:
        raise _error(CreditErrorCode.INVALID_INPUT, _("没有要提交的申请"))
    today = today or timezone.localdate()
    batch = uuid.uuid4().hex[:16]
    errors: list[RowError] = []
    created: list[Application] = []
    for number, item in enumerate(items, start=1):
        try:
            with transaction.atomic():
                application = application_create(
                    user=user,
                    learner=item.learner,
                    programme=item.programme,
                    outcomes=item.outcomes,
                    batch=batch,
                )
                _submit(user, application, today=today)
                created.append(application)
        except ServiceError as exc:
            errors.append(RowError(number, "", exc.message))
    if errors:
        raise ImportRejected(
            CreditErrorCode.IMPORT_FAILED,
            _("批量提交失败：{count} 份申请有问题，未提交任何申请。请修改后重新提交。").format(
                count=len(errors)
            ),
            errors=errors,
        )
    for school_id in {a.school_id for a in created}:
        count = sum(1 for a in created if a.school_id == school_id)
        notify(
            _school_reviewers(school_id),
            title=_("学分认定申请待审核：批量 {count} 份").format(count=count),
            body=_("批次 {batch}").format(batch=batch),
        )
    audit.record(
        AuditAction.IMPORT,
        actor=user,
        object_type=Application._meta.label,
        message=f"批量提交学分认定申请 {len(created)} 份（批次 {batch}）",
    )
    return created


def _decision(value: str) -> ReviewDecision:
    try:
        return ReviewDecision(value)
    except ValueError as exc:
        raise _error(
            CreditErrorCode.INVALID_INPUT, _("请选择审核结论（审核通过、退回修改或不予通过）")
        ) from exc


def _decline(user: User, application: Application, decision: ReviewDecision, comment: str) -> None:
    comment = _text(comment, _("退回或不通过的理由"), 500)
    application.comment = comment
    if decision == ReviewDecision.RETURN:
        _move(
            application,
            ApplicationStatus.RETURNED,
            ApplicationAction.RETURN,
            user=user,
            comment=comment,
            fields=["comment"],
        )
        title = _("学分认定申请被退回修改：{application}").format(application=application)
    else:
        _move(
            application,
            ApplicationStatus.REJECTED,
            ApplicationAction.REJECT,
            user=user,
            comment=comment,
            fields=["comment"],
        )
        title = _("学分认定申请未通过：{application}").format(application=application)
    notify(_learner_users(application.learner), title=title, body=comment)


@transaction.atomic
def application_school_review(
    *, user: User, application: Application, decision: str, comment: str = ""
) -> Application:
    """The school's review of an application addressed to it: approve, return or reject."""
    require_capability(user, Capability.CREDIT_REVIEW, _("您的角色不能审核学分认定申请"))
    application = _locked_application(user, application)
    if application.school_id != user.unit_id:
        raise _error(
            CreditErrorCode.NOT_ALLOWED,
            _("该申请应由{school}审核").format(school=application.school),
            403,
        )
    _expect(application, ApplicationStatus.SUBMITTED)
    chosen = _decision(decision)
    if chosen != ReviewDecision.APPROVE:
        _decline(user, application, chosen, comment)
        return application
    application.comment = comment.strip()[:500]
    _move(
        application,
        ApplicationStatus.SCHOOL_APPROVED,
        ApplicationAction.SCHOOL_APPROVE,
        user=user,
        comment=application.comment,
        fields=["comment"],
    )
    notify(
        _bank_users(),
        title=_("学分认定申请待学分银行审核：{application}").format(application=application),
        body=_("{school}已审核通过").format(school=application.school),
    )
    notify(
        _learner_users(application.learner),
        title=_("学分认定申请已通过学校审核：{application}").format(application=application),
        body=_("等待学分银行审核"),
    )
    return application


@transaction.atomic
def application_bank_review(
    *,
    user: User,
    application: Application,
    decision: str,
    comment: str = "",
    today: dt.date | None = None,
) -> Application:
    """The bank's review: approving evaluates the application under the rules in effect and
    freezes the result the public notice will show; or return, or reject."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以终审学分认定申请"))
    application = _locked_application(user, application)
    _expect(application, ApplicationStatus.SCHOOL_APPROVED)
    chosen = _decision(decision)
    if chosen != ReviewDecision.APPROVE:
        _decline(user, application, chosen, comment)
        return application
    _locked_learner(user, application.learner)  # what is banked cannot move meanwhile
    evaluation = selectors.application_evaluate(application, on_date=today or timezone.localdate())
    if not evaluation.grants:
        reasons = "；".join(d.message for d in evaluation.decisions)
        raise _error(
            CreditErrorCode.NOTHING_TO_CREDIT,
            _("按现行规则已没有可转换的学分（{reasons}），请退回或不予通过").format(
                reasons=reasons
            ),
        )
    application.result = evaluation.as_dict()
    application.credits = evaluation.total
    application.comment = comment.strip()[:500]
    _move(
        application,
        ApplicationStatus.BANK_APPROVED,
        ApplicationAction.BANK_APPROVE,
        user=user,
        comment=evaluation.summary,
        fields=["result", "credits", "comment"],
    )
    notify(
        _learner_users(application.learner),
        title=_("学分认定申请已通过学分银行审核：{application}").format(application=application),
        body=_("{summary}，公示后入账").format(summary=evaluation.summary),
    )
    return application


def notice_days() -> int:
    return int(getattr(settings, "ZHIJIAO_CREDIT_NOTICE_DAYS", DEFAULT_NOTICE_DAYS))


@transaction.atomic
def application_notice_start(
    *,
    user: User,
    applications: Sequence[Application],
    days: int | None = None,
    today: dt.date | None = None,
) -> list[Application]:
    """Puts bank-approved applications on public notice (公示) for ``days`` days from today
    (the installation's default when not given); all or none."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以发布公示"))
    days = notice_days() if days is None else days
    if not 1 <= days <= 60:
        raise _error(CreditErrorCode.INVALID_INPUT, _("公示天数应在 1 到 60 天之间"))
    if not applications:
        raise _error(CreditErrorCode.INVALID_INPUT, _("请选择要公示的申请"))
    starts = today or timezone.localdate()
    ends = starts + dt.timedelta(days=days - 1)
    noticed = []
    for item in sorted(applications, key=lambda a: a.pk):
        application = _locked_application(user, item)
        _expect(application, ApplicationStatus.BANK_APPROVED)
        application.notice_starts, application.notice_ends = starts, ends
        _move(
            application,
            ApplicationStatus.IN_NOTICE,
            ApplicationAction.NOTICE,
            user=user,
            comment=_("公示期 {starts} 至 {ends}").format(
                starts=f"{starts:%Y-%m-%d}", ends=f"{ends:%Y-%m-%d}"
            ),
            fields=["notice_starts", "notice_ends"],
        )
        notify(
            _learner_users(application.learner),
            title=_("学分认定结果公示中：{application}").format(application=application),
            body=_("公示期 {starts} 至 {ends}，期满无异议后入账").format(
                starts=f"{starts:%Y-%m-%d}", ends=f"{ends:%Y-%m-%d}"
            ),
        )
        noticed.append(application)
    return noticed


@transaction.atomic
def objection_record(*, user: User, application: Application, source: str, text: str) -> Objection:
    """Records an objection received during the notice; it holds crediting until resolved."""
    _require_any(
        user, (Capability.CREDIT_BANK, Capability.CREDIT_REVIEW), _("您的角色不能登记公示异议")
    )
    application = _locked_application(user, application)
    if not user.can(Capability.CREDIT_BANK) and application.school_id != user.unit_id:
        raise _error(CreditErrorCode.NOT_ALLOWED, _("只能登记本校审核的申请的异议"), 403)
    _expect(application, ApplicationStatus.IN_NOTICE)
    objection = Objection.objects.create(
        application=application,
        source=_text(source, _("异议来源"), 100),
        text=_text(text, _("异议内容"), 2000),
        recorded_by=user,
    )
    audit.record(
        AuditAction.CREATE, obj=objection, actor=user, message=f"登记公示异议：{application}"
    )
    _event(
        application,
        ApplicationAction.OBJECTION,
        before=application.status,
        user=user,
        comment=objection.text[:200],
    )
    notify(
        _bank_users().exclude(pk=user.pk),
        title=_("公示异议待处理：{application}").format(application=application),
        body=objection.text[:200],
    )
    notify(
        _learner_users(application.learner),
        title=_("您的学分认定公示收到异议：{application}").format(application=application),
        body=_("异议处理完毕前暂不入账"),
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, user: User, objection: Objection, upheld: bool, resolution: str
) -> Objection:
    """Decides an objection: upheld, the application is not granted; dismissed, it may be
    credited once the notice is over and no other objection is open."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以处理公示异议"))
    application = _locked_application(user, objection.application)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise _error(CreditErrorCode.WRONG_STATE, _("该异议已处理"), 409)
    resolution = _text(resolution, _("处理意见"), 2000)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = resolution
    objection.resolved_by = user
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit.record(
        AuditAction.UPDATE,
        obj=objection,
        actor=user,
        changes={"status": [ObjectionStatus.OPEN, objection.status]},
        message=f"处理公示异议（{objection.get_status_display()}）：{resolution[:200]}",
    )
    if upheld and application.status == ApplicationStatus.IN_NOTICE:
        application.comment = resolution[:500]
        _move(
            application,
            ApplicationStatus.REJECTED,
            ApplicationAction.OBJECTION_UPHELD,
            user=user,
            comment=resolution,
            fields=["comment"],
        )
        title = _("公示异议成立，学分认定申请未通过：{application}").format(application=application)
    else:
        _event(
            application,
            ApplicationAction.OBJECTION_DISMISSED,
            before=application.status,
            user=user,
            comment=resolution[:200],
        )
        title = _("公示异议不成立：{application}").format(application=application)
    notify(_learner_users(application.learner), title=title, body=resolution[:200])
    return objection


def _grants_of(result: dict[str, Any]) -> list[Grant]:
    return [Grant.from_dict(g) for g in result.get("grants", [])]


@transaction.atomic
def application_credit(
    *, user: User, application: Application, today: dt.date | None = None
) -> Application:
    """Closes the notice and credits the application (公示期满入账): one ledger entry, one credit
    record per course. The grants are re-evaluated now — under the learner's lock, so caps hold
    against other applications credited meanwhile — and never exceed what the notice showed."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以入账"))
    application = _locked_application(user, application)
    _expect(application, ApplicationStatus.IN_NOTICE)
    today = today or timezone.localdate()
    assert application.notice_ends is not None
    if today <= application.notice_ends:
        raise _error(
            CreditErrorCode.NOTICE_RUNNING,
            _("公示期至 {day} 结束，期满后才能入账").format(
                day=f"{application.notice_ends:%Y-%m-%d}"
            ),
        )
    if application.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise _error(
            CreditErrorCode.OPEN_OBJECTIONS, _("该申请有尚未处理的公示异议，处理完毕后才能入账")
        )
    learner = _locked_learner(user, application.learner)
    _not_erased(learner)
    noticed = {g.course_code for g in _grants_of(application.result)}
    # The ledger entry's explanation is the engine's text: it is hashed, so it is written in the
    # installation's language whoever credits, never in the language of one user's session.
    with translation.override(settings.LANGUAGE_CODE):
        evaluation = selectors.application_evaluate(application, on_date=today)
    grants = [g for g in evaluation.grants if g.course_code in noticed]
    if not grants:
        reasons = "；".join(d.message for d in evaluation.decisions)
        raise _error(
            CreditErrorCode.NOTHING_TO_CREDIT,
            _("公示后情况有变，已没有可入账的学分（{reasons}），请不予通过或撤回").format(
                reasons=reasons
            ),
        )
    courses = {c.code: c for c in Course.objects.filter(programme=application.programme)}
    outcomes = {o.pk: o.content_key for o in application.outcomes.all()}
    programme = application.programme
    entry = ledger.append(
        LedgerKind.CREDIT,
        account=learner.account_number,
        payload={
            "application": application.number,
            "programme": {
                "id": programme.pk,
                "school": programme.school.name,
                "major_code": programme.major_code,
                "major_name": programme.major_name,
                "level": programme.education_level,
            },
            "courses": [
                {
                    "programme": programme.pk,
                    "course_code": g.course_code,
                    "course_name": g.course_name,
                    "credits": format_credits(g.credits),
                    "rule": f"{g.rule_code}@{g.rule_version}",
                }
                for g in grants
            ],
            "total": format_credits(sum((g.credits for g in grants), Decimal(0))),
            "credited_on": today.isoformat(),
            "name_on_record": seal(learner, learner.name),
            "explanation": [d.message for d in evaluation.decisions],
        },
    )
    records = [
        CreditRecord(
            learner=learner,
            application=application,
            programme=programme,
            course=courses[g.course_code],
            credits=g.credits,
            rule_code=g.rule_code,
            rule_version=g.rule_version,
            outcome_ids=list(g.outcome_ids),
            content_keys=sorted({outcomes[i] for i in g.outcome_ids if i in outcomes}),
            credited_on=today,
            entry=entry,
        )
        for g in grants
    ]
    try:
        with transaction.atomic():
            CreditRecord.objects.bulk_create(records)
    except IntegrityError as exc:
        raise _error(
            CreditErrorCode.WRONG_STATE, _("其中的课程刚被另一申请认定入账，请刷新后重试"), 409
        ) from exc
    total = sum((g.credits for g in grants), Decimal(0))
    application.credits = total
    application.credited_at = timezone.now()
    dropped = sorted(noticed - {g.course_code for g in grants})
    comment = _("入账 {credits} 学分（账本第 {seq} 号）").format(
        credits=format_credits(total), seq=entry.seq
    )
    if dropped:
        comment += _("；公示后已由其他认定覆盖的课程未重复入账：{courses}").format(
            courses="、".join(dropped)
        )
    _move(
        application,
        ApplicationStatus.CREDITED,
        ApplicationAction.CREDIT,
        user=user,
        comment=comment,
        fields=["credits", "credited_at"],
    )
    notify(
        _learner_users(learner),
        title=_("学分已入账：{application}").format(application=application),
        body=_("{programme}：{comment}").format(programme=programme, comment=comment),
    )
    return application


# The name for the same step.
application_notice_close = application_credit


def notices_close_due(*, user: User, today: dt.date | None = None) -> list[Application]:
    """Credits every application whose notice is over and that has no open objection; each in
    its own transaction (one that cannot be credited is left as it is)."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以入账"))
    today = today or timezone.localdate()
    due = Application.objects.filter(
        status=ApplicationStatus.IN_NOTICE, notice_ends__lt=today
    ).order_by("notice_ends", "pk")
    credited = []
    for application in due:
        try:
            credited.append(application_credit(user=user, application=application, today=today))
        except ServiceError:
            continue
    return credited


@transaction.atomic
def application_withdraw(*, user: User, application: Application, reason: str = "") -> Application:
    """The learner (or their school on their behalf) withdraws an application before it is
    credited."""
    application = _locked_application(user, application)
    _check_learner_access(user, application.learner, _("您的角色不能撤回申请"))
    _expect(application, *WITHDRAWABLE)
    application.withdrawn_at = timezone.now()
    _move(
        application,
        ApplicationStatus.WITHDRAWN,
        ApplicationAction.WITHDRAW,
        user=user,
        comment=reason.strip()[:500],
        fields=["withdrawn_at"],
    )
    if application.submitted_at is not None:
        notify(
            _school_reviewers(application.school_id),
            title=_("学分认定申请已撤回：{application}").format(application=application),
            body=reason.strip()[:200],
        )
    return application


@transaction.atomic
def credit_revoke(*, user: User, application: Application, reason: str) -> Application:
    """Revokes a credited application (撤销认定): its records stay, marked revoked with the reason
    (transcripts and verification show it), and so do credits another school accepted on their
    basis; one ledger entry records it all."""
    require_capability(user, Capability.CREDIT_BANK, _("只有学分银行可以撤销认定"))
    application = _locked_application(user, application)
    reason = _text(reason, _("撤销理由"), 300)
    _expect(application, ApplicationStatus.CREDITED)
    learner = _locked_learner(user, application.learner)
    records = list(
        CreditRecord.objects.select_for_update(of=("self",))
        .filter(application=application, revoked_at__isnull=True)
        .select_related("course")
        .order_by("pk")
    )
    # Credits another school accepted on the basis of these (mutual recognition) fall with them.
    derived_ids = CreditRecord.objects.filter(
        recognition__source_records__in=records,
        recognition__decision=RecognitionDecision.ACCEPTED,
        revoked_at__isnull=True,
    ).values("pk")
    derived = list(
        CreditRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=derived_ids)
        .select_related("course")
        .order_by("pk")
    )
    entry = ledger.append(
        LedgerKind.REVOKE,
        account=learner.account_number,
        payload={
            "application": application.number,
            "records": sorted(r.pk for r in records + derived),
            "courses": [r.course.code for r in records],
            "derived": [r.course.code for r in derived],
            "reason": reason,
        },
    )
    now = timezone.now()
    for record in records + derived:
        record.revoked_at = now
        record.revoke_reason = (
            reason
            if record in records
            else _("所依据的学分已撤销（申请 {application}）：{reason}").format(
                application=application, reason=reason
            )
        )[:300]
        record.revoke_entry = entry
    CreditRecord.objects.bulk_update(
        records + derived, ["revoked_at", "revoke_reason", "revoke_entry"]
    )
    application.revoked_at = now
    application.revoke_reason = reason
    _move(
        application,
        ApplicationStatus.REVOKED,
        ApplicationAction.REVOKE,
        user=user,
        comment=_("{reason}（账本第 {seq} 号）").format(reason=reason, seq=entry.seq),
        fields=["revoked_at", "revoke_reason"],
    )
    notify(
        _learner_users(learner),
        title=_("学分认定已撤销：{application}").format(application=application),
        body=reason,
    )
    return application


# ================================================================ mutual recognition


@transaction.atomic
def recognition_decide(
    *,
    user: User,
    share_code: str,
    programme: Programme,
    accept: bool,
    rule: ConversionRule | None = None,
    reason: str = "",
    source_school: Unit | None = None,
    today: dt.date | None = None,
) -> MutualRecognition:
    """School B decides on credits a learner banked at school A (学分互认). B works from the
    transcript the learner shared with it (its verification code): only what the learner chose
    to share, still standing and agreeing with the ledger, can be recognised. Accepted under one
    of B's published rules in effect, the courses the engine converts them into are credited in
    B's programme; or refused with a reason. Either way a record and a ledger entry."""
    require_capability(user, Capability.CREDIT_REVIEW, _("您的角色不能办理学分互认"))
    if programme.school_id != user.unit_id:
        raise _error(CreditErrorCode.NOT_ALLOWED, _("只能为本校专业认可学分"), 403)
    today = today or timezone.localdate()
    answer = selectors.verify(share_code)
    if not (answer.genuine and answer.current):
        raise _error(
            CreditErrorCode.INVALID_INPUT,
            _("成绩单核验未通过：{message}").format(message=answer.message),
        )
    share = TranscriptShare.objects.get(code=selectors.normalise_code(share_code))
    learner = Learner.objects.select_for_update(of=("self",)).get(pk=share.learner_id)
    _not_erased(learner)
    standing = [
        r
        for r in share.records.filter(revoked_at__isnull=True)
        .select_related("course", "programme__school")
        .order_by("pk")
        if r.programme.school_id != user.unit_id
        and (source_school is None or r.programme.school_id == source_school.pk)
    ]
    sources = {r.programme.school_id for r in standing}
    if not standing:
        raise _error(CreditErrorCode.INVALID_INPUT, _("该成绩单中没有可申请互认的其他学校学分"))
    if len(sources) != 1:
        raise _error(
            CreditErrorCode.INVALID_INPUT, _("该成绩单含多所学校的学分，请选择学分所在学校")
        )
    ids = {r.pk for r in standing}
    source = standing[0].programme.school
    if accept:
        if rule is None:
            raise _error(CreditErrorCode.INVALID_INPUT, _("认可学分须依据本校发布的转换规则"))
        rule = selectors._rules_queryset().get(pk=rule.pk)
        if rule.programme_id != programme.pk or rule.status != RuleStatus.PUBLISHED:
            raise _error(
                CreditErrorCode.INVALID_INPUT,
                _("{rule}不是{programme}的已发布规则").format(
                    rule=rule.reference, programme=programme
                ),
            )
        evaluation = engine.evaluate(
            selectors.learner_state(learner, programme, today),
            [selectors.record_fact(r) for r in standing],
            selectors.programme_spec(programme),
            today,
            [selectors.rule_spec(rule)],
        )
        if not evaluation.grants:
            reasons = "；".join(d.message for d in evaluation.decisions)
            raise _error(
                CreditErrorCode.NOTHING_TO_CREDIT,
                _("依据{rule}没有可认可的学分：{reasons}").format(
                    rule=rule.reference, reasons=reasons
                ),
            )
        grants = list(evaluation.grants)
        result = evaluation.as_dict()
        decision = RecognitionDecision.ACCEPTED
        reason = reason.strip()[:300]
    else:
        reason = _text(reason, _("不予认可的理由"), 300)
        grants, result, decision, rule = [], {}, RecognitionDecision.REFUSED, None
    total = sum((g.credits for g in grants), Decimal(0))
    entry = ledger.append(
        LedgerKind.RECOGNISE,
        account=learner.account_number,
        payload={
            "decision": str(decision),
            "school": programme.school.name,
            "source_school": source.name,
            "source_records": sorted(ids),
            "rule": f"{rule.code}@{rule.version}" if rule is not None else "",
            "courses": [
                {
                    "programme": programme.pk,
                    "course_code": g.course_code,
                    "course_name": g.course_name,
                    "credits": format_credits(g.credits),
                    "rule": f"{g.rule_code}@{g.rule_version}",
                }
                for g in grants
            ],
            "total": format_credits(total),
            "reason": reason,
            "decided_on": today.isoformat(),
        },
    )
    recognition = MutualRecognition.objects.create(
        learner=learner,
        source_school=source,
        school=programme.school,
        programme=programme,
        rule=rule,
        decision=decision,
        reason=reason,
        credits=total,
        result=result,
        decided_by=user,
        entry=entry,
    )
    recognition.source_records.set(standing)
    if grants:
        courses = {c.code: c for c in Course.objects.filter(programme=programme)}
        keys = {r.pk: f"course:{r.course_id}" for r in standing}
        try:
            with transaction.atomic():
                CreditRecord.objects.bulk_create(
                    [
                        CreditRecord(
                            learner=learner,
                            recognition=recognition,
                            programme=programme,
                            course=courses[g.course_code],
                            credits=g.credits,
                            rule_code=g.rule_code,
                            rule_version=g.rule_version,
                            outcome_ids=[],
                            content_keys=sorted({keys[i] for i in g.outcome_ids if i in keys}),
                            credited_on=today,
                            entry=entry,
                        )
                        for g in grants
                    ]
                )
        except IntegrityError as exc:
            raise _error(
                CreditErrorCode.WRONG_STATE, _("其中的课程刚被另一认定入账，请刷新后重试"), 409
            ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=recognition,
        actor=user,
        message=f"学分互认：{recognition}（账本第 {entry.seq} 号）"
        + (f"，认可 {format_credits(total)} 学分" if accept else f"：{reason}"),
    )
    notify(
        _learner_users(learner),
        title=_("{school}{decision}您在{source}的学分").format(
            school=programme.school, decision=recognition.get_decision_display(), source=source
        ),
        body=(_("认可 {credits} 学分").format(credits=format_credits(total)) if accept else reason),
    )
    return recognition


# ================================================================ transcript shares


def _new_share(
    user: User, learner: Learner, programme: Programme | None, records: Sequence[CreditRecord]
) -> TranscriptShare:
    for _attempt in range(3):
        share = TranscriptShare(
            code=_random_code(SHARE_CODE_LENGTH),
            learner=learner,
            programme=programme,
            digest=selectors.share_digest(learner.account_number, records),
            created_by=user,
        )
        try:
            with transaction.atomic():
                share.save()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three collisions in 32^12
        raise _error(CreditErrorCode.INVALID_INPUT, _("核验码生成失败，请重试"))
    share.records.set(records)
    return share


@transaction.atomic
def transcript_share_create(
    *, user: User, learner: Learner, programme: Programme | None = None
) -> TranscriptShare:
    """Shares the learner's standing credits (of one programme, or all) under a new
    verification code a third party can check (``selectors.verify``)."""
    if not _is_own_learner(user, learner):
        require_capability(
            user, Capability.CREDIT_BANK, _("只有学习者本人或学分银行可以分享成绩单")
        )
    learner = _locked_learner(user, learner)
    _not_erased(learner)
    records = CreditRecord.objects.filter(learner=learner, revoked_at__isnull=True)
    if programme is not None:
        records = records.filter(programme=programme)
    chosen = list(records.select_related("course", "entry").order_by("pk"))
    if not chosen:
        raise _error(CreditErrorCode.INVALID_INPUT, _("没有可分享的入账学分"))
    share = _new_share(user, learner, programme, chosen)
    audit.record(
        AuditAction.CREATE,
        obj=share,
        actor=user,
        message=f"分享成绩单（{len(chosen)} 条学分记录）",
    )
    return share


def _share_reissue(user: User, learner: Learner, share: TranscriptShare) -> TranscriptShare:
    records = list(share.records.select_related("course", "entry").order_by("pk"))
    new = _new_share(user, learner, share.programme, records)
    share.revoked_at = timezone.now()
    share.revoke_reason = _("姓名更正，已换发新核验码")
    share.replaced_by = new
    share.save(update_fields=["revoked_at", "revoke_reason", "replaced_by"])
    audit.record(
        AuditAction.UPDATE,
        obj=share,
        actor=user,
        changes={"replaced_by": [None, new.pk]},
        message="姓名更正，换发成绩单",
    )
    return new


@transaction.atomic
def transcript_share_revoke(*, user: User, share: TranscriptShare, reason: str) -> TranscriptShare:
    """Withdraws a shared transcript: its code then answers “已撤销”."""
    if not _is_own_learner(user, share.learner):
        require_capability(user, Capability.CREDIT_BANK, _("只有学习者本人或学分银行可以撤销分享"))
    locked = (
        TranscriptShare.objects.visible_to(user)
        .select_for_update(of=("self",))
        .filter(pk=share.pk)
        .first()
    )
    if locked is None:
        raise _not_found(_("成绩单分享"))
    if locked.revoked_at is not None:
        raise _error(CreditErrorCode.WRONG_STATE, _("该分享已撤销"))
    locked.revoked_at = timezone.now()
    locked.revoke_reason = _text(reason, _("撤销理由"), 300)
    locked.save(update_fields=["revoked_at", "revoke_reason"])
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"revoked_at": [None, locked.revoked_at.isoformat()]},
        message=f"撤销成绩单分享：{locked.revoke_reason}",
    )
    return locked
