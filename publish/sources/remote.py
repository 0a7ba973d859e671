"""Fetching a remote image, when the user allows it: http(s) only, bounded, never inward.

A briefing's sources come from anywhere, so a URL in them must not make the
build read from the machine's own network (a cloud metadata service, a router,
a local admin page): every address a name resolves to, and every redirect, is
checked before a byte is requested.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
USER_AGENT = "publish (briefing book builder)"

Resolver = Callable[[str, int], list[str]]


class RemoteRefused(Exception):
    """The URL may not or could not be fetched; the message says why."""


def public_address(address: str) -> bool:
    """True for addresses on the public internet: not loopback, private, link-local or reserved."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise RemoteRefused(f"cannot resolve {host}: {exc.strerror}") from None
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class RemotePolicy:
    """How remote resources are fetched; the defaults are the safe ones."""

    max_bytes: int = 20 * 1024 * 1024
    timeout: float = TIMEOUT_SECONDS
    allowed: Callable[[str], bool] = public_address
    resolver: Resolver = field(default=_resolve)

    def fetch(self, url: str) -> tuple[bytes, str]:
        """The body and media type of ``url``, following at most a few checked redirects."""
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, body = self._request(url)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise RemoteRefused(f"redirect without a location from {url}")
                url = urljoin(url, location)
                continue
            if status != 200:
                raise RemoteRefused(f"HTTP {status} from {url}")
            return body, headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        raise RemoteRefused(f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteRefused(f"only http and https URLs are fetched: {url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = self.resolver(parts.hostname, port)
        refused = [a for a in addresses if not self.allowed(a)]
        if refused or not addresses:
            raise RemoteRefused(f"{parts.hostname} resolves to a non-public address ({', '.join(refused) or 'none'})")
        import http.client  # only a build that fetches images needs it

        # Connect to the address we checked, not to the name again, so that a
        # second DNS answer cannot point the request inward.
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname, port, timeout=self.timeout)
        connection.sock = socket.create_connection((addresses[0], port), timeout=self.timeout)
        if parts.scheme == "https":
            import ssl

            context = ssl.create_default_context()
            connection.sock = context.wrap_socket(connection.sock, server_hostname=parts.hostname)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Host": parts.netloc})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            declared = int(headers.get("content-length", "0") or 0)
            if declared > self.max_bytes:
                raise RemoteRefused(f"larger than {self.max_bytes} bytes: {url}")
            body = response.read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                raise RemoteRefused(f"larger than {self.max_bytes} bytes: {url}")
            return response.status, headers, body
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteRefused(f"cannot fetch {url}: {exc}") from None
        finally:
            connection.close()
