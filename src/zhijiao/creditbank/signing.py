"""The platform's signing key (Ed25519, from settings.ZHIJIAO_SIGNING_KEY): signs the ledger's
checkpoints now and Verifiable Credentials later.

The setting holds the 32-byte private seed as 64 hex digits (or ``ZHIJIAO_SIGNING_KEY_FILE``);
development and tests use fixed keys that say so, production refuses to start without one.
Verification needs only the public key, which is published with every checkpoint.
"""

from __future__ import annotations

from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _private_key(seed_hex: str) -> Ed25519PrivateKey:
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError as exc:
        raise ImproperlyConfigured("ZHIJIAO_SIGNING_KEY 应为 64 位十六进制") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured("ZHIJIAO_SIGNING_KEY 应为 64 位十六进制（Ed25519 私钥种子）")
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key() -> Ed25519PrivateKey:
    seed_hex = getattr(settings, "ZHIJIAO_SIGNING_KEY", "")
    if not seed_hex:
        raise ImproperlyConfigured("未配置平台签名密钥 ZHIJIAO_SIGNING_KEY")
    return _private_key(seed_hex)


def public_key_hex() -> str:
    """The platform's public key, 64 hex digits (raw Ed25519)."""
    return private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign(data: bytes) -> str:
    """The Ed25519 signature of ``data`` by the platform key, as 128 hex digits."""
    return private_key().sign(data).hex()


def signature_valid(public_key: str, data: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex) is ``public_key``'s (hex) signature of ``data``."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        key.verify(bytes.fromhex(signature), data)
    except (ValueError, InvalidSignature):
        return False
    return True
