"""The public Python API (index/api.py): open_index, rank (exact plain BM25), ask (the CLI's Answer), close."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from index import open_index
from index.analysis import get_analyzer
from index.present import answer_to_json
from index.search import AnswerService
from index.store import IndexFileError, IndexReader
from support import LuceneIdfBM25Okapi


def test_rank_is_plain_bm25_equal_to_the_oracle(messy_index: Path):
    reader = IndexReader(messy_index)
    rows = reader.db.execute(
        "SELECT paragraph_id, doc_id, position, text FROM paragraphs ORDER BY paragraph_id"
    ).fetchall()
    analyzer = get_analyzer()
    oracle = LuceneIdfBM25Okapi([analyzer.analyze(text) for *_, text in rows], k1=1.2, b=0.75)
    with open_index(messy_index, semantic=False) as idx:
        for terms in (["blokir"], ["kominfo", "judi", "online"], ["taman", "baca", "baca"], ["absent"]):
            scores = oracle.get_scores(terms)
            expected = sorted((i for i in range(len(rows)) if scores[i] > 0), key=lambda i: (-scores[i], i))[:3]
            ranked = idx.rank(terms, k=3)
            assert [r.paragraph_id for r in ranked] == expected
            for r in ranked:
                assert math.isclose(r.score, scores[r.paragraph_id], abs_tol=1e-6)
                assert (r.doc_id, r.position) == tuple(rows[r.paragraph_id][1:3])
        with pytest.raises(ValueError):
            idx.rank(["blokir"], k=0)


def test_ask_is_the_answer_the_cli_prints(seed_index: Path):
    question = "Kenapa Bigo Live diancam diblokir?"
    with open_index(seed_index, semantic=False) as idx:
        answer = idx.ask(question, k=3)
    assert answer.answered and len(answer.hits) == 3
    assert answer_to_json(answer) == answer_to_json(AnswerService(seed_index).answer(question, 3))


def test_a_missing_index_is_a_clear_error(tmp_path: Path):
    with pytest.raises(IndexFileError, match="no index at"):
        open_index(tmp_path / "nothing.db")


def test_misuse_is_a_clear_error_not_a_quiet_or_misleading_one(seed_index: Path):
    """A string where analysed terms belong would be ranked letter by letter (no hits, no error); a closed index
    read its closed database and called the file damaged."""
    idx = open_index(seed_index, semantic=False)
    with pytest.raises(TypeError, match="not a string"):
        idx.rank("bigo", k=3)
    assert idx.rank(["bigo"], k=3)  # the same term, as a list
    # other wrong types: each said plainly, where they failed deep inside or were quietly ignored
    for call, message in (
        (lambda: idx.rank(["bigo", None]), "each term must be a string"),
        (lambda: idx.ask(None), "the question must be a string, not NoneType"),
        (lambda: idx.ask(b"bigo"), "not bytes"),
        (lambda: idx.ask("bigo", k="3"), "k must be an int, not str"),
        (lambda: idx.rank(["bigo"], k=2.5), "k must be an int, not float"),
    ):
        with pytest.raises(TypeError, match=message):
            call()
    idx.close()
    for call in (lambda: idx.ask("Kenapa Bigo Live diancam diblokir?"), lambda: idx.rank(["bigo"])):
        with pytest.raises(ValueError, match="the index is closed"):
            call()
    idx.close()  # again: harmless
