"""Session and sign-in rules of 等保 2.0 level 3 (8.1.4.1).

- A session ends after ``ZHIJIAO_SESSION_IDLE_MINUTES`` without a request, and after
  ``ZHIJIAO_SESSION_ABSOLUTE_HOURS`` whatever the activity.
- A password older than ``ZHIJIAO_PASSWORD_MAX_AGE_DAYS`` must be changed before anything else.
- Sign-in failures lock the account and the address (django-axes); the lockout page is Chinese
  and the lockout is audited.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.models import AuditAction

LOGIN_AT = "zj_login_at"
SEEN_AT = "zj_seen_at"
# Refresh the idle clock at most once a minute, so a busy user does not write the session
# on every request.
SEEN_RESOLUTION = 60


def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    max_age = settings.ZHIJIAO_PASSWORD_MAX_AGE_DAYS
    if not max_age or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    return changed is None or (now or timezone.now()) - changed > dt.timedelta(days=max_age)


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or getattr(request, "token_authenticated", False)
        ):
            return self.get_response(request)
        session = request.session
        now = time.time()
        login_at = session.setdefault(LOGIN_AT, now)
        seen_at = session.get(SEEN_AT, now)
        idle = settings.ZHIJIAO_SESSION_IDLE_MINUTES * 60
        absolute = settings.ZHIJIAO_SESSION_ABSOLUTE_HOURS * 3600
        if now - seen_at > idle or now - login_at > absolute:
            reason = (
                _("长时间未操作")
                if now - seen_at > idle
                else _("登录已超过 {hours} 小时").format(
                    hours=settings.ZHIJIAO_SESSION_ABSOLUTE_HOURS
                )
            )
            audit.record(
                AuditAction.SESSION_END, obj=user, actor=user, message=f"会话结束：{reason}"
            )
            logout(request)
            messages.warning(
                request,
                _("{reason}，为保护账号安全已自动退出，请重新登录").format(reason=reason),
            )
            if request.path.startswith("/api/"):
                return self.get_response(request)
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        if now - seen_at >= SEEN_RESOLUTION or SEEN_AT not in session:
            session[SEEN_AT] = now
        if password_expired(user) and not request.path.startswith("/api/"):
            allowed = {
                reverse("admin:two-factor"),
                reverse("admin:password_change"),
                reverse("admin:password_change_done"),
                reverse("admin:logout"),
            }
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                messages.warning(
                    request,
                    _("密码已超过 {days} 天未修改，请先修改密码").format(
                        days=settings.ZHIJIAO_PASSWORD_MAX_AGE_DAYS
                    ),
                )
                return redirect(reverse("admin:password_change"))
        return self.get_response(request)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page a locked-out sign-in gets: in Chinese, with how long to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "orgs/locked_out.html",
        {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT, "title": _("账号已锁定")},
        status=429,
    )


def connect_signals() -> None:
    from axes.signals import user_locked_out

    def on_locked_out(
        sender: Any,
        request: HttpRequest,
        username: str | None = None,
        ip_address: str | None = None,
        **kwargs: Any,
    ) -> None:
        audit.record(
            AuditAction.LOCKOUT,
            username=(username or "")[:150],
            succeeded=False,
            object_type="orgs.User",
            message=f"连续登录失败 {settings.AXES_FAILURE_LIMIT} 次，账号和地址 {ip_address or ''} 锁定 "
            f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} 分钟",
        )

    user_locked_out.connect(on_locked_out, dispatch_uid="zhijiao_audit_lockout", weak=False)


def two_factor_required(user: Any) -> bool:
    """Roles that must use a second factor, and anyone who enrolled one."""
    from django_otp import user_has_device

    return (
        settings.ZHIJIAO_REQUIRE_2FA and user.role in settings.ZHIJIAO_2FA_ROLES
    ) or user_has_device(user)


class TwoFactorMiddleware:
    """Sends a signed-in user who still owes a TOTP code to enrol or verify before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or getattr(request, "token_authenticated", False)
            or user.is_verified()
            or request.path.startswith(settings.STATIC_URL)
        ):
            return self.get_response(request)
        open_paths = {reverse("admin:two-factor"), reverse("admin:logout"), reverse("admin:login")}
        if request.path in open_paths or not two_factor_required(user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse(
                {
                    "code": "second_factor_required",
                    "message": _("请先在网页上完成两步验证后再使用接口"),
                },
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        return redirect(f"{reverse('admin:two-factor')}?next={request.path}")
