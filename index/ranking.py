"""The answer service's steps over one index snapshot: planning an Indonesian question, the postings of a query
term (with its title and heading matches), coverage, the paragraph holding the asked type first, the best sentence,
the stated reason first, sense choice, and words as the corpus writes them. Functions of a reader, an analyzer and
analysed terms; index/search.py strings them together."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .analysis import Analyzer, AnalyzerSpec, get_analyzer, split_sentences
from .answer import Citation, Hit
from .answer_type import holds_answer_type
from .gloss import gloss
from .senses import choose_senses
from .bm25 import (
    BM25Params,
    Postings,
    TermGroup,
    lucene_idf,
    merge_postings,
    rank_with_accumulator,
    remembered_idfs,
)
from .handle import IndexSnapshot
from .store import IndexReader

MAX_QUESTION_CHARS = 2000  # longer input is cut here: no question needs more, and it bounds the work
# A pasted text (over LONG_QUESTION_WORDS words) is searched by its MOST_TELLING_TERMS most telling words
# the index holds (most_telling): no paragraph covers most of a 500-character text, so all of it was refused.
LONG_QUESTION_WORDS = 40
MOST_TELLING_TERMS = 8


def plan_query(question: str, analyzer: Analyzer) -> tuple[TermGroup, ...]:
    """Distinct analysed terms of the question, weighted by how often each occurs (as BM25Okapi does)."""
    counts: dict[str, int] = {}
    for term in analyzer.analyze(question[:MAX_QUESTION_CHARS]):
        counts[term] = counts.get(term, 0) + 1
    return tuple(TermGroup(terms=(term,), weight=float(n), label=term) for term, n in counts.items())


def prefer_answer_type(
    ranked: list[tuple[int, float]], reader: IndexReader, answer_kind: str, question: str
) -> list[tuple[int, float]]:
    """The hits re-scored: × TYPE_RANK_BONUS for a paragraph holding an answer of the asked type."""
    records = reader.paragraphs([pid for pid, _ in ranked])
    rescored = [
        (pid, score * (TYPE_RANK_BONUS if holds_answer_type(records[pid].text, answer_kind, question) else 1.0))
        for pid, score in ranked
    ]
    return sorted(rescored, key=lambda item: (-item[1], item[0]))


def candidate_stem(analyzer: Analyzer) -> Callable[[str], str | None]:
    """How spelling candidates of a typed word are stemmed: as the index's analyzer does, but for the
    hybrid stemmer by its Snowball half alone (Sastrawi's dictionary search on ~500 candidates a word took
    0.3 s; the two agree wherever Snowball's stem is a known root)."""
    if analyzer.spec.stemmer == "hybrid":
        return get_analyzer(AnalyzerSpec(stemmer="snowball-kw", stopwords=analyzer.spec.stopwords)).term
    return analyzer.term


def most_telling(
    groups: tuple[TermGroup, ...], reader: IndexReader, limit: int = MOST_TELLING_TERMS
) -> tuple[TermGroup, ...]:
    """The `limit` groups the index holds that tell most: names first (a capitalised word that is not
    the text's first), then by weight × IDF; in question order."""
    doc_freqs = reader.doc_freqs({t for g in groups for t in g.terms})
    n = reader.meta.paragraphs
    scored = []
    for position, group in enumerate(groups):
        df = max((doc_freqs.get(t, 0) for t in group.terms), default=0)
        if df:
            is_name = position > 0 and group.label[:1].isupper()
            scored.append((is_name, group.weight * float(lucene_idf(n, df)), position))
    keep = {position for *_, position in sorted(scored, reverse=True)[:limit]}
    return tuple(g for position, g in enumerate(groups) if position in keep)


def coverage(weights: np.ndarray, idfs: np.ndarray, matched: np.ndarray) -> float:
    total = float(np.sum(weights * idfs))
    return float(np.sum(weights * idfs * matched)) / total if total > 0 else 0.0


# Who/when/where/how-many questions: among the first TYPE_RANK_DEPTH hits, a paragraph holding an answer of
# the asked type scores TYPE_RANK_BONUS× (1.1–1.5 tried on valid sets, benchmarks/real_questions.py and
# facqa_retrieval.py: IDK-MRC 0.810 → 0.814, FacQA valid 0.844 → 0.848, SQuAD-ID 0.817 → 0.818 at 1.25).
TYPE_RANK_BONUS = 1.25
TYPE_RANK_DEPTH = 30
# Re-ranking by meaning (index/semantic.py) re-orders those hits on BM25 relative to the best plus the cosine,
# which could undo the bonus above ("Berapa orang tim moderasi Bigo Live?": the paragraph saying "300 orang"
# fell behind one about the team that gives no number). There a paragraph holding an answer of the asked type
# adds TYPE_MEANING_BONUS to its combined score (benchmarks/real_questions.py --type-meaning-bonus B, and the
# default for facqa_retrieval.py): B = 0 / 0.1 / 0.2 → IDK-MRC valid MRR@10 0.905 / 0.908 / 0.908, R@1 0.856 /
# 0.861 / 0.861; SQuAD-ID 0.858 / 0.858 / 0.858, R@1 0.795 / 0.795 / 0.794; FacQA valid 0.851 at 0 and 0.2;
# the user session's right-first 74 → 78 % at 0.2.
TYPE_MEANING_BONUS = 0.2
ANSWER_TYPE_BONUS = 5.0  # a sentence holding an answer of the asked type counts 5× (benchmarks/best_sentence.py)


def best_sentence(
    text: str,
    groups: tuple[TermGroup, ...],
    group_idfs: np.ndarray,
    analyzer: Analyzer,
    answer_kind: str | None = None,
    question: str = "",
) -> str:
    """The sentence carrying most of the query's IDF weight — more if it holds an answer of the asked
    type (a date for "kapan", a number for "berapa", a name for "siapa"/"di mana"); the first on a tie."""
    sentences = split_sentences(text) or [text]
    if len(sentences) == 1:
        return sentences[0]  # nothing to choose: the paragraph's words are not analysed at all
    best, best_score = sentences[0], 0.0
    wanted = frozenset(term for group in groups for term in group.terms)
    for sentence in sentences:
        terms = analyzer.matching_terms(sentence, wanted)
        score = sum(idf for group, idf in zip(groups, group_idfs) if terms.intersection(group.terms))
        if answer_kind and score > 0 and holds_answer_type(sentence, answer_kind, question):
            score *= ANSWER_TYPE_BONUS
        if score > best_score + 1e-12:
            best, best_score = sentence, score
    return best


def states_the_reason_first(
    ranked: list[tuple[int, float]], question_postings: list[Postings], reason_postings: list[Postings]
) -> list[tuple[int, float]]:
    """A why-question asks for the reason: paragraphs holding a reason word and a word of the question
    come first, each part in score order (a paragraph that only names the event does not explain it)."""
    states_reason = [
        any(contains(p, pid) for p in reason_postings) and any(contains(p, pid) for p in question_postings)
        for pid, _ in ranked
    ]
    return [hit for hit, yes in zip(ranked, states_reason) if yes] + [
        hit for hit, yes in zip(ranked, states_reason) if not yes
    ]


def weights_and_idfs(
    groups: tuple[TermGroup, ...], postings: list[Postings], n_paragraphs: int
) -> tuple[np.ndarray, np.ndarray]:
    """The groups' query weights and IDFs, as coverage and best_sentence weigh them."""
    weights = np.array([g.weight for g in groups], dtype=np.float64)
    # remembered: numpy's call per group cost ~5 µs each, on every answer (the same bits, bm25.remembered_idfs)
    idfs = remembered_idfs(n_paragraphs, [p.weighting_doc_freq for p in postings])
    return weights, np.array(idfs, dtype=np.float64)


def gloss_for_english(
    text: str, sentence: str, matched_terms: tuple[str, ...], reader: IndexReader, analyzer: Analyzer
) -> tuple[tuple[str, str], ...]:
    """The excerpt's words an English reader needs: the matched ones, then the best sentence's rarest."""
    terms = set(analyzer.analyze(sentence))
    doc_freqs = reader.doc_freqs(terms)
    rare_first = sorted(terms, key=lambda t: (doc_freqs.get(t, 0), t))
    return gloss(text, [*matched_terms, *rare_first], analyzer)


# A word of the article's title or of the paragraph's heading (index/writer.py keeps them per paragraph) adds
# TITLE_WEIGHT times what one occurrence adds to a paragraph of average length, times its IDF (the body's):
# a headline's words find the article's paragraphs and count towards coverage, and being a constant per
# title it leaves the order of the paragraphs under one title to their own text. SQuAD-ID dev with Wikipedia's
# article titles and re-ranking (benchmarks/real_questions.py --set squad --titles --title-weight W --semantic):
# MRR@10 0.855 / 0.856 / 0.857 at W = 0 / 1 / 2, R@1 0.792 / 0.794 / 0.796, gold-removed answered 10.8 / 10.7 /
# 10.7 %. (Adding W to the term frequency instead let a short paragraph under a matching heading beat the one
# stating the answer, and counting title matches in the IDF made headline words "common".)
TITLE_WEIGHT = 1.0


def query_term_postings(reader: IndexReader, terms: tuple[str, ...], title_weight: float) -> Postings:
    """One query term's postings: its index terms' body postings merged, and the paragraphs whose article title
    or heading holds one of them with a bonus of `title_weight` (Postings.bonus); the IDF stays the body's."""
    body = merge_postings([reader.postings(t) for t in terms])
    if title_weight <= 0:
        return body
    fields = merge_postings([reader.field_postings(t) for t in terms])
    if not fields.doc_freq:
        return body
    ids = np.union1d(body.paragraph_ids, fields.paragraph_ids).astype(np.int32)
    tfs = np.zeros(ids.size, dtype=np.int32)
    tfs[np.searchsorted(ids, body.paragraph_ids)] = body.term_freqs
    bonus = np.zeros(ids.size, dtype=np.float64)
    bonus[np.searchsorted(ids, fields.paragraph_ids)] = title_weight
    return Postings(ids, tfs, bonus, body.doc_freq)


def coherent_senses(
    groups: tuple[TermGroup, ...], translations: tuple[tuple[str, tuple[str, ...]], ...], snapshot: IndexSnapshot
) -> tuple[tuple[TermGroup, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Translated words' senses chosen by co-occurrence (index/senses.py); names and their aliases keep all
    of theirs. The translations shown ("searched:") lose the dropped senses too."""
    translated = {word for word, _ in translations}
    analyzer = snapshot.analyzer

    def choosable(group: TermGroup) -> bool:
        return group.label in translated and analyzer.term(group.label.lower()) not in group.terms

    chosen, dropped = choose_senses(groups, choosable, snapshot.reader.postings, snapshot.reader.meta.paragraphs)
    if not dropped:
        return groups, translations
    gone = dict(dropped)
    return chosen, tuple((word, tuple(t for t in terms if t not in gone.get(word, ()))) for word, terms in translations)


def written_as(
    terms: set[str], texts: list[str], reader: IndexReader, analyzer: Analyzer
) -> tuple[tuple[str, str], ...]:
    """Each index term as a word of the corpus: from the excerpts shown, else from the first paragraph holding it."""
    found: dict[str, str] = {}

    def read(text: str) -> None:
        for token, term in analyzer.token_terms(text):
            if term in terms and term not in found:
                found[term] = token

    for text in texts:
        read(text)
    missing = [t for t in sorted(terms - found.keys()) if reader.postings(t).doc_freq]
    if missing:
        first = {t: int(reader.postings(t).paragraph_ids[0]) for t in missing}
        records = reader.paragraphs(sorted(set(first.values())))
        for term in missing:
            read(records[first[term]].text)
    return tuple(sorted(found.items()))


def contains(postings: Postings, paragraph_id: int) -> bool:
    ids = postings.paragraph_ids
    # the key in the array's own type: with a Python int numpy converts the whole array first (~230 µs at 1M
    # postings against ~3 µs), and an answer asks this for every matched term of every hit
    slot = int(np.searchsorted(ids, ids.dtype.type(paragraph_id)))
    return slot < postings.doc_freq and int(ids[slot]) == paragraph_id


def contains_each(postings: Postings, paragraph_ids: list[int]) -> list[bool]:
    """`contains` for several paragraphs at once."""
    ids = postings.paragraph_ids
    if not ids.size or not paragraph_ids:
        return [False] * len(paragraph_ids)
    wanted = np.asarray(paragraph_ids, dtype=ids.dtype)
    slots = np.minimum(np.searchsorted(ids, wanted), ids.size - 1)
    return (ids[slots] == wanted).tolist()


def cited_hits(
    ranked: list[tuple[int, float]],
    reader: IndexReader,
    analyzer: Analyzer,
    groups: tuple[TermGroup, ...],
    group_postings: list[Postings],
    term_weights: np.ndarray,
    answer_kind: str | None,
    asked: str,
    english: bool,
) -> list[Hit]:
    """The ranked paragraphs as Hits: text, best sentence (the question's terms weighted by `term_weights`, an
    answer of the asked kind preferred), citation, the index terms matched, and a gloss for English readers."""
    paragraph_ids = [pid for pid, _ in ranked]
    records = reader.paragraphs(paragraph_ids)
    # which hits each group, and each of its terms, holds: one look-up per posting list for all the hits
    group_holds = [contains_each(p, paragraph_ids) for p in group_postings]
    term_holds: dict[str, list[bool]] = {}
    for group, postings, holds in zip(groups, group_postings, group_holds):
        for term in group.terms:
            if term not in term_holds:
                body = reader.postings(term)
                # a group of one term without title matches searched that term's own postings: looked up already
                term_holds[term] = holds if body is postings else contains_each(body, paragraph_ids)
    hits = []
    for i, (paragraph_id, score) in enumerate(ranked):
        record = records[paragraph_id]
        matched = [g for g, holds in zip(groups, group_holds) if holds[i]]
        sentence = best_sentence(record.text, groups, term_weights, analyzer, answer_kind, asked)
        matched_terms = tuple(t for g in matched for t in g.terms if term_holds[t][i])
        hits.append(
            Hit(
                paragraph_id=paragraph_id,
                doc_id=record.doc_id,
                position=record.position,
                text=record.text,
                best_sentence=sentence,
                score=score,
                citation=Citation(record.title, record.source, record.date, record.url, record.heading),
                matched_terms=matched_terms,
                gloss=gloss_for_english(record.text, sentence, matched_terms, reader, analyzer) if english else (),
            )
        )
    return hits


def rank_groups(
    reader: IndexReader,
    groups: tuple[TermGroup, ...],
    k: int,
    params: BM25Params | None,
    *,
    coordinated: bool,
    title_weight: float,
    titled_groups: int | None = None,
) -> tuple[list[tuple[int, float]], list[Postings]]:
    """The engine: postings of the query's terms (the first `titled_groups` with their title and heading
    matches at `title_weight`, index/writer.py) → BM25 (× coverage if coordinated) → best k (paragraph id,
    score), with the postings read."""
    titled_groups = len(groups) if titled_groups is None else titled_groups
    group_postings = [
        query_term_postings(reader, g.terms, title_weight if i < titled_groups else 0.0) for i, g in enumerate(groups)
    ]
    params = params or reader.meta.params
    ranked = rank_with_accumulator(
        group_postings,
        [g.weight for g in groups],
        reader.norms(params),
        params,
        k,
        reader.accumulator(),
        coordinated=coordinated,
        n_paragraphs=reader.meta.paragraphs,
        scratch=reader.coverage_scratch() if coordinated else None,
    )
    return ranked, group_postings
