"""`zhijiao democreditbank`: needs the demo's units, loads a believable credit bank through the
services (applications in every state, an intact ledger), and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UnitFactory, UserFactory
from zhijiao.creditbank import ledger, selectors
from zhijiao.creditbank.data import ApplicationStatus, LearnerStatus
from zhijiao.creditbank.management.commands.democreditbank import CLERKS, PROGRAMMES
from zhijiao.creditbank.models import (
    Application,
    Learner,
    MutualRecognition,
    NameCorrection,
    Objection,
)
from zhijiao.orgs.models import UnitKind
from zhijiao.orgs.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units():
    bureau = UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT)
    for name in PROGRAMMES:
        UnitFactory(name=name, kind=UnitKind.SCHOOL, parent=bureau)
    UserFactory(username="office", role=Role.PLAN_OFFICE, unit=bureau)
    for school, username in CLERKS.items():
        UserFactory(username=username, role=Role.SCHOOL_CLERK, unit=UnitFactory(name=school))
    return UserFactory(username="xueyuan", role=Role.LEARNER, unit=None)


def test_the_demo_needs_the_plan_demo_first():
    with pytest.raises(CommandError, match="zhijiao demo"):
        call_command("democreditbank")


def test_the_demo_loads_every_state_and_an_intact_ledger_once(demo_units):
    out = io.StringIO()
    call_command("democreditbank", "--learners", "60", "--today", "2026-03-15", stdout=out)

    assert "账本完好" in out.getvalue()
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    assert Objection.objects.filter(status="open").exists()
    assert NameCorrection.objects.count() == 1
    assert MutualRecognition.objects.exists()
    assert Learner.objects.filter(status=LearnerStatus.ERASED).count() == 1
    assert Learner.objects.count() == 61
    mine = selectors.learner_of_user(demo_units)
    assert mine is not None and selectors.learner_transcript(mine).total > 0
    assert ledger.verify().intact

    again = io.StringIO()
    call_command("democreditbank", stdout=again)
    assert "已存在" in again.getvalue()
    assert Learner.objects.count() == 61
