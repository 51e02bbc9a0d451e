"""The plan office's day and a liaison's report with evidence, in a real browser.

The office signs in with the second factor, sees the dashboard, opens an overdue task, returns a
liaison's report with a comment, and generates and downloads the supervision bulletin.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from docx import Document

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from zhijiao.plan import services
from zhijiao.plan.models import ProgressReport, ReportStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_liaison_reports_progress_with_evidence(live_server, browser_page, shots, small_plan):
    page = browser_page
    services.periods_ensure(plan=small_plan.plan, through=small_plan.plan.issued_on)

    login(page, live_server.url, "jyj", PASSWORD)
    shots("01-workspace")
    page.goto(f"{live_server.url}/plan/tasks/1/report/")
    page.fill(
        "textarea[name=narrative]", "召开部门党委挂钩联系工作推进会，印发《挂钩联系工作制度》。"
    )
    page.fill("input[name=percent]", "80")
    page.set_input_files(
        "input[name=evidence]",
        files=[
            {"name": "推进会纪要.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 minutes"}
        ],
    )
    shots("02-report-form")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    shots("03-submitted")

    assert "已报送，等待工作专班审核" in page.content()
    report = ProgressReport.objects.get(task=small_plan.tasks[1], unit=small_plan.units["教育局"])
    assert report.status == ReportStatus.SUBMITTED
    assert [e.original_name for e in report.evidence.all()] == ["推进会纪要.pdf"]
    assert "推进会纪要.pdf" in page.content()


def test_the_office_signs_in_with_a_second_factor_returns_a_report_and_issues_a_bulletin(
    live_server, browser_page, shots, small_plan, settings, tmp_path: Path
):
    page = browser_page
    sp = small_plan
    settings.ZHIJIAO_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=sp.users["office"], name="验证器", confirmed=True)
    services.periods_ensure(plan=sp.plan, through=sp.plan.issued_on)
    period = sp.plan.periods.get()
    report = services.report_save(
        user=sp.users["jyj"],
        task=sp.tasks[1],
        period=period,
        data=services.ReportInput(narrative="已起草挂钩联系制度。", percent=30),
    )
    services.report_submit(user=sp.users["jyj"], report=report)

    # Signing in asks for the authenticator's code before anything else.
    login(page, live_server.url, "office", PASSWORD)
    assert "/account/two-factor/" in page.url
    shots("01-second-factor")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("input[name=code]", f"{code:06d}")
    page.click("button:has-text('验证')")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/plan/")
    assert "督查总览" in page.title()
    shots("02-dashboard")

    # The dashboard lists the overdue tasks; the first one opens with its timeline.
    overdue = page.locator("h2:has-text('已逾期任务') + * a").first
    overdue.click()
    page.wait_for_load_state("networkidle")
    assert "/plan/tasks/" in page.url
    shots("03-overdue-task")

    # Return the liaison's report with a comment.
    page.goto(f"{live_server.url}/plan/review/")
    shots("04-review-queue")
    page.click("text=查看/退回")
    page.select_option("select[name=decision]", "return")
    page.fill("textarea[name=comment]", "请补充制度印发文件作为佐证。")
    shots("05-return")
    page.click("form[action$='/review/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "请补充制度印发文件作为佐证。"

    # Generate the supervision bulletin and download it from the jobs page.
    page.goto(f"{live_server.url}/plan/bulletins/")
    page.click("button:has-text('生成督查通报')")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/jobs/")
    shots("06-jobs")
    with page.expect_download() as download:
        page.click("a:has-text('下载')")
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.suffix == ".docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert "督查通报" in text
