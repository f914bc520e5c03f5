"""The SSRF-safe HTTP client (cms.safe_http): only public addresses, only http(s) on allowed
ports, every redirect vetted again, the connection pinned to the vetted address, a size cap and
timeouts. A real HTTP server on 127.0.0.1 stands in for the outside world."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from cms import safe_http
from cms.safe_http import ResponseTooLargeError, SafeHttpError, UnsafeURLError, fetch
from tests.local_http import LocalHTTPServer, redirect, slow, text, trickle


@pytest.fixture
def server():
    server = LocalHTTPServer()
    server.routes["/ok"] = text("hello")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def allow_local(settings, server):
    """What a test needs to talk to its own server: its port and the one loopback address."""
    settings.SAFE_HTTP_ALLOWED_PORTS = [80, 443, server.port]
    settings.SAFE_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    return server


def test_local_server_is_refused_by_default(server, settings):
    with pytest.raises(UnsafeURLError, match="Port"):
        fetch(server.url("/ok"))
    settings.SAFE_HTTP_ALLOWED_PORTS = [80, 443, server.port]  # the port alone is not enough
    with pytest.raises(UnsafeURLError, match="non-public"):
        fetch(server.url("/ok"))
    with pytest.raises(UnsafeURLError, match="non-public"):
        fetch(f"http://localhost:{server.port}/ok")  # a name that resolves to loopback
    assert server.requests == []  # nothing ever reached the server


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[fd00:ec2::254]/latest/meta-data/",  # AWS metadata over IPv6 (ULA)
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.0.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fe80::1]/",  # link-local
        "http://[fc00::1]/",  # unique local
        "http://[ff02::1]/",  # multicast
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:a9fe:a9fe::1]/",  # 6to4 around 169.254.169.254
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 around 169.254.169.254
        "http://localhost/",
    ],
)
def test_non_public_addresses_are_refused(url):
    with pytest.raises(UnsafeURLError):
        fetch(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "//example.com/",
        "http:///nohost",
        "http://user:secret@example.com/",
        "http://example.com:8080/",
        "http://example.com:22/",
        "https://example.com:8443/",
        "http://example.com:99999/",
    ],
)
def test_bad_schemes_ports_and_forms_are_refused_before_any_lookup(url, monkeypatch):
    def no_dns(*args, **kwargs):
        raise AssertionError("the policy must refuse this before resolving anything")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(UnsafeURLError):
        fetch(url)


def test_public_addresses_pass_the_check():
    for address in ("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"):
        assert safe_http.is_public_address(ipaddress.ip_address(address)), address
    for address in ("169.254.169.254", "::ffff:10.0.0.1", "fe80::1", "192.0.2.1"):
        assert not safe_http.is_public_address(ipaddress.ip_address(address)), address


def test_fetch_when_allowed(allow_local):
    response = fetch(allow_local.url("/ok"))
    assert response.status == 200
    assert response.text == "hello"
    assert response.headers["content-type"] == "text/plain"


def test_redirect_to_a_private_address_is_refused(allow_local):
    allow_local.routes["/to-metadata"] = redirect("http://169.254.169.254/latest/meta-data/")
    allow_local.routes["/to-ipv6-loopback"] = redirect(f"http://[::1]:{allow_local.port}/ok")
    allow_local.routes["/to-other-loopback"] = redirect(f"http://127.0.0.2:{allow_local.port}/ok")
    allow_local.routes["/to-file"] = redirect("file:///etc/passwd")
    for path in ("/to-metadata", "/to-ipv6-loopback", "/to-other-loopback", "/to-file"):
        with pytest.raises(UnsafeURLError):
            fetch(allow_local.url(path))
    # the first hop was made each time; the second never was
    assert [r["path"] for r in allow_local.requests] == [
        "/to-metadata",
        "/to-ipv6-loopback",
        "/to-other-loopback",
        "/to-file",
    ]


def test_redirects_are_followed_up_to_a_limit(allow_local):
    allow_local.routes["/one"] = redirect("/two", status=301)
    allow_local.routes["/two"] = redirect(allow_local.url("/ok"), status=307)
    response = fetch(allow_local.url("/one"))
    assert response.text == "hello"
    assert response.url == allow_local.url("/ok")
    allow_local.routes["/loop"] = redirect("/loop")
    with pytest.raises(SafeHttpError, match="redirects"):
        fetch(allow_local.url("/loop"))
    assert sum(r["path"] == "/loop" for r in allow_local.requests) == 4  # first + 3 redirects


def test_size_cap(allow_local):
    allow_local.routes["/big"] = text("x" * 5000)

    def unannounced(server, handler):  # no Content-Length: the body ends when the socket closes
        return 200, {"Content-Length": ""}, b"y" * 5000

    allow_local.routes["/unannounced"] = unannounced
    assert len(fetch(allow_local.url("/big"), max_bytes=5000).content) == 5000
    with pytest.raises(ResponseTooLargeError):
        fetch(allow_local.url("/big"), max_bytes=1000)
    with pytest.raises(ResponseTooLargeError):
        fetch(allow_local.url("/unannounced"), max_bytes=1000)


def test_timeout(allow_local):
    allow_local.routes["/slow"] = slow(1.5)
    with pytest.raises(SafeHttpError):
        fetch(allow_local.url("/slow"), timeout=0.3)


def test_a_trickling_server_cannot_outlast_the_deadline(allow_local):
    """One byte every 0.3 s keeps each read inside the 1 s socket timeout; the whole fetch must
    still end at its 1.5 s deadline, not after the 6 s the server would take."""
    import time

    allow_local.routes["/trickle"] = trickle(20, 0.3)
    started = time.monotonic()
    with pytest.raises(SafeHttpError, match=r"too long|timed out"):
        fetch(allow_local.url("/trickle"), timeout=1.0, deadline=1.5)
    assert time.monotonic() - started < 2.5


def test_connection_is_pinned_to_the_vetted_address(allow_local, monkeypatch):
    """DNS rebinding: a name that answers a public (here: allowed) address first and the
    metadata address next. The client resolves once and connects to what it checked."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "169.254.169.254", "169.254.169.254"])
    calls = []

    def rebinding(host, port, *args, **kwargs):
        if host != "videos.example":
            return real(host, port, *args, **kwargs)
        calls.append(host)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    response = fetch(f"http://videos.example:{allow_local.port}/ok")
    assert response.text == "hello"
    assert calls == ["videos.example"]  # one lookup only
    assert allow_local.requests[-1]["host"] == f"videos.example:{allow_local.port}"


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    def mixed(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    with pytest.raises(UnsafeURLError):
        fetch("https://mixed.example/")
