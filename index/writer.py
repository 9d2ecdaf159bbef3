"""Writing one index file: source units analysed (in worker processes for big inputs), postings grouped by term,
rows and postings written in one transaction into a file nobody reads yet (index/build.py renames it into place)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
import uuid
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import sqlite_utils

from .analysis import Analyzer, AnalyzerSpec, get_analyzer, memoised_chunks
from .bm25 import BM25Params
from .ingest import Paragraph, SourceProblem, paragraph_key
from .sources import (
    DuplicateIds,
    all_new,
    iter_source_files,
    process_unit,
    work_units,
)
from .schema import SCHEMA_VERSION, BuildError, BuildReport, create_schema


@dataclass
class AnalyzedUnit:
    """What a worker sends back for one unit of work: plain tuples, bytes and numpy arrays, which cross
    between processes far faster than objects. Terms are numbered by the worker (each worker keeps
    its own numbering for the whole build and sends only the terms it has not sent before); the
    builder maps a worker's numbers to index-wide ids with one vectorised look-up per unit."""

    # in source order: ("problem", (where, reason)) or ("document", (doc_id, title, source, date, url, lang, origin))
    items: list[tuple[str, tuple]]
    paragraphs_per_document: list[int]
    # every paragraph of those documents, in order: (index in this unit, doc_id, position, heading, text, length,
    # digest), the digest being what makes it a duplicate of another (paragraph_digest)
    paragraph_rows: list[tuple]
    digests: list[bytes]
    lengths: np.ndarray  # int32 tokens per paragraph
    worker: int  # process id: whose term numbering this is
    new_terms: list[str]  # terms this worker numbered since its previous unit, in number order
    pair_terms: np.ndarray  # worker term number of each distinct (paragraph, term) pair, paragraph by paragraph
    pair_freqs: np.ndarray  # its term frequency
    pairs_per_paragraph: np.ndarray  # how many pairs each paragraph has, in order


class _PostingsBuilder:
    """Postings gathered as flat arrays of (term, paragraph, tf) while units stream past, then grouped
    by term with one sort: far faster than growing a list per term in Python."""

    def __init__(self, first_id: int = 0) -> None:
        self.first_id = first_id  # the id of the first paragraph added (an incremental add continues the ids)
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
        first_id = self.first_id + len(self.lengths)
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
            digest = paragraph_digest(p)
            rows.append((len(rows), m.doc_id, p.position, p.heading, p.text, len(numbers) // 4, digest))
            digests.append(digest)
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


INSERT_DOCUMENT = "INSERT INTO documents (doc_id, title, source, date, url, lang, origin) VALUES (?, ?, ?, ?, ?, ?, ?)"
INSERT_PARAGRAPH = (
    "INSERT INTO paragraphs (paragraph_id, doc_id, position, heading, text, length, digest) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
CREATE_DIGEST_INDEX = "CREATE INDEX IF NOT EXISTS paragraphs_digest ON paragraphs (digest)"


def write_index(
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
    create_schema(db)
    postings = _PostingsBuilder()
    fields = _FieldTermsBuilder(analyzer)
    seen_paragraphs: set[bytes] = set()
    ids_seen = DuplicateIds()
    problems: list[SourceProblem] = []
    n_documents = n_paragraphs = duplicates = 0

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
                db.conn.executemany(INSERT_DOCUMENT, documents)
                db.conn.executemany(
                    INSERT_PARAGRAPH.replace("VALUES (?,", f"VALUES (? + {n_paragraphs},"), unit.paragraph_rows
                )
                postings.add_unit(unit, None, unit.lengths)
                n_documents += len(documents)
                n_paragraphs += len(unit.paragraph_rows)
                if on_document and documents:
                    on_document(n_documents, n_paragraphs)
                continue
            accepted = accept_unit(unit, ids_seen, seen_paragraphs, n_paragraphs)
            problems.extend(accepted.problems)
            duplicates += accepted.duplicates
            for meta, added in accepted.documents:
                [meta] = _cited_documents([meta], added, [len(added)], fields, n_paragraphs)
                db.conn.execute(INSERT_DOCUMENT, meta)
                db.conn.executemany(INSERT_PARAGRAPH, added)
                n_paragraphs += len(added)
                n_documents += 1
                if on_document:
                    on_document(n_documents, n_paragraphs)
            postings.add_unit(unit, accepted.kept, unit.lengths[accepted.kept])
        lengths = postings.lengths
        if not lengths:
            listed = "; ".join(str(p) for p in problems[:5]) + (" …" if len(problems) > 5 else "")
            raise BuildError(
                "no paragraphs to index" + (f" ({len(problems)} source problem(s): {listed})" if problems else ""),
                tuple(problems),
                summary="no paragraphs to index",
            )
        db.conn.executemany(
            "INSERT INTO terms (term, doc_freq, paragraph_ids, term_freqs) VALUES (?, ?, ?, ?)", postings.postings()
        )
        db.conn.executemany("INSERT INTO field_terms (term, paragraph_ids) VALUES (?, ?)", fields.rows())
        db.execute(CREATE_DIGEST_INDEX)
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
            "paragraph_slots": len(lengths),
        }
        db["index_meta"].insert_all(({"key": k, "value": json.dumps(v)} for k, v in meta_values.items()))
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return BuildReport(path, n_documents, len(lengths), duplicates, postings.term_count, tuple(problems), 0.0)


@dataclass(slots=True)
class AcceptedUnit:
    """What of a unit goes into the index: its documents with their new paragraph rows, which of the unit's
    paragraphs those are (in order), the problems, and how many paragraphs were dropped as duplicates."""

    documents: list[tuple[tuple, list[tuple]]]
    kept: np.ndarray
    problems: list[SourceProblem]
    duplicates: int


def accept_unit(unit: AnalyzedUnit, ids_seen: DuplicateIds, seen_paragraphs: set[bytes], first_id: int) -> AcceptedUnit:
    """The unit's documents one by one: a document id used before is a problem; a paragraph identical to one
    indexed before (`seen_paragraphs`: digests, also those of an existing index when adding to it) is kept once.
    The kept paragraphs get ids from `first_id` on."""
    kept: list[bool] = []
    documents: list[tuple[tuple, list[tuple]]] = []
    problems: list[SourceProblem] = []
    duplicates = 0
    next_id = first_id
    rows = iter(unit.paragraph_rows)
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
        for _index, doc_id, position, heading, text, length, digest in paragraphs:
            if digest in seen_paragraphs:
                duplicates += 1  # identical paragraphs (syndicated copies) are kept once
                kept.append(False)
                continue
            seen_paragraphs.add(digest)
            kept.append(True)
            added.append((next_id, doc_id, position, heading, text, length, digest))
            next_id += 1
        if not added:
            problems.append(SourceProblem(meta[6], "every paragraph duplicates one indexed earlier"))
            continue
        documents.append((meta, added))
    return AcceptedUnit(documents, np.array(kept, dtype=bool), problems, duplicates)


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
