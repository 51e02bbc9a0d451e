"""The credit bank's pages: every page for the roles allowed and refused, object pages in and out
of scope (404), unmasking audited, the review queue's filters and bulk actions, 集体开户 and bulk
submission with per-row Chinese errors, the rule editor and its dry run, statistics export."""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhijiao.core.access import PAGES
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.creditbank import imports, services
from zhijiao.creditbank.access import PAGES as CREDIT_PAGES
from zhijiao.creditbank.models import Application, ConversionRule, Learner
from zhijiao.creditbank.urls import urlpatterns

from .conftest import TODAY, bad_check_digit, make_id

pytestmark = pytest.mark.django_db

ROLES = ["office", "jyj", "school", "school_b", "enterprise", "expert", "learner", "sysadmin"]
GET_PAGES = [
    p.name
    for p in urlpatterns
    if not p.pattern.converters and "GET" in CREDIT_PAGES[p.name].methods  # type: ignore[attr-defined]
]


def url(name: str, *args: object) -> str:
    return reverse(f"admin:{name}", args=args)


def status_of(client, user, address: str, method: str = "get", data=None) -> int:
    client.force_login(user)
    return getattr(client, method)(address, data or {}).status_code


def test_every_page_is_declared_and_merged():
    assert {p.name for p in urlpatterns} == set(CREDIT_PAGES)
    assert set(CREDIT_PAGES) <= set(PAGES)


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_answers_the_roles_it_names_and_refuses_the_others(client, bank, name):
    access = CREDIT_PAGES[name]
    for role in ROLES:
        user = bank.users[role]
        expected = 200 if user.role in access.roles else 403
        assert status_of(client, user, url(name)) == expected, (name, role)


@pytest.mark.parametrize("name", GET_PAGES)
def test_anonymous_is_sent_to_login(client, bank, name):
    response = client.get(url(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.fixture
def applied(bank, learner_account):
    """The signed-in learner's application, submitted to 甲职校; another learner's of 乙职校."""
    learner = learner_account(name="王小明")
    bank.rule()
    bank.rule("R-YI", inputs=(("ROBOT", 1),), outputs=("YJ201",), programme="乙机电")
    mine = bank.apply(learner, [bank.cert(learner)], to="submitted")
    other = bank.open("乙职校", name="赵四")
    theirs = bank.apply(other, [bank.cert(other)], programme="乙机电", to="submitted")
    return learner, mine, other, theirs


def test_the_application_page_keeps_to_scope(client, bank, applied):
    _learner, mine, _other, theirs = applied
    expected = {
        ("learner", mine): 200,
        ("learner", theirs): 404,
        ("school", mine): 200,
        ("school", theirs): 404,
        ("school_b", mine): 404,
        ("school_b", theirs): 200,
        ("office", mine): 200,
        ("enterprise", mine): 403,
        ("expert", theirs): 403,
    }
    for (role, app), status in expected.items():
        got = status_of(client, bank.users[role], url("creditbank-application", app.pk))
        assert got == status, (role, app, got)


def test_the_learner_page_keeps_to_scope_and_shows_masked_data(client, bank, applied):
    learner, _mine, other, _theirs = applied
    for role, who, status in [
        ("school", learner, 200),
        ("school", other, 404),
        ("school_b", other, 200),
        ("office", learner, 200),
        ("learner", learner, 403),
        ("jyj", learner, 403),
    ]:
        assert status_of(client, bank.users[role], url("creditbank-learner", who.pk)) == status
    client.force_login(bank.users["school"])
    page = client.get(url("creditbank-learner", learner.pk)).content.decode()
    assert learner.id_number not in page and "王小明" not in page
    assert learner.id_number[:6] + "********" + learner.id_number[-4:] in page


def test_unmasking_is_allowed_to_the_bank_only_and_always_audited(client, bank, applied):
    learner = applied[0]
    address = url("creditbank-learner-unmask", learner.pk)

    client.force_login(bank.users["school"])
    refused = client.post(address, {"field": "id_number", "reason": "核对"})
    client.force_login(bank.office)
    shown = client.post(address, {"field": "id_number", "reason": "核对身份"})

    assert refused.status_code == 403 and learner.id_number not in refused.content.decode()
    assert shown.status_code == 200 and learner.id_number in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    events = AuditEvent.objects.filter(action=AuditAction.UNMASK, object_id=str(learner.pk))
    assert sorted(e.succeeded for e in events) == [False, True]
    client.force_login(bank.users["school_b"])
    assert client.post(address, {"field": "id_number"}).status_code == 404


def test_the_learner_sees_only_their_own_account_and_the_engines_explanation(client, bank, applied):
    learner, mine, _other, _theirs = applied
    client.force_login(bank.users["learner"])

    portal = client.get(url("creditbank-portal")).content.decode()
    detail = client.get(url("creditbank-application", mine.pk)).content.decode()

    assert learner.account_number in portal and "赵**" not in portal
    assert learner.id_number not in portal
    assert "王**" in portal
    assert "证书 工业机器人操作与运维 中级" in detail and "依据规则 R-ROBOT 第 1 版" in detail


def test_a_learner_without_an_account_is_told_how_to_get_one(client, bank):
    client.force_login(bank.users["learner"])
    for name in ("creditbank-portal", "creditbank-apply", "creditbank-transcript"):
        response = client.get(url(name))
        assert response.status_code == 200 and "您还没有学习账户" in response.content.decode()


def test_the_learner_withdraws_from_the_page(client, bank, applied):
    mine = applied[1]
    client.force_login(bank.users["learner"])

    client.post(url("creditbank-application-action", mine.pk, "withdraw"), {"comment": "不需要了"})

    mine.refresh_from_db()
    assert mine.status == "withdrawn"


def test_the_learner_cannot_review_their_own_application(client, bank, applied):
    mine = applied[1]
    client.force_login(bank.users["learner"])

    client.post(url("creditbank-application-action", mine.pk, "school"), {"decision": "approve"})

    mine.refresh_from_db()
    assert mine.status == "submitted"


def test_the_bank_chooses_a_school_before_its_programmes(client, bank, applied):
    """The bank sees every school: their programmes (thousands in a province) are offered for
    the school chosen; a school always sees its own."""
    jia, yi = (f'value="{bank.programmes[name].pk}"' for name in ("甲机电", "乙机电"))

    def programme_select(**params) -> str:
        page = client.get(url("creditbank-queue"), params).content.decode()
        select = page[page.index('name="programme"') :]
        return select[: select.index("</select>")]

    client.force_login(bank.office)
    every = programme_select(status="")
    one = programme_select(status="", school=bank.units["甲职校"].pk)
    client.force_login(bank.users["school"])
    own = programme_select()

    assert "请先选择审核学校" in every and jia not in every and yi not in every
    assert jia in one and yi not in one
    assert jia in own and yi not in own


def test_the_queue_counts_no_further_than_its_cap(client, bank, applied, monkeypatch):
    """A province's queue holds hundreds of thousands: the pager stops counting at the cap."""
    from zhijiao.creditbank import staff_views

    client.force_login(bank.office)
    whole = client.get(url("creditbank-queue"), {"status": ""}).content.decode()
    monkeypatch.setattr(staff_views, "COUNT_CAP", 1)
    capped = client.get(url("creditbank-queue"), {"status": ""}).content.decode()

    assert "共 2 份" in whole and "超过" not in whole
    assert "超过 10,000 份" in capped and "共 2 份" not in capped
    assert "XF" in capped  # the rows are listed all the same


def test_the_queue_filters_and_approves_in_bulk(client, bank, applied):
    _learner, mine, _other, theirs = applied
    second = bank.open(name="钱五")
    extra = bank.apply(second, [bank.cert(second)], to="submitted")
    client.force_login(bank.users["school"])

    queue = client.get(url("creditbank-queue")).content.decode()
    only = client.get(url("creditbank-queue"), {"q": extra.number}).content.decode()
    response = client.post(
        url("creditbank-queue-bulk"),
        {"action": "school_approve", "ids": [mine.pk, extra.pk, theirs.pk]},
        follow=True,
    )

    assert mine.number in queue and extra.number in queue and theirs.number not in queue
    assert mine.number not in only and extra.number in only
    assert "已处理 2 份" in response.content.decode()
    assert set(
        Application.objects.filter(status="school_approved").values_list("pk", flat=True)
    ) == {
        mine.pk,
        extra.pk,
    }
    theirs.refresh_from_db()
    assert theirs.status == "submitted"  # out of 甲职校's scope: not even seen


def test_a_bulk_action_reports_what_it_could_not_do_in_chinese(client, bank, applied):
    mine = applied[1]
    client.force_login(bank.users["school"])

    response = client.post(
        url("creditbank-queue-bulk"), {"action": "school_return", "ids": [mine.pk]}, follow=True
    )

    assert "请填写退回或不通过的理由" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "submitted"


def test_the_bank_cannot_be_asked_for_a_school_action_in_bulk(client, bank, applied):
    mine = applied[1]
    client.force_login(bank.office)

    response = client.post(
        url("creditbank-queue-bulk"), {"action": "school_approve", "ids": [mine.pk]}, follow=True
    )

    assert "请选择您可以执行的批量操作" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "submitted"


def test_the_bank_approves_and_notices_in_bulk_and_records_an_objection(client, bank, applied):
    mine = applied[1]
    clerk = bank.users["school"]
    services.application_school_review(user=clerk, application=mine, decision="approve")
    client.force_login(bank.office)

    client.post(url("creditbank-queue-bulk"), {"action": "bank_approve", "ids": [mine.pk]})
    client.post(url("creditbank-queue-bulk"), {"action": "notice", "ids": [mine.pk], "days": "3"})
    mine.refresh_from_db()
    assert mine.status == "in_notice" and (mine.notice_ends - mine.notice_starts).days == 2

    client.post(
        url("creditbank-application-action", mine.pk, "objection"),
        {"source": "来信", "text": "证书存疑"},
    )
    page = client.get(url("creditbank-application", mine.pk)).content.decode()
    assert "证书存疑" in page and "异议不成立" in page


def test_revocation_from_the_page_needs_a_reason_and_shows_on_the_page(client, bank):
    learner = bank.open(name="周七")
    bank.rule()
    app = bank.apply(learner, [bank.cert(learner)])
    client.force_login(bank.office)

    refused = client.post(url("creditbank-application-action", app.pk, "revoke"), {"reason": ""})
    app.refresh_from_db()
    assert refused.status_code == 302 and app.status == "credited"

    client.post(url("creditbank-application-action", app.pk, "revoke"), {"reason": "证书系伪造"})
    page = client.get(url("creditbank-application", app.pk)).content.decode()
    app.refresh_from_db()
    assert app.status == "revoked" and "证书系伪造" in page


def test_name_correction_from_the_page_keeps_history(client, bank, applied):
    learner = applied[0]
    client.force_login(bank.office)

    client.post(
        url("creditbank-learner-rename", learner.pk), {"new_name": "王晓明", "reason": "户籍更正"}
    )

    learner.refresh_from_db()
    assert learner.name == "王晓明"
    page = client.get(url("creditbank-learner", learner.pk)).content.decode()
    assert "王小明 → 王晓明" in page and "户籍更正" in page
    client.force_login(bank.users["school"])
    assert (
        client.post(url("creditbank-learner-rename", learner.pk), {"new_name": "x"}).status_code
        == 403
    )


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(imports.HEADERS)
    for row in rows:
        ws.append(row)
    stream = io.BytesIO()
    wb.save(stream)
    stream.seek(0)
    stream.name = "开户.xlsx"
    return stream


def test_group_account_opening_lists_every_bad_row_and_opens_none(client, bank):
    client.force_login(bank.users["school"])
    template = client.get(url("creditbank-learners-import"), {"template": "xlsx"})
    assert load_workbook(io.BytesIO(template.content)).active["A1"].value == "开户学校"

    response = client.post(
        url("creditbank-learners-import"),
        {
            "file": _workbook(
                [["甲职校", "张三", make_id(1)], ["甲职校", "李四", bad_check_digit(make_id(2))]]
            )
        },
    )

    page = response.content.decode()
    assert response.status_code == 200 and "校验" in page and '<td class="num">3</td>' in page
    assert Learner.objects.count() == 0

    done = client.post(
        url("creditbank-learners-import"),
        {"file": _workbook([["甲职校", "张三", make_id(1)], ["甲职校", "李四", make_id(2)]])},
    )
    assert done.status_code == 302 and Learner.objects.count() == 2


def test_opening_one_account_refuses_a_duplicate_in_chinese(client, bank):
    number = make_id(7)
    bank.open(id_number=number)
    client.force_login(bank.users["school"])

    response = client.post(
        url("creditbank-learner-new"),
        {"school": bank.units["甲职校"].pk, "name": "张三", "id_number": number, "phone": ""},
    )

    assert "不能重复开户" in response.content.decode()
    assert Learner.objects.count() == 1


def test_bulk_submission_is_all_or_nothing_with_each_learners_problem(client, bank):
    bank.rule()
    good = bank.open(name="甲")
    bank.cert(good)
    bad = bank.open(name="乙")
    bank.cert(bad, certificate="CNC")  # no rule converts it
    client.force_login(bank.users["school"])
    programme = bank.programmes["甲机电"].pk

    refused = client.post(
        url("creditbank-bulk-submit"), {"programme": programme, "learners": [good.pk, bad.pk]}
    )
    assert Application.objects.count() == 0
    page = refused.content.decode()
    assert bad.account_number in page and "不能转换任何学分" in page

    done = client.post(
        url("creditbank-bulk-submit"), {"programme": programme, "learners": [good.pk]}
    )
    assert done.status_code == 302
    assert list(Application.objects.values_list("learner_id", "status")) == [(good.pk, "submitted")]


def test_a_rule_is_drafted_from_the_editor_and_a_cap_breach_is_refused(client, bank):
    client.force_login(bank.office)
    data = {
        "code": "R-NEW",
        "title": "电工证书转换",
        "programme": bank.programmes["甲机电"].pk,
        "valid_from": "2025-01-01",
        "max_share_percent": "10",
        "cert_1": "ELEC",
        "level_1": "2",
        "outputs": [bank.courses["JD103"].pk],
    }

    too_much = client.post(url("creditbank-rule-new"), data)
    assert "超过" in too_much.content.decode() and not ConversionRule.objects.exists()

    data["max_share_percent"] = "50"
    created = client.post(url("creditbank-rule-new"), data)
    rule = ConversionRule.objects.get()
    assert created.status_code == 302 and (rule.code, rule.version, rule.status) == (
        "R-NEW",
        1,
        "draft",
    )
    new_version = client.get(url("creditbank-rule-new"), {"from": rule.pk}).content.decode()
    assert 'value="R-NEW"' in new_version

    client.post(url("creditbank-rule-action", rule.pk, "publish"))
    rule.refresh_from_db()
    assert rule.status == "published"


def test_a_school_may_not_edit_another_schools_rule(client, bank):
    rule = bank.rule("R-YI", inputs=(("ROBOT", 1),), outputs=("YJ201",), programme="乙机电")
    client.force_login(bank.users["school"])

    client.post(url("creditbank-rule-action", rule.pk, "retire"), {"reason": "x"})

    rule.refresh_from_db()
    assert rule.status == "published"


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("creditbank").get_models()
    } | {"audit": AuditEvent.objects.count()}


def test_the_dry_run_shows_what_a_rule_would_give_and_changes_nothing(client, bank):
    rule = bank.rule(publish=False)
    learners = [bank.open(name=f"学员{i}") for i in range(3)]
    for learner in learners[:2]:
        bank.cert(learner)
    client.force_login(bank.office)
    before = _row_counts()

    response = client.get(
        url("creditbank-rule", rule.pk),
        {
            "dry_run": "1",
            "accounts": "\n".join(x.account_number for x in learners),
            "on_date": "2025-06-01",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "依据规则 R-ROBOT 第 1 版" in page
    for learner in learners:
        assert learner.account_number in page
    assert _row_counts() == before


def test_statistics_page_and_xlsx_export(client, bank):
    learner = bank.open()
    bank.rule()
    bank.apply(learner, [bank.cert(learner)], today=TODAY)
    client.force_login(bank.office)

    page = client.get(url("creditbank-stats")).content.decode()
    export = client.get(url("creditbank-stats"), {"format": "xlsx"})

    assert "1+X 职业技能等级证书" in page and "甲职校" in page
    assert "统计时间：" in page
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.sheetnames == [
        "学习成果（按类型、年度）",
        "入账学分（按学校、年度）",
        "认定申请（按学校、状态）",
    ]
    rows = list(wb["入账学分（按学校、年度）"].iter_rows(values_only=True))
    assert rows[1][:4] == ("甲职校", "2025", 2, 8)
    client.force_login(bank.users["school_b"])
    assert "甲职校" not in client.get(url("creditbank-stats")).content.decode()


def test_statistics_by_school_show_a_page_of_schools_at_a_time(client, bank, monkeypatch):
    """A province's bank serves over a thousand schools: the tables by school show twenty at a
    time, searchable by name, while the export keeps them all."""
    from decimal import Decimal

    from zhijiao.creditbank import selectors

    figures = selectors.Statistics(
        outcomes=(),
        credits=tuple(
            selectors.StatRow((f"第{n:02d}职业学校", year), n, Decimal(n))
            for year in ("2025", "2024")
            for n in range(45)
        ),
        applications=tuple(
            selectors.StatRow((f"第{n:02d}职业学校", "已认定"), 1, Decimal(1)) for n in range(45)
        ),
    )
    monkeypatch.setattr(selectors, "statistics", lambda user, year=None: figures)
    client.force_login(bank.office)

    first = client.get(url("creditbank-stats")).content.decode()
    last = client.get(url("creditbank-stats"), {"page": "3"}).content.decode()
    found = client.get(url("creditbank-stats"), {"school": "第1"}).content.decode()
    export = client.get(url("creditbank-stats"), {"format": "xlsx"})

    assert "共 45 所学校，每页 20 所" in first and "第 1 / 3 页" in first
    assert first.count("<td>第00职业学校</td>") == 3 and "第20职业学校" not in first
    assert "第44职业学校" in last and "第19职业学校" not in last
    assert sorted(set(re.findall(r"第\d\d职业学校", found))) == [
        f"第1{n}职业学校" for n in range(10)
    ]
    assert "共 10 所学校" in found and 'href="?school=' not in found  # one page: no pager
    sheet = load_workbook(io.BytesIO(export.content))["入账学分（按学校、年度）"]
    assert sheet.max_row == 1 + 90


def test_statistics_being_computed_elsewhere_are_announced_not_computed_again(
    client, bank, settings, monkeypatch
):
    """At province scale the first figures take seconds: one request computes them, the others
    say so and refresh, instead of each taking the machine's whole time."""
    from django.core.cache import cache

    from zhijiao.core import cache as kept_figures

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    monkeypatch.setattr(kept_figures, "WAIT_SECONDS", 0.01)
    client.force_login(bank.office)
    assert cache.add("zhijiao:credit-stats:all:all:zh-hans:computing", 1, 30)

    page = client.get(url("creditbank-stats")).content.decode()
    cache.clear()
    done = client.get(url("creditbank-stats")).content.decode()

    assert "统计数据正在生成" in page and 'http-equiv="refresh"' in page
    assert "暂无数据" not in page and "统计时间：" not in page
    assert "统计时间：" in done and "统计数据正在生成" not in done


def _queries(client, address: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_list_pages_cost_the_same_queries_whatever_the_number_of_rows(client, bank):
    bank.rule()
    client.force_login(bank.office)

    def add(n: int) -> None:
        for _ in range(n):
            learner = bank.open()
            bank.apply(learner, [bank.cert(learner)], to="school_approved")

    add(2)
    for name in ("creditbank-queue", "creditbank-learners"):
        client.get(url(name))  # the session's first requests set it up
    few = {
        name: _queries(client, url(name)) for name in ("creditbank-queue", "creditbank-learners")
    }
    add(4)
    many = {
        name: _queries(client, url(name)) for name in ("creditbank-queue", "creditbank-learners")
    }

    assert few == many


def test_queue_and_learners_export_the_scope_and_filters_masked_and_audited(client, bank, applied):
    learner, mine, other, theirs = applied
    client.force_login(bank.users["school"])
    response = client.get(url("creditbank-queue"), {"status": "", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("申请编号", "学习账号", "学校", "专业", "状态")
    # 甲职校's clerk gets 甲职校's application only, as on the page.
    assert [r[1] for r in rows[1:]] == [learner.account_number]
    assert rows[1][4] == mine.get_status_display()
    # The filters of the page apply to the export.
    response = client.get(url("creditbank-queue"), {"status": "credited", "format": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 1

    response = client.get(url("creditbank-learners"), {"format": "xlsx"})
    text = " ".join(
        str(v)
        for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for v in r
        if v is not None
    )
    assert learner.account_number in text and other.account_number not in text
    assert learner.id_number not in text and "王小明" not in text
    assert learner.id_number[:6] + "********" + learner.id_number[-4:] in text
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=bank.users["school"])
    assert sorted(exports.values_list("object_type", flat=True)) == [
        "creditbank.Application",
        "creditbank.Application",
        "creditbank.Learner",
    ]


def test_the_rule_list_filters_pages_and_exports_what_it_shows(client, bank):
    bank.rule("R-ROBOT")
    bank.rule("R-YI", inputs=(("ROBOT", 1),), outputs=("YJ201",), programme="乙机电")
    bank.rule("R-DRAFT", publish=False)
    client.force_login(bank.office)

    everything = client.get(url("creditbank-rules")).content.decode()
    drafts = client.get(url("creditbank-rules"), {"status": "draft"}).content.decode()
    by_word = client.get(url("creditbank-rules"), {"q": "r-yi"}).content.decode()
    nothing = client.get(url("creditbank-rules"), {"q": "没有这条"}).content.decode()

    assert "共 3 条规则版本。" in everything
    assert "R-DRAFT" in drafts and "R-ROBOT" not in drafts and "（已筛选）" in drafts
    assert "R-YI" in by_word and "R-ROBOT" not in by_word
    assert "没有符合筛选条件的规则" in nothing

    response = client.get(url("creditbank-rules"), {"status": "published", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("规则编号", "版本", "名称")
    assert sorted(r[0] for r in rows[1:]) == ["R-ROBOT", "R-YI"]
    assert {r[-1] for r in rows[1:]} == {"已发布"}
    audit = AuditEvent.objects.get(
        action=AuditAction.EXPORT, object_type="creditbank.ConversionRule"
    )
    assert "status=published" in audit.message
