"""What anyone may do without signing in — in a real browser.

An employer checks transcripts by their verification codes on /verify/ at a desk: a genuine one,
one the learner has withdrawn, and a mistyped one. A reader on a phone opens the list of published
talent-demand reports, reads this year's report (summary, shortage list, charts) and downloads
its Word document; a year not published is not found.
"""

from __future__ import annotations

import io

import pytest
from docx import Document

from zhijiao.creditbank import services as credit
from zhijiao.creditbank import transcripts
from zhijiao.talent import postings, reports, supply
from zhijiao.talent import services as talent_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_transcripts(bank, ledger_flushable):
    """王晓明's 1+X certificate credited (8 学分), shared twice; the older code withdrawn."""
    learner = bank.open(name="王晓明")
    bank.rule()
    bank.apply(learner, [bank.cert(learner)], to="credited")
    withdrawn = credit.transcript_share_create(user=bank.office, learner=learner)
    credit.transcript_share_revoke(user=bank.office, share=withdrawn, reason="学习者撤回分享")
    current = credit.transcript_share_create(user=bank.office, learner=learner)
    return learner, current, withdrawn


@pytest.fixture
def published_report(talent) -> int:
    """This year's demand from two enterprises, one school's supply and a few job postings,
    reported and published (as in tests/talent/test_report.py)."""
    year = talent.year
    for user, lines in (
        ("enterprise", [("6-18-02-04", 30, "urgent"), ("6-31-01-03", 12, "normal")]),
        ("enterprise2", [("6-18-01-01", 15, "soon")]),
    ):
        talent_services.survey_save(
            user=talent.users[user],
            year=year,
            lines=[
                talent_services.LineData(occupation=code, headcount=n, urgency=urgency)
                for code, n, urgency in lines
            ],
            submit=True,
        )
    for major, graduates in (("460501", 20), ("460103", 40)):
        supply.supply_save(
            user=None,
            school=talent.units["甲职校"],
            data=supply.SupplyData(
                major_code=major,
                year=year,
                enrolled=graduates,
                graduates=graduates,
                local_employed=graduates - 5,
                further_study=5,
                other=0,
            ),
        )
    rows = postings.read_rows(
        "职位名称,职位描述\n焊工,持焊工证\n电工,持低压电工证，PLC\n数控车工,看懂图纸\n".encode(),
        "招聘信息.csv",
    )
    postings.postings_import(user=None, rows=rows, source="测试", year=year)
    reports.report_archive(user=None, year=year)
    reports.report_publish(user=None, year=year)
    return year


def verify(page, base: str, code: str) -> str:
    page.goto(f"{base}/verify/")
    page.fill("input[name=code]", code)
    page.click("button:has-text('核验')")
    page.wait_for_load_state("networkidle")
    return page.locator("section").inner_text()


def test_the_public_verifies_transcripts_and_reads_the_talent_report(
    live_server, browser_page, phone_page, shots, shared_transcripts, published_report
):
    desk, phone, base = browser_page, phone_page, live_server.url
    learner, current, withdrawn = shared_transcripts
    year = published_report

    # A genuine code, typed as printed on the transcript (groups of four): the masked name, the
    # account and the credits, nothing personal.
    answer = verify(desk, base, transcripts.formatted_code(current.code))
    assert "真实有效" in answer
    assert "王**" in answer and learner.account_number in answer
    assert "工业机器人编程" in answer and "工业机器人运维" in answer
    assert "王晓明" not in desk.content() and learner.id_number not in desk.content()
    assert "登录" not in desk.title()  # a public page, not the sign-in form
    shots("01-verified", page=desk)

    # The withdrawn code still answers, and says it is no longer valid.
    answer = verify(desk, base, withdrawn.code)
    assert "该成绩单分享已被撤销，不再有效" in answer and "学习者撤回分享" in answer
    shots("02-withdrawn", page=desk)

    # A mistyped code (last character changed) is not found.
    wrong = current.code[:-1] + ("A" if current.code[-1] != "A" else "B")
    answer = verify(desk, base, wrong)
    assert "核验码不存在" in answer and "王**" not in answer
    shots("03-not-found", page=desk)

    # On a phone: the list of published reports, then this year's report.
    title = reports.title_of(year)
    phone.goto(f"{base}/api/v1/talent/reports")
    assert "江阴市产业人才需求报告" in phone.title()
    listing = phone.locator("table").inner_text()
    assert title in listing and str(year) in listing
    shots("04-report-list")
    phone.click(f"a:text-is('{title}')")
    phone.wait_for_load_state("networkidle")
    assert phone.locator("h1").inner_text() == title
    for heading in ("一、摘要", "三、人才需求情况", "六、紧缺职业目录", "七、对策建议"):
        assert phone.locator("h2", has_text=heading).count() == 1, heading
    assert "未发布" not in phone.content()
    shortage = phone.locator("h2:has-text('六、紧缺职业目录') + table").inner_text()
    assert "焊工" in shortage
    charts = phone.locator("figure img[src^='data:image/png']")
    assert charts.count() >= 3
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shots("05-report")

    # The Word document of the same report.
    with phone.expect_download() as download:
        phone.click("a:has-text('下载 Word 文档')")
    assert download.value.suggested_filename == reports.filename_of(year)
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    assert document.paragraphs[0].text == title

    # A year with no published report is not found.
    response = phone.goto(f"{base}/api/v1/talent/report?year={year - 1}&format=html")
    assert response is not None and response.status == 404
