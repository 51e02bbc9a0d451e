"""The PDF transcript: it opens, states the verification code, and its QR code encodes the public
verification address of that code (read back from the image in the PDF, module by module)."""

from __future__ import annotations

import io

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from zhijiao.creditbank import selectors, services, transcripts

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(bank, learner_account):
    learner = learner_account(name="林小青")
    bank.rule()
    bank.apply(learner, [bank.cert(learner)])
    return services.transcript_share_create(user=bank.users["learner"], learner=learner)


def qr_modules(image) -> list[list[bool]]:
    """The dark/light modules of a QR image drawn by ``transcripts.qr_png``."""
    gray = image.convert("L")
    size = gray.width // transcripts.QR_SCALE - 2 * transcripts.QR_BORDER
    step, offset = transcripts.QR_SCALE, transcripts.QR_BORDER * transcripts.QR_SCALE
    return [
        [gray.getpixel((offset + c * step + 1, offset + r * step + 1)) < 128 for c in range(size)]
        for r in range(size)
    ]


def test_the_pdf_opens_states_the_code_and_carries_the_qr_of_the_verification_address(
    client, bank, share
):
    client.force_login(bank.users["learner"])

    response = client.get(reverse("admin:creditbank-share-pdf", args=[share.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    code = transcripts.formatted_code(share.code)
    assert code in text.replace(" ", "")
    assert "工业机器人编程" in text and "林**" in text and "林小青" not in text
    images = reader.pages[0].images
    assert len(images) == 1
    address = f"http://testserver/api/v1/creditbank/verify/{share.code}"
    expected = [
        [bool(v) for v in row] for row in segno.make(address, error="m", micro=False).matrix
    ]
    assert qr_modules(images[0].image) == expected


def test_a_revoked_credit_prints_as_revoked(bank, share):
    app = share.learner.applications.get()
    services.credit_revoke(user=bank.office, application=app, reason="证书已被发证机构注销")

    content = transcripts.transcript_pdf(share, selectors.verify(share.code), "https://x/v")

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    flat = text.replace("\n", "")
    assert "已撤销：证书已被发证机构注销" in flat and "所列学分均已被撤销" in flat


def test_a_pdf_is_only_for_the_holder_and_reviewers_in_scope(client, bank, share):
    address = reverse("admin:creditbank-share-pdf", args=[share.pk])
    for role, status in [("school", 200), ("office", 200), ("school_b", 404), ("enterprise", 403)]:
        client.force_login(bank.users[role])
        assert client.get(address).status_code == status, role
