"""The cooperation registries on top of ``small_plan``.

甲职校 is supervised by 教育局 (the liaison ``jyj``), 乙职校 by 人社局 (``rsj``); the clerk ``school``
works at 甲职校 and the enterprise user at 某企业. 另一企业 is a second enterprise, and 发改委 the
bureau responsible for 产教融合型企业. Records are made through the services, as the plan office.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from openpyxl import Workbook

from tests.factories import UnitFactory
from zhijiao.cooperation import services
from zhijiao.cooperation.data import CaseKind, CertificateLevel, Industry, PilotRank
from zhijiao.core.codes import credit_code_with_check
from zhijiao.core.models import AuditEvent
from zhijiao.orgs.models import Unit, UnitKind

D = dt.date


def code(n: int) -> str:
    """A valid 统一社会信用代码 of a Jiangyin company, numbered."""
    return credit_code_with_check(f"91320281MA{n:07d}")


def bad_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def xlsx(headers: list[str], *rows: list[Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def post_json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch_json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def audits(model: str, action: str = "") -> Any:
    rows = AuditEvent.objects.filter(object_type=f"cooperation.{model}")
    return rows.filter(action=action) if action else rows


@pytest.fixture
def coop(small_plan):
    units = small_plan.units
    Unit.objects.filter(name="甲职校").update(parent=units["教育局"])
    Unit.objects.filter(name="乙职校").update(parent=units["人社局"])
    Unit.objects.filter(name="某企业").update(credit_code=code(1))
    for name in ("甲职校", "乙职校", "某企业"):
        units[name].refresh_from_db()
    units["另一企业"] = UnitFactory(name="另一企业", kind=UnitKind.ENTERPRISE, credit_code=code(2))
    units["发改委"] = UnitFactory(name="发改委", kind=UnitKind.GOVERNMENT)
    units["行业协会"] = UnitFactory(name="行业协会", kind=UnitKind.ASSOCIATION)
    return small_plan


class Make:
    """Builds one record of each registry, as the plan office unless ``user`` is given."""

    def __init__(self, sp: Any) -> None:
        self.sp = sp
        self.office = sp.users["office"]
        self.counter = 0

    def _user(self, user: str | None) -> Any:
        return self.sp.users[user or "office"]

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def project(self, school: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "name": f"合作项目{self._next()}",
            "school": self.sp.units[school],
            "enterprises": [self.sp.units["某企业"]],
            "industry": Industry.SPECIAL_STEEL,
            "content": "共建订单班",
            "started_on": D(2022, 3, 1),
        }
        values.update(kw)
        return services.project_create(user=self._user(user), **values)

    def group(self, lead: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "name": f"职教集团{self._next()}",
            "lead": self.sp.units[lead],
            "industry": Industry.EQUIPMENT,
            "founded_on": D(2021, 3, 1),
        }
        values.update(kw)
        return services.group_create(user=self._user(user), **values)

    def cpe(self, enterprise: str = "某企业", user: str | None = None, **kw: Any) -> Any:
        unit = self.sp.units.get(enterprise)
        values: dict[str, Any] = {
            "enterprise_name": unit.name if unit else enterprise,
            "credit_code": unit.credit_code if unit else code(500 + self._next()),
            "industry": Industry.SPECIAL_STEEL,
            "applied_on": D(2021, 3, 1),
            "schools": [self.sp.units["乙职校"]],
            "department": self.sp.units["发改委"],
        }
        values.update(kw)
        return services.cpe_create(user=self._user(user), **values)

    def base(self, school: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "name": f"实训基地{self._next()}",
            "school": self.sp.units[school],
            "industry": Industry.CHIP,
            "opened_on": D(2021, 9, 1),
            "shared": True,
            "for_talent": True,
            "for_staff": True,
            "enterprises": [self.sp.units["某企业"]],
        }
        values.update(kw)
        return services.base_create(user=self._user(user), **values)

    def apprenticeship(self, school: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        unit = self.sp.units["某企业"]
        values: dict[str, Any] = {
            "name": f"学徒制班{self._next()}",
            "school": self.sp.units[school],
            "enterprise_name": unit.name,
            "credit_code": unit.credit_code,
            "major": "数控技术应用",
            "started_on": D(2022, 9, 1),
        }
        values.update(kw)
        return services.apprenticeship_create(user=self._user(user), **values)

    def mentor(self, programme: Any, name: str = "周师傅", user: str | None = None) -> Any:
        return services.mentor_add(
            user=self._user(user),
            programme=programme,
            name=name,
            position="车间主任",
            since=programme.started_on,
        )

    def apprentice(self, programme: Any, user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "programme": programme,
            "name": "王小明",
            "student_number": f"S{self._next():04d}",
            "signed_on": programme.started_on,
        }
        values.update(kw)
        return services.apprentice_create(user=self._user(user), **values)

    def pilot(self, school: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "school": self.sp.units[school],
            "certificate": f"工业机器人操作与运维{self._next()}",
            "certificate_level": CertificateLevel.INTERMEDIATE,
            "organisation": "某培训评价组织",
            "major": "工业机器人技术",
            "started_on": D(2020, 9, 1),
            "candidates": 100,
            "certified": 80,
        }
        values.update(kw)
        return services.pilot_create(user=self._user(user), **values)

    def governance(self, school: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "school": self.sp.units[school],
            "charter_approved_on": D(2021, 6, 1),
            "charter_authority": "江阴市教育局",
            "council_founded_on": D(2022, 3, 1),
            "council_chair": "钱理事长",
            "council_members": 20,
            "enterprise_members": 8,
        }
        values.update(kw)
        return services.governance_create(user=self._user(user), **values)

    def sanquan(self, school: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "school": self.sp.units[school],
            "rank": PilotRank.MUNICIPAL,
            "approved_on": D(2022, 6, 10),
            "authority": "江阴市教育局",
        }
        values.update(kw)
        return services.sanquan_create(user=self._user(user), **values)

    def case(self, school: str = "甲职校", user: str | None = None, **kw: Any) -> Any:
        values: dict[str, Any] = {
            "school": self.sp.units[school],
            "kind": CaseKind.COURSE_CASE,
            "title": f"思政案例{self._next()}",
            "course": "职业道德与法治",
            "teachers": "王丽",
            "rank": PilotRank.MUNICIPAL,
            "year": 2023,
        }
        values.update(kw)
        return services.case_create(user=self._user(user), **values)

    def decide(self, record: Any, level: str, on: dt.date, user: str | None = None) -> Any:
        return services.level_decide(
            user=self._user(user), record=record, level=level, decided_on=on, authority="认定机关"
        )


@pytest.fixture
def make(coop) -> Make:
    return Make(coop)
