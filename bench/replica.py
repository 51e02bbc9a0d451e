"""Demonstration: reporting pages read from a real PostgreSQL streaming replica, writes stay on
the primary.

    .venv/bin/python bench/replica.py            # needs PostgreSQL's server programs (initdb …)

Nothing here touches the machine's own PostgreSQL server: the script makes a throw-away primary
cluster and, with ``pg_basebackup``, a hot-standby replica streaming from it, each on a free
loopback port under a temporary directory (run as root it runs them as the ``postgres`` account).
It loads the demo plan on the primary, then, in a zhijiao process configured with
``DATABASE_URL`` (primary) and ``DATABASE_REPLICA_URL`` (replica), requests pages as the plan
office and counts the queries each database answered:

- the reporting pages (督查总览, 目标监测总览, 报送及时性) must read on the replica — the server
  that answers ``pg_is_in_recovery() = true`` — and the ordinary pages never;
- a write made while a reporting page is being served (the audit row of signing in, a record
  saved) lands on the primary and is visible on the replica shortly after: the lag is printed.

Exits 1 when any of that does not hold. Both clusters are stopped and removed at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PLAN = ROOT / "data" / "plans" / "jiangyin-2021-vet-reform-plan.txt"
TARGETS = ROOT / "data" / "indicators" / "jiangyin-2021-targets.yaml"


def pg_bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=True)  # noqa: S603
        if (Path(out.stdout.strip()) / "initdb").exists():
            return Path(out.stdout.strip())
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        sys.exit("找不到 PostgreSQL 服务器程序（initdb）：请安装 postgresql")
    return candidates[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres account then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list[str], **kwargs: object) -> None:
    subprocess.run(as_postgres(command), check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]  # noqa: S603


class Cluster:
    def __init__(self, bindir: Path, directory: Path, port: int) -> None:
        self.bindir, self.directory, self.port = bindir, directory, port

    def start(self) -> None:
        run([
            str(self.bindir / "pg_ctl"), "-D", str(self.directory), "-l",
            str(self.directory / "server.log"), "-w", "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory.parent}", "start",
        ])  # fmt: skip

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            as_postgres(
                [str(self.bindir / "pg_ctl"), "-D", str(self.directory), "-m", "fast", "stop"]
            ),
            check=False,
            capture_output=True,
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def clusters_make(work: Path) -> tuple[Cluster, Cluster]:
    bindir = pg_bindir()
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    primary = Cluster(bindir, work / "primary", free_port())
    run([str(bindir / "initdb"), "-D", str(primary.directory), "-U", "postgres",
         "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])  # fmt: skip
    with (primary.directory / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    primary.start()
    replica = Cluster(bindir, work / "replica", free_port())
    run([str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
         "-U", "postgres", "-D", str(replica.directory), "-R", "-X", "stream"])  # fmt: skip
    replica.start()
    return primary, replica


# The part that runs inside zhijiao, with both databases configured.
PROBE = r"""
import json, time
from collections import Counter
from django.db import connections
from django.test import Client
from zhijiao.orgs.models import Unit, UnitKind, User

counts = Counter()
def counting(alias):
    def wrapper(execute, sql, params, many, context):
        counts[alias] += 1
        return execute(sql, params, many, context)
    return wrapper

def in_recovery(alias):
    with connections[alias].cursor() as c:
        c.execute("select pg_is_in_recovery()")
        return c.fetchone()[0]

result = {"recovery": {a: in_recovery(a) for a in ("default", "replica")}, "pages": {}}
client = Client()
client.force_login(User.objects.get(username="office"))
for label, url in (("督查总览", "/plan/"), ("目标监测总览", "/targets/"),
                   ("报送及时性", "/targets/timeliness/"), ("任务清单", "/plan/tasks/"),
                   ("数据填报", "/data/")):
    counts.clear()
    with connections["default"].execute_wrapper(counting("default")), \
         connections["replica"].execute_wrapper(counting("replica")):
        status = client.get(url).status_code
    result["pages"][label] = {"status": status, "default": counts["default"],
                              "replica": counts["replica"]}

# A write on the primary, and how long until the replica has it.
start = time.perf_counter()
unit = Unit.objects.create(name="复制延迟测试单位", kind=UnitKind.GOVERNMENT)
while not Unit.objects.using("replica").filter(pk=unit.pk).exists():
    time.sleep(0.001)
result["lag_ms"] = (time.perf_counter() - start) * 1000
try:
    Unit.objects.using("replica").filter(pk=unit.pk).update(name="x")
    result["replica_refused_write"] = False
except Exception as exc:
    result["replica_refused_write"] = "read-only" in str(exc)
print("RESULT" + json.dumps(result, ensure_ascii=False))
"""

REPORTING = {"督查总览", "目标监测总览", "报送及时性"}


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="zhijiao-replica-"))
    primary = replica = None
    try:
        started = time.perf_counter()
        primary, replica = clusters_make(work)
        print(f"zhijiao 只读副本演示：主库 127.0.0.1:{primary.port}，流复制备库 127.0.0.1:{replica.port}"
              f"（{time.perf_counter() - started:.1f} s）")  # fmt: skip
        run([str(primary.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(primary.port),
             "-U", "postgres", "zhijiao"])  # fmt: skip
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zhijiao.settings.dev",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DATABASE_URL": primary.url("zhijiao"),
            "ZHIJIAO_DATA_DIR": str(work),
        }
        zj = str(BIN / "zhijiao")
        for step in (["migrate", "--noinput", "-v0"], ["loadplan", str(PLAN)], ["demo"],
                     ["loadindicators", str(TARGETS)], ["demoindicators"]):  # fmt: skip
            subprocess.run([zj, *step], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        env["DATABASE_REPLICA_URL"] = replica.url("zhijiao")
        probe = subprocess.run(  # noqa: S603
            [zj, "shell", "-c", PROBE], env=env, capture_output=True, text=True, check=False
        )
        line = next((x for x in probe.stdout.splitlines() if x.startswith("RESULT")), None)
        if line is None:
            print(probe.stdout[-3000:], probe.stderr[-3000:])
            return 1
        import json

        result = json.loads(line[len("RESULT") :])
        problems = []
        recovery = result["recovery"]
        print(f"  pg_is_in_recovery: 主库 {recovery['default']}，备库 {recovery['replica']}")
        if recovery != {"default": False, "replica": True}:
            problems.append("备库不是流复制中的只读备库")
        print(f"  {'页面':<10} {'状态':>4} {'主库查询':>8} {'备库查询':>8}")
        for label, page in result["pages"].items():
            print(f"  {label:<10} {page['status']:>6} {page['default']:>10} {page['replica']:>10}")
            if page["status"] != 200:
                problems.append(f"{label} 返回 {page['status']}")
            elif label in REPORTING and page["replica"] == 0:
                problems.append(f"{label} 没有在备库上读取")
            elif label not in REPORTING and page["replica"]:
                problems.append(f"{label} 不是报表页面，却在备库上读取")
        print(
            f"  主库写入后备库可见：{result['lag_ms']:.1f} ms；备库拒绝写入：{result['replica_refused_write']}"
        )
        if not result["replica_refused_write"]:
            problems.append("备库没有拒绝写入")
        for problem in problems:
            print(f"  未通过：{problem}")
        return 1 if problems else 0
    finally:
        for cluster in (replica, primary):
            if cluster is not None:
                cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
