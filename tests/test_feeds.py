"""News feeds (issue 17.2): new entries only, conditional GET, state per feed, bad feeds reported — against a real
local news site on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.feeds import FeedError, feed_store_beside, parse_feed, poll_feed, read_feeds_file
from index.fetch import ArticleFetcher
from index.store import IndexReader
from index.web import Fetcher
from newsroom import Newsroom, add_story_pages, atom, rss, sitemap
from support import REPO


def documents(db: Path) -> int:
    reader = IndexReader(db)
    count = reader.meta.documents
    reader.close()
    return count


def test_a_feed_of_50_with_10_new_since_the_last_poll_adds_exactly_the_10(newsroom: Newsroom, corpus_index):
    db, corpus = corpus_index
    urls = add_story_pages(newsroom, range(50))
    newsroom.add("/rss", rss(urls[:40]), "application/rss+xml", ETag='"v1"')
    articles = ArticleFetcher(db, corpus, Fetcher(allow_private=True, pace_seconds=0))
    store = feed_store_beside(db)
    first = poll_feed(newsroom.url("/rss"), articles, store)
    assert first.line() == f"feed {newsroom.url('/rss')}: 40 new entries, 40 added, 0 duplicates, 0 skipped"
    assert documents(db) == 41
    # the feed grows to 50 (newest first, as feeds list them), with a new ETag
    newsroom.add("/rss", rss(list(reversed(urls))), "application/rss+xml", ETag='"v2"')
    second = poll_feed(newsroom.url("/rss"), articles, store)
    assert (second.new_entries, sum(o.added for o in second.outcomes)) == (10, 10)
    assert documents(db) == 51
    fetched_pages = [path for path, _ in newsroom.requests if path.startswith("/berita/")]
    assert len(fetched_pages) == 50  # every page once: old entries are not fetched again
    third = poll_feed(newsroom.url("/rss"), articles, store)
    assert third.not_modified and third.line().endswith("not modified")  # If-None-Match answered 304
    assert newsroom.requests[-1][1].get("If-None-Match") == '"v2"'
    state = store.state(newsroom.url("/rss"))
    assert (state.entries_seen, state.added, state.duplicates, state.skipped, state.last_error) == (50, 50, 0, 0, "")
    assert state.last_success >= state.last_checked > 0
    store.close()
    articles.close()


def test_atom_sitemaps_repeats_and_bad_feeds(newsroom: Newsroom, corpus_index):
    db, corpus = corpus_index
    urls = add_story_pages(newsroom, range(100, 106), outlet="Portal Nusantara")
    newsroom.add("/atom.xml", atom(urls[:3]), "application/atom+xml")
    newsroom.add("/sitemap.xml", sitemap(urls[2:6]), "application/xml")  # urls[2] is also in the Atom feed
    newsroom.add("/repeats.xml", rss([urls[0], urls[0], urls[1]]), "application/rss+xml")
    newsroom.add("/broken.xml", "<rss><channel><item><link>http://x</link></channel></rss>", "application/rss+xml")
    articles = ArticleFetcher(db, corpus, Fetcher(allow_private=True, pace_seconds=0))
    store = feed_store_beside(db)
    assert (
        poll_feed(newsroom.url("/atom.xml"), articles, store)
        .line()
        .endswith("3 new entries, 3 added, 0 duplicates, 0 skipped")
    )
    mapped = poll_feed(newsroom.url("/sitemap.xml"), articles, store)
    assert mapped.line().endswith("4 new entries, 3 added, 1 duplicates, 0 skipped")
    repeats = poll_feed(newsroom.url("/repeats.xml"), articles, store)
    assert repeats.new_entries == 2 and all(o.duplicate_of for o in repeats.outcomes)  # held from the Atom feed
    assert poll_feed(newsroom.url("/repeats.xml"), articles, store).new_entries == 0
    broken = poll_feed(newsroom.url("/broken.xml"), articles, store)
    assert broken.error.startswith("malformed XML") and store.state(newsroom.url("/broken.xml")).last_error
    missing = poll_feed(newsroom.url("/no-feed.xml"), articles, store)
    assert missing.line() == f"feed {newsroom.url('/no-feed.xml')}: HTTP 404"
    page = poll_feed(newsroom.url("/berita/cerita-100"), articles, store)
    assert "not a page of the expected kind (text/html)" in page.error
    assert documents(db) == 1 + 6
    store.close()
    articles.close()


def test_feed_formats_parse():
    assert [e.url for e in parse_feed(rss(["http://a/1", "http://a/2"]).encode())] == ["http://a/1", "http://a/2"]
    assert [e.entry_id for e in parse_feed(atom(["http://a/1"]).encode())] == ["tag:portal.example,2024:0"]
    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><item><link>http://a/3</link></item></rdf:RDF>'
    )
    assert [e.url for e in parse_feed(rdf)] == ["http://a/3"]
    for bad, reason in (
        (b"<html><body>not a feed</body></html>", "not a feed"),
        (b"<sitemapindex><sitemap><loc>http://a/s.xml</loc></sitemap></sitemapindex>", "sitemap index"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss><channel><item><link>&e;</link>', "malformed"),
    ):
        with pytest.raises(FeedError, match=reason):
            parse_feed(bad)


def test_feeds_file_and_the_update_command(newsroom: Newsroom, corpus_index, tmp_path: Path):
    db, corpus = corpus_index
    urls = add_story_pages(newsroom, range(200, 203))
    newsroom.add("/rss", rss(urls), "application/rss+xml")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(
        f"# outlets\n{newsroom.url('/rss')}  # Kabar Tekno\n\n{newsroom.url('/rss')}\n{newsroom.url('/500')}\n"
    )
    assert read_feeds_file(feeds) == [newsroom.url("/rss"), newsroom.url("/500")]
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "SEMANTIC_RERANK": "off",
        "FETCH_PACE_SECONDS": "0",
        "ALLOW_PRIVATE_URLS": "1",
    }
    command = [sys.executable, "-m", "index", "update", "--db", str(db), "--corpus", str(corpus)]
    run = subprocess.run([*command, "--feeds", str(feeds)], env=env, capture_output=True, text=True, timeout=120)
    lines = run.stdout.splitlines()
    assert run.returncode == 1, run  # one feed could not be read
    assert sum(line.startswith("added ") for line in lines) == 3
    assert f"feed {newsroom.url('/rss')}: 3 new entries, 3 added, 0 duplicates, 0 skipped" in lines
    assert f"feed {newsroom.url('/500')}: HTTP 500" in lines
    feeds.write_text(newsroom.url("/rss") + "\n")
    again = subprocess.run([*command, "--feeds", str(feeds)], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stdout.splitlines() == [
        f"feed {newsroom.url('/rss')}: 0 new entries, 0 added, 0 duplicates, 0 skipped"
    ]
    no_feeds = subprocess.run(command, env={**env, "FEEDS_FILE": ""}, capture_output=True, text=True, timeout=60)
    assert no_feeds.returncode == 2 and "--feeds FILE" in no_feeds.stderr
