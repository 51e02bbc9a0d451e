"""Every API list that pages answers an offset past 64 bits (which SQLite refuses outright) and a
limit past the maximum without a server error: the window is clamped in one place
(``core.pages.window``). Found by Schemathesis: ``offset=5242277735654773402391835429568512``."""

from __future__ import annotations

import pytest

from zhijiao.api.api import api
from zhijiao.core.pages import API_MAX_LIMIT, API_MAX_OFFSET, window

HUGE = 5242277735654773402391835429568512


def paged_routes() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "{" not in path
        and any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))
    )


def test_the_window_is_clamped():
    assert window(10**9, HUGE) == slice(API_MAX_OFFSET, API_MAX_OFFSET + API_MAX_LIMIT)
    assert window(-5, -5) == slice(0, 1)
    assert window(20, 40) == slice(40, 60)


def test_several_lists_page():
    assert len(paged_routes()) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("route", paged_routes())
def test_an_absurd_offset_is_an_empty_page_not_an_error(client, small_plan, route):
    client.force_login(small_plan.users["office"])

    response = client.get(route, {"offset": HUGE, "limit": 10**6, "year": 2025})

    assert response.status_code < 500, response.content[:300]
    if response.status_code == 200:
        body = response.json()
        assert (body.get("items") if isinstance(body, dict) else body) == []
