"""The people registries over the API: the same scope and rules as the pages, masked numbers,
Chinese errors in the platform's shape, and the capability decided before the body is read."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.people.conftest import CLOSES, OPENS, student_id
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import mask_id_number
from zhijiao.people import award_services, eaglet_services
from zhijiao.people.data import CompetitionLevel
from zhijiao.people.models import Award, EagletNomination, Student, TrainingRecord


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_students_are_listed_within_scope_and_masked(client, people, enrol):
    ours, theirs = enrol(name="甲同学"), enrol("乙职校", name="乙同学")
    client.force_login(people.users["school"])

    rows = client.get("/api/v1/people/students").json()

    assert [r["name"] for r in rows] == ["甲同学"]
    assert rows[0]["id_number_masked"] == mask_id_number(ours.id_number)
    assert ours.id_number not in json.dumps(rows, ensure_ascii=False)
    client.force_login(people.users["jyj"])
    names = {r["name"] for r in client.get("/api/v1/people/students").json()}
    assert names == {"甲同学", "乙同学"} and theirs.pk


def test_a_clerk_registers_a_student_of_their_school(client, people):
    client.force_login(people.users["school"])
    body = {
        "name": "新同学",
        "id_number": student_id(601),
        "major": "电子商务",
        "enrolled_year": 2024,
    }

    response = post(client, "/api/v1/people/students", body)

    assert response.status_code == 201
    assert response.json()["school"]["name"] == "甲职校"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="people.Student"
    ).exists()
    again = post(client, "/api/v1/people/students", body)
    assert again.status_code == 400
    assert again.json() == {
        "code": "duplicate_student",
        "message": "该身份证号已登记为甲职校的学生",
    }


def test_a_school_outside_scope_is_not_found(client, people):
    client.force_login(people.users["school"])
    body = {
        "school_id": people.units["乙职校"].pk,
        "name": "越权",
        "id_number": student_id(602),
        "major": "电子商务",
        "enrolled_year": 2024,
    }

    response = post(client, "/api/v1/people/students", body)

    assert response.status_code == 404 and not Student.objects.exists()


def test_a_role_without_the_capability_is_refused_before_the_body_is_read(client, people):
    client.force_login(people.users["enterprise"])

    response = post(client, "/api/v1/people/training", {"nonsense": True})

    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    client.logout()
    assert post(client, "/api/v1/people/training", {}).status_code == 401


def test_training_is_written_and_read_back_with_the_same_rules(client, people):
    client.force_login(people.users["school"])
    body = {
        "programme": "茶艺师",
        "target_group": "MIGRANT",
        "person_times": 40,
        "hours": 24,
        "starts_on": "2025-06-01",
        "ends_on": "2025-06-05",
    }

    created = post(client, "/api/v1/people/training", body)
    bad = post(client, "/api/v1/people/training", {**body, "ends_on": "2025-05-01"})

    assert created.status_code == 201 and created.json()["target_group_label"] == "外来劳动者"
    assert bad.status_code == 400 and bad.json()["message"] == "结束日期不能早于开始日期"
    assert TrainingRecord.objects.count() == 1
    listed = client.get("/api/v1/people/training?year=2025&group=MIGRANT").json()
    assert [r["programme"] for r in listed] == ["茶艺师"]
    client.force_login(people.users["rsj"])
    assert client.get("/api/v1/people/training").json() == []


def test_an_award_needs_a_competition_and_an_awardee_in_scope(client, people, enrol):
    competition = award_services.competition_create(
        user=people.users["office"],
        data=award_services.CompetitionData(
            name="技能大赛", year=2024, level=CompetitionLevel.CITY
        ),
    )
    ours, theirs = enrol(), enrol("乙职校")
    client.force_login(people.users["school"])
    body = {"competition_id": competition.pk, "awardee_kind": "student", "rank": "first"}

    missing = post(
        client, "/api/v1/people/awards", {**body, "competition_id": 99999, "awardee_id": ours.pk}
    )
    foreign = post(client, "/api/v1/people/awards", {**body, "awardee_id": theirs.pk})
    made = post(client, "/api/v1/people/awards", {**body, "awardee_id": ours.pk})

    assert (
        missing.status_code == 400 and "获奖记录必须属于已登记的赛事" in missing.json()["message"]
    )
    assert foreign.status_code == 404
    assert made.status_code == 201 and made.json()["school"]["name"] == "甲职校"
    assert Award.objects.count() == 1


def test_nominations_and_reviews_over_the_api(client, bureaus, enrol):
    people = bureaus
    office = people.users["office"]
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(
            year=2026,
            nomination_opens=dt.date.today() - dt.timedelta(days=1),  # noqa: DTZ011
            nomination_closes=dt.date.today() + dt.timedelta(days=1),  # noqa: DTZ011
        ),
    )
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=people.units["甲职校"], places=2
    )
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    student = enrol()
    client.force_login(people.users["school"])

    created = post(
        client,
        "/api/v1/people/eaglets/nominations",
        {"year": 2026, "student_id": student.pk, "reasons": "省赛一等奖"},
    )
    twice = post(
        client,
        "/api/v1/people/eaglets/nominations",
        {"year": 2026, "student_id": student.pk, "reasons": "再推一次"},
    )
    assert created.status_code == 201 and twice.json()["code"] == "already_nominated"
    nomination_id = created.json()["id"]

    client.force_login(people.users["kjj"])
    pending = client.get("/api/v1/people/eaglets/nominations?pending=true").json()
    assert [n["id"] for n in pending] == [nomination_id]
    reviewed = post(
        client, "/api/v1/people/eaglets/reviews", {"nomination_id": nomination_id, "agreed": True}
    )
    opinions = {o["bureau"]: o["agreed"] for o in reviewed.json()["opinions"]}
    assert opinions == {"教育局": None, "科技局": True, "人社局": None}
    assert client.get("/api/v1/people/eaglets/nominations?pending=true").json() == []
    client.force_login(people.users["school"])
    refused = post(
        client, "/api/v1/people/eaglets/reviews", {"nomination_id": nomination_id, "agreed": True}
    )
    assert refused.status_code == 403
    assert EagletNomination.objects.get().reviews.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/teachers",
        "/api/v1/people/competitions",
        "/api/v1/people/majors",
        "/api/v1/people/through",
        "/api/v1/people/teams",
        "/api/v1/people/bases",
        "/api/v1/people/eaglets/rounds",
    ],
)
def test_every_list_answers_a_clerk_and_refuses_a_learner(client, people, path):
    client.force_login(people.users["school"])
    assert client.get(path).status_code == 200
    client.force_login(people.users["learner"])
    assert client.get(path).status_code == 403


def test_majors_and_recognitions_over_the_api(client, people):
    client.force_login(people.users["school"])

    bad = post(
        client, "/api/v1/people/majors", {"code": "460301", "name": "机电", "level": "secondary"}
    )
    made = post(
        client,
        "/api/v1/people/majors",
        {"code": "660301", "name": "机电技术应用", "level": "secondary"},
    )
    recognised = post(
        client,
        "/api/v1/people/majors/recognitions",
        {"major_id": made.json()["id"], "kind": "high_level", "granted_year": 2023},
    )

    assert bad.status_code == 400 and bad.json()["code"] == "bad_major_code"
    assert made.status_code == 201
    assert recognised.status_code == 201
    assert [r["kind_label"] for r in recognised.json()["recognitions"]] == ["高水平专业（群）"]


def test_the_round_and_window_come_from_the_api_too(client, bureaus):
    office = bureaus.users["office"]
    eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(year=2026, nomination_opens=OPENS, nomination_closes=CLOSES),
    )
    client.force_login(bureaus.users["school"])

    rounds = client.get("/api/v1/people/eaglets/rounds").json()

    assert rounds[0]["year"] == 2026 and rounds[0]["status_label"] == "筹备中"
    assert client.get("/api/v1/people/eaglets/nominations?year=2026").json() == []
