from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest

from zhijiao.orgs.roles import Capability

from .admin_base import ScopedModelAdmin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    """The audit trail, read-only, for the audit administrator."""

    view_capability = Capability.AUDIT_VIEW
    list_display = [
        "occurred_at",
        "who",
        "actor_unit",
        "address",
        "action",
        "succeeded",
        "object_kind",
        "object_repr",
        "message",
    ]
    list_filter = ["action", "succeeded", "object_type"]
    search_fields = ["actor_username", "object_repr", "message", "object_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description="账号", ordering="actor_username")
    def who(self, obj: AuditEvent) -> str:
        return obj.actor_username or "系统（命令行）"

    @admin.display(description="对象类型", ordering="object_type")
    def object_kind(self, obj: AuditEvent) -> str:
        try:
            return str(apps.get_model(obj.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return obj.object_type

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
