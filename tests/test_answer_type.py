"""Issue 13.9: the kind of answer a question asks for, and the bold sentence that holds one."""

from __future__ import annotations

import numpy as np
import pytest

from index.analysis import get_analyzer
from index.answer_type import DATE, NUMBER, PERSON, PLACE, asked_type, holds_answer_type
from index.bm25 import TermGroup
from index.search import best_sentence


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Kapan Bigo Live diblokir?", DATE),
        ("When was TikTok banned?", DATE),
        ("tahun berapa UU ITE disahkan?", DATE),
        ("Berapa denda yang dijatuhkan?", NUMBER),
        ("How many accounts were removed?", NUMBER),
        ("Siapa menteri yang mengancam?", PERSON),
        ("Who owns Temu?", PERSON),
        ("Di mana kantor pusat Bigo?", PLACE),
        ("Where is ByteDance based?", PLACE),
        ("Kenapa Bigo diblokir?", None),
        ("What is online gambling?", None),
    ],
)
def test_the_asked_type(question: str, kind: str | None):
    assert asked_type(question) == kind


def test_what_counts_as_an_answer_of_a_type():
    assert holds_answer_type("Aplikasi itu diblokir pada 22 Agustus 2024.", DATE)
    assert not holds_answer_type("Aplikasi itu diblokir karena judi.", DATE)
    assert holds_answer_type("Kominfo menghapus 40.000 konten.", NUMBER)
    assert not holds_answer_type(
        "Denda untuk 2024 belum ditetapkan.", NUMBER, "Berapa denda tahun 2024?"
    )  # its own number
    assert holds_answer_type("Hal itu disampaikan Budi Arie Setiadi di Jakarta.", PERSON, "Siapa menteri itu?")
    assert not holds_answer_type("Hal itu disampaikan oleh menteri kemarin.", PERSON, "Siapa menteri itu?")


def test_the_bold_sentence_is_the_one_holding_the_asked_answer():
    analyzer = get_analyzer()
    text = (
        "Kominfo mengancam memblokir aplikasi Bigo Live karena konten judi. "
        "Ancaman pemblokiran Bigo Live itu disampaikan pada 22 Agustus 2024."
    )
    groups = (TermGroup(("bigo",)), TermGroup(("blokir",)), TermGroup(("ancam",)))
    idfs = np.ones(3)
    assert best_sentence(text, groups, idfs, analyzer).startswith("Kominfo")  # no type asked: the first of a tie
    chosen = best_sentence(text, groups, idfs, analyzer, DATE, "Kapan Bigo Live diancam diblokir?")
    assert chosen.startswith("Ancaman") and "2024" in chosen


def test_a_paragraph_holding_the_asked_type_ranks_first(tmp_path):
    """Issue 13.9, ranking: two paragraphs match a when-question alike; the one with a date comes first."""
    from index.search import AnswerService
    from index.store import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kominfo mengancam memblokir aplikasi Bigo Live karena konten judi online.\n")
    (corpus / "b.txt").write_text("Ancaman pemblokiran aplikasi Bigo Live disampaikan Kominfo pada 22 Agustus 2024.\n")
    build_index([corpus], tmp_path / "index.db")
    service = AnswerService(tmp_path / "index.db")
    assert service.answer("Kapan Kominfo mengancam memblokir Bigo Live?").hits[0].doc_id == "b"
    assert service.answer("Kominfo mengancam memblokir Bigo Live").hits[0].doc_id == "a"  # no type asked
