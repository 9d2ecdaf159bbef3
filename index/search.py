"""The answer service: question → query terms → BM25 hits → Answer with cited excerpts.

The CLI, the console chat and the Telegram bot all call `AnswerService.answer` and render the same
`Answer`. Whether a question is `answered` is decided from how much of the question's weight (IDF)
the best paragraph covers and how close it is in meaning (index/confidence.py).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .analysis import Analyzer
from .answer_type import asked_type, holds_answer_type
from .chat import write_out_chat
from .confidence import AnsweredRule
from .followup import FollowUp, as_follow_up
from .language import function_words
from .crosslingual import Translator
from .reasons import is_why_question, reason_terms
from .semantic import NEAREST_CANDIDATES, SemanticReranker, join_nearest
from .spelling import MIN_LENGTH, tolerate_spelling
from .truecase import truecased, typed_in_lower_case
from .bm25 import BM25Params, TermGroup
from .handle import IndexHandle, IndexSnapshot
from .store import IndexMeta, IndexReader

from .answer import Answer, Citation, Hit
from .ranking import (
    LONG_QUESTION_WORDS,
    MAX_QUESTION_CHARS,
    MOST_TELLING_TERMS,
    TITLE_WEIGHT,
    TYPE_MEANING_BONUS,
    TYPE_RANK_DEPTH,
    candidate_stem,
    cited_hits,
    coherent_senses,
    contains,
    coverage,
    best_sentence,
    most_telling,
    plan_query,
    prefer_answer_type,
    rank_groups,
    states_the_reason_first,
    weights_and_idfs,
    written_as,
)

__all__ = [  # what other modules and the tests take from here (the answer service and its public steps)
    "NEAREST_CANDIDATES",
    "LONG_QUESTION_WORDS",
    "MAX_QUESTION_CHARS",
    "MOST_TELLING_TERMS",
    "TITLE_WEIGHT",
    "Answer",
    "AnswerService",
    "Citation",
    "Hit",
    "best_sentence",
    "coverage",
    "most_telling",
    "plan_query",
]

log = logging.getLogger(__name__)

REASON_CANDIDATES = 10  # why-questions: the first hits whose headings and sentences are read for reasons
ANSWER_CACHE_SIZE = 1024  # answers are immutable and small; keyed by build id, older builds' answers age out


class AnswerService:
    """Answers questions from one index file. Each question holds a snapshot of the index
    (index/handle.py) from start to end; a rebuilt file is picked up by the next question."""

    def __init__(
        self,
        db_path: Path | str,
        *,
        answered_rule: AnsweredRule = AnsweredRule(),
        coordinated: bool = True,
        min_spelling_length: int = MIN_LENGTH,
        semantic: SemanticReranker | None = None,
        title_weight: float = TITLE_WEIGHT,
        sense_choice: bool = False,
        spell_unknown_english: bool = True,
        type_meaning_bonus: float = TYPE_MEANING_BONUS,
        translator_options: Mapping[str, Any] | None = None,
        nearest_candidates: int = NEAREST_CANDIDATES,
        truecase: bool = True,
    ) -> None:
        self.db_path = Path(db_path)
        self.semantic = semantic  # re-orders the first candidates by meaning (index/semantic.py); None: BM25 alone
        self.answered_rule = answered_rule  # when the best paragraph is an answer (English questions: their own)
        self.coordinated = coordinated  # rank by BM25 × coverage; False (plain BM25) is for benchmarks
        self.min_spelling_length = min_spelling_length
        self.title_weight = title_weight  # what a title or heading word counts for in the answer path (0: not searched)
        # translated words keep only the senses the corpus uses together (index/senses.py): measured, no gain, off
        self.sense_choice = sense_choice
        # English words with no translation, kept as written, are also spelling-corrected against the index
        self.spell_unknown_english = spell_unknown_english
        # who/when/how-many questions: a paragraph holding an answer of the asked type keeps an edge after re-ranking
        self.type_meaning_bonus = type_meaning_bonus
        # with the model: the paragraphs nearest in meaning join BM25's candidates (0: BM25's alone)
        self.nearest_candidates = nearest_candidates
        # with the model: a word typed in lower case reaches it as the candidates write it ("bigo" → "Bigo",
        # index/truecase.py); False is for benchmarks
        self.truecase = truecase
        self._lock = threading.Lock()
        # repeated questions; keyed by build id, so an answer from an older build is never served
        self._answers: OrderedDict[tuple[str, str, FollowUp | None, int, bool], Answer] = OrderedDict()
        # Translator's switches (benchmarks' ablations); None: the product's
        self.index = IndexHandle(self.db_path, translator_options)

    @property
    def meta(self) -> IndexMeta:
        """The metadata of the index new questions are answered from."""
        return self.index.current.meta

    # The current snapshot's parts, for benchmarks that drive the pieces directly (no rebuild happens there).
    @property
    def reader(self) -> IndexReader:
        return self.index.current.reader

    @property
    def analyzer(self) -> Analyzer:
        return self.index.current.analyzer

    @property
    def translator(self) -> Translator:
        return self.index.current.translator

    def refresh(self) -> bool:
        """Pick up a rebuilt index now (questions also do it themselves); True if a new build was found."""
        return self.index.refresh()

    def documents(self, limit: int | None = None) -> list[dict[str, object]]:
        """The indexed articles, newest first, at most `limit` (for /sources and "what I know about")."""
        with self.index.snapshot() as snapshot:
            return snapshot.reader.documents(limit)

    def outlet_counts(self) -> list[tuple[str, int]]:
        with self.index.snapshot() as snapshot:
            return snapshot.reader.outlet_counts()

    def answer(
        self,
        question: str,
        k: int = 3,
        *,
        params: BM25Params | None = None,
        translate: bool = True,
        previous: str | None = None,
    ) -> Answer:
        """Answer a question in Indonesian, English or a mix; `translate=False` searches it as Indonesian only.
        `previous`: the conversation's previous `Answer.topic`, for a follow-up ("kalau TikTok gimana?")."""
        follow_up = as_follow_up(question, previous)
        with self.index.snapshot() as snapshot:
            key = (snapshot.build_id, question, follow_up, k, translate)
            if params is None:
                with self._lock:
                    cached = self._answers.get(key)
                    if cached is not None:
                        self._answers.move_to_end(key)
                        return cached
            answer = self._answer(snapshot, question, k, params, translate, follow_up)
        if params is None:
            with self._lock:
                self._answers[key] = answer
                if len(self._answers) > ANSWER_CACHE_SIZE:
                    self._answers.popitem(last=False)
        return answer

    def warm_up(self) -> None:
        """Load what a first question would otherwise wait for (~0.3 s on the seed corpus: the language detector, the
        dictionaries and the gloss's, the embedding model): three questions answered and thrown away, so the
        answer cache holds nothing of them. The bot runs it in the background as it starts."""
        # the first needs the language detector (a name and one word: too little to tell by words), the last the gloss
        for question in ("bigo blocked?", "kenapa aplikasi itu diblokir?", "why was the app blocked?"):
            with self.index.snapshot() as snapshot:
                self._answer(snapshot, question, 3, None, True)

    def _answer(
        self,
        snapshot: IndexSnapshot,
        question: str,
        k: int,
        params: BM25Params | None,
        translate: bool,
        follow_up: FollowUp | None = None,
    ) -> Answer:
        # chat particles and spellings written out first (sih, gimana, yg…): the Answer keeps the question as asked
        asked = follow_up.search_text if follow_up else question
        text = write_out_chat(asked[:MAX_QUESTION_CHARS])
        why = is_why_question(text)
        extra: dict[str, object] = {"topic": asked[:MAX_QUESTION_CHARS], "asked": text}
        if follow_up:
            extra["borrowed"] = follow_up.borrowed
        if not translate:
            groups, corrected = self._tolerate_spelling(snapshot, plan_query(text, snapshot.analyzer), "id")
            return self._answer_groups(
                snapshot, question, groups, k, params=params, why=why, translations=corrected, **extra
            )
        plan = snapshot.translator.plan(text)
        groups, translations = plan.groups, plan.translations
        if self.sense_choice and plan.language != "id":
            groups, translations = coherent_senses(groups, translations, snapshot)
        groups, corrected = self._tolerate_spelling(
            snapshot, groups, plan.language, frozenset(word for word, _ in translations)
        )
        if len(text.split()) > LONG_QUESTION_WORDS:
            groups = most_telling(groups, snapshot.reader)
            extra["focus_terms"] = tuple(g.label or g.terms[0] for g in groups)
        return self._answer_groups(
            snapshot,
            question,
            groups,
            k,
            params=params,
            why=why,
            language=plan.language,
            translations=translations + corrected,
            **extra,
        )

    def _tolerate_spelling(
        self,
        snapshot: IndexSnapshot,
        groups: tuple[TermGroup, ...],
        language: str,
        translated: frozenset[str] = frozenset(),
    ) -> tuple[tuple[TermGroup, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
        """The groups with spelling tolerance (index/spelling.py) against this snapshot's index."""
        return tolerate_spelling(
            groups,
            language,
            has_term=snapshot.reader.has_term,
            doc_freqs=snapshot.reader.doc_freqs,
            stem=candidate_stem(snapshot.analyzer),
            translated=translated,
            min_length=self.min_spelling_length,
            spell_untranslated=self.spell_unknown_english,
        )

    def answer_groups(
        self,
        question: str,
        groups: tuple[TermGroup, ...],
        k: int = 3,
        *,
        params: BM25Params | None = None,
        **extra: object,
    ) -> Answer:
        """An Answer for query groups planned elsewhere (benchmarks compare planners this way)."""
        with self.index.snapshot() as snapshot:
            return self._answer_groups(snapshot, question, groups, k, params=params, **extra)

    def _answer_groups(
        self,
        snapshot: IndexSnapshot,
        question: str,
        groups: tuple[TermGroup, ...],
        k: int = 3,
        *,
        params: BM25Params | None = None,
        why: bool | None = None,
        asked: str | None = None,
        **extra: object,
    ) -> Answer:
        reader, analyzer = snapshot.reader, snapshot.analyzer
        asked = question if asked is None else asked  # the question as searched (chat written out, follow-up)
        answer_kind = asked_type(asked)
        extra = {**extra, "index_build": snapshot.build_id}
        if not groups:
            return Answer(question, False, (), groups, 0.0, **extra)
        why = is_why_question(question) if why is None else why
        # a why-question reads its first REASON_CANDIDATES hits for a stated reason: one ranking serves both
        depth = max(k, REASON_CANDIDATES) if why else k
        if answer_kind:
            depth = max(depth, TYPE_RANK_DEPTH)
        if self.semantic is not None:
            depth = max(depth, self.semantic.depth)
        ranked, group_postings = rank_groups(
            reader, groups, depth, params, coordinated=self.coordinated, title_weight=self.title_weight
        )
        if answer_kind and ranked:
            ranked = prefer_answer_type(ranked, reader, answer_kind, asked)
        english = extra.get("language") == "en"  # English questions: their own threshold, and a gloss per excerpt
        cosines: dict[int, float] = {}
        if self.semantic is not None and ranked:
            head = self.semantic.depth
            # the candidates' rows are read only for a question truecasing can change
            lower_case = self.truecase and typed_in_lower_case(asked)
            meant = self._as_the_articles_write(reader, ranked[:head], asked) if lower_case else asked
            if self.nearest_candidates:
                ranked, head = self._with_nearest(snapshot, ranked, meant, head)
            ranked, cosines = self._by_meaning(ranked, head, reader, meant, answer_kind, english)
        candidates, ranked = ranked, ranked[:k]
        weights, idfs = weights_and_idfs(groups, group_postings, reader.meta.paragraphs)
        top_coverage = 0.0
        if ranked:
            matched_mask = np.array([contains(p, ranked[0][0]) for p in group_postings], dtype=np.float64)
            top_coverage = coverage(weights, idfs, matched_mask)
        similarity = cosines.get(ranked[0][0]) if ranked else None
        translated_terms = {t for _, terms in extra.get("translations", ()) for t in terms}
        rendering_similarity = None
        if english and similarity is not None:
            rendering_similarity = self._rendering_cosine(reader, analyzer, groups, translated_terms, ranked[0][0])
        answered = bool(ranked) and self.answered_rule.answered(top_coverage, similarity, english, rendering_similarity)
        if similarity is not None:
            extra["similarity"] = similarity
            extra["rendering_similarity"] = rendering_similarity
        # Whether there is an answer is decided on the question's own terms (above); a why-question's
        # reason terms only reorder the paragraphs (index/reasons.py).
        search_groups, search_postings, search_weights, search_idfs = groups, group_postings, weights, idfs
        if answered and why:
            records = reader.paragraphs([pid for pid, _ in candidates])
            texts = [t for pid, _ in candidates for t in (records[pid].heading, records[pid].text)]
            added, sources = reason_terms([frozenset(g.terms) for g in groups], texts, analyzer.analyze)
            if added:
                search_groups = groups + tuple(TermGroup((t,), 1.0, f"reason: {t}") for t in added)
                # a reason counts where the paragraph states it, not where only its heading does
                expanded, search_postings = rank_groups(
                    reader,
                    search_groups,
                    max(k, REASON_CANDIDATES),
                    params,
                    coordinated=self.coordinated,
                    title_weight=self.title_weight,
                    titled_groups=len(groups),
                )
                ranked = states_the_reason_first(expanded, group_postings, search_postings[len(groups) :])[:k]
                search_weights, search_idfs = weights_and_idfs(search_groups, search_postings, reader.meta.paragraphs)
                extra = {**extra, "reason_terms": tuple(added), "reason_sources": tuple(sources)}
        hits = cited_hits(
            ranked,
            reader,
            analyzer,
            search_groups,
            search_postings,
            search_idfs * search_weights,
            answer_kind,
            asked,
            english,
        )
        if translated_terms:
            extra["written_as"] = written_as(translated_terms, [h.text for h in hits], reader, analyzer)
        return Answer(question, answered, tuple(hits), groups, top_coverage, **extra)

    def _rendering_cosine(
        self,
        reader: IndexReader,
        analyzer: Analyzer,
        groups: tuple[TermGroup, ...],
        translated: set[str],
        paragraph_id: int,
    ) -> float | None:
        """The cosine of an English question's Indonesian rendering — its searched words as the corpus writes them
        ("In what country is Normandy located?" → "negara normandy terletak") — with the best paragraph: a second,
        same-language reading of the fit (index/confidence.py)."""
        assert self.semantic is not None
        text = reader.paragraphs([paragraph_id])[paragraph_id].text
        written = dict(written_as(translated, [text], reader, analyzer)) if translated else {}
        rendering = " ".join(written.get(g.terms[0], g.terms[0]) for g in groups if g.terms)
        found = self.semantic.cosines(rendering, [text]) if rendering else None
        return None if found is None else float(found[0])

    @staticmethod
    def _as_the_articles_write(reader: IndexReader, ranked: list[tuple[int, float]], asked: str) -> str:
        """The question for the embedding model: its lower-case words as the first candidates write them."""
        records = reader.paragraphs([pid for pid, _ in ranked])
        return truecased(asked, [records[pid].text for pid, _ in ranked], function_words())

    def _with_nearest(
        self, snapshot: IndexSnapshot, ranked: list[tuple[int, float]], asked: str, head: int
    ) -> tuple[list[tuple[int, float]], int]:
        """`ranked` with the paragraphs nearest the question in meaning in its head (index/semantic.py)."""
        reader = snapshot.reader
        vectors = self.semantic.paragraph_vectors(snapshot.build_id, reader.paragraph_rows, reader.meta.paragraphs)
        if vectors is None:
            return ranked, head
        return join_nearest(ranked, head, self.semantic.nearest(asked, vectors, self.nearest_candidates))

    def _by_meaning(
        self,
        ranked: list[tuple[int, float]],
        head: int,
        reader: IndexReader,
        asked: str,
        answer_kind: str | None = None,
        english: bool = False,
    ) -> tuple[list[tuple[int, float]], dict[int, float]]:
        """The first `head` hits re-ordered by BM25 and meaning (index/semantic.py), who/when/how-many
        questions' answer holders with a bonus, and each one's cosine with the question."""
        records = reader.paragraphs([pid for pid, _ in ranked[:head]])
        texts = [records[pid].text for pid, _ in ranked[:head]]
        bonus = None
        if answer_kind and self.type_meaning_bonus:
            bonus = [self.type_meaning_bonus * holds_answer_type(text, answer_kind, asked) for text in texts]
        return self.semantic.rerank(ranked, asked, texts, bonus=bonus, english=english)

    def rank_tokens(self, tokens: list[str], k: int = 10, *, coordinated: bool = False) -> list[tuple[int, float]]:
        """Best k paragraphs for already-analysed query tokens: the engine alone, as the scaling benchmark
        compares it with other BM25 engines — plain BM25 unless `coordinated` (× coverage, as answers rank)."""
        counts: dict[str, int] = {}
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
        groups = tuple(TermGroup((t,), float(n)) for t, n in counts.items())
        if not groups:
            return []
        with self.index.snapshot() as snapshot:
            return rank_groups(snapshot.reader, groups, k, None, coordinated=coordinated, title_weight=0)[0]

    def close(self) -> None:
        self.index.close()
