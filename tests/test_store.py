import json
import sqlite3
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import build_kernel, kernel
from index.analysis import ANALYZER_VERSION
from index.kernel import numpy_only
from index.store import (
    BuildError,
    IndexCorruptError,
    IndexMissingError,
    IndexReader,
    IndexVersionError,
    NotAnIndexError,
    build_index,
    ensure_index,
    group_by_term,
    grouped_postings,
    index_is_stale,
)


def test_build_records_how_the_index_was_made(messy_index: Path, messy_corpus: Path):
    reader = IndexReader(messy_index)
    meta = reader.meta
    assert meta.analyzer == "indonesian-hybrid" and meta.analyzer_version == ANALYZER_VERSION
    assert (meta.k1, meta.b) == (1.2, 0.75)
    assert meta.documents == 2 and meta.paragraphs == 7
    assert len(meta.corpus_fingerprint) == 64 and meta.built_at.endswith("Z")
    assert reader.lengths.shape == (7,)
    tables = set(reader.db.table_names())
    assert {"documents", "paragraphs", "terms", "index_meta"} <= tables
    row = reader.db.execute(
        "SELECT doc_id, position, heading FROM paragraphs WHERE text LIKE 'StreamKita menyatakan%'"
    ).fetchone()
    assert row == ("kominfo-tegur", 2, "Langkah Perusahaan")


def test_failed_build_leaves_previous_index_serving(tmp_path: Path, messy_index: Path):
    before = messy_index.read_bytes()
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    (empty / "ads.txt").write_text("Advertisement\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no paragraphs"):
        build_index([empty], messy_index)
    assert messy_index.read_bytes() == before
    assert not list(tmp_path.glob(".index.db.building-*"))


def test_build_interrupted_midway_leaves_previous_index(tmp_path: Path, messy_index: Path, messy_corpus: Path):
    before = messy_index.read_bytes()

    def crash(documents: int, paragraphs: int) -> None:
        raise KeyboardInterrupt  # as if the process were stopped during the build

    with pytest.raises(KeyboardInterrupt):
        build_index([messy_corpus], messy_index, on_document=crash)
    assert messy_index.read_bytes() == before
    assert IndexReader(messy_index).meta.paragraphs == 7


def test_missing_index_says_how_to_build(tmp_path: Path):
    with pytest.raises(IndexMissingError, match=r"python -m index build corpus/ --db .*nope\.db") as raised:
        IndexReader(tmp_path / "nope.db")
    # the error carries its data; callers need not cut the sentence apart
    assert raised.value.path == tmp_path / "nope.db" and raised.value.reason == f"no index at {tmp_path / 'nope.db'}"
    assert raised.value.advice.startswith("build it with: python -m index build")
    assert index_is_stale(tmp_path / "nope.db", [tmp_path]) == "no index yet"


def test_other_analyzer_version_is_refused_with_rebuild_command(tmp_path: Path, messy_index: Path):
    old = tmp_path / "old.db"
    old.write_bytes(messy_index.read_bytes())
    with sqlite3.connect(old) as conn:
        conn.execute(
            "UPDATE index_meta SET value = ? WHERE key = 'analyzer_version'", (json.dumps(ANALYZER_VERSION - 1),)
        )
    with pytest.raises(IndexVersionError, match=r"Rebuild it with: python -m index build"):
        IndexReader(old)


def test_an_index_of_the_previous_schema_is_refused_then_rebuilt(tmp_path: Path, messy_corpus: Path):
    """Schema 5 stores each posting's paragraph length with its term frequency; a schema-4 file (frequencies alone)
    is refused with the rebuild command, and ensure_index (the bot's and the console's start) rebuilds it."""
    old = tmp_path / "old.db"
    build_index([messy_corpus], old)
    with sqlite3.connect(old) as conn:
        conn.execute("ALTER TABLE terms RENAME COLUMN tf_lengths TO term_freqs")
        conn.execute("UPDATE index_meta SET value = '4' WHERE key = 'schema_version'")
    with pytest.raises(
        IndexVersionError, match=r"\(schema 4\); .*\(schema 5\); Rebuild it with: python -m index build"
    ):
        IndexReader(old)
    assert ensure_index(old, messy_corpus) is not None
    assert IndexReader(old).postings("blokir").doc_freq > 0


def test_postings_whose_frequencies_do_not_match_them_are_a_clear_error(tmp_path: Path, messy_index: Path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(messy_index.read_bytes())
    with sqlite3.connect(bad) as conn:
        conn.execute(
            "UPDATE terms SET tf_lengths = substr(tf_lengths, 1, length(tf_lengths) - 2) WHERE term = 'blokir'"
        )
        (other,) = conn.execute("SELECT term FROM terms WHERE term != 'blokir' ORDER BY doc_freq DESC").fetchone()
    reader = IndexReader(bad)
    with pytest.raises(IndexCorruptError, match="blokir"):
        reader.postings("blokir")
    assert reader.postings(other).doc_freq > 0  # the other terms still read


@pytest.mark.parametrize("damage", ["NULL", "'text, not postings'", "12345"])
def test_postings_that_are_not_blobs_are_a_clear_error(tmp_path: Path, messy_index: Path, damage: str):
    """Another value in the place of a term's list names the term, and the other terms still read."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(messy_index.read_bytes())
    with sqlite3.connect(bad) as conn:
        conn.execute(f"UPDATE terms SET paragraph_ids = {damage} WHERE term = 'blokir'")
        (other,) = conn.execute("SELECT term FROM terms WHERE term != 'blokir' ORDER BY doc_freq DESC").fetchone()
    reader = IndexReader(bad)
    with pytest.raises(IndexCorruptError, match="blokir"):
        reader.postings("blokir")
    assert reader.postings(other).doc_freq > 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_corrupt_or_foreign_file_is_a_clear_error(tmp_path: Path, messy_index: Path, damage: str):
    bad = tmp_path / "bad.db"
    if damage == "garbage":
        bad.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        data = messy_index.read_bytes()
        bad.write_bytes(data[: len(data) // 2])  # its first pages (schema, metadata) whole, the rest gone
    else:
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE something (x)")
    with pytest.raises((IndexCorruptError, IndexVersionError)) as raised:
        reader = IndexReader(bad)
        reader.postings("blokir")  # a truncated file may open and fail on first read
        reader.paragraphs(list(range(reader.meta.paragraphs)))
    if damage == "truncated":  # still one of our index files: rebuilding it loses nothing
        assert "ebuild it with: python -m index build" in str(raised.value)
    else:  # someone else's file: never a command that would write over it
        assert "not an index of this program" in str(raised.value) and "python -m index build" not in str(raised.value)


@pytest.mark.parametrize("lengths", ["short", "missing"])
def test_an_index_whose_lengths_do_not_match_its_paragraphs_is_refused_at_open(
    tmp_path: Path, messy_index: Path, lengths: str
):
    """Opening checks the stored lengths array's size without reading it (the array is read on first use)."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(messy_index.read_bytes())
    with sqlite3.connect(bad) as conn:
        if lengths == "short":
            conn.execute("UPDATE arrays SET data = substr(data, 1, length(data) - 4) WHERE name = 'paragraph_lengths'")
        else:
            conn.execute("DELETE FROM arrays WHERE name = 'paragraph_lengths'")
    with pytest.raises(IndexCorruptError, match="is incomplete"):
        IndexReader(bad)
    good = IndexReader(messy_index)
    assert good.lengths.size == good.meta.slots and good.lengths.dtype == np.int32
    good.close()


def test_a_build_never_writes_over_a_file_that_is_not_an_index(tmp_path: Path, messy_corpus: Path, messy_index: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    foreign = tmp_path / "app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE something (x)")
    for target in (notes, foreign):
        before = target.read_bytes()
        with pytest.raises(NotAnIndexError, match="not an index of this program; choose another --db path"):
            build_index([messy_corpus], target)
        assert target.read_bytes() == before and not target.with_name(f".{target.name}.lock").exists()
    # an index, an empty file and no file are fine; force writes over anything
    build_index([messy_corpus], messy_index)
    (tmp_path / "empty.db").write_bytes(b"")
    build_index([messy_corpus], tmp_path / "empty.db")
    build_index([messy_corpus], notes, force=True)
    assert IndexReader(notes).meta.documents == 2


def test_staleness_follows_the_corpus(tmp_path: Path, messy_corpus: Path):
    db = tmp_path / "auto.db"
    assert index_is_stale(db, [messy_corpus]) == "no index yet"
    assert ensure_index(db, messy_corpus) is not None
    assert index_is_stale(db, [messy_corpus]) is None
    assert ensure_index(db, messy_corpus) is None  # nothing to do
    (messy_corpus / "baru.txt").write_text(
        "Artikel baru tentang pemblokiran situs judi online oleh Kominfo.\n", encoding="utf-8"
    )
    assert index_is_stale(db, [messy_corpus]) == "the corpus changed since the last build"
    report = ensure_index(db, messy_corpus)
    assert report is not None and report.documents == 3


def test_reader_notices_a_rebuilt_file(tmp_path: Path, messy_corpus: Path):
    db = tmp_path / "swap.db"
    build_index([messy_corpus], db)
    reader = IndexReader(db)
    assert reader.is_current()
    build_index([messy_corpus], db)
    assert not reader.is_current()


def test_worker_processes_and_the_kernel_build_the_same_index(tmp_path: Path, messy_corpus: Path):
    import json as _json

    bulk = tmp_path / "bulk.jsonl"
    lines = [
        _json.dumps(
            {"id": f"j{i}", "text": f"Kominfo memblokir situs judi nomor {i % 7}.\nParagraf kedua yang unik {i}."}
        )
        for i in range(300)
    ]
    lines += ["not json", _json.dumps({"id": "j3", "text": "Teks lain yang cukup panjang untuk diindeks."})]
    bulk.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    # one process without the C kernel (dict memo, numpy grouping), two with it where it is built
    with numpy_only():
        report_one = build_index([messy_corpus, bulk], one, workers=1)
    report_two = build_index([messy_corpus, bulk], two, workers=2)
    assert (report_one.documents, report_one.paragraphs, report_one.duplicate_paragraphs, report_one.terms) == (
        report_two.documents,
        report_two.paragraphs,
        report_two.duplicate_paragraphs,
        report_two.terms,
    )
    assert [str(p) for p in report_one.problems] == [str(p) for p in report_two.problems]
    assert report_one.duplicate_paragraphs > 0 and len(report_one.problems) == 2
    dump = "SELECT term, doc_freq, paragraph_ids, tf_lengths FROM terms ORDER BY term"
    assert IndexReader(one).db.execute(dump).fetchall() == IndexReader(two).db.execute(dump).fetchall()
    paragraphs = "SELECT paragraph_id, doc_id, position, heading, text, length FROM paragraphs ORDER BY paragraph_id"
    assert IndexReader(one).db.execute(paragraphs).fetchall() == IndexReader(two).db.execute(paragraphs).fetchall()
    assert IndexReader(one).db.execute("SELECT count(*) FROM terms WHERE doc_freq = 0").fetchone() == (0,)


_CHUNKY_TEXT = st.lists(
    st.sampled_from(
        [
            "Kominfo",
            "memblokir",
            "bigo",
            "(Bigo)",
            "dan",
            "yang",
            "GA-181",
            "janji-janji",
            "1a1a",
            "40.000,",
            "@tiktok_id",
        ]
        + ["https://x.co/a?b", "kominfo.go.id", "x", "-", "...", "Rp5", "memberikan", "pemblokiran", "di-", "ke"]
    )
    | st.text(alphabet="abkmnz-.,01 ", min_size=1, max_size=8),
    max_size=30,
).map(lambda words: "".join(w + s for w, s in zip(words, [" ", "  ", "\t", "\x1c", "\n", ""] * 5)))


@pytest.mark.skipif(
    kernel.KERNEL is None, reason="needs the C kernel: no C compiler here (its absence is tested in test_bm25)"
)
@settings(max_examples=150, deadline=None)
@given(
    st.lists(_CHUNKY_TEXT | st.text(max_size=40), min_size=1, max_size=12),
    st.integers(1, 40),
    st.sampled_from([1, 3, 512]),
)
def test_the_c_chunk_memo_numbers_text_as_the_dict_memo_does(texts: list[str], memo_limit: int, at_once: int):
    """A worker numbers a paragraph's terms through a memo of whitespace-separated chunks: in C for ASCII text
    (index/_chunkmemo.c), in a dict otherwise. Fed the same texts in the same order, both give the same numbers and
    number the same terms in the same order, also when the memo is cleared on reaching its limit."""
    from index.analysis import Analyzer, get_analyzer
    from index.units import _WorkerVocabulary

    with_dict = _WorkerVocabulary(get_analyzer(), native=False)
    with_c = _WorkerVocabulary(get_analyzer(), native=True)
    with_c.native.MISSING_AT_ONCE = at_once  # unknown chunks are asked for in rounds of this many
    before, Analyzer.MEMO_LIMIT = Analyzer.MEMO_LIMIT, memo_limit
    try:
        for text in texts + texts:  # the second time from the memo
            assert with_c.number(text) == with_dict.number(text), text
    finally:
        Analyzer.MEMO_LIMIT = before
    assert with_c.terms == with_dict.terms


@pytest.mark.skipif(
    kernel.KERNEL is None, reason="needs the C kernel: no C compiler here (its absence is tested in test_bm25)"
)
@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), max_size=25), max_size=12), st.integers(0, 3))
def test_the_c_term_counter_finds_each_paragraphs_terms_and_counts(paragraphs: list[list[int]], units: int):
    """A worker counts each paragraph's distinct terms in C (build_kernel.TermCounter): the same (paragraph, term,
    count) triples as counting them one by one, over several units in a row (its scratch is reused)."""
    counter = build_kernel.TermCounter()
    for _ in range(units + 1):
        lengths = np.array([len(p) for p in paragraphs], dtype=np.int32)
        numbers = np.array([n for p in paragraphs for n in p], dtype=np.int32)
        terms, counts, per_paragraph = counter.count(lengths, numbers, 31)
        assert per_paragraph.tolist() == [len(set(p)) for p in paragraphs]
        starts = np.concatenate(([0], np.cumsum(per_paragraph)))
        for index, paragraph in enumerate(paragraphs):
            got = dict(
                zip(terms[starts[index] : starts[index + 1]].tolist(), counts[starts[index] : starts[index + 1]])
            )
            assert got == {term: paragraph.count(term) for term in paragraph}
    with pytest.raises(ValueError):
        counter.count(np.array([1], dtype=np.int32), np.array([31], dtype=np.int32), 31)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 300)), unique=True, max_size=200),
    st.data(),
)
def test_grouping_by_term_equals_the_stable_sort(pairs: list[tuple[int, int]], data):
    """The packed sort and the general sort give the slow obvious order."""
    terms = np.array([t for t, _ in pairs], dtype=np.int32)
    paragraphs = np.array([p for _, p in pairs], dtype=np.int32)
    huge = data.draw(st.booleans())  # frequencies too wide to pack with the ids: the general path
    freqs = np.array(
        data.draw(st.lists(st.integers(1, 2**31 - 1 if huge else 500), min_size=len(pairs), max_size=len(pairs))),
        dtype=np.int32,
    )
    n_terms = data.draw(st.integers(41, 2**31) if huge else st.integers(41, 1_000) | st.integers(41, 50_000))
    got_ids, got_freqs = group_by_term(terms, paragraphs, freqs, n_terms)
    order = sorted(range(len(pairs)), key=lambda i: (terms[i], paragraphs[i]))  # the slow obvious way
    assert got_ids.tolist() == [int(paragraphs[i]) for i in order]
    assert got_freqs.tolist() == [int(freqs[i]) for i in order]
    assert got_ids.dtype == np.int32 and got_freqs.dtype == np.int32


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 300)), unique=True, max_size=200),
    st.data(),
)
def test_grouped_postings_in_pieces_equal_the_obvious_order_and_packing(pairs: list[tuple[int, int]], data):
    """The C kernel's counting sort from the units' pieces, packing as it places, and the numpy way (join, sort,
    pack) both give the slow obvious postings: by term, then paragraph, each tf | length << 16; and counts."""
    if data.draw(st.booleans()):
        # pairs as a build streams them (the kernel's case): paragraph ids ascending, terms in any order within one
        pairs.sort(key=lambda pair: pair[1])
    terms = np.array([t for t, _ in pairs], dtype=np.int32)
    paragraphs = np.array([p for _, p in pairs], dtype=np.int32)
    freqs = np.array(data.draw(st.lists(st.integers(1, 500), min_size=len(pairs), max_size=len(pairs))), np.int32)
    first_id = data.draw(st.integers(0, 3))  # an incremental add's ids start past the index's
    paragraphs += first_id
    lengths = np.array(data.draw(st.lists(st.integers(0, 0xFFFF), min_size=301, max_size=301)), dtype=np.int32)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(pairs)), max_size=5)))  # anywhere, empty pieces too
    pieces = [np.split(a, cuts) for a in (terms, paragraphs, freqs)]
    n_terms = data.draw(st.integers(41, 1_000) | st.integers(41, 50_000))
    order = sorted(range(len(pairs)), key=lambda i: (terms[i], paragraphs[i]))  # the slow obvious way
    for fast in (True, False):
        with nullcontext() if fast else numpy_only():
            ids, packed, counts = grouped_postings(*pieces, n_terms, lengths, first_id)
        assert ids.tolist() == [int(paragraphs[i]) for i in order] and ids.dtype == np.int32
        assert packed.dtype == np.uint32
        assert packed.tolist() == [int(freqs[i]) | int(lengths[paragraphs[i] - first_id]) << 16 for i in order]
        assert {term: int(n) for term, n in enumerate(counts) if n} == Counter(terms.tolist())
        assert len(counts) <= n_terms
    if pairs:  # what cannot be stored is refused by both ways alike
        freqs[len(pairs) // 2] = 0x10000
        for fast in (True, False):
            with nullcontext() if fast else numpy_only(), pytest.raises(ValueError):
                grouped_postings(*[np.split(a, cuts) for a in (terms, paragraphs, freqs)], n_terms, lengths, first_id)


@pytest.mark.skipif(
    kernel.KERNEL is None, reason="needs the C kernel: no C compiler here (its absence is tested in test_bm25)"
)
def test_the_kernel_groups_triples_in_paragraph_order_and_declines_others():
    terms = np.array([2, 0, 1, 0, 2], dtype=np.int32)
    paragraphs = np.array([0, 0, 1, 2, 2], dtype=np.int32)
    freqs = np.array([1, 2, 3, 4, 5], dtype=np.int32)
    lengths = np.array([10, 20, 30], dtype=np.int32)

    def group(terms, paragraphs, freqs, n_terms=3, lengths=lengths):
        return build_kernel.grouped_postings(terms, paragraphs, freqs, n_terms, lengths, 0, 0xFFFF)

    for cuts in ([], [2], [0, 1, 3, 5]):  # one piece, two, some empty
        grouped_ids, packed, counts = group(*(np.split(a, cuts) for a in (terms, paragraphs, freqs)))
        assert grouped_ids.tolist() == [0, 2, 1, 0, 2] and (packed & 0xFFFF).tolist() == [2, 4, 3, 1, 5]
        assert (packed >> 16).tolist() == [10, 30, 20, 10, 30]
        assert counts.tolist() == [2, 1, 2]
    # not in paragraph order, within a piece or across two: sorted instead
    assert group([terms], [paragraphs[::-1]], [freqs]) is None
    assert group([terms[3:], terms[:3]], [paragraphs[3:], paragraphs[:3]], [freqs[3:], freqs[:3]]) is None
    assert group([terms], [paragraphs], [freqs], n_terms=2) is None  # a term out of range
    assert group([terms], [paragraphs], [freqs], lengths=lengths[:2]) is None  # a paragraph without a length
    with pytest.raises(ValueError):
        group([terms], [paragraphs[1:]], [freqs])
    with pytest.raises(ValueError):  # a length that cannot be stored
        group([terms], [paragraphs], [freqs], lengths=np.array([10, 0x10000, 30], dtype=np.int32))


def test_duplicates_inside_one_unit_take_the_careful_path(tmp_path: Path):
    import json as _json

    bulk = tmp_path / "bulk.jsonl"
    lines = [
        _json.dumps({"id": f"d{i}", "text": f"Paragraf unik nomor {i} tentang pemblokiran aplikasi."})
        for i in range(50)
    ]
    lines.insert(10, _json.dumps({"id": "copy", "text": "Paragraf unik nomor 3 tentang pemblokiran aplikasi."}))
    lines.insert(20, _json.dumps({"id": "d5", "text": "Id yang sama dengan dokumen lain tetapi teks berbeda."}))
    bulk.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = build_index([bulk], tmp_path / "x.db")
    assert (report.documents, report.paragraphs, report.duplicate_paragraphs) == (50, 50, 1)
    assert [p.reason for p in report.problems] == [
        "every paragraph duplicates one indexed earlier",
        f"duplicate id 'd5' (first seen at {bulk}:6); skipped",
    ]
    reader = IndexReader(tmp_path / "x.db")
    ids = [row[0] for row in reader.db.execute("SELECT paragraph_id FROM paragraphs ORDER BY paragraph_id")]
    assert ids == list(range(50))
    assert reader.lengths.size == 50


def test_a_repeated_paragraph_under_new_ids_drops_only_that_paragraph(tmp_path: Path):
    # every id is new but one paragraph repeats inside the unit: the ids must still count as first seen
    import json as _json

    bulk = tmp_path / "bulk.jsonl"
    texts = [
        f"Kalimat pertama nomor {i} tentang sensor.\n\nKalimat bersama yang sama di setiap artikel ini."
        for i in range(5)
    ]
    bulk.write_text(
        "\n".join(_json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate(texts)) + "\n", encoding="utf-8"
    )
    report = build_index([bulk], tmp_path / "x.db")
    assert (report.documents, report.paragraphs, report.duplicate_paragraphs, report.problems) == (5, 6, 4, ())
    assert [d["doc_id"] for d in IndexReader(tmp_path / "x.db").documents()] == [f"a{i}" for i in range(5)]


def _field_ids(reader: IndexReader, term: str) -> list[int]:
    return reader.field_postings(term).paragraph_ids.tolist()


@pytest.mark.parametrize("with_duplicates", [False, True])
def test_titles_and_headings_are_kept_for_the_paragraphs_under_them(tmp_path: Path, with_duplicates: bool):
    """Titles and headings are recorded (and articles cited) by the worker for files without a duplicate paragraph,
    and by the writer for the others (the duplicate dropped): the same either way."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    earlier = "Kominfo memanggil perwakilan aplikasi itu pada Senin."
    again = f"{earlier}\n\n" if with_duplicates else ""  # a paragraph of tanpa-judul.txt, read before the others
    (corpus / "usia.md").write_text(
        "---\ntitle: Batas Usia Media Sosial\nsource: Contoh.com\n---\n"
        f"{again}Pemerintah menyiapkan aturan baru untuk anak di bawah enam belas tahun.\n\n"
        "Kewajiban Platform\n\n"
        "Platform wajib memverifikasi umur setiap pengguna baru mulai tahun depan.\n",
        encoding="utf-8",
    )
    (corpus / "tanpa-judul.txt").write_text(f"{earlier}\n", encoding="utf-8")
    (corpus / "ulasan-berjudul-subbab.txt").write_text(
        f"{again}Sanksi Administratif Baru\n\nDenda dikenakan kepada penyelenggara yang lalai melapor.\n",
        encoding="utf-8",
    )
    report = build_index([corpus], tmp_path / "x.db")
    reader = IndexReader(tmp_path / "x.db")
    paragraph_of = {text[:12]: pid for pid, text in reader.db.execute("SELECT paragraph_id, text FROM paragraphs")}
    article = sorted(pid for key, pid in paragraph_of.items() if key in ("Pemerintah m", "Platform waj"))
    # the given title's words count for every paragraph of its article; a heading's only under it
    assert _field_ids(reader, "usia") == article and _field_ids(reader, "sosial") == article
    assert _field_ids(reader, "wajib") == [paragraph_of["Platform waj"]]
    assert _field_ids(reader, "kominfo") == [] and _field_ids(reader, "nonexistent") == []
    # the body's postings are the body's alone: "usia" is in no paragraph's text
    assert reader.postings("usia").doc_freq == 0
    # cited as: the given title; else the first heading; else the file name — never a made-up lead
    titles = {d["doc_id"]: d["title"] for d in reader.documents()}
    assert titles == {
        "usia": "Batas Usia Media Sosial",
        "tanpa-judul": "tanpa-judul",
        "ulasan-berjudul-subbab": "Sanksi Administratif Baru",
    }
    assert reader.meta.paragraphs == 4 and report.duplicate_paragraphs == (2 if with_duplicates else 0)


def test_documents_are_listed_newest_first_a_few_at_a_time_with_counts_per_outlet(tmp_path):
    from index.store import IndexReader, build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, (date, outlet) in enumerate([("2024-01-02", "A"), ("2024-03-04", "B"), ("2023-12-31", "A"), ("", "")]):
        front = f"---\ntitle: Judul {n}\nsource: {outlet}\ndate: {date}\n---\n" if outlet else ""
        (corpus / f"a{n}.md").write_text(front + f"Isi artikel nomor {n} tentang denda platform.\n", encoding="utf-8")
    build_index([corpus], tmp_path / "index.db")
    reader = IndexReader(tmp_path / "index.db")
    everything = reader.documents()
    assert [d["doc_id"] for d in everything] == ["a1", "a0", "a2", "a3"]  # newest first, undated last
    assert reader.documents(2) == everything[:2] and all(d["paragraphs"] == 1 for d in everything)
    assert reader.outlet_counts() == [("A", 2), ("", 1), ("B", 1)]
    reader.close()


def test_document_frequencies_are_read_from_the_file_once_per_reader(messy_index: Path):
    """The translator asks of dozens of words per question whether they are index terms (IndexReader.has_term,
    doc_freqs): the file never changes under a reader, so each is read once, absent ones included."""
    with sqlite3.connect(messy_index) as conn:
        truth = dict(conn.execute("SELECT term, doc_freq FROM terms ORDER BY doc_freq DESC LIMIT 5").fetchall())
    asked = [*truth, "zzqxabsent", "yyqxabsent"]
    reader = IndexReader(messy_index)
    statements: list[str] = []
    reader.db.conn.set_trace_callback(statements.append)
    assert reader.doc_freqs(asked) == truth
    read = len(statements)
    assert read >= 1
    assert reader.doc_freqs(reversed(asked)) == truth
    assert not reader.has_term("zzqxabsent") and all(reader.has_term(t) for t in truth)
    assert len(statements) == read  # nothing read again
    assert reader.has_term("wwqxabsent") is False and len(statements) == read + 1
