"""Test settings: fast hashing, in-memory mail, jobs run immediately, files under a temp dir."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-" + "x" * 50  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("ZHIJIAO_TEST_TASKS_DB") == "1":  # worker processes started by a test
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _scratch_dir(prefix: str) -> Path:
    """A directory of this test process's own, removed when the process ends."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


MEDIA_ROOT = _scratch_dir("zhijiao-test-media-")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Live-server tests run the app in a thread; persistent connections would outlive the test DB.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrent writers then queue on the database lock the way
    # the embedded deployment does, instead of failing at once with "table is locked".
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(_scratch_dir("zhijiao-test-db-") / "test.sqlite3")
    }
# Most tests sign in with force_login; the second factor has its own tests (override_settings).
ZHIJIAO_REQUIRE_2FA = False

# Test fixtures write rows directly, without audit rows, so a cache keyed on the audit trail would
# carry one test's results into the next; tests that are about caching turn it on themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Fixed keys for tests only: never for real personal data (production requires its own).
ZHIJIAO_DATA_KEYS = ZHIJIAO_DATA_KEYS or "test1:ffeeddccbbaa99887766554433221100"  # noqa: F405
ZHIJIAO_LOOKUP_KEY = ZHIJIAO_LOOKUP_KEY or "cd" * 32  # noqa: F405
ZHIJIAO_SIGNING_KEY = ZHIJIAO_SIGNING_KEY or "7a" * 32  # noqa: F405
