"""Every log record the whole test run writes, scanned at its end for personal data and secrets.

Each test process (the xdist workers, or the one process without them) adds a handler to the root
logger that writes what production would log (the root's configured level) to a file in a folder
the first process names; when the run ends that process reads every file and fails the run if a
身份证号 with a valid check digit, a mobile number or one of the settings' secrets appears in clear.
The folder is removed when the logs are clean and kept (its path printed) when they are not.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from stdnum.cn import ric

ENV = "ZHIJIAO_TEST_LOG_DIR"
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
ID_SEGMENT = re.compile(r"/\d+(?=/|\s|$)")
PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def _secrets() -> list[str]:
    from django.conf import settings

    from tests.factories import PASSWORD

    found = [
        settings.SECRET_KEY,
        settings.ZHIJIAO_LOOKUP_KEY,
        settings.ZHIJIAO_SIGNING_KEY,
        PASSWORD,
    ]
    for item in settings.ZHIJIAO_DATA_KEYS.split(","):
        found.append(item.partition(":")[2] or item)
    return [secret for secret in found if secret and len(secret) >= 8]


def findings(text: str, secrets: list[str]) -> list[str]:
    """What in ``text`` is personal data or a secret, each with the line it was on."""
    found = []
    for line in text.splitlines():
        if line.startswith("django.request "):
            # "Not Found: /api/v1/plan/reports/14782983354": a numeric path segment is an object
            # id (the fuzzers send huge ones); no route of the platform puts personal data there.
            line = ID_SEGMENT.sub("/…", line)
        if any(ric.is_valid(m.group()) for m in ID_CANDIDATE.finditer(line)):
            found.append(f"身份证号：{line}")
        if PHONE.search(line):
            found.append(f"手机号：{line}")
        if any(secret in line for secret in secrets):
            found.append(f"密钥或口令：{line}")
    return found


def pytest_configure(config: pytest.Config) -> None:
    if ENV not in os.environ:  # the first process of the run names the folder for all
        os.environ[ENV] = tempfile.mkdtemp(prefix="zhijiao-test-logs-")
        config._zhijiao_log_owner = True  # type: ignore[attr-defined]


def pytest_sessionstart(session: pytest.Session) -> None:
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    handler = logging.FileHandler(Path(os.environ[ENV]) / f"{worker}.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.setLevel(logging.getLogger().getEffectiveLevel())
    logging.getLogger().addHandler(handler)
    session.config._zhijiao_log_handler = handler  # type: ignore[attr-defined]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Settings reloaded by a test (``dictConfig``) replace the root's handlers: put ours back."""
    handler = getattr(item.config, "_zhijiao_log_handler", None)
    root = logging.getLogger()
    if handler is not None and handler not in root.handlers:
        root.addHandler(handler)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    handler = getattr(session.config, "_zhijiao_log_handler", None)
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
    if not getattr(session.config, "_zhijiao_log_owner", False):
        return
    folder = Path(os.environ[ENV])
    files = sorted(folder.glob("*.log"))
    secrets = _secrets()
    found = [
        f"{path.name}: {item}" for path in files for item in findings(path.read_text(), secrets)
    ]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if found:
        if reporter is not None:
            reporter.write_sep("=", "日志中出现个人信息或密钥", red=True)
            for item in found[:50]:
                reporter.write_line(item)
            reporter.write_line(f"全部日志保留在 {folder}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    if reporter is not None and files:
        size = sum(path.stat().st_size for path in files)
        reporter.write_line(
            f"日志扫描：{len(files)} 个进程的日志（{size:,} 字节），未见个人信息或密钥"
        )
    shutil.rmtree(folder, ignore_errors=True)
