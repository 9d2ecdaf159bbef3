"""BM25 engine at scale: ours vs rank-bm25, bm25s, tantivy, PISA and SQLite FTS5 on synthetic corpora of 10k,
100k and 1M paragraphs.

Corpora: Zipf-distributed vocabulary of Indonesian-looking words (syllables), ~60 tokens per paragraph,
written as JSONL. All engines get the same tokens (our analyzer's output); our build time includes
reading the JSONL and the analysis, the others' start from the analysed tokens. Each engine runs in a
process of its own so peak RSS is its own; our serving RSS is measured in a process that only opens the
index and answers. Queries of 1, 3 and 8 terms, drawn by frequency from below the 50 most frequent words.
"ours" is plain BM25 (the same top 10 as the other engines); "ours+cov" ranks as answers do, BM25 ×
coverage (index/bm25.py), in the same serving process; "ours ask" is the whole answer path (idx.ask) there, and
"ours cli" the CLI's batch per question (`python -m index search --queries FILE`: an answer as a line of JSON) in a
process of its own. The last lines read issue 16's goals off the run, unrounded, and the floor under the answer path:
reading the 10 paragraphs an answer quotes (with their articles), and nothing else.
rank-bm25 is skipped above 100k paragraphs (it would take minutes per query batch).
Run:  .venv/bin/python benchmarks/engine_scaling.py [--sizes 10000,100000,1000000] [--queries 100]
Needs the bench extra: pip install -e '.[bench]' (bm25s with numba, scipy, tantivy, pyterrier-pisa).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYLLABLES = (
    "ka ba ru di ma ng pe la ta si mu no ra wa ja ha ti lu se po an in er ke be ter per kan nya pa "
    "ga bu ri so de te ci ju ku lo go ya sa na da ro mi"
).split()
VOCABULARY_SIZE = 200_000
TOKENS_PER_PARAGRAPH = 60
ZIPF_EXPONENT = 1.07
QUERY_LENGTHS = (1, 3, 8)


def vocabulary(seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < VOCABULARY_SIZE:
        words["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


def zipf_weights(n: int):
    import numpy as np

    weights = 1.0 / np.arange(1, n + 1) ** ZIPF_EXPONENT
    return weights / weights.sum()


def write_corpus(path: Path, size: int, seed: int = 2) -> None:
    import numpy as np

    words = np.array(vocabulary())
    rng = np.random.default_rng(seed)
    probabilities = zipf_weights(len(words))
    with path.open("w", encoding="utf-8") as handle:
        for start in range(0, size, 10_000):
            count = min(10_000, size - start)
            lengths = rng.integers(TOKENS_PER_PARAGRAPH // 2, TOKENS_PER_PARAGRAPH * 3 // 2 + 1, count)
            tokens = words[rng.choice(len(words), size=int(lengths.sum()), p=probabilities)]
            offset = 0
            for i, length in enumerate(lengths):
                text = " ".join(tokens[offset : offset + length]).capitalize() + "."
                offset += length
                handle.write(json.dumps({"id": f"p{start + i}", "text": text}) + "\n")


def make_queries(count: int, seed: int = 3) -> dict[int, list[str]]:
    import numpy as np

    words = vocabulary()[50:]
    rng = np.random.default_rng(seed)
    probabilities = zipf_weights(len(words))
    return {
        n: [" ".join(rng.choice(words, size=n, replace=False, p=probabilities)) for _ in range(count)]
        for n in QUERY_LENGTHS
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples_by_length: dict[int, list[float]]) -> dict[str, float]:
    out = {}
    for n, samples in samples_by_length.items():
        samples = sorted(samples)
        out[f"p50_{n}"] = statistics.median(samples)
        out[f"p95_{n}"] = samples[int(0.95 * (len(samples) - 1))]
    return out


def paired_timings(run_a, run_b, queries: dict[int, list[str]]) -> tuple[dict[str, float], dict[str, float]]:
    samples: tuple[dict[int, list[float]], dict[int, list[float]]] = ({}, {})
    for n, batch in queries.items():
        for q in batch[:5]:
            run_a(q), run_b(q)  # warm-up
        for i, q in enumerate(batch):
            for which in (0, 1) if i % 2 == 0 else (1, 0):
                started = time.perf_counter()
                (run_a, run_b)[which](q)
                samples[which].setdefault(n, []).append((time.perf_counter() - started) * 1000)
    return percentiles(samples[0]), percentiles(samples[1])


def timings(run, queries: dict[int, list[str]]) -> dict[str, float]:
    out = {}
    for n, batch in queries.items():
        for q in batch[:5]:
            run(q)  # warm-up
        samples = []
        for q in batch:
            started = time.perf_counter()
            run(q)
            samples.append((time.perf_counter() - started) * 1000)
        out[n] = samples
    return percentiles(out)


# -- workers (each in its own process) -----------------------------------------------------------


def worker_ours_build(corpus: Path, db: Path) -> dict:
    from index.store import build_index

    started = time.perf_counter()
    report = build_index([corpus], db, workers=None)  # as the CLI does: worker processes for big inputs
    seconds = time.perf_counter() - started
    return {
        "build_s": seconds,
        "paragraphs": report.paragraphs,
        "size_mb": db.stat().st_size / 2**20,
        "build_rss_mb": peak_rss_mb(),
    }


def worker_ours_serve(db: Path, queries: dict[int, list[str]]) -> dict:
    from index.search import AnswerService

    started = time.perf_counter()
    service = AnswerService(db, semantic=None)  # the engine and the answer path without the embedding model
    open_s = time.perf_counter() - started
    analyzed = {n: [service.analyzer.analyze(q) for q in batch] for n, batch in queries.items()}
    lookup = {" ".join(t): t for batch in analyzed.values() for t in batch}
    texts = {n: [" ".join(t) for t in b] for n, b in analyzed.items()}
    # answers rank by BM25 × coverage (index/bm25.py: coverage of the best candidates, a second round when
    # needed): timed against plain BM25 query by query, alternating which goes first, so both see the same
    # postings cache
    result, coordinated = paired_timings(
        lambda q: service.rank_tokens(lookup[q], 10),
        lambda q: service.rank_tokens(lookup[q], 10, coordinated=True),
        texts,
    )
    # the whole answer path (language, plan, ranking, best sentence, citations) as idx.ask runs it
    answered = timings(lambda q: service.answer(q, 10), queries)
    # what no answer can do without: reading the 10 paragraphs it quotes, with their articles (one SQLite query)
    quoted = {q: [pid for pid, _ in service.rank_tokens(terms, 10, coordinated=True)] for q, terms in lookup.items()}
    with service.index.snapshot() as snapshot:
        rows = timings(lambda q: snapshot.reader.paragraphs(quoted[q]), texts)
    return {
        "open_s": open_s,
        "rss_mb": peak_rss_mb(),
        **result,
        "coordinated": coordinated,
        "answer": answered,
        "quoted_rows": rows,
    }


def worker_ours_cli(db: Path, queries: dict[int, list[str]]) -> dict:
    """The CLI's batch (`python -m index search --queries FILE`, without the embedding model) per question: the
    line it prints for each, timed in a process of its own so no answer is cached from the serving worker's."""
    from index.__main__ import batch_line
    from index.search import AnswerService

    started = time.perf_counter()
    service = AnswerService(db, semantic=None)
    open_s = time.perf_counter() - started
    return {"open_s": open_s, "rss_mb": peak_rss_mb(), **timings(lambda q: batch_line(service, q, 10), queries)}


def _analyzed_corpus(corpus: Path) -> tuple[list[list[str]], object]:
    from index.analysis import get_analyzer

    analyzer = get_analyzer()
    with corpus.open(encoding="utf-8") as handle:
        return [analyzer.analyze(json.loads(line)["text"]) for line in handle], analyzer


def worker_rank_bm25(corpus: Path, queries: dict[int, list[str]]) -> dict:
    import numpy as np
    from rank_bm25 import BM25Okapi

    tokens, analyzer = _analyzed_corpus(corpus)
    started = time.perf_counter()
    bm25 = BM25Okapi(tokens, k1=1.2, b=0.75)
    build_s = time.perf_counter() - started
    del tokens
    result = timings(lambda q: np.argpartition(-bm25.get_scores(analyzer.analyze(q)), 10)[:10], queries)
    return {"build_s": build_s, "rss_mb": peak_rss_mb(), "open_s": float("nan"), "size_mb": float("nan"), **result}


def worker_bm25s(corpus: Path, queries: dict[int, list[str]]) -> dict:
    import bm25s

    tokens, analyzer = _analyzed_corpus(corpus)
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene", backend="auto")  # numba when installed (bench extra)
    retriever.index(tokens, show_progress=False)
    build_s = time.perf_counter() - started
    del tokens
    analyzed = {q: analyzer.analyze(q) for batch in queries.values() for q in batch}

    def run(q: str):
        terms = [t for t in analyzed[q] if t in retriever.vocab_dict] or analyzed[q][:1]
        return retriever.retrieve([terms], k=10, show_progress=False, n_threads=1)

    result = timings(run, queries)
    return {"build_s": build_s, "rss_mb": peak_rss_mb(), "open_s": float("nan"), "size_mb": float("nan"), **result}


def worker_tantivy(corpus: Path, queries: dict[int, list[str]]) -> dict:
    import tantivy

    tokens, analyzer = _analyzed_corpus(corpus)
    directory = Path(tempfile.mkdtemp(prefix="tantivy-"))
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")  # our tokens, as the others get
    schema = builder.build()
    index = tantivy.Index(schema, path=str(directory))
    writer = index.writer(heap_size=500_000_000, num_threads=1)
    for terms in tokens:
        writer.add_document(tantivy.Document(body=" ".join(terms)))
    writer.commit()
    writer.wait_merging_threads()
    build_s = time.perf_counter() - started
    del tokens
    size_mb = sum(f.stat().st_size for f in directory.iterdir()) / 2**20
    started = time.perf_counter()
    index = tantivy.Index.open(str(directory))
    searcher = index.searcher()
    open_s = time.perf_counter() - started
    analyzed = {q: " ".join(analyzer.analyze(q)) for batch in queries.values() for q in batch}
    result = timings(lambda q: searcher.search(index.parse_query(analyzed[q], ["body"]), 10), queries)
    return {"build_s": build_s, "rss_mb": peak_rss_mb(), "open_s": open_s, "size_mb": size_mb, **result}


def worker_pisa(corpus: Path, queries: dict[int, list[str]]) -> dict:
    import numpy as np
    from pyterrier_pisa import PisaIndex, _pisathon

    tokens, analyzer = _analyzed_corpus(corpus)
    directory = Path(tempfile.mkdtemp(prefix="pisa-")) / "index"
    started = time.perf_counter()
    index = PisaIndex(str(directory), stemmer="none", threads=1, overwrite=True)
    index.index({"docno": str(i), "text": " ".join(terms)} for i, terms in enumerate(tokens))
    build_s = time.perf_counter() - started
    del tokens
    size_mb = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 2**20
    started = time.perf_counter()
    retriever = index.bm25(k1=1.2, b=0.75, num_results=10, threads=1)
    retriever.reset_retrieval_context()  # loads the index (timed as opening)
    open_s = time.perf_counter() - started
    analyzed = {q: " ".join(analyzer.analyze(q)) for batch in queries.values() for q in batch}
    out = {name: np.empty(10, dtype=dtype) for name, dtype in (("q", np.int32), ("d", object), ("r", np.int32))}
    scores = np.empty(10, dtype=np.float32)

    def run(q: str):  # PISA's own call, without the pandas frame around it
        return _pisathon.retrieve(
            retriever._ctxt,
            retriever.query_algorithm.value,
            [(0, analyzed[q])],
            k=10,
            threads=1,
            query_weighted=1,
            pretokenised=False,
            result_qidxs=out["q"],
            result_docnos=out["d"],
            result_ranks=out["r"],
            result_scores=scores,
        )

    result = timings(run, queries)
    return {"build_s": build_s, "rss_mb": peak_rss_mb(), "open_s": open_s, "size_mb": size_mb, **result}


def worker_fts5(corpus: Path, queries: dict[int, list[str]]) -> dict:
    import sqlite3

    tokens, analyzer = _analyzed_corpus(corpus)
    path = Path(tempfile.mkdtemp(prefix="fts5-")) / "fts.db"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize = 'unicode61')")
    db.executemany("INSERT INTO p (body) VALUES (?)", ((" ".join(t),) for t in tokens))
    db.commit()
    build_s = time.perf_counter() - started
    del tokens
    analyzed = {q: " OR ".join(f'"{t}"' for t in analyzer.analyze(q)) for batch in queries.values() for q in batch}
    result = timings(
        lambda q: db.execute(
            "SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", (analyzed[q],)
        ).fetchall(),
        queries,
    )
    return {
        "build_s": build_s,
        "rss_mb": peak_rss_mb(),
        "open_s": float("nan"),
        "size_mb": path.stat().st_size / 2**20,
        **result,
    }


def run_worker(*args: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise RuntimeError(output.stderr[-2000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


def goal_lines(size: int, rows: list[tuple[str, dict]]) -> str:
    """Issue 16's goals from one run, unrounded: the engine's p50 over the fastest peer's per question length,
    and the answer path's (idx.ask, the CLI's batch) over the engine's."""
    ours, answer = dict(rows)["ours"], dict(rows)["ours ask"]
    peers = [(name, r) for name, r in rows if not name.startswith("ours")]
    parts = []
    for n in QUERY_LENGTHS:
        p50s = [(r.get(f"p50_{n}"), name) for name, r in peers]
        timed = [(p50, name) for p50, name in p50s if isinstance(p50, float) and not math.isnan(p50)]
        if timed:
            fastest, name = min(timed)
            parts.append(f"{n}t {ours[f'p50_{n}']:.3f} / {name} {fastest:.3f} = {ours[f'p50_{n}'] / fastest:.2f}x")
    answer_parts = [f"{n}t {answer[f'p50_{n}'] / ours[f'p50_{n}']:.1f}x" for n in QUERY_LENGTHS]
    lines = [
        f"{size:>10} engine p50 / fastest peer's: {'; '.join(parts) or 'no peer ran'}",
        f"{size:>10} answer path p50 / engine's: {'; '.join(answer_parts)}",
    ]
    if rows_read := ours.get("quoted_rows"):
        # the floor under any answer path over this store: its 10 quoted paragraphs read, nothing else done
        floor = [
            f"{n}t {rows_read[f'p50_{n}']:.3f} ms = {rows_read[f'p50_{n}'] / ours[f'p50_{n}']:.1f}x"
            for n in QUERY_LENGTHS
        ]
        lines.append(f"{size:>10} reading the 10 quoted paragraphs alone, p50 / engine's: {'; '.join(floor)}")
    if cli := dict(rows).get("ours cli"):
        cli_parts = [f"{n}t {cli[f'p50_{n}'] / ours[f'p50_{n}']:.1f}x" for n in QUERY_LENGTHS]
        lines.append(f"{size:>10} CLI batch p50 per question / engine's: {'; '.join(cli_parts)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--rank-bm25-max", type=int, default=100_000)
    parser.add_argument("--workdir", default=None, help="keep corpora here between runs")
    parser.add_argument("--peers", default="bm25s,tantivy,pisa,fts5", help="other engines, in this order")
    parser.add_argument("--json", default=None, help="also write every row's figures, unrounded, to this file")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        queries = (
            {int(k): v for k, v in json.loads(Path(rest[-1]).read_text()).items()} if kind != "ours-build" else None
        )
        if kind == "ours-build":
            result = worker_ours_build(Path(rest[0]), Path(rest[1]))
        elif kind == "ours-serve":
            result = worker_ours_serve(Path(rest[0]), queries)
        elif kind == "ours-cli":
            result = worker_ours_cli(Path(rest[0]), queries)
        elif kind == "rank-bm25":
            result = worker_rank_bm25(Path(rest[0]), queries)
        elif kind == "tantivy":
            result = worker_tantivy(Path(rest[0]), queries)
        elif kind == "pisa":
            result = worker_pisa(Path(rest[0]), queries)
        elif kind == "fts5":
            result = worker_fts5(Path(rest[0]), queries)
        else:
            result = worker_bm25s(Path(rest[0]), queries)
        print(json.dumps(result))
        return

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="engine-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    queries_path = workdir / "queries.json"
    queries_path.write_text(json.dumps(make_queries(args.queries)))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.queries} queries per length; times in ms unless marked"
    )
    header = (
        f"{'paragraphs':>10} {'engine':9} {'build s':>8} {'para/s':>8} {'size MB':>8} {'open s':>7} {'RSS MB':>7} "
        + " ".join(f"{'p50/p95 ' + str(n) + 't':>15}" for n in QUERY_LENGTHS)
    )
    print(header)
    print("-" * len(header))
    results: dict[int, dict[str, dict]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        corpus = workdir / f"corpus-{size}.jsonl"
        if not corpus.exists():
            write_corpus(corpus, size)
        db = workdir / f"ours-{size}.db"
        db.unlink(missing_ok=True)
        built = run_worker("ours-build", str(corpus), str(db))
        served = run_worker("ours-serve", str(db), str(queries_path))
        rows = [
            ("ours", {**built, **served}),
            ("ours+cov", {**built, **served, **served["coordinated"]}),
            ("ours ask", {**built, **served, **served["answer"]}),
            ("ours cli", {**built, **run_worker("ours-cli", str(db), str(queries_path))}),
        ]
        if size <= args.rank_bm25_max:
            rows.append(("rank-bm25", run_worker("rank-bm25", str(corpus), str(queries_path))))
        for peer in filter(None, args.peers.split(",")):
            try:
                rows.append((peer, run_worker(peer, str(corpus), str(queries_path))))
            except RuntimeError as error:  # a peer not installed (the bench extra) is reported, not fatal
                print(f"{size:>10} {peer} failed: {str(error).strip().splitlines()[-1]}", flush=True)
        for name, r in rows:
            rate = size / r["build_s"] if r["build_s"] else float("nan")
            print(
                f"{size:>10} {name:9} {r['build_s']:>8.1f} {rate:>8.0f} {r['size_mb']:>8.1f} "
                f"{r['open_s']:>7.3f} {r['rss_mb']:>7.0f} "
                + " ".join(f"{r[f'p50_{n}']:>7.2f}/{r[f'p95_{n}']:<7.2f}" for n in QUERY_LENGTHS),
                flush=True,
            )
        if size > args.rank_bm25_max:
            print(f"{size:>10} rank-bm25 skipped (a linear scan per query in Python)")
        print(goal_lines(size, rows), flush=True)
        results[size] = dict(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
