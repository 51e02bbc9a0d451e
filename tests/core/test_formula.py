"""Formulas written by the plan office: references, Decimal arithmetic, and nothing but arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhijiao.core.formula import (
    FormulaError,
    FormulaZeroDivision,
    Ref,
    formula_parse,
    formula_refs,
)

A, B, C = Ref("A"), Ref("B"), Ref("C")


def test_references_are_read_in_order_once_each():
    formula = formula_parse("#{TEACHER_DUAL} / #{TEACHER_PRO} + #{TEACHER_DUAL}")

    assert formula.refs == (Ref("TEACHER_DUAL"), Ref("TEACHER_PRO"))


def test_a_reference_to_one_disaggregation():
    refs = formula_refs("#{TRAIN_PT.VETERAN} + #{TRAIN_PT}")

    assert refs == (Ref("TRAIN_PT", "VETERAN"), Ref("TRAIN_PT", ""))
    assert [str(r) for r in refs] == ["#{TRAIN_PT.VETERAN}", "#{TRAIN_PT}"]


def test_references_are_case_insensitive_and_may_hold_spaces():
    assert formula_refs("#{ enrolment } + #{train_pt.veteran}") == (
        Ref("ENROLMENT"),
        Ref("TRAIN_PT", "VETERAN"),
    )


def test_arithmetic_is_in_decimal():
    formula = formula_parse("#{A} + #{B} * (#{C} - 1) / 4")

    value = formula.evaluate({A: Decimal("0.1"), B: Decimal(2), C: Decimal(3)})

    assert value == Decimal("1.1")
    assert isinstance(value, Decimal)


def test_constants_are_exact():
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
    assert formula_parse("0.1 + 0.2").evaluate({}) == Decimal("0.3")


def test_division_keeps_the_fraction():
    assert formula_parse("#{A} / #{B}").evaluate({A: Decimal(1), B: Decimal(4)}) == Decimal("0.25")


def test_chinese_multiplication_and_division_signs():
    formula = formula_parse("#{A} × 100 ÷ #{B}")

    assert formula.evaluate({A: Decimal(90), B: Decimal(120)}) == Decimal(75)


def test_unary_signs():
    assert formula_parse("-#{A} + +2").evaluate({A: Decimal(5)}) == Decimal(-3)


def test_a_formula_without_references_is_a_number():
    assert formula_parse("2 * 15").evaluate({}) == Decimal(30)


def test_all_references_missing_gives_no_value():
    formula = formula_parse("#{A} + #{B}")

    assert formula.evaluate({}) is None
    assert formula.evaluate({A: None, B: None}) is None


def test_a_missing_reference_counts_as_zero_once_another_has_a_value():
    formula = formula_parse("#{A} + #{B} * 2")

    assert formula.evaluate({A: Decimal(5)}) == Decimal(5)
    assert formula.evaluate({B: Decimal(5), A: None}) == Decimal(10)


def test_division_by_zero_is_reported():
    formula = formula_parse("#{A} / #{B}")

    with pytest.raises(FormulaZeroDivision, match="分母为零"):
        formula.evaluate({A: Decimal(1), B: Decimal(0)})
    with pytest.raises(FormulaZeroDivision):
        formula.evaluate({A: Decimal(0), B: Decimal(0)})
    with pytest.raises(FormulaZeroDivision):
        formula.evaluate({A: Decimal(1)})  # B missing counts as zero
    assert issubclass(FormulaZeroDivision, FormulaError)


def test_division_by_a_zero_constant_is_reported():
    with pytest.raises(FormulaZeroDivision):
        formula_parse("1 / (2 - 2)").evaluate({})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abs(#{A})", "不允许的内容"),  # a function call
        ("__import__('os').system('id')", "不允许的内容"),
        ("#{A}.real", "不允许的内容"),  # attribute access
        ("(1).__class__", "不允许的内容"),
        ("#{A} ** 2", "只能使用加、减、乘、除和括号"),
        ("#{A} // 2", "只能使用加、减、乘、除和括号"),
        ("#{A} % 2", "只能使用加、减、乘、除和括号"),
        ("#{A} << 2", "只能使用加、减、乘、除和括号"),
        ("~#{A}", "只能使用加、减、乘、除和括号"),
        ("not #{A}", "只能使用加、减、乘、除和括号"),
        ("x + 1", "不允许的内容"),  # a bare name
        ("ENROLMENT / 2", "不允许的内容"),
        ("#{A} > 1", "不允许的内容"),
        ("#{A} if #{B} else 1", "不允许的内容"),
        ("'1' + '2'", "不允许的内容"),
        ("True + 1", "不允许的内容"),
        ("1j", "不允许的内容"),
        ("[#{A}][0]", "不允许的内容"),
        ("lambda: 1", "不允许的内容"),
        ("#{A} + #{B", "引用写法不正确"),
        ("#{1A}", "引用写法不正确"),
        ("{A}", "引用写法不正确"),
        ("#{A} +", "不是有效的算式"),
        ("#{A} = 1", "不是有效的算式"),
        ("", "公式不能为空"),
        ("   ", "公式不能为空"),
    ],
)
def test_anything_but_arithmetic_is_refused(text, message):
    with pytest.raises(FormulaError) as caught:
        formula_parse(text)

    assert message in str(caught.value)


@pytest.mark.parametrize("text", ["_r0 + 1", "#{A} + _r1", "#{A} + _r0"])
def test_internal_placeholder_names_are_refused(text):
    # "_r0 + 1" parses with no references and then fails with KeyError when evaluated;
    # "#{A} + _r0" silently doubles A. A name is a name, whatever its spelling.
    with pytest.raises(FormulaError):
        formula_parse(text)
