"""What the answer service returns: an Answer with its hits, each with a citation. Immutable, so answers are cached
and shared between threads; the CLI's JSON, the console's text and the bot's messages are made from them."""

from __future__ import annotations

from dataclasses import dataclass

from .bm25 import TermGroup


@dataclass(frozen=True, slots=True)
class Citation:
    title: str
    source: str
    date: str
    url: str
    heading: str | None


@dataclass(frozen=True, slots=True)
class Hit:
    paragraph_id: int
    doc_id: str
    position: int
    text: str
    best_sentence: str
    score: float
    citation: Citation
    matched_terms: tuple[str, ...]
    gloss: tuple[tuple[str, str], ...] = ()  # for English questions: (Indonesian word, English meaning), index/gloss.py


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    answered: bool
    hits: tuple[Hit, ...]
    query_terms: tuple[TermGroup, ...]
    coverage: float  # share of the question's IDF weight found in the best paragraph, 0..1
    language: str = "id"
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (question word, index terms searched)
    reason_terms: tuple[str, ...] = ()  # a why-question's reason words, added from the clause(s) below
    reason_sources: tuple[str, ...] = ()
    index_build: str = ""  # build id of the index that answered (buttons check it is still the one serving)
    focus_terms: tuple[str, ...] = ()  # a long text's most telling terms, when only they were searched
    borrowed: tuple[str, ...] = ()  # a follow-up's words taken from the previous question
    similarity: float | None = (
        None  # cosine of the question and the first hit (index/semantic.py), None without the model
    )
    rendering_similarity: float | None = None  # English questions: their Indonesian rendering's cosine with it
    topic: str = ""  # what was searched: the question, or a follow-up with its borrowed words (pass as `previous`)
    # (index term, the word as the corpus writes it) for the terms in `translations`: "searched:" shows words a
    # reader knows (mengirimkan ← send), never a stem (irim)
    written_as: tuple[tuple[str, str], ...] = ()
