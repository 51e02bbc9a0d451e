"""A liaison reports progress, the plan office approves it — in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from zhijiao.plan import services
from zhijiao.plan.models import ProgressReport, ReportStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_and_approve(live_server, browser_page, small_plan):
    page = browser_page
    sp = small_plan
    services.periods_ensure(plan=sp.plan, through=sp.plan.issued_on)

    login(page, live_server.url, "jyj", PASSWORD)
    assert "我的工作台" in page.title()
    page.goto(f"{live_server.url}/plan/tasks/1/report/")
    page.fill("textarea[name=narrative]", "召开部门党委挂钩联系工作推进会，印发工作制度。")
    page.fill("input[name=percent]", "60")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert "已报送，等待工作专班审核" in page.content()
    report = ProgressReport.objects.get(task=sp.tasks[1], unit=sp.units["教育局"])
    assert report.status == ReportStatus.SUBMITTED

    page.context.clear_cookies()
    login(page, live_server.url, "office", PASSWORD)
    assert "督查总览" in page.title()
    page.goto(f"{live_server.url}/plan/review/")
    page.click("text=通过")
    page.wait_for_load_state("networkidle")
    assert "审核完成" in page.content()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
