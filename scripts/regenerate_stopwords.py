"""Regenerate index/data/stopwords_id.txt from the stopwords-iso collection (MIT licence).

stopwords-iso's Indonesian list is Fadillah Z. Tala's list (2003), the one Lucene's
IndonesianAnalyzer also ships. Run:  pip install stopwordsiso && python scripts/regenerate_stopwords.py
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import stopwordsiso  # noqa: F401  (imported to locate its data file)

HEADER = """\
# Indonesian stop words: the stopwords-iso list for "id" (stopwords-iso {version}, MIT licence,
# https://github.com/stopwords-iso/stopwords-iso), itself Tala's list (F. Z. Tala, "A Study of
# Stemming Effects on Information Retrieval in Bahasa Indonesia", 2003), as in Lucene.
# Regenerate with: python scripts/regenerate_stopwords.py
"""


def main() -> None:
    from importlib.metadata import version

    data = json.loads(resources.files("stopwordsiso").joinpath("stopwords-iso.json").read_text("utf-8"))
    words = sorted(set(w.strip().lower() for w in data["id"] if w.strip()))
    out = Path(__file__).resolve().parent.parent / "index" / "data" / "stopwords_id.txt"
    out.write_text(HEADER.format(version=version("stopwordsiso")) + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {out}")


if __name__ == "__main__":
    main()
