from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhijiao.orgs.roles import Capability

from .admin_base import ScopedModelAdmin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    """The audit trail, read-only, for the audit administrator."""

    view_capability = Capability.AUDIT_VIEW
    list_display = ["occurred_at", "actor_username", "actor_unit", "address", "action", "succeeded",
                    "object_type", "object_repr", "message"]
    list_filter = ["action", "succeeded", "object_type"]
    search_fields = ["actor_username", "object_repr", "message", "object_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
