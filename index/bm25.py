"""BM25 scoring over postings arrays: pure functions of numpy arrays, no I/O.

Similarity (Elasticsearch's names): BM25 with parameters k1 and b, and Lucene's IDF
    idf(n) = ln(1 + (N - n + 0.5) / (n + 0.5))
which, unlike rank-bm25's BM25Okapi default, is never negative, so a term in most paragraphs still
counts a little instead of being clamped. Tests compare with rank-bm25's BM25Okapi subclassed with
this IDF (the oracle) to 1e-6.

A query is a list of `TermGroup`s. A group with several terms is a synonym set (Pirkola's structured
query): its term frequency in a paragraph is the sum of its members', its document frequency is the
size of the union of their postings, so a word with eight translations weighs like a word with one.

Ranking multiplies BM25 by the paragraph's *coverage*, the share of the query's weight (IDF × query
weight) whose terms the paragraph holds — the coordination factor of Lucene's classic similarity. Plain
BM25 lets a paragraph repeating two rare words of a long question beat the one holding most of it; on
FacQA valid the factor lifts MRR@10 from 0.840 to 0.849 (benchmarks/facqa_retrieval.py). Coverage is at
most 1, so a coordinated score never exceeds the BM25 score the oracle checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .kernel import KernelTerm, exact_scores_of, kernel_enabled, kernel_term, rank_of, top_positions


# Lucene's and Elasticsearch's defaults. On FacQA valid, k1 in 0.6..1.5 and b in 0.5..0.9 are all
# within 0.01 MRR@10 of each other (benchmarks/facqa_retrieval.py --k1/--b); we keep the standard.
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75


@dataclass(frozen=True, slots=True)
class BM25Params:
    k1: float = DEFAULT_K1
    b: float = DEFAULT_B

    def __post_init__(self) -> None:
        if not (self.k1 >= 0 and 0 <= self.b <= 1):
            raise ValueError(f"BM25 needs k1 >= 0 and 0 <= b <= 1 (got k1={self.k1}, b={self.b})")


@dataclass(frozen=True, slots=True)
class Postings:
    """Paragraphs a term occurs in (ascending ids) and how often."""

    paragraph_ids: np.ndarray  # int32, sorted, unique
    term_freqs: np.ndarray  # integers, same length (0 where only `bonus` matched); as read from an index, a uint16
    # view of the stored uint32 postings' low halves (index/stored_postings.py)
    # Title and heading matches (index/search.py): per posting, what is added to the saturated frequency
    # part (k1+1)·tf/(tf+norm) — a constant, so the paragraphs under one title keep their order among
    # themselves. And the document frequency IDF is computed from: the body's, or a headline's words would
    # turn common. None / -1: plain postings.
    bonus: np.ndarray | None = None
    idf_doc_freq: int = -1
    # (k1+1)·tf/(tf+norm) per posting as float32, for `impact_params` (the index reader computes them once per
    # term it loads): the serving path adds them up instead of recomputing, then rescores its candidates exactly
    impacts: np.ndarray | None = None
    impact_params: BM25Params | None = None
    # positions of the highest impacts, best first (at most TOP_IMPACTS): a one-term question's best k are
    # among them, so it reads k entries instead of the whole list
    top_impacts: np.ndarray | None = None
    # where these arrays are, for the C kernel (index/kernel.py): set by the index reader as it loads the term
    # (used only while it describes this object's own arrays: see _own_view)
    kernel_view: KernelTerm | None = field(default=None, compare=False, repr=False)

    @property
    def doc_freq(self) -> int:
        return int(self.paragraph_ids.size)

    @property
    def weighting_doc_freq(self) -> int:
        return self.idf_doc_freq if self.idf_doc_freq >= 0 else int(self.paragraph_ids.size)


EMPTY_POSTINGS = Postings(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))


@dataclass(frozen=True, slots=True)
class TermGroup:
    """One query term: its index terms (several for a synonym set) and its weight in the query."""

    terms: tuple[str, ...]
    weight: float = 1.0
    label: str = ""  # what the user typed, for "searched: …" explanations


def lucene_idf(n_paragraphs: int, doc_freq: np.ndarray | int) -> np.ndarray | float:
    return np.log1p((n_paragraphs - np.asarray(doc_freq, dtype=np.float64) + 0.5) / (np.asarray(doc_freq) + 0.5))


# IDFs already computed, by (paragraphs, document frequency): numpy's call on a question's few values cost ~5 µs of
# a 3-term question's ~330 (the values are numpy's, computed once: the same bits as computing them each time)
_IDF_MEMO: dict[tuple[int, int], float] = {}
IDF_MEMO_LIMIT = 1 << 16


def remembered_idfs(n_paragraphs: int, doc_freqs: Sequence[int]) -> list[float]:
    """lucene_idf of each document frequency, as floats."""
    found = [_IDF_MEMO.get((n_paragraphs, df)) for df in doc_freqs]
    missing = [df for df, idf in zip(doc_freqs, found) if idf is None]
    if not missing:
        return found  # type: ignore[return-value] - none is None
    computed = dict(zip(missing, lucene_idf(n_paragraphs, np.array(missing, dtype=np.int64)).tolist()))
    if len(_IDF_MEMO) > IDF_MEMO_LIMIT:
        _IDF_MEMO.clear()
    _IDF_MEMO.update(((n_paragraphs, df), idf) for df, idf in computed.items())
    return [computed[df] if idf is None else idf for df, idf in zip(doc_freqs, found)]


def merge_postings(postings: Sequence[Postings]) -> Postings:
    """Union of several terms' postings with term frequencies summed (a synonym set as one term)."""
    present = [p for p in postings if p.doc_freq]
    if not present:
        return EMPTY_POSTINGS
    if len(present) == 1:
        return present[0]
    ids = np.concatenate([p.paragraph_ids for p in present])
    tfs = np.concatenate([p.term_freqs for p in present])
    unique_ids, inverse = np.unique(ids, return_inverse=True)
    summed = np.zeros(unique_ids.size, dtype=np.int64)
    np.add.at(summed, inverse, tfs)
    return Postings(unique_ids.astype(np.int32), summed.astype(np.int32))


# Up to this many candidates, top_k sorts in Python (most questions: a few dozen candidates; ~5 against ~10 µs a
# question, measured with the engine benchmark's 3-term questions)
SMALL_TOP_K = 64


def top_k(paragraph_ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Best k by score, ties broken by lower paragraph id so results are stable."""
    if k <= 0 or not paragraph_ids.size:
        return []
    if paragraph_ids.size <= SMALL_TOP_K:  # the same order in plain Python, without numpy's per-call cost
        ids, values = paragraph_ids.tolist(), scores.tolist()
        order = sorted(range(len(ids)), key=lambda i: (-values[i], ids[i]))[:k]
        return [(int(ids[i]), float(values[i])) for i in order]
    if paragraph_ids.size > k:
        # partial sort: keep everything scoring at least the k-th best, so ties at the border survive
        kth = np.partition(scores, paragraph_ids.size - k)[paragraph_ids.size - k]
        keep = scores >= kth
        paragraph_ids, scores = paragraph_ids[keep], scores[keep]
    order = np.lexsort((paragraph_ids, -scores))[:k]
    return [(int(paragraph_ids[i]), float(scores[i])) for i in order]


def length_norms(lengths: np.ndarray, avg_length: float, params: BM25Params) -> np.ndarray:
    """k1·(1 − b + b·dl/avgdl) per paragraph: the part of BM25 that does not depend on the query."""
    return params.k1 * (1.0 - params.b + params.b * lengths / avg_length)


def saturated(term_freqs: np.ndarray, posting_norms: np.ndarray, params: BM25Params) -> np.ndarray:
    """(k1+1)·tf/(tf+norm) per posting as float64, `posting_norms` each posting's paragraph's norm (a new array,
    used up): one order of operations, so every path that computes impacts gets the same bits."""
    tf = term_freqs.astype(np.float64)
    posting_norms += tf
    tf *= params.k1 + 1.0
    tf /= posting_norms
    return tf


def impacts_of(postings: Postings, norms: np.ndarray, params: BM25Params) -> np.ndarray:
    """(k1+1)·tf/(tf+norm) per posting, plus its title bonus, as float64: the query-independent part of BM25."""
    tf = saturated(postings.term_freqs, norms[postings.paragraph_ids], params)
    if postings.bonus is not None:
        tf += postings.bonus
    return tf


def served_impacts(postings: Postings, params: BM25Params) -> np.ndarray | None:
    """The postings' precomputed float32 impacts when they hold for `params` and no title bonus is added (then the
    serving path adds them up as they are), else None (computed per question with impacts_of)."""
    if postings.impacts is not None and postings.impact_params == params and postings.bonus is None:
        return postings.impacts
    return None


# Positions of the highest impacts the index reader keeps per term: enough for a one-term question's best 10
# and for the kernel's first threshold; a deeper question finds more in the impacts when it needs them. At 1M
# paragraphs 32 cost 0.03 ms a term loaded where 256 cost 0.085 (benchmarks/engine_scaling.py's terms).
TOP_IMPACTS = 32


def best_impact_positions(impacts: np.ndarray, count: int = TOP_IMPACTS) -> np.ndarray:
    """Positions of the `count` highest impacts, highest first, ties by position (= paragraph id). Which of the
    impacts tied with the last one are kept may differ between the kernel and numpy (their users check ties)."""
    if kernel_enabled() and impacts.dtype == np.float32:
        return top_positions(impacts, count)
    if impacts.size > count:
        positions = np.argpartition(-impacts, count - 1)[:count]
    else:
        positions = np.arange(impacts.size)
    return positions[np.lexsort((positions, -impacts[positions]))]


# Float32 sums of a few dozen non-negative contributions are within ~1e-6 of the exact sum, relatively; candidates
# are taken this much (relative to the best score) below the approximate k-th best, then scored exactly.
APPROXIMATION_SLACK = 1e-5


def approximation_slack(groups: int, largest: float) -> float:
    """How far a float32 sum of `groups` non-negative parts may be from the exact one, the largest sum being
    `largest`: a few float32 steps per part, never less than APPROXIMATION_SLACK of it."""
    return max(APPROXIMATION_SLACK, (groups + 4) * 1.2e-7) * largest


def rank_with_accumulator(
    group_postings: Sequence[Postings],
    weights: Sequence[float],
    norms: np.ndarray,
    params: BM25Params,
    k: int,
    accumulator: np.ndarray,
    *,
    coordinated: bool = False,
    n_paragraphs: int | None = None,
    scratch: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """The serving path: the same scores as bm25_reference.score_groups + top_k (then `coordinate` if `coordinated`).

    Contributions (precomputed float32 impacts where the postings carry them) are added into a dense per-paragraph
    `accumulator` (float32 when serving: half the memory traffic), which only *selects* candidates: every paragraph
    that could be in the best k is kept, with a margin for rounding, and the candidates are then scored exactly in
    float64 from the postings. `accumulator` must be all zeros; it is left so. `n_paragraphs`, BM25's N: the live
    paragraphs when removals left ids unused (default: every id). With the C kernel (index/kernel.py) the sums
    and the selection run there; coverage then needs `scratch`, a second zeroed float32 array like `accumulator`."""
    if k <= 0:
        return []
    n_paragraphs = int(norms.size) if n_paragraphs is None else n_paragraphs
    idfs = remembered_idfs(n_paragraphs, [p.weighting_doc_freq for p in group_postings])
    total_weight = sum(idf * weight for idf, weight in zip(idfs, weights))  # absent groups count too
    present = [
        (postings, idf * weight, idf * weight / total_weight if total_weight > 0 else 0.0)
        for postings, weight, idf in zip(group_postings, weights, idfs)
        if postings.doc_freq
    ]
    if not present:
        return []
    if len(present) == 1 and (best := _one_term_from_top_impacts(present[0], norms, params, k, coordinated)):
        return best
    # the kernel tells a touched paragraph by its sum above 0: every part must add something
    usable = all(factor > 0 for _postings, factor, _share in present)
    if usable and kernel_enabled() and accumulator.dtype == np.float32 and (scratch is not None or not coordinated):
        return _kernel_rank(present, norms, params, k, accumulator, scratch if coordinated else None)
    scale = accumulator.dtype.type
    touched: list[np.ndarray] = []
    for postings, factor, _share in present:
        if (impacts := served_impacts(postings, params)) is not None:
            contribution = impacts * scale(factor)
        else:
            contribution = (impacts_of(postings, norms, params) * factor).astype(accumulator.dtype, copy=False)
        # ids within one term's postings are unique, so fancy-index += adds each contribution once
        accumulator[postings.paragraph_ids] += contribution
        touched.append(postings.paragraph_ids)
    entries = touched[0] if len(touched) == 1 else np.concatenate(touched)
    values = accumulator[entries].astype(np.float64)
    accumulator[entries] = 0
    # how far an approximate sum may be from the exact one (non-negative parts: relative to the largest score)
    slack = approximation_slack(len(touched), float(values.max()))
    # the (k·g)-th best entry is at most the k-th best paragraph's BM25 (a paragraph has ≤ g entries)
    keep_count = k * len(touched)
    floor = -np.inf
    if values.size > keep_count:
        floor = float(np.partition(values, values.size - keep_count)[values.size - keep_count])
    if not coordinated:
        # a paragraph below floor − 2·slack scores (exactly) below k others: it cannot be in the best k
        candidates = np.unique(entries[values >= floor - 2 * slack])
        return top_k(candidates, _exact_scores(candidates, present, norms, params, False), k)
    # Coverage is at most 1, so a paragraph scores at most its BM25 score. First round: the entries near the best
    # k·g by BM25, coordinated (approximately, then exactly for the few that can be best), give a k-th score F.
    # A paragraph left out has BM25 below the floor: if F is above the floor none can enter; else look again
    # among every entry whose BM25 reaches F.
    offsets = np.cumsum([t.size for t in touched])
    shares = [share for _postings, _factor, share in present]
    best = _coordinated_round(
        entries, values, values >= floor - 2 * slack, offsets, shares, present, norms, params, k, slack, accumulator
    )
    if len(best) == k and floor > -np.inf and floor + slack >= best[-1][1]:
        kept = values >= best[-1][1] - 2 * slack
        best = _coordinated_round(entries, values, kept, offsets, shares, present, norms, params, k, slack, accumulator)
    return best


def _own_view(postings: Postings) -> KernelTerm | None:
    """The postings' kernel view if it describes their own arrays (a copy made with other arrays keeps the field)."""
    view = postings.kernel_view
    if view is None:
        return None
    ids, term_freqs, impacts, top, _bonus = view.arrays
    own = ids is postings.paragraph_ids and term_freqs is postings.term_freqs and impacts is postings.impacts
    return view if own and top is postings.top_impacts else None


def _kernel_rank(
    present: Sequence[tuple[Postings, float, float]],
    norms: np.ndarray,
    params: BM25Params,
    k: int,
    accumulator: np.ndarray,
    scratch: np.ndarray | None,
) -> list[tuple[int, float]]:
    """The best k by the C kernel: candidates selected from float32 sums (× coverage with `scratch`), scored exactly,
    ordered as top_k orders (kernel.rank_of). Its error bound is twice the numpy path's: it also rounds the
    impacts computed here to float32."""
    terms = []  # a KernelTerm holds its arrays: those made here live through the kernel's call
    for postings, _factor, _share in present:
        served, view = served_impacts(postings, params), _own_view(postings)
        if served is not None and view is not None:
            terms.append(view)  # served impacts mean no title bonus: the view has all the kernel reads
            continue
        contribution = impacts_of(postings, norms, params) if served is None else served
        top = None if served is None or postings.top_impacts is None else postings.top_impacts
        bonus = postings.bonus
        terms.append(
            kernel_term(
                np.ascontiguousarray(postings.paragraph_ids, dtype=np.int32),
                np.ascontiguousarray(postings.term_freqs, dtype=np.int32),
                np.ascontiguousarray(contribution, np.float32),
                None if top is None else np.ascontiguousarray(top, np.int64),
                None if bonus is None else np.ascontiguousarray(bonus, dtype=np.float64),
            )
        )
    relative = 2 * approximation_slack(len(present), 1.0)
    factors = [factor for _postings, factor, _share in present]
    shares = None if scratch is None else [share for _postings, _factor, share in present]
    norms = np.ascontiguousarray(norms, dtype=np.float64)
    return rank_of(terms, factors, shares, accumulator, scratch, norms, params.k1, k, relative)


def _coordinated_round(
    entries: np.ndarray,
    values: np.ndarray,
    kept: np.ndarray,
    offsets: np.ndarray,
    shares: Sequence[float],
    present: Sequence[tuple[Postings, float, float]],
    norms: np.ndarray,
    params: BM25Params,
    k: int,
    slack: float,
    scratch: np.ndarray,
) -> list[tuple[int, float]]:
    """Best k of the kept entries' paragraphs by BM25 × coverage. Group g's entries are entries[offsets[g-1]:
    offsets[g]]. Coverage is summed approximately in `scratch` (the zeroed accumulator, left zeroed) to find the
    few paragraphs that can be best; those are scored exactly."""
    positions = np.flatnonzero(kept)
    kept_ids = entries[positions]
    start = 0
    # a paragraph's coverage: add each group's share at its kept entries (unique within a group, so fancy-index
    # += adds once), then read it back at every entry — no sort of the kept entries
    for share, end in zip(shares, np.searchsorted(positions, offsets)):
        scratch[kept_ids[start:end]] += scratch.dtype.type(share)
        start = end
    approximate = values[positions] * scratch[kept_ids]
    scratch[kept_ids] = 0
    if approximate.size > k * len(shares):
        border = np.partition(approximate, approximate.size - k * len(shares))[approximate.size - k * len(shares)]
        # coverage errs by at most a few float32 steps of 1: the product by at most slack + that much of the score
        candidates = np.unique(kept_ids[approximate >= border - 2 * slack - 1e-6 * float(approximate.max())])
    else:
        candidates = np.unique(kept_ids)
    return top_k(candidates, _exact_scores(candidates, present, norms, params, True), k)


def _one_term_from_top_impacts(
    group: tuple[Postings, float, float], norms: np.ndarray, params: BM25Params, k: int, coordinated: bool
) -> list[tuple[int, float]] | None:
    """A one-term question's best k from the term's highest impacts (its score is impact × a constant), or None
    when the list is not long enough to be sure (then the full path decides)."""
    postings, _factor, _share = group
    top, served = postings.top_impacts, served_impacts(postings, params)
    if top is None or served is None:
        return None
    for attempt in range(2):
        if k <= top.size:
            impacts = served[top].astype(np.float64)  # best first
            slack = 2 * approximation_slack(1, float(impacts[0]))
            near = impacts >= impacts[k - 1] - slack
            if not near[-1] or top.size == postings.doc_freq:
                break  # nothing beyond the list can tie with the k-th best
        if attempt or top.size == postings.doc_freq:
            return None
        top = best_impact_positions(served, max(8 * k, 8 * top.size))  # a deeper list, for this question only
    candidates = np.sort(postings.paragraph_ids[top[near]])
    return top_k(candidates, _exact_scores(candidates, [group], norms, params, coordinated), k)


def _exact_scores(
    candidates: np.ndarray,
    present: Sequence[tuple[Postings, float, float]],
    norms: np.ndarray,
    params: BM25Params,
    coordinated: bool,
) -> np.ndarray:
    """BM25 (× coverage if `coordinated`) of each candidate paragraph (unique ids), in float64 from the postings,
    summed group by group in query order as score_groups does (in the C kernel when it serves: the same bits)."""
    if kernel_enabled():
        terms = []  # a KernelTerm holds its arrays: those made here live through the kernel's call
        for postings, _factor, _share in present:
            view = _own_view(postings)
            if view is not None and postings.bonus is None:
                terms.append(view)
                continue
            arrays = (
                np.ascontiguousarray(postings.paragraph_ids, dtype=np.int32),
                np.ascontiguousarray(postings.term_freqs, dtype=np.int32),
                None if postings.bonus is None else np.ascontiguousarray(postings.bonus, dtype=np.float64),
            )
            terms.append(kernel_term(arrays[0], arrays[1], bonus=arrays[2]))
        factors = [factor for _p, factor, _s in present]
        shares = [share for _p, _f, share in present] if coordinated else None
        return exact_scores_of(candidates, terms, factors, shares, norms, params.k1)
    scores = np.zeros(candidates.size, dtype=np.float64)
    coverage = np.zeros(candidates.size, dtype=np.float64)
    for postings, factor, share in present:
        ids = postings.paragraph_ids
        found = np.minimum(np.searchsorted(ids, candidates), ids.size - 1)
        hit = ids[found] == candidates
        at = found[hit]
        bonus = None if postings.bonus is None else postings.bonus[at]
        scores[hit] += impacts_of(Postings(candidates[hit], postings.term_freqs[at], bonus), norms, params) * factor
        coverage[hit] += share
    return scores * coverage if coordinated else scores
