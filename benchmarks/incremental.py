"""Incremental changes at scale (issue 16.4): on a synthetic index of N paragraphs (benchmarks/engine_scaling.py's
corpus), how long adding one article takes until a running reader answers from it, and removing it likewise,
beside a from-scratch build of the same corpus.

The reader is an IndexHandle opened before the change, as the bot holds one: "answered" is the time from the start
of `add_documents` until the handle has picked up the new file and a question finds the article. Each change is
made on a copy of the index (index/update.py), so the copy's cost grows with the file; it is reported apart.
Run:  .venv/bin/python benchmarks/incremental.py [--sizes 100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine_scaling import write_corpus  # noqa: E402
from index.handle import IndexHandle  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.store import add_documents, build_index, remove_documents  # noqa: E402

ARTICLE = """---
title: Kominfo Denda Platform Zebraungu karena Iklan Judi
source: Contoh News
date: 2026-12-04
---
Kementerian Komunikasi menjatuhkan denda kepada platform zebraungu karena iklan judi online yang terus tayang.

Platform zebraungu berjanji menghapus iklan tersebut dalam tujuh hari dan memperketat moderasi konten.
"""


def measure(size: int, repeat: int, work: Path, reuse: bool = False) -> dict[str, float]:
    corpus = work / f"corpus-{size}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, size)
    db = work / f"index-{size}.db"
    build_seconds = float("nan")
    if not (reuse and db.exists()):
        started = time.perf_counter()
        build_index([corpus], db, workers=None)
        build_seconds = time.perf_counter() - started
    article = work / "zebraungu-denda.md"
    article.write_text(ARTICLE, encoding="utf-8")
    service = AnswerService(db)  # the reader a running bot holds
    copy_seconds, add_seconds, remove_seconds = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        shutil.copyfile(db, work / "copy.db")
        copy_seconds.append(time.perf_counter() - started)
        (work / "copy.db").unlink()
        started = time.perf_counter()
        add_documents([article], db)
        answer = service.answer("Kenapa zebraungu didenda?", 3)
        add_seconds.append(time.perf_counter() - started)
        assert answer.hits and answer.hits[0].doc_id == "zebraungu-denda", answer
        started = time.perf_counter()
        remove_documents(["zebraungu-denda"], db)
        gone = service.answer("Kenapa zebraungu didenda?", 3)
        remove_seconds.append(time.perf_counter() - started)
        assert not any(hit.doc_id == "zebraungu-denda" for hit in gone.hits)
    service.close()
    handle = IndexHandle(db)
    size_mb = db.stat().st_size / 2**20
    handle.close()
    return {
        "paragraphs": size,
        "index MB": round(size_mb, 1),
        "build s": round(build_seconds, 2),
        "build paragraphs/s": round(size / build_seconds) if build_seconds == build_seconds else "—",
        "file copy s (p50)": round(statistics.median(copy_seconds), 3),
        "add → answered s (p50)": round(statistics.median(add_seconds), 3),
        "remove → gone s (p50)": round(statistics.median(remove_seconds), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep corpora and indexes here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="use an index already in --work instead of building")
    args = parser.parse_args()
    os.environ.setdefault("SEMANTIC_RERANK", "off")
    work = args.work or Path(tempfile.mkdtemp(prefix="incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = [measure(int(size), args.repeat, work, args.reuse) for size in args.sizes.split(",")]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
