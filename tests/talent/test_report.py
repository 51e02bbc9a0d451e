"""The annual report: generated in the background, opened with python-docx, archived per year,
published to the public page (no sign-in), and the `zhijiao report talent` command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import Job, JobStatus
from zhijiao.talent import postings, reports, services, supply
from zhijiao.talent.data import ReportStatus
from zhijiao.talent.models import TalentReport

HEADINGS = [
    "一、摘要",
    "二、数据来源与方法",
    "三、人才需求情况",
    "四、技能和学历结构",
    "五、供需对比",
    "六、紧缺职业目录",
    "七、对策建议",
]


@pytest.fixture
def year_with_data(talent, line):
    """This year's demand from both enterprises, two majors' supply, a few postings."""
    services.survey_save(
        user=talent.users["enterprise"],
        year=talent.year,
        lines=[line("6-18-02-04", 30, urgency="urgent"), line("6-31-01-03", 12)],
        submit=True,
    )
    services.survey_save(
        user=talent.users["enterprise2"],
        year=talent.year,
        lines=[line("6-18-01-01", 15)],
        submit=True,
    )
    for code, graduates in (("460501", 20), ("460103", 40)):
        supply.supply_save(
            user=None,
            school=talent.units["甲职校"],
            data=supply.SupplyData(
                major_code=code,
                year=talent.year,
                enrolled=graduates,
                graduates=graduates,
                local_employed=graduates - 5,
                further_study=5,
                other=0,
            ),
        )
    rows = postings.read_rows(
        "职位名称,职位描述\n焊工,持焊工证\n电工,持低压电工证，PLC\n数控车工,看懂图纸\n".encode(),
        "p.csv",
    )
    postings.postings_import(user=None, rows=rows, source="测试", year=talent.year)
    return talent


def test_the_report_is_generated_archived_and_published(
    client, year_with_data, django_capture_on_commit_callbacks
):
    t = year_with_data
    office = t.users["office"]
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:talent-reports"), {"year": t.year, "action": "generate"}
        )
    assert response.status_code == 302
    job = Job.objects.get(kind=reports.REPORT_JOB_KIND)
    assert job.status == JobStatus.SUCCEEDED, job.message
    report = TalentReport.objects.get(year=t.year)
    assert report.status == ReportStatus.GENERATED and report.weights["ratio"] == 0.4

    doc = Document(str(reports.report_file(report)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"{t.year}年江阴市产业人才需求报告"
    for heading in HEADINGS:
        assert heading in texts, heading
    assert len(doc.tables) >= 7
    first_rows = {tuple(c.text for c in table.rows[0].cells) for table in doc.tables}
    assert ("分项", "计算方法", "权重") in first_rows  # the index weights are shown
    weights = next(tb for tb in doc.tables if tb.rows[0].cells[0].text == "分项")
    assert [r.cells[2].text for r in weights.rows[1:]] == ["0.40", "0.20", "0.20", "0.20"]
    shortage = next(
        tb
        for tb in doc.tables
        if tb.rows[0].cells[1].text == "职业" and tb.rows[0].cells[0].text == "序号"
    )
    assert "焊工" in shortage.rows[1].cells[1].text
    assert len(doc.inline_shapes) >= 4  # the charts

    # The office previews it; nobody else may.
    preview = client.get(reverse("admin:talent-report", args=[t.year]))
    assert preview.status_code == 200 and "未发布（预览）" in preview.content.decode()
    assert (
        client.get(reverse("admin:talent-report", args=[t.year]) + "?download=1").status_code == 200
    )
    assert client.get(reverse("admin:talent-report", args=[t.year - 5])).status_code == 404
    client.force_login(t.users["school"])
    assert client.get(reverse("admin:talent-report", args=[t.year])).status_code == 403

    # Not yet public.
    client.logout()
    assert client.get(f"/api/v1/talent/report?year={t.year}").status_code == 404
    assert client.get("/api/v1/talent/reports").json() == []

    client.force_login(office)
    client.post(reverse("admin:talent-reports"), {"year": t.year, "action": "publish"})
    client.logout()
    listing = client.get("/api/v1/talent/reports")
    assert listing.status_code == 200 and listing.json()[0]["year"] == t.year
    assert listing.json()[0]["weights"] == {
        "ratio": 0.4,
        "growth": 0.2,
        "urgency": 0.2,
        "postings": 0.2,
    }
    page = client.get("/api/v1/talent/reports?format=html")
    assert page.status_code == 200 and f"{t.year}年江阴市产业人才需求报告" in page.content.decode()
    detail = client.get(f"/api/v1/talent/report?year={t.year}", HTTP_ACCEPT="text/html")
    body = detail.content.decode()
    assert detail.status_code == 200 and "紧缺职业目录" in body and "data:image/png;base64," in body
    assert "求人倍率" in body and "0.4" in body
    download = client.get(f"/api/v1/talent/report/document?year={t.year}")
    assert download.status_code == 200
    assert (
        Document(io.BytesIO(b"".join(download.streaming_content)))
        .paragraphs[0]
        .text.startswith(str(t.year))
    )

    # Regenerating withdraws the publication until the office publishes again.
    reports.report_archive(user=office, year=t.year)
    assert client.get(f"/api/v1/talent/report/document?year={t.year}").status_code == 404


def test_the_command_generates_the_report(year_with_data, tmp_path):
    out = tmp_path / "r.docx"
    call_command(
        "report", "talent", "--year", str(year_with_data.year), "--output", str(out), "--publish"
    )
    assert Document(str(out)).paragraphs[0].text == f"{year_with_data.year}年江阴市产业人才需求报告"
    report = TalentReport.objects.get(year=year_with_data.year)
    assert report.status == ReportStatus.PUBLISHED
    with pytest.raises(CommandError, match="未知的报告类型"):
        call_command("report", "nonsense", "--year", "2025")


def test_no_demand_no_report(talent):
    with pytest.raises(ServiceError, match="没有已报送的岗位需求"):
        reports.report_archive(user=None, year=2001)
    assert not TalentReport.objects.exists()
    assert not list(Path(reports.settings.MEDIA_ROOT).glob("talent/reports/2001/*.docx"))


def test_only_the_office_generates_and_publishes(talent):
    for who in ("school", "jyj", "enterprise"):
        with pytest.raises(ServiceError) as caught:
            reports.report_generate(user=talent.users[who], year=2025)
        assert caught.value.status_code == 403
        with pytest.raises(ServiceError):
            reports.report_publish(user=talent.users[who], year=2025)
    with pytest.raises(ServiceError, match="尚未生成"):
        reports.report_publish(user=talent.users["office"], year=2025)
