"""Issue 12.1 against the real bot: questions keep arriving while `python -m index build` replaces the
index file the bot serves from, about once a second. Before the index handle the process died (SIGSEGV)."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path

from fakebotapi import FakeBotAPI
from support import REPO

from .conftest import BotProcess

QUESTIONS = [
    "Kenapa Bigo Live diancam diblokir?",
    "why was Bigo threatened with blocking?",
    "Apakah TikTok membagikan data pengguna ke pemerintah China?",
    "judi online pornografi Bigo",
    "Does TikTok share user data with China?",
    "siapa menteri yang mengancam Bigo",
]
SECONDS = 30  # at most; the test ends once BUILDS replacements have been served under the questions
BUILDS = 3  # the in-process handle test (tests/test_index_handle.py) swaps five times under four threads
QUESTIONS_PER_SECOND = 20


def test_the_bot_answers_every_question_while_the_index_is_rebuilt_every_second(fresh_api: FakeBotAPI, tmp_path: Path):
    api = fresh_api
    bot = BotProcess(api, tmp_path).start()
    env = {**bot.env, "PYTHONPATH": str(REPO)}
    chats = itertools.count(70001)
    sent: list[dict] = []
    builds = 0
    build: subprocess.Popen | None = None
    try:
        start = time.monotonic()
        next_build = start
        while time.monotonic() - start < SECONDS and builds < BUILDS:
            # ~20 questions a second, each in its own chat, each a little different (no answer cache hit)
            for n in range(QUESTIONS_PER_SECOND // 5):
                text = f"{QUESTIONS[len(sent) % len(QUESTIONS)]} {'?' * (len(sent) % 7)}"
                sent.append(api.send_text(next(chats), text))
            if time.monotonic() >= next_build and (build is None or build.poll() is not None):
                if build is not None:
                    assert build.returncode == 0, build.stderr.read() if build.stderr else ""
                    builds += 1
                build = subprocess.Popen(
                    [sys.executable, "-m", "index", "build", str(REPO / "corpus"), "--db", str(bot.index_db)],
                    cwd=tmp_path,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                next_build = time.monotonic() + 1
            assert bot.process.poll() is None, f"the bot died ({bot.process.returncode}):\n{bot.log()[-3000:]}"
            time.sleep(0.2)
        if build is not None:
            build.wait(60)
            builds += build.returncode == 0
        for message in sent:
            reply = api.wait_reply(message, timeout=60)
            assert "went wrong" not in reply.text, reply.text
        assert bot.process.poll() is None, f"the bot died ({bot.process.returncode}):\n{bot.log()[-3000:]}"
        assert builds >= BUILDS, builds  # the index really was replaced under the questions, many times
        assert "now serving build" in bot.log()
    finally:
        if build is not None and build.poll() is None:
            build.kill()
        assert bot.stop() == 0, bot.log()[-3000:]
