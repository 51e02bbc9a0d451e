"""The second half's pages and API routes: who may open them, and that they show what they should."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.talent import postings, services, supply
from zhijiao.talent.models import OccupationAlias, Posting, SupplyRecord

ROLES = ["office", "jyj", "school", "enterprise", "expert", "learner", "sysadmin"]


@pytest.fixture
def filled(talent, line):
    services.survey_save(
        user=talent.users["enterprise"],
        year=talent.year,
        lines=[line("6-18-02-04", 30)],
        submit=True,
    )
    supply.supply_save(
        user=None,
        school=talent.units["甲职校"],
        data=supply.SupplyData(
            major_code="460501",
            year=talent.year,
            enrolled=30,
            graduates=20,
            local_employed=10,
            further_study=5,
            other=5,
        ),
    )
    rows = postings.read_rows(
        "职位名称,职位描述\n焊工,持焊工证\n打磨师傅,负责打磨\n".encode(), "p.csv"
    )
    postings.postings_import(user=None, rows=rows, source="测试", year=talent.year)
    return talent


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("talent-postings", {"office"}),
        ("talent-supply", {"office", "jyj", "school"}),
        ("talent-analysis", {"office", "jyj", "school"}),
        ("talent-reports", {"office"}),
    ],
)
def test_who_opens_the_pages(client, filled, name, allowed):
    got = {}
    for role in ROLES:
        client.force_login(filled.users[role])
        got[role] = client.get(reverse(f"admin:{name}")).status_code
    assert got == {r: 200 if r in allowed else 403 for r in ROLES}


def test_the_analysis_page_shows_the_shortage_list_and_weights(client, filled):
    client.force_login(filled.users["office"])
    body = client.get(reverse("admin:talent-analysis") + f"?year={filled.year}").content.decode()
    assert "紧缺职业目录（紧缺指数 2025.1 版）" in body and "求人倍率" in body
    assert "6-18-02-04 焊工" in body and "0.4" in body
    cluster = client.get(
        reverse("admin:talent-analysis") + f"?year={filled.year}&cluster=metallurgy"
    )
    assert cluster.status_code == 200


def test_the_workbench_lists_low_confidence_first_and_corrects(client, filled):
    client.force_login(filled.users["office"])
    body = client.get(reverse("admin:talent-postings")).content.decode()
    assert "打磨师傅" in body and "未能归类" in body
    posting = Posting.objects.get(title="打磨师傅")
    response = client.post(
        reverse("admin:talent-posting-correct", args=[posting.pk]),
        {"occupation": "6-18-01-04", "learn": "on"},
    )
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.occupation.code == "6-18-01-04"
    assert OccupationAlias.objects.filter(alias="打磨师傅", occupation_code="6-18-01-04").exists()
    client.force_login(filled.users["school"])
    assert (
        client.post(
            reverse("admin:talent-posting-correct", args=[posting.pk]), {"occupation": "6-18-02-04"}
        ).status_code
        == 403
    )
    client.force_login(filled.users["office"])
    missing = client.post(
        reverse("admin:talent-posting-correct", args=[999999]), {"occupation": "6-18-02-04"}
    )
    assert missing.status_code == 404


def test_the_workbench_imports_and_lists_errors(client, filled):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(filled.users["office"])
    bad = SimpleUploadedFile("p.csv", "职位名称,职位描述\n焊工,x\n,\n锟斤拷,y\n".encode())
    body = client.post(
        reverse("admin:talent-postings"), {"file": bad, "source": "测试"}
    ).content.decode()
    assert "第 4 行" in body and "乱码" in body
    assert Posting.objects.count() == 2


def test_a_school_fills_in_its_supply_on_the_page(client, filled):
    client.force_login(filled.users["school"])
    response = client.post(
        reverse("admin:talent-supply"),
        {
            "major_code": "460103",
            "year": filled.year,
            "enrolled": 40,
            "graduates": 30,
            "local_employed": 20,
            "further_study": 5,
            "other": 5,
        },
    )
    assert response.status_code == 302
    assert SupplyRecord.objects.filter(school=filled.units["甲职校"], major__code="460103").exists()
    bad = client.post(
        reverse("admin:talent-supply"),
        {
            "major_code": "460103",
            "year": filled.year,
            "enrolled": 40,
            "graduates": 30,
            "local_employed": 29,
            "further_study": 5,
            "other": 5,
        },
    )
    assert "毕业去向合计" in bad.content.decode()
    client.force_login(filled.users["jyj"])  # reads, does not write
    assert client.post(reverse("admin:talent-supply"), {"major_code": "460103"}).status_code == 403


def test_the_api_reads_shortage_and_supply(client, filled):
    client.force_login(filled.users["office"])
    answer = client.get(f"/api/v1/talent/shortage?year={filled.year}&all=true").json()
    assert answer["version"] == "2025.1" and answer["weights"]["ratio"] == 0.4
    welder = next(o for o in answer["occupations"] if o["code"] == "6-18-02-04")
    assert welder["demand"] == 30 and welder["supply"] == 15.0 and welder["ratio"] == 2.0
    assert client.get("/api/v1/talent/supply").json()[0]["graduates"] == 20
    client.force_login(filled.users["school"])
    assert len(client.get("/api/v1/talent/supply").json()) == 1
    client.force_login(filled.users["enterprise"])
    assert client.get(f"/api/v1/talent/shortage?year={filled.year}").status_code == 403
    assert client.get("/api/v1/talent/supply").status_code == 403
    client.logout()
    assert client.get(f"/api/v1/talent/shortage?year={filled.year}").status_code == 401
    assert client.get("/api/v1/talent/reports").status_code == 200  # public


def test_the_supply_list_filters_by_major_and_exports_what_it_shows(client, filled):
    school = filled.units["甲职校"]
    for code in ("460103", "460301"):
        supply.supply_save(
            user=filled.users["office"],
            school=school,
            data=supply.SupplyData(
                major_code=code,
                year=filled.year,
                enrolled=40,
                graduates=30,
                local_employed=20,
                further_study=5,
                other=5,
            ),
        )
    client.force_login(filled.users["office"])
    page_url = reverse("admin:talent-supply")

    one = client.get(page_url, {"q": "460301"}).content.decode()
    none = client.get(page_url, {"q": "999999"}).content.decode()
    exported = client.get(page_url, {"q": "460103", "format": "xlsx"})

    assert "共 1 条（已筛选）" in one
    assert "没有符合筛选条件的毕业生供给" in none
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("年度", "学校", "专业代码")
    assert [(r[1], r[2], r[6]) for r in rows[1:]] == [("甲职校", "460103", 30)]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="talent.SupplyRecord"
    ).exists()
