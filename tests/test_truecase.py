"""A question typed in lower case reaches the embedding model with its names as the articles write them
(index/truecase.py), and only its case changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.search import AnswerService
from index.semantic import SemanticReranker
from index.truecase import corpus_casing, truecased, typed_in_lower_case

BIGO = [
    "Liputan6.com, Jakarta - Bigo Live diketahui telah melakukan pertemuan dengan Menteri Kominfo.",
    "Kali ini, Bigo Live menjadi sorotan setelah ditemukan ratusan akun.",
]


def test_a_lower_case_name_takes_the_form_the_articles_write():
    assert truecased("kenapa bigo live diancam diblokir?", BIGO) == "kenapa Bigo Live diancam diblokir?"
    assert truecased("siapa menteri kominfo", BIGO) == "siapa Menteri Kominfo"


def test_a_capital_at_a_sentence_start_says_nothing():
    assert truecased("kali ini", BIGO) == "kali ini"  # "Kali ini, …" opens its paragraph
    texts = ["Ia datang. Data itu bocor.", 'Katanya: "Data pengguna aman."']
    assert corpus_casing(["data"], texts) == {}


def test_a_word_the_articles_write_in_lower_case_more_often_stays():
    texts = ["Laporan Data Pengguna terbit.", "data pengguna bocor", "soal data itu"]
    assert truecased("data pengguna", texts) == "data pengguna"  # data: 1 capitalised, 2 lower
    assert corpus_casing(["pengguna"], ["Laporan Data Pengguna terbit.", "Ada Pengguna baru."]) == {
        "pengguna": "Pengguna"
    }


def test_the_most_frequent_capitalised_form_wins_and_ties_do_not_depend_on_order():
    texts = ["Kata TikTok hari ini.", "Lalu TikTok menjawab.", "Lalu Tiktok menjawab."]
    assert truecased("apakah tiktok aman", texts) == "apakah TikTok aman"
    tied = ["Kata TikTok hari ini.", "Lalu Tiktok menjawab."]
    assert truecased("tiktok", tied) == truecased("tiktok", tied[::-1]) == "TikTok"


def test_function_words_typed_capitals_and_parts_of_longer_words_are_left_alone():
    texts = ["Data warga AS bocor.", "Kata Bigo pada BigoLive dan Bigo-Live."]
    assert truecased("as", texts, frozenset({"as"})) == "as"  # English "as", not AS (Amerika Serikat)
    assert truecased("as", texts) == "AS"
    assert truecased("Tiktok dan bigo", ["Kata TikTok dan Bigo."]) == "Tiktok dan Bigo"  # its first word aside
    assert corpus_casing(["bigolive"], texts) == {"bigolive": "BigoLive"}
    assert truecased("bigo-live", ["Kata Bigo Live."]) == "bigo-live"  # "bigo-live" is one word, not held


def test_a_question_with_a_capital_inside_a_sentence_is_taken_as_cased_as_meant():
    texts = ["Kata Bigo Live dan TikTok hari ini."]
    assert truecased("kenapa Bigo live diblokir?", texts) == "kenapa Bigo live diblokir?"
    assert truecased("apa kata BIGO soal tiktok", texts) == "apa kata BIGO soal tiktok"
    # a keyboard's capitals at sentence starts, numbers and quotes do not make a question cased
    assert truecased("Kenapa bigo diblokir? Apa tiktok juga?", texts) == "Kenapa Bigo diblokir? Apa TikTok juga?"
    assert truecased('"bigo" diblokir tahun 2024?', texts) == '"Bigo" diblokir tahun 2024?'
    # the answer service reads the candidates for truecasing only where this holds
    assert typed_in_lower_case("Kenapa bigo diblokir? Apa tiktok juga?")
    assert not typed_in_lower_case("kenapa Bigo live diblokir?")


# letters whose case does not map one to one (dotted İ, ß, final ς, titlecase ǅ, the ﬁ ligature) among plain ones
ALPHABET = "abcdeBIGO tikTOK-'’.,?!\n\"“İıßσςΣǅǆǄﬁ\u0307"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list(ALPHABET)), max_size=40),
    st.lists(st.text(alphabet=st.sampled_from(list(ALPHABET + "(")), max_size=60), max_size=4),
)
def test_only_the_case_of_whole_lower_case_words_changes(question: str, texts: list[str]):
    cased = truecased(question, texts)
    assert cased.lower() == question.lower() and len(cased) == len(question)
    for typed, written in zip(question, cased):
        assert typed == written or typed.islower()  # a capital the user typed is never lowered


def test_the_model_reads_the_lower_case_question_as_the_articles_write_it(seed_index: Path, shared_vectors_cache: Path):
    question = "siapa yang menegur bigo?"
    cased = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache))
    typed = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache), truecase=False)
    answer, as_typed = cased.answer(question), typed.answer(question)
    assert answer.hits[0].doc_id == as_typed.hits[0].doc_id
    first = answer.hits[0].text
    assert "teguran" in first
    reranker = SemanticReranker(shared_vectors_cache)
    as_written, lower = (float(reranker.cosines(q, [first])[0]) for q in ("siapa yang menegur Bigo?", question))
    assert abs(as_written - lower) > 1e-3  # the model tells the two apart
    # (to float32 rounding: the answer's cosines come from one product over all its candidates)
    assert answer.similarity == pytest.approx(as_written, abs=1e-6)
    assert as_typed.similarity == pytest.approx(lower, abs=1e-6)


def test_the_flagship_question_typed_as_chats_type_it_is_answered(seed_index: Path, shared_vectors_cache: Path):
    question = "kenapa bigo diancam diblokir?"
    cased = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache))
    typed = AnswerService(seed_index, semantic=SemanticReranker(shared_vectors_cache), truecase=False)
    answer, as_typed = cased.answer(question), typed.answer(question)
    assert answer.answered and not as_typed.answered  # its cosine 0.852 → 0.861, the sure level 0.853
    assert "Bigo Live" in answer.hits[0].text
