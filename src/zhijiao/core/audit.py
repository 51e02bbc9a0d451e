"""The audit trail: every data change and security event becomes one append-only row.

Services call :func:`record` themselves inside their transaction, so a change and its audit row
commit or roll back together. The middleware remembers who is asking and from where, so services
need not pass the request around.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from .models import AuditAction, AuditEvent


@dataclass(frozen=True)
class RequestContext:
    address: str | None
    user: Any


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "zhijiao_audit_context", default=None
)


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _context.set(
            RequestContext(client_address(request), getattr(request, "user", None))
        )
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of an object as JSON-ready values (foreign keys as ids)."""
    result: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = _jsonable(getattr(obj, attname))
    return result


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only what differs, as {field: [before, after]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    action: AuditAction | str,
    *,
    obj: models.Model | None = None,
    actor: Any = None,
    changes: dict[str, Any] | None = None,
    message: str = "",
    succeeded: bool = True,
    object_type: str = "",
    object_repr: str = "",
    username: str = "",
) -> AuditEvent:
    ctx = _context.get()
    if actor is None and ctx is not None and ctx.user is not None and ctx.user.is_authenticated:
        actor = ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    unit = getattr(actor, "unit", None) if actor is not None else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else username)[:150],
        actor_unit=str(unit) if unit is not None else "",
        address=ctx.address if ctx is not None else None,
        action=action,
        succeeded=succeeded,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        changes=changes or {},
        message=message[:500],
    )


def save_changes(obj: models.Model, values: dict[str, Any], *, message: str = "") -> list[str]:
    """Sets the values that differ, saves only those fields and audits before/after.

    Returns the names of the fields that changed (empty: nothing was written).
    """
    dirty = [k for k, v in values.items() if getattr(obj, k) != v]
    if dirty:
        before = snapshot(obj, dirty)
        for name in dirty:
            setattr(obj, name, values[name])
        obj.save(update_fields=dirty)
        record(
            AuditAction.UPDATE,
            obj=obj,
            message=message,
            changes=changes_between(before, snapshot(obj, dirty)),
        )
    return dirty


def record_bulk_create(
    objs: Iterable[models.Model], fields: Iterable[str], *, actor: Any = None, message: str = ""
) -> None:
    """One audit row per created object, written in one statement."""
    ctx = _context.get()
    if actor is None and ctx is not None and ctx.user is not None and ctx.user.is_authenticated:
        actor = ctx.user
    unit = getattr(actor, "unit", None) if actor is not None else None
    field_list = list(fields)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                actor_username=actor.get_username() if actor is not None else "",
                actor_unit=str(unit) if unit is not None else "",
                address=ctx.address if ctx is not None else None,
                action=AuditAction.CREATE,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes={k: [None, v] for k, v in snapshot(obj, field_list).items()},
                message=message,
            )
            for obj in objs
        ],
        batch_size=1000,
    )


def connect_auth_signals() -> None:
    from django.contrib.auth import signals

    def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        token = _context.set(RequestContext(client_address(request), user))
        try:
            record(AuditAction.LOGIN_SUCCESS, obj=user, actor=user, message="登录成功")
        finally:
            _context.reset(token)

    def on_failure(
        sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        address = client_address(request) if request is not None else None
        token = _context.set(RequestContext(address, None))
        try:
            record(
                AuditAction.LOGIN_FAILURE,
                username=str(credentials.get("username", ""))[:150],
                succeeded=False,
                object_type="orgs.User",
                message="登录失败：用户名或密码错误",
            )
        finally:
            _context.reset(token)

    def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        if user is not None:
            record(AuditAction.LOGOUT, obj=user, actor=user, message="退出登录")

    signals.user_logged_in.connect(on_login, dispatch_uid="zhijiao_audit_login", weak=False)
    signals.user_login_failed.connect(
        on_failure, dispatch_uid="zhijiao_audit_login_failed", weak=False
    )
    signals.user_logged_out.connect(on_logout, dispatch_uid="zhijiao_audit_logout", weak=False)
