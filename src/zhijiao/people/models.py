"""People and achievements (人员与成果): the registries behind the plan's counted targets.

- Teachers, their 双师型 status and enterprise practice; students (学生).
- The yearly 技能雏鹰 selection: rounds, per-school quotas, nominations, the three bureaus'
  reviews, objections during the public notice.
- Competitions and awards (with the incentive paid), social training (社会培训) records, the
  majors of each school with their recognitions and 中高职贯通 programmes, teaching innovation
  teams and 双师型 training bases.

:class:`Teacher` and :class:`Student` hold personal data (name, 身份证号, gender, birth year; a
teacher's phone): the 身份证号 and phone are encrypted at rest and found only through their keyed
digest; pages and exports mask them. The other models hold no personal data of their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.personal import EncryptedCharField, LookupField
from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitKind, User

from .data import (
    AwardRank,
    BaseKind,
    CompetitionCategory,
    CompetitionLevel,
    DualLevel,
    EagletRoundStatus,
    EagletStage,
    Gender,
    HonourLevel,
    MajorLevel,
    NominationStatus,
    ObjectionOutcome,
    RecognitionKind,
    SkillLevel,
    TeacherKind,
    ThroughMode,
    Title,
    TraineeGroup,
    TrainingKind,
)


class TeacherQuerySet(ScopedQuerySet["Teacher"]):
    def scope_q(self, user: User) -> models.Q:
        # A school sees its own teachers; its supervising bureau sees those of its schools.
        return models.Q(school_id=user.unit_id) | models.Q(school__parent_id=user.unit_id)


class Teacher(models.Model):
    """A teacher of a vocational school, full-time or part-time from an enterprise.

    Holds personal data: name, 身份证号 (encrypted, with a lookup digest that makes a person
    unique in the installation), phone (encrypted), gender and birth year (from the 身份证号).
    """

    school = models.ForeignKey(
        Unit,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="teachers",
        limit_choices_to={"kind": UnitKind.SCHOOL},
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"))
    id_lookup = LookupField(_("身份证号摘要"))
    phone = EncryptedCharField(_("手机号"), blank=True, default="")
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"))
    kind = models.CharField(_("教师类别"), max_length=20, choices=TeacherKind.choices)
    title = models.CharField(_("职称"), max_length=20, choices=Title.choices, default=Title.NONE)
    skill_level = models.CharField(
        _("职业技能等级"), max_length=20, choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    employer = models.CharField(
        _("所在企业"), max_length=200, blank=True, help_text=_("兼职教师（企业）填写其任职的企业。")
    )
    hired_on = models.DateField(_("入职（聘任）日期"))
    left_on = models.DateField(
        _("离职日期"), null=True, blank=True, help_text=_("当天仍在职，次日起不再计入在职教师。")
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = TeacherQuerySet.as_manager()

    class Meta:
        verbose_name = _("教师")
        verbose_name_plural = _("教师")
        ordering = ["school", "name", "pk"]
        constraints = [
            # One person, one registration in the whole installation (decided here, not in Python).
            models.UniqueConstraint(fields=["id_lookup"], name="people_teacher_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("hired_on")),
                name="people_teacher_left_after_hired",
            ),
        ]
        indexes = [models.Index(fields=["school", "kind"], name="people_teacher_school_kind")]

    def __str__(self) -> str:
        return self.name


class DualQualificationQuerySet(ScopedQuerySet["DualQualification"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(teacher__school_id=user.unit_id) | models.Q(
            teacher__school__parent_id=user.unit_id
        )


class DualQualification(models.Model):
    """A grant of 双师型 status to a teacher, with its evidence; revoked grants stay as history.

    No personal data of its own (it points to a :class:`Teacher`); the evidence file may show
    personal data and is served only through a scoped view.
    """

    teacher = models.ForeignKey(
        Teacher,
        verbose_name=_("教师"),
        on_delete=models.CASCADE,
        related_name="dual_qualifications",
    )
    granted_on = models.DateField(_("认定日期"))
    level = models.CharField(_("等级"), max_length=20, choices=DualLevel.choices, blank=True)
    evidence = models.FileField(_("认定材料"), upload_to="people/dual/%Y/")
    evidence_name = models.CharField(_("材料文件名"), max_length=200)
    evidence_type = models.CharField(_("材料类型"), max_length=100)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = DualQualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("“双师型”认定")
        verbose_name_plural = _("“双师型”认定")
        ordering = ["teacher", "-granted_on", "-pk"]
        constraints = [
            # At most one standing grant per teacher, also under concurrent requests.
            models.UniqueConstraint(
                fields=["teacher"],
                condition=models.Q(revoked_on__isnull=True),
                name="people_dual_one_standing",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_on__isnull=True)
                | models.Q(revoked_on__gte=models.F("granted_on")),
                name="people_dual_revoked_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return gettext("{teacher} “双师型”（{granted_on:%Y-%m-%d}）").format(
            teacher=self.teacher, granted_on=self.granted_on
        )


class EnterprisePracticeQuerySet(ScopedQuerySet["EnterprisePractice"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(teacher__school_id=user.unit_id) | models.Q(
            teacher__school__parent_id=user.unit_id
        )


class EnterprisePractice(models.Model):
    """Days a teacher spent practising in an enterprise (企业实践) in one year. No personal data
    of its own."""

    teacher = models.ForeignKey(
        Teacher, verbose_name=_("教师"), on_delete=models.CASCADE, related_name="practices"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    enterprise = models.CharField(_("实践企业"), max_length=200)
    days = models.PositiveSmallIntegerField(_("天数"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = EnterprisePracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业实践")
        verbose_name_plural = _("企业实践")
        ordering = ["teacher", "-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=366), name="people_practice_days_range"
            ),
        ]
        indexes = [models.Index(fields=["year"], name="people_practice_year")]

    def __str__(self) -> str:
        return gettext("{teacher} · {year} · {enterprise}（{days} 天）").format(
            teacher=self.teacher, year=self.year, enterprise=self.enterprise, days=self.days
        )


def school_scope_q(user: User, prefix: str = "") -> models.Q:
    """Rows of a school: its own clerk sees them, and so does the bureau supervising the school."""
    return models.Q(**{f"{prefix}school_id": user.unit_id}) | models.Q(
        **{f"{prefix}school__parent_id": user.unit_id}
    )


def _school_fk(related_name: str) -> models.ForeignKey[Unit, Unit]:
    return models.ForeignKey(
        Unit,
        verbose_name=gettext("学校"),
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to={"kind": UnitKind.SCHOOL},
    )


# ---------------------------------------------------------------- students


class StudentQuerySet(ScopedQuerySet["Student"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user)


class Student(models.Model):
    """A student of a vocational school, registered when an award or a nomination needs them.

    Holds personal data: name, 身份证号 (encrypted, with a lookup digest that makes a person
    unique in the registry), gender and birth year (from the 身份证号), 学号.
    """

    school = _school_fk("students")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"))
    id_lookup = LookupField(_("身份证号摘要"))
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"))
    student_number = models.CharField(_("学号"), max_length=30, blank=True)
    major = models.CharField(_("专业"), max_length=100)
    class_name = models.CharField(_("班级"), max_length=50, blank=True)
    enrolled_year = models.PositiveSmallIntegerField(_("入学年份"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        ordering = ["school", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["id_lookup"], name="people_student_one_per_person"),
            models.UniqueConstraint(
                fields=["school", "student_number"],
                condition=~models.Q(student_number=""),
                name="people_student_number_per_school",
            ),
        ]
        indexes = [models.Index(fields=["school", "enrolled_year"], name="people_student_year")]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- 技能雏鹰


class EagletRound(models.Model):
    """One year's 技能雏鹰 selection. No personal data.

    ``selected`` counts the nominations holding a place (拟表彰 or 已表彰); it moves only by a
    conditional ``UPDATE … SET selected = selected ± 1`` and a check constraint keeps it within
    ``places``, so concurrent approvals can never honour more students than the round allows.
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=100)
    places = models.PositiveSmallIntegerField(_("表彰名额"), default=100)
    selected = models.PositiveSmallIntegerField(_("已确定人数"), default=0, editable=False)
    status = models.CharField(
        _("阶段"),
        max_length=20,
        choices=EagletRoundStatus.choices,
        default=EagletRoundStatus.PREPARING,
    )
    nomination_opens = models.DateField(_("推荐开始日期"))
    nomination_closes = models.DateField(_("推荐截止日期"))
    notice_starts = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends = models.DateField(_("公示结束日期"), null=True, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    education_unit = models.ForeignKey(
        Unit, verbose_name=_("联审单位（教育局）"), on_delete=models.PROTECT, related_name="+"
    )
    science_unit = models.ForeignKey(
        Unit, verbose_name=_("联审单位（科技局）"), on_delete=models.PROTECT, related_name="+"
    )
    labour_unit = models.ForeignKey(
        Unit, verbose_name=_("联审单位（人社局）"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("“技能雏鹰”评选")
        verbose_name_plural = _("“技能雏鹰”评选")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selected__lte=models.F("places")),
                name="people_eaglet_round_within_places",
            ),
            models.CheckConstraint(
                condition=models.Q(nomination_closes__gte=models.F("nomination_opens")),
                name="people_eaglet_round_window",
            ),
            models.CheckConstraint(
                condition=models.Q(notice_starts__isnull=True)
                | models.Q(notice_ends__gte=models.F("notice_starts")),
                name="people_eaglet_round_notice",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def stage_of(self, unit_id: int | None) -> str | None:
        """The review stage a unit answers for in this round, if any."""
        for stage, pk in (
            (EagletStage.EDUCATION, self.education_unit_id),
            (EagletStage.SCIENCE, self.science_unit_id),
            (EagletStage.LABOUR, self.labour_unit_id),
        ):
            if unit_id is not None and pk == unit_id:
                return str(stage)
        return None


class EagletQuotaQuerySet(ScopedQuerySet["EagletQuota"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user)


class EagletQuota(models.Model):
    """How many students a school may nominate in a round (set by the plan office).

    ``nominated`` counts the school's standing nominations; like the round's counter it moves by
    a conditional update and a check constraint keeps it within ``places``. No personal data.
    """

    round = models.ForeignKey(
        EagletRound, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="quotas"
    )
    school = _school_fk("+")
    places = models.PositiveSmallIntegerField(_("推荐名额"))
    nominated = models.PositiveSmallIntegerField(_("已推荐"), default=0, editable=False)

    objects = EagletQuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        ordering = ["round", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="people_eaglet_quota_once"),
            models.CheckConstraint(
                condition=models.Q(nominated__lte=models.F("places")),
                name="people_eaglet_quota_within_places",
            ),
        ]

    def __str__(self) -> str:
        return gettext("{year} · {school} · {places} 名").format(
            year=self.round.year, school=self.school, places=self.places
        )


class EagletNominationQuerySet(ScopedQuerySet["EagletNomination"]):
    def scope_q(self, user: User) -> models.Q:
        # The school and its bureau see its nominations; the three reviewing bureaus all of them.
        uid = user.unit_id
        return (
            school_scope_q(user)
            | models.Q(round__education_unit_id=uid)
            | models.Q(round__science_unit_id=uid)
            | models.Q(round__labour_unit_id=uid)
        )


class EagletNomination(models.Model):
    """A school's nomination of one of its students. No personal data of its own (it points to a
    :class:`Student`); the reasons may name the student and are shown only within scope."""

    round = models.ForeignKey(
        EagletRound, verbose_name=_("评选"), on_delete=models.PROTECT, related_name="nominations"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("学生"), on_delete=models.PROTECT, related_name="nominations"
    )
    school = _school_fk("+")
    reasons = models.TextField(_("推荐理由"))
    achievements = models.TextField(_("主要事迹与获奖情况"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=NominationStatus.choices,
        default=NominationStatus.NOMINATED,
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("推荐时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("确定时间"), null=True, blank=True)

    objects = EagletNominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("“技能雏鹰”推荐")
        verbose_name_plural = _("“技能雏鹰”推荐")
        ordering = ["round", "school__name", "pk"]
        constraints = [
            # A student is nominated once a round (a withdrawn nomination may be made again).
            models.UniqueConstraint(
                fields=["round", "student"],
                condition=~models.Q(status=NominationStatus.WITHDRAWN),
                name="people_eaglet_nominated_once",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="people_nomination_status")]

    def __str__(self) -> str:
        return f"{self.round.year} · {self.student}"


class EagletReview(models.Model):
    """One bureau's opinion on a nomination. No personal data."""

    nomination = models.ForeignKey(
        EagletNomination, verbose_name=_("推荐"), on_delete=models.CASCADE, related_name="reviews"
    )
    stage = models.CharField(_("联审单位"), max_length=20, choices=EagletStage.choices)
    agreed = models.BooleanField(_("同意"))
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        verbose_name = _("联审意见")
        verbose_name_plural = _("联审意见")
        ordering = ["nomination", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "stage"], name="people_eaglet_review_once_per_stage"
            )
        ]

    def __str__(self) -> str:
        verdict = gettext("同意") if self.agreed else gettext("不同意")
        return f"{self.get_stage_display()}：{verdict}"


class EagletObjection(models.Model):
    """An objection received during the public notice, and how it was resolved.

    Records only what the objection says and the finding; no details of who raised it."""

    nomination = models.ForeignKey(
        EagletNomination,
        verbose_name=_("推荐"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"))
    outcome = models.CharField(
        _("核查结论"),
        max_length=20,
        choices=ObjectionOutcome.choices,
        default=ObjectionOutcome.PENDING,
    )
    finding = models.CharField(_("核查情况"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_at = models.DateTimeField(_("核查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["nomination", "received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.get_outcome_display()}"


# ---------------------------------------------------------------- competitions and awards


class Competition(models.Model):
    """A competition (one track of it) in a year, at world, national, provincial or city level.
    A catalogue every school shares; no personal data."""

    name = models.CharField(_("赛事名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    track = models.CharField(_("赛项（项目）"), max_length=200, blank=True)
    level = models.CharField(_("级别"), max_length=20, choices=CompetitionLevel.choices)
    category = models.CharField(
        _("类别"),
        max_length=20,
        choices=CompetitionCategory.choices,
        default=CompetitionCategory.SKILLS,
    )
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    registered_by_unit = models.ForeignKey(
        Unit,
        verbose_name=_("登记单位"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("赛事")
        verbose_name_plural = _("赛事")
        ordering = ["-year", "name", "track"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "year", "track"], name="people_competition_once"
            ),
        ]
        indexes = [models.Index(fields=["year", "level"], name="people_competition_year")]

    def __str__(self) -> str:
        track = f"·{self.track}" if self.track else ""
        return gettext("{year}年{name}{track}").format(year=self.year, name=self.name, track=track)


class AwardQuerySet(ScopedQuerySet["Award"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user)


class Award(models.Model):
    """An award won by a student or a teacher of the registries in a competition; with the
    incentive paid to the winner (task 26). No personal data of its own."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("赛事"), on_delete=models.PROTECT, related_name="awards"
    )
    student = models.ForeignKey(
        Student,
        verbose_name=_("获奖学生"),
        on_delete=models.PROTECT,
        related_name="awards",
        null=True,
        blank=True,
    )
    teacher = models.ForeignKey(
        Teacher,
        verbose_name=_("获奖教师"),
        on_delete=models.PROTECT,
        related_name="awards",
        null=True,
        blank=True,
    )
    school = _school_fk("+")
    rank = models.CharField(_("奖项等级"), max_length=20, choices=AwardRank.choices)
    incentive_amount = models.DecimalField(
        _("奖励金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    incentive_paid_on = models.DateField(_("奖励发放日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")
        ordering = ["-competition__year", "school__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(student__isnull=False, teacher__isnull=True)
                | models.Q(student__isnull=True, teacher__isnull=False),
                name="people_award_one_awardee",
            ),
            models.UniqueConstraint(
                fields=["competition", "student"],
                condition=models.Q(student__isnull=False),
                name="people_award_student_once",
            ),
            models.UniqueConstraint(
                fields=["competition", "teacher"],
                condition=models.Q(teacher__isnull=False),
                name="people_award_teacher_once",
            ),
            models.CheckConstraint(
                condition=models.Q(incentive_amount__isnull=True)
                | models.Q(incentive_amount__gte=0),
                name="people_award_incentive_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(incentive_paid_on__isnull=True)
                | models.Q(incentive_amount__isnull=False),
                name="people_award_paid_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.awardee} · {self.competition} · {self.get_rank_display()}"

    @property
    def awardee(self) -> Student | Teacher | None:
        return self.student or self.teacher


# ---------------------------------------------------------------- social training


class TrainingRecordQuerySet(ScopedQuerySet["TrainingRecord"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user)


class TrainingRecord(models.Model):
    """Training a school delivered to one target group (社会培训); counted in the year it ended.
    No personal data (person-times only)."""

    school = _school_fk("training_records")
    programme = models.CharField(_("培训项目"), max_length=200)
    kind = models.CharField(
        _("培训类型"), max_length=20, choices=TrainingKind.choices, default=TrainingKind.EMPLOYMENT
    )
    target_group = models.CharField(_("培训对象"), max_length=20, choices=TraineeGroup.choices)
    person_times = models.PositiveIntegerField(_("培训人次"))
    hours = models.PositiveIntegerField(_("学时"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    partner = models.CharField(_("合作企业"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会培训")
        verbose_name_plural = _("社会培训")
        ordering = ["-ends_on", "school__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "programme", "target_group", "starts_on"],
                name="people_training_once",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="people_training_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(person_times__gte=1, hours__gte=1),
                name="people_training_positive",
            ),
        ]
        indexes = [models.Index(fields=["school", "ends_on"], name="people_training_school_end")]

    def __str__(self) -> str:
        return f"{self.programme}（{self.get_target_group_display()}）"


# ---------------------------------------------------------------- majors


class MajorQuerySet(ScopedQuerySet["Major"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user)


class Major(models.Model):
    """A major a school runs, by its catalogue code. No personal data."""

    school = _school_fk("majors")
    code = models.CharField(_("专业代码"), max_length=6)
    name = models.CharField(_("专业名称"), max_length=100)
    level = models.CharField(_("层次"), max_length=20, choices=MajorLevel.choices)
    established_year = models.PositiveSmallIntegerField(_("开设年份"), null=True, blank=True)
    is_active = models.BooleanField(_("在招"), default=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = MajorQuerySet.as_manager()

    class Meta:
        verbose_name = _("专业")
        verbose_name_plural = _("专业")
        ordering = ["school", "code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="people_major_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class MajorRecognitionQuerySet(ScopedQuerySet["MajorRecognition"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user, "major__")


class MajorRecognition(models.Model):
    """A recognition of a major — 高水平专业（群）, 技工教育品牌专业 … — with the year granted.
    No personal data."""

    major = models.ForeignKey(
        Major, verbose_name=_("专业"), on_delete=models.CASCADE, related_name="recognitions"
    )
    kind = models.CharField(_("认定类别"), max_length=20, choices=RecognitionKind.choices)
    group_name = models.CharField(
        _("专业群名称"), max_length=100, blank=True, help_text=_("高水平专业群填写群名称。")
    )
    granted_year = models.PositiveSmallIntegerField(_("认定年份"))
    granted_by = models.CharField(_("认定部门"), max_length=100, blank=True)
    document_number = models.CharField(_("认定文号"), max_length=100, blank=True)
    revoked_year = models.PositiveSmallIntegerField(_("撤销年份"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = MajorRecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("专业认定")
        verbose_name_plural = _("专业认定")
        ordering = ["major", "-granted_year"]
        constraints = [
            models.UniqueConstraint(fields=["major", "kind"], name="people_recognition_once"),
            models.CheckConstraint(
                condition=models.Q(revoked_year__isnull=True)
                | models.Q(revoked_year__gte=models.F("granted_year")),
                name="people_recognition_revoked_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.major} · {self.get_kind_display()}（{self.granted_year}）"


class ThroughProgrammeQuerySet(ScopedQuerySet["ThroughProgramme"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user)


class ThroughProgramme(models.Model):
    """A 中高职贯通 programme of a school's major with a partner college. No personal data."""

    school = _school_fk("through_programmes")
    major = models.ForeignKey(
        Major, verbose_name=_("专业"), on_delete=models.PROTECT, related_name="through_programmes"
    )
    partner = models.CharField(_("合作院校"), max_length=200)
    mode = models.CharField(_("培养模式"), max_length=10, choices=ThroughMode.choices)
    started_year = models.PositiveSmallIntegerField(_("首次招生年份"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ThroughProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("中高职贯通项目")
        verbose_name_plural = _("中高职贯通项目")
        ordering = ["school", "major__code", "partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["major", "partner", "mode"], name="people_through_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.major.name} · {self.partner}（{self.mode}）"


class ThroughEnrolmentQuerySet(ScopedQuerySet["ThroughEnrolment"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user, "programme__")


class ThroughEnrolment(models.Model):
    """A 贯通 programme's intake in a year and its students at year end. No personal data."""

    programme = models.ForeignKey(
        ThroughProgramme, verbose_name=_("贯通项目"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    intake = models.PositiveIntegerField(_("当年招生人数"))
    enrolled = models.PositiveIntegerField(_("年末在校生人数"))
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ThroughEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("贯通项目年度招生")
        verbose_name_plural = _("贯通项目年度招生")
        ordering = ["programme", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="people_through_year_once"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.year}"


# ---------------------------------------------------------------- teams and bases


class InnovationTeamQuerySet(ScopedQuerySet["InnovationTeam"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user)


class InnovationTeam(models.Model):
    """A teaching innovation team (教师教学创新团队) led by a teacher of the registry.
    No personal data of its own."""

    school = _school_fk("innovation_teams")
    name = models.CharField(_("团队名称"), max_length=200)
    major_group = models.CharField(_("所属专业（群）"), max_length=100, blank=True)
    level = models.CharField(
        _("级别"), max_length=20, choices=HonourLevel.choices, default=HonourLevel.CITY
    )
    recognised_year = models.PositiveSmallIntegerField(_("立项年份"))
    lead = models.ForeignKey(
        Teacher, verbose_name=_("团队负责人"), on_delete=models.PROTECT, related_name="led_teams"
    )
    members = models.ManyToManyField(
        Teacher, verbose_name=_("团队成员"), related_name="innovation_teams", blank=True
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = InnovationTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("教师教学创新团队")
        verbose_name_plural = _("教师教学创新团队")
        ordering = ["school", "-recognised_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="people_team_once"),
        ]

    def __str__(self) -> str:
        return self.name


class DualBaseQuerySet(ScopedQuerySet["DualBase"]):
    def scope_q(self, user: User) -> models.Q:
        return school_scope_q(user) | models.Q(enterprise_id=user.unit_id)


class DualBase(models.Model):
    """A 双师型 teacher training base or enterprise practice base, at a school and/or an
    enterprise. No personal data."""

    name = models.CharField(_("基地名称"), max_length=200, unique=True)
    kind = models.CharField(
        _("基地类型"), max_length=20, choices=BaseKind.choices, default=BaseKind.TRAINING
    )
    school = models.ForeignKey(
        Unit,
        verbose_name=_("依托学校"),
        on_delete=models.PROTECT,
        related_name="dual_bases",
        null=True,
        blank=True,
        limit_choices_to={"kind": UnitKind.SCHOOL},
    )
    enterprise = models.ForeignKey(
        Unit,
        verbose_name=_("合作企业"),
        on_delete=models.PROTECT,
        related_name="dual_bases_hosted",
        null=True,
        blank=True,
        limit_choices_to={"kind": UnitKind.ENTERPRISE},
    )
    level = models.CharField(
        _("级别"), max_length=20, choices=HonourLevel.choices, default=HonourLevel.CITY
    )
    recognised_year = models.PositiveSmallIntegerField(_("认定年份"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = DualBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("“双师型”教师培养培训基地")
        verbose_name_plural = _("“双师型”教师培养培训基地")
        ordering = ["-recognised_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False) | models.Q(enterprise__isnull=False),
                name="people_base_has_host",
            ),
        ]

    def __str__(self) -> str:
        return self.name
