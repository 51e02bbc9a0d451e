"""Loading the monitoring configuration (elements, data sets, rules, indicators, targets) from a
YAML file, so every target of the plan is data, not code.

The load is all or nothing and idempotent: entries are matched by code (targets by key) and
updated; what the file no longer names is left alone. Every formula is parsed and every reference
checked before anything is written; errors are Chinese and name the entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.formula import FormulaError, formula_parse
from zhijiao.core.models import AuditAction
from zhijiao.core.periods import PeriodError, PeriodType, period_parse
from zhijiao.orgs.models import Unit, UnitGroup
from zhijiao.plan import selectors as plan_selectors

from . import sources
from .data import IndicatorErrorCode
from .models import (
    CODE_VALIDATOR,
    Aggregation,
    Category,
    CategoryOption,
    Comparator,
    DataElement,
    DataSet,
    DataSetElement,
    Indicator,
    Operator,
    Severity,
    Target,
    TargetScope,
    ValidationRule,
    ValueType,
)


class ConfigError(ServiceError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            IndicatorErrorCode.INVALID_INPUT,
            "目标监测配置有误，未作任何修改：\n" + "\n".join(f"- {p}" for p in problems),
        )
        self.problems = problems


def config_read(path: Path | str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError([f"无法读取文件 {path}：{exc}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError(["文件内容应为一个映射（categories、elements、data_sets …）"])
    return data


def _decimal(value: Any, where: str, problems: list[str]) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{where}：“{value}”不是数字")
        return None


FIELD_NAMES = {
    "code": "编码",
    "key": "标识",
    "name": "名称",
    "first_period": "起始周期",
    "left": "左侧表达式",
    "operator": "比较",
    "right": "右侧表达式",
    "message": "提示",
    "numerator": "分子",
    "indicator": "指标",
    "comparator": "比较",
    "value": "目标值",
    "deadline": "期限",
}


def _required(entry: Any, keys: list[str], where: str, problems: list[str]) -> None:
    if not isinstance(entry, dict):
        problems.append(f"{where}：应为一个映射")
        return
    missing = [FIELD_NAMES.get(k, k) for k in keys if entry.get(k) in (None, "")]
    if missing:
        problems.append(f"{where}：缺少{'、'.join(missing)}")


def _choice(value: Any, choices: Any, where: str, problems: list[str], default: str) -> str:
    text = str(value if value is not None else default)
    if text not in choices.values:
        problems.append(f"{where}：“{text}”应为 {'、'.join(choices.values)} 之一")
    return text


def _check(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    categories = {c.get("code"): c for c in data.get("categories") or []}
    element_codes = set(DataElement.objects.values_list("code", flat=True))
    options_of: dict[str, set[str]] = {}
    for cat in categories.values():
        options_of[str(cat.get("code"))] = {str(o.get("code")) for o in cat.get("options") or []}
    element_category: dict[str, str] = {}
    for e in data.get("elements") or []:
        code = str(e.get("code", ""))
        where = f"数据项 {code or '（无编码）'}"
        try:
            CODE_VALIDATOR(code)
        except ValidationError:
            problems.append(f"{where}：编码只能由大写字母、数字和下划线组成")
        _required(e, ["name"], where, problems)
        for bound in ("min_value", "max_value"):
            _decimal(e.get(bound), f"{where} {bound}", problems)
        _choice(e.get("value_type"), ValueType, where, problems, ValueType.INTEGER)
        _choice(e.get("aggregation"), Aggregation, where, problems, Aggregation.SUM)
        if e.get("category") and e["category"] not in categories:
            problems.append(f"{where}：分类“{e['category']}”未定义")
        if e.get("source") and sources.source_get(e["source"]) is None:
            known = "、".join(s.key for s in sources.sources_all())
            problems.append(f"{where}：数据来源“{e['source']}”未注册（已注册：{known}）")
        element_codes.add(code)
        element_category[code] = str(e.get("category") or "")

    def formula(text: Any, where: str) -> None:
        try:
            parsed = formula_parse(str(text))
        except FormulaError as exc:
            problems.append(f"{where}：{exc}")
            return
        for ref in parsed.refs:
            if ref.code not in element_codes:
                problems.append(f"{where}：引用的数据项 {ref.code} 未定义")
            elif ref.option and ref.option not in options_of.get(
                element_category.get(ref.code, ""), set()
            ):
                problems.append(f"{where}：{ref.code} 没有分类选项 {ref.option}")

    unit_names = set(Unit.objects.values_list("name", flat=True))
    group_names = set(UnitGroup.objects.values_list("name", flat=True))
    for ds in data.get("data_sets") or []:
        where = f"数据集 {ds.get('code', '（无编码）')}"
        _required(ds, ["code", "name", "first_period"], where, problems)
        period_type = _choice(ds.get("period_type"), PeriodType, where, problems, PeriodType.YEAR)
        try:
            period_parse(period_type, str(ds.get("first_period", "")))
        except (PeriodError, ValueError) as exc:
            problems.append(f"{where}：起始周期有误：{exc}")
        for name in ds.get("units") or []:
            if name not in unit_names:
                problems.append(f"{where}：单位“{name}”不存在，请先载入实施方案或建立该单位")
        for name in ds.get("unit_groups") or []:
            if name not in group_names:
                problems.append(f"{where}：单位组“{name}”不存在")
        for code in ds.get("elements") or []:
            if code not in element_codes:
                problems.append(f"{where}：数据项 {code} 未定义")
        for i, rule in enumerate(ds.get("rules") or [], start=1):
            rule_where = f"{where} 第 {i} 条校验规则"
            _required(rule, ["name", "left", "operator", "right", "message"], rule_where, problems)
            formula(rule.get("left"), rule_where)
            formula(rule.get("right"), rule_where)
            _choice(rule.get("operator"), Operator, rule_where, problems, "")
            _choice(rule.get("severity"), Severity, rule_where, problems, Severity.ERROR)
    indicator_codes = set(Indicator.objects.values_list("code", flat=True))
    for ind in data.get("indicators") or []:
        where = f"指标 {ind.get('code', '（无编码）')}"
        _required(ind, ["code", "name", "numerator"], where, problems)
        formula(ind.get("numerator"), where + " 分子")
        formula(ind.get("denominator", "1"), where + " 分母")
        _decimal(ind.get("factor", 1), where, problems)
        indicator_codes.add(str(ind.get("code")))
    plan = plan_selectors.current_plan()
    task_numbers = set(plan.tasks.values_list("number", flat=True)) if plan else set()
    for t in data.get("targets") or []:
        where = f"目标 {t.get('key', '（无标识）')}"
        _required(
            t, ["key", "name", "indicator", "comparator", "value", "deadline"], where, problems
        )
        if t.get("indicator") not in indicator_codes:
            problems.append(f"{where}：指标 {t.get('indicator')} 未定义")
        _choice(t.get("comparator"), Comparator, where, problems, "")
        _choice(t.get("scope"), TargetScope, where, problems, TargetScope.CITY)
        _decimal(t.get("value"), where, problems)
        if not isinstance(t.get("deadline"), dt.date):
            problems.append(f"{where}：期限应写作 YYYY-MM-DD")
        for number in t.get("tasks") or []:
            if number not in task_numbers:
                problems.append(f"{where}：任务 {number} 不在当前实施方案中")
    return problems


@transaction.atomic
def config_load(data: dict[str, Any]) -> dict[str, int]:
    """Creates or updates everything the file names; returns counts per kind."""
    problems = _check(data)
    if problems:
        raise ConfigError(problems)
    counts = dict.fromkeys(["分类", "数据项", "数据集", "校验规则", "指标", "目标"], 0)
    for cat in data.get("categories") or []:
        category, _ = Category.objects.update_or_create(
            code=cat["code"], defaults={"name": cat["name"]}
        )
        for position, o in enumerate(cat.get("options") or []):
            CategoryOption.objects.update_or_create(
                category=category,
                code=o["code"],
                defaults={"name": o["name"], "position": position},
            )
        counts["分类"] += 1
    for e in data.get("elements") or []:
        DataElement.objects.update_or_create(
            code=e["code"],
            defaults={
                "name": e["name"],
                "unit_of_measure": e.get("unit_of_measure", ""),
                "value_type": e.get("value_type", ValueType.INTEGER),
                "aggregation": e.get("aggregation", Aggregation.SUM),
                "category": Category.objects.get(code=e["category"]) if e.get("category") else None,
                "min_value": e.get("min_value"),
                "max_value": e.get("max_value"),
                "source": e.get("source", ""),
                "description": e.get("description", ""),
            },
        )
        counts["数据项"] += 1
    for d in data.get("data_sets") or []:
        ds, _ = DataSet.objects.update_or_create(
            code=d["code"],
            defaults={
                "name": d["name"],
                "period_type": d.get("period_type", PeriodType.YEAR),
                "first_period": str(d["first_period"]),
                "opens_before_end_days": d.get("opens_before_end_days", 31),
                "due_days": d.get("due_days", 31),
                "expiry_days": d.get("expiry_days", 120),
                "description": d.get("description", ""),
            },
        )
        ds.units.set(Unit.objects.filter(name__in=d.get("units") or []))
        ds.unit_groups.set(UnitGroup.objects.filter(name__in=d.get("unit_groups") or []))
        for position, code in enumerate(d.get("elements") or []):
            DataSetElement.objects.update_or_create(
                data_set=ds,
                element=DataElement.objects.get(code=code),
                defaults={"position": position},
            )
        for rule in d.get("rules") or []:
            ValidationRule.objects.update_or_create(
                data_set=ds,
                name=rule["name"],
                defaults={
                    "left": rule["left"],
                    "operator": rule["operator"],
                    "right": rule["right"],
                    "severity": rule.get("severity", Severity.ERROR),
                    "message": rule["message"],
                },
            )
            counts["校验规则"] += 1
        counts["数据集"] += 1
    for i in data.get("indicators") or []:
        Indicator.objects.update_or_create(
            code=i["code"],
            defaults={
                "name": i["name"],
                "numerator": i["numerator"],
                "denominator": i.get("denominator", "1"),
                "factor": Decimal(str(i.get("factor", 1))),
                "unit_of_measure": i.get("unit_of_measure", ""),
                "decimals": i.get("decimals", 0),
                "description": i.get("description", ""),
            },
        )
        counts["指标"] += 1
    plan = plan_selectors.current_plan()
    for position, t in enumerate(data.get("targets") or []):
        target, _ = Target.objects.update_or_create(
            key=t["key"],
            defaults={
                "name": t["name"],
                "indicator": Indicator.objects.get(code=t["indicator"]),
                "comparator": t["comparator"],
                "value": Decimal(str(t["value"])),
                "deadline": t["deadline"],
                "recurring": bool(t.get("recurring", False)),
                "scope": t.get("scope", TargetScope.CITY),
                "first_year": t.get("first_year", 2021),
                "source_text": t.get("source_text", ""),
                "position": position,
            },
        )
        if plan is not None:
            target.tasks.set(plan.tasks.filter(number__in=t.get("tasks") or []))
        counts["目标"] += 1
    audit.record(
        AuditAction.IMPORT,
        object_type="indicators.Target",
        changes=counts,
        message="载入目标监测配置",
    )
    return counts
