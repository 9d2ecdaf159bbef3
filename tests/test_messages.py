"""The message catalogue (issue 14.5): both languages hold the same messages, and the reply language rule."""

from __future__ import annotations

import pytest

from index.messages import CATALOGUE, ENGLISH, INDONESIAN, placeholders, reply_language, say
from fakebotapi import parse_telegram_html


def test_both_languages_hold_the_same_messages_with_the_same_placeholders():
    assert CATALOGUE[ENGLISH].keys() == CATALOGUE[INDONESIAN].keys()
    for key, english in CATALOGUE[ENGLISH].items():
        indonesian = CATALOGUE[INDONESIAN][key]
        assert placeholders(english) == placeholders(indonesian), key
        assert english != indonesian or key in {"searched_reason"}, f"{key} is not translated"


@pytest.mark.parametrize("language", [ENGLISH, INDONESIAN])
def test_html_messages_are_valid_telegram_html(language: str):
    values = {
        "count": 3,
        "documents": 1,
        "paragraphs": 2,
        "terms": 3,
        "built_at": "x",
        "analyzer": "a",
        "version": 3,
        "k1": 1.2,
        "b": 0.75,
        "title": "Judul &amp; Co",  # values come escaped
        "details": "Kabar · 2024-08-21",
        "doc_id": "judul-1234",
        "file": "",
    }
    for key in CATALOGUE[language]:
        if key.endswith("_html"):
            parse_telegram_html(
                say(key, language, **{k: v for k, v in values.items() if k in placeholders(CATALOGUE[language][key])})
            )


@pytest.mark.parametrize(
    "question_language, user_language, expected",
    [
        ("en", None, "en"),
        ("en", "id", "en"),  # an English question is answered in English
        ("id", "en", "en"),
        ("mixed", "en-GB", "en"),
        (None, "EN", "en"),  # so is a user whose Telegram language is English
        ("id", None, "id"),
        ("mixed", "id", "id"),
        (None, "de", "id"),
        (None, None, "id"),
        ("id", "", "id"),
    ],
)
def test_reply_language(question_language, user_language, expected):
    assert reply_language(question_language, user_language) == expected


def test_unknown_language_falls_back_to_indonesian():
    assert say("no_answer", "fr") == say("no_answer", INDONESIAN)
