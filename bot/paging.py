"""Paging "More results": the next excerpts of the ranking the user saw, never a different ranking.

The first reply logs the paragraph ids it ranked (bot/feedback.py); a press searches again and pages only if
that search gives the same ranking from the same index build. Anything else (a reindex, a changed reranker)
is reported as out of date rather than showing excerpts that would skip or repeat paragraphs. Pure.
"""

from __future__ import annotations

from enum import Enum

from index.search import Answer

from .feedback import LoggedQuestion


class PageOutcome(Enum):
    SHOW = "show"  # the excerpts from `start` on
    NO_MORE = "no_more"  # the ranking has nothing at `start`
    OUT_OF_DATE = "reindexed_since"  # the index (or its ranking) changed since the first page


def ranking_of(answer: Answer) -> tuple[int, ...]:
    return tuple(hit.paragraph_id for hit in answer.hits)


def page_after(logged: LoggedQuestion, answer: Answer, start: int) -> PageOutcome:
    """What a press of "More results" for excerpts `start`… shows, `answer` being the question searched again."""
    if answer.index_build != logged.index_build or ranking_of(answer) != logged.ranking:
        return PageOutcome.OUT_OF_DATE
    if start >= len(answer.hits):
        return PageOutcome.NO_MORE
    return PageOutcome.SHOW
