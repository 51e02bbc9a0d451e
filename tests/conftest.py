from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.factories import UnitFactory, UserFactory
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role
from zhijiao.plan.models import Assignee, Plan, Programme, Responsibility, Task

pytest_plugins = ["tests.logscan"]


@pytest.fixture
def education_bureau():
    return UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT)


@pytest.fixture
def plan_office_user(education_bureau):
    return UserFactory(username="office", role=Role.PLAN_OFFICE, unit=education_bureau)


@pytest.fixture
def audit_admin():
    return UserFactory(username="auditor", role=Role.AUDIT_ADMIN, unit=None)


@dataclass
class SmallPlan:
    """A plan of four tasks: 1 due 2021 (教育局 leads, 人社局 co), 2 due 2022 (人社局 alone),
    3 持续推进 (教育局, 人社局), 4 持续推进 (every school via a group)."""

    plan: Plan
    tasks: dict[int, Task]
    units: dict[str, Unit]
    users: dict[str, User]


@pytest.fixture
def small_plan(db) -> SmallPlan:
    units = {
        "教育局": UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT),
        "人社局": UnitFactory(name="人社局", kind=UnitKind.GOVERNMENT),
        "甲职校": UnitFactory(name="甲职校", kind=UnitKind.SCHOOL),
        "乙职校": UnitFactory(name="乙职校", kind=UnitKind.SCHOOL),
        "某企业": UnitFactory(name="某企业", kind=UnitKind.ENTERPRISE),
    }
    plan = Plan.objects.create(
        code="test-plan",
        title="测试实施方案",
        issuer="测试市人民政府办公室",
        issued_on=dt.date(2021, 11, 4),
    )
    p1 = Programme.objects.create(plan=plan, number=1, name="立德树人基础工程")
    p2 = Programme.objects.create(plan=plan, number=2, name="资源优化设计工程")
    from zhijiao.orgs.models import UnitGroup

    group = UnitGroup.objects.create(name="各职业院校", member_kind=UnitKind.SCHOOL)
    specs = [
        (1, p1, "建立挂钩联系制度。", "2021年", dt.date(2021, 12, 31), ["教育局", "人社局"]),
        (2, p1, "培育试点学校。", "2022年", dt.date(2022, 12, 31), ["人社局"]),
        (3, p2, "每年举办素质能力大赛。", "持续推进", None, ["教育局", "人社局"]),
        (4, p2, "年培训人次达到在校生2倍以上。", "持续推进", None, ["各职业院校"]),
    ]
    tasks = {}
    for number, programme, text, deadline_text, deadline, names in specs:
        task = Task.objects.create(
            plan=plan,
            programme=programme,
            number=number,
            text=text,
            deadline_text=deadline_text,
            deadline=deadline,
            units_text="、".join(names),
        )
        for position, name in enumerate(names, start=1):
            if name == "各职业院校":
                Assignee.objects.create(
                    task=task, position=position, printed_name=name, group=group
                )
                for school in group.resolve():
                    Responsibility.objects.create(
                        task=task,
                        unit=school,
                        is_lead=position == 1,
                        via_group=group,
                        position=position,
                    )
            else:
                Assignee.objects.create(
                    task=task, position=position, printed_name=name, unit=units[name]
                )
                Responsibility.objects.create(
                    task=task, unit=units[name], is_lead=position == 1, position=position
                )
        tasks[number] = task
    users = {
        "office": UserFactory(username="office", role=Role.PLAN_OFFICE, unit=units["教育局"]),
        "jyj": UserFactory(username="jyj", role=Role.UNIT_LIAISON, unit=units["教育局"]),
        "rsj": UserFactory(username="rsj", role=Role.UNIT_LIAISON, unit=units["人社局"]),
        "school": UserFactory(username="school", role=Role.SCHOOL_CLERK, unit=units["甲职校"]),
        "enterprise": UserFactory(
            username="enterprise", role=Role.ENTERPRISE, unit=units["某企业"]
        ),
        "expert": UserFactory(username="expert", role=Role.EXPERT, unit=None),
        "learner": UserFactory(username="learner", role=Role.LEARNER, unit=None),
        "sysadmin": UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, unit=None),
        "secadmin": UserFactory(username="secadmin", role=Role.SECURITY_ADMIN, unit=None),
        "auditor": UserFactory(username="auditor", role=Role.AUDIT_ADMIN, unit=None),
    }
    return SmallPlan(plan=plan, tasks=tasks, units=units, users=users)
