"""Indonesian text analysis: normalise, tokenise, drop stop words, stem.

The same analyzer turns paragraphs into index terms and questions into query terms, so whatever it
does to one it does to the other. Its name and version are stored in the index; changing what
`analyze` returns for any input means bumping ANALYZER_VERSION.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from importlib import resources
from typing import Callable, TypeVar

T = TypeVar("T")  # what a memo holds per chunk: terms, (token, term) pairs or term numbers (bytes)

ANALYZER_VERSION = 5  # 3: stopwords_kept_id.txt; the hybrid stemmer; 4: a dropped g after meng-/peng-;
# 5: Sastrawi only for words of an affix shape (the same stems on the benchmark passages; tests)

# Zero-width and invisible characters that survive NFKC and would split or glue words.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"), None)

# Top-level domains we accept in "name.tld" tokens; a closed list, so that a missing space after a
# full stop ("AS.Platform") is not taken for a domain.
_TLDS = "com|id|info|net|org|co|go|ac|or|sch|web|my|io|tv|me|app|news|gov|edu|biz|sg|uk|us|cn|ly|gg|xyz|online|site"
_TOKEN_RE = re.compile(
    rf"""
    (?P<url>https?://[^\s<>"'()]+)
  | (?P<handle>@\w+)
  | (?P<domain>(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:{_TLDS}))(?![\w-])
  | (?P<number>\d+(?:[.,:/]\d+)*)
  | (?P<word>\w+(?:-\w+)*)
    """,
    re.VERBOSE,
)
_ALPHA_RE = re.compile(r"[a-z]+")
_DROPPED_G_RE = re.compile(r"(meng|peng)[aeiou]")
_SASTRAWI_SHAPE_RE = re.compile(
    r"^(di|ke|se|te|be|me|pe|ku|kau)|^[a-z](in|em|er|el)|(i|kan|an|lah|kah|tah|pun|ku|mu|nya|is|isme|isasi|wan|wati)$"
    r"|[^a-z]"
)
_PARTICLES = ("kah", "lah", "tah", "pun")


def normalize(text: str) -> str:
    """NFKC, invisible characters removed, lower case. Shared by index and query side."""
    if text.isascii():  # NFKC leaves ASCII as it is and no invisible character is ASCII: 10 times faster
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).lower()


def tokenize(text: str) -> list[str]:
    """Surface tokens of already-normalised text, keeping numbers, handles and domains whole.

    `40.000`, `24/7` and `17/9/2024` stay one token; `@tiktok_coms` becomes `tiktok_coms`; a URL
    becomes its host; `janji-janji` (reduplication) becomes `janji`; other hyphenated compounds
    (`Medan-Jakarta`, `GA-181`) become their parts.
    """
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "url":
            host = value.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
            tokens.append(host.removeprefix("www."))
        elif kind == "handle":
            tokens.append(value[1:])
        elif kind == "domain":
            tokens.append(value.removeprefix("www."))
        elif kind == "number":
            tokens.append(value)
        else:
            parts = [p for p in value.split("-") if p]
            if len(set(parts)) == 1:
                tokens.append(parts[0])
            else:
                tokens.extend(parts)
    return tokens


def load_word_list(name: str) -> frozenset[str]:
    """A packaged word list from index/data: one word per line, `#` starts a comment."""
    text = resources.files("index").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


@lru_cache(maxsize=1)
def sastrawi_roots() -> frozenset[str]:
    """PySastrawi's Indonesian root-word list (~30,000 roots, MIT), installed with it."""
    text = resources.files("Sastrawi").joinpath("Stemmer", "data", "kata-dasar.txt").read_text(encoding="utf-8")
    return frozenset(word.strip().lower() for word in text.split())


@lru_cache(maxsize=1)
def sastrawi_stemmer() -> Callable[[str], str]:
    """Sastrawi's dictionary stemmer (its own result cache included), one per process: creating it loads
    the 30,000-root dictionary. Shared by the hybrid and sastrawi stemmers and the question-language check.
    Its results are Sastrawi's own (StemmerFactory().create_stemmer().stem, which tests hold it to), 4–7 times
    faster: sastrawi_guarded."""
    from .sastrawi_guarded import guarded_stemmer

    return guarded_stemmer()


def _make_stemmer(kind: str) -> Callable[[str], str]:
    if kind == "none":
        return lambda word: word
    if kind in ("snowball", "snowball-kw"):
        import Stemmer

        snowball = Stemmer.Stemmer("indonesian")
        if kind == "snowball":
            return snowball.stemWord
        # Snowball with a keyword marker (as Lucene's SetKeywordMarkerFilter): root words it would
        # damage (menteri→teri, berita→ita) are kept as they are.
        protected = load_word_list("protected_roots_id.txt")
        return lambda word: word if word in protected else snowball.stemWord(word)
    if kind in ("hybrid", "hybrid-unfiltered"):
        # Snowball with protected roots where its stem is a known root (most words, at Snowball's speed);
        # otherwise Sastrawi's dictionary stemmer, where *its* answer is a known root. Snowball alone
        # splits families whose prefix it misreads (pemilik → pilik beside dimiliki → milik; menutup →
        # utup; mengelola → elola): benchmarks/stem_families.py.
        snowball_kw = _make_stemmer("snowball-kw")
        dictionary_stem = sastrawi_stemmer()
        roots = sastrawi_roots()

        # Sastrawi costs ~0.05 ms a new word (0.3 ms unguarded), much of a build; it only reduces a word with an affix
        # shape (a prefix, an infix after the first letter, a suffix or particle) or a letter outside a–z (which
        # it drops), so other words skip it. On the 70,923 words of the SQuAD and IDK-MRC passages, every stem
        # Sastrawi decides comes from such a word, and 66 % of its calls are saved ("hybrid-unfiltered" is the
        # slow obvious version the tests hold this to).
        unfiltered = kind == "hybrid-unfiltered"

        def known_root(word: str) -> str | None:
            stem = snowball_kw(word)
            if stem in roots:
                return stem
            if not unfiltered and not _SASTRAWI_SHAPE_RE.search(word):
                return None
            root = dictionary_stem(word)
            return root if root in roots else None

        def hybrid(word: str) -> str:
            root = known_root(word)
            if root is None and _DROPPED_G_RE.match(word):
                # meng-/peng- before a g-root is written "mengg"/"pengg"; news text drops the second g
                # ("mengugat", "mengunakan", "penguna"): read that way, the word finds its family
                root = known_root(word[:4] + "g" + word[4:])
            return root if root is not None else snowball_kw(word)

        return hybrid
    if kind == "sastrawi":
        # Sastrawi (Nazief-Adriani with a root-word dictionary) checks candidate roots against a
        # dictionary, so it does not over-stem menteri→teri or berita→ita as Snowball does.
        return sastrawi_stemmer()
    raise ValueError(f"unknown stemmer {kind!r}")


@dataclass(frozen=True, slots=True)
class AnalyzerSpec:
    """What an analyzer does; its `name` is recorded in the index."""

    # Snowball with protected roots, and Sastrawi's dictionary where Snowball's stem is no known root:
    # 46 of 50 derivational families whole (snowball-kw: 29; benchmarks/stem_families.py); IDK-MRC valid
    # MRR@10 0.807 → 0.810, SQuAD-ID 0.812 → 0.817, FacQA valid 0.847 → 0.844. Sastrawi runs only for
    # the words Snowball damages, so building stays near Snowball's speed.
    stemmer: str = "hybrid"
    stopwords: bool = True

    @property
    def name(self) -> str:
        return f"indonesian-{self.stemmer}" + ("" if self.stopwords else "-nostop")


class Analyzer:
    """Text → index terms. Deterministic.

    `analyze` memoises whole whitespace-separated chunks ("(Kemkominfo)", "40.000,"): no token spans
    whitespace, so tokenising chunk by chunk gives exactly the tokens of the whole text, and a chunk
    seen before costs one dictionary look-up. `analyze_reference` is the slow, obvious version that
    tests hold the fast one to.
    """

    MEMO_LIMIT = 1_000_000
    TOKEN_MEMO_LIMIT = 100_000  # token_terms' chunks: the excerpts English readers were shown (~200 bytes a chunk)

    def __init__(self, spec: AnalyzerSpec = AnalyzerSpec()) -> None:
        self.spec = spec
        self.name = spec.name
        self.version = ANALYZER_VERSION
        self.stopwords = (
            (load_word_list("stopwords_id.txt") | load_word_list("stopwords_extra_id.txt"))
            - load_word_list("stopwords_kept_id.txt")
            if spec.stopwords
            else frozenset()
        )
        self._stem = lru_cache(maxsize=200_000)(_make_stemmer(spec.stemmer))
        self._chunk_terms: dict[str, tuple[str, ...]] = {}
        self._chunk_token_terms: dict[str, tuple[tuple[str, str | None], ...]] = {}

    def term(self, token: str) -> str | None:
        """One surface token → its index term, or None for a stop word."""
        if token in self.stopwords:
            return None
        # question particles: "manakah", "siapakah", "bukanlah" are stop words with -kah/-lah/-tah/-pun
        if len(token) > 5 and token.endswith(_PARTICLES) and token[:-3] in self.stopwords:
            return None
        if len(token) > 3 and _ALPHA_RE.fullmatch(token):
            return self._stem(token) or token
        return token

    def stem_of_stop_word(self, token: str) -> str | None:
        """The term a stop word's derived forms are indexed under (kembali ← dikembalikan, besar ← terbesar),
        for a translation that is a stop word as written; None for anything else."""
        if token not in self.stopwords or not _ALPHA_RE.fullmatch(token) or len(token) <= 3:
            return None
        return self._stem(token) or token

    def chunk_terms(self, chunk: str) -> tuple[str, ...]:
        """Terms of one whitespace-free chunk of normalised text, memoised."""
        found = self._chunk_terms.get(chunk)
        if found is None:
            found = tuple(t for token in _chunk_tokens(chunk) if (t := self.term(token)))
            _remember(self._chunk_terms, self.MEMO_LIMIT, chunk, found)
        return found

    def analyze(self, text: str) -> list[str]:
        return list(chain.from_iterable(memoised_chunks(text, self._chunk_terms, self.chunk_terms)))

    def token_terms(self, text: str) -> list[tuple[str, str | None]]:
        """(surface token, its index term or None for a stop word) for each token of `text`, in order: what
        tokenize(normalize(text)) and term() give, memoised chunk by chunk as `analyze` is (an English reader's
        gloss reads the words of every excerpt shown: whole-text tokenising cost an English answer ~1 ms)."""
        return list(chain.from_iterable(memoised_chunks(text, self._chunk_token_terms, self._chunk_token_terms_of)))

    def _chunk_token_terms_of(self, chunk: str) -> tuple[tuple[str, str | None], ...]:
        found = tuple((token, self.term(token)) for token in _chunk_tokens(chunk))
        _remember(self._chunk_token_terms, self.TOKEN_MEMO_LIMIT, chunk, found)
        return found

    def matching_terms(self, text: str, wanted: frozenset[str]) -> set[str]:
        """The terms of `text` that are in `wanted` — set(analyze(text)) & wanted — analysing only the tokens that
        could yield one. A token's term is the token itself or a stem found inside it, whose first letter may
        differ (memukul → pukul, menyapu → sapu), so a token that holds no wanted term less its first letter
        cannot yield it and is not stemmed (best_sentence reads a dozen paragraphs per answer: stemming each
        word cost most of an answer; tests hold this to analyze)."""
        needles = {term[1:] for term in wanted}
        # a token is part of its chunk, so only the chunks holding a needle can yield a wanted term: one regex
        # finds them in the whole text (most of a paragraph's chunks are never looked at)
        needle_chunks = re.compile(r"(?<!\S)\S*?(?:" + "|".join(map(re.escape, sorted(needles))) + r")\S*")
        found: set[str] = set()
        for chunk in dict.fromkeys(needle_chunks.findall(normalize(text))):
            cached = self._chunk_terms.get(chunk)
            if cached is not None:
                found.update(term for term in cached if term in wanted)
                continue
            for token in tokenize(chunk):
                if any(needle in token for needle in needles) and (term := self.term(token)) in wanted:
                    found.add(term)
        return found

    def analyze_reference(self, text: str) -> list[str]:
        terms = []
        for token in tokenize(normalize(text)):
            term = self.term(token)
            if term:
                terms.append(term)
        return terms


def _chunk_tokens(chunk: str) -> tuple[str, ...] | list[str]:
    """tokenize(chunk) for one whitespace-free chunk of normalised text: a chunk of lower-case letters is its own
    one token (tokenize's word); most chunks are, and the token pattern cost a new chunk ~5 µs (a 1M-paragraph
    build: ~3 s of the workers' CPU)."""
    return (chunk,) if _ALPHA_RE.fullmatch(chunk) else tokenize(chunk)


def _remember(memo: dict[str, T], limit: int, chunk: str, value: T) -> None:
    """Store a chunk's value in an analyzer memo, emptied first when it holds `limit` entries."""
    if len(memo) >= limit:
        memo.clear()
    memo[chunk] = value


def memoised_chunks(text: str, memo: dict[str, T], compute: Callable[[str], T]) -> list[T]:
    """What `memo` holds for each whitespace-separated chunk of the normalised text, computing the chunks it
    lacks (`compute` stores them). Memo hits, the common case, are looked up at C speed."""
    chunks = normalize(text).split()
    found = list(map(memo.get, chunks))
    if None in found:
        found = [f if f is not None else compute(c) for f, c in zip(found, chunks)]
    return found


@lru_cache(maxsize=4)
def get_analyzer(spec: AnalyzerSpec = AnalyzerSpec()) -> Analyzer:
    """Analyzers are expensive to create (dictionaries); share one per spec."""
    return Analyzer(spec)


# Abbreviations after which a full stop does not end a sentence (titles, "Jl.", "No.").
_ABBREVIATIONS = frozenset(
    (
        "dr drs dra prof ir h hj jl no st tn ny sdr kol let jend brigjen mayjen letjen irjen kombes kapt ltd inc vs bpk"
    ).split()
)
# The closing mark is matched, not looked behind for: the same breaks, found ~2.3 times faster (a look-behind is tried
# at every position of the paragraph, the mark's class first only where it can match; FacQA's paragraphs 3.5 → 1.6 µs)
_SENTENCE_BREAK_RE = re.compile(r"""[.!?…]["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])""")


def _sentence_ends(text: str):
    """Offsets where a sentence ends and the next one starts."""
    start = 0
    for match in _SENTENCE_BREAK_RE.finditer(text):
        head = text[start : match.start() + 1]  # up to and with the closing mark
        words = head.rstrip(".!?…").split()  # none when the head is marks alone ("… Kemudian" opening a paragraph)
        last_word = words[-1].lower() if words else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        yield match.end()
        start = match.end()


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; keeps `40.000`, `Jl. Sudirman` and quoted speech together."""
    sentences: list[str] = []
    start = 0
    for end in _sentence_ends(text):
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
