"""Pages and API: who sees what. Object pages with ids answer 404 outside the user's scope (the
permission walk covers only pages without arguments); forms refuse bad input in Chinese."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.evaluation.conftest import FIGURES, SCORING_DUE, scored_round
from tests.sheets import response_rows
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.evaluation import services
from zhijiao.evaluation.data import AppealStatus, ConflictKind, SchemeKind
from zhijiao.evaluation.models import Appeal, Assignment, Criterion, Round, Scheme
from zhijiao.indicators.models import Indicator

ROLES = ["office", "jyj", "rsj", "school", "school3", "expert", "expert2", "enterprise", "learner"]


@pytest.fixture
def noticed(world):
    """A round through reconciliation into its public notice, open today."""
    return _in_notice(world)


def _in_notice(world):
    FIGURES[(world.units["甲职校"].pk, 2024)] = Decimal(85)
    round_ = scored_round(world)
    office = world.users["office"]
    services.round_start_reconciliation(user=office, round_=round_, today=SCORING_DUE)
    today = timezone.localdate()
    services.round_publish_notice(
        user=office,
        round_=round_,
        notice_starts=today - dt.timedelta(days=1),
        notice_ends=today + dt.timedelta(days=5),
    )
    return round_


def statuses(client, world, url, method="get", data=None):
    got = {}
    for name in ROLES:
        client.force_login(world.users[name])
        got[name] = getattr(client, method)(url, data or {}).status_code
    return got


@pytest.mark.django_db
def test_object_pages_answer_404_outside_the_scope(client, world, noticed):
    jia = noticed.entries.get(school=world.units["甲职校"])
    bing = noticed.entries.get(school=world.units["丙职校"])
    # 甲职校 is supervised by 教育局 (jyj); 丙职校 by 人社局 (rsj).
    for name in ("evaluation-entry", "evaluation-self"):
        assert statuses(client, world, reverse(f"admin:{name}", args=[jia.pk])) == {
            "office": 200,
            "jyj": 200,
            "rsj": 404,
            "school": 200,
            "school3": 404,
            "expert": 403,
            "expert2": 403,
            "enterprise": 403,
            "learner": 403,
        }, name
    assert statuses(client, world, reverse("admin:evaluation-entry", args=[bing.pk]))["rsj"] == 200
    # The round itself: those who have a school in it.
    got = statuses(client, world, reverse("admin:evaluation-round", args=[noticed.pk]))
    assert got == {
        "office": 200,
        "jyj": 200,
        "rsj": 200,
        "school": 200,
        "school3": 200,
        "expert": 403,
        "expert2": 403,
        "enterprise": 403,
        "learner": 403,
    }
    for name in ("evaluation-round-assign", "evaluation-reconcile"):
        got = statuses(client, world, reverse(f"admin:{name}", args=[noticed.pk]))
        assert {k for k, v in got.items() if v == 200} == {"office"}, name


@pytest.mark.django_db
def test_results_show_only_schools_in_scope_and_export(client, world, noticed):
    url = reverse("admin:evaluation-results", args=[noticed.pk])
    client.force_login(world.users["school"])
    page = client.get(url).content.decode()
    assert "甲职校" in page and "乙职校" not in page and "丙职校" not in page
    assert 'data-type="radar"' in page and "全市平均" in page
    response = client.get(url + "?export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["评价结果"].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["甲职校"]
    assert rows[0][-2:] == ("总分", "等级")
    assert {r[0] for r in list(book["得分明细"].iter_rows(values_only=True))[1:]} == {"甲职校"}

    client.force_login(world.users["office"])
    response = client.get(url + "?export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    names = [r[1] for r in list(book["评价结果"].iter_rows(values_only=True))[1:]]
    assert sorted(names) == ["丙职校", "乙职校", "甲职校"]


@pytest.mark.django_db
def test_results_are_hidden_before_the_notice(client, world):
    round_ = scored_round(world)
    services.round_start_reconciliation(
        user=world.users["office"], round_=round_, today=SCORING_DUE
    )
    url = reverse("admin:evaluation-results", args=[round_.pk])
    client.force_login(world.users["school"])
    assert "公示开始后" in client.get(url).content.decode()
    assert client.get(url + "?export=xlsx").status_code == 404
    client.force_login(world.users["office"])
    assert "甲职校" in client.get(url).content.decode()


@pytest.mark.django_db
def test_experts_see_only_their_sheets(client, world):
    round_ = world.round(schools=("甲职校", "乙职校"))
    office = world.users["office"]
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert"], schools=[world.units["甲职校"]]
    )
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert2"], schools=[world.units["乙职校"]]
    )
    services.round_open(user=office, round_=round_)
    mine = Assignment.objects.get(expert=world.users["expert"])
    client.force_login(world.users["expert"])
    workspace = client.get(reverse("admin:evaluation-scoring")).content.decode()
    assert "甲职校" in workspace and "乙职校" not in workspace
    theirs = Assignment.objects.get(expert=world.users["expert2"])
    assert client.get(reverse("admin:evaluation-score", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:evaluation-score", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("admin:evaluation-score", args=[theirs.pk]), {"points_1": "1"}
        ).status_code
        == 404
    )
    client.force_login(world.users["office"])
    assert client.get(reverse("admin:evaluation-score", args=[mine.pk])).status_code == 403


@pytest.mark.django_db
def test_the_expert_form_refuses_a_score_outside_the_band(client, world):
    round_ = world.round(schools=("甲职校",))
    office = world.users["office"]
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert"], schools=[world.units["甲职校"]]
    )
    services.round_open(user=office, round_=round_)
    # The self-assessment deadline (2025) has passed: scoring may start; give it a future end.
    services.round_start_scoring(user=office, round_=round_)
    Round.objects.filter(pk=round_.pk).update(
        scoring_due=timezone.localdate() + dt.timedelta(days=3)
    )
    assignment = Assignment.objects.get()
    client.force_login(world.users["expert"])
    b1 = world.leaf["B1"].pk
    response = client.post(
        reverse("admin:evaluation-score", args=[assignment.pk]),
        {f"points_{b1}": "31", "action": "save"},
        follow=True,
    )
    assert "评分应在 0 至 30 分之间，收到 31 分" in response.content.decode()
    assert not assignment.scores.exists()
    client.post(
        reverse("admin:evaluation-score", args=[assignment.pk]),
        {f"points_{b1}": "25", f"comment_{b1}": "较好", "action": "save"},
    )
    assert assignment.scores.get().points == 25


@pytest.mark.django_db
def test_a_school_appeals_on_its_page_and_the_office_decides(client, world, noticed):
    entry = noticed.entries.get(school=world.units["甲职校"])
    client.force_login(world.users["school"])
    page = client.get(reverse("admin:evaluation-entry", args=[entry.pk])).content.decode()
    assert "提出申诉" in page and "优势" in page and "短板" in page
    client.post(
        reverse("admin:evaluation-appeal-new", args=[entry.pk]),
        {"criterion": world.leaf["B1"].pk, "reason": "材料未被采信"},
    )
    appeal = Appeal.objects.get()
    # Another school cannot appeal for it: not found.
    client.force_login(world.users["school3"])
    response = client.post(
        reverse("admin:evaluation-appeal-new", args=[entry.pk]), {"reason": "他校"}
    )
    assert response.status_code == 404
    client.force_login(world.users["jyj"])
    assert "材料未被采信" in client.get(reverse("admin:evaluation-appeals")).content.decode()
    client.force_login(world.users["rsj"])
    assert "材料未被采信" not in client.get(reverse("admin:evaluation-appeals")).content.decode()
    client.force_login(world.users["office"])
    client.post(
        reverse("admin:evaluation-appeal-decide", args=[appeal.pk]),
        {"upheld": "1", "decision": "属实", "points": "28"},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and appeal.points_after == 28

    # The list filters by state and exports what it shows.
    appeals = reverse("admin:evaluation-appeals")
    assert "共 1 项申诉（已筛选）" in client.get(appeals, {"status": "upheld"}).content.decode()
    assert "没有符合筛选条件的申诉" in client.get(appeals, {"status": "pending"}).content.decode()
    exported = client.get(appeals, {"status": "upheld", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert [(r[1], r[3], r[6], r[7], r[9]) for r in rows[1:]] == [
        ("甲职校", "材料未被采信", "申诉成立", "属实", 28.0)
    ]


@pytest.mark.django_db
def test_scheme_edit_page_refuses_weights_that_do_not_add_up(client, world):
    client.force_login(world.users["office"])
    url = reverse("admin:evaluation-scheme-edit", args=[world.scheme.pk])
    assert client.get(url).status_code == 200
    data = {}
    for c in Criterion.objects.filter(scheme=world.scheme):
        data[f"name_{c.pk}"] = c.name
        data[f"weight_{c.pk}"] = str(c.weight)
        if c.method == "auto":
            data[f"bands_{c.pk}"] = "60:10, 80:30, 90:40"
        elif c.method:
            data[f"rubric_{c.pk}"] = c.rubric
    data[f"weight_{world.leaf['B1'].pk}"] = "35"
    response = client.post(url, data, follow=True)
    assert "下级指标分值合计应为 60 分，现为 65 分" in response.content.decode()
    assert Criterion.objects.get(pk=world.leaf["B1"].pk).weight == 30
    client.force_login(world.users["school"])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_api_reads_within_scope(client, world, noticed):
    client.force_login(world.users["school"])
    schemes = client.get("/api/v1/evaluation/schemes").json()
    assert schemes[0]["code"] == "test-scheme" and len(schemes[0]["criteria"]) == 5
    rounds = client.get("/api/v1/evaluation/rounds").json()
    assert rounds[0]["schools"] == 1  # progress counted over what the school may see
    results = client.get(f"/api/v1/evaluation/results?round={noticed.pk}").json()
    assert [r["school"] for r in results["results"]] == ["甲职校"]
    assert results["average"] is not None
    client.force_login(world.users["office"])
    results = client.get(f"/api/v1/evaluation/results?round={noticed.pk}").json()
    assert len(results["results"]) == 3
    client.force_login(world.users["expert"])
    assert client.get("/api/v1/evaluation/schemes").status_code == 403
    client.force_login(world.users["enterprise"])
    assert client.get(f"/api/v1/evaluation/results?round={noticed.pk}").status_code == 403
    client.logout()
    assert client.get("/api/v1/evaluation/rounds").status_code == 401


@pytest.mark.django_db
def test_api_hides_rounds_outside_the_scope(client, world):
    round_ = world.round(schools=("丙职校",))
    client.force_login(world.users["school"])
    assert client.get("/api/v1/evaluation/rounds").json() == []
    response = client.get(f"/api/v1/evaluation/results?round={round_.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_main_pages_render(client, world, noticed):
    client.force_login(world.users["office"])
    for name, args in [
        ("evaluation-rounds", []),
        ("evaluation-schemes", []),
        ("evaluation-scheme", [world.scheme.pk]),
        ("evaluation-compare", []),
        ("evaluation-pay", []),
        ("evaluation-appeals", []),
        ("evaluation-reports", []),
        ("evaluation-experts", []),
        ("evaluation-round-new", []),
        ("evaluation-reconcile", [noticed.pk]),
    ]:
        response = client.get(reverse(f"admin:{name}", args=args) + ("?all=1" if args else ""))
        assert response.status_code == 200, name
    page = client.get(reverse("admin:evaluation-compare") + "?scheme=test-scheme").content
    assert "2024年" in page.decode()


# ---------------------------------------------------------------- lists: filters, pages, export


PAY_HEADERS = (
    "考核轮次",
    "学校",
    "考核得分",
    "等级",
    "名次",
    "年培训人次",
    "全日制在校生",
    "培训完成度",
    "参考分",
    "参考系数",
    "缺失数据",
)


@pytest.fixture
def service_round(world):
    """A 社会服务能力绩效考核 round in its notice; 甲职校 and 乙职校 have a training ratio
    (read by TRAINING_RATIO from the test figures), 丙职校 has none."""
    Scheme.objects.filter(pk=world.scheme.pk).update(kind=SchemeKind.SOCIAL_SERVICE)
    world.scheme.refresh_from_db()
    Indicator.objects.create(
        code="TRAINING_RATIO", name="培训人次与在校生之比", numerator="#{EVAL_TEST}"
    )
    FIGURES[(world.units["乙职校"].pk, 2024)] = Decimal(1)
    return _in_notice(world)


def pay_table_schools(html):
    return [name for name in ("甲职校", "乙职校", "丙职校") if f"<tr><td>{name}</td>" in html]


@pytest.mark.django_db
def test_pay_basis_filters_pages_and_exports_what_it_shows(client, world, service_round):
    url = reverse("admin:evaluation-pay")
    office = world.users["office"]
    client.force_login(office)
    jia, bing = world.units["甲职校"], world.units["丙职校"]

    everything = client.get(url).content.decode()
    by_school = client.get(url, {"school": jia.pk}).content.decode()
    by_grade = client.get(url, {"grade": "不合格"}).content.decode()
    nothing = client.get(url, {"school": jia.pk, "grade": "不存在的等级"}).content.decode()
    unknown_school = client.get(url, {"school": 987654}).content.decode()

    assert pay_table_schools(everything) == ["甲职校", "乙职校", "丙职校"]
    assert "共 3 所学校" in everything and "导出 Excel" in everything
    # The round is always one round (the latest unless chosen): no 全部, and not a filter.
    assert f'<select name="round"><option value="{service_round.pk}" selected>' in everything
    assert "已筛选" not in everything and "清除筛选" not in everything
    assert "已筛选" not in client.get(url, {"round": service_round.pk}).content.decode()
    assert pay_table_schools(by_school) == ["甲职校"] and "共 1 所学校（已筛选）" in by_school
    # 甲职校 scored 76 (良好), the others 46 (不合格); grades are offered best first.
    assert pay_table_schools(by_grade) == ["乙职校", "丙职校"]
    assert everything.index('<option value="良好">') < everything.index('<option value="不合格">')
    # A grade not offered is dropped: the school filter alone applies.
    assert pay_table_schools(nothing) == ["甲职校"]
    assert "没有符合筛选条件的学校" in unknown_school and "清除筛选" in unknown_school

    all_rows = response_rows(client.get(url, {"format": "xlsx"}))
    one_rows = response_rows(client.get(url, {"school": jia.pk, "format": "xlsx"}))

    assert all_rows[0] == PAY_HEADERS and one_rows[0] == PAY_HEADERS
    assert sorted(r[1] for r in all_rows[1:]) == sorted(["甲职校", "乙职校", "丙职校"])
    assert [r[1] for r in one_rows[1:]] == ["甲职校"]
    # The coefficient stays relative to every school of the round, whatever the filter keeps.
    jia_everywhere = next(r for r in all_rows[1:] if r[1] == "甲职校")
    assert one_rows[1] == jia_everywhere
    assert jia_everywhere[9] is not None and jia_everywhere[9] != 1.0
    assert next(r for r in all_rows[1:] if r[1] == "丙职校")[10]  # its missing data is named
    exports = AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=office, object_type="evaluation.Entry"
    ).order_by("pk")
    assert [e.message for e in exports] == [
        f"导出绩效工资核定依据 3 行（筛选：round={service_round.pk}）",
        f"导出绩效工资核定依据 1 行（筛选：round={service_round.pk}；school={jia.pk}）",
    ]

    # A school sees its own row alone, in the page and the export, even asking for another's.
    client.force_login(world.users["school"])
    assert pay_table_schools(client.get(url).content.decode()) == ["甲职校"]
    assert [r[1] for r in response_rows(client.get(url, {"format": "xlsx"}))[1:]] == ["甲职校"]
    asked = response_rows(client.get(url, {"school": bing.pk, "format": "xlsx"}))
    assert asked == [PAY_HEADERS]
    # 人社局 supervises 丙职校 alone.
    client.force_login(world.users["rsj"])
    assert pay_table_schools(client.get(url).content.decode()) == ["丙职校"]
    assert [r[1] for r in response_rows(client.get(url, {"format": "xlsx"}))[1:]] == ["丙职校"]


@pytest.mark.django_db
def test_pay_basis_without_a_round_shows_what_to_wait_for(client, world):
    client.force_login(world.users["office"])
    page = client.get(reverse("admin:evaluation-pay")).content.decode()
    assert "还没有已公示或公布的社会服务能力绩效考核结果" in page and "导出 Excel" not in page


LINK_HEADERS = ("专家", "学校", "关系", "说明", "登记人", "登记时间")


@pytest.fixture
def links(world):
    office, units, users = world.users["office"], world.units, world.users
    for expert, school, kind, note in (
        ("expert", "甲职校", ConflictKind.EMPLOYED, "曾任教务处长"),
        ("expert", "丙职校", ConflictKind.COOPERATION, "合作企业顾问"),
        ("expert2", "乙职校", ConflictKind.RELATIVE, "配偶在该校任教"),
    ):
        services.expert_link_declare(
            user=office, expert=users[expert], school=units[school], kind=kind, note=note
        )


@pytest.mark.django_db
def test_conflicts_filter_page_and_export_what_they_show(client, world, links):
    url = reverse("admin:evaluation-experts")
    office = world.users["office"]
    client.force_login(office)

    everything = client.get(url).content.decode()
    by_kind = client.get(url, {"kind": ConflictKind.RELATIVE}).content.decode()
    by_school = client.get(url, {"school": world.units["丙职校"].pk}).content.decode()
    by_word = client.get(url, {"q": "教务"}).content.decode()
    nothing = client.get(url, {"q": "不存在的词"}).content.decode()

    assert "共 3 条回避关系" in everything and "导出 Excel" in everything
    assert "配偶在该校任教" in by_kind and "曾任教务处长" not in by_kind
    assert "共 1 条回避关系（已筛选）" in by_kind
    assert "合作企业顾问" in by_school and "配偶在该校任教" not in by_school
    assert "曾任教务处长" in by_word and "合作企业顾问" not in by_word
    assert "没有符合筛选条件的回避关系" in nothing and 'href="?">清除筛选' in nothing

    rows = response_rows(client.get(url, {"kind": ConflictKind.RELATIVE, "format": "xlsx"}))
    assert rows[0] == LINK_HEADERS
    assert [r[:4] for r in rows[1:]] == [
        (str(world.users["expert2"]), "乙职校", "近亲属在该校任职或就读", "配偶在该校任教")
    ]
    assert rows[1][4] == str(office)
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=office)
    assert exported.object_type == "evaluation.ExpertLink"
    assert exported.message == "导出专家回避关系 1 行（筛选：kind=relative）"


@pytest.mark.django_db
def test_an_expert_sees_and_exports_only_their_own_conflicts(client, world, links):
    url = reverse("admin:evaluation-experts")
    client.force_login(world.users["expert"])

    page = client.get(url).content.decode()
    rows = response_rows(client.get(url, {"format": "xlsx"}))
    asked = response_rows(client.get(url, {"school": world.units["乙职校"].pk, "format": "xlsx"}))

    assert "曾任教务处长" in page and "合作企业顾问" in page
    assert "配偶在该校任教" not in page
    assert sorted(r[3] for r in rows[1:]) == ["合作企业顾问", "曾任教务处长"]
    assert asked == [LINK_HEADERS]
    assert (
        AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world.users["expert"]).count()
        == 2
    )
    # Schools and bureaus do not use the register at all.
    client.force_login(world.users["school"])
    assert client.get(url, {"format": "xlsx"}).status_code == 403
