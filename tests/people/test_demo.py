"""`zhijiao demopeople`: the registries filled so that the counted targets tell the plan's story."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from stdnum.cn import ric

from tests.factories import UnitFactory, UserFactory
from zhijiao.indicators.sources import source_get
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.roles import Role
from zhijiao.people.data import EagletRoundStatus, NominationStatus
from zhijiao.people.management.commands.demopeople import ENROLMENT, HZ, SCHOOLS
from zhijiao.people.models import EagletNomination, EagletRound, Student, Teacher


@pytest.fixture
def city(db):
    """What `zhijiao loadplan` and `zhijiao demo` leave behind, as far as this demo needs."""
    bureaus = {
        name: UnitFactory(name=name, kind=UnitKind.GOVERNMENT)
        for name in ("教育局", "科技局", "人社局")
    }
    for name in SCHOOLS:
        UnitFactory(
            name=name,
            kind=UnitKind.SCHOOL,
            parent=bureaus["人社局" if name == "澄西技校" else "教育局"],
        )
    UnitFactory(name="澄江特钢股份有限公司（演示）", kind=UnitKind.ENTERPRISE)
    UserFactory(username="office", role=Role.PLAN_OFFICE, unit=bureaus["教育局"])
    UserFactory(username="jyj", role=Role.UNIT_LIAISON, unit=bureaus["教育局"])
    UserFactory(username="rsj", role=Role.UNIT_LIAISON, unit=bureaus["人社局"])
    return bureaus


def run(today: str = "2023-11-29") -> str:
    out = io.StringIO()
    call_command("demopeople", today=today, stdout=out)
    return out.getvalue()


def figures(key: str, years: list[int]) -> dict[int, Decimal]:
    source = source_get(key)
    assert source is not None
    computed = source.compute(years)
    return {
        y: sum((v for (_, year), v in computed.items() if year == y), Decimal(0)) for y in years
    }


def test_the_demo_tells_the_story_and_runs_once(city):
    message = run()

    assert "人员与成果演示数据已载入" in message
    rounds = {r.year: r for r in EagletRound.objects.all()}
    assert {y: (r.status, r.selected) for y, r in rounds.items() if y < 2023} == {
        2021: (EagletRoundStatus.PUBLISHED, 100),
        2022: (EagletRoundStatus.PUBLISHED, 100),
    }
    assert rounds[2023].status == EagletRoundStatus.REVIEWING
    current = EagletNomination.objects.filter(round=rounds[2023])
    assert (
        current.exists()
        and not current.exclude(
            status__in=[
                NominationStatus.NOMINATED,
                NominationStatus.ENDORSED,
                NominationStatus.REJECTED,
            ]
        ).exists()
    )
    assert figures("eaglets_honoured", [2021, 2022, 2023]) == {2021: 100, 2022: 100, 2023: 0}

    pro = figures("teacher_professional", [2021, 2022])
    dual = figures("teacher_dual", [2021, 2022])
    assert 0.7 < dual[2021] / pro[2021] < dual[2022] / pro[2022] < 0.9

    hz = Unit.objects.get(name=HZ).pk
    training = source_get("training_person_times")
    assert training is not None
    assert training.compute([2022])[(hz, 2022)] < 2 * ENROLMENT[HZ][1]  # short of the target

    numbers = list(Student.objects.values_list("id_number", flat=True)[:50])
    numbers += list(Teacher.objects.values_list("id_number", flat=True)[:50])
    assert all(n.startswith("320281") and ric.is_valid(n) and int(n[6:10]) >= 1989 for n in numbers)

    assert "已存在" in run()
    assert EagletRound.objects.count() == 3


def test_the_demo_needs_the_city_first(db):
    with pytest.raises(CommandError, match="zhijiao demo"):
        run()
