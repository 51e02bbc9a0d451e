"""Password rules of 等保 2.0 level 3 (8.1.4.1): length and character classes.

Django's own validators add the common-password list and similarity to the account's names.
"""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("符号", lambda c: not c.isalnum() and not c.isspace()),
)


class ComplexityValidator:
    """8 to 64 characters, from at least 3 of: upper case, lower case, digits, symbols."""

    def __init__(self, min_length: int = 8, max_length: int = 64, min_classes: int = 3) -> None:
        self.min_length, self.max_length, self.min_classes = min_length, max_length, min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码至少 {self.min_length} 个字符。", code="password_too_short")
        if len(password) > self.max_length:
            raise ValidationError(
                f"密码不能超过 {self.max_length} 个字符。", code="password_too_long"
            )
        present = [name for name, test in CLASSES if any(test(c) for c in password)]
        if len(present) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类（当前只有"
                f"{'、'.join(present) or '0 类'}）。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return (
            f"{self.min_length}–{self.max_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 "
            f"{self.min_classes} 类，不能是常见密码，不能与账号信息相近。"
        )
