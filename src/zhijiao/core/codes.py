"""National codes that identify organisations, checked before they are stored.

统一社会信用代码 (GB 32100-2015): 18 characters — the registering authority, the kind of
organisation, the 6-digit region code of the registration, the 9-character organisation code and a
check character computed over the first 17 (weights 3^i mod 31 over the 31-character alphabet that
leaves out I, O, S, V and Z).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from .errors import ServiceError

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class CodeErrorCode(StrEnum):
    BAD_CREDIT_CODE = "bad_credit_code"


def clean_credit_code(value: str) -> str:
    """A 统一社会信用代码, upper-cased without spaces; a Chinese error naming what is wrong."""
    text = "".join(value.split()).upper()
    if len(text) != 18:
        message = _("统一社会信用代码应为 18 位，现在是 {count} 位").format(count=len(text))
    elif not text[2:8].isdecimal():
        message = _("统一社会信用代码第 3–8 位应为登记机关行政区划码（数字）")
    elif bad := sorted({ch for ch in text if ch not in _ALPHABET}):
        message = _(
            "统一社会信用代码含有不允许的字符：{items}（不使用 I、O、S、V、Z 及小写字母）"
        ).format(items="、".join(bad))
    elif uscc.calc_check_digit(text[:17]) != text[17]:
        message = _("统一社会信用代码校验位不正确，请核对最后一位")
    else:
        return text
    raise ServiceError(CodeErrorCode.BAD_CREDIT_CODE, message)


def validate_credit_code(value: str) -> None:
    """The model-field validator (admin forms): the same check, as a ValidationError."""
    if value:
        try:
            clean_credit_code(value)
        except ServiceError as error:
            raise ValidationError(error.message, code=str(error.code)) from error


def credit_code_with_check(first17: str) -> str:
    """The full code for 17 characters (demo data and tests build valid codes with it)."""
    return first17 + uscc.calc_check_digit(first17)
