"""The index handle: the one owner of which index file is open, and when a rebuilt one is picked up.

Every question runs on a snapshot (a reader and what is derived from it) that it holds until it is
done. A rebuilt file is opened by the next snapshot; the replaced reader is closed only when the last
question holding it has finished. Closing a shared SQLite connection while another thread still read
postings through it crashed the bot (SIGSEGV), so nothing else may close a reader.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from .analysis import Analyzer, get_analyzer
from .crosslingual import Translator
from .store import IndexFileError, IndexMeta, IndexReader, file_identity

log = logging.getLogger(__name__)


@dataclass(eq=False)
class IndexSnapshot:
    """One open index file with its analyzer and translator; `build_id` says which build it is."""

    reader: IndexReader
    analyzer: Analyzer
    translator: Translator
    users: int = 0  # questions holding this snapshot now (guarded by the handle's lock)
    retired: bool = field(default=False)  # a newer build replaced it: close when the last user leaves

    @classmethod
    def open(cls, path: Path, translator_options: Mapping[str, Any] | None = None) -> "IndexSnapshot":
        """`translator_options`: Translator's switches, for the ablations in benchmarks/ (None: the product's)."""
        reader = IndexReader(path)
        analyzer = get_analyzer(reader.meta.analyzer_spec)
        return cls(reader, analyzer, Translator(analyzer, reader.has_term, **(translator_options or {})))

    @property
    def meta(self) -> IndexMeta:
        return self.reader.meta

    @property
    def build_id(self) -> str:
        return self.reader.meta.build_id


class IndexHandle:
    """Opens the index at `path`, hands out snapshots, and swaps in a rebuilt file between questions."""

    def __init__(self, path: Path | str, translator_options: Mapping[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.translator_options = translator_options
        self._lock = threading.Lock()  # guards _current and every snapshot's users/retired
        self._opening = threading.Lock()  # one thread opens a replacement; the others keep serving
        self._rejected: tuple[int, int, int] | None = None  # a replacement that failed to open
        self._current = IndexSnapshot.open(self.path, translator_options)
        self._closed = False

    @property
    def current(self) -> IndexSnapshot:
        """The snapshot new questions get. Its values (meta, build id) may be read freely; reading the
        index through it needs `snapshot()`, which keeps it open."""
        return self._current

    @contextmanager
    def snapshot(self) -> Iterator[IndexSnapshot]:
        """The current index, refreshed first if the file was rebuilt, kept open until the block ends."""
        self.refresh()
        with self._lock:
            snapshot = self._current
            snapshot.users += 1
        try:
            yield snapshot
        finally:
            self._release(snapshot)

    def _release(self, snapshot: IndexSnapshot) -> None:
        with self._lock:
            snapshot.users -= 1
            close = snapshot.retired and snapshot.users == 0
        if close:
            _close_in_background(snapshot.reader)

    def refresh(self) -> bool:
        """Switch to a rebuilt index file if there is one. A replacement that cannot be opened is logged
        once and the current index keeps serving. True if a new build was picked up."""
        if self._current.reader.is_current() or self._closed:
            return False
        if not self._opening.acquire(blocking=False):
            return False  # another thread is opening it; this question uses the current snapshot
        try:
            if self._current.reader.is_current():
                return False
            try:
                identity = file_identity(self.path)
            except OSError:
                return False  # between a delete and a rename: keep serving
            if identity == self._rejected:
                return False
            try:
                fresh = IndexSnapshot.open(self.path, self.translator_options)
            except IndexFileError as error:
                log.error("keeping the current index: %s", error)
                self._rejected = identity
                return False
            with self._lock:
                old, self._current = self._current, fresh
                old.retired = True
                close_old = old.users == 0
            if close_old:
                _close_in_background(old.reader)
            log.info("index %s: now serving build %s", self.path, fresh.build_id)
            return True
        finally:
            self._opening.release()

    def close(self) -> None:
        """Close the current index (when the program ends); snapshots still held close on release."""
        with self._lock:
            self._closed = True
            current = self._current
            current.retired = True
            close = current.users == 0
        if close:
            current.reader.close()


def _close_in_background(reader: IndexReader) -> None:
    """Close a replaced reader off the question's thread: the file was renamed over, so its last close frees
    the old file's blocks (~0.2 s for a 1 GB index at 1M paragraphs), which the question that picked up the
    new build would otherwise wait for (benchmarks/incremental.py)."""
    threading.Thread(target=reader.close, name="close-replaced-index", daemon=True).start()
