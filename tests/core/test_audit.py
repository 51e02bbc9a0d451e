"""The audit trail: logins, data changes, append-only in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from zhijiao.core.models import AuditAction, AuditEvent


@pytest.mark.django_db
def test_login_success_and_failure_are_audited(client):
    user = UserFactory(username="liaison")
    client.post(
        reverse("admin:login"),
        {"username": "liaison", "password": "wrong-password"},
        REMOTE_ADDR="10.1.2.3",
    )
    client.post(
        reverse("admin:login"),
        {"username": "liaison", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.4",
    )
    failure = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILURE)
    assert (failure.actor_username, failure.succeeded, failure.address) == (
        "liaison",
        False,
        "10.1.2.3",
    )
    success = AuditEvent.objects.get(action=AuditAction.LOGIN_SUCCESS)
    assert (success.actor, success.address, success.actor_unit) == (
        user,
        "10.1.2.4",
        user.unit.name,
    )


@pytest.mark.django_db
def test_wrong_password_message_is_chinese(client):
    UserFactory(username="liaison")
    response = client.post(reverse("admin:login"), {"username": "liaison", "password": "nope"})
    assert "用户名或密码错误" in response.content.decode()


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_by_the_application():
    event = AuditEvent.objects.create(action=AuditAction.CREATE, message="原始")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_in_the_database():
    event = AuditEvent.objects.create(action=AuditAction.CREATE, message="原始")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(message="篡改")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.message == "原始"


@pytest.mark.django_db
def test_admin_changes_are_audited_with_before_and_after(client, small_plan):
    client.force_login(small_plan.users["sysadmin"])
    unit = small_plan.units["某企业"]
    response = client.post(
        reverse("admin:orgs_unit_change", args=[unit.pk]),
        {
            "name": "某企业集团",
            "short_name": "",
            "kind": "enterprise",
            "parent": "",
            "aliases": "[]",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(object_type="orgs.Unit", object_id=str(unit.pk)).latest("id")
    assert event.action == AuditAction.UPDATE
    assert event.changes["name"] == ["某企业", "某企业集团"]
    assert event.actor == small_plan.users["sysadmin"]


@pytest.mark.django_db
def test_audit_administrator_exports_the_trail(client, small_plan):
    import io

    import openpyxl

    AuditEvent.objects.create(action=AuditAction.CREATE, actor_username="jyj", message="示例记录")
    client.force_login(small_plan.users["auditor"])
    ids = list(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "export_xlsx", "_selected_action": ids},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:5] == ["时间", "账号", "所属单位", "地址", "操作"]
    assert any(row[9] == "示例记录" for row in sheet.iter_rows(min_row=2, values_only=True))
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=small_plan.users["auditor"]
    ).exists()
    # nobody else can
    client.force_login(small_plan.users["office"])
    denied = client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "export_xlsx", "_selected_action": ids},
    )
    assert denied.status_code == 403


@pytest.mark.django_db
def test_health_endpoint_is_public_and_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_security_headers(client, small_plan):
    anonymous = client.get("/login/")
    assert "frame-ancestors 'none'" in anonymous["Content-Security-Policy"]
    assert anonymous["X-Content-Type-Options"] == "nosniff"
    assert anonymous["X-Frame-Options"] == "DENY"
    assert anonymous["Referrer-Policy"] == "same-origin"
    client.force_login(small_plan.users["office"])
    assert client.get(reverse("admin:plan-dashboard"))["Cache-Control"] == "no-store"
