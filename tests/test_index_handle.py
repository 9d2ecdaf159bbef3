"""The index handle: a rebuilt index is picked up between questions and never closed under one."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from support import REPO

from index.search import AnswerService
from index.store import build_index

QUESTIONS = [
    "Kenapa Bigo Live diancam diblokir?",
    "why was Bigo threatened with blocking?",
    "Apakah TikTok membagikan data pengguna ke pemerintah China?",
    "siapa menteri kominfo",
    "judi online pornografi",
    "Does TikTok share user data with China?",
]


def test_questions_keep_being_answered_while_the_index_is_rebuilt_and_swapped(tmp_path: Path):
    """Reproduces the crash of issue 12.1: answering threads read postings while another thread
    swaps in a rebuilt index. Before the handle, the old reader was closed under them (SIGSEGV)."""
    db = tmp_path / "index.db"
    build_index([REPO / "corpus"], db)
    service = AnswerService(db)
    stop = threading.Event()
    errors: list[BaseException] = []
    answered = [0]

    def ask(offset: int) -> None:
        n = offset
        try:
            while not stop.is_set():
                # a different k each time keeps the answer cache from absorbing the reads
                answer = service.answer(QUESTIONS[n % len(QUESTIONS)], k=3 + n % 7)
                assert answer.hits, answer.query
                answered[0] += 1
                n += 1
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    swaps = 0
    try:
        deadline = time.monotonic() + 8  # bounded in count and time: five swaps under load are the test
        while time.monotonic() < deadline and swaps < 5 and not errors:
            build_index([REPO / "corpus"], db)
            swaps += service.refresh()
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not errors, errors[:3]
    assert swaps >= 3 and answered[0] > 50
    service.close()


def test_each_build_has_its_own_id(tmp_path: Path):
    db = tmp_path / "index.db"
    build_index([REPO / "corpus"], db)
    service = AnswerService(db)
    first = service.meta.build_id
    build_index([REPO / "corpus"], db)
    assert service.refresh()
    assert service.meta.build_id != first and len(first) >= 16
    service.close()


def test_a_build_in_a_worker_process_reports_progress_and_failures(tmp_path: Path):
    import os

    from index.rebuild import build_in_worker_process
    from index.store import BuildError, IndexWriteError

    progress: list[tuple[int, int]] = []
    report = build_in_worker_process([REPO / "corpus"], tmp_path / "index.db", lambda d, p: progress.append((d, p)))
    assert report.documents == 2 and report.builder_pid not in (0, os.getpid())
    assert progress and progress[0][0] >= 1
    empty = tmp_path / "empty"
    empty.mkdir()
    try:
        build_in_worker_process([empty], tmp_path / "other.db")
        raise AssertionError("an empty corpus built")
    except BuildError as error:
        assert "no paragraphs" in str(error) and not isinstance(error, IndexWriteError)
    (tmp_path / "file").write_text("x")
    try:
        build_in_worker_process([REPO / "corpus"], tmp_path / "file" / "index.db")
        raise AssertionError("built under a file")
    except IndexWriteError as error:
        assert error.reason in ("File exists", "Not a directory")  # a file where the folder should be


def test_the_question_that_picks_up_a_new_build_does_not_wait_for_the_old_file_to_close(tmp_path: Path):
    """Closing the replaced reader frees the renamed-over file (~0.2 s at 1M paragraphs): done off the question's
    thread, and still done."""
    db = tmp_path / "index.db"
    build_index([REPO / "corpus"], db)
    service = AnswerService(db)
    old_reader = service.reader
    closing, may_close, closed = threading.Event(), threading.Event(), threading.Event()
    real_close = old_reader.close

    def slow_close() -> None:
        closing.set()
        may_close.wait(10)
        real_close()
        closed.set()

    old_reader.close = slow_close
    build_index([REPO / "corpus"], db)
    answer = service.answer(QUESTIONS[0], 3)  # picks up the new build; returns while the old file is closing
    assert answer.hits and service.reader is not old_reader
    assert closing.wait(10) and not closed.is_set()
    may_close.set()
    assert closed.wait(10)
    service.close()
