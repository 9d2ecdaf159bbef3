"""Ingest: corpus files → Document(meta, paragraphs), with page boilerplate removed.

Sources are directories (recursively .txt, .md, .html/.htm) and .jsonl bulk files. Reading is at the
edge (`read_sources`); turning a body of text into clean paragraphs (`paragraphs_from_text`) is pure.
A bad file or line never stops the build: it becomes a `SourceProblem` naming where and why.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .analysis import split_sentences

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
DIRECTORY_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FURNITURE_CHARS = 300
# A paragraph longer than this is split at sentence ends (a one-line 5 MB file is not one answer);
# a sentence longer than it is cut at a space. A whole excerpt still fits one Telegram message.
MAX_PARAGRAPH_CHARS = 3000
META_FIELDS = ("title", "source", "date", "url", "lang")
# The longest each field may be: a 5,000-character title broke every reply that cited it.
MAX_FIELD_CHARS = {"title": 300, "source": 120, "date": 40, "url": 2000, "lang": 20}
# Front matter is a few fields: bounded in size and nesting, and without YAML aliases (a 402-byte
# "billion laughs" document expanded to 1.2 GB; 500 nested lists overflowed the parser's recursion).
MAX_FRONT_MATTER_CHARS = 16 * 1024
MAX_FRONT_MATTER_DEPTH = 10

# A line ending in one of these reads as the end of a sentence, not as a headline.
_TERMINAL = tuple('.!?…"”’»:;,-–—')
_SENTENCE_END = tuple('.!?…"”’»')
_WORD_RE = re.compile(r"\w+")
_INNER_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)]*\s")
# "Liputan6.com, Jakarta - …": the outlet is named in the dateline.
_DATELINE_OUTLET_RE = re.compile(r"^([A-Z][\w-]*(?:\.[a-z]{2,})+)\s*,\s*[A-Z]")


class CorpusError(Exception):
    """A source cannot be used at all (missing path, unsupported type)."""


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    doc_id: str
    title: str = ""
    source: str = ""
    date: str = ""
    url: str = ""
    lang: str = ""
    origin: str = ""  # file (and line) the document came from


@dataclass(frozen=True, slots=True)
class Paragraph:
    position: int
    heading: str | None
    text: str
    key: str = ""  # paragraph_key(text): what makes two paragraphs identical; set by ingest


@dataclass(frozen=True, slots=True)
class Document:
    meta: DocumentMeta
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class SourceProblem:
    where: str  # "path" or "path:line"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


# ---------------------------------------------------------------------------------------------
# Pure: text → paragraphs


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    drop_line: re.Pattern[str]
    related_block: re.Pattern[str]
    max_related_lines: int = 8


@lru_cache(maxsize=1)
def default_rules() -> BoilerplateRules:
    data = tomllib.loads(resources.files("index").joinpath("data", "boilerplate.toml").read_text("utf-8"))

    def any_of(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)

    return BoilerplateRules(drop_line=any_of(data["drop_line"]), related_block=any_of(data["related_block"]))


def clean_line(line: str) -> str:
    """NFC, and every run of whitespace (no-break and other Unicode spaces too) as one space."""
    if line.isascii():  # NFC leaves ASCII as it is
        # most lines of a bulk build are clean already: checking is cheaper than splitting and joining them again
        # (printable ASCII holds no separator but the space)
        clean = line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " "
        return line if clean else " ".join(line.split())
    return " ".join(unicodedata.normalize("NFC", line).split())


def looks_like_headline(line: str) -> bool:
    """Short, capitalised, and not ending like a sentence: a section heading or a link title."""
    words = line.split()
    return (
        2 <= len(words) <= 20
        and len(line) <= 160
        and not line.endswith(_TERMINAL)
        and not _INNER_SENTENCE_END_RE.search(line)
        and (line[0].isupper() or line[0].isdigit() or line[0] in "'\"‘“")
    )


def _strip_boilerplate(lines: list[str], rules: BoilerplateRules) -> list[str]:
    """Drop furniture lines and related-link blocks; blank lines ("") are kept as separators."""
    kept: list[str] = []
    skipping_related = 0  # >0 while inside a "Baca Juga" block: how many more link lines may follow
    for line in lines:
        if skipping_related:
            if not line:
                continue
            if looks_like_headline(line) or rules.drop_line.fullmatch(line):
                skipping_related -= 1
                continue
            skipping_related = 0
        # furniture is short; long lines are paragraphs (and skipping the big regex keeps ingest fast)
        if line and len(line) <= MAX_FURNITURE_CHARS and rules.related_block.fullmatch(line):
            skipping_related = rules.max_related_lines
            continue
        if line and len(line) <= MAX_FURNITURE_CHARS and rules.drop_line.fullmatch(line):
            continue
        kept.append(line)
    return kept


def _join_units(lines: list[str]) -> list[str]:
    """Lines → paragraph-sized units.

    Without blank lines every line is a unit (one paragraph per line). With blank lines, a block
    may be prose wrapped over several lines: a line continues the previous one when that one is long
    and unfinished, or when it starts in lower case.
    """
    blank_separated = "" in lines
    units: list[str] = []
    previous_blank = True
    for line in lines:
        if not line:
            previous_blank = True
            continue
        if (
            blank_separated
            and not previous_blank
            and units
            and not units[-1].endswith(_SENTENCE_END)
            and (len(units[-1]) >= 60 or line[0].islower())
        ):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
        previous_blank = False
    return units


def split_long(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """The text as pieces of at most `limit` characters: whole sentences packed greedily, and a
    sentence longer than the limit cut at the last space before it (or at the limit)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", limit // 2, limit + 1)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        if not sentence:
            continue
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def paragraphs_from_text(body: str, rules: BoilerplateRules | None = None) -> tuple[Paragraph, ...]:
    """Clean paragraphs of an article body; headline-like lines become headings of what follows."""
    if "\n" not in body and "\r" not in body and len(body) > MAX_FURNITURE_CHARS:
        # one long line (a typical bulk record): no furniture, heading or join rule can apply to it
        text = clean_line(body)
        if len(text) > MAX_FURNITURE_CHARS:
            pieces = dict.fromkeys(split_long(text))
            return tuple(
                Paragraph(position=i, heading=None, text=t, key=paragraph_key(t)) for i, t in enumerate(pieces)
            )
    rules = rules or default_rules()
    lines = [clean_line(line) for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    units = [piece for unit in _join_units(_strip_boilerplate(lines, rules)) for piece in split_long(unit)]
    paragraphs: list[Paragraph] = []
    seen: set[str] = set()
    heading: str | None = None
    for index, unit in enumerate(units):
        if looks_like_headline(unit):
            # Only a headline followed by a paragraph is a heading; a run of them is a link list.
            following = units[index + 1] if index + 1 < len(units) else None
            heading = unit if following is not None and not looks_like_headline(following) else None
            continue
        if len(unit) < 60 and len(_WORD_RE.findall(unit)) < 3:
            continue  # fragments such as a lone dateline "JAKARTA -"
        key = paragraph_key(unit)
        if key in seen:
            continue
        seen.add(key)
        paragraphs.append(Paragraph(position=len(paragraphs), heading=heading, text=unit, key=key))
    if not paragraphs and units:
        # A text made only of short lines (a headline-only record) is still content, not furniture.
        kept = [u for u in units if len(_WORD_RE.findall(u)) >= 3]
        return tuple(
            Paragraph(position=i, heading=None, text=u, key=paragraph_key(u)) for i, u in enumerate(dict.fromkeys(kept))
        )
    return tuple(paragraphs)


_PUNCTUATION_TO_SPACE_CHARS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»…–—•·\u00a0"
_PUNCTUATION_TO_SPACE = str.maketrans({c: " " for c in _PUNCTUATION_TO_SPACE_CHARS})


# The same for ASCII text as bytes: lower case, and punctuation and every separator str.split knows as a space.
_ASCII_KEY_TABLE = bytes(
    ord(" ") if chr(c) in _PUNCTUATION_TO_SPACE_CHARS or chr(c).isspace() else ord(chr(c).lower()) for c in range(128)
) + bytes(range(128, 256))  # never met: the text is ASCII


def paragraph_key(text: str) -> str:
    """What makes two paragraphs 'identical': same words, ignoring case, spacing and punctuation."""
    if text.isascii():  # one table look-up a byte, then runs of spaces made one: a third of the time (tests: same keys)
        key = text.encode("ascii").translate(_ASCII_KEY_TABLE)
        while b"  " in key:
            key = key.replace(b"  ", b" ")
        return key.strip(b" ").decode("ascii")
    return paragraph_key_reference(text)


def paragraph_key_reference(text: str) -> str:
    return " ".join(text.casefold().translate(_PUNCTUATION_TO_SPACE).split())


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases and with bounded nesting: front matter needs neither."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def] - PyYAML's own signature
        if self.check_event(yaml.AliasEvent):
            raise ValueError("front matter uses a YAML alias (*name); write the value out instead")
        self._depth += 1
        try:
            if self._depth > MAX_FRONT_MATTER_DEPTH:
                raise ValueError(f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """YAML front matter between `---` lines at the top, as static-site generators use it."""
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith("---"):
        return {}, stripped
    lines = stripped.split("\n")
    if lines[0].strip() != "---":
        return {}, stripped
    size = len(lines[0])
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            data = yaml.load("\n".join(lines[1:end]), Loader=_FrontMatterLoader) or {}  # noqa: S506 - safe loader
            if not isinstance(data, dict):
                raise ValueError("front matter is not a mapping of fields")
            return data, "\n".join(lines[end + 1 :])
        size += len(lines[end]) + 1
        if size > MAX_FRONT_MATTER_CHARS:
            raise ValueError(f"front matter is longer than {MAX_FRONT_MATTER_CHARS // 1024} KB (or never closed)")
    raise ValueError("front matter opened with '---' but never closed")


def _meta_value(name: str, value: object) -> str:
    """A field as one line of text of bounded length; ValueError if it is not a single value."""
    if value is None:
        return ""
    if isinstance(value, (dict, list, tuple, set)):
        raise ValueError(f"field {name!r} must be a single value, not a {type(value).__name__}")
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)  # YAML turns 2024-09-17 into a date
    text = clean_line(text)
    limit = MAX_FIELD_CHARS[name]
    if len(text) <= limit:
        return text
    if name == "url":
        return ""  # a cut URL leads nowhere: better none
    return text[: limit - 2].rsplit(" ", 1)[0] + " …"


def has_lone_surrogate(text: str) -> bool:
    """True for text that cannot be stored as UTF-8 (JSON's "\\ud83d" without its pair)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def make_document(doc_id: str, fields: dict[str, object], body: str, origin: str) -> Document | SourceProblem:
    """Fields (front matter, JSONL keys, HTML metadata) + body → Document, or why it cannot be one."""
    texts = [doc_id, body, *(str(fields.get(name) or "") for name in META_FIELDS)]
    if any(has_lone_surrogate(text) for text in texts):
        return SourceProblem(origin, "contains an invalid character (a lone UTF-16 surrogate such as \\ud83d)")
    try:
        meta = {name: _meta_value(name, fields.get(name)) for name in META_FIELDS}
    except ValueError as error:
        return SourceProblem(origin, str(error))
    paragraphs = paragraphs_from_text(body)
    if not paragraphs:
        return SourceProblem(origin, "no paragraphs left after removing boilerplate")
    if not meta["source"]:
        outlet = _DATELINE_OUTLET_RE.match(paragraphs[0].text)
        meta["source"] = outlet.group(1) if outlet else ""
    # No title is made up here: a given title is searched with the article (index/writer.py), an invented one
    # would only repeat its lead; how an untitled article is cited is decided when it is stored.
    return Document(DocumentMeta(doc_id=doc_id, origin=origin, **meta), paragraphs)
