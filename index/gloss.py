"""A gloss for English readers: the English meaning of an excerpt's key Indonesian words (issue 14.6).

The answers quote Indonesian paragraphs; an English reader gets, under each excerpt, what its matched
words and its best sentence's rarest words mean, from the same sources that translate questions, read
backwards: the curated glossary and the common-words list first, then FreeDict (CC BY-SA 3.0). An
Indonesian word is looked up as written, then by its index term (diblokir → blokir), so most forms of
a word the sources name are glossed. Names and numbers are not glossed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .analysis import Analyzer
from .lexicon import load_dictionary, load_glossary

MAX_GLOSSED_WORDS = 8
# the first word of the text or of a sentence in it, after any opening quote or bracket
_SENTENCE_OPENER_RE = re.compile(r"(?:^|[.!?][\"'”’)\]]*\s+)[\"'“‘(\[]*([A-Z][a-z]+)\b")
MEANINGS_PER_WORD = 2


@lru_cache(maxsize=1)
def reverse_dictionary() -> dict[str, tuple[str, ...]]:
    """Indonesian word (lower case) → English words, best first: the glossary's and common words' senses
    before FreeDict's, a sense an entry names first before later ones, then shorter English words."""
    return _reversed(phrases=False)


@lru_cache(maxsize=1)
def reverse_phrases() -> dict[str, tuple[str, ...]]:
    """The same for Indonesian phrases of two words ("tanggung jawab" → responsibility): a word of such a phrase
    alone means something else (tanggung → medium)."""
    return _reversed(phrases=True)


def _reversed(phrases: bool) -> dict[str, tuple[str, ...]]:
    ranked: dict[str, dict[str, tuple[int, int, int]]] = {}

    def add(indonesian: str, english: str, rank: tuple[int, int, int]) -> None:
        words = indonesian.split()
        if len(words) != (2 if phrases else 1) or not english.strip():
            return  # a gloss explains single words and two-word phrases; a longer phrase translates a phrase
        senses = ranked.setdefault(" ".join(words).lower(), {})
        english = english.strip()
        if english not in senses or rank < senses[english]:
            senses[english] = rank

    for english, terms in load_glossary().items():
        if len(terms) == 1 and " " not in english:
            for position, indonesian in enumerate(terms[0]):
                add(indonesian, english, (0, position, len(english)))
    for english, translations in load_dictionary().items():
        if " " in english or not english.isascii() or english[:1].isupper():
            continue  # names and phrases are not what an excerpt's word means
        for position, indonesian in enumerate(translations):
            add(indonesian, english, (1, position, len(english)))
    return {word: tuple(sorted(senses, key=senses.__getitem__)) for word, senses in ranked.items()}


def gloss(
    text: str, wanted_terms: Iterable[str], analyzer: Analyzer, limit: int = MAX_GLOSSED_WORDS
) -> tuple[tuple[str, str], ...]:
    """(Indonesian word as written in `text`, English meaning) for the words of `text` whose index term
    is in `wanted_terms` (in that order of importance), at most `limit`; words without a known meaning
    are left out."""
    surface: dict[str, str] = {}
    token_terms = analyzer.token_terms(text)
    for token, term in token_terms:
        if term and term not in surface:
            surface[term] = token
    tokens = [token for token, _ in token_terms]
    by_word, by_phrase = reverse_dictionary(), reverse_phrases()
    # the text's two-word phrases the sources name, in the text's order (looked up once, not once per word)
    phrases = [p for p in dict.fromkeys(f"{a} {b}" for a, b in zip(tokens, tokens[1:])) if p in by_phrase]
    # a word the text never writes in lower case is a name (Kominfo, Bigo), unless it only opens sentences
    # ("Pemerintah memblokir …", "… itu. Menteri mengatakan …"): there a common word is capitalised too
    written = set(re.findall(r"\w+", text)) | {w.lower() for w in _SENTENCE_OPENER_RE.findall(text)}
    out: list[tuple[str, str]] = []
    glossed: set[str] = set()
    for term in dict.fromkeys(wanted_terms):
        word = surface.get(term)
        if word is None or not word.isalpha() or word not in written or word in glossed:
            continue  # numbers and names need no gloss
        # a two-word phrase the word is part of in this text first ("bertanggung jawab": responsible, not
        # "bertanggung": medium), then the word as written, then its root (diblokir → blokir): the sources name
        # roots more often than forms
        phrase = next((p for p in phrases if word in p.split()), None)
        if phrase is not None:
            glossed.update(phrase.split())
            word, meanings = phrase, list(by_phrase[phrase])
        else:
            meanings = [m for m in by_word.get(word) or by_word.get(term, ()) if m.lower() != word]
        if meanings:
            out.append((word, ", ".join(meanings[:MEANINGS_PER_WORD])))
        if len(out) >= limit:
            break
    return tuple(out)
