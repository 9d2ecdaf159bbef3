"""Where "a copy of a story already held" starts (issue 17.3): MinHash resemblance of syndicated-style copies
against that of distinct texts on one topic, to choose index/fetch.py's NEAR_DUPLICATE_RESEMBLANCE.

Stories: SQuAD-ID dev's Wikipedia articles (../shared/benchmarks/squad2_id_en, passages grouped by article with
benchmarks/data/squad_titles.tsv), each taken as a "story" of up to 5 passages, and the seed articles in corpus/.
Copies, made the ways outlets syndicate: the outlet's dateline before the lead; the last paragraph replaced by a
credit line ("Artikel ini telah tayang di …"); a middle paragraph dropped; and both of the last two together.
Distinct texts on one topic: two stories made of different passages of the same Wikipedia article (the hardest
negatives here: same names, same vocabulary), and every pair of different stories.
Run:  .venv/bin/python benchmarks/near_duplicates.py
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.ingest import paragraphs_from_text  # noqa: E402
from index.sources import read_sources  # noqa: E402
from index.webpage import minhash, resemblance  # noqa: E402

SQUAD = ROOT.parent / "shared" / "benchmarks" / "squad2_id_en" / "corpus.jsonl"
TITLES = ROOT / "benchmarks" / "data" / "squad_titles.tsv"


def squad_articles() -> list[list[str]]:
    passages = [json.loads(line) for line in SQUAD.read_text(encoding="utf-8").splitlines() if line.strip()]
    starts = [line.split("\t")[0] for line in TITLES.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    articles: list[list[str]] = []
    for passage in passages:
        if passage["id"] in starts or not articles:
            articles.append([])
        articles[-1].append(passage["text"])
    return articles


def copies(story: list[str]) -> dict[str, list[str]]:
    credit = "Artikel ini telah tayang di Kabar Tekno dengan judul yang sama."
    variants = {"dateline": ["JAKARTA, KOMPAS.com - " + story[0], *story[1:]]}
    if len(story) >= 3:
        variants["credit instead of the last"] = [*story[:-1], credit]
        variants["a middle paragraph dropped"] = [*story[:1], *story[2:]]
        variants["dropped and credit"] = [*story[:1], *story[2:-1], credit]
    return variants


def signature(paragraphs: list[str]):
    kept = [p.text for p in paragraphs_from_text("\n\n".join(paragraphs))]
    return minhash("\n".join(kept))


def main() -> None:
    stories: list[list[str]] = []
    same_topic: list[tuple[list[str], list[str]]] = []
    for passages in squad_articles():
        if len(passages) >= 2:
            stories.append(passages[:5])
        if len(passages) >= 6:
            same_topic.append((passages[:3], passages[3:6]))
    for document in read_sources([ROOT / "corpus"]):
        if hasattr(document, "paragraphs"):
            stories.append([p.text for p in document.paragraphs])
    by_kind: dict[str, list[float]] = {}
    for story in stories:
        original = signature(story)
        for kind, copy in copies(story).items():
            by_kind.setdefault(f"copy: {kind}", []).append(resemblance(original, signature(copy)))
    by_kind["distinct: same Wikipedia article"] = [resemblance(signature(a), signature(b)) for a, b in same_topic]
    signatures = [signature(story) for story in stories]
    by_kind["distinct: any two stories"] = [resemblance(a, b) for a, b in itertools.combinations(signatures, 2)]
    print(f"{len(stories)} stories; MinHash of word 3-shingles, 128 entries")
    print("| pairs | n | min | median | max |")
    print("|---|---|---|---|---|")
    for kind, values in by_kind.items():
        values = sorted(values)
        print(f"| {kind} | {len(values)} | {values[0]:.3f} | {values[len(values) // 2]:.3f} | {values[-1]:.3f} |")
    lowest_copy = min(min(v) for k, v in by_kind.items() if k.startswith("copy"))
    highest_distinct = max(max(v) for k, v in by_kind.items() if k.startswith("distinct"))
    print(f"lowest copy {lowest_copy:.3f}, highest distinct {highest_distinct:.3f}")


if __name__ == "__main__":
    main()
