"""Template filters of the evaluation pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from zhijiao.evaluation.scoring import bands_text, fmt

register = template.Library()


@register.filter
def pts(value: Any) -> str:
    """Points without trailing zeros; "—" for none."""
    if value is None or value == "":
        return "—"
    try:
        return fmt(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def bands(value: Any) -> str:
    return bands_text(value) if value else ""


@register.filter
def percent(part: Any, whole: Any) -> int:
    try:
        return round(100 * float(part) / float(whole)) if whole else 0
    except (TypeError, ValueError):
        return 0
