"""Issue 13 item 7: when the best paragraph counts as an answer (index/confidence.py)."""

from __future__ import annotations

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
    assert answer.answered == answered, (answer.coverage, answer.similarity)
    assert answer.hits  # a refusal still carries the closest paragraph (item 8)
