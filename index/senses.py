"""Sense choice for translated questions: among a word's translations, keep those the corpus uses together
with the translations of the question's other words.

A dictionary lists every sense of a word ("cycle" → siklus, ritme, daur; "impact" → dampak, sentuh,
singgung), and searching all of them alike lets the wrong senses match paragraphs about something else.
The "most coherent translation" methods of the cross-language retrieval literature (Ballesteros & Croft
1998; Gao et al. 2001; Monz & Dorr 2005) choose by co-occurrence: a right sense tends to occur in the same
paragraphs as the right senses of the other words. Here each alternative is scored by how many of the
other query words it shares a paragraph with (weighted by how rare that word is), and alternatives far
below the best one are dropped. With no evidence (no alternative shares a paragraph with anything) all
are kept.

Measured, and off in the product (AnswerService(sense_choice=True) turns it on): on SQuAD-EN dev it changed the
query of 326 of the first 600 answerable questions, mostly to the sense a reader would pick (rights → hak, not
kanan; battle → tempur), yet MRR@10 stayed 0.708 → 0.707 at KEEP_SHARE 0.25, 0.706 at 0.5, 0.704 at 0.75 (BM25
alone; 0.794 → 0.793 with re-ranking): a structured query (all senses as one term, df of the union) already
keeps a wrong sense from outweighing the right one, and re-ranking by meaning does the rest. A cosine association
instead of counts scored the same (0.708 / 0.706). Commands: benchmarks/real_questions.py --set squad --lang en
[--semantic] [--sense-choice]; benchmarks/crosslingual_retrieval.py (its "with sense choice" rows).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .bm25 import Postings, TermGroup, merge_postings

# An alternative is kept when its coherence reaches KEEP_SHARE of the best alternative's.
KEEP_SHARE = 0.5


def coherence(alternative: Postings, others: list[Postings], n_paragraphs: int) -> float:
    """How strongly one translation co-occurs with the other query words: for each other word it shares a
    paragraph with, that word's IDF times log(1 + shared paragraphs)."""
    if not alternative.doc_freq:
        return 0.0
    score = 0.0
    for other in others:
        if not other.doc_freq:
            continue
        shared = int(np.isin(alternative.paragraph_ids, other.paragraph_ids, assume_unique=True).sum())
        if shared:
            idf = math.log(1 + (n_paragraphs - other.doc_freq + 0.5) / (other.doc_freq + 0.5))
            score += idf * math.log1p(shared)
    return score


def choose_senses(
    groups: tuple[TermGroup, ...],
    choosable: Callable[[TermGroup], bool],
    postings: Callable[[str], Postings],
    n_paragraphs: int,
    keep_share: float | None = None,
) -> tuple[tuple[TermGroup, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The groups with incoherent translations dropped from the `choosable` ones (translated words, not
    names), and (word, dropped terms) for each group that lost some."""
    keep_share = KEEP_SHARE if keep_share is None else keep_share
    if len(groups) < 2:
        return groups, ()
    merged = [merge_postings([postings(t) for t in g.terms]) for g in groups]
    chosen: list[TermGroup] = []
    dropped: list[tuple[str, tuple[str, ...]]] = []
    for index, group in enumerate(groups):
        if len(group.terms) < 2 or not choosable(group):
            chosen.append(group)
            continue
        others = [p for j, p in enumerate(merged) if j != index]
        scores = [coherence(postings(t), others, n_paragraphs) for t in group.terms]
        best = max(scores)
        if best <= 0:
            chosen.append(group)  # no evidence either way: every sense stays
            continue
        kept = tuple(t for t, s in zip(group.terms, scores) if s >= keep_share * best)
        chosen.append(TermGroup(kept, group.weight, group.label))
        if len(kept) < len(group.terms):
            dropped.append((group.label, tuple(t for t in group.terms if t not in kept)))
    return tuple(chosen), tuple(dropped)
