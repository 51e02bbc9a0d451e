"""Plan documents: the 督查通报 (built in a background job), the task list export and the progress
template import — all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ExcelError, ImportRejected
from zhijiao.core.jobs import UNEXPECTED_FAILURE, job_start
from zhijiao.core.models import AuditAction, AuditEvent, Job, JobStatus
from zhijiao.plan import documents, services
from zhijiao.plan.data import PlanErrorCode
from zhijiao.plan.documents import (
    H_CLAIM,
    H_NARRATIVE,
    H_NUMBER,
    H_PERCENT,
    H_PERIOD,
    bulletin_build,
    bulletin_generate,
    bulletin_job,
    tasks_export_xlsx,
    tasks_import_progress,
)
from zhijiao.plan.models import (
    Assignee,
    ProgressReport,
    ReportStatus,
    Responsibility,
    Task,
    TaskWarning,
    WarningLevel,
)

TODAY = dt.date(2022, 1, 10)  # December 2021's reports were due on 5 January
EXPORT_HEADERS = [
    "序号",
    "工程名称",
    "主要任务",
    "责任单位",
    "完成年限",
    "牵头单位",
    "截止日期",
    "状态",
    "当前进度（%）",
    "报送周期",
    "进展情况",
    "完成进度（%）",
    "申报完成（是/否）",
]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def periods(small_plan):
    services.periods_ensure(plan=small_plan.plan, through=dt.date(2022, 1, 31))
    return {p.label: p for p in small_plan.plan.periods.all()}


def _reported(
    sp, user: str, task: int, period, *, on: dt.date, percent: int = 0, approve: bool = False
):
    """A report submitted on a given day (the services stamp today's date; history is rewritten)."""
    report = services.report_save(
        user=sp.users[user],
        task=sp.tasks[task],
        period=period,
        data=services.ReportInput(narrative="按计划推进", percent=percent),
    )
    services.report_submit(user=sp.users[user], report=report)
    if approve:
        services.report_review(user=sp.users["office"], report=report, approve=True)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=_at(on), submitted_at=_at(on)
    )
    return report


@pytest.fixture
def december(small_plan, periods):
    """December 2021: 教育局 on time for tasks 1 and 3, 人社局 late for task 1 and silent on 2 and 3,
    the schools silent on task 4. A red card, a yellow card, a notice and a lifted card stand."""
    sp = small_plan
    dec = periods["2021年12月"]
    _reported(sp, "jyj", 1, dec, on=dt.date(2022, 1, 3), percent=80, approve=True)
    _reported(sp, "jyj", 3, dec, on=dt.date(2022, 1, 4))
    _reported(sp, "rsj", 1, dec, on=dt.date(2022, 1, 8))
    units = sp.units
    TaskWarning.objects.create(
        task=sp.tasks[1],
        unit=units["教育局"],
        level=WarningLevel.RED,
        reason="任务逾期 100 天未完成",
    )
    TaskWarning.objects.create(
        task=sp.tasks[3],
        unit=units["人社局"],
        level=WarningLevel.YELLOW,
        reason="连续 2 期未报送进展",
    )
    TaskWarning.objects.create(
        task=sp.tasks[2],
        unit=units["人社局"],
        level=WarningLevel.NOTICE,
        reason="距截止日期还有 20 天",
    )
    TaskWarning.objects.create(
        task=sp.tasks[4],
        unit=units["甲职校"],
        level=WarningLevel.RED,
        reason="已解除的红牌",
        resolved_at=timezone.now(),
    )
    return dec


def _open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


# ---------------------------------------------------------------- bulletin


@pytest.mark.django_db
def test_bulletin_reports_status_reporting_and_warnings(small_plan, december):
    Task.objects.filter(pk=small_plan.tasks[2].pk).update(extended_deadline=dt.date(2023, 6, 30))
    stream = io.BytesIO()
    facts = bulletin_build(plan=small_plan.plan, period=december, today=TODAY, stream=stream)
    document = _open_docx(stream.getvalue())
    text = _text(document)

    assert facts.title == "江阴市推进职业教育改革创新工作\n督查通报（2021年第2期）"
    assert "江阴市推进职业教育改革创新工作\n督查通报（2021年第2期）" in text
    assert document.paragraphs[0].text == "江阴市推进职业教育改革创新工作专班"  # red 发文机关标志
    for heading in (
        "一、总体情况",
        "二、任务推进情况",
        "三、报送情况",
        "四、督办预警",
        "五、下一步工作要求",
    ):
        assert heading in text
    assert (
        "方案共有重点任务 4 项，截至2022年1月10日，其中已逾期 1 项、未启动 1 项、持续推进 2 项。"
        in text
    )
    assert (
        "2021年12月应报送进展报告 7 份，已报送 3 份，其中按时报送 2 份、逾期报送 1 份，"
        "未报送 4 份，按时报送率 28.6%。"
    ) in text
    assert "（一）逾期报送。人社局（任务1）。" in text
    assert "（二）未报送。人社局（任务2、3）、乙职校（任务4）、甲职校（任务4）。" in text
    assert "共有红牌 1 张、黄牌 1 张，另有临期预警 1 条" in text
    assert "已解除的红牌" not in _all_table_text(document)
    assert "2022年1月进展请于2022年2月5日前报送。" in text
    assert [p.text for p in document.paragraphs[-2:]] == [
        "江阴市推进职业教育改革创新工作专班",
        "2022年1月10日",
    ]

    tasks_table, warnings_table = document.tables
    assert [c.text for c in tasks_table.rows[0].cells] == [
        "序号",
        "主要任务",
        "牵头单位",
        "完成年限",
        "状态",
        "进度",
    ]
    rows = [[c.text for c in r.cells] for r in tasks_table.rows[1:]]
    assert rows[0][0] == "（一）立德树人基础工程"  # a programme row spans the table
    assert rows[1] == ["1", "建立挂钩联系制度", "教育局", "2021年", "已逾期", "80%"]
    assert rows[2] == ["2", "培育试点学校", "人社局", "2022年\n延至2023年6月30日", "未启动", "0%"]
    assert rows[4] == ["3", "每年举办素质能力大赛", "教育局", "持续推进", "持续推进", "—"]
    assert len(rows) == 6
    warning_rows = [[c.text for c in r.cells] for r in warnings_table.rows[1:]]
    assert warning_rows == [
        ["1", "1．建立挂钩联系制度", "教育局", "红牌", "任务逾期 100 天未完成"],
        ["2", "3．每年举办素质能力大赛", "人社局", "黄牌", "连续 2 期未报送进展"],
    ]


def _all_table_text(document) -> str:
    return "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)


@pytest.mark.django_db
def test_bulletin_layout_is_the_gongwen_one(small_plan, december):
    stream = io.BytesIO()
    bulletin_build(plan=small_plan.plan, period=december, today=TODAY, stream=stream)
    document = _open_docx(stream.getvalue())
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert document.styles["Normal"].font.size.pt == 16
    assert (
        "PAGE" in section.footer.paragraphs[0]._p.xml
        and "PAGE" in section.even_page_footer.paragraphs[0]._p.xml
    )
    for table in document.tables:
        grid = table._tbl.tblGrid.findall(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol"
        )
        assert (
            sum(
                int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
                for c in grid
            )
            <= 8845
        )


@pytest.mark.django_db
def test_bulletin_of_an_open_period_lists_who_has_not_reported_yet(small_plan, periods):
    jan = periods["2022年1月"]
    _reported(small_plan, "jyj", 1, jan, on=dt.date(2022, 1, 20))
    stream = io.BytesIO()
    bulletin_build(plan=small_plan.plan, period=jan, today=dt.date(2022, 1, 25), stream=stream)
    text = _text(_open_docx(stream.getvalue()))
    assert "2022年1月进展报告应于2022年2月5日前报送。截至2022年1月25日，应报送" in text
    assert "尚未报送2022年1月进展，请于2022年2月5日前报送。" in text
    assert "无黄牌、红牌督办事项" in text


@pytest.mark.django_db
def test_bulletin_job_runs_on_commit_and_leaves_a_file(
    small_plan, december, django_capture_on_commit_callbacks
):
    office = small_plan.users["office"]
    with django_capture_on_commit_callbacks(execute=True):
        job = bulletin_generate(user=office, plan=small_plan.plan, period=december)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED  # nothing runs before commit
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and job.finished_at is not None
    assert job.kind == "plan.bulletin" and job.title == "督查通报（2021年第2期）"
    assert job.result_name == "督查通报（2021年第2期）.docx"
    assert job.result_file.startswith("jobs/")
    path = Path(settings.MEDIA_ROOT) / job.result_file
    assert "督查通报" in _text(_open_docx(path.read_bytes()))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == office and "督查通报（2021年第2期" in event.message


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["jyj", "rsj", "school", "auditor"])
def test_only_the_plan_office_generates_bulletins(
    small_plan, december, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError) as err:
        bulletin_generate(user=small_plan.users[user], plan=small_plan.plan, period=december)
    assert err.value.status_code == 403 and err.value.code == PlanErrorCode.NOT_ALLOWED
    assert "工作专班" in err.value.message
    assert (
        not Job.objects.exists()
        and not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    )


@pytest.mark.django_db
def test_a_job_whose_period_vanished_fails_in_chinese(
    small_plan, december, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            user=small_plan.users["office"],
            kind="plan.bulletin",
            title="督查通报",
            task_func=bulletin_job,
            params={"plan_id": small_plan.plan.pk, "period_id": 999999},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "报送周期不存在或已被删除，无法生成督查通报"
    assert not job.result_file


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_and_leaves_no_file(
    small_plan, december, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        kwargs["stream"].write(b"half a document")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(documents, "bulletin_build", broken)
    jobs_dir = Path(settings.MEDIA_ROOT) / "jobs"
    files_before = set(jobs_dir.rglob("*.docx"))
    with django_capture_on_commit_callbacks(execute=True):
        job = bulletin_generate(
            user=small_plan.users["office"], plan=small_plan.plan, period=december
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == UNEXPECTED_FAILURE
    assert set(jobs_dir.rglob("*.docx")) == files_before


# ---------------------------------------------------------------- export


def _export(sp, user: str, today: dt.date = TODAY) -> openpyxl.Workbook:
    stream = io.BytesIO()
    tasks_export_xlsx(user=sp.users[user], plan=sp.plan, today=today, stream=stream)
    return openpyxl.load_workbook(io.BytesIO(stream.getvalue()))


@pytest.mark.django_db
def test_export_has_the_attachment_columns_status_and_the_template(small_plan, december):
    ws = _export(small_plan, "office").active
    assert [c.value for c in ws[1]] == EXPORT_HEADERS
    assert ws.freeze_panes == "A2"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert rows[0][1:6] == [
        "立德树人基础工程",
        "建立挂钩联系制度。",
        "教育局、人社局",
        "2021年",
        "教育局",
    ]
    assert rows[0][6].date() == dt.date(2021, 12, 31) and rows[0][7:9] == ["已逾期", 80]
    assert rows[2][6:9] == ["—", "持续推进", None]
    assert {r[9] for r in rows} == {"2022年1月"}  # the period being reported now, prefilled
    assert all(r[10] is None and r[11] is None for r in rows)
    formulas = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    assert formulas["J2"] == '"2022年1月,2021年12月,2021年11月"'
    assert formulas["M2"] == '"是,否"'
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.message == "导出任务清单 4 项" and event.actor == small_plan.users["office"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "numbers"), [("rsj", [1, 2, 3]), ("jyj", [1, 3]), ("school", [4])]
)
def test_a_unit_exports_only_its_own_tasks(small_plan, periods, user, numbers):
    ws = _export(small_plan, user).active
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == numbers


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["expert", "enterprise", "sysadmin"])
def test_roles_without_plan_access_cannot_export(small_plan, periods, user):
    with pytest.raises(ServiceError) as err:
        _export(small_plan, user)
    assert err.value.status_code == 403


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_tasks(small_plan, december):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _export(small_plan, "office")
        return len(ctx.captured_queries)

    before = count()
    programme = small_plan.tasks[1].programme
    for number in range(5, 25):
        task = Task.objects.create(
            plan=small_plan.plan,
            programme=programme,
            number=number,
            text=f"任务{number}。",
            deadline_text="2023年",
            deadline=dt.date(2023, 12, 31),
            units_text="人社局",
        )
        Assignee.objects.create(
            task=task, position=1, printed_name="人社局", unit=small_plan.units["人社局"]
        )
        Responsibility.objects.create(
            task=task, unit=small_plan.units["人社局"], is_lead=True, position=1
        )
    assert count() == before


# ---------------------------------------------------------------- import


def _template(sp, user: str, fills: dict[int, dict[str, object]]) -> bytes:
    """The user's exported template with some rows filled in, keyed by the row's task number."""
    wb = _export(sp, user)
    ws = wb.active
    headers = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        values = fills.get(row[0].value)
        for header, value in (values or {}).items():
            ws.cell(row=row[0].row, column=headers[header]).value = value  # None clears the cell
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def _upload(content: bytes, name: str = "进展.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


GOOD = {
    1: {H_NARRATIVE: "召开专题推进会", H_PERCENT: 50, H_CLAIM: "否"},
    2: {H_NARRATIVE: "遴选试点学校 3 所", H_PERCENT: "30%"},
    3: {H_NARRATIVE: "大赛方案已印发"},  # 持续推进: no percent needed
}


@pytest.mark.django_db
def test_a_good_file_saves_and_submits_every_filled_row(small_plan, periods):
    sp = small_plan
    result = tasks_import_progress(
        user=sp.users["rsj"], plan=sp.plan, file=_upload(_template(sp, "rsj", GOOD))
    )
    assert result.submitted == 3
    assert result.reports == [(1, "2022年1月"), (2, "2022年1月"), (3, "2022年1月")]
    reports = ProgressReport.objects.filter(unit=sp.units["人社局"]).order_by("task__number")
    assert [(r.task.number, r.period.label, r.status, r.percent) for r in reports] == [
        (1, "2022年1月", ReportStatus.SUBMITTED, 50),
        (2, "2022年1月", ReportStatus.SUBMITTED, 30),
        (3, "2022年1月", ReportStatus.SUBMITTED, 0),
    ]
    assert reports[1].narrative == "遴选试点学校 3 所" and reports[0].author == sp.users["rsj"]
    assert AuditEvent.objects.filter(
        action=AuditAction.IMPORT, message="导入进展报告 3 份"
    ).exists()


@pytest.mark.django_db
def test_a_template_with_the_former_half_width_headers_still_imports(small_plan, periods):
    """Templates downloaded when the headers read 完成进度(%) and 申报完成(是/否) still import."""
    sp = small_plan
    wb = openpyxl.load_workbook(io.BytesIO(_template(sp, "rsj", GOOD)))
    ws = wb.active
    for cell in ws[1]:
        cell.value = {"完成进度（%）": "完成进度(%)", "申报完成（是/否）": "申报完成(是/否)"}.get(
            cell.value, cell.value
        )
    assert "完成进度(%)" in [c.value for c in ws[1]]
    stream = io.BytesIO()
    wb.save(stream)
    result = tasks_import_progress(
        user=sp.users["rsj"], plan=sp.plan, file=_upload(stream.getvalue())
    )
    assert result.submitted == 3
    reports = ProgressReport.objects.filter(unit=sp.units["人社局"]).order_by("task__number")
    assert [r.percent for r in reports] == [50, 30, 0]


@pytest.mark.django_db
def test_a_period_excel_turned_into_a_date_still_counts(small_plan, periods):
    sp = small_plan
    fills = {1: {**GOOD[1], H_PERIOD: dt.datetime(2021, 12, 1)}}  # noqa: DTZ001 - an Excel cell has no zone
    result = tasks_import_progress(
        user=sp.users["rsj"], plan=sp.plan, file=_upload(_template(sp, "rsj", fills))
    )
    assert result.reports == [(1, "2021年12月")]


@pytest.mark.django_db
def test_a_draft_is_completed_and_submitted_by_the_import(small_plan, periods):
    sp = small_plan
    services.report_save(
        user=sp.users["rsj"],
        task=sp.tasks[2],
        period=periods["2022年1月"],
        data=services.ReportInput(narrative="草稿"),
    )
    tasks_import_progress(
        user=sp.users["rsj"], plan=sp.plan, file=_upload(_template(sp, "rsj", {2: GOOD[2]}))
    )
    report = ProgressReport.objects.get(unit=sp.units["人社局"], task=sp.tasks[2])
    assert report.status == ReportStatus.SUBMITTED and report.narrative == "遴选试点学校 3 所"


@pytest.mark.django_db
def test_one_bad_row_saves_nothing_and_names_the_row(small_plan, periods):
    sp = small_plan
    fills = {**GOOD, 2: {**GOOD[2], H_PERCENT: 120}}
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as err:
        tasks_import_progress(
            user=sp.users["rsj"], plan=sp.plan, file=_upload(_template(sp, "rsj", fills))
        )
    assert err.value.code == PlanErrorCode.IMPORT_INVALID
    assert [(e.row, e.column) for e in err.value.errors] == [(3, "完成进度（%）")]
    assert (
        str(err.value.errors[0]) == "第 3 行“完成进度（%）”：完成进度应在 0 到 100 之间，不能是 120"
    )
    assert "未保存任何数据" in err.value.message
    assert not ProgressReport.objects.exists()
    # the export's audit row is all that was added
    assert AuditEvent.objects.count() == audit_before + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fills", "column", "words"),
    [
        ({1: {H_NUMBER: 99}}, H_NUMBER, "方案中没有序号为 99 的任务"),
        ({1: {H_NUMBER: 4}}, H_NUMBER, "本单位不是任务 4 的责任单位"),
        ({1: {H_NUMBER: "第一项"}}, H_NUMBER, "不是任务序号"),
        ({1: {H_PERIOD: "2030年1月"}}, H_PERIOD, "没有名为“2030年1月”的报送周期"),
        ({1: {H_PERIOD: None}}, H_PERIOD, "请填写报送周期"),
        ({1: {H_PERCENT: "五十"}}, H_PERCENT, "“五十”不是 0 到 100 之间的整数"),
        ({1: {H_PERCENT: -5}}, H_PERCENT, "完成进度应在 0 到 100 之间"),
        ({2: {H_PERCENT: None}}, H_PERCENT, "请填写完成进度"),
        ({1: {H_CLAIM: "可能"}}, H_CLAIM, "应填“是”或“否”"),
        ({3: {H_CLAIM: "是"}}, H_CLAIM, "持续推进的任务不能申报完成"),
        ({2: {H_NARRATIVE: None}}, H_NARRATIVE, "没有填写进展情况"),
        ({2: {H_NUMBER: 1}}, H_NUMBER, "与第 2 行重复"),
    ],
)
def test_each_kind_of_bad_row_is_reported_and_nothing_saved(
    small_plan, periods, fills, column, words
):
    sp = small_plan
    merged = {n: {**GOOD.get(n, {}), **fills.get(n, {})} for n in (1, 2, 3)}
    with pytest.raises(ImportRejected) as err:
        tasks_import_progress(
            user=sp.users["rsj"], plan=sp.plan, file=_upload(_template(sp, "rsj", merged))
        )
    assert [e.column for e in err.value.errors] == [column]
    assert words in err.value.errors[0].message
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_report_already_submitted_is_refused_and_the_rest_not_saved(small_plan, periods):
    sp = small_plan
    _reported(sp, "rsj", 1, periods["2022年1月"], on=dt.date(2022, 1, 20))
    with pytest.raises(ImportRejected) as err:
        tasks_import_progress(
            user=sp.users["rsj"], plan=sp.plan, file=_upload(_template(sp, "rsj", GOOD))
        )
    assert [(e.row, e.column) for e in err.value.errors] == [(2, H_PERIOD)]
    assert "进展报告已报送，不能重复报送" in err.value.errors[0].message
    assert ProgressReport.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_rows_already_written(small_plan, periods, monkeypatch):
    sp = small_plan
    calls = []
    real_submit = documents.report_submit

    def submit_fails_on_task_2(*, user, report, notify=True):
        calls.append(report.task.number)
        if report.task.number == 2:
            raise ServiceError(PlanErrorCode.TASK_COMPLETED, "该任务已完成，无需再报送")
        return real_submit(user=user, report=report, notify=notify)

    monkeypatch.setattr(documents, "report_submit", submit_fails_on_task_2)
    with pytest.raises(ImportRejected) as err:
        tasks_import_progress(
            user=sp.users["rsj"], plan=sp.plan, file=_upload(_template(sp, "rsj", GOOD))
        )
    assert calls == [1, 2, 3]  # every row is tried, so every problem is listed
    assert [str(e) for e in err.value.errors] == ["第 3 行：该任务已完成，无需再报送"]
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_an_unfilled_template_imports_nothing(small_plan, periods):
    with pytest.raises(ServiceError) as err:
        tasks_import_progress(
            user=small_plan.users["rsj"],
            plan=small_plan.plan,
            file=_upload(_template(small_plan, "rsj", {})),
        )
    assert err.value.code == PlanErrorCode.IMPORT_INVALID
    assert "没有填写“进展情况”的行" in err.value.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("进展.docx", b"PK\x03\x04", PlanErrorCode.FILE_TYPE),
        ("进展.xlsx", "序号,进展情况".encode(), PlanErrorCode.FILE_TYPE),
        ("进展.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64, PlanErrorCode.FILE_TYPE),
        ("进展.xlsx", b"", PlanErrorCode.FILE_EMPTY),
    ],
)
def test_wrong_files_are_refused_in_chinese(small_plan, periods, name, content, code):
    with pytest.raises(ExcelError) as err:
        tasks_import_progress(
            user=small_plan.users["rsj"], plan=small_plan.plan, file=_upload(content, name)
        )
    assert err.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)


@pytest.mark.django_db
def test_too_large_files_are_refused(small_plan, periods):
    content = _template(small_plan, "rsj", GOOD)
    with (
        override_settings(ZHIJIAO_IMPORT_MAX_BYTES=len(content) - 1),
        pytest.raises(ExcelError) as err,
    ):
        tasks_import_progress(
            user=small_plan.users["rsj"], plan=small_plan.plan, file=_upload(content)
        )
    assert err.value.code == PlanErrorCode.FILE_TOO_LARGE
    assert "文件过大" in err.value.message
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["expert", "auditor", "sysadmin"])
def test_roles_that_do_not_report_cannot_import(small_plan, periods, user):
    content = _template(small_plan, "rsj", GOOD)
    with pytest.raises(ServiceError) as err:
        tasks_import_progress(
            user=small_plan.users[user], plan=small_plan.plan, file=_upload(content)
        )
    assert err.value.status_code == 403
    assert not ProgressReport.objects.exists()
