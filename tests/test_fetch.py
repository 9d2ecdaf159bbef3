"""Articles from links (issue 17.1, 17.3, 17.4, 17.6) against a real local news site on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from index import open_index
from index.fetch import ArticleFetcher
from index.store import IndexReader
from index.web import Fetcher, FetchError
from index.fetch import NEAR_DUPLICATE_RESEMBLANCE
from index.webpage import canonical_url, dateline_date, minhash, resemblance
from newsroom import OTHER_STORY, STORY, Newsroom, standard_site
from support import REPO


def articles(db: Path, corpus: Path, **fetcher_options) -> ArticleFetcher:
    options = {"allow_private": True, "pace_seconds": 0.0} | fetcher_options
    return ArticleFetcher(db, corpus, Fetcher(**options))


def test_a_link_becomes_a_cited_answerable_article(newsroom: Newsroom, corpus_index):
    db, corpus = corpus_index
    urls = standard_site(newsroom)
    fetcher = articles(db, corpus)
    outcome = fetcher.fetch(urls["main"])
    assert outcome.added, outcome
    assert outcome.line() == f"added {outcome.doc_id} (4 paragraphs): Kominfo Denda Zebraungu karena Iklan Judi"
    saved = (corpus / f"{outcome.doc_id}.md").read_text(encoding="utf-8")
    assert saved.startswith("---\ntitle: Kominfo Denda Zebraungu karena Iklan Judi\nsource: Kabar Tekno\n")
    assert "author: Ana Lestari" in saved and "date: '2024-08-21'" in saved and "fetched: " in saved
    assert f"url: {urls['main']}" in saved
    for furniture in ("Baca Juga", "Advertisement", "Bagikan", "Beranda", "Terpopuler", "Harga Cabai"):
        assert furniture not in saved
    with open_index(db, semantic=False) as index:
        answer = index.ask("Kenapa Zebraungu didenda?")
    assert answer.answered and answer.hits[0].doc_id == outcome.doc_id
    citation = answer.hits[0].citation
    assert (citation.title, citation.source, citation.date, citation.url) == (
        "Kominfo Denda Zebraungu karena Iklan Judi",
        "Kabar Tekno",
        "2024-08-21",
        urls["main"],
    )
    fetcher.close()


def test_the_same_story_again_is_a_duplicate_whatever_the_link(newsroom: Newsroom, corpus_index):
    db, corpus = corpus_index
    urls = standard_site(newsroom)
    fetcher = articles(db, corpus)
    first = fetcher.fetch(urls["main"])
    requests_before = len(newsroom.requests)
    for name in ("main", "amp", "utm"):
        outcome = fetcher.fetch(urls[name])
        assert outcome.line() == f"skipped {urls[name]}: duplicate of {first.doc_id}"
    assert len(newsroom.requests) == requests_before  # known links are not even downloaded
    syndicated = fetcher.fetch(urls["syndicated"])
    assert syndicated.duplicate_of == first.doc_id, syndicated
    other = fetcher.fetch(urls["undated"])
    assert other.added, other
    assert len(list(corpus.glob("*.md"))) == 2
    fetcher.close()


def test_an_undated_page_is_dated_from_its_dateline(newsroom: Newsroom, corpus_index):
    db, corpus = corpus_index
    urls = standard_site(newsroom)
    outcome = articles(db, corpus).fetch(urls["undated"])
    assert outcome.added and outcome.article.date == "2024-08-22"
    reader = IndexReader(db)
    [document] = [d for d in reader.documents() if d["doc_id"] == outcome.doc_id]
    reader.close()
    assert document["date"] == "2024-08-22" and document["title"] == "Verifikasi Usia Pengguna Media Sosial"


def test_every_bad_link_gets_its_reason_and_changes_nothing(newsroom: Newsroom, corpus_index, tmp_path: Path):
    db, corpus = corpus_index
    standard_site(newsroom)
    reader = IndexReader(db)
    build_id = reader.meta.build_id
    reader.close()
    closed_port = _closed_port()
    cases = {
        newsroom.url("/tidak-ada"): "HTTP 404",
        newsroom.url("/500"): "HTTP 500",
        newsroom.url("/loop"): "more than 5 redirects",
        newsroom.url("/besar"): "too big",
        newsroom.url("/dokumen.pdf"): "application/pdf",
        newsroom.url("/gambar.png"): "image/png",
        newsroom.url("/tekno"): "no article text",
        newsroom.url("/rahasia/laporan"): "robots.txt disallows it",
        f"http://127.0.0.1:{closed_port}/berita": "cannot connect",
        "file:///etc/passwd": "only http and https",
        "ftp://127.0.0.1/berita.html": "only http and https",
        "http://tidak-ada.invalid/berita": "unknown host",
    }
    fetcher = articles(db, corpus)
    for url, reason in cases.items():
        outcome = fetcher.fetch(url)
        assert outcome.failed and outcome.line().startswith(f"skipped {url}: ") and reason in outcome.line(), outcome
    fetcher.close()
    private = articles(db, corpus, allow_private=False)
    refused = private.fetch(newsroom.url("/berita/zebraungu-didenda").replace("127.0.0.1", "localhost"))
    assert "refused address" in refused.reason and "127.0.0.1" in refused.reason
    private.close()
    reader = IndexReader(db)
    assert reader.meta.build_id == build_id  # nothing changed
    reader.close()
    assert [p.name for p in corpus.iterdir()] == ["000_aa8ebef06fca3b6d.txt"]


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_redirect_to_a_private_address_is_refused_after_the_redirect(newsroom: Newsroom):
    """The address check is made on every hop: a public page may not redirect into the machine's network."""
    standard_site(newsroom)
    web = Fetcher(allow_private=True, pace_seconds=0)
    assert web.page(newsroom.url("/pindah")).url.endswith("/berita/zebraungu-didenda")  # redirects are followed
    web.close()
    strict = Fetcher(allow_private=False, pace_seconds=0)
    with pytest.raises(FetchError, match="refused address"):
        strict.page(newsroom.url("/pindah"))
    strict.close()


def test_a_slow_page_times_out_and_requests_to_one_host_are_paced(newsroom: Newsroom):
    standard_site(newsroom)
    impatient = Fetcher(allow_private=True, pace_seconds=0, timeout=httpx.Timeout(0.5))
    with pytest.raises(FetchError, match="timed out"):
        impatient.page(newsroom.url("/lambat"))
    impatient.close()
    paced = Fetcher(allow_private=True, pace_seconds=0.3)
    started = time.monotonic()
    for _ in range(3):
        paced.page(newsroom.url("/berita/zebraungu-didenda"))
    assert time.monotonic() - started >= 0.6  # robots.txt, then three pages: at least two waits of 0.3 s
    user_agents = {headers.get("User-Agent") for _path, headers in newsroom.requests}
    assert all(agent and agent.startswith("PolicyNewsBot/") for agent in user_agents)
    paced.close()


def test_canonical_urls_and_datelines():
    same = [
        "https://www.kabar.example/berita/zebraungu-didenda/?utm_source=x&utm_campaign=y#komentar",
        "https://m.kabar.example/berita/zebraungu-didenda",
        "https://kabar.example/amp/berita/zebraungu-didenda",
        "https://kabar.example/berita/zebraungu-didenda/amp",
        "https://kabar.example/berita/zebraungu-didenda?page=all",
        "https://kabar.example/berita/zebraungu-didenda?single=1&fbclid=abc",
    ]
    assert {canonical_url(u) for u in same} == {"https://kabar.example/berita/zebraungu-didenda"}
    assert canonical_url("https://kabar.example/read.php?id=12&page=2") == "https://kabar.example/read.php?id=12&page=2"
    assert canonical_url("https://kabar.example/read.php?id=12") != canonical_url(
        "https://kabar.example/read.php?id=13"
    )
    assert dateline_date("Jakarta, Rabu, 21 Agustus 2024 - Kominfo") == "2024-08-21"
    assert dateline_date("JAKARTA, Kamis (22/8/2024) - Pemerintah") == "2024-08-22"
    assert dateline_date("Diperbarui 17/9/2024 14:05 WIB") == "2024-09-17"
    assert dateline_date("Tanpa tanggal di sini, hanya angka 2024") == ""


def test_near_duplicates_are_close_and_other_stories_far():
    original = "\n".join(STORY)
    syndicated = "\n".join(["JAKARTA, KOMPAS - " + STORY[0], *STORY[1:3], "Artikel ini telah tayang di Kabar Tekno."])
    assert resemblance(minhash(original), minhash(syndicated)) >= NEAR_DUPLICATE_RESEMBLANCE
    assert resemblance(minhash(original), minhash("\n".join(OTHER_STORY))) < 0.05


def test_the_command_line_fetches_links(newsroom: Newsroom, tmp_path: Path):
    urls = standard_site(newsroom)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / "000_aa8ebef06fca3b6d.txt", corpus)
    db = tmp_path / "index.db"
    env = {**os.environ, "PYTHONPATH": str(REPO), "SEMANTIC_RERANK": "off", "FETCH_PACE_SECONDS": "0"}
    env.pop("ALLOW_PRIVATE_URLS", None)

    def fetch(*urls: str, private: bool = True) -> subprocess.CompletedProcess:
        extra = {"ALLOW_PRIVATE_URLS": "1"} if private else {}
        return subprocess.run(
            [sys.executable, "-m", "index", "fetch", *urls, "--db", str(db), "--corpus", str(corpus)],
            cwd=tmp_path,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert (
        subprocess.run(
            [sys.executable, "-m", "index", "build", str(corpus), "--db", str(db)], env=env, capture_output=True
        ).returncode
        == 0
    )
    added = fetch(urls["main"], urls["amp"])
    assert added.returncode == 0, added.stderr
    first, second = added.stdout.splitlines()
    assert first.startswith("added kominfo-denda-zebraungu-karena-iklan-judi-") and first.endswith(
        "(4 paragraphs): Kominfo Denda Zebraungu karena Iklan Judi"
    )
    doc_id = first.split()[1]
    assert second == f"skipped {urls['amp']}: duplicate of {doc_id}"
    mixed = fetch(urls["utm"], newsroom.url("/500"))
    assert mixed.returncode == 1
    assert mixed.stdout.splitlines() == [
        f"skipped {urls['utm']}: duplicate of {doc_id}",
        f"skipped {newsroom.url('/500')}: HTTP 500",
    ]
    refused = fetch(urls["undated"], private=False)
    assert refused.returncode == 1 and "refused address" in refused.stdout
    assert fetch().returncode == 2  # no URL: bad usage


def test_an_article_id_is_a_plain_file_name_whatever_the_title():
    from index.webpage import WebArticle, article_doc_id

    for title in ("../../etc/passwd", "/root/.ssh", "Judul\x00aneh <script>", "", "…", "A" * 500):
        doc_id = article_doc_id(WebArticle("https://kabar.example/x", title, "", "", "", "id", ("isi",)))
        assert doc_id and "/" not in doc_id and not doc_id.startswith(".") and len(doc_id) <= 80
        assert all(ch.isalnum() or ch == "-" for ch in doc_id)


def test_the_registry_follows_the_index_between_fetches(newsroom: Newsroom, corpus_index):
    """What is held is read from the index: an article removed since (here with the command line's function) can
    be fetched again, and one added from a file is a duplicate of its copy on the web."""
    from index.store import add_documents, remove_documents

    db, corpus = corpus_index
    urls = standard_site(newsroom)
    fetcher = articles(db, corpus)
    first = fetcher.fetch(urls["main"])
    assert first.added and fetcher.fetch(urls["amp"]).duplicate_of == first.doc_id
    remove_documents([first.doc_id], db, corpus_dir=corpus)
    again = fetcher.fetch(urls["main"])
    assert again.added and again.doc_id == first.doc_id, again
    copy = corpus.parent / "salinan.md"
    copy.write_text(
        "---\ntitle: Salinan\nurl: " + urls["undated"] + "?utm_source=x\n---\n" + "\n\n".join(OTHER_STORY) + "\n",
        encoding="utf-8",
    )
    add_documents([copy], db)
    assert fetcher.fetch(urls["undated"]).duplicate_of == "salinan"
    fetcher.close()
