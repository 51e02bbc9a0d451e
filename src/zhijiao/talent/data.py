"""Plain values of the talent app: error codes and the choices of catalogues, enterprises and the
demand survey (岗位需求填报)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TalentErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    BAD_CODE = "bad_code"
    UNKNOWN_CODE = "unknown_code"
    CATALOGUE_REJECTED = "catalogue_rejected"
    CATALOGUE_IN_USE = "catalogue_in_use"
    NO_CATALOGUE = "no_catalogue"
    ROUND_CLOSED = "round_closed"
    ROUND_EXISTS = "round_exists"
    DUPLICATE_SURVEY = "duplicate_survey"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_SUBMITTED = "not_submitted"
    EMPTY_SURVEY = "empty_survey"
    DUPLICATE_LINE = "duplicate_line"
    NOT_ENTERPRISE = "not_enterprise"
    WRONG_FILE = "wrong_file"
    IMPORT_FAILED = "import_failed"
    DUPLICATE_MAPPING = "duplicate_mapping"


class CatalogueKind(models.TextChoices):
    OCCUPATIONS = "occupations", _("职业分类")
    MAJORS = "majors", _("职业教育专业目录")
    INDUSTRIES = "industries", _("国民经济行业分类")
    MAPPING = "mapping", _("专业—职业—行业对应（职业面向）")


# What each catalogue's official edition is called, for titles of editions loaded without one.
CATALOGUE_SOURCES: dict[str, str] = {
    CatalogueKind.OCCUPATIONS: "中华人民共和国职业分类大典",
    CatalogueKind.MAJORS: "职业教育专业目录",
    CatalogueKind.INDUSTRIES: "国民经济行业分类（GB/T 4754）",
    CatalogueKind.MAPPING: "专业职业面向",
}


class MajorStage(models.TextChoices):
    """The level of education a major belongs to, told by the first two digits of its code."""

    SECONDARY = "secondary", _("中职")
    HIGHER = "higher", _("高职专科")
    BACHELOR = "bachelor", _("高职本科")


OCCUPATION_LEVELS: dict[int, StrOrPromise] = {
    1: _("大类"),
    2: _("中类"),
    3: _("小类"),
    4: _("职业"),
}
MAJOR_LEVELS: dict[int, StrOrPromise] = {1: _("专业大类"), 2: _("专业类"), 3: _("专业")}
INDUSTRY_LEVELS: dict[int, StrOrPromise] = {1: _("门类"), 2: _("大类"), 3: _("中类"), 4: _("小类")}


class Cluster(models.TextChoices):
    """Jiangyin's industry clusters (产业集群) the platform reports on."""

    METALLURGY = "metallurgy", _("冶金及特钢")
    TEXTILES = "textiles", _("纺织服装")
    PETROCHEMICALS = "petrochemicals", _("石化及新材料")
    EQUIPMENT = "equipment", _("高端装备及船舶")
    SEMICONDUCTORS = "semiconductors", _("集成电路封测")
    NEW_ENERGY = "new_energy", _("新能源")
    LOGISTICS = "logistics", _("现代物流")
    OTHER = "other", _("其他")


class Town(models.TextChoices):
    """Jiangyin's seven 街道 and ten 镇."""

    CHENGJIANG = "chengjiang", _("澄江街道")
    NANZHA = "nanzha", _("南闸街道")
    YUNTING = "yunting", _("云亭街道")
    CHENGDONG = "chengdong", _("城东街道")
    SHENGANG = "shengang", _("申港街道")
    XIAGANG = "xiagang", _("夏港街道")
    LIGANG = "ligang", _("利港街道")
    HUANGTU = "huangtu", _("璜土镇")
    YUECHENG = "yuecheng", _("月城镇")
    QINGYANG = "qingyang", _("青阳镇")
    XUXIAKE = "xuxiake", _("徐霞客镇")
    HUASHI = "huashi", _("华士镇")
    ZHOUZHUANG = "zhouzhuang", _("周庄镇")
    XINQIAO = "xinqiao", _("新桥镇")
    CHANGJING = "changjing", _("长泾镇")
    GUSHAN = "gushan", _("顾山镇")
    ZHUTANG = "zhutang", _("祝塘镇")


class EnterpriseSize(models.TextChoices):
    """统计上大中小微型企业划分办法 (2017)."""

    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("未开始")
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已截止")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")


# Answers that count in the demand figures: a returned survey is being corrected, a draft is not
# an answer yet.
COUNTED_STATUSES = (SurveyStatus.SUBMITTED, SurveyStatus.ACCEPTED)
EDITABLE_STATUSES = (SurveyStatus.DRAFT, SurveyStatus.RETURNED)


class Education(models.TextChoices):
    ANY = "any", _("不限")
    JUNIOR_HIGH = "junior_high", _("初中及以下")
    SECONDARY = "secondary", _("高中、中职（中专、技校）")
    COLLEGE = "college", _("大专（高职专科）")
    BACHELOR = "bachelor", _("本科（含高职本科）")
    POSTGRADUATE = "postgraduate", _("研究生")


# Labels changed since templates were first handed out (earlier label → value): templates filled
# before the change still carry them, and still import.
FORMER_LABELS = {
    "本科（含职业本科）": Education.BACHELOR.value,
}


class SkillLevel(models.TextChoices):
    """The 新八级 ladder of skilled workers, and 初/中/高级 professional titles (专业技术职称)."""

    ANY = "any", _("不限")
    APPRENTICE = "apprentice", _("学徒工")
    JUNIOR_WORKER = "junior_worker", _("初级工")
    INTERMEDIATE_WORKER = "intermediate_worker", _("中级工")
    SENIOR_WORKER = "senior_worker", _("高级工")
    TECHNICIAN = "technician", _("技师")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")
    MASTER_TECHNICIAN = "master_technician", _("特级技师")
    CHIEF_TECHNICIAN = "chief_technician", _("首席技师")
    JUNIOR_TITLE = "junior_title", _("初级职称")
    INTERMEDIATE_TITLE = "intermediate_title", _("中级职称")
    SENIOR_TITLE = "senior_title", _("高级职称")


# 高技能人才: 高级工 and above on the ladder (人社部口径).
HIGH_SKILL_LEVELS = (
    SkillLevel.SENIOR_WORKER,
    SkillLevel.TECHNICIAN,
    SkillLevel.SENIOR_TECHNICIAN,
    SkillLevel.MASTER_TECHNICIAN,
    SkillLevel.CHIEF_TECHNICIAN,
)


class SalaryBand(models.TextChoices):
    """Monthly pay offered, before tax (元)."""

    NEGOTIABLE = "negotiable", _("面议")
    UNDER_4K = "under_4k", _("4000 元以下")
    FROM_4K = "4k_6k", _("4000–5999 元")
    FROM_6K = "6k_8k", _("6000–7999 元")
    FROM_8K = "8k_10k", _("8000–9999 元")
    FROM_10K = "10k_15k", _("10000–14999 元")
    FROM_15K = "15k_plus", _("15000 元及以上")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    SOON = "soon", _("较急")
    URGENT = "urgent", _("紧急")


MAX_EXPERIENCE_YEARS = 40
MAX_HEADCOUNT = 10_000
MAX_LINES = 300


# ---------------------------------------------------------------- job postings


class PostingErrorCode(StrEnum):
    EMPTY_POSTING = "empty_posting"
    GARBLED_POSTING = "garbled_posting"
    BAD_FILE = "bad_file"
    NOTHING_NEW = "nothing_new"
    REPORT_NOT_READY = "report_not_ready"
    NO_DATA = "no_data"
    SUPPLY_INVALID = "supply_invalid"
    DUPLICATE_SUPPLY = "duplicate_supply"


class ClassifyMethod(models.TextChoices):
    """How a posting got its occupation."""

    ALIAS_TITLE = "alias_title", _("别名词典（标题）")
    ALIAS_TEXT = "alias_text", _("别名词典（正文）")
    SIMILARITY = "similarity", _("相似度")
    MANUAL = "manual", _("人工校正")
    GIVEN = "given", _("来源已标注")
    NONE = "none", _("未能归类")


# Below this a posting is listed first on the workbench for review.
REVIEW_BELOW = 0.6
MAX_POSTING_TEXT = 5000
MAX_POSTING_TITLE = 100


# ---------------------------------------------------------------- supply


class Destination(models.TextChoices):
    """Where a school's graduates went (毕业去向)."""

    LOCAL = "local", _("本地就业")
    FURTHER = "further", _("升学")
    OTHER = "other", _("其他（外地就业、待业等）")


# ---------------------------------------------------------------- analysis and the report


class ReportStatus(models.TextChoices):
    GENERATED = "generated", _("已生成")
    PUBLISHED = "published", _("已发布")


@dataclass(frozen=True)
class ShortageIndexVersion:
    """A version of the 紧缺指数: what it weighs, how much, and the thresholds of the list.

    Each component is scaled to 0–1 (docs/talent-analysis.md); the index is 100 × Σ weight ×
    component. A version, once used in a published report, is never changed: a new one is added.
    """

    name: str
    weights: dict[str, float]
    shortage_at: float  # index at or above: 紧缺
    tight_at: float  # index at or above: 较紧缺
    min_demand: int  # occupations with less demand are not listed
    note: StrOrPromise


INDEX_COMPONENTS: dict[str, StrOrPromise] = {
    "ratio": _("求人倍率（需求人数 ÷ 可供毕业生数，3 倍及以上或无对口供给记满分）"),
    "growth": _("需求增长（较上年增长率，−50% 记 0 分、持平记 0.5 分、增长 50% 及以上记满分）"),
    "urgency": _("用工紧迫度（紧急岗位人数 + 0.5 × 较急岗位人数）÷ 需求人数"),
    "postings": _("招聘活跃度（该职业招聘信息条数 ÷ 招聘最多职业的条数）"),
}
INDEX_VERSIONS: dict[str, ShortageIndexVersion] = {
    "2025.1": ShortageIndexVersion(
        name="2025.1",
        weights={"ratio": 0.4, "growth": 0.2, "urgency": 0.2, "postings": 0.2},
        shortage_at=70.0,
        tight_at=60.0,
        min_demand=10,
        note=_("首版：以求人倍率为主，兼顾需求增长、用工紧迫度和招聘活跃度。"),
    ),
}
CURRENT_INDEX_VERSION = "2025.1"

# The grades of the shortage index. Each is at once the value an occupation's row holds (stored in
# the report's facts, answered by the API) and the msgid it is shown through: gettext(grade).
GRADE_SHORTAGE = gettext_noop("紧缺")
GRADE_TIGHT = gettext_noop("较紧缺")
GRADE_NORMAL = gettext_noop("一般")

# Majors whose graduates are matched by demand: below LOW the major is over-supplied.
MATCH_LOW = 0.8
MATCH_CUT = 0.5
MATCH_HIGH = 1.5


class Suggestion(models.TextChoices):
    """What the report suggests for a major (专业设置调整建议)."""

    EXPAND = "expand", _("扩大招生规模")
    KEEP = "keep", _("保持现有规模")
    ADJUST = "adjust", _("优化专业方向、控制规模")
    REDUCE = "reduce", _("调减招生规模")
    NEW = "new", _("增设对口专业（方向）")
