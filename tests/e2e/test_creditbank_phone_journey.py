"""A learner, on a phone, has a 1+X certificate recognised by the credit bank — in a real browser.

On a 390×844 phone screen the learner records the certificate, previews what it is worth, applies,
and follows the application while 甲职校's clerk and the bank's office (at their desks) approve it,
publish the notice and, once the notice has run out, credit it. The learner then finds the credits
on the transcript, shares it under a verification code and checks the code on the public /verify/
page, which shows the masked name and the credits but no personal number.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from zhijiao.creditbank import transcripts
from zhijiao.creditbank.models import Application, CreditRecord, Outcome, TranscriptShare

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    """The page does not scroll sideways: nothing is wider than the phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shown_whole(locator) -> bool:
    """The element's content is not cut off (it needs no scrolling of its own)."""
    return locator.evaluate("e => e.scrollWidth <= e.clientWidth")


def staff_decides(page, base_url: str, username: str, application: Application) -> None:
    """A reviewer (school clerk or bank office) signs in at a desk and approves."""
    page.context.clear_cookies()
    login(page, base_url, username, PASSWORD)
    page.goto(f"{base_url}/credit/applications/{application.pk}/")
    page.select_option("select[name=decision]", "approve")
    page.click("button:has-text('提交审核结论')")
    page.wait_for_load_state("networkidle")


def test_a_learner_on_a_phone_has_a_certificate_credited_and_verifies_the_transcript(
    live_server,
    browser_page,
    phone_page,
    shots,
    bank,
    learner_account,
    ledger_flushable,
    monkeypatch,
):
    phone, desk, base = phone_page, browser_page, live_server.url
    learner = learner_account(name="陈小红")
    bank.rule()  # 工业机器人操作与运维 (1+X) level 2 → 工业机器人编程 4 + 工业机器人运维 4 学分

    # The learner signs in on the phone: an account, no credits yet.
    login(phone, base, "learner", PASSWORD)
    phone.goto(f"{base}/credit/me/")
    assert "我的学分银行" in phone.title()
    assert learner.account_number in phone.content() and "还没有申请" in phone.content()
    assert fits_the_screen(phone) and shown_whole(
        phone.locator(".zj-card", has_text="我的学习账户")
    )
    shots("01-portal")

    # Records the certificate.
    phone.click("a.zj-btn:has-text('登记学习成果')")
    phone.select_option("select[name=outcome_type]", "certificate_1x")
    phone.select_option("select[name=certificate]", str(bank.certificates["ROBOT"].pk))
    phone.select_option("select[name=level]", "2")
    phone.fill("input[name=certificate_number]", "X-2024-000123")
    phone.fill("input[name=obtained_on]", "2024-06-01")
    assert fits_the_screen(phone)
    shots("02-record-certificate")
    phone.click("button:has-text('保存')")
    phone.wait_for_load_state("networkidle")
    assert "已登记学习成果" in phone.content()
    outcome = Outcome.objects.get(learner=learner)
    assert (outcome.certificate.code, outcome.level) == ("ROBOT", 2)
    shots("03-recorded")

    # Previews what it is worth (nothing saved), then applies.
    phone.click("a.zj-btn:has-text('申请学分认定')")
    assert phone.get_by_role("group", name="用于认定的学习成果").is_visible()
    phone.select_option("select[name=programme]", str(bank.programmes["甲机电"].pk))
    phone.check(f"input[name=outcomes][value='{outcome.pk}']")
    phone.click("button:has-text('预评估')")
    phone.wait_for_load_state("networkidle")
    assert "共转换 2 门课程 8 学分" in phone.content()
    assert not Application.objects.exists()
    assert fits_the_screen(phone)
    shots("04-preview")
    phone.click("button:has-text('提交申请')")
    phone.wait_for_load_state("networkidle")
    application = Application.objects.get(learner=learner)
    assert application.status == "submitted"
    assert f"申请 {application.number} 已提交，等待学校审核" in phone.content()
    shots("05-submitted")

    # 甲职校's clerk, then the bank, approve at their desks; the bank publishes the notice.
    staff_decides(desk, base, "school", application)
    application.refresh_from_db()
    assert application.status == "school_approved"
    shots("06-school-approved", page=desk)
    staff_decides(desk, base, "office", application)
    desk.fill("input[name=days]", "5")
    desk.click("button:has-text('发布公示')")
    desk.wait_for_load_state("networkidle")
    application.refresh_from_db()
    assert application.status == "in_notice"
    shots("07-in-notice", page=desk)

    # The learner sees the notice on the phone.
    phone.goto(f"{base}/credit/me/")
    notice_ends = f"{application.notice_ends:%Y-%m-%d}"
    assert f"公示中（至 {notice_ends}）" in phone.content()
    shots("08-following")

    # Six days later the notice has run out and the bank credits it.
    with monkeypatch.context() as later:
        real = timezone.localdate
        day = real() + dt.timedelta(days=6)
        later.setattr(
            timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else day
        )
        desk.reload()
        desk.click("button:has-text('公示期满，入账')")
        desk.wait_for_load_state("networkidle")
        assert "已入账" in desk.content()
    application.refresh_from_db()
    assert application.status == "credited"
    assert sorted(CreditRecord.objects.filter(learner=learner).values_list("course__code")) == [
        ("JD101",),
        ("JD102",),
    ]
    shots("09-credited", page=desk)

    # The learner finds 8 credits and the courses on the transcript.
    phone.goto(f"{base}/credit/me/")
    assert "已认定入账" in phone.content()
    assert "8" in phone.locator(".zj-kpi").first.inner_text()
    shots("10-portal-credited")
    phone.click("a.zj-btn:has-text('成绩单与核验码')")
    phone.wait_for_load_state("networkidle")
    transcript = phone.locator(".zj-card").first.inner_text()
    assert "工业机器人编程" in transcript and "工业机器人运维" in transcript
    shots("11-transcript")

    # Shares it: a verification code.
    phone.click("button:has-text('生成核验码')")
    phone.wait_for_load_state("networkidle")
    share = TranscriptShare.objects.get(learner=learner)
    assert "已生成核验码" in phone.content()
    assert phone.locator("table code").first.inner_text() == share.code
    shots("12-shared")

    # …and checks it on the public verification page, as an employer would, typing the code as
    # the message spells it (in groups of four).
    phone.goto(f"{base}/verify/")
    phone.fill("input[name=code]", transcripts.formatted_code(share.code))
    phone.click("button:has-text('核验')")
    phone.wait_for_load_state("networkidle")
    answer = phone.locator("section").inner_text()
    assert "真实有效" in answer and "陈**" in answer and learner.account_number in answer
    assert "工业机器人编程" in answer and "工业机器人运维" in answer
    assert "陈小红" not in phone.content() and learner.id_number not in phone.content()
    assert fits_the_screen(phone)
    shots("13-verified")

    # Withdraws the code: the phone asks first. Cancelling changes nothing; confirming revokes it,
    # and the public check then says so.
    phone.goto(f"{base}/credit/me/transcript/")
    revoke = phone.locator("form[action$='/revoke/'] button", has_text="撤销").first
    asked = []
    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    revoke.click()
    phone.wait_for_load_state("networkidle")
    assert asked and "该核验码不再有效" in asked[0]
    share.refresh_from_db()
    assert share.revoked_at is None
    phone.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    phone.wait_for_load_state("networkidle")
    share.refresh_from_db()
    assert share.revoked_at is not None
    shots("14-revoked")
