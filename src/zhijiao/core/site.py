"""The application shell: Unfold's admin site, mounted at the root, open to every signed-in user.

What each user may see is decided by role capabilities (``zhijiao.orgs.roles``), not by Django's
model permissions, so no superuser is needed to run the platform.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.translation import get_language, gettext_lazy
from unfold.sites import UnfoldAdminSite

SIDEBARS_KEPT = 512
DIGITS = re.compile(r"\d+")


class ZhijiaoAdminSite(UnfoldAdminSite):
    site_header = gettext_lazy("江阴职教")
    site_title = gettext_lazy("职教平台")
    index_title = gettext_lazy("首页")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sidebars: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
        self._sidebars_lock = threading.Lock()

    def get_sidebar_list(self, request: HttpRequest) -> list[dict[str, Any]]:
        """Unfold builds the sidebar anew on every page: some sixty links resolved, checked against
        the user's capabilities and compared with the path — a third of the time of a small page.
        What it builds depends only on the role, the language and the page (ids aside), so each
        process keeps the last few hundred, without the items the role may not use (the template
        would skip them); the unread-notification count, the one part that is the user's own, is
        filled in on every request."""
        from zhijiao.core.shell import PERSONAL

        user: Any = request.user
        key = (
            getattr(user, "role", None),
            user.is_active,
            get_language(),
            DIGITS.sub("0", request.path),
        )
        with self._sidebars_lock:
            groups = self._sidebars.get(key)
            if groups is not None:
                self._sidebars.move_to_end(key)
        if groups is None:
            # Kept: the items the role may use, their links resolved once.
            groups = [
                {**group, "items": items}
                for group in super().get_sidebar_list(request)
                if (
                    items := [
                        {**item, "link": str(item["link"])}
                        for item in group["items"]
                        if item.get("has_permission")
                    ]
                )
            ]
            with self._sidebars_lock:
                self._sidebars[key] = groups
                while len(self._sidebars) > SIDEBARS_KEPT:
                    self._sidebars.popitem(last=False)
        return [
            {**group, "items": [_personal(item, request, PERSONAL) for item in group["items"]]}
            if any(PERSONAL in item for item in group["items"])
            else group
            for group in groups
        ]

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


def _personal(item: dict[str, Any], request: HttpRequest, key: str) -> dict[str, Any]:
    return {**item, "title": item[key](request)} if key in item else item


class ZhijiaoAdminConfig(AdminConfig):
    default_site = "zhijiao.core.site.ZhijiaoAdminSite"
