"""Retrieval quality on FacQA: MRR@10, R@1, R@5 on valid and test, for the project's analyzers.

Run:  .venv/bin/python benchmarks/facqa_retrieval.py [--analyzers snowball-kw,sastrawi,snowball,none]
          [--k1 1.5 --b 0.75]
Rows: the reference (rank-bm25 BM25Okapi on lower-cased \\w+ tokens, as the FacQA README measures it)
and each analyzer through the real pipeline (JSONL ingest → SQLite index → AnswerService), which ranks
by BM25 × coverage; the first analyzer also without coverage (plain BM25).
With --semantic, the default analyzer also gets a row re-ranked by the embedding model (index/semantic.py;
vectors cached in --vectors, by default in the system's temporary folder).
Tune on valid only; test is reported for the record.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rank_bm25 import BM25Okapi  # noqa: E402

from benchmarks.facqa import load_facqa, rank_metrics, twin_classes, write_corpus_jsonl  # noqa: E402
from index.analysis import AnalyzerSpec  # noqa: E402
from index.bm25 import DEFAULT_B, DEFAULT_K1, BM25Params  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.semantic import SemanticReranker  # noqa: E402
from index.store import build_index  # noqa: E402


def reference_rankings(passages: dict[str, str], questions) -> list[list[str]]:
    doc_ids = list(passages)
    tokenize = lambda text: re.findall(r"\w+", text.lower())  # noqa: E731
    bm25 = BM25Okapi([tokenize(passages[d]) for d in doc_ids], k1=1.5, b=0.75)
    rankings = []
    for q in questions:
        scores = bm25.get_scores(tokenize(q.question))
        order = sorted(range(len(doc_ids)), key=lambda i: (-scores[i], i))[:10]
        rankings.append([doc_ids[i] for i in order])
    return rankings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--analyzers",
        default="snowball-kw,sastrawi,snowball,none",
        help="stemmers to compare; the first is the default analyzer",
    )
    parser.add_argument("--no-stopwords", action="store_true", help="also rows without stop words")
    parser.add_argument("--k1", type=float, default=DEFAULT_K1)
    parser.add_argument("--b", type=float, default=DEFAULT_B)
    parser.add_argument("--splits", default="valid,test")
    parser.add_argument("--semantic", action="store_true", help="also a row re-ranked by the embedding model")
    parser.add_argument("--vectors", type=Path, default=Path(tempfile.gettempdir()) / "policybot-benchmark-vectors.db")
    args = parser.parse_args()

    passages, questions = load_facqa()
    splits = args.splits.split(",")
    print(f"FacQA: {len(passages)} paragraphs; " + ", ".join(f"{s} {len(questions[s])} questions" for s in splits))
    header = f"{'system':60} " + " ".join(f"{s + ' ' + m:>14}" for s in splits for m in ("MRR@10", "R@1", "R@5"))
    header += "".join(f" {s + ' ans.':>11}" for s in splits)
    print(header)
    print("-" * len(header))

    def row(name: str, results: dict[str, dict[str, float]]) -> None:
        answered = "".join(f" {results[s]['answered']:>11.1%}" for s in splits if "answered" in results[s])
        print(
            f"{name:60} "
            + " ".join(f"{results[s][m]:>14.3f}" for s in splits for m in ("MRR@10", "R@1", "R@5"))
            + answered,
            flush=True,
        )

    twins = twin_classes(passages)
    strict = {s: [frozenset([q.gold_doc_id]) for q in questions[s]] for s in splits}
    gold = {s: [twins[q.gold_doc_id] for q in questions[s]] for s in splits}
    reference = {s: reference_rankings(passages, questions[s]) for s in splits}
    row("reference: rank-bm25, \\w+ tokens (strict)", {s: rank_metrics(reference[s], strict[s]) for s in splits})
    row("reference: rank-bm25, \\w+ tokens (twins)", {s: rank_metrics(reference[s], gold[s]) for s in splits})

    specs = [AnalyzerSpec(stemmer=name) for name in args.analyzers.split(",")]
    if args.no_stopwords:
        specs += [AnalyzerSpec(stemmer=name, stopwords=False) for name in args.analyzers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")
        for spec in specs:
            db = Path(tmp) / f"{spec.name}.db"
            started = time.perf_counter()
            report = build_index([corpus], db, analyzer_spec=spec, params=BM25Params(args.k1, args.b))
            if report.paragraphs + report.duplicate_paragraphs != len(passages):
                print(
                    f"  warning: {spec.name} indexed {report.paragraphs} of {len(passages)} paragraphs", file=sys.stderr
                )
            # answers rank by BM25 × coverage; the first analyzer also gets a plain-BM25 row (the ablation)
            variants = [(True, None), (False, None)] if spec == specs[0] else [(True, None)]
            if args.semantic and spec == specs[0]:
                variants.insert(0, (True, SemanticReranker(args.vectors)))
                variants[0][1].vectors(list(passages.values()))
            for coordinated, semantic in variants:
                service = AnswerService(db, coordinated=coordinated, semantic=semantic)
                results = {}
                for split in splits:
                    answers = [service.answer(q.question, 10) for q in questions[split]]
                    results[split] = rank_metrics([[h.doc_id for h in a.hits] for a in answers], gold[split])
                    # FacQA's questions all have an answer in the corpus: the share the product answers
                    results[split]["answered"] = sum(a.answered for a in answers) / max(len(answers), 1)
                name = spec.name if coordinated else f"{spec.name}, plain BM25 (no coverage)"
                name += " + semantic re-ranking" if semantic else ""
                row(f"{name} k1={args.k1} b={args.b} ({time.perf_counter() - started:.0f}s)", results)
                service.close()


if __name__ == "__main__":
    main()
