"""Buttons under an answer: *More results* pages through the ranking the user saw; 👍/👎 are recorded."""

from __future__ import annotations

import asyncio

from telegram import Update

from index.messages import say

from . import render
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
    # the same search as the first page (same depth), so pages never skip or repeat a paragraph
    answer = await asyncio.to_thread(service.answer, logged.question, SEARCH_DEPTH)
    if answer.index_build != logged.index_build:
        await send_reliably(lambda: query.answer(say("reindexed_since", language), show_alert=True))
        return
    if len(answer.hits) <= value or query.message is None:
        await send_reliably(lambda: query.answer(say("no_more", language)))
        return
    await send_reliably(lambda: query.answer())
    await send_pages(query.message, answer, question_id, value, language)
