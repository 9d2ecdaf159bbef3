"""Issue 13.3: chat Indonesian — particles dropped, chat spellings written out — in questions only."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chat import chat_forms, write_out_chat
from index.search import AnswerService


def test_particles_go_and_chat_spellings_are_written_out():
    assert write_out_chat("Bigo kena blokir karena apa sih? gimana dong") == "Bigo kena blokir karena apa ? bagaimana"
    assert (
        write_out_chat("knp yg diblokir gak jelas, udah lama krn judi utk org")
        == "kenapa yang diblokir tidak jelas, sudah lama karena judi untuk orang"
    )
    assert write_out_chat("Kok BISA? Ya") == "BISA?"


def test_handles_domains_and_other_words_are_left_alone():
    assert write_out_chat("akun @sih_ya dan situs ya.com ditutup") == "akun @sih_ya dan situs ya.com ditutup"
    assert write_out_chat("Terima kasih, SMA Negeri 1 kena sanksi") == "Terima kasih, SMA Negeri 1 kena sanksi"
    # a hyphenated code keeps its parts: GA-181 is a flight ("ga" alone is chat for tidak)
    assert (
        write_out_chat("Berapa penumpang GA-181 yg selamat? ga ada")
        == "Berapa penumpang GA-181 yang selamat? tidak ada"
    )
    # a word in capitals is a code or an acronym, unless the whole question is written in capitals
    assert (
        write_out_chat("Berapa penumpang GA 181 yg selamat? ga ada")
        == "Berapa penumpang GA 181 yang selamat? tidak ada"
    )
    assert write_out_chat("KENAPA GA BISA DIBUKA YG INI") == "KENAPA tidak BISA DIBUKA yang INI"


def test_the_data_file_is_well_formed():
    forms = chat_forms()
    assert len(forms) > 100 and all(form == form.lower() and " " not in form for form in forms)
    assert all(written != form for form, written in forms.items())


@pytest.mark.parametrize(
    "question",
    [
        "knp bigo live diblokir sih?",
        "bigo live diancam diblokir krn apa ya?",
        "tiktok bagi data pengguna ke china gak sih?",
        "Bigo Live kena blokir karena apa sih? online gambling ya?",
    ],
)
def test_chatty_questions_over_the_seed_articles_are_answered(seed_index: Path, question: str):
    answer = AnswerService(seed_index).answer(question)
    assert answer.answered, (question, answer.query_terms, answer.coverage)
    assert answer.query == question  # the answer names the question as asked
    assert not {t for g in answer.query_terms for t in g.terms} & {"sih", "ya", "krn", "knp", "gak"}


@pytest.mark.parametrize(
    "question",
    [
        "sih ya dong deh",  # only particles
        "yang dan di ke dari",  # only stop words
        "Bigo",  # only a name
        "diblokr",  # only a typo
        "kalau TikTok gimana?",  # a follow-up as the very first message
        "ya" * 2048,
        "Бигo Live 블로킹 ビゴ ライブ blokir لماذا",
        "\u202eBigo\u202c \u200b \ufeff",
    ],
)
def test_bad_input_gets_a_normal_answer_or_a_clean_refusal(seed_index: Path, question: str):
    """Issue 13, bad input: never a traceback; the usual rule decides whether it is answered."""
    service = AnswerService(seed_index)
    answer = service.answer(question)
    assert answer.query == question and answer.borrowed == ()
    assert answer.answered == (
        bool(answer.hits)
        and service.answered_rule.answered(
            answer.coverage, answer.similarity, answer.language == "en", answer.rendering_similarity
        )
    )
