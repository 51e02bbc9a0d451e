"""The credit bank over the API (added under /api/v1/ by ``zhijiao.api.api``): the public answer to
a transcript's verification code and the platform's public key. Both need no sign-in; neither
says more than the holder shared (masked name, account number, the shared credits).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from . import credentials, selectors, signing
from .data import Verification
from .public_views import MAX_CODE, verify_page

router = Router(tags=["学分银行"])


class VerifiedRecordOut(Schema):
    course: str
    programme: str
    credits: str
    credited_on: dt.date
    revoked: bool
    note: str


class VerificationOut(Schema):
    code: str
    status: str
    message: str
    genuine: bool
    current: bool
    revoked: bool
    account: str
    name: str
    shared_on: dt.date | None
    records: list[VerifiedRecordOut]
    details: list[str]


class PublicKeyOut(Schema):
    algorithm: str
    public_key_hex: str
    did: str
    cryptosuite: str
    note: str


def _out(code: str, answer: Verification) -> VerificationOut:
    return VerificationOut(
        code=code,
        status=str(answer.status),
        message=answer.message,
        genuine=answer.genuine,
        current=answer.current,
        revoked=answer.revoked,
        account=answer.account,
        name=answer.name,
        shared_on=answer.shared_on,
        records=[VerifiedRecordOut(**r.__dict__) for r in answer.records],
        details=list(answer.details),
    )


def _wants_html(request: HttpRequest) -> bool:
    if request.GET.get("format") == "html":
        return True
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept


@router.get(
    "/creditbank/verify/{code}",
    auth=None,
    response=VerificationOut,
    url_name="creditbank_verify",
    summary="核验成绩单（无需登录）",
    description="按核验码回答成绩单是否真实（genuine）、是否仍有效（current）、是否已撤销"
    "（revoked），只返回学习者分享的内容（脱敏姓名、学习账号、所分享的学分）。"
    "伪造或被篡改的核验码得到明确的中文说明。浏览器访问（Accept: text/html，"
    "如扫描成绩单二维码）得到核验页面。",
)
def verify(request: HttpRequest, code: str) -> HttpResponse | VerificationOut:
    code = code.strip()[:MAX_CODE]
    if _wants_html(request):
        # The page's own form asks again with ?code= (a code typed on a scanned page).
        return verify_page(request, request.GET.get("code", "") or code)
    return _out(code, selectors.verify(code))


@router.get(
    "/creditbank/keys",
    auth=None,
    response=PublicKeyOut,
    url_name="creditbank_keys",
    summary="平台签名公钥（无需登录）",
    description="学分凭证（W3C 可验证凭证 / Open Badges 3.0）和账本检查点的 Ed25519 公钥，"
    "用于离线核验。",
)
def keys(request: HttpRequest) -> PublicKeyOut:
    public_key = signing.public_key_hex()
    return PublicKeyOut(
        algorithm="Ed25519",
        public_key_hex=public_key,
        did=credentials.did_key(public_key),
        cryptosuite=credentials.CRYPTOSUITE,
        note=_("凭证的 issuer 应等于此 did；账本检查点的 public_key 应等于此公钥。"),
    )
