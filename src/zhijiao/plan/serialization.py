"""A stored plan as a structured file (YAML or JSON), and back.

The format, ``zhijiao-plan/1``, holds what the official text says: the header, the body's
programmes of measures, the attachment's programmes and tasks with their responsible parties as
printed, and the kinds of the units and groups named, so another installation recreates the same
plan. It leaves out what belongs to one installation: the resolved reporting units (they depend
on which schools are registered), extensions, reports and the warning rules.

Round trip: export → :func:`plan_import` into an empty database → export gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

import yaml

from zhijiao.orgs.models import Unit, UnitGroup

from .loader import (
    LoadResult,
    ParsedMeasure,
    ParsedPlan,
    ParsedProgramme,
    ParsedSection,
    ParsedTask,
    PlanFormatError,
    deadline_from_text,
    plan_load,
)
from .models import Plan

FORMAT = "zhijiao-plan/1"
Format = Literal["yaml", "json"]
SUFFIXES: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def format_for_path(path: str | Path) -> Format | None:
    """yaml or json by the file's suffix; None for anything else (the official text)."""
    return SUFFIXES.get(Path(path).suffix.lower())


# ---------------------------------------------------------------- export


def plan_export(*, plan: Plan) -> dict[str, Any]:
    """The plan as plain data, keys in a fixed order. Seven queries whatever the plan's size."""
    tasks_by_programme: dict[int, list[dict[str, Any]]] = {}
    names: list[str] = []
    for task in plan.tasks.prefetch_related("assignees").order_by("number"):
        printed = [a.printed_name for a in sorted(task.assignees.all(), key=lambda a: a.position)]
        names.extend(printed)
        tasks_by_programme.setdefault(task.programme_id, []).append(
            {
                "number": task.number,
                "text": task.text,
                "units": printed,
                "units_text": task.units_text,
                "deadline": task.deadline_text,
                "deadline_on": task.deadline.isoformat() if task.deadline else None,
            }
        )
    names = list(dict.fromkeys(names))
    groups = dict(UnitGroup.objects.filter(name__in=names).values_list("name", "member_kind"))
    # A printed name may have matched a unit by one of its other names: keep the printed name.
    kinds = dict(Unit.objects.filter(name__in=names).values_list("name", "kind"))
    return {
        "format": FORMAT,
        "code": plan.code,
        "title": plan.title,
        "issuer": plan.issuer,
        "issued_on": plan.issued_on.isoformat(),
        "notice_title": plan.notice_title,
        "preamble": plan.preamble,
        "attachment_title": plan.attachment_title,
        "source_sha256": plan.source_sha256,
        "warnings": list(plan.warnings),
        "sections": [
            {
                "number": section.number,
                "heading": section.heading,
                "measures": [
                    {"number": m.number, "heading": m.heading, "text": m.text}
                    for m in sorted(section.measures.all(), key=lambda m: m.number)
                ],
            }
            for section in plan.sections.prefetch_related("measures").order_by("number")
        ],
        "programmes": [
            {
                "number": programme.number,
                "name": programme.name,
                "name_repeated": programme.name_repeated,
                "tasks": tasks_by_programme.get(programme.pk, []),
            }
            for programme in plan.programmes.order_by("number")
        ],
        "units": [{"name": n, "kind": kinds[n]} for n in names if n in kinds and n not in groups],
        "groups": [{"name": n, "member_kind": groups[n]} for n in names if n in groups],
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, so a preamble reads as it is printed."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def plan_dumps(*, plan: Plan, fmt: Format) -> str:
    """The plan as YAML or JSON text, UTF-8 and deterministic."""
    data = plan_export(plan=plan)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


# ---------------------------------------------------------------- import


class _Reader:
    """Reads fields with Chinese errors that say where: 工程 3 任务 12：…"""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def get(self, data: Any, key: str, kind: type, where: str, default: Any = ...) -> Any:
        if not isinstance(data, dict):
            self.errors.append(f"{where}：应为键值表")
            return default if default is not ... else kind()
        if key not in data:
            if default is ...:
                self.errors.append(f"{where}：缺少“{key}”")
                return kind()
            return default
        value = data[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.errors.append(f"{where}：“{key}”应为{_KIND_NAMES.get(kind, kind.__name__)}")
            return kind() if default is ... else default
        return value


_KIND_NAMES = {str: "文本", int: "整数", list: "列表", bool: "true 或 false", dict: "键值表"}


def plan_from_dict(data: Any) -> ParsedPlan:
    """Checks a structured plan and returns it as parsed data. Raises PlanFormatError."""
    r = _Reader()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFormatError([f"文件不是 {FORMAT} 格式的方案（第一项应为 format: {FORMAT}）"])
    issued_on = dt.date(1900, 1, 1)
    issued_text = data.get("issued_on")
    try:
        # YAML reads an unquoted 2021-11-04 as a date already.
        issued_on = (
            issued_text
            if isinstance(issued_text, dt.date)
            else dt.date.fromisoformat(str(issued_text))
        )
    except ValueError:
        r.errors.append(f"方案信息：成文日期“{issued_text}”应为 YYYY-MM-DD")
    sections = []
    for s in r.get(data, "sections", list, "方案", default=[]):
        where = f"举措 {s.get('number', '?') if isinstance(s, dict) else '?'}"
        sections.append(
            ParsedSection(
                number=r.get(s, "number", int, where),
                heading=r.get(s, "heading", str, where),
                measures=[
                    ParsedMeasure(
                        number=r.get(m, "number", int, f"{where} 措施"),
                        heading=r.get(m, "heading", str, where),
                        text=r.get(m, "text", str, where),
                    )
                    for m in r.get(s, "measures", list, where, default=[])
                ],
            )
        )
    programmes = []
    for p in r.get(data, "programmes", list, "方案"):
        where = f"工程 {p.get('number', '?') if isinstance(p, dict) else '?'}"
        tasks = []
        for t in r.get(p, "tasks", list, where):
            task_where = f"任务 {t.get('number', '?') if isinstance(t, dict) else '?'}"
            units = r.get(t, "units", list, task_where)
            if not all(isinstance(u, str) for u in units):
                r.errors.append(f"{task_where}：“units”应为单位名称的列表")
                units = [str(u) for u in units]
            task = ParsedTask(
                number=r.get(t, "number", int, task_where),
                text=r.get(t, "text", str, task_where),
                units=units,
                units_text=r.get(t, "units_text", str, task_where, default=""),
                deadline_text=r.get(t, "deadline", str, task_where),
            )
            deadline_on = t.get("deadline_on") if isinstance(t, dict) else None
            if deadline_on is not None:
                try:
                    printed = deadline_from_text(task.deadline_text)
                except ValueError:
                    printed = None  # reported by the loader's checks
                else:
                    if str(deadline_on) != (printed.isoformat() if printed else "None"):
                        r.errors.append(
                            f"{task_where}：截止日期 {deadline_on} 与完成年限“{task.deadline_text}”不符"
                        )
            tasks.append(task)
        programmes.append(
            ParsedProgramme(
                number=r.get(p, "number", int, where),
                name=r.get(p, "name", str, where),
                name_repeated=r.get(p, "name_repeated", bool, where, default=False),
                tasks=tasks,
            )
        )
    parsed = ParsedPlan(
        title=r.get(data, "title", str, "方案信息"),
        issuer=r.get(data, "issuer", str, "方案信息"),
        issued_on=issued_on,
        code=r.get(data, "code", str, "方案信息", default=""),
        notice_title=r.get(data, "notice_title", str, "方案信息", default=""),
        preamble=r.get(data, "preamble", str, "方案信息", default=""),
        attachment_title=r.get(data, "attachment_title", str, "方案信息", default=""),
        source_sha256=r.get(data, "source_sha256", str, "方案信息", default=""),
        warnings=[str(w) for w in r.get(data, "warnings", list, "方案信息", default=[])],
        sections=sections,
        programmes=programmes,
        unit_kinds={
            r.get(u, "name", str, "单位"): r.get(u, "kind", str, "单位")
            for u in r.get(data, "units", list, "方案", default=[])
        },
        group_kinds={
            r.get(g, "name", str, "单位组"): r.get(g, "member_kind", str, "单位组", default="")
            for g in r.get(data, "groups", list, "方案", default=[])
        },
    )
    if r.errors:
        raise PlanFormatError(list(dict.fromkeys(r.errors)))
    return parsed


def plan_loads(text: str, *, fmt: Format) -> ParsedPlan:
    """Parses YAML or JSON text into a plan. Raises PlanFormatError in Chinese."""
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise PlanFormatError([f"第 {exc.lineno} 行：JSON 格式有误（{exc.msg}）"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"第 {mark.line + 1} 行" if mark is not None else "文件"
        raise PlanFormatError(
            [f"{place}：YAML 格式有误（{getattr(exc, 'problem', None) or exc}）"]
        ) from exc
    return plan_from_dict(data)


def plan_import(*, text: str, fmt: Format, code: str | None = None) -> LoadResult:
    """Loads a structured plan (as exported) with :func:`plan_load`: atomic and idempotent."""
    return plan_load(parsed=plan_loads(text, fmt=fmt), code=code)
