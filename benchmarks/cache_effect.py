"""What the caches buy: 3-term queries with cold vs warm postings, and a repeated question.

Run after benchmarks/engine_scaling.py with the same --workdir (it reuses that index and its queries):
    .venv/bin/python benchmarks/cache_effect.py --workdir /tmp/engine-bench --size 1000000
Cold: a fresh process, each query once (the postings come from the SQLite file, through the OS page
cache). Warm: the same queries again in the same process (the postings LRU holds what fits in 128 MiB).
Repeated question: AnswerService.answer for a question asked before (the answer cache).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.search import AnswerService  # noqa: E402


def p50(run, items) -> float:
    samples = []
    for item in items:
        started = time.perf_counter()
        run(item)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    workdir = Path(args.workdir)
    queries = json.loads((workdir / "queries.json").read_text())["3"]
    service = AnswerService(workdir / f"ours-{args.size}.db")
    tokens = [service.analyzer.analyze(q) for q in queries]
    cold = p50(lambda t: service.rank_tokens(t, 10), tokens)
    warm = p50(lambda t: service.rank_tokens(t, 10), tokens)
    cache = service.reader._postings_cache
    first = p50(lambda q: service.answer(q, 3), queries)
    again = p50(lambda q: service.answer(q, 3), queries)
    print(f"{args.size} paragraphs, {len(queries)} three-term queries:")
    print(
        f"  engine p50: cold postings {cold:.2f} ms, warm postings {warm:.2f} ms "
        f"(postings cache {cache.bytes / 2**20:.0f} MiB, {cache.hits} hits / {cache.misses} misses)"
    )
    print(
        f"  full answer p50 (translation, best sentence, citations): first time {first:.2f} ms, repeated {again:.3f} ms"
    )


if __name__ == "__main__":
    main()
