"""The C kernel (index/_bm25kernel.c) against the numpy path of the BM25 engine, side by side in one process.

The same index and postings cache; each question is timed with both paths, alternating which goes first, for
plain BM25 (`rank_tokens`) and BM25 × coverage (as answers rank). Corpus: benchmarks/engine_scaling.py's
synthetic paragraphs. Reports p50 / p95 in ms per question length and the numpy / kernel ratio, and checks
that both paths return the same ranking.
Run:  .venv/bin/python benchmarks/kernel_speed.py [--size 1000000] [--queries 200] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine_scaling import make_queries, percentiles, write_corpus  # noqa: E402
from index.kernel import KERNEL, numpy_only  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.store import build_index  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workdir", default=None, help="keep the corpus and index here between runs")
    args = parser.parse_args()
    if KERNEL is None:
        sys.exit("the C kernel is not built (pip install -e . with a C compiler) or BM25_KERNEL=numpy is set")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="kernel-speed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    corpus, db = workdir / f"corpus-{args.size}.jsonl", workdir / f"index-{args.size}.db"
    if not corpus.exists():
        write_corpus(corpus, args.size)
    if not db.exists():
        build_index([corpus], db, workers=None)
    service = AnswerService(db, semantic=None)
    queries = {n: [service.analyzer.analyze(q) for q in batch] for n, batch in make_queries(args.queries).items()}
    print(f"{args.size} paragraphs, {args.queries} questions per length; p50 / p95 ms")
    print(f"{'ranking':12} {'terms':>5} {'numpy':>15} {'kernel':>15} {'ratio p50':>10}")
    for coordinated in (False, True):
        samples: dict[str, dict[int, list[float]]] = {"numpy": {}, "kernel": {}}
        for n, batch in queries.items():
            for tokens in batch[:5]:  # warm the postings cache
                service.rank_tokens(tokens, 10, coordinated=coordinated)
            for i, tokens in enumerate(batch):
                results = {}
                for path in ("numpy", "kernel") if i % 2 == 0 else ("kernel", "numpy"):
                    started = time.perf_counter()
                    if path == "numpy":
                        with numpy_only():
                            results[path] = service.rank_tokens(tokens, 10, coordinated=coordinated)
                    else:
                        results[path] = service.rank_tokens(tokens, 10, coordinated=coordinated)
                    samples[path].setdefault(n, []).append((time.perf_counter() - started) * 1000)
                ids = {path: [pid for pid, _ in ranked] for path, ranked in results.items()}
                assert ids["numpy"] == ids["kernel"], (tokens, results)
        numpy_p, kernel_p = percentiles(samples["numpy"]), percentiles(samples["kernel"])
        for n in queries:
            a, b = numpy_p, kernel_p
            print(
                f"{'× coverage' if coordinated else 'plain BM25':12} {n:>5} "
                f"{a[f'p50_{n}']:>7.2f} / {a[f'p95_{n}']:<5.2f} {b[f'p50_{n}']:>7.2f} / {b[f'p95_{n}']:<5.2f} "
                f"{a[f'p50_{n}'] / b[f'p50_{n}']:>9.1f}×"
            )
    service.close()


if __name__ == "__main__":
    main()
