"""The sidebar is built once per role, language and page shape, and stays each user's own."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory
from zhijiao.core.models import Notification

pytestmark = pytest.mark.django_db


def test_the_sidebar_is_kept_per_role_and_the_unread_count_per_user(client, small_plan):
    office, school = small_plan.users["office"], small_plan.users["school"]
    other_office = UserFactory(username="office2", role=office.role, unit=office.unit)
    Notification.objects.create(recipient=office, title="进展报告被退回")
    page = reverse("admin:plan-tasks")

    client.force_login(office)
    first = client.get(page).content.decode()
    client.force_login(other_office)
    second = client.get(page).content.decode()
    client.force_login(school)
    third = client.get(page).content.decode()

    assert "站内通知（1 条未读）" in first
    assert "站内通知（1 条未读）" not in second and "站内通知" in second
    assert "督查总览" in first and "督查总览" in second
    assert "督查总览" not in third  # a school clerk's sidebar is its own


def test_pages_that_differ_by_an_id_share_one_sidebar(client, small_plan):
    sidebars = admin.site._sidebars  # type: ignore[attr-defined]
    sidebars.clear()
    client.force_login(small_plan.users["office"])

    for number in (1, 2, 3):
        assert client.get(reverse("admin:plan-task", args=[number])).status_code == 200

    assert len(sidebars) == 1


def test_the_kept_sidebar_marks_the_page_it_is_on(client, small_plan):
    """Each page shape keeps its own rendering: the link marked active follows the page."""
    client.force_login(small_plan.users["office"])

    def active_links(name: str) -> list[str]:
        html = client.get(reverse(name)).content.decode()
        nav = html[html.index('id="nav-sidebar-apps"') :]
        return re.findall(r'href="([^"]+)"[^>]*\bactive\b', nav)

    for _ in range(2):  # the second time from the kept rendering
        assert active_links("admin:plan-tasks") == [reverse("admin:plan-tasks")]
        assert active_links("admin:plan-dashboard") == [reverse("admin:plan-dashboard")]


def test_the_unread_count_is_rendered_afresh_when_it_changes(client, small_plan):
    office = small_plan.users["office"]
    client.force_login(office)
    page = reverse("admin:plan-tasks")
    assert "条未读" not in client.get(page).content.decode()

    Notification.objects.create(recipient=office, title="进展报告被退回")
    assert "站内通知（1 条未读）" in client.get(page).content.decode()
    Notification.objects.create(recipient=office, title="任务即将到期")
    assert "站内通知（2 条未读）" in client.get(page).content.decode()


def test_the_admin_index_of_an_app_still_lists_its_models(client, small_plan):
    """The shell no longer builds Django's list of every model on each page; the admin's own
    index pages, which show it, still get it."""
    client.force_login(small_plan.users["sysadmin"])

    answer = client.get(reverse("admin:app_list", args=["orgs"]))

    assert answer.status_code == 200
    assert reverse("admin:orgs_unit_changelist") in answer.content.decode()
