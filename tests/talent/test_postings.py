"""Job postings: reading files, the import's refusals (all or nothing), de-duplication, the
classifier on a fixed sample, and the analyst's corrections teaching the alias dictionary."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ImportRejected
from zhijiao.core.models import AuditEvent
from zhijiao.talent import postings
from zhijiao.talent.classify import build_classifier, clean_title
from zhijiao.talent.data import ClassifyMethod, Education
from zhijiao.talent.models import OccupationAlias, Posting, PostingBatch

HEADER = "职位名称,职位描述,招聘单位,发布日期,招聘人数,产业集群,职业代码\n"


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def do_import(user, content: bytes, name: str = "p.csv"):
    return postings.postings_import(
        user=user,
        rows=postings.read_rows(content, name),
        source="测试来源",
        filename=name,
        year=2025,
    )


@pytest.fixture
def classifier(catalogues):
    return build_classifier()


# ---------------------------------------------------------------- the classifier on a fixed sample

SAMPLE = [
    # (title, text, expected code, expected method)
    ("数控车工（急招，包吃住）", "负责数控车床操作", "6-18-01-01", ClassifyMethod.ALIAS_TITLE),
    ("焊工", "", "6-18-02-04", ClassifyMethod.ALIAS_TITLE),
    ("氩弧焊工", "", "6-18-02-04", ClassifyMethod.ALIAS_TITLE),
    ("汽车维修工", "", "4-12-01-01", ClassifyMethod.ALIAS_TITLE),  # not 维修工 (机修钳工)
    ("设备维修工", "", "6-31-01-02", ClassifyMethod.ALIAS_TITLE),
    ("CNC操机", "", "6-18-01-02", ClassifyMethod.ALIAS_TITLE),  # full-width and case folded
    ("仓管员", "负责出入库", "4-02-06-01", ClassifyMethod.ALIAS_TITLE),
    ("普工", "从事电芯操作工工作，高中以上", "6-24-04-00", ClassifyMethod.ALIAS_TEXT),
    ("染整技术员", "负责印染车间染色配方与工艺调整", "6-04-06-02", ClassifyMethod.SIMILARITY),
]


@pytest.mark.parametrize(("title", "text", "code", "method"), SAMPLE, ids=[s[0] for s in SAMPLE])
def test_the_classifier_on_a_fixed_sample(classifier, title, text, code, method):
    result = classifier.classify(title, text)
    assert (result.code, result.method) == (code, method)


def test_confidence_orders_the_methods(classifier):
    whole = classifier.classify("焊工").confidence
    inside = classifier.classify("熟练焊工师傅").confidence
    in_text = classifier.classify("普工", "从事电芯操作工工作").confidence
    similar = classifier.classify("染整技术员", "负责印染车间染色配方与工艺调整").confidence
    assert whole > inside > in_text >= similar > 0
    assert classifier.classify("xyzzy", "").code is None


def test_skills_certificates_and_education_are_read(classifier):
    result = classifier.classify(
        "电工", "负责PLC编程和设备维护，持低压电工证，中专或大专及以上学历，高级工优先"
    )
    assert "PLC编程" in result.skills and "设备维护" in result.skills
    assert result.certificates == ("电工证",)
    assert result.education == Education.SECONDARY  # the lowest level named
    assert result.skill_level == "senior_worker"


def test_titles_are_cleaned_of_noise():
    assert clean_title("【高薪】数控车工（急招）8-12K") == "数控车工"


# ---------------------------------------------------------------- reading and importing


def test_csv_json_and_excel_are_read_alike(talent):
    csv_rows = postings.read_rows(csv_bytes("焊工,负责焊接,某企业,2025-03-01,3,,"), "a.csv")
    json_rows = postings.read_rows(
        json.dumps(
            [
                {
                    "title": "焊工",
                    "text": "负责焊接",
                    "company": "某企业",
                    "posted_on": "2025-03-01",
                    "headcount": 3,
                }
            ]
        ).encode(),
        "a.json",
    )
    wb = Workbook()
    ws = wb.active
    ws.append(["职位名称", "职位描述", "招聘单位", "发布日期", "招聘人数"])
    ws.append(["焊工", "负责焊接", "某企业", "2025-03-01", 3])
    buffer = io.BytesIO()
    wb.save(buffer)
    xlsx_rows = postings.read_rows(buffer.getvalue(), "a.xlsx")
    for rows in (csv_rows, json_rows, xlsx_rows):
        assert [(r.title, r.text, r.company, r.posted_on) for r in rows] == [
            ("焊工", "负责焊接", "某企业", "2025-03-01")
        ]


def test_an_import_classifies_and_keeps_the_extracts(talent):
    result = do_import(
        talent.users["office"],
        csv_bytes(
            "数控车工（急招）,能看懂图纸，中专学历 电话13912345678,某企业,2025-03-01,2,,",
            "杂务,负责打扫,某企业,2025-03-02,,,",
            "技术员,负责设备,乙企业,,,高端装备及船舶,6-18-02-04",
        ),
    )
    assert (result.imported, result.duplicates) == (3, 0)
    lathe = Posting.objects.get(title="数控车工（急招）")
    assert lathe.occupation.code == "6-18-01-01" and lathe.confidence == pytest.approx(0.95)
    assert lathe.skills == ["机械制图"] and lathe.headcount == 2 and lathe.year == 2025
    assert "13912345678" not in lathe.text  # contact numbers are dropped
    given = Posting.objects.get(title="技术员")
    assert (given.occupation.code, given.method, given.cluster) == (
        "6-18-02-04",
        ClassifyMethod.GIVEN,
        "equipment",
    )
    assert given.year == 2025  # no date: the import's year
    assert Posting.objects.get(title="杂务").occupation is None
    assert result.to_review == 1
    assert (
        AuditEvent.objects.filter(object_type="talent.PostingBatch", action="import").count() == 1
    )


def test_duplicates_are_skipped_in_the_file_and_against_the_store(talent):
    office = talent.users["office"]
    first = do_import(office, csv_bytes("焊工,负责焊接,某企业,,,,", "焊工 ,负责 焊接。,某企业,,,,"))
    assert (first.imported, first.duplicates) == (1, 1)  # spaces and punctuation do not matter
    second = do_import(office, csv_bytes("焊工,负责焊接,某企业,,,,", "车工,负责车削,某企业,,,,"))
    assert (second.imported, second.duplicates) == (1, 1)
    assert Posting.objects.count() == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (",,某企业,,,,", "职位名称和职位描述都是空的"),
        ("Ã©ç„Šå·¥,è´Ÿè´£,某企业,,,,", "乱码"),
        ("焊工,锟斤拷锟斤拷,某企业,,,,", "乱码"),
        ("焊工,,某企业,2025-13-01,,,", "不是日期"),
        ("焊工,,某企业,,0,,", "招聘人数"),
        ("焊工,,某企业,,,钢铁森林,", "未知的产业集群"),
        ("焊工,,某企业,,,,6-18-02-99", "不是现行职业分类中的职业"),
        ("焊工,,某企业,,,,X-1", "职业代码"),
    ],
    ids=[
        "empty",
        "mojibake",
        "gbk-garbage",
        "date",
        "headcount",
        "cluster",
        "unknown-code",
        "bad-code",
    ],
)
def test_a_bad_row_refuses_the_whole_file(talent, line, message):
    with pytest.raises(ImportRejected) as caught:
        do_import(talent.users["office"], csv_bytes("焊工,负责焊接,某企业,,,,", line))
    assert any(message in str(e) and e.row == 3 for e in caught.value.errors), caught.value.errors
    assert Posting.objects.count() == 0 and PostingBatch.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "a.csv", "空的"),
        (b"title\nx\n", "a.csv", "表头缺少"),
        (b"{not json", "a.json", "JSON 格式有误"),
        (b'{"a": 1}', "a.json", "数组"),
        (b"x", "a.txt", "不支持的文件类型"),
    ],
)
def test_unreadable_files_are_refused_in_chinese(talent, content, name, message):
    with pytest.raises(ServiceError) as caught:
        do_import(talent.users["office"], content, name)
    assert message in caught.value.message


def test_only_the_office_imports(talent):
    with pytest.raises(ServiceError) as caught:
        do_import(talent.users["school"], csv_bytes("焊工,,某企业,,,,"))
    assert caught.value.status_code == 403
    assert Posting.objects.count() == 0


# ---------------------------------------------------------------- corrections


def test_a_correction_teaches_the_dictionary(talent):
    office = talent.users["office"]
    do_import(
        office,
        csv_bytes(
            "打磨师傅,负责打磨,甲,,,,", "打磨师傅,负责抛光,乙,,,,", "打磨师傅（急招）,x,丙,,,,"
        ),
    )
    first, second, third = Posting.objects.order_by("pk")
    assert first.occupation is None
    done = postings.posting_correct(user=office, posting_id=first.pk, occupation_code="6-18-01-04")
    assert done.learnt_alias == "打磨师傅" and done.also_updated == 2
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.occupation.code == third.occupation.code == "6-18-01-04"
    assert second.reviewed_at is None  # reclassified, not reviewed
    assert OccupationAlias.objects.get(alias="打磨师傅").learnt
    # The next import uses the learnt alias.
    do_import(office, csv_bytes("打磨师傅,负责磨削,丁,,,,"))
    assert Posting.objects.latest("pk").method == ClassifyMethod.ALIAS_TITLE
    assert Posting.objects.latest("pk").occupation.code == "6-18-01-04"
    first.refresh_from_db()
    assert (first.method, first.confidence, first.reviewed_by) == (
        ClassifyMethod.MANUAL,
        1.0,
        office,
    )


def test_a_correction_needs_a_known_occupation_and_the_office(talent):
    office = talent.users["office"]
    do_import(office, csv_bytes("焊工,,甲,,,,"))
    posting = Posting.objects.get()
    with pytest.raises(ServiceError) as caught:
        postings.posting_correct(user=office, posting_id=posting.pk, occupation_code="6-18-02")
    assert "不是现行职业分类中的职业" in caught.value.message
    with pytest.raises(ServiceError) as caught:
        postings.posting_correct(
            user=talent.users["school"], posting_id=posting.pk, occupation_code="6-18-02-04"
        )
    assert caught.value.status_code == 403
    posting.refresh_from_db()
    assert posting.reviewed_at is None
