"""Spelling tolerance: a query term the index does not hold is also searched as the index terms one edit
away from it ("padjadjaran" finds "Padjajaran", "kominfoo" finds "kominfo").

Names and places are spelled several ways in Indonesian news (old and new spelling: dj/j, oe/u, tj/c) and
users type fast. Only terms absent from the index are corrected, only terms of MIN_LENGTH characters or
more, keeping their first letter, and at most MAX_CORRECTIONS neighbours, the most frequent first.
Why so strict: Indonesian roots are short and close to each other. Measured on FacQA questions with
MIN_LENGTH 5, most corrections were other words (arang → karang/orang, selam → selat/silam, bhutan →
hutan, novel → nobel); from 7 characters with the first letter kept, those were gone and the names stayed
(padjadjaran → padjajaran, arafura → arafuru, filipino → filipina). Pure functions; the answer service
supplies the lookup of which candidates exist.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .analysis import normalize
from .bm25 import TermGroup

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
MIN_LENGTH = 7
MAX_LENGTH = 24  # a 2,000-letter "word" would mean 146,000 candidates: no name is that long
MAX_CORRECTIONS = 3
MAX_TERMS_PER_QUESTION = 5  # each unknown term costs one lookup of ~600 candidates (~0.6 ms)


def one_edit_away(term: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion (Damerau) from `term`."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    transposes = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + c + right[1:] for left, right in splits if right for c in ALPHABET}
    inserts = {left + c + right for left, right in splits for c in ALPHABET}
    return (deletes | transposes | replaces | inserts) - {term}


def correctable(term: str, min_length: int | None = None) -> bool:
    """Whether `term` is one spelling tolerance looks at: MIN_LENGTH..MAX_LENGTH letters, nothing else."""
    return (MIN_LENGTH if min_length is None else min_length) <= len(term) <= MAX_LENGTH and term.isalpha()


def corrections(
    term: str,
    doc_freqs: Callable[[Iterable[str]], dict[str, int]],
    *,
    surface: str = "",
    stem: Callable[[str], str | None] | None = None,
    min_length: int | None = None,
) -> tuple[str, ...]:
    """Index terms one edit from an unknown `term` with its first letter, most frequent first (ties
    alphabetically); () for terms that are not `correctable`. `doc_freqs` maps candidate terms to their
    document frequency and leaves out those the index lacks. With the word as typed (`surface`) and a
    `stem`, the word's own one-edit neighbours are stemmed too: "diblokr" → diblokir → blokir, which no
    edit of the term "diblokr" reaches."""
    if not correctable(term, min_length):
        return ()
    candidates = {c for c in one_edit_away(term) if c[:1] == term[:1]}
    if surface and stem and correctable(surface, min_length):
        candidates |= {t for c in one_edit_away(surface) if c[:1] == surface[:1] and (t := stem(c))}
    found = doc_freqs(sorted(candidates - {term}))
    return tuple(sorted(found, key=lambda t: (-found[t], t))[:MAX_CORRECTIONS])


def tolerate_spelling(
    groups: tuple[TermGroup, ...],
    language: str,
    *,
    has_term: Callable[[str], bool],
    doc_freqs: Callable[[Iterable[str]], dict[str, int]],
    stem: Callable[[str], str | None],
    translated: frozenset[str] = frozenset(),
    min_length: int = MIN_LENGTH,
    spell_untranslated: bool = True,
) -> tuple[tuple[TermGroup, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Query terms the index lacks are also searched as the index terms one edit away: every such term of an
    Indonesian question; in English or mixed ones names (capitalised) and words left untranslated
    (`translated`: the words that were), which the text may spell its own way ("underbid" → underbids;
    SQuAD-EN dev MRR@10 0.708 → 0.711, answered 67.6 → 68.1 %, gold-removed answered unchanged at 16.9 %, BM25
    alone). Returns the groups and, for the "searched:" line, (word, corrections) pairs."""
    out: list[TermGroup] = []
    corrected: list[tuple[str, tuple[str, ...]]] = []
    tried = 0
    for group in groups:
        untranslated = spell_untranslated and group.label not in translated
        eligible = (language == "id" or group.label[:1].isupper() or untranslated) and tried < MAX_TERMS_PER_QUESTION
        term = group.terms[0] if len(group.terms) == 1 else ""
        if eligible and correctable(term, min_length) and not has_term(term):
            tried += 1
            found = corrections(term, doc_freqs, surface=normalize(group.label), stem=stem, min_length=min_length)
            if found:
                group = TermGroup(group.terms + found, group.weight, group.label)
                corrected.append((group.label or group.terms[0], found))
        out.append(group)
    return tuple(out), tuple(corrected)
