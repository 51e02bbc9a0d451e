"""WCAG 2.1 A and AA, as far as a machine can tell: axe-core over every page without arguments.

Each page of the shell is opened by one role allowed to use it (plus the public pages signed out)
in a real Chromium, and axe-core (bundled in the pip package axe-playwright-python) checks it
against the WCAG 2.0/2.1 A and AA rules: labels, names, contrast, landmarks, language, tables.
Pages of new modules join automatically when they are declared in their access.py.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.test_permissions import ROLE_OF
from zhijiao.core.access import PAGES
from zhijiao.plan import services
from zhijiao.urls import shell_urlpatterns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PUBLIC = ["/login/", "/privacy/", "/verify/"]


def pages_by_user() -> dict[str, list[str]]:
    """Each parameterless GET page, under the first fixture user whose role may open it."""
    names = [
        p.name
        for p in shell_urlpatterns
        if not p.pattern.converters and "GET" in PAGES[p.name].methods  # type: ignore[attr-defined]
    ] + [name for name in PAGES if name.endswith("_changelist")]  # the admin's lists
    plan: dict[str, list[str]] = {}
    for name in names:
        user = next((u for u, role in ROLE_OF.items() if role in PAGES[name].roles), None)
        if user is not None:
            plan.setdefault(user, []).append(reverse(f"admin:{name}"))
    return plan


def violations(page) -> list[str]:
    result = Axe().run(page, options=WCAG_AA).response
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} — {v['nodes'][0]['target']}"
        for v in result["violations"]
    ]


def test_every_page_meets_the_automatic_wcag_checks(live_server, browser_page, small_plan):
    page = browser_page
    services.periods_ensure(plan=small_plan.plan, through=small_plan.plan.issued_on)
    found: list[str] = []
    checked = 0
    for url in PUBLIC:
        page.goto(live_server.url + url)
        found += violations(page)
        checked += 1
    for user, urls in pages_by_user().items():
        page.context.clear_cookies()
        login(page, live_server.url, user, PASSWORD)
        for url in urls:
            # Exports answer with a file, not a page; the unit search with a fragment that htmx
            # places in a form (checked there: tests/e2e/test_cooperation_unit_search.py).
            answer = page.request.get(live_server.url + url)
            kind = answer.headers.get("content-type", "")
            if not kind.startswith("text/html") or "<html" not in answer.text():
                continue
            page.goto(live_server.url + url)
            found += violations(page)
            checked += 1

    assert checked > 25
    assert found == [], "\n".join(found)
