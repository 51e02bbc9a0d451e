"""A learner's credits as W3C Verifiable Credentials (VC Data Model 2.0) of the Open Badges 3.0
kind (``OpenBadgeCredential``), one per standing credit, each signed by the platform key.

The proof is a Data Integrity proof with the ``eddsa-jcs-2022`` cryptosuite: Ed25519 over
SHA-256(JCS(proof options)) ‖ SHA-256(JCS(credential without proof)), the signature written in
multibase base58btc. The issuer is the platform's ``did:key`` (the Ed25519 public key itself), so
a credential verifies offline with nothing but this file's :func:`verify_credential` — or any
eddsa-jcs-2022 implementation — and the published key (``/api/v1/creditbank/keys``) tells that
the key is the platform's.

No personal data: the subject is the pseudonymous account number, never the name or 身份证号.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import signing
from .data import format_credits
from .models import CreditRecord, Learner

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"
ISSUER_NAME = "江阴市职业教育学分银行"
# Multicodec prefix of an Ed25519 public key in a did:key (0xed, varint-encoded).
ED25519_PREFIX = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ID_NAMESPACE = uuid.UUID("6f1c54a2-8f6e-4e83-9d4e-2f1b7c3a9d10")


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, rest = divmod(number, 58)
        text = _B58[rest] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ValueError("不是 base58 文本")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON of the values used here (text, integers, objects, lists):
    sorted keys, no whitespace, UTF-8. Non-integral numbers are refused rather than guessed."""

    def check(item: Any) -> None:
        if isinstance(item, float) and not item.is_integer():
            raise ValueError("JCS: 请用整数或文本表示数值")
        if isinstance(item, dict):
            for v in item.values():
                check(v)
        elif isinstance(item, list):
            for v in item:
                check(v)

    check(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def did_key(public_key_hex: str) -> str:
    """The did:key of a raw Ed25519 public key (64 hex digits)."""
    return "did:key:z" + b58encode(ED25519_PREFIX + bytes.fromhex(public_key_hex))


def public_key_of_did(did: str) -> bytes:
    """The raw Ed25519 key in a did:key (or its verification method ``did#fragment``)."""
    did = did.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        raise ValueError("不是 did:key")
    raw = b58decode(did.removeprefix("did:key:z"))
    if not raw.startswith(ED25519_PREFIX) or len(raw) != 34:
        raise ValueError("不是 Ed25519 的 did:key")
    return raw[2:]


def platform_did() -> str:
    return did_key(signing.public_key_hex())


def _signing_input(document: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    return (
        hashlib.sha256(jcs(dict(options))).digest() + hashlib.sha256(jcs(dict(document))).digest()
    )


def sign_credential(document: Mapping[str, Any], *, created: dt.datetime) -> dict[str, Any]:
    """The credential with an eddsa-jcs-2022 proof by the platform key."""
    did = platform_did()
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
        "@context": unsigned["@context"],
    }
    signature = signing.private_key().sign(_signing_input(unsigned, options))
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = "z" + b58encode(signature)
    return {**unsigned, "proof": proof}


def verify_credential(document: Mapping[str, Any], *, public_key_hex: str = "") -> bool:
    """Whether a credential's eddsa-jcs-2022 proof holds — offline, from the document alone;
    and, when ``public_key_hex`` is given, whether it was made by that key (the platform's
    published key) and names that key's did:key as issuer."""
    try:
        doc = copy.deepcopy(dict(document))
        proof = dict(doc.pop("proof"))
        if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
            return False
        method = str(proof["verificationMethod"])
        key = public_key_of_did(method)
        issuer = doc.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id != method.split("#", 1)[0]:
            return False
        if public_key_hex and key != bytes.fromhex(public_key_hex):
            return False
        value = str(proof.pop("proofValue"))
        if not value.startswith("z"):
            return False
        signature = b58decode(value[1:])
        options = {**proof, "@context": doc["@context"]}
        Ed25519PublicKey.from_public_bytes(key).verify(signature, _signing_input(doc, options))
    except (KeyError, TypeError, ValueError, InvalidSignature):
        return False
    return True


def _number(value: Decimal) -> int | str:
    # OB 3.0 gives credits as a number; JCS and this file keep to integers, so a half credit
    # (1.5) goes as text — exact, and no float ever enters a signed document.
    return int(value) if value == value.to_integral_value() else format_credits(value)


def record_credential(record: CreditRecord, *, issued: dt.datetime) -> dict[str, Any]:
    """One standing credit as a signed OpenBadgeCredential. What is signed is written in the
    installation's language whoever downloads it: one credential id, one content."""
    with translation.override(settings.LANGUAGE_CODE):
        return _record_credential(record, issued=issued)


def _record_credential(record: CreditRecord, *, issued: dt.datetime) -> dict[str, Any]:
    programme = record.programme
    school = programme.school
    entry = record.entry
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{record.pk}:{entry.hash}')}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": platform_did(), "type": ["Profile"], "name": ISSUER_NAME},
        "validFrom": f"{record.credited_on.isoformat()}T00:00:00Z",
        "name": f"学分认定：{record.course.name}",
        "credentialSubject": {
            "id": f"urn:zhijiao:creditbank:account:{record.learner.account_number}",
            "type": ["AchievementSubject"],
            "creditsEarned": _number(record.credits),
            "achievement": {
                "id": f"urn:zhijiao:creditbank:course:{programme.pk}:{record.course.code}",
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": record.course.name,
                "description": f"{school.name}{programme.major_name}专业课程"
                f"（{programme.get_education_level_display()}）",
                "criteria": {
                    "narrative": f"经学分银行认定，依据规则 {record.rule_code} 第 "
                    f"{record.rule_version} 版转换"
                },
                "creditsAvailable": _number(record.course.credits),
                "fieldOfStudy": programme.major_name,
            },
        },
        "evidence": [
            {
                "id": f"urn:zhijiao:creditbank:ledger:{entry.seq}",
                "type": ["Evidence"],
                "name": f"学分银行账本第 {entry.seq} 号",
                "narrative": f"SM3 {entry.hash}",
            }
        ],
    }
    return sign_credential(document, created=issued)


def learner_credentials(learner: Learner, *, issued: dt.datetime) -> list[dict[str, Any]]:
    """Every standing credit of the learner, each as a signed credential."""
    records: Sequence[CreditRecord] = list(
        CreditRecord.objects.filter(learner=learner, revoked_at__isnull=True)
        .select_related("course", "programme__school", "entry", "learner")
        .order_by("credited_on", "pk")
    )
    return [record_credential(r, issued=issued) for r in records]


def export_document(learner: Learner, *, issued: dt.datetime) -> dict[str, Any]:
    """What the learner downloads: the credentials and how to check them offline."""
    return {
        "issuer": platform_did(),
        "publicKeyHex": signing.public_key_hex(),
        "verification": _(
            "每份凭证带有 eddsa-jcs-2022 数据完整性证明（Ed25519），"
            "可用平台公布的公钥离线核验；凭证主体为学习账号，不含姓名和身份证号。"
        ),
        "credentials": learner_credentials(learner, issued=issued),
    }
