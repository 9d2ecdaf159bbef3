"""Issue 13.10: follow-up questions borrow the previous question's topic (pure logic and the service)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.followup import Conversations, as_follow_up
from index.present import searched_line
from index.search import AnswerService

BIGO = "Kenapa Bigo Live diancam diblokir?"


@pytest.mark.parametrize(
    "question, borrowed",
    [
        ("kalau TikTok gimana?", ("diancam", "diblokir")),  # a name replaces the previous question's names
        ("and TikTok?", ("Kenapa", "diancam", "diblokir")),  # no question word of its own: the previous one
        ("what about Temu", ("Kenapa", "diancam", "diblokir")),
        ("why?", ("Bigo", "Live", "diancam", "diblokir")),
        ("kapan?", ("Bigo", "Live", "diancam", "diblokir")),
        ("terus kapan sih?", ("Bigo", "Live", "diancam", "diblokir")),
    ],
)
def test_questions_without_a_topic_of_their_own_borrow_the_previous_one(question: str, borrowed: tuple[str, ...]):
    follow_up = as_follow_up(question, BIGO)
    assert follow_up is not None and follow_up.borrowed == borrowed
    assert all(word in follow_up.search_text for word in borrowed)


@pytest.mark.parametrize(
    "question",
    [
        "Apakah TikTok membagikan data pengguna ke pemerintah China?",
        "ok",
        "Siapa menteri yang mengancam memblokir aplikasi judi online itu kemarin sore?",
        "",
    ],
)
def test_questions_with_a_topic_are_their_own(question: str):
    assert as_follow_up(question, BIGO) is None


def test_a_follow_up_without_a_previous_question_is_a_plain_question():
    assert as_follow_up("kalau TikTok gimana?", None) is None


def test_conversations_forget_after_ten_minutes_and_on_request():
    now = [1000.0]
    conversations = Conversations(clock=lambda: now[0])
    conversations.remember(("chat", 1), BIGO)
    now[0] += 599
    assert conversations.previous(("chat", 1)) == BIGO and conversations.previous(("chat", 2)) is None
    now[0] += 2
    assert conversations.previous(("chat", 1)) is None
    conversations.remember(("chat", 1), BIGO)
    conversations.forget(("chat", 1))
    assert conversations.previous(("chat", 1)) is None


def test_conversations_are_bounded_in_number():
    now = [0.0]
    conversations = Conversations(clock=lambda: now[0], max_conversations=3)
    for chat in range(5):
        now[0] += 1
        conversations.remember(chat, f"q{chat}")
    assert [conversations.previous(chat) for chat in range(5)] == [None, None, "q2", "q3", "q4"]


def test_the_service_answers_a_follow_up_with_the_borrowed_topic_and_says_so(seed_index: Path):
    service = AnswerService(seed_index)
    first = service.answer(BIGO)
    alone = service.answer("why?")
    follow_up = service.answer("why?", previous=first.topic)
    assert not alone.answered and follow_up.answered
    assert follow_up.query == "why?" and follow_up.borrowed == ("Bigo", "Live", "diancam", "diblokir")
    assert "Bigo Live" in follow_up.hits[0].text
    assert searched_line(follow_up, "en").startswith("from your previous question: Bigo, Live, diancam, diblokir")
    chained = service.answer("kapan?", previous=follow_up.topic)  # a follow-up of a follow-up
    assert chained.answered and "Bigo" in chained.topic
