"""The REST API under ``/api/v1/``: who may call it, how errors look, where it is documented.

A caller is either signed in (the session cookie; unsafe methods need the CSRF token) or sends a
personal API token as ``Authorization: Bearer <token>``, which ``orgs.auth.BearerTokenMiddleware``
has already resolved into ``request.user``. Every error is JSON ``{"code": ..., "message": ...}``
with a Chinese message. The routers apply the one data-scope mechanism (``visible_to``): an object
outside the caller's scope answers 404, exactly like a missing one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from zhijiao.core.errors import ServiceError

from . import indicators, orgs, plan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApiErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - an error code, not a secret
    CSRF_FAILED = "csrf_failed"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    BAD_REQUEST = "bad_request"
    INVALID = "invalid"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    THROTTLED = "throttled"
    ERROR = "error"


# What an error raised inside django-ninja (without a code of ours) means, by status.
STATUS_ERRORS: dict[int, tuple[ApiErrorCode, StrOrPromise]] = {
    400: (ApiErrorCode.BAD_REQUEST, gettext_lazy("请求格式不正确")),
    401: (
        ApiErrorCode.NOT_AUTHENTICATED,
        gettext_lazy("请先登录，或在请求头中提供 API 令牌：Authorization: Bearer <令牌>"),
    ),
    403: (ApiErrorCode.NOT_ALLOWED, gettext_lazy("您没有执行此操作的权限")),
    404: (ApiErrorCode.NOT_FOUND, gettext_lazy("未找到")),
    405: (ApiErrorCode.METHOD_NOT_ALLOWED, gettext_lazy("不支持该请求方法")),
    429: (ApiErrorCode.THROTTLED, gettext_lazy("请求过于频繁，请稍后再试")),
}


class ApiError(HttpError):
    """An error of the API layer itself (authentication, CSRF), with its code."""

    def __init__(self, status_code: int, code: ApiErrorCode, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code


class BearerToken(HttpBearer):
    """A personal API token, already checked by the middleware.

    A request that carries a bearer token the middleware could not resolve (wrong, revoked, or the
    account disabled) is refused outright, even if it also carries a valid session.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(request, "token_authenticated", False):
            return request.user
        raise ApiError(401, ApiErrorCode.INVALID_TOKEN, _("API 令牌无效、已吊销或账号已停用"))


class SessionCookie(APIKeyCookie):
    """The signed-in user's session. Unsafe methods must carry the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF is checked in authenticate(), after we know someone is signed in, so an anonymous
        # POST answers 401 rather than a CSRF error.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise ApiError(
                403,
                ApiErrorCode.CSRF_FAILED,
                _("CSRF 校验失败：请刷新页面后重试，或改用 API 令牌"),
            )
        return user


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese left as it is, rather than \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class LocalDocs(DocsBase):
    """The docs page, served from this server alone — never from a CDN.

    It lists every operation in Chinese, rendered here from the OpenAPI schema, so it works with
    no script at all. When django-ninja is an installed app its bundled Swagger UI is added below,
    from our own static files (collectstatic), for trying requests out.
    """

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        schema = api.get_openapi_schema(path_params=kwargs)
        groups: dict[str, list[dict[str, str]]] = {}
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                tag = (operation.get("tags") or ["其他"])[0]
                groups.setdefault(tag, []).append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                    }
                )
        swagger_settings = {
            "url": openapi_url,
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # Swagger UI's default validator is an outside service
        }
        context = {
            "api": api,
            "openapi_url": openapi_url,
            "groups": groups.items(),
            "swagger_ui": apps.is_installed("ninja"),
            "swagger_settings": swagger_settings,
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="职教平台 API",
    version="1",
    description=(
        "江阴职业教育改革创新实施方案数字化平台的接口。"
        "认证：已登录的会话（修改类请求须带 X-CSRFToken），"
        "或个人 API 令牌 `Authorization: Bearer <令牌>`（由安全管理员创建，"
        "或运行 `zhijiao token create <用户名>`）。"
        '错误均为 JSON：`{"code": 错误代码, "message": 中文说明}`。'
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), SessionCookie()],
    renderer=ReadableJSONRenderer(),
    docs=LocalDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/plan", plan.router)
api.add_router("", orgs.router)
api.add_router("", indicators.router)


def _add_module_routers() -> None:
    """Each module with an ``api`` module of its own (``<module>/api.py``, a ``router``) joins."""
    from importlib import import_module
    from importlib.util import find_spec

    from zhijiao.core.access import MODULES

    for module in MODULES:
        if find_spec(f"{module}.api") is not None:
            api.add_router("", import_module(f"{module}.api").router)


_add_module_routers()


def _error(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    response = api.create_response(
        request, {"code": code, "message": message, **extra}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc.code), exc.message)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, ApiError):
        return _error(request, exc.status_code, exc.code, exc.message)
    code, message = STATUS_ERRORS.get(exc.status_code, (ApiErrorCode.ERROR, _("请求无法处理")))
    return _error(request, exc.status_code, code, str(message))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Our own 404s say what is missing; a forbidden object answers exactly the same.
    return _error(request, 404, ApiErrorCode.NOT_FOUND, str(exc) or _("未找到"))


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A well-formed number the database cannot hold (an id of 30 digits): the caller's mistake,
    # answered like any other invalid input rather than as a server error.
    return _error(request, 422, ApiErrorCode.INVALID, _("请求中的数值超出允许范围"))


@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A multipart body without a valid boundary: Django would answer 400 with its HTML page.
    return _error(
        request, 400, ApiErrorCode.BAD_REQUEST, _("请求正文无法解析：multipart 格式不正确")
    )


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(
        request, 422, ApiErrorCode.INVALID, _("请求数据不符合要求，详见 errors"), errors=exc.errors
    )
