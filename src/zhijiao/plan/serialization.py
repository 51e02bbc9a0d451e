"""A plan as a structured file (YAML or JSON) and back, round-trip exact.

The format is ``zhijiao-plan/1``: the plan's header, the body's programmes of measures, the
attachment's programmes and tasks with their responsible units as printed, and the kinds of the
units named, so that another installation recreates the same plan.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml

from zhijiao.orgs.models import Unit, UnitGroup

from .loader import (
    ParsedMeasure,
    ParsedPlan,
    ParsedProgramme,
    ParsedSection,
    ParsedTask,
    PlanFormatError,
    parse_deadline,
)
from .models import Plan

FORMAT = "zhijiao-plan/1"


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    tasks = plan.tasks.prefetch_related("assignees").order_by("number")
    by_programme: dict[int, list[Any]] = {}
    names: list[str] = []
    for task in tasks:
        printed = [a.printed_name for a in sorted(task.assignees.all(), key=lambda a: a.position)]
        names.extend(printed)
        by_programme.setdefault(task.programme_id, []).append(
            {"number": task.number, "text": task.text, "units": printed, "deadline": task.deadline_text}
        )
    groups = {g.name: g.member_kind for g in UnitGroup.objects.filter(name__in=names)}
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
        "warnings": list(plan.warnings),
        "sections": [
            {"number": s.number, "heading": s.heading,
             "measures": [{"number": m.number, "heading": m.heading, "text": m.text} for m in s.measures.all()]}
            for s in plan.sections.prefetch_related("measures")
        ],
        "programmes": [
            {"number": p.number, "name": p.name, "name_repeated": p.name_repeated, "tasks": by_programme.get(p.pk, [])}
            for p in plan.programmes.all()
        ],
        "units": [{"name": n, "kind": kinds[n]} for n in dict.fromkeys(names) if n in kinds],
        "groups": [{"name": n, "member_kind": k} for n, k in groups.items()],
    }


def plan_dump(plan: Plan, fmt: str) -> str:
    data = plan_to_dict(plan)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def parsed_from_dict(data: Any) -> tuple[str, ParsedPlan]:
    """Checks a structured plan and returns (code, parsed plan). Raises PlanFormatError in Chinese."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFormatError([f"文件不是 {FORMAT} 格式的方案"])
    errors: list[str] = []
    try:
        issued_on = dt.date.fromisoformat(str(data["issued_on"]))
        programmes = []
        for p in data["programmes"]:
            tasks = []
            for t in p["tasks"]:
                understood, deadline = parse_deadline(str(t["deadline"]))
                if not understood:
                    errors.append(f"任务 {t['number']}：完成年限“{t['deadline']}”无法识别")
                if not t["units"]:
                    errors.append(f"任务 {t['number']}：没有责任单位")
                tasks.append(ParsedTask(number=int(t["number"]), text=str(t["text"]), units=[str(u) for u in t["units"]],
                                        deadline_text=str(t["deadline"]), deadline=deadline))
            programmes.append(ParsedProgramme(number=int(p["number"]), name=str(p["name"]),
                                              name_repeated=bool(p.get("name_repeated", False)), tasks=tasks))
        sections = [
            ParsedSection(number=int(s["number"]), heading=str(s["heading"]),
                          measures=[ParsedMeasure(int(m["number"]), str(m["heading"]), str(m["text"]))
                                    for m in s.get("measures", [])])
            for s in data.get("sections", [])
        ]
        parsed = ParsedPlan(
            title=str(data["title"]), issuer=str(data["issuer"]), issued_on=issued_on,
            notice_title=str(data.get("notice_title", "")), preamble=str(data.get("preamble", "")),
            attachment_title=str(data.get("attachment_title", "")), sections=sections, programmes=programmes,
            warnings=[str(w) for w in data.get("warnings", [])],
            unit_kinds={str(u["name"]): str(u["kind"]) for u in data.get("units", [])},
        )
        code = str(data["code"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFormatError([f"方案文件结构不完整或有误：{exc}"]) from exc
    numbers = [t.number for t in parsed.tasks]
    if len(set(numbers)) != len(numbers):
        errors.append("任务序号重复")
    if errors:
        raise PlanFormatError(errors)
    return code, parsed


def plan_parse_structured(text: str, fmt: str) -> tuple[str, ParsedPlan]:
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PlanFormatError([f"文件无法解析为 {fmt.upper()}：{exc}"]) from exc
    return parsed_from_dict(data)
