"""Production: PostgreSQL from DATABASE_URL, secrets from the environment or *_FILE, HTTPS."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 40:
    raise ValueError("DJANGO_SECRET_KEY 至少 40 个字符")
DEBUG = False
SESSION_COOKIE_SECURE = env_bool("ZHIJIAO_HTTPS", True)
CSRF_COOKIE_SECURE = env_bool("ZHIJIAO_HTTPS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("ZHIJIAO_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
