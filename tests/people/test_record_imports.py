"""Excel imports of the registries: all or nothing, every bad row named in Chinese, duplicates
against the file and the registry refused, the same rules as the pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.people.conftest import bad_check_digit, student_id
from zhijiao.core.excel import ImportRejected
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.people import award_services, record_tables, registry_services, tabular
from zhijiao.people.data import CompetitionLevel, MajorLevel, ThroughMode
from zhijiao.people.models import (
    Award,
    DualBase,
    InnovationTeam,
    Major,
    MajorRecognition,
    Student,
    ThroughEnrolment,
    TrainingRecord,
)


def xlsx(headers: list[str], *rows: list[Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([str(h) for h in headers])  # headers are marked for translation
    for row in rows:
        ws.append(row)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def rejected(spec, user, content) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as refused:
        tabular.run_import(spec, user=user, upload=content, name="t.xlsx")
    return [(e.row, e.column, e.message) for e in refused.value.errors]


STUDENT_HEADERS = ["学校", "姓名", "身份证号", "学号", "专业", "班级", "入学年份"]


def test_students_are_imported_with_one_audit_row_each(people):
    content = xlsx(
        STUDENT_HEADERS,
        ["甲职校", "张一", student_id(201), "S1", "数控技术应用", "数控2301", 2023],
        ["乙职校", "张二", student_id(202), "S1", "会计事务", "", "2024"],
    )

    count = tabular.run_import(record_tables.STUDENTS, user=people.users["office"], upload=content)

    assert count == 2 and Student.objects.count() == 2
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="people.Student")
    assert created.count() == 2 and all("id_number" not in e.changes for e in created)
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 1


def test_a_student_file_with_bad_rows_saves_nothing_and_names_every_row(people, enrol):
    registered = enrol(id_number=student_id(210))
    content = xlsx(
        STUDENT_HEADERS,
        ["甲职校", "好人", student_id(211), "A1", "数控", "", 2023],
        ["甲职校", "坏号", bad_check_digit(student_id(212)), "", "数控", "", 2023],
        ["甲职校", "重复", student_id(211), "", "数控", "", 2023],
        ["甲职校", "已登记", registered.id_number, "", "数控", "", 2023],
        ["丙职校", "无校", student_id(213), "", "数控", "", 2023],
        ["甲职校", "同学号", student_id(214), "A1", "数控", "", 2023],
        ["甲职校", "", student_id(215), "", "数控", "", "明年"],
    )

    errors = rejected(record_tables.STUDENTS, people.users["office"], content)

    assert Student.objects.count() == 1  # only the one registered before
    assert (3, "身份证号", "身份证号校验位不正确，请核对最后一位") in errors
    assert (4, "身份证号", "与第 2 行重复") in errors
    assert (5, "身份证号", "该身份证号已登记为甲职校的学生") in errors
    assert (6, "学校", "找不到学校“丙职校”") in errors
    assert any(row == 7 and col == "学号" for row, col, _ in errors)
    assert (8, "姓名", "请填写姓名") in errors and any(
        r == 8 and c == "入学年份" for r, c, _ in errors
    )


def test_a_clerk_imports_only_into_their_school(people):
    content = xlsx(STUDENT_HEADERS, ["乙职校", "他校", student_id(220), "", "数控", "", 2023])

    errors = rejected(record_tables.STUDENTS, people.users["school"], content)

    assert errors == [(2, "学校", "“乙职校”不是您可以登记的学校")]
    own = xlsx(STUDENT_HEADERS, ["", "本校", student_id(221), "", "数控", "", 2023])
    assert tabular.run_import(record_tables.STUDENTS, user=people.users["school"], upload=own) == 1
    assert Student.objects.get().school == people.units["甲职校"]


AWARD_HEADERS = [
    "赛事名称",
    "赛事年度",
    "赛项",
    "获奖者类别",
    "获奖者身份证号",
    "获奖者姓名",
    "奖项等级",
    "奖励金额（元）",
    "奖励发放日期",
]


def test_awards_need_a_registered_competition_and_a_matching_person(people, enrol, register):
    award_services.competition_create(
        user=people.users["office"],
        data=award_services.CompetitionData(
            name="全国职业院校技能大赛",
            year=2024,
            track="数控综合应用技术",
            level=CompetitionLevel.NATIONAL,
        ),
    )
    student, teacher = enrol(name="李同学"), register(name="王老师")
    good = [
        [
            "全国职业院校技能大赛",
            2024,
            "数控综合应用技术",
            "学生",
            student.id_number,
            "李同学",
            "一等奖",
            "20000",
            "2025-03-15",
        ],
        [
            "全国职业院校技能大赛",
            2024,
            "数控综合应用技术",
            "教师",
            teacher.id_number,
            "王老师",
            "二等奖",
            "",
            "",
        ],
    ]
    content = xlsx(
        AWARD_HEADERS,
        *good,
        ["不存在的大赛", 2024, "", "学生", student.id_number, "李同学", "一等奖", "", ""],
        [
            "全国职业院校技能大赛",
            2024,
            "数控综合应用技术",
            "学生",
            student.id_number,
            "张冠李戴",
            "一等奖",
            "",
            "",
        ],
        [
            "全国职业院校技能大赛",
            2024,
            "数控综合应用技术",
            "学生",
            student_id(299),
            "路人",
            "特别奖",
            "",
            "",
        ],
    )

    errors = rejected(record_tables.AWARDS, people.users["office"], content)

    assert not Award.objects.exists()
    assert any(r == 4 and "获奖记录必须属于已登记的赛事" in m for r, _, m in errors)
    assert (5, "获奖者姓名", "姓名与身份证号不符（学生库中为“李同学”）") in errors
    assert any(r == 6 and c == "奖项等级" for r, c, _ in errors)
    assert (
        tabular.run_import(
            record_tables.AWARDS, user=people.users["office"], upload=xlsx(AWARD_HEADERS, *good)
        )
        == 2
    )
    assert Award.objects.get(student=student).incentive_amount == 20000


TRAINING_HEADERS = [
    "学校",
    "培训项目",
    "培训类型",
    "培训对象",
    "培训人次",
    "学时",
    "开始日期",
    "结束日期",
]


def test_training_import_is_all_or_nothing_with_chinese_row_errors(people):
    rows = [
        ["甲职校", "电工（中级）", "就业技能培训", "退役军人", 120, 40, "2025-03-01", "2025-03-20"],
        ["甲职校", "电工（中级）", "", "外来劳动者", "80", 40, "2025/03/01", "2025年3月20日"],
    ]
    bad = xlsx(
        TRAINING_HEADERS,
        *rows,
        ["甲职校", "焊工", "", "外星人", 10, 8, "2025-04-01", "2025-04-03"],
        ["甲职校", "焊工", "", "退役军人", "十", 8, "2025-04-01", "2025-03-03"],
        ["甲职校", "电工（中级）", "", "退役军人", 5, 40, "2025-03-01", "2025-03-21"],
    )

    errors = rejected(record_tables.TRAINING, people.users["office"], bad)

    assert not TrainingRecord.objects.exists()
    assert any(r == 4 and c == "培训对象" and "外星人" in m for r, c, m in errors)
    assert (5, "培训人次", "培训人次应为整数，现在是“十”") in errors
    assert (6, "培训项目", "与第 2 行重复") in errors
    count = tabular.run_import(
        record_tables.TRAINING, user=people.users["office"], upload=xlsx(TRAINING_HEADERS, *rows)
    )
    assert count == 2 and sum(TrainingRecord.objects.values_list("person_times", flat=True)) == 200
    again = rejected(
        record_tables.TRAINING, people.users["office"], xlsx(TRAINING_HEADERS, rows[0])
    )
    assert again == [(2, "培训项目", "该培训（同一项目、培训对象和开始日期）已经登记")]


MAJOR_HEADERS = [
    "学校",
    "专业代码",
    "专业名称",
    "层次",
    "开设年份",
    "在招",
    "认定类别",
    "认定年份",
    "专业群名称",
]


def test_majors_are_imported_with_their_recognition_and_codes_checked(people):
    content = xlsx(
        MAJOR_HEADERS,
        [
            "甲职校",
            "660103",
            "数控技术应用",
            "中职",
            2005,
            "是",
            "高水平专业（群）",
            2022,
            "数控专业群",
        ],
        ["甲职校", "460301", "机电一体化技术", "中职", 2005, "", "", "", ""],
        ["甲职校", "0107", "焊接加工", "技工院校", "", "", "技工教育品牌专业", "", ""],
    )

    errors = rejected(record_tables.MAJORS, people.users["office"], content)

    assert (3, "专业代码", "中职专业代码应以 61 至 79 开头，“460301”不是中职专业") in errors
    assert any(r == 4 and c == "认定年份" for r, c, _ in errors)
    good = xlsx(
        MAJOR_HEADERS,
        [
            "甲职校",
            "660103",
            "数控技术应用",
            "中职",
            2005,
            "是",
            "高水平专业（群）",
            2022,
            "数控专业群",
        ],
    )
    assert tabular.run_import(record_tables.MAJORS, user=people.users["office"], upload=good) == 1
    recognition = MajorRecognition.objects.get()
    assert recognition.major == Major.objects.get() and recognition.group_name == "数控专业群"


def test_team_members_are_found_by_id_number_within_the_school(people, register):
    lead, a, b = register(), register(), register()
    stranger = register("乙职校")
    headers = ["学校", "团队名称", "级别", "立项年份", "负责人身份证号", "成员身份证号"]
    content = xlsx(
        headers,
        ["甲职校", "数控团队", "市级", 2023, lead.id_number, f"{a.id_number}、{b.id_number}"],
        ["甲职校", "混编团队", "市级", 2023, lead.id_number, stranger.id_number],
    )

    errors = rejected(record_tables.TEAMS, people.users["office"], content)

    assert errors[0][:2] == (3, "成员身份证号") and "不是甲职校在职教师" in errors[0][2]
    assert stranger.id_number not in errors[0][2]  # masked in the message
    ok = xlsx(
        headers,
        ["甲职校", "数控团队", "市级", 2023, lead.id_number, f"{a.id_number}，{b.id_number}"],
    )
    assert tabular.run_import(record_tables.TEAMS, user=people.users["office"], upload=ok) == 1
    assert set(InnovationTeam.objects.get().members.all()) == {a, b}


def test_through_enrolment_needs_the_programme_and_a_new_year(people):
    office = people.users["office"]
    major = registry_services.major_create(
        user=office,
        school=people.units["甲职校"],
        data=registry_services.MajorData(
            code="660103", name="数控技术应用", level=MajorLevel.SECONDARY
        ),
    )
    registry_services.through_create(
        user=office,
        data=registry_services.ThroughData(
            major=major,
            partner="江阴职业技术学院",
            mode=ThroughMode.SEGMENTED_3_3,
            started_year=2020,
        ),
    )
    headers = ["学校", "专业代码", "合作院校", "培养模式", "年度", "当年招生人数", "年末在校生人数"]
    mode = str(ThroughMode.SEGMENTED_3_3.label)
    content = xlsx(
        headers,
        ["甲职校", "660103", "江阴职业技术学院", mode, 2021, 100, 280],
        ["甲职校", "660103", "无锡职业技术学院", mode, 2021, 100, 280],
    )

    errors = rejected(record_tables.THROUGH, office, content)

    assert [r for r, _, _ in errors] == [3] and "请先登记项目" in errors[0][2]
    one = xlsx(headers, ["甲职校", "660103", "江阴职业技术学院", mode, 2021, 100, 280])
    assert tabular.run_import(record_tables.THROUGH, user=office, upload=one) == 1
    assert ThroughEnrolment.objects.get().enrolled == 280
    assert "已登记" in rejected(record_tables.THROUGH, office, one)[0][2]


def test_a_base_with_an_unknown_enterprise_is_refused(people):
    headers = ["基地名称", "基地类型", "依托学校", "合作企业", "级别", "认定年份"]
    content = xlsx(headers, ["企业基地", "", "", "不存在的公司", "市级", 2023])

    errors = rejected(record_tables.BASES, people.users["office"], content)

    assert errors == [(2, "合作企业", "找不到企业“不存在的公司”，请先在单位中登记该企业")]
    ok = xlsx(headers, ["企业基地", "", "甲职校", "某企业", "市级", 2023])
    assert tabular.run_import(record_tables.BASES, user=people.users["office"], upload=ok) == 1
    assert DualBase.objects.get().enterprise == people.units["某企业"]


def test_the_templates_carry_the_headers_and_drop_downs(people):
    content = tabular.template_bytes(record_tables.TRAINING, people.users["office"])

    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    assert [c.value for c in ws[1]][:4] == ["学校", "培训项目", "培训类型", "培训对象"]
    assert any("退役军人" in (v.formula1 or "") for v in ws.data_validations.dataValidation)


def test_the_import_page_lists_row_errors_and_saves_nothing(client, people):
    client.force_login(people.users["school"])
    content = xlsx(TRAINING_HEADERS, ["", "焊工", "", "外星人", 10, 8, "2025-04-01", "2025-04-03"])

    page = client.post(
        reverse("admin:people-training-import"), {"file": SimpleUploadedFile("t.xlsx", content)}
    )

    text = page.content.decode()
    assert page.status_code == 200 and "未知的培训对象“外星人”" in text and "未导入任何数据" in text
    assert not TrainingRecord.objects.exists()
    good = xlsx(TRAINING_HEADERS, ["", "焊工", "", "退役军人", 10, 8, "2025-04-01", "2025-04-03"])
    done = client.post(
        reverse("admin:people-training-import"), {"file": SimpleUploadedFile("t.xlsx", good)}
    )
    assert done.status_code == 302 and TrainingRecord.objects.get().school == people.units["甲职校"]
