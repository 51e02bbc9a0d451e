"""The public privacy notice (PIPL art. 17) and its inventory of personal data."""

import pytest
from django.apps import apps

from zhijiao.core.personal import EncryptedCharField
from zhijiao.core.views import PERSONAL_DATA_INVENTORY


@pytest.mark.django_db
def test_the_notice_is_public_and_names_purpose_protection_and_rights(client):
    response = client.get("/privacy/")

    assert response.status_code == 200
    text = response.content.decode()
    for words in ("第十七条", "SM4", "脱敏", "审计", "境内", "查阅、复制、更正", "身份证号"):
        assert words in text
    for whom, *_ in PERSONAL_DATA_INVENTORY:
        assert str(whom) in text  # a label marked for translation


def test_every_model_holding_encrypted_personal_data_is_in_the_notice():
    holders = {
        model._meta.label
        for model in apps.get_models()
        if any(isinstance(f, EncryptedCharField) for f in model._meta.get_fields())
    }
    listed = {label for *_, labels in PERSONAL_DATA_INVENTORY for label in labels}

    assert holders, "the registries hold encrypted personal data"
    assert holders <= listed, f"add to PERSONAL_DATA_INVENTORY: {sorted(holders - listed)}"
