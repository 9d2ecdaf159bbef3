"""Issue 13.6: a pasted text is searched by its most telling words, not refused for covering too little."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.present import searched_line
from index.search import LONG_QUESTION_WORDS, MOST_TELLING_TERMS, AnswerService

PASTED_ID = (
    "Saya baca di grup WhatsApp keluarga bahwa aplikasi Bigo Live katanya mau diblokir oleh Kementerian Komunikasi "
    "dan Informatika karena banyak konten judi online dan pornografi yang tayang di sana, lalu katanya perusahaan "
    "sudah "
    "dipanggil dan diberi waktu untuk membersihkan kontennya, apakah itu benar dan apa alasan pemerintah sebenarnya "
    "mengancam memblokir aplikasi tersebut?"
)
PASTED_EN = (
    "I read in a family WhatsApp group that TikTok apparently shares the personal data of its users with the Chinese "
    "government and that the company in Beijing can see everything we post and watch, which is why some countries "
    "want to ban it; is that true and what did TikTok itself say about sharing user data with China?"
)


@pytest.mark.parametrize("text, expected", [(PASTED_ID, "Bigo Live"), (PASTED_EN, "TikTok")])
def test_a_pasted_text_is_answered_from_its_most_telling_words(seed_index: Path, text: str, expected: str):
    assert len(text.split()) > LONG_QUESTION_WORDS
    answer = AnswerService(seed_index).answer(text)
    assert answer.answered and expected in answer.hits[0].text
    assert 0 < len(answer.focus_terms) <= MOST_TELLING_TERMS and len(answer.query_terms) <= MOST_TELLING_TERMS
    assert searched_line(answer, "en").startswith("the text's most telling words: ")


def test_a_short_question_is_searched_whole(seed_index: Path):
    answer = AnswerService(seed_index).answer("Kenapa Bigo Live diancam diblokir?")
    assert answer.focus_terms == ()


@pytest.mark.parametrize(
    "text",
    [
        "zzqx " * 60,
        "dan yang di ke dari " * 30,
        "x" * 4096,
        ("Bigo " * 900)[:4096],
        "Бигo Live 블로킹 ビゴ ライブ blokir لماذا " * 20,
    ],
)
def test_long_odd_inputs_get_a_normal_answer(seed_index: Path, text: str):
    service = AnswerService(seed_index)
    answer = service.answer(text)  # no exception, and the usual rule decides
    assert answer.query == text
    assert answer.answered == (
        bool(answer.hits)
        and service.answered_rule.answered(
            answer.coverage, answer.similarity, answer.language == "en", answer.rendering_similarity
        )
    )
