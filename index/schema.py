"""The index file's layout and what its readers and writers share: schema, version, errors, metadata records.

Tables: `documents`, `paragraphs` (document, position, heading, text, length, digest), `terms` (per term its
document frequency and postings as blobs: paragraph ids, and term frequencies with their paragraphs' lengths),
`field_terms` (per term the paragraphs whose article title or own heading holds it), `arrays` (paragraph
lengths) and `index_meta` (analyzer and version, k1, b, corpus fingerprint, build time, counts). SQL lives in
this module, index/writer.py and index/reader.py.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .analysis import AnalyzerSpec
from .bm25 import BM25Params
from .ingest import SourceProblem

# 2: index_meta has build_id; 3: field_terms, titles only as given; 4: digests, slots (add/remove);
# 5: terms.tf_lengths (each posting's paragraph length stored beside its term frequency)
SCHEMA_VERSION = 5


class IndexFileError(Exception):
    """Base class: something is wrong with an index file. Carries the data, not only a sentence: `path`, `reason`
    (what is wrong) and `advice` (what to do, for the CLI and the logs); str() joins the last two."""

    def __init__(self, path: Path | str, reason: str, advice: str = "") -> None:
        super().__init__(f"{reason}; {advice}" if advice else reason)
        self.path = Path(path)
        self.reason = reason
        self.advice = advice


class IndexMissingError(IndexFileError):
    pass


class IndexVersionError(IndexFileError):
    pass


class IndexCorruptError(IndexFileError):
    pass


class BuildError(Exception):
    """The build produced nothing usable; the previous index was left in place."""

    def __init__(self, message: str, problems: tuple[SourceProblem, ...] = (), summary: str | None = None) -> None:
        super().__init__(message)
        self.problems = problems
        self.summary = summary or message  # the message without the problems it lists (they are in `problems`)


def rebuild_hint(db_path: Path | str) -> str:
    """The command that rebuilds an index — only ever given for a file that is one (or for no file at all)."""
    return f"python -m index build corpus/ --db {db_path}"


class NotAnIndexError(BuildError):
    """The build's target is a file that is not an index of this program: it is left alone."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(f"{db_path} exists and is not an index of this program; choose another --db path")
        self.db_path = db_path


def is_index_file(path: Path) -> bool:
    """Whether `path` is an SQLite file with this program's index_meta table (of any version, even damaged: the
    schema, kept as text on the first page, is read as bytes when SQLite cannot open the file)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    if not head.startswith(b"SQLite format 3\x00"):
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'index_meta'").fetchone()
            return found is not None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return b'"index_meta"' in head or b"[index_meta]" in head


def may_build_at(path: Path) -> bool:
    """A build may write to no file, an empty one, or an index; anything else is someone's file."""
    try:
        return not path.exists() or (path.is_file() and path.stat().st_size == 0) or is_index_file(path)
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class IndexMeta:
    analyzer: str
    analyzer_version: int
    k1: float
    b: float
    corpus_fingerprint: str
    built_at: str
    documents: int
    paragraphs: int
    terms: int
    avg_length: float
    schema_version: int
    sources: tuple[str, ...] = ()
    build_id: str = ""  # unique per build: what answers and buttons name the index by
    # paragraph ids run 0…slots-1; after removals some are unused (no postings, length 0), so `paragraphs`, the live
    # count BM25's N is, may be smaller. 0 in metadata written before removals existed.
    paragraph_slots: int = 0

    @property
    def slots(self) -> int:
        return self.paragraph_slots or self.paragraphs

    @property
    def params(self) -> BM25Params:
        return BM25Params(self.k1, self.b)

    @property
    def analyzer_spec(self) -> AnalyzerSpec:
        stemmer = self.analyzer.removeprefix("indonesian-").removesuffix("-nostop")
        return AnalyzerSpec(stemmer=stemmer, stopwords=not self.analyzer.endswith("-nostop"))


@dataclass(frozen=True, slots=True)
class BuildReport:
    db_path: Path
    documents: int
    paragraphs: int
    duplicate_paragraphs: int
    terms: int
    problems: tuple[SourceProblem, ...]
    seconds: float
    builder_pid: int = 0  # the process that built it (the bot builds in a worker process)
    build_id: str = ""  # of the index written (incremental adds)
    previous_build_id: str = ""  # of the index it was changed from (incremental adds)


@dataclass(frozen=True, slots=True)
class ParagraphRecord:
    paragraph_id: int
    doc_id: str
    position: int
    heading: str | None
    text: str
    title: str
    source: str
    date: str
    url: str


INDEX_FILE_MODE = 0o640  # owner reads and writes, its group reads (a separate serving user), others nothing


class IndexWriteError(BuildError):
    """The index file could not be written (permissions, full disk…); the previous index is unchanged."""

    def __init__(self, db_path: Path, reason: str) -> None:
        super().__init__(f"cannot write the index {db_path}: {reason}")
        self.db_path = db_path
        self.reason = reason


def create_schema(db: sqlite_utils.Database) -> None:
    db["documents"].create(
        {"doc_id": str, "title": str, "source": str, "date": str, "url": str, "lang": str, "origin": str}, pk="doc_id"
    )
    db["paragraphs"].create(
        {
            "paragraph_id": int,
            "doc_id": str,
            "position": int,
            "heading": str,
            "text": str,
            "length": int,
            "digest": bytes,  # what makes it a duplicate of another paragraph (units.paragraph_digest)
        },
        pk="paragraph_id",
        foreign_keys=[("doc_id", "documents", "doc_id")],
    )
    # paragraph_ids: int32, ascending; tf_lengths: uint32 a posting, tf | paragraph length << 16
    # (stored_postings.pack_frequencies)
    db["terms"].create({"term": str, "doc_freq": int, "paragraph_ids": bytes, "tf_lengths": bytes}, pk="term")
    db["field_terms"].create({"term": str, "paragraph_ids": bytes}, pk="term")
    db["arrays"].create({"name": str, "data": bytes}, pk="name")
    db["index_meta"].create({"key": str, "value": str}, pk="key")


def file_identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns
