"""Plain-text answers (CLI, console): refusals show the closest paragraph, marked (issue 13.8)."""

from __future__ import annotations

from pathlib import Path

from index.messages import say
from index.present import answer_to_json, answer_to_text
from index.search import AnswerService


def test_a_refusal_with_a_near_paragraph_shows_it_marked(seed_index: Path):
    answer = AnswerService(seed_index).answer("Berapa harga saham Bigo di bursa Hong Kong tahun 2030?")
    assert not answer.answered and answer.hits
    text = answer_to_text(answer)  # an Indonesian question: the words around the excerpt are Indonesian
    assert text.startswith("Saya tidak menemukan paragraf yang menjawab")
    assert say("closest_label", "id") in text and answer.hits[0].best_sentence in text and "Coba sebutkan" in text
    english = answer_to_text(answer, language="en")
    assert english.startswith("I could not find a paragraph that answers this")
    assert say("closest_label", "en") in english and answer.hits[0].best_sentence in english and "Try naming" in english
    assert answer_to_json(answer)["hits"] and answer_to_json(answer)["answered"] is False


def test_an_english_question_gets_english_words_around_the_excerpts(seed_index: Path):
    """Issue 14.5: an English reader got an Indonesian interface (here: the refusal and the searched line)."""
    answer = AnswerService(seed_index).answer("What is the share price of Bigo on the Hong Kong exchange in 2030?")
    assert answer.language == "en" and not answer.answered
    text = answer_to_text(answer)
    assert text.startswith("I could not find") and "\nsearched: " in text and "dicari" not in text


def test_a_refusal_with_nothing_matching_shows_no_paragraph(seed_index: Path):
    answer = AnswerService(seed_index).answer("Qwxzvy plorkt?")
    assert not answer.answered and not answer.hits
    assert say("closest_label", "id") not in answer_to_text(answer)
    assert say("closest_label", "en") not in answer_to_text(answer, language="en")


def test_searched_shows_words_as_the_articles_write_them_never_stems(seed_index: Path):
    """Issue 15.7: "irim ← send", "guna ← user" were stems; a reader knows "mengirimkan", "pengguna"."""
    answer = AnswerService(seed_index).answer("Did TikTok send user data to the Chinese government?")
    line = answer_to_text(answer, language="en").rsplit("searched: ", 1)[1]
    assert "mengirimkan ← send" in line and "pengguna ← user" in line and "pemerintah ← government" in line
    sent = answer_to_json(answer)["translations"]["send"]  # the JSON keeps the index terms (its contract)
    assert sent and "mengirimkan" not in sent


def test_plain_text_cites_an_article_once(seed_index: Path):
    answer = AnswerService(seed_index).answer("Kenapa Bigo Live diancam diblokir?", k=3)
    assert len({h.doc_id for h in answer.hits}) == 1 and len(answer.hits) == 3  # all from the Liputan6 article
    text = answer_to_text(answer, language="en")
    assert text.count("Liputan6.com") == 1 and text.count("— same article as 1") == 2
