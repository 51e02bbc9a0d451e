"""The plan pages show what each user needs, in Chinese, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.sheets import response_rows
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.orgs.roles import Role
from zhijiao.plan import services
from zhijiao.plan.models import ProgressReport, ReportStatus


@pytest.fixture
def current_period(small_plan):
    services.periods_ensure(plan=small_plan.plan, through=timezone.localdate())
    return small_plan.plan.periods.order_by("-start").first()


@pytest.mark.django_db
def test_dashboard_counts_tasks_by_status(client, small_plan, current_period):
    client.force_login(small_plan.users["office"])
    html = client.get(reverse("admin:plan-dashboard")).content.decode()
    # tasks 1 and 2 are past their 2021/2022 deadlines; 3 and 4 are continuous
    assert "已逾期" in html and "持续推进" in html
    assert "责任单位按时报送记分卡" in html
    assert "甲职校" in html and "人社局" in html


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_tasks(
    client, small_plan, current_period, django_assert_max_num_queries
):
    client.force_login(small_plan.users["office"])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("admin:plan-dashboard")).status_code == 200


@pytest.mark.django_db
def test_sidebar_shows_each_role_only_what_it_may_use(client, small_plan):
    client.force_login(small_plan.users["jyj"])
    html = client.get(reverse("admin:plan-workspace")).content.decode()
    assert "我的工作台" in html and "督查总览" not in html and "审计日志" not in html
    client.force_login(small_plan.users["auditor"])
    html = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "审计日志" in html and "任务清单" not in html and "我的工作台" not in html


@pytest.mark.django_db
def test_home_sends_each_role_to_its_work(client, small_plan):
    for role, target in [
        ("office", "admin:plan-dashboard"),
        ("jyj", "admin:plan-workspace"),
        ("auditor", "admin:core_auditevent_changelist"),
        ("learner", "admin:notifications"),
    ]:
        client.force_login(small_plan.users[role])
        assert client.get("/")["Location"] == reverse(target), role


@pytest.mark.django_db
def test_report_form_rejects_bad_percent_in_chinese(client, small_plan, current_period):
    client.force_login(small_plan.users["jyj"])
    url = reverse("admin:plan-report-edit", args=[3])
    response = client.post(
        url, {"period": current_period.pk, "narrative": "进展", "percent": "150", "submit": "1"}
    )
    assert response.status_code == 200
    assert "完成进度不能大于 100" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_report_form_with_wrong_file_type_saves_nothing(client, small_plan, current_period):
    client.force_login(small_plan.users["jyj"])
    url = reverse("admin:plan-report-edit", args=[3])
    response = client.post(
        url,
        {
            "period": current_period.pk,
            "narrative": "进展",
            "percent": "30",
            "submit": "1",
            "evidence": [SimpleUploadedFile("病毒.exe", b"MZ\x90")],
        },
        follow=True,
    )
    assert "不支持的文件类型" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_submit_twice_through_the_page(client, small_plan, current_period):
    client.force_login(small_plan.users["jyj"])
    url = reverse("admin:plan-report-edit", args=[3])
    response = client.post(
        url, {"period": current_period.pk, "narrative": "进展", "percent": "30", "submit": "1"}
    )
    report = ProgressReport.objects.get()
    assert response["Location"] == reverse("admin:plan-report", args=[report.pk])
    again = client.post(reverse("admin:plan-report-submit", args=[report.pk]), follow=True)
    assert "请勿重复报送" in again.content.decode()
    assert report.events.count() == 1


@pytest.mark.django_db
def test_task_page_shows_timeline_and_evidence_only_in_scope(client, small_plan, current_period):
    sp = small_plan
    report = services.report_with_evidence(
        user=sp.users["rsj"],
        task=sp.tasks[3],
        period=current_period,
        data=services.ReportInput(narrative="举办素质能力大赛", percent=0),
        files=[SimpleUploadedFile("通知.pdf", b"%PDF-1.4 test")],
        submit=True,
    )
    evidence = report.evidence.get()
    client.force_login(sp.users["jyj"])  # the lead unit of task 3
    html = client.get(reverse("admin:plan-task", args=[3])).content.decode()
    assert "举办素质能力大赛" in html and "通知.pdf" in html
    assert client.get(reverse("admin:plan-evidence", args=[evidence.pk])).status_code == 200
    client.force_login(sp.users["school"])
    assert client.get(reverse("admin:plan-evidence", args=[evidence.pk])).status_code == 404


@pytest.mark.django_db
def test_office_reviews_from_the_queue(client, small_plan, current_period):
    sp = small_plan
    report = services.report_save(
        user=sp.users["rsj"],
        task=sp.tasks[2],
        period=current_period,
        data=services.ReportInput(narrative="试点学校遴选", percent=70),
    )
    services.report_submit(user=sp.users["rsj"], report=report)
    client.force_login(sp.users["office"])
    assert (
        "试点学校遴选" not in client.get(reverse("admin:plan-review")).content.decode()
    )  # listed by task
    client.post(
        reverse("admin:plan-report-review", args=[report.pk]), {"decision": "return", "comment": ""}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # a return without a reason changes nothing
    client.post(
        reverse("admin:plan-report-review", args=[report.pk]),
        {"decision": "approve", "comment": ""},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


@pytest.mark.django_db
def test_extension_page_flow(client, small_plan):
    sp = small_plan
    client.force_login(sp.users["jyj"])
    response = client.post(
        reverse("admin:plan-extension-new", args=[1]),
        {"requested_deadline": "2020-01-01", "reason": "太早"},
    )
    assert "应晚于当前截止日期" in response.content.decode()
    client.post(
        reverse("admin:plan-extension-new", args=[1]),
        {"requested_deadline": "2027-06-30", "reason": "等待上级文件"},
    )
    client.force_login(sp.users["office"])
    req = sp.tasks[1].extension_requests.get()
    client.post(
        reverse("admin:plan-extension-decide", args=[req.pk]),
        {"decision": "approve", "comment": "同意"},
    )
    sp.tasks[1].refresh_from_db()
    assert sp.tasks[1].extended_deadline == dt.date(2027, 6, 30)


@pytest.mark.django_db
def test_bulletin_from_the_page_becomes_a_downloadable_job(
    client, small_plan, current_period, django_capture_on_commit_callbacks
):
    from docx import Document

    from zhijiao.core.models import Job, JobStatus

    client.force_login(small_plan.users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:plan-bulletins"), {"period": current_period.pk})
    assert response["Location"] == reverse("admin:jobs")
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100  # jobs run at once in tests
    assert "督查通报" in client.get(reverse("admin:jobs")).content.decode()
    download = client.get(reverse("admin:job-download", args=[job.pk]))
    import io

    doc = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert any("督查通报" in p.text for p in doc.paragraphs)
    # another user cannot fetch it
    client.force_login(small_plan.users["jyj"])
    assert client.get(reverse("admin:job-download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_export_then_import_through_the_pages(client, small_plan, current_period):
    import io

    import openpyxl

    client.force_login(small_plan.users["jyj"])
    response = client.get(reverse("admin:plan-export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    numbers = [row[headers.index("序号")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [1, 3]  # only the tasks of 教育局
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, headers.index("序号") + 1).value == 3:
            sheet.cell(r, headers.index("报送周期") + 1, current_period.label)
            sheet.cell(r, headers.index("进展情况") + 1, "筹备年度素质能力大赛")
            sheet.cell(r, headers.index("完成进度（%）") + 1, 20)
            sheet.cell(r, headers.index("申报完成（是/否）") + 1, "否")
    upload = io.BytesIO()
    book.save(upload)
    upload.name = "进展.xlsx"
    upload.seek(0)
    response = client.post(reverse("admin:plan-import"), {"file": upload}, follow=True)
    assert "已导入并报送 1 份进展报告" in response.content.decode()
    assert ProgressReport.objects.get().status == ReportStatus.SUBMITTED


def test_task_list_filters_by_keyword_status_and_unit(client, small_plan):
    client.force_login(small_plan.users["office"])
    url = reverse("admin:plan-tasks")

    by_word = client.get(url, {"q": "试点学校"}).content.decode()
    by_unit = client.get(url, {"unit": "人社局"}).content.decode()
    nothing = client.get(url, {"q": "不存在的词"}).content.decode()

    assert "培育试点学校" in by_word and "建立挂钩联系制度" not in by_word
    assert "建立挂钩联系制度" in by_unit and "培育试点学校" in by_unit
    assert "培育试点学校" not in nothing


@pytest.mark.django_db
def test_review_queue_filters_pages_and_exports_what_it_shows(client, small_plan, current_period):
    sp = small_plan
    for user, number, narrative in (("rsj", 2, "试点学校遴选"), ("jyj", 1, "挂钩联系走访")):
        report = services.report_save(
            user=sp.users[user],
            task=sp.tasks[number],
            period=current_period,
            data=services.ReportInput(narrative=narrative, percent=40),
        )
        services.report_submit(user=sp.users[user], report=report)
    client.force_login(sp.users["office"])
    url = reverse("admin:plan-review")

    everything = client.get(url).content.decode()
    rsj = sp.users["rsj"].unit
    by_unit = client.get(url, {"unit": rsj.pk}).content.decode()
    by_word = client.get(url, {"q": "挂钩"}).content.decode()
    nothing = client.get(url, {"q": "不存在的词"}).content.decode()

    assert "待审核进展报告（2）" in everything
    assert "待审核进展报告（1）" in by_unit and "（已筛选）" in by_unit
    assert f'href="{reverse("admin:plan-report", args=[sp.tasks[1].reports.get().pk])}"' in by_word
    assert "没有符合筛选条件的待审核报告" in nothing

    response = client.get(url, {"unit": rsj.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("任务序号", "主要任务", "报送单位", "周期")
    assert [(r[0], r[2], r[8]) for r in rows[1:]] == [(2, "人社局", "试点学校遴选")]
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=sp.users["office"]).get()
    assert exported.object_type == "plan.ProgressReport" and "unit=" in exported.message


@pytest.mark.django_db
def test_review_queue_export_is_the_reviewers_alone(client, small_plan):
    client.force_login(small_plan.users["school"])
    assert client.get(reverse("admin:plan-review"), {"format": "xlsx"}).status_code == 403


SCHOOL_PLAN_HEADERS = (
    "学校",
    "方案名称",
    "主要内容",
    "对应任务",
    "方案文件",
    "制定时间",
    "更新时间",
    "更新人",
)


@pytest.fixture
def school_plans(small_plan):
    """甲职校 serves tasks 1 and 4 with a file; 乙职校 serves task 4, no file yet."""
    sp = small_plan
    sp.users["school_b"] = UserFactory(
        username="school_b", role=Role.SCHOOL_CLERK, unit=sp.units["乙职校"]
    )
    services.school_plan_save(
        user=sp.users["school"],
        plan=sp.plan,
        title="甲职校产教融合实施方案",
        summary="建设共享实训基地",
        task_ids=[sp.tasks[1].pk, sp.tasks[4].pk],
        document=SimpleUploadedFile("甲职校方案.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    services.school_plan_save(
        user=sp.users["school_b"],
        plan=sp.plan,
        title="乙职校育训结合实施方案",
        summary="扩大社会培训规模",
        task_ids=[sp.tasks[4].pk],
    )
    return sp


@pytest.mark.django_db
def test_school_plans_filter_page_and_export_what_they_show(client, school_plans):
    sp = school_plans
    office = sp.users["office"]
    client.force_login(office)
    url = reverse("admin:plan-school-plan")

    everything = client.get(url).content.decode()
    by_school = client.get(url, {"school": sp.units["乙职校"].pk}).content.decode()
    by_task = client.get(url, {"task": 1}).content.decode()
    without_file = client.get(url, {"document": "no"}).content.decode()
    by_word = client.get(url, {"q": "社会培训"}).content.decode()
    nothing = client.get(url, {"q": "不存在的词"}).content.decode()

    assert "各校一校一案（2）" in everything and "导出 Excel" in everything
    assert "各校一校一案（1）" in by_school and "（已筛选）" in by_school
    assert "乙职校育训结合实施方案" in by_school and "甲职校产教融合实施方案" not in by_school
    assert "甲职校产教融合实施方案" in by_task and "乙职校育训结合实施方案" not in by_task
    assert "乙职校育训结合实施方案" in without_file
    assert "甲职校产教融合实施方案" not in without_file
    assert "乙职校育训结合实施方案" in by_word and "甲职校产教融合实施方案" not in by_word
    assert "没有符合筛选条件的一校一案" in nothing and 'href="?">清除筛选' in nothing

    rows = response_rows(client.get(url, {"task": 4, "document": "yes", "format": "xlsx"}))
    assert rows[0] == SCHOOL_PLAN_HEADERS
    assert [r[:5] for r in rows[1:]] == [
        ("甲职校", "甲职校产教融合实施方案", "建设共享实训基地", "1、4", "甲职校方案.pdf")
    ]
    assert rows[1][7] == str(sp.users["school"])
    everything_rows = response_rows(client.get(url, {"format": "xlsx"}))
    assert sorted(r[0] for r in everything_rows[1:]) == sorted(["甲职校", "乙职校"])
    exports = AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=office, object_type="plan.SchoolPlan"
    ).order_by("pk")
    assert [e.message for e in exports] == [
        "导出一校一案 1 行（筛选：task=4；document=yes）",
        "导出一校一案 2 行",
    ]


@pytest.mark.django_db
def test_a_school_exports_only_its_own_school_plan(client, school_plans):
    sp = school_plans
    client.force_login(sp.users["school"])
    url = reverse("admin:plan-school-plan")

    own = response_rows(client.get(url, {"format": "xlsx"}))
    asked = response_rows(client.get(url, {"school": sp.units["乙职校"].pk, "format": "xlsx"}))
    page = client.get(url).content.decode()

    assert [r[0] for r in own[1:]] == ["甲职校"]
    assert asked == [SCHOOL_PLAN_HEADERS]
    assert "乙职校育训结合实施方案" not in page
    # Bureaus neither keep nor read school plans.
    client.force_login(sp.users["jyj"])
    assert client.get(url, {"format": "xlsx"}).status_code == 403
