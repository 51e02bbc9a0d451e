"""Personal data (个人信息): encrypted at rest, found by a keyed hash, masked on screen, unmasked
only with a capability and an audit row.

- Encryption is SM4 in GCM mode (GB/T 32907, via the ``cryptography`` package): every value gets
  a fresh 96-bit nonce; the stored text is ``<key id>$<base64(nonce ‖ ciphertext ‖ tag)>``, so keys
  can be rotated (old key ids stay readable) and any tampering fails the tag check.
- Lookup and de-duplication use HMAC-SM3 over the normalised value with a separate key: equal
  values give equal digests, and the digest reveals nothing without the key.
- Keys come from the environment (``ZHIJIAO_DATA_KEYS``: ``id:hex32[,id:hex32…]``, the first one
  encrypts; ``ZHIJIAO_LOOKUP_KEY``: hex), or ``*_FILE``. Production refuses to start without them;
  development and tests use fixed keys that say so.

A model declares such a field as :class:`EncryptedCharField` (plaintext in Python, ciphertext in
the database) beside a :class:`LookupField` for searching; pages show :func:`mask_id_number` /
:func:`mask_phone`; :func:`unmask` is the one way to show a value in full.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac as std_hmac
import os
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from stdnum.cn import ric

from .errors import ServiceError

NONCE_BYTES = 12
TAG_BYTES = 16


class PersonalErrorCode(StrEnum):
    BAD_ID_NUMBER = "bad_id_number"
    BAD_PHONE = "bad_phone"
    NOT_ALLOWED = "not_allowed"


class DecryptionError(Exception):
    """Stored ciphertext that cannot be read: unknown key id, damaged or tampered with."""


@dataclass(frozen=True)
class Keys:
    encrypt_id: str
    data: dict[str, bytes]
    lookup: bytes


def _parse_keys(data_keys: str, lookup_key: str) -> Keys:
    keys: dict[str, bytes] = {}
    first = ""
    for item in filter(None, (p.strip() for p in data_keys.split(","))):
        key_id, _, hex_key = item.partition(":")
        try:
            raw = bytes.fromhex(hex_key)
        except ValueError as exc:
            raise ImproperlyConfigured(f"ZHIJIAO_DATA_KEYS：密钥 {key_id} 不是十六进制") from exc
        if len(raw) != 16 or not key_id.isalnum():
            raise ImproperlyConfigured(
                "ZHIJIAO_DATA_KEYS 应为“编号:32位十六进制”（SM4 密钥 128 位），多个用逗号分隔"
            )
        keys[key_id] = raw
        first = first or key_id
    if not keys:
        raise ImproperlyConfigured("未配置个人信息加密密钥 ZHIJIAO_DATA_KEYS")
    try:
        lookup = bytes.fromhex(lookup_key)
    except ValueError as exc:
        raise ImproperlyConfigured("ZHIJIAO_LOOKUP_KEY 应为十六进制") from exc
    if len(lookup) < 32:
        raise ImproperlyConfigured("ZHIJIAO_LOOKUP_KEY 至少 256 位（64 位十六进制）")
    return Keys(first, keys, lookup)


@cache
def _keys_for(data_keys: str, lookup_key: str) -> Keys:
    return _parse_keys(data_keys, lookup_key)


def keys() -> Keys:
    return _keys_for(settings.ZHIJIAO_DATA_KEYS, settings.ZHIJIAO_LOOKUP_KEY)


def encrypt(plaintext: str) -> str:
    k = keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(k.data[k.encrypt_id]), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode("ascii")
    return f"{k.encrypt_id}${token}"


def decrypt(stored: str) -> str:
    key_id, sep, token = stored.partition("$")
    key = keys().data.get(key_id)
    if not sep or key is None:
        raise DecryptionError(f"未知的密钥编号“{key_id}”")
    try:
        raw = base64.b64decode(token, validate=True)
    except binascii.Error as exc:
        raise DecryptionError("密文格式错误") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("密文长度错误")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptionError("密文校验失败（可能被篡改）") from exc


def lookup_digest(value: str, *, purpose: str) -> str:
    """HMAC-SM3 of the normalised value; ``purpose`` keeps digests of different kinds apart."""
    mac = hmac.HMAC(keys().lookup, hashes.SM3())
    mac.update(f"{purpose}\x00{normalise(value)}".encode())
    return mac.finalize().hex()


def digests_equal(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a, b)


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


# ---------------------------------------------------------------- identity numbers and phones


# The province-level codes of GB/T 2260 (first two digits of every 身份证号).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


def clean_id_number(value: str) -> str:
    """A 身份证号 checked by GB 11643: 18 characters, a known province, a real birth date that is
    not in the future, and the ISO 7064 MOD 11-2 check digit; a Chinese error otherwise.

    The region code is not checked against today's list of counties: numbers issued by a county
    that was later renamed or merged stay valid for life.
    """
    text = normalise(value).replace("Ｘ", "X").replace("x", "X")
    if len(text) != 18:
        message = gettext("身份证号应为 18 位，现在是 {count} 位").format(count=len(text))
    elif not text[:17].isdecimal() or not (text[17].isdecimal() or text[17] == "X"):
        message = gettext("身份证号前 17 位应为数字，最后一位为数字或 X")
    elif text[:2] not in _PROVINCES:
        message = gettext("身份证号前两位不是有效的省级行政区划代码")
    elif not _birth_date_valid(text[6:14]):
        message = gettext("身份证号中的出生日期不正确")
    elif ric.calc_check_digit(text) != text[17]:
        message = gettext("身份证号校验位不正确，请核对最后一位")
    else:
        return text
    raise ServiceError(PersonalErrorCode.BAD_ID_NUMBER, message)


def _birth_date_valid(digits: str) -> bool:
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= timezone.localdate()


def clean_phone(value: str) -> str:
    text = "".join(ch for ch in value if ch.isdecimal())
    if len(text) == 13 and text.startswith("86"):
        text = text[2:]
    if len(text) != 11 or not text.startswith("1"):
        raise ServiceError(PersonalErrorCode.BAD_PHONE, gettext("手机号应为以 1 开头的 11 位数字"))
    return text


def mask_id_number(value: str) -> str:
    """First 6 and last 4 shown: 320281********1234."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*、欧阳**：the family name stays, the given name is hidden."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


# ---------------------------------------------------------------- model fields


class EncryptedCharField(models.TextField):
    """Plaintext in Python, SM4-GCM ciphertext in the database. Not searchable: pair it with a
    :class:`LookupField`. Declares personal data (``personal = True``)."""

    personal = True

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


class LookupField(models.CharField):
    """The HMAC-SM3 digest of a personal value, for exact lookup and uniqueness."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


def unmask(*, user: Any, obj: models.Model, field: str, capability: Any, reason: str = "") -> str:
    """The full value of a personal field, for a user whose role may see it; audited either way."""
    from . import audit
    from .models import AuditAction

    label = str(getattr(obj._meta.get_field(field), "verbose_name", field))
    if not user.can(capability):
        audit.record(
            AuditAction.UNMASK,
            obj=obj,
            actor=user,
            succeeded=False,
            message=f"查看完整{label}被拒绝",
        )
        raise ServiceError(
            PersonalErrorCode.NOT_ALLOWED,
            gettext("您没有查看完整{label}的权限").format(label=label),
            status_code=403,
        )
    audit.record(
        AuditAction.UNMASK,
        obj=obj,
        actor=user,
        message=f"查看完整{label}" + (f"：{reason}" if reason else ""),
    )
    return str(getattr(obj, field))
