"""Pages and API: who sees what. Object pages with ids answer 404 outside the user's scope (the
permission walk covers only pages without arguments); forms refuse bad input in Chinese."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.evaluation.conftest import FIGURES, SCORING_DUE, scored_round
from zhijiao.evaluation import services
from zhijiao.evaluation.data import AppealStatus
from zhijiao.evaluation.models import Appeal, Assignment, Criterion, Round

ROLES = ["office", "jyj", "rsj", "school", "school3", "expert", "expert2", "enterprise", "learner"]


@pytest.fixture
def noticed(world):
    """A round through reconciliation into its public notice, open today."""
    FIGURES[(world.units["甲职校"].pk, 2024)] = Decimal(85)
    round_ = scored_round(world)
    office = world.users["office"]
    services.round_start_reconciliation(user=office, round_=round_, today=SCORING_DUE)
    today = timezone.localdate()
    services.round_publish_notice(
        user=office,
        round_=round_,
        notice_starts=today - dt.timedelta(days=1),
        notice_ends=today + dt.timedelta(days=5),
    )
    return round_


def statuses(client, world, url, method="get", data=None):
    got = {}
    for name in ROLES:
        client.force_login(world.users[name])
        got[name] = getattr(client, method)(url, data or {}).status_code
    return got


@pytest.mark.django_db
def test_object_pages_answer_404_outside_the_scope(client, world, noticed):
    jia = noticed.entries.get(school=world.units["甲职校"])
    bing = noticed.entries.get(school=world.units["丙职校"])
    # 甲职校 is supervised by 教育局 (jyj); 丙职校 by 人社局 (rsj).
    for name in ("evaluation-entry", "evaluation-self"):
        assert statuses(client, world, reverse(f"admin:{name}", args=[jia.pk])) == {
            "office": 200,
            "jyj": 200,
            "rsj": 404,
            "school": 200,
            "school3": 404,
            "expert": 403,
            "expert2": 403,
            "enterprise": 403,
            "learner": 403,
        }, name
    assert statuses(client, world, reverse("admin:evaluation-entry", args=[bing.pk]))["rsj"] == 200
    # The round itself: those who have a school in it.
    got = statuses(client, world, reverse("admin:evaluation-round", args=[noticed.pk]))
    assert got == {
        "office": 200,
        "jyj": 200,
        "rsj": 200,
        "school": 200,
        "school3": 200,
        "expert": 403,
        "expert2": 403,
        "enterprise": 403,
        "learner": 403,
    }
    for name in ("evaluation-round-assign", "evaluation-reconcile"):
        got = statuses(client, world, reverse(f"admin:{name}", args=[noticed.pk]))
        assert {k for k, v in got.items() if v == 200} == {"office"}, name


@pytest.mark.django_db
def test_results_show_only_schools_in_scope_and_export(client, world, noticed):
    url = reverse("admin:evaluation-results", args=[noticed.pk])
    client.force_login(world.users["school"])
    page = client.get(url).content.decode()
    assert "甲职校" in page and "乙职校" not in page and "丙职校" not in page
    assert 'data-type="radar"' in page and "全市平均" in page
    response = client.get(url + "?export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["评价结果"].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["甲职校"]
    assert rows[0][-2:] == ("总分", "等级")
    assert {r[0] for r in list(book["得分明细"].iter_rows(values_only=True))[1:]} == {"甲职校"}

    client.force_login(world.users["office"])
    response = client.get(url + "?export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    names = [r[1] for r in list(book["评价结果"].iter_rows(values_only=True))[1:]]
    assert sorted(names) == ["丙职校", "乙职校", "甲职校"]


@pytest.mark.django_db
def test_results_are_hidden_before_the_notice(client, world):
    round_ = scored_round(world)
    services.round_start_reconciliation(
        user=world.users["office"], round_=round_, today=SCORING_DUE
    )
    url = reverse("admin:evaluation-results", args=[round_.pk])
    client.force_login(world.users["school"])
    assert "公示开始后" in client.get(url).content.decode()
    assert client.get(url + "?export=xlsx").status_code == 404
    client.force_login(world.users["office"])
    assert "甲职校" in client.get(url).content.decode()


@pytest.mark.django_db
def test_experts_see_only_their_sheets(client, world):
    round_ = world.round(schools=("甲职校", "乙职校"))
    office = world.users["office"]
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert"], schools=[world.units["甲职校"]]
    )
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert2"], schools=[world.units["乙职校"]]
    )
    services.round_open(user=office, round_=round_)
    mine = Assignment.objects.get(expert=world.users["expert"])
    client.force_login(world.users["expert"])
    workspace = client.get(reverse("admin:evaluation-scoring")).content.decode()
    assert "甲职校" in workspace and "乙职校" not in workspace
    theirs = Assignment.objects.get(expert=world.users["expert2"])
    assert client.get(reverse("admin:evaluation-score", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:evaluation-score", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("admin:evaluation-score", args=[theirs.pk]), {"points_1": "1"}
        ).status_code
        == 404
    )
    client.force_login(world.users["office"])
    assert client.get(reverse("admin:evaluation-score", args=[mine.pk])).status_code == 403


@pytest.mark.django_db
def test_the_expert_form_refuses_a_score_outside_the_band(client, world):
    round_ = world.round(schools=("甲职校",))
    office = world.users["office"]
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert"], schools=[world.units["甲职校"]]
    )
    services.round_open(user=office, round_=round_)
    # The self-assessment deadline (2025) has passed: scoring may start; give it a future end.
    services.round_start_scoring(user=office, round_=round_)
    Round.objects.filter(pk=round_.pk).update(
        scoring_due=timezone.localdate() + dt.timedelta(days=3)
    )
    assignment = Assignment.objects.get()
    client.force_login(world.users["expert"])
    b1 = world.leaf["B1"].pk
    response = client.post(
        reverse("admin:evaluation-score", args=[assignment.pk]),
        {f"points_{b1}": "31", "action": "save"},
        follow=True,
    )
    assert "评分应在 0 至 30 分之间，收到 31 分" in response.content.decode()
    assert not assignment.scores.exists()
    client.post(
        reverse("admin:evaluation-score", args=[assignment.pk]),
        {f"points_{b1}": "25", f"comment_{b1}": "较好", "action": "save"},
    )
    assert assignment.scores.get().points == 25


@pytest.mark.django_db
def test_a_school_appeals_on_its_page_and_the_office_decides(client, world, noticed):
    entry = noticed.entries.get(school=world.units["甲职校"])
    client.force_login(world.users["school"])
    page = client.get(reverse("admin:evaluation-entry", args=[entry.pk])).content.decode()
    assert "提出申诉" in page and "优势" in page and "短板" in page
    client.post(
        reverse("admin:evaluation-appeal-new", args=[entry.pk]),
        {"criterion": world.leaf["B1"].pk, "reason": "材料未被采信"},
    )
    appeal = Appeal.objects.get()
    # Another school cannot appeal for it: not found.
    client.force_login(world.users["school3"])
    response = client.post(
        reverse("admin:evaluation-appeal-new", args=[entry.pk]), {"reason": "他校"}
    )
    assert response.status_code == 404
    client.force_login(world.users["jyj"])
    assert "材料未被采信" in client.get(reverse("admin:evaluation-appeals")).content.decode()
    client.force_login(world.users["rsj"])
    assert "材料未被采信" not in client.get(reverse("admin:evaluation-appeals")).content.decode()
    client.force_login(world.users["office"])
    client.post(
        reverse("admin:evaluation-appeal-decide", args=[appeal.pk]),
        {"upheld": "1", "decision": "属实", "points": "28"},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and appeal.points_after == 28

    # The list filters by state and exports what it shows.
    appeals = reverse("admin:evaluation-appeals")
    assert "共 1 项申诉（已筛选）" in client.get(appeals, {"status": "upheld"}).content.decode()
    assert "没有符合筛选条件的申诉" in client.get(appeals, {"status": "pending"}).content.decode()
    exported = client.get(appeals, {"status": "upheld", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert [(r[1], r[3], r[6], r[7], r[9]) for r in rows[1:]] == [
        ("甲职校", "材料未被采信", "申诉成立", "属实", 28.0)
    ]


@pytest.mark.django_db
def test_scheme_edit_page_refuses_weights_that_do_not_add_up(client, world):
    client.force_login(world.users["office"])
    url = reverse("admin:evaluation-scheme-edit", args=[world.scheme.pk])
    assert client.get(url).status_code == 200
    data = {}
    for c in Criterion.objects.filter(scheme=world.scheme):
        data[f"name_{c.pk}"] = c.name
        data[f"weight_{c.pk}"] = str(c.weight)
        if c.method == "auto":
            data[f"bands_{c.pk}"] = "60:10, 80:30, 90:40"
        elif c.method:
            data[f"rubric_{c.pk}"] = c.rubric
    data[f"weight_{world.leaf['B1'].pk}"] = "35"
    response = client.post(url, data, follow=True)
    assert "下级指标分值合计应为 60 分，现为 65 分" in response.content.decode()
    assert Criterion.objects.get(pk=world.leaf["B1"].pk).weight == 30
    client.force_login(world.users["school"])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_api_reads_within_scope(client, world, noticed):
    client.force_login(world.users["school"])
    schemes = client.get("/api/v1/evaluation/schemes").json()
    assert schemes[0]["code"] == "test-scheme" and len(schemes[0]["criteria"]) == 5
    rounds = client.get("/api/v1/evaluation/rounds").json()
    assert rounds[0]["schools"] == 1  # progress counted over what the school may see
    results = client.get(f"/api/v1/evaluation/results?round={noticed.pk}").json()
    assert [r["school"] for r in results["results"]] == ["甲职校"]
    assert results["average"] is not None
    client.force_login(world.users["office"])
    results = client.get(f"/api/v1/evaluation/results?round={noticed.pk}").json()
    assert len(results["results"]) == 3
    client.force_login(world.users["expert"])
    assert client.get("/api/v1/evaluation/schemes").status_code == 403
    client.force_login(world.users["enterprise"])
    assert client.get(f"/api/v1/evaluation/results?round={noticed.pk}").status_code == 403
    client.logout()
    assert client.get("/api/v1/evaluation/rounds").status_code == 401


@pytest.mark.django_db
def test_api_hides_rounds_outside_the_scope(client, world):
    round_ = world.round(schools=("丙职校",))
    client.force_login(world.users["school"])
    assert client.get("/api/v1/evaluation/rounds").json() == []
    response = client.get(f"/api/v1/evaluation/results?round={round_.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_main_pages_render(client, world, noticed):
    client.force_login(world.users["office"])
    for name, args in [
        ("evaluation-rounds", []),
        ("evaluation-schemes", []),
        ("evaluation-scheme", [world.scheme.pk]),
        ("evaluation-compare", []),
        ("evaluation-pay", []),
        ("evaluation-appeals", []),
        ("evaluation-reports", []),
        ("evaluation-experts", []),
        ("evaluation-round-new", []),
        ("evaluation-reconcile", [noticed.pk]),
    ]:
        response = client.get(reverse(f"admin:{name}", args=args) + ("?all=1" if args else ""))
        assert response.status_code == 200, name
    page = client.get(reverse("admin:evaluation-compare") + "?scheme=test-scheme").content
    assert "2024年" in page.decode()
