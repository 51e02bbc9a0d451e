"""Two requests at once: the database decides (row locks, unique constraints), and the loser gets
the same Chinese refusal as if it had come second — never a server error.

Run on PostgreSQL (real row locks and concurrent transactions); SQLite serialises writers anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.cooperation.conftest import D, code
from zhijiao.cooperation import services
from zhijiao.cooperation.data import EnterpriseLevel, Industry, MemberRole
from zhijiao.cooperation.models import EnterpriseLevelDecision, GroupMember, IntegrationEnterprise
from zhijiao.core.errors import ServiceError
from zhijiao.orgs.models import Unit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(*calls: Callable[[], Any]) -> list[str]:
    """Runs the calls in threads released at the same moment; each outcome is "ok", the error
    code of a refusal, or "crash" for anything else."""
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
        except Exception as error:  # noqa: BLE001 — what the test is about
            outcomes.append(f"crash: {type(error).__name__}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(outcomes)


def test_the_same_new_enterprise_listed_twice_at_once(coop):
    def listing() -> Any:
        return services.cpe_create(
            user=coop.users["office"],
            enterprise_name="新企业",
            credit_code=code(900),
            industry=Industry.CHIP,
            applied_on=D(2022, 1, 1),
            department=coop.units["发改委"],
        )

    outcomes = race(listing, listing)

    assert outcomes == ["duplicate", "ok"]  # the loser hears that the enterprise is listed
    assert IntegrationEnterprise.objects.count() == 1
    assert Unit.objects.filter(credit_code=code(900)).count() == 1


def test_two_level_decisions_at_once_one_step_each(coop, make):
    record = make.cpe()

    def decide() -> Any:
        return services.level_decide(
            user=coop.users["office"],
            record=record,
            level=EnterpriseLevel.CULTIVATION,
            decided_on=D(2021, 4, 1),
            authority="发改委",
        )

    assert race(decide, decide) == ["ok", "wrong_level"]
    assert EnterpriseLevelDecision.objects.count() == 1


def test_the_same_unit_joins_a_group_twice_at_once(coop, make):
    group = make.group()

    def join() -> Any:
        return services.member_add(
            user=coop.users["office"],
            group=group,
            unit=coop.units["某企业"],
            role=MemberRole.MEMBER,
            joined_on=D(2022, 1, 1),
        )

    assert race(join, join) == ["already_member", "ok"]
    assert GroupMember.objects.filter(unit=coop.units["某企业"]).count() == 1
