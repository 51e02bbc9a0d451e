"""Entering data, reporting it and two-level approval: school → 教育局 → plan office.

Bad input changes nothing; every step leaves a SubmissionEvent and an audit row; approved data is
locked until the office un-approves it with a reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent, Notification
from zhijiao.indicators import selectors, services
from zhijiao.indicators.data import CellError, IndicatorErrorCode
from zhijiao.indicators.models import (
    DataElement,
    DataSetExtension,
    DataValue,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    ValueSource,
)
from zhijiao.indicators.services import ValuesRejected

pytestmark = pytest.mark.django_db

COMPLETE = {
    "ENROLMENT": "1200",
    "TEACHER_PRO": "100",
    "TEACHER_DUAL": "60",
    "HAS_CHARTER": "是",
    "PASS_RATE": "85%",
}


def _save(m, values, *, user="school", unit="甲职校", data_set="SCHOOL_BASIC", period=None):
    return services.values_save(
        user=m.users[user],
        data_set=m.data_sets[data_set],
        unit=m.units[unit],
        period_code=period if period is not None else m.last_year,
        values={tuple(k.split(".", 1)) if "." in k else (k, ""): v for k, v in values.items()},
    )


def _numbers(submission):
    return {
        (v.element.code + (f".{v.option_code}" if v.option_code else "")): v.number
        for v in submission.values.select_related("element")
    }


def _nothing_saved():
    return not Submission.objects.exists() and not DataValue.objects.exists()


def _submission_audit(submission):
    return AuditEvent.objects.filter(
        object_type="indicators.Submission", object_id=str(submission.pk)
    ).order_by("occurred_at", "pk")


@pytest.fixture
def reported_by_school(monitoring):
    """甲职校's complete data for last year, reported to 教育局."""
    submission = _save(monitoring, COMPLETE)
    return services.submission_complete(user=monitoring.users["school"], submission=submission)


# ---------------------------------------------------------------- entering values


def test_values_are_stored_typed(monitoring):
    submission = _save(monitoring, {**COMPLETE, "REMARK": "  含五年制高职  "})

    assert submission.status == SubmissionStatus.OPEN
    assert submission.source == ValueSource.WEB
    assert _numbers(submission) == {
        "ENROLMENT": 1200,
        "TEACHER_PRO": 100,
        "TEACHER_DUAL": 60,
        "HAS_CHARTER": 1,
        "PASS_RATE": 85,
        "REMARK": None,
    }
    assert submission.values.get(element__code="REMARK").text == "含五年制高职"
    [event] = submission.events.all()
    assert (event.action, event.actor, event.comment) == (
        "save",
        monitoring.users["school"],
        "修改 6 项（网页填报）",
    )
    [audit] = _submission_audit(submission)
    assert audit.action == AuditAction.UPDATE
    assert audit.changes["ENROLMENT"] == [None, "1200"]


@pytest.mark.parametrize(
    ("code", "raw", "stored"),
    [
        ("ENROLMENT", "1,200", 1200),
        ("ENROLMENT", " 1200 ", 1200),
        ("ENROLMENT", 1200, 1200),
        ("ENROLMENT", "1200.0", 1200),
        ("HAS_CHARTER", "否", 0),
        ("HAS_CHARTER", "yes", 1),
        ("HAS_CHARTER", True, 1),
        ("PASS_RATE", "85.5％", Decimal("85.5")),
        ("PASS_RATE", "0", 0),
    ],
)
def test_what_people_type_is_read_as_a_number(monitoring, code, raw, stored):
    submission = _save(monitoring, {code: raw})

    assert _numbers(submission) == {code: stored}


def test_saving_again_changes_only_what_differs_and_empty_clears(monitoring):
    _save(monitoring, {"ENROLMENT": "1200", "TEACHER_PRO": "100"})

    submission = _save(monitoring, {"enrolment": "1300", "TEACHER_PRO": "100", "PASS_RATE": ""})
    _save(monitoring, {"TEACHER_PRO": ""})

    assert _numbers(submission) == {"ENROLMENT": 1300}
    assert [e.comment for e in submission.events.all()] == [
        "修改 2 项（网页填报）",
        "修改 1 项（网页填报）",
        "修改 1 项（网页填报）",
    ]
    assert _submission_audit(submission)[1].changes == {"ENROLMENT": ["1200", "1300"]}


def test_saving_the_same_values_writes_no_history(monitoring):
    submission = _save(monitoring, {"ENROLMENT": "1200"})

    _save(monitoring, {"ENROLMENT": "1,200"})

    assert submission.events.count() == 1
    assert _submission_audit(submission).count() == 1


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("ENROLMENT", "abc", "“全日制在校生数”：“abc”不是数字"),
        ("ENROLMENT", "12.5", "“全日制在校生数”：应填整数"),
        ("ENROLMENT", "NaN", "“全日制在校生数”：“NaN”不是数字"),
        ("ENROLMENT", True, "“全日制在校生数”：应填数字"),
        ("ENROLMENT", "1e20", "“全日制在校生数”：数值过大"),
        ("HAS_CHARTER", "也许", "“已制定学校章程”：应填“是”或“否”"),
        ("PASS_RATE", "120", "“证书获取率”：百分比应在 0 到 100 之间（填 85 表示 85%）"),
        ("PASS_RATE", "-1%", "“证书获取率”：百分比应在 0 到 100 之间（填 85 表示 85%）"),
        ("TEACHER_PRO", "-1", "“专业课教师数”：不能小于 0"),
        ("TEACHER_PRO", "5001", "“专业课教师数”：不能大于 5000"),
        ("REMARK", "字" * 2001, "“填报说明”：文字不能超过 2000 字"),
    ],
)
def test_a_bad_value_is_refused_with_a_chinese_message(monitoring, code, raw, message):
    with pytest.raises(ValuesRejected) as caught:
        _save(monitoring, {code: raw})

    assert caught.value.code == IndicatorErrorCode.INVALID_VALUE
    assert caught.value.errors == [CellError(code, "", message)]
    assert _nothing_saved()


def test_every_bad_cell_is_listed_and_the_good_ones_are_not_saved(monitoring):
    with pytest.raises(ValuesRejected) as caught:
        _save(monitoring, {"ENROLMENT": "1200", "TEACHER_PRO": "很多", "NOPE": "1"})

    assert [(e.element, e.message) for e in caught.value.errors] == [
        ("TEACHER_PRO", "“专业课教师数”：“很多”不是数字"),
        ("NOPE", "数据项“NOPE”不属于“职业院校年度基本数据”"),
    ]
    assert str(caught.value) == "有 2 处数据不符合要求，未保存。请按提示修改。"
    assert _nothing_saved()
    assert not AuditEvent.objects.filter(object_type="indicators.Submission").exists()


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("TRAIN_PT", "“社会培训人次”须按培训对象分类填报，“合计”不是它的分类"),
        ("TRAIN_PT.NOPE", "“社会培训人次”须按培训对象分类填报，“NOPE”不是它的分类"),
        ("SATISFACTION.VETERAN", "“培训满意度”没有分类“VETERAN”"),
    ],
)
def test_disaggregation_must_match_the_category(monitoring, key, message):
    period = f"{monitoring.last_year}Q2"

    with pytest.raises(ValuesRejected) as caught:
        _save(monitoring, {key: "10"}, data_set="SCHOOL_TRAINING", period=period)

    assert [e.message for e in caught.value.errors] == [message]
    assert _nothing_saved()


def test_disaggregated_values_are_stored_per_option(monitoring):
    period = f"{monitoring.last_year}Q2"

    submission = _save(
        monitoring,
        {"TRAIN_PT.VETERAN": "30", "train_pt.migrant": "70"},
        data_set="SCHOOL_TRAINING",
        period=period,
    )

    assert _numbers(submission) == {"TRAIN_PT.VETERAN": 30, "TRAIN_PT.MIGRANT": 70}


# ---------------------------------------------------------------- who and when


@pytest.mark.parametrize(
    ("user", "unit", "code", "status"),
    [
        ("school", "乙职校", "not_allowed", 403),  # another school
        ("school_b", "甲职校", "not_allowed", 403),
        ("rsj", "甲职校", "not_allowed", 403),  # a bureau that does not supervise it
        ("enterprise", "某企业", "not_allowed", 403),  # a role that does not enter data
        ("rsj", "人社局", "not_reporting_unit", 400),  # its own unit, but not a school
    ],
)
def test_entry_outside_ones_scope_is_refused(monitoring, user, unit, code, status):
    with pytest.raises(ServiceError) as caught:
        _save(monitoring, {"ENROLMENT": "1"}, user=user, unit=unit)

    assert (caught.value.code, caught.value.status_code) == (code, status)
    assert _nothing_saved()


def test_the_supervising_bureau_and_the_office_may_enter_a_schools_data(monitoring):
    _save(monitoring, {"ENROLMENT": "1"}, user="jyj")
    submission = _save(monitoring, {"TEACHER_PRO": "1"}, user="office")

    assert _numbers(submission) == {"ENROLMENT": 1, "TEACHER_PRO": 1}


def test_a_period_may_be_named_by_its_label(monitoring):
    submission = _save(monitoring, {"ENROLMENT": "1"}, period=f"{monitoring.last_year}年")

    assert submission.period_code == monitoring.last_year


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2023Q1", "“2023Q1”不是有效的年度周期"),
        ("明年", "“明年”不是有效的年度周期"),
        ("2019", "职业院校年度基本数据从2020年起填报，没有2019年的数据"),
    ],
)
def test_a_bad_period_is_refused(monitoring, period, message):
    with pytest.raises(ServiceError) as caught:
        _save(monitoring, {"ENROLMENT": "1"}, period=period)

    assert caught.value.code == IndicatorErrorCode.BAD_PERIOD
    assert message in caught.value.message
    assert _nothing_saved()


def test_a_period_not_yet_open_is_refused(monitoring):
    with pytest.raises(ServiceError) as caught:
        _save(monitoring, {"ENROLMENT": "1"}, period=monitoring.next_year)

    assert caught.value.code == IndicatorErrorCode.PERIOD_NOT_OPEN
    opens = dt.date(monitoring.today.year + 1, 11, 30)  # 31 days before the year ends
    assert f"自 {opens:%Y-%m-%d} 起开放填报" in caught.value.message
    assert _nothing_saved()


def test_a_closed_period_is_refused(monitoring):
    with pytest.raises(ServiceError) as caught:
        _save(
            monitoring, {"GRADUATES": "1"}, data_set="SCHOOL_SURVEY", period=monitoring.closed_year
        )

    assert caught.value.code == IndicatorErrorCode.PERIOD_CLOSED
    closed = dt.date(monitoring.today.year - 3, 12, 31) + dt.timedelta(days=120)
    assert f"已于 {closed:%Y-%m-%d} 关闭填报，如需补报请向工作专班申请延期" in caught.value.message
    assert _nothing_saved()


def test_an_extension_reopens_a_closed_period_for_one_unit_only(monitoring):
    m = monitoring
    survey = m.data_sets["SCHOOL_SURVEY"]
    until = m.today + dt.timedelta(days=30)

    extension = services.extension_grant(
        user=m.users["office"],
        data_set=survey,
        unit=m.units["甲职校"],
        period_code=m.closed_year,
        until=until,
        reason="系统故障未能按时填报",
    )

    submission = _save(m, {"GRADUATES": "320"}, data_set="SCHOOL_SURVEY", period=m.closed_year)
    assert _numbers(submission) == {"GRADUATES": 320}
    with pytest.raises(ServiceError) as caught:
        _save(
            m,
            {"GRADUATES": "1"},
            user="school_b",
            unit="乙职校",
            data_set="SCHOOL_SURVEY",
            period=m.closed_year,
        )
    assert caught.value.code == IndicatorErrorCode.PERIOD_CLOSED
    assert (extension.until, extension.granted_by) == (until, m.users["office"])
    assert AuditEvent.objects.filter(
        object_type="indicators.DataSetExtension", action=AuditAction.CREATE
    ).exists()
    [note] = Notification.objects.filter(recipient=m.users["school"])
    assert note.title.startswith("已批准延期填报：毕业生调查")
    assert note.body == "系统故障未能按时填报"


@pytest.mark.parametrize(
    ("user", "unit", "days", "reason", "code"),
    [
        ("jyj", "甲职校", 30, "理由", "not_allowed"),
        ("school", "甲职校", 30, "理由", "not_allowed"),
        ("office", "甲职校", 30, "  ", "comment_required"),
        ("office", "甲职校", -1, "理由", "invalid_input"),
        ("office", "人社局", 30, "理由", "not_reporting_unit"),
    ],
)
def test_an_extension_is_granted_only_by_the_office_with_a_reason(
    monitoring, user, unit, days, reason, code
):
    m = monitoring

    with pytest.raises(ServiceError) as caught:
        services.extension_grant(
            user=m.users[user],
            data_set=m.data_sets["SCHOOL_SURVEY"],
            unit=m.units[unit],
            period_code=m.closed_year,
            until=m.today + dt.timedelta(days=days),
            reason=reason,
        )

    assert caught.value.code == code
    assert not DataSetExtension.objects.exists()


# ---------------------------------------------------------------- reporting


def test_reporting_needs_every_required_value(monitoring):
    submission = _save(monitoring, {"ENROLMENT": "1200", "HAS_CHARTER": "否"})

    with pytest.raises(ServiceError) as caught:
        services.submission_complete(user=monitoring.users["school"], submission=submission)

    assert caught.value.code == IndicatorErrorCode.VALIDATION_FAILED
    # 填报说明 is optional; 否 is a value.
    assert caught.value.message == "以下必填项尚未填写：专业课教师数、双师型教师数、证书获取率"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.OPEN
    assert list(submission.events.values_list("action", flat=True)) == ["save"]


def test_reporting_is_blocked_by_a_validation_error(monitoring):
    submission = _save(monitoring, {**COMPLETE, "TEACHER_DUAL": "120"})

    with pytest.raises(ServiceError) as caught:
        services.submission_complete(user=monitoring.users["school"], submission=submission)

    assert caught.value.code == IndicatorErrorCode.VALIDATION_FAILED
    assert caught.value.message == "数据未通过校验，不能报送：双师型教师数不能超过专业课教师数"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.OPEN


def test_a_rule_reads_the_registry_for_an_element_counted_from_records(monitoring):
    DataElement.objects.filter(code="TEACHER_DUAL").update(source="test_registered_dual")
    typed = {code: value for code, value in COMPLETE.items() if code != "TEACHER_DUAL"}
    submission = _save(monitoring, typed)  # 100 专业课 teachers typed, 120 双师型 registered

    with pytest.raises(ServiceError) as caught:
        services.submission_complete(user=monitoring.users["school"], submission=submission)

    assert caught.value.message == "数据未通过校验，不能报送：双师型教师数不能超过专业课教师数"
    _save(monitoring, {"TEACHER_PRO": "150"})
    submission = services.submission_complete(
        user=monitoring.users["school"], submission=submission
    )
    assert submission.status == SubmissionStatus.AWAITING_BUREAU


def test_reporting_is_allowed_with_only_warnings(monitoring):
    submission = _save(monitoring, {**COMPLETE, "ENROLMENT": "4000"})  # 40 students a teacher
    [warning] = [r for r in selectors.submission_check(submission) if not r.passed]
    assert (warning.severity, warning.message, warning.left) == (
        "warning",
        "生师比超过 30，请核实",
        40,
    )

    submission = services.submission_complete(
        user=monitoring.users["school"], submission=submission
    )

    assert submission.status == SubmissionStatus.AWAITING_BUREAU
    assert submission.completed_by == monitoring.users["school"]
    assert submission.first_completed_at == submission.completed_at is not None


def test_a_unit_without_a_supervising_bureau_reports_to_the_office(monitoring):
    m = monitoring
    submission = _save(
        m,
        {"WORKERS": "800000", "HIGH_SKILLED": "90000"},
        user="rsj",
        unit="人社局",
        data_set="HRSS_ANNUAL",
    )

    submission = services.submission_complete(user=m.users["rsj"], submission=submission)

    assert submission.status == SubmissionStatus.AWAITING_OFFICE
    assert Notification.objects.filter(
        recipient=m.users["office"], title__startswith="待审核"
    ).exists()
    assert not Notification.objects.filter(recipient=m.users["jyj"]).exists()


# ---------------------------------------------------------------- approval


def test_school_data_is_approved_by_its_bureau_then_by_the_office(monitoring, reported_by_school):
    m = monitoring
    submission = reported_by_school
    assert submission.status == SubmissionStatus.AWAITING_BUREAU
    assert Notification.objects.get(recipient=m.users["jyj"]).title.startswith("待审核：")

    submission = services.submission_approve(user=m.users["jyj"], submission=submission)
    assert submission.status == SubmissionStatus.AWAITING_OFFICE
    assert Notification.objects.get(recipient=m.users["office"]).title.startswith("待审定：")

    submission = services.submission_approve(
        user=m.users["office"], submission=submission, comment="数据无误"
    )
    assert submission.status == SubmissionStatus.APPROVED and submission.approved_at is not None
    assert Notification.objects.get(recipient=m.users["school"]).title.startswith("已审定：")

    history = [
        (e.action, e.actor.username, e.from_status, e.to_status, e.comment)
        for e in submission.events.all()
    ]
    assert history == [
        ("save", "school", "open", "open", "修改 5 项（网页填报）"),
        ("complete", "school", "open", "awaiting_bureau", ""),
        ("approve", "jyj", "awaiting_bureau", "awaiting_office", ""),
        ("approve", "office", "awaiting_office", "approved", "数据无误"),
    ]
    audits = _submission_audit(submission)
    assert [a.message for a in audits] == ["保存数据", "报送", "审核通过", "审核通过：数据无误"]
    assert audits.last().changes == {"status": ["awaiting_office", "approved"]}


@pytest.mark.parametrize(
    ("user", "status_code"),
    [
        ("office", 403),  # the office acts only after the bureau
        ("school", 403),  # nobody approves their own data
        ("rsj", 404),  # another bureau does not even see it
        ("school_b", 404),
    ],
)
def test_only_the_supervising_bureau_approves_first(
    monitoring, reported_by_school, user, status_code
):
    with pytest.raises(ServiceError) as caught:
        services.submission_approve(user=monitoring.users[user], submission=reported_by_school)

    assert (caught.value.code, caught.value.status_code) == ("not_allowed", status_code)
    reported_by_school.refresh_from_db()
    assert reported_by_school.status == SubmissionStatus.AWAITING_BUREAU
    assert reported_by_school.events.count() == 2


# The bureau's step is past once it approved (a conflict); a school never approves (forbidden).
@pytest.mark.parametrize(("user", "status"), [("jyj", 409), ("school", 403)])
def test_only_the_office_gives_the_final_approval(monitoring, reported_by_school, user, status):
    services.submission_approve(user=monitoring.users["jyj"], submission=reported_by_school)

    with pytest.raises(ServiceError) as caught:
        services.submission_approve(user=monitoring.users[user], submission=reported_by_school)

    assert caught.value.status_code == status
    reported_by_school.refresh_from_db()
    assert reported_by_school.status == SubmissionStatus.AWAITING_OFFICE


def test_data_not_reported_cannot_be_approved(monitoring):
    submission = _save(monitoring, COMPLETE)

    with pytest.raises(ServiceError) as caught:
        services.submission_approve(user=monitoring.users["jyj"], submission=submission)

    assert (caught.value.code, caught.value.status_code) == ("wrong_state", 409)


def test_reported_data_cannot_be_changed_while_under_review(monitoring, reported_by_school):
    with pytest.raises(ServiceError) as caught:
        _save(monitoring, {"ENROLMENT": "1"})

    assert (caught.value.code, caught.value.status_code) == ("locked", 409)
    assert "已报送，正在审核，不能修改" in caught.value.message
    assert _numbers(reported_by_school)["ENROLMENT"] == 1200


@pytest.fixture
def approved(monitoring, reported_by_school):
    services.submission_approve(user=monitoring.users["jyj"], submission=reported_by_school)
    return services.submission_approve(
        user=monitoring.users["office"], submission=reported_by_school
    )


@pytest.mark.parametrize("user", ["school", "jyj", "office"])
def test_approved_data_is_locked(monitoring, approved, user):
    with pytest.raises(ServiceError) as caught:
        _save(monitoring, {"ENROLMENT": "1"}, user=user)

    assert caught.value.code == IndicatorErrorCode.LOCKED
    assert "已审定锁定，需由工作专班撤销审定后才能修改" in caught.value.message
    assert _numbers(approved)["ENROLMENT"] == 1200


def test_approved_data_cannot_be_reported_again(monitoring, approved):
    with pytest.raises(ServiceError) as caught:
        services.submission_complete(user=monitoring.users["school"], submission=approved)

    assert caught.value.code == IndicatorErrorCode.LOCKED


def test_unapproving_needs_the_office_and_a_reason(monitoring, approved):
    m = monitoring
    with pytest.raises(ServiceError) as caught:
        services.submission_unapprove(user=m.users["office"], submission=approved, reason=" ")
    assert caught.value.code == IndicatorErrorCode.COMMENT_REQUIRED
    with pytest.raises(ServiceError) as caught:
        services.submission_unapprove(user=m.users["jyj"], submission=approved, reason="数据有误")
    assert caught.value.status_code == 403
    approved.refresh_from_db()
    assert approved.status == SubmissionStatus.APPROVED


def test_unapproving_reopens_the_data_for_correction(monitoring, approved):
    m = monitoring

    submission = services.submission_unapprove(
        user=m.users["office"], submission=approved, reason="在校生数含非全日制学生"
    )

    assert submission.status == SubmissionStatus.RETURNED and submission.approved_at is None
    event = submission.events.last()
    assert (event.action, event.comment) == ("unapprove", "在校生数含非全日制学生")
    assert _submission_audit(submission).last().message == "撤销审定：在校生数含非全日制学生"
    note = Notification.objects.filter(recipient=m.users["school"]).first()
    assert note.title.startswith("已撤销审定，请修改后重新报送")
    assert note.body == "理由：在校生数含非全日制学生"
    _save(m, {"ENROLMENT": "1100"})
    submission = services.submission_complete(user=m.users["school"], submission=submission)
    assert submission.status == SubmissionStatus.AWAITING_BUREAU


def test_unapproving_data_that_is_not_approved_is_refused(monitoring, reported_by_school):
    with pytest.raises(ServiceError) as caught:
        services.submission_unapprove(
            user=monitoring.users["office"], submission=reported_by_school, reason="理由"
        )

    assert caught.value.code == IndicatorErrorCode.WRONG_STATE


def test_returning_needs_a_comment(monitoring, reported_by_school):
    with pytest.raises(ServiceError) as caught:
        services.submission_return(
            user=monitoring.users["jyj"], submission=reported_by_school, comment="  "
        )

    assert caught.value.code == IndicatorErrorCode.COMMENT_REQUIRED
    reported_by_school.refresh_from_db()
    assert reported_by_school.status == SubmissionStatus.AWAITING_BUREAU
    assert not Notification.objects.filter(recipient=monitoring.users["school"]).exists()


def test_returned_data_is_corrected_and_reported_again(monitoring, reported_by_school):
    m = monitoring
    first = reported_by_school.first_completed_at

    submission = services.submission_return(
        user=m.users["jyj"], submission=reported_by_school, comment="双师型教师数请按新口径填报"
    )

    assert submission.status == SubmissionStatus.RETURNED
    [note] = Notification.objects.filter(recipient=m.users["school"])
    assert note.title.startswith("数据被退回：")
    assert note.body == "退回意见：双师型教师数请按新口径填报"
    event = submission.events.last()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "return",
        m.users["jyj"],
        "awaiting_bureau",
        "returned",
    )
    assert _submission_audit(submission).last().message == "退回：双师型教师数请按新口径填报"

    _save(m, {"TEACHER_DUAL": "55"})
    submission = services.submission_complete(user=m.users["school"], submission=submission)
    assert submission.status == SubmissionStatus.AWAITING_BUREAU
    assert submission.first_completed_at == first  # timeliness is judged on the first report


def test_the_office_may_return_at_the_final_step(monitoring, reported_by_school):
    services.submission_approve(user=monitoring.users["jyj"], submission=reported_by_school)

    submission = services.submission_return(
        user=monitoring.users["office"], submission=reported_by_school, comment="请核实"
    )

    assert submission.status == SubmissionStatus.RETURNED


def test_each_step_leaves_an_event_and_an_audit_row(monitoring, reported_by_school):
    m = monitoring
    submission = services.submission_return(
        user=m.users["jyj"], submission=reported_by_school, comment="请核实"
    )
    services.submission_complete(user=m.users["school"], submission=submission)
    services.submission_approve(user=m.users["jyj"], submission=submission)
    services.submission_approve(user=m.users["office"], submission=submission)
    services.submission_unapprove(user=m.users["office"], submission=submission, reason="更正")

    actions = list(SubmissionEvent.objects.values_list("action", flat=True).order_by("at", "pk"))
    assert actions == [
        "save",
        "complete",
        "return",
        "complete",
        "approve",
        "approve",
        "unapprove",
    ]
    assert _submission_audit(submission).count() == len(actions)


@pytest.mark.parametrize("how", ["return", "unapprove"])
def test_data_sent_back_after_the_period_closed_can_still_be_corrected(monitoring, reported, how):
    m = monitoring
    status = SubmissionStatus.AWAITING_BUREAU if how == "return" else SubmissionStatus.APPROVED
    submission = reported(
        "SCHOOL_SURVEY", "甲职校", m.closed_year, {"GRADUATES": 300}, status=status
    )
    if how == "return":
        services.submission_return(user=m.users["jyj"], submission=submission, comment="请核实")
    else:
        services.submission_unapprove(user=m.users["office"], submission=submission, reason="更正")

    _save(m, {"GRADUATES": "310"}, data_set="SCHOOL_SURVEY", period=m.closed_year)
    submission = services.submission_complete(user=m.users["school"], submission=submission)

    assert submission.status == SubmissionStatus.AWAITING_BUREAU


# ---------------------------------------------------------------- data scope


def test_who_sees_which_submissions(monitoring, reported):
    m = monitoring
    mine = reported("SCHOOL_BASIC", "甲职校", m.last_year, {"ENROLMENT": 1})
    other = reported("SCHOOL_BASIC", "乙职校", m.last_year, {"ENROLMENT": 1})
    bureau = reported("HRSS_ANNUAL", "人社局", m.last_year, {"WORKERS": 1})

    def visible(user):
        return set(Submission.objects.visible_to(m.users[user]))

    assert visible("school") == {mine}
    assert visible("school_b") == {other}
    assert visible("jyj") == {mine, other}  # the schools 教育局 supervises
    assert visible("rsj") == {bureau}
    assert visible("office") == {mine, other, bureau}
    assert visible("enterprise") == set()
    assert visible("auditor") == set()
    assert set(DataValue.objects.visible_to(m.users["jyj"])) == set(
        DataValue.objects.filter(submission__in=[mine, other])
    )


def test_the_reporting_units_are_read_within_what_the_user_may_enter(monitoring):
    """A group of every school stands for over a thousand in a province: a school reads only
    itself, a bureau its own schools, and a check of one unit reads that unit alone."""
    from django.db.models import Q

    school_basic = monitoring.data_sets["SCHOOL_BASIC"]
    units = monitoring.units
    everyone = {u.name for u in selectors.reporting_units(school_basic)}
    mine = selectors.reporting_units(school_basic, Q(pk=units["甲职校"].pk))
    bureau = selectors.reporting_units(school_basic, Q(parent_id=units["教育局"].pk))

    assert {"甲职校", "乙职校"} <= everyone
    assert [u.name for u in mine] == ["甲职校"]
    assert {u.name for u in bureau} == {"甲职校", "乙职校"}
    assert selectors.reports(school_basic, units["甲职校"].pk)
    assert not selectors.reports(school_basic, units["人社局"].pk)
