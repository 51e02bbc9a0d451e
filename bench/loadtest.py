"""Load test: 50 concurrent users doing the main journeys against gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/loadtest.py [--users 50] [--duration 300] [--workers 5]

A fresh PostgreSQL database ``zhijiao_load`` (created on the server DATABASE_URL names, dropped at
the end unless ``--keep``) is filled as ``make demo`` fills it: the official plan, the city's units
and accounts, the history of progress reports and the monitoring data since 2021. The site runs
under gunicorn with production settings (``zhijiao.settings.prod``; HTTPS redirection off because
the test talks plain HTTP on loopback, and the second factor off so that virtual users sign in with
the password alone — it adds one request per sign-in, not per page).

Each virtual user signs in once (its own session) and then repeats its role's journey until the
time is up, pausing ``--think`` seconds (random, up to that) between requests:

- 工作专班: 督查总览, 目标总览, a target's page, 待审核, 数据审核, 任务清单;
- 责任单位联络员: 我的工作台, 任务清单, a task of theirs, 目标总览, 数据填报, and saving a progress
  report draft through the API;
- 学校填报员: 我的工作台, 数据填报, the entry form of a data set, 一校一案, 报送及时性;
- an API client with a token: /api/v1/targets, /api/v1/plan/tasks, /api/v1/data/values.

Printed: requests, requests per second, p50/p95/p99 and errors (any answer ≥ 400 or no answer),
overall and per page. Goal: zero errors. Exits 1 when there are errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PLAN = ROOT / "data/plans/jiangyin-2021-vet-reform-plan.txt"
TARGETS = ROOT / "data/indicators/jiangyin-2021-targets.yaml"
LOAD_DB = "zhijiao_load"
PASSWORD = "Zhijiao#2026demo"  # noqa: S105 — the demo accounts' published password (README)
OFFICE = ["office"]
LIAISONS = ["jyj", "rsj", "fgw", "gxj"]
SCHOOLS = ["jyzy", "jyzz", "cxjx"]


# ---------------------------------------------------------------- database and server


def environment(url: str) -> dict[str, str]:
    """Production settings, plain HTTP on loopback, password-only sign-in; throw-away keys unless
    the environment sets them (a database kept from an earlier run needs the keys it was
    written with)."""
    env = dict(os.environ)
    keys = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "ZHIJIAO_DATA_KEYS": f"load:{secrets.token_hex(16)}",
        "ZHIJIAO_LOOKUP_KEY": secrets.token_hex(32),
        "ZHIJIAO_SIGNING_KEY": secrets.token_hex(32),
    }
    env.update({name: os.environ.get(name) or value for name, value in keys.items()})
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="zhijiao.settings.prod",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        ZHIJIAO_HTTPS="0",
        ZHIJIAO_REQUIRE_2FA="0",
        ZHIJIAO_DEMO="1",
    )
    return env


def database_create(url: str, name: str = LOAD_DB) -> tuple[str, Callable[[], None]]:
    """A fresh database ``name`` on the server ``url`` names, and the function that drops it."""
    import psycopg

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL server: the load test runs on PostgreSQL")
    maintenance = parts.path.strip("/") or "postgres"
    if maintenance == name:
        maintenance = "postgres"
    admin = urlunsplit(parts._replace(scheme="postgresql", path=f"/{maintenance}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def demo_load(env: dict[str, str]) -> None:
    """The steps of `make demo`, on the load test's database."""
    zj = str(BIN / "zhijiao")
    steps = [
        [zj, "migrate", "--noinput", "-v0"],
        [zj, "loadplan", str(PLAN)],
        [zj, "demo"],
        [zj, "loadindicators", str(TARGETS)],
        [zj, "demoindicators"],
        [zj, "demopeople"],
        [zj, "democooperation"],
        [zj, "loadevaluation", str(ROOT / "data/evaluation/jiangyin-schemes.yaml")],
        [zj, "demoevaluation"],
        *(
            [zj, "loadcatalogue", kind, str(ROOT / f"data/talent/{name}.csv"), "--edition", edition]
            for kind, name, edition in (
                ("occupations", "occupations-2022", "2022"),
                ("majors", "majors-2021", "2021"),
                ("industries", "industries-2017", "2017"),
                ("mapping", "mapping-2021", "2021"),
            )
        ),
        [zj, "demotalent"],
        [zj, "democreditbank"],
    ]
    for step in steps:
        subprocess.run(step, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def api_token(env: dict[str, str], username: str) -> str:
    out = subprocess.run(  # noqa: S603 — our own console script, fixed arguments
        [str(BIN / "zhijiao"), "token", "create", username],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"[A-Za-z0-9_\-]{32,}", out)
    if match is None:
        sys.exit(f"no token in the output of `zhijiao token create`: {out!r}")
    return match.group(0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_start(
    env: dict[str, str], port: int, workers: int, log: IO[str] | None = None
) -> subprocess.Popen[bytes]:
    """gunicorn on loopback, once it answers /healthz; its output goes to ``log`` when given."""
    server = subprocess.Popen(  # noqa: S603 — gunicorn from the virtualenv, fixed arguments
        [
            str(BIN / "gunicorn"),
            "zhijiao.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--timeout=60",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.kill()
    sys.exit("gunicorn did not answer /healthz within 30 s")


# ---------------------------------------------------------------- virtual users


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, page: str, seconds: float, problem: str | None) -> None:
        self.times[page].append(seconds)
        if problem:
            self.errors[page].append(problem)


class User:
    """One virtual user: its own client (cookies), its journey, its share of the results."""

    def __init__(self, base: str, results: Results, think: float) -> None:
        self.client = httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
        self.results = results
        self.think = think

    async def get(self, page: str, url: str, **kwargs: object) -> httpx.Response | None:
        return await self._request(page, "GET", url, **kwargs)

    async def _request(
        self, page: str, method: str, url: str, **kwargs: object
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as error:
            self.results.add(page, time.perf_counter() - started, f"{type(error).__name__}")
            return None
        problem = None
        if response.status_code >= 400:
            detail = ""
            if response.headers.get("content-type", "").startswith("application/json"):
                detail = ": " + str(response.json().get("message", ""))[:60]
            problem = f"HTTP {response.status_code}{detail}"
        if response.status_code in (301, 302) and "/login/" in response.headers.get("location", ""):
            problem = "sent to sign-in"
        self.results.add(page, time.perf_counter() - started, problem)
        return response

    async def pause(self) -> None:
        if self.think:
            await asyncio.sleep(random.uniform(0, self.think))

    async def sign_in(self, username: str) -> None:
        await self.client.get("/login/")
        response = await self.client.post(
            "/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.client.base_url}login/"},
        )
        if response.status_code != 302:
            sys.exit(f"{username} could not sign in (HTTP {response.status_code})")

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}


async def office_journey(user: User, stop: float) -> None:
    targets = (await user.client.get("/api/v1/targets")).json()
    keys = [t["key"] for t in targets]
    while time.monotonic() < stop:
        for page, url in [
            ("督查总览", "/plan/"),
            ("目标总览", "/targets/"),
            ("目标详情", f"/targets/{random.choice(keys)}/"),
            ("待审核", "/plan/review/"),
            ("数据审核", "/data/approvals/"),
            ("任务清单", "/plan/tasks/"),
        ]:
            await user.get(page, url)
            await user.pause()


async def liaison_journey(user: User, stop: float) -> None:
    tasks = (await user.client.get("/api/v1/plan/tasks")).json()
    numbers = [t["number"] for t in tasks] or [1]
    periods = (await user.client.get("/api/v1/plan/periods")).json()
    today = time.strftime("%Y-%m-%d")
    started = [p["label"] for p in periods if p["start"] <= today]
    current = started[-1] if started else None
    # Drafts can be saved only where this period's report is not yet submitted: find those once.
    writable = []
    for number in numbers if current else []:
        draft = {"task": number, "period": current, "narrative": "本月按计划推进，压测写入。"}
        answer = await user.client.post("/api/v1/plan/reports", json=draft, headers=user.csrf())
        if answer.status_code == 200:
            writable.append(number)
    while time.monotonic() < stop:
        for page, url in [
            ("我的工作台", "/plan/workspace/"),
            ("任务清单", "/plan/tasks/"),
            ("任务详情", f"/plan/tasks/{random.choice(numbers)}/"),
            ("目标总览", "/targets/"),
            ("数据填报", "/data/"),
        ]:
            await user.get(page, url)
            await user.pause()
        if writable:
            await user._request(
                "保存进展草稿（API）",
                "POST",
                "/api/v1/plan/reports",
                json={
                    "task": random.choice(writable),
                    "period": current,
                    "narrative": "本月按计划推进，压测写入。",
                },
                headers=user.csrf(),
            )
            await user.pause()


FORM_LINK = re.compile(r'href="(/data/[A-Za-z0-9_\-]+/[0-9Q\-]+/)"')


async def school_journey(user: User, stop: float) -> None:
    entry = await user.client.get("/data/")
    forms = sorted(set(FORM_LINK.findall(entry.text))) or ["/data/"]
    while time.monotonic() < stop:
        for page, url in [
            ("我的工作台", "/plan/workspace/"),
            ("数据填报", "/data/"),
            ("填报表", random.choice(forms)),
            ("一校一案", "/plan/school-plan/"),
            ("报送及时性", "/targets/timeliness/"),
        ]:
            await user.get(page, url)
            await user.pause()


async def api_journey(user: User, stop: float) -> None:
    while time.monotonic() < stop:
        for page, url in [
            ("API 目标", "/api/v1/targets"),
            ("API 任务", "/api/v1/plan/tasks"),
            ("API 数据值", "/api/v1/data/values?period=2025"),
        ]:
            await user.get(page, url)
            await user.pause()


async def run_users(
    base: str, users: int, duration: float, think: float, tokens: dict[str, str]
) -> tuple[Results, float]:
    results = Results()
    plans: list[tuple[str, Callable[[User, float], Awaitable[None]]]] = []
    kinds: list[tuple[list[str], Callable[[User, float], Awaitable[None]]]] = [
        (OFFICE, office_journey),
        (LIAISONS, liaison_journey),
        (SCHOOLS, school_journey),
        (list(tokens), api_journey),
    ]
    for i in range(users):
        accounts, journey = kinds[i % len(kinds)]
        plans.append((accounts[(i // len(kinds)) % len(accounts)], journey))
    virtual = [User(base, results, think) for _ in plans]
    for user, (account, journey) in zip(virtual, plans, strict=True):
        if journey is api_journey:
            user.client.headers["Authorization"] = f"Bearer {tokens[account]}"
        else:
            await user.sign_in(account)
    started = time.monotonic()
    stop = started + duration
    await asyncio.gather(
        *(journey(user, stop) for user, (_, journey) in zip(virtual, plans, strict=True))
    )
    elapsed = time.monotonic() - started
    await asyncio.gather(*(user.client.aclose() for user in virtual))
    return results, elapsed


# ---------------------------------------------------------------- report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(results: Results, elapsed: float) -> int:
    every = [t for times in results.times.values() for t in times]
    errors = sum(len(e) for e in results.errors.values())
    print(f"{'page':<22}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for page, times in sorted(results.times.items()):
        print(
            f"{page:<22}{len(times):>10}{statistics.median(times) * 1000:>10.0f}"
            f"{percentile(times, 0.95) * 1000:>10.0f}{percentile(times, 0.99) * 1000:>10.0f}"
            f"{len(results.errors.get(page, [])):>8}"
        )
    print(
        f"{'all':<22}{len(every):>10}{statistics.median(every) * 1000:>10.0f}"
        f"{percentile(every, 0.95) * 1000:>10.0f}{percentile(every, 0.99) * 1000:>10.0f}"
        f"{errors:>8}"
    )
    print(f"throughput: {len(every) / elapsed:.1f} requests/s over {elapsed:.0f} s")
    for page, problems in results.errors.items():
        kinds: dict[str, int] = defaultdict(int)
        for problem in problems:
            kinds[problem] += 1
        print(f"errors on {page}: " + ", ".join(f"{k} × {n}" for k, n in kinds.items()))
    print("goal: zero errors — " + ("met" if errors == 0 else "MISSED"))
    return 0 if errors == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300, help="seconds of load")
    parser.add_argument("--think", type=float, default=1.0, help="pause up to this, seconds")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url, drop = database_create(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    env = environment(url)
    try:
        started = time.monotonic()
        demo_load(env)
        tokens = {name: api_token(env, name) for name in ["office", "jyj", "jyzy"]}
        print(f"demo data loaded in {time.monotonic() - started:.0f} s")
        port = free_port()
        server = server_start(env, port, args.workers)
        try:
            print(
                f"gunicorn: {args.workers} sync workers; {args.users} users for "
                f"{args.duration:.0f} s, think time up to {args.think} s"
            )
            results, elapsed = asyncio.run(
                run_users(f"http://127.0.0.1:{port}", args.users, args.duration, args.think, tokens)
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        return report(results, elapsed)
    finally:
        if not args.keep:
            drop()


if __name__ == "__main__":
    sys.exit(main())
