"""Loading an implementation plan from its official text.

Cities publish these plans in one shape: a notice (通知) naming the plan in 《》 with the issuer
and the date; the plan's body, whose 重点举措 part holds programmes of measures （一）… with
numbered measures 1．…; and an attachment, the task list (任务清单), a four-column table —
programme, task, responsible units, deadline — which the conversion to text prints as
tab-prefixed cells with a blank line between rows. Nothing here is specific to Jiangyin.

:func:`parse_plan_text` turns such a text into plain dataclasses, or raises
:class:`PlanFormatError` listing every problem with its line number. :func:`plan_load` stores a
parsed plan, all or nothing, updating in place what is already there (by plan code and numbers),
so that loading the same text twice changes nothing.

The plan code: ``--code`` when given, else the file name's stem up to its year
(``jiangyin-2021-vet-reform-plan.txt`` → ``jiangyin-2021``), else the whole stem; a structured
file carries its own code. A code already used by a plan with another title is refused, so a
second plan of the same city and year cannot silently overwrite the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from zhijiao.core import audit
from zhijiao.core.dates import month_end
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, UnitGroup, UnitKind

from .data import PlanErrorCode
from .models import Assignee, Measure, Plan, Programme, Responsibility, Section, Task

# ---------------------------------------------------------------- vocabulary

CONTINUOUS = "持续推进"  # reported every period, no deadline
# A title printed in two clauses ("…改革创新  打造…") keeps one separator, as this text prints it.
TITLE_SEPARATOR = "  "
# Part headings of the body whose programmes are the measures (三、重点举措).
MEASURE_PARTS = ("举措", "措施", "任务")

# Printed names that stand for a group of units, with the kind of unit the group stands for.
# Any other name beginning with 各 is a group too, but with no automatic members.
GROUP_KINDS: dict[str, str] = {
    "各职业院校": UnitKind.SCHOOL,
    "各职业学校": UnitKind.SCHOOL,
    "各中等职业学校": UnitKind.SCHOOL,
}

# Names whose kind the rules below would get wrong. Extend it (or pass ``classify=`` to
# ``plan_load``) rather than bending the rules.
UNIT_KIND_BY_NAME: dict[str, str] = {
    # 江阴学院 is named beside 市委教育工委 in task 3 for ideological work (思政课 reform), not as
    # a vocational school: as SCHOOL it would join 各职业院校 and owe school reports (task 9).
    "江阴学院": UnitKind.OTHER,
}
SCHOOL_WORDS = ("学院", "中专", "技校", "学校", "职校", "大学")
PARTY_ENDINGS = ("部", "工委", "党委")
ASSOCIATION_ENDINGS = ("工商联", "总工会", "妇联", "残联", "科协", "协会", "商会", "联合会")
GOVERNMENT_ENDINGS = ("局", "委", "办", "政府", "管委会")
ENTERPRISE_ENDINGS = ("公司", "集团", "企业", "厂")


def classify_unit(name: str) -> str:
    """The kind of a unit guessed from its printed name; administrators may correct it later."""
    if name in UNIT_KIND_BY_NAME:
        return UNIT_KIND_BY_NAME[name]
    if any(word in name for word in SCHOOL_WORDS):
        return UnitKind.SCHOOL
    # Party departments before government ones: 市委教育工委 ends in 委 too.
    if name.endswith(PARTY_ENDINGS):
        return UnitKind.PARTY
    if name.endswith(ASSOCIATION_ENDINGS):
        return UnitKind.ASSOCIATION
    if name.endswith(GOVERNMENT_ENDINGS):
        return UnitKind.GOVERNMENT
    if name.endswith(ENTERPRISE_ENDINGS):
        return UnitKind.ENTERPRISE
    return UnitKind.OTHER


def is_group_name(name: str) -> bool:
    return name in GROUP_KINDS or name.startswith("各")


# ---------------------------------------------------------------- errors and parsed data


class PlanFormatError(ServiceError):
    """The plan cannot be loaded as given. ``errors`` lists every problem found, in Chinese,
    each starting with its place (``第 N 行：`` for the official text)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(PlanErrorCode.IMPORT_INVALID, "；".join(errors))
        self.errors = errors


@dataclass
class ParsedMeasure:
    number: int
    heading: str
    text: str
    line: int = 0


@dataclass
class ParsedSection:
    number: int
    heading: str
    measures: list[ParsedMeasure] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedTask:
    number: int
    text: str
    units: list[str]
    deadline_text: str
    deadline: dt.date | None = None
    units_text: str = ""
    line: int = 0  # the task cell's line; the other two cells have their own
    units_line: int = 0
    deadline_line: int = 0


@dataclass
class ParsedProgramme:
    number: int
    name: str
    name_repeated: bool = False
    tasks: list[ParsedTask] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedPlan:
    """A plan as plain data, as printed. ``line`` fields are 0 when it did not come from text."""

    title: str
    issuer: str
    issued_on: dt.date
    code: str = ""
    notice_title: str = ""
    preamble: str = ""
    attachment_title: str = ""
    source_sha256: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    programmes: list[ParsedProgramme] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Kinds for units and groups a structured file names; the text leaves them to classify_unit.
    unit_kinds: dict[str, str] = field(default_factory=dict)
    group_kinds: dict[str, str] = field(default_factory=dict)

    @property
    def tasks(self) -> list[ParsedTask]:
        return [t for p in self.programmes for t in p.tasks]

    @property
    def printed_names(self) -> list[str]:
        """Every responsible party named, once, in order of first appearance."""
        return list(dict.fromkeys(name for t in self.tasks for name in t.units))


# ---------------------------------------------------------------- small parsers

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUMERAL_CHARS = "一二三四五六七八九十"
RESIDUE = re.compile(r"\[bookmark:[^\]]*\]")
PAGE_FOOTER = re.compile(r"^[—–-]+\s*\d+\s*[—–-]+$")
DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
PART = re.compile(rf"^([{NUMERAL_CHARS}]+)、\s*(.+)$")
BRACKETED = re.compile(rf"^（([{NUMERAL_CHARS}]+)）\s*(.*)$", re.S)
# Not "2.5亿元…": a decimal point is no numbering.
NUMBERED = re.compile(r"^(\d+)\s*(?:．|、|\.(?!\d))\s*(.*)$", re.S)
ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*(?:[：:]|$)")
WHITESPACE = re.compile(r"[\s\u3000]+")
UNIT_SEPARATORS = re.compile(r"[、，,；;]")
DEADLINE_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], dt.date]]] = [
    (re.compile(r"^(\d{4})年$"), lambda m: dt.date(int(m[1]), 12, 31)),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), lambda m: month_end(dt.date(int(m[1]), int(m[2]), 1))),
    (
        re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
        lambda m: dt.date(int(m[1]), int(m[2]), int(m[3])),
    ),
]
# The four columns of the task list, recognised by a word of their printed header.
COLUMNS = {
    "deadline": ("年限", "时限", "期限", "时间"),
    "units": ("单位",),
    "task": ("任务",),
    "programme": ("工程", "项目", "类别"),
}
COLUMN_NAMES = {
    "programme": "工程名称",
    "task": "主要任务",
    "units": "责任单位",
    "deadline": "完成年限",
}
# Longest values the columns hold (PostgreSQL enforces them; SQLite would not).
MAX_LENGTHS = {
    "title": 300,
    "issuer": 200,
    "notice_title": 300,
    "attachment_title": 300,
    "section": 300,
    "measure": 200,
    "programme": 100,
    "unit": 100,
    "units_text": 300,
    "deadline": 20,
}


def chinese_number(text: str) -> int:
    """一 … 九十九, as printed in headings such as （十一）."""
    if not text or any(c not in NUMERAL_CHARS for c in text):
        raise ValueError(text)
    if text == "十":
        return 10
    tens, sep, ones = text.partition("十")
    if not sep:
        if len(text) != 1:
            raise ValueError(text)
        return NUMERALS[text]
    return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[ones] if ones else 0)


def numeral(number: int) -> str:
    """The inverse of :func:`chinese_number`, for messages."""
    names = {v: k for k, v in NUMERALS.items()}
    if number < 10:
        return names[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else names[tens]) + "十" + (names[ones] if ones else "")


def deadline_from_text(text: str) -> dt.date | None:
    """The date a printed deadline means: 2021年 → 2021-12-31, 2023年6月 → 2023-06-30,
    2023年6月15日 → that day, 持续推进 → None. Raises ValueError for any other form."""
    if text == CONTINUOUS:
        return None
    for pattern, build in DEADLINE_FORMS:
        match = pattern.match(text)
        if match:
            return build(match)  # an impossible date raises ValueError too
    raise ValueError(text)


def squeeze_title(text: str) -> str:
    return WHITESPACE.sub(TITLE_SEPARATOR, text.strip())


def no_space(text: str) -> str:
    return WHITESPACE.sub("", text)


def split_units(cell: str) -> list[str]:
    """Printed responsible units in printed order; 、 is the separator, ，and ； slip in."""
    return [no_space(u) for u in UNIT_SEPARATORS.split(cell) if no_space(u)]


def plan_code_from_path(path: str | Path) -> str:
    """``jiangyin-2021-vet-reform-plan.txt`` → ``jiangyin-2021``: the stem up to its year."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-")
    match = re.match(r"^(.*?\b(?:19|20)\d{2})\b", slug)
    return (match[1] if match else slug)[:80].strip("-")


def _clean(text: str) -> list[str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # Only trailing spaces go: a line holding a lone tab is an empty table cell.
    return [RESIDUE.sub("", line).rstrip(" \u3000") for line in text.split("\n")]


@dataclass
class _Cell:
    line: int
    text: str


# ---------------------------------------------------------------- the parser


def parse_plan_text(text: str, *, code: str = "") -> ParsedPlan:
    """Parses the official text of a plan. Raises PlanFormatError listing every problem."""
    lines = _clean(text)
    stripped = [line.strip() for line in lines]
    errors: list[str] = []
    warnings: list[str] = []

    # The notice: title block, addressees, the issuer above a date line.
    date_index = next((i for i, s in enumerate(stripped) if DATE_LINE.match(s)), None)
    if date_index is None:
        raise PlanFormatError(
            [f"第 1—{len(lines)} 行：未找到单独成行的成文日期（如“2021年11月4日”）"]
        )
    date_match = DATE_LINE.match(stripped[date_index])
    assert date_match is not None
    issued_on = dt.date(1900, 1, 1)
    try:
        issued_on = dt.date(int(date_match[1]), int(date_match[2]), int(date_match[3]))
    except ValueError:
        errors.append(f"第 {date_index + 1} 行：成文日期“{stripped[date_index]}”不是有效日期")
    issuer = next((stripped[i] for i in range(date_index - 1, -1, -1) if stripped[i]), "")
    if not issuer:
        errors.append(f"第 {date_index + 1} 行：成文日期之上没有发文单位")
    head: list[str] = []
    head_line = 1
    for i, s in enumerate(stripped[:date_index]):
        if not s:
            if head:
                break
            continue
        if s.endswith(("：", ":")):
            break
        if not head:
            head_line = i + 1
        head.append(s)
    notice_title = squeeze_title("".join(head))
    title_match = re.search(r"《(.+?)》", notice_title)
    title = squeeze_title(title_match[1]) if title_match else ""

    attachment_index = next(
        (i for i in range(date_index + 1, len(lines)) if ATTACHMENT.match(stripped[i])), None
    )
    if attachment_index is None:
        raise PlanFormatError(
            errors + [f"第 {date_index + 2}—{len(lines)} 行：成文日期之后未找到“附件：”及任务清单"]
        )

    # The body: notes such as （此件公开发布）, the plan's heading, the preamble, then the parts.
    body = [(i + 1, stripped[i]) for i in range(date_index + 1, attachment_index)]
    position = 0
    while position < len(body) and (
        not body[position][1] or re.fullmatch(r"（[^（）]*）", body[position][1])
    ):
        position += 1
    heading: list[tuple[int, str]] = []
    while position < len(body):
        number, s = body[position]
        if not s:
            if heading:
                break
            position += 1
            continue
        if "。" in s or PART.match(s):
            break
        heading.append((number, s))
        position += 1
    if title_match is None:
        if not heading:
            errors.append(
                f"第 {head_line} 行：通知标题中没有用书名号《》标出的方案名称，正文也没有标题"
            )
        else:
            title = squeeze_title("".join(s for _, s in heading))
    elif heading and no_space("".join(s for _, s in heading)) != no_space(title):
        warnings.append(
            f"第 {heading[0][0]} 行：正文标题“{''.join(s for _, s in heading)}”与通知中的方案名称"
            f"《{title}》不一致，以通知中的名称为准"
        )
    preamble: list[str] = []
    parts: list[tuple[int, str, list[tuple[int, str]]]] = []
    for number, s in body[position:]:
        if not s:
            continue
        part = PART.match(s)
        if part:
            parts.append((number, part[2].strip(), []))
        elif parts:
            parts[-1][2].append((number, s))
        else:
            preamble.append(s)
    sections = _parse_measures(parts, errors, warnings)

    # The attachment: its title, then the table.
    table_index = next(
        (i for i in range(attachment_index, len(lines)) if lines[i].startswith("\t")), None
    )
    label = re.sub(r"^附\s*件\s*\d*\s*[：:]?", "", stripped[attachment_index]).strip()
    above = [
        s
        for s in stripped[attachment_index + 1 : table_index or len(lines)]
        if s and not ATTACHMENT.match(s)
    ]
    attachment_title = squeeze_title(above[-1] if above else label)
    if table_index is None:
        raise PlanFormatError(
            errors
            + [
                f"第 {attachment_index + 1} 行：附件中没有任务清单表格（以制表符开头、空行分隔各行的单元格）"
            ]
        )
    rows = _table_rows(lines, table_index)
    programmes = _parse_table(rows, errors, table_index + 1)
    if not any(p.tasks for p in programmes):
        raise PlanFormatError(errors)  # nothing else is worth checking without a task list

    parsed = ParsedPlan(
        title=title,
        issuer=issuer,
        issued_on=issued_on,
        code=code,
        notice_title=notice_title,
        preamble="\n".join(preamble),
        attachment_title=attachment_title,
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sections=sections,
        programmes=programmes,
        warnings=warnings,
    )
    for name, value in (
        ("title", title),
        ("notice_title", notice_title),
        ("attachment_title", attachment_title),
    ):
        if len(value) > MAX_LENGTHS[name]:
            errors.append(f"第 {head_line} 行起：“{value[:20]}…”超过 {MAX_LENGTHS[name]} 字")
    errors.extend(_validate_content(parsed))
    if errors:
        raise PlanFormatError(sorted(dict.fromkeys(errors), key=_line_of))
    plan_complete(parsed)
    return parsed


def _line_of(error: str) -> int:
    """Errors read best in the order of the text: by the line they name."""
    match = re.match(r"^第 (\d+)", error)
    return int(match[1]) if match else 1 << 30


def _parse_measures(
    parts: list[tuple[int, str, list[tuple[int, str]]]], errors: list[str], warnings: list[str]
) -> list[ParsedSection]:
    chosen = next((p for p in parts if any(word in p[1] for word in MEASURE_PARTS)), None)
    if chosen is None:
        chosen = next((p for p in parts if any(BRACKETED.match(s) for _, s in p[2])), None)
    if chosen is None:
        warnings.append("正文中未找到“重点举措”部分，只载入了任务清单")
        return []
    sections: list[ParsedSection] = []
    for number, s in chosen[2]:
        bracketed = BRACKETED.match(s)
        if bracketed:
            try:
                section_number = chinese_number(bracketed[1])
            except ValueError:
                errors.append(f"第 {number} 行：举措序号“（{bracketed[1]}）”无法识别")
                continue
            if section_number != len(sections) + 1:
                errors.append(
                    f"第 {number} 行：举措序号（{bracketed[1]}）不连续，应为（{numeral(len(sections) + 1)}）"
                )
            sections.append(
                # Some plans run the programme's first sentence on: the heading ends at 。
                ParsedSection(
                    number=section_number,
                    heading=bracketed[2].split("。", 1)[0].strip(),
                    line=number,
                )
            )
            continue
        numbered = NUMBERED.match(s)
        if numbered and sections:
            section = sections[-1]
            measure_number = int(numbered[1])
            if measure_number != len(section.measures) + 1:
                errors.append(
                    f"第 {number} 行：举措（{numeral(section.number)}）中的措施序号 {measure_number} 不连续，"
                    f"应为 {len(section.measures) + 1}"
                )
            measure_text = numbered[2].strip()
            section.measures.append(
                ParsedMeasure(
                    number=measure_number,
                    heading=measure_text.split("。", 1)[0],
                    text=measure_text,
                    line=number,
                )
            )
        elif sections and sections[-1].measures:
            # A measure running over several paragraphs.
            sections[-1].measures[-1].text += "\n" + s
    return sections


def _table_rows(lines: list[str], start: int) -> list[list[_Cell]]:
    """Cells start with a tab and run on over untabbed lines; a blank line ends a row; the first
    untabbed line outside a row (抄送, 版记, another attachment) ends the table."""
    rows: list[list[_Cell]] = []
    cells: list[_Cell] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if PAGE_FOOTER.match(line.strip()):
            continue
        if line.startswith("\t"):
            cells.append(_Cell(index + 1, line.strip()))
        elif line.strip():
            if not cells:
                break
            cells[-1].text += line.strip()
        elif cells:
            rows.append(cells)
            cells = []
    if cells:
        rows.append(cells)
    return [row for row in rows if any(cell.text for cell in row)]


def _columns(header: list[_Cell], errors: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = no_space(cell.text)
        kind = next(
            (
                k
                for k, words in COLUMNS.items()
                if k not in columns and any(w in name for w in words)
            ),
            None,
        )
        if kind is not None:
            columns[kind] = index
    missing = [COLUMN_NAMES[k] for k in COLUMNS if k not in columns]
    if missing:
        printed = "、".join(no_space(c.text) for c in header) or "（空）"
        errors.append(
            f"第 {header[0].line} 行：任务清单表头缺少{'、'.join(missing)}列（表头为：{printed}）"
        )
        return None
    return columns


def _parse_table(
    rows: list[list[_Cell]], errors: list[str], first_line: int
) -> list[ParsedProgramme]:
    if not rows:
        errors.append(f"第 {first_line} 行：任务清单表格为空")
        return []
    columns = _columns(rows[0], errors)
    if columns is None:
        return []
    width = len(rows[0])
    programmes: list[ParsedProgramme] = []
    seen: dict[int, int] = {}
    for position, row in enumerate(rows[1:], start=1):
        row_line = row[0].line
        if len(row) != width:
            numbered = next((NUMBERED.match(c.text) for c in row if NUMBERED.match(c.text)), None)
            which = f"（任务 {numbered[1]}）" if numbered else ""
            errors.append(
                f"第 {row_line} 行：此行{which}有 {len(row)} 个单元格，任务清单每行应有 {width} 个"
                f"（{'、'.join(COLUMN_NAMES[k] for k in sorted(columns, key=columns.__getitem__))}），"
                "是否缺少单元格或行间空行？"
            )
            continue
        programme_cell, task_cell = row[columns["programme"]], row[columns["task"]]
        units_cell, deadline_cell = row[columns["units"]], row[columns["deadline"]]
        if programme_cell.text:
            bracketed = BRACKETED.match(programme_cell.text)
            try:
                number = chinese_number(bracketed[1]) if bracketed else 0
            except ValueError:
                number = 0
            if not bracketed or not number:
                errors.append(
                    f"第 {programme_cell.line} 行：工程名称应以“（一）”这样的序号开头："
                    f"“{programme_cell.text[:20]}”"
                )
                continue
            name = no_space(bracketed[2])
            if not name:
                errors.append(f"第 {programme_cell.line} 行：工程（{bracketed[1]}）没有名称")
            if number != len(programmes) + 1:
                errors.append(
                    f"第 {programme_cell.line} 行：工程序号（{bracketed[1]}）不连续，"
                    f"应为（{numeral(len(programmes) + 1)}）"
                )
            programmes.append(ParsedProgramme(number=number, name=name, line=programme_cell.line))
        elif not programmes:
            errors.append(f"第 {programme_cell.line} 行：第一项任务没有所属工程")
            continue
        numbered = NUMBERED.match(task_cell.text)
        if not numbered or not numbered[2].strip():
            errors.append(
                f"第 {task_cell.line} 行：主要任务应以“1．”这样的序号开头：“{task_cell.text[:20] or '（空）'}”"
            )
            continue
        number = int(numbered[1])
        if number in seen:
            errors.append(
                f"第 {task_cell.line} 行：任务序号 {number} 与第 {seen[number]} 行的任务重复"
            )
            continue
        # Judged by the row's place, so one bad row does not make every later one look wrong.
        if number != position:
            errors.append(
                f"第 {task_cell.line} 行：任务序号 {number} 不连续，按顺序应为 {position}"
            )
        seen[number] = task_cell.line
        programmes[-1].tasks.append(
            ParsedTask(
                number=number,
                text=numbered[2].strip(),
                units=split_units(units_cell.text),
                units_text=no_space(units_cell.text),
                deadline_text=no_space(deadline_cell.text),
                line=task_cell.line,
                units_line=units_cell.line,
                deadline_line=deadline_cell.line,
            )
        )
    if not seen:
        errors.append(f"第 {rows[0][0].line} 行：任务清单中没有任何任务")
    return programmes


# ---------------------------------------------------------------- checks shared by text and files


def _place(line: int, fallback: str) -> str:
    return f"第 {line} 行" if line else fallback


def plan_validate(parsed: ParsedPlan) -> list[str]:
    """Every problem that would stop the plan being stored, in Chinese, with its place."""
    return _validate_header(parsed) + _validate_content(parsed)


def _validate_header(parsed: ParsedPlan) -> list[str]:
    errors: list[str] = []
    if not parsed.title:
        errors.append("方案信息：没有方案名称")
    if not parsed.issuer:
        errors.append("方案信息：没有发文单位")
    for name, value in (
        ("title", parsed.title),
        ("issuer", parsed.issuer),
        ("notice_title", parsed.notice_title),
        ("attachment_title", parsed.attachment_title),
    ):
        if len(value) > MAX_LENGTHS[name]:
            errors.append(f"方案信息：“{value[:20]}…”超过 {MAX_LENGTHS[name]} 字")
    return errors


def _validate_content(parsed: ParsedPlan) -> list[str]:
    errors: list[str] = []
    seen_sections: set[int] = set()
    for section in parsed.sections:
        where = _place(
            section.line,
            f"举措（{numeral(section.number) if 0 < section.number < 100 else section.number}）",
        )
        if section.number in seen_sections:
            errors.append(f"{where}：举措序号 {section.number} 重复")
        seen_sections.add(section.number)
        if not section.heading or len(section.heading) > MAX_LENGTHS["section"]:
            errors.append(f"{where}：举措标题应为 1—{MAX_LENGTHS['section']} 字")
        numbers = [m.number for m in section.measures]
        if len(set(numbers)) != len(numbers):
            errors.append(f"{where}：措施序号重复")
        for measure in section.measures:
            if len(measure.heading) > MAX_LENGTHS["measure"]:
                errors.append(
                    f"{_place(measure.line, f'{where}措施 {measure.number}')}："
                    f"措施第一句超过 {MAX_LENGTHS['measure']} 字，无法作为标题（是否缺少“。”？）"
                )
    programme_numbers: set[int] = set()
    task_numbers: set[int] = set()
    if not parsed.tasks:
        errors.append("任务清单：没有任何任务")
    for programme in parsed.programmes:
        where = _place(programme.line, f"工程 {programme.number}")
        if programme.number in programme_numbers:
            errors.append(f"{where}：工程序号 {programme.number} 重复")
        programme_numbers.add(programme.number)
        if not programme.name or len(programme.name) > MAX_LENGTHS["programme"]:
            errors.append(f"{where}：工程名称应为 1—{MAX_LENGTHS['programme']} 字")
        for task in programme.tasks:
            where = _place(task.line, f"工程 {programme.number}")
            units_where = _place(task.units_line or task.line, f"工程 {programme.number}")
            deadline_where = _place(task.deadline_line or task.line, f"工程 {programme.number}")
            if task.number in task_numbers:
                errors.append(f"{where}：任务序号 {task.number} 重复")
            task_numbers.add(task.number)
            if not task.text:
                errors.append(f"{where}：任务 {task.number} 没有内容")
            if not task.units:
                errors.append(f"{units_where}：任务 {task.number} 没有责任单位")
            if len(set(task.units)) != len(task.units):
                errors.append(
                    f"{units_where}：任务 {task.number} 的责任单位有重复：{'、'.join(task.units)}"
                )
            if any(len(u) > MAX_LENGTHS["unit"] for u in task.units):
                errors.append(
                    f"{units_where}：任务 {task.number} 的责任单位名称超过 {MAX_LENGTHS['unit']} 字"
                )
            if len(task.units_text or "、".join(task.units)) > MAX_LENGTHS["units_text"]:
                errors.append(
                    f"{units_where}：任务 {task.number} 的责任单位超过 {MAX_LENGTHS['units_text']} 字"
                )
            if task.deadline_text:
                try:
                    deadline_from_text(task.deadline_text)
                except ValueError:
                    errors.append(
                        f"{deadline_where}：任务 {task.number} 的完成年限“{task.deadline_text}”无法识别，"
                        f"应为“2021年”“2023年6月”“2023年6月30日”或“{CONTINUOUS}”"
                    )
            else:
                errors.append(f"{deadline_where}：任务 {task.number} 没有完成年限")
            if len(task.deadline_text) > MAX_LENGTHS["deadline"]:
                errors.append(
                    f"{deadline_where}：任务 {task.number} 的完成年限超过 {MAX_LENGTHS['deadline']} 字"
                )
    for name, kind in [*parsed.unit_kinds.items(), *parsed.group_kinds.items()]:
        if kind and kind not in UnitKind.values:
            errors.append(
                f"单位“{name}”：单位类型“{kind}”无效，应为 {'、'.join(UnitKind.values)} 之一"
            )
    return errors


def plan_complete(parsed: ParsedPlan) -> None:
    """Fills what follows from the printed text: deadline dates, repeated programme names and
    the warning about them. Idempotent; call after :func:`plan_validate` found nothing."""
    for task in parsed.tasks:
        task.deadline = deadline_from_text(task.deadline_text)
        task.units_text = task.units_text or "、".join(task.units)
    first: dict[str, ParsedProgramme] = {}
    for programme in parsed.programmes:
        earlier = first.setdefault(programme.name, programme)
        programme.name_repeated = earlier is not programme
        if programme.name_repeated:
            # A slip in the printed text (Jiangyin's (六) repeats (五)); kept, never renamed.
            _warn(
                parsed,
                f"工程（{numeral(programme.number)}）的名称“{programme.name}”与"
                f"工程（{numeral(earlier.number)}）重复，已按原文保留",
            )
        if not programme.tasks:
            _warn(parsed, f"工程（{numeral(programme.number)}）“{programme.name}”下没有任务")


def _warn(parsed: ParsedPlan, message: str) -> None:
    if message not in parsed.warnings:
        parsed.warnings.append(message)


# ---------------------------------------------------------------- storing


@dataclass
class LoadResult:
    """What :func:`plan_load` did. Counters are keyed by the model's Chinese name."""

    plan: Plan
    plan_created: bool
    changed: bool
    units_created: list[str] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PLAN_FIELDS = (
    "title",
    "issuer",
    "issued_on",
    "notice_title",
    "preamble",
    "attachment_title",
    "source_sha256",
    "warnings",
)


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def _upsert(
    model: type[Any],
    *,
    parent: dict[str, Any],
    existing: dict[int, Any],
    wanted: dict[int, dict[str, Any]],
    result: LoadResult,
) -> dict[int, Any]:
    """Creates or updates the numbered children of one parent; returns them by number.

    ``wanted`` values use attribute names (``programme_id``) so comparisons need no fetches.
    """
    objects: dict[int, Any] = {}
    new: list[Any] = []
    for number, values in wanted.items():
        obj = existing.get(number)
        if obj is None:
            obj = model(number=number, **parent, **values)
            new.append(obj)
        else:
            if audit.save_changes(obj, values, message="重新载入方案时更新"):
                result.updated[_label(model)] += 1
        objects[number] = obj
    if new:
        model.objects.bulk_create(new)
        audit.record_bulk_create(
            new, ["number", *parent, *next(iter(wanted.values()))], message="载入方案时新增"
        )
        result.created[_label(model)] += len(new)
    return objects


def _delete(objs: Sequence[models.Model], result: LoadResult) -> None:
    if not objs:
        return
    model = type(objs[0])
    for obj in objs:
        audit.record(AuditAction.DELETE, obj=obj, message="重新载入方案时删除（新文本中已没有）")
    model._default_manager.filter(pk__in=[o.pk for o in objs]).delete()
    result.deleted[_label(model)] += len(objs)


def _resolve_names(
    parsed: ParsedPlan, classify: Callable[[str], str], result: LoadResult
) -> tuple[dict[str, Unit], dict[str, UnitGroup]]:
    """The unit or group each printed name stands for, creating what is missing."""
    names = parsed.printed_names
    groups = {g.name: g for g in UnitGroup.objects.filter(name__in=names)}
    group_names = [n for n in names if n in groups or n in parsed.group_kinds or is_group_name(n)]
    new_groups = [
        UnitGroup(name=n, member_kind=parsed.group_kinds.get(n, GROUP_KINDS.get(n, "")))
        for n in group_names
        if n not in groups
    ]
    if new_groups:
        UnitGroup.objects.bulk_create(new_groups)
        audit.record_bulk_create(
            new_groups, ["name", "member_kind"], message="载入方案时新建单位组"
        )
        groups.update((g.name, g) for g in new_groups)
        result.groups_created = [g.name for g in new_groups]
        result.created[_label(UnitGroup)] += len(new_groups)
    for name in group_names:
        group = groups[name]
        if not group.member_kind and not group.members.exists():
            result.warnings.append(
                f"单位组“{name}”还没有成员单位，请在“单位组”中添加，再运行重新确定报送单位"
            )

    unit_names = [n for n in names if n not in groups]
    units = {u.name: u for u in Unit.objects.filter(name__in=unit_names)}
    unknown = [n for n in unit_names if n not in units]
    if unknown:
        # A printed name may be another name (其他名称) of a unit already registered.
        for unit in Unit.objects.exclude(aliases=[]).only("pk", "name", "aliases", "is_active"):
            for alias in unit.aliases or []:
                if alias in unknown and alias not in units:
                    units[alias] = unit
    new_units = [
        Unit(name=n, kind=parsed.unit_kinds.get(n) or classify(n))
        for n in unit_names
        if n not in units
    ]
    if new_units:
        # Concurrent loads creating the same unit fail on its unique name and roll back whole.
        Unit.objects.bulk_create(new_units)
        audit.record_bulk_create(new_units, ["name", "kind"], message="载入方案时新建单位")
        units.update((u.name, u) for u in new_units)
        result.units_created = [u.name for u in new_units]
        result.created[_label(Unit)] += len(new_units)
    for name in unit_names:
        if not units[name].is_active:
            result.warnings.append(f"责任单位“{name}”已停用，仍按原文列为责任单位")
    return units, groups


@transaction.atomic
def plan_load(
    *, parsed: ParsedPlan, code: str | None = None, classify: Callable[[str], str] = classify_unit
) -> LoadResult:
    """Stores a parsed plan: creates it, or updates it in place by code and numbers.

    Units and groups are found by name (or a unit's other names) and created when missing, with
    the kind ``classify`` gives. A task that disappeared from the text is removed only when
    nothing was reported on it; otherwise the load is refused and nothing changes. Loading the
    same plan again writes nothing, not even an audit row.
    """
    code = code or parsed.code
    if not code or len(code) > 80 or not CODE.match(code):
        raise PlanFormatError(
            [
                f"方案编码“{code or ''}”无效：应为 1—80 个小写字母、数字、连字符或下划线"
                "（可用 --code 指定）"
            ]
        )
    errors = plan_validate(parsed)
    if errors:
        raise PlanFormatError(errors)
    plan_complete(parsed)

    plan = Plan.objects.select_for_update().filter(code=code).first()
    result = LoadResult(
        plan=plan or Plan(code=code),
        plan_created=plan is None,
        changed=False,
        warnings=list(parsed.warnings),
    )
    values: dict[str, Any] = {f: getattr(parsed, f) for f in PLAN_FIELDS}
    if plan is None:
        plan = Plan.objects.create(code=code, **values)
        audit.record(
            AuditAction.CREATE,
            obj=plan,
            message="载入方案",
            changes={k: [None, v] for k, v in audit.snapshot(plan, ["code", *PLAN_FIELDS]).items()},
        )
        result.plan = plan
        result.created[_label(Plan)] += 1
    elif no_space(plan.title) != no_space(parsed.title):
        raise PlanFormatError(
            [
                f"编码“{code}”已用于另一方案《{plan.title}》，未载入《{parsed.title}》；"
                "如需作为新方案载入，请用 --code 指定另一编码"
            ]
        )
    else:
        if audit.save_changes(plan, {f: values[f] for f in PLAN_FIELDS}, message="重新载入方案"):
            result.updated[_label(Plan)] += 1

    # The body's programmes of measures.
    sections = _upsert(
        Section,
        parent={"plan": plan},
        existing={s.number: s for s in plan.sections.all()},
        wanted={s.number: {"heading": s.heading} for s in parsed.sections},
        result=result,
    )
    existing_measures: dict[int, dict[int, Measure]] = {}
    for m in Measure.objects.filter(section__plan=plan):
        existing_measures.setdefault(m.section_id, {})[m.number] = m
    keep_measures: list[int] = []
    for ps in parsed.sections:
        section = sections[ps.number]
        if ps.measures:
            measures = _upsert(
                Measure,
                parent={"section": section},
                existing=existing_measures.get(section.pk, {}),
                wanted={m.number: {"heading": m.heading, "text": m.text} for m in ps.measures},
                result=result,
            )
            keep_measures.extend(m.pk for m in measures.values())
    _delete(list(Measure.objects.filter(section__plan=plan).exclude(pk__in=keep_measures)), result)
    _delete(list(plan.sections.exclude(number__in=[s.number for s in parsed.sections])), result)

    units, groups = _resolve_names(parsed, classify, result)

    # The attachment's programmes and tasks; tasks first leave programmes that will go.
    programmes = _upsert(
        Programme,
        parent={"plan": plan},
        existing={p.number: p for p in plan.programmes.all()},
        wanted={
            p.number: {"name": p.name, "name_repeated": p.name_repeated} for p in parsed.programmes
        },
        result=result,
    )
    numbers = {t.number for t in parsed.tasks}
    gone = list(plan.tasks.exclude(number__in=numbers).order_by("number"))
    # Progress data is never lost: a task someone reported on, asked to extend or linked a
    # school plan to cannot go (those rows PROTECT it, and they are not ours to delete).
    protected = []
    for relation, reason in (
        ("reports", "已有进展报告"),
        ("extension_requests", "已有延期申请"),
        ("school_plans", "已被一校一案关联"),
    ):
        held = Task.objects.filter(pk__in=[t.pk for t in gone], **{f"{relation}__isnull": False})
        protected += [
            f"任务 {n} {reason}" for n in held.distinct().values_list("number", flat=True)
        ]
    if protected:
        raise PlanFormatError(
            [
                f"{reason}，新文本中却没有这项任务，不能删除；方案未载入，数据未作任何改动"
                for reason in sorted(set(protected))
            ]
        )
    _delete(gone, result)
    tasks = _upsert(
        Task,
        parent={"plan": plan},
        existing={t.number: t for t in plan.tasks.all()},
        wanted={
            t.number: {
                "programme_id": programmes[p.number].pk,
                "text": t.text,
                "deadline_text": t.deadline_text,
                "deadline": t.deadline,
                "units_text": t.units_text,
            }
            for p in parsed.programmes
            for t in p.tasks
        },
        result=result,
    )
    _delete(list(plan.programmes.exclude(number__in=[p.number for p in parsed.programmes])), result)

    # Assignees as printed; replaced whole for a task whose printed list changed.
    printed: dict[int, list[tuple[int, str, int | None, int | None]]] = {}
    for a in Assignee.objects.filter(task__plan=plan).order_by("task_id", "position"):
        printed.setdefault(a.task_id, []).append(
            (a.position, a.printed_name, a.unit_id, a.group_id)
        )
    replaced: list[int] = []
    new_assignees: list[Assignee] = []
    for pt in parsed.tasks:
        task = tasks[pt.number]
        wanted = [
            (
                position,
                name,
                units[name].pk if name in units else None,
                groups[name].pk if name in groups else None,
            )
            for position, name in enumerate(pt.units, start=1)
        ]
        if printed.get(task.pk, []) != wanted:
            if task.pk in printed:
                replaced.append(task.pk)
            new_assignees.extend(
                Assignee(task=task, position=p, printed_name=n, unit_id=u, group_id=g)
                for p, n, u, g in wanted
            )
    if replaced:
        _delete(list(Assignee.objects.filter(task_id__in=replaced)), result)
    if new_assignees:
        Assignee.objects.bulk_create(new_assignees)
        audit.record_bulk_create(
            new_assignees,
            ["task", "position", "printed_name", "unit", "group"],
            message="载入方案时新增",
        )
        result.created[_label(Assignee)] += len(new_assignees)

    _responsibilities_sync(list(tasks.values()), result)

    result.changed = bool(result.created or result.updated or result.deleted)
    if result.changed and not result.plan_created:
        plan.loaded_at = timezone.now()
        plan.save(update_fields=["loaded_at"])
        audit.record(AuditAction.UPDATE, obj=plan, message="重新载入方案：" + summary(result))
    return result


def summary(result: LoadResult) -> str:
    """新增 任务 3 项；修改 …, in Chinese, for messages and the audit trail."""
    parts = []
    for verb, counter in (
        ("新增", result.created),
        ("修改", result.updated),
        ("删除", result.deleted),
    ):
        if counter:
            parts.append(verb + "：" + "，".join(f"{name} {n} 项" for name, n in counter.items()))
    return "；".join(parts) or "未发生变化"


# ---------------------------------------------------------------- responsibilities


def _responsibilities_sync(tasks: Iterable[Task], result: LoadResult | None = None) -> set[int]:
    """Makes the reporting units of the tasks match their printed assignees, each group
    resolved to its members now. A unit named by several entries takes its place, lead flag
    and group from the first of them (task 9: 澄西技校 is one of 各职业院校, printed first).
    Returns the ids of the tasks whose reporting units changed."""
    task_ids = [t.pk for t in tasks]
    assignees = list(Assignee.objects.filter(task_id__in=task_ids).order_by("task_id", "position"))
    members = {
        g.pk: [u.pk for u in g.resolve()]
        for g in UnitGroup.objects.filter(pk__in={a.group_id for a in assignees if a.group_id})
    }
    first_position: dict[int, int] = {}
    wanted: dict[tuple[int, int], tuple[bool, int | None, int]] = {}
    for a in assignees:
        lead_position = first_position.setdefault(a.task_id, a.position)
        unit_ids = [a.unit_id] if a.unit_id is not None else members.get(a.group_id or 0, [])
        for unit_id in unit_ids:
            wanted.setdefault(
                (a.task_id, unit_id), (a.position == lead_position, a.group_id, a.position)
            )
    current = {
        (r.task_id, r.unit_id): r for r in Responsibility.objects.filter(task_id__in=task_ids)
    }
    changed: set[int] = set()
    stale = [r for key, r in current.items() if key not in wanted]
    for r in stale:
        audit.record(AuditAction.DELETE, obj=r, message="按责任单位重新确定报送单位")
    if stale:
        Responsibility.objects.filter(pk__in=[r.pk for r in stale]).delete()
        changed.update(r.task_id for r in stale)
    new: list[Responsibility] = []
    updated: list[Responsibility] = []
    fields = ["is_lead", "via_group", "position"]
    for (task_id, unit_id), (is_lead, group_id, position) in wanted.items():
        row = current.get((task_id, unit_id))
        if row is None:
            new.append(
                Responsibility(
                    task_id=task_id,
                    unit_id=unit_id,
                    is_lead=is_lead,
                    via_group_id=group_id,
                    position=position,
                )
            )
        elif (row.is_lead, row.via_group_id, row.position) != (is_lead, group_id, position):
            before = audit.snapshot(row, fields)
            row.is_lead, row.via_group_id, row.position = is_lead, group_id, position
            audit.record(
                AuditAction.UPDATE,
                obj=row,
                message="按责任单位重新确定报送单位",
                changes=audit.changes_between(before, audit.snapshot(row, fields)),
            )
            updated.append(row)
    if new:
        Responsibility.objects.bulk_create(new)
        audit.record_bulk_create(
            new,
            ["task", "unit", "is_lead", "via_group", "position"],
            message="按责任单位确定报送单位",
        )
    if updated:
        Responsibility.objects.bulk_update(updated, fields)
    changed.update(r.task_id for r in [*new, *updated])
    if result is not None:
        label = _label(Responsibility)
        for counter, items in (
            (result.created, new),
            (result.updated, updated),
            (result.deleted, stale),
        ):
            if items:
                counter[label] += len(items)
    return changed


@transaction.atomic
def responsibilities_sync(task: Task) -> bool:
    """Re-resolves one task's printed groups to their members now; True when anything changed."""
    return bool(_responsibilities_sync([task]))


@transaction.atomic
def plan_sync_groups(plan: Plan) -> int:
    """Re-resolves every printed group (各职业院校) of the plan, e.g. after schools were added or
    retired. Idempotent. Returns how many tasks' reporting units changed."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one sync or load at a time
    tasks = list(Task.objects.filter(plan=plan, assignees__group__isnull=False).distinct())
    return len(_responsibilities_sync(tasks))
