"""The industry talent data platform (产业人才数据平台): catalogues as data, enterprises' profiles,
the annual enterprise demand survey (岗位需求填报), imported job postings and their classification,
schools' supply of graduates, and the archived annual reports.

Catalogues are versioned by edition: every entry belongs to one :class:`CatalogueEdition`, and
one edition of each kind is current. A demand line points at the occupation entry of the edition
that was current when it was written, so a later edition never rewrites an old answer. None of
these models holds personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitKind, User

from .data import (
    MAX_EXPERIENCE_YEARS,
    MAX_HEADCOUNT,
    CatalogueKind,
    ClassifyMethod,
    Cluster,
    Education,
    EnterpriseSize,
    MajorStage,
    ReportStatus,
    RoundStatus,
    SalaryBand,
    SkillLevel,
    SurveyStatus,
    Town,
    Urgency,
)

# ---------------------------------------------------------------- catalogues


class CatalogueEdition(models.Model):
    """One edition of one catalogue (e.g. 职业分类大典 2022), as loaded from a file."""

    kind = models.CharField(_("目录"), max_length=20, choices=CatalogueKind.choices)
    name = models.CharField(_("版本"), max_length=40, help_text=_("如 2022、2021、2017。"))
    title = models.CharField(_("名称"), max_length=200)
    source = models.TextField(_("来源说明"), blank=True)
    is_current = models.BooleanField(_("现行版本"), default=False)
    entry_count = models.PositiveIntegerField(_("条目数"), default=0)
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("载入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        ordering = ["kind", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="talent_edition_once"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_current=True),
                name="talent_edition_one_current",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CatalogueEntry(models.Model):
    """What every catalogue entry has: its edition, code, name, level and parent."""

    code = models.CharField(_("代码"), max_length=12)
    name = models.CharField(_("名称"), max_length=200)
    level = models.PositiveSmallIntegerField(_("层级"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Occupation(CatalogueEntry):
    """An entry of the 职业分类大典: 大类, 中类, 小类 or 职业, with the S (数字职业) and L (绿色职业)
    marks."""

    edition = models.ForeignKey(
        CatalogueEdition,
        verbose_name=_("版本"),
        on_delete=models.CASCADE,
        related_name="occupations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    is_digital = models.BooleanField(_("数字职业（S）"), default=False)
    is_green = models.BooleanField(_("绿色职业（L）"), default=False)

    class Meta:
        verbose_name = _("职业")
        verbose_name_plural = _("职业")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="talent_occupation_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="talent_occupation_level"
            ),
        ]
        indexes = [models.Index(fields=["edition", "level"], name="talent_occupation_level_ix")]

    @property
    def marks(self) -> str:
        return ("S" if self.is_digital else "") + ("L" if self.is_green else "")


class Major(CatalogueEntry):
    """An entry of the 职业教育专业目录: 专业大类, 专业类 or 专业, of one level of education."""

    edition = models.ForeignKey(
        CatalogueEdition, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="majors"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    stage = models.CharField(_("层次"), max_length=20, choices=MajorStage.choices)

    class Meta:
        verbose_name = _("专业（目录）")
        verbose_name_plural = _("专业（目录）")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="talent_major_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="talent_major_level"
            ),
        ]
        indexes = [models.Index(fields=["edition", "level"], name="talent_major_level_ix")]


class Industry(CatalogueEntry):
    """An entry of GB/T 4754: 门类, 大类, 中类 or 小类 (codes written with their 门类 letter)."""

    edition = models.ForeignKey(
        CatalogueEdition,
        verbose_name=_("版本"),
        on_delete=models.CASCADE,
        related_name="industries",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="talent_industry_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="talent_industry_level"
            ),
        ]
        indexes = [models.Index(fields=["edition", "level"], name="talent_industry_level_ix")]


class MajorOccupation(models.Model):
    """One line of a major's 职业面向: the major leads to this occupation in this industry.

    Occupations and industries may be named at any level (the official 职业面向 names 小类 and
    大类); where the line comes from is recorded.
    """

    edition = models.ForeignKey(
        CatalogueEdition, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="mappings"
    )
    major = models.ForeignKey(
        Major, verbose_name=_("专业"), on_delete=models.PROTECT, related_name="mappings"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="mappings"
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业"), on_delete=models.PROTECT, related_name="mappings"
    )
    source = models.CharField(
        _("来源"),
        max_length=200,
        help_text=_("如：职业教育专业简介（2022）职业面向；本市企业调研。"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("专业职业面向")
        verbose_name_plural = _("专业职业面向")
        ordering = ["edition", "major__code", "occupation__code", "industry__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "major", "occupation", "industry"], name="talent_mapping_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.major.name} → {self.occupation.name} · {self.industry.name}"


# ---------------------------------------------------------------- enterprises


class ProfileQuerySet(ScopedQuerySet["EnterpriseProfile"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(unit_id=user.unit_id)


class EnterpriseProfile(models.Model):
    """What the platform knows of an enterprise beyond its unit: industry, size, cluster, town.
    No personal data."""

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("企业"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="talent_profile",
        limit_choices_to={"kind": UnitKind.ENTERPRISE},
    )
    industry_code = models.CharField(
        _("所属行业代码"), max_length=6, help_text=_("GB/T 4754-2017，如 C3130（钢压延加工）。")
    )
    size = models.CharField(_("企业规模"), max_length=10, choices=EnterpriseSize.choices)
    cluster = models.CharField(_("产业集群"), max_length=20, choices=Cluster.choices)
    town = models.CharField(_("所在镇街"), max_length=20, choices=Town.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    staff_count = models.PositiveIntegerField(_("职工人数"))
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业信息")
        verbose_name_plural = _("企业信息")
        ordering = ["unit__name"]
        indexes = [models.Index(fields=["cluster"], name="talent_profile_cluster")]

    def __str__(self) -> str:
        return str(self.unit)


# ---------------------------------------------------------------- the demand survey


class SurveyRound(models.Model):
    """The survey of one year: when enterprises may answer, and whether it is open."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    opens_on = models.DateField(_("开始填报"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PLANNED
    )
    note = models.CharField(_("填报说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("需求调查轮次")
        verbose_name_plural = _("需求调查轮次")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="talent_round_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return gettext("{year}年企业岗位需求调查").format(year=self.year)


class SurveyQuerySet(ScopedQuerySet["DemandSurvey"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(enterprise_id=user.unit_id)


class DemandSurvey(models.Model):
    """One enterprise's answer to one year's survey: at most one, decided by the database."""

    enterprise = models.ForeignKey(
        Unit,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="demand_surveys",
        limit_choices_to={"kind": UnitKind.ENTERPRISE},
    )
    round = models.ForeignKey(
        SurveyRound, verbose_name=_("调查轮次"), on_delete=models.PROTECT, related_name="surveys"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    note = models.CharField(_("企业说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业岗位需求填报")
        verbose_name_plural = _("企业岗位需求填报")
        ordering = ["-round__year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "round"], name="talent_survey_once"),
        ]
        indexes = [models.Index(fields=["round", "status"], name="talent_survey_round_status")]

    def __str__(self) -> str:
        return gettext("{enterprise} · {year}年岗位需求").format(
            enterprise=self.enterprise, year=self.round.year
        )


class LineQuerySet(ScopedQuerySet["DemandLine"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(survey__enterprise_id=user.unit_id)


class DemandLine(models.Model):
    """A number of people an enterprise needs in one occupation, at one skill level."""

    survey = models.ForeignKey(
        DemandSurvey, verbose_name=_("填报"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="demand_lines"
    )
    headcount = models.PositiveIntegerField(_("需求人数"))
    education = models.CharField(
        _("学历要求"), max_length=20, choices=Education.choices, default=Education.ANY
    )
    skill_level = models.CharField(
        _("技能等级"), max_length=20, choices=SkillLevel.choices, default=SkillLevel.ANY
    )
    experience_years = models.PositiveSmallIntegerField(_("工作经验（年）"), default=0)
    salary_band = models.CharField(
        _("月薪范围"), max_length=20, choices=SalaryBand.choices, default=SalaryBand.NEGOTIABLE
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位需求")
        verbose_name_plural = _("岗位需求")
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "occupation", "skill_level", "education"],
                name="talent_line_once",
            ),
            models.CheckConstraint(
                condition=models.Q(headcount__gte=1, headcount__lte=MAX_HEADCOUNT),
                name="talent_line_headcount_range",
            ),
            models.CheckConstraint(
                condition=models.Q(experience_years__lte=MAX_EXPERIENCE_YEARS),
                name="talent_line_experience_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} × {self.headcount}"


# ---------------------------------------------------------------- job postings


class PostingBatch(models.Model):
    """One import of job postings (a file), for tracing where postings came from."""

    source = models.CharField(_("来源"), max_length=100)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    imported = models.PositiveIntegerField(_("导入条数"), default=0)
    duplicates = models.PositiveIntegerField(_("重复跳过"), default=0)
    created_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("招聘信息导入批次")
        verbose_name_plural = _("招聘信息导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return gettext("{source}（{imported} 条）").format(
            source=self.source, imported=self.imported
        )


class Posting(models.Model):
    """A job posting (招聘信息) as published by an employer, and the occupation it was classified
    to. Postings name companies and jobs, not people: no personal data (contact lines are dropped
    on import)."""

    batch = models.ForeignKey(
        PostingBatch, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="postings"
    )
    source = models.CharField(_("来源"), max_length=100)
    external_id = models.CharField(_("来源编号"), max_length=100, blank=True)
    title = models.CharField(_("职位名称"), max_length=100)
    text = models.TextField(_("职位描述"), blank=True)
    company = models.CharField(_("招聘单位"), max_length=200, blank=True)
    cluster = models.CharField(_("产业集群"), max_length=20, choices=Cluster.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    posted_on = models.DateField(_("发布日期"), null=True, blank=True)
    headcount = models.PositiveIntegerField(_("招聘人数"), default=1)
    fingerprint = models.CharField(_("去重指纹"), max_length=40, unique=True)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("职业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    confidence = models.FloatField(_("置信度"), default=0.0)
    method = models.CharField(
        _("归类方式"), max_length=20, choices=ClassifyMethod.choices, default=ClassifyMethod.NONE
    )
    skills = models.JSONField(_("技能要求"), default=list, blank=True)
    certificates = models.JSONField(_("证书要求"), default=list, blank=True)
    education = models.CharField(
        _("学历要求"), max_length=20, choices=Education.choices, default=Education.ANY
    )
    skill_level = models.CharField(
        _("技能等级"), max_length=20, choices=SkillLevel.choices, default=SkillLevel.ANY
    )
    reviewed_at = models.DateTimeField(_("校正时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("校正人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("招聘信息")
        verbose_name_plural = _("招聘信息")
        ordering = ["-year", "-posted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0, confidence__lte=1),
                name="talent_posting_confidence_range",
            ),
            models.CheckConstraint(
                condition=models.Q(headcount__gte=1, headcount__lte=MAX_HEADCOUNT),
                name="talent_posting_headcount_range",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "occupation"], name="talent_posting_year_occ"),
            models.Index(fields=["reviewed_at", "confidence"], name="talent_posting_review"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.company}）" if self.company else self.title


class OccupationAlias(models.Model):
    """A name postings use for an occupation (别名词典): shipped with the platform or learnt from
    an analyst's correction. Keyed by occupation code, which catalogue editions share."""

    alias = models.CharField(_("别名"), max_length=60, unique=True)
    occupation_code = models.CharField(_("职业代码"), max_length=12)
    learnt = models.BooleanField(_("由人工校正学得"), default=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("职业别名")
        verbose_name_plural = _("职业别名")
        ordering = ["occupation_code", "alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.occupation_code}"


# ---------------------------------------------------------------- supply


class SupplyQuerySet(ScopedQuerySet["SupplyRecord"]):
    def scope_q(self, user: User) -> models.Q:
        # A school its own rows; a bureau the rows of the schools it supervises.
        return models.Q(school_id=user.unit_id) | models.Q(school__parent_id=user.unit_id)


class SupplyRecord(models.Model):
    """A school's major in one year: enrolment, graduates and where the graduates went. Counts of
    people, no personal data."""

    school = models.ForeignKey(
        Unit,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="talent_supply",
        limit_choices_to={"kind": UnitKind.SCHOOL},
    )
    major = models.ForeignKey(
        Major, verbose_name=_("专业"), on_delete=models.PROTECT, related_name="supply"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    enrolled = models.PositiveIntegerField(_("招生人数"), default=0)
    graduates = models.PositiveIntegerField(_("毕业生人数"), default=0)
    local_employed = models.PositiveIntegerField(_("本地就业"), default=0)
    further_study = models.PositiveIntegerField(_("升学"), default=0)
    other = models.PositiveIntegerField(_("其他去向"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = SupplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("毕业生供给")
        verbose_name_plural = _("毕业生供给")
        ordering = ["-year", "school", "major__code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "major", "year"], name="talent_supply_once"),
            models.CheckConstraint(
                condition=models.Q(
                    graduates=models.F("local_employed")
                    + models.F("further_study")
                    + models.F("other")
                ),
                name="talent_supply_destinations_add_up",
            ),
        ]
        indexes = [models.Index(fields=["year"], name="talent_supply_year")]

    def __str__(self) -> str:
        return f"{self.school} · {self.major.name} · {self.year}"


# ---------------------------------------------------------------- the annual report


class TalentReport(models.Model):
    """The 产业人才需求报告 of a year, as last generated: the document, the figures it states (for
    the web page) and the shortage index version and weights it used. Published by the office."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.GENERATED
    )
    index_version = models.CharField(_("紧缺指数版本"), max_length=20)
    weights = models.JSONField(_("指数权重"), default=dict)
    facts = models.JSONField(_("报告数据"), default=dict)
    file = models.CharField(_("文档"), max_length=300)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("产业人才需求报告")
        verbose_name_plural = _("产业人才需求报告")
        ordering = ["-year"]

    def __str__(self) -> str:
        return gettext("{year}年江阴市产业人才需求报告").format(year=self.year)
