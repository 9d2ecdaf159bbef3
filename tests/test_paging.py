"""Paging "More results" (issue 15.2): the next excerpts of the ranking the user saw, each paragraph once."""

from dataclasses import replace
from pathlib import Path

from fakebotapi import parse_telegram_html

from bot import render
from bot.feedback import FeedbackStore
from bot.paging import PageOutcome, page_after, ranking_of
from bot.questions import SEARCH_DEPTH
from index.search import AnswerService
from index.store import build_index

QUESTION = "Kenapa platform moderasi konten diblokir?"


def long_result_index(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for article in range(5):
        paragraphs = [
            f"Platform nomor {article}{n} diblokir karena moderasi konten yang lemah menurut laporan ke-{article}{n}. "
            f"Kementerian menyebut platform itu lalai dalam moderasi konten pada bulan {n + 1}."
            for n in range(4)
        ]
        (corpus / f"platform-{article}.md").write_text(f"# Platform {article}\n\n" + "\n\n".join(paragraphs))
    build_index([corpus], tmp_path / "index.db")
    return tmp_path / "index.db"


def test_more_results_pages_through_the_whole_ranking_and_shows_every_paragraph_once(tmp_path: Path):
    service = AnswerService(long_result_index(tmp_path))
    feedback = FeedbackStore(tmp_path / "feedback.db")
    first = service.answer(QUESTION, SEARCH_DEPTH)
    assert first.answered and len(first.hits) == SEARCH_DEPTH
    question_id = feedback.log_question(
        first.topic,
        chat_type="private",
        language=first.language,
        answered=True,
        top_doc_id=first.hits[0].doc_id,
        index_build=first.index_build,
        ranking=ranking_of(first),
    )
    logged = feedback.question(question_id)
    assert logged.ranking == ranking_of(first)
    shown: list[int] = []
    start = 0
    while True:
        again = service.answer(logged.question, SEARCH_DEPTH)  # what a press does
        outcome = page_after(logged, again, start)
        if outcome is PageOutcome.NO_MORE:
            break
        assert outcome is PageOutcome.SHOW
        page = parse_telegram_html("\n".join(render.render_answer(again, "id", start)))
        for hit in again.hits:
            if f"{hit.text[:60]}" in page:
                shown.append(hit.paragraph_id)
        start += render.EXCERPTS_PER_MESSAGE
    assert start == SEARCH_DEPTH
    assert sorted(shown) == sorted(ranking_of(first))  # every ranked paragraph, none twice
    feedback.close()


def test_a_press_after_the_ranking_changed_reads_as_out_of_date(tmp_path: Path):
    service = AnswerService(long_result_index(tmp_path))
    answer = service.answer(QUESTION, SEARCH_DEPTH)
    feedback = FeedbackStore(tmp_path / "feedback.db")
    common = dict(chat_type="private", language="id", answered=True, top_doc_id=None)
    as_seen = feedback.question(
        feedback.log_question(QUESTION, **common, index_build=answer.index_build, ranking=ranking_of(answer))
    )
    assert page_after(as_seen, answer, 3) is PageOutcome.SHOW
    assert page_after(as_seen, answer, SEARCH_DEPTH) is PageOutcome.NO_MORE
    reordered = replace(as_seen, ranking=tuple(reversed(as_seen.ranking)))
    assert page_after(reordered, answer, 3) is PageOutcome.OUT_OF_DATE
    other_build = replace(as_seen, index_build="another build")
    assert page_after(other_build, answer, 3) is PageOutcome.OUT_OF_DATE
    # a feedback file written before rankings were logged: its buttons read as out of date, never a wrong page
    old = feedback.question(feedback.log_question(QUESTION, **common, index_build=answer.index_build))
    assert old.ranking == () and page_after(old, answer, 3) is PageOutcome.OUT_OF_DATE
    feedback.close()
