"""Personal API tokens: ``Authorization: Bearer <token>``."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

TOKEN_PREFIX = "zj_"  # noqa: S105 - a marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def user_for_token(raw: str):  # type: ignore[no-untyped-def]
    from .models import ApiToken

    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    return token.user


class BearerTokenMiddleware:
    """Authenticates a request carrying a bearer token, for the API only.

    Token-authenticated requests carry no session cookie, so CSRF does not apply to them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and request.path.startswith("/api/"):
            user = user_for_token(credentials.strip())
            request.token_authenticated = user is not None  # type: ignore[attr-defined]
            if user is not None:
                request.user = user
                request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)
