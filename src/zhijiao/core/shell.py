"""The shell around every page: sidebar by role, the demo banner, and the home page by role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse_lazy


def environment_callback(request: HttpRequest) -> list[str] | None:
    if settings.ZHIJIAO_DEMO:
        return ["演示环境 · 数据为虚构", "warning"]
    return None


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    return context


def sidebar_navigation(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "title": "导航",
            "items": [
                {"title": "首页", "icon": "dashboard", "link": reverse_lazy("admin:index")},
            ],
        }
    ]


def home(request: HttpRequest, site: Any) -> TemplateResponse:
    context = {**site.each_context(request), "title": "首页"}
    return TemplateResponse(request, "admin/index.html", context)
