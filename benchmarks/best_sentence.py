"""How often the highlighted best sentence holds the answer, on FacQA's answer spans.

For each question whose first hit is its gold paragraph, the answer span (seq_label) must occur in the
hit's `best_sentence` (compared without whitespace: FacQA's tokens are space-separated, "10 , 23").
Baselines on the same hits: the paragraph's first sentence, and the share of those paragraphs that have
more than one sentence (where the choice matters at all). Indonesian valid and test, English valid
(the 311 hand-translated questions of benchmarks/data/facqa_valid_en*.tsv), and IDK-MRC valid's
answerable questions (Wikipedia paragraphs of several sentences; any of its answers counts).
Run:  .venv/bin/python benchmarks/best_sentence.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.facqa import load_english_valid, load_facqa, twin_classes, write_corpus_jsonl  # noqa: E402
from benchmarks.real_questions import load_set, write_jsonl  # noqa: E402
from index.analysis import split_sentences  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.store import build_index  # noqa: E402


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def main() -> None:
    passages, questions = load_facqa()
    twins = twin_classes(passages)
    english = load_english_valid()
    sets = {
        "Indonesian valid": [(q.question, q) for q in questions["valid"]],
        "Indonesian test": [(q.question, q) for q in questions["test"]],
        "English valid": [(text, questions["valid"][i]) for i, text in english],
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "facqa.db"
        build_index([write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")], db)
        service = AnswerService(db)
        print(
            f"{'questions':18} {'gold first':>10} {'>1 sentence':>12} "
            f"{'answer in best sentence':>24} {'in first sentence':>18}"
        )
        for name, items in sets.items():
            scored = best = first = several = 0
            for text, question in items:
                answer = service.answer(text, 1)
                if not answer.hits or answer.hits[0].doc_id not in twins[question.gold_doc_id]:
                    continue
                hit, span = answer.hits[0], squash(question.answer)
                sentences = split_sentences(hit.text) or [hit.text]
                scored += 1
                several += len(sentences) > 1
                best += span in squash(hit.best_sentence)
                first += span in squash(sentences[0])
            print(f"{name:18} {scored:>10} {several / scored:>12.1%} {best / scored:>24.1%} {first / scored:>18.1%}")
        idk_passages, idk_questions = load_set("idk_mrc", "valid", "id")
        idk_db = Path(tmp) / "idk.db"
        build_index([write_jsonl(idk_passages, Path(tmp) / "idk.jsonl")], idk_db)
        idk = AnswerService(idk_db)
        scored = best = first = several = 0
        for question in (q for q in idk_questions if q.answerable):
            answer = idk.answer(question.text, 1)
            if not answer.hits or answer.hits[0].doc_id != question.gold:
                continue
            hit, spans = answer.hits[0], [squash(a) for a in question.answers]
            sentences = split_sentences(hit.text) or [hit.text]
            scored += 1
            several += len(sentences) > 1
            best += any(span in squash(hit.best_sentence) for span in spans)
            first += any(span in squash(sentences[0]) for span in spans)
        print(
            f"{'IDK-MRC valid':18} {scored:>10} {several / scored:>12.1%} "
            f"{best / scored:>24.1%} {first / scored:>18.1%}"
        )


if __name__ == "__main__":
    main()
