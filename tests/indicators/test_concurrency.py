"""Two approvers act on the same submission at once: the database decides, one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhijiao.core.errors import ServiceError
from zhijiao.indicators import services
from zhijiao.indicators.models import (
    Submission,
    SubmissionAction,
    SubmissionEvent,
    SubmissionStatus,
)
from zhijiao.orgs.models import User


@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_return_of_one_submission(monitoring, reported):
    m = monitoring
    submission = reported(
        "SCHOOL_BASIC",
        "甲职校",
        m.last_year,
        {"ENROLMENT": 3000, "TEACHER_PRO": 100, "TEACHER_DUAL": 80},
        status=SubmissionStatus.AWAITING_BUREAU,
    )
    second = User.objects.create(username="jyj2", role=m.users["jyj"].role, unit=m.units["教育局"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, approve):
        from django.db import connections

        barrier.wait()
        try:
            if approve:
                services.submission_approve(user=user, submission=submission)
            else:
                services.submission_return(user=user, submission=submission, comment="请核实")
            outcomes.append("ok")
        except ServiceError as error:
            outcomes.append(str(error.code))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(m.users["jyj"], True)),
        threading.Thread(target=act, args=(second, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(outcomes) == ["ok", "wrong_state"], (outcomes, connection.vendor)
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.status in (SubmissionStatus.AWAITING_OFFICE, SubmissionStatus.RETURNED)
    steps = SubmissionEvent.objects.filter(
        submission=submission, action__in=[SubmissionAction.APPROVE, SubmissionAction.RETURN]
    )
    assert steps.count() == 1
