"""School–enterprise cooperation (校企合作) and school governance: the records behind the targets.

名企名校 projects, 职教集团 with members and activities, 产教融合型企业 with their level history and
incentives, shared training bases, apprenticeships with mentors and apprentices, 1+X pilots, and
each school's charter and council, 三全育人 pilots and 思政 cases.

Enterprises are :class:`zhijiao.orgs.models.Unit` rows of kind enterprise, identified by their
统一社会信用代码; what only a 产教融合型企业 has (levels, incentives) lives here.

Who sees a record (``scope_q``): the units that are party to it — its school or lead unit, that
unit's supervising bureau (``Unit.parent``), the bureau responsible for it (``department``), the
enterprises and schools named on it — and the plan office, which sees all. Who may edit it
(``owner_q``): its school or lead unit, that unit's bureau, the responsible bureau and the office;
a partner enterprise or member school may look but not change it.

Personal data: :class:`Mentor` and :class:`Apprentice` hold names (and an apprentice's student
number); nothing else here is personal. No 身份证号 or phone is collected.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitKind, User

from .data import (
    ActivityKind,
    BaseLevel,
    CaseKind,
    CertificateLevel,
    EnterpriseLevel,
    GroupLevel,
    IncentivePolicy,
    Industry,
    MemberRole,
    PilotLevel,
    PilotRank,
)


class PartyQuerySet(ScopedQuerySet[Any]):
    """Scope by the units party to a record.

    ``lead`` is the owning unit (a school, or a group's lead unit); ``partners`` are other
    foreign keys to units; ``partner_sets`` are to-many relations to units.
    """

    lead = "school"
    partners: tuple[str, ...] = ()
    partner_sets: tuple[str, ...] = ()
    has_department = True

    def owner_q(self, user: User) -> models.Q:
        unit = user.unit_id
        q = models.Q(**{f"{self.lead}_id": unit}) | models.Q(**{f"{self.lead}__parent_id": unit})
        if self.has_department:
            q |= models.Q(department_id=unit)
        return q

    def scope_q(self, user: User) -> models.Q:
        unit = user.unit_id
        q = self.owner_q(user)
        for name in self.partners:
            q |= models.Q(**{f"{name}_id": unit})
        for name in self.partner_sets:
            # Through the primary keys: a join on a to-many relation would repeat rows.
            q |= models.Q(pk__in=self.model._default_manager.filter(**{name: unit}).values("pk"))
        return q

    def editable_by(self, user: Any) -> Self:
        """The records the user may change: as ``visible_to``, by ``owner_q``."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_units:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(self.owner_q(user))


SCHOOLS = {"kind": UnitKind.SCHOOL}
ENTERPRISES = {"kind": UnitKind.ENTERPRISE}
BUREAUS = {"kind__in": [UnitKind.GOVERNMENT, UnitKind.PARTY]}


class Record(models.Model):
    """What every cooperation record carries: the responsible bureau and its history."""

    department = models.ForeignKey(
        Unit,
        verbose_name=_("负责部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=BUREAUS,
        help_text=_("负责推进、审核该项工作的部门（如发改委、人社局）；该部门可查看和修改。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        abstract = True


class LevelDecision(models.Model):
    """One decision on a record's level (认定、升级、降级、移出), by the plan office. The record's
    current level is the last decision's; history stays. No personal data."""

    level = models.CharField(_("认定级别"), max_length=20)
    previous = models.CharField(_("原级别"), max_length=20)
    decided_on = models.DateField(_("认定日期"))
    authority = models.CharField(_("认定机关"), max_length=100)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.decided_on:%Y-%m-%d} {self.previous} → {self.level}"


# ---------------------------------------------------------------- 名企名校合作项目


class ProjectQuerySet(PartyQuerySet):
    partner_sets = ("enterprises",)


class FamousProject(Record):
    """A 名企名校 cooperation project led by a school with one or more enterprises. Counted
    toward the target from its start until it is terminated. No personal data."""

    name = models.CharField(_("项目名称"), max_length=200)
    school = models.ForeignKey(
        Unit,
        verbose_name=_("牵头学校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=SCHOOLS,
    )
    enterprises = models.ManyToManyField(
        Unit, verbose_name=_("合作企业"), related_name="+", limit_choices_to=ENTERPRISES
    )
    industry = models.CharField(_("产业集群"), max_length=20, choices=Industry.choices)
    content = models.TextField(_("合作内容"))
    outputs = models.TextField(_("合作成果"), blank=True)
    started_on = models.DateField(_("启动日期"))
    planned_end_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    termination_reason = models.CharField(_("终止原因"), max_length=300, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("名企名校合作项目")
        verbose_name_plural = _("名企名校合作项目")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="cooperation_project_unique_name",
                violation_error_message=_("该学校已登记同名的合作项目"),
            ),
            models.CheckConstraint(
                condition=models.Q(terminated_on__isnull=True)
                | models.Q(terminated_on__gte=models.F("started_on")),
                name="cooperation_project_terminated_after_start",
                violation_error_message=_("终止日期不能早于启动日期"),
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end_on__isnull=True)
                | models.Q(planned_end_on__gte=models.F("started_on")),
                name="cooperation_project_planned_after_start",
                violation_error_message=_("计划完成日期不能早于启动日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- 职教集团


class GroupQuerySet(PartyQuerySet):
    lead = "lead"

    def scope_q(self, user: User) -> models.Q:
        members = GroupMember.objects.filter(unit=user.unit_id).values("group_id")
        return super().scope_q(user) | models.Q(pk__in=members)


class VocationalGroup(Record):
    """A 职教集团 (vocational education group): its lead unit, level, members and activities.
    No personal data."""

    name = models.CharField(_("集团名称"), max_length=200, unique=True)
    lead = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("产业集群"), max_length=20, choices=Industry.choices)
    founded_on = models.DateField(_("成立日期"))
    level = models.CharField(
        _("级别"), max_length=20, choices=GroupLevel.choices, default=GroupLevel.ORDINARY
    )
    level_since = models.DateField(_("级别认定日期"), null=True, blank=True)
    description = models.TextField(_("集团简介"), blank=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("职教集团")
        verbose_name_plural = _("职教集团")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A unit's membership of a 职教集团, from joining to leaving. No personal data."""

    group = models.ForeignKey(
        VocationalGroup,
        verbose_name=_("职教集团"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("成员类别"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("职教集团成员")
        verbose_name_plural = _("职教集团成员")
        ordering = ["group", "role", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "unit"],
                condition=models.Q(left_on__isnull=True),
                name="cooperation_member_once",
                violation_error_message=_("该单位已是集团成员"),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="cooperation_member_left_after_joined",
                violation_error_message=_("退出日期不能早于加入日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}（{self.get_role_display()}）"


class GroupActivity(models.Model):
    """Something a 职教集团 did: a council meeting, training, a competition… No personal data."""

    group = models.ForeignKey(
        VocationalGroup,
        verbose_name=_("职教集团"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    held_on = models.DateField(_("日期"))
    kind = models.CharField(_("活动类别"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    participants = models.PositiveIntegerField(_("参与人数"), null=True, blank=True)
    summary = models.TextField(_("活动情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("职教集团活动")
        verbose_name_plural = _("职教集团活动")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class GroupLevelDecision(LevelDecision):
    record = models.ForeignKey(
        VocationalGroup,
        verbose_name=_("职教集团"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )

    class Meta(LevelDecision.Meta):
        verbose_name = _("职教集团级别认定")
        verbose_name_plural = _("职教集团级别认定")

    def __str__(self) -> str:
        return super().__str__()


# ---------------------------------------------------------------- 产教融合型企业


class EnterpriseQuerySet(PartyQuerySet):
    lead = "enterprise"
    partner_sets = ("schools",)

    def owner_q(self, user: User) -> models.Q:
        # The enterprise itself may look but not grade itself: owners are the responsible bureau
        # and the schools' bureaus.
        return models.Q(department_id=user.unit_id)

    def scope_q(self, user: User) -> models.Q:
        unit = user.unit_id
        schools = self.model._default_manager.filter(
            models.Q(schools=unit) | models.Q(schools__parent_id=unit)
        ).values("pk")
        return self.owner_q(user) | models.Q(enterprise_id=unit) | models.Q(pk__in=schools)


class IntegrationEnterprise(Record):
    """An enterprise on the 产教融合型企业 track: applied, on the cultivation list, recognised at
    city or provincial level, or removed, with the incentives it received. No personal data."""

    enterprise = models.ForeignKey(
        Unit,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=ENTERPRISES,
    )
    industry = models.CharField(_("产业集群"), max_length=20, choices=Industry.choices)
    schools = models.ManyToManyField(
        Unit, verbose_name=_("合作院校"), related_name="+", blank=True, limit_choices_to=SCHOOLS
    )
    applied_on = models.DateField(_("申报日期"))
    level = models.CharField(
        _("当前级别"),
        max_length=20,
        choices=EnterpriseLevel.choices,
        default=EnterpriseLevel.CANDIDATE,
    )
    level_since = models.DateField(_("级别认定日期"), null=True, blank=True)
    vet_investment = models.DecimalField(
        _("年度职业教育投入（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("产教融合情况"), blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("产教融合型企业")
        verbose_name_plural = _("产教融合型企业")
        ordering = ["enterprise__name"]
        constraints = [
            # The same enterprise (one 统一社会信用代码, one unit) is on the track once.
            models.UniqueConstraint(
                fields=["enterprise"],
                name="cooperation_cpe_one_per_enterprise",
                violation_error_message=_("该企业已在产教融合型企业名单中"),
            ),
            models.CheckConstraint(
                condition=models.Q(vet_investment__isnull=True) | models.Q(vet_investment__gte=0),
                name="cooperation_cpe_investment_positive",
                violation_error_message=_("职业教育投入不能为负数"),
            ),
        ]

    def __str__(self) -> str:
        return self.enterprise.name


class EnterpriseLevelDecision(LevelDecision):
    record = models.ForeignKey(
        IntegrationEnterprise,
        verbose_name=_("产教融合型企业"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )

    class Meta(LevelDecision.Meta):
        verbose_name = _("产教融合型企业认定")
        verbose_name_plural = _("产教融合型企业认定")

    def __str__(self) -> str:
        return super().__str__()


class IncentiveGrant(models.Model):
    """An incentive applied to a 产教融合型企业 (金融、财政、土地、信用、教育费附加抵免).
    No personal data."""

    record = models.ForeignKey(
        IntegrationEnterprise,
        verbose_name=_("产教融合型企业"),
        on_delete=models.CASCADE,
        related_name="incentives",
    )
    policy = models.CharField(_("政策类别"), max_length=20, choices=IncentivePolicy.choices)
    amount = models.DecimalField(
        _("金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    granted_on = models.DateField(_("落实日期"))
    authority = models.CharField(_("实施部门"), max_length=100)
    description = models.CharField(_("内容"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("激励政策落实")
        verbose_name_plural = _("激励政策落实")
        ordering = ["-granted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="cooperation_incentive_amount_positive",
                violation_error_message=_("金额不能为负数"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_policy_display()}：{self.description}"


# ---------------------------------------------------------------- 实训基地


class BaseQuerySet(PartyQuerySet):
    partner_sets = ("enterprises",)


class TrainingBase(Record):
    """A training base (实训基地) a school runs, alone or with enterprises; shared (资源共享型)
    bases count toward task 14. No personal data."""

    name = models.CharField(_("基地名称"), max_length=200)
    school = models.ForeignKey(
        Unit,
        verbose_name=_("承建学校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=SCHOOLS,
    )
    enterprises = models.ManyToManyField(
        Unit, verbose_name=_("共建企业"), related_name="+", blank=True, limit_choices_to=ENTERPRISES
    )
    industry = models.CharField(_("产业集群"), max_length=20, choices=Industry.choices)
    shared = models.BooleanField(
        _("资源共享型"), default=False, help_text=_("面向其他学校、企业和社会开放共享。")
    )
    for_talent = models.BooleanField(_("人才培养"), default=True)
    for_research = models.BooleanField(_("技术研发"), default=False)
    for_production = models.BooleanField(_("生产示范"), default=False)
    for_staff = models.BooleanField(_("员工培训"), default=False)
    for_assessment = models.BooleanField(_("技能鉴定"), default=False)
    opened_on = models.DateField(_("建成日期"))
    workstations = models.PositiveIntegerField(_("工位数"), null=True, blank=True)
    area = models.PositiveIntegerField(_("建筑面积（平方米）"), null=True, blank=True)
    investment = models.DecimalField(
        _("总投入（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    level = models.CharField(
        _("级别"), max_length=20, choices=BaseLevel.choices, default=BaseLevel.SCHOOL
    )
    level_since = models.DateField(_("级别认定日期"), null=True, blank=True)
    description = models.TextField(_("基地简介"), blank=True)

    objects = BaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("实训基地")
        verbose_name_plural = _("实训基地")
        ordering = ["school__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="cooperation_base_unique_name",
                violation_error_message=_("该学校已登记同名的实训基地"),
            ),
            models.CheckConstraint(
                condition=models.Q(investment__isnull=True) | models.Q(investment__gte=0),
                name="cooperation_base_investment_positive",
                violation_error_message=_("总投入不能为负数"),
            ),
        ]

    FUNCTION_FIELDS = (
        "for_talent",
        "for_research",
        "for_production",
        "for_staff",
        "for_assessment",
    )

    def __str__(self) -> str:
        return self.name

    def functions(self) -> list[str]:
        labels = {f.name: str(f.verbose_name) for f in self._meta.fields}
        return [labels[name] for name in self.FUNCTION_FIELDS if getattr(self, name)]


class BaseLevelDecision(LevelDecision):
    record = models.ForeignKey(
        TrainingBase, verbose_name=_("实训基地"), on_delete=models.CASCADE, related_name="decisions"
    )

    class Meta(LevelDecision.Meta):
        verbose_name = _("实训基地级别认定")
        verbose_name_plural = _("实训基地级别认定")

    def __str__(self) -> str:
        return super().__str__()


# ---------------------------------------------------------------- 现代学徒制


class ApprenticeshipQuerySet(PartyQuerySet):
    partners = ("enterprise",)


class Apprenticeship(Record):
    """A modern apprenticeship (现代学徒制) programme of a school and an enterprise, with its
    enterprise mentors and apprentices. No personal data of its own."""

    name = models.CharField(_("项目名称"), max_length=200)
    school = models.ForeignKey(
        Unit,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=SCHOOLS,
    )
    enterprise = models.ForeignKey(
        Unit,
        verbose_name=_("合作企业"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=ENTERPRISES,
    )
    major = models.CharField(_("专业"), max_length=100)
    started_on = models.DateField(_("开班日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    description = models.TextField(_("培养方案要点"), blank=True)

    objects = ApprenticeshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("现代学徒制项目")
        verbose_name_plural = _("现代学徒制项目")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="cooperation_apprenticeship_unique_name",
                violation_error_message=_("该学校已登记同名的学徒制项目"),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="cooperation_apprenticeship_ends_after_start",
                violation_error_message=_("结束日期不能早于开班日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def import_keys(self) -> list[str]:
        """How an import names the programme when schools use the same name: “学校/项目名称”."""
        return [f"{self.school}/{self.name}"]


class Mentor(models.Model):
    """An enterprise mentor (企业导师) of an apprenticeship. Holds personal data: a name."""

    programme = models.ForeignKey(
        Apprenticeship,
        verbose_name=_("学徒制项目"),
        on_delete=models.CASCADE,
        related_name="mentors",
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("岗位或职务"), max_length=100)
    qualification = models.CharField(_("技能等级或职称"), max_length=100, blank=True)
    since = models.DateField(_("聘任日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("企业导师")
        verbose_name_plural = _("企业导师")
        ordering = ["programme", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="cooperation_mentor_once",
                violation_error_message=_("该项目已登记同名导师"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"


class ApprenticeQuerySet(ScopedQuerySet["Apprentice"]):
    def owner_q(self, user: User) -> models.Q:
        unit = user.unit_id
        return (
            models.Q(programme__school_id=unit)
            | models.Q(programme__school__parent_id=unit)
            | models.Q(programme__department_id=unit)
        )

    def scope_q(self, user: User) -> models.Q:
        return self.owner_q(user) | models.Q(programme__enterprise_id=user.unit_id)

    def editable_by(self, user: Any) -> Self:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_units:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(self.owner_q(user))


class Apprentice(models.Model):
    """An apprentice (学徒) of a programme, from signing the agreement to leaving.
    Holds personal data: name and student number."""

    programme = models.ForeignKey(
        Apprenticeship,
        verbose_name=_("学徒制项目"),
        on_delete=models.PROTECT,
        related_name="apprentices",
    )
    name = models.CharField(_("姓名"), max_length=50)
    student_number = models.CharField(_("学号"), max_length=30)
    signed_on = models.DateField(_("签订协议日期"))
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("企业导师"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="apprentices",
    )
    left_on = models.DateField(_("结业或退出日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = ApprenticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("学徒")
        verbose_name_plural = _("学徒")
        ordering = ["programme", "student_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "student_number"],
                name="cooperation_apprentice_once",
                violation_error_message=_("该学号已登记为本项目的学徒"),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("signed_on")),
                name="cooperation_apprentice_left_after_signed",
                violation_error_message=_("结业或退出日期不能早于签订协议日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.student_number}）"


# ---------------------------------------------------------------- 1+X 证书试点


class PilotQuerySet(PartyQuerySet):
    pass


class XPilot(Record):
    """A school's 1+X 职业技能等级证书 pilot; those selected as 示范项目 count toward the target.
    No personal data (candidates and certificates are counted, not named)."""

    school = models.ForeignKey(
        Unit,
        verbose_name=_("试点学校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=SCHOOLS,
    )
    certificate = models.CharField(_("职业技能等级证书"), max_length=200)
    certificate_level = models.CharField(
        _("证书等级"), max_length=20, choices=CertificateLevel.choices
    )
    organisation = models.CharField(_("培训评价组织"), max_length=200)
    major = models.CharField(_("试点专业"), max_length=100)
    started_on = models.DateField(_("试点开始日期"))
    candidates = models.PositiveIntegerField(_("累计参加考核人数"), default=0)
    certified = models.PositiveIntegerField(_("累计取证人数"), default=0)
    level = models.CharField(
        _("项目类别"), max_length=20, choices=PilotLevel.choices, default=PilotLevel.PILOT
    )
    level_since = models.DateField(_("遴选日期"), null=True, blank=True)

    objects = PilotQuerySet.as_manager()

    class Meta:
        verbose_name = _("1+X 证书试点项目")
        verbose_name_plural = _("1+X 证书试点项目")
        ordering = ["school__name", "certificate"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "certificate", "certificate_level"],
                name="cooperation_pilot_once",
                violation_error_message=_("该学校已登记同一证书、同一等级的试点"),
            ),
            models.CheckConstraint(
                condition=models.Q(certified__lte=models.F("candidates")),
                name="cooperation_pilot_certified_le_candidates",
                violation_error_message=_("取证人数不能超过参加考核人数"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate}（{self.get_certificate_level_display()}）"


class PilotLevelDecision(LevelDecision):
    record = models.ForeignKey(
        XPilot, verbose_name=_("1+X 证书试点"), on_delete=models.CASCADE, related_name="decisions"
    )

    class Meta(LevelDecision.Meta):
        verbose_name = _("1+X 示范项目遴选")
        verbose_name_plural = _("1+X 示范项目遴选")

    def __str__(self) -> str:
        return super().__str__()


# ---------------------------------------------------------------- school governance


class SchoolQuerySet(PartyQuerySet):
    has_department = False


class SchoolGovernance(models.Model):
    """A school's charter (章程) and council (理事会), task 20. No personal data beyond the
    council chair's name, which is public."""

    school = models.OneToOneField(
        Unit,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=SCHOOLS,
    )
    charter_approved_on = models.DateField(_("章程核准日期"), null=True, blank=True)
    charter_authority = models.CharField(_("章程核准机关"), max_length=100, blank=True)
    charter_document_no = models.CharField(_("核准文号"), max_length=100, blank=True)
    council_founded_on = models.DateField(_("理事会成立日期"), null=True, blank=True)
    council_chair = models.CharField(_("理事长"), max_length=50, blank=True)
    council_members = models.PositiveSmallIntegerField(_("理事会成员数"), null=True, blank=True)
    enterprise_members = models.PositiveSmallIntegerField(
        _("其中行业企业代表数"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("学校章程与理事会")
        verbose_name_plural = _("学校章程与理事会")
        ordering = ["school__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise_members__isnull=True)
                | models.Q(council_members__isnull=True)
                | models.Q(enterprise_members__lte=models.F("council_members")),
                name="cooperation_council_members",
                violation_error_message=_("行业企业代表数不能超过理事会成员数"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.school)


class SanquanPilot(models.Model):
    """A school recognised as a 三全育人 comprehensive-reform pilot (task 2). No personal data."""

    school = models.ForeignKey(
        Unit,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=SCHOOLS,
    )
    rank = models.CharField(_("级别"), max_length=20, choices=PilotRank.choices)
    approved_on = models.DateField(_("认定日期"))
    authority = models.CharField(_("认定机关"), max_length=100)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("“三全育人”试点学校")
        verbose_name_plural = _("“三全育人”试点学校")
        ordering = ["-approved_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "rank"],
                name="cooperation_sanquan_once",
                violation_error_message=_("该学校已登记同一级别的“三全育人”试点"),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("approved_on")),
                name="cooperation_sanquan_ends_after_approval",
                violation_error_message=_("终止日期不能早于认定日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}（{self.get_rank_display()}）"


class IdeologyCase(models.Model):
    """A 思政教育示范课堂 or 课程思政典型案例 of a school (task 2). The teachers named are public
    authors of the case; no other personal data."""

    school = models.ForeignKey(
        Unit,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=SCHOOLS,
    )
    kind = models.CharField(_("类别"), max_length=20, choices=CaseKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    course = models.CharField(_("课程"), max_length=100)
    teachers = models.CharField(_("主讲或完成教师"), max_length=200)
    rank = models.CharField(_("认定级别"), max_length=20, choices=PilotRank.choices)
    year = models.PositiveSmallIntegerField(_("认定年度"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("思政示范课堂与典型案例")
        verbose_name_plural = _("思政示范课堂与典型案例")
        ordering = ["-year", "school__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "title"],
                name="cooperation_case_once",
                violation_error_message=_("该学校已登记同名的同类案例"),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="cooperation_case_year_range",
                violation_error_message=_("认定年度应为四位年份"),
            ),
        ]

    def __str__(self) -> str:
        return self.title
