"""Issue 12 against the real `python -m bot` and `python -m index`: each defect found by attacking the bot,
reproduced as it was found."""

from __future__ import annotations

import itertools
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

from fakebotapi import FakeBotAPI
from support import REPO, write_hostile_corpus

from .conftest import (
    BotProcess,
    add_bulk_articles,
    admin_says,
    copy_seed_corpus,
    final_progress,
    free_port,
    upload,
)

_chat_ids = itertools.count(60_001)
BIGO = "Kenapa Bigo Live diancam diblokir?"
# Without the capabilities that let root read and write anyone's files, folder permissions apply to the
# bot as they would to an unprivileged deployment (these tests run as root in CI).
UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []


def test_the_bot_starts_and_answers_over_a_corpus_of_hostile_files(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.2 and 12.4: nested front matter, billion laughs, links to /etc/passwd, loops, a FIFO."""
    corpus = tmp_path / "corpus"
    expected = write_hostile_corpus(corpus)
    with BotProcess(fresh_api, tmp_path, CORPUS_DIR=str(corpus)).start() as bot:
        reply = fresh_api.wait_reply(fresh_api.send_text(next(_chat_ids), BIGO)).text
        assert "Bigo Live" in reply
        log = bot.log()
        for name in expected:
            if not name.startswith(".."):  # bulk.jsonl is not part of a corpus folder
                assert f"{name}:" in log, name
        leak = fresh_api.wait_reply(fresh_api.send_text(next(_chat_ids), "root x 0 0 root /root /bin/bash")).text
        assert "/bin/bash" not in leak and "/root" not in leak


def test_an_update_the_library_cannot_parse_is_skipped_once_and_the_next_is_answered(
    fresh_api: FakeBotAPI, tmp_path: Path
):
    """12.3: a poll without persistent_id (Bot API servers older than 9.6) stopped all updates and
    flooded the log with users' messages."""
    api = fresh_api
    with BotProcess(api, tmp_path).start() as bot:
        secret_text = "pesan pribadi pengguna yang tidak boleh masuk log"
        poll = {
            "id": "p1",
            "question": secret_text,
            "options": [{"text": "a", "voter_count": 0}],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
        bad_id = api.push_update({"poll": poll})
        calls_before = len(api.called("getUpdates"))
        question = api.send_text(next(_chat_ids), BIGO)
        assert "Bigo Live" in api.wait_reply(question).text
        # the bad update alone, last in its batch: it must be confirmed too, or getUpdates spins on it
        api.push_update({"poll": {**poll, "id": "p2"}})
        time.sleep(2)
        calls = api.called("getUpdates")[calls_before:]
        assert len(calls) < 20, f"getUpdates spun {len(calls)} times in ~2 s"
        assert int(calls[-1].get("offset") or 0) > bad_id + 1  # both bad updates confirmed
        later = api.send_text(next(_chat_ids), "Apakah TikTok membagikan data pengguna ke pemerintah China?")
        assert api.wait_reply(later).text
        log = bot.log()
        assert secret_text not in log and "Received data was" not in log
        assert log.count(f"skipped update {bad_id} ") == 1


def _raw_post(port: int, head: str, body: bytes, wait: float = 10) -> str:
    """Send a request's headers and the first part of its body; return the status line the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(head.encode() + body)
        return connection.recv(200).decode(errors="replace").split("\r\n")[0]


def test_webhook_refuses_on_the_headers_and_skips_unreadable_updates(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.8: a body without the right secret was read in full before the 403; 12.3 for webhooks: an
    unparseable update got 400, which Telegram redelivers forever."""
    api = fresh_api
    port = free_port()
    with BotProcess(
        api,
        tmp_path,
        WEBHOOK_URL="https://bot.example.org/hook",
        WEBHOOK_SECRET="s3cret-token",
        WEBHOOK_LISTEN="127.0.0.1",
        PORT=str(port),
    ).start(wait=False) as bot:
        api.wait_for(lambda: api.called("setWebhook"), timeout=90)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        # 50 MB announced, 1 KB sent: the answer must come without the rest
        head = (
            "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "X-Telegram-Bot-Api-Secret-Token: wrong\r\nContent-Length: 50000000\r\n\r\n"
        )
        assert " 403 " in _raw_post(port, head, b"{" * 1024)
        too_big = head.replace("wrong", "s3cret-token")
        assert " 413 " in _raw_post(port, too_big, b"{" * 1024)
        poll = {
            "id": "p1",
            "question": "rahasia",
            "options": [],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
        for body in (
            b'{"update_id": 5, "poll": %s}' % str(poll).replace("'", '"').replace("False", "false").encode(),
            b"not json",
        ):
            request = (
                f"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"X-Telegram-Bot-Api-Secret-Token: s3cret-token\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            assert " 200 " in _raw_post(port, request, body)
        assert "rahasia" not in bot.log()


def test_a_file_path_naming_a_local_file_is_never_read(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.5: PTB reads a getFile file_path that exists on this machine from disk."""
    api = fresh_api
    corpus = copy_seed_corpus(tmp_path)
    with BotProcess(api, tmp_path, CORPUS_DIR=str(corpus)).start():
        for path in ("/etc/passwd", "../../../../../../etc/passwd", "file:///etc/passwd", "documents/../../x.txt"):
            message = upload(api, "artikel.txt", b"ignored")
            api.file_paths[message["document"]["file_id"]] = path
            assert "file path I will not read" in api.wait_reply(message).text, path
        assert sorted(p.name for p in corpus.iterdir()) == sorted(p.name for p in (REPO / "corpus").iterdir())


def test_a_rejected_token_is_reported_without_the_token(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.6: 'InvalidToken: The token 987654:SECRET… was rejected' was printed."""
    token = "987654:SECRET-not-this-servers-token"
    bot = BotProcess(fresh_api, tmp_path, TELEGRAM_BOT_TOKEN=token)
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=bot.env, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 2
    assert "rejected TELEGRAM_BOT_TOKEN" in result.stderr and "TELEGRAM_API_BASE_URL" in result.stderr
    assert "SECRET" not in result.stderr + result.stdout and "987654" not in result.stderr + result.stdout


def test_a_5000_character_title_still_gives_replies_telegram_accepts(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.7: the answer and /sources went over 4,096 characters (400 Bad Request: message is too long)."""
    api = fresh_api
    corpus = copy_seed_corpus(tmp_path)
    title = " ".join(["Judul sangat panjang tentang Bigo Live"] * 130)
    assert len(title) > 5000
    (corpus / "panjang.md").write_text(
        f"---\ntitle: {title}\nsource: {'Media ' * 300}\n---\n"
        "Bigo Live diancam diblokir oleh Kominfo karena konten judi online dan pornografi.\n"
    )
    with BotProcess(api, tmp_path, CORPUS_DIR=str(corpus)).start():
        chat = next(_chat_ids)
        answer = api.send_text(chat, "Bigo Live diancam diblokir judi online")
        assert "Bigo Live" in api.wait_reply(answer).text
        api.send_text(chat, "/sources")
        api.wait_for(lambda: [m for m in api.messages_in(chat) if "articles indexed" in m.text])
        assert "Judul sangat panjang" in api.messages_in(chat)[-1].text
        api.settle()
        assert api.rejected == [] and all(len(m.text) <= 4096 for m in api.messages_in(chat))


def test_forged_callback_data_is_answered_politely(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.8: m:99999999999999999999:1 raised OverflowError and the button was never answered."""
    api = fresh_api
    with BotProcess(api, tmp_path).start() as bot:
        chat = next(_chat_ids)
        for data in ("m:99999999999999999999:1", "f:-1:1", "m:1:99999999999999999999", "x" * 64):
            query = {
                "id": f"q-{data[:10]}",
                "from": api.user(chat),
                "chat_instance": "1",
                "data": data,
                "message": api.bot_message(chat, "old answer"),
            }
            api.push_update({"callback_query": query})
            answered = api.wait_for(
                lambda: [a for a in api.callback_answers if a.get("callback_query_id") == query["id"]]
            )
            assert "no longer valid" in answered[0].get("text", "")
        assert "Traceback" not in bot.log()


def test_private_files_are_not_readable_by_other_users(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.8: the index, the question log and their -wal/-shm were created 0644."""
    api = fresh_api
    old_umask = os.umask(0o022)  # a typical login umask, inherited by the bot
    try:
        bot = BotProcess(api, tmp_path).start()
    finally:
        os.umask(old_umask)
    with bot:
        assert "Bigo Live" in api.wait_reply(api.send_text(next(_chat_ids), BIGO)).text
        feedback_files = [p for p in tmp_path.iterdir() if p.name.startswith("feedback.db")]
        assert {p.name for p in feedback_files} >= {"feedback.db", "feedback.db-wal"}
        for path in feedback_files:
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path, oct(path.stat().st_mode))
        assert stat.S_IMODE(bot.index_db.stat().st_mode) & 0o007 == 0


def test_two_builds_to_one_index_the_later_started_wins(tmp_path: Path):
    """12.8: the later-started build finished first and was then silently replaced by the slower one."""
    big, small = tmp_path / "big", copy_seed_corpus(tmp_path)
    big.mkdir()
    add_bulk_articles(big, files=1500, seed=3)
    db = tmp_path / "index.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "index", "build", "--workers", "1", "--no-semantic", "--db", str(db)]
    slow = subprocess.Popen(
        [*command, str(big)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".index.db.building-*")):  # the slow build holds the lock and is writing
        assert slow.poll() is None and time.monotonic() < deadline, slow.communicate()
        time.sleep(0.05)
    later = subprocess.run([*command, str(small)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert later.returncode == 0 and "waiting for another build" in later.stderr, later.stderr
    assert slow.wait(180) == 0
    stats = subprocess.run(
        [sys.executable, "-m", "index", "stats", "--db", str(db)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "documents:    2" in stats.stdout, stats.stdout  # the small, later-started corpus


def test_reindex_and_upload_say_what_failed_when_folders_are_not_writable(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.8: /reindex hung on "Reindexing…" and an upload got the generic apology."""
    api = fresh_api
    corpus = copy_seed_corpus(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    bot = BotProcess(
        api,
        tmp_path,
        CORPUS_DIR=str(corpus),
        INDEX_DB=str(data / "index.db"),
        FEEDBACK_DB=str(tmp_path / "feedback.db"),
    )
    bot.command = [*UNPRIVILEGED, sys.executable, "-m", "bot"]
    bot.start()
    try:
        data.chmod(0o555)
        corpus.chmod(0o555)
        text = final_progress(api, admin_says(api, "/reindex"))
        assert text.startswith("❌ Reindex failed: I cannot write the index file") and "Permission denied" in text
        assert "previous index is still serving" in text
        message = upload(api, "baru.txt", "Artikel baru tentang pemblokiran aplikasi oleh pemerintah.\n".encode())
        reply = api.wait_reply(message).text
        assert "could not save the file into the corpus folder" in reply and "Permission denied" in reply
        assert "Bigo Live" in api.wait_reply(api.send_text(next(_chat_ids), BIGO)).text
    finally:
        data.chmod(0o755)
        corpus.chmod(0o755)
        assert bot.stop() == 0


def test_a_reindex_finishes_while_questions_keep_coming(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.8: a reindex in a thread of the bot starved for 20 s under 20 questions/s; it runs in a worker
    process now, so both go on."""
    api = fresh_api
    corpus = copy_seed_corpus(tmp_path)
    add_bulk_articles(corpus, files=400, seed=5)
    with BotProcess(api, tmp_path, CORPUS_DIR=str(corpus)).start() as bot:
        (corpus / "baru.txt").write_text(
            "Artikel baru tentang kuda terbang yang diblokir pemerintah.\n", encoding="utf-8"
        )
        command = admin_says(api, "/reindex")
        asked = []
        deadline = time.monotonic() + 120
        while not [m for m in api.replies_to(command) if m.text.startswith(("✅", "❌"))]:
            assert time.monotonic() < deadline, "the reindex did not finish under load"
            asked += [api.send_text(next(_chat_ids), f"{BIGO} {'?' * (len(asked) % 5)}") for _ in range(4)]
            time.sleep(0.2)
        assert final_progress(api, command).startswith("✅ Reindexed: 403 articles")
        built_by = [line for line in bot.log().splitlines() if "reindex built by worker process" in line]
        assert built_by and f"process {bot.process.pid}:" not in built_by[-1]
        for message in asked:
            assert "Bigo Live" in api.wait_reply(message, timeout=60).text
        assert "kuda terbang" in api.wait_reply(api.send_text(next(_chat_ids), "kuda terbang diblokir")).text


def test_a_long_502_storm_delays_a_reply_but_never_loses_or_repeats_it(fresh_api: FakeBotAPI, tmp_path: Path):
    """12.8: 30× 429 then 30× 502 lost 2 of 300 replies (five quick attempts, then gave up)."""
    api = fresh_api
    with BotProcess(api, tmp_path).start():
        chat = next(_chat_ids)
        api.fail_next("sendMessage", 429, count=1, retry_after=1)
        api.fail_next("sendMessage", 502, count=6)  # more failures than the old five attempts took
        question = api.send_text(chat, BIGO)
        reply = api.wait_reply(question, timeout=90)
        assert "Bigo Live" in reply.text
        time.sleep(1)  # a duplicate would be a retry of a send that had arrived: it comes within a backoff step
        assert len(api.replies_to(question)) == 1
