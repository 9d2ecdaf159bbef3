"""Downloading pages politely and safely: the only module that talks to the web.

Only http(s). Every address a request would reach — the first and each redirect's, ≤ 5 — is resolved and
refused when it is not a public one (private, loopback, link-local…) unless private addresses are allowed
(ALLOW_PRIVATE_URLS=1: tests, an intranet). robots.txt is honoured per host (unreachable robots.txt: nothing
fetched there; none: everything), requests to one host are paced, bodies stop at 5 MB, pages must say they are
HTML, and nothing in a page runs (no scripts, no rendering).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

USER_AGENT = "PolicyNewsBot/0.1 (a Telegram bot that answers questions with cited news excerpts)"
ROBOTS_AGENT = "PolicyNewsBot"
MAX_REDIRECTS = 5
MAX_PAGE_BYTES = 5 * 2**20
MAX_ROBOTS_BYTES = 512 * 2**10
TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # per connect and per read
MAX_DOWNLOAD_SECONDS = 30.0  # a whole response: a server dripping a byte every few seconds is cut off too
DEFAULT_PACE_SECONDS = 1.0  # between two requests to one host
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "text/plain",
)


class FetchError(Exception):
    """Why a URL was not fetched, in a few words for the one-line report (`skipped URL: reason`)."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    etag: str = ""
    last_modified: str = ""


class Fetcher:
    def __init__(
        self,
        *,
        allow_private: bool = False,
        pace_seconds: float = DEFAULT_PACE_SECONDS,
        timeout: httpx.Timeout = TIMEOUT,
        max_bytes: int = MAX_PAGE_BYTES,
    ) -> None:
        self.allow_private = allow_private
        self.pace_seconds = pace_seconds
        self.max_bytes = max_bytes
        self._client = httpx.Client(
            follow_redirects=False, timeout=timeout, headers={"User-Agent": USER_AGENT}, trust_env=False
        )
        self._robots: dict[str, RobotFileParser] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def page(self, url: str) -> FetchedPage:
        """An HTML page (raises FetchError saying why not)."""
        return self.get(url, HTML_TYPES)

    def get(self, url: str, content_types: tuple[str, ...], *, etag: str = "", last_modified: str = "") -> FetchedPage:
        """A document of one of `content_types`, following ≤ 5 redirects, each checked as the first URL is.
        With `etag`/`last_modified` a 304 comes back as a page with status 304 and no body."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(MAX_REDIRECTS + 1):
            self._check_url(url)
            self._check_robots(url)
            response = self._request(url, headers, self.max_bytes)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {response.status} without a Location")
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return FetchedPage(url, 304, "", b"", etag, last_modified)
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_types and content_type not in content_types:
                raise FetchError(f"not a page of the expected kind ({content_type or 'no content type'})")
            return FetchedPage(
                url,
                200,
                content_type,
                response.body,
                response.headers.get("etag", ""),
                response.headers.get("last-modified", ""),
            )
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"only http and https links are fetched, not {parts.scheme or 'this'}")
        if not parts.hostname:
            raise FetchError("no host in the link")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError("a bad port in the link") from None
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)}
        except (socket.gaierror, UnicodeError):
            raise FetchError(f"unknown host {parts.hostname}") from None
        if self.allow_private:
            return
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global:
                raise FetchError(f"refused address: {parts.hostname} is {address}, a private or local address")

    def _request(self, url: str, headers: dict[str, str], limit: int) -> _Response:
        self._pace(urlsplit(url).netloc.lower())
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(f"too big ({int(declared) / 2**20:.1f} MB; the limit is {limit / 2**20:.0f} MB)")
                body = bytearray()
                deadline = time.monotonic() + MAX_DOWNLOAD_SECONDS
                if response.status_code == 200:
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > limit:
                            raise FetchError(f"too big (over {limit / 2**20:.0f} MB)")
                        if time.monotonic() > deadline:
                            raise FetchError("timed out")
                return _Response(response.status_code, httpx.Headers(response.headers), bytes(body))
        except httpx.TimeoutException:
            raise FetchError("timed out") from None
        except httpx.HTTPError as error:
            raise FetchError(f"cannot connect ({type(error).__name__})") from None

    def _pace(self, host: str) -> None:
        with self._lock:
            wait = self._last_request.get(host, -1e9) + self.pace_seconds - time.monotonic()
            self._last_request[host] = time.monotonic() + max(wait, 0.0)
        if wait > 0:
            time.sleep(wait)

    def _check_robots(self, url: str) -> None:
        """RFC 9309: a robots.txt that is missing (4xx) allows everything; one the site fails to serve (5xx) allows
        nothing; a host that cannot be reached is reported as such."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(origin)
        if robots is None:
            response = self._request(f"{origin}/robots.txt", {}, MAX_ROBOTS_BYTES)
            robots = RobotFileParser()
            if response.status == 200:
                robots.parse(response.body.decode("utf-8", "replace").splitlines())
            elif response.status >= 500:
                raise FetchError(f"the site's robots.txt answers HTTP {response.status}: nothing is fetched there")
            else:
                robots.parse([])  # none (or moved): everything allowed
            self._robots[origin] = robots
        if not robots.can_fetch(ROBOTS_AGENT, url):
            raise FetchError("robots.txt disallows it")


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    headers: httpx.Headers
    body: bytes
