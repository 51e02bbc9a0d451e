"""The credit bank on top of ``small_plan``: 甲职校 (clerk "school") and 乙职校 (clerk "school_b")
each offer a programme; the plan office ("office") runs the bank; "learner" signs in as a
learner. The catalogue holds two 1+X certificates and a qualification; helpers open accounts,
record outcomes, publish rules and take an application all the way to crediting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from stdnum.cn import ric

from tests.factories import UserFactory
from zhijiao.creditbank import services
from zhijiao.creditbank.data import (
    EducationLevel,
    LearnerData,
    OutcomeData,
    OutcomeType,
    RuleData,
    RuleInputData,
    RuleOutputData,
)
from zhijiao.creditbank.models import (
    Application,
    Certificate,
    ConversionRule,
    Course,
    Learner,
    Outcome,
    Programme,
)
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Role

TODAY = dt.date(2025, 6, 1)


def make_id(sequence: int = 1, birth: str = "19950315", region: str = "320281") -> str:
    """A 身份证号 with a correct GB 11643 check digit (Jiangyin, born after 1989)."""
    body = f"{region}{birth}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] == "1" else "1")


@dataclass
class Bank:
    units: dict[str, Unit]
    users: dict[str, User]
    certificates: dict[str, Certificate]
    programmes: dict[str, Programme]
    courses: dict[str, Course]
    counter: list[int] = field(default_factory=lambda: [100])

    @property
    def office(self) -> User:
        return self.users["office"]

    def next_id(self) -> str:
        self.counter[0] += 1
        return make_id(self.counter[0])

    def open(self, school: str = "甲职校", *, name: str = "张三", **kw: Any) -> Learner:
        data = LearnerData(
            name=name,
            id_number=kw.pop("id_number", None) or self.next_id(),
            phone=kw.pop("phone", "13800138000"),
        )
        return services.learner_open(
            user=kw.pop("user", self.office), school=self.units[school], data=data
        )

    def cert(
        self,
        learner: Learner,
        certificate: str = "ROBOT",
        level: int = 2,
        obtained_on: dt.date = dt.date(2024, 6, 1),
        **kw: Any,
    ) -> Outcome:
        cert = self.certificates[certificate]
        return services.outcome_record(
            user=kw.pop("user", self.office),
            learner=learner,
            data=OutcomeData(
                outcome_type=cert.outcome_type,
                certificate=cert.code,
                level=level,
                obtained_on=obtained_on,
                **kw,
            ),
        )

    def rule(
        self,
        code: str = "R-ROBOT",
        *,
        inputs: Sequence[tuple[str, int]] = (("ROBOT", 2),),
        outputs: Sequence[str] = ("JD101", "JD102"),
        programme: str = "甲机电",
        valid_from: dt.date = dt.date(2024, 1, 1),
        valid_to: dt.date | None = None,
        publish: bool = True,
        **kw: Any,
    ) -> ConversionRule:
        data = RuleData(
            code=code,
            title=kw.pop("title", f"{code} 证书转换"),
            programme_id=self.programmes[programme].pk,
            valid_from=valid_from,
            valid_to=valid_to,
            inputs=tuple(RuleInputData(certificate=c, min_level=lvl) for c, lvl in inputs),
            outputs=tuple(RuleOutputData(course_id=self.courses[c].pk) for c in outputs),
            **kw,
        )
        rule = services.rule_create(user=self.office, data=data)
        if publish:
            services.rule_publish(user=self.office, rule=rule)
        return rule

    def apply(
        self,
        learner: Learner,
        outcomes: Sequence[Outcome],
        programme: str = "甲机电",
        *,
        to: str = "credited",
        today: dt.date = TODAY,
    ) -> Application:
        """An application taken through the workflow up to the state ``to``."""
        steps = ["draft", "submitted", "school_approved", "bank_approved", "in_notice", "credited"]
        app = services.application_create(
            user=self.office,
            learner=learner,
            programme=self.programmes[programme],
            outcomes=outcomes,
        )
        clerk = self.users[
            "school" if self.programmes[programme].school.name == "甲职校" else "school_b"
        ]
        reached = "draft"
        for step in steps[1 : steps.index(to) + 1]:
            if step == "submitted":
                services.application_submit(user=self.office, application=app, today=today)
            elif step == "school_approved":
                services.application_school_review(user=clerk, application=app, decision="approve")
            elif step == "bank_approved":
                services.application_bank_review(
                    user=self.office, application=app, decision="approve", today=today
                )
            elif step == "in_notice":
                services.application_notice_start(
                    user=self.office, applications=[app], days=7, today=today
                )
            elif step == "credited":
                services.application_credit(
                    user=self.office, application=app, today=today + dt.timedelta(days=8)
                )
            reached = step
        app.refresh_from_db()
        assert app.status == reached
        return app


@pytest.fixture
def bank(small_plan) -> Bank:
    units = small_plan.units
    users = dict(small_plan.users)
    users["school_b"] = UserFactory(
        username="school_b", role=Role.SCHOOL_CLERK, unit=units["乙职校"]
    )
    office = users["office"]
    certificates = {
        "ROBOT": services.certificate_add(
            user=office,
            code="ROBOT",
            name="工业机器人操作与运维",
            outcome_type=OutcomeType.CERTIFICATE_1X,
            organisation="北京新奥时代科技有限责任公司",
            levels=[1, 2, 3],
        ),
        "CNC": services.certificate_add(
            user=office,
            code="CNC",
            name="数控车铣加工",
            outcome_type=OutcomeType.CERTIFICATE_1X,
            organisation="武汉华中数控股份有限公司",
            levels=[1, 2, 3],
        ),
        "ELEC": services.certificate_add(
            user=office,
            code="ELEC",
            name="电工",
            outcome_type=OutcomeType.QUALIFICATION,
            organisation="江阴市职业技能鉴定指导中心",
            levels=[1, 2, 3, 4, 5],
        ),
    }
    programmes = {
        "甲机电": services.programme_add(
            user=office,
            school=units["甲职校"],
            major_code="460301",
            major_name="机电一体化技术",
            education_level=EducationLevel.HIGHER,
            total_credits=Decimal(40),
        ),
        "乙机电": services.programme_add(
            user=office,
            school=units["乙职校"],
            major_code="660301",
            major_name="机电技术应用",
            education_level=EducationLevel.SECONDARY,
            total_credits=Decimal(60),
        ),
    }
    courses = {}
    for programme, code, name, credits in (
        ("甲机电", "JD101", "工业机器人编程", 4),
        ("甲机电", "JD102", "工业机器人运维", 4),
        ("甲机电", "JD103", "数控加工技术", 6),
        ("甲机电", "JD104", "电工电子技术", 3),
        ("甲机电", "JD105", "机械制图", 4),
        ("乙机电", "YJ201", "机器人应用基础", 3),
        ("乙机电", "YJ202", "机器人维护", 2),
    ):
        courses[code] = services.course_add(
            user=office,
            programme=programmes[programme],
            code=code,
            name=name,
            credits=Decimal(credits),
        )
    return Bank(
        units=units,
        users=users,
        certificates=certificates,
        programmes=programmes,
        courses=courses,
    )


@pytest.fixture
def learner_account(bank) -> Callable[..., Learner]:
    """A learner opened by 甲职校 and linked to the signed-in learner user."""

    def build(**kw: Any) -> Learner:
        learner = bank.open(**kw)
        return services.learner_link_user(
            user=bank.office, learner=learner, account=bank.users["learner"]
        )

    return build
