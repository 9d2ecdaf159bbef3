"""Postings and title/heading terms gathered while a build or an add streams paragraphs past, then grouped by term."""

from __future__ import annotations

from array import array
from typing import Iterator, Sequence

import numpy as np

from . import build_kernel, kernel
from .analysis import Analyzer
from .stored_postings import PACKED_MAX, pack_frequencies
from .units import AnalyzedUnit


class PostingsBuilder:
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
        self._grouped: tuple[list[int], bytes, bytes] | None = None  # what `group` made, until `postings` reads it

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

    def group(self) -> None:
        """Group what was added by term, ready for `postings`. The heavy part of a build's end, in C (or numpy)
        with the GIL released, so a thread can do it while SQLite builds the paragraph indexes."""
        pieces = self._terms, self._paragraphs, self._freqs
        self._terms, self._paragraphs, self._freqs = [], [], []
        lengths = np.frombuffer(self.lengths, dtype=np.int32)
        paragraphs, packed, counts = grouped_postings(*pieces, len(self.term_ids), lengths, self.first_id)
        del pieces
        # slicing two big byte strings is far cheaper than slicing and converting numpy arrays per term
        self._grouped = (counts.tolist(), paragraphs.tobytes(), packed.tobytes())

    def postings(self) -> Iterator[tuple[str, int, bytes, bytes]]:
        """(term, document frequency, paragraph ids, term frequencies) per term, the last two as bytes as the
        terms table stores them: int32 paragraph ids ascending, and uint32 term frequencies each with its
        paragraph's length (stored_postings.pack_frequencies). Groups them first unless `group` did."""
        if self._grouped is None:
            self.group()
        assert self._grouped is not None
        counts, id_bytes, freq_bytes = self._grouped
        self._grouped = None
        self.term_count = 0
        start = 0
        for name, count in zip(self.term_ids, counts):
            if count:  # a term seen only in dropped duplicates has no postings
                self.term_count += 1
                end = start + 4 * count
                yield name, count, id_bytes[start:end], freq_bytes[start:end]
                start = end


class FieldTermsBuilder:
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


def grouped_postings(
    terms: Sequence[np.ndarray],
    paragraphs: Sequence[np.ndarray],
    freqs: Sequence[np.ndarray],
    n_terms: int,
    lengths: np.ndarray,
    first_id: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term, paragraph, tf) triples, in pieces as a build's units add them (the i-th piece of each list alike
    long), grouped by term as the terms table stores them: the paragraph ids (int32, by term, then ascending), the
    frequencies packed with their paragraphs' lengths (lengths[paragraph - first_id];
    stored_postings.pack_frequencies) and each term's count (int64 by term; the terms past its end have none).
    With the C kernel, triples in ascending paragraph order (as a build streams them) are placed by a counting sort
    from their pieces and packed as they are placed: at 1M paragraphs (47M triples) the build's end 8.3 → 3.7 s
    (against sorting), and ~2 s less again (against joining the pieces, then gathering the lengths and packing).
    Otherwise they are joined and sorted (`group_by_term`); tests hold both to the slow obvious order."""
    narrow = all(piece.dtype == np.int32 for parts in (terms, paragraphs, freqs) for piece in parts)
    size = sum(piece.size for piece in terms)
    if size and narrow and kernel.kernel_enabled() and n_terms <= 2 * size + 1024:  # its scratch: a slot a term
        grouped = build_kernel.grouped_postings(terms, paragraphs, freqs, n_terms, lengths, first_id, PACKED_MAX)
        if grouped is not None:
            return grouped
    all_terms, all_paragraphs, all_freqs = (
        np.concatenate(parts) if len(parts) else np.zeros(0, dtype=np.int32) for parts in (terms, paragraphs, freqs)
    )
    counts = np.bincount(all_terms)  # not minlength=n_terms: the terms past the last one found have none
    ids, grouped_freqs = group_by_term(all_terms, all_paragraphs, all_freqs, n_terms)
    return ids, pack_frequencies(grouped_freqs, lengths[ids - first_id if first_id else ids]), counts


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
