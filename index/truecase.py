"""Names as the articles write them, for the embedding model: a question typed in lower case ("kenapa bigo diancam
diblokir?") asks the model about "bigo", which it reads as some word, where the articles write "Bigo" — the
question's cosine with the paragraph that answers it drops below the level the answered rule asks for
(index/confidence.py). On IDK-MRC valid typed in lower case, 83.5 % of answerable questions were answered against
88.2 % as written (benchmarks/real_questions.py --lower).

Only the model's copy of the question changes; BM25 is case-blind. A word the user typed in lower case takes the
articles' capitalised form where the candidate paragraphs write it capitalised inside their sentences more often
than not (a capital at a sentence's start says nothing). Words the user capitalised, function words and words
the candidates do not hold are left as typed.

Pure: the candidates' texts in, a question out.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")
# Before a word: what makes it the first of a sentence (its capital then says nothing), skipping opening quotes
# and brackets.
_SENTENCE_END = frozenset(".!?:;\n")
_OPENERS = frozenset(" \t\"'“”‘’([«")


def _starts_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def corpus_casing(words: Iterable[str], texts: Sequence[str]) -> dict[str, str]:
    """For each lower-case word, its most frequent capitalised form in `texts`, where the texts write it capitalised
    inside their sentences more often than in lower case."""
    wanted = sorted({w for w in words if w and w.islower()}, key=len, reverse=True)
    if not wanted:
        return {}
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, wanted)) + r")(?![\w'’-]\w)", re.IGNORECASE)
    capitalised: dict[str, Counter[str]] = {}
    lower: Counter[str] = Counter()
    for text in texts:
        for match in pattern.finditer(text):
            surface = match.group()
            key = surface.lower()
            if surface.islower():
                lower[key] += 1
            elif not _starts_sentence(text, match.start()):
                capitalised.setdefault(key, Counter())[surface] += 1
    casing = {}
    for key, forms in capitalised.items():
        if sum(forms.values()) > lower[key]:
            # the most frequent form, ties by the form itself so the choice does not depend on the texts' order
            casing[key] = min(forms.items(), key=lambda item: (-item[1], item[0]))[0]
    return casing


def truecased(question: str, texts: Sequence[str], function_words: frozenset[str] = frozenset()) -> str:
    """The question with its lower-case words in the candidates' capitalised form (corpus_casing); the rest as
    typed."""
    typed = [m.group() for m in WORD_RE.finditer(question)]
    casing = corpus_casing((w for w in typed if w not in function_words), texts)
    if not casing:
        return question
    return WORD_RE.sub(lambda m: casing.get(m.group(), m.group()), question)
