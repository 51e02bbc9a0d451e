"""Loading catalogue editions: all or nothing, line-numbered Chinese errors, idempotent, versioned."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.talent import services
from zhijiao.talent.catalogue import CatalogueRejected, catalogue_load, edition_make_current
from zhijiao.talent.data import CatalogueKind, MajorStage
from zhijiao.talent.models import (
    CatalogueEdition,
    DemandLine,
    Industry,
    Major,
    MajorOccupation,
    Occupation,
)

from .conftest import DATA, SHIPPED, load_shipped

OCCUPATIONS = """# 名称：测试大典
代码,名称,标识
6,生产制造及有关人员,
6-18,机械制造基础加工人员,
6-18-02,机械热加工人员,
6-18-02-04,焊工,
6-18-02-05,测试数字职业,S
"""


def load(kind: str, text: str, edition: str = "T1", **more) -> object:
    return catalogue_load(kind=kind, content=text.encode("utf-8"), edition=edition, **more)


@pytest.mark.django_db
def test_the_shipped_catalogues_load_and_reload_without_change():
    # Given the files shipped in data/talent/, loaded once
    load_shipped()
    counts = {
        kind: CatalogueEdition.objects.get(kind=kind, is_current=True).entry_count
        for kind, *_ in SHIPPED
    }
    assert counts[CatalogueKind.OCCUPATIONS] > 150
    assert counts[CatalogueKind.MAJORS] > 100
    assert counts[CatalogueKind.INDUSTRIES] > 200
    assert counts[CatalogueKind.MAPPING] > 50
    # Then every entry has its parent in the same edition
    assert not Occupation.objects.filter(level__gt=1, parent__isnull=True).exists()
    assert not Industry.objects.filter(level__gt=1, parent__isnull=True).exists()
    welder = Occupation.objects.get(code="6-18-02-04")
    assert (welder.name, welder.parent.code, welder.level) == ("焊工", "6-18-02", 4)
    assert Major.objects.get(code="460103").stage == MajorStage.HIGHER
    assert Major.objects.get(code="660103").stage == MajorStage.SECONDARY
    # When loaded again, nothing changes
    before = set(Occupation.objects.values_list("pk", "code", "name"))
    for kind, name, edition in SHIPPED:
        result = catalogue_load(kind=kind, content=(DATA / name).read_bytes(), edition=edition)
        assert (result.created, result.updated, result.removed) == (0, 0, 0), kind
    assert set(Occupation.objects.values_list("pk", "code", "name")) == before


@pytest.mark.django_db
def test_a_file_loads_with_levels_parents_marks_and_audit():
    result = load(CatalogueKind.OCCUPATIONS, OCCUPATIONS)
    assert result.created == 5
    edition = CatalogueEdition.objects.get(kind=CatalogueKind.OCCUPATIONS, name="T1")
    assert edition.title == "测试大典" and edition.is_current and edition.entry_count == 5
    marked = Occupation.objects.get(code="6-18-02-05")
    assert marked.is_digital and not marked.is_green and marked.marks == "S"
    assert (
        AuditEvent.objects.filter(
            object_type="talent.Occupation", action=AuditAction.CREATE
        ).count()
        == 5
    )
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(edition.pk)).exists()


@pytest.mark.django_db
def test_bad_lines_are_refused_with_their_line_numbers_and_nothing_is_stored():
    text = (
        "# 测试\n"
        "代码,名称,标识\n"  # line 2
        "6,生产制造及有关人员,\n"  # 3
        "6-18-2-04,焊工,\n"  # 4: malformed
        "6-18-02-01,铸造工,\n"  # 5: parent 6-18-02 missing
        "6,重复,\n"  # 6: duplicate of line 3
        "6-18,,\n"  # 7: no name
        "6-18-02,机械热加工人员,X\n"  # 8: bad mark
    )
    with pytest.raises(CatalogueRejected) as caught:
        load(CatalogueKind.OCCUPATIONS, text)
    errors = {e.line: e.message for e in caught.value.errors}
    assert set(errors) == {4, 5, 6, 7, 8}
    assert "格式不正确" in errors[4]
    assert "上级小类 6-18-02 不在本版本中" in errors[5]
    assert "与第 3 行重复" in errors[6]
    assert "缺少名称" in errors[7]
    assert "标识“X”不正确" in errors[8]
    assert "5 行共 5 处错误，未保存任何条目" in caught.value.message
    assert str(caught.value.errors[0]).startswith("第 4 行：")
    assert not CatalogueEdition.objects.exists()
    assert not Occupation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "text", "says"),
    [
        (
            CatalogueKind.MAJORS,
            "代码,名称\n46,装备制造大类\n4601,机械设计制造类\n400103,错\n",
            "不在目录范围内",
        ),
        (CatalogueKind.MAJORS, "代码,名称\n460103,数控技术\n", "上级专业类 4601 不在本版本中"),
        (CatalogueKind.INDUSTRIES, "代码,名称\nC,制造业\nD31,错\n", "属于门类 C"),
        (
            CatalogueKind.INDUSTRIES,
            "代码,名称\nC,制造业\nC3130,钢压延加工\n",
            "上级中类 C313 不在本版本中",
        ),
        (CatalogueKind.OCCUPATIONS, "编码,名称\n6,生产制造及有关人员\n", "表头缺少“代码”列"),
        (CatalogueKind.OCCUPATIONS, "# 只有注释\n", "没有表头和数据行"),
    ],
)
def test_each_catalogue_checks_its_codes_and_parents(kind, text, says):
    with pytest.raises(CatalogueRejected) as caught:
        load(kind, text)
    assert says in " ".join(str(e) for e in caught.value.errors)
    assert not CatalogueEdition.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(CatalogueRejected) as caught:
        catalogue_load(
            kind=CatalogueKind.OCCUPATIONS,
            content="代码,名称\n6,生产制造\n".encode("gbk"),
            edition="T1",
        )
    assert "UTF-8" in caught.value.message


@pytest.mark.django_db
def test_a_reload_updates_renamed_entries_and_removes_dropped_ones():
    load(CatalogueKind.OCCUPATIONS, OCCUPATIONS)
    welder = Occupation.objects.get(code="6-18-02-04")
    changed = OCCUPATIONS.replace("6-18-02-04,焊工", "6-18-02-04,焊工（电焊）").replace(
        "6-18-02-05,测试数字职业,S\n", ""
    )
    result = load(CatalogueKind.OCCUPATIONS, changed)
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    welder.refresh_from_db()  # the same row: demand lines keep pointing at it
    assert welder.name == "焊工（电焊）"
    assert not Occupation.objects.filter(code="6-18-02-05").exists()
    assert AuditEvent.objects.filter(
        object_type="talent.Occupation", action=AuditAction.UPDATE, object_id=str(welder.pk)
    ).exists()


@pytest.mark.django_db
def test_editions_are_versions_side_by_side_and_one_is_current():
    load(CatalogueKind.OCCUPATIONS, OCCUPATIONS, edition="2015")
    load(CatalogueKind.OCCUPATIONS, OCCUPATIONS.replace("焊工", "焊工（新）"), edition="2022")
    old, new = (
        CatalogueEdition.objects.get(kind=CatalogueKind.OCCUPATIONS, name=n)
        for n in ("2015", "2022")
    )
    old.refresh_from_db()
    assert new.is_current and not old.is_current
    assert Occupation.objects.get(edition=old, code="6-18-02-04").name == "焊工"
    assert Occupation.objects.get(edition=new, code="6-18-02-04").name == "焊工（新）"
    # An edition loaded without becoming current, then made current
    load(CatalogueKind.OCCUPATIONS, OCCUPATIONS, edition="草案", make_current=False)
    assert CatalogueEdition.objects.get(kind=CatalogueKind.OCCUPATIONS, is_current=True) == new
    edition_make_current(kind=CatalogueKind.OCCUPATIONS, name="2015")
    assert CatalogueEdition.objects.get(kind=CatalogueKind.OCCUPATIONS, is_current=True) == old


@pytest.mark.django_db
def test_a_supplement_extends_an_edition():
    load(
        CatalogueKind.MAJORS,
        "代码,名称\n46,装备制造大类\n4601,机械设计制造类\n460103,数控技术\n",
        "2021",
    )
    result = load(
        CatalogueKind.MAJORS,
        "代码,名称\n460199,测试增补专业\n4699,测试专业类\n469901,测试专业\n",
        "2021+2025增补",
        extends="2021",
    )
    assert result.created == 6
    supplement = CatalogueEdition.objects.get(name="2021+2025增补")
    assert supplement.is_current and supplement.entry_count == 6
    assert set(Major.objects.filter(edition=supplement).values_list("code", flat=True)) == {
        "46",
        "4601",
        "460103",
        "460199",
        "4699",
        "469901",
    }
    with pytest.raises(Exception) as caught:
        load(CatalogueKind.MAJORS, "代码,名称\n470101,x\n", "X", extends="没有这个版本")
    assert "尚未载入" in str(caught.value)


@pytest.mark.django_db
def test_an_entry_in_use_cannot_be_dropped_from_its_edition(talent, line):
    services.survey_save(user=talent.users["enterprise"], year=talent.year, lines=[line()])
    edition = CatalogueEdition.objects.get(kind=CatalogueKind.OCCUPATIONS, is_current=True)
    smaller = (
        (DATA / "occupations-2022.csv")
        .read_text(encoding="utf-8")
        .replace("6-18-02-04,焊工,\n", "")
    )
    with pytest.raises(CatalogueRejected) as caught:
        load(CatalogueKind.OCCUPATIONS, smaller, edition=edition.name)
    assert "6-18-02-04" in str(caught.value.errors[0])
    assert DemandLine.objects.filter(occupation__code="6-18-02-04").count() == 1


@pytest.mark.django_db
def test_the_mapping_resolves_codes_in_the_current_editions(catalogues):
    with pytest.raises(CatalogueRejected) as caught:
        load(
            CatalogueKind.MAPPING,
            "专业代码,职业代码,行业代码,来源\n"
            "460103,6-18-01-01,C34,测试\n"  # 2: fine
            "469999,6-18-01-01,C34,测试\n"  # 3: unknown major
            "460103,6-18-99-99,C34,测试\n"  # 4: unknown occupation
            "4601,6-18-01-01,C34,测试\n"  # 5: a 专业类, not a 专业
            "460103,6-18-01-01,C34,\n"  # 6: no source
            "460103,6-18-01-01,C34,测试\n",  # 7: duplicate of 2
            edition="T",
        )
    errors = {e.line: e.message for e in caught.value.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "专业代码 469999 不在现行的" in errors[3]
    assert "职业代码 6-18-99-99 不在现行的" in errors[4]
    assert "应为专业" in errors[5]
    assert "请填写来源" in errors[6]
    assert "与第 2 行重复" in errors[7]
    mapping = MajorOccupation.objects.select_related("major", "industry").filter(
        major__code="460103"
    )
    assert mapping.exists() and all(m.source for m in mapping)


@pytest.mark.django_db
def test_the_command_loads_and_reports_bad_lines(tmp_path, capsys):
    good = tmp_path / "occ.csv"
    good.write_text(OCCUPATIONS, encoding="utf-8")
    call_command("loadcatalogue", "occupations", str(good), "--edition", "T1")
    assert "新增 5 条" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("代码,名称\n6-1,错\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("loadcatalogue", "occupations", str(bad), "--edition", "T2")
    assert "未保存任何条目" in str(caught.value)
    assert "bad.csv 第 2 行" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("loadcatalogue", "occupations", str(tmp_path / "none.csv"), "--edition", "T3")
    assert not CatalogueEdition.objects.filter(name__in=["T2", "T3"]).exists()
