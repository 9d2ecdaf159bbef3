"""Sastrawi's stemmer, unchanged in what it returns, without the work that cannot change it.

Sastrawi removes a prefix by trying ~40 prefix rules in order, each one or more `re.match` calls on the word,
up to three times per word and again in its ECS loop: 80 % of its time (~0.3 ms a word) on words with an affix
shape, most of a build's time. Three things are left out here:
- Every rule's patterns begin with literal letters or letter classes ("^meng([aiueo])",
  "^([bcdfghjklmnpqrstvwxyz])el([aiueo])"), so the first two letters of the word rule most of them out. Each rule
  is tried only on words whose first two letters its patterns can begin with; the patterns are read from the
  rules' own source, and a rule whose patterns we cannot read is always tried. A rule that cannot match neither
  changes the word nor records a removal, so skipping it changes nothing.
- A visitor that removes a prefix or a suffix records the removed part as `re.sub(result, "", word, count=1)`: the
  new word compiled as a pattern, a fresh compile per word (a tenth of a build's analysis even with the first
  point). The words hold only letters, digits and hyphens, literal in a pattern, so `str.replace(result, "", 1)`
  is the same string (and `re.sub` is still used for anything else). Sastrawi's ECS loop reads the removed
  suffix ("kan"), so a wrong one would change stems: the tests below would see it.
- A word of lower-case letters (all the analyzer asks) is normalised twice (two `re.sub` each) and checked for
  a plural form on its way to the singular stemmer; it is none and normalising leaves it as it is, so it goes
  there directly, through the same cache (~29 → ~23 µs a new word of affix shape).
Tests compare every word of the benchmark passages and a synthetic vocabulary with Sastrawi's own stemmer.
"""

from __future__ import annotations

import inspect
import re
import string
from functools import lru_cache
from typing import Callable, Iterable

_ALL = None  # a position any character may take, or a pattern we do not read: the rule is always tried
_LITERAL_RE = re.compile(r"[a-z0-9-]*")  # what a pattern matches as written
_LOWER_WORD_RE = re.compile(r"[a-z]+")
_PATTERN_RE = re.compile(r"re\.match\(r'([^']*)',\s*word\)")


def leading_letters(pattern: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The characters the first and second characters of a string matched by `pattern` (at its start) can be,
    or None where the pattern's start is anything but literal letters and [classes] in groups."""
    positions: list[frozenset[str]] = []
    i = 1 if pattern.startswith("^") else 0
    while len(positions) < 2 and i < len(pattern):
        char = pattern[i]
        if char in "()":
            if pattern.startswith("(?", i):
                return None
            i += 1
            continue
        if char == "[":
            end = pattern.find("]", i)
            if end < 0 or pattern[i + 1] == "^":
                return None
            chars = _class_chars(pattern[i + 1 : end])
            if chars is None:
                return None
            atom, i = chars, end + 1
        elif char in string.ascii_lowercase:
            atom, i = frozenset(char), i + 1
        else:
            return None
        if i < len(pattern) and pattern[i] in "*+?{":
            return None  # a repeated or optional atom: the next position is not fixed
        positions.append(atom)
    if len(positions) < 2:
        return None
    return positions[0], positions[1]


def _class_chars(body: str) -> frozenset[str] | None:
    chars: set[str] = set()
    i = 0
    while i < len(body):
        if body[i] == "\\":
            return None
        if i + 2 < len(body) and body[i + 1] == "-":
            chars.update(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            chars.add(body[i])
            i += 1
    return frozenset(chars)


def rule_starts(disambiguators: Iterable[object]) -> frozenset[str] | None:
    """The two-letter starts of the words any of these disambiguators can match, or None (no limit known).
    Each disambiguator's first `re.match(r'...', word)` decides whether it matches at all (any later one is
    a further condition on its groups); "belajar" is rule 4's only word."""
    starts: set[str] = set()
    for disambiguator in disambiguators:
        source = inspect.getsource(type(disambiguator).disambiguate)
        found = _PATTERN_RE.search(source)
        if found is None:
            literal = re.search(r"if word == '([a-z]+)'", source)
            if literal is None or "re." in source:
                return None
            starts.add(literal.group(1)[:2])
            continue
        leading = leading_letters(found.group(1))
        if leading is None:
            return None
        first, second = leading
        starts.update(a + b for a in first for b in second)
    return frozenset(starts)


# Sastrawi's visitors that remove one affix by a fixed pattern, and the affix type each records (Visitor/*.py)
_AFFIX_TYPES = {
    "RemoveInflectionalParticle": "P",
    "RemoveInflectionalPossessivePronoun": "PP",
    "RemoveDerivationalSuffix": "DS",
    "RemovePlainPrefix": "DP",
}


def _removed_part(word: str, result: str) -> str:
    """Sastrawi's `re.sub(result, "", word, count=1)`: a literal replace when `result` is literal as a pattern."""
    return word.replace(result, "", 1) if _LITERAL_RE.fullmatch(result) else re.sub(result, "", word, count=1)


def guarded_stemmer() -> Callable[[str], str]:
    """Sastrawi's cached stemmer (as StemmerFactory().create_stemmer().stem) trying only rules that can match."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Cache.ArrayCache import ArrayCache
    from Sastrawi.Stemmer.CachedStemmer import CachedStemmer
    from Sastrawi.Stemmer.Context.Context import Context
    from Sastrawi.Stemmer.Context.Removal import Removal
    from Sastrawi.Stemmer.Context.Visitor.PrefixDisambiguator import PrefixDisambiguator
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    class GuardedContext(Context):
        def accept_prefix_visitors(self, visitors):
            # Sastrawi's loop, over the rules that can match the word. The word does not change during the loop
            # (a rule that changes it records a removal, which ends the loop), so the choice holds throughout.
            # The first rule is always tried: Sastrawi checks the dictionary after it even when it did nothing.
            return super().accept_prefix_visitors(prefix_rules_for(self.current_word))

    class PrefixRule(PrefixDisambiguator):
        def visit(self, context):
            # AbstractDisambiguatePrefixRule.visit, the removed part found without compiling the new word
            result = None
            for disambiguator in self.disambiguators:
                result = disambiguator.disambiguate(context.current_word)
                if context.dictionary.contains(result):
                    break
            if result is None:
                return
            word = context.current_word
            context.add_removal(Removal(self, word, result, _removed_part(word, result), "DP"))
            context.current_word = result

    class GuardedStemmer(Stemmer):
        def stem_singular_word(self, word):
            context = GuardedContext(word, self.dictionary, self.visitor_provider)
            context.execute()
            return context.result

    class LiteralRemovedPart:
        """A suffix or plain-prefix visitor (RemoveDerivationalSuffix …) whose visit records the removed part with
        str.replace rather than compiling the new word as a pattern; `remove` is the visitor's own."""

        def __init__(self, visitor, affix_type: str) -> None:
            self.visitor, self.affix_type, self.remove = visitor, affix_type, visitor.remove

        def visit(self, context):
            word = context.current_word
            result = self.remove(word)
            if result != word:
                removed = _removed_part(word, result)
                context.add_removal(Removal(self.visitor, word, result, removed, self.affix_type))
                context.current_word = result

    stemmer = GuardedStemmer(ArrayDictionary(StemmerFactory().get_words()))
    provider = stemmer.visitor_provider
    for visitors in (provider.get_suffix_visitors(), provider.get_prefix_visitors()):
        visitors[:] = [
            LiteralRemovedPart(v, _AFFIX_TYPES[type(v).__name__]) if type(v).__name__ in _AFFIX_TYPES else v
            for v in visitors
        ]
    rules = provider.get_prefix_visitors()
    rules[1:] = [PrefixRule(rule.disambiguators) if type(rule) is PrefixDisambiguator else rule for rule in rules[1:]]
    starts = [rule_starts(getattr(rule, "disambiguators", ())) if i else None for i, rule in enumerate(rules)]
    plain = getattr(rules[0], "visitor", rules[0])
    if type(plain).__name__ != "RemovePlainPrefix":  # a Sastrawi we do not know: try every rule
        starts = [None] * len(rules)

    @lru_cache(maxsize=1024)
    def rules_for_start(start: str) -> list:
        return [rule for rule, can in zip(rules, starts) if can is None or start in can]

    def prefix_rules_for(word: str) -> list:
        return rules_for_start(word[:2]) if len(word) >= 2 else rules

    cached = CachedStemmer(ArrayCache(), stemmer)
    memo = getattr(cached.cache, "data", None)  # ArrayCache's dict, word → stem
    if not isinstance(memo, dict):  # a Sastrawi we do not know: its own way
        return cached.stem

    def stem(text: str) -> str:
        # One word of lower-case letters, all the analyzer asks: Sastrawi's text normalisation leaves it as it is
        # and it is no plural (no hyphen), so CachedStemmer.stem comes down to the singular stemmer and the same
        # cache; normalising it twice and the plural check were a quarter of a call on new words
        if _LOWER_WORD_RE.fullmatch(text):
            found = memo.get(text)
            if found is None:
                found = memo[text] = stemmer.stem_singular_word(text)
            return found
        return cached.stem(text)

    return stem
