"""English words whose Indonesian spelling follows regular correspondences (pornography → pornografi,
moderation → moderasi, quota → kuota): candidates the translator looks up in the index when the dictionary
and the glossary do not know a word (index/crosslingual.py)."""

from __future__ import annotations

import re

# Regular English→Indonesian spelling correspondences, longest suffix first.
_COGNATE_SUFFIXES = (
    ("ization", "isasi"),
    ("ified", "ifikasi"),
    ("ify", "ifikasi"),
    ("isation", "isasi"),
    ("graphy", "grafi"),
    ("logy", "logi"),
    ("ical", "is"),
    ("ics", "ika"),
    ("tion", "si"),
    ("sion", "si"),
    ("ssion", "si"),
    ("ence", "ensi"),
    ("ance", "ansi"),
    ("ency", "ensi"),
    ("ancy", "ansi"),
    ("ity", "itas"),
    ("ty", "tas"),
    ("ism", "isme"),
    ("ize", "isasi"),
    ("ide", "ida"),
    ("ist", "is"),
    ("cratic", "krasi"),
    ("ential", "en"),
    ("ent", "en"),
    ("istic", "istik"),
    ("ist", "istik"),
    ("ive", "if"),
    ("ian", "ia"),
    ("ian", ""),  # a people's country: Ecuadorian → Ekuador, Brazilian → Brasil (as -an → -a: Korean → Korea)
    ("an", "a"),
    ("ic", "ik"),
    ("i", ""),  # a people's country: Kuwaiti → Kuwait, Israeli → Israel
    ("ary", "er"),
    ("ory", "ori"),
    ("ure", "ur"),
    ("ment", "men"),
    ("y", "i"),
    ("er", "er"),
    ("or", "or"),
    ("al", "al"),
    ("e", ""),
    ("", ""),
)
_COGNATE_LETTERS = (
    ("ph", "f"),
    ("th", "t"),
    ("qu", "ku"),
    ("x", "ks"),
    ("ck", "k"),
    ("sch", "sk"),
    ("ch", "k"),
    ("y", "i"),
)


def cognate_candidates(word: str) -> list[str]:
    """Indonesian spellings an English word may have (pornography → pornografi, moderation → moderasi); a plural
    the dictionary does not know is read as its singular too (Colombians → Kolombia)."""
    stems = []
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else None
    for form in (word, singular) if singular else (word,):
        for english, indonesian in _COGNATE_SUFFIXES:
            if form.endswith(english) and len(form) - len(english) >= 3:
                stems.append(form[: len(form) - len(english)] + indonesian)
    candidates = []
    for stem in stems:
        # qu is ku (kuota, kualitas, frekuensi) but now and then kw (kwitansi)
        for written in (stem, stem.replace("qu", "kw")) if "qu" in stem else (stem,):
            spelled = written
            for english, indonesian in _COGNATE_LETTERS:
                spelled = spelled.replace(english, indonesian)
            spelled = re.sub(r"c(?=[eiy])", "s", spelled).replace("c", "k")
            spelled = re.sub(r"([bcdfgklmnprstvz])\1", r"\1", spelled)  # commission → komisi
            for candidate in (spelled, stem):
                if candidate not in candidates:
                    candidates.append(candidate)
    return candidates
