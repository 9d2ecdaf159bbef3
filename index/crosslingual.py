"""English (and mixed) questions → Indonesian structured queries.

Each English content word becomes one query term whose members are its Indonesian translations
(Pirkola's structured query: tf summed, df of the union), so a word with eight translations weighs
like a word with one. Translations come, in this order of trust, from the curated glossary
(data/glossary_en_id.tsv), the FreeDict dictionary (data/freedict_en_id.tsv) and regular spelling
correspondences (cognates: -tion→-si, -graphy→-grafi, c→k, …). Only translations whose analysed
form is in the index vocabulary are kept, so the same data serves any corpus. Names, numbers,
handles and URLs pass through untranslated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from .analysis import Analyzer, load_word_list, tokenize
from .bm25 import TermGroup
from .cognates import cognate_candidates
from .language import RAW_TOKEN_RE, detect_language
from .lexicon import (
    LATIN_WORD_RE,
    english_lemmatizer,
    is_known_indonesian,
    load_dictionary,
    load_glossary,
    load_synonyms,
)

MAX_PHRASE_WORDS = 3
_POSSESSIVE_RE = re.compile(r"(?<=\w)['’]s$")
# "couldn't", "don't", "won't": the verb before the negation (whose Indonesian "tidak" is a stop word)
_NEGATED_RE = re.compile(r"([a-z]+?)n['’]t", re.IGNORECASE)
_NEGATED_IRREGULAR = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
_ORDINAL_RE = re.compile(r"(\d{1,4})(?:st|nd|rd|th)", re.IGNORECASE)
_DECADE_RE = re.compile(r"(\d{2,4})['’]?s", re.IGNORECASE)  # the 1990s: Indonesian writes "tahun 1990-an"

_ENGLISH_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_ENGLISH_DECIMAL_RE = re.compile(r"\d+\.(?:\d{1,2}|\d{4,})")  # 48.22, not 1.500 (a thousand either way)


def indonesian_number(token: str) -> str | None:
    """How Indonesian writes an English-formatted number (79,000 → 79.000; 1,500.5 → 1.500,5;
    48.22 → 48,22), or None when the token is not one."""
    if _ENGLISH_THOUSANDS_RE.fullmatch(token) or _ENGLISH_DECIMAL_RE.fullmatch(token):
        return token.translate(str.maketrans(",.", ".,"))
    return None


@dataclass(frozen=True, slots=True)
class TranslatedQuery:
    language: str  # "en", "id" or "mixed"
    groups: tuple[TermGroup, ...]
    translations: tuple[tuple[str, tuple[str, ...]], ...]  # (question word(s), Indonesian terms)


def roman_numeral(number: int) -> str:
    """10 → x: Indonesian news numbers events in Roman numerals (SEA Games XXII)."""
    numerals = (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    )
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out


class Translator:
    """Plans the query for a question in either language against one index's vocabulary."""

    def __init__(
        self,
        analyzer: Analyzer,
        in_vocabulary: Callable[[str], bool],
        *,
        use_glossary: bool = True,
        use_dictionary: bool = True,
        use_cognates: bool = True,
        use_phrases: bool = True,
        structured: bool = True,
        detect: Callable[[str], str] = detect_language,
    ) -> None:
        """The use_* and structured switches and `detect` exist for the ablations in benchmarks/."""
        self.analyzer = analyzer
        self.in_vocabulary = in_vocabulary
        self.english_stopwords = load_word_list("stopwords_en.txt")
        self.glossary = load_glossary() if use_glossary else {}
        self.glossary_lower = {k.lower(): v for k, v in self.glossary.items() if not k[:1].isupper()}
        self.dictionary = load_dictionary() if use_dictionary else {}
        self.dictionary_lower = {k.lower(): v for k, v in self.dictionary.items() if not k[:1].isupper()}
        self.use_cognates = use_cognates
        self.use_phrases = use_phrases
        self.synonyms = load_synonyms() if use_dictionary else {}
        self.structured = structured
        self.detect = detect
        self.lemmatize = english_lemmatizer()

    # -- translation sources ------------------------------------------------------------------

    def _is_indonesian(self, token: str) -> bool:
        """In an Indonesian question: a word the index holds, a stop word of the analyzer (it analyses to
        nothing, so "the index holds it" cannot tell), or an Indonesian form the stemmer's dictionary knows
        that is not also an English word the dictionary translates."""
        if self._indonesian_terms(token):
            return True
        if LATIN_WORD_RE.fullmatch(token.lower()) is None:
            return False
        # "gambling" is in Sastrawi's root list too (Javanese), but in a question it is the English word
        return not self.analyzer.analyze(token) or (is_known_indonesian(token) and not self._is_english_word(token))

    def _indonesian_terms(self, surface: str) -> list[str]:
        return [t for t in self.analyzer.analyze(surface) if self.in_vocabulary(t)]

    def _alternatives_to_group(
        self, alternatives: tuple[str, ...], superlative: bool = False
    ) -> tuple[list[str], list[list[str]]]:
        """Single-term translations (one query term) and multi-term ones (each a phrase). An English
        superlative (largest) is written ter- + adjective (terbesar), which is indexed under the adjective
        even where the adjective alone (besar) is a stop word."""
        single: list[str] = []
        phrases: list[list[str]] = []
        for alternative in alternatives:
            analyzed = self.analyzer.analyze(alternative)
            if not analyzed and superlative and (stem := self.analyzer.stem_of_stop_word(alternative)) is not None:
                analyzed = [stem]  # largest → besar, a stop word, but terbesar is indexed under it
            if len(analyzed) == 1 and self.in_vocabulary(analyzed[0]):
                if analyzed[0] not in single:
                    single.append(analyzed[0])
            elif len(analyzed) > 1 and all(self.in_vocabulary(t) for t in analyzed):
                phrases.append(analyzed)
        return single, phrases

    def _lookup(self, word: str, is_name: bool) -> tuple[tuple[str, ...], ...] | None:
        """Glossary entry (phrase of alternatives) or dictionary alternatives for one word or phrase.

        A capitalised word is looked up as written first (US → AS, not us → kami); an acronym only as
        written (SEA Games is not the sea)."""
        lower = word.lower()
        keys = [word] if is_name else []
        if not (is_name and word.isupper() and len(word) > 1):
            keys += (
                [lower, self.lemmatize(lower)]
                if " " not in lower
                else [lower, " ".join(self.lemmatize(w) for w in lower.split())]
            )
            if " " not in lower and lower.endswith(("ing", "ed")) and not keys[-1].endswith("e"):
                keys.append(keys[-1] + "e")  # the lemmatizer's guess lost an e: determining → determin(e)
        for key in keys:
            entry = self.glossary.get(key) if key == word else self.glossary_lower.get(key)
            if entry is not None:
                return entry
        for key in keys:
            entry = self.dictionary.get(key) if key == word else self.dictionary_lower.get(key)
            if entry:
                return (entry,)
        return None

    def _is_superlative(self, word: str) -> bool:
        lower = word.lower()
        return lower.endswith("est") and self.lemmatize(lower) != lower

    def _content_free(self, entry: tuple[tuple[str, ...], ...] | None) -> bool:
        """Whether a glossary/dictionary entry carries nothing to search for: its translations are
        Indonesian stop words ("year" → tahun, "give" → memberi), or one is and the others are absent
        from the index ("time" → waktu | jaman). The English word is then dropped, exactly as the
        Indonesian question's own "tahun" is, rather than guessed by spelling ("time" → tim)."""
        if entry is None:
            return False
        analyzed = [self.analyzer.analyze(a) for alternatives in entry for a in alternatives]
        if any(terms and all(self.in_vocabulary(t) for t in terms) for terms in analyzed):
            return False
        return not analyzed or any(not terms for terms in analyzed)

    def translate_word(self, word: str, is_name: bool = False, *, via_synonym: bool = False) -> list[list[str]]:
        """Query terms for one English word or phrase: a list of groups (alternatives), maybe empty.
        A synonym is tried once, never a synonym's synonym (they can lead round in circles)."""
        if len(word) == 1:
            return []  # a letter (n, X, P) is itself: never a dictionary's n → nitrogen
        entry = self._lookup(word, is_name)
        groups: list[list[str]] = []
        if entry:
            superlative = self._is_superlative(word)
            for alternatives in entry:
                single, phrases = self._alternatives_to_group(alternatives, superlative)
                if single:
                    groups.append(single)
                elif phrases and len(entry) == 1:
                    groups.extend([[t] for t in phrases[0]])
        if not groups and " " not in word and self.use_cognates:
            lower = word.lower()
            found = []
            for candidate in cognate_candidates(lower) + cognate_candidates(self.lemmatize(lower)):
                for term in self._indonesian_terms(candidate)[:1]:
                    if term not in found:
                        found.append(term)
            if found:
                groups.append(found)
        if not groups and "-" in word.strip("-") and " " not in word:
            # an unknown compound is translated part by part (waste-fuelled → waste + fuelled)
            for part in word.split("-"):
                if part and part.lower() not in self.english_stopwords:
                    groups += self.translate_word(part, via_synonym=via_synonym)
        if not groups and " " not in word and not via_synonym:
            # a WordNet synonym that the glossary or dictionary knows (announce → declare)
            for synonym in self.synonyms.get(self.lemmatize(word.lower()), ()):
                groups = self.translate_word(synonym, via_synonym=True)
                if groups:
                    break
        return groups

    # -- planning -------------------------------------------------------------------------------

    def _phrase_at(self, raw: list[str], i: int) -> tuple[int, list[TermGroup], tuple[str, tuple[str, ...]] | None]:
        """The longest glossary/dictionary phrase starting at raw[i]: (words consumed, groups, translation).
        A content-free phrase ("how many") consumes its words and yields nothing; no phrase consumes 0."""
        for n in range(min(MAX_PHRASE_WORDS if self.use_phrases else 1, len(raw) - i), 1, -1):
            phrase = " ".join(raw[i : i + n])
            entry = self._lookup(phrase, False)
            if self._content_free(entry):  # "how many", or a phrase that translates to stop words only
                return n, [], None
            phrase_groups = self.translate_word(phrase) if entry else []
            if phrase_groups:
                terms = tuple(t for g in phrase_groups for t in g)
                return n, [TermGroup(tuple(g), 1.0, phrase) for g in phrase_groups], (phrase, terms)
        return 0, [], None

    def _english_token(
        self, token: str, is_name: bool
    ) -> tuple[list[TermGroup], tuple[str, tuple[str, ...]] | None, str]:
        """Query terms for one token of an English (or mixed) question, the translation to show, and
        what it was: "name", "translated", "indonesian" or "unknown"."""
        lower = token.lower()
        if ordinal := _ORDINAL_RE.fullmatch(token):
            terms = (ordinal.group(1), roman_numeral(int(ordinal.group(1))))
            return [TermGroup(terms, 1.0, token)], (token, terms), "translated"
        if decade := _DECADE_RE.fullmatch(token):  # the number alone: never "s" read as detik (seconds)
            return [TermGroup((decade.group(1),), 1.0, token)], None, "name"
        if (written := indonesian_number(token)) is not None:
            # English 79,000 and 48.22 are written 79.000 and 48,22 in Indonesian: either may match
            terms = tuple(dict.fromkeys(t for t in (self.analyzer.term(token), self.analyzer.term(written)) if t))
            return [TermGroup(terms, 1.0, token)], (token, terms[1:]) if len(terms) > 1 else None, "name"
        is_word = LATIN_WORD_RE.fullmatch(lower) is not None
        if (
            is_word
            and not is_name
            and not self._is_superlative(token)
            and self._content_free(self._lookup(token, False))
        ):
            return [], None, "translated"  # "year" → tahun, a stop word: nothing to search for
        word_groups = self.translate_word(token, is_name=is_name) if is_word else []
        if is_name:
            # names pass through; a known name also brings its translations (China → Tiongkok)
            own = [term for piece in tokenize(lower) if (term := self.analyzer.term(piece))]
            if len(own) > 1 and token in self.glossary:  # U.S. → Amerika Serikat, as the glossary says
                named = self.translate_word(token, is_name=True)
                terms = tuple(t for g in named for t in g)
                return [TermGroup(tuple(g), 1.0, token) for g in named], (token, terms), "name"
            if len(own) > 1:  # GA-181: each part is a term of its own
                return [TermGroup((t,), 1.0, token) for t in own], None, "name"
            if own and all(self.in_vocabulary(t) for t in own) and not self._is_english_word(token):
                # a name the index holds as written is that name, never translated (Bigo ↛ anything);
                # only an entry for the name itself, capitalised, adds its other names (China → Tiongkok)
                entry = self.glossary.get(token) or ((self.dictionary[token],) if token in self.dictionary else ())
                aliases = [t for alternatives in entry for t in self._alternatives_to_group(alternatives)[0]]
                merged = tuple(dict.fromkeys(own + aliases))
                extra = tuple(t for t in merged if t not in own)
                return [TermGroup(merged, 1.0, token)], ((token, extra) if extra else None), "name"
            if word_groups:  # a capitalised English word (Minister): as written, never a stem fragment (mister)
                own = [t for t in own if t == lower]
            merged = list(dict.fromkeys(own + [t for g in word_groups for t in g]))
            extra = tuple(t for t in merged if t not in own)
            return (
                ([TermGroup(tuple(merged), 1.0, token)] if merged else []),
                ((token, extra) if extra else None),
                "name",
            )
        if word_groups:
            terms = tuple(t for g in word_groups for t in g)
            shown = None if set(terms) == {self.analyzer.term(lower)} else (token, terms)  # not "ancam ← ancam"
            return [TermGroup(tuple(g), 1.0, token) for g in word_groups], shown, "translated"
        if own := self._indonesian_terms(token):
            return [TermGroup((t,), 1.0, token) for t in own], None, "indonesian"  # an Indonesian word
        # unknown word: kept as a term that matches nothing, so it still counts against coverage
        return [TermGroup((t,), 1.0, token) for t in self.analyzer.analyze(token)], None, "unknown"

    def _is_english_word(self, token: str) -> bool:
        lower = token.lower()
        return any(key in self.dictionary_lower or key in self.glossary_lower for key in (lower, self.lemmatize(lower)))

    def plan(self, question: str, language: str | None = None) -> TranslatedQuery:
        language = language or self.detect(question)
        # possessive 's carries nothing ("Indonesia's growth" → Indonesia growth)
        raw = [
            _without_negation(_POSSESSIVE_RE.sub("", unicodedata.normalize("NFKC", t)))
            for t in RAW_TOKEN_RE.findall(question)
        ]
        groups: list[TermGroup] = []
        translations: list[tuple[str, tuple[str, ...]]] = []
        kinds: set[str] = set()
        i = 0
        while i < len(raw):
            token = raw[i]
            if language == "id" and self._is_indonesian(token):
                # searched as the analyzer makes it, whatever the index holds: a stop word is nothing
                # (not "dengan" → denga), an unknown Indonesian word a term that matches nothing
                groups += [TermGroup((t,), 1.0, token) for t in self.analyzer.analyze(token)]
                kinds.add("indonesian")
                i += 1
                continue
            consumed, phrase_groups, translation = self._phrase_at(raw, i)
            if consumed:
                groups += phrase_groups
                if translation:
                    translations.append(translation)
                    kinds.add("translated")
                i += consumed
                continue
            i += 1
            if token.lower() in self.english_stopwords and not (token.isupper() and (len(token) > 1 or i > 1)):
                continue  # an upper-case stop word is an acronym (IT, US) or a letter (Commission A), but not "A …"
            is_name = (
                (token[:1].isupper() and i > 1)
                or (token.isupper() and len(token) > 1)
                or not LATIN_WORD_RE.fullmatch(token.lower())
            )
            token_groups, translation, kind = self._english_token(token, is_name)
            groups += token_groups
            kinds.add(kind)
            if translation:
                translations.append(translation)
        if (language == "en" and "indonesian" in kinds) or (language == "id" and "translated" in kinds):
            language = "mixed"
        if not self.structured:
            # flat query (for comparison): every translation is a query term of its own
            groups = [TermGroup((t,), g.weight, g.label) for g in groups for t in g.terms]
        return TranslatedQuery(language, _merge_duplicates(groups), tuple(translations))


def _without_negation(token: str) -> str:
    """The verb of an English negated contraction (couldn't → could, can't → can), searched as that verb (most
    are stop words) rather than as the fragments "couldn" and "t"; any other token as it is."""
    negated = _NEGATED_RE.fullmatch(token)
    if negated is None:
        return token
    verb = negated.group(1)
    return _NEGATED_IRREGULAR.get(verb.lower(), verb)


def _merge_duplicates(groups: list[TermGroup]) -> tuple[TermGroup, ...]:
    """The same query term asked twice weighs twice, as in BM25Okapi's loop over query tokens."""
    merged: dict[tuple[str, ...], TermGroup] = {}
    for group in groups:
        if not group.terms:
            continue
        previous = merged.get(group.terms)
        merged[group.terms] = TermGroup(
            group.terms,
            (previous.weight if previous else 0.0) + group.weight,
            previous.label if previous else group.label,
        )
    return tuple(merged.values())
