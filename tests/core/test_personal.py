"""Personal data: SM4-GCM at rest, HMAC-SM3 lookup, masking, checked ID numbers, audited unmask."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import (
    DecryptionError,
    EncryptedCharField,
    _parse_keys,
    clean_id_number,
    clean_phone,
    decrypt,
    encrypt,
    lookup_digest,
    mask_id_number,
    mask_name,
    mask_phone,
    unmask,
)
from zhijiao.orgs.roles import Capability

VALID_ID = "11010519491231002X"  # the standard's own example


def test_encryption_round_trips_with_a_fresh_nonce_each_time():
    first, second = encrypt(VALID_ID), encrypt(VALID_ID)

    assert first != second  # same plaintext, different ciphertext
    assert VALID_ID not in first
    assert decrypt(first) == decrypt(second) == VALID_ID
    assert decrypt(encrypt("张三 138 0013 8000")) == "张三 138 0013 8000"


def test_tampered_or_foreign_ciphertext_is_refused():
    stored = encrypt(VALID_ID)
    key_id, _, token = stored.partition("$")
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]

    with pytest.raises(DecryptionError, match="篡改"):
        decrypt(f"{key_id}${flipped}")
    with pytest.raises(DecryptionError, match="未知的密钥编号"):
        decrypt("old9$" + token)
    with pytest.raises(DecryptionError):
        decrypt("not encrypted at all")


def test_keys_rotate_old_ciphertext_stays_readable(settings):
    old = encrypt(VALID_ID)
    settings.ZHIJIAO_DATA_KEYS = "new2:" + "11" * 16 + "," + settings.ZHIJIAO_DATA_KEYS

    fresh = encrypt(VALID_ID)

    assert fresh.startswith("new2$")
    assert decrypt(old) == decrypt(fresh) == VALID_ID


@pytest.mark.parametrize(
    ("data_keys", "lookup"),
    [
        ("", "cd" * 32),
        ("k1:zz", "cd" * 32),
        ("k1:" + "00" * 8, "cd" * 32),
        ("k1:" + "00" * 16, "ab"),
    ],
)
def test_malformed_keys_are_refused(data_keys, lookup):
    with pytest.raises(ImproperlyConfigured):
        _parse_keys(data_keys, lookup)


def test_lookup_digest_is_keyed_normalised_and_separated_by_purpose(settings):
    a = lookup_digest("11010519491231002x", purpose="id")

    assert a == lookup_digest(" 110105 19491231 002X ", purpose="id")
    assert a != lookup_digest("11010519491231002X", purpose="phone")
    assert len(a) == 64 and VALID_ID not in a
    settings.ZHIJIAO_LOOKUP_KEY = "ef" * 32
    assert lookup_digest(VALID_ID, purpose="id") != a


def test_masks_show_only_what_the_rules_allow():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("欧阳小明") == "欧***"
    assert mask_id_number("123") == "***"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "校验位不正确"),
        ("11010519491231002", "应为 18 位"),
        ("1101051949123100AX", "前 17 位应为数字"),
        ("110105194913310023", "出生日期不正确"),
        ("990105194912310023", "省级行政区划代码"),
        ("110105299912310023", "出生日期不正确"),
    ],
)
def test_id_numbers_are_checked_by_gb_11643(value, message):
    with pytest.raises(ServiceError, match=message):
        clean_id_number(value)


def test_valid_id_numbers_and_phones_are_normalised():
    assert clean_id_number(" 11010519491231002x ") == VALID_ID
    assert clean_phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ServiceError, match="11 位"):
        clean_phone("010-12345678")


def test_the_field_stores_ciphertext_and_reads_plaintext():
    field = EncryptedCharField()
    stored = field.get_prep_value(VALID_ID)

    assert stored != VALID_ID and decrypt(stored) == VALID_ID
    assert field.from_db_value(stored, None, connection) == VALID_ID
    assert field.get_prep_value("") == "" and field.from_db_value(None, None, connection) is None
    assert isinstance(field, models.TextField) and field.personal


@pytest.mark.django_db
def test_unmask_needs_the_capability_and_is_audited_either_way(small_plan):
    user = small_plan.users["office"]
    allowed = Capability.PLAN_VIEW_ALL  # the office holds it; a school clerk does not
    school = small_plan.users["school"]

    assert (
        unmask(user=user, obj=user, field="email", capability=allowed, reason="核对") == user.email
    )
    with pytest.raises(ServiceError) as refused:
        unmask(user=school, obj=user, field="email", capability=allowed)

    assert refused.value.status_code == 403
    events = AuditEvent.objects.filter(action=AuditAction.UNMASK).order_by("pk")
    assert [(e.actor_username, e.succeeded) for e in events] == [
        ("office", True),
        ("school", False),
    ]
    assert "核对" in events[0].message
