"""Which language a question is written in: function words vote, then words only one language knows, then
lingua. Titles and names inside a question ("The Art of War") say nothing of its language."""

from __future__ import annotations

import re
from functools import lru_cache

from .analysis import load_word_list
from .lexicon import english_lemmatizer, is_known_indonesian, load_dictionary, load_glossary

# Raw tokens with case kept: words (with inner hyphens/apostrophes), numbers, decades (1990s), handles, domains.
RAW_TOKEN_RE = re.compile(
    r"@\w+|https?://\S+|[\w.-]*\w\.\w+|\d{1,4}(?:st|nd|rd|th)\b|\d{2,4}['’]?s\b|\d+(?:[.,:/]\d+)*|\w+(?:['’-]\w+)*",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _language_detector():
    """Lingua on trigrams only ("low accuracy mode"): 8 MB where all its models, preloaded, took 63 MB of the
    serving process; lingua speaks only on ties of the function-word vote, and on the 3,786 dev questions of FacQA
    (both languages), SQuAD (first 1,200, both) and IDK-MRC valid the two modes detected every one alike."""
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.INDONESIAN).with_low_accuracy_mode().build()
    )


@lru_cache(maxsize=1)
def _function_words() -> tuple[frozenset[str], frozenset[str]]:
    return load_word_list("stopwords_en.txt"), load_word_list("stopwords_id.txt")


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Both languages' function words (their stop word lists), lower case."""
    english, indonesian = _function_words()
    return english | indonesian


def detect_language(question: str) -> str:
    """'en' or 'id' for the question as a whole.

    Function words vote first: on our dev questions the vote was right for 100 % of them, lingua
    (restricted to English and Indonesian) for 97.9 %, misled by long runs of Indonesian names in
    English questions (benchmarks/crosslingual_retrieval.py). Lingua decides when the vote is tied,
    e.g. for questions without function words ("Bigo Live blocking").
    """
    text = " ".join(RAW_TOKEN_RE.findall(question))
    if not re.search(r"[^\W\d_]", text):
        return "id"  # nothing to tell by: numbers, emoji, punctuation
    english_words, indonesian_words = _function_words()
    # a title or name inside the question ("The Art of War", "Bank of Thailand") says nothing of its language
    words = [w.lower() for w in without_title_runs(text.split())]
    vote = sum(w in english_words for w in words) - sum(w in indonesian_words for w in words)
    if vote:
        return "en" if vote > 0 else "id"
    # no function words ("tiktok sued trump?", "bigo diblokir"): content words that only one language
    # knows vote next; lingua alone took "tiktok sued trump" for Indonesian
    vote = sum(_word_language(w) for w in words)
    if vote:
        return "en" if vote > 0 else "id"
    return lingua_language(text)


@lru_cache(maxsize=1 << 16)  # a word's verdict never changes; a question asks it of every word (~5 µs each)
def _word_language(word: str) -> int:
    """+1 for a word only English knows (the dictionary, as written or as its lemma), -1 for one only
    Indonesian knows (a root or a form Sastrawi takes apart), 0 for both, neither, or a name."""
    english = word in load_dictionary() or word in load_glossary() or english_lemmatizer()(word) in load_dictionary()
    indonesian = is_known_indonesian(word)
    return int(english) - int(indonesian)


_TITLE_CONNECTORS = frozenset({"of", "the", "and", "for", "in", "on", "a", "an", "to", "de", "van", "von", "dan", "di"})


def without_title_runs(tokens: list[str]) -> list[str]:
    """The tokens less capitalised runs after the first word and the small words joining them
    ("Apa isi buku The Art of War?" → Apa isi buku)."""

    def capitalised(token: str) -> bool:
        return token[:1].isupper()

    kept: list[str] = []
    i = 0
    while i < len(tokens):
        if i > 0 and capitalised(tokens[i]):
            j = i + 1
            while j < len(tokens):
                if capitalised(tokens[j]):
                    j += 1
                    continue
                k = j
                while k < len(tokens) and tokens[k].lower() in _TITLE_CONNECTORS:
                    k += 1  # "of the" in "The Lord of the Rings"
                if k == j or k == len(tokens) or not capitalised(tokens[k]):
                    break
                j = k + 1
            i = j
            continue
        kept.append(tokens[i])
        i += 1
    return kept


def lingua_language(text: str) -> str:
    confidences = _language_detector().compute_language_confidence_values(text)
    return "en" if confidences and confidences[0].language.name == "ENGLISH" else "id"
