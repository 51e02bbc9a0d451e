"""The codes of the three national catalogues, checked before anything is stored.

Each ``clean_*`` function takes what a user, a file or an API caller wrote, returns the code in
its canonical form, and raises :class:`CodeError` with a Chinese message naming what is wrong.
The loaders, forms, the Excel import and the API all call these; none parses a code itself.

- 职业分类大典 (2015, 2022): ``6`` 大类, ``6-18`` 中类, ``6-18-02`` 小类, ``6-18-02-04`` 职业.
  A segment of ``00`` stands for "no subdivision" (``8-00-00-00``) and is followed only by ``00``.
- 职业教育专业目录 (2021): ``46`` 专业大类, ``4601`` 专业类, ``460103`` 专业; the first two
  digits tell the level: 21–39 高职本科, 41–59 高职专科, 61–79 中职, with the 19 大类 in the
  same order in each level.
- GB/T 4754-2017: 门类 letter ``C``, 大类 ``C31``, 中类 ``C311``, 小类 ``C3110``. The 大类 number
  decides the 门类 (31 is 制造业, C), so ``3110`` alone is completed to ``C3110`` and ``D3110``
  is refused.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError

from .data import (
    INDUSTRY_LEVELS,
    MAJOR_LEVELS,
    OCCUPATION_LEVELS,
    MajorStage,
    TalentErrorCode,
)


class CodeError(ServiceError):
    """A malformed catalogue code. Nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(TalentErrorCode.BAD_CODE, message)


_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "−": "-", "_": "-"})
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _normalise(value: object) -> str:
    text = "" if value is None else str(value)
    return "".join(text.split()).translate(_DASHES).translate(_FULL_WIDTH_DIGITS).upper()


# ---------------------------------------------------------------- 职业分类大典

OCCUPATION_MAJOR_GROUPS = {
    "1": "党的机关、国家机关、群众团体和社会组织、企事业单位负责人",
    "2": "专业技术人员",
    "3": "办事人员和有关人员",
    "4": "社会生产服务和生活服务人员",
    "5": "农、林、牧、渔业生产及辅助人员",
    "6": "生产制造及有关人员",
    "7": "军人",
    "8": "不便分类的其他从业人员",
}
_OCCUPATION = re.compile(r"^[0-9](-[0-9]{2}){0,3}$")


def clean_occupation_code(value: object) -> str:
    """A 职业分类大典 code such as ``6-18-02-04`` (any level), checked and normalised."""
    text = _normalise(value)
    if not text:
        raise CodeError(_("请填写职业代码"))
    if re.fullmatch(r"[0-9]{7}", text):
        # Written without hyphens (61802 04 → 6-18-02-04), as some spreadsheets do.
        text = f"{text[0]}-{text[1:3]}-{text[3:5]}-{text[5:7]}"
    if not _OCCUPATION.fullmatch(text):
        raise CodeError(
            _(
                "职业代码“{value}”格式不正确，应为“大类-中类-小类-职业”，如 6-18-02-04"
                "（1 位数字，其后每级 2 位数字，用“-”分隔）"
            ).format(value=value)
        )
    if text[0] not in OCCUPATION_MAJOR_GROUPS:
        raise CodeError(_("职业代码“{code}”的大类应为 1–8").format(code=text))
    segments = text.split("-")[1:]
    for position, segment in enumerate(segments):
        if segment == "00" and any(s != "00" for s in segments[position + 1 :]):
            raise CodeError(
                _("职业代码“{code}”中“00”（不再细分）之后的各级也应为“00”").format(code=text)
            )
    return text


def occupation_level(code: str) -> int:
    """1 大类, 2 中类, 3 小类, 4 职业 — for a code already cleaned."""
    return code.count("-") + 1


def occupation_parent(code: str) -> str | None:
    return code.rsplit("-", 1)[0] if "-" in code else None


def clean_occupation_code_at(value: object, level: int) -> str:
    """A code that must be of one level: a demand line names a 职业 (level 4), not a group."""
    code = clean_occupation_code(value)
    if occupation_level(code) != level:
        raise CodeError(
            _("“{code}”是{level}代码，这里应填写{wanted}代码（如 6-18-02-04）").format(
                code=code,
                level=OCCUPATION_LEVELS[occupation_level(code)],
                wanted=OCCUPATION_LEVELS[level],
            )
        )
    return code


# ---------------------------------------------------------------- 职业教育专业目录

MAJOR_STAGE_RANGES: dict[str, range] = {
    MajorStage.BACHELOR: range(21, 40),
    MajorStage.HIGHER: range(41, 60),
    MajorStage.SECONDARY: range(61, 80),
}
# The 19 专业大类, in the same order in each level (index 1 = prefix 21, 41 or 61).
MAJOR_GROUPS = (
    "农林牧渔",
    "资源环境与安全",
    "能源动力与材料",
    "土木建筑",
    "水利",
    "装备制造",
    "生物与化工",
    "轻工纺织",
    "食品药品与粮食",
    "交通运输",
    "电子与信息",
    "医药卫生",
    "财经商贸",
    "旅游",
    "文化艺术",
    "新闻传播",
    "教育与体育",
    "公安与司法",
    "公共管理与服务",
)
_MAJOR = re.compile(r"^[0-9]{2}([0-9]{2}){0,2}$")


def clean_major_code(value: object) -> str:
    """A 职业教育专业目录 code: 2 digits (专业大类), 4 (专业类) or 6 (专业)."""
    text = _normalise(value)
    if not text:
        raise CodeError(_("请填写专业代码"))
    if not _MAJOR.fullmatch(text):
        raise CodeError(
            _(
                "专业代码“{value}”格式不正确，应为 2 位（专业大类）、4 位（专业类）或 6 位（专业）数字"
            ).format(value=value)
        )
    major_stage(text)
    if len(text) >= 4 and text[2:4] == "00":
        raise CodeError(_("专业代码“{code}”的第 3–4 位（专业类）不能为 00").format(code=text))
    if len(text) == 6 and text[4:6] == "00":
        raise CodeError(_("专业代码“{code}”的第 5–6 位（专业）不能为 00").format(code=text))
    return text


def major_stage(code: str) -> MajorStage:
    """中职, 高职专科 or 高职本科, from the first two digits."""
    prefix = int(code[:2])
    for stage, digits in MAJOR_STAGE_RANGES.items():
        if prefix in digits:
            return MajorStage(stage)
    raise CodeError(
        _(
            "专业代码“{code}”的前两位 {prefix} 不在目录范围内："
            "高职本科为 21–39，高职专科为 41–59，中职为 61–79"
        ).format(code=code, prefix=code[:2])
    )


def major_group_name(code: str) -> str:
    """The 专业大类 a code belongs to, e.g. 装备制造 for 460103 and 660103 alike."""
    prefix = int(code[:2])
    return MAJOR_GROUPS[prefix % 20 - 1]


def major_level(code: str) -> int:
    return len(code) // 2


def major_parent(code: str) -> str | None:
    return code[:-2] if len(code) > 2 else None


def clean_major_code_at(value: object, level: int) -> str:
    code = clean_major_code(value)
    if major_level(code) != level:
        raise CodeError(
            _("“{code}”是{level}代码，这里应填写{wanted}代码").format(
                code=code, level=MAJOR_LEVELS[major_level(code)], wanted=MAJOR_LEVELS[level]
            )
        )
    return code


# ---------------------------------------------------------------- GB/T 4754-2017

# Each 门类 and the 大类 numbers it spans.
INDUSTRY_SECTIONS: dict[str, tuple[str, range]] = {
    "A": ("农、林、牧、渔业", range(1, 6)),
    "B": ("采矿业", range(6, 13)),
    "C": ("制造业", range(13, 44)),
    "D": ("电力、热力、燃气及水生产和供应业", range(44, 47)),
    "E": ("建筑业", range(47, 51)),
    "F": ("批发和零售业", range(51, 53)),
    "G": ("交通运输、仓储和邮政业", range(53, 61)),
    "H": ("住宿和餐饮业", range(61, 63)),
    "I": ("信息传输、软件和信息技术服务业", range(63, 66)),
    "J": ("金融业", range(66, 70)),
    "K": ("房地产业", range(70, 71)),
    "L": ("租赁和商务服务业", range(71, 73)),
    "M": ("科学研究和技术服务业", range(73, 76)),
    "N": ("水利、环境和公共设施管理业", range(76, 80)),
    "O": ("居民服务、修理和其他服务业", range(80, 83)),
    "P": ("教育", range(83, 84)),
    "Q": ("卫生和社会工作", range(84, 86)),
    "R": ("文化、体育和娱乐业", range(86, 91)),
    "S": ("公共管理、社会保障和社会组织", range(91, 97)),
    "T": ("国际组织", range(97, 98)),
}
_INDUSTRY = re.compile(r"^([A-Z])?([0-9]{2,4})?$")


def industry_section(division: int) -> str | None:
    for letter, (_name, divisions) in INDUSTRY_SECTIONS.items():
        if division in divisions:
            return letter
    return None


def clean_industry_code(value: object) -> str:
    """A GB/T 4754-2017 code as the 门类 letter followed by 0, 2, 3 or 4 digits (``C3110``).

    Digits alone are completed with their 门类; a letter that does not match the 大类 is refused.
    """
    text = _normalise(value)
    if not text:
        raise CodeError(_("请填写行业代码"))
    match = _INDUSTRY.fullmatch(text)
    if match is None or (match.group(1) is None and match.group(2) is None):
        raise CodeError(
            _(
                "行业代码“{value}”格式不正确，应为门类字母加 2–4 位数字，如 C（门类）、C31（大类）、"
                "C311（中类）、C3110（小类）"
            ).format(value=value)
        )
    letter, digits = match.group(1), match.group(2) or ""
    if letter is not None and letter not in INDUSTRY_SECTIONS:
        raise CodeError(_("行业代码“{code}”的门类应为 A–T 之一").format(code=text))
    if not digits:
        return str(letter)
    division = int(digits[:2])
    section = industry_section(division)
    if section is None:
        raise CodeError(
            _("行业代码“{code}”的大类 {division} 不存在（应为 01–97）").format(
                code=text, division=digits[:2]
            )
        )
    if letter is not None and letter != section:
        raise CodeError(
            _(
                "行业代码“{code}”中大类 {division} 属于门类 {section}（{name}），不是 {letter}"
            ).format(
                code=text,
                division=digits[:2],
                section=section,
                name=INDUSTRY_SECTIONS[section][0],
                letter=letter,
            )
        )
    return section + digits


def industry_level(code: str) -> int:
    """1 门类, 2 大类, 3 中类, 4 小类 — for a code already cleaned."""
    return 1 if len(code) == 1 else len(code) - 1


def industry_parent(code: str) -> str | None:
    if len(code) == 1:
        return None
    return code[0] if len(code) == 3 else code[:-1]


def level_name(kind: str, level: int) -> str:
    names = {
        "occupations": OCCUPATION_LEVELS,
        "majors": MAJOR_LEVELS,
        "industries": INDUSTRY_LEVELS,
    }[kind]
    return str(names.get(level, ""))
