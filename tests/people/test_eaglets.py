"""The 技能雏鹰 selection: quotas, nominations, the three bureaus' review, places, notice, list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from tests.people.conftest import CLOSES, OPENS, endorse, nominate, to_notice
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent, Notification
from zhijiao.people import eaglet_documents, eaglet_selectors, eaglet_services
from zhijiao.people.data import EagletRoundStatus, NominationStatus, ObjectionOutcome
from zhijiao.people.models import EagletNomination, EagletQuota, EagletRound


@pytest.fixture
def round_(bureaus):
    """A 2026 round of 3 places, 甲职校 may nominate 3, 乙职校 2; nominations are open."""
    office = bureaus.users["office"]
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(
            year=2026, nomination_opens=OPENS, nomination_closes=CLOSES, places=3
        ),
    )
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=bureaus.units["甲职校"], places=3
    )
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=bureaus.units["乙职校"], places=2
    )
    return eaglet_services.eaglet_round_advance(user=office, round_=round_)


def test_the_round_finds_the_three_bureaus_by_name_or_other_name(round_, bureaus):
    assert round_.education_unit == bureaus.units["教育局"]
    assert round_.science_unit == bureaus.units["科技局"]  # 江阴市科学技术局, alias 科技局
    assert round_.labour_unit == bureaus.units["人社局"]
    assert round_.status == EagletRoundStatus.NOMINATING
    assert Notification.objects.filter(recipient__username="school").exists()


def test_a_round_needs_the_three_bureaus_and_one_per_year(people, bureaus):
    office = people.users["office"]
    data = eaglet_services.RoundData(year=2025, nomination_opens=OPENS, nomination_closes=CLOSES)
    eaglet_services.eaglet_round_create(user=office, data=data)

    with pytest.raises(ServiceError, match="2025 年度的“技能雏鹰”评选已经创建"):
        eaglet_services.eaglet_round_create(user=office, data=data)


def test_without_a_science_bureau_the_round_is_refused(people):
    with pytest.raises(ServiceError, match="未找到联审单位：科技局"):
        eaglet_services.eaglet_round_create(
            user=people.users["office"],
            data=eaglet_services.RoundData(
                year=2026, nomination_opens=OPENS, nomination_closes=CLOSES
            ),
        )


def test_only_the_office_runs_the_round(bureaus, round_):
    for user in ("jyj", "school"):
        with pytest.raises(ServiceError) as refused:
            eaglet_services.eaglet_quota_set(
                user=bureaus.users[user], round_=round_, school=bureaus.units["甲职校"], places=9
            )
        assert refused.value.status_code == 403


def test_a_clerk_nominates_within_the_quota(people, round_, enrol):
    students = [enrol() for _ in range(4)]
    for s in students[:3]:
        nominate(people, round_, s)

    with pytest.raises(ServiceError, match="甲职校的推荐名额（3 名）已用完"):
        nominate(people, round_, students[3])

    assert EagletQuota.objects.get(school=people.units["甲职校"]).nominated == 3
    assert EagletNomination.objects.count() == 3


def test_a_student_nominated_twice_is_refused_by_the_database(people, round_, enrol):
    student = enrol(name="周同学")
    nominate(people, round_, student)

    with pytest.raises(ServiceError, match="周同学已被推荐参加2026年度评选，不能重复推荐"):
        nominate(people, round_, student, user="office")

    assert EagletQuota.objects.get(school=people.units["甲职校"]).nominated == 1  # rolled back


def test_a_withdrawn_nomination_frees_its_place_and_may_be_made_again(people, round_, enrol):
    student = enrol()
    first = nominate(people, round_, student)

    eaglet_services.eaglet_withdraw(user=people.users["school"], nomination=first, reason="重填")
    again = nominate(people, round_, student)

    assert again.pk != first.pk
    assert EagletQuota.objects.get(school=people.units["甲职校"]).nominated == 1


@pytest.mark.parametrize(
    ("today", "message"),
    [
        (dt.date(2026, 2, 28), "推荐时间为 2026-03-01 至 2026-04-30"),
        (dt.date(2026, 5, 1), "推荐时间为"),
    ],
)
def test_nominations_outside_the_window_are_refused(people, round_, enrol, today, message):
    with pytest.raises(ServiceError, match=message):
        nominate(people, round_, enrol(), today=today)


def test_a_school_without_a_quota_cannot_nominate(people, bureaus, enrol):
    from zhijiao.orgs.models import Unit, UnitKind

    third = Unit.objects.create(name="丙职校", kind=UnitKind.SCHOOL)
    people.units["丙职校"] = third
    office = people.users["office"]
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(year=2026, nomination_opens=OPENS, nomination_closes=CLOSES),
    )
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=people.units["甲职校"], places=1
    )
    eaglet_services.eaglet_round_advance(user=office, round_=round_)

    with pytest.raises(ServiceError, match="丙职校在本次评选中没有推荐名额"):
        nominate(people, round_, enrol("丙职校"), user="office")


def test_another_schools_student_cannot_be_nominated(people, round_, enrol):
    with pytest.raises(ServiceError) as refused:
        nominate(people, round_, enrol("乙职校"))
    assert refused.value.status_code == 404


def test_three_agreements_endorse_and_one_refusal_rejects(people, round_, enrol):
    a = nominate(people, round_, enrol())
    b = nominate(people, round_, enrol())

    assert endorse(people, a).status == NominationStatus.ENDORSED
    eaglet_services.eaglet_review(user=people.users["jyj"], nomination=b, agreed=True)
    with pytest.raises(ServiceError, match="不同意时请填写理由"):
        eaglet_services.eaglet_review(user=people.users["kjj"], nomination=b, agreed=False)
    eaglet_services.eaglet_review(
        user=people.users["kjj"], nomination=b, agreed=False, comment="事迹材料不实"
    )
    b.refresh_from_db()
    assert b.status == NominationStatus.REJECTED
    with pytest.raises(ServiceError, match="无需再审"):
        eaglet_services.eaglet_review(user=people.users["rsj"], nomination=b, agreed=True)


def test_a_bureau_gives_one_opinion_and_other_units_none(people, round_, enrol):
    n = nominate(people, round_, enrol())
    eaglet_services.eaglet_review(user=people.users["rsj"], nomination=n, agreed=True)

    with pytest.raises(ServiceError, match="人社局已对王小明的推荐提出过意见"):
        eaglet_services.eaglet_review(user=people.users["rsj"], nomination=n, agreed=True)
    with pytest.raises(ServiceError) as clerk:
        eaglet_services.eaglet_review(user=people.users["school"], nomination=n, agreed=True)
    assert clerk.value.status_code == 403


def test_the_reviewing_bureaus_see_every_nomination_other_liaisons_none(people, round_, enrol):
    nominate(people, round_, enrol("乙职校"), user="office")

    for user, seen in [("kjj", 1), ("rsj", 1), ("jyj", 1), ("school", 0), ("office", 1)]:
        assert eaglet_selectors.nominations_visible(people.users[user], round_).count() == seen


def test_review_many_records_all_or_none(people, round_, enrol):
    a = nominate(people, round_, enrol())
    b = nominate(people, round_, enrol())
    eaglet_services.eaglet_review(user=people.users["kjj"], nomination=b, agreed=True)

    with pytest.raises(ServiceError):
        eaglet_services.eaglet_review_many(
            user=people.users["kjj"], nominations=[a, b], agreed=True
        )
    assert not a.reviews.exists()

    assert (
        eaglet_services.eaglet_review_many(user=people.users["kjj"], nominations=[a], agreed=True)
        == 1
    )


def test_the_places_of_the_round_cannot_be_exceeded(people, round_, enrol):
    office = people.users["office"]
    nominations = [nominate(people, round_, enrol()) for _ in range(3)]
    nominations.append(nominate(people, round_, enrol("乙职校"), user="office"))
    for n in nominations:
        endorse(people, n)
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    for n in nominations[:3]:
        eaglet_services.eaglet_propose(user=office, nomination=n)

    with pytest.raises(ServiceError, match="2026年度表彰名额（3 名）已满"):
        eaglet_services.eaglet_propose(user=office, nomination=nominations[3])

    round_.refresh_from_db()
    assert round_.selected == 3
    assert nominations[3].__class__.objects.get(pk=nominations[3].pk).status == "endorsed"
    eaglet_services.eaglet_unpropose(user=office, nomination=nominations[0])
    eaglet_services.eaglet_propose(user=office, nomination=nominations[3])
    round_.refresh_from_db()
    assert round_.selected == 3


def test_only_endorsed_nominations_can_be_picked(people, round_, enrol):
    office = people.users["office"]
    n = nominate(people, round_, enrol())
    eaglet_services.eaglet_round_advance(user=office, round_=round_)

    with pytest.raises(ServiceError, match="状态已变化"):
        eaglet_services.eaglet_propose(user=office, nomination=n)

    round_.refresh_from_db()
    assert round_.selected == 0  # the place taken in the same transaction was given back


def test_places_cannot_drop_below_those_taken(people, round_, enrol):
    office = people.users["office"]
    picked = [endorse(people, nominate(people, round_, enrol())) for _ in range(2)]
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    for n in picked:
        eaglet_services.eaglet_propose(user=office, nomination=n)

    with pytest.raises(ServiceError, match="已确定拟表彰 2 人，表彰名额不能少于该人数"):
        eaglet_services.eaglet_round_update(
            user=office,
            round_=round_,
            data=eaglet_services.RoundData(
                year=2026, nomination_opens=OPENS, nomination_closes=CLOSES, places=1
            ),
        )


def test_a_quota_cannot_drop_below_the_nominations_made(people, bureaus, enrol):
    office = people.users["office"]
    round_ = eaglet_services.eaglet_round_create(
        user=office,
        data=eaglet_services.RoundData(year=2026, nomination_opens=OPENS, nomination_closes=CLOSES),
    )
    eaglet_services.eaglet_quota_set(
        user=office, round_=round_, school=people.units["甲职校"], places=2
    )
    eaglet_services.eaglet_round_advance(user=office, round_=round_)
    nominate(people, round_, enrol())
    nominate(people, round_, enrol())

    with pytest.raises(ServiceError, match="甲职校已推荐 2 人"):
        eaglet_services.eaglet_quota_set(
            user=office, round_=round_, school=people.units["甲职校"], places=1
        )


def test_an_upheld_objection_takes_the_student_off_the_list(people, round_, enrol):
    office = people.users["office"]
    picked, today = to_notice(people, round_, 2, enrol)
    objection = eaglet_services.eaglet_objection_record(
        user=office, nomination=picked[0], received_on=today, content="获奖证书与事实不符"
    )

    with pytest.raises(ServiceError, match="还有公示异议尚未核查"):
        eaglet_services.eaglet_round_advance(
            user=office, round_=round_, today=today + dt.timedelta(days=7)
        )
    eaglet_services.eaglet_objection_resolve(
        user=office, objection=objection, upheld=True, finding="经核实，证书为他人所获"
    )

    picked[0].refresh_from_db()
    round_.refresh_from_db()
    objection.refresh_from_db()
    assert picked[0].status == NominationStatus.REVOKED and round_.selected == 1
    assert objection.outcome == ObjectionOutcome.UPHELD


def test_publishing_waits_for_the_end_of_the_notice_and_honours_the_picked(people, round_, enrol):
    office = people.users["office"]
    picked, today = to_notice(people, round_, 2, enrol)

    with pytest.raises(ServiceError, match="届满后才能公布"):
        eaglet_services.eaglet_round_advance(
            user=office, round_=round_, today=today + dt.timedelta(days=6)
        )
    eaglet_services.eaglet_round_advance(
        user=office, round_=round_, today=today + dt.timedelta(days=7)
    )

    round_.refresh_from_db()
    assert round_.status == EagletRoundStatus.PUBLISHED
    assert {n.status for n in EagletNomination.objects.all()} == {NominationStatus.HONOURED}
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.UPDATE, object_type="people.EagletRound"
        ).count()
        == 4
    )


def test_the_notice_is_a_gongwen_document_with_the_list(people, round_, enrol):
    picked, _today = to_notice(people, round_, 2, enrol)

    content = eaglet_documents.notice_build(EagletRound.objects.get(pk=round_.pk))

    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "拟表彰名单的公示" in text and "公示时间" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert picked[0].student.name in cells and "甲职校（2名）" in cells
    assert picked[0].student.id_number not in content.decode("latin-1")


def test_there_is_no_notice_before_the_list_is_settled(round_):
    with pytest.raises(ServiceError, match="公示开始后才能生成"):
        eaglet_documents.notice_build(round_)
