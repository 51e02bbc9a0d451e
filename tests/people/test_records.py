"""The rules of the registries beyond persons: competitions and awards, social training, majors
and recognitions, 贯通 programmes, innovation teams and 双师型 bases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.people import award_services, registry_services, training_services
from zhijiao.people.data import (
    AwardRank,
    BaseKind,
    CompetitionLevel,
    MajorLevel,
    RecognitionKind,
    ThroughMode,
    TraineeGroup,
)
from zhijiao.people.models import Award, Competition, DualBase, Major, TrainingRecord


@pytest.fixture
def competition(people) -> Competition:
    return award_services.competition_create(
        user=people.users["office"],
        data=award_services.CompetitionData(
            name="江苏省职业院校技能大赛",
            year=2024,
            track="数控车加工技术",
            level=CompetitionLevel.PROVINCIAL,
        ),
    )


def award(user, competition, *, student=None, teacher=None, **kw):
    return award_services.award_create(
        user=user,
        data=award_services.AwardData(
            competition=competition,
            rank=kw.pop("rank", AwardRank.FIRST),
            student=student,
            teacher=teacher,
            **kw,
        ),
    )


# ---------------------------------------------------------------- competitions and awards


def test_the_same_competition_track_is_registered_once(people, competition):
    with pytest.raises(
        ServiceError, match="2024年“江苏省职业院校技能大赛”“数控车加工技术”赛项已经登记"
    ):
        award_services.competition_create(
            user=people.users["school"],
            data=award_services.CompetitionData(
                name=" 江苏省职业院校技能大赛 ",
                year=2024,
                track="数控车加工技术",
                level=CompetitionLevel.PROVINCIAL,
            ),
        )


def test_an_award_without_a_competition_is_refused(people, enrol):
    with pytest.raises(ServiceError, match="获奖记录必须属于已登记的赛事"):
        award(people.users["office"], None, student=enrol())
    assert not Award.objects.exists()


def test_an_award_belongs_to_the_awardees_school_and_is_audited(people, competition, enrol):
    student = enrol("乙职校")

    made = award(
        people.users["jyj"],
        competition,
        student=student,
        incentive_amount=Decimal("5000"),
        incentive_paid_on=dt.date(2025, 3, 15),
    )

    assert made.school == people.units["乙职校"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="people.Award").exists()


def test_the_same_person_is_awarded_once_per_competition(people, competition, enrol, register):
    student, teacher = enrol(), register()
    award(people.users["school"], competition, student=student)
    award(people.users["school"], competition, teacher=teacher)

    with pytest.raises(ServiceError, match="已经登记"):
        award(people.users["school"], competition, student=student, rank=AwardRank.SECOND)


def test_an_award_needs_exactly_one_awardee_the_user_may_register(
    people, competition, enrol, register
):
    with pytest.raises(ServiceError, match="请选择获奖者"):
        award(people.users["office"], competition, student=enrol(), teacher=register())
    with pytest.raises(ServiceError, match="不在您可以登记的学校"):
        award(people.users["school"], competition, student=enrol("乙职校"))


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"incentive_paid_on": dt.date(2025, 1, 1)}, "请同时填写奖励金额"),
        ({"incentive_amount": Decimal("-1")}, "非负数"),
        (
            {"incentive_amount": Decimal(1), "incentive_paid_on": dt.date(2023, 1, 1)},
            "不能早于赛事年度",
        ),
        ({"rank": "gold-ish"}, "请选择奖项等级"),
    ],
)
def test_bad_incentives_and_ranks_are_refused(people, competition, enrol, kw, message):
    with pytest.raises(ServiceError, match=message):
        award(people.users["office"], competition, student=enrol(), **kw)


def test_only_the_registering_unit_or_the_office_edits_a_competition(people, competition):
    mine = award_services.competition_create(
        user=people.users["school"],
        data=award_services.CompetitionData(
            name="江阴市职业学校技能大赛", year=2024, level=CompetitionLevel.CITY
        ),
    )
    data = award_services.CompetitionData(name="改名", year=2024, level=CompetitionLevel.CITY)

    with pytest.raises(ServiceError) as refused:
        award_services.competition_update(
            user=people.users["school"], competition=competition, data=data
        )
    assert refused.value.status_code == 403
    assert award_services.competition_update(
        user=people.users["school"], competition=mine, data=data
    )


# ---------------------------------------------------------------- social training


def training(**overrides):
    values = {
        "programme": "电工（中级）",
        "target_group": TraineeGroup.VETERAN,
        "person_times": 120,
        "hours": 40,
        "starts_on": dt.date(2025, 3, 1),
        "ends_on": dt.date(2025, 3, 20),
    }
    values.update(overrides)
    return training_services.TrainingData(**values)


def test_training_is_recorded_and_a_duplicate_refused(people):
    office = people.users["office"]
    training_services.training_create(user=office, school=people.units["甲职校"], data=training())
    training_services.training_create(
        user=office, school=people.units["甲职校"], data=training(target_group=TraineeGroup.MIGRANT)
    )

    with pytest.raises(ServiceError, match="面向退役军人的“电工（中级）”，请勿重复登记"):
        training_services.training_create(
            user=office, school=people.units["甲职校"], data=training(person_times=5)
        )
    assert TrainingRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": dt.date(2025, 2, 1)}, "结束日期不能早于开始日期"),
        ({"ends_on": dt.date(2099, 1, 1), "starts_on": dt.date(2099, 1, 1)}, "不能晚于今天"),
        ({"person_times": 0}, "培训人次"),
        ({"target_group": "ALIENS"}, "请选择培训对象"),
        ({"starts_on": dt.date(2023, 1, 1)}, "一期培训不能超过一年"),
    ],
)
def test_bad_training_is_refused(people, overrides, message):
    with pytest.raises(ServiceError, match=message):
        training_services.training_create(
            user=people.users["office"], school=people.units["甲职校"], data=training(**overrides)
        )


def test_a_clerk_records_training_of_their_school_only(people):
    with pytest.raises(ServiceError) as refused:
        training_services.training_create(
            user=people.users["school"], school=people.units["乙职校"], data=training()
        )
    assert refused.value.status_code == 403


def test_an_unchanged_training_update_writes_nothing(people):
    record = training_services.training_create(
        user=people.users["school"], school=people.units["甲职校"], data=training()
    )
    before = AuditEvent.objects.count()

    assert (
        training_services.training_update(
            user=people.users["school"], record=record, data=training()
        )
        == []
    )
    assert AuditEvent.objects.count() == before
    assert training_services.training_update(
        user=people.users["school"], record=record, data=training(person_times=130)
    ) == ["person_times"]


# ---------------------------------------------------------------- majors


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("660103", MajorLevel.SECONDARY, True),
        ("460301", MajorLevel.HIGHER, True),
        ("260101", MajorLevel.BACHELOR, True),
        ("0107", MajorLevel.TECHNICAL, True),
        ("460301", MajorLevel.SECONDARY, False),  # a 高职 code for a 中职 major
        ("800101", MajorLevel.SECONDARY, False),
        ("6601", MajorLevel.SECONDARY, False),
        ("66010A", MajorLevel.SECONDARY, False),
        ("660103", MajorLevel.TECHNICAL, False),
    ],
)
def test_major_codes_are_checked_by_level(code, level, ok):
    if ok:
        assert registry_services.clean_major_code(f" {code} ", level) == code
    else:
        with pytest.raises(ServiceError):
            registry_services.clean_major_code(code, level)


def test_a_wrong_prefix_says_what_the_level_expects():
    with pytest.raises(ServiceError, match="中职专业代码应以 61 至 79 开头，“460301”不是中职专业"):
        registry_services.clean_major_code("460301", MajorLevel.SECONDARY)


def major(people, school="甲职校", code="660103", level=MajorLevel.SECONDARY, name="数控技术应用"):
    return registry_services.major_create(
        user=people.users["office"],
        school=people.units[school],
        data=registry_services.MajorData(code=code, name=name, level=level, established_year=2005),
    )


def test_a_major_code_is_unique_within_a_school(people):
    major(people)
    major(people, school="乙职校")

    with pytest.raises(ServiceError, match="甲职校已登记专业代码为 660103 的专业"):
        major(people, name="别名")
    assert Major.objects.count() == 2


def test_recognitions_once_per_kind_and_brand_only_for_technical_majors(people):
    m = major(people)
    office = people.users["office"]
    data = registry_services.RecognitionData(kind=RecognitionKind.HIGH_LEVEL, granted_year=2022)
    registry_services.recognition_add(user=office, major=m, data=data)

    with pytest.raises(ServiceError, match="已认定为高水平专业（群）"):
        registry_services.recognition_add(user=office, major=m, data=data)
    with pytest.raises(ServiceError, match="技工教育品牌专业只能认定技工院校专业"):
        registry_services.recognition_add(
            user=office,
            major=m,
            data=registry_services.RecognitionData(kind=RecognitionKind.BRAND, granted_year=2022),
        )


def test_a_recognition_is_revoked_from_a_year_on(people):
    m = major(people)
    office = people.users["office"]
    r = registry_services.recognition_add(
        user=office,
        major=m,
        data=registry_services.RecognitionData(kind=RecognitionKind.HIGH_LEVEL, granted_year=2022),
    )

    with pytest.raises(ServiceError, match="撤销年份应在 2022"):
        registry_services.recognition_revoke(user=office, recognition=r, revoked_year=2021)
    registry_services.recognition_revoke(user=office, recognition=r, revoked_year=2024)
    r.refresh_from_db()
    assert r.revoked_year == 2024


def test_a_through_programme_records_its_years_and_corrects_them(people):
    m = major(people)
    office = people.users["office"]
    programme = registry_services.through_create(
        user=office,
        data=registry_services.ThroughData(
            major=m, partner="江阴职业技术学院", mode=ThroughMode.SEGMENTED_3_3, started_year=2020
        ),
    )
    registry_services.through_year_record(
        user=office, programme=programme, year=2021, intake=100, enrolled=280
    )
    registry_services.through_year_record(
        user=office, programme=programme, year=2021, intake=110, enrolled=290
    )

    assert list(programme.years.values_list("year", "intake", "enrolled")) == [(2021, 110, 290)]
    with pytest.raises(ServiceError, match="首次招生"):
        registry_services.through_year_record(
            user=office, programme=programme, year=2019, intake=1, enrolled=1
        )
    with pytest.raises(ServiceError, match="不能超过年末在校生人数"):
        registry_services.through_year_record(
            user=office, programme=programme, year=2022, intake=300, enrolled=200
        )
    with pytest.raises(ServiceError, match="与江阴职业技术学院的该模式贯通项目已经登记"):
        registry_services.through_create(
            user=office,
            data=registry_services.ThroughData(
                major=m,
                partner="江阴职业技术学院",
                mode=ThroughMode.SEGMENTED_3_3,
                started_year=2021,
            ),
        )


# ---------------------------------------------------------------- teams and bases


def test_a_team_is_led_by_and_made_of_the_schools_own_teachers(people, register):
    lead, member = register(), register()
    other = register("乙职校")
    office = people.users["office"]
    data = registry_services.TeamData(
        name="数控教学创新团队", recognised_year=2023, lead=lead, members=[member, lead]
    )

    team = registry_services.team_create(user=office, school=people.units["甲职校"], data=data)

    assert list(team.members.all()) == [member]  # the lead is not listed twice
    with pytest.raises(ServiceError, match="团队成员应为甲职校在职教师"):
        registry_services.team_create(
            user=office,
            school=people.units["甲职校"],
            data=registry_services.TeamData(
                name="另一团队", recognised_year=2023, lead=lead, members=[other]
            ),
        )
    with pytest.raises(ServiceError, match="甲职校已登记“数控教学创新团队”"):
        registry_services.team_create(user=office, school=people.units["甲职校"], data=data)


def test_team_members_changes_are_audited(people, register):
    lead, a, b = register(), register(), register()
    office = people.users["office"]
    team = registry_services.team_create(
        user=office,
        school=people.units["甲职校"],
        data=registry_services.TeamData(name="团队", recognised_year=2023, lead=lead, members=[a]),
    )

    changed = registry_services.team_update(
        user=office,
        team=team,
        data=registry_services.TeamData(name="团队", recognised_year=2023, lead=lead, members=[b]),
    )

    assert changed == ["members"]
    assert AuditEvent.objects.filter(object_id=str(team.pk), message="修改团队成员").exists()


def test_a_base_needs_a_host_and_only_the_office_registers_enterprise_only_bases(people):
    enterprise = people.units["某企业"]
    data = registry_services.BaseData(
        name="企业实践基地", recognised_year=2023, enterprise=enterprise
    )

    with pytest.raises(ServiceError, match="至少一项"):
        registry_services.base_create(
            user=people.users["office"],
            data=registry_services.BaseData(name="无依托", recognised_year=2023),
        )
    with pytest.raises(ServiceError) as clerk:
        registry_services.base_create(user=people.users["school"], data=data)
    assert clerk.value.status_code == 403
    registry_services.base_create(user=people.users["office"], data=data)
    registry_services.base_create(
        user=people.users["school"],
        data=registry_services.BaseData(
            name="甲职校培训基地",
            recognised_year=2023,
            school=people.units["甲职校"],
            kind=BaseKind.TRAINING,
        ),
    )
    assert DualBase.objects.count() == 2
    with pytest.raises(ServiceError, match="不是企业"):
        registry_services.base_create(
            user=people.users["office"],
            data=registry_services.BaseData(
                name="错的企业",
                recognised_year=2023,
                enterprise=Unit.objects.filter(kind=UnitKind.SCHOOL).first(),
            ),
        )
