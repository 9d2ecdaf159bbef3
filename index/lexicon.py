"""The bilingual word data the cross-lingual path reads: the curated glossary and common words, the FreeDict
English→Indonesian dictionary, WordNet synonyms, an English lemmatizer, and which words are Indonesian (Sastrawi's
roots). Loaded once, lazily; files in index/data/ with their licences and regeneration scripts."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Callable

from .analysis import sastrawi_roots, sastrawi_stemmer

LATIN_WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")


def _read_data(name: str) -> list[str]:
    text = resources.files("index").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def load_glossary() -> dict[str, tuple[tuple[str, ...], ...]]:
    """english (lower case unless it is a name) → terms of the phrase, each a tuple of alternatives;
    an empty tuple for phrases that carry nothing to search for ("how many"). The curated glossary,
    then the common words no other source translates (data/common_words_en_id.tsv) where it is silent."""
    return parse_glossary(_read_data("glossary_en_id.tsv"), _read_data("common_words_en_id.tsv"))


def parse_glossary(*sources: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Glossary lines ("english<TAB>alternatives ; alternatives", "-" for no content), the first source
    that has a word winning."""
    glossary: dict[str, tuple[tuple[str, ...], ...]] = {}
    for lines in sources:
        for line in lines:
            english, indonesian = (part.strip() for part in line.split("\t", 1))
            if english not in glossary:
                glossary[english] = (
                    ()
                    if indonesian == "-"
                    else tuple(tuple(a.strip() for a in part.split(",") if a.strip()) for part in indonesian.split(";"))
                )
    return glossary


@lru_cache(maxsize=1)
def load_synonyms() -> dict[str, tuple[str, ...]]:
    return {
        word: tuple(syns.split("|"))
        for word, syns in (line.split("\t", 1) for line in _read_data("wordnet_synonyms_en.tsv"))
    }


@lru_cache(maxsize=1)
def load_dictionary() -> dict[str, tuple[str, ...]]:
    return {
        head: tuple(ts.split("|")) for head, ts in (line.split("\t", 1) for line in _read_data("freedict_en_id.tsv"))
    }


@lru_cache(maxsize=1)
def english_lemmatizer() -> Callable[[str], str]:
    import simplemma

    return lambda word: simplemma.lemmatize(word, lang="en")


def is_known_indonesian(word: str) -> bool:
    """An Indonesian root, or a form of one that Sastrawi's dictionary stemmer takes apart (dimiliki → milik)."""
    lower = word.lower()
    if not LATIN_WORD_RE.fullmatch(lower):
        return False
    roots = sastrawi_roots()
    return lower in roots or sastrawi_stemmer()(lower) in roots
