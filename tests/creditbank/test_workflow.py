"""Applications from draft to credited and every turn on the way: return, reject, withdraw,
objection during the notice, revocation, name correction; each step audited, notified and
recorded; the wrong role refused (403), another school's objects not found (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ImportRejected
from zhijiao.core.models import AuditEvent, Notification
from zhijiao.creditbank import ledger, selectors, services
from zhijiao.creditbank.data import (
    ApplicationAction,
    ApplicationStatus,
    CreditErrorCode,
    LedgerKind,
    VerifyStatus,
)
from zhijiao.creditbank.models import (
    Application,
    CreditRecord,
    LedgerEntry,
    NameCorrection,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def actions(app: Application) -> list[str]:
    return [e.action for e in selectors.application_timeline(app)]


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# ---------------------------------------------------------------- the whole way


def test_an_application_goes_from_draft_to_credited_with_every_step_recorded(bank, learner_account):
    learner = learner_account()
    outcome = bank.cert(learner)
    bank.rule()
    school = bank.users["school"]

    app = bank.apply(learner, [outcome], to="draft")
    assert app.number.startswith("XF") and app.school == bank.units["甲职校"]

    services.application_submit(user=bank.users["learner"], application=app, today=TODAY)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.preview["total"] == "8.0"
    assert f"学分认定申请待审核：{app}" in titles(school)

    services.application_school_review(user=school, application=app, decision="approve")
    services.application_bank_review(
        user=bank.office, application=app, decision="approve", today=TODAY
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.BANK_APPROVED
    assert app.result["decisions"][0]["message"].endswith("依据规则 R-ROBOT 第 1 版")

    services.application_notice_start(user=bank.office, applications=[app], days=5, today=TODAY)
    app.refresh_from_db()
    assert (app.notice_starts, app.notice_ends) == (TODAY, TODAY + dt.timedelta(days=4))

    with pytest.raises(ServiceError) as running:
        services.application_credit(user=bank.office, application=app, today=app.notice_ends)
    assert running.value.code == CreditErrorCode.NOTICE_RUNNING

    services.application_credit(
        user=bank.office, application=app, today=app.notice_ends + dt.timedelta(days=1)
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.CREDITED and app.credits == Decimal(8)
    assert actions(app) == [
        ApplicationAction.CREATE,
        ApplicationAction.SUBMIT,
        ApplicationAction.SCHOOL_APPROVE,
        ApplicationAction.BANK_APPROVE,
        ApplicationAction.NOTICE,
        ApplicationAction.CREDIT,
    ]
    records = list(CreditRecord.objects.filter(application=app).order_by("course__code"))
    assert [(r.course.code, r.credits, r.rule_code) for r in records] == [
        ("JD101", Decimal(4), "R-ROBOT"),
        ("JD102", Decimal(4), "R-ROBOT"),
    ]
    entry = records[0].entry
    assert entry.kind == LedgerKind.CREDIT and entry.account == learner.account_number
    payload = ledger.payload_of(entry)
    assert payload["application"] == app.number and payload["total"] == "8"
    assert "张三" not in entry.payload  # the name is sealed with the learner's key
    assert ledger.verify().intact
    audited = AuditEvent.objects.filter(object_type="creditbank.Application", object_id=str(app.pk))
    assert audited.count() == 6
    assert f"学分已入账：{app}" in titles(bank.users["learner"])


def test_submitting_outcomes_that_convert_into_nothing_is_refused_with_the_reasons(bank):
    learner = bank.open()
    outcome = bank.cert(learner, level=1)
    bank.rule()  # needs 中级
    app = bank.apply(learner, [outcome], to="draft")

    with pytest.raises(ServiceError) as refused:
        services.application_submit(user=bank.office, application=app, today=TODAY)

    assert refused.value.code == CreditErrorCode.NOTHING_TO_CREDIT
    assert (
        "证书 工业机器人操作与运维 初级：甲职校机电一体化技术专业在 2025-06-01 没有适用的转换规则"
        in (refused.value.message)
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_a_returned_application_is_corrected_and_submitted_again(bank):
    learner = bank.open()
    junior = bank.cert(learner, level=1)
    bank.rule(inputs=(("ROBOT", 1),))
    app = bank.apply(learner, [junior], to="submitted")

    with pytest.raises(ServiceError, match="请填写退回或不通过的理由"):
        services.application_school_review(
            user=bank.users["school"], application=app, decision="return"
        )
    services.application_school_review(
        user=bank.users["school"], application=app, decision="return", comment="请补充证书扫描件"
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED and app.comment == "请补充证书扫描件"

    services.application_submit(user=bank.office, application=app, today=TODAY)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert actions(app)[-2:] == [ApplicationAction.RETURN, ApplicationAction.SUBMIT]


def test_the_school_or_the_bank_may_reject(bank):
    learner = bank.open()
    outcome = bank.cert(learner)
    bank.rule()
    first = bank.apply(learner, [outcome], to="submitted")
    second = bank.apply(learner, [outcome], to="school_approved")

    services.application_school_review(
        user=bank.users["school"], application=first, decision="reject", comment="证书与本人不符"
    )
    services.application_bank_review(
        user=bank.office, application=second, decision="reject", comment="重复申请"
    )

    assert Application.objects.get(pk=first.pk).status == ApplicationStatus.REJECTED
    assert Application.objects.get(pk=second.pk).status == ApplicationStatus.REJECTED


def test_the_learner_withdraws_before_crediting_but_not_after(bank, learner_account):
    learner = learner_account()
    outcome = bank.cert(learner)
    bank.rule()
    noticed = bank.apply(learner, [outcome], to="in_notice")

    services.application_withdraw(
        user=bank.users["learner"], application=noticed, reason="不再申请"
    )
    noticed.refresh_from_db()
    assert noticed.status == ApplicationStatus.WITHDRAWN and noticed.withdrawn_at is not None
    with pytest.raises(ServiceError) as again:
        services.application_credit(
            user=bank.office, application=noticed, today=TODAY + dt.timedelta(days=30)
        )
    assert again.value.code == CreditErrorCode.WRONG_STATE

    credited = bank.apply(learner, [outcome])
    with pytest.raises(ServiceError) as late:
        services.application_withdraw(user=bank.users["learner"], application=credited)
    assert late.value.code == CreditErrorCode.WRONG_STATE
    assert "当前状态：已认定入账" in late.value.message


def test_an_objection_holds_crediting_until_it_is_resolved(bank, learner_account):
    learner = learner_account()
    outcome = bank.cert(learner)
    bank.rule()
    app = bank.apply(learner, [outcome], to="in_notice")
    after_notice = TODAY + dt.timedelta(days=8)

    objection = services.objection_record(
        user=bank.users["school"], application=app, source="公示期间来电", text="该证书疑似代考"
    )
    with pytest.raises(ServiceError) as held:
        services.application_credit(user=bank.office, application=app, today=after_notice)
    assert held.value.code == CreditErrorCode.OPEN_OBJECTIONS
    assert LedgerEntry.objects.count() == 0

    services.objection_resolve(
        user=bank.office, objection=objection, upheld=False, resolution="经核查证书真实有效"
    )
    services.application_credit(user=bank.office, application=app, today=after_notice)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.CREDITED
    assert ApplicationAction.OBJECTION in actions(app)
    assert ApplicationAction.OBJECTION_DISMISSED in actions(app)
    assert f"您的学分认定公示收到异议：{app}" in titles(bank.users["learner"])


def test_an_upheld_objection_rejects_the_application(bank):
    learner = bank.open()
    outcome = bank.cert(learner)
    bank.rule()
    app = bank.apply(learner, [outcome], to="in_notice")
    objection = services.objection_record(
        user=bank.office, application=app, source="书面异议", text="证书编号查询不到"
    )

    services.objection_resolve(
        user=bank.office, objection=objection, upheld=True, resolution="经核查证书系伪造"
    )

    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED and app.comment == "经核查证书系伪造"
    with pytest.raises(ServiceError, match="该异议已处理"):
        services.objection_resolve(
            user=bank.office, objection=objection, upheld=False, resolution="再议"
        )


def test_objections_are_recorded_only_during_the_notice(bank):
    learner = bank.open()
    outcome = bank.cert(learner)
    bank.rule()
    app = bank.apply(learner, [outcome], to="bank_approved")

    with pytest.raises(ServiceError) as refused:
        services.objection_record(user=bank.office, application=app, source="来电", text="异议")
    assert refused.value.code == CreditErrorCode.WRONG_STATE


def test_notices_that_ended_are_credited_in_one_go(bank):
    bank.rule()
    apps = []
    for _ in range(3):
        learner = bank.open()
        apps.append(bank.apply(learner, [bank.cert(learner)], to="in_notice"))
    services.objection_record(user=bank.office, application=apps[1], source="来电", text="异议")

    credited = services.notices_close_due(user=bank.office, today=TODAY + dt.timedelta(days=8))

    assert sorted(a.pk for a in credited) == [apps[0].pk, apps[2].pk]
    assert LedgerEntry.objects.count() == 2


# ---------------------------------------------------------------- crediting twice, caps


def test_crediting_an_application_twice_leaves_one_ledger_entry(bank):
    learner = bank.open()
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)])

    with pytest.raises(ServiceError) as again:
        services.application_credit(
            user=bank.office, application=app, today=TODAY + dt.timedelta(days=9)
        )

    assert again.value.code == CreditErrorCode.WRONG_STATE
    assert "已被他人处理" in again.value.message
    assert LedgerEntry.objects.count() == 1


def test_crediting_re_evaluates_and_never_grants_more_than_the_notice_showed(bank):
    bank.rule(max_share_percent=Decimal(25))  # 10 of 40 credits
    bank.rule("R-CNC", inputs=(("CNC", 1),), outputs=("JD103",), max_share_percent=Decimal(25))
    learner = bank.open()
    robot, cnc = bank.cert(learner), bank.cert(learner, "CNC", 1)
    first = bank.apply(learner, [robot], to="in_notice")  # 8 credits noticed
    second = bank.apply(learner, [cnc], to="in_notice")  # 6 credits noticed, on its own
    assert second.credits == Decimal(6)

    services.application_credit(
        user=bank.office, application=first, today=TODAY + dt.timedelta(days=8)
    )
    with pytest.raises(ServiceError) as capped:
        services.application_credit(
            user=bank.office, application=second, today=TODAY + dt.timedelta(days=8)
        )

    assert capped.value.code == CreditErrorCode.NOTHING_TO_CREDIT
    assert (
        "认定学分不超过毕业总学分 40 的 25%（10 学分），此前已认定 8 学分" in capped.value.message
    )
    assert CreditRecord.objects.filter(learner=learner).count() == 2


def test_a_course_stands_credited_once_per_learner_in_the_database(bank):
    learner = bank.open()
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)])
    record = CreditRecord.objects.filter(application=app).first()
    assert record is not None

    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRecord.objects.create(
            learner=learner,
            application=app,
            programme=record.programme,
            course=record.course,
            credits=record.credits,
            rule_code="R-X",
            rule_version=1,
            credited_on=TODAY,
            entry=record.entry,
        )


# ---------------------------------------------------------------- revocation and correction


def test_a_revocation_needs_a_reason_and_shows_everywhere(bank, learner_account):
    learner = learner_account()
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)])
    share = services.transcript_share_create(user=bank.users["learner"], learner=learner)

    with pytest.raises(ServiceError, match="请填写撤销理由"):
        services.credit_revoke(user=bank.office, application=app, reason=" ")
    services.credit_revoke(user=bank.office, application=app, reason="证书经核查系伪造")

    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVOKED and app.revoke_reason == "证书经核查系伪造"
    transcript = selectors.learner_transcript(learner)
    assert transcript.total == 0 and transcript.revoked == 2
    assert {line.revoke_reason for line in transcript.lines} == {"证书经核查系伪造"}
    answer = selectors.verify(share.code)
    assert answer.status == VerifyStatus.REVOKED and answer.genuine and answer.revoked
    assert {r.note for r in answer.records} == {"已撤销：证书经核查系伪造"}
    entry = LedgerEntry.objects.get(kind=LedgerKind.REVOKE)
    assert ledger.payload_of(entry)["reason"] == "证书经核查系伪造"
    assert ledger.verify().intact
    assert f"学分认定已撤销：{app}" in titles(bank.users["learner"])


def test_a_name_correction_keeps_history_and_reissues_transcripts(bank, learner_account):
    learner = learner_account(name="黄小明")
    bank.rule()
    bank.apply(learner, [bank.cert(learner)])
    old_share = services.transcript_share_create(user=bank.office, learner=learner)

    services.learner_name_correct(
        user=bank.office, learner=learner, new_name="黄晓明", reason="户籍登记为“晓”"
    )

    learner.refresh_from_db()
    assert learner.name == "黄晓明"
    history = selectors.name_history(learner)
    assert [(old, new, why) for _, old, new, why in history] == [
        ("黄小明", "黄晓明", "户籍登记为“晓”")
    ]
    correction = NameCorrection.objects.get()
    assert correction.entry.kind == LedgerKind.CORRECT
    assert "黄" not in correction.entry.payload and "黄" not in correction.old_name_sealed
    old_share.refresh_from_db()
    assert old_share.replaced_by is not None
    assert selectors.verify(old_share.code).status == VerifyStatus.SUPERSEDED
    fresh = selectors.verify(old_share.replaced_by.code)
    assert fresh.status == VerifyStatus.VALID and fresh.name == "黄**"
    assert ledger.verify().intact
    changed = AuditEvent.objects.filter(
        object_type="creditbank.Learner", message__contains="更正姓名"
    )
    assert changed.get().changes == {"name": ["黄**", "黄**"]}


# ---------------------------------------------------------------- roles and scope


def test_the_wrong_role_is_refused_with_403(bank):
    learner = bank.open()
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)], to="submitted")
    calls = [
        lambda: services.application_school_review(
            user=bank.users["learner"], application=app, decision="approve"
        ),
        lambda: services.application_school_review(
            user=bank.office, application=app, decision="approve"
        ),
        lambda: services.application_bank_review(
            user=bank.users["school"], application=app, decision="approve"
        ),
        lambda: services.credit_revoke(user=bank.users["school"], application=app, reason="x"),
        lambda: services.learner_open(
            user=bank.users["enterprise"], school=bank.units["甲职校"], data=None
        ),
        lambda: services.learner_erase(user=bank.users["school"], learner=learner, reason="x"),
        lambda: services.learner_name_correct(
            user=bank.users["school"], learner=learner, new_name="李四", reason="x"
        ),
    ]
    for call in calls:
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.status_code == 403, refused.value.message
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_another_schools_objects_are_not_found(bank):
    learner = bank.open("甲职校")
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)], to="submitted")
    other = bank.users["school_b"]

    with pytest.raises(ServiceError) as review:
        services.application_school_review(user=other, application=app, decision="approve")
    assert review.value.status_code == 404
    with pytest.raises(Http404):
        selectors.application_get(other, app.pk)
    with pytest.raises(Http404):
        selectors.learner_get(other, learner.pk)
    with pytest.raises(ServiceError) as outcome:
        bank.cert(learner, user=other)
    assert outcome.value.status_code == 404
    assert selectors.applications_visible(other).count() == 0
    assert selectors.review_queue(other).count() == 0
    assert list(selectors.review_queue(bank.users["school"])) == [app]


def test_a_school_sees_learners_who_applied_to_it(bank):
    learner = bank.open("甲职校")
    bank.rule("R-B", inputs=(("ROBOT", 2),), outputs=("YJ201",), programme="乙机电")
    app = bank.apply(learner, [bank.cert(learner)], programme="乙机电", to="submitted")

    assert selectors.application_get(bank.users["school_b"], app.pk) == app
    assert selectors.learner_get(bank.users["school_b"], learner.pk) == learner
    with pytest.raises(ServiceError) as not_theirs:
        services.application_school_review(
            user=bank.users["school"], application=app, decision="approve"
        )
    assert not_theirs.value.status_code == 403


def test_a_learner_sees_only_their_own_account(bank, learner_account):
    mine = learner_account()
    theirs = bank.open()
    bank.rule()
    my_app = bank.apply(mine, [bank.cert(mine)], to="submitted")
    their_app = bank.apply(theirs, [bank.cert(theirs)], to="submitted")
    me = bank.users["learner"]

    assert selectors.learner_of_user(me) == mine
    assert list(selectors.learners_visible(me)) == [mine]
    assert list(selectors.applications_visible(me)) == [my_app]
    with pytest.raises(Http404):
        selectors.application_get(me, their_app.pk)
    with pytest.raises(ServiceError) as withdraw:
        services.application_withdraw(user=me, application=their_app)
    assert withdraw.value.status_code == 404
    with pytest.raises(ServiceError) as share:
        services.transcript_share_create(user=me, learner=theirs)
    assert share.value.status_code == 403


# ---------------------------------------------------------------- bulk submission


def test_bulk_submission_is_all_or_nothing_with_every_problem_listed(bank):
    bank.rule()
    good, weak, fine = bank.open(), bank.open(), bank.open()
    items = [
        services.BulkItem(good, bank.programmes["甲机电"], [bank.cert(good)]),
        services.BulkItem(weak, bank.programmes["甲机电"], [bank.cert(weak, level=1)]),
        services.BulkItem(fine, bank.programmes["甲机电"], [bank.cert(good, "CNC")]),
    ]

    with pytest.raises(ImportRejected) as rejected:
        services.applications_submit_bulk(user=bank.users["school"], items=items, today=TODAY)

    assert [e.row for e in rejected.value.errors] == [2, 3]
    assert "不能转换任何学分" in rejected.value.errors[0].message
    assert "所选成果不属于该学习者" in rejected.value.errors[1].message
    assert Application.objects.count() == 0

    created = services.applications_submit_bulk(
        user=bank.users["school"], items=items[:1], today=TODAY
    )
    assert [a.status for a in created] == [ApplicationStatus.SUBMITTED]
    assert created[0].batch
