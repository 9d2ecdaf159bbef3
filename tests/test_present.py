"""Plain-text answers (CLI, console): refusals show the closest paragraph, marked (issue 13.8)."""
from __future__ import annotations

from pathlib import Path

from index.present import CLOSEST_LABEL, answer_to_json, answer_to_text
from index.search import AnswerService


def test_a_refusal_with_a_near_paragraph_shows_it_marked(seed_index: Path):
    answer = AnswerService(seed_index).answer("Berapa harga saham Bigo di bursa Hong Kong tahun 2030?")
    assert not answer.answered and answer.hits
    text = answer_to_text(answer)
    assert text.startswith("I could not find a paragraph that answers this")
    assert CLOSEST_LABEL in text and answer.hits[0].best_sentence in text and "Try naming" in text
    assert answer_to_json(answer)["hits"] and answer_to_json(answer)["answered"] is False


def test_a_refusal_with_nothing_matching_shows_no_paragraph(seed_index: Path):
    answer = AnswerService(seed_index).answer("Qwxzvy plorkt?")
    assert not answer.answered and not answer.hits
    assert CLOSEST_LABEL not in answer_to_text(answer)
