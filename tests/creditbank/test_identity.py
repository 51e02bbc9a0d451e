"""Learners' identity and privacy: GB 11643 check digit, one account per person decided by the
keyed digest in the database, encrypted at rest, masked on screen, unmasked only with the
capability and audited, and erased (PIPL art. 47) without breaking the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.personal import PersonalErrorCode
from zhijiao.creditbank import ledger, sealing, selectors, services
from zhijiao.creditbank.data import (
    ApplicationStatus,
    CreditErrorCode,
    LearnerData,
    LearnerStatus,
    LedgerKind,
    OutcomeData,
    VerifyStatus,
)
from zhijiao.creditbank.models import Application, Learner, LedgerEntry, Outcome

from .conftest import bad_check_digit, make_id

pytestmark = pytest.mark.django_db

ID = make_id(7, "19990708")
PHONE = "13912345678"


def raw_row(learner: Learner) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, id_number, phone, id_lookup, data_key FROM creditbank_learner WHERE id = %s",
            [learner.pk],
        )
        return " ".join(str(v) for v in cursor.fetchone())


def test_a_wrong_check_digit_is_refused_and_nothing_is_saved(bank):
    with pytest.raises(ServiceError) as refused:
        bank.open(id_number=bad_check_digit(ID))

    assert refused.value.code == PersonalErrorCode.BAD_ID_NUMBER
    assert refused.value.message == "身份证号校验位不正确，请核对最后一位"
    assert not Learner.objects.exists()


def test_the_same_person_cannot_open_two_accounts_however_the_number_is_typed(bank):
    bank.open(id_number=ID)
    typed_differently = f" {ID[:6]} {ID[6:14]} {ID[14:].lower()} "

    with pytest.raises(ServiceError) as refused:
        bank.open("乙职校", id_number=typed_differently, name="李四")

    assert refused.value.code == CreditErrorCode.DUPLICATE_LEARNER
    assert refused.value.message == "该身份证号已在甲职校开立学习账户，不能重复开户"
    assert Learner.objects.count() == 1


def test_the_database_decides_duplicates_by_the_digest(bank):
    first = bank.open(id_number=ID)

    with pytest.raises(IntegrityError), transaction.atomic():
        Learner.objects.create(
            account_number="JY0000000000", name="王五", id_number=ID, id_lookup=first.id_lookup
        )


def test_personal_data_is_encrypted_at_rest_and_the_account_number_is_pseudonymous(bank):
    learner = bank.open(id_number=ID, phone=PHONE, name="欧阳明")

    stored = raw_row(learner)
    for plain in (ID, PHONE, "欧阳明", learner.data_key):
        assert plain not in stored
    assert learner.account_number.startswith("JY") and len(learner.account_number) == 12
    assert ID[-4:] not in learner.account_number
    fetched = Learner.objects.get(pk=learner.pk)
    assert (fetched.name, fetched.id_number, fetched.phone) == ("欧阳明", ID, PHONE)
    assert selectors.learner_find(bank.office, id_number=ID.lower()) == learner
    assert selectors.learner_find(bank.office, phone="139-1234-5678") == learner


def test_pages_see_masked_values_and_the_audit_trail_holds_no_personal_data(bank):
    learner = bank.open(id_number=ID, phone=PHONE, name="欧阳明")

    card = selectors.learner_card(learner)
    assert (card.name, card.id_number, card.phone) == (
        "欧**",
        ID[:6] + "********" + ID[-4:],
        "139****5678",
    )
    audited = " ".join(str(e.changes) + e.message + e.object_repr for e in AuditEvent.objects.all())
    for plain in (ID, PHONE, "欧阳明"):
        assert plain not in audited


def test_unmasking_needs_the_capability_and_is_audited_either_way(bank):
    learner = bank.open(id_number=ID)

    assert (
        services.learner_unmask(
            user=bank.office, learner=learner, field="id_number", reason="核对身份"
        )
        == ID
    )
    with pytest.raises(ServiceError) as refused:
        services.learner_unmask(user=bank.users["school"], learner=learner, field="id_number")
    assert refused.value.status_code == 403
    with pytest.raises(ServiceError) as hidden:
        services.learner_unmask(user=bank.users["school_b"], learner=learner, field="id_number")
    assert hidden.value.status_code == 404

    events = AuditEvent.objects.filter(action=AuditAction.UNMASK).order_by("pk")
    assert [(e.actor_username, e.succeeded) for e in events] == [
        ("office", True),
        ("school", False),
    ]
    assert events[0].message == "查看完整身份证号：核对身份"


def test_erasure_destroys_personal_data_and_key_and_the_chain_still_verifies(bank, learner_account):
    learner = learner_account(id_number=ID, phone=PHONE, name="欧阳明")
    bank.rule()
    bank.rule("R-CNC", inputs=(("CNC", 1),), outputs=("JD103",))
    evidence = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 certificate", "application/pdf")
    outcome = services.outcome_record(
        user=bank.office,
        learner=learner,
        data=OutcomeData(
            outcome_type="certificate_1x",
            certificate="ROBOT",
            level=2,
            obtained_on=dt.date(2024, 6, 1),
            certificate_number="ROBOT-2024-0001",
        ),
        evidence=evidence,
    )
    stored_file = Outcome.objects.get(pk=outcome.pk).evidence.name
    assert default_storage.exists(stored_file)
    bank.apply(learner, [outcome])
    services.learner_name_correct(
        user=bank.office, learner=learner, new_name="欧阳敏", reason="更正"
    )
    share = services.transcript_share_create(user=bank.office, learner=learner)
    pending = bank.apply(learner, [bank.cert(learner, "CNC")], to="submitted")
    sealed = ledger.payload_of(LedgerEntry.objects.get(kind=LedgerKind.CREDIT))["name_on_record"]
    assert sealing.unseal(learner, sealed) == "欧阳明"

    services.learner_erase(
        user=bank.office, learner=learner, reason="本人申请删除（PIPL 第四十七条）"
    )

    learner.refresh_from_db()
    assert learner.status == LearnerStatus.ERASED and learner.user is None
    assert (
        learner.name,
        learner.id_number,
        learner.phone,
        learner.id_lookup,
        learner.data_key,
    ) == (
        "",
        "",
        "",
        "",
        "",
    )
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(learner, sealed)
    assert [(old, new) for _, old, new, _ in selectors.name_history(learner)] == [
        ("（已删除）", "（已删除）")
    ]
    outcome.refresh_from_db()
    assert (outcome.evidence.name, outcome.certificate_number) == ("", "")
    assert selectors.verify(share.code).status == VerifyStatus.ERASED
    assert Application.objects.get(pk=pending.pk).status == ApplicationStatus.WITHDRAWN
    report = ledger.verify()
    assert report.intact and report.entries == 3  # the credit, the correction, the erasure
    assert LedgerEntry.objects.filter(kind=LedgerKind.ERASE).count() == 1
    stored = raw_row(learner) + " ".join(LedgerEntry.objects.values_list("payload", flat=True))
    for plain in (ID, PHONE, "欧阳明", "欧阳敏"):
        assert plain not in stored
    with pytest.raises(ServiceError) as closed:
        bank.cert(learner)
    assert closed.value.code == CreditErrorCode.ERASED
    # The person may come back later: a new account, unrelated to the erased one.
    again = bank.open(id_number=ID, name="欧阳敏")
    assert again.account_number != learner.account_number


def test_erasure_deletes_the_evidence_files_once_committed(
    bank, django_capture_on_commit_callbacks
):
    learner = bank.open(id_number=ID)
    outcome = services.outcome_record(
        user=bank.office,
        learner=learner,
        data=OutcomeData(
            outcome_type="certificate_1x",
            certificate="ROBOT",
            level=2,
            obtained_on=dt.date(2024, 6, 1),
        ),
        evidence=SimpleUploadedFile("cert.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
    )
    name = Outcome.objects.get(pk=outcome.pk).evidence.name

    with django_capture_on_commit_callbacks(execute=True):
        services.learner_erase(user=bank.office, learner=learner, reason="本人申请")

    assert not default_storage.exists(name)


def test_evidence_is_checked_like_any_other_upload(bank):
    learner = bank.open()
    data = OutcomeData(
        outcome_type="certificate_1x",
        certificate="ROBOT",
        level=2,
        obtained_on=dt.date(2024, 6, 1),
    )
    for upload, code in (
        (SimpleUploadedFile("cert.exe", b"MZ....", "application/octet-stream"), "file_type"),
        (SimpleUploadedFile("cert.pdf", b"not a pdf", "application/pdf"), "file_type"),
        (SimpleUploadedFile("cert.pdf", b"", "application/pdf"), "file_empty"),
    ):
        with pytest.raises(ServiceError) as refused:
            services.outcome_record(user=bank.office, learner=learner, data=data, evidence=upload)
        assert refused.value.code == code
    assert not Outcome.objects.exists()


def test_a_learner_can_be_linked_to_one_sign_in_account_only(bank):
    learner, other = bank.open(), bank.open()
    account = bank.users["learner"]
    services.learner_link_user(user=bank.office, learner=learner, account=account)

    with pytest.raises(ServiceError) as taken:
        services.learner_link_user(user=bank.office, learner=other, account=account)
    assert taken.value.code == CreditErrorCode.ALREADY_LINKED
    with pytest.raises(ServiceError, match="学习者"):
        services.learner_link_user(user=bank.office, learner=other, account=bank.users["school"])


def test_a_phone_is_optional_but_checked(bank):
    learner = services.learner_open(
        user=bank.users["school"],
        school=bank.units["甲职校"],
        data=LearnerData(name="赵六", id_number=make_id(9)),
    )
    assert learner.phone == "" and learner.phone_lookup == ""
    with pytest.raises(ServiceError, match="手机号"):
        bank.open(phone="12345")
    with pytest.raises(ServiceError) as elsewhere:
        services.learner_open(
            user=bank.users["school"],
            school=bank.units["乙职校"],
            data=LearnerData(name="赵七", id_number=make_id(10)),
        )
    assert elsewhere.value.status_code == 403
