"""Units of work read and analysed, in worker processes for big inputs: what each sends back to the writer
(documents, paragraph rows, term numbers) in shapes that cross between processes fast."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import numpy as np

from . import build_kernel, kernel
from .analysis import Analyzer, AnalyzerSpec, get_analyzer, memoised_chunks
from .ingest import Paragraph, SourceProblem, paragraph_key
from .sources import iter_source_files, process_unit, work_units


class DocumentRow(NamedTuple):
    """A document as the documents table stores it (a tuple: rows go to SQLite and between processes as they are)."""

    doc_id: str
    title: str
    source: str
    date: str
    url: str
    lang: str
    origin: str  # the file (or file:line) it came from


class ParagraphRow(NamedTuple):
    """A paragraph as the paragraphs table stores it; `index` is its place in its unit until it gets its id."""

    index: int
    doc_id: str
    position: int
    heading: str | None
    text: str
    length: int  # tokens
    digest: bytes  # what makes it a duplicate of another paragraph (paragraph_digest)


@dataclass
class AnalyzedUnit:
    """What a worker sends back for one unit of work: plain tuples, bytes and numpy arrays, which cross
    between processes far faster than objects. Terms are numbered by the worker (each worker keeps
    its own numbering for the whole build and sends only the terms it has not sent before); the
    builder maps a worker's numbers to index-wide ids with one vectorised look-up per unit."""

    items: list[SourceProblem | int]  # in source order: problems, and documents by their place in `documents`
    documents: list[tuple]  # DocumentRow fields as the documents table stores them (the title as cited)
    given_titles: list[str]  # each document's own title ("" when it has none)
    field_texts: list[tuple[int, str, str | None]]  # (place in paragraph_rows, given title, heading) where either
    paragraphs_per_document: list[int]
    paragraph_rows: list[tuple]  # ParagraphRow fields of every paragraph of those documents, in order
    digests: list[bytes]
    lengths: np.ndarray  # int32 tokens per paragraph
    worker: int  # process id: whose term numbering this is
    new_terms: list[str]  # terms this worker numbered since its previous unit, in number order
    pair_terms: np.ndarray  # worker term number of each distinct (paragraph, term) pair, paragraph by paragraph
    # (within a paragraph in no set order: the postings are grouped by term later)
    pair_freqs: np.ndarray  # its term frequency
    pairs_per_paragraph: np.ndarray  # how many pairs each paragraph has, in order


class _WorkerVocabulary:
    """A worker's term numbering for the whole build, and a memo from text chunks to their term numbers
    as int32 bytes: a chunk seen before costs one dictionary look-up for analysis and numbering together,
    and a paragraph's numbers are one bytes join. The chunks and their terms are Analyzer.analyze's own
    (normalize, split, chunk_terms), so the terms are too."""

    def __init__(self, analyzer: Analyzer, native: bool | None = None) -> None:
        self.analyzer = analyzer
        self.numbers: dict[str, int] = {}
        self.terms: list[str] = []
        self.sent = 0
        self.chunk_numbers: dict[str, bytes] = {}
        # ASCII text (most of a bulk build) is looked up in a memo in C when the kernel is built: a fifth of a
        # worker's time at 1M paragraphs (index/_chunkmemo.c); other text, or no kernel, uses the dict
        use_native = kernel.kernel_enabled() if native is None else native
        self.native = build_kernel.ChunkMemo(self._chunk_numbers) if use_native else None
        self.counter = build_kernel.TermCounter() if use_native else None

    def _chunk_numbers(self, chunk: str) -> bytes:
        """A chunk's term numbers as int32 bytes, numbering its terms not seen before."""
        numbers, terms = self.numbers, self.terms
        found = array("i")
        for term in self.analyzer.chunk_terms(chunk):
            number = numbers.get(term)
            if number is None:
                number = numbers[term] = len(terms)
                terms.append(term)
            found.append(number)
        return found.tobytes()

    def _number_chunk(self, chunk: str) -> bytes:
        if len(self.chunk_numbers) >= Analyzer.MEMO_LIMIT:
            self.chunk_numbers.clear()
        result = self.chunk_numbers[chunk] = self._chunk_numbers(chunk)
        return result

    def number(self, text: str) -> bytes:
        """The term numbers of a paragraph's tokens, as int32 bytes."""
        if self.native is not None and text.isascii():  # normalize(text) is then text.lower()
            if len(self.native) >= Analyzer.MEMO_LIMIT:
                self.native.clear()
            return self.native.numbers(text.lower().encode("ascii"))
        return b"".join(memoised_chunks(text, self.chunk_numbers, self._number_chunk))

    def unsent(self) -> list[str]:
        new = self.terms[self.sent :]
        self.sent = len(self.terms)
        return new


_worker_vocabulary: _WorkerVocabulary | None = None


def _start_worker(spec: AnalyzerSpec) -> None:
    global _worker_vocabulary
    _worker_vocabulary = _WorkerVocabulary(get_analyzer(spec))


# A worker's containers live for one unit (rows, documents) or the whole build (its vocabulary): the cyclic
# collector's full passes over them found nothing to free and cost ~10 % of a worker's time at 1M paragraphs
# (23 full collections, 0 objects collected, in a worker's share of 300k). Young cycles (a caught exception's
# traceback) are still collected by the first two generations, so memory stays bounded.
POOL_WORKER_GC_THRESHOLDS = (20_000, 50, 1_000)


def _start_pool_worker(spec: AnalyzerSpec) -> None:
    """A worker process of its own: what _start_worker does, then the collector tuned for a build's objects."""
    _start_worker(spec)
    gc.freeze()  # what the worker was forked with and the analyser loaded: never garbage
    gc.set_threshold(*POOL_WORKER_GC_THRESHOLDS)


def paragraph_digest(paragraph: Paragraph) -> bytes:
    return hashlib.blake2b((paragraph.key or paragraph_key(paragraph.text)).encode(), digest_size=12).digest()


def cited_title(given: str, headings: Iterable[str | None], doc_id: str) -> str:
    """How an article is cited: its given title, else its first heading, else its id (the file name) — never a
    cut-off first sentence, which repeated the excerpt beside it."""
    if given:
        return given
    return next((heading for heading in headings if heading), doc_id)


def _analyze_unit(unit: tuple) -> AnalyzedUnit:
    """Read and analyse one unit of work (in a worker process, or in this one)."""
    vocabulary = _worker_vocabulary
    assert vocabulary is not None
    numbered: list[bytes] = []
    items: list[SourceProblem | int] = []
    documents: list[tuple] = []
    given_titles: list[str] = []
    field_texts: list[tuple[int, str, str | None]] = []
    per_document: list[int] = []
    rows: list[tuple] = []  # plain tuples: they cross between processes faster than named ones
    digests: list[bytes] = []
    for item in process_unit(unit):
        if isinstance(item, SourceProblem):
            items.append(item)
            continue
        m = item.meta
        items.append(len(documents))
        cited = cited_title(m.title, (p.heading for p in item.paragraphs), m.doc_id)
        documents.append((m.doc_id, cited, m.source, m.date, m.url, m.lang, m.origin))
        given_titles.append(m.title)
        per_document.append(len(item.paragraphs))
        for p in item.paragraphs:
            numbers = vocabulary.number(p.text)
            numbered.append(numbers)
            digest = paragraph_digest(p)
            if m.title or p.heading:
                field_texts.append((len(rows), m.title, p.heading))
            rows.append((len(rows), m.doc_id, p.position, p.heading, p.text, len(numbers) // 4, digest))
            digests.append(digest)
    # distinct (paragraph, term) pairs with their counts, for the whole unit at once
    lengths = np.fromiter((len(numbers) // 4 for numbers in numbered), dtype=np.int32, count=len(numbered))
    n_terms = max(len(vocabulary.terms), 1)
    all_numbers = np.frombuffer(b"".join(numbered), dtype=np.int32)
    if vocabulary.counter is not None:  # in C, without sorting: a tenth of a worker's time otherwise
        pair_terms, pair_freqs, per_paragraph = vocabulary.counter.count(lengths, all_numbers, n_terms)
    else:
        paragraph_of_token = np.repeat(np.arange(len(numbered), dtype=np.int64), lengths)
        keys, counts = np.unique(paragraph_of_token * n_terms + all_numbers, return_counts=True)
        pair_terms, pair_freqs = (keys % n_terms).astype(np.int32), counts.astype(np.int32)
        per_paragraph = np.bincount(keys // n_terms, minlength=len(numbered)).astype(np.int64)
    return AnalyzedUnit(
        items,
        documents,
        given_titles,
        field_texts,
        per_document,
        rows,
        digests,
        lengths,
        os.getpid(),
        vocabulary.unsent(),
        pair_terms,
        pair_freqs,
        per_paragraph,
    )


def analyzed_units(sources: list[Path], spec: AnalyzerSpec, workers: int = 1) -> Iterator[AnalyzedUnit]:
    """Units of work in source order, read and analysed; with workers > 1 in that many processes
    while this one builds the index."""
    units = work_units(sources)
    if workers > 1:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_pool_worker, initargs=(spec,)) as pool:
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
