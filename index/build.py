"""Building an index: one build per index file at a time (a lock beside it), written beside the target and renamed
over it only when complete, so a failed or killed build leaves the previous index serving; and `ensure_index`,
which builds only when the index is missing, unreadable, from another analyzer or older than the corpus."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator


from .analysis import AnalyzerSpec, get_analyzer
from .bm25 import BM25Params
from .sources import corpus_fingerprint
from .reader import IndexReader
from .schema import (
    INDEX_FILE_MODE,
    BuildReport,
    IndexFileError,
    IndexMissingError,
    IndexWriteError,
    NotAnIndexError,
    may_build_at,
)
from .units import default_workers
from .writer import write_index


def _building_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.building-{os.getpid()}")


def remove_stale_builds(db_path: Path) -> list[Path]:
    """Delete half-written index files left by a build whose process died (killed mid-reindex)."""
    removed = []
    for path in db_path.parent.glob(f".{db_path.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_index(
    sources: Iterable[Path],
    db_path: Path,
    *,
    params: BM25Params = BM25Params(),
    analyzer_spec: AnalyzerSpec = AnalyzerSpec(),
    on_document: Callable[[int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.time,
    workers: int | None = 1,
    force: bool = False,
) -> BuildReport:
    """Build an index of `sources` into `db_path`, atomically replacing any index there.

    A `db_path` holding a file that is not an index raises NotAnIndexError and is left alone, unless `force`.

    workers: processes for reading and analysis (None: chosen by input size). The bot reindexes with
    one, leaving the other core to answer questions; the CLI uses all of them.
    Builds to one db_path run one at a time (a lock file beside it): a build started while another
    runs waits for it (on_wait is called first), so the later-started build's index is the one left.
    Raises IndexWriteError if the index cannot be written (the previous index is then unchanged).
    """
    sources = [Path(s) for s in sources]
    started = time.perf_counter()
    analyzer = get_analyzer(analyzer_spec)
    db_path = Path(db_path)
    if not force and not may_build_at(db_path):
        raise NotAnIndexError(db_path)
    with replacing(db_path, on_wait) as tmp_path:
        fingerprint = corpus_fingerprint(sources)  # under the lock: raises CorpusError for a missing source
        report = write_index(
            sources, tmp_path, analyzer, params, fingerprint, on_document, clock, workers or default_workers(sources)
        )
    return replace(report, db_path=db_path, seconds=time.perf_counter() - started, builder_pid=os.getpid())


@contextmanager
def replacing(db_path: Path, on_wait: Callable[[], None] | None = None, *, copy: bool = False) -> Iterator[Path]:
    """A new file for the index at db_path, renamed over it when the with-block completes (deleted if it fails):
    readers see the old index or the new one, never a half, and a crash leaves the old one. One change per index
    at a time (a lock file beside it); a change started while another runs waits for it (on_wait is called first).
    `copy`: the new file starts as a copy of the current index (incremental changes), else empty (builds).
    Raises IndexWriteError if the file cannot be written (the previous index is then unchanged)."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        lock = _BuildLock(db_path)
    except OSError as error:
        raise IndexWriteError(db_path, error.strerror or str(error)) from None
    with lock.held(on_wait):
        remove_stale_builds(db_path)
        tmp_path = _building_path(db_path)
        try:
            tmp_path.unlink(missing_ok=True)
            # created private before SQLite opens it: the index and its journal are not world-readable
            os.close(os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, INDEX_FILE_MODE))
            os.chmod(tmp_path, INDEX_FILE_MODE)  # whatever the umask
            if copy:
                shutil.copyfile(db_path, tmp_path)  # the content only: the copy keeps its private mode
            yield tmp_path
            os.replace(tmp_path, db_path)  # atomic on POSIX: readers see the old file or the new one
        except (OSError, sqlite3.OperationalError) as error:
            tmp_path.unlink(missing_ok=True)
            reason = getattr(error, "strerror", None) or str(error)
            raise IndexWriteError(db_path, reason) from None
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise


class _BuildLock:
    """An exclusive flock on a file beside the index, held for the whole build; released by the
    kernel if the process dies."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(f".{db_path.name}.lock")
        self.descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, INDEX_FILE_MODE)

    @contextmanager
    def held(self, on_wait: Callable[[], None] | None) -> Iterator[None]:
        try:
            try:
                fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(self.descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(self.descriptor)  # closing releases the lock


def index_is_stale(db_path: Path, sources: Iterable[Path]) -> str | None:
    """Why the index at db_path must be (re)built for these sources, or None if it is current."""
    try:
        reader = IndexReader(db_path)
    except IndexMissingError:
        return "no index yet"
    except IndexFileError as error:
        return error.reason
    try:
        if reader.meta.corpus_fingerprint != corpus_fingerprint(sources):
            return "the corpus changed since the last build"
        return None
    finally:
        reader.close()


def ensure_index(db_path: Path, corpus_dir: Path, **build_options: object) -> BuildReport | None:
    """Build the index if it is missing, unreadable, from another analyzer, or older than the corpus."""
    remove_stale_builds(db_path)
    if index_is_stale(db_path, [corpus_dir]) is None:
        return None
    return build_index([corpus_dir], db_path, **build_options)
