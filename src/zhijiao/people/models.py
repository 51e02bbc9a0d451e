"""People (人员): the teachers of each vocational school, their 双师型 status and enterprise practice.

:class:`Teacher` holds personal data (name, 身份证号, phone, gender, birth year): the 身份证号 and
phone are encrypted at rest and found only through their keyed digest; pages and exports mask them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhijiao.core.personal import EncryptedCharField, LookupField
from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitKind, User

from .data import DualLevel, Gender, SkillLevel, TeacherKind, Title


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
        verbose_name="学校",
        on_delete=models.PROTECT,
        related_name="teachers",
        limit_choices_to={"kind": UnitKind.SCHOOL},
    )
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("身份证号")
    id_lookup = LookupField("身份证号摘要")
    phone = EncryptedCharField("手机号", blank=True, default="")
    gender = models.CharField("性别", max_length=6, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField("出生年份")
    kind = models.CharField("教师类别", max_length=20, choices=TeacherKind.choices)
    title = models.CharField("职称", max_length=20, choices=Title.choices, default=Title.NONE)
    skill_level = models.CharField(
        "职业技能等级", max_length=20, choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    employer = models.CharField(
        "所在企业", max_length=200, blank=True, help_text="兼职教师（企业）填写其任职的企业。"
    )
    hired_on = models.DateField("入职（聘任）日期")
    left_on = models.DateField(
        "离职日期", null=True, blank=True, help_text="当天仍在职，次日起不再计入在职教师。"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = TeacherQuerySet.as_manager()

    class Meta:
        verbose_name = "教师"
        verbose_name_plural = "教师"
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
        Teacher, verbose_name="教师", on_delete=models.CASCADE, related_name="dual_qualifications"
    )
    granted_on = models.DateField("认定日期")
    level = models.CharField("等级", max_length=20, choices=DualLevel.choices, blank=True)
    evidence = models.FileField("认定材料", upload_to="people/dual/%Y/")
    evidence_name = models.CharField("材料文件名", max_length=200)
    evidence_type = models.CharField("材料类型", max_length=100)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销理由", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = DualQualificationQuerySet.as_manager()

    class Meta:
        verbose_name = "双师型认定"
        verbose_name_plural = "双师型认定"
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
        return f"{self.teacher} 双师型（{self.granted_on:%Y-%m-%d}）"


class EnterprisePracticeQuerySet(ScopedQuerySet["EnterprisePractice"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(teacher__school_id=user.unit_id) | models.Q(
            teacher__school__parent_id=user.unit_id
        )


class EnterprisePractice(models.Model):
    """Days a teacher spent practising in an enterprise (企业实践) in one year. No personal data
    of its own."""

    teacher = models.ForeignKey(
        Teacher, verbose_name="教师", on_delete=models.CASCADE, related_name="practices"
    )
    year = models.PositiveSmallIntegerField("年度")
    enterprise = models.CharField("实践企业", max_length=200)
    days = models.PositiveSmallIntegerField("天数")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = EnterprisePracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "企业实践"
        verbose_name_plural = "企业实践"
        ordering = ["teacher", "-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=366), name="people_practice_days_range"
            ),
        ]
        indexes = [models.Index(fields=["year"], name="people_practice_year")]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.year} · {self.enterprise}（{self.days} 天）"
