"""Excel in and out: imports of real .xlsx files (all or nothing, every bad row named in Chinese,
the same rules as the pages), templates, and exports opened with openpyxl within the scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.cooperation.conftest import D, audits, bad_check, code, xlsx
from zhijiao.cooperation.data import BaseLevel
from zhijiao.cooperation.models import (
    Apprentice,
    FamousProject,
    IntegrationEnterprise,
    SchoolGovernance,
    TrainingBase,
)
from zhijiao.cooperation.registries import (
    APPRENTICES,
    BASES,
    DIRECTORY,
    ENTERPRISES,
    GOVERNANCE,
    PROJECTS,
)
from zhijiao.core.excel import ExcelError, ImportRejected
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.orgs.models import Unit

# Excel holds dates as naive datetimes.
EXCEL_2023_03_01 = dt.datetime(2023, 3, 1)  # noqa: DTZ001
EXCEL_2021_03_01 = dt.datetime(2021, 3, 1)  # noqa: DTZ001
PROJECT_HEADERS = ["项目名称", "牵头学校", "合作企业", "产业集群", "合作内容", "启动日期"]


def rejected(registry, user, content) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as refused:
        registry.import_file(user=user, upload=content, name="t.xlsx")
    assert refused.value.message.endswith("未保存任何数据。请按提示修改后重新上传。")
    return [(e.row, e.column, e.message) for e in refused.value.errors]


def sheet(content: bytes) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content))
    return list(wb.worksheets[0].iter_rows(values_only=True))


def test_a_good_project_file_is_stored_with_an_audit_row_each(coop):
    content = xlsx(
        PROJECT_HEADERS + ["计划完成日期", "负责部门"],
        ["订单班", "甲职校", "某企业、另一企业", "冶金及特钢", "共建订单班", "2022-09-01", "", ""],
        ["工作室", "乙职校", code(2), "集成电路封测", "共建工作室", EXCEL_2023_03_01, "2025/12/31", "人社局"],
    )  # fmt: skip

    count = PROJECTS.import_file(user=coop.users["office"], upload=content, name="项目.xlsx")

    assert count == 2
    first, second = FamousProject.objects.order_by("started_on")
    assert {u.name for u in first.enterprises.all()} == {"某企业", "另一企业"}
    assert (second.industry, second.planned_end_on, second.department) == (
        "chip",
        D(2025, 12, 31),
        coop.units["人社局"],
    )
    assert audits("FamousProject", AuditAction.CREATE).count() == 2
    imported = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert imported.message == "导入名企名校合作项目 2 个（项目.xlsx）"


def test_a_template_from_before_the_cluster_rename_still_imports(coop):
    """Templates downloaded before 产业领域 became 产业集群 (and three clusters were relabelled
    as the talent platform labels them) carry the old header and labels: both still import."""
    old_headers = ["项目名称", "牵头学校", "合作企业", "产业领域", "合作内容", "启动日期"]
    content = xlsx(
        old_headers,
        ["订单班", "甲职校", "某企业", "特钢新材料", "共建订单班", "2022-09-01"],
        ["化工班", "甲职校", "某企业", "石化新材料", "共建化工班", "2022-09-01"],
        ["船舶班", "甲职校", "某企业", "高端装备与船舶", "共建船舶班", "2022-09-01"],
        ["封测班", "甲职校", "某企业", "集成电路封测", "共建封测班", "2022-09-01"],
    )

    assert PROJECTS.import_file(user=coop.users["office"], upload=content) == 4

    assert dict(FamousProject.objects.values_list("name", "industry")) == {
        "订单班": "special_steel",
        "化工班": "petrochemical",
        "船舶班": "equipment",
        "封测班": "chip",
    }
    # A bad cluster in an old file is named by the current header and labels.
    bad = xlsx(old_headers, ["养猪班", "甲职校", "某企业", "养猪", "内容", "2022-09-01"])
    [(row, column, message)] = rejected(PROJECTS, coop.users["office"], bad)
    assert (row, column) == (2, "产业集群")
    assert message.startswith("未知的产业集群“养猪”，应为：冶金及特钢、纺织服装、石化及新材料")


def test_the_template_and_the_export_use_the_current_cluster_header_and_labels(coop, make):
    template = sheet(PROJECTS.template_bytes(coop.users["office"]))
    assert "产业集群" in template[0] and "产业领域" not in template[0]
    make.project(name="导出项目")
    exported = sheet(PROJECTS.export_bytes(user=coop.users["office"]))
    column = exported[0].index("产业集群")
    assert exported[1][column] == "冶金及特钢"  # make.project's cluster, special_steel


def test_a_project_file_with_bad_rows_stores_nothing_and_names_every_row(coop, make):
    make.project(name="已登记项目")
    content = xlsx(
        PROJECT_HEADERS,
        ["好项目", "甲职校", "某企业", "冶金及特钢", "内容", "2022-09-01"],
        ["无校项目", "丙职校", "某企业", "冶金及特钢", "内容", "2022-09-01"],
        ["无企业项目", "甲职校", "不存在企业", "冶金及特钢", "内容", "2022-09-01"],
        ["坏日期项目", "甲职校", "某企业", "冶金及特钢", "内容", "明年"],
        ["好项目", "甲职校", "某企业", "冶金及特钢", "重复", "2022-09-01"],
        ["已登记项目", "甲职校", "某企业", "冶金及特钢", "内容", "2022-09-01"],
        ["错领域", "甲职校", "某企业", "养猪", "内容", "2022-09-01"],
        ["", "甲职校", "某企业", "冶金及特钢", "", "2022-09-01"],
    )

    errors = rejected(PROJECTS, coop.users["office"], content)

    assert FamousProject.objects.count() == 1  # only the one registered before
    assert (3, "牵头学校", "找不到牵头学校“丙职校”，或不在您可以选择的范围内") in errors
    assert (4, "合作企业", "找不到合作企业“不存在企业”，或不在您可以选择的范围内") in errors
    assert (5, "启动日期", "日期“明年”无法识别，请写成 2021-09-01 的形式") in errors
    # The second 好项目 duplicates the first row of the file, the other one the registry.
    assert (6, "", "该学校已登记同名的合作项目") in errors
    assert (7, "", "该学校已登记同名的合作项目") in errors
    assert any(
        r == 8 and c == "产业集群" and m.startswith("未知的产业集群“养猪”") for r, c, m in errors
    )
    assert {c for r, c, _ in errors if r == 9} == {"项目名称", "合作内容"}
    assert 2 not in {r for r, _, _ in errors}
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    assert audits("FamousProject").count() == 1


def test_a_clerk_imports_only_for_their_school(coop):
    theirs = xlsx(
        PROJECT_HEADERS, ["他校项目", "乙职校", "某企业", "冶金及特钢", "内容", "2022-09-01"]
    )
    assert rejected(PROJECTS, coop.users["school"], theirs) == [
        (2, "牵头学校", "找不到牵头学校“乙职校”，或不在您可以选择的范围内")
    ]
    own = xlsx(
        PROJECT_HEADERS, ["本校项目", "甲职校", "某企业", "冶金及特钢", "内容", "2022-09-01"]
    )
    assert PROJECTS.import_file(user=coop.users["school"], upload=own) == 1
    with pytest.raises(Exception) as denied:
        PROJECTS.import_file(user=coop.users["enterprise"], upload=own)
    assert getattr(denied.value, "status_code", None) == 403


def test_the_same_enterprise_twice_in_a_file_and_a_bad_code_register_nothing(coop, make):
    make.cpe()  # 某企业 is already on the list
    headers = ["企业名称", "统一社会信用代码", "产业集群", "申报日期", "合作院校"]
    content = xlsx(
        headers,
        ["新企业甲", code(101), "新能源", "2022-03-01", "甲职校、乙职校"],
        ["新企业甲", code(101), "新能源", "2022-03-01", ""],
        ["新企业乙", bad_check(code(102)), "新能源", "2022-03-01", ""],
        ["某企业", code(1), "冶金及特钢", "2022-03-01", ""],
        ["另一名称", code(2), "冶金及特钢", "2022-03-01", ""],
    )

    errors = rejected(ENTERPRISES, coop.users["office"], content)

    assert errors == [
        (3, "统一社会信用代码", f"“新企业甲”（统一社会信用代码 {code(101)}）已在产教融合型企业名单中"),
        (4, "统一社会信用代码", "统一社会信用代码校验位不正确，请核对最后一位"),
        (5, "统一社会信用代码", f"“某企业”（统一社会信用代码 {code(1)}）已在产教融合型企业名单中"),
        (6, "统一社会信用代码", f"统一社会信用代码 {code(2)} 已登记为“另一企业”，不能再登记为“另一名称”"),
    ]  # fmt: skip
    assert IntegrationEnterprise.objects.count() == 1
    assert not Unit.objects.filter(name="新企业甲").exists()  # the enterprise is not half-saved


def test_a_good_enterprise_file_registers_new_enterprises_by_code(coop):
    content = xlsx(
        ["企业名称", "统一社会信用代码", "产业集群", "申报日期", "合作院校", "负责部门"],
        ["新企业甲", code(101).lower(), "新能源", "2022-03-01", "甲职校、乙职校", "发改委"],
    )

    assert ENTERPRISES.import_file(user=coop.users["office"], upload=content) == 1
    record = IntegrationEnterprise.objects.get()
    assert record.enterprise.credit_code == code(101) and record.level == "candidate"
    assert {s.name for s in record.schools.all()} == {"甲职校", "乙职校"}


def test_training_bases_are_imported_with_their_functions(coop):
    headers = ["基地名称", "承建学校", "产业集群", "资源共享型", "基地功能", "建成日期", "共建企业"]
    content = xlsx(
        headers,
        ["共享基地", "甲职校", "集成电路封测", "是", "人才培养、员工培训、技能鉴定", "2022-09-01", "某企业"],
        ["单一功能共享", "甲职校", "集成电路封测", "是", "人才培养", "2022-09-01", ""],
        ["无功能", "甲职校", "集成电路封测", "否", "养花", "2022-09-01", ""],
        ["坏布尔", "甲职校", "集成电路封测", "也许", "人才培养", "2022-09-01", ""],
    )  # fmt: skip

    errors = rejected(BASES, coop.users["office"], content)
    assert [(r, c) for r, c, _ in errors] == [(3, "资源共享型"), (4, "基地功能"), (5, "资源共享型")]
    assert errors[0][2].startswith("资源共享型实训基地应至少具备两项功能")
    assert errors[2][2] == "资源共享型请填写“是”或“否”"

    good = xlsx(headers, ["共享基地", "甲职校", "集成电路封测", "是", "人才培养、员工培训、技能鉴定", "2022-09-01", "某企业"])  # fmt: skip
    assert BASES.import_file(user=coop.users["office"], upload=good) == 1
    base = TrainingBase.objects.get()
    assert base.functions() == ["人才培养", "员工培训", "技能鉴定"] and base.shared
    assert base.level == BaseLevel.SCHOOL


def test_apprentices_are_imported_into_the_named_programme(coop, make):
    ours = make.apprenticeship(name="数控学徒班")
    theirs = make.apprenticeship(name="数控学徒班", school="乙职校")
    make.mentor(ours, "周师傅")
    headers = ["学徒制项目", "姓名", "学号", "签订协议日期", "企业导师"]
    content = xlsx(
        headers,
        ["乙职校/数控学徒班", "王一", "2022001", "2022-09-20", ""],
        ["甲职校/数控学徒班", "王二", "2022002", "2022-09-20", "周师傅"],
    )

    assert APPRENTICES.import_file(user=coop.users["office"], upload=content) == 2
    assert Apprentice.objects.get(name="王一").programme == theirs
    second = Apprentice.objects.get(name="王二")
    assert second.programme == ours and second.mentor.name == "周师傅"

    template = sheet(APPRENTICES.template_bytes(coop.users["office"]))
    assert template[0][0] == "学徒制项目"
    wb = load_workbook(io.BytesIO(APPRENTICES.template_bytes(coop.users["office"])))
    [lists] = [v.formula1 for v in wb.worksheets[0].data_validations.dataValidation]
    # The drop-down names each programme by a name that means it alone.
    assert "甲职校/数控学徒班" in lists and "乙职校/数控学徒班" in lists
    ambiguous = xlsx(headers, ["数控学徒班", "王三", "2022003", "2022-09-20", ""])
    errors = rejected(APPRENTICES, coop.users["office"], ambiguous)
    assert errors[0][:2] == (2, "学徒制项目") and "乙职校/数控学徒班" in errors[0][2]
    no_mentor = xlsx(headers, ["甲职校/数控学徒班", "王四", "2022004", "2022-09-20", "李师傅"])
    assert rejected(APPRENTICES, coop.users["office"], no_mentor) == [
        (2, "企业导师", "项目“数控学徒班”中没有名为“李师傅”的导师，请先在项目页面聘任")
    ]
    # A clerk of 甲职校 names its own programme by its plain name: there is only one for them.
    own = xlsx(headers, ["数控学徒班", "王五", "2022005", "2022-09-20", ""])
    assert APPRENTICES.import_file(user=coop.users["school"], upload=own) == 1
    assert Apprentice.objects.get(name="王五").programme == ours


def test_one_charter_row_per_school(coop, make):
    make.governance()
    headers = ["学校", "章程核准日期", "章程核准机关", "理事会成立日期", "理事会成员数"]
    content = xlsx(
        headers,
        ["乙职校", "2021-06-01", "人社局", "2021-09-01", 20],
        ["乙职校", "2021-06-01", "人社局", "2021-09-01", 20],
        ["甲职校", "2021-06-01", "教育局", "", ""],
    )

    errors = rejected(GOVERNANCE, coop.users["office"], content)

    assert [(r, c) for r, c, _ in errors] == [(3, "学校"), (4, "学校")]
    assert SchoolGovernance.objects.count() == 1


def test_a_file_that_is_not_the_template_is_refused_in_chinese(coop):
    wrong = xlsx(["名称", "学校"], ["x", "甲职校"])
    with pytest.raises(ExcelError) as header:
        PROJECTS.import_file(user=coop.users["office"], upload=wrong)
    assert header.value.message.startswith("表头缺少“项目名称”")
    with pytest.raises(ExcelError):
        PROJECTS.import_file(user=coop.users["office"], upload=b"not a workbook", name="a.xlsx")
    empty = xlsx(PROJECT_HEADERS)
    assert rejected(PROJECTS, coop.users["office"], empty) == [(2, "", "表中没有合作项目数据")]


def test_the_import_page_lists_the_errors_and_the_template_downloads(client, coop):
    client.force_login(coop.users["office"])
    url = reverse("admin:cooperation-projects-import")

    template = client.get(url, {"template": "xlsx"})
    rows = sheet(template.content)
    assert rows[0][:6] == tuple(PROJECT_HEADERS[:5]) + ("合作成果",)
    bad = xlsx(PROJECT_HEADERS, ["项目", "丙职校", "某企业", "冶金及特钢", "内容", "2022-09-01"])
    response = client.post(url, {"file": SimpleUploadedFile("p.xlsx", bad)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "未导入任何数据" in page and "找不到牵头学校“丙职校”" in page
    good = xlsx(PROJECT_HEADERS, ["项目", "甲职校", "某企业", "冶金及特钢", "内容", "2022-09-01"])
    done = client.post(url, {"file": SimpleUploadedFile("p.xlsx", good)}, follow=True)
    assert "导入成功：登记合作项目 1 个" in done.content.decode()


def test_the_export_keeps_to_the_scope_and_the_filters(client, coop, make):
    make.project(name="本校项目", started_on=D(2021, 3, 1), enterprises=[coop.units["某企业"], coop.units["另一企业"]])  # fmt: skip
    make.project(name="他校项目", school="乙职校")
    url = reverse("admin:cooperation-projects-export")

    client.force_login(coop.users["school"])
    rows = sheet(client.get(url).content)
    assert rows[0][0] == "项目名称" and [r[0] for r in rows[1:]] == ["本校项目"]
    assert set(rows[1][2].split("、")) == {"某企业", "另一企业"}
    assert rows[1][6] == EXCEL_2021_03_01  # a date stays a date
    client.force_login(coop.users["office"])
    assert len(sheet(client.get(url).content)) == 3
    assert [r[0] for r in sheet(client.get(url, {"year": "2021"}).content)[1:]] == ["本校项目"]
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert [e.message for e in exported] == [
        "导出名企名校合作项目 1 个",
        "导出名企名校合作项目 2 个",
        "导出名企名校合作项目 1 个（筛选：year=2021）",
    ]


def test_an_export_round_trips_through_the_import(coop, make):
    make.base(name="共享基地", for_research=True, department=coop.units["教育局"])
    office = coop.users["office"]

    content = BASES.export_bytes(user=office)
    TrainingBase.objects.all().delete()
    count = BASES.import_file(user=office, upload=content)

    assert count == 1
    base = TrainingBase.objects.get()
    assert base.functions() == ["人才培养", "技术研发", "员工培训"]
    assert base.department == coop.units["教育局"] and base.enterprises.count() == 1


def test_the_directory_import_refuses_known_enterprises(coop):
    content = xlsx(
        ["企业名称", "统一社会信用代码", "简称"],
        ["新企业", code(70), "新企"],
        ["某企业", code(1), ""],
        ["新企业", code(70), ""],
    )

    errors = rejected(DIRECTORY, coop.users["office"], content)

    assert errors == [
        (3, "统一社会信用代码", f"该企业已登记：“某企业”（统一社会信用代码 {code(1)}）"),
        (4, "统一社会信用代码", f"该企业已登记：“新企业”（统一社会信用代码 {code(70)}）"),
    ]
    assert not Unit.objects.filter(name="新企业").exists()


def test_exports_of_every_registry_open(client, coop, make):
    programme = make.apprenticeship()
    make.apprentice(programme)
    make.project(), make.group(), make.cpe(), make.base(), make.pilot()
    make.governance(), make.sanquan(), make.case()
    client.force_login(coop.users["office"])
    from zhijiao.cooperation.registries import REGISTRIES

    for registry in REGISTRIES:
        response = client.get(reverse(f"admin:{registry.export_name}"))
        rows = sheet(response.content)
        assert response.status_code == 200 and len(rows) >= 2, registry.key
        assert rows[0] == tuple(c.header for c in registry.excel), registry.key
