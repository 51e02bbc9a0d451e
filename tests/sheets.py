"""Reading what an export answered, as a user's spreadsheet program would open it."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook


def response_rows(response: Any) -> list[tuple[Any, ...]]:
    """The cells of an .xlsx response's first sheet, row by row (after checking it is one)."""
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ), response.status_code
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
