"""An enterprise answers the annual talent-demand survey — in a real browser.

Signed in as 某企业's user, it opens 岗位需求填报 from the menu, fills two jobs, is told about a
bad head count next to the field, corrects it, saves a draft, and reports; the form then turns
read-only and the office's list of surveys shows the enterprise as 已报送.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from zhijiao.talent.data import SurveyStatus
from zhijiao.talent.models import DemandSurvey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_line(page, row: int, occupation: str, headcount: str, **choices: str) -> None:
    """Fills row ``row`` (0-based) of the survey's table of jobs."""
    page.select_option(f"select[name=lines-{row}-occupation]", occupation)
    page.fill(f"input[name=lines-{row}-headcount]", headcount)
    for field, value in choices.items():
        page.select_option(f"select[name=lines-{row}-{field}]", value)


def test_an_enterprise_fills_in_and_reports_its_demand(live_server, browser_page, shots, talent):
    page = browser_page
    year = talent.year

    login(page, live_server.url, "enterprise", PASSWORD)
    shots("01-signed-in")
    page.get_by_role("link", name="岗位需求填报").first.click()
    page.wait_for_load_state("networkidle")
    assert f"{year}年岗位需求填报" in page.title()
    assert "未填报" in page.content() and "某企业" in page.content()
    shots("02-empty-survey")

    # Two jobs; the second asks for 0 people, which the page refuses next to the field.
    fill_line(page, 0, "6-18-02-04", "12", skill_level="senior_worker", urgency="urgent")
    fill_line(page, 1, "6-31-01-03", "0", education="college", skill_level="intermediate_worker")
    page.fill("input[name=lines-1-note]", "新生产线投产")
    page.fill("textarea[name=note]", "2号厂房扩产，明年新增焊接和设备维修岗位。")
    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    assert "请按提示修改标红的内容" in page.content()
    assert page.locator("tr:has(select[name=lines-1-occupation]) .zj-error").count() == 1
    assert not DemandSurvey.objects.exists()
    shots("03-inline-error")

    # Corrected, saved as a draft: still editable.
    page.fill("input[name=lines-1-headcount]", "5")
    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    assert "草稿已保存" in page.content()
    survey = DemandSurvey.objects.get(enterprise=talent.units["某企业"], round=talent.round)
    assert survey.status == SurveyStatus.DRAFT
    assert page.input_value("input[name=lines-1-headcount]") == "5"
    shots("04-draft-saved")

    # Reported: a thank-you, and the survey can no longer be changed.
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    assert f"已报送{year}年岗位需求，感谢填报" in page.content()
    assert "已报送，不能再修改" in page.content() and "已已" not in page.content()
    assert page.locator("button[value=submit]").count() == 0
    shots("05-reported")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED and survey.submitted_at is not None
    assert survey.note == "2号厂房扩产，明年新增焊接和设备维修岗位。"
    lines = list(
        survey.lines.order_by("position").values_list(
            "occupation__code", "headcount", "skill_level", "urgency", "education", "note"
        )
    )
    assert lines == [
        ("6-18-02-04", 12, "senior_worker", "urgent", "any", ""),
        ("6-31-01-03", 5, "intermediate_worker", "normal", "college", "新生产线投产"),
    ]
    table = page.locator("table.zj-table").last.inner_text()
    assert "焊工" in table and "电工" in table and "紧急" in table

    # The office sees it among this year's reported surveys.
    page.context.clear_cookies()
    login(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/talent/surveys/?status=submitted")
    row = page.locator("table.zj-table tr", has_text="某企业").inner_text()
    assert "已报送" in row and row.split()[-1] == "17"  # 12 welders and 5 electricians
    shots("06-office-list")
