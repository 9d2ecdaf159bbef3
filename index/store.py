"""The SQLite index file: the only module that writes SQL.

Tables: `documents`, `paragraphs` (document, position, heading, text, length), `terms` (per term its
document frequency and postings as int32 blobs), `field_terms` (per term the paragraphs whose article
title or own heading holds it), `arrays` (paragraph lengths) and `index_meta` (analyzer and version,
k1, b, corpus fingerprint, build time, counts).

A build writes a new file beside the target and renames it over the old one only when complete, so
a failed or killed build leaves the previous index serving.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from array import array
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import sqlite_utils

from .analysis import ANALYZER_VERSION, Analyzer, AnalyzerSpec, get_analyzer, memoised_chunks
from .bm25 import EMPTY_POSTINGS, BM25Params, Postings, length_norms
from .ingest import (
    DuplicateIds,
    Paragraph,
    all_new,
    SourceProblem,
    corpus_fingerprint,
    iter_source_files,
    paragraph_key,
    process_unit,
    work_units,
)

SCHEMA_VERSION = 3  # 2: index_meta has build_id; 3: field_terms, titles only as given
DEFAULT_CORPUS = Path("corpus")


class IndexFileError(Exception):
    """Base class: something is wrong with an index file."""


class IndexMissingError(IndexFileError):
    pass


class IndexVersionError(IndexFileError):
    pass


class IndexCorruptError(IndexFileError):
    pass


class BuildError(Exception):
    """The build produced nothing usable; the previous index was left in place."""

    def __init__(self, message: str, problems: tuple[SourceProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


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


@dataclass
class AnalyzedUnit:
    """What a worker sends back for one unit of work: plain tuples, bytes and numpy arrays, which cross
    between processes far faster than objects. Terms are numbered by the worker (each worker keeps
    its own numbering for the whole build and sends only the terms it has not sent before); the
    builder maps a worker's numbers to index-wide ids with one vectorised look-up per unit."""

    # in source order: ("problem", (where, reason)) or ("document", (doc_id, title, source, date, url, lang, origin))
    items: list[tuple[str, tuple]]
    paragraphs_per_document: list[int]
    # every paragraph of those documents, in order: (index in this unit, doc_id, position, heading, text, length)
    paragraph_rows: list[tuple]
    digests: list[bytes]  # what makes each paragraph a duplicate of another (paragraph_digest)
    lengths: np.ndarray  # int32 tokens per paragraph
    worker: int  # process id: whose term numbering this is
    new_terms: list[str]  # terms this worker numbered since its previous unit, in number order
    pair_terms: np.ndarray  # worker term number of each distinct (paragraph, term) pair, paragraph by paragraph
    pair_freqs: np.ndarray  # its term frequency
    pairs_per_paragraph: np.ndarray  # how many pairs each paragraph has, in order


class _PostingsBuilder:
    """Postings gathered as flat arrays of (term, paragraph, tf) while units stream past, then grouped
    by term with one sort: far faster than growing a list per term in Python."""

    def __init__(self) -> None:
        self.term_ids: dict[str, int] = {}
        self.lengths = array("i")  # tokens per paragraph, in paragraph id order
        self._terms: list[np.ndarray] = []
        self._paragraphs: list[np.ndarray] = []
        self._freqs: list[np.ndarray] = []
        self._worker_mappings: dict[int, np.ndarray] = {}  # worker term number → index-wide term id

    def add_unit(self, unit: AnalyzedUnit, kept: np.ndarray | None, lengths: np.ndarray) -> None:
        """Record the paragraphs of a unit marked in `kept` (None: all of them; duplicates are not
        kept); they get the next ids."""
        term_ids = self.term_ids
        new = np.fromiter(
            (term_ids.setdefault(t, len(term_ids)) for t in unit.new_terms), dtype=np.int32, count=len(unit.new_terms)
        )
        mapping = self._worker_mappings.get(unit.worker)
        mapping = new if mapping is None else np.concatenate((mapping, new))
        self._worker_mappings[unit.worker] = mapping
        first_id = len(self.lengths)
        per_paragraph = unit.pairs_per_paragraph
        if kept is None:
            pair_terms, pair_freqs = unit.pair_terms, unit.pair_freqs
        else:
            keep_pairs = np.repeat(kept, per_paragraph)
            pair_terms, pair_freqs, per_paragraph = (
                unit.pair_terms[keep_pairs],
                unit.pair_freqs[keep_pairs],
                per_paragraph[kept],
            )
        new_ids = np.arange(first_id, first_id + per_paragraph.size, dtype=np.int32)
        self._terms.append(mapping[pair_terms])
        self._paragraphs.append(np.repeat(new_ids, per_paragraph))
        self._freqs.append(pair_freqs)
        self.lengths.frombytes(lengths.astype(np.int32).tobytes())

    def postings(self) -> Iterator[tuple[str, int, bytes, bytes]]:
        """(term, document frequency, paragraph ids, term frequencies) per term, the last two as int32
        bytes with paragraph ids ascending."""
        terms, paragraphs, freqs = (
            np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
            for parts in (self._terms, self._paragraphs, self._freqs)
        )
        self._terms = self._paragraphs = self._freqs = []
        paragraphs, freqs = group_by_term(terms, paragraphs, freqs, len(self.term_ids))
        counts = np.bincount(terms, minlength=len(self.term_ids)).tolist()
        del terms
        # slicing two big byte strings is far cheaper than slicing and converting numpy arrays per term
        id_bytes, freq_bytes = paragraphs.tobytes(), freqs.tobytes()
        del paragraphs, freqs
        self.term_count = 0
        start = 0
        for name, count in zip(self.term_ids, counts):
            if count:  # a term seen only in dropped duplicates has no postings
                self.term_count += 1
                end = start + 4 * count
                yield name, count, id_bytes[start:end], freq_bytes[start:end]
                start = end


class _FieldTermsBuilder:
    """Which paragraphs each title or heading term belongs to: an article's given title counts for all its
    paragraphs, a heading for the paragraphs under it. Titles and headings are few words, so they are analysed
    here, once per distinct string, while the body text is analysed in the workers."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.paragraphs: dict[str, array] = {}
        self._analysed: dict[str, frozenset[str]] = {}

    def terms(self, text: str | None) -> frozenset[str]:
        if not text:
            return frozenset()
        found = self._analysed.get(text)
        if found is None:
            if len(self._analysed) > 50_000:  # headings repeat within an article, not across a big corpus
                self._analysed.clear()
            found = self._analysed[text] = frozenset(self.analyzer.analyze(text))
        return found

    def add(self, paragraph_id: int, title: str, heading: str | None) -> None:
        for term in self.terms(title) | self.terms(heading):
            self.paragraphs.setdefault(term, array("i")).append(paragraph_id)

    def rows(self) -> Iterator[tuple[str, bytes]]:
        for term, ids in self.paragraphs.items():
            yield term, ids.tobytes()  # ascending: paragraphs are added in id order


def cited_title(given: str, rows: list[tuple], doc_id: str) -> str:
    """How an article is cited: its given title, else its first heading, else its id (the file name) — never a
    cut-off first sentence, which repeated the excerpt beside it."""
    if given:
        return given
    return next((row[3] for row in rows if row[3]), doc_id)


def group_by_term(
    terms: np.ndarray, paragraphs: np.ndarray, freqs: np.ndarray, n_terms: int
) -> tuple[np.ndarray, np.ndarray]:
    """Paragraph ids and term frequencies of (term, paragraph, tf) triples reordered by term, then
    paragraph id (each (term, paragraph) pair occurs once). When the three fit in 63 bits they are
    packed into one int64 and sorted by value, three times faster than a stable argsort of the terms;
    otherwise a lexsort does it (`group_by_term_reference`; tests hold the packed way to the obvious one)."""
    if terms.size == 0:
        return paragraphs.astype(np.int32), freqs.astype(np.int32)
    paragraph_bits = int(paragraphs.max()).bit_length()
    freq_bits = int(freqs.max()).bit_length()
    if int(max(n_terms - 1, 0)).bit_length() + paragraph_bits + freq_bits > 63 or int(freqs.min()) < 0:
        return group_by_term_reference(terms, paragraphs, freqs)
    packed = terms.astype(np.int64)
    packed <<= paragraph_bits
    packed |= paragraphs
    packed <<= freq_bits
    packed |= freqs
    packed.sort()
    sorted_freqs = (packed & ((1 << freq_bits) - 1)).astype(np.int32)
    packed >>= freq_bits
    packed &= (1 << paragraph_bits) - 1
    return packed.astype(np.int32), sorted_freqs


def group_by_term_reference(
    terms: np.ndarray, paragraphs: np.ndarray, freqs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((paragraphs, terms))
    return paragraphs[order].astype(np.int32), freqs[order].astype(np.int32)


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
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        lock = _BuildLock(db_path)
    except OSError as error:
        raise IndexWriteError(db_path, error.strerror or str(error)) from None
    with lock.held(on_wait):
        fingerprint = corpus_fingerprint(sources)  # raises CorpusError for a missing source
        remove_stale_builds(db_path)
        tmp_path = _building_path(db_path)
        try:
            tmp_path.unlink(missing_ok=True)
            # created private before SQLite opens it: the index and its journal are not world-readable
            os.close(os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, INDEX_FILE_MODE))
            os.chmod(tmp_path, INDEX_FILE_MODE)  # whatever the umask
            report = _write_index(
                sources,
                tmp_path,
                analyzer,
                params,
                fingerprint,
                on_document,
                clock,
                workers or default_workers(sources),
            )
            os.replace(tmp_path, db_path)  # atomic on POSIX: readers see the old file or the new one
        except (OSError, sqlite3.OperationalError) as error:
            tmp_path.unlink(missing_ok=True)
            reason = getattr(error, "strerror", None) or str(error)
            raise IndexWriteError(db_path, reason) from None
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
    return replace(report, db_path=db_path, seconds=time.perf_counter() - started, builder_pid=os.getpid())


INDEX_FILE_MODE = 0o640  # owner reads and writes, its group reads (a separate serving user), others nothing


class IndexWriteError(BuildError):
    """The index file could not be written (permissions, full disk…); the previous index is unchanged."""

    def __init__(self, db_path: Path, reason: str) -> None:
        super().__init__(f"cannot write the index {db_path}: {reason}")
        self.db_path = db_path
        self.reason = reason


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


class _WorkerVocabulary:
    """A worker's term numbering for the whole build, and a memo from text chunks to their term numbers
    as int32 bytes: a chunk seen before costs one dictionary look-up for analysis and numbering together,
    and a paragraph's numbers are one bytes join. The chunks and their terms are Analyzer.analyze's own
    (normalize, split, chunk_terms), so the terms are too."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.numbers: dict[str, int] = {}
        self.terms: list[str] = []
        self.sent = 0
        self.chunk_numbers: dict[str, bytes] = {}

    def _number_chunk(self, chunk: str) -> bytes:
        numbers, terms = self.numbers, self.terms
        found = array("i")
        for term in self.analyzer.chunk_terms(chunk):
            number = numbers.get(term)
            if number is None:
                number = numbers[term] = len(terms)
                terms.append(term)
            found.append(number)
        if len(self.chunk_numbers) >= Analyzer.MEMO_LIMIT:
            self.chunk_numbers.clear()
        result = self.chunk_numbers[chunk] = found.tobytes()
        return result

    def number(self, text: str) -> bytes:
        """The term numbers of a paragraph's tokens, as int32 bytes."""
        return b"".join(memoised_chunks(text, self.chunk_numbers, self._number_chunk))

    def unsent(self) -> list[str]:
        new = self.terms[self.sent :]
        self.sent = len(self.terms)
        return new


_worker_vocabulary: _WorkerVocabulary | None = None


def _start_worker(spec: AnalyzerSpec) -> None:
    global _worker_vocabulary
    _worker_vocabulary = _WorkerVocabulary(get_analyzer(spec))


def paragraph_digest(paragraph: Paragraph) -> bytes:
    return hashlib.blake2b((paragraph.key or paragraph_key(paragraph.text)).encode(), digest_size=12).digest()


def _analyze_unit(unit: tuple) -> AnalyzedUnit:
    """Read and analyse one unit of work (in a worker process, or in this one)."""
    vocabulary = _worker_vocabulary
    assert vocabulary is not None
    numbered: list[bytes] = []
    items: list[tuple[str, tuple]] = []
    per_document: list[int] = []
    rows: list[tuple] = []
    digests: list[bytes] = []
    for item in process_unit(unit):
        if isinstance(item, SourceProblem):
            items.append(("problem", (item.where, item.reason)))
            continue
        m = item.meta
        items.append(("document", (m.doc_id, m.title, m.source, m.date, m.url, m.lang, m.origin)))
        per_document.append(len(item.paragraphs))
        for p in item.paragraphs:
            numbers = vocabulary.number(p.text)
            numbered.append(numbers)
            rows.append((len(rows), m.doc_id, p.position, p.heading, p.text, len(numbers) // 4))
            digests.append(paragraph_digest(p))
    # distinct (paragraph, term) pairs with their counts, for the whole unit at once
    lengths = np.fromiter((len(numbers) // 4 for numbers in numbered), dtype=np.int32, count=len(numbered))
    n_terms = max(len(vocabulary.terms), 1)
    paragraph_of_token = np.repeat(np.arange(len(numbered), dtype=np.int64), lengths)
    keys, counts = np.unique(
        paragraph_of_token * n_terms + np.frombuffer(b"".join(numbered), dtype=np.int32), return_counts=True
    )
    return AnalyzedUnit(
        items,
        per_document,
        rows,
        digests,
        lengths,
        os.getpid(),
        vocabulary.unsent(),
        (keys % n_terms).astype(np.int32),
        counts.astype(np.int32),
        np.bincount(keys // n_terms, minlength=len(numbered)).astype(np.int64),
    )


def analyzed_units(sources: list[Path], spec: AnalyzerSpec, workers: int = 1) -> Iterator[AnalyzedUnit]:
    """Units of work in source order, read and analysed; with workers > 1 in that many processes
    while this one builds the index."""
    units = work_units(sources)
    if workers > 1:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_worker, initargs=(spec,)) as pool:
            yield from pool.imap(_analyze_unit, units, chunksize=1)
        return
    _start_worker(spec)
    for unit in units:
        yield _analyze_unit(unit)


def default_workers(sources: list[Path]) -> int:
    """Processes for reading and analysis: all cores for big inputs, none extra for small ones."""
    size = 0
    for found in iter_source_files(sources):
        try:
            size += 0 if found.skipped else found.path.lstat().st_size
        except OSError:
            pass  # gone since the walk: the build reports it
    return max(1, min(os.cpu_count() or 1, 4)) if size > 8 * 2**20 else 1


def _write_index(
    sources: list[Path],
    path: Path,
    analyzer: Analyzer,
    params: BM25Params,
    fingerprint: str,
    on_document: Callable[[int, int], None] | None,
    clock: Callable[[], float],
    workers: int,
) -> BuildReport:
    db = sqlite_utils.Database(path)
    # Bulk load: the file is not visible to anyone until renamed, so durability can wait for the end.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")  # 256 MiB of page cache while loading
    db.execute("PRAGMA temp_store = MEMORY")
    _create_schema(db)
    postings = _PostingsBuilder()
    fields = _FieldTermsBuilder(analyzer)
    seen_paragraphs: set[bytes] = set()
    ids_seen = DuplicateIds()
    problems: list[SourceProblem] = []
    n_documents = n_paragraphs = duplicates = 0
    insert_document = (
        "INSERT INTO documents (doc_id, title, source, date, url, lang, origin) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    insert_paragraph = (
        "INSERT INTO paragraphs (paragraph_id, doc_id, position, heading, text, length) VALUES (?, ?, ?, ?, ?, ?)"
    )

    with db.conn:
        for unit in analyzed_units(sources, analyzer.spec, workers):
            documents = [payload for kind, payload in unit.items if kind == "document"]
            if ids_seen.all_new([meta[0] for meta in documents]) and all_new(seen_paragraphs, unit.digests):
                # The common case, no duplicate id or paragraph in the unit: everything is kept as the
                # worker numbered it, so its rows go to SQLite as they came (ids offset in SQL).
                ids_seen.record_all((meta[0], meta[6]) for meta in documents)
                seen_paragraphs.update(unit.digests)
                problems.extend(SourceProblem(*payload) for kind, payload in unit.items if kind == "problem")
                documents = _cited_documents(
                    documents, unit.paragraph_rows, unit.paragraphs_per_document, fields, n_paragraphs
                )
                db.conn.executemany(insert_document, documents)
                db.conn.executemany(
                    insert_paragraph.replace("VALUES (?,", f"VALUES (? + {n_paragraphs},"), unit.paragraph_rows
                )
                postings.add_unit(unit, None, unit.lengths)
                n_documents += len(documents)
                n_paragraphs += len(unit.paragraph_rows)
                if on_document and documents:
                    on_document(n_documents, n_paragraphs)
                continue
            kept: list[bool] = []
            rows = iter(zip(unit.paragraph_rows, unit.digests))
            paragraph_counts = iter(unit.paragraphs_per_document)
            for kind, payload in unit.items:
                if kind == "problem":
                    problems.append(SourceProblem(*payload))
                    continue
                meta, count = payload, next(paragraph_counts)
                paragraphs = [next(rows) for _ in range(count)]
                problem = ids_seen.check_id(meta[0], meta[6])
                if problem is not None:
                    problems.append(problem)
                    kept.extend([False] * count)
                    continue
                added = []
                for (_index, doc_id, position, heading, text, length), digest in paragraphs:
                    if digest in seen_paragraphs:
                        duplicates += 1  # identical paragraphs (syndicated copies) are kept once
                        kept.append(False)
                        continue
                    seen_paragraphs.add(digest)
                    kept.append(True)
                    added.append((n_paragraphs + len(added), doc_id, position, heading, text, length))
                if not added:
                    problems.append(SourceProblem(meta[6], "every paragraph duplicates one indexed earlier"))
                    continue
                [meta] = _cited_documents([meta], added, [len(added)], fields, n_paragraphs)
                db.conn.execute(insert_document, meta)
                db.conn.executemany(insert_paragraph, added)
                n_paragraphs += len(added)
                n_documents += 1
                if on_document:
                    on_document(n_documents, n_paragraphs)
            mask = np.array(kept, dtype=bool)
            postings.add_unit(unit, mask, unit.lengths[mask])
        lengths = postings.lengths
        if not lengths:
            listed = "; ".join(str(p) for p in problems[:5]) + (" …" if len(problems) > 5 else "")
            raise BuildError(
                "no paragraphs to index" + (f" ({len(problems)} source problem(s): {listed})" if problems else ""),
                tuple(problems),
            )
        db.conn.executemany(
            "INSERT INTO terms (term, doc_freq, paragraph_ids, term_freqs) VALUES (?, ?, ?, ?)", postings.postings()
        )
        db.conn.executemany("INSERT INTO field_terms (term, paragraph_ids) VALUES (?, ?)", fields.rows())
        length_array = np.frombuffer(lengths, dtype=np.int32)
        db.execute("INSERT INTO arrays (name, data) VALUES (?, ?)", ("paragraph_lengths", length_array.tobytes()))
        meta_values = {
            "analyzer": analyzer.name,
            "analyzer_version": analyzer.version,
            "k1": params.k1,
            "b": params.b,
            "corpus_fingerprint": fingerprint,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock())),
            "documents": n_documents,
            "paragraphs": len(lengths),
            "terms": postings.term_count,
            # 1.0 when every paragraph is only stop words: nothing can match, but nothing divides by zero
            "avg_length": float(length_array.mean()) or 1.0,
            "schema_version": SCHEMA_VERSION,
            "sources": [str(s) for s in sources],
            "build_id": uuid.uuid4().hex,
        }
        db["index_meta"].insert_all(({"key": k, "value": json.dumps(v)} for k, v in meta_values.items()))
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return BuildReport(path, n_documents, len(lengths), duplicates, postings.term_count, tuple(problems), 0.0)


def _cited_documents(
    documents: list[tuple], rows: list[tuple], per_document: list[int], fields: _FieldTermsBuilder, first_id: int
) -> list[tuple]:
    """The documents' rows as stored (title as cited), recording their title and heading terms for the
    paragraphs that get ids from `first_id` on. rows: the documents' paragraph rows in order."""
    cited = []
    start = 0
    for meta, count in zip(documents, per_document):
        own = rows[start : start + count]
        for offset, row in enumerate(own):
            fields.add(first_id + start + offset, meta[1], row[3])
        cited.append((meta[0], cited_title(meta[1], own, meta[0]), *meta[2:]))
        start += count
    return cited


def _create_schema(db: sqlite_utils.Database) -> None:
    db["documents"].create(
        {"doc_id": str, "title": str, "source": str, "date": str, "url": str, "lang": str, "origin": str}, pk="doc_id"
    )
    db["paragraphs"].create(
        {"paragraph_id": int, "doc_id": str, "position": int, "heading": str, "text": str, "length": int},
        pk="paragraph_id",
        foreign_keys=[("doc_id", "documents", "doc_id")],
    )
    db["terms"].create({"term": str, "doc_freq": int, "paragraph_ids": bytes, "term_freqs": bytes}, pk="term")
    db["field_terms"].create({"term": str, "paragraph_ids": bytes}, pk="term")
    db["arrays"].create({"name": str, "data": bytes}, pk="name")
    db["index_meta"].create({"key": str, "value": str}, pk="key")


POSTINGS_CACHE_BYTES = 64 * 2**20


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
        return postings.paragraph_ids.nbytes + postings.term_freqs.nbytes + 100  # + per-entry overhead

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


class IndexReader:
    """Read side of one index file. Opening reads the metadata and lengths, not the postings."""

    def __init__(self, db_path: Path | str) -> None:
        self.path = Path(db_path)
        if not self.path.is_file():
            raise IndexMissingError(f"no index at {self.path}; build it with: {rebuild_hint(self.path)}")
        self.file_identity = file_identity(self.path)
        try:
            # read-only; shared across threads (the bot searches in a worker thread)
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.db = sqlite_utils.Database(conn)
            self.meta = self._read_meta()
            row = self.db.execute("SELECT data FROM arrays WHERE name = 'paragraph_lengths'").fetchone()
        except sqlite3.DatabaseError as error:
            raise IndexCorruptError(self._unreadable(str(error))) from None
        if row is None or len(row[0]) != 4 * self.meta.paragraphs:
            raise IndexCorruptError(f"{self.path} is incomplete; rebuild it with: {rebuild_hint(self.path)}")
        self.lengths = np.frombuffer(row[0], dtype=np.int32).astype(np.float64)
        self._postings_cache = PostingsCache(POSTINGS_CACHE_BYTES)
        self._norms: dict[BM25Params, np.ndarray] = {}
        self._accumulators = threading.local()

    def _unreadable(self, reason: str) -> str:
        """Why the file cannot be read as an index; the rebuild command only if it is one (never a command that
        would write over someone's file)."""
        if is_index_file(self.path):
            return f"{self.path} is not a readable index ({reason}); rebuild it with: {rebuild_hint(self.path)}"
        return f"{self.path} is not an index of this program ({reason}); give the path of an index with --db"

    def _read_meta(self) -> IndexMeta:
        try:
            values = {key: json.loads(value) for key, value in self.db.execute("SELECT key, value FROM index_meta")}
        except sqlite3.OperationalError:
            raise IndexCorruptError(self._unreadable("no index_meta table")) from None
        if values.get("schema_version") != SCHEMA_VERSION or values.get("analyzer_version") != ANALYZER_VERSION:
            raise IndexVersionError(
                f"{self.path} was built by analyzer {values.get('analyzer')} v{values.get('analyzer_version')} "
                f"(schema {values.get('schema_version')}); this program needs analyzer v{ANALYZER_VERSION} "
                f"(schema {SCHEMA_VERSION}). Rebuild it with: {rebuild_hint(self.path)}"
            )
        try:
            values["sources"] = tuple(values.get("sources", ()))
            meta = IndexMeta(**values)
            meta.analyzer_spec  # noqa: B018 - validates the analyzer name
            get_analyzer(meta.analyzer_spec)
        except (TypeError, ValueError) as error:
            raise IndexVersionError(
                f"{self.path}: unknown index metadata ({error}); rebuild it with: {rebuild_hint(self.path)}"
            ) from None
        return meta

    def postings(self, term: str) -> Postings:
        """A term's postings, from a byte-bounded LRU cache of the hot ones or from the file."""
        found = self._postings_cache.get(term)
        if found is None:
            found = self._postings(term)
            self._postings_cache.put(term, found)
        return found

    def norms(self, params: BM25Params) -> np.ndarray:
        norms = self._norms.get(params)
        if norms is None:
            norms = self._norms[params] = length_norms(self.lengths, self.meta.avg_length, params)
        return norms

    def accumulator(self) -> np.ndarray:
        """A zeroed score array per thread (the bot searches from several worker threads)."""
        buffer = getattr(self._accumulators, "buffer", None)
        if buffer is None:
            buffer = self._accumulators.buffer = np.zeros(self.meta.paragraphs, dtype=np.float64)
        return buffer

    def _corrupt(self, error: Exception) -> IndexCorruptError:
        return IndexCorruptError(f"{self.path} is damaged ({error}); rebuild it with: {rebuild_hint(self.path)}")

    def _postings(self, term: str) -> Postings:
        try:
            row = self.db.execute("SELECT paragraph_ids, term_freqs FROM terms WHERE term = ?", (term,)).fetchone()
        except sqlite3.DatabaseError as error:
            raise self._corrupt(error) from None
        if row is None:
            return EMPTY_POSTINGS
        return Postings(np.frombuffer(row[0], dtype=np.int32), np.frombuffer(row[1], dtype=np.int32))

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
        return self.postings(term).doc_freq > 0

    def doc_freqs(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequency of each of `terms` the index holds (absent ones are left out): one query
        per 500 terms, without filling the postings cache with misses."""
        terms = list(terms)
        found: dict[str, int] = {}
        try:
            for start in range(0, len(terms), 500):
                chunk = terms[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(
                    self.db.execute(f"SELECT term, doc_freq FROM terms WHERE term IN ({marks})", chunk).fetchall()
                )
        except sqlite3.DatabaseError as error:
            raise self._corrupt(error) from None
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

    def paragraph_texts(self, batch: int = 1000) -> Iterator[list[str]]:
        """Every paragraph's text, in paragraph order, `batch` at a time (to embed them all)."""
        for start in range(0, self.meta.paragraphs, batch):
            try:
                rows = self.db.execute(
                    "SELECT text FROM paragraphs WHERE paragraph_id >= ? AND paragraph_id < ? ORDER BY paragraph_id",
                    (start, start + batch),
                ).fetchall()
            except sqlite3.DatabaseError as error:
                raise self._corrupt(error) from None
            yield [row[0] for row in rows]

    def documents(self) -> list[dict[str, object]]:
        return list(
            self.db.query(
                "SELECT d.doc_id, d.title, d.source, d.date, d.url, d.lang, count(p.paragraph_id) AS paragraphs "
                "FROM documents d LEFT JOIN paragraphs p ON p.doc_id = d.doc_id "
                "GROUP BY d.doc_id ORDER BY d.date DESC, d.doc_id"
            )
        )

    def is_current(self) -> bool:
        """False once the file on disk was replaced (a rebuild), so callers can reopen between questions."""
        try:
            return file_identity(self.path) == self.file_identity
        except OSError:
            return True  # deleted under us: keep serving what we have

    def close(self) -> None:
        self.db.conn.close()


def file_identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def index_is_stale(db_path: Path, sources: Iterable[Path]) -> str | None:
    """Why the index at db_path must be (re)built for these sources, or None if it is current."""
    try:
        reader = IndexReader(db_path)
    except IndexMissingError:
        return "no index yet"
    except IndexFileError as error:
        return str(error).split(";")[0]
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
