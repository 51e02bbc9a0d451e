"""Behind nginx the client's address comes from the proxy's headers — only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.core.proxy import TrustedProxyMiddleware, client_address

LOCAL = ["127.0.0.1", "::1", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        # nginx on this host vouches for the client
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}, "203.0.113.7"),
        ({"REMOTE_ADDR": "::1", "HTTP_X_REAL_IP": "2001:db8::5"}, "2001:db8::5"),
        # without X-Real-IP: the nearest hop of X-Forwarded-For that is not one of ours
        (
            {
                "REMOTE_ADDR": "10.1.2.3",
                "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9, 10.0.0.2",
            },
            "203.0.113.9",
        ),
        # a client talking to the server directly cannot choose its address by a header
        ({"REMOTE_ADDR": "203.0.113.50", "HTTP_X_REAL_IP": "1.2.3.4"}, None),
        ({"REMOTE_ADDR": "203.0.113.50", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, None),
        # garbage in the header is not an address
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "<script>"}, None),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, None),
        ({"REMOTE_ADDR": "127.0.0.1"}, None),
    ],
)
def test_the_client_address_is_taken_only_from_a_trusted_proxy(meta, expected):
    assert client_address(meta, LOCAL) == expected


def test_nothing_is_trusted_by_default_outside_production():
    assert client_address({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}, []) is None


def test_a_malformed_setting_stops_the_server_at_start(settings):
    settings.ZHIJIAO_TRUSTED_PROXIES = ["127.0.0.1", "nginx.local"]
    with pytest.raises(ImproperlyConfigured, match="ZHIJIAO_TRUSTED_PROXIES"):
        TrustedProxyMiddleware(lambda request: HttpResponse())


def test_the_middleware_rewrites_remote_addr_for_everything_after_it(settings):
    settings.ZHIJIAO_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    middleware(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7"))
    assert seen["addr"] == "203.0.113.7"
    middleware(RequestFactory().get("/", REMOTE_ADDR="198.51.100.2", HTTP_X_REAL_IP="1.1.1.1"))
    assert seen["addr"] == "198.51.100.2"


@pytest.mark.django_db
def test_behind_nginx_failures_lock_the_attacker_out_not_everyone(
    client, settings, plan_office_user
):
    """Five failed sign-ins from one client lock that address; a colleague coming through the same
    nginx from another address signs in, and the audit rows carry the real addresses."""
    from tests.factories import PASSWORD

    settings.ZHIJIAO_TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.66"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": f"nobody{n}", "password": "x"}, **attacker)
    locked = client.post("/login/", {"username": "office", "password": PASSWORD}, **attacker)
    assert "锁定" in locked.content.decode()

    colleague = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.20"}
    response = client.post("/login/", {"username": "office", "password": PASSWORD}, **colleague)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_SUCCESS, actor=plan_office_user, address="198.51.100.20"
    ).exists()
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILURE)
    assert set(failures.values_list("address", flat=True)) == {"203.0.113.66"}
