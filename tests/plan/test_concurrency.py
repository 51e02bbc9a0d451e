"""Two reviewers act on the same report at once: the database decides, one wins, nothing doubles."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhijiao.core.errors import ServiceError
from zhijiao.plan import services
from zhijiao.plan.models import ProgressReport, ReportEvent, ReportStatus


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_of_one_report(small_plan):
    sp = small_plan
    services.periods_ensure(plan=sp.plan, through=sp.plan.issued_on)
    report = services.report_save(
        user=sp.users["jyj"],
        task=sp.tasks[3],
        period=sp.plan.periods.get(),
        data=services.ReportInput(narrative="并发审核"),
    )
    services.report_submit(user=sp.users["jyj"], report=report)
    second = type(sp.users["office"]).objects.create(
        username="office2", role=sp.users["office"].role, unit=sp.units["教育局"]
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(user, approve):
        from django.db import connections

        barrier.wait()
        try:
            services.report_review(user=user, report=report, approve=approve, comment="意见")
            outcomes.append("ok")
        except ServiceError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=review, args=(sp.users["office"], True)),
        threading.Thread(target=review, args=(second, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["not_submitted", "ok"], (outcomes, connection.vendor)
    report = ProgressReport.objects.get(pk=report.pk)
    assert report.status in (ReportStatus.APPROVED, ReportStatus.RETURNED)
    assert ReportEvent.objects.filter(report=report).exclude(action="submit").count() == 1
