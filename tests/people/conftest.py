"""Teachers on top of ``small_plan``: 甲职校 and 乙职校 are supervised by 教育局."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from stdnum.cn import ric

from zhijiao.orgs.models import Unit
from zhijiao.people import services
from zhijiao.people.data import TeacherKind, Title
from zhijiao.people.models import Teacher


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
