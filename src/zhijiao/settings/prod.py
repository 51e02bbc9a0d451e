"""Production: PostgreSQL from DATABASE_URL, secrets from the environment or *_FILE, HTTPS."""

import re

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 40:
    raise ValueError("DJANGO_SECRET_KEY 至少 40 个字符")
DEBUG = False
# Personal data keys are required: without them nothing personal can be stored or read.
ZHIJIAO_DATA_KEYS = env_str("ZHIJIAO_DATA_KEYS")
ZHIJIAO_LOOKUP_KEY = env_str("ZHIJIAO_LOOKUP_KEY")
if not re.fullmatch(
    r"[A-Za-z0-9]+:[0-9a-fA-F]{32}(,[A-Za-z0-9]+:[0-9a-fA-F]{32})*", ZHIJIAO_DATA_KEYS
):
    raise ValueError("ZHIJIAO_DATA_KEYS 应为“编号:32位十六进制”，多个用逗号分隔")
if not re.fullmatch(r"([0-9a-fA-F]{2}){32,}", ZHIJIAO_LOOKUP_KEY):
    raise ValueError("ZHIJIAO_LOOKUP_KEY 应为至少 64 位十六进制")
# The Ed25519 key signing ledger checkpoints (and credentials): 32 bytes as 64 hex digits.
ZHIJIAO_SIGNING_KEY = env_str("ZHIJIAO_SIGNING_KEY")
if not re.fullmatch(r"[0-9a-fA-F]{64}", ZHIJIAO_SIGNING_KEY):
    raise ValueError("ZHIJIAO_SIGNING_KEY 应为 64 位十六进制（Ed25519 私钥种子）")
SESSION_COOKIE_SECURE = env_bool("ZHIJIAO_HTTPS", True)
CSRF_COOKIE_SECURE = env_bool("ZHIJIAO_HTTPS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx on this host (docs/deploy.md) tells the client's address; list others if it moves.
ZHIJIAO_TRUSTED_PROXIES = env_list("ZHIJIAO_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# HTTPS everywhere: redirect plain HTTP, and tell browsers to remember it for a year.
SECURE_SSL_REDIRECT = env_bool("ZHIJIAO_HTTPS", True)
SECURE_HSTS_SECONDS = env_int("ZHIJIAO_HSTS_SECONDS", 31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ZHIJIAO_HSTS_SUBDOMAINS", True)
# Submitting the domain to browsers' HSTS preload list is the domain owner's decision, not ours.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# /healthz is probed by the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
