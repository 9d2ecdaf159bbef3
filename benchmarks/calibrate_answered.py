"""Calibrate when an Answer counts as `answered` without the embedding model (index/confidence.py MIN_COVERAGE).

Coverage = share of the question's IDF weight present in the best paragraph. For each threshold the
table shows, on FacQA valid (answerable questions): how many are answered, and how many of those
quote the right paragraph first; and on benchmarks/data/unanswerable_id.txt: how many are wrongly
answered, over the FacQA corpus and over corpus/. A second table does the same for English questions:
the 311 valid questions translated by hand (benchmarks/data/facqa_valid_en*.tsv) and
benchmarks/data/unanswerable_en.txt (the same unanswerable questions in English). Column "gold removed":
the same valid questions over FacQA without their gold paragraphs (should be "I don't know").
Run:  .venv/bin/python benchmarks/calibrate_answered.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.facqa import load_english_valid, load_facqa, twin_classes, without_gold, write_corpus_jsonl  # noqa: E402
from index.confidence import MIN_COVERAGE  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.store import build_index  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def read_questions(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def print_table(title: str, answerable: list, negatives: dict[str, list]) -> None:
    """answerable: (Answer, gold doc ids) pairs; negatives: named lists of Answers that should be "I don't know"."""
    sizes = ", ".join(f"{name}: {len(answers)}" for name, answers in negatives.items())
    print(f"{title}: {len(answerable)} answerable questions; should not be answered — {sizes}")
    print(
        f"{'min coverage':>12} {'answered':>9} {'…top-1 right':>13} {'…top-1 wrong':>13} "
        + " ".join(f"{name:>15}" for name in negatives)
    )
    for threshold in THRESHOLDS:
        answered = [(a, gold) for a, gold in answerable if a.hits and a.coverage >= threshold]
        right = sum(a.hits[0].doc_id in gold for a, gold in answered)
        false_rates = [
            sum(bool(a.hits) and a.coverage >= threshold for a in answers) / len(answers)
            for answers in negatives.values()
        ]
        mark = "  ← default" if abs(threshold - MIN_COVERAGE) < 1e-9 else ""
        print(
            f"{threshold:>12.2f} {len(answered) / len(answerable):>9.1%} {right / len(answerable):>13.1%} "
            f"{(len(answered) - right) / len(answerable):>13.1%} "
            + " ".join(f"{rate:>15.1%}" for rate in false_rates)
            + mark
        )
    print("unanswerable questions answered at the default threshold (FacQA, corpus/):")
    for a in negatives["unans. FacQA"] + negatives["unans. corpus/"]:
        if a.answered:
            print(f"  {a.coverage:.2f}  {a.query}  →  {a.hits[0].text[:70]}")
    print()


def main() -> None:
    passages, questions = load_facqa()
    twins = twin_classes(passages)
    unanswerable = read_questions(ROOT / "benchmarks" / "data" / "unanswerable_id.txt")
    unanswerable_en = read_questions(ROOT / "benchmarks" / "data" / "unanswerable_en.txt")
    english = load_english_valid()
    rest = without_gold(passages, questions["valid"], twins)
    with tempfile.TemporaryDirectory() as tmp:
        facqa_db, seed_db, rest_db = Path(tmp) / "facqa.db", Path(tmp) / "seed.db", Path(tmp) / "rest.db"
        build_index([write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")], facqa_db)
        build_index([ROOT / "corpus"], seed_db)
        build_index([write_corpus_jsonl(rest, Path(tmp) / "rest.jsonl")], rest_db)
        facqa, seed, gold_removed = AnswerService(facqa_db), AnswerService(seed_db), AnswerService(rest_db)
        for title, asked, unanswerable_questions in (
            ("Indonesian, FacQA valid", [(q.question, q) for q in questions["valid"]], unanswerable),
            (
                "English, FacQA valid translated",
                [(text, questions["valid"][i]) for i, text in english],
                unanswerable_en,
            ),
        ):
            print_table(
                title,
                [(facqa.answer(text, 1), twins[q.gold_doc_id]) for text, q in asked],
                {
                    "unans. FacQA": [facqa.answer(q, 1) for q in unanswerable_questions],
                    "unans. corpus/": [seed.answer(q, 1) for q in unanswerable_questions],
                    "gold removed": [gold_removed.answer(text, 1) for text, _ in asked],
                },
            )


if __name__ == "__main__":
    main()
