"""Plain values of the people app: error codes, choices, and the capabilities its pages ask for."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

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
    MALE = "male", "男"
    FEMALE = "female", "女"


class TeacherKind(models.TextChoices):
    PROFESSIONAL = "professional", "专业课教师"
    GENERAL = "general", "公共基础课教师"
    PRACTICUM = "practicum", "实习指导教师"
    PART_TIME = "part_time", "兼职教师（企业）"


class Title(models.TextChoices):
    """职称 by level (专业技术职务等级)."""

    SENIOR_FULL = "senior_full", "正高级"
    SENIOR = "senior", "副高级"
    INTERMEDIATE = "intermediate", "中级"
    JUNIOR = "junior", "初级"
    NONE = "none", "未定级"


class SkillLevel(models.TextChoices):
    """职业技能等级 (国家职业资格 / 职业技能等级, levels 一级 to 五级)."""

    SENIOR_TECHNICIAN = "senior_technician", "高级技师"
    TECHNICIAN = "technician", "技师"
    SENIOR_WORKER = "senior_worker", "高级工"
    INTERMEDIATE_WORKER = "intermediate_worker", "中级工"
    JUNIOR_WORKER = "junior_worker", "初级工"
    NONE = "none", "无"


class DualLevel(models.TextChoices):
    """双师型 levels as Jiangsu certifies them; blank where the grant names no level."""

    JUNIOR = "junior", "初级"
    INTERMEDIATE = "intermediate", "中级"
    SENIOR = "senior", "高级"
