"""The CLI contract, run as a real subprocess: python -m index build|search|list|stats."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO
from index.analysis import ANALYZER_VERSION

HIT_FIELDS = {
    "doc_id",
    "position",
    "heading",
    "text",
    "best_sentence",
    "score",
    "title",
    "source",
    "date",
    "url",
    "gloss",
}  # gloss: issue 14.6 (English questions; empty otherwise)


def run(*args: str, cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "index", *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "index.db"
    result = run("build", "--db", str(db))  # default source: corpus/
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("indexed 2 documents, 36 paragraphs")
    return db


def test_build_summary_and_problems_on_stderr(tmp_path: Path, messy_corpus: Path):
    (messy_corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    bulk = tmp_path / "bulk.jsonl"
    bulk.write_text(
        '{"id": "j1", "text": "Kominfo memblokir situs judi online hari ini."}\nnot json\n', encoding="utf-8"
    )
    result = run("build", str(messy_corpus), str(bulk), "--db", str(tmp_path / "i.db"))
    assert result.returncode == 0
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1 and summary[0].startswith("indexed 3 documents, 8 paragraphs")
    assert "skipped 2 files/lines" in summary[0]
    assert f"skipped {messy_corpus / 'broken.txt'}: binary file" in result.stderr
    assert f"skipped {bulk}:2: not a JSON object" in result.stderr


def test_search_json_contract(cli_index: Path):
    result = run("search", "--db", str(cli_index), "-k", "3", "--json", "Kenapa Bigo Live diancam diblokir?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"query", "answered", "hits", "language", "translations"}
    assert answer["language"] == "id" and answer["translations"] == {}
    assert answer["query"] == "Kenapa Bigo Live diancam diblokir?" and answer["answered"] is True
    assert len(answer["hits"]) == 3
    # first: the accounts showing gambling and pornography, or the minister's threat to block the app
    assert any(
        reason in answer["hits"][0]["text"]
        for reason in (
            "ratusan akun yang menayangkan konten judi online dan pornografi",
            "pemblokiran aplikasi Bigo Live",
        )
    )
    for hit in answer["hits"]:
        assert set(hit) == HIT_FIELDS
        assert isinstance(hit["position"], int) and isinstance(hit["score"], float)
        assert hit["doc_id"] == "000_aa8ebef06fca3b6d" and hit["source"] == "Liputan6.com"
        assert hit["best_sentence"] in hit["text"]
    scores = [h["score"] for h in answer["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_search_queries_file_gives_json_lines_in_order(cli_index: Path, tmp_path: Path):
    questions = [
        "Apakah TikTok membagikan data pengguna ke pemerintah China?",
        "",
        "🤔",
        "Kenapa Bigo Live diancam diblokir?",
    ]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(questions) + "\n", encoding="utf-8")
    result = run("search", "--db", str(cli_index), "--json", "--queries", str(path))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == questions
    assert [line["answered"] for line in lines] == [True, False, False, True]


def test_search_plain_text_cites(cli_index: Path):
    result = run("search", "--db", str(cli_index), "Apakah TikTok membagikan data pengguna ke pemerintah China?")
    assert result.returncode == 0
    assert "ByteDance juga kembali menegaskan" in result.stdout and "**" not in result.stdout  # piped: plain


def test_stats(cli_index: Path):
    result = run("stats", "--db", str(cli_index))
    assert result.returncode == 0
    assert (
        f"indonesian-hybrid v{ANALYZER_VERSION}" in result.stdout
        and "paragraphs:   36" in result.stdout
        and "k1=1.2 b=0.75" in result.stdout
    )


def test_missing_index_is_one_line_and_exit_2(tmp_path: Path):
    for command in (["search", "--db", str(tmp_path / "none.db"), "x"], ["stats", "--db", str(tmp_path / "none.db")]):
        result = run(*command)
        assert result.returncode == 2
        assert result.stderr.strip().count("\n") == 0
        assert "python -m index build corpus/ --db" in result.stderr


def test_build_of_missing_source_fails_and_keeps_old_index(cli_index: Path, tmp_path: Path):
    before = cli_index.read_bytes()
    result = run("build", str(tmp_path / "nowhere"), "--db", str(cli_index))
    assert result.returncode == 2 and "no such file or directory" in result.stderr
    assert cli_index.read_bytes() == before


def test_bad_arguments(cli_index: Path):
    assert run("search", "--db", str(cli_index), "-k", "0", "x").returncode == 2
    assert run("search", "--db", str(cli_index)).returncode == 2
    assert run("build", "--db", str(cli_index), "--b", "3").returncode == 2


def test_search_json_for_an_english_question_shows_what_was_searched(cli_index: Path):
    result = run("search", "--db", str(cli_index), "--json", "why was Bigo threatened with blocking?")
    answer = json.loads(result.stdout)
    assert answer["language"] == "en" and answer["answered"] is True
    assert answer["translations"]["blocking"] == ["blokir"] and answer["translations"]["threatened"] == ["ancam"]
    assert any(
        reason in answer["hits"][0]["text"]
        for reason in (
            "ratusan akun yang menayangkan konten judi online dan pornografi",
            "pemblokiran aplikasi Bigo Live",
        )
    )


def test_build_refuses_to_write_over_a_file_that_is_not_an_index(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not an index", encoding="utf-8")
    result = run("build", "--db", str(notes), "--no-semantic")
    assert result.returncode == 2 and notes.read_text(encoding="utf-8") == "not an index"
    assert (
        result.stderr.strip() == f"error: {notes} exists and is not an index of this program; choose another --db path"
    )
    # searching it: no hint that would build over it, with or without --force
    searched = run("search", "--db", str(notes), "blokir")
    assert searched.returncode == 2 and "not an index of this program" in searched.stderr
    assert "index build" not in searched.stderr and "--force" not in searched.stderr
    forced = run("build", "--db", str(notes), "--no-semantic", "--force")
    assert forced.returncode == 0 and run("stats", "--db", str(notes)).returncode == 0


def test_list_shows_the_documents(cli_index: Path):
    result = run("list", "--db", str(cli_index))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "2 documents"
    assert any(
        line.startswith("000_aa8ebef06fca3b6d  Menkominfo Ancam Blokir") and "Liputan6.com" in line for line in lines
    )
    as_json = [json.loads(line) for line in run("list", "--db", str(cli_index), "--json").stdout.splitlines()]
    assert {d["doc_id"]: d["paragraphs"] for d in as_json} == {"000_aa8ebef06fca3b6d": 29, "004_6a56fde06985a141": 7}
    assert set(as_json[0]) == {"doc_id", "title", "source", "date", "paragraphs"}


def test_queries_from_stdin_one_answer_a_line(cli_index: Path):
    result = run(
        "search", "--db", str(cli_index), "--queries", "-", "--no-semantic", stdin="bigo diblokir\n\nTikTok AS\n"
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    # one line out per line in, blank ones too (an unanswered question), so outputs line up with inputs
    assert [(a["query"], a["answered"]) for a in answers] == [("bigo diblokir", True), ("", False), ("TikTok AS", True)]
