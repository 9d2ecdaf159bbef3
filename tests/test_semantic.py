"""Semantic re-ranking (index/semantic.py): the order rule, the vector cache, the real model, and that a
failing model or cache never stops an answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.search import AnswerService
from index.semantic import (
    MAX_NEAREST_PARAGRAPHS,
    Embedder,
    SemanticReranker,
    VectorCache,
    join_nearest,
    prepare_vectors,
    semantic_order,
    text_digest,
)
from index.store import build_index


def test_semantic_order_adds_the_weighted_cosine_to_the_relative_bm25_score():
    scores = [10.0, 9.0, 5.0]
    assert semantic_order(scores, np.array([0.80, 0.80, 0.80]), 1.5) == [0, 1, 2]  # equal meaning: BM25 order
    assert semantic_order(scores, np.array([0.80, 0.82, 0.70]), 1.5) == [1, 0, 2]  # 0.9 + 0 > 1 - 0.3
    assert semantic_order(scores, np.array([0.80, 0.805, 0.90]), 1.5) == [2, 0, 1]  # meaning can lift the third
    assert semantic_order(scores, np.array([0.80, 0.82, 0.70]), 0.0) == [0, 1, 2]  # weight 0: BM25 alone
    assert semantic_order([], np.array([])) == []


def test_a_bonus_keeps_a_paragraph_of_the_asked_type_ahead_after_re_ranking():
    scores, cosines = [10.0, 4.7], np.array([0.831, 0.870])  # "Berapa orang tim moderasi…": 300 orang vs no number
    assert semantic_order(scores, cosines, 1.5) == [1, 0]  # 0.47 + 0 > 1 − 0.585
    assert semantic_order(scores, cosines, 1.5, bonus=[0.2, 0.0]) == [0, 1]


def test_how_many_questions_get_the_paragraph_with_the_number_first(seed_index: Path, shared_vectors_cache: Path):
    service = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache))
    assert "300 orang" in service.answer("Berapa orang tim moderasi Bigo Live?").hits[0].text
    unbiased = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache), type_meaning_bonus=0.0)
    assert "300 orang" not in unbiased.answer("Berapa orang tim moderasi Bigo Live?").hits[0].text


def test_vector_cache_round_trips_by_digest(tmp_path: Path):
    cache = VectorCache(tmp_path / "v.db")
    vector = np.linspace(-1, 1, 384, dtype=np.float32)
    cache.put([(text_digest("a"), vector)])
    again = VectorCache(tmp_path / "v.db")  # another process's view of the same file
    found = again.get([text_digest("a"), text_digest("b")])
    assert list(found) == [text_digest("a")] and np.allclose(found[text_digest("a")], vector, atol=1e-3)
    assert text_digest("a") != text_digest("a ")


def test_the_model_relates_an_english_question_to_the_indonesian_paragraph_that_answers_it(tmp_path: Path):
    reranker = SemanticReranker(tmp_path / "v.db")
    texts = [
        "Kominfo mengancam memblokir Bigo Live karena konten judi online dan pornografi.",
        "Harga cabai di pasar tradisional naik menjelang hari raya.",
    ]
    cosines = reranker.cosines("Why was Bigo threatened with blocking?", texts)
    assert cosines is not None and cosines[0] > cosines[1] + 0.05
    assert len(reranker.cache.get([text_digest(t) for t in texts])) == 2  # embedded once, cached


class BrokenEmbedder(Embedder):
    """Fault injection: the model fails (a broken install, a crash in the C engine)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def passages(self, texts):
        self.calls += 1
        raise OSError("cannot load the model")

    queries = passages


def test_a_failing_model_leaves_bm25_order_and_is_not_retried(seed_index: Path, shared_vectors_cache: Path, caplog):
    plain = AnswerService(seed_index).answer("Kenapa Bigo Live diancam diblokir?", 5)
    broken = BrokenEmbedder()
    service = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache, broken))
    answer = service.answer("Kenapa Bigo Live diancam diblokir?", 5)
    assert [h.paragraph_id for h in answer.hits] == [h.paragraph_id for h in plain.hits] and answer.answered
    service.answer("Apakah TikTok membagikan data pengguna?", 5)
    assert broken.calls == 1 and "semantic re-ranking is off" in caplog.text


def test_candidates_not_embedded_yet_keep_bm25_order_without_waiting_for_the_model(seed_index: Path, tmp_path: Path):
    """After a rebuild, until its new paragraphs are embedded, a question embeds at most a few candidates."""
    counting = BrokenEmbedder()
    service = AnswerService(seed_index, semantic=SemanticReranker(tmp_path / "empty.db", counting))
    plain = AnswerService(seed_index).answer("Kenapa Bigo Live diancam diblokir?", 5)
    answer = service.answer("Kenapa Bigo Live diancam diblokir?", 5)
    assert [h.paragraph_id for h in answer.hits] == [h.paragraph_id for h in plain.hits] and counting.calls == 0


def test_an_unwritable_cache_leaves_bm25_order(seed_index: Path, tmp_path: Path):
    (tmp_path / "a-file").write_text("x")
    service = AnswerService(seed_index, semantic=SemanticReranker(tmp_path / "a-file" / "v.db"))
    plain = AnswerService(seed_index).answer("why was Bigo threatened with blocking?", 5)
    answer = service.answer("why was Bigo threatened with blocking?", 5)
    assert [h.paragraph_id for h in answer.hits] == [h.paragraph_id for h in plain.hits]


def test_only_the_first_depth_candidates_are_re_ordered(seed_index: Path, shared_vectors_cache: Path):
    question = "Berapa orang tim moderasi Bigo Live?"  # re-ranking moves another paragraph first (test above)
    bm25_order = [h.paragraph_id for h in AnswerService(seed_index).answer(question, 5).hits]
    one_deep = AnswerService(
        seed_index,
        semantic=SemanticReranker(shared_vectors_cache, depth=1),
        type_meaning_bonus=0,
        nearest_candidates=0,
    )
    assert [h.paragraph_id for h in one_deep.answer(question, 5).hits] == bm25_order
    deep = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache), type_meaning_bonus=0)
    assert [h.paragraph_id for h in deep.answer(question, 5).hits] != bm25_order


def test_rerank_reorders_the_head_by_meaning_and_keeps_the_tail(shared_vectors_cache: Path):
    reranker = SemanticReranker(shared_vectors_cache)
    ranked = [(7, 5.0), (3, 4.8), (9, 1.0)]
    texts = ["Kucing itu tidur di sofa sepanjang hari.", "Kominfo mengancam memblokir Bigo Live karena judi online."]
    order, cosines = reranker.rerank(ranked, "Kenapa Bigo Live diancam diblokir?", texts)
    assert order == [(3, 4.8), (7, 5.0), (9, 1.0)]  # BM25 scores kept; only the two read texts re-ordered
    assert set(cosines) == {7, 3} and cosines[3] > cosines[7]
    # the bonus is added per candidate, after the cosines
    order, _ = reranker.rerank(ranked, "Kenapa Bigo Live diancam diblokir?", texts, bonus=[10.0, 0.0])
    assert order[0] == (7, 5.0)


def _write_articles(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_nearest_paragraphs_join_the_candidates_bm25_cannot_find(tmp_path: Path):
    """An English question whose words the translation misses still reaches its paragraph by meaning."""
    corpus = _write_articles(
        tmp_path / "corpus",
        {
            "bigo": "Bigo Live\n\nBigo Live adalah aplikasi siaran langsung dari Singapura yang populer.",
            "judi": "Perjudian daring\n\nPemerintah bisa menutup layanan itu karena perjudian dan pornografi.",
            "cabai": "Harga cabai\n\nHarga cabai di pasar tradisional naik menjelang hari raya.",
        },
    )
    db = tmp_path / "index.db"
    build_index([corpus], db)
    reranker = SemanticReranker(tmp_path / "vectors.db")
    question = "Why was Bigo Live threatened?"
    bm25_only = AnswerService(db, semantic=reranker, nearest_candidates=0)
    with_nearest = AnswerService(db, semantic=reranker, nearest_candidates=3)
    # not embedded yet: BM25's candidates alone, and no waiting for the model
    assert with_nearest.index.current.reader.meta.paragraphs == 3
    assert [h.text for h in with_nearest.answer(question, 5).hits] == [
        h.text for h in bm25_only.answer(question, 5).hits
    ]
    prepare_vectors(db, reranker)
    reranker._paragraph_vectors = None  # the test does not wait NEAREST_RETRY_SECONDS
    threat = "Pemerintah bisa menutup layanan"
    assert not any(
        threat in h.text for h in AnswerService(db, semantic=reranker, nearest_candidates=0).answer(question, 5).hits
    )
    hits = AnswerService(db, semantic=reranker, nearest_candidates=3).answer(question, 5).hits
    assert any(threat in h.text for h in hits)


def test_nearest_is_closest_first_and_vectors_are_kept_per_build(tmp_path: Path):
    reranker = SemanticReranker(tmp_path / "vectors.db")
    rows = [
        (4, "Harga cabai naik di pasar."),
        (9, "Kominfo memblokir situs judi online."),
        (12, "Tim sepak bola menang."),
    ]
    reranker.vectors([text for _, text in rows])
    calls = []

    def batches():
        calls.append(1)
        yield rows

    vectors = reranker.paragraph_vectors("build-1", batches, len(rows))
    assert vectors is not None and list(vectors.ids) == [4, 9, 12]
    assert np.allclose(np.linalg.norm(vectors.matrix, axis=1), 1.0)
    assert reranker.nearest("situs judi diblokir", vectors, 2)[0] == 9
    assert reranker.nearest("situs judi diblokir", vectors, 10) == reranker.nearest("situs judi diblokir", vectors, 3)
    assert reranker.paragraph_vectors("build-1", batches, len(rows)) is vectors and len(calls) == 1
    assert reranker.paragraph_vectors("build-2", batches, len(rows)) is not vectors and len(calls) == 2
    assert reranker.paragraph_vectors("build-3", batches, MAX_NEAREST_PARAGRAPHS + 1) is None  # too big to hold


def test_join_nearest_moves_or_adds_the_nearest_into_the_head():
    ranked = [(1, 9.0), (2, 8.0), (3, 2.0), (4, 1.0)]
    # 4 moves up with its BM25 score, 7 (no BM25 match) joins with 0, 1 is already in the head
    assert join_nearest(ranked, 2, [4, 1, 7]) == ([(1, 9.0), (2, 8.0), (4, 1.0), (7, 0.0), (3, 2.0)], 4)
    assert join_nearest(ranked, 2, []) == (ranked, 2)
    assert join_nearest(ranked, 2, [2, 2]) == (ranked, 2)
