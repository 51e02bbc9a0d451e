import pytest

from zhijiao.core.codes import clean_credit_code, credit_code_with_check
from zhijiao.core.errors import ServiceError

VALID = credit_code_with_check("91320281MA1MX3KQ0")


def test_a_valid_code_is_normalised():
    assert clean_credit_code(f" {VALID.lower()[:9]} {VALID[9:]} ") == VALID


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (VALID[:17], "应为 18 位"),
        (VALID[:2] + "32O281" + VALID[8:], "行政区划码"),
        (VALID[:9] + "I" + VALID[10:], "不允许的字符：I"),
        (VALID[:17] + ("0" if VALID[17] != "0" else "1"), "校验位不正确"),
    ],
)
def test_bad_codes_are_refused_with_the_reason(value, message):
    with pytest.raises(ServiceError, match=message):
        clean_credit_code(value)


def test_a_known_real_format_passes():
    # The check character of a code is a function of its first 17 characters and nothing else.
    for first17 in ("91110000100000000", "12320281466010000", "52320281MJ0000000"):
        code = credit_code_with_check(first17)
        assert clean_credit_code(code) == code
