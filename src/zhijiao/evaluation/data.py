"""Plain values of the evaluation app: error codes and choices. No models, no queries."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ISSUER = _("江阴市推进职业教育改革创新工作专班")
PLAN_NAME = _("《江阴市推进职业教育改革创新 打造高质量发展样板的实施方案》")
POINTS_QUANTUM = Decimal("0.01")
# An expert's score lies this far (a share of the item's full points) from the median of the
# experts' scores before it is flagged as an outlier, unless the scheme says otherwise.
DEFAULT_OUTLIER_SHARE = Decimal("0.20")


class EvaluationErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    INVALID_SCHEME = "invalid_scheme"
    WEIGHTS = "weights_do_not_sum"
    BANDS = "invalid_bands"
    SCHEME_IN_USE = "scheme_in_use"
    DUPLICATE = "duplicate"
    WRONG_STATE = "wrong_state"
    DEADLINE_PASSED = "deadline_passed"
    ALREADY_SUBMITTED = "already_submitted"
    OUT_OF_RANGE = "score_out_of_range"
    NOT_ASSIGNED = "not_assigned"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    NOT_AN_EXPERT = "not_an_expert"
    NOT_PARTICIPATING = "not_participating"
    INCOMPLETE = "incomplete"
    OUT_OF_WINDOW = "appeal_out_of_window"
    PENDING_APPEALS = "pending_appeals"
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    MISSING_INDICATOR = "missing_indicator"


class SchemeKind(models.TextChoices):
    SCHOOL_LEVEL = "school_level", _("办学水平评价")
    SOCIAL_SERVICE = "social_service", _("社会服务能力绩效考核")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("已启用")


class ScoringMethod(models.TextChoices):
    AUTO = "auto", _("指标自动计分")
    EXPERT = "expert", _("专家评分")
    SELF_CHECKED = "self_checked", _("学校自评、专家核定")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("筹备")
    SELF_ASSESSMENT = "self_assessment", _("学校自评")
    SCORING = "scoring", _("专家评分")
    RECONCILIATION = "reconciliation", _("复核汇总")
    NOTICE = "notice", _("结果公示")
    PUBLISHED = "published", _("已公布")


ROUND_ORDER = [s.value for s in RoundStatus]


class SelfStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未填报")
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")


class ConflictKind(models.TextChoices):
    EMPLOYED = "employed", _("现任职于该校")
    FORMER = "former", _("近三年曾任职于该校")
    RELATIVE = "relative", _("近亲属在该校任职或就读")
    COOPERATION = "cooperation", _("与该校有合作或利益关系")
    OTHER = "other", _("其他需回避情形")


class FinalSource(models.TextChoices):
    AUTO = "auto", _("指标自动计分")
    EXPERTS = "experts", _("专家评分（剔除离群值后平均）")
    OFFICE = "office", _("工作专班复核认定")
    APPEAL = "appeal", _("申诉复核调整")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")


# The grade scale when a scheme names none: the lowest total of each grade, highest first.
DEFAULT_GRADES: list[tuple[Decimal, StrOrPromise]] = [
    (Decimal(90), _("优秀")),
    (Decimal(75), _("良好")),
    (Decimal(60), _("合格")),
    (Decimal(0), _("不合格")),
]
