"""The talent API: catalogues for everyone with TALENT_VIEW, an enterprise's own survey with a
token, demand aggregates for the planners."""

from __future__ import annotations

import json

import pytest

from zhijiao.orgs.services import token_create
from zhijiao.talent import services
from zhijiao.talent.models import DemandSurvey

pytestmark = pytest.mark.django_db
SURVEY = "/api/v1/talent/survey"


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user=user)}"}


def post(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def test_an_enterprise_submits_its_survey_with_a_token(client, talent):
    headers = bearer(talent.users["enterprise"])
    body = {
        "year": talent.year,
        "lines": [
            {"occupation": "6-18-02-04", "headcount": 4, "skill_level": "senior_worker"},
            {"occupation": "6-31-01-03", "headcount": 2, "education": "college"},
        ],
        "note": "扩产",
    }
    # A draft first
    response = post(client, SURVEY, body, headers)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (
        data["status"] == "draft"
        and data["enterprise"]["code"] == talent.units["某企业"].credit_code
    )
    assert [(x["occupation"]["code"], x["headcount"]) for x in data["lines"]] == [
        ("6-18-02-04", 4),
        ("6-31-01-03", 2),
    ]
    # Then submitted; a second submission is refused with a Chinese message
    assert post(client, SURVEY, {**body, "submit": True}, headers).json()["status"] == "submitted"
    again = post(client, SURVEY, {**body, "submit": True}, headers)
    assert again.status_code == 400
    assert again.json()["code"] == "already_submitted"
    # And read back
    got = client.get(SURVEY, {"year": talent.year}, headers=headers)
    assert got.status_code == 200 and got.json()["status_label"] == "已报送"
    assert DemandSurvey.objects.count() == 1


def test_bad_lines_answer_400_with_every_problem(client, talent):
    headers = bearer(talent.users["enterprise"])
    response = post(
        client,
        SURVEY,
        {"year": talent.year, "lines": [{"occupation": "6-18-99-99", "headcount": 0}]},
        headers,
    )
    assert response.status_code == 400
    message = response.json()["message"]
    assert "职业代码 6-18-99-99 不在现行的" in message and "需求人数应在 1–10000 之间" in message
    closed = post(client, SURVEY, {"year": 1999, "lines": []}, headers)
    assert closed.status_code == 400 and "没有开展" in closed.json()["message"]
    assert not DemandSurvey.objects.exists()


def test_another_enterprises_survey_is_not_found(client, talent, line):
    theirs = services.survey_save(
        user=talent.users["enterprise2"], year=talent.year, lines=[line()]
    )
    mine = bearer(talent.users["enterprise"])
    response = client.get(
        SURVEY, {"year": talent.year, "enterprise": theirs.enterprise_id}, headers=mine
    )
    assert response.status_code == 404
    # The office reads any enterprise's survey
    office = client.get(
        SURVEY,
        {"year": talent.year, "enterprise": theirs.enterprise_id},
        headers=bearer(talent.users["office"]),
    )
    assert office.status_code == 200 and office.json()["id"] == theirs.pk
    # A school may not read surveys at all
    school = client.get(SURVEY, {"year": talent.year}, headers=bearer(talent.users["school"]))
    assert school.status_code == 403


def test_only_enterprises_write_surveys(client, talent):
    for who in ("office", "school", "jyj"):
        response = post(
            client, SURVEY, {"year": talent.year, "lines": []}, bearer(talent.users[who])
        )
        assert response.status_code == 403, who
    assert client.post(SURVEY, data="{}", content_type="application/json").status_code == 401


def test_catalogues_are_searched_and_paged(client, talent):
    headers = bearer(talent.users["enterprise"])
    page = client.get(
        "/api/v1/talent/occupations", {"q": "6-18-01", "level": 4, "limit": 2}, headers=headers
    ).json()
    assert page["count"] == 5 and [x["code"] for x in page["items"]] == ["6-18-01-01", "6-18-01-02"]
    assert page["items"][0]["parent"] == "6-18-01" and page["edition"]["name"] == "2022"
    rest = client.get(
        "/api/v1/talent/occupations", {"q": "6-18-01", "level": 4, "offset": 4}, headers=headers
    ).json()
    assert [x["code"] for x in rest["items"]] == ["6-18-01-05"]
    by_name = client.get("/api/v1/talent/majors", {"q": "数控"}, headers=headers).json()
    assert {(x["code"], x["stage"]) for x in by_name["items"]} == {
        ("460103", "高职专科"),
        ("660103", "中职"),
    }
    industries = client.get("/api/v1/talent/industries", {"q": "C313"}, headers=headers).json()
    assert [x["code"] for x in industries["items"]] == ["C313", "C3130"]
    mappings = client.get("/api/v1/talent/mappings", {"major": "460103"}, headers=headers).json()
    assert mappings["count"] >= 1 and all(m["source"] for m in mappings["items"])
    assert (
        client.get(
            "/api/v1/talent/occupations", headers=bearer(talent.users["learner"])
        ).status_code
        == 403
    )


def test_demand_aggregates_are_for_the_planners(client, talent, line):
    services.survey_save(
        user=talent.users["enterprise"], year=talent.year, lines=[line(headcount=4)], submit=True
    )
    services.survey_save(
        user=talent.users["enterprise2"], year=talent.year, lines=[line(headcount=6)], submit=True
    )
    for who in ("office", "jyj", "school"):
        data = client.get(
            "/api/v1/talent/demand", {"by": "cluster"}, headers=bearer(talent.users[who])
        ).json()
        assert data["headcount"] == 10 and data["enterprises"] == 2, who
        assert {r["key"]: r["headcount"] for r in data["rows"]} == {"metallurgy": 4, "equipment": 6}
    assert (
        client.get("/api/v1/talent/demand", headers=bearer(talent.users["enterprise"])).status_code
        == 403
    )
    bad = client.get(
        "/api/v1/talent/demand", {"by": "town"}, headers=bearer(talent.users["office"])
    )
    assert bad.status_code == 400 and "by 应为" in bad.json()["message"]
