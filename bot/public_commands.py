"""Commands everyone may use: /start, /help, /sources, /about, and unknown ones."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ChatType

from index.messages import say

from . import render
from .services import BotContext
from .questions import conversation_key, services_of
from .replies import send_reliably, user_language


async def on_start(update: Update, context: BotContext) -> None:
    if update.effective_message:
        context.bot_data.conversations.forget(conversation_key(update.effective_message))  # a fresh start
    await send_reliably(lambda: update.effective_message.reply_text(say("start_html", user_language(update))))


async def on_help(update: Update, context: BotContext) -> None:
    await send_reliably(lambda: update.effective_message.reply_text(say("help_html", user_language(update))))


async def on_sources(update: Update, context: BotContext) -> None:
    service, _ = services_of(context)
    sources = await asyncio.to_thread(service.documents, render.MAX_SOURCES_SHOWN)
    total = service.meta.documents
    for text in render.render_sources(sources, user_language(update), total):
        await send_reliably(lambda text=text: update.effective_message.reply_text(text))


async def on_about(update: Update, context: BotContext) -> None:
    service, _ = services_of(context)
    await asyncio.to_thread(service.refresh)  # /about right after a rebuild names the new build
    text = render.render_about(service.meta, user_language(update))
    await send_reliably(lambda: update.effective_message.reply_text(text))


async def on_unknown_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or update.edited_message:
        return
    if message.chat.type == ChatType.PRIVATE:
        await send_reliably(lambda: message.reply_text(say("unknown_command", user_language(update)), do_quote=True))
    # in groups an unknown command may belong to another bot: stay silent
