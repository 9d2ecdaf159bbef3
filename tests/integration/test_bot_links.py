"""Issue 17.5 against the real bot: an admin's link is fetched from a local news site, added without a rebuild and
answered from with a full citation; its AMP copy is a duplicate; /remove takes it out of the index and the corpus;
everyone else's links are questions."""

from __future__ import annotations

import time
from pathlib import Path


from fakebotapi import FakeBotAPI
from newsroom import Newsroom, standard_site

from .conftest import BotProcess, admin_says, copy_seed_corpus


def reply_starting(api: FakeBotAPI, message: dict, *prefixes: str, timeout: float = 60) -> str:
    def found():
        return next((m.text for m in api.replies_to(message) if m.text.startswith(prefixes)), None)

    return api.wait_for(found, timeout)


def test_an_admin_link_is_answerable_seconds_later_and_removable(
    fresh_api: FakeBotAPI, newsroom: Newsroom, tmp_path: Path
):
    api = fresh_api
    urls = standard_site(newsroom)
    corpus = copy_seed_corpus(tmp_path)
    env = {"CORPUS_DIR": str(corpus), "ALLOW_PRIVATE_URLS": "1", "FETCH_PACE_SECONDS": "0"}
    with BotProcess(api, tmp_path, **env).start():
        link = admin_says(api, urls["main"])
        added = reply_starting(api, link, "✅", "❌")
        added_at = time.monotonic()
        assert added.startswith("✅ Added Kominfo Denda Zebraungu karena Iklan Judi"), added
        assert "Kabar Tekno · 2024-08-21" in added and "4 paragraphs" in added
        doc_id = added.split("id ", 1)[1].split()[0]
        assert (corpus / f"{doc_id}.md").is_file()
        question = api.send_text(5101, "Kenapa Zebraungu didenda?")
        answer = api.wait_reply(question)
        answered_after = time.monotonic() - added_at
        assert "Zebraungu" in answer.text.split("\n")[0]
        assert "Kabar Tekno" in answer.text and "Kominfo Denda Zebraungu karena Iklan Judi" in answer.text
        assert "2024-08-21" in answer.text
        print(f"answered {answered_after:.2f} s after 'added'")
        amp = admin_says(api, f"/add {urls['amp']}")
        assert f"Already in the index as {doc_id}" in reply_starting(api, amp, "Already")
        usage = admin_says(api, "/add")
        assert "/add" in api.wait_reply(usage).text
        # someone else's link is a question, and /add or /remove are refused
        stranger = api.send_text(5102, urls["syndicated"], user_id=5102)
        assert not api.wait_reply(stranger).text.startswith(("⏳", "✅"))
        refused = api.send_text(5103, f"/remove {doc_id}", user_id=5103)
        assert "only the bot's admins" in api.wait_reply(refused).text
        removal = admin_says(api, f"/remove {doc_id} tidak-ada")
        removed = api.wait_reply(removal).text
        assert f"Removed {doc_id} (4 paragraphs)" in removed and f"its file {doc_id}.md" in removed
        assert "The index has no article tidak-ada" in removed
        assert not (corpus / f"{doc_id}.md").exists()
        again = api.send_text(5104, "Kenapa Zebraungu didenda?")
        assert "Kabar Tekno" not in api.wait_reply(again).text
        broken = admin_says(api, newsroom.url("/500"))
        assert reply_starting(api, broken, "❌") == "❌ Not added: HTTP 500."
        many = admin_says(api, "/remove " + " ".join("x" * 150 + str(n) for n in range(40)))
        reply = api.wait_reply(many).text
        assert reply.count("The index has no article") == 20 and len(reply) <= 4096 and not api.rejected
        long_link = admin_says(api, newsroom.url("/" + "p" * 3000))
        assert reply_starting(api, long_link, "❌").startswith("❌ Not added: HTTP 404")


def test_the_bot_polls_its_feeds_and_shows_admins_their_state(
    fresh_api: FakeBotAPI, newsroom: Newsroom, tmp_path: Path
):
    from newsroom import add_story_pages, generated_story, rss

    api = fresh_api
    urls = add_story_pages(newsroom, range(300, 303))
    newsroom.add("/rss", rss(urls), "application/rss+xml")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# one outlet\n{newsroom.url('/rss')}\n{newsroom.url('/hilang.xml')}\n", encoding="utf-8")
    corpus = copy_seed_corpus(tmp_path)
    env = {
        "CORPUS_DIR": str(corpus),
        "ALLOW_PRIVATE_URLS": "1",
        "FETCH_PACE_SECONDS": "0",
        "FEEDS_FILE": str(feeds),
        "FEED_INTERVAL": "0.02",  # minutes: a poll about every second
    }
    with BotProcess(api, tmp_path, **env).start() as bot:
        # the poll's report is logged once its articles are in the index (each file is saved just before)
        api.wait_for(lambda: "3 new entries, 3 added" in bot.log(), timeout=60)
        assert len(list(corpus.glob("berita-302-*.md"))) == 1
        title, paragraphs = generated_story(302)
        question = api.send_text(5201, paragraphs[1][:80])
        assert title in api.wait_reply(question).text
        sources = admin_says(api, "/sources")
        listing = api.wait_for(lambda: [m.text for m in api.messages_in(sources["chat"]["id"]) if "Feeds" in m.text])
        text = listing[-1]
        assert "Kabar Tekno (3)" in text and "Liputan6.com" in text
        assert f"{newsroom.url('/rss')}: last success" in text and "3 added, 0 duplicates, 0 skipped" in text
        assert f"{newsroom.url('/hilang.xml')}: ⚠️ last error" in text and "HTTP 404" in text
        api.send_text(5202, "/sources", user_id=5202)
        public = api.wait_for(lambda: api.messages_in(5202))[0].text
        assert "articles indexed" in public and "Feeds" not in public and "By outlet" not in public
    assert "polling the feeds" in bot.log()
