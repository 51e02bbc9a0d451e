"""The analysis on a hand-computed example (docs/talent-analysis.md walks through the same one)."""

from __future__ import annotations

import pytest

from zhijiao.talent.analysis import (
    Inputs,
    compute,
    growth_score,
    ratio_score,
    serves,
    shortage_index,
    suggestion_for,
)
from zhijiao.talent.data import INDEX_VERSIONS, MajorStage, Suggestion

WELDER, ELECTRICIAN, SEWER = "6-18-02-04", "6-31-01-03", "6-05-01-03"


@pytest.fixture
def example():
    return compute(
        Inputs(
            year=2025,
            demand={
                (WELDER, "equipment", "senior_worker", "secondary", "urgent"): 30,
                (WELDER, "metallurgy", "intermediate_worker", "secondary", "normal"): 10,
                (ELECTRICIAN, "equipment", "any", "college", "soon"): 20,
                (SEWER, "textiles", "junior_worker", "junior_high", "normal"): 5,
            },
            previous_demand={WELDER: 20, ELECTRICIAN: 25},
            previous_cluster_demand={"equipment": 40},
            names={WELDER: "焊工", ELECTRICIAN: "电工", SEWER: "缝纫工"},
            supply={
                "460501": ("焊接技术与自动化", MajorStage.HIGHER, 30, 10, 35, 15, 1),
                "460301": ("机电一体化技术", MajorStage.HIGHER, 50, 10, 55, 30, 2),
                "480405": ("服装设计与工艺", MajorStage.HIGHER, 8, 0, 10, 6, 1),
            },
            mapping={
                "460501": [WELDER],
                "460301": [ELECTRICIAN, "6-18-02"],  # a 小类 covers the 焊工 under it
                "480405": ["6-05-01-01"],  # 制版师: no demand this year
            },
            postings={WELDER: 8, ELECTRICIAN: 4},
        ),
        "2025.1",
    )


def by_code(analysis):
    return {o.code: o for o in analysis.occupations}


def test_supply_is_shared_by_demand(example):
    rows = by_code(example)
    # 460301's 40 available graduates split 40:20 between 焊工 and 电工; 460501's 20 go to 焊工.
    assert rows[WELDER].supply == pytest.approx(46.7, abs=0.05)
    assert rows[ELECTRICIAN].supply == pytest.approx(13.3, abs=0.05)
    assert rows[WELDER].ratio == pytest.approx(0.86)  # 40 ÷ 46.67
    assert rows[ELECTRICIAN].ratio == pytest.approx(1.5)
    assert rows[WELDER].gap == pytest.approx(-6.7, abs=0.05)
    assert rows[SEWER].supply == 0 and rows[SEWER].ratio is None and not rows[SEWER].served


def test_the_index_by_hand(example):
    rows = by_code(example)
    welder = rows[WELDER]
    assert welder.growth == pytest.approx(1.0)
    assert welder.components == {
        "ratio": pytest.approx(0.286, abs=0.001),
        "growth": 1.0,
        "urgency": 0.75,
        "postings": 1.0,
    }
    # 100 × (0.4 × 0.2857 + 0.2 × 1 + 0.2 × 0.75 + 0.2 × 1) = 66.4
    assert (welder.index, welder.grade) == (66.4, "较紧缺")
    electrician = rows[ELECTRICIAN]
    # 100 × (0.4 × 0.5 + 0.2 × 0.3 + 0.2 × 0.5 + 0.2 × 0.5) = 46.0
    assert (electrician.index, electrician.grade) == (46.0, "一般")
    sewer = rows[SEWER]
    # No supply: ratio 1; growth unknown: 0.5 → 100 × (0.4 + 0.1) = 50; under 10 people: not listed.
    assert (sewer.index, sewer.grade) == (50.0, "一般")
    assert [o.code for o in example.shortage] == [WELDER]
    assert example.unserved == []  # 缝纫工 lacks a major but is under the 10-person threshold
    assert example.weights == INDEX_VERSIONS["2025.1"].weights


def test_majors_are_matched_and_advised(example):
    majors = {m.code: m for m in example.majors}
    # 460501 meets 20 × 40/46.67 = 17.1 of demand with 20 graduates: 0.86.
    assert majors["460501"].match == pytest.approx(0.86)
    # 460301: 26.67 × 40/46.67 + 13.33 × 20/13.33 = 42.9 with 40: 1.07.
    assert majors["460301"].match == pytest.approx(1.07)
    assert majors["480405"].match == 0 and majors["480405"].suggestion == Suggestion.REDUCE
    assert [m.code for m in example.surplus_majors] == ["480405"]
    assert {majors["460501"].suggestion, majors["460301"].suggestion} == {Suggestion.KEEP}


def test_clusters_bands_and_totals(example):
    clusters = {c.key: c for c in example.clusters}
    assert clusters["equipment"].demand == 50
    assert clusters["equipment"].supply == pytest.approx(48.3, abs=0.05)  # 46.67 × 30/40 + 13.33
    assert clusters["equipment"].growth == pytest.approx(0.25)
    assert clusters["textiles"].ratio is None
    bands = {b.key: b for b in example.bands}
    assert (bands["high"].demand, bands["high"].supply) == (30, 68)
    assert bands["basic"].demand == 35
    assert example.totals["demand"] == 65 and example.totals["available"] == 68
    assert example.totals["ratio"] == pytest.approx(0.96)


def test_the_components_scale():
    assert ratio_score(30, 10) == 1.0 and ratio_score(15, 10) == 0.5 and ratio_score(5, 0) == 1.0
    assert growth_score(None) == 0.5 and growth_score(-0.6) == 0.0 and growth_score(0.25) == 0.75
    assert (
        shortage_index(
            {"ratio": 1, "growth": 1, "urgency": 1, "postings": 1}, INDEX_VERSIONS["2025.1"]
        )
        == 100
    )
    assert serves("6-18-02", WELDER) and serves(WELDER, WELDER) and not serves("6-18-0", WELDER)
    assert [suggestion_for(k) for k in (0.3, 0.6, 1.0, 2.0)] == [
        Suggestion.REDUCE,
        Suggestion.ADJUST,
        Suggestion.KEEP,
        Suggestion.EXPAND,
    ]
