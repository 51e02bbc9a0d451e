"""The learner's journey through the pages, as in the demo: record a certificate, preview and
apply, school review, bank review, public notice, crediting, the transcript with its verification
code, and a stranger verifying it without signing in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zhijiao.creditbank.models import Application, CreditRecord, LedgerEntry, TranscriptShare

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"admin:{name}", args=args)


def travel(monkeypatch, days: int) -> None:
    """Today moves ``days`` ahead for the services (a notice runs out)."""
    real = timezone.localdate
    day = real() + dt.timedelta(days=days)
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else day
    )


def test_a_learner_goes_from_application_to_a_verified_transcript(
    client, bank, learner_account, monkeypatch
):
    learner = learner_account(name="陈小红")
    bank.rule()
    me, clerk, office = bank.users["learner"], bank.users["school"], bank.office

    # The learner records a certificate, previews, and applies.
    client.force_login(me)
    client.post(
        url("creditbank-my-outcome-new"),
        {
            "outcome_type": "certificate_1x",
            "certificate": bank.certificates["ROBOT"].pk,
            "level": "2",
            "obtained_on": "2024-06-01",
        },
    )
    outcome = learner.outcomes.get()
    form = {"programme": bank.programmes["甲机电"].pk, "outcomes": [outcome.pk]}
    preview = client.post(url("creditbank-apply"), {**form, "preview": "1"}).content.decode()
    assert "共转换 2 门课程 8 学分" in preview and not Application.objects.exists()
    client.post(url("creditbank-apply"), {**form, "submit": "1"})
    app = Application.objects.get()
    assert app.status == "submitted"

    # The school approves from its queue, the bank approves and notices.
    client.force_login(clerk)
    client.post(url("creditbank-queue-bulk"), {"action": "school_approve", "ids": [app.pk]})
    client.force_login(office)
    client.post(url("creditbank-application-action", app.pk, "bank"), {"decision": "approve"})
    client.post(url("creditbank-application-action", app.pk, "notice"), {"days": "5"})
    app.refresh_from_db()
    assert app.status == "in_notice"
    early = client.post(url("creditbank-application-action", app.pk, "credit"), follow=True)
    assert "期满后才能入账" in early.content.decode()

    # The notice runs out; the bank credits: one ledger entry.
    travel(monkeypatch, 6)
    client.post(url("creditbank-queue-bulk"), {"action": "credit", "ids": [app.pk]})
    app.refresh_from_db()
    assert app.status == "credited" and LedgerEntry.objects.filter(kind="credit").count() == 1
    assert CreditRecord.objects.filter(learner=learner).count() == 2

    # The learner sees the transcript, shares it, downloads the PDF.
    client.force_login(me)
    page = client.get(url("creditbank-transcript")).content.decode()
    assert "工业机器人编程" in page and "有效学分合计" in page
    client.post(url("creditbank-share-new"))
    share = TranscriptShare.objects.get()
    pdf = client.get(url("creditbank-share-pdf", share.pk))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # A stranger verifies it without signing in: the API and the page.
    client.logout()
    answer = client.get(f"/api/v1/creditbank/verify/{share.code}").json()
    assert (answer["status"], answer["genuine"], answer["current"]) == ("valid", True, True)
    assert answer["name"] == "陈**" and learner.id_number not in str(answer)
    public = client.get(f"/verify/?code={share.code}")
    assert public.status_code == 200 and "真实有效" in public.content.decode()
    scanned = client.get(f"/api/v1/creditbank/verify/{share.code}", HTTP_ACCEPT="text/html")
    assert "真实有效" in scanned.content.decode() and "陈小红" not in scanned.content.decode()
