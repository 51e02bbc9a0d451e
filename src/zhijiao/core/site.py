"""The application shell: Unfold's admin site, mounted at the root, open to every signed-in user.

What each user may see is decided by role capabilities (``zhijiao.orgs.roles``), not by Django's
model permissions, so no superuser is needed to run the platform.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.translation import gettext_lazy
from unfold.sites import UnfoldAdminSite


class ZhijiaoAdminSite(UnfoldAdminSite):
    site_header = gettext_lazy("江阴职教")
    site_title = gettext_lazy("职教平台")
    index_title = gettext_lazy("首页")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated)

    def extra_urls(self) -> list[URLPattern]:
        from zhijiao.urls import shell_urlpatterns

        return [
            *(
                type(p)(p.pattern, self.admin_view(p.callback), p.default_args, p.name)  # type: ignore[arg-type]
                for p in shell_urlpatterns
            )
        ]

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            from zhijiao.core import audit
            from zhijiao.core.models import AuditAction

            user = request.user
            audit.record(
                AuditAction.PASSWORD_CHANGE,
                obj=user if user.is_authenticated else None,  # type: ignore[arg-type]
                message="本人修改密码",
            )
        return response

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
        from zhijiao.core.shell import home

        return home(request, self)


class ZhijiaoAdminConfig(AdminConfig):
    default_site = "zhijiao.core.site.ZhijiaoAdminSite"
