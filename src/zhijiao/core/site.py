"""The application shell: Unfold's admin site, mounted at the root, open to every signed-in user.

What each user may see is decided by role capabilities (``zhijiao.orgs.roles``), not by Django's
model permissions, so no superuser is needed to run the platform.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template import Context
from django.urls import URLPattern
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from unfold.sites import UnfoldAdminSite

SIDEBARS_KEPT = 512
# Rendered sidebars kept per role and page shape: one for each unread count seen lately.
RENDERINGS_KEPT = 8
DIGITS = re.compile(r"\d+")
# Unfold's template for the sidebar's links, which core/overrides replaces with one that renders
# the original through ZhijiaoAdminSite.sidebar_html.
SIDEBAR_TEMPLATE = "unfold/helpers/app_list.html"
# Where get_sidebar_list leaves, on the request, what the rendered sidebar depends on.
SIDEBAR_STAMP = "_zhijiao_sidebar"


@dataclass
class _Sidebar:
    """One role's sidebar on one page shape: its groups, and the HTML rendered from them, by the
    titles that are the user's own (the unread-notification count)."""

    groups: list[dict[str, Any]]
    html: OrderedDict[tuple[str, ...], SafeString] = field(default_factory=OrderedDict)


class ZhijiaoAdminSite(UnfoldAdminSite):
    site_header = gettext_lazy("江阴职教")
    site_title = gettext_lazy("职教平台")
    index_title = gettext_lazy("首页")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sidebars: OrderedDict[tuple[Any, ...], _Sidebar] = OrderedDict()
        self._sidebars_lock = threading.Lock()

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> Any:
        """Django's shell context lists every registered model the user may change, on every
        page: a walk over all models and two permission queries. The sidebar here is by role
        and never shows that list (``show_all_applications`` is off); the admin index pages that
        read it get it built when they do."""
        build = partial(super().get_app_list, request, app_label)
        return build() if app_label else SimpleLazyObject(build)

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
            sidebar = self._sidebars.get(key)
            if sidebar is not None:
                self._sidebars.move_to_end(key)
        if sidebar is None:
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
            sidebar = _Sidebar(groups)
            with self._sidebars_lock:
                self._sidebars[key] = sidebar
                while len(self._sidebars) > SIDEBARS_KEPT:
                    self._sidebars.popitem(last=False)
        navigation = [
            {**group, "items": [_personal(item, request, PERSONAL) for item in group["items"]]}
            if any(PERSONAL in item for item in group["items"])
            else group
            for group in sidebar.groups
        ]
        personal = tuple(
            item["title"] for group in navigation for item in group["items"] if PERSONAL in item
        )
        setattr(request, SIDEBAR_STAMP, (sidebar, personal))
        return navigation

    def sidebar_html(self, context: Context) -> SafeString:
        """The sidebar's links as Unfold's template renders them from ``get_sidebar_list``: some
        sixty links, a third of a small page's time, so each rendering is kept with the sidebar
        it came from, by the user's own titles. A request whose sidebar was not built here (no
        stamp) has it rendered afresh."""
        request = context.get("request")
        stamp = getattr(request, SIDEBAR_STAMP, None)
        if stamp is None:
            return _render_unfold_sidebar(context)
        sidebar, personal = stamp
        with self._sidebars_lock:
            html = sidebar.html.get(personal)
        if html is None:
            html = _render_unfold_sidebar(context)
            with self._sidebars_lock:
                sidebar.html[personal] = html
                while len(sidebar.html) > RENDERINGS_KEPT:
                    sidebar.html.popitem(last=False)
        return html

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


def _render_unfold_sidebar(context: Context) -> SafeString:
    """Unfold's own sidebar template, found past the override that calls this."""
    engine = context.template.engine  # type: ignore[union-attr]
    override = engine.get_template(SIDEBAR_TEMPLATE)
    original, _origin = engine.find_template(SIDEBAR_TEMPLATE, skip=[override.origin])
    return mark_safe(original.render(context))  # noqa: S308 — a template's own output


def _personal(item: dict[str, Any], request: HttpRequest, key: str) -> dict[str, Any]:
    return {**item, "title": item[key](request)} if key in item else item


class ZhijiaoAdminConfig(AdminConfig):
    default_site = "zhijiao.core.site.ZhijiaoAdminSite"
