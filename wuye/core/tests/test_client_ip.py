"""The client address (issue 13 item 1): the proxy's word only when a trusted proxy says it.

GB/T 22239-2019 8.1.4.3 安全审计 c（审计记录包括事件的日期和时间、用户、事件类型…，来源地址真实可信）
and 8.1.4.4 入侵防范; ASVS 4.0 V2.2.1 (anti-automation that cannot be bypassed), V7.1.3 (logs
record the real source), V11.1.4 (rate limits per client).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from wuye.core.models import AuditAction, AuditLog
from wuye.core.request_context import client_ip

rf = RequestFactory()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def ip(peer: str, forwarded: str | None = None) -> str | None:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(rf.get("/", REMOTE_ADDR=peer, **extra))


def test_without_trusted_proxies_the_socket_address_counts(settings):
    settings.WUYE_TRUSTED_PROXIES = []
    assert ip("198.51.100.7", "1.2.3.4") == "198.51.100.7"
    assert ip("10.0.0.5", "1.2.3.4, 5.6.7.8") == "10.0.0.5"
    assert ip("198.51.100.7") == "198.51.100.7"
    assert ip("::ffff:198.51.100.7") == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None


def test_an_untrusted_peer_cannot_choose_its_address(settings):
    settings.WUYE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip("198.51.100.7", "10.0.0.9") == "198.51.100.7"
    assert ip("198.51.100.7", "1.2.3.4") == "198.51.100.7"


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings):
    settings.WUYE_TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    settings.WUYE_TRUSTED_PROXY_HOPS = 1
    # The proxy appends the address it saw; whatever the client wrote before it is ignored.
    assert ip("10.0.0.2", "203.0.113.9") == "203.0.113.9"
    assert ip("10.0.0.2", "6.6.6.6, 203.0.113.9") == "203.0.113.9"
    assert ip("fd00::1", "2001:db8::5") == "2001:db8::5"
    # A trusted proxy that forwarded nothing usable: its own address.
    assert ip("10.0.0.2") == "10.0.0.2"
    assert ip("10.0.0.2", "garbage") == "10.0.0.2"


def test_two_proxy_hops(settings):
    settings.WUYE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.WUYE_TRUSTED_PROXY_HOPS = 2
    # CDN edge (10.1.1.1) → load balancer (10.0.0.2) → app: the client is two hops back.
    assert ip("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.1.1.1") == "203.0.113.9"


def test_a_malformed_proxy_setting_fails_loudly(settings):
    settings.WUYE_TRUSTED_PROXIES = ["not-an-address"]
    with pytest.raises(ImproperlyConfigured):
        ip("10.0.0.2", "1.2.3.4")


def sms_code(client: Client, phone: str, forwarded: str):
    return client.post("/complaints/sms-code/", {"phone": phone}, HTTP_HX_REQUEST="true",
                       HTTP_X_FORWARDED_FOR=forwarded)


def test_rotating_forwarded_headers_from_an_untrusted_peer_hit_the_same_limit(db, settings):
    """Unlimited SMS codes (SMS bombing at the city's expense) by rotating X-Forwarded-For: refused."""
    settings.WUYE_TRUSTED_PROXIES = []
    settings.WUYE_COMPLAINT_RATE_SMS_IP_HOUR = 3
    client = Client(REMOTE_ADDR="198.51.100.7")
    answers = [sms_code(client, f"1380000000{n}", f"203.0.113.{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    # Audit rows record the socket address, not the spoofed one.
    ips = set(AuditLog.objects.filter(action=AuditAction.CREATE, object_type="notifications.smscode")
              .values_list("ip", flat=True))
    assert ips == {"198.51.100.7"}


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(db, settings):
    settings.WUYE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.WUYE_COMPLAINT_RATE_SMS_IP_HOUR = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    assert sms_code(proxy, "13800000001", "203.0.113.1").status_code == 200
    assert sms_code(proxy, "13800000002", "203.0.113.1").status_code == 429
    assert sms_code(proxy, "13800000003", "203.0.113.2").status_code == 200
    ips = set(AuditLog.objects.filter(action=AuditAction.CREATE, object_type="notifications.smscode")
              .values_list("ip", flat=True))
    assert ips == {"203.0.113.1", "203.0.113.2"}
