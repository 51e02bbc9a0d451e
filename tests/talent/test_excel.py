"""The survey in Excel: the enterprise's template round-trips; a bad file changes nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ImportRejected
from zhijiao.talent import imports, selectors, services
from zhijiao.talent.data import Education, SkillLevel, SurveyStatus
from zhijiao.talent.models import DemandLine, DemandSurvey

pytestmark = pytest.mark.django_db


def fill(template: bytes, rows: list[list[object]], keep: int = 0) -> bytes:
    """The template with its data rows replaced by ``rows`` (the first ``keep`` kept)."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    if ws.max_row > 1 + keep:
        ws.delete_rows(2 + keep, ws.max_row)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_is_prefilled_and_round_trips(talent, line):
    user = talent.users["enterprise"]
    services.survey_save(
        user=user,
        year=talent.year,
        lines=[line("6-18-02-04", 6, skill_level=SkillLevel.TECHNICIAN, note="船体焊接")],
    )
    template = imports.template_bytes(user=user, year=talent.year)
    wb = load_workbook(io.BytesIO(template))
    sheet, info = wb.worksheets[0], wb[imports.INFO_SHEET]
    # The first sheet holds the saved line, occupation as "code name" from a drop-down list
    assert [c.value for c in sheet[1]] == imports.headers()
    assert [c.value for c in sheet[2]][:4] == ["6-18-02-04 焊工", 6, "不限", "技师"]
    assert any("下拉选项" in str(v.formula1) for v in sheet.data_validations.dataValidation)
    # The info sheet names the enterprise and the year
    values = {r[0].value: r[1].value for r in info.iter_rows(min_row=2)}
    assert values["统一社会信用代码"] == talent.units["某企业"].credit_code
    assert values["年度"] == str(talent.year)
    # Uploading it with one more row replaces the lines, as a draft
    upload = fill(
        template,
        [["6-31-01-03 电工", 3, "大专（高职专科）", "中级工", 2, "6000–7999 元", "紧急", ""]],
        keep=1,
    )
    survey = imports.survey_import(user=user, year=talent.year, upload=upload, name="需求.xlsx")
    lines = list(selectors.survey_lines(survey))
    assert [(x.occupation.code, x.headcount, x.skill_level) for x in lines] == [
        ("6-18-02-04", 6, SkillLevel.TECHNICIAN),
        ("6-31-01-03", 3, SkillLevel.INTERMEDIATE_WORKER),
    ]
    assert lines[1].education == "college" and lines[1].urgency == "urgent"
    assert lines[0].note == "船体焊接"
    assert survey.status == SurveyStatus.DRAFT


def test_a_template_with_the_former_bachelor_label_still_imports(talent):
    """本科（含职业本科） became 本科（含高职本科）; templates filled before still import."""
    user = talent.users["enterprise"]
    assert Education.BACHELOR.label == "本科（含高职本科）"
    template = imports.template_bytes(user=user, year=talent.year)
    rows = [
        ["6-31-01-03 电工", 3, "本科（含职业本科）", "", "", "", "", ""],
        ["6-18-02-04 焊工", 2, "本科（含高职本科）", "", "", "", "", ""],
    ]
    survey = imports.survey_import(user=user, year=talent.year, upload=fill(template, rows))

    assert [x.education for x in selectors.survey_lines(survey)] == ["bachelor", "bachelor"]


def test_bad_rows_are_listed_by_row_and_column_and_nothing_changes(talent, line):
    user = talent.users["enterprise"]
    services.survey_save(user=user, year=talent.year, lines=[line("6-18-01-01", 1)])
    template = imports.template_bytes(user=user, year=talent.year)
    upload = fill(
        template,
        [
            ["6-18-02-04 焊工", 4, "", "", "", "", "", ""],  # row 2: fine
            ["6-99-99-99", 2, "", "", "", "", "", ""],  # row 3: unknown occupation
            ["6-18-01-02 铣工", 0, "", "", "", "", "", ""],  # row 4: headcount 0
            ["6-18-01-04 磨工", 2.5, "", "大师", "", "", "", ""],  # row 5: two problems
            ["6-18-02-04", 1, "", "", "", "", "", ""],  # row 6: same as row 2
        ],
    )
    with pytest.raises(ImportRejected) as caught:
        imports.survey_import(user=user, year=talent.year, upload=upload, name="需求.xlsx")
    errors = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "不在现行的" in errors[(3, "职业（代码 名称）")]
    assert "需求人数应在 1–10000 之间" in errors[(4, "需求人数")]
    assert "需求人数应为整数" in errors[(5, "需求人数")]
    assert "技能等级“大师”不正确" in errors[(5, "技能等级")]
    assert "重复" in errors[(6, "职业（代码 名称）")]
    assert "未保存任何数据" in caught.value.message
    assert list(DemandLine.objects.values_list("occupation__code", flat=True)) == ["6-18-01-01"]


def test_a_file_of_another_enterprise_or_year_is_refused(talent, line):
    theirs = imports.template_bytes(user=talent.users["enterprise2"], year=talent.year)
    upload = fill(theirs, [["6-18-02-04 焊工", 4, "", "", "", "", "", ""]])
    with pytest.raises(ServiceError) as caught:
        imports.survey_import(user=talent.users["enterprise"], year=talent.year, upload=upload)
    assert "不是本企业的" in caught.value.message
    with pytest.raises(ServiceError) as caught:
        imports.survey_import(user=talent.users["enterprise2"], year=talent.year + 1, upload=upload)
    assert f"是 {talent.year} 年的填报模板" in caught.value.message
    assert not DemandSurvey.objects.exists()


def test_an_upload_that_is_not_the_template_is_refused(talent):
    wb = Workbook()
    wb.active.append(["姓名", "人数"])
    wb.active.append(["张三", 1])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ServiceError) as caught:
        imports.survey_import(
            user=talent.users["enterprise"], year=talent.year, upload=out.getvalue()
        )
    assert "表头缺少" in caught.value.message
    with pytest.raises(ServiceError) as caught:
        imports.survey_import(
            user=talent.users["enterprise"], year=talent.year, upload=b"not excel", name="a.xls"
        )
    assert ".xls" in caught.value.message or "旧版" in caught.value.message
    assert not DemandSurvey.objects.exists()


def test_the_office_exports_surveys_and_lines(talent, line):
    services.survey_save(
        user=talent.users["enterprise"], year=talent.year, lines=[line(headcount=7)], submit=True
    )
    services.survey_save(
        user=talent.users["enterprise2"],
        year=talent.year,
        lines=[line("6-18-01-01", 2), line("6-31-01-03", 1)],
    )
    content = imports.surveys_export(
        user=talent.users["office"], filters=selectors.SurveyFilters(year=talent.year)
    )
    wb = load_workbook(io.BytesIO(content))
    surveys = [[c.value for c in r] for r in wb["填报情况"].iter_rows(min_row=2)]
    lines = [[c.value for c in r] for r in wb["岗位需求明细"].iter_rows(min_row=2)]
    assert sorted((r[1], r[6], r[8], r[9]) for r in surveys) == [
        ("乙企业", "草稿", 2, 3),
        ("某企业", "已报送", 1, 7),
    ]
    assert len(lines) == 3
    with pytest.raises(ServiceError):
        imports.surveys_export(user=talent.users["jyj"], filters=selectors.SurveyFilters())
