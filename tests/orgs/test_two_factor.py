"""A second factor (TOTP) for the plan office and administrators; optional for everyone else."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhijiao.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]


@pytest.fixture
def require_2fa():
    with override_settings(ZHIJIAO_REQUIRE_2FA=True):
        yield


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_office_must_enrol_before_anything_else(client, small_plan):
    office = small_plan.users["office"]
    client.force_login(office)
    response = client.get(reverse("admin:plan-dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:two-factor"))
    page = client.get(response["Location"]).content.decode()
    assert "启用两步验证" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=office, confirmed=False)

    wrong = client.post(
        reverse("admin:two-factor"),
        {"code": "000000" if code_for(device) != "000000" else "111111"},
    )
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow further tries down
    device.throttle_reset()
    response = client.post(
        reverse("admin:two-factor"), {"code": code_for(device), "next": "/plan/"}
    )
    assert response["Location"] == "/plan/"
    assert client.get(reverse("admin:plan-dashboard")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(actor=office, message="启用两步验证（TOTP）").exists()


def test_enrolled_user_verifies_at_each_sign_in(client, small_plan):
    office = small_plan.users["office"]
    device = TOTPDevice.objects.create(user=office, name="验证器", confirmed=True)
    client.force_login(office)
    response = client.get(reverse("admin:plan-dashboard"))
    assert response["Location"].startswith(reverse("admin:two-factor"))
    assert "启用两步验证" not in client.get(response["Location"]).content.decode()
    client.post(reverse("admin:two-factor"), {"code": code_for(device)})
    assert client.get(reverse("admin:plan-dashboard")).status_code == 200


def test_liaisons_are_not_forced(client, small_plan):
    client.force_login(small_plan.users["jyj"])
    assert client.get(reverse("admin:plan-workspace")).status_code == 200


def test_api_by_session_waits_for_the_second_factor(client, small_plan):
    client.force_login(small_plan.users["office"])
    response = client.get("/api/v1/plan/tasks")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_no_open_redirect_after_verification(client, small_plan):
    office = small_plan.users["office"]
    device = TOTPDevice.objects.create(user=office, name="验证器", confirmed=True)
    client.force_login(office)
    response = client.post(
        reverse("admin:two-factor"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_expired_password_and_second_factor_do_not_loop(client, small_plan):
    import datetime as dt

    from django.utils import timezone

    office = small_plan.users["office"]
    office.password_changed_at = timezone.now() - dt.timedelta(days=200)
    office.save(update_fields=["password_changed_at"])
    device = TOTPDevice.objects.create(user=office, name="验证器", confirmed=True)
    client.force_login(office)
    seen = []
    url = "/"
    for _ in range(5):
        response = client.get(url)
        seen.append(url)
        if response.status_code != 302:
            break
        url = response["Location"]
    assert response.status_code == 200, seen
    assert url.startswith(reverse("admin:two-factor"))  # identity first
    response = client.post(reverse("admin:two-factor"), {"code": code_for(device), "next": "/"})
    assert client.get(response["Location"])["Location"] == reverse("admin:password_change")
    assert client.get(reverse("admin:password_change")).status_code == 200
