"""Whatever the articles and questions hold, an answer is made and rendered: property tests over text built from
the pieces that break text handling (marks alone, quotes, brackets, numbers, URLs, handles, odd Unicode, words in
both languages). A paragraph opening with an ellipsis once made picking its best sentence raise IndexError."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import inline_title, render_answer, render_no_answer
from index.analysis import get_analyzer
from index.bm25 import TermGroup
from index.present import answer_to_json, answer_to_text
from index.ranking import best_sentence
from index.search import AnswerService
from index.store import build_index

PIECES = (
    "… ... . .. ! ? \" “ ” ' ’ ( ) [ ] - -- — : ; , / Dr. Jl. No. 40.000 3,5 17/9/2024 @tiktok https://x.com/a "
    "www.kominfo.go.id Bigo TikTok Kominfo memblokir diblokir pemblokiran judi online aplikasi data pengguna "
    "pemerintah China menteri Budi kata dan yang di itu the of why blocked app ban emoji🤔 ß Ｔ é ﬁ janji-janji "
    "GA-181 A X 1 2005 XXII nya kah tidak #tagar Rp10.000 100% e-KTP o'clock ber- -nya"
).split() + ["\u200b", "\u00a0", "\t", "\n", "\n\n", "  "]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.lists(st.sampled_from(["blokir", "judi", "bigo", "data", "kata"]), min_size=1, max_size=3))
def test_the_best_sentence_of_any_paragraph_is_a_piece_of_it(text: str, terms: list[str]):
    groups = tuple(TermGroup((t,), 1.0, t) for t in terms)
    sentence = best_sentence(text, groups, np.ones(len(groups)), get_analyzer(), "name", "siapa?")
    assert sentence.strip() in text


def hostile_corpus(path: Path, documents: int = 120, seed: int = 17) -> Path:
    """Articles (a title and one to four paragraphs) of random pieces, some opening with marks alone."""
    rng = random.Random(seed)

    def paragraph() -> str:
        words = [rng.choice(PIECES) for _ in range(rng.randint(1, 30))]
        return " ".join(words).strip() or "x"

    lines = [
        json.dumps({"id": f"d{i}", "title": paragraph()[:80], "text": "\n\n".join(paragraph() for _ in range(4))})
        for i in range(documents)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_service(tmp_path_factory: pytest.TempPathFactory) -> AnswerService:
    root = tmp_path_factory.mktemp("hostile")
    db = root / "index.db"
    build_index([hostile_corpus(root / "hostile.jsonl")], db)
    return AnswerService(db, semantic=None)


@settings(max_examples=120, deadline=None)
@given(
    question=st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join),
    k=st.sampled_from([1, 3, 10]),
    previous=st.sampled_from([None, "bigo diblokir", "why was the app blocked?"]),
)
def test_any_question_over_hostile_articles_is_answered_and_rendered(
    hostile_service: AnswerService, question: str, k: int, previous: str | None
):
    sources = [{"doc_id": "d1", "title": "T", "source": None, "date": None, "url": None}]
    for answer in (
        hostile_service.answer(question, k, previous=previous),
        hostile_service.answer(question, k, translate=False),
    ):
        assert len(answer.hits) <= k
        for hit in answer.hits:
            assert hit.best_sentence.strip() in hit.text and inline_title(hit)
        json.dumps(answer_to_json(answer))
        for language in ("en", "id"):
            assert answer_to_text(answer, k, language)
            assert render_answer(answer, language) if answer.answered else render_no_answer(answer, sources, language)
