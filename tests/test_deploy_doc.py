"""The deployment guide keeps up with the settings.

Every environment variable the settings read is listed in docs/deploy.md's table, and every
variable listed there is read somewhere; the file blocks that `make deploy-check` takes from the
guide (scripts/deploy-check) are all there. The walk-through itself is `make deploy-check`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "src" / "zhijiao" / "settings"
GUIDE = ROOT / "docs" / "deploy.md"

READ = re.compile(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z0-9_]+)["']""")
LISTED = re.compile(r"^\| `([A-Z0-9_]+)` \|", re.MULTILINE)
# Read by Django itself or by our entry points, not through settings/env.py.
OUTSIDE_SETTINGS = {"DJANGO_SETTINGS_MODULE"}
BLOCKS = [
    "/etc/zhijiao/zhijiao.env",
    "/usr/local/bin/zhijiao-manage",
    "/etc/nginx/sites-available/zhijiao.conf",
    "/etc/systemd/system/zhijiao-web.service",
    "/etc/systemd/system/zhijiao-worker@.service",
    "/etc/systemd/system/zhijiao-daily.service",
    "/etc/systemd/system/zhijiao-daily.timer",
    "/etc/logrotate.d/zhijiao",
]


def settings_variables() -> set[str]:
    names: set[str] = set()
    for module in ("base.py", "prod.py"):
        names |= set(READ.findall((SETTINGS / module).read_text(encoding="utf-8")))
    return names


def test_every_variable_the_settings_read_is_documented_and_no_other():
    # given the variables production reads and the guide's table
    read = settings_variables()
    listed = set(LISTED.findall(GUIDE.read_text(encoding="utf-8")))

    # then each is listed, and the table invents none
    assert read - listed == set(), "missing from docs/deploy.md"
    assert listed - read - OUTSIDE_SETTINGS == set(), "listed in docs/deploy.md but never read"


def test_the_file_blocks_deploy_check_uses_are_in_the_guide():
    text = GUIDE.read_text(encoding="utf-8")
    for path in BLOCKS:
        assert f"\n# {path}\n" in text, path
