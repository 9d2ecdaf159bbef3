"""The C helpers of a build, in the kernel's library (index/kernel.py loads it): postings grouped by term and packed
(a counting sort, index/_bm25kernel.c), and a worker's chunk memo and term counter (index/_chunkmemo.c). Each is
used only where `kernel.kernel_enabled()` (or the caller's own check) says the library is there; the numpy and
dict ways beside them give the same results (tests)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import kernel


def _addresses(*arrays: np.ndarray) -> list[int]:
    """Where each (contiguous) array's data starts, as the kernel's functions take them."""
    return [array.ctypes.data for array in arrays]


def grouped_postings(
    terms: Sequence[np.ndarray],
    paragraphs: Sequence[np.ndarray],
    freqs: Sequence[np.ndarray],
    n_terms: int,
    lengths: np.ndarray,
    first_id: int,
    packed_max: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """int32 (term, paragraph, frequency) triples in ascending paragraph order, in pieces (the i-th of each list
    alike long), reordered by term (each term's paragraphs still ascending): the paragraphs, the frequencies packed
    with their paragraphs' lengths (uint32 tf | lengths[paragraph - first_id] << 16) and each term's count
    (int64), or None when the triples are not in that order or a term or paragraph is out of range (the caller
    then sorts). ValueError for a frequency or length above packed_max."""
    assert kernel.KERNEL is not None
    pieces = [[np.ascontiguousarray(a, dtype=np.int32) for a in parts] for parts in (terms, paragraphs, freqs)]
    sizes = np.array([a.size for a in pieces[0]], dtype=np.int64)
    if any(a.size != size for parts in pieces[1:] for a, size in zip(parts, sizes, strict=True)):
        raise ValueError("the pieces of terms, paragraphs and frequencies differ in length")
    starts = [np.array(_addresses(*parts), dtype=np.uintp) for parts in pieces]
    lengths = np.ascontiguousarray(lengths, dtype=np.int32)
    total = int(sizes.sum())
    cursor = np.empty(n_terms, dtype=np.int64)
    out_paragraphs = np.empty(total, dtype=np.int32)
    out_packed = np.empty(total, dtype=np.uint32)
    done = kernel.KERNEL.bm25_group_by_term(
        sizes.size,
        *_addresses(sizes, *starts),
        n_terms,
        lengths.ctypes.data,
        first_id,
        lengths.size,
        packed_max,
        *_addresses(cursor, out_paragraphs, out_packed),
    )
    if done == -2:
        raise ValueError(f"a term frequency or paragraph length above {packed_max} cannot be stored")
    return (out_paragraphs, out_packed, cursor) if done == 0 else None


_NUMBER = kernel.KERNEL.chunkmemo_number if kernel.KERNEL is not None else None


class ChunkMemo:
    """A build worker's memo from whitespace-separated chunks of lower-case ASCII text to their term numbers, in C
    (index/_chunkmemo.c): `numbers(text)` is the int32 bytes of every chunk's numbers in order, as
    b"".join(memo[chunk] for chunk in text.split()) would be, asking `number_chunk(chunk)` for the chunks it has
    not seen. Python decides the numbers; this remembers them where looking them up costs less."""

    MISSING_AT_ONCE = 512  # unknown chunks reported per call

    def __init__(self, number_chunk) -> None:  # type: ignore[no-untyped-def] - Callable[[str], bytes]
        assert kernel.KERNEL is not None
        self.number_chunk = number_chunk
        self.handle = kernel.KERNEL.chunkmemo_new()
        if not self.handle:
            raise MemoryError("the chunk memo could not allocate its table")
        self._out = np.empty(1024, dtype=np.int32)
        self._missing = np.empty(2 * self.MISSING_AT_ONCE, dtype=np.int64)  # (start, end) of each
        self._missing_count = np.zeros(1, dtype=np.int64)
        self._addresses: tuple[int, int, int] | None = None

    def __len__(self) -> int:
        return int(kernel.KERNEL.chunkmemo_size(self.handle))

    def clear(self) -> None:
        if kernel.KERNEL.chunkmemo_clear(self.handle) != 0:
            raise MemoryError("the chunk memo could not allocate its table")

    def numbers(self, text: bytes) -> bytes:
        """`text`: lower-case ASCII (what the analyzer's normalize makes of ASCII text)."""
        if self._out.size < len(text):  # a token is at least one byte ("1a" is two), and a term at most one token
            self._out = np.empty(len(text), dtype=np.int32)
            self._addresses = None
        if self._addresses is None:  # ndarray.ctypes.data costs more than the look-ups of a short paragraph
            self._addresses = (self._out.ctypes.data, self._missing.ctypes.data, self._missing_count.ctypes.data)
        out_at, missing_at, count_at = self._addresses
        out, missing = self._out, self._missing
        while True:
            written = _NUMBER(
                self.handle, text, len(text), out_at, out.size, missing_at, self.MISSING_AT_ONCE, count_at
            )
            if written >= 0:
                return out[:written].tobytes()
            if written != -1:
                raise ValueError("the chunk memo's output was too small")
            count = min(int(self._missing_count[0]), self.MISSING_AT_ONCE)
            spans = missing[: 2 * count].tolist()
            for chunk in dict.fromkeys(text[spans[i] : spans[i + 1]] for i in range(0, len(spans), 2)):
                numbers = self.number_chunk(chunk.decode("ascii"))
                if kernel.KERNEL.chunkmemo_add(self.handle, chunk, len(chunk), numbers, len(numbers) // 4) != 0:
                    raise MemoryError("the chunk memo could not grow")

    def __del__(self) -> None:
        if kernel.KERNEL is not None and getattr(self, "handle", None):
            kernel.KERNEL.chunkmemo_free(self.handle)
            self.handle = None


class TermCounter:
    """Each paragraph's distinct terms and their counts, for a unit of paragraphs (_chunkmemo.c): what np.unique
    over (paragraph, term) keys gives, in order of first occurrence within a paragraph instead of sorted. Keeps its
    scratch (two int32 per term number) between units."""

    def __init__(self) -> None:
        assert kernel.KERNEL is not None
        self._last = np.full(0, -1, dtype=np.int32)
        self._slot = np.zeros(0, dtype=np.int32)

    def count(self, lengths: np.ndarray, numbers: np.ndarray, n_terms: int) -> tuple[np.ndarray, ...]:
        """(terms, counts, pairs per paragraph): int32, int32, int64. `lengths`: int32 numbers per paragraph."""
        if self._last.size < n_terms:
            size = max(n_terms, 2 * self._last.size)
            self._last, self._slot = np.full(size, -1, dtype=np.int32), np.zeros(size, dtype=np.int32)
        lengths = np.ascontiguousarray(lengths, dtype=np.int32)
        numbers = np.ascontiguousarray(numbers, dtype=np.int32)
        terms = np.empty(numbers.size, dtype=np.int32)
        counts = np.empty(numbers.size, dtype=np.int32)
        per_paragraph = np.empty(lengths.size, dtype=np.int64)
        pairs = kernel.KERNEL.count_terms_per_paragraph(
            lengths.size,
            *_addresses(lengths, numbers),
            n_terms,
            *_addresses(self._last, self._slot, terms, counts, per_paragraph),
        )
        if pairs < 0:
            raise ValueError("a term number outside the vocabulary")
        return terms[:pairs], counts[:pairs], per_paragraph
