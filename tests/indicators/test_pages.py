"""The pages of targets and indicators, role by role: entry, template, import, approval, targets."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.indicators import services
from zhijiao.indicators.models import (
    Comparator,
    DataElement,
    DataSetExtension,
    Submission,
    SubmissionStatus,
    Target,
    TargetScope,
)

pytestmark = pytest.mark.django_db


def _form_url(monitoring, unit="甲职校"):
    return (
        reverse("admin:indicators-form", args=["SCHOOL_BASIC", monitoring.last_year])
        + f"?unit={monitoring.units[unit].pk}"
    )


def _values(**figures):
    return {f"v:{code}__": str(v) for code, v in figures.items()}


@pytest.fixture
def target(monitoring):
    t = Target.objects.create(
        key="dual-share",
        name="双师型教师占比达到90%",
        indicator=monitoring.indicators["DUAL_SHARE"],
        comparator=Comparator.GE,
        value=Decimal(90),
        deadline=dt.date(monitoring.today.year + 2, 12, 31),
        scope=TargetScope.CITY,
        first_year=monitoring.today.year - 3,
    )
    t.tasks.set([monitoring.tasks[1]])
    return t


def test_a_school_clerk_enters_checks_and_reports_in_the_web_form(client, monitoring):
    client.force_login(monitoring.users["school"])
    url = _form_url(monitoring)

    page = client.get(url)
    assert page.status_code == 200
    assert "全日制在校生数" in page.content.decode()

    # given a value of the wrong type and one out of range, the form says which and saves nothing
    response = client.post(
        url, {"unit": monitoring.units["甲职校"].pk, **_values(ENROLMENT="很多", TEACHER_PRO=-3)}
    )
    body = response.content.decode()
    assert "不是数字" in body and "不能小于 0" in body
    assert not Submission.objects.exists()

    # when the figures break an error rule, reporting is refused and the rule is named
    client.post(
        url,
        {
            "unit": monitoring.units["甲职校"].pk,
            "action": "complete",
            **_values(
                ENROLMENT=3000, TEACHER_PRO=100, TEACHER_DUAL=120, HAS_CHARTER="是", PASS_RATE=80
            ),
        },
    )
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.OPEN
    assert "双师型教师数不能超过专业课教师数" in client.get(url).content.decode()

    # then fixed and reported, it waits for the supervising bureau
    response = client.post(
        url,
        {"unit": monitoring.units["甲职校"].pk, "action": "complete", **_values(TEACHER_DUAL=80)},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AWAITING_BUREAU


def test_the_form_shows_a_figure_counted_from_a_registry_instead_of_a_field(client, monitoring):
    DataElement.objects.filter(code="TEACHER_DUAL").update(source="test_registered_dual")
    client.force_login(monitoring.users["school"])

    page = client.get(_form_url(monitoring)).content.decode()

    assert 'name="v:TEACHER_DUAL__"' not in page
    assert "<strong>120</strong>" in page and "由平台登记数据自动计算" in page
    assert 'name="v:TEACHER_PRO__"' in page


def test_another_schools_form_and_submission_are_not_found(client, monitoring, reported):
    other = reported("SCHOOL_BASIC", "乙职校", monitoring.last_year, {"ENROLMENT": 1})
    client.force_login(monitoring.users["school"])

    assert client.get(_form_url(monitoring, "乙职校")).status_code == 404
    assert client.get(reverse("admin:indicators-submission", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("admin:indicators-submission-action", args=[other.pk, "approve"])
    )
    assert response.status_code == 404
    # the supervising bureau and the office see it
    for user in ("jyj", "office"):
        client.force_login(monitoring.users[user])
        assert (
            client.get(reverse("admin:indicators-submission", args=[other.pk])).status_code == 200
        )


def test_approval_goes_school_bureau_office_and_locks(client, monitoring, reported):
    submission = reported(
        "SCHOOL_BASIC",
        "甲职校",
        monitoring.last_year,
        {"ENROLMENT": 3000, "TEACHER_PRO": 100, "TEACHER_DUAL": 80},
        status=SubmissionStatus.AWAITING_BUREAU,
    )
    act = lambda name: reverse("admin:indicators-submission-action", args=[submission.pk, name])  # noqa: E731

    client.force_login(monitoring.users["office"])
    client.post(act("approve"))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AWAITING_BUREAU  # not the office's step yet

    client.force_login(monitoring.users["jyj"])
    assert "甲职校" in client.get(reverse("admin:indicators-approvals")).content.decode()
    client.post(act("return"), {"comment": ""})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AWAITING_BUREAU  # a return needs a comment
    client.post(act("approve"))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AWAITING_OFFICE

    client.force_login(monitoring.users["office"])
    client.post(act("approve"))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED

    client.force_login(monitoring.users["school"])
    response = client.post(
        _form_url(monitoring), {"unit": monitoring.units["甲职校"].pk, **_values(ENROLMENT=1)}
    )
    assert "已审定锁定" in response.content.decode()

    client.force_login(monitoring.users["office"])
    client.post(act("unapprove"), {"comment": "在校生数口径调整，请按新口径重报"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    history = client.get(reverse("admin:indicators-submission", args=[submission.pk]))
    assert "在校生数口径调整" in history.content.decode()


def test_the_template_is_prefilled_and_its_import_is_all_or_nothing(client, monitoring, reported):
    reported(
        "SCHOOL_BASIC",
        "甲职校",
        monitoring.last_year,
        {"ENROLMENT": 2900},
        status=SubmissionStatus.OPEN,
    )
    client.force_login(monitoring.users["school"])
    response = client.get(
        reverse("admin:indicators-template", args=["SCHOOL_BASIC"]),
        {"period": monitoring.last_year, "unit": monitoring.units["甲职校"].pk},
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet["B1"].value == "SCHOOL_BASIC"
    rows = {r[2]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["ENROLMENT"][0] == "甲职校" and rows["ENROLMENT"][7] == 2900
    numbers = {c.value: c.row for c in sheet["C"] if c.value}

    sheet.cell(numbers["TEACHER_PRO"], 8, "一百")
    sheet.cell(numbers["ENROLMENT"], 8, 3100)
    bad = io.BytesIO()
    workbook.save(bad)
    bad.seek(0)
    upload = reverse("admin:indicators-import", args=["SCHOOL_BASIC"])
    bad.name = "basic.xlsx"
    page = client.post(upload, {"file": bad}).content.decode()
    assert f'<td class="num">{numbers["TEACHER_PRO"]}</td>' in page and "不是数字" in page
    assert Submission.objects.get().values.get(element__code="ENROLMENT").number == 2900

    sheet.cell(numbers["TEACHER_PRO"], 8, 100)
    good = io.BytesIO()
    workbook.save(good)
    good.seek(0)
    good.name = "basic.xlsx"
    assert client.post(upload, {"file": good}).status_code == 302
    submission = Submission.objects.get()
    assert submission.values.get(element__code="ENROLMENT").number == 3100
    assert submission.source == "excel"


def test_the_city_overview_shows_each_target_and_exports(client, monitoring, target, reported):
    for i, share in enumerate([70, 78, 85]):
        year = str(monitoring.today.year - 3 + i)
        reported("SCHOOL_BASIC", "甲职校", year, {"TEACHER_PRO": 100, "TEACHER_DUAL": share})
    client.force_login(monitoring.users["jyj"])

    page = client.get(reverse("admin:indicators-overview")).content.decode()
    assert "双师型教师占比达到90%" in page and "85.0%" in page
    assert "进展正常" in page  # 70 → 78 → 85 reaches 90 before the deadline

    detail = client.get(reverse("admin:indicators-target", args=["dual-share"])).content.decode()
    assert "最小二乘法" in detail and "任务1" in detail

    xlsx = client.get(reverse("admin:indicators-overview"), {"export": "xlsx"})
    assert xlsx.status_code == 200
    table = load_workbook(io.BytesIO(xlsx.content)).active
    assert any("双师型教师占比达到90%" in str(c.value) for row in table.iter_rows() for c in row)

    docx = client.get(reverse("admin:indicators-overview"), {"export": "docx"})
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"

    task_page = client.get(reverse("admin:plan-task", args=[1])).content.decode()
    assert "对应的量化目标" in task_page and "双师型教师占比达到90%" in task_page


def test_timeliness_counts_expected_received_and_late(client, monitoring):
    client.force_login(monitoring.users["office"])
    page = client.get(reverse("admin:indicators-timeliness")).content.decode()
    assert "职业院校年度基本数据" in page and "甲职校" in page  # missing units are named


def test_the_office_grants_an_extension(client, monitoring):
    client.force_login(monitoring.users["office"])
    response = client.post(
        reverse("admin:indicators-extensions"),
        {
            "data_set": monitoring.data_sets["SCHOOL_SURVEY"].pk,
            "unit": monitoring.units["乙职校"].pk,
            "period_code": monitoring.closed_year,
            "until": (monitoring.today + dt.timedelta(days=10)).isoformat(),
            "reason": "系统故障，补报",
        },
    )
    assert response.status_code == 302
    client.force_login(monitoring.users["school"])
    assert client.get(reverse("admin:indicators-extensions")).status_code == 403


def test_the_approval_queue_and_a_target_export_as_xlsx(client, monitoring, target, reported):
    reported(
        "SCHOOL_BASIC",
        "甲职校",
        monitoring.last_year,
        {"TEACHER_PRO": 100, "TEACHER_DUAL": 80},
        status=SubmissionStatus.AWAITING_BUREAU,
    )
    client.force_login(monitoring.users["jyj"])
    queue = client.get(reverse("admin:indicators-approvals"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(queue.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("数据集", "单位", "周期")
    assert rows[1][1] == "甲职校"

    detail = client.get(reverse("admin:indicators-target", args=["dual-share"]), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(detail.content)).active.iter_rows(values_only=True))
    assert ("全市", int(monitoring.last_year), 80) in [r[:3] for r in rows]


EXTENSION_HEADERS = ("数据集", "单位", "周期", "延期至", "状态", "理由", "批准人", "批准时间")


@pytest.fixture
def extensions(monitoring):
    """Two extensions still open (甲职校 survey, 乙职校 basic data) and one already over (乙职校
    survey, a year ago)."""
    m = monitoring
    for data_set, unit, reason in (
        ("SCHOOL_SURVEY", "甲职校", "系统故障，补报"),
        ("SCHOOL_BASIC", "乙职校", "财务数据未决算"),
        ("SCHOOL_SURVEY", "乙职校", "人员调整"),
    ):
        services.extension_grant(
            user=m.users["office"],
            data_set=m.data_sets[data_set],
            unit=m.units[unit],
            period_code=m.closed_year,
            until=m.today + dt.timedelta(days=10),
            reason=reason,
        )
    DataSetExtension.objects.filter(reason="人员调整").update(
        until=m.today - dt.timedelta(days=365)
    )


def test_extensions_filter_page_and_export_what_they_show(client, monitoring, extensions):
    m = monitoring
    office = m.users["office"]
    client.force_login(office)
    url = reverse("admin:indicators-extensions")

    everything = client.get(url).content.decode()
    by_unit = client.get(url, {"unit": m.units["乙职校"].pk}).content.decode()
    by_set = client.get(url, {"data_set": m.data_sets["SCHOOL_BASIC"].pk}).content.decode()
    still_open = client.get(url, {"open": "yes"}).content.decode()
    by_word = client.get(url, {"q": "故障"}).content.decode()
    nothing = client.get(url, {"q": "不存在的词"}).content.decode()

    assert "延期记录（3）" in everything and "导出 Excel" in everything
    assert "延期记录（2）" in by_unit and "（已筛选）" in by_unit and "系统故障" not in by_unit
    assert "财务数据未决算" in by_set and "人员调整" not in by_set
    assert "人员调整" not in still_open and "系统故障" in still_open
    assert "系统故障" in by_word and "财务数据未决算" not in by_word
    assert "没有符合筛选条件的延期记录" in nothing and 'href="?">清除筛选' in nothing

    response = client.get(url, {"unit": m.units["乙职校"].pk, "open": "no", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == EXTENSION_HEADERS
    assert [r[:6] for r in rows[1:]] == [
        (
            "毕业生调查",
            "乙职校",
            m.closed_year,
            (m.today - dt.timedelta(days=365)).isoformat(),
            "已过期",
            "人员调整",
        )
    ]
    assert rows[1][6] == str(office)
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=office)
    assert exported.object_type == "indicators.DataSetExtension"
    assert exported.message == (
        f"导出延期填报记录 1 行（筛选：unit={m.units['乙职校'].pk}；open=no）"
    )


def test_extensions_are_the_offices_alone_page_and_export(client, monitoring, extensions):
    url = reverse("admin:indicators-extensions")
    for name in ("school", "jyj", "rsj"):
        client.force_login(monitoring.users[name])
        assert client.get(url).status_code == 403, name
        assert client.get(url, {"format": "xlsx"}).status_code == 403, name
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
