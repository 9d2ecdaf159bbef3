"""Why-questions: the reason stated after a causal connective is searched too (index/reasons.py)."""

from pathlib import Path

import pytest

from index.analysis import get_analyzer
from index.reasons import is_why_question, reason_clauses, reason_terms
from index.search import AnswerService
from index.store import build_index

ARTICLE = """---
title: Situs Kabarku diblokir
source: Contoh News
date: 2024-02-01
---
Jakarta - Kementerian Komunikasi dan Informatika memutus akses ke sejumlah situs berita palsu menjelang pemilu.
Kominfo Blokir Situs Kabarku Karena Sebarkan Hoaks Pemilu
Pengelola situs Kabarku akhirnya buka suara soal pemblokiran situsnya.
Menurut Kominfo, Kabarku memuat ratusan artikel hoaks tentang pemilu sejak Januari dan tidak menanggapi dua \
surat teguran.
Baca Juga
Hasil Liga Inggris Pekan Ini
Advertisement
Pengelola berjanji memperbaiki proses redaksi dan menghapus artikel yang bermasalah.
"""
OTHER = """Jakarta - Pemerintah meluncurkan program literasi digital untuk pelajar di sepuluh provinsi.
Program ini mengajarkan cara mengenali situs berita yang dapat dipercaya dan melaporkan konten negatif.
Situs resmi program dapat diakses melalui portal Kominfo.
"""
MENTION = "Pengelola situs Kabarku akhirnya buka suara"
REASON = "Kabarku memuat ratusan artikel hoaks"


@pytest.fixture(scope="module")
def kabar_index(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("why")
    (corpus / "kabar.md").write_text(ARTICLE, encoding="utf-8")
    (corpus / "lain.txt").write_text(OTHER, encoding="utf-8")
    build_index([corpus], corpus / "index.db")
    return corpus / "index.db"


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Kenapa Bigo Live diancam diblokir?", True),
        ("Mengapa situs itu diblokir", True),
        ("why was Bigo threatened with blocking?", True),
        ("What was the reason TikTok Shop closed?", True),
        ("Apa alasan Kominfo memblokir situs itu?", True),
        ("Apa penyebabnya?", True),
        ("Siapa menteri yang mengancam Bigo?", False),
        ("Berapa akun yang dihapus Bigo Live?", False),
        ("Bigo blocking", False),
        ("nowhere", False),  # "how" inside a word is not a question word
    ],
)
def test_why_questions_are_recognised(question: str, expected: bool):
    assert is_why_question(question) is expected


def test_reason_clauses_split_at_causal_connectives_but_not_purpose_or_condition():
    assert list(reason_clauses("Menkominfo Ancam Blokir Bigo Live Terkait Judi Online dan Pornografi")) == [
        ("menkominfo ancam blokir bigo live ", " judi online dan pornografi")
    ]
    assert list(reason_clauses("Situs itu diblokir karena memuat judi, kata menteri.")) == [
        ("situs itu diblokir ", " memuat judi")
    ]
    assert list(reason_clauses("Bigo Live memperketat aturan untuk bersihkan konten.")) == []
    assert list(reason_clauses("Apabila tidak ada itikad baik, maka aplikasi diblokir.")) == []
    assert list(reason_clauses("Diblokir karena")) == []  # nothing after the connective


def test_reason_counts_only_when_its_clause_names_the_whole_event():
    analyze = get_analyzer().analyze
    groups = [frozenset({"bigo"}), frozenset({"ancam"}), frozenset({"blokir"})]
    texts = [
        "Bigo Live menjadi sorotan setelah ditemukan ratusan akun.",  # event incomplete: no threat, no blocking
        "Menkominfo Ancam Blokir Bigo Live Terkait Judi Online dan Pornografi",
        "Menkominfo Ancam Blokir Bigo Live Terkait Judi Online dan Pornografi",  # the same heading again
    ]
    assert reason_terms(groups, texts, analyze) == (["judi", "online", "pornografi"], [texts[1]])
    assert reason_terms(groups, texts[:1], analyze) == ([], [])
    assert reason_terms([], texts, analyze) == ([], [])


def test_why_question_puts_the_stated_reason_first(kabar_index: Path):
    service = AnswerService(kabar_index)
    plain = service.answer("situs Kabarku diblokir?", k=3)
    assert MENTION in plain.hits[0].text and plain.reason_terms == ()  # BM25 alone: the mention leads
    for question in ("Mengapa situs Kabarku diblokir?", "Why was the Kabarku site blocked?"):
        answer = service.answer(question, k=3)
        assert answer.answered
        assert REASON in answer.hits[0].text, question
        assert answer.reason_terms == ("sebar", "hoaks", "pilu")  # index terms: Snowball stems pemilu to pilu
        assert answer.reason_sources == ("Kominfo Blokir Situs Kabarku Karena Sebarkan Hoaks Pemilu",)
        assert any(MENTION in h.text for h in answer.hits)  # reordered, not dropped
        # the same first hit whatever the number of hits asked for
        assert REASON in service.answer(question, k=1).hits[0].text


def test_why_question_without_a_stated_reason_is_answered_as_before(kabar_index: Path):
    service = AnswerService(kabar_index)
    why = service.answer("Mengapa program literasi digital diluncurkan?", k=3)
    plain = service.answer("program literasi digital diluncurkan?", k=3)
    assert why.reason_terms == ()
    assert [(h.paragraph_id, h.score) for h in why.hits] == [(h.paragraph_id, h.score) for h in plain.hits]
    assert why.answered == plain.answered


def test_unanswerable_why_question_stays_unanswered(kabar_index: Path):
    answer = AnswerService(kabar_index).answer("Why is the sky blue?")
    assert not answer.answered and answer.reason_terms == ()


def test_the_answer_says_where_the_reason_words_came_from(kabar_index: Path):
    from index.present import answer_to_text

    text = answer_to_text(AnswerService(kabar_index).answer("Why was the Kabarku site blocked?"))
    assert "the reason given in “Kominfo Blokir Situs Kabarku Karena Sebarkan Hoaks Pemilu”" in text
    # the word as the articles write it (the first excerpt's "pemblokiran"), never the stem "blokir"
    assert "pemblokiran ← blocked" in text.split("searched: ", 1)[1]
