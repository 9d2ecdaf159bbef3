"""Reading an index file: metadata, lengths, postings through a byte-bounded cache, paragraphs and documents."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import sqlite_utils

from .analysis import ANALYZER_VERSION, get_analyzer
from .bm25 import EMPTY_POSTINGS, BM25Params, Postings, length_norms
from .stored_postings import norms_by_length, unpack_postings
from .schema import (
    SCHEMA_VERSION,
    IndexCorruptError,
    IndexMeta,
    IndexMissingError,
    IndexVersionError,
    ParagraphRecord,
    file_identity,
    is_index_file,
    rebuild_hint,
)


# The postings of the hot terms (~12 bytes a posting). 128 MiB, within the serving budget of 300 MB at 1M paragraphs
# (issue 16; the reader itself ~150 MB): in the scaling benchmark's serving worker (session 18, two alternating runs)
# 64 MiB let the answers of 3- and 8-term questions re-read postings the engine's questions had read before them
# (p50 0.99 / 2.49–2.68 ms), 128 MiB held them (0.77–0.81 / 1.90–2.00 ms); serving RSS 216 → 240 MB.
POSTINGS_CACHE_BYTES = 128 * 2**20
# Document frequencies asked of the file, remembered (the translator asks whether dozens of candidate words are
# index terms per question: an SQL look-up each, ~25 µs): ~100 bytes an entry, cleared when full.
DOC_FREQ_MEMO_SIZE = 200_000


class PostingsCache:
    """LRU of postings bounded by their size in bytes, so a few huge common terms cannot eat the memory."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[str, Postings] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, term: str) -> Postings | None:
        with self._lock:
            found = self._entries.get(term)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(term)
            self.hits += 1
            return found

    @staticmethod
    def _size(postings: Postings) -> int:
        impacts = sum(a.nbytes for a in (postings.impacts, postings.top_impacts) if a is not None)
        # frequencies: 4 bytes a posting, a copy or the stored uint32 they are a view of
        return postings.paragraph_ids.nbytes + 4 * postings.term_freqs.size + impacts + 100  # + per-entry overhead

    def put(self, term: str, postings: Postings) -> None:
        size = self._size(postings)
        if size > self.max_bytes // 4:
            return  # one giant list would evict everything else
        with self._lock:
            if term in self._entries:
                return
            self._entries[term] = postings
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= self._size(evicted)


def stored_lengths(db: sqlite_utils.Database) -> np.ndarray:
    """The index's paragraph lengths as stored (int32, read-only; the writer puts them there, index/writer.py)."""
    row = db.execute("SELECT data FROM arrays WHERE name = 'paragraph_lengths'").fetchone()
    return np.frombuffer(row[0], dtype=np.int32)


class IndexReader:
    """Read side of one index file. Opening reads the metadata and lengths, not the postings."""

    def __init__(self, db_path: Path | str) -> None:
        self.path = Path(db_path)
        if not self.path.is_file():
            raise IndexMissingError(self.path, f"no index at {self.path}", f"build it with: {rebuild_hint(self.path)}")
        self.file_identity = file_identity(self.path)
        try:
            # read-only; shared across threads (the bot searches in a worker thread)
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.db = sqlite_utils.Database(conn)
            self.meta = self._read_meta()
            # the size only: the array itself (4 MB at 1M paragraphs) is read by the first question that needs it,
            # so opening is cheap for the incremental changes that only check the metadata (index/update.py)
            row = self.db.execute("SELECT length(data) FROM arrays WHERE name = 'paragraph_lengths'").fetchone()
        except sqlite3.DatabaseError as error:
            raise IndexCorruptError(self.path, *self._unreadable(str(error))) from None
        if row is None or row[0] != 4 * self.meta.slots:
            raise IndexCorruptError(
                self.path, f"{self.path} is incomplete", f"rebuild it with: {rebuild_hint(self.path)}"
            )
        self._postings_cache = PostingsCache(POSTINGS_CACHE_BYTES)
        self._norms: dict[BM25Params, np.ndarray] = {}
        self._norm_tables: dict[BM25Params, np.ndarray] = {}
        self._doc_freq_memo: dict[str, int] = {}
        self._accumulators = threading.local()

    def _unreadable(self, reason: str) -> tuple[str, str]:
        """Why the file cannot be read as an index, and the advice: the rebuild command only if it is one (never a
        command that would write over someone's file)."""
        if is_index_file(self.path):
            return f"{self.path} is not a readable index ({reason})", f"rebuild it with: {rebuild_hint(self.path)}"
        return f"{self.path} is not an index of this program ({reason})", "give the path of an index with --db"

    def _read_meta(self) -> IndexMeta:
        try:
            values = {key: json.loads(value) for key, value in self.db.execute("SELECT key, value FROM index_meta")}
        except sqlite3.OperationalError:
            raise IndexCorruptError(self.path, *self._unreadable("no index_meta table")) from None
        if values.get("schema_version") != SCHEMA_VERSION or values.get("analyzer_version") != ANALYZER_VERSION:
            raise IndexVersionError(
                self.path,
                f"{self.path} was built by analyzer {values.get('analyzer')} v{values.get('analyzer_version')} "
                f"(schema {values.get('schema_version')}); this program needs analyzer v{ANALYZER_VERSION} "
                f"(schema {SCHEMA_VERSION})",
                f"Rebuild it with: {rebuild_hint(self.path)}",
            )
        try:
            values["sources"] = tuple(values.get("sources", ()))
            meta = IndexMeta(**values)
            meta.analyzer_spec  # noqa: B018 - validates the analyzer name
            get_analyzer(meta.analyzer_spec)
        except (TypeError, ValueError) as error:
            raise IndexVersionError(
                self.path,
                f"{self.path}: unknown index metadata ({error})",
                f"rebuild it with: {rebuild_hint(self.path)}",
            ) from None
        return meta

    def postings(self, term: str) -> Postings:
        """A term's postings, from a byte-bounded LRU cache of the hot ones or from the file."""
        found = self._postings_cache.get(term)
        if found is None:
            found = self._postings(term)
            self._postings_cache.put(term, found)
        return found

    @cached_property
    def lengths(self) -> np.ndarray:
        """Each paragraph's length in terms (0 for a removed one): int32 as stored (4 MB at 1M; the norms
        computed from it are float64, the same values as from a float64 copy)."""
        return stored_lengths(self.db)

    def norms(self, params: BM25Params) -> np.ndarray:
        norms = self._norms.get(params)
        if norms is None:
            norms = self._norms[params] = length_norms(self.lengths, self.meta.avg_length, params)
        return norms

    def norm_table(self, params: BM25Params) -> np.ndarray:
        """norms() by paragraph length, for every length a posting can store (512 KB):
        stored_postings.norms_by_length."""
        table = self._norm_tables.get(params)
        if table is None:
            table = self._norm_tables[params] = norms_by_length(self.meta.avg_length, params)
        return table

    def accumulator(self) -> np.ndarray:
        """A zeroed score array per thread (the bot searches from several worker threads). float32: it only
        selects candidates, which are then scored exactly (bm25.rank_with_accumulator)."""
        return self._thread_buffer("scores")

    def coverage_scratch(self) -> np.ndarray:
        """A second zeroed float32 array per thread, where the C kernel sums coverage (index/kernel.py)."""
        return self._thread_buffer("coverage")

    def _thread_buffer(self, name: str) -> np.ndarray:
        buffer = getattr(self._accumulators, name, None)
        if buffer is None:
            buffer = np.zeros(self.meta.slots, dtype=np.float32)
            setattr(self._accumulators, name, buffer)
        return buffer

    def _corrupt(self, error: Exception) -> IndexCorruptError:
        return IndexCorruptError(
            self.path, f"{self.path} is damaged ({error})", f"rebuild it with: {rebuild_hint(self.path)}"
        )

    def _postings(self, term: str) -> Postings:
        try:
            row = self.db.execute("SELECT paragraph_ids, tf_lengths FROM terms WHERE term = ?", (term,)).fetchone()
        except sqlite3.DatabaseError as error:
            raise self._corrupt(error) from None
        if row is None:
            return EMPTY_POSTINGS
        id_bytes, packed_bytes = row
        if not isinstance(id_bytes, bytes) or not isinstance(packed_bytes, bytes) or len(id_bytes) % 4:
            raise self._corrupt(ValueError(f"the postings of {term!r} are not postings"))
        if len(id_bytes) != len(packed_bytes):
            raise self._corrupt(ValueError(f"the postings of {term!r} do not match their frequencies"))
        ids, packed = np.frombuffer(id_bytes, dtype=np.int32), np.frombuffer(packed_bytes, dtype=np.uint32)
        # the query-independent part of each posting's score, once per term loaded (k1 and b are the index's)
        params = self.meta.params
        return unpack_postings(ids, packed, self.norm_table(params), params)

    def field_postings(self, term: str) -> Postings:
        """Paragraphs whose article title or heading holds `term` (term frequency 1 each)."""
        key = "\x00field\x00" + term  # no analysed term holds a NUL, so the two kinds share one cache
        found = self._postings_cache.get(key)
        if found is None:
            try:
                row = self.db.execute("SELECT paragraph_ids FROM field_terms WHERE term = ?", (term,)).fetchone()
            except sqlite3.DatabaseError as error:
                raise self._corrupt(error) from None
            if row is None:
                found = EMPTY_POSTINGS
            else:
                ids = np.frombuffer(row[0], dtype=np.int32)
                found = Postings(ids, np.ones(ids.size, dtype=np.int32))
            self._postings_cache.put(key, found)
        return found

    def has_term(self, term: str) -> bool:
        """Whether the index holds `term`: from the postings cache if they are loaded, else one look-up of its
        document frequency — the translator asks this of dozens of candidate words per question, and loading
        each one's postings (and their impacts) would be work for terms that are never ranked."""
        cached = self._postings_cache.get(term)
        if cached is not None:
            return cached.doc_freq > 0
        return self._remembered_doc_freqs([term]).get(term, 0) > 0

    def doc_freqs(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequency of each of `terms` the index holds (absent ones are left out): one query
        per 500 terms not asked before, without filling the postings cache with misses."""
        return self._remembered_doc_freqs(terms)

    def _remembered_doc_freqs(self, terms: Iterable[str]) -> dict[str, int]:
        """doc_freqs, remembered: the file never changes under a reader (a change writes a new file), so what it
        said of a term holds (absent terms are remembered as 0)."""
        memo = self._doc_freq_memo
        found: dict[str, int] = {}
        unknown: list[str] = []
        for term in dict.fromkeys(terms):
            known = memo.get(term)
            if known is None:
                unknown.append(term)
            elif known:
                found[term] = known
        fetched: dict[str, int] = {}
        try:
            for start in range(0, len(unknown), 500):
                chunk = unknown[start : start + 500]
                marks = ",".join("?" * len(chunk))
                fetched.update(
                    self.db.execute(f"SELECT term, doc_freq FROM terms WHERE term IN ({marks})", chunk).fetchall()
                )
        except sqlite3.DatabaseError as error:
            raise self._corrupt(error) from None
        if len(memo) + len(unknown) > DOC_FREQ_MEMO_SIZE:
            memo.clear()
        memo.update(dict.fromkeys(unknown, 0))
        memo.update(fetched)
        found.update(fetched)
        return found

    def paragraphs(self, paragraph_ids: list[int]) -> dict[int, ParagraphRecord]:
        if not paragraph_ids:
            return {}
        marks = ",".join("?" * len(paragraph_ids))
        try:
            rows = self.db.execute(
                "SELECT p.paragraph_id, p.doc_id, p.position, p.heading, p.text, d.title, d.source, d.date, d.url "
                f"FROM paragraphs p JOIN documents d ON d.doc_id = p.doc_id WHERE p.paragraph_id IN ({marks})",
                paragraph_ids,
            ).fetchall()
        except sqlite3.DatabaseError as error:
            raise self._corrupt(error) from None
        records = {row[0]: ParagraphRecord(*row) for row in rows}
        if len(records) != len(set(paragraph_ids)):
            raise self._corrupt(ValueError("postings name paragraphs that are not stored"))
        return records

    def live_paragraph_ids(self, start: int, stop: int) -> list[int]:
        """The ids in start…stop-1 that hold a paragraph (removals leave unused ids)."""
        try:
            rows = self.db.execute(
                "SELECT paragraph_id FROM paragraphs WHERE paragraph_id >= ? AND paragraph_id < ? "
                "ORDER BY paragraph_id",
                (start, stop),
            ).fetchall()
        except sqlite3.DatabaseError as error:
            raise self._corrupt(error) from None
        return [row[0] for row in rows]

    def paragraph_texts(self, batch: int = 1000) -> Iterator[list[str]]:
        """Every paragraph's text, in paragraph order, `batch` at a time (to embed them all)."""
        for rows in self.paragraph_rows(batch):
            yield [text for _, text in rows]

    def paragraph_rows(self, batch: int = 1000) -> Iterator[list[tuple[int, str]]]:
        """Every paragraph's (id, text), in paragraph order, `batch` at a time."""
        for start in range(0, self.meta.slots, batch):
            try:
                rows = self.db.execute(
                    "SELECT paragraph_id, text FROM paragraphs WHERE paragraph_id >= ? AND paragraph_id < ? "
                    "ORDER BY paragraph_id",
                    (start, start + batch),
                ).fetchall()
            except sqlite3.DatabaseError as error:
                raise self._corrupt(error) from None
            yield [(row[0], row[1]) for row in rows]

    def document_texts(self, doc_ids: Iterable[str] | None = None) -> Iterator[tuple[str, str, str]]:
        """(doc_id, url, its paragraphs' text joined) for the given documents, or all of them."""
        query = (
            "SELECT d.doc_id, d.url, group_concat(p.text, char(10)) FROM documents d "
            "JOIN (SELECT doc_id, text FROM paragraphs ORDER BY doc_id, position) p ON p.doc_id = d.doc_id "
            "{where} GROUP BY d.doc_id"
        )
        try:
            if doc_ids is None:
                yield from self.db.execute(query.format(where=""))
                return
            wanted = list(doc_ids)
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                yield from self.db.execute(query.format(where=f"WHERE d.doc_id IN ({marks})"), chunk)
        except sqlite3.DatabaseError as error:
            raise self._corrupt(error) from None

    def documents(self, limit: int | None = None) -> list[dict[str, object]]:
        """The articles, newest first (then by id), each with its paragraph count; at most `limit` of them (a
        refusal lists a few of a million without reading them all)."""
        return list(
            self.db.query(
                "SELECT d.doc_id, d.title, d.source, d.date, d.url, d.lang, "
                "(SELECT count(*) FROM paragraphs p WHERE p.doc_id = d.doc_id) AS paragraphs "
                "FROM documents d ORDER BY d.date DESC, d.doc_id LIMIT ?",
                (-1 if limit is None else limit,),
            )
        )

    def outlet_counts(self) -> list[tuple[str, int]]:
        """How many articles each outlet has, most first."""
        rows = self.db.execute(
            "SELECT coalesce(source, ''), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        return [(str(source), int(count)) for source, count in rows]

    def is_current(self) -> bool:
        """False once the file on disk was replaced (a rebuild), so callers can reopen between questions."""
        try:
            return file_identity(self.path) == self.file_identity
        except OSError:
            return True  # deleted under us: keep serving what we have

    def close(self) -> None:
        self.db.conn.close()
