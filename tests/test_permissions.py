"""The permission matrix: every role against every page and API route.

Who may use what is declared once, in ``zhijiao.core.access``; these tests walk the routes for every
role and compare the live answers with that declaration. Where the example object lies outside a
user's unit, the answer is 404, the same as for an object that does not exist.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhijiao.api.api import api
from zhijiao.core.access import API, MODULES, PAGES, render_markdown
from zhijiao.orgs.roles import Role
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
ROLE_OF = {
    "office": Role.PLAN_OFFICE,
    "jyj": Role.UNIT_LIAISON,
    "rsj": Role.UNIT_LIAISON,
    "school": Role.SCHOOL_CLERK,
    "enterprise": Role.ENTERPRISE,
    "expert": Role.EXPERT,
    "learner": Role.LEARNER,
    "sysadmin": Role.SYSTEM_ADMIN,
    "secadmin": Role.SECURITY_ADMIN,
    "auditor": Role.AUDIT_ADMIN,
}

# Pages opened with GET that need an example object: name, args, and the fixture's users who get
# 404 because the example object is outside their unit. Every page without arguments is walked too.
OBJECT_PAGES = [
    ("plan-task", [1], {"school"}),
    ("plan-task", [4], {"jyj", "rsj"}),
    ("plan-report-edit", [1], {"school"}),
    ("plan-report-edit", [2], {"jyj", "school", "office"}),
    ("plan-extension-new", [1], {"school"}),
]
ADMIN_PAGES = sorted(name for name in PAGES if name.endswith("_changelist"))
MATRIX = [
    *[
        (p.name, [], set())
        for p in shell_urlpatterns
        if not p.pattern.converters and "GET" in PAGES[p.name].methods  # type: ignore[attr-defined]
    ],
    *[(name, [], set()) for name in ADMIN_PAGES],
    *OBJECT_PAGES,
]

# Pages that only accept POST or need an object of their own are covered by the workflow tests;
# each module's own tests walk its object pages for scope (tests/<module>/).
MODULE_OBJECT_PAGES = {
    p.name
    for p in shell_urlpatterns
    if p.pattern.converters  # type: ignore[attr-defined]
    and p.lookup_str.startswith(tuple(f"{m}." for m in MODULES))
}
POST_ONLY_OR_OBJECT = (
    {name for name, access in PAGES.items() if access.methods == "POST"}
    | MODULE_OBJECT_PAGES
    | {
        "plan-report",
        "plan-evidence",
        "plan-school-plan-document",
        "job-download",
        # Need a data set, target or submission of their own: tests/indicators walks them.
        "indicators-target",
        "indicators-form",
        "indicators-template",
        "indicators-import",
        "indicators-submission",
    }
)


def expected_for(access, hidden=frozenset()):
    return {u: 404 if u in hidden else 200 if ROLE_OF[u] in access.roles else 403 for u in ROLES}


def test_every_shell_page_is_declared():
    admin_pages = {name for name in PAGES if name.endswith("_changelist")}
    assert {p.name for p in shell_urlpatterns} == set(PAGES) - admin_pages


def test_every_get_page_is_walked():
    walked = {name for name, *_ in MATRIX}
    assert set(PAGES) - walked - POST_ONLY_OR_OBJECT == set()


def test_every_api_route_is_declared():
    schema = api.get_openapi_schema()
    routes = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    assert routes == set(API)


def test_the_published_matrix_is_current():
    docs = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
    assert docs.read_text(encoding="utf-8") == render_markdown(), "run: zhijiao permissionmatrix"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "hidden"), MATRIX, ids=[f"{m[0]}{m[1]}" for m in MATRIX])
def test_every_role_against_every_page(client, small_plan, name, args, hidden):
    url = reverse(f"admin:{name}", args=args)
    got = {}
    for user in ROLES:
        client.force_login(small_plan.users[user])
        got[user] = client.get(url).status_code
    assert got == expected_for(PAGES[name], hidden)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", [p.name for p in shell_urlpatterns if p.name not in POST_ONLY_OR_OBJECT]
)
def test_anonymous_is_sent_to_login(client, small_plan, name):
    pattern = next(p.pattern for p in shell_urlpatterns if p.name == name)
    args = [1] * len(pattern.converters)  # type: ignore[attr-defined]
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


API_READS = [
    ("/api/v1/me", "/api/v1/me", set()),
    ("/api/v1/units", "/api/v1/units", set()),
    ("/api/v1/plan/tasks", "/api/v1/plan/tasks", set()),
    ("/api/v1/plan/tasks/{number}", "/api/v1/plan/tasks/1", {"school"}),
    ("/api/v1/plan/tasks/{number}", "/api/v1/plan/tasks/4", {"jyj", "rsj"}),
    ("/api/v1/plan/periods", "/api/v1/plan/periods", set()),
    ("/api/v1/targets", "/api/v1/targets", set()),
    ("/api/v1/data/values", "/api/v1/data/values", set()),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "url", "hidden"), API_READS, ids=[m[1] for m in API_READS])
def test_every_role_against_every_api_read(client, small_plan, route, url, hidden):
    got = {}
    for user in ROLES:
        client.force_login(small_plan.users[user])
        got[user] = client.get(url).status_code
    assert got == expected_for(API[("GET", route)], hidden)
    client.logout()
    assert client.get(url).status_code == 401


@pytest.mark.django_db
class _PathValues(dict[str, str]):
    """Path parameters of the API routes; one this test does not know is "1" (a record that may
    not exist: an allowed role then gets 404, never 401/403, and a refused one still 403)."""

    def __missing__(self, key: str) -> str:
        return "1"


def test_every_role_against_every_api_route(client, small_plan):
    """Each route answers 403 to the roles it does not name, and never 401/403 to the others."""
    from zhijiao.plan import services

    sp = small_plan
    services.periods_ensure(plan=sp.plan, through=sp.plan.issued_on)
    report = services.report_save(
        user=sp.users["jyj"],
        task=sp.tasks[3],
        period=sp.plan.periods.get(),
        data=services.ReportInput(narrative="示例"),
    )
    values = _PathValues(number="3", report_id=str(report.pk), year="2025")
    period = sp.plan.periods.get()
    # A well-formed request for each route, so that only the permission can differ.
    bodies = {
        "/api/v1/plan/reports": {"task": 3, "period": period.label, "narrative": "示例"},
        "/api/v1/plan/reports/{report_id}/review": {"approve": True, "comment": ""},
        "/api/v1/data/values": {"data_set": "NONE", "unit_id": 1, "period": "2025", "values": []},
    }
    for (method, route), access in API.items():
        url = route.format_map(values)
        for user in ROLES:
            client.force_login(sp.users[user])
            if route.endswith("/evidence"):
                upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 example")
                status = client.post(url, {"file": upload}).status_code
            else:
                body = json.dumps(bodies.get(route, {}))
                status = client.generic(
                    method, url, data=body, content_type="application/json"
                ).status_code
            if ROLE_OF[user] in access.roles:
                assert status not in (401, 403), (method, url, user, status)
            else:
                assert status == 403, (method, url, user, status)
