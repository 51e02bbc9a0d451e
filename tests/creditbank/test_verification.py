"""Verification codes of shared transcripts (genuine / current / revoked, with the minimum data),
forged and altered records caught, and mutual recognition between schools from a shared
transcript, recorded in the ledger, undone when the credits it relied on are revoked."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.creditbank import ledger, selectors, services
from zhijiao.creditbank.data import LedgerKind, RecognitionDecision, VerifyStatus
from zhijiao.creditbank.models import CreditRecord, LedgerEntry, MutualRecognition, TranscriptShare

from .conftest import TODAY

LATER = TODAY + dt.timedelta(days=30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def credited(bank):
    learner = bank.open(name="黄小明")
    bank.rule()
    bank.apply(learner, [bank.cert(learner)])
    return learner


def test_a_shared_transcript_verifies_as_genuine_and_current_with_the_minimum_data(bank, credited):
    share = services.transcript_share_create(user=bank.office, learner=credited)

    answer = selectors.verify(share.code.lower()[:4] + "-" + share.code[4:])

    assert answer.status == VerifyStatus.VALID
    assert (answer.genuine, answer.current, answer.revoked) == (True, True, False)
    assert answer.message.startswith("真实有效")
    assert (answer.account, answer.name) == (credited.account_number, "黄**")
    assert [(r.course, r.credits) for r in answer.records] == [
        ("工业机器人编程", "4"),
        ("工业机器人运维", "4"),
    ]
    shown = repr(answer)
    assert credited.id_number not in shown and "黄小明" not in shown


def test_an_unknown_code_is_reported_as_possibly_forged(bank, credited):
    answer = selectors.verify("ZZZZ-ZZZZ-ZZZZ")

    assert answer.status == VerifyStatus.NOT_FOUND and not answer.genuine
    assert "谨防伪造" in answer.message


def test_a_revoked_share_no_longer_verifies_as_current(bank, credited):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    services.transcript_share_revoke(user=bank.office, share=share, reason="学习者要求撤回")

    answer = selectors.verify(share.code)

    assert answer.status == VerifyStatus.REVOKED
    assert (answer.genuine, answer.current, answer.revoked) == (True, False, True)
    assert answer.details == ("学习者要求撤回",)


def test_a_record_altered_in_the_database_is_caught(bank, credited):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    CreditRecord.objects.filter(learner=credited, course__code="JD101").update(credits=Decimal(6))

    answer = selectors.verify(share.code)

    assert answer.status == VerifyStatus.ALTERED
    assert (answer.genuine, answer.current) == (False, False)
    assert answer.details == ("课程 工业机器人编程 的记录与账本不一致",)


def test_a_forged_record_slipped_into_a_share_is_caught(bank, credited):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    genuine = CreditRecord.objects.filter(learner=credited).first()
    assert genuine is not None
    forged = CreditRecord.objects.create(
        learner=credited,
        application=genuine.application,
        programme=genuine.programme,
        course=bank.courses["JD105"],
        credits=Decimal(4),
        rule_code="R-ROBOT",
        rule_version=1,
        credited_on=TODAY,
        entry=genuine.entry,
    )
    share.records.add(forged)

    answer = selectors.verify(share.code)

    assert answer.status == VerifyStatus.ALTERED
    assert "课程 机械制图 的记录与账本不一致" in answer.details


def test_a_share_whose_content_was_swapped_is_caught(bank, credited):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    share.records.remove(share.records.first())

    assert selectors.verify(share.code).status == VerifyStatus.ALTERED


def test_a_partly_revoked_transcript_says_so_record_by_record(bank, credited):
    bank.rule("R-CNC", inputs=(("CNC", 1),), outputs=("JD103",))
    second = bank.apply(credited, [bank.cert(credited, "CNC")])
    share = services.transcript_share_create(user=bank.office, learner=credited)
    services.credit_revoke(user=bank.office, application=second, reason="证书被发证机构注销")

    answer = selectors.verify(share.code)

    assert answer.status == VerifyStatus.CONTAINS_REVOKED
    assert (answer.genuine, answer.current, answer.revoked) == (True, True, True)
    assert [(r.course, r.revoked, r.note) for r in answer.records if r.revoked] == [
        ("数控加工技术", True, "已撤销：证书被发证机构注销")
    ]


def test_nothing_to_share_is_refused(bank):
    learner = bank.open()
    with pytest.raises(ServiceError, match="没有可分享的入账学分"):
        services.transcript_share_create(user=bank.office, learner=learner)
    assert not TranscriptShare.objects.exists()


# ---------------------------------------------------------------- mutual recognition


@pytest.fixture
def recognition_rule(bank):
    """乙职校 accepts 甲职校's 工业机器人编程 as its 机器人应用基础."""
    from zhijiao.creditbank.data import RuleData, RuleInputData, RuleOutputData

    rule = services.rule_create(
        user=bank.users["school_b"],
        data=RuleData(
            code="HR-YJ201",
            title="甲职校工业机器人编程互认",
            programme_id=bank.programmes["乙机电"].pk,
            valid_from=dt.date(2024, 1, 1),
            inputs=(RuleInputData(course_id=bank.courses["JD101"].pk),),
            outputs=(RuleOutputData(course_id=bank.courses["YJ201"].pk),),
            publisher_id=bank.units["乙职校"].pk,
        ),
    )
    return services.rule_publish(user=bank.users["school_b"], rule=rule)


def test_another_school_accepts_banked_credits_under_its_rule(bank, credited, recognition_rule):
    share = services.transcript_share_create(user=bank.office, learner=credited)

    decision = services.recognition_decide(
        user=bank.users["school_b"],
        share_code=share.code,
        programme=bank.programmes["乙机电"],
        accept=True,
        rule=recognition_rule,
        today=LATER,
    )

    assert decision.decision == RecognitionDecision.ACCEPTED and decision.credits == Decimal(3)
    assert decision.source_school == bank.units["甲职校"]
    records = CreditRecord.objects.filter(recognition=decision)
    assert [(r.course.code, r.credits, r.rule_code) for r in records] == [("YJ201", 3, "HR-YJ201")]
    assert decision.entry.kind == LedgerKind.RECOGNISE
    assert (
        "甲职校课程 工业机器人编程 → 课程 机器人应用基础 共 3 学分"
        in decision.result["decisions"][0]["message"]
    )
    assert selectors.learner_get(bank.users["school_b"], credited.pk) == credited
    assert ledger.verify().intact
    transcript = selectors.learner_transcript(credited)
    assert transcript.total == Decimal(11)
    assert transcript.lines[-1].source == "学分互认（甲职校）"

    with pytest.raises(ServiceError, match="依据规则 HR-YJ201 第 1 版没有可认可的学分"):
        services.recognition_decide(
            user=bank.users["school_b"],
            share_code=share.code,
            programme=bank.programmes["乙机电"],
            accept=True,
            rule=recognition_rule,
            today=LATER,
        )


def test_a_refusal_needs_a_reason_and_is_recorded_too(bank, credited, recognition_rule):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    decide = dict(
        user=bank.users["school_b"],
        share_code=share.code,
        programme=bank.programmes["乙机电"],
        accept=False,
    )

    with pytest.raises(ServiceError, match="请填写不予认可的理由"):
        services.recognition_decide(**decide)
    refused = services.recognition_decide(**decide, reason="课程内容差异较大")

    assert refused.decision == RecognitionDecision.REFUSED and refused.credits == 0
    assert ledger.payload_of(refused.entry)["reason"] == "课程内容差异较大"
    assert not CreditRecord.objects.filter(recognition=refused).exists()


def test_recognition_works_only_from_a_valid_share_and_for_ones_own_programme(
    bank, credited, recognition_rule
):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    services.transcript_share_revoke(user=bank.office, share=share, reason="撤回")
    with pytest.raises(ServiceError, match="成绩单核验未通过"):
        services.recognition_decide(
            user=bank.users["school_b"],
            share_code=share.code,
            programme=bank.programmes["乙机电"],
            accept=False,
            reason="x",
        )
    with pytest.raises(ServiceError) as not_ours:
        services.recognition_decide(
            user=bank.users["school_b"],
            share_code=share.code,
            programme=bank.programmes["甲机电"],
            accept=False,
            reason="x",
        )
    assert not_ours.value.status_code == 403
    assert not MutualRecognition.objects.exists()


def test_revoking_the_original_credits_revokes_what_was_recognised_on_them(
    bank, credited, recognition_rule
):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    services.recognition_decide(
        user=bank.users["school_b"],
        share_code=share.code,
        programme=bank.programmes["乙机电"],
        accept=True,
        rule=recognition_rule,
        today=LATER,
    )
    original = CreditRecord.objects.filter(learner=credited, application__isnull=False).first()
    assert original is not None

    services.credit_revoke(user=bank.office, application=original.application, reason="证书系伪造")

    derived = CreditRecord.objects.get(recognition__isnull=False)
    assert derived.revoked_at is not None
    assert derived.revoke_reason.startswith("所依据的学分已撤销")
    revoke = LedgerEntry.objects.get(kind=LedgerKind.REVOKE)
    assert ledger.payload_of(revoke)["derived"] == ["YJ201"]
    assert selectors.learner_transcript(credited).total == 0


def test_the_recognition_list_filters_and_exports_within_scope(
    client, bank, credited, recognition_rule
):
    share = services.transcript_share_create(user=bank.office, learner=credited)
    decide = dict(share_code=share.code, programme=bank.programmes["乙机电"], today=LATER)
    services.recognition_decide(
        user=bank.users["school_b"], accept=False, reason="差异较大", **decide
    )
    services.recognition_decide(
        user=bank.users["school_b"], accept=True, rule=recognition_rule, **decide
    )
    page_url = reverse("admin:creditbank-recognitions")
    client.force_login(bank.users["school_b"])

    everything = client.get(page_url).content.decode()
    refused = client.get(page_url, {"decision": "refused"}).content.decode()
    other = client.get(page_url, {"q": "JY999"}).content.decode()

    assert "共 2 项" in everything
    assert "共 1 项（已筛选）" in refused and "差异较大" in refused
    assert "没有符合筛选条件的互认决定" in other
    response = client.get(page_url, {"decision": "accepted", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("决定时间", "学习账号", "学分所在学校")
    assert [(r[1], r[2], r[5], r[6]) for r in rows[1:]] == [
        (credited.account_number, "甲职校", "认可", 3.0)
    ]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="creditbank.MutualRecognition"
    ).exists()

    # The bank sees every decision; an enterprise user may not open the list at all.
    client.force_login(bank.office)
    assert "共 2 项" in client.get(page_url).content.decode()
    client.force_login(bank.users["enterprise"])
    assert client.get(page_url, {"format": "xlsx"}).status_code == 403
