"""Calibrate when an Answer counts as `answered` (index/search.py DEFAULT_MIN_COVERAGE).

Coverage = share of the question's IDF weight present in the best paragraph. For each threshold the
table shows, on FacQA valid (answerable questions): how many are answered, and how many of those
quote the right paragraph first; and on benchmarks/data/unanswerable_id.txt: how many are wrongly
answered, over the FacQA corpus and over corpus/. A second table does the same for English questions:
the 311 valid questions translated by hand (benchmarks/data/facqa_valid_en*.tsv) and
benchmarks/data/unanswerable_en.txt (the same unanswerable questions in English).
Run:  .venv/bin/python benchmarks/calibrate_answered.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.crosslingual_retrieval import load_english_dev  # noqa: E402
from benchmarks.facqa import load_facqa, twin_classes, write_corpus_jsonl  # noqa: E402
from index.search import DEFAULT_MIN_COVERAGE, AnswerService  # noqa: E402
from index.store import build_index  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def read_questions(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def print_table(title: str, answerable: list, unans_facqa: list, unans_seed: list) -> None:
    """answerable: (Answer, gold doc ids) pairs; unans_*: Answers to unanswerable questions."""
    print(f"{title}: {len(answerable)} answerable questions; unanswerable: {len(unans_facqa)} questions")
    print(f"{'min coverage':>12} {'answered':>15} {'…top-1 right':>13} {'…top-1 wrong':>13} {'unans. answered (FacQA)':>24} {'(corpus/)':>10}")
    for threshold in THRESHOLDS:
        answered = [(a, gold) for a, gold in answerable if a.hits and a.coverage >= threshold]
        right = sum(a.hits[0].doc_id in gold for a, gold in answered)
        false_facqa = sum(bool(a.hits) and a.coverage >= threshold for a in unans_facqa)
        false_seed = sum(bool(a.hits) and a.coverage >= threshold for a in unans_seed)
        mark = "  ← default" if abs(threshold - DEFAULT_MIN_COVERAGE) < 1e-9 else ""
        print(
            f"{threshold:>12.2f} {len(answered) / len(answerable):>15.1%} {right / len(answerable):>13.1%} "
            f"{(len(answered) - right) / len(answerable):>13.1%} {false_facqa / len(unans_facqa):>24.1%} "
            f"{false_seed / len(unans_seed):>10.1%}{mark}"
        )
    print("unanswerable questions answered at the default threshold (FacQA, corpus/):")
    for a in unans_facqa + unans_seed:
        if a.answered:
            print(f"  {a.coverage:.2f}  {a.query}  →  {a.hits[0].text[:70]}")
    print()


def main() -> None:
    passages, questions = load_facqa()
    twins = twin_classes(passages)
    unanswerable = read_questions(ROOT / "benchmarks" / "data" / "unanswerable_id.txt")
    unanswerable_en = read_questions(ROOT / "benchmarks" / "data" / "unanswerable_en.txt")
    english = load_english_dev("facqa_valid_en.tsv") + load_english_dev("facqa_valid_en_2.tsv")
    with tempfile.TemporaryDirectory() as tmp:
        facqa_db, seed_db = Path(tmp) / "facqa.db", Path(tmp) / "seed.db"
        build_index([write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")], facqa_db)
        build_index([ROOT / "corpus"], seed_db)
        facqa, seed = AnswerService(facqa_db), AnswerService(seed_db)
        print_table(
            "Indonesian, FacQA valid",
            [(facqa.answer(q.question, 1), twins[q.gold_doc_id]) for q in questions["valid"]],
            [facqa.answer(q, 1) for q in unanswerable],
            [seed.answer(q, 1) for q in unanswerable],
        )
        print_table(
            "English, FacQA valid translated",
            [(facqa.answer(q, 1), twins[questions["valid"][i].gold_doc_id]) for i, q in english],
            [facqa.answer(q, 1) for q in unanswerable_en],
            [seed.answer(q, 1) for q in unanswerable_en],
        )


if __name__ == "__main__":
    main()
