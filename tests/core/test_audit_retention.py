"""Audit rows are kept at least 180 days; older ones can be purged by the command alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from zhijiao.core.models import AuditAction, AuditEvent


@pytest.mark.django_db
def test_purge_keeps_the_minimum_retention():
    old = AuditEvent.objects.create(
        action=AuditAction.CREATE, occurred_at=timezone.now() - dt.timedelta(days=400)
    )
    recent = AuditEvent.objects.create(
        action=AuditAction.CREATE, occurred_at=timezone.now() - dt.timedelta(days=30)
    )
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("purgeaudit", "--days", "30")
    call_command("purgeaudit", "--days", "365")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, message__contains="清理").exists()


@pytest.mark.django_db
def test_recent_rows_cannot_be_deleted():
    recent = AuditEvent.objects.create(action=AuditAction.CREATE)
    with pytest.raises(RuntimeError):
        recent.delete()
    if connection.vendor == "postgresql":
        # The database itself refuses, whatever the application asks (SQLite keeps bulk deletes
        # possible because the test runner empties tables with DELETE between tests).
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=recent.pk).delete()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
