"""The one HTTP client for fetching URLs that come from tenants (oEmbed, link previews, ...).

A URL an editor types must never make the server talk to itself, to the private network it runs
in, or to a cloud metadata service (server-side request forgery). `fetch()`:

- accepts only http and https, on ports 80 and 443 (`SAFE_HTTP_ALLOWED_PORTS` to allow more);
- resolves the host once and refuses it if *any* address is not a public unicast address:
  private, loopback, link-local (169.254.0.0/16, including the 169.254.169.254 metadata
  service), shared (100.64.0.0/10), multicast, reserved, unspecified, IPv6 unique-local,
  loopback and link-local, and IPv4 addresses hidden in IPv6 forms (IPv4-mapped, 6to4, Teredo,
  NAT64);
- connects to the address it vetted (the connection is pinned to it: no second DNS lookup that
  could answer differently), sending the real host name for `Host` and TLS (SNI and certificate);
- follows redirects itself, vetting every hop again (at most `max_redirects`);
- gives up after `timeout` seconds per step and `deadline` seconds in all, and refuses bodies
  larger than `max_bytes`.

Tests may exempt networks with `SAFE_HTTP_ALLOWED_NETWORKS` (e.g. ["127.0.0.1/32"] to talk to
a local test server); production leaves it empty.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "PortalFetcher/1.0"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class SafeHttpError(Exception):
    """The fetch failed (network error, timeout, bad answer)."""


class UnsafeURLError(SafeHttpError):
    """The URL was refused by policy before any connection was made to it."""


class ResponseTooLargeError(SafeHttpError):
    """The body is larger than the caller allowed."""


@dataclass
class SafeResponse:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.content)


def _allowed_ports() -> set[int]:
    return {int(port) for port in getattr(settings, "SAFE_HTTP_ALLOWED_PORTS", (80, 443))}


def _exempt_networks() -> list:
    return [
        ipaddress.ip_network(network, strict=False)
        for network in getattr(settings, "SAFE_HTTP_ALLOWED_NETWORKS", ())
    ]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """Whether `ip` is a public unicast address a server may be asked to connect to."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(embedded):
            return False
        if ip.scope_id:
            return False
    refused = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    if isinstance(ip, ipaddress.IPv6Address):
        refused = refused or ip.is_site_local
    return not refused and ip.is_global


def _address_allowed(ip: IPAddress) -> bool:
    if any(ip in network for network in _exempt_networks() if network.version == ip.version):
        return True
    return is_public_address(ip)


@dataclass(frozen=True)
class VettedURL:
    url: str
    scheme: str
    host: str
    port: int
    ip: str  # the address the connection is pinned to
    target: str  # path and query, as sent in the request line


def vet_url(url: str) -> VettedURL:
    """Check `url` against the policy and resolve its host; raise UnsafeURLError if refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"Not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeURLError(f"Scheme {scheme or '(none)'!r} is not allowed.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURLError("Credentials in URLs are not allowed.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURLError("The URL has no host.")
    port = port or DEFAULT_PORTS[scheme]
    if port not in _allowed_ports():
        raise UnsafeURLError(f"Port {port} is not allowed.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise SafeHttpError(f"Cannot resolve {host!r}: {exc}") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not _address_allowed(ip):
            # one bad answer is enough: a name that resolves to a private address is refused
            raise UnsafeURLError(f"{host!r} resolves to a non-public address ({ip}).")
        addresses.append(ip)
    if not addresses:
        raise SafeHttpError(f"Cannot resolve {host!r}.")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return VettedURL(
        url=url, scheme=scheme, host=host, port=port, ip=str(addresses[0]), target=target
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._pinned_ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._pinned_ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, ip: str, timeout: float):
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._pinned_ip = ip

    def connect(self):
        sock = socket.create_connection((self._pinned_ip, self.port), self.timeout)
        # certificate and SNI are checked against the host name, not the pinned address
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise SafeHttpError("The response took too long.")
    return left


def _read_body(response, sock, *, max_bytes: int, timeout: float, deadline: float) -> bytes:
    """The body, read one socket receive at a time (`read1`), each bounded by what is left of
    the deadline: a server that trickles a byte at a time cannot hold the caller past it."""
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise ResponseTooLargeError(f"The response is larger than {max_bytes} bytes.")
    chunks: list[bytes] = []
    total = 0
    # The connection hands its socket to the response when the server closes after answering.
    sock = sock or getattr(getattr(response.fp, "raw", None), "_sock", None)
    while True:
        left = _remaining(deadline)
        if sock is not None:
            sock.settimeout(min(timeout, left))
        chunk = response.read1(min(65536, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise ResponseTooLargeError(f"The response is larger than {max_bytes} bytes.")
    return b"".join(chunks)


def fetch(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
    deadline: float = 15.0,
    max_bytes: int = 1024 * 1024,
    max_redirects: int = 3,
) -> SafeResponse:
    """GET `url` under the policy in this module's docstring.

    Raises UnsafeURLError when a URL (the first or any redirect) is refused, and SafeHttpError
    (or ResponseTooLargeError) when the fetch fails. Non-2xx answers are returned, not raised.
    """
    ends_at = time.monotonic() + deadline
    base_headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"}
    request_headers = {**base_headers, **(headers or {})}
    current = url
    first_host = None
    for _hop in range(max_redirects + 1):
        left = _remaining(ends_at)  # DNS, connecting and each redirect count against it too
        vetted = vet_url(current)
        if first_host is None:
            first_host = vetted.host
        elif vetted.host != first_host:
            request_headers = base_headers  # the caller's headers were meant for its host only
        connection_class = (
            _PinnedHTTPSConnection if vetted.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(
            vetted.host, vetted.port, ip=vetted.ip, timeout=min(timeout, left)
        )
        try:
            connection.request("GET", vetted.target, headers=request_headers)
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in REDIRECT_STATUSES and location:
                following = urljoin(current, location)
                if vetted.scheme == "https" and following.lower().startswith("http:"):
                    raise UnsafeURLError("A redirect from https to plain http is refused.")
                current = following
                continue
            content = _read_body(
                response, connection.sock, max_bytes=max_bytes, timeout=timeout, deadline=ends_at
            )
            return SafeResponse(
                url=current,
                status=response.status,
                headers={name.lower(): value for name, value in response.getheaders()},
                content=content,
            )
        except (OSError, http.client.HTTPException) as exc:
            raise SafeHttpError(f"Fetching {vetted.host!r} failed: {exc}") from None
        finally:
            connection.close()
    raise SafeHttpError(f"More than {max_redirects} redirects.")
