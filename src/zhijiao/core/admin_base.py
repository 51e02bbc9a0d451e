"""The base for every model page in the shell: role capabilities decide access, scope decides rows."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from unfold.admin import ModelAdmin

from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.orgs.roles import Capability


class ScopedModelAdmin(ModelAdmin):
    view_capability: Capability | None = None
    change_capability: Capability | None = None
    allow_add = False
    # Platform-wide duties (keeping units, reading the audit trail) see every row, not one unit's.
    unscoped_capabilities: tuple[Capability, ...] = ()
    allow_delete = False

    def _can(self, request: HttpRequest, capability: Capability | None) -> bool:
        user = request.user
        return capability is not None and user.is_authenticated and user.can(capability)  # type: ignore[union-attr]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, self.view_capability) or self.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request, self.change_capability)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.allow_add and self._can(request, self.change_capability)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_delete and self._can(request, self.change_capability)

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        if any(self._can(request, c) for c in self.unscoped_capabilities):
            return qs
        visible_to = getattr(qs, "visible_to", None)
        return visible_to(request.user) if visible_to is not None else qs

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = [f.name for f in obj._meta.concrete_fields if f.name not in ("password", "id")]
        before = {}
        if change and obj.pk is not None:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit.snapshot(previous, fields) if previous is not None else {}
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj, fields)
        audit.record(
            AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            changes=audit.changes_between(before, after),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(AuditAction.DELETE, obj=obj)
        super().delete_model(request, obj)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None):  # type: ignore[no-untyped-def]
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Missing and out of scope look the same: not found.
            raise Http404(_("未找到"))
        return obj
