"""The public verification page (no sign-in): a third party types a transcript's verification
code, or scans its QR code, and learns whether it is genuine, current or revoked — with only
what the holder shared (masked name, account number, the shared credits)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors

MAX_CODE = 30


def verify_page(request: HttpRequest, code: str = "") -> HttpResponse:
    code = (code or request.GET.get("code", "")).strip()[:MAX_CODE]
    answer = selectors.verify(code) if code else None
    response = render(
        request,
        "creditbank/verify.html",
        {"code": code, "answer": answer, "demo": getattr(settings, "ZHIJIAO_DEMO", False)},
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
