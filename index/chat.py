"""Chat Indonesian in questions: particles (sih, ya, dong…) dropped and chat spellings (gimana, yg, gak,
udah, krn, utk…) written out, from data/chat_id.tsv, before the question is planned.

Only questions go through this: news text is written Indonesian, so the index needs no such step. A
particle left in counted as a content word the index lacks ("karena apa sih?" refused).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# whole words, not parts of handles, domains or hyphenated codes (GA-181 is a flight, not "tidak-181")
_WORD_RE = re.compile(r"(?<![\w@.-])\w+(?![\w.-]*\w)", re.UNICODE)


@lru_cache(maxsize=1)
def chat_forms() -> dict[str, str]:
    """chat form → written form ("" for a particle that carries nothing)."""
    forms: dict[str, str] = {}
    text = resources.files("index").joinpath("data", "chat_id.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, written = (part.strip() for part in line.split("\t", 1))
        forms[form.lower()] = "" if written == "-" else written
    return forms


def write_out_chat(question: str) -> str:
    """The question with chat particles removed and chat spellings written out; other words untouched. A word in
    capitals inside a question that is not written in capitals is a code or an acronym, not chat ("GA 181" is a
    flight; "KENAPA GA BISA" is chat for tidak)."""
    forms = chat_forms()
    letters = [c for c in question if c.isalpha()]
    shouted = sum(c.isupper() for c in letters) > 0.6 * len(letters)

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        written = forms.get(word.lower())
        if written is None or (not shouted and len(word) > 1 and word.isupper()):
            return word
        return written

    return " ".join(_WORD_RE.sub(replace, question).split())
