"""Shared test data and paths (imported by test modules; conftest.py only holds fixtures)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from rank_bm25 import BM25Okapi

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# A news page as copied from a site: dateline, related-link block, ads, share lines, section headings.
MESSY_ARTICLE = """\
---
title: Kominfo Tegur Platform Streaming soal Judi Online
source: Contoh News
date: 2024-08-22
url: https://contoh.example/kominfo-tegur
lang: id
---
Bagikan:
Contoh.com, Jakarta - Kementerian Komunikasi dan Informatika mengirim surat teguran kepada platform streaming \
StreamKita karena ditemukan ribuan akun yang menayangkan judi online.
Baca Juga
Harga Cabai Naik Jelang Lebaran di Pasar Induk
Timnas Menang Tipis atas Vietnam di Laga Kedua
Advertisement
Menteri mengatakan pemblokiran aplikasi bisa dilakukan apabila perusahaan tidak menghapus konten tersebut \
dalam tujuh hari.
Scroll to continue with content
Langkah Perusahaan
StreamKita menyatakan telah menghapus 40.000 konten dan menutup akun @streamkita_bantuan yang disalahgunakan.
Perusahaan juga membuka layanan pengaduan 24/7 di laman StreamKita.info untuk pengguna.
Baca juga: Lima Aplikasi Diblokir Sepanjang Tahun Ini
Share this article
Menteri mengatakan pemblokiran aplikasi bisa dilakukan apabila perusahaan tidak menghapus konten tersebut \
dalam tujuh hari.
"""

# Blank-line style with prose hard-wrapped over several lines, no front matter.
WRAPPED_ARTICLE = """\
SURABAYA - Pemerintah kota meresmikan taman baca baru di pusat kota yang dilengkapi
dengan ruang diskusi untuk pelajar dan mahasiswa.

Taman baca itu dibuka setiap hari dan menyediakan lebih dari dua ribu judul buku
cerita anak.

Tonton juga video pilihan di bawah ini:

Wali kota berharap taman baca mendorong minat membaca di kalangan remaja.
"""


def write_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    (corpus / "nested").mkdir(parents=True)
    (corpus / "kominfo-tegur.md").write_text(MESSY_ARTICLE, encoding="utf-8")
    (corpus / "nested" / "taman-baca.txt").write_text(WRAPPED_ARTICLE, encoding="utf-8")
    (corpus / "notes.csv").write_text("ignored,because,not,a,corpus,type\n", encoding="utf-8")
    return corpus


def index_of_files(root: Path, files: dict[str, str]) -> Path:
    """An index built from `files` (file name → text) written into root/corpus; the index file's path."""
    from index.store import build_index

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    db = root / "index.db"
    build_index([corpus], db)
    return db


def billion_laughs(depth: int) -> str:
    """YAML front matter whose aliases expand to 10**depth copies of "lol" (402 bytes at depth 8)."""
    lines = ['a0: &a0 "lol"']
    for level in range(1, depth + 1):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 10) + "]")
    lines.append(f"title: *a{depth}")
    return (
        "---\n"
        + "\n".join(lines)
        + "\n---\nIsi artikel yang cukup panjang untuk menjadi paragraf yang diindeks oleh mesin ini.\n"
    )


def write_hostile_corpus(corpus: Path) -> dict[str, str]:
    """Files that once stopped a whole build, beside the repository's good articles.
    Also writes bulk.jsonl beside the folder (a bulk source is named on its own, not found in a folder).
    Returns {file name: a word of the problem each must be reported with}."""
    import os
    import shutil

    corpus.mkdir(parents=True, exist_ok=True)
    for article in (REPO / "corpus").iterdir():
        shutil.copy(article, corpus / article.name)
    nested = (
        "---\ntitle: "
        + "[" * 500
        + "]" * 500
        + "\n---\nIsi artikel yang cukup panjang untuk diindeks oleh mesin pencari ini.\n"
    )
    (corpus / "nested.md").write_text(nested, encoding="utf-8")
    (corpus / "laughs8.md").write_text(billion_laughs(8), encoding="utf-8")
    (corpus / "laughs9.md").write_text(billion_laughs(9), encoding="utf-8")
    (corpus.parent / "bulk.jsonl").write_text(
        '{"id": "good-1", "text": "Paragraf baik pertama tentang pemblokiran aplikasi streaming oleh kementerian."}\n'
        '{"id": "bad-1", "text": "Emoji rusak \\ud83d di tengah teks tentang aplikasi yang diblokir."}\n'
        '{"id": "good-2", "text": "Paragraf baik kedua tentang denda yang dijatuhkan kepada platform video pendek."}\n',
        encoding="utf-8",
    )
    os.symlink("/etc/passwd", corpus / "passwd.txt")
    os.symlink(corpus / "missing.txt", corpus / "dangling.txt")
    os.symlink(corpus / "loop-b.txt", corpus / "loop-a.txt")
    os.symlink(corpus / "loop-a.txt", corpus / "loop-b.txt")
    os.symlink("/etc", corpus / "etc-folder")
    os.mkfifo(corpus / "pipe.txt")
    return {
        "nested.md": "nested",
        "laughs8.md": "alias",
        "laughs9.md": "alias",
        "../bulk.jsonl:2": "surrogate",
        "passwd.txt": "outside",
        "dangling.txt": "dangling",
        "loop-a.txt": "loop",
        "loop-b.txt": "loop",
        "etc-folder": "folder",
        "pipe.txt": "not a regular file",
    }


# The scoring oracle the engine and the answer service are held to (tests/test_bm25.py, test_search.py, …).
class LuceneIdfBM25Okapi(BM25Okapi):
    """The oracle: rank-bm25's scoring loop with idf = ln(1 + (N - n + 0.5) / (n + 0.5))."""

    def _calc_idf(self, nd):
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def oracle_coverage(corpus: list[list[str]], query: list[str]) -> list[float]:
    """Per paragraph, the share of the query's IDF weight (a word counted as often as it is asked) whose
    words the paragraph holds, straight from the token lists."""
    n = len(corpus)
    idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t in set(query) for df in [sum(t in d for d in corpus)]}
    total = sum(idf[t] for t in query)
    return [sum(idf[t] for t in query if t in doc) / total for doc in corpus]
