"""Loading an implementation plan from its official text.

The parser is general: plans of this shape (a notice, the plan's body with programmes of
measures, and an attachment listing programmes and tasks in a four-column table) are published
by other cities too. ``parse_plan_text`` turns the text into plain dataclasses or raises
:class:`PlanFormatError` with every problem found, each with its line number; ``plan_load`` stores
a parsed plan — all or nothing, and idempotently (loading the same text twice changes nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from zhijiao.core import audit
from zhijiao.core.dates import month_end
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, UnitGroup, UnitKind

from .models import Assignee, Measure, Plan, Programme, Responsibility, Section, Task

CONTINUOUS = "持续推进"
RESIDUE = re.compile(r"\[bookmark:[^\]]*\]")
PAGE_FOOTER = re.compile(r"^[—-]+\s*\d+\s*[—-]+$")
DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
PROGRAMME = re.compile(r"^（([一二三四五六七八九十]+)）\s*(.+)$", re.S)
NUMBERED = re.compile(r"^(\d+)[．.、]\s*(.+)$", re.S)
DEADLINE_FORMS = [
    (re.compile(r"^(\d{4})年$"), lambda m: dt.date(int(m[1]), 12, 31)),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), lambda m: month_end(dt.date(int(m[1]), int(m[2]), 1))),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), lambda m: dt.date(int(m[1]), int(m[2]), int(m[3]))),
]
UNIT_SEPARATORS = re.compile(r"[、，,；;]")
# Printed names that stand for a group of units rather than one unit.
GROUPS = {"各职业院校": UnitKind.SCHOOL, "各职业学校": UnitKind.SCHOOL}
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def chinese_number(text: str) -> int:
    """一 … 九十九 as printed in headings such as （十一）."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + NUMERALS[text[1]]
    if len(text) == 3 and text[1] == "十":
        return NUMERALS[text[0]] * 10 + NUMERALS[text[2]]
    if len(text) == 2 and text[1] == "十":
        return NUMERALS[text[0]] * 10
    return NUMERALS[text]


def classify_unit(name: str) -> str:
    """The kind of a unit, guessed from its printed name; the system administrator may correct it."""
    if name == "江阴学院":
        # Named beside 市委教育工委 for ideological work in task 3; not one of the vocational
        # schools that 各职业院校 stands for, so it must not be counted as one.
        return UnitKind.OTHER
    if any(word in name for word in ("学院", "中专", "技校", "学校", "职校", "大学", "技师学院")):
        return UnitKind.SCHOOL
    if name.endswith(("部", "工委", "党委", "组织部")):
        return UnitKind.PARTY
    if name in ("工商联", "总工会", "团市委", "妇联", "科协") or name.endswith(("协会", "联合会", "商会")):
        return UnitKind.ASSOCIATION
    if name.endswith(("局", "委", "办", "政府", "管委会", "中心")):
        return UnitKind.GOVERNMENT
    return UnitKind.OTHER


class PlanFormatError(Exception):
    """The text is not a plan of the expected shape. ``errors`` lists every problem, in Chinese."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass
class ParsedMeasure:
    number: int
    heading: str
    text: str


@dataclass
class ParsedSection:
    number: int
    heading: str
    measures: list[ParsedMeasure] = field(default_factory=list)


@dataclass
class ParsedTask:
    number: int
    text: str
    units: list[str]
    deadline_text: str
    deadline: dt.date | None
    line: int = 0


@dataclass
class ParsedProgramme:
    number: int
    name: str
    name_repeated: bool = False
    tasks: list[ParsedTask] = field(default_factory=list)


@dataclass
class ParsedPlan:
    title: str
    issuer: str
    issued_on: dt.date
    notice_title: str = ""
    preamble: str = ""
    attachment_title: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    programmes: list[ParsedProgramme] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source_sha256: str = ""
    unit_kinds: dict[str, str] = field(default_factory=dict)

    @property
    def tasks(self) -> list[ParsedTask]:
        return [t for p in self.programmes for t in p.tasks]


def parse_deadline(text: str) -> tuple[bool, dt.date | None]:
    """(understood, date) for a printed deadline; 持续推进 has no date."""
    if text == CONTINUOUS:
        return True, None
    for pattern, build in DEADLINE_FORMS:
        match = pattern.match(text)
        if match:
            try:
                return True, build(match)
            except ValueError:
                return False, None
    return False, None


def _clean(raw: str) -> list[str]:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    # Only trailing spaces go: a line holding a lone tab is an empty table cell.
    return [RESIDUE.sub("", line).rstrip(" \u3000") for line in text.split("\n")]


def parse_plan_text(raw: str) -> ParsedPlan:
    """Parses the official text of a plan. Raises PlanFormatError listing every problem."""
    lines = _clean(raw)
    errors: list[str] = []
    stripped = [line.strip() for line in lines]

    # The notice: its title runs from the first line to the line before the addressees.
    date_index = next((i for i, s in enumerate(stripped) if DATE_LINE.match(s)), None)
    if date_index is None:
        raise PlanFormatError(["全文：未找到成文日期（如“2021年11月4日”）"])
    match = DATE_LINE.match(stripped[date_index])
    assert match is not None
    try:
        issued_on = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise PlanFormatError([f"第 {date_index + 1} 行：成文日期无效“{stripped[date_index]}”"]) from None
    issuer = next((stripped[i] for i in range(date_index - 1, -1, -1) if stripped[i]), "")
    head: list[str] = []
    for s in stripped[:date_index]:
        if s.endswith(("：", ":")):
            break
        if s:
            head.append(s)
    notice_title = "".join(head)
    title_match = re.search(r"《(.+?)》", notice_title)
    if not title_match:
        errors.append("第 1 行：通知标题中未找到用书名号标出的方案名称")
    title = title_match[1] if title_match else ""

    attachment_index = next(
        (i for i, s in enumerate(stripped) if i > date_index and re.match(r"^附件[：:]", s)), None
    )
    if attachment_index is None:
        raise PlanFormatError(errors + ["全文：未找到“附件：”及任务清单"])

    # The body: preamble, then headed parts; programmes of measures are （一）… with 1．… inside.
    body = [(i, s) for i, s in enumerate(stripped[date_index + 1:attachment_index], start=date_index + 1) if s]
    sections: list[ParsedSection] = []
    preamble: list[str] = []
    seen_part = False
    for _index, s in body:
        if re.match(r"^[一二三四五六七八九十]+、", s):
            seen_part = True
            continue
        if not seen_part:
            if s.startswith(("为", "根据", "按照")) or preamble:
                preamble.append(s)
            continue
        heading_match = PROGRAMME.match(s)
        if heading_match and len(s) < 80:
            sections.append(ParsedSection(number=chinese_number(heading_match[1]), heading=heading_match[2].strip()))
            continue
        measure = NUMBERED.match(s)
        if measure and sections:
            text = measure[2].strip()
            heading = text.split("。", 1)[0]
            sections[-1].measures.append(ParsedMeasure(number=int(measure[1]), heading=heading, text=text))

    # The attachment's table: cells start with a tab, continue on untabbed lines, rows end blank.
    table_start = next(
        (i for i in range(attachment_index, len(lines)) if lines[i].startswith("\t") and "工程" in lines[i]), None
    )
    attachment_title = next(
        (s for s in stripped[attachment_index + 1:table_start or len(lines)] if s and s != "附件" and "清单" in s),
        "",
    )
    if table_start is None:
        raise PlanFormatError(errors + [f"第 {attachment_index + 1} 行之后：未找到任务清单表格（表头应含“工程名称”）"])
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    row_line = table_start + 1
    for i in range(table_start, len(lines)):
        line = lines[i]
        if PAGE_FOOTER.match(line.strip()):
            continue
        if line.startswith("\t"):
            if not cells:
                row_line = i + 1
            cells.append(line[1:].strip())
        elif line.strip():
            if not cells:
                errors.append(f"第 {i + 1} 行：表格中出现不属于任何单元格的文字“{line.strip()[:20]}”")
                continue
            cells[-1] = (cells[-1] + line.strip()) if cells[-1] else line.strip()
        elif cells:
            rows.append((row_line, cells))
            cells = []
    if cells:
        rows.append((row_line, cells))
    if not rows:
        raise PlanFormatError(errors + ["任务清单：表格为空"])
    header_line, header = rows[0]
    if len(header) != 4:
        errors.append(f"第 {header_line} 行：表头应有 4 列（工程名称、主要任务、责任单位、完成年限），实际 {len(header)} 列")

    programmes: list[ParsedProgramme] = []
    seen_numbers: dict[int, int] = {}
    for line_no, row in rows[1:]:
        if len(row) != 4:
            errors.append(f"第 {line_no} 行：任务行应有 4 列，实际 {len(row)} 列")
            continue
        programme_cell, task_cell, units_cell, deadline_cell = row
        if programme_cell:
            cell_match = PROGRAMME.match(programme_cell)
            if not cell_match:
                errors.append(f"第 {line_no} 行：工程名称应以“（一）”这样的序号开头：“{programme_cell[:20]}”")
                continue
            number = chinese_number(cell_match[1])
            name = re.sub(r"\s+", "", cell_match[2])
            if programmes and number != programmes[-1].number + 1:
                errors.append(f"第 {line_no} 行：工程序号（{cell_match[1]}）不连续")
            programmes.append(ParsedProgramme(number=number, name=name))
        elif not programmes:
            errors.append(f"第 {line_no} 行：第一项任务缺少工程名称")
            continue
        task_match = NUMBERED.match(task_cell)
        if not task_match:
            errors.append(f"第 {line_no} 行：主要任务应以序号开头，如“1．”：“{task_cell[:20]}”")
            continue
        number = int(task_match[1])
        if number in seen_numbers:
            errors.append(f"第 {line_no} 行：任务序号 {number} 与第 {seen_numbers[number]} 行重复")
            continue
        seen_numbers[number] = line_no
        units = [u.strip() for u in UNIT_SEPARATORS.split(units_cell) if u.strip()]
        if not units:
            errors.append(f"第 {line_no} 行：任务 {number} 没有责任单位")
        if len(set(units)) != len(units):
            errors.append(f"第 {line_no} 行：任务 {number} 的责任单位重复列出")
        deadline_text = re.sub(r"\s+", "", deadline_cell)
        understood, deadline = parse_deadline(deadline_text)
        if not understood:
            errors.append(
                f"第 {line_no} 行：任务 {number} 的完成年限“{deadline_text or '（空）'}”无法识别，"
                "应为“2021年”“2022年6月”或“持续推进”"
            )
        programmes[-1].tasks.append(
            ParsedTask(number=number, text=task_match[2].strip(), units=units,
                       deadline_text=deadline_text, deadline=deadline, line=line_no)
        )
    expected = list(range(1, len(seen_numbers) + 1))
    if sorted(seen_numbers) != expected and not errors:
        errors.append(f"任务清单：任务序号应从 1 连续编号，实际为 {sorted(seen_numbers)}")
    if not programmes or not seen_numbers:
        errors.append("任务清单：没有任何任务")
    if errors:
        raise PlanFormatError(errors)

    warnings: list[str] = []
    first_by_name: dict[str, ParsedProgramme] = {}
    for programme in programmes:
        earlier = first_by_name.get(programme.name)
        if earlier is not None:
            programme.name_repeated = True
            warnings.append(
                f"工程（{_numeral(programme.number)}）的名称“{programme.name}”与工程（{_numeral(earlier.number)}）"
                "重复，已按原文保留"
            )
        else:
            first_by_name[programme.name] = programme
        if not programme.tasks:
            warnings.append(f"工程（{_numeral(programme.number)}）“{programme.name}”下没有任务")
    return ParsedPlan(
        title=title, issuer=issuer, issued_on=issued_on, notice_title=notice_title,
        preamble="\n".join(preamble), attachment_title=attachment_title, sections=sections,
        programmes=programmes, warnings=warnings,
        source_sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )


def _numeral(number: int) -> str:
    names = {v: k for k, v in NUMERALS.items()}
    if number <= 10:
        return names[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else names[tens]) + "十" + (names[ones] if ones else "")


# ---------------------------------------------------------------- storing


@dataclass
class LoadResult:
    plan: Plan
    created: bool
    changed: bool
    units_created: list[str]
    warnings: list[str]


def _sync_responsibilities(task: Task) -> bool:
    """Makes the task's reporting units match its printed assignees, groups resolved to members."""
    wanted: dict[int, tuple[bool, int | None, int]] = {}
    for assignee in task.assignees.select_related("unit", "group").order_by("position"):
        is_lead = assignee.position == 1
        members = [assignee.unit] if assignee.unit is not None else assignee.group.resolve()  # type: ignore[union-attr]
        for unit in members:
            if unit is None or unit.pk in wanted:
                continue
            wanted[unit.pk] = (is_lead, assignee.group_id, assignee.position)
    current = {r.unit_id: r for r in task.responsibilities.all()}
    changed = False
    stale = [r.pk for unit_id, r in current.items() if unit_id not in wanted]
    if stale:
        Responsibility.objects.filter(pk__in=stale).delete()
        changed = True
    for unit_id, (is_lead, group_id, position) in wanted.items():
        existing = current.get(unit_id)
        if existing is None:
            Responsibility.objects.create(task=task, unit_id=unit_id, is_lead=is_lead, via_group_id=group_id,
                                          position=position)
            changed = True
        elif (existing.is_lead, existing.via_group_id, existing.position) != (is_lead, group_id, position):
            existing.is_lead, existing.via_group_id, existing.position = is_lead, group_id, position
            existing.save(update_fields=["is_lead", "via_group", "position"])
            changed = True
    return changed


@transaction.atomic
def plan_sync_groups(plan: Plan) -> int:
    """Re-resolves printed groups (各职业院校) after schools were added or retired.

    Returns the number of tasks whose reporting units changed.
    """
    tasks = plan.tasks.filter(assignees__group__isnull=False).distinct()
    changed = sum(1 for task in tasks if _sync_responsibilities(task))
    if changed:
        audit.record(AuditAction.UPDATE, obj=plan, message=f"按单位组重新确定 {changed} 项任务的报送单位")
    return changed


def _set(obj: object, values: dict[str, object]) -> list[str]:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    return changed


@transaction.atomic
def plan_load(*, parsed: ParsedPlan, code: str, unit_kind: Callable[[str], str] = classify_unit) -> LoadResult:
    """Stores a parsed plan, updating in place what is already there (by code and numbers).

    Units are created once per name. A task that disappeared from the text is removed only if
    nobody has reported on it yet.
    """
    plan = Plan.objects.select_for_update().filter(code=code).first()
    created = plan is None
    changed = created
    fields = {
        "title": parsed.title, "issuer": parsed.issuer, "issued_on": parsed.issued_on,
        "notice_title": parsed.notice_title, "preamble": parsed.preamble,
        "attachment_title": parsed.attachment_title, "source_sha256": parsed.source_sha256,
        "warnings": parsed.warnings,
    }
    if plan is None:
        plan = Plan.objects.create(code=code, **fields)
    else:
        dirty = _set(plan, fields)
        if dirty:
            plan.save(update_fields=dirty)
            changed = True

    # Body: programmes of measures.
    keep_sections = []
    for ps in parsed.sections:
        section, made = Section.objects.get_or_create(plan=plan, number=ps.number, defaults={"heading": ps.heading})
        changed |= made
        if not made and _set(section, {"heading": ps.heading}):
            section.save(update_fields=["heading"])
            changed = True
        keep_sections.append(section.pk)
        keep_measures = []
        for pm in ps.measures:
            measure, made = Measure.objects.get_or_create(
                section=section, number=pm.number, defaults={"heading": pm.heading, "text": pm.text})
            changed |= made
            if not made:
                dirty = _set(measure, {"heading": pm.heading, "text": pm.text})
                if dirty:
                    measure.save(update_fields=dirty)
                    changed = True
            keep_measures.append(measure.pk)
        deleted, _ = section.measures.exclude(pk__in=keep_measures).delete()
        changed |= bool(deleted)
    deleted, _ = plan.sections.exclude(pk__in=keep_sections).delete()
    changed |= bool(deleted)

    # Units and groups named by the tasks.
    units_created: list[str] = []
    groups: dict[str, UnitGroup] = {}
    units: dict[str, Unit] = {}
    for name in dict.fromkeys(u for t in parsed.tasks for u in t.units):
        if name in GROUPS:
            group, made = UnitGroup.objects.get_or_create(name=name, defaults={"member_kind": GROUPS[name]})
            if made:
                audit.record(AuditAction.CREATE, obj=group, message="载入方案时创建单位组")
            groups[name] = group
            continue
        unit = Unit.objects.filter(name=name).first()
        if unit is None:
            unit = Unit.objects.create(name=name, kind=parsed.unit_kinds.get(name) or unit_kind(name))
            units_created.append(name)
            audit.record(AuditAction.CREATE, obj=unit, message="载入方案时创建单位",
                         changes={"name": [None, name], "kind": [None, unit.kind]})
        units[name] = unit
    changed |= bool(units_created)

    # Attachment: programmes and tasks.
    keep_programmes, keep_tasks = [], []
    for pp in parsed.programmes:
        programme, made = Programme.objects.get_or_create(
            plan=plan, number=pp.number, defaults={"name": pp.name, "name_repeated": pp.name_repeated})
        changed |= made
        if not made:
            dirty = _set(programme, {"name": pp.name, "name_repeated": pp.name_repeated})
            if dirty:
                programme.save(update_fields=dirty)
                changed = True
        keep_programmes.append(programme.pk)
        for pt in pp.tasks:
            values = {"programme": programme, "text": pt.text, "deadline_text": pt.deadline_text,
                      "deadline": pt.deadline, "units_text": "、".join(pt.units)}
            task = Task.objects.filter(plan=plan, number=pt.number).first()
            if task is None:
                task = Task.objects.create(plan=plan, number=pt.number, **values)
                changed = True
            else:
                dirty = _set(task, values)
                if dirty:
                    task.save(update_fields=dirty)
                    changed = True
            keep_tasks.append(task.pk)
            printed = [(a.position, a.printed_name) for a in task.assignees.order_by("position")]
            if printed != list(enumerate(pt.units, start=1)):
                task.assignees.all().delete()
                Assignee.objects.bulk_create(
                    Assignee(task=task, position=pos, printed_name=name, unit=units.get(name), group=groups.get(name))
                    for pos, name in enumerate(pt.units, start=1)
                )
                changed = True
            changed |= _sync_responsibilities(task)
    gone = plan.tasks.exclude(pk__in=keep_tasks)
    reported = list(gone.filter(reports__isnull=False).distinct().values_list("number", flat=True))
    if reported:
        raise PlanFormatError([f"任务 {n} 已有进展报告，不能从方案中删除" for n in sorted(reported)])
    deleted, _ = gone.delete()
    changed |= bool(deleted)
    deleted, _ = plan.programmes.exclude(pk__in=keep_programmes).delete()
    changed |= bool(deleted)

    if changed:
        audit.record(
            AuditAction.CREATE if created else AuditAction.UPDATE, obj=plan,
            message=f"载入方案：工程 {len(parsed.programmes)} 项，任务 {len(parsed.tasks)} 项，"
                    f"新建单位 {len(units_created)} 个",
        )
    return LoadResult(plan=plan, created=created, changed=changed, units_created=units_created,
                      warnings=parsed.warnings)


def code_from_path(stem: str) -> str:
    """The plan's code from its file name: lower-case letters, digits and hyphens."""
    code = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return code or "plan"
