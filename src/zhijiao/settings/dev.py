"""Local development and the demo: embedded SQLite under var/, mail to the console."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

os.environ.setdefault("ZHIJIAO_DEMO", "1")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
# A fixed key is acceptable only for the demo on the loopback interface.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "demo-only-not-secret-" + "x" * 40  # noqa: S105
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
ZHIJIAO_DEMO = os.environ.get("ZHIJIAO_DEMO") == "1"
# The demo's published accounts sign in with a password alone; production requires TOTP for the
# plan office and administrators (ZHIJIAO_REQUIRE_2FA=1, the default outside dev).
ZHIJIAO_REQUIRE_2FA = os.environ.get("ZHIJIAO_REQUIRE_2FA") == "1"
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Fixed keys for the demo only: never for real personal data (production requires its own).
ZHIJIAO_DATA_KEYS = ZHIJIAO_DATA_KEYS or "dev1:00112233445566778899aabbccddeeff"  # noqa: F405
ZHIJIAO_LOOKUP_KEY = ZHIJIAO_LOOKUP_KEY or "ab" * 32  # noqa: F405
ZHIJIAO_SIGNING_KEY = ZHIJIAO_SIGNING_KEY or "5e" * 32  # noqa: F405
