"""A build in a worker process, for a program that must keep answering meanwhile (the bot).

A build in a thread of the bot competed for the GIL with 20 questions a second and starved for 20 s;
in its own process it only shares the CPU. Progress and the outcome come back over a pipe.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Callable

from .ingest import CorpusError
from .store import BuildError, BuildReport, IndexWriteError, build_index

PROGRESS_EVERY_SECONDS = 0.5


def _stop_when_orphaned(parent_pid: int) -> Callable[[int, int], None]:
    """A progress callback that ends this process once the bot that started it is gone (killed): nobody
    is left to use the vectors soon, and a minutes-long embedding must not outlive it."""

    def check(done: int, total: int) -> None:
        if os.getppid() != parent_pid:
            raise SystemExit(0)

    return check


def _build_in_child(sources: list[Path], db_path: Path, vectors_db: Path | None, connection, parent_pid: int) -> None:  # type: ignore[no-untyped-def]
    import time

    last = [0.0]

    def on_document(documents: int, paragraphs: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            connection.send(("progress", documents, paragraphs))

    built = False
    try:
        report = build_index(sources, db_path, on_document=on_document, on_wait=lambda: connection.send(("waiting",)))
        connection.send(("done", report))
        built = True
    except IndexWriteError as error:
        connection.send(("write-error", str(error.db_path), error.reason))
    except BuildError as error:
        connection.send(("build-error", str(error), error.problems, error.summary))
    except CorpusError as error:
        connection.send(("corpus-error", str(error)))
    except BaseException as error:  # noqa: BLE001 - anything else is reported to the parent, not lost
        connection.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()
    if built and vectors_db is not None:
        # after "done": the new index serves at once; its new paragraphs' vectors follow here, in this
        # process (~5 paragraphs/s), and questions meanwhile keep BM25's order where vectors are missing
        _embed_in_child(db_path, vectors_db, parent_pid)


def build_in_worker_process(
    sources: list[Path],
    db_path: Path,
    on_progress: Callable[[int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    vectors_db: Path | None = None,
) -> BuildReport:
    """build_index in a fresh process; blocks the calling thread (call it from a worker thread).
    With `vectors_db`, the child also embeds new paragraphs for semantic re-ranking (index/semantic.py).
    Raises what build_index raises (IndexWriteError, BuildError, CorpusError)."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_build_in_child, args=(list(sources), Path(db_path), vectors_db, sending, os.getpid()), daemon=True
    )
    process.start()
    sending.close()
    try:
        while True:
            try:
                message = receiving.recv()
            except EOFError:
                process.join()
                raise BuildError(f"the build process ended without a result (exit code {process.exitcode})") from None
            kind = message[0]
            if kind == "progress":
                if on_progress:
                    on_progress(message[1], message[2])
            elif kind == "waiting":
                if on_wait:
                    on_wait()
            elif kind == "done":
                return message[1]
            elif kind == "write-error":
                raise IndexWriteError(Path(message[1]), message[2])
            elif kind == "build-error":
                raise BuildError(message[1], message[2], summary=message[3])
            elif kind == "corpus-error":
                raise CorpusError(message[1])
            else:
                raise BuildError(f"the build failed: {message[1]}")
    finally:
        receiving.close()
        if vectors_db is None:
            process.join(timeout=30)
        # else the child goes on embedding the new paragraphs; multiprocessing reaps it when it ends


def _embed_in_child(db_path: Path, vectors_db: Path, parent_pid: int) -> None:
    from .semantic import SemanticReranker, prepare_vectors

    semantic = SemanticReranker(vectors_db)
    prepare_vectors(db_path, semantic, on_progress=_stop_when_orphaned(parent_pid))
    semantic.close()


def embed_in_background_process(db_path: Path, vectors_db: Path):  # type: ignore[no-untyped-def]
    """Embed the index's paragraphs that the vector cache lacks, in a process of their own, and return it
    without waiting: the bot answers meanwhile (BM25's order where vectors are missing). It ends with the
    bot (daemon) or when done."""
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_embed_in_child, args=(Path(db_path), Path(vectors_db), os.getpid()), daemon=True)
    process.start()
    return process
