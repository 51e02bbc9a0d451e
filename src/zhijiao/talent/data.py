"""Plain values of the talent app: error codes and the choices of catalogues, enterprises and the
demand survey (岗位需求填报)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


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
    OCCUPATIONS = "occupations", "职业分类"
    MAJORS = "majors", "职业教育专业目录"
    INDUSTRIES = "industries", "国民经济行业分类"
    MAPPING = "mapping", "专业—职业—行业对应（职业面向）"


# What each catalogue's official edition is called, for titles of editions loaded without one.
CATALOGUE_SOURCES: dict[str, str] = {
    CatalogueKind.OCCUPATIONS: "中华人民共和国职业分类大典",
    CatalogueKind.MAJORS: "职业教育专业目录",
    CatalogueKind.INDUSTRIES: "国民经济行业分类（GB/T 4754）",
    CatalogueKind.MAPPING: "专业职业面向",
}


class MajorStage(models.TextChoices):
    """The level of education a major belongs to, told by the first two digits of its code."""

    SECONDARY = "secondary", "中职"
    HIGHER = "higher", "高职专科"
    BACHELOR = "bachelor", "高职本科"


OCCUPATION_LEVELS = {1: "大类", 2: "中类", 3: "小类", 4: "职业"}
MAJOR_LEVELS = {1: "专业大类", 2: "专业类", 3: "专业"}
INDUSTRY_LEVELS = {1: "门类", 2: "大类", 3: "中类", 4: "小类"}


class Cluster(models.TextChoices):
    """Jiangyin's industry clusters (产业集群) the platform reports on."""

    METALLURGY = "metallurgy", "冶金及特钢"
    TEXTILES = "textiles", "纺织服装"
    PETROCHEMICALS = "petrochemicals", "石化及新材料"
    EQUIPMENT = "equipment", "高端装备及船舶"
    SEMICONDUCTORS = "semiconductors", "集成电路封测"
    NEW_ENERGY = "new_energy", "新能源"
    LOGISTICS = "logistics", "现代物流"
    OTHER = "other", "其他"


class Town(models.TextChoices):
    """Jiangyin's seven 街道 and ten 镇."""

    CHENGJIANG = "chengjiang", "澄江街道"
    NANZHA = "nanzha", "南闸街道"
    YUNTING = "yunting", "云亭街道"
    CHENGDONG = "chengdong", "城东街道"
    SHENGANG = "shengang", "申港街道"
    XIAGANG = "xiagang", "夏港街道"
    LIGANG = "ligang", "利港街道"
    HUANGTU = "huangtu", "璜土镇"
    YUECHENG = "yuecheng", "月城镇"
    QINGYANG = "qingyang", "青阳镇"
    XUXIAKE = "xuxiake", "徐霞客镇"
    HUASHI = "huashi", "华士镇"
    ZHOUZHUANG = "zhouzhuang", "周庄镇"
    XINQIAO = "xinqiao", "新桥镇"
    CHANGJING = "changjing", "长泾镇"
    GUSHAN = "gushan", "顾山镇"
    ZHUTANG = "zhutang", "祝塘镇"


class EnterpriseSize(models.TextChoices):
    """统计上大中小微型企业划分办法 (2017)."""

    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class RoundStatus(models.TextChoices):
    PLANNED = "planned", "未开始"
    OPEN = "open", "填报中"
    CLOSED = "closed", "已截止"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已采纳"


# Answers that count in the demand figures: a returned survey is being corrected, a draft is not
# an answer yet.
COUNTED_STATUSES = (SurveyStatus.SUBMITTED, SurveyStatus.ACCEPTED)
EDITABLE_STATUSES = (SurveyStatus.DRAFT, SurveyStatus.RETURNED)


class Education(models.TextChoices):
    ANY = "any", "不限"
    JUNIOR_HIGH = "junior_high", "初中及以下"
    SECONDARY = "secondary", "高中、中职（中专、技校）"
    COLLEGE = "college", "大专（高职专科）"
    BACHELOR = "bachelor", "本科（含职业本科）"
    POSTGRADUATE = "postgraduate", "研究生"


class SkillLevel(models.TextChoices):
    """The 新八级 ladder of skilled workers, and 初/中/高级 professional titles (专业技术职称)."""

    ANY = "any", "不限"
    APPRENTICE = "apprentice", "学徒工"
    JUNIOR_WORKER = "junior_worker", "初级工"
    INTERMEDIATE_WORKER = "intermediate_worker", "中级工"
    SENIOR_WORKER = "senior_worker", "高级工"
    TECHNICIAN = "technician", "技师"
    SENIOR_TECHNICIAN = "senior_technician", "高级技师"
    MASTER_TECHNICIAN = "master_technician", "特级技师"
    CHIEF_TECHNICIAN = "chief_technician", "首席技师"
    JUNIOR_TITLE = "junior_title", "初级职称"
    INTERMEDIATE_TITLE = "intermediate_title", "中级职称"
    SENIOR_TITLE = "senior_title", "高级职称"


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

    NEGOTIABLE = "negotiable", "面议"
    UNDER_4K = "under_4k", "4000 元以下"
    FROM_4K = "4k_6k", "4000–5999 元"
    FROM_6K = "6k_8k", "6000–7999 元"
    FROM_8K = "8k_10k", "8000–9999 元"
    FROM_10K = "10k_15k", "10000–14999 元"
    FROM_15K = "15k_plus", "15000 元及以上"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    SOON = "soon", "较急"
    URGENT = "urgent", "紧急"


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

    ALIAS_TITLE = "alias_title", "别名词典（标题）"
    ALIAS_TEXT = "alias_text", "别名词典（正文）"
    SIMILARITY = "similarity", "相似度"
    MANUAL = "manual", "人工校正"
    GIVEN = "given", "来源已标注"
    NONE = "none", "未能归类"


# Below this a posting is listed first on the workbench for review.
REVIEW_BELOW = 0.6
MAX_POSTING_TEXT = 5000
MAX_POSTING_TITLE = 100


# ---------------------------------------------------------------- supply


class Destination(models.TextChoices):
    """Where a school's graduates went (毕业去向)."""

    LOCAL = "local", "本地就业"
    FURTHER = "further", "升学"
    OTHER = "other", "其他（外地就业、待业等）"


# ---------------------------------------------------------------- analysis and the report


class ReportStatus(models.TextChoices):
    GENERATED = "generated", "已生成"
    PUBLISHED = "published", "已发布"


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
    note: str


INDEX_COMPONENTS = {
    "ratio": "求人倍率（需求人数 ÷ 可供毕业生数，3 倍及以上或无对口供给记满分）",
    "growth": "需求增长（较上年增长率，−50% 记 0 分、持平记 0.5 分、增长 50% 及以上记满分）",
    "urgency": "用工紧迫度（紧急岗位人数 + 0.5 × 较急岗位人数）÷ 需求人数",
    "postings": "招聘活跃度（该职业招聘信息条数 ÷ 招聘最多职业的条数）",
}
INDEX_VERSIONS: dict[str, ShortageIndexVersion] = {
    "2025.1": ShortageIndexVersion(
        name="2025.1",
        weights={"ratio": 0.4, "growth": 0.2, "urgency": 0.2, "postings": 0.2},
        shortage_at=70.0,
        tight_at=60.0,
        min_demand=10,
        note="首版：以求人倍率为主，兼顾需求增长、用工紧迫度和招聘活跃度。",
    ),
}
CURRENT_INDEX_VERSION = "2025.1"

# Majors whose graduates are matched by demand: below LOW the major is over-supplied.
MATCH_LOW = 0.8
MATCH_CUT = 0.5
MATCH_HIGH = 1.5


class Suggestion(models.TextChoices):
    """What the report suggests for a major (专业设置调整建议)."""

    EXPAND = "expand", "扩大招生规模"
    KEEP = "keep", "保持现有规模"
    ADJUST = "adjust", "优化专业方向、控制规模"
    REDUCE = "reduce", "调减招生规模"
    NEW = "new", "增设对口专业（方向）"
