"""Who may call the API: a signed-in session (with CSRF on writes) or a personal bearer token."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zhijiao.orgs.models import ApiToken
from zhijiao.orgs.services import token_create, token_revoke

pytestmark = [pytest.mark.django_db]

ME = "/api/v1/me"
TASKS = "/api/v1/plan/tasks"
REPORTS = "/api/v1/plan/reports"
REPORT = {"task": 1, "period": "2021年12月", "narrative": "召开推进会", "percent": 30}


def _post_json(client: Client, url: str, data: dict, **kw):
    return client.post(url, data=json.dumps(data), content_type="application/json", **kw)


@pytest.mark.parametrize(("method", "url"), [("get", TASKS), ("post", REPORTS)])
def test_anonymous_gets_401_in_chinese(api_plan, method, url):
    client = Client(enforce_csrf_checks=True)  # a write without CSRF still answers 401, not 403

    response = getattr(client, method)(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "请先登录" in response.json()["message"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_session(api_plan, as_user):
    response = as_user("jyj").get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "username": "api_jyj",
        "full_name": api_plan.users["jyj"].full_name,
        "role": "unit_liaison",
        "role_label": "责任单位联络员",
        "unit": {"id": api_plan.units["教育局"].pk, "name": "教育局"},
        "capabilities": [
            "cooperation.manage",
            "cooperation.view",
            "evaluation.view",
            "indicators.approve",
            "indicators.enter",
            "indicators.view",
            "jobs.view",
            "people.decide",
            "people.manage",
            "people.view",
            "plan.report",
            "plan.view",
            "talent.view",
        ],
        "sees_all_units": False,
        "authenticated_by": "session",
    }


def test_session_writes_need_the_csrf_token(api_plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(api_plan.users["jyj"])

    refused = _post_json(client, REPORTS, REPORT)
    client.cookies["csrftoken"] = "a" * 32
    accepted = _post_json(client, REPORTS, REPORT, headers={"X-CSRFToken": "a" * 32})

    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert accepted.status_code == 200
    assert client.get(ME).status_code == 200  # reads need no token


def test_token(api_plan, token_for):
    client = Client(enforce_csrf_checks=True)
    headers = token_for("rsj")

    me = client.get(ME, headers=headers)
    tasks = client.get(TASKS, headers=headers)
    report = _post_json(client, REPORTS, REPORT, headers=headers)  # no CSRF for a token

    assert me.status_code == 200
    assert me.json()["username"] == "api_rsj" and me.json()["authenticated_by"] == "token"
    assert [t["number"] for t in tasks.json()] == [1, 2, 3]
    assert report.status_code == 200 and report.json()["unit"]["name"] == "人社局"


def test_wrong_token_is_refused_even_with_a_session(api_plan, as_user):
    client = as_user("office")

    response = client.get(ME, headers={"Authorization": "Bearer zj_not-a-real-token"})

    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_token",
        "message": "API 令牌无效、已吊销或账号已停用",
    }


def test_revoked_token_is_refused(api_plan, token_for):
    headers = token_for("jyj")
    token_revoke(token=ApiToken.objects.get(user=api_plan.users["jyj"]))

    response = Client().get(ME, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_token_of_a_disabled_account_is_refused(api_plan, token_for):
    headers = token_for("jyj")
    user = api_plan.users["jyj"]
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert Client().get(ME, headers=headers).status_code == 401


def test_token_command_prints_a_working_token(api_plan):
    out = io.StringIO()

    call_command("token", "create", "api_jyj", stdout=out)

    raw = out.getvalue().strip()
    assert raw.startswith("zj_")
    response = Client().get(ME, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "api_jyj"
    assert ApiToken.objects.get(user=api_plan.users["jyj"]).name == "命令行创建"


def test_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="用户不存在或已停用：nobody"):
        call_command("token", "create", "nobody", stdout=io.StringIO())


def test_only_the_digest_of_a_token_is_stored(api_plan):
    raw = token_create(user=api_plan.users["jyj"])

    token = ApiToken.objects.get(user=api_plan.users["jyj"])

    assert raw not in (token.digest, token.prefix) and len(token.digest) == 64
