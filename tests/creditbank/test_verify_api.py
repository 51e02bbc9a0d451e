"""GET /api/v1/creditbank/verify/{code} and /keys without signing in: genuine, current, revoked,
altered and forged codes answered in Chinese, with no more personal data than the holder shared."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhijiao.creditbank import services, signing
from zhijiao.creditbank.models import CreditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(bank):
    learner = bank.open(name="吴小飞", phone="13912345678")
    bank.rule()
    bank.apply(learner, [bank.cert(learner)])
    return services.transcript_share_create(user=bank.office, learner=learner)


def verify(client, code: str):
    response = client.get(f"/api/v1/creditbank/verify/{code}")
    assert response.status_code == 200
    return response.json()


def test_a_genuine_code_answers_with_the_shared_data_only(client, share):
    answer = verify(client, share.code)

    assert (answer["status"], answer["genuine"], answer["current"], answer["revoked"]) == (
        "valid",
        True,
        True,
        False,
    )
    assert answer["name"] == "吴**" and answer["account"] == share.learner.account_number
    assert [r["course"] for r in answer["records"]] == ["工业机器人编程", "工业机器人运维"]
    text = str(answer)
    assert share.learner.id_number not in text and "13912345678" not in text


def test_a_forged_code_gets_a_clear_chinese_answer(client, share):
    answer = verify(client, "ABCD-EFGH-JKMN")

    assert answer["status"] == "not_found" and not answer["genuine"]
    assert "谨防伪造" in answer["message"] and answer["records"] == []


def test_an_altered_record_is_reported_and_nothing_changes(client, share):
    CreditRecord.objects.filter(course__code="JD101").update(credits=Decimal(4.5))

    answer = verify(client, share.code)

    assert answer["status"] == "altered" and not answer["genuine"]
    assert "可能被篡改" in answer["message"]
    assert answer["records"] == []


def test_a_revoked_record_presented_for_verification_says_so(client, bank, share):
    services.credit_revoke(
        user=bank.office, application=share.learner.applications.get(), reason="证书系伪造"
    )

    answer = verify(client, share.code)

    assert (answer["status"], answer["genuine"], answer["current"], answer["revoked"]) == (
        "revoked",
        True,
        False,
        True,
    )
    assert all("证书系伪造" in r["note"] for r in answer["records"])


def test_a_withdrawn_share_is_no_longer_current(client, bank, share):
    services.transcript_share_revoke(user=bank.office, share=share, reason="学习者要求")

    answer = verify(client, share.code)

    assert answer["status"] == "revoked" and answer["details"] == ["学习者要求"]


def test_a_browser_gets_the_page(client, share):
    response = client.get(f"/api/v1/creditbank/verify/{share.code}", HTTP_ACCEPT="text/html")

    assert response["Content-Type"].startswith("text/html")
    assert "真实有效" in response.content.decode()


def test_the_public_key_is_published(client):
    answer = client.get("/api/v1/creditbank/keys").json()

    assert answer["public_key_hex"] == signing.public_key_hex()
    assert answer["did"].startswith("did:key:z6Mk") and answer["algorithm"] == "Ed25519"


def test_the_public_page_answers_a_typed_code(client, share):
    empty = client.get("/verify/")
    answered = client.get(f"/verify/{share.code.lower()}/")

    assert empty.status_code == 200 and "核验码" in empty.content.decode()
    assert "真实有效" in answered.content.decode()
    assert answered["Cache-Control"] == "no-store"
