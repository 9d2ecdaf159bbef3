"""How often an analyzer splits an Indonesian derivational family (pemilik / dimiliki / kepemilikan / milik)
into several index terms, on benchmarks/data/families_id.tsv.

Run:  .venv/bin/python benchmarks/stem_families.py [--show]
A family is whole when every form analyses to the same single term; each split family is listed with --show.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.analysis import AnalyzerSpec, get_analyzer  # noqa: E402


def load_families() -> list[tuple[str, list[str]]]:
    families = []
    for line in (Path(__file__).resolve().parent / "data" / "families_id.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            root, forms = line.split("\t", 1)
            families.append((root, [f.strip() for f in forms.split(",") if f.strip()]))
    return families


def split_families(stemmer: str) -> list[tuple[str, dict[str, list[str]]]]:
    analyzer = get_analyzer(AnalyzerSpec(stemmer=stemmer))
    split = []
    for root, forms in load_families():
        terms: dict[str, list[str]] = defaultdict(list)
        for form in forms:
            terms[" ".join(analyzer.analyze(form)) or "(stop word)"].append(form)
        if len(terms) > 1:
            split.append((root, dict(terms)))
    return split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--stemmers", default=f"{AnalyzerSpec().stemmer},sastrawi,snowball")
    args = parser.parse_args()
    total = len(load_families())
    for stemmer in args.stemmers.split(","):
        split = split_families(stemmer)
        print(f"{stemmer:12} {total - len(split)}/{total} families whole")
        if args.show:
            for root, terms in split:
                print(f"    {root}: " + "; ".join(f"{term} ← {', '.join(forms)}" for term, forms in terms.items()))


if __name__ == "__main__":
    main()
