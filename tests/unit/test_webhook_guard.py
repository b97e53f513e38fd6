"""The SSRF guard for webhook URLs (shared/domain/webhooks.py, shared/adapters/url_guard.py), over a DNS table."""

from __future__ import annotations

import socket

import pytest

from shared.adapters.url_guard import ResolvingUrlGuard
from shared.domain import errors, webhooks
from tests.unit.webhook_fakes import fake_dns

DNS = {
    "hooks.example.com": ["93.184.215.14"],
    "dual.example.com": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14"],
    "internal.example.com": ["10.1.2.3"],
    "sneaky.example.com": ["93.184.215.14", "192.168.0.7"],  # one bad address refuses the whole URL
    "metadata.example.com": ["169.254.169.254"],
    "localhost": ["127.0.0.1", "::1"],
}


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns(DNS))


REFUSED_IN_PRODUCTION = [
    "https://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254/computeMetadata/v1/",
    "https://10.0.0.1/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.1/hook",
    "https://[::1]/hook",
    "https://127.0.0.1/hook",
    "https://127.8.9.10:8443/hook",
    "https://2130706433/hook",  # 127.0.0.1 written as one number
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",  # shared address space (carrier-grade NAT)
    "https://224.0.0.1/hook",
    "https://240.0.0.1/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:a9fe:a9fe]/hook",  # 169.254.169.254, IPv4-mapped
    "https://[2002:a00:1::]/hook",  # 6to4 around 10.0.0.1
    "https://internal.example.com/hook",
    "https://sneaky.example.com/hook",
    "https://metadata.example.com/hook",
    "https://localhost:8080/hook",
    "http://hooks.example.com/hook",  # http in production
    "file:///etc/passwd",
    "gopher://hooks.example.com:70/_GET",
    "ftp://hooks.example.com/hook",
    "data:text/plain,hello",
    "javascript:alert(1)",
    "https://user:pass@hooks.example.com/hook",
    "https://user@hooks.example.com/hook",
    "https://hooks.example.com\\@127.0.0.1/hook",
    "https://hooks.example.com:0/hook",
    "https://hooks.example.com:99999/hook",
    "https:///hook",
    "https://hooks.example.com/a b",
    "not a url",
]


@pytest.mark.parametrize("url", REFUSED_IN_PRODUCTION)
def test_production_refuses(url):
    with pytest.raises(errors.InvalidArgument) as refused:
        ResolvingUrlGuard("production").vet(url)
    assert refused.value.field == "webhookUrl"
    assert not isinstance(refused.value, webhooks.UnresolvedHost), refused.value.message  # refused, not unlucky


def test_a_host_that_does_not_resolve_is_refused_as_unresolved():
    with pytest.raises(webhooks.UnresolvedHost) as refused:
        ResolvingUrlGuard("production").vet("https://nowhere.example.com/hook")
    assert refused.value.field == "webhookUrl"


def test_production_takes_https_to_a_public_host_and_keeps_its_addresses():
    target = ResolvingUrlGuard("production").vet("https://hooks.example.com/cineweave?team=7#ignored")
    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 443)
    assert target.path == "/cineweave?team=7"
    assert target.addresses == ("93.184.215.14",)
    assert target.host_header == "hooks.example.com"


def test_ipv4_addresses_are_tried_first():
    target = ResolvingUrlGuard("production").vet("https://dual.example.com:8443/")
    assert target.addresses[0] == "93.184.215.14"
    assert target.host_header == "dual.example.com:8443"


def test_production_takes_a_public_ip_literal():
    assert ResolvingUrlGuard("production").vet("https://93.184.215.14/hook").addresses == ("93.184.215.14",)


@pytest.mark.parametrize("env", ["local", "test"])
@pytest.mark.parametrize("url", ["http://127.0.0.1:8123/hook", "http://localhost:8123/hook", "http://[::1]:9/x"])
def test_the_local_stack_takes_loopback_receivers(env, url):
    target = ResolvingUrlGuard(env).vet(url)
    assert target.scheme == "http" and target.addresses


@pytest.mark.parametrize("env", ["local", "test"])
@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://internal.example.com/hook",
        "http://0.0.0.0:8080/hook",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "http://user:pass@127.0.0.1:8123/hook",
    ],
)
def test_the_local_stack_still_refuses_private_ranges_and_other_schemes(env, url):
    with pytest.raises(errors.InvalidArgument) as refused:
        ResolvingUrlGuard(env).vet(url)
    assert not isinstance(refused.value, webhooks.UnresolvedHost), refused.value.message


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("10.0.0.1", "private"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:10.0.0.1", "private"),
        ("fe80::1%eth0", "link-local"),
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_problems(address, problem):
    assert webhooks.address_problem(address, allow_loopback=False) == problem
