"""The guarded Sastrawi stemmer (index/sastrawi_guarded.py) returns what Sastrawi itself returns."""

import json
import random

import pytest

from index.analysis import normalize, sastrawi_roots, tokenize
from index.sastrawi_guarded import guarded_stemmer, leading_letters, rule_starts
from support import MESSY_ARTICLE, REPO

IDK_MRC = REPO.parent / "shared" / "benchmarks" / "idk_mrc" / "corpus.jsonl"
CONSONANTS = "bcdfghjklmnpqrstvwxyz"


@pytest.fixture(scope="module")
def sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer(isDev=False)


def test_leading_letters_of_the_rule_patterns():
    assert leading_letters(r"^meng([aiueo])(.*)$") == (frozenset("m"), frozenset("e"))
    assert leading_letters(r"be([bcd])(er[b-d])(.*)$") == (frozenset("b"), frozenset("e"))
    assert leading_letters(r"^([bcdfghjklmnpqrstvwxyz])(in[aiueo])(.*)$") == (frozenset(CONSONANTS), frozenset("i"))
    assert leading_letters(r"^ku(.*)$") == (frozenset("k"), frozenset("u"))
    # anything whose first two characters are not fixed letters: no limit
    for pattern in (r"^m?eng(.*)", r"^(.*)kan$", r"^[^aiueo]e", r"^\w+", r"^(?:me)", r"^m"):
        assert leading_letters(pattern) is None, pattern


def test_every_prefix_rule_of_the_installed_sastrawi_is_limited(sastrawi):
    """If a Sastrawi release wrote its rules differently, the guard would quietly try every rule: still right,
    but the build four times slower. This says so."""
    rules = sastrawi.delegatedStemmer.visitor_provider.get_prefix_visitors()[1:]
    starts = [rule_starts(rule.disambiguators) for rule in rules]
    assert all(s is not None for s in starts)
    assert set().union(*starts) >= {"me", "pe", "be", "te", "ku", "ka", "de", "ge", "ci"}


def _words() -> list[str]:
    rng = random.Random(11)
    words = {t for path in (REPO / "corpus").iterdir() for t in tokenize(normalize(path.read_text(encoding="utf-8")))}
    words |= set(tokenize(normalize(MESSY_ARTICLE)))
    # every prefix and suffix shape on real roots (nasal assimilation, recoded first letters, infixes, plurals)
    roots = rng.sample(sorted(sastrawi_roots()), 600)
    prefixes = ["", "me", "mem", "men", "meng", "meny", "menge", "pe", "pem", "pen", "peng", "peny", "penge", "per"]
    prefixes += ["di", "ter", "te", "ber", "be", "ke", "se", "ku", "kau", "memper", "diper", "keber", "pel"]
    suffixes = ["", "kan", "an", "i", "nya", "lah", "kah", "tah", "pun", "ku", "mu", "kannya", "annya", "is", "isme"]
    for root in roots:
        for _ in range(6):
            words.add(rng.choice(prefixes) + root + rng.choice(suffixes))
        if len(root) > 2:
            words.add(root[0] + rng.choice(["el", "em", "er", "in"]) + root[1:])
        words.add(f"{root}-{rng.choice(prefixes)}{root}{rng.choice(suffixes)}")
    words |= {"belajar", "pelajaran", "mempelajari", "kinerja", "gemetar", "menyapu", "memukul", "mengirim", "abc-2"}
    # the synthetic engine benchmark's kind of word: random syllables, most of an affix shape by chance
    syllables = [c + v for c in "bdgjklmnprstwy" for v in "aiueo"] + ["ng", "ny", "er", "an", "in", "kan"]
    words |= {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(3000)}
    # real news-style text: IDK-MRC's passages, beside the repo (../shared, as in CI)
    passages = [json.loads(line)["text"] for line in IDK_MRC.read_text(encoding="utf-8").splitlines()[:1500]]
    words |= {t for text in passages for t in tokenize(normalize(text))}
    return sorted(words)


def test_the_guarded_stemmer_stems_every_word_as_sastrawi_does(sastrawi):
    guarded = guarded_stemmer()
    words = _words()
    assert len(words) > 9000
    assert [w for w in words if guarded(w) != sastrawi.stem(w)] == []
    # and the words exercise what the guard skips and what it must not: prefixes removed, roots found
    assert sum(sastrawi.stem(w) != w for w in words) > 3000
