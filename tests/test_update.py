"""Incremental add, remove and compact (issue 16.4): after any sequence of changes the scores equal those of a
from-scratch build of the same documents, and equal rank-bm25's (the oracle) on the paragraphs' analysed terms."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import open_index
from index.analysis import get_analyzer
from index.handle import IndexHandle
from index.store import BuildError, IndexReader, build_index
from index.update import add_documents, compact_index, remove_documents
from support import REPO, LuceneIdfBM25Okapi

WORDS = (
    "kominfo blokir aplikasi platform judi online konten moderasi denda menteri data pengguna pemerintah "
    "tiktok bigo streaming pornografi laporan aturan perusahaan akun video iklan regulasi keamanan privasi "
    "server jakarta china kebijakan pengawasan siaran izin pajak startup investor layanan sanksi hukum"
).split()


def article(rng: random.Random, number: int) -> str:
    title = " ".join(rng.sample(WORDS, 3)).title() if rng.random() < 0.6 else ""
    paragraphs = []
    for position in range(rng.randint(1, 4)):
        heading = f"## Bagian {' '.join(rng.sample(WORDS, 2))}\n\n" if rng.random() < 0.3 else ""
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
        paragraphs.append(f"{heading}Artikel {number} paragraf {position}: {body}.")
    front = f"---\ntitle: {title}\n---\n" if title else ""
    return front + "\n\n".join(paragraphs) + "\n"


def scores(path: Path, queries: list[list[str]]) -> list[dict[tuple[str, int], float]]:
    with open_index(path, semantic=False) as index:
        return [{(h.doc_id, h.position): h.score for h in index.rank(query, k=10_000)} for query in queries]


def answer_hits(path: Path, questions: list[str]) -> list[list[tuple[str, int, float]]]:
    """The answer path too: title and heading words count there, so their postings must follow the changes.
    Equal scores are ordered by paragraph id, which differs from a fresh build's: compared as sets of ties."""
    with open_index(path, semantic=False) as index:
        return [sorted((-round(h.score, 9), h.doc_id, h.position) for h in index.ask(q, k=50).hits) for q in questions]


def assert_same_scores(left: list[dict], right: list[dict]) -> None:
    for a, b in zip(left, right, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-9), key


@pytest.mark.parametrize("seed", range(4))
def test_any_sequence_of_adds_and_removes_scores_as_a_fresh_build(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    pool = tmp_path / "pool"
    pool.mkdir()
    for number in range(10):
        (pool / f"artikel-{number}.md").write_text(article(rng, number), encoding="utf-8")
    names = sorted(p.name for p in pool.iterdir())
    base = tmp_path / "base"
    base.mkdir()
    held = names[:3]
    for name in held:
        shutil.copy(pool / name, base / name)
    db = tmp_path / "index.db"
    build_index([base], db)
    queries = [[w] for w in WORDS[:12]] + [rng.sample(WORDS, 3) for _ in range(8)] + [rng.sample(WORDS, 8)]
    questions = ["Kenapa kominfo blokir aplikasi judi?", "denda pajak startup", "bagian regulasi privasi server"]
    for step in range(8):
        removable = [n for n in held if n]
        if len(held) > 1 and rng.random() < 0.4:
            name = rng.choice(removable)
            report = remove_documents([Path(name).stem], db)
            assert report.removed == (Path(name).stem,)
            held.remove(name)
        else:
            name = rng.choice([n for n in names if n not in held])
            report = add_documents([pool / name], db)
            assert report.documents == 1
            held.append(name)
        fresh_dir = tmp_path / f"fresh-{step}"
        fresh_dir.mkdir()
        for name in held:
            shutil.copy(pool / name, fresh_dir / name)
        fresh = tmp_path / f"fresh-{step}.db"
        build_index([fresh_dir], fresh)
        assert_same_scores(scores(db, queries), scores(fresh, queries))
        answered = answer_hits(db, questions)
        assert answered == answer_hits(fresh, questions) and any(answered)
        changed, rebuilt = IndexReader(db), IndexReader(fresh)
        for field in ("documents", "paragraphs", "terms", "avg_length"):
            assert getattr(changed.meta, field) == getattr(rebuilt.meta, field), field
        changed.close()
        rebuilt.close()
    # and the oracle, on the live paragraphs' analysed terms
    reader = IndexReader(db)
    analyzer = get_analyzer(reader.meta.analyzer_spec)
    live = reader.paragraphs(reader.live_paragraph_ids(0, reader.meta.slots))
    order = sorted(live)
    oracle = LuceneIdfBM25Okapi([analyzer.analyze(live[i].text) for i in order], k1=reader.meta.k1, b=reader.meta.b)
    reader.close()
    for query, found in zip(queries, scores(db, queries)):
        expected = oracle.get_scores(query)
        for i, paragraph_id in enumerate(order):
            key = (live[paragraph_id].doc_id, live[paragraph_id].position)
            assert found.get(key, 0.0) == pytest.approx(expected[i], abs=1e-6)
    # compacting renumbers the ids densely and changes no score
    before = scores(db, queries)
    meta = compact_index(db)
    assert meta.slots == meta.paragraphs
    assert_same_scores(scores(db, queries), before)
    assert answer_hits(db, questions) == answer_hits(fresh, questions)


def test_adding_keeps_one_copy_of_a_paragraph_and_refuses_a_held_id(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shared = "Kominfo memberi sanksi kepada platform streaming yang menayangkan judi online setiap malam."
    (corpus / "asli.md").write_text(f"{shared}\n\nParagraf lain tentang moderasi konten.\n", encoding="utf-8")
    db = tmp_path / "index.db"
    build_index([corpus], db)
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "salinan.md").write_text(f"{shared}\n\nParagraf baru tentang denda pajak.\n", encoding="utf-8")
    (copies / "asli.md").write_text("Isi pengganti yang tidak boleh masuk.\n", encoding="utf-8")
    report = add_documents([copies], db)
    assert (report.documents, report.paragraphs, report.duplicate_paragraphs) == (1, 1, 1)
    [problem] = report.problems
    assert "already holds 'asli'" in str(problem)
    with open_index(db, semantic=False) as index:
        assert [(h.doc_id, h.position) for h in index.rank(["sanksi"])] == [("asli", 0)]
    with pytest.raises(BuildError, match="nothing to add"):
        add_documents([copies / "asli.md"], db)


def test_a_running_reader_sees_the_old_index_or_the_new_one(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "lama.md").write_text("Kominfo memblokir aplikasi judi online.\n", encoding="utf-8")
    db = tmp_path / "index.db"
    build_index([corpus], db)
    handle = IndexHandle(db)
    with handle.snapshot() as old:
        extra = tmp_path / "baru.md"
        extra.write_text("Platform streaming baru diblokir karena judi online.\n", encoding="utf-8")
        add_documents([extra], db)
        # a question already running keeps its snapshot: the old file, whole
        assert old.reader.meta.documents == 1 and old.reader.postings("judi").doc_freq == 1
    assert handle.refresh()
    with handle.snapshot() as new:
        assert new.reader.meta.documents == 2 and new.reader.postings("judi").doc_freq == 2
        assert new.build_id != old.build_id
    handle.close()


def test_the_command_line_adds_removes_and_compacts(tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "SEMANTIC_RERANK": "off"}
    db = str(tmp_path / "index.db")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "index", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    base = tmp_path / "base"
    base.mkdir()
    shutil.copy(REPO / "corpus" / "000_aa8ebef06fca3b6d.txt", base)
    assert run("build", str(base), "--db", db).returncode == 0
    added = run("add", str(REPO / "corpus" / "004_6a56fde06985a141.txt"), "--db", db)
    assert added.returncode == 0 and added.stdout.startswith("added 1 documents, 7 paragraphs"), added
    listed = run("list", "--db", db, "--json").stdout
    assert "004_6a56fde06985a141" in listed
    again = run("add", str(REPO / "corpus" / "004_6a56fde06985a141.txt"), "--db", db)
    assert again.returncode == 2 and "already holds" in again.stderr and "index is unchanged" in again.stderr
    removed = run("remove", "004_6a56fde06985a141", "no-such-doc", "--db", db)
    assert removed.returncode == 1, removed
    assert "removed 004_6a56fde06985a141" in removed.stdout and "not in the index: no-such-doc" in removed.stderr
    assert "004_6a56fde06985a141" not in run("list", "--db", db, "--json").stdout
    compacted = run("compact", "--db", db)
    assert compacted.returncode == 0 and "1 documents, 29 paragraphs" in compacted.stdout, compacted
    missing = run("add", str(base), "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no index at" in missing.stderr
    readme = run("remove", "x", "--db", str(REPO / "README.md"))
    assert readme.returncode == 2 and "not an index" in readme.stderr


def test_an_add_killed_midway_leaves_the_last_committed_index(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / "000_aa8ebef06fca3b6d.txt", corpus)
    db = tmp_path / "index.db"
    build_index([corpus], db)
    before = IndexReader(db)
    build_id, documents = before.meta.build_id, before.meta.documents
    before.close()
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as handle:
        for n in range(30_000):
            handle.write(
                f'{{"id": "b{n}", "text": "Paragraf {n} tentang aplikasi {WORDS[n % len(WORDS)]} dan {n * 7}."}}\n'
            )
    env = {**os.environ, "PYTHONPATH": str(REPO), "SEMANTIC_RERANK": "off"}
    adding = subprocess.Popen(
        [sys.executable, "-m", "index", "add", str(big), "--db", str(db)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".index.db.building-*")):  # the copy being changed exists
        assert adding.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    adding.send_signal(signal.SIGKILL)
    adding.wait(30)
    after = IndexReader(db)
    assert (after.meta.build_id, after.meta.documents) == (build_id, documents)
    after.close()
    # the next change clears the dead one's half-written copy and goes through
    extra = tmp_path / "baru.md"
    extra.write_text("Artikel baru tentang denda.\n", encoding="utf-8")
    assert add_documents([extra], db).documents == 1
    assert not list(tmp_path.glob(".index.db.building-*"))


def test_removing_with_the_corpus_folder_deletes_the_article_file_and_keeps_the_index_current(tmp_path: Path):
    from index.store import index_is_stale

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("000_aa8ebef06fca3b6d.txt", "004_6a56fde06985a141.txt"):
        shutil.copy(REPO / "corpus" / name, corpus)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "luar.md").write_text("Artikel dari luar folder korpus tentang denda.\n", encoding="utf-8")
    db = tmp_path / "index.db"
    build_index([corpus], db)
    add_documents([elsewhere / "luar.md"], db)
    report = remove_documents(["004_6a56fde06985a141", "luar"], db, corpus_dir=corpus)
    assert report.removed == ("004_6a56fde06985a141", "luar")
    assert report.files == (corpus / "004_6a56fde06985a141.txt",)
    assert not (corpus / "004_6a56fde06985a141.txt").exists() and (elsewhere / "luar.md").exists()
    assert [p.name for p in corpus.iterdir()] == ["000_aa8ebef06fca3b6d.txt"]  # nothing set aside is left
    assert index_is_stale(db, [corpus]) is None  # a restart does not rebuild the article back
    kept = remove_documents(["000_aa8ebef06fca3b6d"], db)  # without the folder: the index only
    assert kept.files == () and (corpus / "000_aa8ebef06fca3b6d.txt").exists()
