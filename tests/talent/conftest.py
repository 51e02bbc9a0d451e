"""The talent module on top of ``small_plan``: the shipped catalogues, two enterprises with
their users, and an open survey round for this year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import REPO, UnitFactory, UserFactory
from zhijiao.core.codes import credit_code_with_check
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role
from zhijiao.orgs.services import enterprise_register
from zhijiao.talent import services
from zhijiao.talent.catalogue import catalogue_load
from zhijiao.talent.data import CatalogueKind, Cluster, EnterpriseSize, RoundStatus, Town
from zhijiao.talent.models import SurveyRound

DATA = REPO / "data" / "talent"
SHIPPED = [
    (CatalogueKind.OCCUPATIONS, "occupations-2022.csv", "2022"),
    (CatalogueKind.MAJORS, "majors-2021.csv", "2021"),
    (CatalogueKind.INDUSTRIES, "industries-2017.csv", "2017"),
    (CatalogueKind.MAPPING, "mapping-2021.csv", "2021"),
]
CODE_A = credit_code_with_check("91320281MA1XYW01A")
CODE_B = credit_code_with_check("91320281MA1XYW02B")


def load_shipped() -> None:
    for kind, name, edition in SHIPPED:
        catalogue_load(kind=kind, content=(DATA / name).read_bytes(), edition=edition)


@pytest.fixture
def catalogues(db) -> None:
    load_shipped()


@dataclass
class Talent:
    """small_plan plus: 某企业 (user ``enterprise``) and 乙企业 (user ``enterprise2``), both with
    profiles; the shipped catalogues; a round for this year, open today."""

    units: dict[str, Unit]
    users: dict[str, User]
    round: SurveyRound
    year: int


@pytest.fixture
def talent(small_plan, catalogues) -> Talent:
    units = dict(small_plan.units)
    users = dict(small_plan.users)
    units["某企业"], _ = enterprise_register(name="某企业", credit_code=CODE_A)
    units["乙企业"], _ = enterprise_register(name="乙企业", credit_code=CODE_B)
    users["enterprise2"] = UserFactory(
        username="enterprise2", role=Role.ENTERPRISE, unit=units["乙企业"]
    )
    for name, cluster, industry in (
        ("某企业", Cluster.METALLURGY, "C3130"),
        ("乙企业", Cluster.EQUIPMENT, "C3731"),
    ):
        services.profile_save(
            user=None,
            enterprise=units[name],
            data=services.ProfileData(
                industry_code=industry,
                size=EnterpriseSize.MEDIUM,
                cluster=cluster,
                town=Town.CHENGJIANG,
                staff_count=500,
            ),
        )
    today = timezone.localdate()
    survey_round = services.round_create(
        user=users["office"],
        data=services.RoundData(
            year=today.year,
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=10),
        ),
    )
    services.round_set_status(
        user=users["office"], survey_round=survey_round, status=RoundStatus.OPEN
    )
    survey_round.refresh_from_db()
    return Talent(units=units, users=users, round=survey_round, year=today.year)


@pytest.fixture
def line() -> Callable[..., services.LineData]:
    def build(occupation: str = "6-18-02-04", headcount: Any = 5, **more: Any) -> services.LineData:
        return services.LineData(occupation=occupation, headcount=headcount, **more)

    return build


@pytest.fixture
def closed_round(talent) -> SurveyRound:
    """Last year's round, closed."""
    survey_round = services.round_create(
        user=None,
        data=services.RoundData(
            year=talent.year - 1,
            opens_on=dt.date(talent.year - 1, 3, 1),
            closes_on=dt.date(talent.year - 1, 4, 30),
        ),
    )
    services.round_set_status(user=None, survey_round=survey_round, status=RoundStatus.CLOSED)
    survey_round.refresh_from_db()
    return survey_round


@pytest.fixture
def other_unit(db) -> Unit:
    return UnitFactory(name="丙企业", kind=UnitKind.ENTERPRISE)
