"""等保 2.0 8.1.4.1 identity: password rules, lockout, session limits, password age."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.orgs.security import LOGIN_AT, SEEN_AT

LOGIN = "/login/"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "至少 8 个字符"),
        ("abcdefgh12", "至少 3 类"),
        ("Aa1!" * 17, "不能超过 64 个字符"),
        ("Password1", "太常见"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password, message):
    with pytest.raises(ValidationError) as err:
        validate_password(password)
    assert message in " ".join(err.value.messages)


def test_a_good_password_passes():
    validate_password("Jiangyin#2026zj")


@pytest.mark.django_db
def test_five_failures_lock_the_account_for_thirty_minutes(client):
    UserFactory(username="liaison")
    for _ in range(5):
        client.post(LOGIN, {"username": "liaison", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    # Even the right password, from another address, is refused while the account is locked.
    response = client.post(
        LOGIN, {"username": "liaison", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode() and "30 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, actor_username="liaison").exists()


@pytest.mark.django_db
def test_five_failures_from_one_address_lock_the_address(client):
    UserFactory(username="victim")
    for n in range(5):
        client.post(LOGIN, {"username": f"guess{n}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(
        LOGIN, {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429
    ok = client.post(LOGIN, {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert ok.status_code == 302


@pytest.mark.django_db
def test_idle_session_ends(client, small_plan):
    client.force_login(small_plan.users["office"])
    assert client.get(reverse("admin:plan-dashboard")).status_code == 200
    session = client.session
    session[SEEN_AT] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("admin:plan-dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:plan-dashboard")).status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.SESSION_END, actor=small_plan.users["office"]
    ).exists()


@pytest.mark.django_db
def test_session_has_an_absolute_limit(client, small_plan):
    client.force_login(small_plan.users["office"])
    client.get(reverse("admin:plan-dashboard"))
    session = client.session
    session[LOGIN_AT] = time.time() - 8 * 3600 - 1
    session.save()
    assert client.get(reverse("admin:plan-dashboard")).status_code == 302


@pytest.mark.django_db
def test_an_old_password_must_be_changed_first(client, small_plan):
    user = small_plan.users["jyj"]
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    client.force_login(user)
    response = client.get(reverse("admin:plan-workspace"))
    assert response["Location"] == reverse("admin:password_change")
    assert client.get(reverse("admin:password_change")).status_code == 200
    new = "Jiangyin#2026new"
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:plan-workspace")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=user).exists()


@pytest.mark.django_db
def test_idle_accounts_are_disabled_by_a_command():
    from django.core.management import call_command

    old = UserFactory(username="old", last_login=timezone.now() - dt.timedelta(days=120))
    fresh = UserFactory(username="fresh", last_login=timezone.now() - dt.timedelta(days=3))
    call_command("disableidle", "--days", "90")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.is_active, fresh.is_active) == (False, True)
    assert AuditEvent.objects.filter(object_id=str(old.pk), action=AuditAction.UPDATE).exists()
