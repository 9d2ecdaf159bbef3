"""What kind of answer a question asks for (who, when, where, how many) and whether a text holds one.

Pure. Used to rank the paragraph and sentence that hold an answer of the asked type first, and as a
signal for "I don't know": a when-question over a paragraph without a date is not answered by it.
"""

from __future__ import annotations

import re

PERSON, DATE, PLACE, NUMBER = "person", "date", "place", "number"

_TYPE_PATTERNS = (
    (
        DATE,
        re.compile(
            r"\b(kapan|kapankah|when|tahun berapa|tanggal berapa|what year|which year|sejak kapan|"
            r"pada tahun berapa|abad ke berapa)\b",
            re.IGNORECASE,
        ),
    ),
    (NUMBER, re.compile(r"\b(berapa|berapakah|how many|how much|how long|how old|jumlah)\b", re.IGNORECASE)),
    (PERSON, re.compile(r"\b(siapa|siapakah|who|whom|whose)\b", re.IGNORECASE)),
    (PLACE, re.compile(r"\b(di ?mana|dimanakah|di manakah|where|ke mana|dari mana|letak)\b", re.IGNORECASE)),
)
_MONTHS = (
    "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|"
    "january|february|march|june|july|august|october|december|jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des"
)
_DATE_RE = re.compile(
    rf"\b(1[0-9]{{3}}|20[0-9]{{2}})\b|\b\d{{1,2}}\s+({_MONTHS})\b|\b({_MONTHS})\s+\d{{4}}\b|\babad\b|"
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(senin|selasa|rabu|kamis|jumat|sabtu|minggu)\b|\b\d+\s?(SM|M)\b",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(
    r"\d|\b(satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|belas|puluh|"
    r"ratus|ribu|juta|miliar|triliun|seratus|seribu|setengah)\b",
    re.IGNORECASE,
)
_NAME_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)*")


def asked_type(question: str) -> str | None:
    """The type of answer a question asks for, or None (what, why, how, yes/no…)."""
    for kind, pattern in _TYPE_PATTERNS:
        if pattern.search(question):
            return kind
    return None


def holds_answer_type(text: str, kind: str | None, question: str = "") -> bool:
    """Whether text holds something of the asked kind that the question does not already name."""
    if kind is None:
        return True
    if kind == DATE:
        return _DATE_RE.search(text) is not None
    if kind == NUMBER:
        asked_numbers = set(re.findall(r"\d+", question))
        return (
            any(n not in asked_numbers for n in re.findall(r"\d+", text))
            or _NUMBER_RE.search(re.sub(r"\d", "", text)) is not None
        )
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    return any(any(w.lower() not in asked for w in re.findall(r"\w+", name)) for name in _NAME_RE.findall(text))
