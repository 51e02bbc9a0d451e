from __future__ import annotations

import io
import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.orgs.roles import Capability

from . import audit
from .admin_base import ScopedModelAdmin
from .excel import Column, xlsx_write
from .models import AuditAction, AuditEvent

EXPORT_COLUMNS = [
    Column(gettext_lazy("时间"), 20),
    Column(gettext_lazy("账号"), 14),
    Column(gettext_lazy("所属单位"), 18),
    Column(gettext_lazy("地址"), 16),
    Column(gettext_lazy("操作"), 10),
    Column(gettext_lazy("结果"), 6),
    Column(gettext_lazy("对象类型"), 12),
    Column(gettext_lazy("对象编号"), 10),
    Column(gettext_lazy("对象"), 30, wrap=True),
    Column(gettext_lazy("说明"), 40, wrap=True),
    Column(gettext_lazy("变更内容"), 50, wrap=True),
]


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
    actions = ["export_xlsx"]

    @admin.action(description=gettext_lazy("导出 Excel（所选审计记录）"))
    def export_xlsx(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        rows = [
            [
                timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_username or _("系统（命令行）"),
                e.actor_unit,
                e.address or "",
                e.get_action_display(),
                _("成功") if e.succeeded else _("失败"),
                self.object_kind(e),
                e.object_id,
                e.object_repr,
                e.message,
                json.dumps(e.changes, ensure_ascii=False) if e.changes else "",
            ]
            for e in queryset.order_by("occurred_at", "id").iterator(chunk_size=2000)
        ]
        stream = io.BytesIO()
        xlsx_write(stream, columns=EXPORT_COLUMNS, rows=rows, title=_("审计记录"))
        audit.record(
            AuditAction.EXPORT,
            object_type="core.AuditEvent",
            message=f"导出审计记录 {len(rows)} 条",
        )
        response = HttpResponse(
            stream.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True,
            filename=_("审计记录（{day:%Y%m%d}）.xlsx").format(day=timezone.localdate()),
        )
        return response

    @admin.display(description=gettext_lazy("账号"), ordering="actor_username")
    def who(self, obj: AuditEvent) -> str:
        return obj.actor_username or _("系统（命令行）")

    @admin.display(description=gettext_lazy("对象类型"), ordering="object_type")
    def object_kind(self, obj: AuditEvent) -> str:
        try:
            return str(apps.get_model(obj.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return obj.object_type

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
