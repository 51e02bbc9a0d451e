"""A school clerk fills the Excel template, sees the bad row, fixes it and reports; the bureau and
the plan office approve — in a real browser."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.indicators.conftest import CONFIG
from zhijiao.indicators.config import config_load
from zhijiao.indicators.models import DataSetElement, Submission, SubmissionStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_template_import_report_and_approve(
    live_server, browser_page, shots, small_plan, tmp_path: Path
):
    page = browser_page
    for name in ("甲职校", "乙职校"):
        small_plan.units[name].parent = small_plan.units["教育局"]
        small_plan.units[name].save(update_fields=["parent"])
    config_load(copy.deepcopy(CONFIG))
    DataSetElement.objects.filter(element__code="REMARK").update(required=False)
    year = str(timezone.localdate().year - 1)

    login(page, live_server.url, "school", PASSWORD)
    page.goto(f"{live_server.url}/data/SCHOOL_BASIC/import/")
    page.select_option("select[name=period]", year)
    shots("01-import-page")
    with page.expect_download() as download:
        page.click("text=下载导入模板")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    workbook = load_workbook(template)
    sheet = workbook.active
    rows = {sheet.cell(r, 3).value: r for r in range(4, sheet.max_row + 1)}
    figures = {"ENROLMENT": 3000, "TEACHER_PRO": "一百", "TEACHER_DUAL": 80, "HAS_CHARTER": "是",
               "PASS_RATE": 88}  # fmt: skip
    for code, value in figures.items():
        sheet.cell(rows[code], 8, value)
    workbook.save(template)

    page.set_input_files("input[name=file]", str(template))
    page.click("button:text-is('导入')")
    page.wait_for_load_state("networkidle")
    assert "未导入任何数据" in page.content()
    shots("02-import-errors")
    assert "不是数字" in page.content()
    assert not Submission.objects.exists()

    sheet.cell(rows["TEACHER_PRO"], 8, 100)
    workbook.save(template)
    page.set_input_files("input[name=file]", str(template))
    page.click("button:text-is('导入')")
    page.wait_for_load_state("networkidle")
    assert "导入成功" in page.content()
    shots("03-imported")

    page.goto(f"{live_server.url}/data/SCHOOL_BASIC/{year}/")
    assert page.input_value("input[name='v:ENROLMENT__']") == "3000"
    page.click("button:has-text('保存并报送')")
    page.wait_for_load_state("networkidle")
    assert "已报送，等待审核" in page.content()
    shots("04-submitted")
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.AWAITING_BUREAU

    for approver, after in (
        ("jyj", SubmissionStatus.AWAITING_OFFICE),
        ("office", SubmissionStatus.APPROVED),
    ):
        page.context.clear_cookies()
        login(page, live_server.url, approver, PASSWORD)
        page.goto(f"{live_server.url}/data/approvals/")
        page.click("table a:text-is('审核')")
        page.wait_for_load_state("networkidle")
        page.click("button:has-text('审核通过')")
        page.wait_for_load_state("networkidle")
        assert "已审核通过" in page.content()
        shots(f"05-approved-by-{approver}")
        submission.refresh_from_db()
        assert submission.status == after
