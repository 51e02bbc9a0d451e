"""The credit bank (学分银行): learners' accounts, the catalogue of certificates and courses,
learning outcomes, versioned conversion rules, applications for recognition with their review and
public notice, the credits banked, mutual recognition between schools, transcript shares, and the
append-only ledger with its signed checkpoints.

Personal data lives in :class:`Learner` only (name, 身份证号, phone — SM4-encrypted, the 身份证号 and
phone found through keyed digests) and in what is sealed with the learner's own data key (the name
on record in ledger entries and name corrections), which erasure destroys. Every other model points
to a learner by key or by the pseudonymous account number and holds no personal data of its own;
an outcome's evidence file may show personal data and is deleted on erasure.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.personal import EncryptedCharField, LookupField
from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import Role

from .data import (
    BANK_QUEUE,
    ApplicationAction,
    ApplicationStatus,
    EducationLevel,
    LearnerStatus,
    LedgerKind,
    ObjectionStatus,
    OutcomeType,
    RecognitionDecision,
    RuleStatus,
    level_name,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from zhijiao.orgs.models import User

M = TypeVar("M", bound=models.Model)


class CreditScopedQuerySet(ScopedQuerySet[M]):
    """Scope with one more rule than the platform's: a learner (who belongs to no unit) sees the
    rows of their own account and nothing else."""

    learner_path = "learner__"

    def learner_q(self, user: User) -> models.Q:
        return models.Q(**{f"{self.learner_path}user_id": user.pk})

    def visible_to(self, user: Any) -> Self:
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and user.role == Role.LEARNER
        ):
            return self.filter(self.learner_q(user))
        return super().visible_to(user)


def learner_scope_q(user: User, prefix: str = "") -> models.Q:
    """Learners of a school: those whose account it opened, those who applied to it, and those
    whose credits it decided on (mutual recognition)."""
    addressed = Application.objects.filter(school_id=user.unit_id).values("learner_id")
    recognised = MutualRecognition.objects.filter(school_id=user.unit_id).values("learner_id")
    return (
        models.Q(**{f"{prefix}school_id": user.unit_id})
        | models.Q(**{f"{prefix}pk__in": addressed})
        | models.Q(**{f"{prefix}pk__in": recognised})
    )


def _school_fk(related_name: str, verbose_name: StrOrPromise | None = None, **kwargs: Any) -> Any:
    return models.ForeignKey(
        Unit,
        verbose_name=_("学校") if verbose_name is None else verbose_name,
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to={"kind": UnitKind.SCHOOL},
        **kwargs,
    )


# ---------------------------------------------------------------- learners


class LearnerQuerySet(CreditScopedQuerySet["Learner"]):
    learner_path = ""

    def scope_q(self, user: User) -> models.Q:
        return learner_scope_q(user)


class Learner(models.Model):
    """A learner's account in the bank (学习账户).

    Holds personal data: name, 身份证号 and phone, all SM4-encrypted; the 身份证号 and phone also as
    HMAC-SM3 digests for lookup, the 身份证号 digest unique (one person, one account, decided by
    the database). ``data_key`` is the learner's own SM4 key, itself encrypted by the platform
    key: whatever personal detail enters the ledger is sealed with it, so destroying it on
    erasure (PIPL art. 47) leaves nothing readable while the chain still verifies. The ledger
    knows the learner only by ``account_number``.
    """

    account_number = models.CharField(_("学习账号"), max_length=12, unique=True, editable=False)
    name = EncryptedCharField(_("姓名"), blank=True, default="")
    id_number = EncryptedCharField(_("身份证号"), blank=True, default="")
    id_lookup = LookupField(_("身份证号摘要"), blank=True, default="")
    phone = EncryptedCharField(_("手机号"), blank=True, default="")
    phone_lookup = LookupField(_("手机号摘要"), blank=True, default="", db_index=True)
    data_key = EncryptedCharField(_("个人数据密钥"), blank=True, default="", editable=False)
    school = _school_fk("credit_learners", _("开户学校"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_learner",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=LearnerStatus.choices, default=LearnerStatus.ACTIVE
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开户人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("开户时间"), default=timezone.now)
    erased_at = models.DateTimeField(_("删除个人信息时间"), null=True, blank=True)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习者")
        verbose_name_plural = _("学习者")
        ordering = ["account_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_lookup"],
                condition=~models.Q(id_lookup=""),
                name="creditbank_learner_one_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status=LearnerStatus.ERASED) | ~models.Q(id_lookup=""),
                name="creditbank_learner_identified",
            ),
        ]
        indexes = [models.Index(fields=["school", "opened_at"], name="creditbank_learner_school")]

    def __str__(self) -> str:
        return self.account_number

    @property
    def is_erased(self) -> bool:
        return self.status == LearnerStatus.ERASED


# ---------------------------------------------------------------- catalogue


class Certificate(models.Model):
    """A certificate of the catalogue: a 1+X 职业技能等级证书 with its evaluation organisation
    (培训评价组织), or a vocational qualification, and the levels it is issued at. No personal
    data."""

    code = models.CharField(_("证书编码"), max_length=40, unique=True)
    name = models.CharField(_("证书名称"), max_length=100)
    outcome_type = models.CharField(
        _("证书类别"),
        max_length=20,
        choices=[
            (t.value, t.label) for t in (OutcomeType.CERTIFICATE_1X, OutcomeType.QUALIFICATION)
        ],
    )
    organisation = models.CharField(_("培训评价组织（发证机构）"), max_length=200)
    levels = models.JSONField(
        _("等级"), default=list, help_text=_("颁发的等级，如 [1, 2, 3]（初、中、高级）")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("证书目录")
        verbose_name_plural = _("证书目录")
        ordering = ["outcome_type", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome_type", "name"], name="creditbank_certificate_name_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def content_key(self) -> str:
        return f"cert:{self.code}"

    def level_names(self) -> list[str]:
        return [level_name(self.outcome_type, int(level)) for level in self.levels]


class Programme(models.Model):
    """A diploma programme (专业) of a school, with the credits the diploma requires. The major's
    code and name follow 《职业教育专业目录（2021年）》. No personal data."""

    school = _school_fk("credit_programmes")
    major_code = models.CharField(_("专业代码"), max_length=10)
    major_name = models.CharField(_("专业名称"), max_length=100)
    education_level = models.CharField(_("层次"), max_length=20, choices=EducationLevel.choices)
    total_credits = models.DecimalField(_("毕业总学分"), max_digits=5, decimal_places=1)
    is_active = models.BooleanField(_("招生中"), default=True)

    class Meta:
        verbose_name = _("专业（学历教育）")
        verbose_name_plural = _("专业（学历教育）")
        ordering = ["school__name", "major_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "major_code", "education_level"],
                name="creditbank_programme_once",
            ),
            models.CheckConstraint(
                condition=models.Q(total_credits__gt=0), name="creditbank_programme_credits"
            ),
        ]

    def __str__(self) -> str:
        return gettext("{school} {major}（{level}）").format(
            school=self.school.short_name or self.school.name,
            major=self.major_name,
            level=self.get_education_level_display(),
        )


class Course(models.Model):
    """A course of a programme with its credits. No personal data."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("专业"), on_delete=models.CASCADE, related_name="courses"
    )
    code = models.CharField(_("课程代码"), max_length=30)
    name = models.CharField(_("课程名称"), max_length=100)
    credits = models.DecimalField(_("学分"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="creditbank_course_once"),
            models.CheckConstraint(
                condition=models.Q(credits__gt=0), name="creditbank_course_credits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def content_key(self) -> str:
        return f"course:{self.pk}"


# ---------------------------------------------------------------- outcomes


class OutcomeQuerySet(CreditScopedQuerySet["Outcome"]):
    def scope_q(self, user: User) -> models.Q:
        return learner_scope_q(user, "learner__")


class Outcome(models.Model):
    """A learning outcome (学习成果) of a learner: a certificate at a level, a course passed, a
    training, an award or informal learning, with its issuer, date and evidence.

    ``content_key`` names what it covers ("cert:CODE", "course:ID", "training:…"): outcomes of
    the same content count once, at their highest level. No personal data of its own beyond the
    certificate number; the evidence file may show personal data (deleted on erasure).
    """

    learner = models.ForeignKey(
        Learner, verbose_name=_("学习者"), on_delete=models.PROTECT, related_name="outcomes"
    )
    outcome_type = models.CharField(_("成果类型"), max_length=20, choices=OutcomeType.choices)
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("证书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("课程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    level = models.PositiveSmallIntegerField(_("等级"), default=0)
    title = models.CharField(_("名称"), max_length=200)
    certificate_number = models.CharField(_("证书编号"), max_length=60, blank=True)
    issuer = models.CharField(_("颁发机构"), max_length=200)
    obtained_on = models.DateField(_("取得日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    hours = models.PositiveIntegerField(_("学时"), null=True, blank=True)
    content_key = models.CharField(_("内容标识"), max_length=200, db_index=True)
    evidence = models.FileField(_("佐证材料"), upload_to="creditbank/evidence/%Y/", blank=True)
    evidence_name = models.CharField(_("材料文件名"), max_length=200, blank=True)
    evidence_type = models.CharField(_("材料类型"), max_length=100, blank=True)
    school = _school_fk("+", _("登记单位"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习成果")
        verbose_name_plural = _("学习成果")
        ordering = ["learner", "-obtained_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome_type__in=["certificate_1x", "qualification"])
                | models.Q(certificate__isnull=False, level__gte=1),
                name="creditbank_outcome_certificate",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome_type="course") | models.Q(course__isnull=False),
                name="creditbank_outcome_course",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("obtained_on")),
                name="creditbank_outcome_expiry",
            ),
        ]
        indexes = [models.Index(fields=["learner", "content_key"], name="creditbank_outcome_key")]

    def __str__(self) -> str:
        return self.described

    @property
    def level_name(self) -> str:
        return level_name(self.outcome_type, self.level)

    @property
    def label(self) -> str:
        prefix = {
            OutcomeType.CERTIFICATE_1X: _("证书"),
            OutcomeType.QUALIFICATION: _("证书"),
            OutcomeType.COURSE: _("课程"),
            OutcomeType.TRAINING: _("培训"),
            OutcomeType.AWARD: _("获奖"),
            OutcomeType.INFORMAL: _("成果"),
        }[OutcomeType(self.outcome_type)]
        return f"{prefix} {self.title}"

    @property
    def described(self) -> str:
        return f"{self.label} {self.level_name}".strip()


# ---------------------------------------------------------------- rules


class ConversionRule(models.Model):
    """One version of a conversion rule (学分转换规则): which outcomes convert into which courses
    of a programme, with its caps, valid between two dates. Versions of a code coexist by their
    validity dates; publishing never ends another version silently. No personal data."""

    code = models.CharField(_("规则编号"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=200)
    programme = models.ForeignKey(
        Programme, verbose_name=_("适用专业"), on_delete=models.PROTECT, related_name="rules"
    )
    publisher = models.ForeignKey(
        Unit,
        verbose_name=_("发布单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("学校发布的规则填学校；学分银行发布的留空。"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RuleStatus.choices, default=RuleStatus.DRAFT
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    max_share_percent = models.DecimalField(
        _("认定学分占毕业总学分上限（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    yearly_cap = models.DecimalField(
        _("每人每年认定学分上限"), null=True, blank=True, max_digits=5, decimal_places=1
    )
    max_age_years = models.PositiveSmallIntegerField(_("成果有效年限（年）"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学分转换规则")
        verbose_name_plural = _("学分转换规则")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="creditbank_rule_version"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="creditbank_rule_window",
            ),
            models.CheckConstraint(
                condition=models.Q(max_share_percent__isnull=True)
                | models.Q(max_share_percent__gt=0, max_share_percent__lte=100),
                name="creditbank_rule_share",
            ),
        ]

    def __str__(self) -> str:
        return gettext("{code} 第 {version} 版 {title}").format(
            code=self.code, version=self.version, title=self.title
        )

    @property
    def reference(self) -> str:
        return gettext("规则 {code} 第 {version} 版").format(code=self.code, version=self.version)


class RuleInput(models.Model):
    """One requirement of a rule: a certificate at a minimum level, a course, or an outcome of
    another kind named by its content key. All requirements of a rule must be met (N:1)."""

    rule = models.ForeignKey(
        ConversionRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="inputs"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), null=True, blank=True, on_delete=models.PROTECT
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("课程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_type = models.CharField(_("成果类型"), max_length=20, choices=OutcomeType.choices)
    content_key = models.CharField(_("内容标识"), max_length=200, blank=True)
    min_level = models.PositiveSmallIntegerField(_("最低等级"), default=0)
    label = models.CharField(_("说明"), max_length=200)

    class Meta:
        verbose_name = _("规则条件")
        verbose_name_plural = _("规则条件")
        ordering = ["rule", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(certificate__isnull=False, course__isnull=True)
                | models.Q(certificate__isnull=True, course__isnull=False)
                | (
                    models.Q(certificate__isnull=True, course__isnull=True)
                    & ~models.Q(content_key="")
                ),
                name="creditbank_rule_input_one_kind",
            )
        ]

    def __str__(self) -> str:
        return self.label


class RuleOutput(models.Model):
    """A course of the rule's programme credited when its requirements are met (1:N)."""

    rule = models.ForeignKey(
        ConversionRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="outputs"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="+"
    )
    credits = models.DecimalField(_("转换学分"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("转换课程")
        verbose_name_plural = _("转换课程")
        ordering = ["rule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "course"], name="creditbank_rule_output_once"),
            models.CheckConstraint(
                condition=models.Q(credits__gt=0), name="creditbank_rule_output_credits"
            ),
        ]

    def __str__(self) -> str:
        return gettext("{course} {credits} 学分").format(course=self.course, credits=self.credits)


# ---------------------------------------------------------------- ledger


class LedgerEntry(models.Model):
    """One entry of the append-only ledger (账本): a credit, a revocation, a correction, a mutual
    recognition or an erasure. ``hash`` = SM3(``prev_hash`` ‖ canonical entry); the database
    refuses UPDATE and DELETE on this table (triggers on SQLite and PostgreSQL).

    No personal data: the learner appears as the account number, and anything personal in the
    payload is sealed with the learner's own data key.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=LedgerKind.choices)
    account = models.CharField(_("学习账号"), max_length=12, db_index=True)
    payload = models.TextField(_("内容（规范 JSON）"))
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希（SM3）"), max_length=64, unique=True)
    # The time exactly as hashed (UTC, microseconds, "Z"): verification reads text, parses nothing.
    at = models.CharField(_("记账时间（UTC）"), max_length=27, db_index=True)

    class Meta:
        verbose_name = _("账本记录")
        verbose_name_plural = _("账本记录")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()} {self.account}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("账本只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("账本记录不能删除")

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


class LedgerHead(models.Model):
    """The ledger's head (last sequence number and hash): one row, locked by every append so that
    concurrent writers form one linear chain."""

    seq = models.PositiveBigIntegerField(_("最新序号"), default=0)
    hash = models.CharField(_("最新哈希"), max_length=64)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("账本头")
        verbose_name_plural = _("账本头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}…"


class LedgerCheckpoint(models.Model):
    """A signed statement of the ledger's head at a time (Ed25519, the platform signing key),
    kept outside the ledger table; append-only like the ledger. No personal data."""

    seq = models.PositiveBigIntegerField(_("序号"))
    hash = models.CharField(_("哈希"), max_length=64)
    created_at = models.DateTimeField(_("时间"))
    public_key = models.CharField(_("签名公钥"), max_length=64)
    signature = models.CharField(_("签名"), max_length=128)

    class Meta:
        verbose_name = _("账本检查点")
        verbose_name_plural = _("账本检查点")
        ordering = ["-seq", "-pk"]

    def __str__(self) -> str:
        return gettext("检查点 #{seq}").format(seq=self.seq)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("账本检查点只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("账本检查点不能删除")


# ---------------------------------------------------------------- applications


class ApplicationQuerySet(CreditScopedQuerySet["Application"]):
    def scope_q(self, user: User) -> models.Q:
        # A school sees the applications addressed to it and those of the learners it opened.
        return models.Q(school_id=user.unit_id) | models.Q(learner__school_id=user.unit_id)


class Application(models.Model):
    """An application for recognition (学分认定申请): outcomes of a learner put forward for
    conversion into credits of a programme, reviewed by the programme's school, then the bank,
    publicly noticed and credited. ``result`` is the engine's evaluation frozen at bank approval
    (what the notice shows); ``preview`` the one made at submission. No personal data of its own.
    """

    number = models.CharField(_("申请编号"), max_length=20, unique=True, null=True, blank=True)
    learner = models.ForeignKey(
        Learner, verbose_name=_("学习者"), on_delete=models.PROTECT, related_name="applications"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("认定专业"), on_delete=models.PROTECT, related_name="applications"
    )
    school = _school_fk("credit_applications", _("审核学校"))
    outcomes = models.ManyToManyField(Outcome, verbose_name=_("申请认定的成果"), related_name="+")
    status = models.CharField(
        _("状态"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    preview = models.JSONField(_("提交时预评估"), default=dict, blank=True)
    result = models.JSONField(_("认定结果"), default=dict, blank=True)
    credits = models.DecimalField(_("认定学分"), default=0, max_digits=5, decimal_places=1)
    comment = models.CharField(_("最近审核意见"), max_length=500, blank=True)
    batch = models.CharField(_("批量提交批次"), max_length=40, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    notice_starts = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends = models.DateField(_("公示结束"), null=True, blank=True)
    credited_at = models.DateTimeField(_("入账时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("学分认定申请")
        verbose_name_plural = _("学分认定申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notice_starts__isnull=True)
                | models.Q(notice_ends__gte=models.F("notice_starts")),
                name="creditbank_application_notice",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revoke_reason=""),
                name="creditbank_application_revoke_reason",
            ),
        ]
        indexes = [
            # The queues, oldest submitted first, read in index order (a page of 20 among
            # millions): a school's (its submitted ones), the bank's, and every application.
            models.Index(
                fields=["school", "status", "submitted_at", "id"],
                name="creditbank_application_queue",
            ),
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status__in=BANK_QUEUE),
                name="creditbank_app_bank_queue",
            ),
            models.Index(fields=["submitted_at", "id"], name="creditbank_app_submitted"),
            models.Index(fields=["status", "notice_ends"], name="creditbank_app_notice_due"),
        ]

    def __str__(self) -> str:
        return self.number or gettext("申请（草稿 {pk}）").format(pk=self.pk)


class ApplicationEvent(models.Model):
    """One step in an application's life, shown to the learner and reviewers. No personal data
    of its own."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=ApplicationAction.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("申请记录")
        verbose_name_plural = _("申请记录")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.get_action_display()}"


class Objection(models.Model):
    """An objection raised during the public notice (公示异议); an open one holds crediting until
    it is resolved. ``source`` says how it came in, not who raised it (no personal data)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="objections"
    )
    source = models.CharField(_("异议来源"), max_length=100)
    text = models.TextField(_("异议内容"))
    status = models.CharField(
        _("处理状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["application", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(resolution=""),
                name="creditbank_objection_resolution",
            )
        ]

    def __str__(self) -> str:
        return gettext("{application} 的异议（{status}）").format(
            application=self.application, status=self.get_status_display()
        )


# ---------------------------------------------------------------- banked credits


class CreditRecordQuerySet(CreditScopedQuerySet["CreditRecord"]):
    def scope_q(self, user: User) -> models.Q:
        return learner_scope_q(user, "learner__") | models.Q(programme__school_id=user.unit_id)


class CreditRecord(models.Model):
    """A course credited to a learner (入账学分), by an application or by mutual recognition,
    with the ledger entry that recorded it; a revocation keeps the record and says why. A course
    stands credited once per learner: a unique constraint on the standing records decides it.
    No personal data of its own."""

    learner = models.ForeignKey(
        Learner, verbose_name=_("学习者"), on_delete=models.PROTECT, related_name="credits"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    recognition = models.ForeignKey(
        "MutualRecognition",
        verbose_name=_("学分互认"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("专业"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="+"
    )
    credits = models.DecimalField(_("学分"), max_digits=5, decimal_places=1)
    rule_code = models.CharField(_("依据规则"), max_length=40)
    rule_version = models.PositiveSmallIntegerField(_("规则版本"))
    outcome_ids = models.JSONField(_("依据成果"), default=list)
    content_keys = models.JSONField(
        _("已计入的内容"),
        default=list,
        help_text=_("所依据成果的内容标识：同一内容在本专业只计一次。"),
    )
    credited_on = models.DateField(_("认定日期"))
    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("账本记录"), on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    revoke_entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("撤销账本记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CreditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("入账学分")
        verbose_name_plural = _("入账学分")
        ordering = ["learner", "credited_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=models.Q(revoked_at__isnull=True),
                name="creditbank_credit_once_per_course",
            ),
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | models.Q(recognition__isnull=False),
                name="creditbank_credit_has_source",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoke_reason=""),
                name="creditbank_credit_revoke_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "programme"], name="creditbank_credit_programme"),
        ]

    def __str__(self) -> str:
        return gettext("{course} {credits} 学分").format(
            course=self.course.name, credits=self.credits
        )


class NameCorrection(models.Model):
    """A correction of a learner's name on record (姓名更正), kept as history. Both names are
    sealed with the learner's data key (personal data, unreadable once it is destroyed)."""

    learner = models.ForeignKey(
        Learner, verbose_name=_("学习者"), on_delete=models.PROTECT, related_name="name_corrections"
    )
    old_name_sealed = models.TextField(_("原姓名（密文）"))
    new_name_sealed = models.TextField(_("新姓名（密文）"))
    reason = models.CharField(_("更正理由"), max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("更正时间"), default=timezone.now)
    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("账本记录"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("姓名更正")
        verbose_name_plural = _("姓名更正")
        ordering = ["learner", "corrected_at", "pk"]

    def __str__(self) -> str:
        return gettext("{learner} 姓名更正（{day}）").format(
            learner=self.learner, day=f"{self.corrected_at:%Y-%m-%d}"
        )


class RecognitionQuerySet(CreditScopedQuerySet["MutualRecognition"]):
    def scope_q(self, user: User) -> models.Q:
        return (
            models.Q(school_id=user.unit_id)
            | models.Q(source_school_id=user.unit_id)
            | learner_scope_q(user, "learner__")
        )


class MutualRecognition(models.Model):
    """School B's decision on credits a learner banked at school A (学分互认): accepted under a
    rule of B (the credited courses become records of B's programme) or refused with a reason.
    Recorded in the ledger either way. No personal data."""

    learner = models.ForeignKey(
        Learner, verbose_name=_("学习者"), on_delete=models.PROTECT, related_name="recognitions"
    )
    source_school = _school_fk("+", _("学分所在学校"))
    school = _school_fk("+", _("认可学校"))
    programme = models.ForeignKey(
        Programme, verbose_name=_("认可专业"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        ConversionRule,
        verbose_name=_("依据规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_records = models.ManyToManyField(
        CreditRecord, verbose_name=_("申请互认的学分"), related_name="+"
    )
    decision = models.CharField(_("决定"), max_length=10, choices=RecognitionDecision.choices)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    credits = models.DecimalField(_("认可学分"), default=0, max_digits=5, decimal_places=1)
    result = models.JSONField(_("评估结果"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), default=timezone.now)
    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("账本记录"), on_delete=models.PROTECT, related_name="+"
    )

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("学分互认")
        verbose_name_plural = _("学分互认")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="accepted", rule__isnull=False)
                | (models.Q(decision="refused") & ~models.Q(reason="")),
                name="creditbank_recognition_grounds",
            )
        ]

    def __str__(self) -> str:
        return gettext("{school} {decision} {source} 的学分").format(
            school=self.school, decision=self.get_decision_display(), source=self.source_school
        )


# ---------------------------------------------------------------- transcripts


class ShareQuerySet(CreditScopedQuerySet["TranscriptShare"]):
    def scope_q(self, user: User) -> models.Q:
        return learner_scope_q(user, "learner__")


class TranscriptShare(models.Model):
    """A transcript shared with a third party, found by its verification code (核验码). It lists
    the records shared and a digest of their content at the time; revoking it, or re-issuing it
    after a name correction, is recorded here. No personal data."""

    code = models.CharField(_("核验码"), max_length=16, unique=True)
    learner = models.ForeignKey(
        Learner, verbose_name=_("学习者"), on_delete=models.PROTECT, related_name="shares"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("专业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空：分享全部入账学分。"),
    )
    records = models.ManyToManyField(CreditRecord, verbose_name=_("分享的学分"), related_name="+")
    digest = models.CharField(_("内容摘要（SM3）"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("换发为"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("成绩单分享")
        verbose_name_plural = _("成绩单分享")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.code
