"""The notifications page: a user's own messages, filtered, 50 a page, exported as .xlsx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.sheets import response_rows
from zhijiao.core.models import AuditAction, AuditEvent, Notification
from zhijiao.core.notify import notify

pytestmark = pytest.mark.django_db

HEADERS = ("时间", "标题", "内容", "状态", "已读时间")


@pytest.fixture
def notes(small_plan):
    """The 甲职校 clerk has three notifications (one read, one from 2023); 教育局's liaison one."""
    users = small_plan.users
    notify([users["school"]], title="进展报告被退回：任务 4", body="请补充培训人次佐证")
    notify([users["school"]], title="数据已审定：职业院校年度基本数据", body="2024 年数据已审定")
    notify([users["school"]], title="延期填报已批准", body="毕业生调查 2022 年可补报")
    notify([users["jyj"]], title="待审核：甲职校年度数据", body="教育局内部事项")
    Notification.objects.filter(title__startswith="数据已审定").update(read_at=timezone.now())
    Notification.objects.filter(title="延期填报已批准").update(
        created_at=dt.datetime(2023, 6, 1, 9, 30, tzinfo=dt.UTC)
    )
    return small_plan


def test_notifications_filter_page_and_export_what_they_show(client, notes):
    school = notes.users["school"]
    client.force_login(school)
    url = reverse("admin:notifications")

    everything = client.get(url).content.decode()
    unread = client.get(url, {"read": "no"}).content.decode()
    of_2023 = client.get(url, {"year": 2023}).content.decode()
    by_word = client.get(url, {"q": "培训人次"}).content.decode()
    nothing = client.get(url, {"q": "不存在的词"}).content.decode()

    assert "导出 Excel" in everything
    assert all(t in everything for t in ("进展报告被退回", "数据已审定", "延期填报已批准"))
    assert (
        "进展报告被退回" in unread
        and "数据已审定" not in unread
        and "（已筛选，共 2 条）" in unread
    )
    assert "延期填报已批准" in of_2023 and "进展报告被退回" not in of_2023
    assert "进展报告被退回" in by_word and "延期填报已批准" not in by_word
    assert "没有符合筛选条件的通知" in nothing and 'href="?">清除筛选' in nothing

    rows = response_rows(client.get(url, {"read": "no", "format": "xlsx"}))
    assert rows[0] == HEADERS
    assert sorted((r[1], r[2], r[3], r[4]) for r in rows[1:]) == [
        ("延期填报已批准", "毕业生调查 2022 年可补报", "未读", None),
        ("进展报告被退回：任务 4", "请补充培训人次佐证", "未读", None),
    ]
    read = response_rows(client.get(url, {"read": "yes", "format": "xlsx"}))
    assert [(r[1], r[3]) for r in read[1:]] == [("数据已审定：职业院校年度基本数据", "已读")]
    assert read[1][4]  # when it was read
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=school).order_by("pk")
    assert [(e.object_type, e.message) for e in exports] == [
        ("core.Notification", "导出站内通知 2 行（筛选：read=no）"),
        ("core.Notification", "导出站内通知 1 行（筛选：read=yes）"),
    ]


def test_no_one_sees_or_exports_another_users_notifications(client, notes):
    url = reverse("admin:notifications")
    client.force_login(notes.users["jyj"])

    page = client.get(url).content.decode()
    rows = response_rows(client.get(url, {"format": "xlsx"}))
    searched = response_rows(client.get(url, {"q": "培训人次", "format": "xlsx"}))

    assert "待审核：甲职校年度数据" in page and "进展报告被退回" not in page
    assert [r[1] for r in rows[1:]] == ["待审核：甲职校年度数据"]
    assert searched == [HEADERS]
    # The office sees everyone's units, not everyone's notifications.
    client.force_login(notes.users["office"])
    assert response_rows(client.get(url, {"format": "xlsx"})) == [HEADERS]
    assert "没有通知。" in client.get(url).content.decode()


def test_the_list_pages_fifty_at_a_time(client, notes):
    school = notes.users["school"]
    for n in range(52):
        notify([school], title=f"批量通知 {n:02d}")
    client.force_login(school)
    url = reverse("admin:notifications")

    first = client.get(url, {"q": "批量"}).content.decode()
    second = client.get(url, {"q": "批量", "page": 2}).content.decode()
    rows = response_rows(client.get(url, {"q": "批量", "format": "xlsx"}))

    assert "第 1 / 2 页" in first and "?q=%E6%89%B9%E9%87%8F&page=2" in first
    assert first.count("批量通知") == 50 and second.count("批量通知") == 2
    assert len(rows) == 1 + 52  # the export holds every page
