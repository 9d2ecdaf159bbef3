import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.ingest import (
    Document,
    SourceProblem,
    clean_line,
    has_lone_surrogate,
    paragraph_key,
    paragraph_key_reference,
    looks_like_headline,
    paragraphs_from_text,
    split_front_matter,
)
from index.sources import read_sources

from support import MESSY_ARTICLE, WRAPPED_ARTICLE

BOILERPLATE = ("Baca Juga", "Baca juga", "Advertisement", "Bagikan", "Share this", "Scroll to continue", "Tonton juga")
RELATED_HEADLINES = ("Harga Cabai", "Timnas Menang", "Lima Aplikasi Diblokir")


def _texts(paragraphs):
    return [p.text for p in paragraphs]


def test_messy_article_loses_all_boilerplate_and_related_headlines():
    _, body = split_front_matter(MESSY_ARTICLE)
    paragraphs = paragraphs_from_text(body)
    joined = "\n".join(_texts(paragraphs) + [p.heading or "" for p in paragraphs])
    for furniture in BOILERPLATE + RELATED_HEADLINES:
        assert furniture not in joined
    assert len(paragraphs) == 4  # the repeated paragraph at the end is kept once


def test_headline_like_line_becomes_heading_of_following_paragraphs():
    _, body = split_front_matter(MESSY_ARTICLE)
    paragraphs = paragraphs_from_text(body)
    assert [p.heading for p in paragraphs] == [None, None, "Langkah Perusahaan", "Langkah Perusahaan"]
    assert [p.position for p in paragraphs] == [0, 1, 2, 3]


def test_wrapped_prose_is_joined_and_blank_lines_separate_paragraphs():
    paragraphs = paragraphs_from_text(WRAPPED_ARTICLE)
    assert _texts(paragraphs) == [
        "SURABAYA - Pemerintah kota meresmikan taman baca baru di pusat kota yang dilengkapi dengan ruang diskusi "
        "untuk pelajar dan mahasiswa.",
        "Taman baca itu dibuka setiap hari dan menyediakan lebih dari dua ribu judul buku cerita anak.",
        "Wali kota berharap taman baca mendorong minat membaca di kalangan remaja.",
    ]


def test_related_block_in_blank_line_style_and_unmarked_link_runs_are_dropped():
    body = (
        "Paragraf pertama berisi berita utama yang cukup panjang.\n\n"
        "Berita Terkait\n\n"
        "Judul Berita Lain yang Tidak Ada Hubungannya\n\n"
        "Judul Berita Kedua Juga Tidak Relevan\n\n"
        "Paragraf kedua melanjutkan berita utama dengan rincian.\n\n"
        "Tautan Pertama Menuju Artikel Lain\n"
        "Tautan Kedua Menuju Artikel Lain\n"
    )
    assert _texts(paragraphs_from_text(body)) == [
        "Paragraf pertama berisi berita utama yang cukup panjang.",
        "Paragraf kedua melanjutkan berita utama dengan rincian.",
    ]


def test_headline_detection():
    assert looks_like_headline("Menkominfo Ancam Blokir Bigo Live Terkait Judi Online dan Pornografi")
    assert not looks_like_headline("Kominfo mengirim surat teguran kedua pada Rabu.")
    assert not looks_like_headline("Mudah-mudahan kempo masuk SEA Games, kata Rita. (SAH)")  # a sentence inside
    assert not looks_like_headline("JAKARTA -")


def test_identical_paragraphs_are_kept_once_ignoring_spacing_and_case():
    body = "Kominfo memblokir situs judi online hari ini.\nKOMINFO  memblokir situs judi online hari ini.\n"
    assert len(paragraphs_from_text(body)) == 1


def test_front_matter_fields_and_fallbacks(tmp_path: Path):
    (tmp_path / "a.md").write_text(MESSY_ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Liputan6.com, Jakarta - Bigo Live bertemu Menteri Kominfo. Isinya panjang.\n", encoding="utf-8"
    )
    docs = {d.meta.doc_id: d for d in read_sources([tmp_path])}
    assert docs["a"].meta.title == "Kominfo Tegur Platform Streaming soal Judi Online"
    assert docs["a"].meta.date == "2024-08-22"
    assert docs["a"].meta.url == "https://contoh.example/kominfo-tegur"
    # no front matter: outlet from the dateline, nothing invented (no title made of the lead)
    assert docs["b"].meta.title == ""
    assert docs["b"].meta.source == "Liputan6.com"
    assert docs["b"].meta.url == "" and docs["b"].meta.date == ""


def test_directory_is_read_recursively_and_ignores_other_types(messy_corpus: Path):
    items = list(read_sources([messy_corpus]))
    assert sorted(d.meta.doc_id for d in items if isinstance(d, Document)) == ["kominfo-tegur", "taman-baca"]
    assert not [p for p in items if isinstance(p, SourceProblem)]


def test_html_goes_through_main_text_extraction(tmp_path: Path):
    paragraph = (
        "Kementerian Kominfo memblokir sebuah aplikasi streaming karena konten judi online yang terus beredar "
        "di platform itu."
    )
    html = f"""<html><head><title>Kominfo Blokir Aplikasi</title></head><body>
    <nav><a href="/">Beranda</a> <a href="/tekno">Tekno</a> <a href="/bola">Bola</a></nav>
    <article><h1>Kominfo Blokir Aplikasi</h1><p>{paragraph}</p>
    <p>Pemblokiran dilakukan setelah perusahaan tidak menanggapi dua surat teguran yang dikirim pemerintah
    bulan lalu.</p></article>
    <footer>Copyright 2024 Contoh Media. All rights reserved.</footer></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    [doc] = list(read_sources([tmp_path]))
    assert isinstance(doc, Document)
    texts = _texts(doc.paragraphs)
    assert paragraph in texts
    assert not any("Beranda" in t or "Copyright" in t for t in texts)
    assert doc.meta.title == "Kominfo Blokir Aplikasi"


def _problems(items):
    return [str(p) for p in items if isinstance(p, SourceProblem)]


def test_bad_files_each_get_one_clear_problem_and_the_rest_is_read(tmp_path: Path):
    (tmp_path / "good.txt").write_text("Kominfo memblokir situs judi online pada hari Senin.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin1.txt").write_bytes("Kominfo memblokir situs caf\xe9 judi.".encode("latin-1"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("   \n\n  \n", encoding="utf-8")
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse)
    (tmp_path / "only-ads.txt").write_text("Advertisement\nBagikan:\n", encoding="utf-8")
    (tmp_path / "bad-front.md").write_text(
        "---\ntitle: [unclosed\n---\nIsi berita yang cukup panjang.\n", encoding="utf-8"
    )
    items = list(read_sources([tmp_path]))
    problems = _problems(items)
    assert [d.meta.doc_id for d in items if isinstance(d, Document)] == ["good"]
    assert len(problems) == 7
    by_file = {Path(p.split(":")[0]).name: p for p in problems}
    assert "binary file" in by_file["binary.txt"]
    assert "not valid UTF-8" in by_file["latin1.txt"]
    assert "empty file" in by_file["empty.txt"] and "empty file" in by_file["blank.md"]
    assert "too large" in by_file["huge.txt"]
    assert "no paragraphs" in by_file["only-ads.txt"]
    assert "bad-front.md" in by_file


def test_jsonl_bad_lines_missing_fields_and_duplicate_ids(tmp_path: Path):
    lines = [
        json.dumps(
            {
                "id": "a",
                "text": "Kominfo memblokir situs judi online pada hari Senin.",
                "source": "X",
                "url": "https://x.example/a",
            }
        ),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"text": "Tanpa id tetapi ada teksnya di sini."}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "a", "text": "Duplikat id dengan teks lain yang panjang."}),
        json.dumps({"id": 7, "text": "Id angka juga diterima sebagai teks id."}),
    ]
    path = tmp_path / "bulk.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_sources([path]))
    docs = [d for d in items if isinstance(d, Document)]
    assert [d.meta.doc_id for d in docs] == ["a", "7"]
    assert docs[0].meta.source == "X" and docs[0].meta.url == "https://x.example/a"
    problems = _problems(items)
    assert problems[0].startswith(f"{path}:2: not a JSON object")
    assert problems[1] == f"{path}:3: missing 'text'"
    assert problems[2] == f"{path}:4: missing 'id'"
    assert problems[3] == f"{path}:5: not a JSON object"
    assert problems[4] == f"{path}:7: duplicate id 'a' (first seen at {path}:1); skipped"


def test_jsonl_invalid_utf8_line_is_reported_not_fatal(tmp_path: Path):
    path = tmp_path / "bulk.jsonl"
    path.write_bytes(
        b'{"id": "x", "text": "caf\xe9"}\n'
        + json.dumps({"id": "y", "text": "Baris yang baik dan cukup panjang."}).encode()
        + b"\n"
    )
    items = list(read_sources([path]))
    assert [d.meta.doc_id for d in items if isinstance(d, Document)] == ["y"]
    assert "not valid UTF-8" in _problems(items)[0] and ":1:" in _problems(items)[0]


@pytest.mark.parametrize("unit_bytes", [1, 7, 64, 200])
def test_jsonl_cut_into_units_of_any_size_reads_the_same_lines(tmp_path: Path, monkeypatch, unit_bytes: int):
    """Units are blocks of whole lines: wherever the blocks fall, the same documents and the same line numbers
    (a line longer than a block, CRLF endings, a lone CR inside a line, blank lines, no final newline)."""
    import index.sources as sources

    record = {"id": "a", "text": "Kominfo memblokir situs judi online pada hari Senin di Jakarta."}
    long_text = "Sebuah paragraf yang sangat panjang tentang kebijakan platform digital. " * 12
    raw = b"".join(
        [
            json.dumps(record).encode() + b"\r\n",
            b"{not json\n",
            b"\n",
            json.dumps({"id": "long", "text": long_text}).encode() + b"\n",
            b'{"id": "cr",\r "text": "Baris dengan CR di tengah yang tetap satu baris."}\n',
            b"[1, 2]\n",
            json.dumps({"id": "last", "text": "Baris terakhir tanpa akhir baris sama sekali."}).encode(),
        ]
    )
    path = tmp_path / "bulk.jsonl"
    path.write_bytes(raw)
    monkeypatch.setattr(sources, "JSONL_BYTES_PER_UNIT", unit_bytes)
    units = list(sources.work_units([path]))
    items = list(read_sources([path]))
    assert [d.meta.doc_id for d in items if isinstance(d, Document)] == ["a", "long", "cr", "last"]
    assert [d.meta.origin for d in items if isinstance(d, Document)] == [f"{path}:{n}" for n in (1, 4, 5, 7)]
    assert [p.split(": ")[0] for p in _problems(items)] == [f"{path}:2", f"{path}:6"]
    assert b"".join(unit[3] for unit in units) == raw  # every byte in exactly one unit, in order
    if unit_bytes < len(raw) // 2:
        assert len(units) > 2


def test_single_long_line_fast_path_equals_the_general_rules():
    from index.ingest import MAX_FURNITURE_CHARS, default_rules

    samples = [
        "Kominfo memblokir situs judi online pada hari Senin. " * 8,
        "  Baca juga: " + "judul berita lain yang sangat panjang " * 10,
        "Advertisement " + "kalimat " * 60,
        "JUDUL BESAR TANPA TITIK " * 15,
    ]
    for text in samples:
        assert len(text) > MAX_FURNITURE_CHARS
        fast = paragraphs_from_text(text)
        # the general path, forced by a trailing newline (which changes nothing else)
        general = paragraphs_from_text(text + "\n", default_rules())
        assert fast == general


# ASCII with every kind of separator str.split knows (\x1c-\x1f too), punctuation and capitals; and printable
# ASCII alone, with runs of spaces (the lines clean_line may return as they are)
_ASCII_TEXT = (
    st.text(alphabet=st.characters(max_codepoint=127), max_size=300)
    | st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f.,;:!?-'\"()[]/_AbZz09", max_size=80)
    | st.text(alphabet="  .,-AbZz09", max_size=40)
)


@settings(max_examples=500, deadline=None)
@given(_ASCII_TEXT | st.text(max_size=100))
def test_the_ascii_fast_paths_equal_the_general_ones(text: str):
    """paragraph_key, clean_line and has_lone_surrogate take a shortcut for ASCII text (most of a bulk build):
    the same results as the general code."""
    assert paragraph_key(text) == paragraph_key_reference(text)
    assert clean_line(text) == " ".join(unicodedata.normalize("NFC", text).split())
    assert not has_lone_surrogate(text) or not text.isascii()


def test_paragraph_keys_ignore_case_punctuation_and_spacing():
    assert paragraph_key("Kominfo  MEMBLOKIR\x1fBigo, (lagi)!") == "kominfo memblokir bigo lagi"
    assert paragraph_key("Kominfo “memblokir”\u00a0Bigo") == "kominfo memblokir bigo"  # the general path
    assert has_lone_surrogate("teks \ud83d rusak") and not has_lone_surrogate("teks biasa")
