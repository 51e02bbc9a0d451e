"""An evaluation world on top of ``small_plan``: 甲职校 and 乙职校 (supervised by 教育局), a third
school 丙职校, three experts, a small scheme of every scoring method, and indicator figures that
tests set per school and year (through a registered indicator source)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.factories import UnitFactory, UserFactory
from zhijiao.evaluation import services
from zhijiao.evaluation.models import Criterion, Round, Scheme
from zhijiao.indicators.models import DataElement, Indicator
from zhijiao.indicators.sources import register
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role

# (school id, year) → figure, read by the indicator "EVAL_TEST" through its source.
FIGURES: dict[tuple[int | None, int], Decimal] = {}


@register("evaluation_test_figure", name="评价测试数据", module="测试")
def _figure(years):
    return {k: v for k, v in FIGURES.items() if k[1] in years}


SELF_DUE = dt.date(2025, 3, 31)
SCORING_DUE = dt.date(2025, 4, 30)

TREE = [
    {
        "code": "A",
        "name": "双师型",
        "weight": 40,
        "children": [
            {
                "code": "A1",
                "name": "双师型比例",
                "weight": 40,
                "method": "auto",
                "indicator": "EVAL_TEST",
                "bands": [[60, 10], [80, 30], [90, 40]],
            }
        ],
    },
    {
        "code": "B",
        "name": "育训结合",
        "weight": 60,
        "children": [
            {
                "code": "B1",
                "name": "培训质量",
                "weight": 30,
                "method": "expert",
                "rubric": "按质量评分",
            },
            {
                "code": "B2",
                "name": "重点群体培训",
                "weight": 30,
                "method": "self_checked",
                "rubric": "自评，专家核定",
            },
        ],
    },
]


def scheme_dict(**overrides):
    data = {
        "code": "test-scheme",
        "name": "测试办学水平评价",
        "kind": "school_level",
        "year": 2024,
        "total_points": 100,
        "criteria": TREE,
    }
    data.update(overrides)
    return data


@dataclass
class World:
    units: dict[str, Unit]
    users: dict[str, User]
    scheme: Scheme
    leaf: dict[str, Criterion]

    def round(self, year: int = 2024, schools=("甲职校", "乙职校", "丙职校")) -> Round:
        return services.round_create(
            user=self.users["office"],
            data=services.RoundInput(
                scheme=self.scheme,
                year=year,
                title="",
                self_due=SELF_DUE,
                scoring_due=SCORING_DUE,
                schools=[self.units[s] for s in schools],
            ),
        )


@pytest.fixture
def world(small_plan) -> World:
    FIGURES.clear()
    units = dict(small_plan.units)
    for name in ("甲职校", "乙职校"):
        Unit.objects.filter(name=name).update(parent=units["教育局"])
        units[name].refresh_from_db()
    units["丙职校"] = UnitFactory(name="丙职校", kind=UnitKind.SCHOOL, parent=units["人社局"])
    users = dict(small_plan.users)
    users["school2"] = UserFactory(username="school2", role=Role.SCHOOL_CLERK, unit=units["乙职校"])
    users["school3"] = UserFactory(username="school3", role=Role.SCHOOL_CLERK, unit=units["丙职校"])
    for name in ("expert2", "expert3"):
        users[name] = UserFactory(username=name, role=Role.EXPERT, unit=None)
    DataElement.objects.create(code="EVAL_TEST", name="测试数据", source="evaluation_test_figure")
    Indicator.objects.create(code="EVAL_TEST", name="测试指标", numerator="#{EVAL_TEST}")
    scheme = services.scheme_save(
        user=users["office"], data=services.scheme_input_from_dict(scheme_dict())
    )
    leaf = {c.code: c for c in scheme.criteria.all()}
    return World(units, users, scheme, leaf)


def scored_round(world: World, *, expert_points=None, today=dt.date(2025, 3, 1)) -> Round:
    """A round of 甲/乙/丙 through self-assessment and scoring by three experts each.

    ``expert_points`` maps expert username → (B1, B2) points, the same for every school unless
    given per school as {username: {school: (b1, b2)}}."""
    from zhijiao.evaluation.services import ScoreInput

    office = world.users["office"]
    round_ = world.round()
    services.round_open(user=office, round_=round_)
    for clerk, school in (("school", "甲职校"), ("school2", "乙职校"), ("school3", "丙职校")):
        entry = round_.entries.get(school=world.units[school])
        services.self_claim_save(
            user=world.users[clerk],
            entry=entry,
            criterion=world.leaf["B2"],
            points=Decimal(25),
            statement="开展重点群体培训 500 人次",
            today=today,
        )
        services.self_assessment_submit(user=world.users[clerk], entry=entry, today=today)
    experts = ["expert", "expert2", "expert3"]
    for name in experts:
        services.assignment_create(
            user=office,
            round_=round_,
            expert=world.users[name],
            schools=[world.units[s] for s in ("甲职校", "乙职校", "丙职校")],
        )
    services.round_start_scoring(user=office, round_=round_, today=today)
    points = expert_points or {"expert": (20, 24), "expert2": (22, 26), "expert3": (21, 25)}
    for name in experts:
        for assignment in world.users[name].evaluation_assignments.filter(entry__round=round_):
            given = points[name]
            if isinstance(given, dict):
                given = given[assignment.entry.school.name]
            services.expert_scores_save(
                user=world.users[name],
                assignment=assignment,
                scores={
                    world.leaf["B1"].pk: ScoreInput(Decimal(given[0])),
                    world.leaf["B2"].pk: ScoreInput(Decimal(given[1])),
                },
                submit=True,
                today=today,
            )
    return round_


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the test database is named zhijiao_eval_test (this module's tests may only
    use databases whose names start with zhijiao_eval), not test_<name>."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        database.setdefault("TEST", {})["NAME"] = "zhijiao_eval_test" + (
            f"_{worker}" if worker else ""
        )
