"""News feeds polled for new articles: RSS 2.0, Atom, RSS 1.0 (RDF) and sitemaps, listed one URL a line in a feeds
file (`#` comments). Each poll asks with the feed's last ETag/Last-Modified (a 304 costs nothing), reads the
entries, and fetches only those whose id it has not seen (index/fetch.py): an entry seen once is never fetched
again, whatever became of it, so a feed that repeats old entries adds nothing. Per feed the state — last check,
last success, last error, counts — is kept beside the index and shown to admins.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from lxml import etree

from .fetch import ArticleFetcher, FetchOutcome, article_fetcher, registry_path_beside
from .settings import IndexSettings
from .web import FEED_TYPES, FetchError

MAX_ENTRIES_PER_POLL = 100  # a first poll of a big sitemap fetches at most this many pages
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    entry_id: str
    url: str


class FeedError(Exception):
    """Why a feed could not be read (one line)."""


def read_feeds_file(path: Path) -> list[str]:
    """The feed URLs of a feeds file, in order, without repeats. Raises OSError if it cannot be read."""
    urls = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and line not in urls:
            urls.append(line)
    return urls


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_feed(body: bytes) -> list[FeedEntry]:
    """The entries of an RSS, Atom, RDF feed or sitemap, in document order. Raises FeedError for malformed XML,
    a sitemap index, or XML that is none of these."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise FeedError(f"malformed XML ({str(error).splitlines()[0]})") from None
    kind = _local(root.tag)
    entries: list[FeedEntry] = []
    if kind == "sitemapindex":
        raise FeedError("a sitemap index: list the sitemaps it names in the feeds file instead")
    if kind == "urlset":
        for url in root:
            loc = next((c.text for c in url if _local(c.tag) == "loc" and c.text), None)
            if loc:
                entries.append(FeedEntry(loc.strip(), loc.strip()))
    elif kind in ("rss", "rdf"):
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            values = {_local(c.tag): (c.text or "").strip() for c in item}
            link = values.get("link", "")
            if link:
                entries.append(FeedEntry(values.get("guid") or link, link))
    elif kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            links = [c for c in entry if _local(c.tag) == "link"]
            chosen = next((c for c in links if c.get("rel", "alternate") == "alternate"), None)
            link = (chosen.get("href") or "").strip() if chosen is not None else ""
            entry_id = next((c.text.strip() for c in entry if _local(c.tag) == "id" and c.text), "")
            if link:
                entries.append(FeedEntry(entry_id or link, link))
    else:
        raise FeedError(f"not a feed or sitemap (<{kind}>)")
    return entries


@dataclass
class FeedState:
    url: str
    last_checked: float = 0.0
    last_success: float = 0.0
    last_error: str = ""
    etag: str = ""
    last_modified: str = ""
    entries_seen: int = 0
    added: int = 0
    duplicates: int = 0
    skipped: int = 0


@dataclass
class FeedReport:
    """One poll of one feed: the outcomes of its new entries, or why the feed could not be read."""

    url: str
    new_entries: int = 0
    outcomes: list[FetchOutcome] = field(default_factory=list)
    error: str = ""
    not_modified: bool = False

    def line(self) -> str:
        if self.error:
            return f"feed {self.url}: {self.error}"
        if self.not_modified:
            return f"feed {self.url}: not modified"
        added = sum(o.added for o in self.outcomes)
        duplicates = sum(bool(o.duplicate_of) for o in self.outcomes)
        skipped = sum(o.failed for o in self.outcomes)
        return (
            f"feed {self.url}: {self.new_entries} new entries, {added} added, {duplicates} duplicates, "
            f"{skipped} skipped"
        )


class FeedStore:
    """Feed state and the entry ids seen, in the registry file beside the index."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, last_checked REAL, last_success REAL, "
            "last_error TEXT, etag TEXT, last_modified TEXT, entries_seen INTEGER, added INTEGER, "
            "duplicates INTEGER, skipped INTEGER);"
            "CREATE TABLE IF NOT EXISTS feed_entries (feed_url TEXT, entry_id TEXT, PRIMARY KEY (feed_url, entry_id))"
        )
        self.db.commit()

    def state(self, url: str) -> FeedState:
        with self._lock:
            row = self.db.execute(
                "SELECT url, last_checked, last_success, last_error, etag, last_modified, entries_seen, added, "
                "duplicates, skipped FROM feeds WHERE url = ?",
                (url,),
            ).fetchone()
        return FeedState(*row) if row else FeedState(url)

    def states(self, urls: list[str]) -> list[FeedState]:
        return [self.state(url) for url in urls]

    def save(self, state: FeedState) -> None:
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO feeds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    state.url,
                    state.last_checked,
                    state.last_success,
                    state.last_error,
                    state.etag,
                    state.last_modified,
                    state.entries_seen,
                    state.added,
                    state.duplicates,
                    state.skipped,
                ),
            )
            self.db.commit()

    def unseen(self, url: str, entries: list[FeedEntry]) -> list[FeedEntry]:
        with self._lock:
            seen = {row[0] for row in self.db.execute("SELECT entry_id FROM feed_entries WHERE feed_url = ?", (url,))}
        fresh: dict[str, FeedEntry] = {}
        for entry in entries:
            if entry.entry_id not in seen and entry.entry_id not in fresh:
                fresh[entry.entry_id] = entry
        return list(fresh.values())

    def remember(self, url: str, entry_ids: list[str]) -> None:
        with self._lock:
            self.db.executemany("INSERT OR IGNORE INTO feed_entries VALUES (?, ?)", [(url, e) for e in entry_ids])
            self.db.commit()

    def close(self) -> None:
        self.db.close()


def poll_feed(url: str, articles: ArticleFetcher, store: FeedStore, clock=time.time) -> FeedReport:  # type: ignore[no-untyped-def]
    state = store.state(url)
    state.last_checked = clock()
    report = FeedReport(url)
    try:
        page = articles.fetcher.get(url, FEED_TYPES, etag=state.etag, last_modified=state.last_modified)
        if page.status == 304:
            report.not_modified = True
        else:
            entries = parse_feed(page.body)
            state.etag, state.last_modified = page.etag, page.last_modified
            new = store.unseen(url, entries)[:MAX_ENTRIES_PER_POLL]
            report.new_entries = len(new)
            for entry in new:
                outcome = articles.fetch(entry.url)
                report.outcomes.append(outcome)
                store.remember(url, [entry.entry_id])  # one at a time: an interrupted poll resumes where it was
        state.last_success, state.last_error = clock(), ""
    except (FetchError, FeedError) as error:
        report.error = str(error)
        state.last_error = report.error
    state.entries_seen += report.new_entries
    state.added += sum(o.added for o in report.outcomes)
    state.duplicates += sum(bool(o.duplicate_of) for o in report.outcomes)
    state.skipped += sum(o.failed for o in report.outcomes)
    store.save(state)
    return report


def feed_store_beside(index_db: Path) -> FeedStore:
    return FeedStore(registry_path_beside(Path(index_db)))


def poll_all_feeds(settings: IndexSettings, feeds: list[str], db_path: Path, corpus_dir: Path) -> Iterator[FeedReport]:
    """Poll each feed in turn into one index and corpus folder, a report per feed as it is done (the command
    line prints them as they come; the bot's job collects them)."""
    with article_fetcher(settings, db_path, corpus_dir) as articles:
        store = feed_store_beside(db_path)
        try:
            for url in feeds:
                yield poll_feed(url, articles, store)
        finally:
            store.close()
