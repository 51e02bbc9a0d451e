"""A stored plan as YAML or JSON, and back: the same plan, byte for byte."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.factories import OFFICIAL_PLAN, UnitFactory
from tests.plan.test_loader import CHANGZHOU, TEXT
from zhijiao.core.models import AuditEvent
from zhijiao.orgs.models import Unit, UnitGroup, UnitKind
from zhijiao.plan.loader import PlanFormatError, parse_plan_text, plan_load
from zhijiao.plan.models import Plan, Task
from zhijiao.plan.serialization import FORMAT, plan_dumps, plan_export, plan_import, plan_loads


def _empty_database() -> None:
    """What another installation starts from: no plan, no units, no groups."""
    Plan.objects.all().delete()
    UnitGroup.objects.all().delete()
    Unit.objects.all().delete()


@pytest.fixture
def jiangyin(db):
    return plan_load(parsed=parse_plan_text(TEXT), code="jiangyin-2021").plan


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_is_exact(jiangyin, fmt):
    exported = plan_dumps(plan=jiangyin, fmt=fmt)
    _empty_database()

    result = plan_import(text=exported, fmt=fmt)

    assert result.plan_created and result.plan.code == "jiangyin-2021"
    assert plan_dumps(plan=result.plan, fmt=fmt) == exported
    assert (
        result.plan.tasks.count() == 31
        and result.plan.programmes.filter(name_repeated=True).count() == 1
    )


@pytest.mark.django_db
def test_round_trip_of_another_city_with_multi_line_text():
    plan = plan_load(parsed=parse_plan_text(CHANGZHOU), code="changzhou-2022").plan
    exported = plan_dumps(plan=plan, fmt="yaml")
    assert "text: |-\n" in exported  # a measure running over two paragraphs reads as a block
    _empty_database()
    assert plan_dumps(plan=plan_import(text=exported, fmt="yaml").plan, fmt="yaml") == exported


@pytest.mark.django_db
def test_export_holds_what_the_text_says(jiangyin):
    data = plan_export(plan=jiangyin)
    assert data["format"] == FORMAT and data["code"] == "jiangyin-2021"
    assert data["issued_on"] == "2021-11-04"
    assert [len(p["tasks"]) for p in data["programmes"]] == [6, 4, 4, 4, 5, 3, 5]
    task9 = data["programmes"][1]["tasks"][2]
    assert task9 == {
        "number": 9,
        "text": "职业学校每年培训人次达到全日制在校生规模的2倍以上。",
        "units": ["各职业院校", "澄西技校"],
        "units_text": "各职业院校、澄西技校",
        "deadline": "持续推进",
        "deadline_on": None,
    }
    assert data["groups"] == [{"name": "各职业院校", "member_kind": "school"}]
    assert {"name": "江阴学院", "kind": "other"} in data["units"]
    # JSON is readable Chinese, not escapes
    assert "江阴市人民政府办公室" in plan_dumps(plan=jiangyin, fmt="json")
    assert json.loads(plan_dumps(plan=jiangyin, fmt="json")) == data
    assert yaml.safe_load(plan_dumps(plan=jiangyin, fmt="yaml")) == data


@pytest.mark.django_db
def test_export_takes_a_fixed_number_of_queries(jiangyin, django_assert_num_queries):
    with django_assert_num_queries(7):
        plan_export(plan=jiangyin)


@pytest.mark.django_db
def test_importing_the_export_over_the_loaded_text_changes_nothing(jiangyin):
    exported = plan_dumps(plan=jiangyin, fmt="yaml")
    rows = AuditEvent.objects.count()
    result = plan_import(text=exported, fmt="yaml")
    assert not result.changed and AuditEvent.objects.count() == rows


@pytest.mark.django_db
def test_import_keeps_kinds_given_in_the_file_and_reuses_existing_units(jiangyin):
    data = plan_export(plan=jiangyin)
    _empty_database()
    bureau = UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT)
    for unit in data["units"]:
        if unit["name"] == "江阴学院":
            unit["kind"] = "school"  # another installation decided otherwise
    plan = plan_import(text=json.dumps(data, ensure_ascii=False), fmt="json").plan
    assert Unit.objects.get(name="江阴学院").kind == UnitKind.SCHOOL
    assert Unit.objects.get(name="教育局").pk == bureau.pk
    assert plan.tasks.get(number=1).assignees.get(position=1).unit.name == "宣传部"


@pytest.fixture
def exported(jiangyin):
    text = plan_dumps(plan=jiangyin, fmt="yaml")
    _empty_database()
    return yaml.safe_load(text)


def _task(data, number):
    return next(t for p in data["programmes"] for t in p["tasks"] if t["number"] == number)


BROKEN = {
    "wrong format": (lambda d: d.update(format="other/9"), "不是 zhijiao-plan/1 格式"),
    "bad deadline": (
        lambda d: _task(d, 5).update(deadline="2021年底", deadline_on=None),
        "任务 5 的完成年限“2021年底”无法识别",
    ),
    "deadline date disagrees": (
        lambda d: _task(d, 5).update(deadline_on="2021-06-30"),
        "任务 5：截止日期 2021-06-30 与完成年限“2021年”不符",
    ),
    "no units": (lambda d: _task(d, 7).update(units=[]), "任务 7 没有责任单位"),
    "duplicate task": (lambda d: _task(d, 8).update(number=7), "任务序号 7 重复"),
    "number as text": (lambda d: _task(d, 8).update(number="八"), "任务 八：“number”应为整数"),
    "missing title": (lambda d: d.pop("title"), "方案信息：缺少“title”"),
    "bad date": (lambda d: d.update(issued_on="2021-13-01"), "成文日期“2021-13-01”应为 YYYY-MM-DD"),
    "bad kind": (lambda d: d["units"][0].update(kind="church"), "单位类型“church”无效"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BROKEN)
def test_broken_structured_file_is_refused_in_chinese(exported, case):
    mutate, message = BROKEN[case]
    mutate(exported)
    text = yaml.safe_dump(exported, allow_unicode=True, sort_keys=False)
    with pytest.raises(PlanFormatError) as caught:
        plan_import(text=text, fmt="yaml")
    assert any(message in e for e in caught.value.errors), caught.value.errors
    assert not Plan.objects.exists() and not Unit.objects.exists()


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("format: zhijiao-plan/1\ntitle: [unclosed\n", "yaml", "第 3 行：YAML 格式有误"),
        ('{"format": "zhijiao-plan/1",\n "title": }', "json", "第 2 行：JSON 格式有误"),
        ("- just\n- a list\n", "yaml", "不是 zhijiao-plan/1 格式"),
    ],
)
def test_unreadable_structured_file(text, fmt, message):
    with pytest.raises(PlanFormatError) as caught:
        plan_loads(text, fmt=fmt)
    assert message in caught.value.errors[0]


# ---------------------------------------------------------------- the commands


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_exportplan_and_loadplan_round_trip(tmp_path, suffix):
    call_command("loadplan", str(OFFICIAL_PLAN), stdout=io.StringIO())
    first, second = tmp_path / f"first{suffix}", tmp_path / f"second{suffix}"
    out = io.StringIO()
    call_command("exportplan", "jiangyin-2021", "-o", str(first), stdout=out)
    assert "已导出" in out.getvalue()
    assert AuditEvent.objects.filter(action="export", object_type="plan.Plan").count() == 1
    _empty_database()

    out = io.StringIO()
    call_command("loadplan", str(first), stdout=out)
    assert "（编码 jiangyin-2021）：新载入" in out.getvalue() and "任务 31 项" in out.getvalue()
    call_command("exportplan", "jiangyin-2021", "-o", str(second), stdout=io.StringIO())
    assert second.read_bytes() == first.read_bytes()
    if suffix == ".json":
        assert json.loads(first.read_text(encoding="utf-8"))["code"] == "jiangyin-2021"


@pytest.mark.django_db
def test_exportplan_prints_to_stdout_in_the_chosen_format(jiangyin):
    out = io.StringIO()
    call_command("exportplan", "jiangyin-2021", "--format", "json", stdout=out)
    assert out.getvalue() == plan_dumps(plan=jiangyin, fmt="json")
    out = io.StringIO()
    call_command("exportplan", "jiangyin-2021", stdout=out)
    assert out.getvalue().startswith(f"format: {FORMAT}\n")


@pytest.mark.django_db
def test_exportplan_unknown_code(jiangyin):
    with pytest.raises(CommandError, match="没有编码为“nope”的方案（现有：jiangyin-2021）"):
        call_command("exportplan", "nope")


@pytest.mark.django_db
def test_loadplan_refuses_a_broken_structured_file(tmp_path, jiangyin):
    path = tmp_path / "plan.yaml"
    data = plan_export(plan=jiangyin)
    _task(data, 3)["deadline"] = "明年"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="方案未载入"):
        call_command("loadplan", str(path), stderr=err, stdout=io.StringIO())
    assert "任务 3 的完成年限“明年”无法识别" in err.getvalue()
    assert Task.objects.get(plan=jiangyin, number=3).deadline_text == "2021年"
