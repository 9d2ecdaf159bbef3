"""Why-questions: look for the stated reason of the event the question names.

"Kenapa Bigo Live diancam diblokir?" asks for a reason, and the paragraph that merely mentions the
threat ("Bigo Live akhirnya buka suara tentang ancaman pemblokiran") matches its words best. News
states reasons in a fixed way: a clause naming the event, then a causal connective, then the reason —
often in the headline itself ("Menkominfo Ancam Blokir Bigo Live Terkait Judi Online dan Pornografi",
"… Diblokir karena …", "… menjadi sorotan setelah …"). So for a why-question the answer service reads
the headings and sentences of its first hits, keeps clauses whose part before the connective holds
*every* term of the question, and searches again with the words after the connective added as query
terms: paragraphs about the event *and* its reason rise. Nothing else changes: whether the question
is answered is decided on the question's own terms, and a why-question with no such clause is
answered exactly as before. Pure functions; the answer service does the searching.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

from .analysis import normalize, split_sentences

# How questions ask for a reason, in Indonesian and English (whole words, after lower-casing).
_WHY_RE = re.compile(
    r"\b(?:kenapa|mengapa|why|how come|apa (?:sebab|alasan|penyebab)(?:nya)?|alasan apa"
    r"|what (?:is|was|were) the reasons?"
    r"|for what reason|what caused|apa yang menyebabkan)\b"
)
# Connectives that introduce a cause. "setelah"/"usai"/"menyusul" (after, following) are temporal but, after
# an event clause in news, name its trigger ("menjadi sorotan setelah ditemukan …"). Purpose ("untuk")
# and condition ("apabila … maka") are not reasons and are left out.
CAUSAL_CONNECTIVES = (
    "karena",
    "karenanya",
    "sebab",
    "disebabkan",
    "dikarenakan",
    "akibat",
    "lantaran",
    "gara-gara",
    "terkait",
    "setelah",
    "usai",
    "menyusul",
    "imbas",
    "atas dugaan",
)
_CONNECTIVE_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(c) for c in CAUSAL_CONNECTIVES) + r")(?!\w)")
_CLAUSE_END_RE = re.compile(r"[.;!?]|,\s")
MAX_REASON_TERMS = 8


def is_why_question(question: str) -> bool:
    return bool(_WHY_RE.search(normalize(question)))


def reason_clauses(text: str) -> Iterable[tuple[str, str]]:
    """(event part, reason part) for each causal connective in each sentence of `text`: the event part is
    the sentence up to the connective, the reason part runs to the end of the clause."""
    for sentence in split_sentences(text) or [text]:
        lowered = normalize(sentence)
        for match in _CONNECTIVE_RE.finditer(lowered):
            rest = lowered[match.end() :]
            end = _CLAUSE_END_RE.search(rest)
            reason = rest[: end.start()] if end else rest
            if reason.strip():
                yield lowered[: match.start()], reason


def reason_terms(
    question_groups: Sequence[frozenset[str]], texts: Iterable[str], analyze: Callable[[str], list[str]]
) -> tuple[list[str], list[str]]:
    """Terms of the reasons stated for the question's event in `texts` (headings and paragraphs of the
    first hits, best first), and the clauses they came from. A clause counts only when its event part
    holds a term of every question group; the reason's terms that are question terms are not added again."""
    if not question_groups:
        return [], []
    question_terms = frozenset().union(*question_groups)
    terms: dict[str, None] = {}
    sources: list[str] = []
    seen_texts: set[str] = set()
    for text in texts:
        if not text or text in seen_texts:
            continue
        seen_texts.add(text)
        for event, reason in reason_clauses(text):
            event_terms = set(analyze(event))
            if not all(group & event_terms for group in question_groups):
                continue
            new = [t for t in analyze(reason) if t not in question_terms and t not in terms]
            if not new:
                continue
            sources.append(text)
            terms.update(dict.fromkeys(new))
            if len(terms) >= MAX_REASON_TERMS:
                return list(terms)[:MAX_REASON_TERMS], sources
    return list(terms), sources
