"""Issue 13 item 7: when the best paragraph counts as an answer (index/confidence.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.confidence import AnsweredRule
from index.search import AnswerService
from index.semantic import SemanticReranker

RULE = AnsweredRule()


def test_without_a_cosine_coverage_alone_decides_at_its_threshold():
    assert RULE.answered(RULE.min_coverage, None, english=False)
    assert not RULE.answered(RULE.min_coverage - 0.01, None, english=False)
    assert RULE.answered(RULE.min_coverage_english, None, english=True)
    assert not RULE.answered(RULE.min_coverage_english - 0.01, None, english=True)


def test_every_word_matched_is_not_enough_when_the_meaning_is_far():
    """Dimanakah letak Danzig? over a paragraph about the singer Glenn Danzig: every word, another topic."""
    assert RULE.answered(1.0, RULE.sure_cosine, english=False)
    assert not RULE.answered(1.0, RULE.sure_cosine - 0.02, english=False)


def test_close_meaning_makes_up_for_a_word_put_another_way():
    assert not RULE.answered(0.5, None, english=False)
    assert RULE.answered(0.5, RULE.sure_cosine + 0.55 / RULE.meaning_weight, english=False)
    assert not RULE.answered(0.5, RULE.sure_cosine + 0.45 / RULE.meaning_weight, english=False)


def test_english_questions_need_a_lower_cosine_for_the_same_fit():
    """An English question and an Indonesian paragraph score lower together than the same question in Indonesian."""
    cosine = (RULE.sure_cosine + RULE.sure_cosine_english) / 2
    assert RULE.sure_cosine_english < RULE.sure_cosine
    assert RULE.answered(1.0, cosine, english=True) and not RULE.answered(1.0, cosine, english=False)


def test_evidence_grows_with_coverage_and_with_meaning():
    assert RULE.evidence(0.8, 0.85, False) > RULE.evidence(0.6, 0.85, False)
    assert RULE.evidence(0.8, 0.88, False) > RULE.evidence(0.8, 0.85, False)


def test_an_english_question_is_read_with_its_indonesian_rendering_too():
    """Session 13: the rendering's cosine (same language as the paragraph) weighs as much as the question's own."""
    sure = RULE.sure_meaning_english
    assert RULE.answered(1.0, sure - 0.01, True, rendering_cosine=sure + 0.01)
    assert not RULE.answered(1.0, sure + 0.01, True, rendering_cosine=sure - 0.03)  # a far rendering cancels it
    assert RULE.evidence(1.0, 0.9, True, 0.8) == pytest.approx(RULE.evidence(1.0, 0.8, True, 0.9))  # equal shares
    # no rendering cosine (the model failed for it): the question's own at its own level
    assert RULE.evidence(0.7, 0.8, True, None) == pytest.approx(
        0.7 + RULE.meaning_weight * (0.8 - RULE.sure_cosine_english)
    )


def test_an_indonesian_question_has_no_rendering_to_read():
    assert RULE.evidence(0.7, 0.86, False, 0.5) == RULE.evidence(0.7, 0.86, False)


@pytest.mark.parametrize(
    "question, answered",
    [
        ("Siapa pemilik TikTok?", False),  # every word matched ("miliknya"), but no paragraph says who owns it
        ("Apakah Shopee diblokir Kominfo?", False),
        ("When was Instagram banned in Indonesia?", False),
        ("Apa nama situs informasi TikTok di AS?", True),  # covers half the words, and means the same
        ("Kenapa Bigo Live diancam diblokir?", True),
        ("why was Bigo threatened with blocking?", True),
        ("Does TikTok share user data with the Chinese government?", True),
        ("TikTok gugat Trump?", True),  # the article's "mengugat" (a dropped g) is read as menggugat
    ],
)
def test_the_seed_articles_with_the_model(seed_index: Path, shared_vectors_cache: Path, question: str, answered: bool):
    service = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache))
    answer = service.answer(question)
    assert answer.similarity is not None
    assert (answer.rendering_similarity is not None) == (answer.language == "en")
    assert answer.answered == answered, (answer.coverage, answer.similarity, answer.rendering_similarity)
    assert answer.hits  # a refusal still carries the closest paragraph (item 8)


class RecordingReranker(SemanticReranker):
    """The real model, remembering what it was asked to compare."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def cosines(self, question, texts):
        self.asked.append((question, tuple(texts)))
        return super().cosines(question, texts)


def test_the_rendering_is_the_searched_words_as_the_best_paragraph_writes_them(
    seed_index: Path, shared_vectors_cache: Path
):
    reranker = RecordingReranker(shared_vectors_cache)
    question = "Does TikTok share user data with the Chinese government?"
    answer = AnswerService(seed_index, semantic=reranker).answer(question)
    best = answer.hits[0].text
    (rendering,) = [asked for asked, texts in reranker.asked if texts == (best,) and asked != question]
    words = set(re.findall(r"\w+", best.lower()))
    # translated words as the paragraph writes them (membagikan ← share); a word it lacks is searched as asked
    assert {"tiktok", "membagikan", "data", "pengguna", "pemerintah"} <= set(rendering.split()) & words, rendering
    assert len(rendering.split()) == len(answer.query_terms)
    assert answer.rendering_similarity == pytest.approx(float(reranker.cosines(rendering, [best])[0]), abs=1e-6)
