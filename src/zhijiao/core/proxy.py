"""The client's address behind a reverse proxy.

Behind nginx every connection gunicorn sees comes from the proxy, so ``REMOTE_ADDR`` is the
proxy's address for everyone: the audit trail would record it for every user, and the lockout by
address (django-axes) would lock everybody out after five failures by anyone. When, and only when,
the connection comes from a proxy listed in ``ZHIJIAO_TRUSTED_PROXIES``, this middleware puts the
address the proxy vouches for (``X-Real-IP``, else the nearest untrusted hop of
``X-Forwarded-For``) into ``REMOTE_ADDR`` before anything else reads it. A request that does not
come through a trusted proxy keeps its own address, whatever headers it carries.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(text: str, networks: Sequence[Network]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in networks)


def client_address(meta: dict[str, str], trusted: Sequence[str]) -> str | None:
    """The client's address for a request's META, given the trusted proxies (addresses or
    networks); None when the request does not come through one of them with a valid header."""
    networks = _networks(tuple(trusted))
    if not networks or not _trusted(meta.get("REMOTE_ADDR", ""), networks):
        return None
    real = _address(meta.get("HTTP_X_REAL_IP", ""))
    if real is not None:
        return str(real)
    # X-Forwarded-For: client, proxy1, proxy2 — read from the right, skipping trusted proxies;
    # the first hop not ours is the client as far as anyone we trust can tell.
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            address = _address(hop)
            return str(address) if address is not None else None
    return None


class TrustedProxyMiddleware:
    """First in the stack: every later reader of ``REMOTE_ADDR`` sees the client."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        try:  # a typo in the setting stops the server at start, not at the first request
            _networks(tuple(settings.ZHIJIAO_TRUSTED_PROXIES))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ZHIJIAO_TRUSTED_PROXIES 应为逗号分隔的 IP 地址或网段：{exc}"
            ) from exc

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request.META, settings.ZHIJIAO_TRUSTED_PROXIES)
        if address is not None:
            request.META["ZHIJIAO_PROXY_ADDR"] = request.META.get("REMOTE_ADDR", "")
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
