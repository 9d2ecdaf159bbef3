"""A new user's chat session over the shipped articles: are answerable questions answered with the right
paragraph (first / in the top 3), unanswerable ones refused, follow-ups answered from the previous topic?

Run:  .venv/bin/python benchmarks/user_session.py [--show]
Questions: benchmarks/data/user_session_dev.tsv (written for development; not a held-out measure).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.search import TITLE_WEIGHT, AnswerService  # noqa: E402
from index.semantic import SemanticReranker, prepare_vectors  # noqa: E402
from index.store import build_index  # noqa: E402


def load_session() -> list[tuple[str, bool, frozenset[tuple[str, int]] | None]]:
    """(question, is_follow_up, acceptable (doc prefix, position) pairs or None for "should refuse")."""
    rows = []
    for line in (ROOT / "benchmarks" / "data" / "user_session_dev.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, gold = line.split("\t")
        follow_up = question.startswith("> ")
        acceptable = (
            None
            if gold.strip() == "-"
            else frozenset((part.split(":")[0], int(part.split(":")[1])) for part in gold.split(","))
        )
        rows.append((question.removeprefix("> "), follow_up, acceptable))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print each question's outcome")
    parser.add_argument("--no-semantic", action="store_true", help="without semantic re-ranking")
    parser.add_argument(
        "--title-weight", type=float, default=TITLE_WEIGHT, help="what a title or heading word counts for"
    )
    parser.add_argument("--sense-choice", action="store_true", help="translations with sense choice (index/senses.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build_index([ROOT / "corpus"], Path(tmp) / "index.db")
        semantic = None
        if not args.no_semantic:  # as the product runs
            semantic = SemanticReranker(Path(tmp) / "vectors.db")
            prepare_vectors(Path(tmp) / "index.db", semantic)
        service = AnswerService(
            Path(tmp) / "index.db", semantic=semantic, title_weight=args.title_weight, sense_choice=args.sense_choice
        )
        previous = None
        counts = {
            "answerable": 0,
            "first": 0,
            "top3": 0,
            "answered": 0,
            "unanswerable": 0,
            "refused": 0,
            "follow-ups": 0,
            "follow-ups right": 0,
        }
        for question, follow_up, acceptable in load_session():
            answer = service.answer(question, 3, previous=previous if follow_up else None)
            previous = answer.topic
            found = [(h.doc_id[:3], h.position) for h in answer.hits[:3]]
            if acceptable is None:
                counts["unanswerable"] += 1
                counts["refused"] += not answer.answered
                outcome = "refused" if not answer.answered else f"ANSWERED {found[:1]}"
            else:
                counts["answerable"] += 1
                first = bool(found) and found[0] in acceptable and answer.answered
                top3 = answer.answered and any(f in acceptable for f in found)
                counts["first"] += first
                counts["top3"] += top3
                counts["answered"] += answer.answered
                if follow_up:
                    counts["follow-ups"] += 1
                    counts["follow-ups right"] += top3
                outcome = (
                    "first" if first else "top 3" if top3 else ("answered, wrong" if answer.answered else "REFUSED")
                )
            if args.show:
                print(f"{outcome:16} {'> ' if follow_up else ''}{question}  {found}")
        n, u = counts["answerable"], counts["unanswerable"]
        print(
            f"answerable {n}: right first {counts['first'] / n:.0%}, right in top 3 {counts['top3'] / n:.0%}, "
            f"answered {counts['answered'] / n:.0%}; unanswerable {u}: refused {counts['refused'] / u:.0%}; "
            f"follow-ups right {counts['follow-ups right']}/{counts['follow-ups']}"
        )


if __name__ == "__main__":
    main()
