"""Fixtures that start the real `python -m bot` against the local fake Bot API over HTTP."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from support import REPO
from fakebotapi import FakeBotAPI

ADMIN_ID = 4242
WORDS = (
    "pemerintah kominfo aplikasi platform konten judi online pornografi akun pengguna data moderasi "
    "pemblokiran ancaman perusahaan layanan digital internet media sosial video streaming regulasi "
    "kebijakan keamanan privasi laporan menteri kementerian teguran sanksi denda hukum"
).split()


def copy_seed_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    for path in (REPO / "corpus").iterdir():
        shutil.copy(path, corpus / path.name)
    return corpus


def add_bulk_articles(corpus: Path, files: int, paragraphs: int = 12, seed: int = 7) -> None:
    """Enough synthetic articles to make a reindex take a noticeable moment."""
    rng = random.Random(seed)
    for n in range(files):
        body = "\n".join(
            " ".join(rng.choice(WORDS) for _ in range(25)).capitalize() + f" nomor {n}-{p} tahun {2000 + p}."
            for p in range(paragraphs)
        )
        (corpus / f"bulk-{n:04d}.txt").write_text(body + "\n", encoding="utf-8")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now (for the bot's webhook server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_says(api: FakeBotAPI, text: str, chat: int = ADMIN_ID) -> dict:
    return api.send_text(chat, text, user_id=ADMIN_ID)


def final_progress(api: FakeBotAPI, reply_to: dict, done: str = "eindex", timeout: float = 120) -> str:
    """The reindex progress message once it says it finished (✅) or failed (❌)."""

    def finished():
        for message in api.replies_to(reply_to):
            if message.text.startswith(("✅", "❌")):
                return message
        return None

    return api.wait_for(finished, timeout).text


def upload(
    api: FakeBotAPI,
    file_name: str,
    content: bytes,
    size: int | None = None,
    user_id: int = ADMIN_ID,
    language_code: str | None = "en",
) -> dict:
    file_id = f"file-{len(api.files)}-{abs(hash(file_name)) % 10_000}"
    api.files[file_id] = content
    document = {
        "file_id": file_id,
        "file_unique_id": file_id,
        "file_name": file_name,
        "file_size": size or len(content),
    }
    message = api.message(user_id, None, user_id=user_id, document=document, language_code=language_code)
    api.push_update({"message": message})
    return message


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
        self.command = [sys.executable, "-m", "bot"]

    def start(self, wait: bool = True) -> "BotProcess":
        calls_before = len(self.api.called("getUpdates"))
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, cwd=self.workdir, env=self.env, stdout=log, stderr=log)
        if wait:
            self.api.wait_for(
                lambda: len(self.api.called("getUpdates")) > calls_before or self.process.poll() is not None, timeout=90
            )
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

    def __enter__(self) -> "BotProcess":
        return self

    def __exit__(self, error_type: type | None, *_: object) -> None:
        """Stops the bot; a test that got this far also asserts it stopped cleanly (exit code 0)."""
        code = self.stop()
        if error_type is None:
            assert code == 0, self.log()[-3000:]

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
