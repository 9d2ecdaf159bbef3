"""Shared fixtures: a small messy corpus written to tmp_path and an index built from it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.store import build_index  # noqa: E402

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
Contoh.com, Jakarta - Kementerian Komunikasi dan Informatika mengirim surat teguran kepada platform streaming StreamKita karena ditemukan ribuan akun yang menayangkan judi online.
Baca Juga
Harga Cabai Naik Jelang Lebaran di Pasar Induk
Timnas Menang Tipis atas Vietnam di Laga Kedua
Advertisement
Menteri mengatakan pemblokiran aplikasi bisa dilakukan apabila perusahaan tidak menghapus konten tersebut dalam tujuh hari.
Scroll to continue with content
Langkah Perusahaan
StreamKita menyatakan telah menghapus 40.000 konten dan menutup akun @streamkita_bantuan yang disalahgunakan.
Perusahaan juga membuka layanan pengaduan 24/7 di laman StreamKita.info untuk pengguna.
Baca juga: Lima Aplikasi Diblokir Sepanjang Tahun Ini
Share this article
Menteri mengatakan pemblokiran aplikasi bisa dilakukan apabila perusahaan tidak menghapus konten tersebut dalam tujuh hari.
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


@pytest.fixture
def messy_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path)


@pytest.fixture
def messy_index(tmp_path: Path, messy_corpus: Path) -> Path:
    db = tmp_path / "index.db"
    build_index([messy_corpus], db)
    return db


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own corpus/ (the seed articles), indexed once per test session."""
    db = tmp_path_factory.mktemp("seed") / "index.db"
    build_index([REPO / "corpus"], db)
    return db


@pytest.fixture
def env_without_token(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["PYTHONPATH"] = str(REPO)
    return env
