"""Regenerate index/data/protected_roots_id.txt: Indonesian root words the Snowball stemmer must not touch.

Snowball's Indonesian stemmer (Tala's algorithm, as in Lucene) strips prefixes and suffixes without a
dictionary, so it damages root words that merely look affixed: menteri→teri, berita→ita,
pesawat→sawat. Lucene's answer is a keyword marker: listed words are left as they are. Our list is every
root word of the Sastrawi dictionary (kata-dasar.txt, PySastrawi, MIT licence) that Snowball would
change. Run:  pip install PySastrawi PyStemmer && python scripts/regenerate_protected_roots.py
"""

from __future__ import annotations

from importlib import resources
from importlib.metadata import version
from pathlib import Path

import Stemmer

OUT = Path(__file__).resolve().parent.parent / "index" / "data" / "protected_roots_id.txt"


def main() -> None:
    roots = (
        resources.files("Sastrawi").joinpath("Stemmer", "data", "kata-dasar.txt").read_text(encoding="utf-8").split()
    )
    snowball = Stemmer.Stemmer("indonesian")
    protected = sorted({w.lower() for w in roots if w.isalpha() and snowball.stemWord(w.lower()) != w.lower()})
    header = (
        "# Indonesian root words that the Snowball stemmer would damage (menteri→teri); the analyzer keeps them\n"
        f"# as they are. From the root-word list of PySastrawi {version('PySastrawi')} (MIT licence).\n"
        "# Regenerate with: python scripts/regenerate_protected_roots.py\n"
    )
    OUT.write_text(header + "\n".join(protected) + "\n", encoding="utf-8")
    print(f"wrote {len(protected)} words to {OUT}")


if __name__ == "__main__":
    main()
