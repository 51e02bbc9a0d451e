"""The enterprise demand survey: drafts, submission, review, and every way to get it wrong."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from zhijiao.core.codes import credit_code_with_check
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditEvent, Notification
from zhijiao.orgs.models import Unit
from zhijiao.orgs.services import enterprise_register
from zhijiao.talent import services
from zhijiao.talent.data import (
    Education,
    RoundStatus,
    SkillLevel,
    SurveyStatus,
    TalentErrorCode,
)
from zhijiao.talent.models import DemandLine, DemandSurvey, EnterpriseProfile

pytestmark = pytest.mark.django_db


def test_an_enterprise_saves_a_draft_then_submits(talent, line):
    # Given the enterprise user of 某企业
    user = talent.users["enterprise"]
    # When it saves two lines as a draft
    survey = services.survey_save(
        user=user,
        year=talent.year,
        lines=[
            line("6-18-02-04", 5, skill_level=SkillLevel.SENIOR_WORKER),
            line("6-31-01-03", "3", education=Education.COLLEGE, experience_years="2"),
        ],
        note="新产线投产",
    )
    # Then the draft holds them, and an audit row says so
    assert survey.status == SurveyStatus.DRAFT and survey.enterprise == talent.units["某企业"]
    assert [(x.occupation.code, x.headcount) for x in survey.lines.order_by("position")] == [
        ("6-18-02-04", 5),
        ("6-31-01-03", 3),
    ]
    assert AuditEvent.objects.filter(
        object_type="talent.DemandSurvey", message="保存岗位需求"
    ).exists()
    # When it saves again, the lines are replaced, not added
    services.survey_save(user=user, year=talent.year, lines=[line("6-18-01-01", 2)])
    assert list(survey.lines.values_list("occupation__code", flat=True)) == ["6-18-01-01"]
    # When it submits, the office is told
    services.survey_submit(user=user, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED and survey.submitted_by == user
    assert Notification.objects.filter(recipient=talent.users["office"]).exists()


def test_a_second_submission_is_refused(talent, line):
    user = talent.users["enterprise"]
    survey = services.survey_save(user=user, year=talent.year, lines=[line()], submit=True)
    with pytest.raises(ServiceError) as caught:
        services.survey_save(user=user, year=talent.year, lines=[line(headcount=9)], submit=True)
    assert caught.value.code == TalentErrorCode.ALREADY_SUBMITTED
    assert "不能再修改或重复报送" in caught.value.message
    with pytest.raises(ServiceError):
        services.survey_submit(user=user, survey=survey)
    assert DemandSurvey.objects.count() == 1
    assert list(DemandLine.objects.values_list("headcount", flat=True)) == [5]


def test_the_database_keeps_one_survey_per_enterprise_and_year(talent):
    DemandSurvey.objects.create(enterprise=talent.units["某企业"], round=talent.round)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DemandSurvey.objects.create(enterprise=talent.units["某企业"], round=talent.round)


def test_a_closed_or_unopened_round_takes_no_answers(talent, closed_round, line):
    user = talent.users["enterprise"]
    with pytest.raises(ServiceError) as caught:
        services.survey_save(user=user, year=closed_round.year, lines=[line()])
    assert caught.value.code == TalentErrorCode.ROUND_CLOSED
    assert "已于" in caught.value.message and "截止" in caught.value.message
    # An open round past its closing date is closed too
    talent.round.closes_on = talent.round.opens_on = dt.date(talent.year - 2, 1, 1)
    talent.round.save()
    with pytest.raises(ServiceError) as caught:
        services.survey_save(user=user, year=talent.year, lines=[line()])
    assert caught.value.code == TalentErrorCode.ROUND_CLOSED
    # A planned round has not started
    services.round_set_status(user=None, survey_round=talent.round, status=RoundStatus.PLANNED)
    with pytest.raises(ServiceError) as caught:
        services.survey_save(user=user, year=talent.year, lines=[line()])
    assert "尚未开始" in caught.value.message
    # A year without a survey
    with pytest.raises(ServiceError) as caught:
        services.survey_save(user=user, year=1999, lines=[line()])
    assert "没有开展" in caught.value.message
    assert not DemandSurvey.objects.exists()


def test_bad_lines_are_listed_all_at_once_and_nothing_is_saved(talent, line):
    with pytest.raises(services.LinesRejected) as caught:
        services.survey_save(
            user=talent.users["enterprise"],
            year=talent.year,
            lines=[
                line("6-18-99-99"),  # unknown occupation
                line("6-18-02"),  # a group, not an occupation
                line("6-18-2-4"),  # malformed
                line(headcount=0),
                line("6-18-01-01", headcount="三"),
                line("6-31-01-03", experience_years=99),
                line("6-31-01-02", education="博士后"),
                line("6-18-01-02"),
                line("6-18-01-02"),  # the same occupation, level and education twice
            ],
        )
    problems = {(p.index, p.field): p.message for p in caught.value.problems}
    assert "职业代码 6-18-99-99 不在现行的" in problems[(0, "occupation")]
    assert "是小类代码" in problems[(1, "occupation")]
    assert "格式不正确" in problems[(2, "occupation")]
    assert "需求人数应在 1–10000 之间" in problems[(3, "headcount")]
    assert "需求人数应为整数" in problems[(4, "headcount")]
    assert "工作经验（年）应在 0–40 之间" in problems[(5, "experience_years")]
    assert "学历要求“博士后”不正确" in problems[(6, "education")]
    assert "与第 8 条重复" in problems[(8, "occupation")]
    assert caught.value.message.startswith("岗位需求有误，未保存：第 1 条：")
    assert not DemandSurvey.objects.exists() and not DemandLine.objects.exists()


def test_a_submission_needs_at_least_one_line(talent):
    user = talent.users["enterprise"]
    survey = services.survey_save(user=user, year=talent.year, lines=[])
    with pytest.raises(ServiceError) as caught:
        services.survey_submit(user=user, survey=survey)
    assert caught.value.code == TalentErrorCode.EMPTY_SURVEY
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


def test_a_wrong_credit_code_is_refused_and_registers_nothing():
    body = "91320281MA1XYW03C"
    good = credit_code_with_check(body)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    for bad, says in [
        (wrong, "校验位不正确"),
        ("91320281MA1XYW03", "应为 18 位"),
        (body[:8] + "MA1XYO03C" + good[17], "不允许的字符"),
    ]:
        with pytest.raises(ServiceError) as caught:
            enterprise_register(name="丁企业", credit_code=bad)
        assert says in caught.value.message
    assert not Unit.objects.filter(name="丁企业").exists()
    unit, created = enterprise_register(name="丁企业", credit_code=good.lower())
    assert created and unit.credit_code == good
    with pytest.raises(ServiceError) as caught:
        enterprise_register(name="戊企业", credit_code=good)
    assert "已登记为“丁企业”" in caught.value.message


def test_the_office_returns_and_accepts(talent, line):
    enterprise, office = talent.users["enterprise"], talent.users["office"]
    survey = services.survey_save(user=enterprise, year=talent.year, lines=[line()], submit=True)
    # A return needs a reason
    with pytest.raises(ServiceError) as caught:
        services.survey_decide(user=office, survey=survey, accept=False)
    assert "写明理由" in caught.value.message
    services.survey_decide(user=office, survey=survey, accept=False, comment="人数偏多，请核实")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RETURNED and survey.review_comment == "人数偏多，请核实"
    assert Notification.objects.filter(recipient=enterprise, body="人数偏多，请核实").exists()
    # The enterprise corrects and submits again; the office accepts
    services.survey_save(user=enterprise, year=talent.year, lines=[line(headcount=2)], submit=True)
    services.survey_decide(user=office, survey=survey, accept=True)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ACCEPTED
    # Only a submitted survey can be decided
    with pytest.raises(ServiceError) as caught:
        services.survey_decide(user=office, survey=survey, accept=True)
    assert caught.value.code == TalentErrorCode.NOT_SUBMITTED


@pytest.mark.parametrize("who", ["office", "jyj", "school", "expert", "learner"])
def test_only_enterprise_users_fill_in_surveys(talent, line, who):
    with pytest.raises(ServiceError) as caught:
        services.survey_save(user=talent.users[who], year=talent.year, lines=[line()])
    assert caught.value.status_code == 403
    assert not DemandSurvey.objects.exists()


@pytest.mark.parametrize("who", ["enterprise", "jyj", "school"])
def test_only_the_office_decides_and_sets_rounds(talent, line, who):
    survey = services.survey_save(
        user=talent.users["enterprise2"], year=talent.year, lines=[line()], submit=True
    )
    with pytest.raises(ServiceError) as caught:
        services.survey_decide(user=talent.users[who], survey=survey, accept=True)
    assert caught.value.status_code == 403
    with pytest.raises(ServiceError):
        services.round_set_status(
            user=talent.users[who], survey_round=talent.round, status=RoundStatus.CLOSED
        )


def test_an_enterprise_submits_only_its_own_survey(talent, line):
    theirs = services.survey_save(
        user=talent.users["enterprise2"], year=talent.year, lines=[line()]
    )
    with pytest.raises(ServiceError) as caught:
        services.survey_submit(user=talent.users["enterprise"], survey=theirs)
    assert caught.value.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SurveyStatus.DRAFT


def test_rounds_are_one_per_year(talent):
    with pytest.raises(ServiceError) as caught:
        services.round_create(
            user=talent.users["office"],
            data=services.RoundData(
                year=talent.year,
                opens_on=dt.date(talent.year, 1, 1),
                closes_on=dt.date(talent.year, 2, 1),
            ),
        )
    assert caught.value.code == TalentErrorCode.ROUND_EXISTS
    with pytest.raises(ServiceError) as caught:
        services.round_create(
            user=None,
            data=services.RoundData(
                year=2030, opens_on=dt.date(2030, 5, 1), closes_on=dt.date(2030, 4, 1)
            ),
        )
    assert "截止日期不能早于开始日期" in caught.value.message


def test_an_enterprise_keeps_its_own_profile(talent):
    user = talent.users["enterprise"]
    data = services.ProfileData(
        industry_code="3130", size="large", cluster="metallurgy", town="xiagang", staff_count=900
    )
    profile = services.profile_save(user=user, enterprise=talent.units["某企业"], data=data)
    assert profile.industry_code == "C3130" and profile.staff_count == 900
    for bad, says in [("D3130", "属于门类 C"), ("C3999", "不在现行的"), ("C", "至少填写到大类")]:
        with pytest.raises(ServiceError) as caught:
            services.profile_save(
                user=user,
                enterprise=talent.units["某企业"],
                data=services.ProfileData(
                    industry_code=bad,
                    size="large",
                    cluster="metallurgy",
                    town="xiagang",
                    staff_count=1,
                ),
            )
        assert says in caught.value.message
    with pytest.raises(ServiceError) as caught:
        services.profile_save(user=user, enterprise=talent.units["乙企业"], data=data)
    assert caught.value.status_code == 404
    assert EnterpriseProfile.objects.get(unit=talent.units["乙企业"]).cluster == "equipment"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and a real race need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_leave_one_survey(talent, line):
    from zhijiao.orgs.models import User
    from zhijiao.orgs.roles import Role

    colleague = User.objects.create(
        username="enterprise-b", role=Role.ENTERPRISE, unit=talent.units["某企业"]
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(user, headcount):
        from django.db import connections

        barrier.wait()
        try:
            services.survey_save(
                user=user, year=talent.year, lines=[line(headcount=headcount)], submit=True
            )
            outcomes.append("ok")
        except ServiceError as error:
            outcomes.append(str(error.code))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(talent.users["enterprise"], 3)),
        threading.Thread(target=submit, args=(colleague, 4)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["already_submitted", "ok"]
    assert DemandSurvey.objects.filter(enterprise=talent.units["某企业"]).count() == 1
    assert DemandLine.objects.count() == 1
