"""Plain values of the cooperation app: error codes and choices."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class CooperationErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    INVALID_INPUT = "invalid_input"
    DUPLICATE = "duplicate"
    DUPLICATE_ENTERPRISE = "duplicate_enterprise"
    WRONG_LEVEL = "wrong_level"
    ALREADY_MEMBER = "already_member"
    NOT_MEMBER = "not_member"


class Industry(models.TextChoices):
    """江阴's industry clusters (the plan's “依托我市产业集群”), labelled as the talent platform's
    ``talent.data.Cluster`` (whose stored codes differ: the labels are shared, the codes are not)."""

    SPECIAL_STEEL = "special_steel", _("冶金及特钢")
    TEXTILE = "textile", _("纺织服装")
    PETROCHEMICAL = "petrochemical", _("石化及新材料")
    EQUIPMENT = "equipment", _("高端装备及船舶")
    CHIP = "chip", _("集成电路封测")
    NEW_ENERGY = "new_energy", _("新能源")
    LOGISTICS = "logistics", _("现代物流")
    OTHER = "other", _("其他")


# The labels the clusters had before they were aligned with the talent platform's: Excel files
# filled from templates downloaded earlier still carry them, and still import.
INDUSTRY_FORMER_LABELS = {
    "特钢新材料": Industry.SPECIAL_STEEL.value,
    "石化新材料": Industry.PETROCHEMICAL.value,
    "高端装备与船舶": Industry.EQUIPMENT.value,
}


class EnterpriseLevel(models.TextChoices):
    """产教融合型企业: from application to the cultivation list, municipal, provincial."""

    CANDIDATE = "candidate", _("已申报")
    CULTIVATION = "cultivation", _("培育库")
    MUNICIPAL = "municipal", _("市级")
    PROVINCIAL = "provincial", _("省级")
    REMOVED = "removed", _("已移出")


class GroupLevel(models.TextChoices):
    """职教集团: 示范性 (1 targeted) and 骨干 (3–5 targeted)."""

    ORDINARY = "ordinary", _("一般")
    BACKBONE = "backbone", _("骨干")
    DEMONSTRATION = "demonstration", _("示范性")
    DISSOLVED = "dissolved", _("已撤销")


class BaseLevel(models.TextChoices):
    """实训基地 as recognised: 校级 when built, 市级 and 省级 when recognised."""

    SCHOOL = "school", _("校级")
    MUNICIPAL = "municipal", _("市级")
    PROVINCIAL = "provincial", _("省级")
    CLOSED = "closed", _("已停用")


class PilotLevel(models.TextChoices):
    """1+X 证书试点: a school's pilot, selected as a 示范项目 (5 targeted), or stopped."""

    PILOT = "pilot", _("试点项目")
    DEMONSTRATION = "demonstration", _("示范项目")
    STOPPED = "stopped", _("已停止")


class BaseFunction(models.TextChoices):
    """What a shared training base does (the plan's 五位一体)."""

    TALENT = "talent", _("人才培养")
    RESEARCH = "research", _("技术研发")
    PRODUCTION = "production", _("生产示范")
    STAFF = "staff", _("员工培训")
    ASSESSMENT = "assessment", _("技能鉴定")


class IncentivePolicy(models.TextChoices):
    """The “金融+财政+土地+信用” incentives and the 教育附加费 credit."""

    FINANCE = "finance", _("金融")
    FISCAL = "fiscal", _("财政")
    LAND = "land", _("土地")
    CREDIT = "credit", _("信用")
    EDUCATION_LEVY = "education_levy", _("教育费附加抵免")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("理事长单位")
    VICE_CHAIR = "vice_chair", _("副理事长单位")
    MEMBER = "member", _("成员单位")


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("理事会议")
    TRAINING = "training", _("师资培训")
    COMPETITION = "competition", _("技能竞赛")
    RECRUITMENT = "recruitment", _("招聘就业")
    RESEARCH = "research", _("技术研发")
    OTHER = "other", _("其他")


class CertificateLevel(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")


class PilotRank(models.TextChoices):
    """Who recognised a 三全育人 pilot or a 思政 case."""

    SCHOOL = "school", _("校级")
    MUNICIPAL = "municipal", _("市级")
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class CaseKind(models.TextChoices):
    MODEL_CLASS = "model_class", _("思政教育示范课堂")
    COURSE_CASE = "course_case", _("课程思政典型案例")


# Level changes the office may decide, from each level (anything else is refused). Promotion is
# one step at a time; removal is possible from any standing level; a removed record re-enters
# at the bottom.
ENTERPRISE_STEPS: dict[str, set[str]] = {
    EnterpriseLevel.CANDIDATE: {EnterpriseLevel.CULTIVATION, EnterpriseLevel.REMOVED},
    EnterpriseLevel.CULTIVATION: {EnterpriseLevel.MUNICIPAL, EnterpriseLevel.REMOVED},
    EnterpriseLevel.MUNICIPAL: {
        EnterpriseLevel.PROVINCIAL,
        EnterpriseLevel.CULTIVATION,
        EnterpriseLevel.REMOVED,
    },
    EnterpriseLevel.PROVINCIAL: {EnterpriseLevel.MUNICIPAL, EnterpriseLevel.REMOVED},
    EnterpriseLevel.REMOVED: {EnterpriseLevel.CULTIVATION},
}
GROUP_STEPS: dict[str, set[str]] = {
    GroupLevel.ORDINARY: {GroupLevel.BACKBONE, GroupLevel.DISSOLVED},
    GroupLevel.BACKBONE: {GroupLevel.DEMONSTRATION, GroupLevel.ORDINARY, GroupLevel.DISSOLVED},
    GroupLevel.DEMONSTRATION: {GroupLevel.BACKBONE, GroupLevel.DISSOLVED},
    GroupLevel.DISSOLVED: set(),
}
BASE_STEPS: dict[str, set[str]] = {
    BaseLevel.SCHOOL: {BaseLevel.MUNICIPAL, BaseLevel.CLOSED},
    BaseLevel.MUNICIPAL: {BaseLevel.PROVINCIAL, BaseLevel.SCHOOL, BaseLevel.CLOSED},
    BaseLevel.PROVINCIAL: {BaseLevel.MUNICIPAL, BaseLevel.CLOSED},
    BaseLevel.CLOSED: set(),
}
PILOT_STEPS: dict[str, set[str]] = {
    PilotLevel.PILOT: {PilotLevel.DEMONSTRATION, PilotLevel.STOPPED},
    PilotLevel.DEMONSTRATION: {PilotLevel.PILOT, PilotLevel.STOPPED},
    PilotLevel.STOPPED: set(),
}
