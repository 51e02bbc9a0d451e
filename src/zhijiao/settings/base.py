"""Settings shared by every environment. Environment-specific files import from here."""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The directory holding var/ (database, uploaded files, generated documents).
DATA_DIR = Path(env_str("ZHIJIAO_DATA_DIR", str(Path.cwd()))).resolve()
VAR_DIR = DATA_DIR / "var"

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")

# Personal data (身份证号, phones) is encrypted with SM4 and looked up by HMAC-SM3 (core.personal).
# "id:32 hex digits", comma-separated, the first encrypts; old ids stay readable for rotation.
ZHIJIAO_DATA_KEYS = env_str("ZHIJIAO_DATA_KEYS", "")
ZHIJIAO_LOOKUP_KEY = env_str("ZHIJIAO_LOOKUP_KEY", "")
# The platform's Ed25519 signing key (64 hex digits, the 32-byte private seed): signs the credit
# bank ledger's checkpoints and, later, Verifiable Credentials. Required in production.
ZHIJIAO_SIGNING_KEY = env_str("ZHIJIAO_SIGNING_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies (addresses or networks) whose X-Real-IP / X-Forwarded-For name the client
# (core/proxy.py). None here: runserver is reached directly. Production trusts the local nginx.
ZHIJIAO_TRUSTED_PROXIES = env_list("ZHIJIAO_TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "zhijiao.core.apps.CoreConfig",
    "zhijiao.orgs.apps.OrgsConfig",
    "zhijiao.plan.apps.PlanConfig",
    "zhijiao.indicators.apps.IndicatorsConfig",
    "zhijiao.people.apps.PeopleConfig",
    "zhijiao.cooperation.apps.CooperationConfig",
    "zhijiao.talent.apps.TalentConfig",
    "zhijiao.creditbank.apps.CreditbankConfig",
    "zhijiao.evaluation.apps.EvaluationConfig",
    "zhijiao.core.site.ZhijiaoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: whatever reads REMOTE_ADDR later (audit, lockout) sees the client, not the proxy.
    "zhijiao.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zhijiao.core.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhijiao.orgs.auth.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhijiao.core.audit.AuditContextMiddleware",
    "zhijiao.orgs.security.SessionSecurityMiddleware",
    "zhijiao.orgs.security.TwoFactorMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhijiao.urls"
WSGI_APPLICATION = "zhijiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Ahead of every app's templates: the one Unfold template zhijiao replaces (the sidebar's
        # links, kept rendered; zhijiao.core.site).
        "DIRS": [PACKAGE_DIR / "core" / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhijiao.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the job worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A PostgreSQL streaming replica for the reporting pages (core/routing.py); optional.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["zhijiao.core.routing.ReplicaRouter"]
# Figures kept between requests (core/cache.py) live in a table of the database, so that every
# process and every app server shares them (created by migration core 0008).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "zhijiao_cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = reverse_lazy("admin:login")
LOGIN_REDIRECT_URL = reverse_lazy("admin:index")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 等保 2.0 level 3, 8.1.4.1: complexity, common passwords, similarity to the account.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhijiao.orgs.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
ZHIJIAO_PASSWORD_MAX_AGE_DAYS = env_int("ZHIJIAO_PASSWORD_MAX_AGE_DAYS", 90)
# Sign-in lockout: 5 failures lock the account and, separately, the address for 30 minutes.
AXES_FAILURE_LIMIT = env_int("ZHIJIAO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ZHIJIAO_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhijiao.orgs.security.lockout_response"
AXES_VERBOSE = False
# Sessions end after 30 idle minutes and, whatever the activity, after 8 hours.
ZHIJIAO_SESSION_IDLE_MINUTES = env_int("ZHIJIAO_SESSION_IDLE_MINUTES", 30)
ZHIJIAO_SESSION_ABSOLUTE_HOURS = env_int("ZHIJIAO_SESSION_ABSOLUTE_HOURS", 8)
# A second factor (TOTP) for the plan office and the three administrators; others may enrol.
ZHIJIAO_REQUIRE_2FA = env_bool("ZHIJIAO_REQUIRE_2FA", True)
ZHIJIAO_2FA_ROLES = ["plan_office", "system_admin", "security_admin", "audit_admin"]
OTP_TOTP_ISSUER = "江阴职教平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "private"  # never served by the web server directly

# Evidence uploads: what a unit may attach to a progress report.
EVIDENCE_MAX_BYTES = env_int("ZHIJIAO_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
ZHIJIAO_AUDIT_RETENTION_DAYS = env_int("ZHIJIAO_AUDIT_RETENTION_DAYS", 365)
ZHIJIAO_IMPORT_MAX_BYTES = env_int("ZHIJIAO_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_AGE = ZHIJIAO_SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "zhijiao@localhost")

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Marks the running instance as holding demo data: a banner says so on every page.
ZHIJIAO_DEMO = env_bool("ZHIJIAO_DEMO", False)
# Who answers for personal data (PIPL art. 17), shown on the public privacy notice (/privacy/).
ZHIJIAO_PRIVACY_CONTROLLER = env_str(
    "ZHIJIAO_PRIVACY_CONTROLLER", "江阴市推进职业教育改革创新工作专班（办公室设在江阴市教育局）"
)
ZHIJIAO_PRIVACY_CONTACT = env_str("ZHIJIAO_PRIVACY_CONTACT", "请向所在学校或工作专班办公室提出")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ZHIJIAO_LOG_LEVEL", "INFO")},
}

UNFOLD = {
    "SITE_TITLE": _("职教平台"),
    "SITE_HEADER": _("江阴职教"),
    "SITE_SUBHEADER": _("职业教育改革创新"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "school",
    "STYLES": [lambda request: static("zhijiao/zhijiao.css")],
    "SCRIPTS": [lambda request: static("zhijiao/unit-search.js")],
    "SHOW_HISTORY": False,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": False,
    "ENVIRONMENT": "zhijiao.core.shell.environment_callback",
    "LOGIN": {"form": "zhijiao.orgs.forms.LoginForm"},
    "DASHBOARD_CALLBACK": "zhijiao.core.shell.dashboard_callback",
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "zhijiao.core.shell.sidebar_navigation",
    },
}
