"""The 目标监测进展报告 (.docx in the 公文 layout) and the targets and timeliness workbooks."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.utils import timezone

from tests.factories import UnitFactory
from zhijiao.core.periods import PeriodType
from zhijiao.indicators import selectors
from zhijiao.indicators.data import Projection, TargetProgress, TargetStatus
from zhijiao.indicators.documents import (
    gap_text,
    targets_report_build,
    targets_xlsx,
    tight,
    timeliness_xlsx,
)
from zhijiao.indicators.models import (
    Aggregation,
    Comparator,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    Submission,
    SubmissionStatus,
    Target,
    TargetScope,
    ValueSource,
)
from zhijiao.orgs.models import UnitKind

TODAY = dt.date(2024, 6, 30)  # 2021–2023 are due; 2024 is not open yet
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_WIDTH_TWIPS = 8845  # 156 mm
TARGET_HEADERS = ["序号", "目标", "目标值", "最新值\n（年度）", "差距", "状态", "期限"]
TIMELINESS_HEADERS = ["数据集", "周期", "应报", "已报", "按时", "导入"]
# The fixture's targets and the status each one ends up in.
EXPECTED = {
    "dual-share": ("“双师型”教师比例达到90%", "有风险"),
    "dual-share-each": ("每所学校“双师型”教师比例达到85%", "有风险"),
    "majors-2022": ("2022年培育10个高水平专业", "未达成"),
    "majors-2025": ("2025年培育9个高水平专业", "进展正常"),
    "majors-5": ("培育5个高水平专业", "已达成"),
    "projects": ("打造10个名企名校合作项目", "暂无数据"),
}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


def _element(code: str, name: str, uom: str) -> DataElement:
    return DataElement.objects.create(
        code=code, name=name, unit_of_measure=uom, aggregation=Aggregation.LATEST
    )


def _report(data_set, unit, year: int, values: dict[DataElement, int], **fields) -> None:
    fields.setdefault("first_completed_at", _at(dt.date(year + 1, 1, 20)))
    submission = Submission.objects.create(
        data_set=data_set,
        unit=unit,
        period_code=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        status=SubmissionStatus.APPROVED,
        **fields,
    )
    DataValue.objects.bulk_create(
        DataValue(submission=submission, element=e, number=Decimal(v)) for e, v in values.items()
    )


@pytest.fixture
def monitoring(db):
    """Two schools report teachers and majors for 2021–2023 (乙职校 late for 2023, 甲职校 by Excel
    for 2022); 教育局 never reports its data set. Six targets, one in each status and one that
    every school must meet."""
    jia = UnitFactory(name="甲职业学校", short_name="甲职校", kind=UnitKind.SCHOOL)
    yi = UnitFactory(name="乙职业学校", short_name="乙职校", kind=UnitKind.SCHOOL)
    bureau = UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT)
    pro = _element("TEACHER_PRO", "专业课教师数", "人")
    dual = _element("TEACHER_DUAL", "“双师型”教师数", "人")
    majors = _element("MAJORS", "高水平专业数", "个")
    projects = _element("PROJECTS", "名企名校合作项目数", "个")
    school_data = DataSet.objects.create(
        code="SCHOOL_BASIC",
        name="职业院校年度数据",
        period_type=PeriodType.YEAR,
        first_period="2021",
    )
    school_data.units.set([jia, yi])
    bureau_data = DataSet.objects.create(
        code="EDU_ANNUAL", name="教育局年度数据", period_type=PeriodType.YEAR, first_period="2023"
    )
    bureau_data.units.set([bureau])
    for position, element in enumerate([pro, dual, majors]):
        DataSetElement.objects.create(data_set=school_data, element=element, position=position)
    DataSetElement.objects.create(data_set=bureau_data, element=projects)
    for k, year in enumerate([2021, 2022, 2023]):
        _report(
            school_data,
            jia,
            year,
            {pro: 100, dual: [60, 65, 70][k], majors: [2, 3, 4][k]},
            source=ValueSource.EXCEL if year == 2022 else ValueSource.WEB,
        )
        late = {"first_completed_at": _at(dt.date(2024, 2, 10))} if year == 2023 else {}
        _report(
            school_data, yi, year, {pro: 100, dual: [80, 82, 85][k], majors: [1, 2, 3][k]}, **late
        )

    share = Indicator.objects.create(
        code="DUAL_SHARE",
        name="“双师型”教师占专业课教师比例",
        numerator="#{TEACHER_DUAL}",
        denominator="#{TEACHER_PRO}",
        factor=100,
        unit_of_measure="%",
        decimals=1,
    )
    count = Indicator.objects.create(
        code="MAJORS", name="高水平专业数", numerator="#{MAJORS}", unit_of_measure="个"
    )
    project_count = Indicator.objects.create(
        code="PROJECTS", name="名企名校合作项目数", numerator="#{PROJECTS}", unit_of_measure="个"
    )
    specs = [
        ("dual-share", share, 90, dt.date(2025, 12, 31), TargetScope.CITY),
        ("dual-share-each", share, 85, dt.date(2025, 12, 31), TargetScope.EACH_SCHOOL),
        ("majors-2022", count, 10, dt.date(2022, 12, 31), TargetScope.CITY),
        ("majors-2025", count, 9, dt.date(2025, 12, 31), TargetScope.CITY),
        ("majors-5", count, 5, dt.date(2025, 12, 31), TargetScope.CITY),
        ("projects", project_count, 10, dt.date(2025, 12, 31), TargetScope.CITY),
    ]
    for position, (key, indicator, value, deadline, scope) in enumerate(specs):
        Target.objects.create(
            key=key,
            name=EXPECTED[key][0],
            indicator=indicator,
            comparator=Comparator.GE,
            value=value,
            deadline=deadline,
            scope=scope,
            source_text=f"任务{position + 1}",
            position=position,
        )
    return {
        "progress": selectors.targets_progress(today=TODAY),
        "timeliness": selectors.timeliness(today=TODAY),
    }


def _docx(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def _report_of(monitoring) -> docx.document.Document:
    return _docx(
        targets_report_build(
            monitoring["progress"], today=TODAY, timeliness=monitoring["timeliness"]
        )
    )


@pytest.mark.django_db
def test_the_fixture_puts_each_target_in_the_status_expected(monitoring):
    assert {p.key: p.status.label for p in monitoring["progress"]} == {
        key: status for key, (_, status) in EXPECTED.items()
    }


@pytest.mark.django_db
def test_report_has_the_title_the_issuer_and_a_summary_in_prose(monitoring):
    document = _report_of(monitoring)
    text = _text(document)

    assert document.paragraphs[0].text == "江阴市推进职业教育改革创新工作专班"  # red 发文机关标志
    assert "江阴市职业教育改革创新\n目标监测进展报告" in text
    assert document.core_properties.title == "江阴市职业教育改革创新目标监测进展报告"
    for heading in (
        "一、总体情况",
        "二、各项目标进展",
        "三、有风险和未达成的目标",
        "四、数据报送情况",
    ):
        assert heading in text
    assert (
        "实施方案确定的量化目标共 6 项。截至2024年6月30日，已达成 1 项、进展正常 1 项、"
        "有风险 2 项、未达成 1 项、暂无数据 1 项。"
    ) in text
    assert "“2022年培育10个高水平专业”（未达成）" in text
    assert [p.text for p in document.paragraphs[-2:]] == [
        "江阴市推进职业教育改革创新工作专班",
        "2024年6月30日",
    ]


@pytest.mark.django_db
def test_targets_table_lists_every_target_with_figures_in_the_indicators_format(monitoring):
    targets = _report_of(monitoring).tables[0]
    rows = _rows(targets)

    assert rows[0] == TARGET_HEADERS
    assert [r[1].split("\n")[0] for r in rows[1:]] == [name for name, _ in EXPECTED.values()]
    assert [r[5] for r in rows[1:]] == [status for _, status in EXPECTED.values()]
    # City share: 155 of 200 teachers in 2023, one decimal and the unit, 12.5 points to go.
    assert rows[1] == [
        "1",
        EXPECTED["dual-share"][0],
        "不低于\n90.0%",
        "77.5%\n2023年",
        "12.5%",
        "有风险",
        "2025年",
    ]
    # Every school must meet it: 乙职校 does, 甲职校 does not.
    assert rows[2][1] == "每所学校“双师型”教师比例达到85%\n（1/2所学校达标）"
    assert rows[2][4] == "1所\n未达标"
    assert rows[3][2:5] == ["不低于\n10个", "7个\n2023年", "3个"]
    assert rows[6][3:5] == ["—", "—"]  # no data yet


@pytest.mark.django_db
def test_each_target_at_risk_or_not_met_has_its_projection_and_school_values(monitoring):
    document = _report_of(monitoring)
    text = _text(document)
    by_key = {p.key: p for p in monitoring["progress"]}

    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [
        "（一）“双师型”教师比例达到90%",
        "（二）每所学校“双师型”教师比例达到85%",
        "（三）2022年培育10个高水平专业",
    ]
    assert (
        "目标为不低于90.0%，期限为2025年。最新值为77.5%（2023年），差距12.5%，目前有风险。" in text
    )
    assert "历年数值：2021年70.0%，2022年73.5%，2023年77.5%。" in text
    for key in ("dual-share", "dual-share-each", "majors-2022"):
        method = by_key[key].projection.method
        assert method and "趋势推算：" + tight(method) in text
    assert "方案出处为任务1。" in text
    schools = document.tables[1]
    assert _rows(schools) == [
        ["序号", "学校", "最新值", "状态"],
        ["1", "乙职校", "85.0%", "已达成"],
        ["2", "甲职校", "70.0%", "有风险"],
    ]
    assert len(document.tables) == 3  # only the target every school must meet has a school table


@pytest.mark.django_db
def test_reporting_section_counts_and_names_who_is_missing(monitoring):
    document = _report_of(monitoring)
    text = _text(document)

    assert (
        "截至2024年6月30日，已过报送截止日期的监测数据应报 7 份，已报 6 份（完整率 85.7%），"
        "其中按时报送 5 份（及时率 71.4%），通过 Excel 导入 1 份。"
    ) in text
    assert "尚未报送：教育局年度数据2023年：教育局。" in text
    rows = _rows(document.tables[-1])
    assert rows[0] == TIMELINESS_HEADERS
    assert rows[1:] == [
        ["教育局年度数据", "2023年", "1", "0", "0", "0"],
        ["职业院校年度数据", "2021年", "2", "2", "2", "0"],
        ["职业院校年度数据", "2022年", "2", "2", "2", "1"],
        ["职业院校年度数据", "2023年", "2", "2", "1", "0"],
    ]


@pytest.mark.django_db
def test_report_is_the_gongwen_layout_with_tables_inside_the_text_block(monitoring):
    document = _report_of(monitoring)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    assert "PAGE" in section.even_page_footer.paragraphs[0]._p.xml
    for table in document.tables:
        widths = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
        assert sum(widths) <= TEXT_WIDTH_TWIPS


@pytest.mark.django_db
def test_documents_are_written_from_the_facts_without_querying(
    monitoring, django_assert_num_queries
):
    with django_assert_num_queries(0):
        targets_report_build(
            monitoring["progress"], today=TODAY, timeliness=monitoring["timeliness"]
        )
        targets_xlsx(monitoring["progress"])
        timeliness_xlsx(monitoring["timeliness"])


@pytest.mark.django_db
def test_targets_workbook_has_chinese_headers_and_numbers_as_numbers(monitoring):
    ws = openpyxl.load_workbook(io.BytesIO(targets_xlsx(monitoring["progress"]))).active
    headers = [c.value for c in ws[1]]
    assert ws.title == "目标进展"
    assert headers[:11] == [
        "序号",
        "目标",
        "范围",
        "比较",
        "目标值",
        "计量单位",
        "最新值",
        "年度",
        "差距",
        "状态",
        "期限",
    ]
    rows = {
        r[1]: dict(zip(headers, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    assert list(rows) == [name for name, _ in EXPECTED.values()]
    assert [r["状态"] for r in rows.values()] == [status for _, status in EXPECTED.values()]
    share = rows[EXPECTED["dual-share"][0]]
    assert (share["比较"], share["目标值"], share["计量单位"]) == ("不低于", 90, "%")
    assert (share["最新值"], share["年度"], share["差距"]) == (77.5, 2023, 12.5)
    assert share["期限"].date() == dt.date(2025, 12, 31)
    assert share["推算方法"] == monitoring["progress"][0].projection.method
    assert rows[EXPECTED["projects"][0]]["最新值"] is None


@pytest.mark.django_db
def test_timeliness_workbook_has_rates_and_the_units_late_or_missing(monitoring):
    ws = openpyxl.load_workbook(io.BytesIO(timeliness_xlsx(monitoring["timeliness"]))).active
    headers = [c.value for c in ws[1]]
    assert headers == [
        "数据集",
        "周期",
        "报送截止",
        "应报",
        "已报",
        "按时",
        "导入",
        "完整率（%）",
        "及时率（%）",
        "逾期报送单位",
        "未报送单位",
    ]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    assert rows[0][:2] == ("教育局年度数据", "2023年") and rows[0][10] == "教育局"
    late = rows[3]
    assert late[:2] == ("职业院校年度数据", "2023年")
    assert late[2].date() == dt.date(2024, 1, 31)
    assert late[3:] == (2, 2, 1, 0, 100.0, 50.0, "乙职校", None)


def _increase(series: list[tuple[int, Decimal | None]]) -> TargetProgress:
    known = [(y, v) for y, v in series if v is not None]
    return TargetProgress(
        key="through",
        name="中高职贯通培养规模逐年扩大",
        comparator=Comparator.INCREASE,
        comparator_label="逐年增长",
        target=Decimal(0),
        deadline=dt.date(2025, 12, 31),
        scope=TargetScope.CITY,
        scope_label="全市",
        recurring=True,
        unit_of_measure="人",
        decimals=0,
        value=known[-1][1] if known else None,
        value_year=known[-1][0] if known else None,
        gap=None,
        status=TargetStatus.NOT_MET,
        projection=Projection(Decimal(2400), "按线性趋势外推。"),
        series=series,
    )


def test_a_target_of_growth_shows_the_change_on_the_previous_year():
    falling = _increase([(2021, Decimal(520)), (2022, None), (2023, Decimal(515))])
    assert gap_text(falling) == "较上年\n-5人"
    assert gap_text(_increase([(2022, Decimal(500)), (2023, Decimal(650))])) == "较上年\n+150人"
    assert gap_text(_increase([(2023, Decimal(650))])) == "—"

    document = _docx(targets_report_build([falling], today=TODAY, timeliness=[]))
    rows = _rows(document.tables[0])
    assert rows[1][2:5] == ["逐年增长", "515人\n2023年", "较上年\n-5人"]
    assert rows[1][6] == "每年\n至2025年"
    assert (
        "目标为逐年增长，期限为每年至2025年。最新值为515人（2023年），较上年减少5人，目前未达成。"
        in _text(document)
    )


def test_a_report_without_targets_or_data_sets_still_reads():
    document = _docx(targets_report_build([], today=TODAY, timeliness=[]))
    text = _text(document)
    assert "尚未设定量化目标。" in text
    assert "暂无应报送的监测数据。" in text
    assert document.tables == []
