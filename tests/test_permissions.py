"""The permission matrix: every role against every page of the shell.

Each row names a page and the users who may open it; everyone else gets 403, or 404 where the
page is about an object outside their scope. Anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhijiao.urls import shell_urlpatterns

ROLES = [
    "office",
    "jyj",
    "rsj",
    "school",
    "enterprise",
    "expert",
    "learner",
    "sysadmin",
    "secadmin",
    "auditor",
]
ALL = set(ROLES)
REPORTERS = {"office", "jyj", "rsj", "school"}

# page name, args, users answered 200, users answered 404 (out of scope); the rest 403
MATRIX = [
    ("admin:plan-dashboard", [], {"office"}, set()),
    ("admin:plan-workspace", [], REPORTERS, set()),
    ("admin:plan-tasks", [], REPORTERS, set()),
    ("admin:plan-task", [1], {"office", "jyj", "rsj"}, {"school"}),
    ("admin:plan-task", [4], {"office", "school"}, {"jyj", "rsj"}),
    ("admin:plan-report-edit", [1], {"office", "jyj", "rsj"}, {"school"}),
    ("admin:plan-report-edit", [2], {"rsj"}, {"jyj", "school", "office"}),
    ("admin:plan-extension-new", [1], {"office", "jyj", "rsj"}, {"school"}),
    ("admin:plan-review", [], {"office"}, set()),
    ("admin:plan-school-plan", [], {"office", "school"}, set()),
    ("admin:plan-rules", [], {"office"}, set()),
    ("admin:plan-bulletins", [], {"office"}, set()),
    ("admin:plan-export", [], REPORTERS, set()),
    ("admin:plan-import", [], REPORTERS, set()),
    ("admin:jobs", [], {"office", "jyj", "rsj", "school", "sysadmin", "auditor"}, set()),
    ("admin:notifications", [], ALL, set()),
    ("admin:two-factor", [], ALL, set()),
    ("admin:orgs_unit_changelist", [], {"sysadmin"}, set()),
    ("admin:orgs_unitgroup_changelist", [], {"sysadmin"}, set()),
    ("admin:orgs_user_changelist", [], {"sysadmin", "secadmin"}, set()),
    ("admin:orgs_apitoken_changelist", [], {"secadmin"}, set()),
    ("admin:core_auditevent_changelist", [], {"auditor"}, set()),
]

# Pages that only accept POST or need an object id of their own are covered by the workflow tests.
POST_ONLY_OR_OBJECT = {
    "plan-report",
    "plan-report-submit",
    "plan-report-review",
    "plan-evidence",
    "plan-extension-decide",
    "plan-school-plan-document",
    "job-download",
    "notification-read",
    "notification-read-all",
}


def test_matrix_names_every_shell_page():
    listed = {name.split(":", 1)[1] for name, *_ in MATRIX}
    assert {p.name for p in shell_urlpatterns} - listed - POST_ONLY_OR_OBJECT == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "allowed", "hidden"), MATRIX, ids=[f"{m[0]}{m[1]}" for m in MATRIX]
)
def test_every_role_against_every_page(client, small_plan, name, args, allowed, hidden):
    url = reverse(name, args=args)
    got = {}
    for role in ROLES:
        client.force_login(small_plan.users[role])
        got[role] = client.get(url).status_code
    expected = {r: 200 if r in allowed else 404 if r in hidden else 403 for r in ROLES}
    assert got == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", [p.name for p in shell_urlpatterns if p.name not in POST_ONLY_OR_OBJECT]
)
def test_anonymous_is_sent_to_login(client, small_plan, name):
    args = (
        [1]
        if "<int:number>" in str(next(p.pattern for p in shell_urlpatterns if p.name == name))
        else []
    )
    response = client.get(reverse(f"admin:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_report_of_another_unit_is_not_found(client, small_plan):
    from zhijiao.plan import services

    sp = small_plan
    services.periods_ensure(plan=sp.plan, through=sp.plan.issued_on)
    period = sp.plan.periods.first()
    report = services.report_save(
        user=sp.users["rsj"],
        task=sp.tasks[2],
        period=period,
        data=services.ReportInput(narrative="人社局进展"),
    )
    for role, status in [("rsj", 200), ("office", 200), ("jyj", 404), ("school", 404)]:
        client.force_login(sp.users[role])
        assert client.get(reverse("admin:plan-report", args=[report.pk])).status_code == status, (
            role
        )
    # The lead unit sees its co-units' reports on the tasks it leads.
    report1 = services.report_save(
        user=sp.users["rsj"],
        task=sp.tasks[1],
        period=period,
        data=services.ReportInput(narrative="配合单位进展"),
    )
    client.force_login(sp.users["jyj"])
    assert client.get(reverse("admin:plan-report", args=[report1.pk])).status_code == 200


# API endpoints: what each role is answered (reads). Writes are covered in tests/api.
API_MATRIX = [
    ("/api/v1/me", ALL, set()),
    ("/api/v1/units", ALL, set()),  # scoped: a user without a unit gets an empty list
    ("/api/v1/plan/tasks", REPORTERS, set()),
    ("/api/v1/plan/tasks/1", {"office", "jyj", "rsj"}, {"school"}),
    ("/api/v1/plan/tasks/4", {"office", "school"}, {"jyj", "rsj"}),
    ("/api/v1/plan/periods", REPORTERS, set()),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "allowed", "hidden"), API_MATRIX, ids=[m[0] for m in API_MATRIX])
def test_every_role_against_every_api_read(client, small_plan, url, allowed, hidden):
    got = {}
    for role in ROLES:
        client.force_login(small_plan.users[role])
        got[role] = client.get(url).status_code
    expected = {r: 200 if r in allowed else 404 if r in hidden else 403 for r in ROLES}
    assert got == expected
    client.logout()
    assert client.get(url).status_code == 401
