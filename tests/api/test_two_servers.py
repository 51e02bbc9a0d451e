"""Two app servers behind one address are interchangeable: nothing lives in a server process.

Two real gunicorn servers with the production settings run on loopback over the same database
and the same data directory, as two machines behind a load balancer would over a shared database
and a shared file store. A session opened on one is valid on the other and ends on both when it
ends on one; evidence uploaded through one is downloaded through the other; a token made anywhere
works everywhere.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from tests.factories import PASSWORD
from zhijiao.orgs.services import token_create

pytestmark = pytest.mark.django_db(transaction=True)

BIN = Path(sys.executable).parent
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        return f"postgres://{db.get('USER') or 'postgres'}@{host}:{port}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.fixture
def servers(tmp_path, settings) -> Iterator[list[str]]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "zhijiao.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "ZHIJIAO_DATA_DIR": str(tmp_path),  # the shared file store
        "ZHIJIAO_DATA_KEYS": settings.ZHIJIAO_DATA_KEYS,
        "ZHIJIAO_LOOKUP_KEY": settings.ZHIJIAO_LOOKUP_KEY,
        "ZHIJIAO_SIGNING_KEY": settings.ZHIJIAO_SIGNING_KEY,
        "ZHIJIAO_HTTPS": "0",
        "ZHIJIAO_REQUIRE_2FA": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(  # noqa: S603 - gunicorn from the virtualenv, fixed arguments
            [
                str(BIN / "gunicorn"),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "zhijiao.wsgi",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base, process in zip(bases, processes, strict=True):
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


def _sign_in(base: str, username: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as client:
        client.get("/login/")
        answer = client.post(
            "/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/login/"},
        )
        assert answer.status_code == 302, answer.text[answer.text.find("errornote") - 200 :][:1500]
        return client.cookies


def test_a_session_a_file_and_a_token_work_on_either_server(api_plan, servers, settings):
    a, b = servers
    liaison = api_plan.users["jyj"]
    # The servers hash with production's hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    liaison.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    liaison.save(update_fields=["password"])
    token = token_create(user=liaison, name="两台服务器")
    bearer = {"Authorization": f"Bearer {token}"}

    # A session opened on A is valid on B
    cookies = _sign_in(a, liaison.username)
    on_b = httpx.get(f"{b}/plan/workspace/", cookies=cookies)
    assert on_b.status_code == 200 and liaison.username in on_b.text

    # Evidence uploaded through A (by token) is served by B (by session)
    draft = httpx.post(
        f"{a}/api/v1/plan/reports",
        json={"task": 1, "period": "2021年12月", "narrative": "召开推进会", "percent": 30},
        headers=bearer,
    )
    assert draft.status_code in (200, 201), draft.text
    uploaded = httpx.post(
        f"{a}/api/v1/plan/reports/{draft.json()['id']}/evidence",
        files={"file": ("会议纪要.pdf", PDF, "application/pdf")},
        headers=bearer,
    )
    assert uploaded.status_code == 201, uploaded.text
    download = httpx.get(f"{b}/plan/evidence/{uploaded.json()['id']}/", cookies=cookies)
    assert download.status_code == 200 and download.content == PDF
    assert httpx.get(f"{b}/api/v1/me", headers=bearer).status_code == 200

    # Signing out on B ends the session on A too
    out = httpx.post(
        f"{b}/logout/",
        cookies=cookies,
        data={"csrfmiddlewaretoken": cookies["csrftoken"]},
        headers={"Referer": f"{b}/plan/workspace/"},
    )
    assert out.status_code in (200, 302)
    after = httpx.get(f"{a}/plan/workspace/", cookies=cookies)
    assert after.status_code == 302 and "/login/" in after.headers["location"]
