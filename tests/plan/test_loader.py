"""Loading a plan from its official text: what the text says, stored exactly once."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from tests.factories import OFFICIAL_PLAN, UnitFactory, UserFactory
from zhijiao.core.models import AuditEvent
from zhijiao.orgs.models import Unit, UnitGroup, UnitKind
from zhijiao.orgs.roles import Role
from zhijiao.plan.loader import (
    PlanFormatError,
    classify_unit,
    deadline_from_text,
    parse_plan_text,
    plan_code_from_path,
    plan_load,
    plan_sync_groups,
    responsibilities_sync,
)
from zhijiao.plan.models import (
    Assignee,
    Measure,
    Plan,
    Programme,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Section,
    Task,
)

TEXT = OFFICIAL_PLAN.read_text(encoding="utf-8")
TITLE = "江阴市推进职业教育改革创新  打造高质量发展样板的实施方案"
DUPLICATE_WARNING = "工程（六）的名称“体制机制创新工程”与工程（五）重复，已按原文保留"

# A plan of the same shape from another city: a differently named measures part followed by
# another part with （一）, no conversion residue, a page footer inside the table, a copy-to
# line after it, units of its own and a deadline to the month.
CHANGZHOU = """\
常州市人民政府办公室关于印发《常州市职业教育
提质培优行动方案》的通知

各辖市、区人民政府，市各委办局，市各直属单位：
现将《常州市职业教育提质培优行动方案》印发给你们，请认真组织实施。

常州市人民政府办公室
2022年3月15日

常州市职业教育提质培优行动方案

为推动职业教育提质培优，制定本方案。
一、总体目标
到2025年，建成一批高水平职业院校。
二、重点任务
（一）推进产教融合
1．建设产教融合平台。依托产业园区建设平台。
园区企业与学校共建实训基地。
2．培育产教融合型企业。每年遴选一批企业。
（二）提升办学质量
1．推进专业建设。建设一批高水平专业群。
三、保障措施
（一）加强组织领导
1．建立联席会议制度。定期研究重大事项。

附件
常州市职业教育提质培优行动任务清单
\t工程名称
\t主要任务
\t责任单位
\t完成年限

\t（一）
产教融合
工程
\t1．建设市级产教融合平台。
\t市发展改革委、市教育局
\t2022年

\t
\t2．培育产教融合型企业不少于5家。
\t市工信局、市教育局、市工商联
\t2023年6月

\t（二）
质量提升
工程
\t3．各职业院校年培训人次达到在校生2倍。
\t各职业院校、常州技师学院
\t持续推进
\t— 3 —

\t
\t4．支持常州机电职业技术学院建设高水平专业群。
\t市教育局，常州机电职业技术学院
\t2023年6月30日

\t（三）
组织保障
工程
\t5．建立职业教育工作联席会议制度。
\t市教育局
\t2022年

抄送：市委各部门。
"""


def edit(text: str, line: int, new: str | None) -> str:
    """The text with one line (1-based) replaced, or removed when ``new`` is None."""
    lines = text.split("\n")
    assert 0 < line <= len(lines)
    if new is None:
        del lines[line - 1]
    else:
        lines[line - 1] = new
    return "\n".join(lines)


@pytest.fixture
def loaded(db):
    return plan_load(parsed=parse_plan_text(TEXT), code="jiangyin-2021")


# ---------------------------------------------------------------- what the text says


def test_official_header():
    parsed = parse_plan_text(TEXT)
    assert parsed.title == TITLE
    assert parsed.issuer == "江阴市人民政府办公室"
    assert parsed.issued_on == dt.date(2021, 11, 4)
    assert parsed.notice_title == f"市政府办公室关于印发《{TITLE}》的通知"
    assert parsed.preamble.startswith("为贯彻落实《教育部、江苏省人民政府关于整体推进苏锡常都市圈")
    assert parsed.preamble.endswith("特制定本实施方案。")
    assert (
        parsed.attachment_title == "江阴市推进职业教育改革创新  打造高质量发展样板任务（项目）清单"
    )


@pytest.mark.parametrize("separator", [" ", "\u3000", "\t", "   "])
def test_title_separator_is_stored_as_printed_in_the_official_text(separator):
    # Given the title's two clauses separated by other whitespace
    text = TEXT.replace(
        "推进职业教育改革创新  打造高质量", f"推进职业教育改革创新{separator}打造高质量", 1
    )
    # Then the title keeps one separator of two spaces, as the official text prints it
    assert parse_plan_text(text).title == TITLE


def test_official_programmes_tasks_and_deadlines():
    parsed = parse_plan_text(TEXT)
    assert len(parsed.programmes) == 7
    assert [t.number for t in parsed.tasks] == list(range(1, 32))
    assert [p.name for p in parsed.programmes] == [
        "立德树人基础工程",
        "资源优化设计工程",
        "校企合作赋能工程",
        "内涵建设跃升工程",
        "体制机制创新工程",
        "体制机制创新工程",
        "江阴行动护航工程",
    ]
    assert [t.number for t in parsed.programmes[5].tasks] == [24, 25, 26]
    assert Counter(t.deadline_text for t in parsed.tasks) == {
        "2021年": 14,
        "2022年": 8,
        "持续推进": 9,
    }
    for task in parsed.tasks:
        expected = (
            None
            if task.deadline_text == "持续推进"
            else dt.date(int(task.deadline_text[:4]), 12, 31)
        )
        assert task.deadline == expected
    # The task text is printed text without its number.
    assert (
        parsed.tasks[0].text
        == "建立部门党委挂钩联系职业学校党建和思想政治工作制度，将党建工作纳入职业学校综合考核。"
    )


def test_official_body_measures():
    parsed = parse_plan_text(TEXT)
    assert [s.number for s in parsed.sections] == [1, 2, 3, 4, 5, 6]
    assert parsed.sections[0].heading == "以党建为引领，高站位推进立德树人基础工程"
    assert all([m.number for m in s.measures] == [1, 2, 3] for s in parsed.sections)
    measure = parsed.sections[1].measures[2]
    assert measure.heading == "畅通技能人才成长通道"
    assert measure.text.startswith("畅通技能人才成长通道。实施职业教育高层次技术技能人才培养计划")
    assert "2倍以上" in measure.text


def test_units_in_printed_order():
    tasks = {t.number: t for t in parse_plan_text(TEXT).tasks}
    assert tasks[9].units == ["各职业院校", "澄西技校"]
    assert tasks[31].units == ["宣传部", "教育局", "人社局"]  # printed with a ，
    assert tasks[31].units_text == "宣传部、教育局，人社局"
    assert tasks[13].units == ["发改委", "工信局", "科技局", "税务局", "教育局", "人社局"]


def test_repeated_programme_name_is_kept_and_flagged():
    parsed = parse_plan_text(TEXT)
    assert [p.name_repeated for p in parsed.programmes] == [False] * 5 + [True, False]
    assert parsed.warnings == [DUPLICATE_WARNING]


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("2021年", dt.date(2021, 12, 31)),
        ("2023年6月", dt.date(2023, 6, 30)),
        ("2024年2月", dt.date(2024, 2, 29)),
        ("2023年6月15日", dt.date(2023, 6, 15)),
        ("持续推进", None),
    ],
)
def test_deadline_forms(printed, expected):
    assert deadline_from_text(printed) == expected


@pytest.mark.parametrize(
    "printed", ["", "2021年底", "2023年13月", "2023年2月30日", "长期", "2021—2022年"]
)
def test_unknown_deadline_forms_are_errors(printed):
    with pytest.raises(ValueError):
        deadline_from_text(printed)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("宣传部", UnitKind.PARTY),
        ("市委教育工委", UnitKind.PARTY),
        ("教育局", UnitKind.GOVERNMENT),
        ("发改委", UnitKind.GOVERNMENT),
        ("工商联", UnitKind.ASSOCIATION),
        ("澄西技校", UnitKind.SCHOOL),
        ("江阴职业技术学院", UnitKind.SCHOOL),
        ("华姿中专", UnitKind.SCHOOL),
        ("江阴开放大学", UnitKind.SCHOOL),
        ("江阴学院", UnitKind.OTHER),
        ("某某研究所", UnitKind.OTHER),
    ],
)
def test_unit_kinds_from_names(name, kind):
    assert classify_unit(name) == kind


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("data/plans/jiangyin-2021-vet-reform-plan.txt", "jiangyin-2021"),
        ("Changzhou_2022 VET plan.txt", "changzhou-2022"),
        ("suzhou-plan.txt", "suzhou-plan"),
        ("方案.txt", ""),
    ],
)
def test_plan_code_from_file_name(path, code):
    assert plan_code_from_path(path) == code


# ---------------------------------------------------------------- storing


@pytest.mark.django_db
def test_load_stores_the_official_plan(loaded):
    plan = loaded.plan
    assert loaded.plan_created and loaded.changed
    assert (plan.code, plan.title, plan.issuer, plan.issued_on) == (
        "jiangyin-2021",
        TITLE,
        "江阴市人民政府办公室",
        dt.date(2021, 11, 4),
    )
    assert plan.warnings == [DUPLICATE_WARNING]
    assert plan.programmes.count() == 7 and plan.tasks.count() == 31
    assert plan.sections.count() == 6 and Measure.objects.filter(section__plan=plan).count() == 18
    assert list(plan.programmes.filter(name_repeated=True).values_list("number", flat=True)) == [6]
    assert Counter(plan.tasks.values_list("deadline_text", flat=True)) == {
        "2021年": 14,
        "2022年": 8,
        "持续推进": 9,
    }
    assert plan.tasks.filter(deadline__isnull=True).count() == 9
    assert plan.tasks.get(number=31).units_text == "宣传部、教育局，人社局"
    assert set(loaded.units_created) == {
        "宣传部",
        "市委教育工委",
        "教育局",
        "江阴学院",
        "科技局",
        "人社局",
        "发改委",
        "澄西技校",
        "工信局",
        "工商联",
        "税务局",
        "财政局",
    }
    assert loaded.groups_created == ["各职业院校"]
    kinds = dict(Unit.objects.values_list("name", "kind"))
    assert kinds["江阴学院"] == UnitKind.OTHER and kinds["澄西技校"] == UnitKind.SCHOOL
    assert kinds["宣传部"] == UnitKind.PARTY and kinds["工商联"] == UnitKind.ASSOCIATION


@pytest.mark.django_db
def test_printed_assignees_and_lead(loaded):
    task9 = loaded.plan.tasks.get(number=9)
    assignees = list(task9.assignees.order_by("position"))
    assert [a.printed_name for a in assignees] == ["各职业院校", "澄西技校"]
    assert assignees[0].group.name == "各职业院校" and assignees[0].unit is None
    assert assignees[1].unit.name == "澄西技校" and assignees[1].group is None
    task31 = loaded.plan.tasks.get(number=31)
    assert [a.printed_name for a in task31.assignees.order_by("position")] == [
        "宣传部",
        "教育局",
        "人社局",
    ]
    lead = Responsibility.objects.get(task=task31, is_lead=True)
    assert lead.unit.name == "宣传部" and lead.position == 1
    assert [r.unit.name for r in task31.responsibilities.order_by("position")] == [
        "宣传部",
        "教育局",
        "人社局",
    ]


@pytest.mark.django_db
def test_group_resolves_to_every_active_school_once():
    # Given schools registered before the plan, one of them retired
    schools = [
        UnitFactory(name=n, kind=UnitKind.SCHOOL) for n in ("江阴职业技术学院", "江阴中等专业学校")
    ]
    UnitFactory(name="已撤并职校", kind=UnitKind.SCHOOL, is_active=False)
    # When the plan is loaded
    plan = plan_load(parsed=parse_plan_text(TEXT), code="jiangyin-2021").plan
    # Then task 9 falls to every active school, 澄西技校 once although printed twice over
    rows = {
        r.unit.name: r
        for r in plan.tasks.get(number=9).responsibilities.select_related("unit", "via_group")
    }
    assert set(rows) == {"江阴职业技术学院", "江阴中等专业学校", "澄西技校"}
    assert all(
        r.is_lead and r.position == 1 and r.via_group.name == "各职业院校" for r in rows.values()
    )
    assert "江阴学院" not in rows  # not a vocational school
    assert {s.pk for s in schools} <= {r.unit_id for r in rows.values()}


@pytest.mark.django_db
def test_group_sync_picks_up_new_and_retired_schools(loaded):
    plan, task9 = loaded.plan, loaded.plan.tasks.get(number=9)
    assert list(task9.responsibilities.values_list("unit__name", flat=True)) == ["澄西技校"]
    # When a school is registered, then the group is re-resolved
    new_school = UnitFactory(name="华姿中等专业学校", kind=UnitKind.SCHOOL)
    before = AuditEvent.objects.count()
    assert plan_sync_groups(plan) == 1
    assert task9.responsibilities.filter(unit=new_school, is_lead=True).exists()
    assert AuditEvent.objects.filter(object_type="plan.Responsibility").count() > 0
    assert AuditEvent.objects.count() > before
    # Idempotent
    assert plan_sync_groups(plan) == 0
    assert responsibilities_sync(task9) is False
    # When the school is retired, it no longer owes reports on the task
    Unit.objects.filter(pk=new_school.pk).update(is_active=False)
    assert responsibilities_sync(task9) is True
    assert not task9.responsibilities.filter(unit=new_school).exists()
    # Other tasks were never touched
    assert plan.tasks.get(number=1).responsibilities.count() == 2


@pytest.mark.django_db
def test_existing_units_are_reused_by_name_and_other_name():
    bureau = UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT)
    propaganda = UnitFactory(name="中共江阴市委宣传部", kind=UnitKind.PARTY, aliases=["宣传部"])
    result = plan_load(parsed=parse_plan_text(TEXT), code="jiangyin-2021")
    assert "教育局" not in result.units_created and "宣传部" not in result.units_created
    assert Unit.objects.filter(name="宣传部").count() == 0
    task31 = result.plan.tasks.get(number=31)
    assignee = task31.assignees.get(position=1)
    assert assignee.printed_name == "宣传部" and assignee.unit == propaganda
    assert task31.responsibilities.get(is_lead=True).unit == propaganda
    assert task31.assignees.get(position=2).unit == bureau


@pytest.mark.django_db
def test_no_conversion_residue_is_stored(loaded):
    plan = loaded.plan
    texts = [
        plan.title,
        plan.issuer,
        plan.notice_title,
        plan.preamble,
        plan.attachment_title,
        *plan.warnings,
    ]
    texts += [s.heading for s in Section.objects.all()]
    texts += [v for m in Measure.objects.all() for v in (m.heading, m.text)]
    texts += list(Programme.objects.values_list("name", flat=True))
    texts += [v for t in Task.objects.all() for v in (t.text, t.units_text, t.deadline_text)]
    texts += list(Assignee.objects.values_list("printed_name", flat=True))
    texts += list(Unit.objects.values_list("name", flat=True))
    assert "[bookmark" in TEXT and "_GoBack" in TEXT
    assert not [t for t in texts if "[bookmark" in t or "_Toc" in t or "_GoBack" in t]


@pytest.mark.django_db
def test_load_writes_audit_rows(loaded):
    types = Counter(AuditEvent.objects.values_list("object_type", flat=True))
    assert types["plan.Plan"] >= 1
    assert types["plan.Task"] == 31 and types["plan.Programme"] == 7
    assert types["plan.Section"] == 6 and types["plan.Measure"] == 18
    assert types["orgs.Unit"] == 12 and types["orgs.UnitGroup"] == 1
    assert types["plan.Assignee"] == Assignee.objects.count()
    assert types["plan.Responsibility"] == Responsibility.objects.count()


@pytest.mark.django_db
def test_loading_twice_changes_nothing(loaded):
    ids = {
        m: sorted(m.objects.values_list("pk", flat=True))
        for m in (
            Plan,
            Section,
            Measure,
            Programme,
            Task,
            Assignee,
            Responsibility,
            Unit,
            UnitGroup,
        )
    }
    loaded_at = Plan.objects.get().loaded_at
    audit_rows = AuditEvent.objects.count()

    again = plan_load(parsed=parse_plan_text(TEXT), code="jiangyin-2021")

    assert not again.plan_created and not again.changed
    assert (
        again.units_created == [] and not again.created and not again.updated and not again.deleted
    )
    assert {m: sorted(m.objects.values_list("pk", flat=True)) for m in ids} == ids
    assert Plan.objects.get().loaded_at == loaded_at
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_changed_text_updates_in_place(loaded):
    plan = loaded.plan
    task_ids = dict(plan.tasks.values_list("number", "pk"))
    # Given a revised text: task 5 reworded and due later, task 31 loses a unit
    text = edit(TEXT, 87, "\t5．推进职业启蒙教育和劳动教育，建成市中小学职业体验示范中心。")
    text = edit(text, 89, "\t2022年6月")
    text = edit(text, 230, "\t宣传部、教育局")
    result = plan_load(parsed=parse_plan_text(text), code="jiangyin-2021")

    assert result.changed and not result.plan_created
    assert dict(plan.tasks.values_list("number", "pk")) == task_ids  # same rows, updated in place
    task5 = plan.tasks.get(number=5)
    assert task5.text == "推进职业启蒙教育和劳动教育，建成市中小学职业体验示范中心。"
    assert (task5.deadline_text, task5.deadline) == ("2022年6月", dt.date(2022, 6, 30))
    task31 = plan.tasks.get(number=31)
    assert list(task31.responsibilities.values_list("unit__name", flat=True)) == [
        "宣传部",
        "教育局",
    ]
    assert result.updated["任务"] == 2
    assert AuditEvent.objects.filter(
        object_type="plan.Task", object_id=str(task5.pk), action="update"
    ).exists()
    # And loading the revised text again changes nothing more
    assert not plan_load(parsed=parse_plan_text(text), code="jiangyin-2021").changed


def _without_task_31(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:227] + lines[232:])  # lines 228–232: task 31's row and its blank line


@pytest.mark.django_db
def test_task_gone_from_the_text_is_removed_when_nobody_reported(loaded):
    result = plan_load(parsed=parse_plan_text(_without_task_31(TEXT)), code="jiangyin-2021")
    assert result.deleted["任务"] == 1
    assert loaded.plan.tasks.count() == 30


@pytest.mark.django_db
def test_task_with_reports_is_never_deleted(loaded):
    plan = loaded.plan
    task31 = plan.tasks.get(number=31)
    unit = Unit.objects.get(name="宣传部")
    period = ReportingPeriod.objects.create(
        plan=plan,
        start=dt.date(2021, 11, 1),
        end=dt.date(2021, 11, 30),
        due=dt.date(2021, 12, 5),
        label="2021年11月",
    )
    ProgressReport.objects.create(
        task=task31,
        unit=unit,
        period=period,
        narrative="已开展职业教育活动周",
        author=UserFactory(role=Role.UNIT_LIAISON, unit=unit),
    )
    # Given a text where task 31 is gone and task 1 reworded
    text = edit(_without_task_31(TEXT), 67, "\t1．改写后的任务。")
    with pytest.raises(PlanFormatError) as caught:
        plan_load(parsed=parse_plan_text(text), code="jiangyin-2021")
    assert caught.value.errors == [
        "任务 31 已有进展报告，新文本中却没有这项任务，不能删除；方案未载入，数据未作任何改动"
    ]
    # Then nothing changed at all
    assert plan.tasks.count() == 31 and ProgressReport.objects.count() == 1
    assert plan.tasks.get(number=1).text.startswith("建立部门党委挂钩联系")


@pytest.mark.django_db
def test_a_code_in_use_by_another_plan_is_refused(loaded):
    other = parse_plan_text(CHANGZHOU)
    with pytest.raises(PlanFormatError, match="已用于另一方案"):
        plan_load(parsed=other, code="jiangyin-2021")
    assert Plan.objects.count() == 1 and not Task.objects.exclude(plan=loaded.plan).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "Jiangyin 2021", "-x", "江阴"])
def test_invalid_code_is_refused(code):
    with pytest.raises(PlanFormatError, match="方案编码"):
        plan_load(parsed=parse_plan_text(TEXT), code=code)
    assert not Plan.objects.exists()


# ---------------------------------------------------------------- malformed text


MALFORMED = {
    # name: (the text, the place the error must start with, what it must say)
    "no attachment": (TEXT.split("\n附件：")[0], "第 14—55 行", "未找到“附件：”"),
    "no table": ("\n".join(TEXT.split("\n")[:58]), "第 56 行", "没有任务清单表格"),
    "task without deadline cell": (edit(TEXT, 69, None), "第 64 行", "此行（任务 1）有 3 个单元格"),
    "task without number": (
        edit(TEXT, 77, "\t实施新时代职业学校思想政治理论课改革创新行动。"),
        "第 77 行",
        "应以“1．”这样的序号开头",
    ),
    "duplicate task number": (
        edit(TEXT, 82, "\t3．每年举办高校辅导员和职业学校班主任素质能力大赛。"),
        "第 82 行",
        "任务序号 3 与第 77 行的任务重复",
    ),
    "unknown deadline": (edit(TEXT, 69, "\t2021年底"), "第 69 行", "完成年限“2021年底”无法识别"),
    "no units": (edit(TEXT, 68, "\t"), "第 68 行", "任务 1 没有责任单位"),
    "empty deadline": (edit(TEXT, 74, "\t"), "第 74 行", "任务 2 没有完成年限"),
    "programme out of order": (edit(TEXT, 118, "\t\t（四）"), "第 118 行", "工程序号（四）不连续"),
    "header without deadline": (edit(TEXT, 62, "\t备注"), "第 59 行", "缺少完成年限列"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_text_is_refused_with_line_numbers(case):
    text, place, message = MALFORMED[case]
    with pytest.raises(PlanFormatError) as caught:
        plan_load(parsed=parse_plan_text(text), code="jiangyin-2021")
    errors = caught.value.errors
    assert any(e.startswith(place + "：") and message in e for e in errors), errors
    assert all(e.startswith("第 ") for e in errors), errors
    assert (
        not Plan.objects.exists() and not Unit.objects.exists() and not UnitGroup.objects.exists()
    )


def test_one_bad_row_does_not_make_later_rows_look_wrong():
    text = edit(TEXT, 77, "\t实施新时代职业学校思想政治理论课改革创新行动。")
    with pytest.raises(PlanFormatError) as caught:
        parse_plan_text(text)
    assert len(caught.value.errors) == 1


# ---------------------------------------------------------------- another city


@pytest.mark.django_db
def test_a_plan_of_the_same_shape_from_another_city_loads():
    # Given Jiangyin's plan is already there, and a school of Changzhou registered
    plan_load(parsed=parse_plan_text(TEXT), code="jiangyin-2021")
    parsed = parse_plan_text(CHANGZHOU, code=plan_code_from_path("changzhou-2022-vet-plan.txt"))

    assert parsed.title == "常州市职业教育提质培优行动方案"
    assert (parsed.issuer, parsed.issued_on) == ("常州市人民政府办公室", dt.date(2022, 3, 15))
    assert parsed.attachment_title == "常州市职业教育提质培优行动任务清单"
    assert [(s.number, s.heading, len(s.measures)) for s in parsed.sections] == [
        (1, "推进产教融合", 2),
        (2, "提升办学质量", 1),
    ]  # 三、保障措施 is not the measures part
    assert (
        parsed.sections[0].measures[0].text
        == "建设产教融合平台。依托产业园区建设平台。\n园区企业与学校共建实训基地。"
    )
    assert [p.name for p in parsed.programmes] == ["产教融合工程", "质量提升工程", "组织保障工程"]
    assert [t.deadline for t in parsed.tasks] == [
        dt.date(2022, 12, 31),
        dt.date(2023, 6, 30),
        None,
        dt.date(2023, 6, 30),
        dt.date(2022, 12, 31),
    ]
    assert parsed.warnings == []

    result = plan_load(parsed=parsed)

    plan = result.plan
    assert plan.code == "changzhou-2022" and Plan.objects.count() == 2
    assert plan.programmes.count() == 3 and plan.tasks.count() == 5
    assert set(result.units_created) == {
        "市发展改革委",
        "市教育局",
        "市工信局",
        "市工商联",
        "常州技师学院",
        "常州机电职业技术学院",
    }
    assert result.groups_created == []  # 各职业院校 is shared with Jiangyin's plan
    task3 = plan.tasks.get(number=3)
    assert [a.printed_name for a in task3.assignees.order_by("position")] == [
        "各职业院校",
        "常州技师学院",
    ]
    names = set(task3.responsibilities.values_list("unit__name", flat=True))
    assert {"常州技师学院", "常州机电职业技术学院", "澄西技校"} <= names
    assert task3.responsibilities.filter(
        unit__name="常州技师学院", via_group__name="各职业院校"
    ).exists()
    assert list(plan.tasks.get(number=4).assignees.values_list("printed_name", flat=True)) == [
        "市教育局",
        "常州机电职业技术学院",
    ]


# ---------------------------------------------------------------- the command


@pytest.mark.django_db
def test_loadplan_command_prints_a_chinese_summary():
    out = io.StringIO()
    call_command("loadplan", str(OFFICIAL_PLAN), stdout=out)
    printed = out.getvalue()
    assert f"《{TITLE}》（编码 jiangyin-2021）：新载入" in printed
    assert "工程 7 项，任务 31 项" in printed and "新建单位 12 个" in printed
    assert f"提示：{DUPLICATE_WARNING}" in printed

    out = io.StringIO()
    call_command("loadplan", str(OFFICIAL_PLAN), stdout=out)
    assert "未发生变化" in out.getvalue() and "新建单位 0 个" in out.getvalue()
    assert Plan.objects.get().code == "jiangyin-2021"


@pytest.mark.django_db
def test_loadplan_command_takes_a_code(tmp_path):
    path = tmp_path / "changzhou-2022-plan.txt"
    path.write_text(CHANGZHOU, encoding="gb18030")  # older texts are saved as GB18030
    call_command("loadplan", str(path), "--code", "cz-2022", stdout=io.StringIO())
    assert Plan.objects.get().code == "cz-2022"


@pytest.mark.django_db
def test_loadplan_command_refuses_malformed_text(tmp_path):
    path = tmp_path / "jiangyin-2021-bad.txt"
    path.write_text(edit(TEXT, 69, "\t2021年底"), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="方案未载入"):
        call_command("loadplan", str(path), stdout=io.StringIO(), stderr=err)
    assert "错误：第 69 行：任务 1 的完成年限“2021年底”无法识别" in err.getvalue()
    assert not Plan.objects.exists() and not Unit.objects.exists()


@pytest.mark.django_db
def test_loadplan_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("loadplan", str(tmp_path / "nope.txt"))


def test_errors_are_listed_in_the_order_of_the_text():
    text = edit(edit(edit(TEXT, 69, "\t2021年底"), 82, "\t3．每年举办。"), 68, "\t")
    with pytest.raises(PlanFormatError) as caught:
        parse_plan_text(text)
    assert [e.split("：")[0] for e in caught.value.errors] == ["第 68 行", "第 69 行", "第 82 行"]
