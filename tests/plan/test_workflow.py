"""Progress reports: draft → submitted → approved or returned; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditEvent
from zhijiao.plan import services
from zhijiao.plan.data import PlanErrorCode
from zhijiao.plan.models import Evidence, ExtensionRequest, ProgressReport, ReportStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def period(small_plan):
    services.periods_ensure(plan=small_plan.plan, through=dt.date(2022, 1, 31))
    return small_plan.plan.periods.order_by("start").first()


def _draft(sp, period, user="jyj", task=1, **kw):
    data = services.ReportInput(narrative=kw.pop("narrative", "召开推进会"), **kw)
    return services.report_save(user=sp.users[user], task=sp.tasks[task], period=period, data=data)


@pytest.mark.django_db
def test_report_goes_through_review(small_plan, period):
    sp = small_plan
    report = _draft(sp, period, percent=40)
    assert report.status == ReportStatus.DRAFT
    services.report_submit(user=sp.users["jyj"], report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.first_submitted_at is not None
    first = report.first_submitted_at

    services.report_review(
        user=sp.users["office"], report=report, approve=False, comment="请补充佐证材料"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert sp.users["jyj"].notifications.filter(title__contains="被退回").exists()

    _draft(sp, period, percent=60)
    services.report_submit(user=sp.users["jyj"], report=report)
    services.report_review(user=sp.users["office"], report=report, approve=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.percent == 60
    assert report.first_submitted_at == first  # timeliness stays judged on the first submission
    assert [e.action for e in report.events.all()] == ["submit", "return", "submit", "approve"]
    assert (
        AuditEvent.objects.filter(
            object_type="plan.ProgressReport", object_id=str(report.pk)
        ).count()
        >= 5
    )


@pytest.mark.django_db
def test_second_submit_is_refused_and_changes_nothing(small_plan, period):
    sp = small_plan
    report = _draft(sp, period)
    services.report_submit(user=sp.users["jyj"], report=report)
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as err:
        services.report_submit(user=sp.users["jyj"], report=report)
    assert err.value.code == PlanErrorCode.ALREADY_SUBMITTED
    assert "请勿重复报送" in err.value.message
    assert AuditEvent.objects.count() == before
    assert report.events.count() == 1


@pytest.mark.django_db
def test_unit_not_responsible_cannot_report(small_plan, period):
    with pytest.raises(ServiceError) as err:
        _draft(small_plan, period, user="rsj", task=4)
    assert err.value.code == PlanErrorCode.NOT_RESPONSIBLE
    assert "不是任务 4 的责任单位" in err.value.message
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["jyj", "rsj", "school", "auditor", "sysadmin"])
def test_only_the_office_approves(small_plan, period, user):
    sp = small_plan
    report = _draft(sp, period)
    services.report_submit(user=sp.users["jyj"], report=report)
    with pytest.raises(ServiceError) as err:
        services.report_review(user=sp.users[user], report=report, approve=True)
    assert err.value.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_return_needs_a_reason(small_plan, period):
    sp = small_plan
    report = _draft(sp, period)
    services.report_submit(user=sp.users["jyj"], report=report)
    with pytest.raises(ServiceError, match="退回意见"):
        services.report_review(user=sp.users["office"], report=report, approve=False, comment="  ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.exe", b"MZ\x90\x00", PlanErrorCode.FILE_TYPE),
        ("报告.pdf", b"<html>not a pdf</html>", PlanErrorCode.FILE_TYPE),
        ("empty.pdf", b"", PlanErrorCode.FILE_EMPTY),
        ("noext", b"%PDF-1.4", PlanErrorCode.FILE_TYPE),
    ],
)
def test_bad_evidence_is_refused(small_plan, period, name, content, code):
    report = _draft(small_plan, period)
    with pytest.raises(ServiceError) as err:
        services.evidence_add(
            user=small_plan.users["jyj"], report=report, upload=SimpleUploadedFile(name, content)
        )
    assert err.value.code == code
    assert not Evidence.objects.exists()


@pytest.mark.django_db
@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_oversized_evidence_rolls_back_the_whole_save(small_plan, period):
    sp = small_plan
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    with pytest.raises(ServiceError) as err:
        services.report_with_evidence(
            user=sp.users["jyj"],
            task=sp.tasks[1],
            period=period,
            data=services.ReportInput(narrative="进展"),
            files=[big],
            submit=True,
        )
    assert err.value.code == PlanErrorCode.FILE_TOO_LARGE
    assert "不能超过" in err.value.message
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_good_evidence_is_stored_with_digest(small_plan, period):
    report = _draft(small_plan, period)
    ev = services.evidence_add(
        user=small_plan.users["jyj"], report=report, upload=SimpleUploadedFile("会议纪要.pdf", PDF)
    )
    assert ev.content_type == "application/pdf" and len(ev.sha256) == 64
    assert ev.file.read() == PDF


@pytest.mark.django_db
def test_extension_request_and_decision(small_plan):
    sp = small_plan
    with pytest.raises(ServiceError) as err:
        services.extension_request(
            user=sp.users["rsj"],
            task=sp.tasks[1],
            requested_deadline=dt.date(2022, 6, 30),
            reason="原因",
        )
    assert err.value.code == PlanErrorCode.EXTENSION_NOT_LEAD
    with pytest.raises(ServiceError) as err:
        services.extension_request(
            user=sp.users["jyj"],
            task=sp.tasks[3],
            requested_deadline=dt.date(2022, 6, 30),
            reason="原因",
        )
    assert err.value.code == PlanErrorCode.EXTENSION_CONTINUOUS
    req = services.extension_request(
        user=sp.users["jyj"],
        task=sp.tasks[1],
        requested_deadline=dt.date(2022, 6, 30),
        reason="等待上级文件",
    )
    with pytest.raises(ServiceError) as err:
        services.extension_request(
            user=sp.users["jyj"],
            task=sp.tasks[1],
            requested_deadline=dt.date(2022, 7, 30),
            reason="再次申请",
        )
    assert err.value.code == PlanErrorCode.EXTENSION_PENDING
    with pytest.raises(ServiceError):
        services.extension_decide(user=sp.users["jyj"], request=req, approve=True)
    services.extension_decide(user=sp.users["office"], request=req, approve=True, comment="同意")
    sp.tasks[1].refresh_from_db()
    assert sp.tasks[1].effective_deadline == dt.date(2022, 6, 30)
    with pytest.raises(ServiceError) as err:
        services.extension_decide(
            user=sp.users["office"], request=req, approve=False, comment="重复"
        )
    assert err.value.code == PlanErrorCode.EXTENSION_DECIDED
    assert ExtensionRequest.objects.get().status == "approved"
