"""`zhijiao demoevaluation`: a full round of each scheme for 2024, published with an appeal
handled, and rounds in progress for 2025."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UnitFactory, UserFactory
from zhijiao.evaluation.data import AppealStatus, RoundStatus, SchemeKind
from zhijiao.evaluation.models import Appeal, Assignment, ExpertLink, Round, Scheme
from zhijiao.indicators.models import Indicator
from zhijiao.orgs.models import UnitKind, User
from zhijiao.orgs.roles import Role

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "evaluation" / "jiangyin-schemes.yaml"
SCHOOLS = {
    "江阴职业技术学院": "jyzy",
    "江阴中等专业学校": "jyzz",
    "江阴市华姿中等专业学校": None,
    "江阴开放大学": None,
    "澄西技校": "cxjx",
}


@pytest.fixture
def city(db):
    """What `zhijiao demo` and `zhijiao loadindicators` leave behind, as far as this demo needs."""
    education = UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT)
    labour = UnitFactory(name="人社局", kind=UnitKind.GOVERNMENT)
    for name, clerk in SCHOOLS.items():
        school = UnitFactory(
            name=name, kind=UnitKind.SCHOOL, parent=labour if name == "澄西技校" else education
        )
        if clerk:
            UserFactory(username=clerk, role=Role.SCHOOL_CLERK, unit=school)
    UserFactory(username="office", role=Role.PLAN_OFFICE, unit=education)
    UserFactory(username="zhuanjia", role=Role.EXPERT, unit=None)
    for code in (
        "SANQUAN_PILOTS",
        "SKILL_EAGLETS",
        "FAMOUS_PROJECTS",
        "TRAINING_RATIO",
        "X_PILOTS",
        "HIGH_LEVEL_MAJORS",
        "DUAL_SHARE",
        "INNOVATION_TEAMS",
    ):
        Indicator.objects.create(code=code, name=code, numerator=f"#{{{code}}}")


def test_the_demo_runs_a_full_round_of_each_scheme(city):
    with pytest.raises(CommandError, match="请先载入评价方案"):
        call_command("demoevaluation", today="2026-11-29", stdout=io.StringIO())
    call_command("loadevaluation", str(SHIPPED), stdout=io.StringIO())
    out = io.StringIO()
    call_command("demoevaluation", today="2026-11-29", stdout=out)
    assert "学校评价演示数据已载入" in out.getvalue()

    done = {r.scheme.kind: r for r in Round.objects.filter(year=2024)}
    for kind in (SchemeKind.SCHOOL_LEVEL, SchemeKind.SOCIAL_SERVICE):
        round_ = done[kind]
        assert round_.status == RoundStatus.PUBLISHED
        ranks = sorted(round_.entries.values_list("rank", flat=True))
        assert ranks == [1, 2, 3, 4, 5]
        assert Appeal.objects.filter(entry__round=round_, status=AppealStatus.UPHELD).exists()
        assert not Appeal.objects.filter(entry__round=round_, status=AppealStatus.PENDING).exists()
    # Nobody scored a school they are linked to.
    for link in ExpertLink.objects.all():
        assert not Assignment.objects.filter(expert=link.expert, entry__school=link.school).exists()
    assert ExpertLink.objects.count() == 2
    # 2025: new versions of both schemes, rounds under way.
    assert Scheme.objects.filter(year=2025).count() == 2
    ongoing = dict(Round.objects.filter(year=2025).values_list("scheme__kind", "status"))
    assert ongoing == {
        SchemeKind.SCHOOL_LEVEL: RoundStatus.SCORING,
        SchemeKind.SOCIAL_SERVICE: RoundStatus.SELF_ASSESSMENT,
    }
    experts = set(User.objects.filter(role=Role.EXPERT).values_list("username", flat=True))
    assert experts == {"zhuanjia", "zhuanjia2", "zhuanjia3", "zhuanjia4"}
    assert User.objects.filter(username__in=["hzzz", "jykd"], role=Role.SCHOOL_CLERK).count() == 2

    # A second run keeps what is there.
    again = io.StringIO()
    call_command("demoevaluation", today="2026-11-29", stdout=again)
    assert "未重复载入" in again.getvalue()
    assert Round.objects.count() == 4
