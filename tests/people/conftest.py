"""Teachers on top of ``small_plan``: 甲职校 and 乙职校 are supervised by 教育局."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from stdnum.cn import ric

from zhijiao.orgs.models import Unit
from zhijiao.people import eaglet_services, services
from zhijiao.people.data import TeacherKind, Title
from zhijiao.people.models import Student, Teacher


def make_id(birth: str = "19800101", sequence: str = "001", region: str = "110105") -> str:
    """A 身份证号 with a correct GB 11643 check digit. (Jiangyin’s 320281 exists only from 1989.)"""
    body = f"{region}{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def bad_check_digit(number: str) -> str:
    """The same number with a wrong last character."""
    return number[:17] + ("0" if number[17] == "1" else "1")


@pytest.fixture
def people(small_plan):
    for name in ("甲职校", "乙职校"):
        Unit.objects.filter(name=name).update(parent=small_plan.units["教育局"])
        small_plan.units[name].refresh_from_db()
    return small_plan


@pytest.fixture
def teacher_data() -> Callable[..., services.TeacherData]:
    def build(**overrides: Any) -> services.TeacherData:
        values: dict[str, Any] = {
            "name": "张三",
            "id_number": make_id(),
            "kind": TeacherKind.PROFESSIONAL,
            "hired_on": dt.date(2015, 9, 1),
            "title": Title.INTERMEDIATE,
            "phone": "13800138000",
        }
        values.update(overrides)
        return services.TeacherData(**values)

    return build


@pytest.fixture
def register(people, teacher_data) -> Callable[..., Teacher]:
    """Registers a teacher of a school (by name) as the plan office."""
    counter = iter(range(100, 999))

    def create(school: str = "甲职校", **overrides: Any) -> Teacher:
        overrides.setdefault("id_number", make_id(sequence=str(next(counter))))
        return services.teacher_create(
            user=people.users["office"], school=people.units[school], data=teacher_data(**overrides)
        )

    return create


def student_id(sequence: int, birth: str = "20070315") -> str:
    """A valid 身份证号 of a Jiangyin-born student (region 320281, born after 1989)."""
    return make_id(birth=birth, sequence=f"{sequence % 1000:03d}", region="320281")


@pytest.fixture
def bureaus(people):
    """The three bureaus that review 技能雏鹰 nominations: small_plan has 教育局 and 人社局; add
    科技局 (known by its full name as another name) with a liaison of its own."""
    from tests.factories import UnitFactory, UserFactory
    from zhijiao.orgs.models import UnitKind
    from zhijiao.orgs.roles import Role

    science = UnitFactory(name="江阴市科学技术局", kind=UnitKind.GOVERNMENT, aliases=["科技局"])
    people.units["科技局"] = science
    people.users["kjj"] = UserFactory(username="kjj", role=Role.UNIT_LIAISON, unit=science)
    return people


@pytest.fixture
def enrol(people) -> Callable[..., Student]:
    """Registers a student of a school (by name) as the plan office."""
    counter = iter(range(100, 999))

    def create(school: str = "甲职校", **overrides: Any) -> Student:
        values: dict[str, Any] = {
            "name": "王小明",
            "id_number": student_id(next(counter)),
            "major": "数控技术应用",
            "class_name": "数控2301",
            "enrolled_year": 2023,
        }
        values.update(overrides)
        return services.student_create(
            user=people.users["office"],
            school=people.units[school],
            data=services.StudentData(**values),
        )

    return create


# ---------------------------------------------------------------- 技能雏鹰 helpers

OPENS, CLOSES = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
DURING = dt.date(2026, 3, 15)


def nominate(people, round_, student, user="school", **kw):
    return eaglet_services.eaglet_nominate(
        user=people.users[user],
        round_=round_,
        student=student,
        reasons=kw.pop("reasons", "省赛一等奖，品学兼优"),
        today=kw.pop("today", DURING),
        **kw,
    )


def endorse(people, nomination):
    for user in ("jyj", "kjj", "rsj"):
        eaglet_services.eaglet_review(user=people.users[user], nomination=nomination, agreed=True)
    nomination.refresh_from_db()
    return nomination


def to_notice(people, round_, count, enrol):
    """Endorses and picks ``count`` new nominations, then opens a week of public notice today."""
    office = people.users["office"]
    picked = []
    for _ in range(count):
        n = endorse(people, nominate(people, round_, enrol()))
        picked.append(n)
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    for n in picked:
        eaglet_services.eaglet_propose(user=office, nomination=n)
    today = timezone.localdate()
    eaglet_services.eaglet_round_advance(
        user=office,
        round_=round_,
        notice_starts=today,
        notice_ends=today + dt.timedelta(days=6),
    )
    round_.refresh_from_db()
    return picked, today
