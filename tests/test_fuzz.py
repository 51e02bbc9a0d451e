"""Property-based tests (Hypothesis) of every parser that reads what users type or upload.

Whatever the input, each parser either answers or refuses with its own Chinese error — never an
unexpected exception (which would be a 500 page) — and the answers obey their laws.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ExcelError, xlsx_rows
from zhijiao.core.formula import FormulaError, Ref, formula_parse
from zhijiao.core.periods import PeriodError, PeriodType, period_for_date, period_parse
from zhijiao.core.personal import clean_id_number, clean_phone, decrypt, encrypt
from zhijiao.indicators.models import DataElement, ValueType
from zhijiao.indicators.services import value_parse
from zhijiao.plan.loader import PlanFormatError, parse_plan_text

# `make test` tries 150 inputs per property; `make fuzz` many more (FUZZ_EXAMPLES).
FAST = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text made of the characters these parsers care about, plus anything at all.
formula_text = st.one_of(
    st.text(),
    st.text(alphabet="#{}.ABC_0123456789+-*/() ×÷eE", max_size=40),
)


@FAST
@given(formula_text)
def test_a_formula_parses_or_is_refused_in_chinese(text):
    try:
        formula = formula_parse(text)
    except FormulaError as error:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error))
        return
    values = {ref: Decimal(i + 1) for i, ref in enumerate(formula.refs)}
    try:
        result = formula.evaluate(values)
    except FormulaError:
        return  # division by zero, said in Chinese
    assert result is None or isinstance(result, Decimal)


operand = st.one_of(
    st.integers(min_value=0, max_value=10_000).map(str),
    st.sampled_from(["#{A}", "#{B}", "#{C.X}"]),
)


@st.composite
def arithmetic(draw, depth=3):
    if depth == 0 or draw(st.booleans()):
        return draw(operand)
    op = draw(st.sampled_from(["+", "-", "*"]))
    return f"({draw(arithmetic(depth - 1))} {op} {draw(arithmetic(depth - 1))})"


@FAST
@given(arithmetic(), st.integers(-50, 50), st.integers(-50, 50), st.integers(-50, 50))
def test_formulas_compute_what_the_arithmetic_says(text, a, b, c):
    values = {Ref("A"): Decimal(a), Ref("B"): Decimal(b), Ref("C", "X"): Decimal(c)}
    expected = eval(  # noqa: S307 - the text is built above from digits, refs and + - *
        text.replace("#{A}", f"({a})").replace("#{B}", f"({b})").replace("#{C.X}", f"({c})")
    )

    assert formula_parse(text).evaluate(values) == expected


@FAST
@given(st.sampled_from(list(PeriodType)), st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)))
def test_every_day_lies_in_one_period_whose_code_and_label_read_back(kind, day):
    period = period_for_date(kind, day)

    assert period.start <= day <= period.end
    assert period_parse(kind, period.code) == period
    assert period_parse(kind, period.label) == period
    assert period.next().start == period.end + dt.timedelta(days=1)
    assert period.previous().end == period.start - dt.timedelta(days=1)


@FAST
@given(st.sampled_from(list(PeriodType)), st.text(max_size=30))
def test_a_period_code_parses_or_is_refused_in_chinese(kind, text):
    try:
        period = period_parse(kind, text)
    except PeriodError as error:
        assert "周期" in str(error)
        return
    assert period.start <= period.end


@FAST
@given(
    st.sampled_from([t for t in ValueType if t != ValueType.FILE]),
    st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers(), st.booleans()),
)
def test_a_cell_value_is_typed_or_refused_in_chinese(kind, raw):
    element = DataElement(code="X", name="测试", value_type=kind, min_value=Decimal(0))
    try:
        number, text = value_parse(element, raw)
    except ValueError as error:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error))
        return
    if kind == ValueType.TEXT:
        assert number is None
    elif number is not None:
        assert number >= 0 and number.is_finite()


@FAST
@given(st.binary(max_size=2000))
def test_any_upload_is_read_or_refused_as_not_a_workbook(content):
    try:
        xlsx_rows(content, name="upload.xlsx")
    except ExcelError as error:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message)


@FAST
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=10),
                st.integers(-(10**12), 10**12),
            ),
            max_size=5,
        ),
        max_size=8,
    )
)
def test_any_real_workbook_reads_back_its_cells(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([v if not isinstance(v, str) else v.strip() or None for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)

    try:
        read = xlsx_rows(buffer.getvalue(), name="t.xlsx")
    except ExcelError:
        return  # e.g. a workbook whose only sheet is empty
    assert len(read) <= max(len(rows), 1)


@FAST
@given(st.text(max_size=400))
def test_any_text_loads_as_a_plan_or_is_refused_with_a_reason(text):
    try:
        parse_plan_text(text, code="fuzz")
    except PlanFormatError as error:
        assert error.message


@FAST
@given(st.text(alphabet="0123456789Xx -", max_size=24))
def test_an_id_number_is_accepted_only_with_a_right_check_digit(text):
    from stdnum.cn import ric

    try:
        cleaned = clean_id_number(text)
    except ServiceError as error:
        assert "身份证号" in error.message
        return
    assert len(cleaned) == 18 and ric.calc_check_digit(cleaned[:17]) == cleaned[17]


@FAST
@given(st.text(max_size=20))
def test_a_phone_is_eleven_digits_or_refused(text):
    try:
        assert len(clean_phone(text)) == 11
    except ServiceError as error:
        assert "手机号" in error.message


@FAST
@given(st.text(max_size=200))
def test_encryption_round_trips_any_text(text):
    assert decrypt(encrypt(text)) == text


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_formulas_are_refused(text):
    with pytest.raises(FormulaError, match="不能为空"):
        formula_parse(text)
