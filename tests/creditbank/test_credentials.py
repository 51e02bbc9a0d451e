"""A learner's credits as W3C Verifiable Credentials / Open Badges 3.0, each with an
eddsa-jcs-2022 proof by the platform key: verified offline with the published key, and any
alteration, or another key, makes verification fail."""

from __future__ import annotations

import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from zhijiao.creditbank import credentials, services, signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(client, bank, learner_account):
    learner = learner_account(name="郑小龙")
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)])
    other = bank.apply(learner, [bank.cert(learner, certificate="ELEC", level=3)], to="draft")
    assert other.status == "draft"
    client.force_login(bank.users["learner"])
    response = client.get(reverse("admin:creditbank-credentials"))
    assert response.status_code == 200
    return learner, app, json.loads(response.content)


def test_the_export_holds_one_signed_open_badge_per_standing_credit(exported):
    learner, _app, document = exported

    assert document["publicKeyHex"] == signing.public_key_hex()
    creds = document["credentials"]
    assert len(creds) == 2
    first = creds[0]
    assert first["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert first["credentialSubject"]["id"].endswith(learner.account_number)
    assert first["credentialSubject"]["achievement"]["name"] == "工业机器人编程"
    assert first["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    text = json.dumps(document, ensure_ascii=False)
    assert "郑小龙" not in text and learner.id_number not in text


def test_a_credential_verifies_offline_with_the_published_key(exported):
    for credential in exported[2]["credentials"]:
        assert credentials.verify_credential(credential, public_key_hex=signing.public_key_hex())


@pytest.mark.parametrize(
    "alter",
    [
        lambda c: c["credentialSubject"].__setitem__("creditsEarned", 40),
        lambda c: c["credentialSubject"]["achievement"].__setitem__("name", "高等数学"),
        lambda c: c.__setitem__("validFrom", "2020-01-01T00:00:00Z"),
        lambda c: c["proof"].__setitem__("created", "2020-01-01T00:00:00Z"),
        lambda c: c["proof"].__setitem__("proofValue", c["proof"]["proofValue"][:-2] + "11"),
        lambda c: c.pop("proof"),
    ],
)
def test_an_altered_credential_is_rejected(exported, alter):
    credential = copy.deepcopy(exported[2]["credentials"][0])
    alter(credential)

    assert not credentials.verify_credential(credential, public_key_hex=signing.public_key_hex())


def test_a_credential_signed_by_another_key_is_rejected(exported):
    forged = copy.deepcopy(exported[2]["credentials"][0])
    key = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    other_hex = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    did = credentials.did_key(other_hex)
    forged["issuer"]["id"] = did
    unsigned = {k: v for k, v in forged.items() if k != "proof"}
    options = {
        **forged["proof"],
        "verificationMethod": f"{did}#x",
        "@context": unsigned["@context"],
    }
    options.pop("proofValue")
    signature = key.sign(credentials._signing_input(unsigned, options))
    forged["proof"] = {
        **{k: v for k, v in options.items() if k != "@context"},
        "proofValue": "z" + credentials.b58encode(signature),
    }

    assert credentials.verify_credential(forged)  # sound in itself …
    assert not credentials.verify_credential(forged, public_key_hex=signing.public_key_hex())


def test_a_revoked_credit_is_no_longer_exported(client, bank, exported):
    learner, app, _document = exported
    services.credit_revoke(user=bank.office, application=app, reason="证书注销")

    document = json.loads(client.get(reverse("admin:creditbank-credentials")).content)

    assert document["credentials"] == []


def test_base58_and_did_key_round_trip():
    data = b"\x00\x00\x01\x02\xff"
    assert credentials.b58decode(credentials.b58encode(data)) == data
    key = signing.public_key_hex()
    assert credentials.public_key_of_did(credentials.did_key(key)).hex() == key
