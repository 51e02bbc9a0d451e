"""Concurrency, decided by the database (PostgreSQL: row locks on the application, the learner
and the ledger head): two reviewers crediting one application at the same moment leave exactly
one ledger entry; many writers form one linear chain; caps hold across concurrent credits."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from tests.factories import UserFactory
from zhijiao.core.errors import ServiceError
from zhijiao.creditbank import ledger, services
from zhijiao.creditbank.data import ApplicationAction, ApplicationStatus, LedgerKind
from zhijiao.creditbank.models import (
    Application,
    ApplicationEvent,
    CreditRecord,
    LedgerEntry,
)
from zhijiao.orgs.roles import Role

from .conftest import TODAY

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
AFTER_NOTICE = TODAY + dt.timedelta(days=8)


def race(*calls: Callable[[], object]) -> list[str]:
    """Runs the calls at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
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
        t.join(60)
    return sorted(outcomes)


@pytest.fixture
def second_banker(bank):
    return UserFactory(username="office2", role=Role.PLAN_OFFICE, unit=bank.units["教育局"])


def test_two_bankers_crediting_one_application_leave_exactly_one_ledger_entry(bank, second_banker):
    learner = bank.open()
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)], to="in_notice")

    outcomes = race(
        lambda: services.application_credit(user=bank.office, application=app, today=AFTER_NOTICE),
        lambda: services.application_credit(
            user=second_banker, application=app, today=AFTER_NOTICE
        ),
    )

    assert outcomes == ["ok", "wrong_state"]
    assert LedgerEntry.objects.filter(kind=LedgerKind.CREDIT).count() == 1
    assert CreditRecord.objects.filter(application=app).count() == 2
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.CREDITED
    assert ledger.verify().intact


def test_two_bankers_approving_at_once_approve_once(bank, second_banker):
    learner = bank.open()
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)], to="school_approved")

    outcomes = race(
        lambda: services.application_bank_review(
            user=bank.office, application=app, decision="approve", today=TODAY
        ),
        lambda: services.application_bank_review(
            user=second_banker, application=app, decision="reject", comment="重复", today=TODAY
        ),
    )

    assert outcomes == ["ok", "wrong_state"]
    decided = ApplicationEvent.objects.filter(
        application=app,
        action__in=[ApplicationAction.BANK_APPROVE, ApplicationAction.REJECT],
    )
    assert decided.count() == 1


def test_many_writers_form_one_linear_chain(bank):
    writers, per_writer = 8, 5

    def write(n: int) -> Callable[[], None]:
        def append() -> None:
            for i in range(per_writer):
                with transaction.atomic():
                    ledger.append(LedgerKind.CREDIT, account=f"JYWRITER{n:04d}", payload={"i": i})

        return append

    outcomes = race(*(write(n) for n in range(writers)))

    assert outcomes == ["ok"] * writers
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * per_writer + 1))
    report = ledger.verify()
    assert report.intact and report.entries == writers * per_writer


def test_caps_hold_when_two_applications_of_one_learner_are_credited_at_once(bank, second_banker):
    bank.rule(max_share_percent=Decimal(25))  # 10 of 40 credits
    bank.rule("R-CNC", inputs=(("CNC", 1),), outputs=("JD103",), max_share_percent=Decimal(25))
    learner = bank.open()
    first = bank.apply(learner, [bank.cert(learner)], to="in_notice")  # 8
    second = bank.apply(learner, [bank.cert(learner, "CNC", 1)], to="in_notice")  # 6

    outcomes = race(
        lambda: services.application_credit(
            user=bank.office, application=first, today=AFTER_NOTICE
        ),
        lambda: services.application_credit(
            user=second_banker, application=second, today=AFTER_NOTICE
        ),
    )

    # Whichever goes first is credited in full; the other gets what still fits (8 after 6: one
    # course of 4; 6 after 8: nothing) — never both in full.
    assert "ok" in outcomes and set(outcomes) <= {"ok", "nothing_to_credit"}
    standing = CreditRecord.objects.filter(learner=learner, revoked_at__isnull=True)
    assert sum(r.credits for r in standing) <= Decimal(10)
    assert ledger.verify().intact


def test_the_same_person_opened_twice_at_once_gets_one_account(bank):
    from zhijiao.creditbank.data import LearnerData
    from zhijiao.creditbank.models import Learner

    from .conftest import make_id

    data = LearnerData(name="张三", id_number=make_id(77))
    outcomes = race(
        lambda: services.learner_open(user=bank.office, school=bank.units["甲职校"], data=data),
        lambda: services.learner_open(
            user=bank.users["school"], school=bank.units["甲职校"], data=data
        ),
    )

    assert outcomes == ["duplicate_learner", "ok"]
    assert Learner.objects.count() == 1
