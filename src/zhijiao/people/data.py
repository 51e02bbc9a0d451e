"""Plain values of the people app: error codes, choices, and the capabilities its pages ask for."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

# The purpose of the lookup digest of a 身份证号: one person, one digest, whatever the registry.
ID_PURPOSE = "id_number"


class PeopleErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    INVALID_INPUT = "invalid_input"
    DUPLICATE_TEACHER = "duplicate_teacher"
    ALREADY_LEFT = "already_left"
    NOT_DUAL = "not_dual"
    ALREADY_DUAL = "already_dual"
    IMPORT_FAILED = "import_failed"
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class TeacherKind(models.TextChoices):
    PROFESSIONAL = "professional", _("专业课教师")
    GENERAL = "general", _("公共基础课教师")
    PRACTICUM = "practicum", _("实习指导教师")
    PART_TIME = "part_time", _("兼职教师（企业）")


class Title(models.TextChoices):
    """职称 by level (专业技术职务等级)."""

    SENIOR_FULL = "senior_full", _("正高级")
    SENIOR = "senior", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")
    JUNIOR = "junior", _("初级")
    NONE = "none", _("未定级")


class SkillLevel(models.TextChoices):
    """职业技能等级 (国家职业资格 / 职业技能等级, levels 一级 to 五级)."""

    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")
    TECHNICIAN = "technician", _("技师")
    SENIOR_WORKER = "senior_worker", _("高级工")
    INTERMEDIATE_WORKER = "intermediate_worker", _("中级工")
    JUNIOR_WORKER = "junior_worker", _("初级工")
    NONE = "none", _("无")


class DualLevel(models.TextChoices):
    """双师型 levels as Jiangsu certifies them; blank where the grant names no level."""

    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")


# ---------------------------------------------------------------- students and 技能雏鹰


class StudentErrorCode(StrEnum):
    DUPLICATE_STUDENT = "duplicate_student"
    DUPLICATE_NUMBER = "duplicate_student_number"


class EagletErrorCode(StrEnum):
    WRONG_STATE = "wrong_state"
    OUT_OF_WINDOW = "out_of_window"
    NO_QUOTA = "no_quota"
    QUOTA_FULL = "quota_full"
    PLACES_FULL = "places_full"
    ALREADY_NOMINATED = "already_nominated"
    ALREADY_REVIEWED = "already_reviewed"
    NOT_A_REVIEWER = "not_a_reviewer"
    DUPLICATE_ROUND = "duplicate_round"
    BUREAU_MISSING = "bureau_missing"
    OPEN_OBJECTIONS = "open_objections"


class EagletRoundStatus(models.TextChoices):
    """The stages of a year's 技能雏鹰 selection, in order."""

    PREPARING = "preparing", _("筹备中")
    NOMINATING = "nominating", _("学校推荐")
    REVIEWING = "reviewing", _("部门联审")
    NOTICE = "notice", _("公示中")
    PUBLISHED = "published", _("已公布")


class EagletStage(models.TextChoices):
    """The three bureaus that review nominations together (plan task 6)."""

    EDUCATION = "education", _("教育局")
    SCIENCE = "science", _("科技局")
    LABOUR = "labour", _("人社局")


# Names under which each reviewing bureau may be registered (unit name, short name or other name).
EAGLET_BUREAU_NAMES: dict[str, tuple[str, ...]] = {
    EagletStage.EDUCATION: ("教育局", "市教育局", "江阴市教育局"),
    EagletStage.SCIENCE: ("科技局", "市科技局", "江阴市科技局", "江阴市科学技术局"),
    EagletStage.LABOUR: (
        "人社局",
        "市人社局",
        "江阴市人社局",
        "江阴市人力资源和社会保障局",
    ),
}


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("已推荐（待联审）")
    ENDORSED = "endorsed", _("联审通过")
    REJECTED = "rejected", _("联审未通过")
    PROPOSED = "proposed", _("拟表彰")
    REVOKED = "revoked", _("公示后取消")
    HONOURED = "honoured", _("已表彰")
    WITHDRAWN = "withdrawn", _("学校已撤回")


# Nominations that hold one of the round's places (拟表彰 and 已表彰).
PLACE_HOLDING = (NominationStatus.PROPOSED, NominationStatus.HONOURED)


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("待核查")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


# ---------------------------------------------------------------- competitions and awards


class AwardErrorCode(StrEnum):
    DUPLICATE_COMPETITION = "duplicate_competition"
    DUPLICATE_AWARD = "duplicate_award"
    NO_COMPETITION = "no_competition"
    NO_AWARDEE = "no_awardee"


class CompetitionLevel(models.TextChoices):
    WORLD = "world", _("世界级")
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")


# Levels whose winners the plan rewards (task 26: 世界、全国和全省大赛获奖选手给予激励).
REWARDED_LEVELS = (CompetitionLevel.WORLD, CompetitionLevel.NATIONAL, CompetitionLevel.PROVINCIAL)


class CompetitionCategory(models.TextChoices):
    SKILLS = "skills", _("职业技能大赛")
    INNOVATION = "innovation", _("创新创业大赛")
    TEACHING = "teaching", _("教学能力比赛")
    OTHER = "other", _("其他比赛")


class AwardRank(models.TextChoices):
    SPECIAL = "special", _("特等奖")
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")
    GOLD = "gold", _("金牌")
    SILVER = "silver", _("银牌")
    BRONZE = "bronze", _("铜牌")
    MERIT = "merit", _("优胜奖")


class AwardeeKind(models.TextChoices):
    STUDENT = "student", _("学生")
    TEACHER = "teacher", _("教师")


# ---------------------------------------------------------------- social training


class TrainingErrorCode(StrEnum):
    DUPLICATE_TRAINING = "duplicate_training"


class TraineeGroup(models.TextChoices):
    """培训对象, coded as the options of the indicator category TRAINEE_GROUP, so a figure per
    group lands on the same option code as a typed-in value would."""

    HARD_TO_EMPLOY = "HARD_TO_EMPLOY", _("就业困难人员")
    LAID_OFF = "LAID_OFF", _("下岗失业人员")
    TRANSFER = "TRANSFER", _("转岗职工")
    VETERAN = "VETERAN", _("退役军人")
    MIGRANT = "MIGRANT", _("外来劳动者")
    OTHER = "OTHER", _("其他人员")


class TrainingKind(models.TextChoices):
    EMPLOYMENT = "employment", _("就业技能培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")
    UPGRADING = "upgrading", _("岗位技能提升培训")
    OTHER = "other", _("其他培训")


# ---------------------------------------------------------------- majors, teams, bases


class RegistryErrorCode(StrEnum):
    DUPLICATE = "duplicate"
    BAD_MAJOR_CODE = "bad_major_code"


class MajorLevel(models.TextChoices):
    """Levels of the 职业教育专业目录 (2021) by their code prefix, and 技工院校 majors."""

    SECONDARY = "secondary", _("中职")
    HIGHER = "higher", _("高职专科")
    BACHELOR = "bachelor", _("高职本科")
    TECHNICAL = "technical", _("技工院校")


# The first two digits of a 6-digit code of the 职业教育专业目录 (2021) by level; 技工院校 majors
# follow the 技工院校专业目录 and carry 4 digits.
MAJOR_CODE_PREFIXES: dict[str, range] = {
    MajorLevel.SECONDARY: range(61, 80),
    MajorLevel.HIGHER: range(41, 60),
    MajorLevel.BACHELOR: range(21, 40),
}
TECHNICAL_CODE_LENGTH = 4


class RecognitionKind(models.TextChoices):
    HIGH_LEVEL = "high_level", _("高水平专业（群）")
    BRAND = "brand", _("技工教育品牌专业")
    PROVINCIAL_BRAND = "provincial_brand", _("省级品牌专业")
    OTHER = "other", _("其他认定")


class ThroughMode(models.TextChoices):
    """中高职贯通培养的模式."""

    SEGMENTED_3_3 = "3+3", _("中职与高职“3+3”分段培养")
    FIVE_YEAR = "5", _("五年一贯制高职")
    SEGMENTED_3_2 = "3+2", _("“3+2”分段培养")
    SEGMENTED_3_4 = "3+4", _("中职与本科“3+4”分段培养")


class HonourLevel(models.TextChoices):
    CITY = "city", _("市级")
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class BaseKind(models.TextChoices):
    TRAINING = "training", _("“双师型”教师培养培训基地")
    PRACTICE = "practice", _("教师企业实践基地")
