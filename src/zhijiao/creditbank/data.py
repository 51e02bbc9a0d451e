"""Plain values of the credit bank (学分银行): error codes, choices, and the dataclasses its
services take and its rule engine reads and returns. Nothing here touches the database.

Other apps and the pages built on this module import from here, ``services`` (writes) and
``selectors`` (reads) only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The purpose of the lookup digest of a 身份证号 (shared with people: one person, one digest).
ID_PURPOSE = "id_number"
PHONE_PURPOSE = "phone"
# Days a bank-approved application stays on public notice (公示) unless the bank says otherwise;
# settings.ZHIJIAO_CREDIT_NOTICE_DAYS overrides it for the installation.
DEFAULT_NOTICE_DAYS = 7
# The share of a diploma's credits recognition may cover when a rule says nothing (教育部: 原则上
# 不超过总学分的一半).
DEFAULT_MAX_SHARE_PERCENT = Decimal(50)


class CreditErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    DUPLICATE_LEARNER = "duplicate_learner"
    ALREADY_LINKED = "already_linked"
    ERASED = "erased"
    NOT_IN_CATALOGUE = "not_in_catalogue"
    LEVEL_NOT_OFFERED = "level_not_offered"
    DUPLICATE_CATALOGUE = "duplicate_catalogue"
    RULE_OVERLAP = "rule_overlap"
    RULE_EXCEEDS_CAP = "rule_exceeds_cap"
    RULE_INCOMPLETE = "rule_incomplete"
    WRONG_STATE = "wrong_state"
    NOTHING_TO_CREDIT = "nothing_to_credit"
    NOTICE_RUNNING = "notice_running"
    OPEN_OBJECTIONS = "open_objections"
    IMPORT_FAILED = "import_failed"
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    LEDGER_BROKEN = "ledger_broken"


# ---------------------------------------------------------------- learners


class LearnerStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    ERASED = "erased", _("个人信息已删除")


# ---------------------------------------------------------------- catalogue and outcomes


class OutcomeType(models.TextChoices):
    """Kinds of learning outcome (学习成果) the bank recognises."""

    COURSE = "course", _("课程学分")
    CERTIFICATE_1X = "certificate_1x", _("1+X 职业技能等级证书")
    QUALIFICATION = "qualification", _("职业资格（技能等级）证书")
    TRAINING = "training", _("培训")
    AWARD = "award", _("竞赛获奖")
    INFORMAL = "informal", _("非正式学习成果")


CERTIFICATE_TYPES = (OutcomeType.CERTIFICATE_1X, OutcomeType.QUALIFICATION)

# Levels are small integers so that "the highest level" is a comparison; their names depend on
# the kind of outcome. 0 means the outcome has no level (a course, a training, informal learning).
# The names are msgids: level_name() and levels_of() give them in the active language.
LEVEL_NAMES: dict[str, dict[int, str]] = {
    OutcomeType.CERTIFICATE_1X: {
        1: gettext_noop("初级"),
        2: gettext_noop("中级"),
        3: gettext_noop("高级"),
    },
    OutcomeType.QUALIFICATION: {
        1: gettext_noop("五级/初级工"),
        2: gettext_noop("四级/中级工"),
        3: gettext_noop("三级/高级工"),
        4: gettext_noop("二级/技师"),
        5: gettext_noop("一级/高级技师"),
    },
    OutcomeType.AWARD: {
        1: gettext_noop("三等奖"),
        2: gettext_noop("二等奖"),
        3: gettext_noop("一等奖"),
    },
}


def level_name(outcome_type: str, level: int) -> str:
    """The name of a level of a kind of outcome ("中级"), or "" when it has none."""
    name = LEVEL_NAMES.get(outcome_type, {}).get(level, "")
    return gettext(name) if name else ""


def levels_of(outcome_type: str) -> dict[int, str]:
    return {level: gettext(name) for level, name in LEVEL_NAMES.get(outcome_type, {}).items()}


class EducationLevel(models.TextChoices):
    SECONDARY = "secondary", _("中职")
    HIGHER = "higher", _("高职专科")
    UNDERGRADUATE = "undergraduate", _("高职本科")
    OPEN = "open", _("开放教育（专科）")


# ---------------------------------------------------------------- rules


class RuleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


# ---------------------------------------------------------------- applications


class ApplicationStatus(models.TextChoices):
    """The life of an application for recognition, in order; the last four are final or
    side states."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交（待学校审核）")
    SCHOOL_APPROVED = "school_approved", _("学校已审核（待学分银行审核）")
    BANK_APPROVED = "bank_approved", _("学分银行已审核（待公示）")
    IN_NOTICE = "in_notice", _("公示中")
    CREDITED = "credited", _("已认定入账")
    RETURNED = "returned", _("已退回修改")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("已撤销")


# What waits for the credit bank: approved by the school, approved by the bank (to notice), in
# notice (to credit). Its queue has an index of its own (Application.Meta).
BANK_QUEUE = (
    ApplicationStatus.SCHOOL_APPROVED,
    ApplicationStatus.BANK_APPROVED,
    ApplicationStatus.IN_NOTICE,
)

# States from which the learner may still withdraw (anything before crediting that is not final).
WITHDRAWABLE = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SCHOOL_APPROVED,
        ApplicationStatus.BANK_APPROVED,
        ApplicationStatus.IN_NOTICE,
        ApplicationStatus.RETURNED,
    }
)
SUBMITTABLE = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予通过")


class ApplicationAction(models.TextChoices):
    CREATE = "create", _("创建")
    SUBMIT = "submit", _("提交")
    SCHOOL_APPROVE = "school_approve", _("学校审核通过")
    BANK_APPROVE = "bank_approve", _("学分银行审核通过")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予通过")
    NOTICE = "notice", _("开始公示")
    OBJECTION = "objection", _("收到异议")
    OBJECTION_UPHELD = "objection_upheld", _("异议成立")
    OBJECTION_DISMISSED = "objection_dismissed", _("异议不成立")
    CREDIT = "credit", _("认定入账")
    WITHDRAW = "withdraw", _("撤回")
    REVOKE = "revoke", _("撤销认定")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class RecognitionDecision(models.TextChoices):
    ACCEPTED = "accepted", _("认可")
    REFUSED = "refused", _("不予认可")


# ---------------------------------------------------------------- ledger and verification


class LedgerKind(models.TextChoices):
    CREDIT = "credit", _("学分认定入账")
    REVOKE = "revoke", _("撤销认定")
    CORRECT = "correct", _("姓名更正")
    RECOGNISE = "recognise", _("学分互认")
    ERASE = "erase", _("个人信息删除")


class VerifyStatus(StrEnum):
    VALID = "valid"
    CONTAINS_REVOKED = "contains_revoked"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    ALTERED = "altered"
    ERASED = "erased"
    NOT_FOUND = "not_found"


VERIFY_MESSAGES: dict[VerifyStatus, StrOrPromise] = {
    VerifyStatus.VALID: _("真实有效：成绩单与学分银行账本一致，所列学分均有效"),
    VerifyStatus.CONTAINS_REVOKED: _("成绩单真实，但其中部分学分已被撤销，见各条记录的说明"),
    VerifyStatus.REVOKED: _("该成绩单分享已被撤销，不再有效"),
    VerifyStatus.SUPERSEDED: _("该成绩单已因信息更正换发新版，请向学习者索取新的核验码"),
    VerifyStatus.ALTERED: _("核验不通过：成绩单记录与学分银行账本不一致，可能被篡改"),
    VerifyStatus.ERASED: _("该学习者的个人信息已依法删除，成绩单不再提供核验"),
    VerifyStatus.NOT_FOUND: _("核验码不存在：未找到对应的成绩单，请核对核验码，谨防伪造"),
}


# ---------------------------------------------------------------- service inputs


@dataclass(frozen=True)
class LearnerData:
    """What a form, the API or an import row says about a learner (values not yet checked)."""

    name: str
    id_number: str
    phone: str = ""


@dataclass(frozen=True)
class OutcomeData:
    """A learning outcome as entered: a certificate (code or name from the catalogue) with its
    level, or a course of the catalogue, or a free title (training, award, informal)."""

    outcome_type: str
    obtained_on: dt.date
    issuer: str = ""
    certificate: str = ""  # code or name in the catalogue
    level: int = 0
    course_id: int | None = None
    title: str = ""
    certificate_number: str = ""
    hours: int | None = None
    expires_on: dt.date | None = None
    content_key: str = ""  # what the outcome covers; derived when empty


@dataclass(frozen=True)
class RuleInputData:
    """One requirement of a rule: a certificate (code) at a minimum level, a course (id), or an
    outcome of another kind identified by its content key."""

    certificate: str = ""
    min_level: int = 0
    course_id: int | None = None
    content_key: str = ""
    outcome_type: str = ""
    label: str = ""


@dataclass(frozen=True)
class RuleOutputData:
    course_id: int
    credits: Decimal | None = None  # the course's own credits when None


@dataclass(frozen=True)
class RuleData:
    code: str
    title: str
    programme_id: int
    valid_from: dt.date
    inputs: tuple[RuleInputData, ...]
    outputs: tuple[RuleOutputData, ...]
    valid_to: dt.date | None = None
    publisher_id: int | None = None  # a school; None: the credit bank itself
    max_share_percent: Decimal | None = DEFAULT_MAX_SHARE_PERCENT
    yearly_cap: Decimal | None = None
    max_age_years: int | None = None
    note: str = ""


# ---------------------------------------------------------------- rule engine values


@dataclass(frozen=True)
class OutcomeFact:
    """An outcome as the engine sees it: what it covers, at which level, since when."""

    id: int
    content_key: str
    label: str  # "证书 工业机器人操作与运维"
    level: int
    level_name: str
    obtained_on: dt.date
    expires_on: dt.date | None = None

    @property
    def described(self) -> str:
        return f"{self.label} {self.level_name}".strip()


@dataclass(frozen=True)
class InputSpec:
    content_key: str
    min_level: int
    label: str  # "证书 工业机器人操作与运维 中级及以上"


@dataclass(frozen=True)
class OutputSpec:
    course_code: str
    course_name: str
    credits: Decimal


@dataclass(frozen=True)
class RuleSpec:
    id: int
    code: str
    version: int
    title: str
    programme_key: str
    valid_from: dt.date
    valid_to: dt.date | None
    inputs: tuple[InputSpec, ...]
    outputs: tuple[OutputSpec, ...]
    max_share_percent: Decimal | None = None
    yearly_cap: Decimal | None = None
    max_age_years: int | None = None

    @property
    def reference(self) -> str:
        return gettext("规则 {code} 第 {version} 版").format(code=self.code, version=self.version)

    def in_effect(self, on_date: dt.date) -> bool:
        return self.valid_from <= on_date and (self.valid_to is None or on_date <= self.valid_to)


@dataclass(frozen=True)
class ProgrammeSpec:
    key: str
    code: str
    name: str
    school: str
    total_credits: Decimal

    @property
    def described(self) -> str:
        return gettext("{school}{name}专业").format(school=self.school, name=self.name)


@dataclass(frozen=True)
class LearnerState:
    """What is already banked for a learner, as far as one evaluation needs it."""

    account: str
    banked_in_programme: Decimal = Decimal(0)
    banked_in_year: Decimal = Decimal(0)  # in the calendar year of the evaluation date
    credited_courses: frozenset[str] = frozenset()  # course codes of the programme
    used_content: Mapping[str, str] = field(default_factory=dict)  # content key → where used


class DecisionKind(StrEnum):
    GRANTED = "granted"  # all outputs converted
    CUT = "cut"  # converted in part: a cap or earlier credit took the rest
    CAPPED = "capped"  # nothing converted: a cap is reached
    EXPIRED = "expired"  # the outcome is too old or has expired
    SUPERSEDED = "superseded"  # a higher level of the same content counts instead
    ALREADY_COUNTED = "already_counted"  # the content was recognised before
    NO_RULE = "no_rule"  # no rule in effect uses the outcome
    INCOMPLETE = "incomplete"  # a rule needs more outcomes than given
    DUPLICATE = "duplicate"  # every course of the rule was credited already


@dataclass(frozen=True)
class Grant:
    """One course credited by one rule."""

    course_code: str
    course_name: str
    credits: Decimal
    rule_code: str
    rule_version: int
    outcome_ids: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "course_code": self.course_code,
            "course_name": self.course_name,
            "credits": str(self.credits),
            "rule_code": self.rule_code,
            "rule_version": self.rule_version,
            "outcome_ids": list(self.outcome_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grant:
        return cls(
            course_code=str(data["course_code"]),
            course_name=str(data["course_name"]),
            credits=Decimal(str(data["credits"])),
            rule_code=str(data["rule_code"]),
            rule_version=int(data["rule_version"]),
            outcome_ids=tuple(int(i) for i in data["outcome_ids"]),
        )


@dataclass(frozen=True)
class Decision:
    """One explained decision, in Chinese, for the learner."""

    kind: DecisionKind
    message: str
    outcome_ids: tuple[int, ...] = ()
    rule: str = ""  # "CODE@version" when a rule decided
    credits: Decimal = Decimal(0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "message": self.message,
            "outcome_ids": list(self.outcome_ids),
            "rule": self.rule,
            "credits": str(self.credits),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        return cls(
            kind=DecisionKind(data["kind"]),
            message=str(data["message"]),
            outcome_ids=tuple(int(i) for i in data.get("outcome_ids", [])),
            rule=str(data.get("rule", "")),
            credits=Decimal(str(data.get("credits", "0"))),
        )


@dataclass(frozen=True)
class Evaluation:
    """The engine's answer: what is granted, and every decision explained."""

    programme: ProgrammeSpec
    on_date: dt.date
    grants: tuple[Grant, ...]
    decisions: tuple[Decision, ...]

    @property
    def total(self) -> Decimal:
        return sum((g.credits for g in self.grants), Decimal(0))

    @property
    def summary(self) -> str:
        if not self.grants:
            return gettext("{programme}：本次没有可转换的学分").format(
                programme=self.programme.described
            )
        return gettext("{programme}：共转换 {courses} 门课程 {credits} 学分").format(
            programme=self.programme.described,
            courses=len(self.grants),
            credits=format_credits(self.total),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme.key,
            "on_date": self.on_date.isoformat(),
            "total": str(self.total),
            "summary": self.summary,
            "grants": [g.as_dict() for g in self.grants],
            "decisions": [d.as_dict() for d in self.decisions],
        }


def format_credits(value: Decimal) -> str:
    """8 → "8", 1.5 → "1.5" (never "8.0")."""
    text = f"{value.normalize():f}"
    return text


# ---------------------------------------------------------------- verification answer


@dataclass(frozen=True)
class VerifiedRecord:
    course: str
    programme: str
    credits: str
    credited_on: dt.date
    revoked: bool
    note: str  # why revoked, or ""


@dataclass(frozen=True)
class Verification:
    """What a third party learns from a transcript's verification code: the status and the
    minimum shared data (masked name, account number, the shared records)."""

    status: VerifyStatus
    message: str
    genuine: bool
    current: bool
    revoked: bool
    account: str = ""
    name: str = ""  # masked
    shared_on: dt.date | None = None
    records: tuple[VerifiedRecord, ...] = ()
    details: tuple[str, ...] = ()
