"""What the platform logs never holds personal data or secrets in clear: sign-in attempts,
tokens, unmasked values and failing requests are logged at DEBUG and scanned."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from zhijiao.core.personal import encrypt, unmask
from zhijiao.orgs.roles import Capability
from zhijiao.orgs.services import token_create

ID_NUMBER = "11010519491231002X"
ID_PATTERN = re.compile(r"\d{17}[\dXx]")
PHONE_PATTERN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.mark.django_db
def test_logs_hold_no_personal_data_or_secrets(client, small_plan, caplog):
    caplog.set_level(logging.DEBUG)
    office = small_plan.users["office"]
    office.email = "13800138000@example.invalid"
    office.save(update_fields=["email"])

    client.post(reverse("admin:login"), {"username": "office", "password": "wrong-" + PASSWORD})
    client.post(reverse("admin:login"), {"username": "office", "password": PASSWORD})
    token = token_create(user=office)
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/v1/plan/tasks/999", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/v1/nowhere")
    encrypt(ID_NUMBER)
    unmask(user=office, obj=office, field="email", capability=Capability.PLAN_VIEW_ALL)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # the flows above did log
    for secret in (PASSWORD, token, ID_NUMBER, "13800138000"):
        assert secret not in logged
    assert not ID_PATTERN.search(logged)
    assert not PHONE_PATTERN.search(logged)
