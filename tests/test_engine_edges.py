"""The engine at its edges: huge queries, ubiquitous terms, one-paragraph and term-less indexes."""

import json
import math
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from index.analysis import get_analyzer
from index.bm25 import Postings
from index.ranking import contains, contains_each
from index.search import AnswerService
from index.store import IndexReader, build_index

from support import LuceneIdfBM25Okapi


def build_jsonl(tmp_path: Path, texts: list[str]) -> Path:
    source = tmp_path / "bulk.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8"
    )
    db = tmp_path / "i.db"
    build_index([source], db)
    return db


def oracle_for(db: Path) -> tuple[list[list[str]], LuceneIdfBM25Okapi]:
    reader = IndexReader(db)
    analyzer = get_analyzer()
    corpus = [analyzer.analyze(t) for (t,) in reader.db.execute("SELECT text FROM paragraphs ORDER BY paragraph_id")]
    return corpus, LuceneIdfBM25Okapi(corpus, k1=reader.meta.k1, b=reader.meta.b)


def test_query_of_500_distinct_terms(tmp_path: Path):
    rng = np.random.default_rng(5)
    words = [f"kata{i}x" for i in range(800)]
    texts = [" ".join(rng.choice(words, size=40)) + "." for _ in range(300)]
    db = build_jsonl(tmp_path, texts)
    corpus, oracle = oracle_for(db)
    query = [w for w in dict.fromkeys(t for doc in corpus for t in doc)][:500]
    assert len(set(query)) == 500
    got = AnswerService(db).rank_tokens(query, 20)
    scores = oracle.get_scores(query)
    expected = sorted(range(len(corpus)), key=lambda i: (-scores[i], i))[:20]
    assert [pid for pid, _ in got] == expected
    assert all(math.isclose(s, scores[pid], abs_tol=1e-6) for pid, s in got)


def test_ranking_with_other_parameters_than_the_index_was_built_with_scores_for_those(tmp_path: Path):
    """The reader keeps each term's impacts for the index's own k1 and b (and where they are, for the kernel);
    a ranking with other parameters (the benchmarks' --k1/--b) must compute its own, not use those."""
    from index.bm25 import BM25Params, TermGroup
    from index.ranking import rank_groups

    rng = np.random.default_rng(9)
    words = [f"kata{i}x" for i in range(60)]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(3, 40)))) + "." for _ in range(400)]
    db = build_jsonl(tmp_path, texts)
    corpus, _oracle = oracle_for(db)
    reader = IndexReader(db)
    for k1, b in ((0.6, 0.3), (2.0, 1.0), (reader.meta.k1, reader.meta.b)):
        oracle = LuceneIdfBM25Okapi(corpus, k1=k1, b=b)
        for query in (["kata1x"], ["kata2x", "kata30x", "kata7x"], words[:12]):
            groups = tuple(TermGroup((t,), 1.0) for t in query)
            got, _postings = rank_groups(reader, groups, 10, BM25Params(k1, b), coordinated=False, title_weight=0)
            scores = oracle.get_scores(query)
            expected = sorted(range(len(corpus)), key=lambda i: (-scores[i], i))[:10]
            assert [pid for pid, _ in got] == expected, (k1, b, query)
            assert all(math.isclose(s, scores[pid], abs_tol=1e-6) for pid, s in got)


def test_a_term_in_every_paragraph_still_ranks(tmp_path: Path):
    db = build_jsonl(
        tmp_path, [f"kominfo kominfo laporan nomor{i}" if i % 3 else f"kominfo berita nomor{i}" for i in range(30)]
    )
    got = AnswerService(db).rank_tokens(["kominfo"], 30)
    assert len(got) == 30 and all(score > 0 for _, score in got)
    assert got[0][0] % 3 != 0  # tf 2 beats tf 1


def test_one_paragraph_index(tmp_path: Path):
    db = build_jsonl(tmp_path, ["Kominfo memblokir satu aplikasi judi online."])
    service = AnswerService(db)
    assert service.meta.paragraphs == 1
    [(pid, score)] = service.rank_tokens(get_analyzer().analyze("blokir judi"), 10)
    assert pid == 0 and score > 0
    assert service.answer("pemblokiran judi online").answered
    assert service.rank_tokens(["tidakada"], 10) == []


def test_index_whose_paragraphs_are_only_stop_words(tmp_path: Path):
    db = build_jsonl(tmp_path, ["Yang dan di ke dari untuk itu.", "Ini adalah yang dan itu juga."])
    service = AnswerService(db)
    assert service.meta.avg_length > 0  # no division by zero in length normalisation
    assert service.rank_tokens(["blokir"], 5) == []
    assert not service.answer("blokir").answered


@given(
    st.lists(st.integers(0, 300), unique=True, max_size=60),
    st.lists(st.integers(-5, 305), max_size=20),
)
def test_contains_each_answers_as_contains_one_by_one(held: list[int], asked: list[int]):
    """The citations ask which hits each posting list holds in one look-up; the same as one paragraph at a time."""
    postings = Postings(np.array(sorted(held), dtype=np.int32), np.ones(len(held), dtype=np.int32))
    expected = [p in held for p in asked]
    assert contains_each(postings, asked) == expected
    assert [contains(postings, p) for p in asked if p >= 0] == [e for e, p in zip(expected, asked) if p >= 0]
