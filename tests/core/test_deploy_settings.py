"""Production settings pass Django's deployment checks."""

import os
import subprocess
import sys


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "zhijiao.settings.prod",
        "DJANGO_SECRET_KEY": "k" * 20 + "Q9#x" * 10,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "ZHIJIAO_DATA_DIR": str(tmp_path),
        "ZHIJIAO_DATA_KEYS": "k2026:" + "3a" * 16,
        "ZHIJIAO_LOOKUP_KEY": "5c" * 32,
        "ZHIJIAO_SIGNING_KEY": "9d" * 32,
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "zhijiao.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_personal_data_keys(tmp_path):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "ZHIJIAO_DATA_KEYS", "ZHIJIAO_LOOKUP_KEY")
        },
        "DJANGO_SETTINGS_MODULE": "zhijiao.settings.prod",
        "DJANGO_SECRET_KEY": "k" * 20 + "Q9#x" * 10,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "ZHIJIAO_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "zhijiao.manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ZHIJIAO_DATA_KEYS" in result.stderr
