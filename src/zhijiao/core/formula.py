"""Arithmetic formulas over named figures, as written by the plan office.

A formula is arithmetic (``+ - * /``, parentheses, numbers) over references:

- ``#{CODE}`` — a data element's value (all disaggregations together);
- ``#{CODE.OPTION}`` — one disaggregation of it, e.g. ``#{TRAIN_PT.VETERAN}``.

Whether an element is typed in or computed from another module's records is the element's own
business (indicators.sources), so formulas do not change when a registry takes over a figure.

Parsing never runs code: the text is turned into a Python syntax tree and only numbers, the four
operators, unary signs and references are allowed. Arithmetic is in :class:`~decimal.Decimal`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

REF_RE = re.compile(r"#\{\s*(?P<code>[A-Za-z][A-Za-z0-9_]*)(?:\.(?P<option>[A-Za-z0-9_]+))?\s*\}")


class Ref(NamedTuple):
    """A reference in a formula. A tuple: aggregation hashes many of these."""

    code: str
    option: str = ""  # "" means the element's total over its disaggregations

    def __str__(self) -> str:
        return f"#{{{self.code}{'.' + self.option if self.option else ''}}}"


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated; the message is Chinese."""


class FormulaZeroDivision(FormulaError):
    """The formula divides by zero for these values."""


@dataclass(frozen=True)
class Formula:
    text: str
    refs: tuple[Ref, ...]
    _tree: ast.Expression

    def evaluate(self, values: Mapping[Ref, Decimal | None]) -> Decimal | None:
        """The formula's value; None when none of its references has a value.

        A reference without a value counts as zero once at least one other has one (as a sum of
        reported figures would). Raises :class:`FormulaZeroDivision` when dividing by zero.
        """
        present = [values.get(r) for r in self.refs]
        if self.refs and all(v is None for v in present):
            return None
        names = {f"_r{i}": (v if v is not None else Decimal(0)) for i, v in enumerate(present)}
        try:
            return _eval(self._tree.body, names)
        except (ZeroDivisionError, DivisionByZero) as exc:
            raise FormulaZeroDivision(_("公式“{text}”的分母为零").format(text=self.text)) from exc
        except InvalidOperation as exc:
            raise FormulaZeroDivision(
                _("公式“{text}”无法计算（0 除以 0）").format(text=self.text)
            ) from exc


_ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def formula_parse(text: str) -> Formula:
    """Parses a formula; raises :class:`FormulaError` with a Chinese message."""
    source = (text or "").strip()
    if not source:
        raise FormulaError(_("公式不能为空"))
    refs: list[Ref] = []

    def substitute(match: re.Match[str]) -> str:
        ref = Ref(match["code"].upper(), (match["option"] or "").upper())
        if ref not in refs:
            refs.append(ref)
        return f"_r{refs.index(ref)}"

    python = REF_RE.sub(substitute, source.replace("×", "*").replace("÷", "/"))
    if re.search(r"[#{}]", python):
        raise FormulaError(
            _("公式“{source}”中的引用写法不正确，应写作 #{{编码}} 或 #{{编码.分类}}").format(
                source=source
            )
        )
    if re.search(r"[^\W\d]", REF_RE.sub("0", source)):
        # Outside references only numbers and operators: no names, not even our placeholders.
        raise FormulaError(
            _(
                "公式“{source}”含有不允许的内容（只能使用加、减、乘、除和括号连接数字与引用）"
            ).format(source=source)
        )
    try:
        tree = ast.parse(python, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(_("公式“{source}”不是有效的算式").format(source=source)) from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Load | ast.operator | ast.unaryop):
            if isinstance(node, ast.operator) and not isinstance(node, _ALLOWED_BINARY):
                raise FormulaError(
                    _("公式“{source}”只能使用加、减、乘、除和括号").format(source=source)
                )
            continue
        if isinstance(node, ast.BinOp | ast.UnaryOp):
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub | ast.UAdd):
                raise FormulaError(
                    _("公式“{source}”只能使用加、减、乘、除和括号").format(source=source)
                )
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        if isinstance(node, ast.Name) and re.fullmatch(r"_r\d+", node.id):
            continue
        raise FormulaError(
            _("公式“{source}”含有不允许的内容，只能使用数字、引用和加减乘除").format(source=source)
        )
    return Formula(source, tuple(refs), tree)


def _eval(node: ast.AST, names: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, names)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, names), _eval(node.right, names)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise ZeroDivisionError
        return left / right
    raise FormulaError(_("公式含有不允许的内容"))  # unreachable after formula_parse's check


def formula_refs(text: str) -> tuple[Ref, ...]:
    return formula_parse(text).refs
