"""The optional C kernel of the BM25 serving loop (index/_bm25kernel.c), loaded with ctypes. The same library holds
two helpers of a build, whose Python face is index/build_kernel.py.

`pip install -e .` builds it when a C compiler is there (setup.py, an optional extension); without one, or with
BM25_KERNEL=numpy in the environment, `KERNEL` is None and index/bm25.py adds up scores with numpy. Both paths
select candidates from float32 sums and score them exactly, so they return the same ranking (tests run both);
the kernel also skips paragraphs that cannot reach the best k (MaxScore, see _bm25kernel.c).
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np

log = logging.getLogger(__name__)


def _load() -> ctypes.CDLL | None:
    if os.environ.get("BM25_KERNEL", "").lower() == "numpy":
        return None
    spec = importlib.util.find_spec("index._bm25kernel")
    if spec is None or not spec.origin:
        return None
    return load_library(spec.origin)


def load_library(path: str) -> ctypes.CDLL | None:
    """The kernel built at `path` with its functions declared, or None (numpy serves) when it cannot be loaded or
    lacks one of them: a build from older sources, after an update without `pip install -e .` again."""
    try:
        return _declared(ctypes.CDLL(path))
    except (OSError, AttributeError) as error:
        log.warning(
            "the C kernel %s is not usable (%s); numpy serves until it is rebuilt (pip install -e .)", path, error
        )
        return None


def _declared(library: ctypes.CDLL) -> ctypes.CDLL:
    select = library.bm25_select
    select.restype = ctypes.c_int64
    # arrays are passed as addresses (ndarray.ctypes.data): building ctypes pointer objects cost more than the sums
    pointer = ctypes.c_void_p
    select.argtypes = [ctypes.c_int32] + [pointer] * 10 + [ctypes.c_int32, ctypes.c_double, ctypes.c_double]
    select.argtypes += [pointer, pointer]
    unpack = library.bm25_unpack_impacts
    unpack.restype = None
    unpack.argtypes = [ctypes.c_int64, pointer, pointer, ctypes.c_double, pointer]
    top = library.bm25_top_positions
    top.restype = ctypes.c_int64
    top.argtypes = [ctypes.c_int64, pointer, ctypes.c_int64, pointer]
    exact = library.bm25_exact
    exact.restype = None
    exact.argtypes = [ctypes.c_int32] + [pointer] * 7 + [ctypes.c_double, ctypes.c_int64, pointer, pointer]
    rank = library.bm25_rank
    rank.restype = ctypes.c_int64
    rank.argtypes = [ctypes.c_int32] + [pointer] * 13 + [ctypes.c_double, ctypes.c_int32, ctypes.c_double]
    rank.argtypes += [ctypes.c_double] + [pointer] * 4
    library.chunkmemo_new.restype = pointer
    library.chunkmemo_new.argtypes = []
    library.chunkmemo_free.restype = None
    library.chunkmemo_free.argtypes = [pointer]
    library.chunkmemo_clear.restype = ctypes.c_int32
    library.chunkmemo_clear.argtypes = [pointer]
    library.chunkmemo_size.restype = ctypes.c_int64
    library.chunkmemo_size.argtypes = [pointer]
    library.chunkmemo_add.restype = ctypes.c_int32
    library.chunkmemo_add.argtypes = [pointer, ctypes.c_char_p, ctypes.c_int64, ctypes.c_char_p, ctypes.c_int64]
    library.chunkmemo_number.restype = ctypes.c_int64
    library.chunkmemo_number.argtypes = [pointer, ctypes.c_char_p, ctypes.c_int64, pointer, ctypes.c_int64]
    library.chunkmemo_number.argtypes += [pointer, ctypes.c_int64, pointer]
    count = library.count_terms_per_paragraph
    count.restype = ctypes.c_int64
    count.argtypes = [ctypes.c_int64, pointer, pointer, ctypes.c_int64] + [pointer] * 5
    group = library.bm25_group_by_term
    group.restype = ctypes.c_int64
    group.argtypes = [ctypes.c_int64] + [pointer] * 4 + [ctypes.c_int64, pointer] + [ctypes.c_int64] * 3 + [pointer] * 3
    return library


KERNEL = _load()
# The kernel walks the paragraphs of the essential lists (MaxScore) unless that costs more than adding up their
# postings term at a time: (postings walked × essential terms) > this × all postings. At 1M paragraphs
# (engine_scaling's corpus and questions, kernel time per question, best of 3, p50 / mean ms, 3 terms; 8 terms;
# session 15): walk always 0.15 / 0.27; 2.27 / 2.67. Term at a time always 0.21 / 0.21; 0.47 / 0.46. Ratio 0.5
# 0.18 / 0.19; 0.47 / 0.46. 1.0 0.14 / 0.19; 0.48 / 0.48. 1.5 0.15 / 0.27; 0.49 / 0.51. The faster of the two for
# each question: 0.14 / 0.16; 0.47 / 0.46 (no rule on these counts came closer). 0: never walk; 1e18: always walk
# (tests run both).
WALK_COST_RATIO = 1.0
# With coverage (answers rank so) adding up costs more (every posting, two arrays) and the walk prunes more. At 1M
# paragraphs (warm, p50 / mean µs; 3 terms; 8 terms; session 18, after the adding up lost its random branch):
# ratio 0 (always add up) 415 / 397; 899 / 915. 0.5 163 / 256; 903 / 905. 1.0 162-164 / 233-238; 891-904 / 902-913.
# 1.5 163 / 261; 897 / 904. 2.0 173 / 274; 888 / 896. 3.0 163-165 / 260; 904-913 / 928-991. Kept at 3.0: in the
# scaling benchmark's serving worker (cold and warm reads, four alternating runs) 1.0 had the answer path's 3-term
# p50 at 1.15 / 1.08 ms against 3.0's 1.07 / 0.98.
WALK_COST_RATIO_WITH_COVERAGE = 3.0
_switched_off = False


def kernel_enabled() -> bool:
    """Whether index/bm25.py sums scores in the C kernel now."""
    return KERNEL is not None and not _switched_off


@contextmanager
def numpy_only() -> Iterator[None]:
    """Within the block, index/bm25.py uses its numpy path (tests compare both; not thread-safe)."""
    global _switched_off
    before, _switched_off = _switched_off, True
    try:
        yield
    finally:
        _switched_off = before


@dataclass(frozen=True, slots=True)
class KernelTerm:
    """Where one term's arrays are, as the kernel reads them: taken once when the index reader loads the term
    (reading an array's address costs ~1 µs, and a question asked for ~20 of them), and for a term whose
    contributions a question computes, per question."""

    length: int
    ids: int  # int32 paragraph ids, ascending
    term_freqs: int  # uint32 whose low 16 bits are the term frequency (stored postings; or int32 frequencies < 65536)
    contributions: int  # float32, each > 0 (0: none, exact scores only)
    bonus: int = 0  # float64 title bonus per posting (0: none)
    top: int = 0  # int64 positions of the highest contributions, best first (0: none known)
    top_count: int = 0
    largest: float = 0.0  # the largest contribution
    # the arrays themselves (ids, term_freqs, contributions, top, bonus; None where absent): kept alive, and
    # compared by identity where a view is reused (index/bm25.py _own_view)
    arrays: tuple[np.ndarray | None, ...] = field(default=(), compare=False, repr=False)


def kernel_term(
    paragraph_ids: np.ndarray,
    term_freqs: np.ndarray | None = None,
    contributions: np.ndarray | None = None,
    top: np.ndarray | None = None,
    bonus: np.ndarray | None = None,
    stored_frequencies: np.ndarray | None = None,
) -> KernelTerm:
    """The KernelTerm of contiguous arrays of the kernel's types (int32 ids and frequencies, float32 contributions,
    int64 best positions, float64 bonus). `stored_frequencies`: the postings' uint32 stored form, read in place of
    a contiguous copy of `term_freqs` (which may then be a view of its low halves)."""
    has_top = top is not None and top.size > 0
    largest = 0.0
    if contributions is not None and contributions.size:
        largest = float(contributions[top[0]]) if has_top else float(contributions.max())
    return KernelTerm(
        int(paragraph_ids.size),
        paragraph_ids.ctypes.data,
        stored_frequencies.ctypes.data
        if stored_frequencies is not None
        else (0 if term_freqs is None else term_freqs.ctypes.data),
        0 if contributions is None else contributions.ctypes.data,
        0 if bonus is None else bonus.ctypes.data,
        top.ctypes.data if has_top else 0,
        int(top.size) if has_top else 0,
        largest,
        (paragraph_ids, term_freqs, contributions, top, bonus),
    )


def _doubles(values: Sequence[float]) -> ctypes.Array:
    return (ctypes.c_double * len(values))(*values)


def select_candidates(
    paragraph_ids: Sequence[np.ndarray],
    contributions: Sequence[np.ndarray],
    factors: Sequence[float],
    shares: Sequence[float] | None,
    tops: Sequence[np.ndarray | None],
    accumulator: np.ndarray,
    scratch: np.ndarray | None,
    k: int,
    relative_slack: float,
) -> np.ndarray:
    """Sorted ids of the paragraphs that can be in the best k (see _bm25kernel.c): `paragraph_ids` int32 and
    `contributions` float32 per term (contiguous, each > 0), `factors` > 0; `shares`: coverage; `tops`: per term
    the positions of its highest contributions, best first (int64), or None. `accumulator` (and with `shares`,
    `scratch`) are zeroed float32 arrays, one slot per paragraph, left zeroed."""
    tops = [None if top is None else np.ascontiguousarray(top, dtype=np.int64) for top in tops]
    terms = [kernel_term(i, None, c, top) for i, c, top in zip(paragraph_ids, contributions, tops)]
    return select_candidates_of(terms, factors, shares, accumulator, scratch, k, relative_slack)


# Where the kernel writes a question's candidates, kept per thread: two arrays made per question (room for every
# posting, of which a few dozen are written) cost ~16 µs, a fresh mapping and a page fault each, then unmapped —
# 5 % of a 3-term question at 1M paragraphs. Room for more than KEPT_CANDIDATE_ROOM is made for that question only.
KEPT_CANDIDATE_ROOM = 1 << 21
_candidate_buffers = threading.local()


def _candidate_room(size: int) -> tuple[np.ndarray, np.ndarray]:
    """int32 ids and float32 values with room for `size` candidates (their contents undefined)."""
    room = _kept_room(size)
    if room is None:
        return np.empty(size, dtype=np.int32), np.empty(size, dtype=np.float32)
    return room.ids, room.values


@dataclass(frozen=True, slots=True)
class _Room:
    """A thread's kept candidate arrays with their addresses (reading an array's address costs ~1 µs)."""

    ids: np.ndarray
    values: np.ndarray
    ranked_ids: np.ndarray  # int32, the best k written back (room for RANKED_ROOM)
    ranked_scores: np.ndarray  # float64
    addresses: tuple[int, int, int, int]


RANKED_ROOM = 1024


def _kept_room(size: int) -> _Room | None:
    if size > KEPT_CANDIDATE_ROOM:
        return None
    room = getattr(_candidate_buffers, "room", None)
    if room is None or room.ids.size < size:
        length = min(max(size, 1 << 16, 2 * (0 if room is None else room.ids.size)), KEPT_CANDIDATE_ROOM)
        arrays = (
            np.empty(length, dtype=np.int32),
            np.empty(length, dtype=np.float32),
            np.empty(RANKED_ROOM, dtype=np.int32),
            np.empty(RANKED_ROOM, dtype=np.float64),
        )
        room = _candidate_buffers.room = _Room(*arrays, tuple(a.ctypes.data for a in arrays))
    return room


def select_candidates_of(
    terms: Sequence[KernelTerm],
    factors: Sequence[float],
    shares: Sequence[float] | None,
    accumulator: np.ndarray,
    scratch: np.ndarray | None,
    k: int,
    relative_slack: float,
) -> np.ndarray:
    """select_candidates over KernelTerms (with contributions)."""
    assert KERNEL is not None
    n = len(terms)
    out_ids, out_values = _candidate_room(sum(term.length for term in terms))
    pointers = (ctypes.c_void_p * (3 * n))(
        *[t.ids for t in terms], *[t.contributions for t in terms], *[t.top or None for t in terms]
    )
    counts = (ctypes.c_int64 * (2 * n))(*[t.length for t in terms], *[t.top_count for t in terms])
    kept = KERNEL.bm25_select(
        n,
        pointers,
        ctypes.byref(pointers, n * ctypes.sizeof(ctypes.c_void_p)),
        counts,
        _doubles(factors),
        None if shares is None else _doubles(shares),
        (ctypes.c_float * n)(*[t.largest for t in terms]),
        ctypes.byref(pointers, 2 * n * ctypes.sizeof(ctypes.c_void_p)),
        ctypes.byref(counts, n * ctypes.sizeof(ctypes.c_int64)),
        accumulator.ctypes.data,
        None if scratch is None else scratch.ctypes.data,
        k,
        relative_slack,
        WALK_COST_RATIO if shares is None else WALK_COST_RATIO_WITH_COVERAGE,
        out_ids.ctypes.data,
        out_values.ctypes.data,
    )
    if kept < 0:
        raise MemoryError("the BM25 kernel could not allocate its working arrays")
    return np.sort(out_ids[:kept])


def rank_of(
    terms: Sequence[KernelTerm],
    factors: Sequence[float],
    shares: Sequence[float] | None,
    accumulator: np.ndarray,
    scratch: np.ndarray | None,
    norms: np.ndarray,
    k1: float,
    k: int,
    relative_slack: float,
) -> list[tuple[int, float]]:
    """The best k paragraphs by exact BM25 (× coverage with `shares`), ties by the lower id, in one call: the
    candidates select_candidates_of would give, scored as exact_scores_of would, ordered as index/bm25.py top_k
    orders. Each term needs its ids, frequencies and contributions (KernelTerms); `norms` float64 per paragraph."""
    assert KERNEL is not None
    n = len(terms)
    postings = sum(term.length for term in terms)
    room = _kept_room(postings)
    if room is None or k > RANKED_ROOM:
        work = _candidate_room(postings)
        ranked = np.empty(k, dtype=np.int32), np.empty(k, dtype=np.float64)
        arrays = (*work, *ranked)
        addresses = tuple(a.ctypes.data for a in arrays)
    else:
        arrays, addresses = (room.ids, room.values, room.ranked_ids, room.ranked_scores), room.addresses
    pointers = (ctypes.c_void_p * (5 * n))(
        *[t.ids for t in terms],
        *[t.contributions for t in terms],
        *[t.term_freqs for t in terms],
        *[t.bonus or None for t in terms],
        *[t.top or None for t in terms],
    )
    counts = (ctypes.c_int64 * (2 * n))(*[t.length for t in terms], *[t.top_count for t in terms])
    size = ctypes.sizeof(ctypes.c_void_p)
    found = KERNEL.bm25_rank(
        n,
        pointers,
        ctypes.byref(pointers, n * size),
        ctypes.byref(pointers, 2 * n * size),
        ctypes.byref(pointers, 3 * n * size),
        counts,
        _doubles(factors),
        None if shares is None else _doubles(shares),
        (ctypes.c_float * n)(*[t.largest for t in terms]),
        ctypes.byref(pointers, 4 * n * size),
        ctypes.byref(counts, n * ctypes.sizeof(ctypes.c_int64)),
        accumulator.ctypes.data,
        None if scratch is None else scratch.ctypes.data,
        norms.ctypes.data,
        k1,
        k,
        relative_slack,
        WALK_COST_RATIO if shares is None else WALK_COST_RATIO_WITH_COVERAGE,
        *addresses,
    )
    if found < 0:
        raise MemoryError("the BM25 kernel could not allocate its working arrays")
    return list(zip(arrays[2][:found].tolist(), arrays[3][:found].tolist()))


def exact_scores_of(
    candidates: np.ndarray,
    terms: Sequence[KernelTerm],
    factors: Sequence[float],
    shares: Sequence[float] | None,
    norms: np.ndarray,
    k1: float,
) -> np.ndarray:
    """Exact float64 BM25 (× coverage with `shares`) of the ascending unique `candidates`, bit for bit as
    index/bm25.py's _exact_scores computes it: per term its paragraph ids, int32 term frequencies and float64
    title bonus (or none), as KernelTerms; `norms` float64 per paragraph."""
    assert KERNEL is not None
    n = len(terms)
    candidates = np.ascontiguousarray(candidates, dtype=np.int32)
    scores = np.empty(candidates.size, dtype=np.float64)
    pointers = (ctypes.c_void_p * (3 * n))(
        *[t.ids for t in terms], *[t.term_freqs for t in terms], *[t.bonus or None for t in terms]
    )
    size = ctypes.sizeof(ctypes.c_void_p)
    KERNEL.bm25_exact(
        n,
        pointers,
        ctypes.byref(pointers, n * size),
        ctypes.byref(pointers, 2 * n * size),
        (ctypes.c_int64 * n)(*[t.length for t in terms]),
        _doubles(factors),
        None if shares is None else _doubles(shares),
        np.ascontiguousarray(norms, dtype=np.float64).ctypes.data,
        k1,
        candidates.size,
        candidates.ctypes.data,
        scores.ctypes.data,
    )
    return scores


def unpack_impacts32(packed: np.ndarray, norm_by_length: np.ndarray, k1: float) -> np.ndarray:
    """Stored postings' float32 impacts, the same bits as index/stored_postings.py unpack_postings' numpy path:
    `packed` uint32 (tf | length << 16), `norm_by_length` float64 indexed by paragraph length."""
    assert KERNEL is not None
    packed = np.ascontiguousarray(packed, dtype=np.uint32)
    norm_by_length = np.ascontiguousarray(norm_by_length, dtype=np.float64)
    out = np.empty(packed.size, dtype=np.float32)
    KERNEL.bm25_unpack_impacts(packed.size, packed.ctypes.data, norm_by_length.ctypes.data, k1, out.ctypes.data)
    return out


def top_positions(impacts: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` highest float32 impacts, highest first, ties by position (int64)."""
    assert KERNEL is not None
    impacts = np.ascontiguousarray(impacts, dtype=np.float32)
    out = np.empty(min(count, impacts.size), dtype=np.int64)
    found = KERNEL.bm25_top_positions(impacts.size, impacts.ctypes.data, count, out.ctypes.data)
    return out[:found]
