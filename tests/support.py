"""Shared test data and paths (imported by test modules; conftest.py only holds fixtures)."""
from __future__ import annotations

import sys
from pathlib import Path

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


