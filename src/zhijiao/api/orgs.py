"""Units and the signed-in user over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from zhijiao.orgs.models import Unit

from .schemas import ErrorOut, MeOut, UnitOut

router = Router(tags=["单位与用户"])


@router.get("/units", response={200: list[UnitOut], 401: ErrorOut}, summary="单位")
def unit_list(request: HttpRequest) -> list[UnitOut]:
    """您可见的单位：工作专班可见全部单位，其他用户只见本单位。"""
    return [UnitOut.of(u) for u in Unit.objects.visible_to(request.user)]


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    """当前登录用户：用户名、角色、所属单位和权限。"""
    user: Any = request.user
    return MeOut.of(user, by_token=getattr(request, "token_authenticated", False))
