"""Each learner's own data key: whatever personal detail the ledger or the history keeps (the name
on record, a corrected name) is sealed with it, never with the platform key alone.

The key is 128 random bits, stored on the learner encrypted by the platform key
(:class:`zhijiao.core.personal.EncryptedCharField`). Sealing is SM4-GCM with the account number as
associated data, so a sealed value cannot be moved to another account. Erasing a learner (PIPL
art. 47) destroys the key: the sealed texts stay where they are — the ledger's hashes still match —
but nobody can read them any more (crypto-shredding).
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core.errors import ServiceError

from .data import CreditErrorCode

PREFIX = "lk1$"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 16
# What a page shows where a sealed value can no longer be read.
UNREADABLE = gettext_lazy("（已删除）")


class KeyHolder(Protocol):
    account_number: str
    data_key: str


class SealBroken(Exception):
    """A sealed value that cannot be opened: the key was destroyed, or the text was altered."""


def new_data_key() -> str:
    """A fresh learner data key, as hex (the platform key encrypts it at rest)."""
    return os.urandom(KEY_BYTES).hex()


def _key(holder: KeyHolder) -> bytes:
    if not holder.data_key:
        raise SealBroken("该学习者的数据密钥已销毁")
    try:
        key = bytes.fromhex(holder.data_key)
    except ValueError as exc:
        raise SealBroken("数据密钥格式错误") from exc
    if len(key) != KEY_BYTES:
        raise SealBroken("数据密钥长度错误")
    return key


def seal(holder: KeyHolder, text: str) -> str:
    """``text`` sealed with the learner's key, bound to their account number."""
    try:
        key = _key(holder)
    except SealBroken as exc:
        raise ServiceError(
            CreditErrorCode.ERASED, _("该学习者的个人信息已删除，不能再记录个人信息")
        ) from exc
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(holder.account_number.encode("ascii"))
    body = encryptor.update(text.encode("utf-8")) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def unseal(holder: KeyHolder, sealed: str) -> str:
    """The text of a sealed value; raises :class:`SealBroken` when it cannot be read."""
    if not sealed.startswith(PREFIX):
        raise SealBroken("不是密封的值")
    key = _key(holder)
    try:
        raw = base64.b64decode(sealed[len(PREFIX) :], validate=True)
    except binascii.Error as exc:
        raise SealBroken("密文格式错误") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise SealBroken("密文长度错误")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(holder.account_number.encode("ascii"))
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except InvalidTag as exc:
        raise SealBroken("密文校验失败") from exc


def unseal_or_placeholder(holder: KeyHolder, sealed: str) -> str:
    """For display: the text, or “（已删除）” once the key is gone."""
    try:
        return unseal(holder, sealed)
    except SealBroken:
        return str(UNREADABLE)
