"""Articles from links: download (index/web.py), extract (index/webpage.py), save into the corpus as a normal
article file, add to the index without a rebuild (index/update.py) — unless the story is already held.

A story is already held when its canonical URL is (before any download, then the page's own canonical link), or
when its text is a near-copy of an article's (MinHash resemblance of word 3-shingles ≥ NEAR_DUPLICATE_RESEMBLANCE:
syndicated copies on other outlets). What is held is read from the index itself; a small registry beside it
(`<index>.sources.db`) keeps each article's canonical URL and MinHash so they are not recomputed, and is brought in
line with the index on every run (articles added from files or removed are noticed).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import numpy as np

from .reader import IndexReader
from .schema import BuildError
from .settings import IndexSettings
from .update import add_documents
from .web import Fetcher, FetchError
from .webpage import WebArticle, article_doc_id, article_file_text, canonical_url, extract_article, minhash

# How much of its text a copy shares with the story it copies (benchmarks/near_duplicates.py: syndication-style
# copies — another dateline, a credit line for the last paragraph, a paragraph dropped, both — resemble their
# story by 0.39 at least; distinct texts, even passages of one Wikipedia article, by 0.023 at most).
NEAR_DUPLICATE_RESEMBLANCE = 0.35


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """What became of one URL: added (doc_id, paragraphs, article), a duplicate (duplicate_of), or skipped (reason)."""

    url: str
    doc_id: str = ""
    paragraphs: int = 0
    article: WebArticle | None = None
    duplicate_of: str = ""
    reason: str = ""

    @property
    def added(self) -> bool:
        return bool(self.doc_id)

    @property
    def failed(self) -> bool:
        """Skipped for a reason other than being a duplicate (the CLI then exits 1)."""
        return not self.added and not self.duplicate_of

    def line(self) -> str:
        """The CLI's one line (an exact contract)."""
        if self.added:
            return f"added {self.doc_id} ({self.paragraphs} paragraphs): {self.article.title if self.article else ''}"
        if self.duplicate_of:
            return f"skipped {self.url}: duplicate of {self.duplicate_of}"
        return f"skipped {self.url}: {self.reason}"


def registry_path_beside(index_db: Path) -> Path:
    return index_db.with_name(f"{index_db.name}.sources.db")


class ArticleRegistry:
    """Canonical URL and MinHash of every article the index holds, in a SQLite file beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS articles (doc_id TEXT PRIMARY KEY, canonical_url TEXT, minhash BLOB NOT NULL)"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS articles_url ON articles (canonical_url)")
        self.db.execute("CREATE TABLE IF NOT EXISTS registry_meta (key TEXT PRIMARY KEY, value TEXT)")
        self.db.commit()

    def sync(self, reader: IndexReader) -> None:
        """Record the articles the index holds and forget those it no longer does — once per index build (the
        build id read last is kept), so fetching link after link does not read every article each time."""
        if self.synced_build() == reader.meta.build_id:
            return
        held = {row[0]: row[1] for row in reader.db.execute("SELECT doc_id, url FROM documents")}
        with self._lock:
            known = {row[0] for row in self.db.execute("SELECT doc_id FROM articles")}
            gone = known - held.keys()
            self.db.executemany("DELETE FROM articles WHERE doc_id = ?", [(d,) for d in gone])
            missing = [doc_id for doc_id in held if doc_id not in known]
            rows = [
                (doc_id, canonical_url(url) if url else None, minhash(text).tobytes())
                for doc_id, url, text in reader.document_texts(missing)
            ]
            self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)", rows)
            self.db.commit()
        self.mark_synced(reader.meta.build_id)

    def synced_build(self) -> str:
        with self._lock:
            row = self.db.execute("SELECT value FROM registry_meta WHERE key = 'synced_build'").fetchone()
        return row[0] if row else ""

    def mark_synced(self, build_id: str) -> None:
        """The registry matches the index of this build (after a sync, or after recording the one article an
        add put into the previous one)."""
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO registry_meta VALUES ('synced_build', ?)", (build_id,))
            self.db.commit()

    def record(self, doc_id: str, url: str, text: str) -> None:
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                (doc_id, canonical_url(url), minhash(text).tobytes()),
            )
            self.db.commit()

    def holding_url(self, url: str) -> str | None:
        with self._lock:
            row = self.db.execute(
                "SELECT doc_id FROM articles WHERE canonical_url = ?", (canonical_url(url),)
            ).fetchone()
        return row[0] if row else None

    def near_copy_of(self, text: str, threshold: float = NEAR_DUPLICATE_RESEMBLANCE) -> str | None:
        """The held article this text is a near-copy of, if any (the most resembling)."""
        with self._lock:
            rows = self.db.execute("SELECT doc_id, minhash FROM articles").fetchall()
        if not rows:
            return None
        signatures = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.uint32).reshape(len(rows), -1)
        shared = (signatures == minhash(text)[None, :]).mean(axis=1)
        best = int(shared.argmax())
        return rows[best][0] if shared[best] >= threshold else None

    def close(self) -> None:
        self.db.close()


@contextmanager
def article_fetcher(settings: IndexSettings, db_path: Path, corpus_dir: Path) -> Iterator[ArticleFetcher]:
    """An ArticleFetcher for one index and corpus folder with a Fetcher as the settings say (private addresses,
    pace), both closed after."""
    with Fetcher(allow_private=settings.allow_private_urls, pace_seconds=settings.fetch_pace_seconds) as web:
        articles = ArticleFetcher(db_path, corpus_dir, web)
        try:
            yield articles
        finally:
            articles.close()


class ArticleFetcher:
    """Fetches links into one corpus folder and index. Not thread-safe: one fetch run at a time per index (the bot
    runs them one after another)."""

    def __init__(self, db_path: Path, corpus_dir: Path, fetcher: Fetcher) -> None:
        self.db_path = Path(db_path)
        self.corpus_dir = Path(corpus_dir)
        self.fetcher = fetcher
        IndexReader(self.db_path).close()  # an index is there (else IndexFileError says what to do)
        self.registry = ArticleRegistry(registry_path_beside(self.db_path))

    def close(self) -> None:
        self.registry.close()

    def fetch(self, url: str) -> FetchOutcome:
        url = url.strip()
        reader = IndexReader(self.db_path)  # raises IndexFileError (with advice) when there is no index
        try:
            self.registry.sync(reader)
        finally:
            reader.close()
        if held := self.registry.holding_url(url):
            return FetchOutcome(url, duplicate_of=held)
        try:
            page = self.fetcher.page(url)
        except FetchError as error:
            return FetchOutcome(url, reason=str(error))
        article = extract_article(page.body, page.url)
        if article is None:
            return FetchOutcome(url, reason="no article text on the page")
        if held := self.registry.holding_url(article.url) or self.registry.holding_url(page.url):
            return FetchOutcome(url, duplicate_of=held)
        if held := self.registry.near_copy_of("\n".join(article.paragraphs)):
            return FetchOutcome(url, duplicate_of=held)
        return self._save_and_add(url, article)

    def _index_holds(self, doc_id: str) -> bool:
        reader = IndexReader(self.db_path)
        try:
            return reader.db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None
        finally:
            reader.close()

    def _save_and_add(self, url: str, article: WebArticle) -> FetchOutcome:
        doc_id = article_doc_id(article)
        self.corpus_dir.mkdir(parents=True, exist_ok=True)
        path = (self.corpus_dir / f"{doc_id}.md").resolve()
        if path.parent != self.corpus_dir.resolve():  # the id is a slug; this only guards the guarantee
            return FetchOutcome(url, reason="refused file name")
        if path.exists():
            return FetchOutcome(url, duplicate_of=doc_id)
        temporary = path.with_name(f".{path.name}.part-{os.getpid()}")
        temporary.write_text(article_file_text(article, datetime.now(timezone.utc)), encoding="utf-8")
        os.replace(temporary, path)
        try:
            report = add_documents([path], self.db_path)
        except BuildError as error:
            if self._index_holds(doc_id):  # a rebuild of the corpus took the saved file in first: it is held
                return FetchOutcome(url, duplicate_of=doc_id)
            path.unlink(missing_ok=True)
            reason = error.problems[0].reason if error.problems else error.summary
            return FetchOutcome(url, reason=f"not added: {reason}")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        previous_build = self.registry.synced_build()
        self.registry.record(doc_id, article.url, "\n".join(article.paragraphs))
        # in step with the new build if nothing else changed the index since the last sync (the article just
        # recorded is then its only change); otherwise the next fetch syncs in full
        if previous_build and report.previous_build_id == previous_build:
            self.registry.mark_synced(report.build_id)
        return FetchOutcome(url, doc_id=doc_id, paragraphs=report.paragraphs, article=article)
