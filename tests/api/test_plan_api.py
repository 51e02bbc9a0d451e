"""The plan API: the task list's contract, data scope, the report workflow, the OpenAPI document."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, modify_settings
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import add_task
from zhijiao.plan.models import Plan, ProgressReport, ReportStatus

pytestmark = [pytest.mark.django_db]

TASKS = "/api/v1/plan/tasks"
REPORTS = "/api/v1/plan/reports"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client: Client, url: str, data: dict | None = None, **kw):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **kw)


def _draft(client: Client, task: int = 1, period: str | int = "2021年12月", **fields):
    body = {"task": task, "period": period, "narrative": "召开推进会", "percent": 30, **fields}
    return _post(client, REPORTS, body)


# ---------------------------------------------------------------- task list


def test_task_list_contract(api_plan, as_user):
    response = as_user("office").get(TASKS)

    assert response.status_code == 200
    tasks = response.json()
    assert [t["number"] for t in tasks] == [1, 2, 3]
    first = tasks[0]
    assert first["number"] == 1
    assert first["programme"] == {"number": 1, "name": "立德树人基础工程"}
    assert first["text"] == "建立挂钩联系制度。"
    assert first["units"] == ["教育局", "人社局"]
    assert first["lead_unit"] == "教育局"
    assert first["deadline"] == "2021年"
    assert first["effective_deadline"] == "2021-12-31"
    assert first["status"] == "overdue"
    assert first["status_label"] == "已逾期"
    assert first["percent"] == 0
    continuous = tasks[2]
    assert continuous["programme"] == {"number": 2, "name": "资源优化设计工程"}
    assert continuous["units"] == ["人社局", "教育局"]
    assert continuous["lead_unit"] == "人社局"
    assert continuous["deadline"] == "持续推进"
    assert continuous["effective_deadline"] is None
    assert continuous["status"] == "continuous"
    statuses = {"not_started", "in_progress", "completed", "due_soon", "overdue", "continuous"}
    assert all(t["status"] in statuses for t in tasks)


def test_task_list_shows_a_unit_only_its_own_tasks(api_plan, as_user):
    assert [t["number"] for t in as_user("jyj").get(TASKS).json()] == [1, 3]
    assert [t["number"] for t in as_user("rsj").get(TASKS).json()] == [1, 2, 3]


def test_task_list_needs_the_plan_view_capability(api_plan, as_user):
    response = as_user("enterprise").get(TASKS)

    assert response.status_code == 403
    assert response.json() == {"code": "not_allowed", "message": "您没有执行此操作的权限"}


def test_task_list_percent_is_the_latest_approved_report(api_plan, as_user):
    jyj, office = as_user("jyj"), as_user("office")
    report_id = _draft(jyj, percent=40).json()["id"]
    _post(jyj, f"{REPORTS}/{report_id}/submit")
    _post(office, f"{REPORTS}/{report_id}/review", {"approve": True})

    first = office.get(TASKS).json()[0]

    assert first["percent"] == 40
    assert first["status"] == "overdue"  # 40 % is progress, not a completion


def test_task_list_queries_do_not_grow_with_the_tasks(
    api_plan, as_user, django_assert_max_num_queries
):
    client = as_user("rsj")
    client.get(TASKS)  # the session's first request stores its sign-in and idle timestamps
    with CaptureQueriesContext(connection) as few:
        client.get(TASKS)
    programme = api_plan.plan.programmes.get(number=2)
    for number in range(4, 14):
        add_task(
            api_plan.plan,
            programme,
            number,
            f"任务{number}。",
            "2022年",
            None,
            ["人社局", "教育局"],
            api_plan.units,
        )

    with django_assert_max_num_queries(8):
        response = client.get(TASKS)
    with CaptureQueriesContext(connection) as many:
        client.get(TASKS)

    assert len(response.json()) == 13
    assert len(many) == len(few)


def test_task_list_of_a_named_plan(api_plan, as_user):
    client = as_user("office")

    assert len(client.get(TASKS, {"plan": "api-plan"}).json()) == 3
    response = client.get(TASKS, {"plan": "no-such-plan"})
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该实施方案"}


def test_no_plan_loaded_is_a_chinese_404(db, as_user, api_plan):
    Plan.objects.all().delete()

    response = as_user("office").get(TASKS)

    assert response.status_code == 404
    assert response.json()["message"] == "尚未载入实施方案"


# ---------------------------------------------------------------- task detail


def test_task_detail_lists_units_and_the_reports_the_user_may_see(api_plan, as_user):
    jyj, rsj = as_user("jyj"), as_user("rsj")
    own = _draft(jyj, task=3).json()
    _draft(rsj, task=3)  # 人社局 leads task 3: 教育局 may not see its report

    response = jyj.get(f"{TASKS}/3")

    assert response.status_code == 200
    task = response.json()
    assert (
        task["number"] == 3
        and task["deadline"] == "持续推进"
        and task["units"] == ["人社局", "教育局"]
    )
    assert [(r["unit"]["name"], r["is_lead"]) for r in task["responsibilities"]] == [
        ("人社局", True),
        ("教育局", False),
    ]
    assert [r["id"] for r in task["reports"]] == [own["id"]]
    report = task["reports"][0]
    assert report["period"]["label"] == "2021年12月"
    assert report["unit"]["name"] == "教育局"
    assert (
        report["status"] == "draft" and report["percent"] == 30 and report["submitted_at"] is None
    )
    # The lead unit sees its co-unit's report too.
    assert len(rsj.get(f"{TASKS}/3").json()["reports"]) == 2


def test_task_outside_scope_answers_like_a_missing_one(api_plan, as_user):
    client = as_user("jyj")

    hidden = client.get(f"{TASKS}/2")
    missing = client.get(f"{TASKS}/99")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"code": "not_found", "message": "未找到"}
    assert hidden["Content-Type"] == "application/json; charset=utf-8"
    assert "未找到" in hidden.content.decode()  # Chinese as it is, not \u escapes


# ---------------------------------------------------------------- units and periods


def test_units_in_scope(api_plan, as_user):
    assert {u["name"] for u in as_user("office").get("/api/v1/units").json()} == set(api_plan.units)
    units = as_user("jyj").get("/api/v1/units").json()
    assert units == [
        {
            "id": api_plan.units["教育局"].pk,
            "name": "教育局",
            "short_name": "",
            "kind": "government",
            "kind_label": "政府部门",
            "is_active": True,
        }
    ]


def test_periods_in_order(api_plan, as_user):
    periods = as_user("jyj").get("/api/v1/plan/periods").json()

    assert [p["label"] for p in periods] == ["2021年11月", "2021年12月"]
    assert periods[0] == {
        "id": api_plan.periods[0].pk,
        "label": "2021年11月",
        "kind": "month",
        "start": "2021-11-01",
        "end": "2021-11-30",
        "due": "2021-12-05",
    }


# ---------------------------------------------------------------- progress reports


def test_report_draft_submit_review(api_plan, as_user):
    jyj, office = as_user("jyj"), as_user("office")

    created = _draft(jyj)
    assert created.status_code == 200
    report = created.json()
    assert (
        report["status"] == "draft" and report["task"] == 1 and report["unit"]["name"] == "教育局"
    )
    updated = _draft(jyj, period=api_plan.periods[1].pk, percent=50).json()
    assert updated["id"] == report["id"] and updated["percent"] == 50

    submitted = _post(jyj, f"{REPORTS}/{report['id']}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_at"]

    again = _post(jyj, f"{REPORTS}/{report['id']}/submit")
    assert again.status_code == 400
    assert again.json()["code"] == "already_submitted"
    assert "请勿重复报送" in again.json()["message"]

    reviewed = _post(
        office, f"{REPORTS}/{report['id']}/review", {"approve": True, "comment": "很好"}
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["status"] == "approved" and reviewed.json()["review_comment"] == "很好"
    assert office.get(f"{REPORTS}/{report['id']}").json()["status"] == "approved"


def test_review_by_a_unit_is_refused(api_plan, as_user):
    jyj = as_user("jyj")
    report_id = _draft(jyj).json()["id"]
    _post(jyj, f"{REPORTS}/{report_id}/submit")

    for name in ("jyj", "rsj"):
        response = _post(as_user(name), f"{REPORTS}/{report_id}/review", {"approve": True})
        assert response.status_code == 403
        assert response.json()["code"] == "not_allowed"
    assert ProgressReport.objects.get(pk=report_id).status == ReportStatus.SUBMITTED


def test_returning_a_report_needs_a_comment(api_plan, as_user):
    jyj, office = as_user("jyj"), as_user("office")
    report_id = _draft(jyj).json()["id"]
    _post(jyj, f"{REPORTS}/{report_id}/submit")

    response = _post(office, f"{REPORTS}/{report_id}/review", {"approve": False})

    assert response.status_code == 400
    assert response.json() == {"code": "comment_required", "message": "退回报告时请填写退回意见"}


def test_report_of_another_unit_is_not_found(api_plan, as_user):
    report_id = _draft(as_user("jyj")).json()["id"]  # task 1: 教育局 leads, so 人社局 cannot see it
    rsj = as_user("rsj")

    assert rsj.get(f"{REPORTS}/{report_id}").status_code == 404
    assert _post(rsj, f"{REPORTS}/{report_id}/submit").status_code == 404


def test_report_on_a_task_outside_scope_is_not_found(api_plan, as_user):
    response = _draft(as_user("jyj"), task=2)

    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"period": "2030年1月"}, "bad_period", "报送周期“2030年1月”不存在"),
        ({"narrative": "  "}, "invalid_input", "请填写进展情况"),
        ({"percent": 120}, "invalid_input", "完成进度应在 0 到 100 之间"),
        ({"task": 3, "claims_completion": True}, "invalid_input", "持续推进的任务不能申报完成"),
    ],
)
def test_bad_report_gets_the_services_chinese_error(api_plan, as_user, fields, code, message):
    response = _draft(as_user("jyj"), **fields)

    assert response.status_code == 400
    assert response.json() == {"code": code, "message": message}
    assert not ProgressReport.objects.exists()


def test_malformed_body_is_a_json_error(api_plan, as_user):
    response = _post(as_user("jyj"), REPORTS, {"task": "一"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"].startswith("请求数据不符合要求")
    assert body["errors"]


def test_evidence_upload(api_plan, as_user):
    jyj = as_user("jyj")
    report_id = _draft(jyj).json()["id"]

    ok = jyj.post(
        f"{REPORTS}/{report_id}/evidence",
        {"file": SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")},
    )
    bad = jyj.post(
        f"{REPORTS}/{report_id}/evidence",
        {"file": SimpleUploadedFile("脚本.exe", b"MZ", content_type="application/octet-stream")},
    )

    assert ok.status_code == 201
    assert ok.json()["name"] == "会议纪要.pdf" and ok.json()["content_type"] == "application/pdf"
    assert [e["name"] for e in jyj.get(f"{REPORTS}/{report_id}").json()["evidence"]] == [
        "会议纪要.pdf"
    ]
    assert bad.status_code == 400 and bad.json()["code"] == "file_type"


def test_an_unreadable_multipart_body_is_a_json_400(api_plan, as_user):
    jyj = as_user("jyj")
    report_id = _draft(jyj).json()["id"]

    response = jyj.generic(
        "POST", f"{REPORTS}/{report_id}/evidence", b"--x\r\n", content_type="multipart/form-data"
    )

    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "bad_request",
        "message": "请求正文无法解析：multipart 格式不正确",
    }


# ---------------------------------------------------------------- documentation


def test_openapi_document_lists_the_operations(db, client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/plan/tasks",
        "/api/v1/plan/tasks/{number}",
        "/api/v1/plan/periods",
        "/api/v1/plan/reports",
        "/api/v1/plan/reports/{report_id}",
        "/api/v1/plan/reports/{report_id}/submit",
        "/api/v1/plan/reports/{report_id}/review",
        "/api/v1/units",
        "/api/v1/me",
    } <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionCookie"}


def test_docs_page_uses_no_outside_assets(db, client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "任务清单" in page and "/api/v1/plan/tasks/{number}" in page
    assert "http://" not in page and "https://" not in page


def test_docs_page_serves_swagger_ui_from_static_files_once_ninja_is_installed(db, client):
    with modify_settings(INSTALLED_APPS={"append": "ninja"}):
        page = client.get("/api/v1/docs").content.decode()
        asset = finders.find("ninja/swagger-ui-bundle.js")

    assert 'src="/static/ninja/swagger-ui-bundle.js"' in page and asset is not None
    assert 'id="swagger-settings"' in page and '"validatorUrl": null' in page
    assert "http://" not in page and "https://" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/data/values?unit_id=100000000000000000000000",
        "/api/v1/plan/tasks/100000000000000000000000",
        "/api/v1/plan/reports/9223372036854775808",
    ],
)
def test_numbers_too_large_for_the_database_are_invalid_input_not_server_errors(
    api_plan, as_user, url
):
    # Found by `make fuzz`: on SQLite such ids failed inside the database driver with a 500.
    # PostgreSQL compares them as numerics and finds nothing; either way, no server error.
    response = as_user("office").get(url)

    assert response.status_code in (200, 404, 422), response.content
    body = response.json()
    assert body == [] if response.status_code == 200 else body["code"] in ("invalid", "not_found")
