"""Units (departments, schools, enterprises, associations), unit groups, users and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhijiao.core.codes import validate_credit_code
from zhijiao.core.scope import ScopedQuerySet

from .roles import ALL_UNITS_ROLES, ROLE_CAPABILITIES, Capability, Role


class UnitKind(models.TextChoices):
    PARTY = "party", _("党委部门")
    GOVERNMENT = "government", _("政府部门")
    SCHOOL = "school", _("职业院校")
    ENTERPRISE = "enterprise", _("企业")
    ASSOCIATION = "association", _("社会团体")
    OTHER = "other", _("其他单位")


class UnitQuerySet(ScopedQuerySet["Unit"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(pk=user.unit_id)


class Unit(models.Model):
    """An organisation that holds responsibilities or reports data. No personal data."""

    name = models.CharField(_("单位名称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("主管单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    aliases = models.JSONField(_("其他名称"), default=list, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        default="",
        help_text=_("GB 32100，18 位；企业必填，用于识别同一企业。"),
        validators=[validate_credit_code],
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            # One organisation, one unit: the same 统一社会信用代码 cannot be registered twice.
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="orgs_unit_one_per_credit_code",
            )
        ]

    def __str__(self) -> str:
        return self.name


class UnitGroup(models.Model):
    """A named set of units printed as one responsible party, e.g. 各职业院校."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    member_kind = models.CharField(
        _("自动包含的单位类型"),
        max_length=20,
        choices=UnitKind.choices,
        blank=True,
        help_text=_("设定后，该类型的全部启用单位都属于本组。"),
    )
    members = models.ManyToManyField(
        Unit, verbose_name=_("成员单位"), blank=True, related_name="groups"
    )

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def resolve(self, within: models.Q | None = None) -> list[Unit]:
        """The units this group stands for, by name; only those ``within`` when given (a group of
        every school stands for over a thousand in a province)."""
        members = self.members.all()
        by_kind = Unit.objects.filter(kind=self.member_kind, is_active=True)
        if within is not None:
            members, by_kind = members.filter(within), by_kind.filter(within)
        units = {u.pk: u for u in members}
        if self.member_kind:
            for unit in by_kind:
                units[unit.pk] = unit
        return sorted(units.values(), key=lambda u: u.name)


class User(AbstractUser):
    """A person's account. Holds personal data: name, e-mail."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            # Administrators of the platform belong to no business unit's scope.
            models.CheckConstraint(
                condition=~models.Q(role=""),
                name="user_has_role",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        # The password's age decides when a change is forced (ZHIJIAO_PASSWORD_MAX_AGE_DAYS).
        self.password_changed_at = timezone.now()

    @property
    def capabilities(self) -> frozenset[Capability]:
        if not self.is_active:
            return frozenset()
        return ROLE_CAPABILITIES.get(self.role, frozenset())

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def sees_all_units(self) -> bool:
        return self.is_active and self.role in ALL_UNITS_ROLES


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
