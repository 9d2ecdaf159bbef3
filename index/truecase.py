"""Names as the articles write them, for the embedding model: a question typed in lower case ("kenapa bigo diancam
diblokir?") asks the model about "bigo", which it reads as some word, where the articles write "Bigo" — the
question's cosine with the paragraph that answers it drops below the level the answered rule asks for
(index/confidence.py). On IDK-MRC valid typed in lower case, 83.5 % of answerable questions were answered against
88.2 % as written (benchmarks/real_questions.py --lower).

Only the model's copy of the question changes; BM25 is case-blind. In a question typed in lower case (a capital at
a sentence's start aside: keyboards put it there), a word takes the articles' capitalised form where the candidate
paragraphs write it capitalised inside their sentences more often than not (there too a sentence's first capital
says nothing). Function words and words the candidates do not hold are left as typed, and a question with a
capital inside a sentence is taken as cased as its writer meant: on questions written with care (SQuAD's English
ones) changing their lower-case words cost more than it gained (MRR@10 0.838 → 0.837).

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


def typed_in_lower_case(question: str) -> bool:
    """No capital in the question but at a sentence's start (where keyboards put one): a question truecased reads."""
    return not any(
        m.group() != m.group().lower() and not _starts_sentence(question, m.start()) for m in WORD_RE.finditer(question)
    )


def truecased(question: str, texts: Sequence[str], function_words: frozenset[str] = frozenset()) -> str:
    """A question typed in lower case with its words in the candidates' capitalised form (corpus_casing); any other
    question as typed (cased by its writer)."""
    if not typed_in_lower_case(question):
        return question
    casing = corpus_casing((w for m in WORD_RE.finditer(question) if (w := m.group()) not in function_words), texts)
    if not casing:
        return question
    return WORD_RE.sub(lambda m: casing.get(m.group(), m.group()), question)
