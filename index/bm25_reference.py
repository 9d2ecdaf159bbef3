"""The plain reference BM25 scorer: the slow, obvious way, kept for the tests.

The serving path (`index.bm25.rank_with_accumulator`, and the C kernel behind it) is held to these two
functions and to rank-bm25's BM25Okapi with Lucene's IDF (tests/test_bm25.py): same scores to 1e-6, the
same top k. Nothing in the product calls them.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .bm25 import BM25Params, Postings, lucene_idf


def term_scores(
    postings: Postings, weight: float, lengths: np.ndarray, avg_length: float, params: BM25Params
) -> np.ndarray:
    """BM25 contribution of one (merged) term to each paragraph in its postings, without IDF."""
    tf = postings.term_freqs.astype(np.float64)
    norm = params.k1 * (1.0 - params.b + params.b * lengths[postings.paragraph_ids] / avg_length)
    saturated = tf * (params.k1 + 1.0) / (tf + norm)
    return weight * (saturated if postings.bonus is None else saturated + postings.bonus)


def score_groups(
    group_postings: Sequence[Postings],
    weights: Sequence[float],
    lengths: np.ndarray,
    params: BM25Params,
    avg_length: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(paragraph ids, scores) for every paragraph matching at least one group, ids ascending.

    Serving uses index.bm25.rank_with_accumulator, which tests hold to this
    and to rank-bm25."""
    n_paragraphs = int(lengths.size)
    if avg_length is None:
        avg_length = float(lengths.mean()) if n_paragraphs else 1.0
    present = [(p, w) for p, w in zip(group_postings, weights) if p.doc_freq]
    if not present:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
    candidate_ids = np.unique(np.concatenate([p.paragraph_ids for p, _ in present]))
    scores = np.zeros(candidate_ids.size, dtype=np.float64)
    for postings, weight in present:
        slots = np.searchsorted(candidate_ids, postings.paragraph_ids)
        idf = lucene_idf(n_paragraphs, postings.weighting_doc_freq)
        scores[slots] += idf * term_scores(postings, weight, lengths, avg_length, params)
    return candidate_ids, scores


def coordinate(
    paragraph_ids: np.ndarray,
    scores: np.ndarray,
    group_postings: Sequence[Postings],
    weights: Sequence[float],
    n_paragraphs: int,
) -> np.ndarray:
    """Scores times coverage, the plain way: for each paragraph, the IDF × weight of the groups whose
    postings hold it, over the query's total (absent terms count in the total: the question asked for
    them). The reference the serving path's coordinated scores are tested against."""
    idf_weights = [float(lucene_idf(n_paragraphs, p.weighting_doc_freq)) * w for p, w in zip(group_postings, weights)]
    total = sum(idf_weights)
    if total <= 0:
        return np.zeros_like(scores)
    covered = np.zeros(paragraph_ids.size, dtype=np.float64)
    for postings, idf_weight in zip(group_postings, idf_weights):
        if postings.doc_freq:
            slots = np.minimum(np.searchsorted(postings.paragraph_ids, paragraph_ids), postings.doc_freq - 1)
            covered += idf_weight * (postings.paragraph_ids[slots] == paragraph_ids)
    return scores * (covered / total)
