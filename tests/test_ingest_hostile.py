"""Issue 12.2, 12.4 and 12.8: files that once stopped a build, links out of the corpus, giant paragraphs.
Each bad file or line is one problem in the build report; everything else is indexed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, billion_laughs, write_hostile_corpus

from index.ingest import (
    MAX_FIELD_CHARS,
    MAX_PARAGRAPH_CHARS,
    paragraphs_from_text,
    split_front_matter,
    split_long,
)
from index.sources import read_sources
from index.search import AnswerService
from index.store import IndexReader, build_index


def test_every_hostile_file_is_one_problem_and_the_rest_is_indexed(tmp_path: Path):
    expected = write_hostile_corpus(tmp_path / "corpus")
    report = build_index([tmp_path / "corpus", tmp_path / "bulk.jsonl"], tmp_path / "index.db")
    reported = {
        str(p.where).replace(str(tmp_path), "").replace("/corpus/", "").replace("/bulk", "../bulk"): p.reason
        for p in report.problems
    }
    assert set(reported) == set(expected), reported
    for name, word in expected.items():
        assert word in reported[name], (name, reported[name])
    service = AnswerService(tmp_path / "index.db")
    assert service.answer("Kenapa Bigo Live diancam diblokir?").answered
    ids = {d["doc_id"] for d in service.documents()}
    assert {"good-1", "good-2"} <= ids and "bad-1" not in ids
    reader = IndexReader(tmp_path / "index.db")
    assert not reader.has_term("root") and not reader.has_term("bin")  # nothing of /etc/passwd
    service.close()
    reader.close()


@pytest.mark.parametrize("depth", [8, 9])
def test_yaml_aliases_are_refused_before_they_expand(depth: int):
    with pytest.raises(ValueError, match="alias"):
        split_front_matter(billion_laughs(depth))


def test_front_matter_is_bounded_in_depth_and_size():
    with pytest.raises(ValueError, match="nested"):
        split_front_matter("---\ntags: " + "[" * 500 + "]" * 500 + "\n---\nbody\n")
    with pytest.raises(ValueError, match="longer than"):
        split_front_matter("---\n" + "".join(f"k{i}: value number {i}\n" for i in range(2000)) + "---\nbody\n")
    fields, body = split_front_matter("---\ntitle: Judul\ntags: [a, [b, c]]\n---\nbody\n")
    assert fields["title"] == "Judul" and body == "body\n"


def test_every_field_is_bounded_and_a_list_is_not_a_title(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "Paragraf yang cukup panjang tentang kebijakan platform digital di Indonesia tahun ini."
    (corpus / "long.md").write_text(
        f"---\ntitle: {'Judul panjang ' * 400}\nsource: {'x' * 500}\nurl: https://e.org/{'p' * 3000}\n---\n{text}\n"
    )
    (corpus / "list.md").write_text(f"---\ntitle: [a, b]\n---\n{text} Lagi.\n")
    items = list(read_sources([corpus]))
    document = next(i for i in items if hasattr(i, "meta"))
    assert len(document.meta.title) <= MAX_FIELD_CHARS["title"] and document.meta.title.endswith("…")
    assert len(document.meta.source) <= MAX_FIELD_CHARS["source"]
    assert document.meta.url == ""  # a cut URL leads nowhere
    problem = next(i for i in items if not hasattr(i, "meta"))
    assert "list.md" in problem.where and "single value" in problem.reason


def test_a_one_line_5_mb_file_becomes_paragraphs_of_bounded_size(tmp_path: Path):
    sentences = [
        f"Kalimat nomor {i} membahas aturan platform digital dan moderasi konten daring." for i in range(60_000)
    ]
    body = " ".join(sentences)
    assert len(body) > 4_700_000
    paragraphs = paragraphs_from_text(body)
    assert max(len(p.text) for p in paragraphs) <= MAX_PARAGRAPH_CHARS
    assert " ".join(p.text for p in paragraphs) == body  # split at sentence ends, nothing lost


def test_split_long_cuts_a_giant_sentence_at_spaces_and_keeps_every_word():
    sentence = " ".join(f"kata{i}" for i in range(3000))  # ~23k characters without a sentence end
    pieces = split_long(sentence, 1000)
    assert all(len(p) <= 1000 for p in pieces) and " ".join(pieces) == sentence
    assert split_long("x" * 2500, 1000) == ["x" * 1000, "x" * 1000, "x" * 500]  # no space: a hard cut
    assert split_long("Pendek.", 1000) == ["Pendek."]


def test_a_file_the_builder_cannot_read_is_reported_and_the_build_goes_on(tmp_path: Path):
    """As root every file is readable: then the build runs without the capabilities that let root
    read anyone's files (setpriv, from util-linux), as an unprivileged deployment would."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for article in (REPO / "corpus").iterdir():
        (corpus / article.name).write_bytes(article.read_bytes())
    secret = corpus / "secret.txt"
    secret.write_text("Rahasia yang tidak boleh terbaca oleh proses pembangun indeks ini.\n")
    secret.chmod(0)
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "index", "build", str(corpus), "--db", str(out / "index.db")]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    result = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    assert "secret.txt: cannot read (Permission denied)" in result.stderr
    assert "indexed 2 documents" in result.stdout
