"""Regenerate index/data/wordnet_synonyms_en.tsv: English synonyms for words the dictionary lacks.

Source: Princeton WordNet 3.0 (Debian package wordnet-base; WordNet 3.0 licence, see
index/data/WORDNET-LICENSE). Run:  apt-get install wordnet-base && python scripts/regenerate_synonyms.py

For every single-word WordNet lemma with no entry in the glossary or dictionary, the file lists up to
four synonyms from its two most frequent senses that do have one, so that "announce" can be
translated through "declare". Only synonyms that can be translated are kept, which keeps the file small.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.lexicon import load_dictionary, load_glossary  # noqa: E402

WORDNET = Path("/usr/share/wordnet")
OUT = ROOT / "index" / "data" / "wordnet_synonyms_en.tsv"
MAX_SENSES = 2
MAX_SYNONYMS = 4


def synset_words(pos: str) -> dict[int, list[str]]:
    words: dict[int, list[str]] = {}
    for line in (WORDNET / f"data.{pos}").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue  # licence header
        fields = line.split()
        offset, count = int(fields[0]), int(fields[3], 16)
        lemmas = [fields[4 + 2 * i].split("(")[0].lower() for i in range(count)]
        words[offset] = [w for w in lemmas if "_" not in w and w.isalpha()]
    return words


def main() -> None:
    known = {w.lower() for w in load_dictionary()} | {w.lower() for w in load_glossary()}
    synonyms: dict[str, list[str]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        synsets = synset_words(pos)
        for line in (WORDNET / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            fields = line.split()
            lemma = fields[0]
            if "_" in lemma or not lemma.isalpha() or lemma in known:
                continue
            synset_count, pointer_count = int(fields[2]), int(fields[3])
            offsets = [int(x) for x in fields[4 + pointer_count + 2 :][:synset_count]]
            bucket = synonyms.setdefault(lemma, [])
            for offset in offsets[:MAX_SENSES]:
                for word in synsets.get(offset, []):
                    if word != lemma and word in known and word not in bucket and len(bucket) < MAX_SYNONYMS:
                        bucket.append(word)
    rows = [f"{word}\t{'|'.join(syns)}" for word, syns in sorted(synonyms.items()) if syns]
    header = (
        "# English synonyms (Princeton WordNet 3.0, WordNet 3.0 licence: see WORDNET-LICENSE) for words with no\n"
        "# glossary or dictionary entry; only synonyms that have one are listed.\n"
        "# Regenerate: python scripts/regenerate_synonyms.py\n"
    )
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} words to {OUT}")


if __name__ == "__main__":
    main()
