"""A real Chromium (Debian's package) driven by Playwright against the live test server."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

# The modules' own worlds, reused by the journeys (pytest finds fixtures by name).
from tests.cooperation.conftest import coop  # noqa: F401
from tests.creditbank.conftest import bank, learner_account  # noqa: F401
from tests.evaluation.conftest import world  # noqa: F401
from tests.talent.conftest import catalogues, talent  # noqa: F401

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Every journey's screenshots, one folder per test, kept after the run (failed or not) for the
# manual and for looking at what went wrong. Set E2E_SCREENSHOTS to put them elsewhere.
SCREENSHOTS = Path(
    os.environ.get("E2E_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "e2e")
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser_page(monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.fail("未找到 chromium：请运行 make browser-deps（apt-get install chromium）")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


# A common phone (iPhone 12–15 class): CSS pixels, drawn at twice the density.
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser_page):
    """A second context in the same Chromium, sized and behaving like a phone (touch, mobile
    viewport meta honoured), with its own cookies. ``shots`` photographs this page by default
    in a test that uses it."""
    context = browser_page.context.browser.new_context(
        locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def ledger_flushable(transactional_db):
    """For a journey that writes to the credit bank's ledger: after it, the database is flushed
    once with the ledger's append-only triggers lifted. SQLite's flush deletes row by row, which
    the triggers refuse (PostgreSQL's TRUNCATE does not fire them); the triggers are back before
    the next test."""
    yield
    from django.core.management import call_command
    from django.db import connection

    from zhijiao.creditbank import triggers

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        triggers.remove(cursor, connection.vendor)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            triggers.install(cursor, connection.vendor)


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def shots(request, browser_page) -> Callable[..., Path]:
    """``shots("03-review")`` saves the page as it is now under var/e2e/<test>/03-review.jpg;
    ``shots("04-x", page=other)`` photographs another page (the phone's is the default when the
    test uses ``phone_page``)."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    default = (
        request.getfixturevalue("phone_page")
        if "phone_page" in request.fixturenames
        else browser_page
    )
    last = [default]

    def take(name: str, page=None) -> Path:
        last[0] = page or default
        path = folder / f"{name}.jpg"
        last[0].screenshot(path=str(path), full_page=True, type="jpeg", quality=70)
        return path

    yield take
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        take("zz-failure", last[0])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
