"""A small plan for API tests, built with the ORM, and clients signed in by session or by token.

Plan "api-plan": programme 1 holds task 1 (2021年; 教育局 leads, 人社局 co) and task 2 (2022年;
人社局 alone); programme 2 holds task 3 (持续推进; 人社局 leads, 教育局 co). Tasks and their
printed units are created out of order on purpose, so the tests see the API put them in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import UnitFactory, UserFactory
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role
from zhijiao.orgs.services import token_create
from zhijiao.plan.models import (
    Assignee,
    PeriodKind,
    Plan,
    Programme,
    ReportingPeriod,
    Responsibility,
    Task,
)


@dataclass
class ApiPlan:
    plan: Plan
    tasks: dict[int, Task]
    units: dict[str, Unit]
    users: dict[str, User]
    periods: list[ReportingPeriod]


def add_task(
    plan: Plan,
    programme: Programme,
    number: int,
    text: str,
    deadline_text: str,
    deadline: dt.date | None,
    unit_names: list[str],
    units: dict[str, Unit],
) -> Task:
    task = Task.objects.create(
        plan=plan,
        programme=programme,
        number=number,
        text=text,
        deadline_text=deadline_text,
        deadline=deadline,
        units_text="、".join(unit_names),
    )
    # Last printed unit first, so only ordering by position puts them back in printed order.
    for position in range(len(unit_names), 0, -1):
        unit = units[unit_names[position - 1]]
        Assignee.objects.create(task=task, position=position, printed_name=unit.name, unit=unit)
        Responsibility.objects.create(
            task=task, unit=unit, is_lead=position == 1, position=position
        )
    return task


@pytest.fixture
def api_plan(db) -> ApiPlan:
    units = {
        "工作专班": UnitFactory(name="工作专班", kind=UnitKind.GOVERNMENT),
        "教育局": UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT),
        "人社局": UnitFactory(name="人社局", kind=UnitKind.GOVERNMENT),
        "某企业": UnitFactory(name="某企业", kind=UnitKind.ENTERPRISE),
    }
    plan = Plan.objects.create(
        code="api-plan",
        title="测试实施方案",
        issuer="测试市人民政府办公室",
        issued_on=dt.date(2021, 11, 4),
    )
    p2 = Programme.objects.create(plan=plan, number=2, name="资源优化设计工程")
    p1 = Programme.objects.create(plan=plan, number=1, name="立德树人基础工程")
    tasks = {
        3: add_task(
            plan, p2, 3, "每年举办素质能力大赛。", "持续推进", None, ["人社局", "教育局"], units
        ),
        1: add_task(
            plan,
            p1,
            1,
            "建立挂钩联系制度。",
            "2021年",
            dt.date(2021, 12, 31),
            ["教育局", "人社局"],
            units,
        ),
        2: add_task(
            plan, p1, 2, "培育试点学校。", "2022年", dt.date(2022, 12, 31), ["人社局"], units
        ),
    }
    periods = [
        ReportingPeriod.objects.create(
            plan=plan,
            kind=PeriodKind.MONTH,
            start=start,
            end=end,
            due=end + dt.timedelta(days=5),
            label=label,
        )
        for start, end, label in [
            (dt.date(2021, 12, 1), dt.date(2021, 12, 31), "2021年12月"),
            (dt.date(2021, 11, 1), dt.date(2021, 11, 30), "2021年11月"),
        ]
    ]
    users = {
        "office": UserFactory(username="api_office", role=Role.PLAN_OFFICE, unit=units["工作专班"]),
        "jyj": UserFactory(username="api_jyj", role=Role.UNIT_LIAISON, unit=units["教育局"]),
        "rsj": UserFactory(username="api_rsj", role=Role.UNIT_LIAISON, unit=units["人社局"]),
        "enterprise": UserFactory(
            username="api_enterprise", role=Role.ENTERPRISE, unit=units["某企业"]
        ),
    }
    return ApiPlan(
        plan=plan,
        tasks=tasks,
        units=units,
        users=users,
        periods=sorted(periods, key=lambda p: p.start),
    )


@pytest.fixture
def as_user(api_plan):
    """A client signed in (by session) as one of the plan's users."""

    def sign_in(name: str) -> Client:
        client = Client()
        client.force_login(api_plan.users[name])
        return client

    return sign_in


@pytest.fixture
def token_for(api_plan):
    """A fresh personal API token for one of the plan's users, as request headers."""

    def headers(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_create(user=api_plan.users[name])}"}

    return headers
