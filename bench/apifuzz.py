"""Schemathesis against the running server: every operation of the OpenAPI document, fuzzed over
HTTP, for several roles, on gunicorn with production settings and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/apifuzz.py [--max-examples 100] [--max-time 600]

``make fuzz`` runs it after the in-process fuzzing (tests/test_fuzz.py, tests/api/test_schema_fuzz.py).
A fresh database ``zhijiao_fuzz`` is filled as ``make demo`` fills it (dropped at the end unless
``--keep``); files go to a temporary data directory. The server is the production stack the load
test uses (bench/loadtest.py): gunicorn, ``zhijiao.settings.prod``, plain HTTP on loopback.

Schemathesis reads the document from the server and sends generated requests — examples, the
boundaries of every parameter (coverage) and random fuzzing — with a bearer token of each role in
turn: the plan office, a school clerk, a bureau liaison, an enterprise user, a learner. Checks: no
answer is a server error, and every answer has the content type the document declares. After the
run the server's log is read for tracebacks as well. Exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from loadtest import (
    BIN,
    api_token,
    database_create,
    demo_load,
    environment,
    free_port,
    server_start,
)

FUZZ_DB = "zhijiao_fuzz"
# The demo accounts (README) the requests are signed with: (role as printed, username).
ACCOUNTS = [
    ("工作专班", "office"),
    ("学校填报员", "jyzy"),
    ("责任单位联络员", "jyj"),
    ("企业用户", "qiye"),
    ("评审专家", "zhuanjia"),
    ("学习者", "xueyuan"),
]
CHECKS = "not_a_server_error,content_type_conformance"
# A server error in the log: Django's line for an answer of 500 (its traceback follows), or
# gunicorn's for a request that broke the worker. A 4xx logged with a traceback (a malformed
# multipart body answers 400) is not one.
SERVER_ERROR = re.compile(
    r"^(?:Internal Server Error: .*|.*\[ERROR\] (?:Error handling request|WORKER TIMEOUT).*)$"
    r"(?:\n(?:Traceback .*|[ \t].*|\S+(?:Error|Exception).*))*",
    re.MULTILINE,
)


def fuzz(base: str, token: str, args: argparse.Namespace, workdir: str) -> int:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        f"--checks={CHECKS}",
        f"--header=Authorization: Bearer {token}",
        f"--max-examples={args.max_examples}",
        f"--max-time={args.max_time}",
        f"--workers={args.workers}",
        "--phases=examples,coverage,fuzzing",
        "--suppress-health-check=all",
        "--request-timeout=30",
        f"--seed={args.seed}",
        "--no-color",
    ]
    # Schemathesis keeps its state in .schemathesis/ under its working directory: not the repo.
    return subprocess.run(command, cwd=workdir, check=False).returncode  # noqa: S603


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=100, help="per operation and phase")
    parser.add_argument(
        "--max-time", type=int, default=600, help="seconds per role, at most (default 600)"
    )
    parser.add_argument("--workers", type=int, default=2, help="concurrent Schemathesis workers")
    parser.add_argument("--server-workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url, drop = database_create(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"), FUZZ_DB
    )
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="zhijiao-fuzz-") as data_dir:
        env = environment(url)
        env["ZHIJIAO_DATA_DIR"] = data_dir
        log = Path(data_dir) / "gunicorn.log"
        try:
            demo_load(env)
            tokens = [(role, api_token(env, name)) for role, name in ACCOUNTS]
            port = free_port()
            with log.open("w") as stream:
                server = server_start(env, port, args.server_workers, log=stream)
                try:
                    for role, token in tokens:
                        print(f"\n=== {role} ===", flush=True)
                        if fuzz(f"http://127.0.0.1:{port}", token, args, data_dir) != 0:
                            failures.append(role)
                finally:
                    server.send_signal(signal.SIGTERM)
                    server.wait(timeout=30)
            logged = log.read_text(encoding="utf-8", errors="replace")
        finally:
            if not args.keep:
                drop()
    errors = SERVER_ERROR.findall(logged)
    print()
    for error in errors:
        print(f"server log:\n{error}\n")
    print(f"roles fuzzed: {len(tokens)}; Schemathesis failed for: {', '.join(failures) or 'none'}")
    print(f"server errors in gunicorn's log: {len(errors)}")
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
