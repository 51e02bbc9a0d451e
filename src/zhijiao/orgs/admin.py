from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhijiao.core.admin_base import ScopedModelAdmin

from .models import ApiToken, Unit, UnitGroup, User
from .roles import Capability


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin):
    change_capability = Capability.ORGS_MANAGE
    unscoped_capabilities = (Capability.ORGS_MANAGE,)
    allow_add = True
    list_display = ["name", "short_name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]
    fields = ["name", "short_name", "kind", "parent", "credit_code", "aliases", "is_active"]


@admin.register(UnitGroup)
class UnitGroupAdmin(ScopedModelAdmin):
    change_capability = Capability.ORGS_MANAGE
    allow_add = True
    list_display = ["name", "member_kind"]
    filter_horizontal = ["members"]


class UserForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("设置新密码"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("至少 8 位；留空则不修改。"),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "unit", "role", "is_active"]

    def clean_new_password(self) -> str:
        value = self.cleaned_data.get("new_password") or ""
        if value:
            validate_password(value, self.instance)
        return value

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            user.set_password(self.cleaned_data["new_password"])
        elif user.pk is None:
            user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(ScopedModelAdmin):
    """System administrators keep accounts; security administrators decide roles and activation."""

    form = UserForm
    change_capability = Capability.ORGS_MANAGE
    allow_add = True
    list_display = ["username", "full_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit__kind"]
    search_fields = ["username", "full_name", "unit__name"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or self._can(
            request, Capability.SECURITY_MANAGE
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._can(request, Capability.ORGS_MANAGE)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if self._can(request, Capability.SECURITY_MANAGE):
            return ["username", "full_name", "email", "unit"]
        return ["role", "is_active"] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["username", "full_name", "email", "unit", "role", "is_active"]
        if self._can(request, Capability.ORGS_MANAGE):
            fields.append("new_password")
        return fields


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedModelAdmin):
    view_capability = Capability.SECURITY_MANAGE
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
