"""Calibrate when an Answer counts as `answered` (index/search.py DEFAULT_MIN_COVERAGE).

Coverage = share of the question's IDF weight present in the best paragraph. For each threshold the
table shows, on FacQA valid (answerable questions): how many are answered, and how many of those
quote the right paragraph first; and on benchmarks/data/unanswerable_id.txt: how many are wrongly
answered, over the FacQA corpus and over corpus/.
Run:  .venv/bin/python benchmarks/calibrate_answered.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.facqa import load_facqa, twin_classes, write_corpus_jsonl  # noqa: E402
from index.search import DEFAULT_MIN_COVERAGE, AnswerService  # noqa: E402
from index.store import build_index  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def read_questions(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def main() -> None:
    passages, questions = load_facqa()
    twins = twin_classes(passages)
    unanswerable = read_questions(ROOT / "benchmarks" / "data" / "unanswerable_id.txt")
    with tempfile.TemporaryDirectory() as tmp:
        facqa_db, seed_db = Path(tmp) / "facqa.db", Path(tmp) / "seed.db"
        build_index([write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")], facqa_db)
        build_index([ROOT / "corpus"], seed_db)
        facqa, seed = AnswerService(facqa_db), AnswerService(seed_db)
        valid = [(facqa.answer(q.question, 1), twins[q.gold_doc_id]) for q in questions["valid"]]
        unans_facqa = [facqa.answer(q, 1) for q in unanswerable]
        unans_seed = [seed.answer(q, 1) for q in unanswerable]

    print(f"FacQA valid: {len(valid)} answerable questions; unanswerable: {len(unanswerable)} questions")
    print(f"{'min coverage':>12} {'valid answered':>15} {'…top-1 right':>13} {'…top-1 wrong':>13} {'unans. answered (FacQA)':>24} {'(corpus/)':>10}")
    for threshold in THRESHOLDS:
        answered = [(a, gold) for a, gold in valid if a.hits and a.coverage >= threshold]
        right = sum(a.hits[0].doc_id in gold for a, gold in answered)
        false_facqa = sum(bool(a.hits) and a.coverage >= threshold for a in unans_facqa)
        false_seed = sum(bool(a.hits) and a.coverage >= threshold for a in unans_seed)
        mark = "  ← default" if abs(threshold - DEFAULT_MIN_COVERAGE) < 1e-9 else ""
        print(
            f"{threshold:>12.2f} {len(answered) / len(valid):>15.1%} {right / len(valid):>13.1%} "
            f"{(len(answered) - right) / len(valid):>13.1%} {false_facqa / len(unanswerable):>24.1%} "
            f"{false_seed / len(unanswerable):>10.1%}{mark}"
        )
    print("\nunanswerable questions answered over corpus/ at the default threshold:")
    for a in unans_seed:
        if a.answered:
            print(f"  {a.coverage:.2f}  {a.query}  →  {a.hits[0].text[:70]}")


if __name__ == "__main__":
    main()
