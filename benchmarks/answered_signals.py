"""Signals for "answered" compared at equal false-answer rates (see benchmarks/calibrate_answered.py).

Positives: FacQA valid questions (Indonesian, and the 311 hand-translated English ones) over the FacQA
index; a question counts when its first hit is the gold paragraph and the signal clears the threshold.
Negatives: the same questions over FacQA without their gold paragraphs. For each signal the threshold is
set so that 15, 25 or 35 % of the questions (relative to all asked) are answered without their gold
paragraph, and the table shows the share answered right at that threshold.
Run:  .venv/bin/python benchmarks/answered_signals.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.facqa import load_english_valid, load_facqa, twin_classes, without_gold, write_corpus_jsonl  # noqa: E402
from index.bm25 import lucene_idf, merge_postings  # noqa: E402
from index.search import AnswerService, _contains  # noqa: E402
from index.store import build_index  # noqa: E402

FALSE_ANSWER_RATES = (0.15, 0.25, 0.35)
SIGNALS = {
    "coverage (used)": lambda f: f["coverage"],
    "IDF² coverage": lambda f: f["coverage_idf2"],
    "coverage × rarest word": lambda f: f["coverage"] * (0.5 + 0.5 * f["rarest_matched"]),
    "coverage + score gap": lambda f: f["coverage"] + 0.1 * min(np.log(f["gap"]), 2.0),
}


def features(service: AnswerService, question: str) -> dict[str, float] | None:
    answer = service.answer(question, 2)
    if not answer.hits:
        return None
    reader = service.reader
    postings = [merge_postings([reader.postings(t) for t in g.terms]) for g in answer.query_terms]
    weights = np.array([g.weight for g in answer.query_terms])
    idfs = np.array([lucene_idf(reader.meta.paragraphs, p.doc_freq) for p in postings])
    matched = np.array([_contains(p, answer.hits[0].paragraph_id) for p in postings], dtype=np.float64)
    second = answer.hits[1].score if len(answer.hits) > 1 else 1e-9
    return {
        "coverage": float((weights * idfs * matched).sum() / (weights * idfs).sum()),
        "coverage_idf2": float((weights * idfs**2 * matched).sum() / (weights * idfs**2).sum()),
        "rarest_matched": float(matched[np.argmax(idfs)]),
        "gap": answer.hits[0].score / second,
        "doc_id": answer.hits[0].doc_id,
    }


def main() -> None:
    passages, questions = load_facqa()
    twins = twin_classes(passages)
    rest = without_gold(passages, questions["valid"], twins)
    english = load_english_valid()
    with tempfile.TemporaryDirectory() as tmp:
        full_db, rest_db = Path(tmp) / "facqa.db", Path(tmp) / "rest.db"
        build_index([write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")], full_db)
        build_index([write_corpus_jsonl(rest, Path(tmp) / "rest.jsonl")], rest_db)
        full, gold_removed = AnswerService(full_db), AnswerService(rest_db)
        print(
            f"{'questions':10} {'signal':26} "
            + " ".join(f"{'right @ ' + format(r, '.0%') + ' false':>17}" for r in FALSE_ANSWER_RATES)
        )
        for language, asked in (
            ("Indonesian", [(q.question, q) for q in questions["valid"]]),
            ("English", [(text, questions["valid"][i]) for i, text in english]),
        ):
            positives = [(f, f["doc_id"] in twins[q.gold_doc_id]) for text, q in asked if (f := features(full, text))]
            negatives = [f for text, _ in asked if (f := features(gold_removed, text))]
            for name, signal in SIGNALS.items():
                negative_values = np.array([signal(f) for f in negatives])
                cells = []
                for rate in FALSE_ANSWER_RATES:
                    threshold = np.quantile(negative_values, 1 - rate * len(asked) / len(negatives))
                    right = sum(ok and signal(f) > threshold for f, ok in positives) / len(asked)
                    cells.append(f"{right:>17.3f}")
                print(f"{language:10} {name:26} " + " ".join(cells))


if __name__ == "__main__":
    main()
