"""The evaluation schemes as a YAML file (``data/evaluation/*.yaml``): read, check, load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError
from zhijiao.orgs.models import User

from . import services
from .data import EvaluationErrorCode
from .models import Scheme


def schemes_read(path: str | Path) -> list[dict[str, Any]]:
    """The ``schemes:`` list of a YAML file; a file that is not one is refused with the reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ServiceError(
            EvaluationErrorCode.INVALID_SCHEME,
            _("无法读取文件 {path}：{error}").format(path=path, error=exc),
        ) from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ServiceError(
            EvaluationErrorCode.INVALID_SCHEME, _("YAML 格式有误：{error}").format(error=exc)
        ) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("schemes"), list):
        raise ServiceError(EvaluationErrorCode.INVALID_SCHEME, _("文件应包含 schemes 列表"))
    return raw["schemes"]


def schemes_load(
    items: list[dict[str, Any]], *, user: User | None = None, year: int | None = None
) -> list[Scheme]:
    """Loads each scheme (optionally for another year than written). A scheme already in use is
    refused with the reason; the others still load, each in its own transaction."""
    loaded = []
    for item in items:
        data = dict(item)
        if year is not None:
            data["year"] = year
        loaded.append(services.scheme_save(user=user, data=services.scheme_input_from_dict(data)))
    return loaded
