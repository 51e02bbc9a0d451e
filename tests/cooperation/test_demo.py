"""`zhijiao democooperation`: the registries filled so that the targets computed from them tell the
plan's story, written once."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UnitFactory, UserFactory
from zhijiao.cooperation import services
from zhijiao.cooperation.management.commands.democooperation import CX, HZ, KD, ZY, ZZ
from zhijiao.cooperation.models import (
    Apprentice,
    FamousProject,
    IncentiveGrant,
    IntegrationEnterprise,
    SchoolGovernance,
    VocationalGroup,
)
from zhijiao.core.codes import clean_credit_code
from zhijiao.core.models import AuditEvent
from zhijiao.indicators.sources import source_get
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role


@pytest.fixture
def city(db):
    """What `zhijiao loadplan` and `zhijiao demo` leave behind, as far as this demo needs."""
    bureaus = {
        name: UnitFactory(name=name, kind=UnitKind.GOVERNMENT)
        for name in ("教育局", "人社局", "发改委", "工信局", "科技局")
    }
    for name in (ZY, ZZ, HZ, KD, CX):
        UnitFactory(
            name=name,
            kind=UnitKind.SCHOOL,
            parent=bureaus["人社局" if name == CX else "教育局"],
        )
    UnitFactory(name="澄江特钢股份有限公司（演示）", kind=UnitKind.ENTERPRISE)
    UnitFactory(name="长江新材料科技有限公司（演示）", kind=UnitKind.ENTERPRISE)
    UserFactory(username="office", role=Role.PLAN_OFFICE, unit=bureaus["教育局"])
    UserFactory(
        username="qiye",
        role=Role.ENTERPRISE,
        unit=Unit.objects.get(name="澄江特钢股份有限公司（演示）"),
    )
    return bureaus


def run() -> str:
    out = io.StringIO()
    call_command("democooperation", stdout=out)
    return out.getvalue()


def totals(key: str, years: list[int]) -> dict[int, int]:
    source = source_get(key)
    assert source is not None
    computed = source.compute(years)
    return {
        y: int(sum((v for (_, year), v in computed.items() if year == y), Decimal(0)))
        for y in years
    }


YEARS = [2021, 2022, 2023, 2024, 2025]


def test_the_demo_tells_the_plans_story_and_runs_once(city):
    message = run()

    assert message.startswith("校企合作演示数据已载入")
    # 名企名校: 10 targeted, reached in 2024.
    assert totals("famous_projects", YEARS) == {2021: 2, 2022: 6, 2023: 9, 2024: 10, 2025: 12}
    # 1 示范性 and 3–5 骨干 职教集团 by 2022: the demonstration group is there, the backbone short.
    assert totals("demonstration_groups", YEARS) == {y: int(y >= 2022) for y in YEARS}
    assert totals("backbone_groups", YEARS) == {2021: 2, 2022: 2, 2023: 3, 2024: 4, 2025: 4}
    # ≥ 3 provincial 产教融合型企业 by 2022: two then, the third a year late.
    assert totals("provincial_cpe", YEARS) == {2021: 1, 2022: 2, 2023: 3, 2024: 3, 2025: 3}
    # 5 1+X 示范项目 in 2021; one stopped and another selected in 2024.
    assert totals("x_pilot_demonstrations", YEARS) == {y: 5 for y in YEARS}
    assert totals("sanquan_pilot_schools", YEARS) == {2021: 0, 2022: 1, 2023: 1, 2024: 2, 2025: 2}
    assert totals("school_charter", [2021]) == {2021: 5}
    assert totals("school_council", [2021, 2022]) == {2021: 4, 2022: 5}
    assert totals("apprentices", [2023])[2023] > 0
    assert set(IncentiveGrant.objects.values_list("policy", flat=True)) == {
        "finance",
        "fiscal",
        "land",
        "credit",
        "education_levy",
    }
    codes = Unit.objects.filter(kind=UnitKind.ENTERPRISE).values_list("credit_code", flat=True)
    assert all(c and clean_credit_code(c) == c for c in codes)
    assert SchoolGovernance.objects.count() == 5

    counts = (
        FamousProject.objects.count(),
        VocationalGroup.objects.count(),
        IntegrationEnterprise.objects.count(),
        Apprentice.objects.count(),
        AuditEvent.objects.count(),
    )
    assert run() == "校企合作演示数据已存在，未重复载入。\n"
    assert (
        FamousProject.objects.count(),
        VocationalGroup.objects.count(),
        IntegrationEnterprise.objects.count(),
        Apprentice.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_the_demo_needs_the_city_first(db):
    with pytest.raises(CommandError, match="zhijiao demo"):
        run()


def test_the_official_targets_are_computed_from_the_demo_records(db):
    """The official plan and indicator configuration, the demo's units, then the demo: the
    targets that count records read the registries, and a record added moves its target."""
    from tests.factories import OFFICIAL_PLAN, REPO
    from zhijiao.indicators.config import config_load, config_read
    from zhijiao.indicators.data import TargetStatus
    from zhijiao.indicators.selectors import targets_progress
    from zhijiao.plan.loader import parse_plan_text, plan_load

    plan_load(parsed=parse_plan_text(OFFICIAL_PLAN.read_text(encoding="utf-8")), code="jy")
    config_load(config_read(REPO / "data" / "indicators" / "jiangyin-2021-targets.yaml"))
    education = Unit.objects.get(name="教育局")
    for name in (ZY, ZZ, HZ, KD):
        UnitFactory(name=name, kind=UnitKind.SCHOOL, parent=education)
    UserFactory(username="office", role=Role.PLAN_OFFICE, unit=education)
    run()
    today = dt.date(2026, 11, 29)

    progress = {p.key: p for p in targets_progress(today=today)}

    assert progress["famous-enterprise-projects"].value == 12
    assert progress["famous-enterprise-projects"].status == TargetStatus.MET
    assert progress["provincial-integration-enterprises"].value == 3
    assert progress["x-certificate-pilots"].value == 5
    assert progress["demonstration-group"].value == 1
    assert progress["backbone-groups"].value == 4
    assert progress["sanquan-pilot"].value == 2
    series = dict(progress["provincial-integration-enterprises"].series)
    assert (series[2021], series[2022], series[2023]) == (1, 2, 3)  # the 2022 deadline missed

    office = User.objects.get(username="office")
    project = FamousProject.objects.first()
    assert project is not None
    services.project_create(
        user=office,
        name="新增合作项目",
        school=project.school,
        enterprises=list(project.enterprises.all()),
        industry=project.industry,
        content="新增",
        started_on=dt.date(2026, 3, 1),
    )
    after = {p.key: p for p in targets_progress(today=today)}
    assert after["famous-enterprise-projects"].value == 13
