"""Password rules of 等保 2.0 level 3 (8.1.4.1): length and character classes.

Django's own validators add the common-password list and similarity to the account's names.
"""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CLASSES = (
    (gettext_lazy("大写字母"), lambda c: c in string.ascii_uppercase),
    (gettext_lazy("小写字母"), lambda c: c in string.ascii_lowercase),
    (gettext_lazy("数字"), lambda c: c in string.digits),
    (gettext_lazy("符号"), lambda c: not c.isalnum() and not c.isspace()),
)


class ComplexityValidator:
    """8 to 64 characters, from at least 3 of: upper case, lower case, digits, symbols."""

    def __init__(self, min_length: int = 8, max_length: int = 64, min_classes: int = 3) -> None:
        self.min_length, self.max_length, self.min_classes = min_length, max_length, min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码至少 {count} 个字符。").format(count=self.min_length),
                code="password_too_short",
            )
        if len(password) > self.max_length:
            raise ValidationError(
                _("密码不能超过 {count} 个字符。").format(count=self.max_length),
                code="password_too_long",
            )
        present = [name for name, test in CLASSES if any(test(c) for c in password)]
        if len(present) < self.min_classes:
            raise ValidationError(
                _(
                    "密码须包含大写字母、小写字母、数字、符号中的至少 {count} 类（当前只有{present}）。"
                ).format(
                    count=self.min_classes,
                    present="、".join(str(name) for name in present) or _("0 类"),
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "{min_length}–{max_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 "
            "{min_classes} 类，不能是常见密码，不能与账号信息相近。"
        ).format(
            min_length=self.min_length, max_length=self.max_length, min_classes=self.min_classes
        )
