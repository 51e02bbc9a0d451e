"""The 技能雏鹰 limits under concurrent requests: the database decides, never a count read first.

Run on PostgreSQL (real row locks and concurrent transactions); SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.factories import UserFactory
from zhijiao.core.errors import ServiceError
from zhijiao.orgs.roles import Role
from zhijiao.people import eaglet_services
from zhijiao.people.data import NominationStatus
from zhijiao.people.models import EagletNomination, EagletQuota, EagletRound

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

DURING = dt.date(2026, 3, 15)


def race(*calls: Callable[[], Any]) -> list[str]:
    """Runs the calls in threads released at the same moment; each outcome is "ok" or the
    error code."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            call()
            outcomes.append("ok")
        except ServiceError as error:
            outcomes.append(str(error.code))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(outcomes)


def open_round(people, *, places: int, quota: int) -> EagletRound:
    office = people.users["office"]
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(
            year=2026,
            nomination_opens=dt.date(2026, 3, 1),
            nomination_closes=dt.date(2026, 4, 30),
            places=places,
        ),
    )
    for school in ("甲职校", "乙职校"):
        eaglet_services.eaglet_quota_set(
            user=office, round_=round_, school=people.units[school], places=quota
        )
    return eaglet_services.eaglet_round_advance(user=office, round_=round_)


def endorsed(people, round_, student) -> EagletNomination:
    n = eaglet_services.eaglet_nominate(
        user=people.users["office"],
        round_=round_,
        student=student,
        reasons="省赛一等奖",
        today=DURING,
    )
    for user in ("jyj", "kjj", "rsj"):
        eaglet_services.eaglet_review(user=people.users[user], nomination=n, agreed=True)
    return n


def test_two_approvals_cannot_take_more_than_the_last_place(bureaus, enrol):
    people = bureaus
    round_ = open_round(people, places=2, quota=2)
    a, b, c = (endorsed(people, round_, enrol(school)) for school in ("甲职校", "甲职校", "乙职校"))
    eaglet_services.eaglet_round_advance(user=people.users["office"], round_=round_)
    eaglet_services.eaglet_propose(user=people.users["office"], nomination=a)
    second = UserFactory(username="office2", role=Role.PLAN_OFFICE, unit=people.units["教育局"])

    outcomes = race(
        lambda: eaglet_services.eaglet_propose(user=people.users["office"], nomination=b),
        lambda: eaglet_services.eaglet_propose(user=second, nomination=c),
    )

    assert outcomes == ["ok", "places_full"]
    round_.refresh_from_db()
    assert round_.selected == 2
    assert EagletNomination.objects.filter(status=NominationStatus.PROPOSED).count() == 2


def test_many_approvals_at_once_stop_at_the_places(bureaus, enrol):
    people = bureaus
    round_ = open_round(people, places=3, quota=3)
    nominations = [endorsed(people, round_, enrol(s)) for s in ["甲职校"] * 3 + ["乙职校"] * 3]
    eaglet_services.eaglet_round_advance(user=people.users["office"], round_=round_)
    office = people.users["office"]

    outcomes = race(
        *[
            (lambda n=n: eaglet_services.eaglet_propose(user=office, nomination=n))
            for n in nominations
        ]
    )

    assert outcomes.count("ok") == 3 and outcomes.count("places_full") == 3
    assert EagletRound.objects.get(pk=round_.pk).selected == 3
    assert EagletNomination.objects.filter(status=NominationStatus.PROPOSED).count() == 3


def test_two_clerks_cannot_overrun_the_last_quota_place(bureaus, enrol):
    people = bureaus
    round_ = open_round(people, places=100, quota=2)
    eaglet_services.eaglet_nominate(
        user=people.users["school"], round_=round_, student=enrol(), reasons="理由", today=DURING
    )
    clerk2 = UserFactory(username="school2", role=Role.SCHOOL_CLERK, unit=people.units["甲职校"])
    s1, s2 = enrol(), enrol()

    outcomes = race(
        lambda: eaglet_services.eaglet_nominate(
            user=people.users["school"], round_=round_, student=s1, reasons="理由", today=DURING
        ),
        lambda: eaglet_services.eaglet_nominate(
            user=clerk2, round_=round_, student=s2, reasons="理由", today=DURING
        ),
    )

    assert outcomes == ["ok", "quota_full"]
    quota = EagletQuota.objects.get(round=round_, school=people.units["甲职校"])
    assert quota.nominated == 2 == EagletNomination.objects.filter(school=quota.school).count()


def test_the_same_student_nominated_twice_at_once_is_one_nomination(bureaus, enrol):
    people = bureaus
    round_ = open_round(people, places=100, quota=5)
    student = enrol()
    clerk2 = UserFactory(username="school2", role=Role.SCHOOL_CLERK, unit=people.units["甲职校"])

    outcomes = race(
        lambda: eaglet_services.eaglet_nominate(
            user=people.users["school"],
            round_=round_,
            student=student,
            reasons="理由",
            today=DURING,
        ),
        lambda: eaglet_services.eaglet_nominate(
            user=clerk2, round_=round_, student=student, reasons="理由", today=DURING
        ),
    )

    assert outcomes == ["already_nominated", "ok"]
    assert EagletNomination.objects.filter(student=student).count() == 1
    assert EagletQuota.objects.get(round=round_, school=people.units["甲职校"]).nominated == 1
