"""Fixtures that start the real `python -m bot` against the local fake Bot API over HTTP."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from support import REPO
from fakebotapi import FakeBotAPI

ADMIN_ID = 4242


class BotProcess:
    def __init__(self, api: FakeBotAPI, workdir: Path, **env: str) -> None:
        self.api = api
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.index_db = Path(env.get("INDEX_DB", workdir / "index.db"))
        self.feedback_db = Path(env.get("FEEDBACK_DB", workdir / "feedback.db"))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
            "PYTHONPATH": str(REPO),
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "INDEX_DB": str(self.index_db),
            "FEEDBACK_DB": str(self.feedback_db),
            "CORPUS_DIR": str(REPO / "corpus"),
            "ADMIN_IDS": str(ADMIN_ID),
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> "BotProcess":
        calls_before = len(self.api.called("getUpdates"))
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=self.workdir, env=self.env, stdout=log, stderr=log)
        if wait:
            self.api.wait_for(lambda: len(self.api.called("getUpdates")) > calls_before or self.process.poll() is not None, timeout=90)
            assert self.process.poll() is None, self.log()
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI().start()
    yield server
    server.stop()


@pytest.fixture
def fresh_api() -> Iterator[FakeBotAPI]:
    """A Bot API of its own, for tests that start their own bot process (two pollers would both answer)."""
    server = FakeBotAPI().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """One bot process for a whole test module; tests use their own chat ids."""
    process = BotProcess(api, tmp_path_factory.mktemp("bot")).start()
    yield process
    process.stop()
