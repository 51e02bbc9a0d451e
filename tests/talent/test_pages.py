"""The talent pages: who may open what, another enterprise's survey is not found, and the forms
do what the services do."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.talent import imports, services
from zhijiao.talent.data import RoundStatus, SurveyStatus
from zhijiao.talent.models import DemandSurvey, MajorOccupation, SurveyRound

pytestmark = pytest.mark.django_db
ROLES = ["office", "jyj", "school", "enterprise", "enterprise2", "expert", "learner", "sysadmin"]


def status_for(client, talent, url, method="get", data=None):
    got = {}
    for who in ROLES:
        client.force_login(talent.users[who])
        got[who] = getattr(client, method)(url, data or {}).status_code
    return got


def test_another_enterprises_survey_is_not_found_and_others_are_refused(client, talent, line):
    survey = services.survey_save(
        user=talent.users["enterprise"], year=talent.year, lines=[line()], submit=True
    )
    got = status_for(client, talent, reverse("admin:talent-survey-detail", args=[survey.pk]))
    assert got == {
        "office": 200,
        "enterprise": 200,
        "enterprise2": 404,
        "jyj": 403,
        "school": 403,
        "expert": 403,
        "learner": 403,
        "sysadmin": 403,
    }
    missing = reverse("admin:talent-survey-detail", args=[survey.pk + 999])
    client.force_login(talent.users["office"])
    assert client.get(missing).status_code == 404
    decide = reverse("admin:talent-survey-decide", args=[survey.pk])
    got = status_for(client, talent, decide, "post", {"decision": "accept"})
    assert got["enterprise"] == 403 and got["jyj"] == 403
    survey.refresh_from_db()
    assert got["office"] == 302 and survey.status == SurveyStatus.ACCEPTED


def test_the_mapping_is_edited_by_the_office_only(client, talent):
    new = reverse("admin:talent-mapping-new")
    data = {
        "major_code": "460103",
        "occupation_code": "6-18-02-04",
        "industry_code": "C3731",
        "source": "本市船舶企业调研（2025）",
    }
    got = status_for(client, talent, new, "post", data)
    assert got["office"] == 302 and all(v == 403 for k, v in got.items() if k != "office")
    mapping = MajorOccupation.objects.get(
        major__code="460103", occupation__code="6-18-02-04", industry__code="C3731"
    )
    assert mapping.source == "本市船舶企业调研（2025）"
    client.force_login(talent.users["office"])
    response = client.post(new, data, follow=True)
    assert "这条职业面向已经存在" in response.content.decode()
    client.force_login(talent.users["school"])
    assert client.post(reverse("admin:talent-mapping-delete", args=[mapping.pk])).status_code == 403
    client.force_login(talent.users["office"])
    assert client.post(reverse("admin:talent-mapping-delete", args=[mapping.pk])).status_code == 302
    assert not MajorOccupation.objects.filter(pk=mapping.pk).exists()
    assert client.post(reverse("admin:talent-mapping-delete", args=[mapping.pk])).status_code == 404


def test_the_catalogue_tabs_search(client, talent):
    client.force_login(talent.users["enterprise"])
    url = reverse("admin:talent-catalogue")
    assert "焊工" in client.get(url, {"q": "焊"}).content.decode()
    assert "数控技术应用" in client.get(url, {"tab": "majors", "q": "数控"}).content.decode()
    assert "钢压延加工" in client.get(url, {"tab": "industries", "q": "C313"}).content.decode()
    page = client.get(url, {"tab": "mapping", "q": "460103"}).content.decode()
    assert "数控技术" in page and "登记职业面向" not in page  # only the office edits


def formset(lines, note=""):
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "300",
        "note": note,
    }
    for i, (occupation, headcount) in enumerate(lines):
        data.update(
            {
                f"lines-{i}-occupation": occupation,
                f"lines-{i}-headcount": headcount,
                f"lines-{i}-education": "any",
                f"lines-{i}-skill_level": "intermediate_worker",
                f"lines-{i}-experience_years": "0",
                f"lines-{i}-salary_band": "negotiable",
                f"lines-{i}-urgency": "normal",
            }
        )
    return data


def test_an_enterprise_fills_in_the_form_and_submits(client, talent):
    client.force_login(talent.users["enterprise"])
    url = reverse("admin:talent-survey")
    page = client.get(url)
    assert page.status_code == 200 and "保存并报送" in page.content.decode()
    # Inline errors: the form comes back with the problem next to its field, nothing saved
    bad = client.post(
        url + f"?year={talent.year}", {**formset([("6-18-02-04", "0")]), "action": "save"}
    )
    assert bad.status_code == 200 and "请按提示修改" in bad.content.decode()
    duplicate = client.post(
        url + f"?year={talent.year}",
        {**formset([("6-18-02-04", "2"), ("6-18-02-04", "3")]), "action": "save"},
    )
    assert "与第 1 条重复" in duplicate.content.decode()
    assert not DemandSurvey.objects.exists()
    # A good form saves and submits
    done = client.post(
        url + f"?year={talent.year}", {**formset([("6-18-02-04", "4")], "扩产"), "action": "submit"}
    )
    assert done.status_code == 302
    survey = DemandSurvey.objects.get()
    assert survey.status == SurveyStatus.SUBMITTED and survey.note == "扩产"
    # Now read-only
    assert "不能再修改" in client.get(url + f"?year={talent.year}").content.decode()


def test_an_enterprise_uploads_the_template_on_the_page(client, talent):
    client.force_login(talent.users["enterprise"])
    url = reverse("admin:talent-survey") + f"?year={talent.year}"
    template = client.get(url + "&template=xlsx")
    assert template.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template.content))
    wb.worksheets[0].append(["6-18-01-01 车工", 3])
    wb.worksheets[0].append(["9-99", 3])
    out = io.BytesIO()
    wb.save(out)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        url, {"file": SimpleUploadedFile("需求.xlsx", out.getvalue()), "action": "upload"}
    )
    assert bad.status_code == 200 and "错误清单" in bad.content.decode()
    assert not DemandSurvey.objects.exists()
    wb.worksheets[0].delete_rows(3)
    out = io.BytesIO()
    wb.save(out)
    ok = client.post(
        url, {"file": SimpleUploadedFile("需求.xlsx", out.getvalue()), "action": "upload"}
    )
    assert ok.status_code == 302
    assert list(DemandSurvey.objects.get().lines.values_list("occupation__code", "headcount")) == [
        ("6-18-01-01", 3)
    ]
    assert (
        imports.headers()[0]
        in load_workbook(io.BytesIO(template.content)).worksheets[0]["A1"].value
    )


def test_a_closed_year_is_shown_read_only(client, talent, closed_round):
    client.force_login(talent.users["enterprise"])
    page = client.get(reverse("admin:talent-survey"), {"year": closed_round.year}).content.decode()
    assert "不在填报期内" in page and "保存并报送" not in page


def test_the_office_lists_filters_exports_and_sets_rounds(client, talent, line):
    services.survey_save(
        user=talent.users["enterprise"], year=talent.year, lines=[line()], submit=True
    )
    services.survey_save(user=talent.users["enterprise2"], year=talent.year, lines=[line()])
    client.force_login(talent.users["office"])
    url = reverse("admin:talent-surveys")
    assert "乙企业" in client.get(url, {"status": "draft"}).content.decode()
    assert "乙企业" not in client.get(url, {"cluster": "metallurgy"}).content.decode()
    export = client.get(url, {"export": "xlsx", "year": talent.year})
    assert export.status_code == 200 and export.content.startswith(b"PK")
    rounds = reverse("admin:talent-rounds")
    created = client.post(
        rounds,
        {
            "action": "create",
            "year": talent.year + 1,
            "opens_on": f"{talent.year + 1}-03-01",
            "closes_on": f"{talent.year + 1}-04-30",
        },
    )
    assert created.status_code == 302
    next_round = SurveyRound.objects.get(year=talent.year + 1)
    assert next_round.status == RoundStatus.PLANNED
    client.post(rounds, {"action": "open", "round": next_round.pk})
    next_round.refresh_from_db()
    assert next_round.status == RoundStatus.OPEN
    assert client.post(rounds, {"action": "open", "round": 99999}).status_code == 404
    twice = client.post(
        rounds,
        {
            "action": "create",
            "year": talent.year,
            "opens_on": "2026-01-01",
            "closes_on": "2026-02-01",
        },
    )
    assert "不能重复设置" in twice.content.decode()


def test_the_demand_summary_is_for_the_planners(client, talent, line):
    services.survey_save(
        user=talent.users["enterprise"], year=talent.year, lines=[line(headcount=8)], submit=True
    )
    url = reverse("admin:talent-demand")
    got = status_for(client, talent, url)
    assert got == {
        "office": 200,
        "jyj": 200,
        "school": 200,
        "enterprise": 403,
        "enterprise2": 403,
        "expert": 403,
        "learner": 403,
        "sysadmin": 403,
    }
    client.force_login(talent.users["school"])
    page = client.get(url, {"year": talent.year}).content.decode()
    assert "6-18-02-04 焊工" in page and "冶金及特钢" in page

    exported = client.get(url, {"year": talent.year, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows == [("职业", "需求人数", "企业（家）", "岗位（条）"), ("6-18-02-04 焊工", 8, 1, 1)]
    audit = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="talent.DemandLine")
    assert f"year={talent.year}" in audit.message


def test_an_enterprise_keeps_its_profile_on_the_page(client, talent):
    client.force_login(talent.users["enterprise"])
    url = reverse("admin:talent-profile")
    data = {
        "industry_code": "C3140",
        "size": "large",
        "cluster": "metallurgy",
        "town": "ligang",
        "staff_count": "1200",
    }
    assert client.post(url, data).status_code == 302
    wrong = client.post(url, {**data, "industry_code": "D3140"})
    assert wrong.status_code == 200 and "属于门类 C" in wrong.content.decode()
    client.force_login(talent.users["office"])
    assert client.get(url).status_code == 403
