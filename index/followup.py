"""Follow-up questions: "kalau TikTok gimana?", "and TikTok?", "why?", "kapan?" name no topic of their own,
so they borrow the previous question's. Pure: the caller keeps the previous question (per chat, in memory,
forgotten after FOLLOW_UP_SECONDS) and passes it in.

A follow-up is short and either only question words ("why?", "kapan?") or a follow-up marker ("kalau",
"and", "what about"…) with at most two words of its own. It borrows the previous question's content
words (and its question word, if it has none); a name in the follow-up replaces the previous question's
names ("kalau TikTok?" after "Kenapa Bigo Live diancam diblokir?" searches TikTok diancam diblokir).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Hashable

from .analysis import load_word_list
from .chat import write_out_chat

FOLLOW_UP_SECONDS = 600.0
MAX_FOLLOW_UP_WORDS = 8
MAX_OWN_WORDS = 2
_WORD_RE = re.compile(r"[@\w][\w.'’-]*")
_MARKERS = (
    "bagaimana dengan",
    "gimana dengan",
    "what about",
    "how about",
    "what of",
    "kalau",
    "terus",
    "lalu",
    "sedangkan",
    "dan",
    "and",
    "also",
    "then",
    "juga",
)
QUESTION_WORDS = frozenset(
    {
        "why",
        "when",
        "where",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "how",
        "kenapa",
        "mengapa",
        "kapan",
        "siapa",
        "siapakah",
        "dimana",
        "mana",
        "bagaimana",
        "berapa",
        "berapakah",
        "apa",
        "apakah",
        "kapankah",
        "mengapakah",
    }
)


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return load_word_list("stopwords_en.txt") | load_word_list("stopwords_id.txt") | QUESTION_WORDS


def _words(text: str) -> list[str]:
    return [w.strip(".'’-") for w in _WORD_RE.findall(text) if w.strip(".'’-")]


def _is_name(word: str) -> bool:
    return any(c.isupper() for c in word) or word.startswith("@")


@dataclass(frozen=True, slots=True)
class FollowUp:
    search_text: str  # what is searched: the follow-up with the borrowed words
    borrowed: tuple[str, ...]  # words taken from the previous question, for "searched:"


def as_follow_up(question: str, previous: str | None) -> FollowUp | None:
    """The follow-up to search, if `question` names no topic of its own and there is a previous question."""
    if not previous:
        return None
    text = write_out_chat(question).strip()
    lowered = " ".join(_words(text.lower()))
    words = _words(text)
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return None
    function_words = _function_words()
    own = [w for w in words if w.lower() not in function_words]
    marker = next((m for m in _MARKERS if lowered == m or lowered.startswith(m + " ")), None)
    if own and not (marker and len(own) <= MAX_OWN_WORDS):
        return None
    previous_words = _words(write_out_chat(previous))
    names_given = any(_is_name(w) for w in own)
    borrowed = [w for w in previous_words if w.lower() not in function_words and not (names_given and _is_name(w))]
    rest = lowered[len(marker) :].split() if marker else lowered.split()  # "what about": a marker, not a "what"
    if not any(w in QUESTION_WORDS for w in rest):
        borrowed = [w for w in previous_words if w.lower() in QUESTION_WORDS][:1] + borrowed
    borrowed = list(dict.fromkeys(borrowed))
    if not borrowed:
        return None
    return FollowUp(f"{text} {' '.join(borrowed)}", tuple(borrowed))


@dataclass
class Conversations:
    """The last question searched in each conversation (a chat, a group thread, a console session),
    forgotten after `ttl` seconds or when forgotten explicitly (/start)."""

    ttl: float = FOLLOW_UP_SECONDS
    clock: Callable[[], float] = time.monotonic
    max_conversations: int = 10_000
    _last: dict[Hashable, tuple[str, float]] = field(default_factory=dict)

    def previous(self, key: Hashable) -> str | None:
        found = self._last.get(key)
        if found is None or self.clock() - found[1] > self.ttl:
            self._last.pop(key, None)
            return None
        return found[0]

    def remember(self, key: Hashable, searched: str) -> None:
        if len(self._last) >= self.max_conversations and key not in self._last:
            oldest = min(self._last, key=lambda k: self._last[k][1])
            del self._last[oldest]
        self._last[key] = (searched, self.clock())

    def forget(self, key: Hashable) -> None:
        self._last.pop(key, None)
