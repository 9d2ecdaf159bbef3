"""Regenerate index/data/freedict_en_id.tsv from FreeDict's English-Indonesian dictionary.

Source: Debian package dict-freedict-eng-ind (FreeDict + WikDict, built from Wiktionary; licence
CC BY-SA 3.0, see index/data/FREEDICT-LICENSE). Run:
    apt-get install dict-freedict-eng-ind && python scripts/regenerate_dictionary.py

The dictd files need care (each point below is a trap in the data):
- the .index lower-cases headwords but entries keep their case ("US" → AS, "us" → kami): we key by
  the entry's own spelling;
- an entry is a headword line "word /pron/ <pos>", then its translations on the first line or on
  lines starting "N. ", each followed by English explanation lines; a sense number is sometimes
  glued onto the previous translation line ("agen 2.");
- wiki markup survives ("[[kemudi|mengemudi]]" → "mengemudi");
- affix entries ("ness", "-ation"), proverbs and phrasebook sentences are dropped, as are multi-word
  proper names whose parts collide with Indonesian words ("Lin Dan" → dan);
- one index line per part of speech: translations of all entries of a headword are merged.
Which translations are usable is decided later, at query time, against the index vocabulary.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

DICT_DIR = Path("/usr/share/dictd")
OUT = Path(__file__).resolve().parent.parent / "index" / "data" / "freedict_en_id.tsv"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
DROP_POS = {"suffix", "prefix", "proverb", "interjection", "article", "particle", "symbol"}
HEADER_RE = re.compile(r"^(?P<word>.+?)\s+(?:/[^<]*/\s*)*<(?P<pos>[a-z ]+)>\s*$")
SENSE_RE = re.compile(r"^\s*(\d+)\.\s*(.*)$")
GLUED_NUMBER_RE = re.compile(r"\s+\d+\.\s*$")
WIKI_LINK_RE = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
PARENS_RE = re.compile(r"\([^)]*\)")


def b64_number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + B64.index(char)
    return value


def clean_translation(text: str) -> list[str]:
    text = WIKI_LINK_RE.sub(r"\1", text)
    text = GLUED_NUMBER_RE.sub("", text)
    text = PARENS_RE.sub("", text)
    out = []
    for part in re.split(r"[,;]", text):
        part = " ".join(part.replace("[", "").replace("]", "").split()).strip(" .")
        if part and len(part.split()) <= 3 and not any(ch.isdigit() for ch in part):
            out.append(part)
    return out


def parse_entry(text: str) -> tuple[str, str, list[str]] | None:
    lines = text.rstrip("\n").split("\n")
    header = HEADER_RE.match(lines[0].strip())
    if not header:
        return None
    word, pos = header.group("word").strip(), header.group("pos").strip()
    translations: list[str] = []
    for index, line in enumerate(lines[1:]):
        sense = SENSE_RE.match(line)
        if index == 0 and not sense:
            translations += clean_translation(line)  # unnumbered: the first line holds the translations
        elif sense and sense.group(2).strip():
            translations += clean_translation(sense.group(2))
    return word, pos, translations


def keep_headword(word: str, pos: str) -> bool:
    if pos in DROP_POS or word.startswith("-") or word.endswith("-") or any(ch.isdigit() for ch in word):
        return False
    words = word.split()
    if len(words) > 3:
        return False  # phrasebook sentences and proverbs
    if pos == "pn" and len(words) > 1:
        return False  # multi-word names: their parts collide with Indonesian words
    return True


def main() -> None:
    data = gzip.open(DICT_DIR / "freedict-eng-ind.dict.dz").read()
    merged: dict[str, list[str]] = {}
    for line in (DICT_DIR / "freedict-eng-ind.index").read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")
        if headword.startswith("00database"):
            continue
        entry = data[b64_number(offset) : b64_number(offset) + b64_number(length)].decode("utf-8", "replace")
        parsed = parse_entry(entry)
        if parsed is None:
            continue
        word, pos, translations = parsed
        if not keep_headword(word, pos) or not translations:
            continue
        bucket = merged.setdefault(word, [])
        for translation in translations:
            if translation not in bucket:
                bucket.append(translation)
    header = (
        "# English→Indonesian translations from FreeDict eng-ind (FreeDict + WikDict, from Wiktionary),\n"
        "# CC BY-SA 3.0 (see FREEDICT-LICENSE). Regenerate: python scripts/regenerate_dictionary.py\n"
        "# headword (case as in the entry)<TAB>translations separated by '|'\n"
    )
    rows = [f"{word}\t{'|'.join(ts)}" for word, ts in sorted(merged.items())]
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} headwords to {OUT}")


if __name__ == "__main__":
    main()
