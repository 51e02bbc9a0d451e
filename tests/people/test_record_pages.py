"""The registry pages: every page with an object walked for every role (another school's record
answers 404, a role without the capability 403), the forms, the exports, query counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from tests.people.conftest import CLOSES, OPENS, endorse, nominate, student_id
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import mask_id_number
from zhijiao.people import (
    award_services,
    eaglet_services,
    registry_services,
    training_services,
)
from zhijiao.people.data import (
    CompetitionLevel,
    MajorLevel,
    RecognitionKind,
    ThroughMode,
    TraineeGroup,
)
from zhijiao.people.models import Award, EagletNomination, Student, TrainingRecord

ROLES = ["office", "jyj", "rsj", "kjj", "school", "enterprise", "learner", "auditor"]


@dataclass
class World:
    """One record of every registry at 乙职校 (outside the 甲职校 clerk's scope)."""

    ids: dict[str, int]


@pytest.fixture
def world(bureaus, enrol, register) -> World:
    people = bureaus
    office = people.users["office"]
    school = people.units["乙职校"]
    student = enrol("乙职校")
    teacher = register("乙职校")
    competition = award_services.competition_create(
        user=office,
        data=award_services.CompetitionData(
            name="技能大赛", year=2024, level=CompetitionLevel.CITY
        ),
    )
    award = award_services.award_create(
        user=office,
        data=award_services.AwardData(competition=competition, rank="first", student=student),
    )
    record = training_services.training_create(
        user=office,
        school=school,
        data=training_services.TrainingData(
            programme="电工",
            target_group=TraineeGroup.VETERAN,
            person_times=10,
            hours=8,
            starts_on=dt.date(2024, 3, 1),
            ends_on=dt.date(2024, 3, 2),
        ),
    )
    major = registry_services.major_create(
        user=office,
        school=school,
        data=registry_services.MajorData(code="660103", name="数控", level=MajorLevel.SECONDARY),
    )
    recognition = registry_services.recognition_add(
        user=office,
        major=major,
        data=registry_services.RecognitionData(kind=RecognitionKind.HIGH_LEVEL, granted_year=2022),
    )
    programme = registry_services.through_create(
        user=office,
        data=registry_services.ThroughData(
            major=major, partner="某学院", mode=ThroughMode.SEGMENTED_3_3, started_year=2021
        ),
    )
    team = registry_services.team_create(
        user=office,
        school=school,
        data=registry_services.TeamData(name="团队", recognised_year=2023, lead=teacher),
    )
    base = registry_services.base_create(
        user=office,
        data=registry_services.BaseData(name="基地", recognised_year=2023, school=school),
    )
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(year=2026, nomination_opens=OPENS, nomination_closes=CLOSES),
    )
    eaglet_services.eaglet_quota_set(user=office, round_=round_, school=school, places=3)
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    nomination = nominate(people, round_, student, user="office")
    return World(
        {
            "student": student.pk,
            "competition": competition.pk,
            "award": award.pk,
            "training": record.pk,
            "major": major.pk,
            "recognition": recognition.pk,
            "through": programme.pk,
            "team": team.pk,
            "base": base.pk,
            "round": round_.pk,
            "nomination": nomination.pk,
        }
    )


NOT_SEEN = {"school": 404, "enterprise": 403, "learner": 403, "auditor": 403}
SCOPED = {"office": 200, "jyj": 200, "rsj": 404, "kjj": 404, **NOT_SEEN}
SHARED = {
    "office": 200,
    "jyj": 200,
    "rsj": 200,
    "kjj": 200,
    "school": 200,
    **{k: 403 for k in ("enterprise", "learner", "auditor")},
}
REVIEWERS = {**SCOPED, "rsj": 200, "kjj": 200}  # the three bureaus see every nomination
OFFICE_ONLY = {"office": 200, **{k: 403 for k in ROLES if k != "office"}}

# (page, object, expected answer per role to a GET)
OBJECT_PAGES: list[tuple[str, str, dict[str, int]]] = [
    ("people-student", "student", SCOPED),
    ("people-student-edit", "student", {**SCOPED, "rsj": 404, "kjj": 404}),
    ("people-award", "award", SCOPED),
    ("people-award-edit", "award", SCOPED),
    ("people-competition", "competition", SHARED),
    ("people-competition-edit", "competition", SHARED),
    ("people-training-record", "training", SCOPED),
    ("people-training-edit", "training", SCOPED),
    ("people-major", "major", SCOPED),
    ("people-major-edit", "major", SCOPED),
    ("people-through-programme", "through", SCOPED),
    ("people-through-edit", "through", SCOPED),
    ("people-team", "team", SCOPED),
    ("people-team-edit", "team", SCOPED),
    ("people-base", "base", SCOPED),
    ("people-base-edit", "base", SCOPED),
    ("people-eaglet-round", "round", SHARED),
    ("people-eaglet-nominations", "round", SHARED),
    ("people-eaglet-nominate", "round", {**SHARED}),
    ("people-eaglet-export", "round", SHARED),
    ("people-eaglet-round-edit", "round", OFFICE_ONLY),
    ("people-nomination", "nomination", REVIEWERS),
]


@pytest.mark.parametrize(
    ("name", "obj", "expected"), OBJECT_PAGES, ids=[p[0] for p in OBJECT_PAGES]
)
def test_every_object_page_answers_each_role_within_scope(
    client, bureaus, world, name, obj, expected
):
    url = reverse(f"admin:{name}", args=[world.ids[obj]])
    got = {}
    for role in ROLES:
        client.force_login(bureaus.users[role])
        got[role] = client.get(url).status_code
    assert got == expected


POST_PAGES: list[tuple[str, str, dict[str, Any]]] = [
    ("people-student-unmask", "student", {}),
    ("people-major-recognition", "major", {"kind": "brand", "granted_year": 2023}),
    ("people-recognition-revoke", "recognition", {"revoked_year": 2024}),
    ("people-through-year", "through", {"year": 2024, "intake": 1, "enrolled": 2}),
    ("people-nomination-withdraw", "nomination", {"reason": "x"}),
    ("people-nomination-review", "nomination", {"agreed": "1"}),
]


@pytest.mark.parametrize(("name", "obj", "data"), POST_PAGES, ids=[p[0] for p in POST_PAGES])
def test_a_post_on_another_schools_record_is_not_found(client, bureaus, world, name, obj, data):
    url = reverse(f"admin:{name}", args=[world.ids[obj]])
    changes = AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE])
    before = changes.count()
    client.force_login(bureaus.users["school"])

    expected = 403 if name == "people-nomination-review" else 404  # clerks never review
    assert client.post(url, data).status_code == expected
    client.force_login(bureaus.users["enterprise"])
    assert client.post(url, data).status_code == 403
    assert changes.count() == before


def test_office_only_posts_are_refused_to_liaisons(client, bureaus, world):
    client.force_login(bureaus.users["jyj"])
    for name, obj in [
        ("people-eaglet-quota", "round"),
        ("people-eaglet-advance", "round"),
        ("people-nomination-propose", "nomination"),
        ("people-nomination-objection", "nomination"),
    ]:
        assert client.post(reverse(f"admin:{name}", args=[world.ids[obj]])).status_code == 403, name


def test_the_student_list_masks_and_the_unmask_is_the_offices_alone(client, bureaus, world):
    student = Student.objects.get(pk=world.ids["student"])
    client.force_login(bureaus.users["jyj"])
    text = client.get(reverse("admin:people-students")).content.decode()
    assert mask_id_number(student.id_number) in text and student.id_number not in text

    client.force_login(bureaus.users["office"])
    page = client.post(
        reverse("admin:people-student-unmask", args=[student.pk]), {"reason": "核对"}
    )
    assert page.status_code == 200 and student.id_number in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.UNMASK, succeeded=True).exists()


def test_a_reviewer_reviews_from_the_list_and_the_office_picks(client, bureaus, world, enrol):
    people = bureaus
    round_id = world.ids["round"]
    nomination = EagletNomination.objects.get(pk=world.ids["nomination"])
    url = reverse("admin:people-eaglet-review-many", args=[round_id])
    for user in ("jyj", "kjj", "rsj"):
        client.force_login(people.users[user])
        client.post(url, {"ids": [nomination.pk], "action": "agree"})
    nomination.refresh_from_db()
    assert nomination.status == "endorsed"

    client.force_login(people.users["office"])
    client.post(reverse("admin:people-eaglet-advance", args=[round_id]))
    client.post(url, {"ids": [nomination.pk], "action": "pick"})
    nomination.refresh_from_db()
    assert nomination.status == "proposed"
    client.force_login(people.users["jyj"])
    assert client.post(url, {"ids": [nomination.pk], "action": "pick"}).status_code == 403


def test_a_clerk_nominates_by_student_number_and_name(client, bureaus, world, enrol):
    people = bureaus
    office = people.users["office"]
    round_ = EagletNomination.objects.get(pk=world.ids["nomination"]).round
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=people.units["甲职校"], places=2
    )
    enrol(name="钱同学", student_number="J001", id_number=student_id(501))
    client.force_login(people.users["school"])
    url = reverse("admin:people-eaglet-nominate", args=[round_.pk])

    wrong = client.post(url, {"who": "J001", "name": "钱同学X", "reasons": "理由"})
    assert "姓名与学生库不符" in wrong.content.decode()

    # The window of the fixture's round lies in the past: the service says so in Chinese.
    late = client.post(url, {"who": "J001", "name": "钱同学", "reasons": "理由"}, follow=True)
    assert "推荐时间为 2026-03-01 至 2026-04-30" in late.content.decode()
    today = dt.date.today()  # noqa: DTZ011 - a date for the window only
    eaglet_services.eaglet_round_update(
        user=office,
        round_=round_,
        data=eaglet_services.RoundData(
            year=2026,
            nomination_opens=today - dt.timedelta(days=1),
            nomination_closes=today + dt.timedelta(days=1),
        ),
    )
    done = client.post(url, {"who": "J001", "name": "钱同学", "reasons": "理由"})
    assert done.status_code == 302
    assert EagletNomination.objects.filter(student__student_number="J001").exists()


def test_an_award_is_registered_on_the_form_by_id_number(client, bureaus, world, enrol):
    people = bureaus
    student = enrol(name="孙同学")
    client.force_login(people.users["school"])
    data = {
        "competition": world.ids["competition"],
        "kind": "student",
        "id_number": student.id_number,
        "name": "孙同学",
        "rank": "second",
    }

    response = client.post(reverse("admin:people-award-new"), data)

    assert response.status_code == 302 and Award.objects.filter(student=student).exists()
    again = client.post(reverse("admin:people-award-new"), data, follow=True)
    assert "已经登记" in again.content.decode()
    other = Student.objects.get(pk=world.ids["student"])
    foreign = client.post(
        reverse("admin:people-award-new"),
        {**data, "id_number": other.id_number, "name": other.name},
    )
    assert "不在您可以登记的学校" in foreign.content.decode()


def test_a_training_record_is_created_on_the_form(client, bureaus):
    client.force_login(bureaus.users["school"])

    response = client.post(
        reverse("admin:people-training-new"),
        {
            "school": bureaus.units["乙职校"].pk,  # ignored: the clerk's school is fixed
            "programme": "焊工（初级）",
            "kind": "employment",
            "target_group": "MIGRANT",
            "person_times": 30,
            "hours": 24,
            "starts_on": "2025-05-01",
            "ends_on": "2025-05-10",
        },
    )

    record = TrainingRecord.objects.get(programme="焊工（初级）")
    assert response.status_code == 302 and record.school == bureaus.units["甲职校"]


@pytest.mark.parametrize(
    "name",
    [
        "people-students-export",
        "people-awards-export",
        "people-training-export",
        "people-majors-export",
        "people-through-export",
        "people-teams-export",
        "people-bases-export",
        "people-competitions-export",
    ],
)
def test_exports_are_workbooks_audited_and_masked(client, bureaus, world, name):
    student = Student.objects.get(pk=world.ids["student"])
    client.force_login(bureaus.users["jyj"])

    response = client.get(reverse(f"admin:{name}"))

    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert student.id_number.encode() not in response.content
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("people-awards", 14),
        ("people-training", 14),
        ("people-majors", 14),
        ("people-students", 14),
        ("people-teams", 14),
    ],
)
def test_list_pages_pin_their_query_count(
    client, bureaus, world, enrol, django_assert_max_num_queries, name, limit
):
    office = bureaus.users["office"]
    competition = award_services.competition_create(
        user=office,
        data=award_services.CompetitionData(
            name="另一大赛", year=2024, level=CompetitionLevel.CITY
        ),
    )
    for _ in range(8):
        award_services.award_create(
            user=office,
            data=award_services.AwardData(competition=competition, rank="first", student=enrol()),
        )
    client.force_login(office)
    client.get(reverse(f"admin:{name}"))

    with django_assert_max_num_queries(limit):
        assert client.get(reverse(f"admin:{name}")).status_code == 200


def test_the_nominations_page_pins_its_query_count(
    client, bureaus, world, enrol, django_assert_max_num_queries
):
    round_ = EagletNomination.objects.get(pk=world.ids["nomination"]).round
    eaglet_services.eaglet_quota_set(
        user=bureaus.users["office"], round_=round_, school=bureaus.units["甲职校"], places=10
    )
    for _ in range(8):
        endorse(bureaus, nominate(bureaus, round_, enrol(), user="office", today=OPENS))
    client.force_login(bureaus.users["kjj"])
    url = reverse("admin:people-eaglet-nominations", args=[round_.pk])
    client.get(url)

    with django_assert_max_num_queries(14):
        page = client.get(url)

    assert page.status_code == 200 and page.content.decode().count("同意") >= 24


def test_the_office_handles_an_objection_on_the_pages(client, bureaus, enrol):
    from tests.people.conftest import to_notice
    from zhijiao.people.models import EagletObjection, EagletRound

    people = bureaus
    office = people.users["office"]
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(year=2026, nomination_opens=OPENS, nomination_closes=CLOSES),
    )
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=people.units["甲职校"], places=3
    )
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    picked, today = to_notice(people, round_, 2, enrol)
    client.force_login(office)
    page = client.get(reverse("admin:people-nomination", args=[picked[0].pk]))
    assert "登记异议" in page.content.decode()
    round_page = client.get(reverse("admin:people-eaglet-round", args=[round_.pk])).content.decode()
    assert "下载公示（Word）" in round_page

    client.post(
        reverse("admin:people-nomination-objection", args=[picked[0].pk]),
        {"received_on": today.isoformat(), "content": "事迹不实"},
    )
    objection = EagletObjection.objects.get()
    client.post(
        reverse("admin:people-objection-resolve", args=[objection.pk]),
        {"upheld": "1", "finding": "经核实，事迹不实"},
    )

    picked[0].refresh_from_db()
    assert picked[0].status == "revoked" and EagletRound.objects.get().selected == 1
    notice = client.get(reverse("admin:people-eaglet-notice", args=[round_.pk]))
    assert notice.status_code == 200 and notice["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    client.force_login(people.users["school"])
    assert client.get(reverse("admin:people-eaglet-notice", args=[round_.pk])).status_code == 200
