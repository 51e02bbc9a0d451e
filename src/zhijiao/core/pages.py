"""Helpers every page view uses: access by capability, rendering inside the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError
from zhijiao.orgs.models import User
from zhijiao.orgs.roles import Capability

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AuthedRequest(HttpRequest):
    """A request behind the shell's login: its user is a signed-in account."""

    user: User


def int_param(value: str | None, *, digits: int = 9) -> int | None:
    """A whole number from a query or form parameter, or None: decimal digits only (``'³'``
    passes ``str.isdigit`` but not ``int``), at most ``digits`` of them."""
    text = (value or "").strip()
    return int(text) if text.isdecimal() and len(text) <= digits else None


API_MAX_LIMIT = 500
API_MAX_OFFSET = 10_000_000


def window(limit: int, offset: int, *, max_limit: int = API_MAX_LIMIT) -> slice:
    """The rows an API list answers: ``limit`` within 1…``max_limit``, ``offset`` within
    0…10,000,000 (a larger offset would only answer an empty list, and SQLite refuses one past
    64 bits with a datatype error)."""
    start = max(0, min(offset, API_MAX_OFFSET))
    return slice(start, start + max(1, min(limit, max_limit)))


def require(request: HttpRequest, *capabilities: Capability) -> None:
    """Refuses the request unless the user holds one of the capabilities."""
    user = request.user
    if not user.is_authenticated or not any(user.can(c) for c in capabilities):  # type: ignore[union-attr]
        raise PermissionDenied(_("您没有访问此页面的权限"))


def require_unit(request: AuthedRequest) -> int:
    """The id of the requesting user's unit; accounts that belong to no unit cannot report."""
    if request.user.unit_id is None:
        raise PermissionDenied(_("您的账号未关联单位，请联系系统管理员"))
    return request.user.unit_id


def render_page(
    request: HttpRequest, template: str, title: StrOrPromise, **context: Any
) -> TemplateResponse:
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


def report_error(request: HttpRequest, error: ServiceError) -> None:
    messages.error(request, error.message)
