"""Targets and data values over the REST API, within the caller's scope."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from zhijiao.indicators.models import Comparator, Submission, SubmissionStatus, Target, TargetScope

pytestmark = pytest.mark.django_db

STATUSES = {"met", "on_track", "at_risk", "not_met", "no_data"}


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_targets_list_has_the_promised_fields(client, monitoring, reported):
    Target.objects.create(
        key="training-ratio",
        name="培训人次达到在校生的2倍",
        indicator=monitoring.indicators["TRAINING_RATIO"],
        comparator=Comparator.GE,
        value=Decimal(2),
        deadline=dt.date(monitoring.today.year + 1, 12, 31),
        scope=TargetScope.EACH_SCHOOL,
        recurring=True,
    )
    Target.objects.create(
        key="enrolment",
        name="在校生规模",
        indicator=monitoring.indicators["ENROLMENT"],
        comparator=Comparator.GE,
        value=Decimal(1),
        deadline=dt.date(monitoring.today.year + 1, 12, 31),
    )
    last = monitoring.last_year
    reported("SCHOOL_BASIC", "甲职校", last, {"ENROLMENT": 1000})
    reported("SCHOOL_TRAINING", "甲职校", f"{last}Q1", {"TRAIN_PT.VETERAN": 2500})
    client.force_login(monitoring.users["school"])

    response = client.get("/api/v1/targets")

    assert response.status_code == 200
    items = {t["key"]: t for t in response.json()}
    assert set(items) == {"training-ratio", "enrolment"}
    ratio = items["training-ratio"]
    for field in ("key", "name", "comparator", "target", "deadline", "scope", "value", "status"):
        assert field in ratio
    assert ratio["name"] == "培训人次达到在校生的2倍"
    assert (
        ratio["comparator"] == ">=" and ratio["target"] == 2.0 and ratio["scope"] == "each_school"
    )
    assert ratio["value"] == 2.5
    assert all(t["status"] in STATUSES for t in items.values())
    assert {u["unit"] for u in ratio["units"]} == {"甲职校", "乙职校"}


def test_values_are_written_and_read_within_scope(client, monitoring):
    client.force_login(monitoring.users["school"])
    body = {
        "data_set": "SCHOOL_BASIC",
        "unit_id": monitoring.units["甲职校"].pk,
        "period": monitoring.last_year,
        "values": [
            {"element": "ENROLMENT", "value": 3000},
            {"element": "TEACHER_PRO", "value": "100"},
            {"element": "TEACHER_DUAL", "value": 80},
            {"element": "HAS_CHARTER", "value": True},
            {"element": "PASS_RATE", "value": "85%"},
        ],
        "complete": True,
    }

    response = post(client, "/api/v1/data/values", body)

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == SubmissionStatus.AWAITING_BUREAU
    assert data["source"] == "api"
    assert {v["element"]: v["number"] for v in data["values"]}["PASS_RATE"] == 85.0

    # another school's unit is not found, as if it did not exist
    other = {**body, "unit_id": monitoring.units["乙职校"].pk}
    assert post(client, "/api/v1/data/values", other).status_code == 404

    # reading: the school sees its own, the other school does not
    assert len(client.get("/api/v1/data/values", {"data_set": "SCHOOL_BASIC"}).json()) == 1
    client.force_login(monitoring.users["school_b"])
    assert client.get("/api/v1/data/values", {"data_set": "SCHOOL_BASIC"}).json() == []


def test_bad_values_are_refused_in_chinese_and_nothing_is_saved(client, monitoring):
    client.force_login(monitoring.users["school"])
    body = {
        "data_set": "SCHOOL_BASIC",
        "unit_id": monitoring.units["甲职校"].pk,
        "period": monitoring.last_year,
        "values": [
            {"element": "ENROLMENT", "value": 3000},
            {"element": "TEACHER_PRO", "value": "一百"},
        ],
    }

    response = post(client, "/api/v1/data/values", body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_value"
    assert "不是数字" in response.json()["message"]
    assert not Submission.objects.exists()

    closed = {**body, "data_set": "SCHOOL_SURVEY", "period": monitoring.closed_year, "values": []}
    response = post(client, "/api/v1/data/values", closed)
    assert response.status_code == 400 and response.json()["code"] == "period_closed"
    assert "关闭" in response.json()["message"]
