"""Admins: /reindex with atomic swap, uploads, /stats — the real process through the local Bot API."""

from __future__ import annotations

import itertools
import signal
import sqlite3
from pathlib import Path

import pytest

from fakebotapi import FakeBotAPI

from .conftest import ADMIN_ID, BotProcess, add_bulk_articles, admin_says, copy_seed_corpus, final_progress, upload

_chat_ids = itertools.count(20_001)


@pytest.fixture
def own_bot(fresh_api: FakeBotAPI, tmp_path: Path):
    corpus = copy_seed_corpus(tmp_path)
    process = BotProcess(fresh_api, tmp_path, CORPUS_DIR=str(corpus)).start()
    yield fresh_api, process, corpus
    process.stop()


def test_reindex_edits_one_progress_message_and_swaps_the_index(own_bot):
    api, process, corpus = own_bot
    (corpus / "baru.md").write_text(
        "---\ntitle: Artikel Baru\nsource: Contoh\n---\nKominfo menjatuhkan denda kepada platform zebra ungu.\n",
        encoding="utf-8",
    )
    (corpus / "rusak.txt").write_bytes(b"\x00\x01binary")
    command = admin_says(api, "/reindex")
    text = final_progress(api, command)
    assert text.startswith("✅ Reindexed: 3 articles")
    assert "rusak.txt: binary file" in text
    assert len(api.replies_to(command)) == 1  # one message, edited, not a stream of messages
    question = api.send_text(next(_chat_ids), "denda platform zebra ungu")
    assert "Artikel Baru" in api.wait_reply(question).text


def test_questions_keep_being_answered_during_a_reindex_and_two_reindexes_do_not_run(own_bot):
    api, process, corpus = own_bot
    add_bulk_articles(corpus, files=800)
    first = admin_says(api, "/reindex")
    api.wait_for(lambda: api.replies_to(first))
    second = admin_says(api, "/reindex")
    assert "already running" in api.wait_reply(second).text
    questions = []
    while not any(m.text.startswith(("✅", "❌")) for m in api.replies_to(first)):
        questions.append(api.send_text(next(_chat_ids), "Kenapa Bigo Live diancam diblokir?"))
        api.wait_reply(questions[-1], timeout=30)
        if len(questions) > 400:
            break
    assert final_progress(api, first).startswith("✅ Reindexed: 802 articles")
    assert len(questions) >= 2, "the reindex was too quick to overlap with questions"
    for question in questions:
        [reply] = api.replies_to(question)
        assert "Bigo Live" in reply.text  # every answer from a complete index, old or new
    edits = [e for e in api.edits if e.message_id == api.replies_to(first)[0].message_id]
    assert any("so far" in e.text for e in edits) or len(questions) < 3


def test_failed_build_keeps_the_old_index_and_names_the_bad_files(own_bot):
    api, process, corpus = own_bot
    for path in corpus.iterdir():
        path.unlink()
    (corpus / "kosong.txt").write_text("", encoding="utf-8")
    (corpus / "gambar.txt").write_bytes(b"\x89PNG\x00\x00binary")
    command = admin_says(api, "/reindex")
    text = final_progress(api, command)
    assert text.startswith("❌ Reindex failed: no paragraphs to index")
    assert "kosong.txt: empty file" in text and "gambar.txt: binary file" in text
    question = api.send_text(next(_chat_ids), "Kenapa Bigo Live diancam diblokir?")
    assert "Bigo Live" in api.wait_reply(question).text


def test_killed_during_reindex_the_previous_index_serves_after_restart(own_bot):
    api, process, corpus = own_bot
    add_bulk_articles(corpus, files=500, seed=11)  # enough that a build outlasts the kill by far (~1 s)
    # the corpus changed, so make the running bot's index current again first: restart builds it
    process.stop()
    process.start()
    before = process.index_db.read_bytes()
    command = admin_says(api, "/reindex")
    api.wait_for(lambda: api.replies_to(command))  # sent just before the build starts
    process.stop(signal.SIGKILL)
    assert process.index_db.read_bytes() == before
    process.start()
    assert not list(process.index_db.parent.glob(".index.db.building-*"))  # the half-written file is gone
    question = api.send_text(next(_chat_ids), "Kenapa Bigo Live diancam diblokir?")
    assert "Bigo Live" in api.wait_reply(question).text
    assert process.index_db.read_bytes() == before  # the same corpus: nothing was rebuilt


def test_uploads(own_bot):
    api, process, corpus = own_bot
    article = "Kominfo memberi sanksi kepada aplikasi kuda terbang karena konten judi online.\n".encode()
    good = upload(api, "kuda-terbang.txt", article)
    assert "Saved as kuda-terbang.txt" in api.wait_reply(good).text
    assert final_progress(api, good).startswith("✅ Reindexed: 3 articles")
    question = api.send_text(next(_chat_ids), "sanksi aplikasi kuda terbang")
    assert "kuda terbang" in api.wait_reply(question).text

    duplicate = upload(api, "kuda-terbang.txt", "Versi kedua tentang kuda terbang dan sanksi Kominfo.\n".encode())
    reply = api.wait_reply(duplicate).text
    assert "Saved as kuda-terbang-2.txt" in reply and "did not overwrite" in reply
    assert (corpus / "kuda-terbang.txt").read_bytes() == article
    final_progress(api, duplicate)

    sneaky = upload(api, "../../etc/passwd.txt", "Artikel dengan nama berbahaya tentang pemblokiran situs.\n".encode())
    assert "Saved as passwd.txt" in api.wait_reply(sneaky).text
    assert (corpus / "passwd.txt").is_file() and not (corpus.parent.parent / "etc").exists()
    final_progress(api, sneaky)

    wrong = upload(api, "laporan.pdf", b"%PDF-1.4")
    assert "only add .txt, .md or .html" in api.wait_reply(wrong).text
    big = upload(api, "besar.txt", b"x" * 10, size=3 * 1024 * 1024)
    assert "limit is 2 MB" in api.wait_reply(big).text
    assert not (corpus / "laporan.pdf").exists() and not (corpus / "besar.txt").exists()


def test_non_admins_are_refused_everything(api: FakeBotAPI, bot: BotProcess):
    user = next(_chat_ids)
    for command in ("/reindex", "/stats"):
        message = api.send_text(user, command, user_id=user)
        assert "only the bot's admins" in api.wait_reply(message).text
    document = upload(api, "artikel.txt", b"Isi artikel yang cukup panjang untuk diindeks.", user_id=user)
    assert "Only the bot's admins can add articles" in api.wait_reply(document).text
    assert not (Path(bot.env["CORPUS_DIR"]) / "artikel.txt").exists()


def test_stats_survive_restart_and_reindex(own_bot):
    api, process, corpus = own_bot
    chat = next(_chat_ids)
    answered = api.send_text(chat, "Kenapa Bigo Live diancam diblokir?", user_id=chat)
    reply = api.wait_reply(answered)
    for _ in range(2):
        api.wait_reply(api.send_text(chat, "Siapa juara Piala Dunia 1998?", user_id=chat))
    up = next(b["callback_data"] for row in reply.reply_markup["inline_keyboard"] for b in row if b["text"] == "👍")
    api.press(chat, reply.message_id, reply.text, up, "up")
    api.wait_for(lambda: [a for a in api.callback_answers if a["callback_query_id"] == "up"])
    final_progress(api, admin_says(api, "/reindex"))
    process.stop()
    process.start()
    admin_says(api, "/stats")
    text = api.wait_for(lambda: [m for m in api.messages_in(ADMIN_ID) if m.text.startswith("Usage")])[0].text
    assert "Questions asked: 3" in text and "Answered: 1 (33%)" in text and "👍 1 · 👎 0" in text
    assert "Siapa juara Piala Dunia 1998? (2×)" in text
    with sqlite3.connect(process.feedback_db) as db:
        assert db.execute("SELECT count(*) FROM questions").fetchone() == (3,)


def test_an_indonesian_admin_is_answered_in_indonesian(api: FakeBotAPI, bot: BotProcess):
    """Issue 14.5: every text the bot writes follows the user's language, the admins' too."""
    api.send_text(ADMIN_ID, "/stats", user_id=ADMIN_ID, language_code="id")
    text = api.wait_for(lambda: [m for m in api.messages_in(ADMIN_ID) if m.text.startswith("Penggunaan")])[0].text
    assert "Pertanyaan: " in text and "Terjawab: " in text and "Questions asked" not in text
    wrong = upload(api, "laporan.pdf", b"%PDF-1.4", language_code="id")
    assert "Saya hanya bisa menambahkan artikel .txt, .md, atau .html" in api.wait_reply(wrong).text
