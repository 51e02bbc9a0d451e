"""The code validators of the three catalogues: good codes are normalised, bad ones refused with a
Chinese message that says what is wrong."""

from __future__ import annotations

import pytest

from zhijiao.talent import codes
from zhijiao.talent.data import MajorStage


@pytest.mark.parametrize(
    ("given", "code", "level", "parent"),
    [
        ("6", "6", 1, None),
        ("6-18", "6-18", 2, "6"),
        ("6-18-02", "6-18-02", 3, "6-18"),
        ("6-18-02-04", "6-18-02-04", 4, "6-18-02"),
        (" 6－18－02－04 ", "6-18-02-04", 4, "6-18-02"),  # full-width dashes and spaces
        ("6180204", "6-18-02-04", 4, "6-18-02"),  # written without hyphens
        ("6-24-04-00", "6-24-04-00", 4, "6-24-04"),  # a 小类 that is one occupation
        ("8-00-00-00", "8-00-00-00", 4, "8-00-00"),
    ],
)
def test_good_occupation_codes(given, code, level, parent):
    cleaned = codes.clean_occupation_code(given)
    assert cleaned == code
    assert codes.occupation_level(cleaned) == level
    assert codes.occupation_parent(cleaned) == parent


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "请填写职业代码"),
        ("6-18-2-04", "格式不正确"),
        ("6-18-02-04-01", "格式不正确"),
        ("9-01", "大类应为 1–8"),
        ("0-01-01-01", "大类应为 1–8"),
        ("6-00-02-01", "“00”（不再细分）之后的各级也应为“00”"),
        ("A-18-02-04", "格式不正确"),
    ],
)
def test_bad_occupation_codes(given, says):
    with pytest.raises(codes.CodeError) as caught:
        codes.clean_occupation_code(given)
    assert says in caught.value.message


def test_a_demand_line_needs_an_occupation_not_a_group():
    assert codes.clean_occupation_code_at("6-18-02-04", 4) == "6-18-02-04"
    with pytest.raises(codes.CodeError) as caught:
        codes.clean_occupation_code_at("6-18-02", 4)
    assert "是小类代码" in caught.value.message


@pytest.mark.parametrize(
    ("given", "level", "stage", "parent", "group"),
    [
        ("46", 1, MajorStage.HIGHER, None, "装备制造"),
        ("4601", 2, MajorStage.HIGHER, "46", "装备制造"),
        ("460103", 3, MajorStage.HIGHER, "4601", "装备制造"),
        ("660103", 3, MajorStage.SECONDARY, "6601", "装备制造"),
        ("260101", 3, MajorStage.BACHELOR, "2601", "装备制造"),
        ("590101", 3, MajorStage.HIGHER, "5901", "公共管理与服务"),
        ("790101", 3, MajorStage.SECONDARY, "7901", "公共管理与服务"),
        ("410101", 3, MajorStage.HIGHER, "4101", "农林牧渔"),
    ],
)
def test_good_major_codes(given, level, stage, parent, group):
    code = codes.clean_major_code(given)
    assert code == given
    assert codes.major_level(code) == level
    assert codes.major_stage(code) == stage
    assert codes.major_parent(code) == parent
    assert codes.major_group_name(code) == group


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "请填写专业代码"),
        ("46010", "格式不正确"),
        ("4601031", "格式不正确"),
        ("46a103", "格式不正确"),
        ("400103", "不在目录范围内"),  # 40 is between the levels
        ("600103", "不在目录范围内"),
        ("800103", "不在目录范围内"),
        ("190101", "不在目录范围内"),
        ("460003", "专业类）不能为 00"),
        ("460100", "专业）不能为 00"),
    ],
)
def test_bad_major_codes(given, says):
    with pytest.raises(codes.CodeError) as caught:
        codes.clean_major_code(given)
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("given", "code", "level", "parent"),
    [
        ("C", "C", 1, None),
        ("C31", "C31", 2, "C"),
        ("C313", "C313", 3, "C31"),
        ("C3130", "C3130", 4, "C313"),
        ("c3130", "C3130", 4, "C313"),
        ("3130", "C3130", 4, "C313"),  # the 门类 follows from the 大类
        ("5920", "G5920", 4, "G592"),
        ("01", "A01", 2, "A"),
        ("T97", "T97", 2, "T"),
        ("P8334", "P8334", 4, "P833"),
    ],
)
def test_good_industry_codes(given, code, level, parent):
    cleaned = codes.clean_industry_code(given)
    assert cleaned == code
    assert codes.industry_level(cleaned) == level
    assert codes.industry_parent(cleaned) == parent


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "请填写行业代码"),
        ("D3130", "属于门类 C（制造业），不是 D"),  # parent consistency
        ("A13", "属于门类 C（制造业），不是 A"),
        ("U", "门类应为 A–T"),
        ("C98", "大类 98 不存在"),
        ("C00", "大类 00 不存在"),
        ("C31301", "格式不正确"),
        ("C3", "格式不正确"),
        ("CC31", "格式不正确"),
    ],
)
def test_bad_industry_codes(given, says):
    with pytest.raises(codes.CodeError) as caught:
        codes.clean_industry_code(given)
    assert says in caught.value.message
