"""Schemes: weights that add up, bands that rise, versions per year, the shipped YAML."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from tests.evaluation.conftest import TREE, scheme_dict
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditEvent
from zhijiao.evaluation import config, scoring, services
from zhijiao.evaluation.data import EvaluationErrorCode, SchemeKind
from zhijiao.evaluation.models import Criterion, Scheme
from zhijiao.indicators.models import Indicator

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "evaluation" / "jiangyin-schemes.yaml"


def test_band_scoring_takes_the_highest_band_reached():
    bands = [[60, 10], [80, 30], [90, 40]]
    assert scoring.band_points(bands, Decimal("59.9")) == 0
    assert scoring.band_points(bands, Decimal(60)) == 10
    assert scoring.band_points(bands, Decimal("89.99")) == 30
    assert scoring.band_points(bands, Decimal(95)) == 40
    assert scoring.band_points(bands, None) == 0


def test_grades_and_competition_ranks():
    assert scoring.grade_of(Decimal("89.99"), [[90, "优秀"], [80, "良好"], [0, "差"]]) == "良好"
    assert scoring.grade_of(Decimal(95), []) == "优秀"
    assert scoring.ranks({1: Decimal(80), 2: Decimal(90), 3: Decimal(80), 4: None}) == {
        2: 1,
        1: 2,
        3: 2,
        4: None,
    }


@pytest.mark.django_db
def test_weights_that_do_not_add_up_are_refused_and_nothing_is_written(world):
    tree = copy.deepcopy(TREE)
    tree[1]["children"][0]["weight"] = 25  # B: 25 + 30 ≠ 60, and the top: 40 + 60 = 100 still
    before = Scheme.objects.count(), Criterion.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.scheme_save(
            user=world.users["office"],
            data=services.scheme_input_from_dict(scheme_dict(code="bad", criteria=tree)),
        )
    assert caught.value.code == EvaluationErrorCode.WEIGHTS
    assert "“B 育训结合”下级指标分值合计应为 60 分，现为 55 分" in caught.value.message
    assert (Scheme.objects.count(), Criterion.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_top_level_must_reach_the_total(world):
    tree = copy.deepcopy(TREE)[:1]
    with pytest.raises(ServiceError, match="一级指标分值合计应为 100 分，现为 40 分"):
        services.scheme_save(
            user=world.users["office"],
            data=services.scheme_input_from_dict(scheme_dict(code="bad", criteria=tree)),
        )


@pytest.mark.django_db
def test_bands_above_the_leaf_and_missing_indicators_are_refused(world):
    tree = copy.deepcopy(TREE)
    tree[0]["children"][0]["bands"] = [[60, 10], [80, 50]]
    tree[1]["children"][0]["method"] = "auto"
    tree[1]["children"][0]["indicator"] = "NO_SUCH"
    tree[1]["children"][0]["bands"] = [[1, 5]]
    with pytest.raises(ServiceError) as caught:
        services.scheme_save(
            user=world.users["office"],
            data=services.scheme_input_from_dict(scheme_dict(code="bad", criteria=tree)),
        )
    message = caught.value.message
    assert "档次得分 50 超出 0 至 40 分的范围" in message
    assert "NO_SUCH" in message


@pytest.mark.django_db
def test_editing_moves_weight_between_items_only_when_the_sums_hold(world):
    office = world.users["office"]
    scheme = world.scheme
    edit = services.CriterionEdit
    with pytest.raises(ServiceError, match="合计应为 60 分，现为 65 分"):
        services.scheme_edit(
            user=office, scheme=scheme, edits={"B1": edit(name="培训质量", weight=Decimal(35))}
        )
    assert Criterion.objects.get(scheme=scheme, code="B1").weight == 30

    services.scheme_edit(
        user=office,
        scheme=scheme,
        edits={
            "B1": edit(name="培训质量", weight=Decimal(35)),
            "B2": edit(name="重点群体培训", weight=Decimal(25)),
            "A1": edit(name="双师型比例", weight=Decimal(40), bands=[(Decimal(70), Decimal(40))]),
        },
    )
    scheme.refresh_from_db()
    assert scheme.version == 2
    assert Criterion.objects.get(scheme=scheme, code="B1").weight == 35
    assert Criterion.objects.get(scheme=scheme, code="A1").bands == [["70", "40"]]
    event = AuditEvent.objects.filter(object_type="evaluation.Scheme").first()
    assert event is not None and "B1" in event.changes


@pytest.mark.django_db
def test_a_scheme_in_use_is_frozen_and_copied_for_another_year(world):
    office = world.users["office"]
    round_ = world.round()
    services.round_open(user=office, round_=round_)
    with pytest.raises(ServiceError) as caught:
        services.scheme_save(
            user=office, data=services.scheme_input_from_dict(scheme_dict(name="改名"))
        )
    assert caught.value.code == EvaluationErrorCode.SCHEME_IN_USE
    copy_ = services.scheme_copy(user=office, scheme=world.scheme, year=2025)
    assert (copy_.year, copy_.code, copy_.criteria.count()) == (2025, "test-scheme", 5)
    with pytest.raises(ServiceError, match="已存在"):
        services.scheme_copy(user=office, scheme=world.scheme, year=2025)


@pytest.mark.django_db
def test_only_the_office_manages_schemes(world):
    with pytest.raises(ServiceError) as caught:
        services.scheme_copy(user=world.users["school"], scheme=world.scheme, year=2030)
    assert caught.value.status_code == 403


@pytest.mark.django_db
def test_the_shipped_schemes_follow_the_plan(db):
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
    schemes = {s.kind: s for s in config.schemes_load(config.schemes_read(SHIPPED))}
    level = schemes[SchemeKind.SCHOOL_LEVEL]
    names = "".join(level.criteria.values_list("name", flat=True))
    for words in (
        "德技并修",
        "产教融合",
        "校企合作",
        "育训结合",
        "证书",
        "就业质量",
        "用人单位满意度",
        "产业发展贡献度",
        "双师型",
    ):
        assert words in names, words
    assert level.criteria.filter(level=3).exists()
    service = schemes[SchemeKind.SOCIAL_SERVICE]
    top = dict(service.criteria.filter(level=1).values_list("name", "weight"))
    assert top["职业培训"] == max(top.values())  # more weight on training
    # Loading again while no round has opened makes a new version, not a duplicate.
    again = config.schemes_load(config.schemes_read(SHIPPED))
    assert {s.version for s in again} == {2}
    assert Scheme.objects.count() == 2
