"""An expert scores the school assigned to them — in a real browser.

The office has opened a round for 甲职校 and 乙职校, both schools have submitted their
self-assessment, and the expert has been assigned 甲职校 only (乙职校 went to another expert). The
expert finds the sheet in the scoring workspace, reads the school's own claim, is told when a score
is out of range, saves, and submits; the sheet then becomes read-only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from zhijiao.evaluation import services
from zhijiao.evaluation.models import Assignment, ExpertScore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scoring_round(world):
    """This year's round of 甲职校 and 乙职校 in its scoring stage; expert → 甲, expert2 → 乙."""
    office, today = world.users["office"], timezone.localdate()
    round_ = services.round_create(
        user=office,
        data=services.RoundInput(
            scheme=world.scheme,
            year=today.year,
            title="",
            self_due=today + dt.timedelta(days=7),
            scoring_due=today + dt.timedelta(days=30),
            schools=[world.units["甲职校"], world.units["乙职校"]],
        ),
    )
    services.round_open(user=office, round_=round_)
    for clerk, school, statement in (
        ("school", "甲职校", "面向退役军人、农民工开展培训 520 人次，见培训台账。"),
        ("school2", "乙职校", "开展重点群体培训 300 人次。"),
    ):
        entry = round_.entries.get(school=world.units[school])
        services.self_claim_save(
            user=world.users[clerk],
            entry=entry,
            criterion=world.leaf["B2"],
            points=Decimal(25),
            statement=statement,
        )
        services.self_assessment_submit(user=world.users[clerk], entry=entry)
    for expert, school in (("expert", "甲职校"), ("expert2", "乙职校")):
        services.assignment_create(
            user=office, round_=round_, expert=world.users[expert], schools=[world.units[school]]
        )
    services.round_start_scoring(user=office, round_=round_)
    return round_


def test_an_expert_scores_the_assigned_school(
    live_server, browser_page, shots, world, scoring_round
):
    page, base = browser_page, live_server.url
    mine = Assignment.objects.get(expert=world.users["expert"])
    others = Assignment.objects.get(expert=world.users["expert2"])
    b1, b2 = world.leaf["B1"], world.leaf["B2"]

    # The workspace lists 甲职校 only.
    login(page, base, "expert", PASSWORD)
    page.get_by_role("link", name="专家评分工作台").first.click()
    page.wait_for_load_state("networkidle")
    assigned = page.locator("table.zj-table").first.inner_text()
    assert "甲职校" in assigned and "乙职校" not in assigned
    assert "已评 0 项" in assigned
    shots("01-workspace")

    # The sheet shows the rubric and the school's own claim.
    page.click("table.zj-table a:text-is('评分')")
    page.wait_for_load_state("networkidle")
    assert "评分 · 甲职校" in page.title()
    claim_row = page.locator("tr", has_text="重点群体培训").inner_text()
    assert "25 分" in claim_row and "培训 520 人次" in claim_row
    shots("02-sheet")

    # 35 is more than B1's 30 points: refused with the range, nothing saved, and what was typed
    # is still there to correct.
    page.fill(f"input[name=points_{b1.pk}]", "35")
    page.fill(f"input[name=comment_{b1.pk}]", "培训方案完整，企业参与度高。")
    page.fill(f"input[name=points_{b2.pk}]", "22")
    page.fill(f"input[name=comment_{b2.pk}]", "台账中 60 人次缺少签到记录，核减 3 分。")
    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    assert "“B1 培训质量”的评分应在 0 至 30 分之间，收到 35 分" in page.content()
    assert not ExpertScore.objects.exists()
    assert page.input_value(f"input[name=points_{b1.pk}]") == "35"
    assert page.input_value(f"input[name=points_{b2.pk}]") == "22"
    assert (
        page.input_value(f"input[name=comment_{b2.pk}]")
        == "台账中 60 人次缺少签到记录，核减 3 分。"
    )
    shots("03-out-of-range")

    # Corrected and saved: still open for changes.
    page.fill(f"input[name=points_{b1.pk}]", "26.5")
    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    assert "评分已保存" in page.content()
    mine.refresh_from_db()
    assert mine.submitted_at is None and mine.scores.count() == 2
    assert Decimal(page.input_value(f"input[name=points_{b1.pk}]")) == Decimal("26.5")
    shots("04-saved")

    # Submitted: the sheet is closed.
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    assert "评分已提交" in page.content()
    assert page.locator("input[name^=points_]").count() == 0
    sheet = page.locator("table.zj-table").inner_text()
    assert "26.5" in sheet and "核减 3 分" in sheet
    shots("05-submitted")
    mine.refresh_from_db()
    assert mine.submitted_at is not None
    given = {
        s.criterion.code: (s.points, s.comment) for s in mine.scores.select_related("criterion")
    }
    assert given == {
        "B1": (Decimal("26.5"), "培训方案完整，企业参与度高。"),
        "B2": (Decimal(22), "台账中 60 人次缺少签到记录，核减 3 分。"),
    }

    # Back in the workspace the sheet reads 已提交; another expert's sheet is not found.
    page.click("a:has-text('专家评分工作台')")
    page.wait_for_load_state("networkidle")
    assert "已提交" in page.locator("table.zj-table").first.inner_text()
    shots("06-workspace-done")
    response = page.goto(f"{base}/evaluation/scoring/{others.pk}/")
    assert response is not None and response.status == 404
    assert not others.scores.exists()
