"""Exports: the result notice (.docx, 公文 layout, a background job), the 质量年度报告 of a school
and the city summary (.docx: the five standard tables, missing items listed), the command."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from tests.evaluation.conftest import FIGURES, SCORING_DUE, scored_round
from zhijiao.core.models import Job, JobStatus
from zhijiao.evaluation import documents, quality, services
from zhijiao.indicators.models import DataElement, Indicator


def texts(content: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(content))
    body = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return body, tables


@pytest.fixture
def published(world):
    FIGURES[(world.units["甲职校"].pk, 2024)] = Decimal(95)
    round_ = scored_round(world)
    office = world.users["office"]
    services.round_start_reconciliation(user=office, round_=round_, today=SCORING_DUE)
    services.round_publish_notice(
        user=office,
        round_=round_,
        notice_starts=dt.date(2025, 5, 10),
        notice_ends=dt.date(2025, 5, 16),
    )
    return round_


@pytest.mark.django_db
def test_the_notice_is_a_gongwen_document_built_as_a_job(
    client, world, published, django_capture_on_commit_callbacks
):
    client.force_login(world.users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:evaluation-notice", args=[published.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:jobs")
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result_name == "2024年度测试办学水平评价结果公示.docx"
    download = client.get(reverse("admin:job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    body, tables = texts(content)
    assert "结果的公示" in body and "公示时间：2025年5月10日至2025年5月16日" in body
    assert "江阴市推进职业教育改革创新工作专班" in body
    ranking = tables[0]
    assert ranking[0] == ["名次", "学校", "总分", "等级"]
    assert ranking[1][1] == "甲职校"  # the strongest indicator figure ranks it first
    assert tables[1][0][1].startswith("双师型")

    doc = Document(io.BytesIO(content))
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28

    client.force_login(world.users["school"])
    assert client.post(reverse("admin:evaluation-notice", args=[published.pk])).status_code == 403


@pytest.mark.django_db
def test_the_published_notice_reports_the_appeals(world, published):
    office = world.users["office"]
    entry = published.entries.get(school=world.units["甲职校"])
    appeal = services.appeal_submit(
        user=world.users["school"], entry=entry, reason="复核", today=dt.date(2025, 5, 12)
    )
    services.appeal_decide(user=office, appeal=appeal, upheld=False, decision="维持")
    services.round_publish(user=office, round_=published, today=dt.date(2025, 5, 17))
    published.refresh_from_db()
    stream = io.BytesIO()
    documents.notice_build(published, stream)
    body, _ = texts(stream.getvalue())
    assert "结果的通知" in body and "公示期间共收到申诉1件，经复核成立0件" in body


@pytest.mark.django_db
def test_quality_report_fills_what_the_platform_holds_and_lists_the_rest(world, published):
    DataElement.objects.create(code="ENROLMENT", name="全日制在校生数", source="")
    jia = world.units["甲职校"]
    published.status = "published"
    published.save(update_fields=["status"])
    [facts] = quality.facts([jia], 2024)
    assert facts.value("办学水平评价得分（等级）").endswith("）")
    missing = {c.item.label: c.missing_reason for _, c in facts.missing}
    assert missing["毕业生就业率"] == quality.NOT_COLLECTED
    assert missing["全日制在校生数"] == quality.NOT_REPORTED  # collected, not reported
    assert "办学水平评价得分（等级）" not in missing

    stream = io.BytesIO()
    quality.school_report_build(facts, stream)
    body, tables = texts(stream.getvalue())
    for title in ("计分卡", "资源表", "服务贡献表", "落实政策表", "国际影响表"):
        assert any(title in p for p in body.split("\n")), title
    assert "数据缺失清单" in body and "编写提纲" in body
    scorecard = tables[0]
    assert scorecard[0] == ["序号", "项目", "单位", "数值"]
    employment = next(r for r in scorecard if r[1] == "毕业生就业率")
    assert employment[3] == "（缺）"  # blank, not invented
    missing_table = tables[5]
    assert len(missing_table) - 1 == len(facts.missing)


@pytest.mark.django_db
def test_quality_reports_by_command_and_page(
    client, world, published, tmp_path, django_capture_on_commit_callbacks
):
    Indicator.objects.filter(code="EVAL_TEST").update(code="DUAL_SHARE")
    call_command("evaluationreport", "quality", "--year", "2024", "-o", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "江阴市职业教育2024年质量年度报告（汇总）.docx" in names
    assert "甲职校2024年质量年度报告.docx" in names and len(names) == 4
    body, tables = texts((tmp_path / "江阴市职业教育2024年质量年度报告（汇总）.docx").read_bytes())
    assert "数据完整情况" in body
    dual = {row[0]: row[2] for row in tables[0][1:]}
    assert dual["甲职校"] == "95"
    with pytest.raises(CommandError, match="没有名为“无此校”的职业院校"):
        call_command("evaluationreport", "quality", "--year", "2024", "--school", "无此校")
    call_command("evaluationreport", "results", "--round", str(published.pk), "-o", str(tmp_path))
    assert (tmp_path / f"{published.title}结果.xlsx").exists()

    # A school generates its own report, not another's; the city summary is the office's.
    client.force_login(world.users["school"])
    url = reverse("admin:evaluation-reports")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"year": "2024", "school": world.units["甲职校"].pk})
    assert Job.objects.get().status == JobStatus.SUCCEEDED
    response = client.post(url, {"year": "2024", "school": world.units["丙职校"].pk})
    assert "选择一个有效的选项" in response.content.decode() or response.status_code == 200
    assert Job.objects.count() == 1
    client.post(url, {"year": "2024"})
    assert Job.objects.count() == 1
    client.force_login(world.users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"year": "2024"})
    job = Job.objects.latest("pk")
    assert job.result_name == "江阴市职业教育2024年质量年度报告（汇总）.docx"
