"""Questions: whether a message is one (private chat, mention, reply, /ask, inline), and the answer as
messages. Searching runs in a worker thread so the event loop keeps serving other chats; nothing about ranking
or citing lives here (index/search.py, bot/render.py)."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode

from index.messages import say
from index.present import MAX_LISTED_SOURCES
from index.search import Answer, AnswerService

from . import render
from .paging import ranking_of
from .services import BotContext
from .replies import reply_markup_of, send_reliably, user_language
from .feedback import FeedbackStore

log = logging.getLogger(__name__)

SEARCH_DEPTH = 12  # hits fetched per question: three per page, "More results" pages through the rest


def services_of(context: BotContext) -> tuple[AnswerService, FeedbackStore]:
    return context.bot_data.service, context.bot_data.feedback


async def answer_question(update: Update, context: BotContext, question: str) -> None:
    """Search, log, and reply with cited excerpts (or an honest "I don't know")."""
    message = update.effective_message
    service, feedback = services_of(context)
    conversations = context.bot_data.conversations
    key = conversation_key(message)
    # no "typing…" action: answers take milliseconds, and every call counts against the 30/s limit
    answer = await asyncio.to_thread(service.answer, question, SEARCH_DEPTH, previous=conversations.previous(key))
    conversations.remember(key, answer.topic)
    question_id = await asyncio.to_thread(
        feedback.log_question,
        answer.topic,  # a follow-up is logged with the words it borrowed: "More results" searches the same
        chat_type=message.chat.type,
        language=answer.language,
        answered=answer.answered,
        top_doc_id=answer.hits[0].doc_id if answer.answered else None,
        index_build=answer.index_build,
        ranking=ranking_of(answer),
    )
    log.info(
        "question %d: language=%s answered=%s hits=%d", question_id, answer.language, answer.answered, len(answer.hits)
    )
    language = user_language(update, answer.language)
    if not answer.answered:
        # what the index holds is listed only when nothing matched at all: the newest few, and how many in all
        sources = [] if answer.hits else await asyncio.to_thread(service.documents, MAX_LISTED_SOURCES + 1)
        text = render.render_no_answer(answer, sources, language, total_sources=service.meta.documents)
        await send_reliably(lambda: message.reply_text(text, do_quote=True))
        return
    await send_pages(message, answer, question_id, 0, language)


async def send_pages(message: Message, answer: Answer, question_id: int, start: int, language: str) -> None:
    texts = render.render_answer(answer, language, start)
    end = start + render.EXCERPTS_PER_MESSAGE
    next_start = end if len(answer.hits) > end else None
    keyboard = reply_markup_of(render.answer_keyboard(question_id, next_start, language))
    for index, text in enumerate(texts):
        markup = keyboard if index == len(texts) - 1 else None
        await send_reliably(
            lambda text=text, markup=markup: message.reply_text(text, reply_markup=markup, do_quote=True)
        )


def _addressed_question(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message meant for us (mention or reply), or None to stay silent."""
    text = message.text or ""
    mention = f"@{bot_username}".lower()
    mentioned = any(
        entity.type == MessageEntity.MENTION and message.parse_entity(entity).lower() == mention
        for entity in message.entities or ()
    )
    replied = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == bot_id
    )
    if not (mentioned or replied):
        return None
    if mentioned:
        for entity in reversed(message.entities or ()):
            if entity.type == MessageEntity.MENTION and message.parse_entity(entity).lower() == mention:
                start = len(text.encode("utf-16-le")[: entity.offset * 2].decode("utf-16-le"))
                end = len(text.encode("utf-16-le")[: (entity.offset + entity.length) * 2].decode("utf-16-le"))
                text = text[:start] + text[end:]
    return text.strip()


async def on_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    private = message.chat.type == ChatType.PRIVATE
    if update.edited_message and not private:
        return  # in groups an edit is not a new question
    if private:
        question = message.text.strip()
    else:
        question = _addressed_question(message, context.bot.username, context.bot.id)
        if question is None:
            return
    if not question:
        await send_reliably(lambda: message.reply_text(say("ask_usage_html", user_language(update)), do_quote=True))
        return
    await answer_question(update, context, question)


async def on_ask(update: Update, context: BotContext) -> None:
    message = update.effective_message
    question = " ".join(context.args or []).strip()
    if not question:
        await send_reliably(lambda: message.reply_text(say("ask_usage_html", user_language(update)), do_quote=True))
        return
    await answer_question(update, context, question)


def conversation_key(message: Message) -> tuple[int, ...]:
    """Whose follow-ups belong together: a private chat; in a group, one user in one thread."""
    if message.chat.type == ChatType.PRIVATE:
        return (message.chat.id,)
    user = message.from_user.id if message.from_user else 0
    return (message.chat.id, message.message_thread_id or 0, user)


async def on_inline(update: Update, context: BotContext) -> None:
    inline = update.inline_query
    question = (inline.query or "").strip()
    if not question:
        button = InlineQueryResultsButton(text=say("inline_prompt", user_language(update)), start_parameter="inline")
        await send_reliably(lambda: inline.answer([], button=button, cache_time=300))
        return
    service, _ = services_of(context)
    answer = await asyncio.to_thread(service.answer, question, 5)
    language = user_language(update, answer.language)
    if not answer.answered:
        button = InlineQueryResultsButton(text=say("inline_none", language), start_parameter="noanswer")
        await send_reliably(lambda: inline.answer([], button=button, cache_time=30))
        return
    results = [
        InlineQueryResultArticle(
            id=f"{hit.paragraph_id}",
            title=render.inline_title(hit),
            description=hit.best_sentence[:200],
            input_message_content=InputTextMessageContent(
                render.excerpt_html(hit, language, text_limit=3000), parse_mode=ParseMode.HTML
            ),
        )
        for hit in answer.hits
    ]
    await send_reliably(lambda: inline.answer(results, cache_time=30))
