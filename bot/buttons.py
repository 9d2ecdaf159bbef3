"""Buttons under an answer: *More results* pages through the ranking the user saw; 👍/👎 are recorded."""

from __future__ import annotations

import asyncio

from telegram import Update

from index.messages import say

from . import render
from .paging import PageOutcome, page_after
from .services import BotContext
from .questions import SEARCH_DEPTH, send_pages, services_of
from .replies import send_reliably, user_language


async def on_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parsed = render.parse_callback(query.data)
    service, feedback = services_of(context)
    logged = await asyncio.to_thread(feedback.question, parsed[1]) if parsed else None
    language = user_language(update, logged.language if logged else None)
    if parsed is None or logged is None:
        await send_reliably(lambda: query.answer(say("button_stale", language), show_alert=False))
        return
    kind, question_id, value = parsed
    if kind == render.CALLBACK_VOTE:
        await asyncio.to_thread(feedback.record_vote, question_id, query.from_user.id, value)
        await send_reliably(lambda: query.answer(say("thanks", language)))
        return
    answer = await asyncio.to_thread(service.answer, logged.question, SEARCH_DEPTH)
    outcome = page_after(logged, answer, value)
    if outcome is not PageOutcome.SHOW or query.message is None:
        alert = outcome is PageOutcome.OUT_OF_DATE
        text = say(outcome.value if outcome is not PageOutcome.SHOW else "no_more", language)
        await send_reliably(lambda: query.answer(text, show_alert=alert))
        return
    await send_reliably(lambda: query.answer())
    await send_pages(query.message, answer, question_id, value, language)
