"""Plain values of the cooperation app: error codes and choices."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class CooperationErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    INVALID_INPUT = "invalid_input"
    DUPLICATE = "duplicate"
    DUPLICATE_ENTERPRISE = "duplicate_enterprise"
    WRONG_LEVEL = "wrong_level"
    ALREADY_MEMBER = "already_member"
    NOT_MEMBER = "not_member"


class Industry(models.TextChoices):
    """江阴's industry clusters (the plan's “依托我市产业集群”)."""

    SPECIAL_STEEL = "special_steel", "特钢新材料"
    TEXTILE = "textile", "纺织服装"
    PETROCHEMICAL = "petrochemical", "石化新材料"
    EQUIPMENT = "equipment", "高端装备与船舶"
    CHIP = "chip", "集成电路封测"
    NEW_ENERGY = "new_energy", "新能源"
    LOGISTICS = "logistics", "现代物流"
    OTHER = "other", "其他"


class EnterpriseLevel(models.TextChoices):
    """产教融合型企业: from application to the cultivation list, municipal, provincial."""

    CANDIDATE = "candidate", "已申报"
    CULTIVATION = "cultivation", "培育库"
    MUNICIPAL = "municipal", "市级"
    PROVINCIAL = "provincial", "省级"
    REMOVED = "removed", "已移出"


class GroupLevel(models.TextChoices):
    """职教集团: 示范性 (1 targeted) and 骨干 (3–5 targeted)."""

    ORDINARY = "ordinary", "一般"
    BACKBONE = "backbone", "骨干"
    DEMONSTRATION = "demonstration", "示范性"
    DISSOLVED = "dissolved", "已撤销"


class BaseLevel(models.TextChoices):
    """实训基地 as recognised: 校级 when built, 市级 and 省级 when recognised."""

    SCHOOL = "school", "校级"
    MUNICIPAL = "municipal", "市级"
    PROVINCIAL = "provincial", "省级"
    CLOSED = "closed", "已停用"


class PilotLevel(models.TextChoices):
    """1+X 证书试点: a school's pilot, selected as a 示范项目 (5 targeted), or stopped."""

    PILOT = "pilot", "试点项目"
    DEMONSTRATION = "demonstration", "示范项目"
    STOPPED = "stopped", "已停止"


class BaseFunction(models.TextChoices):
    """What a shared training base does (the plan's 五位一体)."""

    TALENT = "talent", "人才培养"
    RESEARCH = "research", "技术研发"
    PRODUCTION = "production", "生产示范"
    STAFF = "staff", "员工培训"
    ASSESSMENT = "assessment", "技能鉴定"


class IncentivePolicy(models.TextChoices):
    """The “金融+财政+土地+信用” incentives and the 教育附加费 credit."""

    FINANCE = "finance", "金融"
    FISCAL = "fiscal", "财政"
    LAND = "land", "土地"
    CREDIT = "credit", "信用"
    EDUCATION_LEVY = "education_levy", "教育费附加抵免"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "理事长单位"
    VICE_CHAIR = "vice_chair", "副理事长单位"
    MEMBER = "member", "成员单位"


class ActivityKind(models.TextChoices):
    MEETING = "meeting", "理事会议"
    TRAINING = "training", "师资培训"
    COMPETITION = "competition", "技能竞赛"
    RECRUITMENT = "recruitment", "招聘就业"
    RESEARCH = "research", "技术研发"
    OTHER = "other", "其他"


class CertificateLevel(models.TextChoices):
    JUNIOR = "junior", "初级"
    INTERMEDIATE = "intermediate", "中级"
    SENIOR = "senior", "高级"


class PilotRank(models.TextChoices):
    """Who recognised a 三全育人 pilot or a 思政 case."""

    SCHOOL = "school", "校级"
    MUNICIPAL = "municipal", "市级"
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"


class CaseKind(models.TextChoices):
    MODEL_CLASS = "model_class", "思政教育示范课堂"
    COURSE_CASE = "course_case", "课程思政典型案例"


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
