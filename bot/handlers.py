"""Telegram handlers: one coroutine per update kind, all asking the same answer service.

Searching runs in a worker thread (asyncio.to_thread) so the event loop keeps serving other chats.
Nothing about ranking or citing lives here: handlers decide *whether* to answer (private chat,
mention, reply, /ask), call the service, and send what bot/render.py made of the Answer.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Awaitable, Callable, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from index.messages import reply_language, say
from index.search import Answer, AnswerService

from . import render
from .services import BotContext
from .feedback import FeedbackStore

log = logging.getLogger(__name__)
T = TypeVar("T")

SEARCH_DEPTH = 12  # hits fetched per question: three per page, "More results" pages through the rest
# How long one reply is retried through 429s and 5xx before it is given up: a storm of 30× 429
# (retry_after 5) then 30× 502 lost 2 of 300 replies when this was five quick attempts.
SEND_PATIENCE_SECONDS = 300.0
BACKOFF_FIRST_SECONDS = 0.25
BACKOFF_MAX_SECONDS = 5.0


def _markup(keyboard: render.Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in keyboard.rows]
    )


def _retry_after_seconds(error: RetryAfter) -> float:
    # PTB 22 gives an int, or a timedelta when PTB_TIMEDELTA is set; reading the int warns of that change
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)


async def send_reliably(
    send: Callable[[], Awaitable[T]],
    *,
    patience: float = SEND_PATIENCE_SECONDS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Retry a Bot API call on 429 (as long as told) and on 5xx/network errors (backing off up to
    BACKOFF_MAX_SECONDS) until `patience` seconds have passed. Never on 400 (our bug), 403, nor on a
    timeout: the request may have arrived, and a reply must never be sent twice."""
    deadline = asyncio.get_running_loop().time() + patience
    backoff = BACKOFF_FIRST_SECONDS
    while True:
        try:
            return await send()
        except (BadRequest, Forbidden, TimedOut):
            raise
        except RetryAfter as error:  # the rate limiter already retried; wait as told and go on
            failure, wait = error, _retry_after_seconds(error)
        except NetworkError as error:
            failure, wait, backoff = error, backoff, min(backoff * 2, BACKOFF_MAX_SECONDS)
        if asyncio.get_running_loop().time() + wait > deadline:
            raise failure
        await sleep(wait)


def user_language(update: Update, question_language: str | None = None) -> str:
    """The language to reply in: the question's when English, else the user's Telegram language (issue 14.5)."""
    user = update.effective_user
    return reply_language(question_language, user.language_code if user else None)


def _services(context: BotContext) -> tuple[AnswerService, FeedbackStore]:
    return context.bot_data.service, context.bot_data.feedback


async def answer_question(update: Update, context: BotContext, question: str) -> None:
    """Search, log, and reply with cited excerpts (or an honest "I don't know")."""
    message = update.effective_message
    service, feedback = _services(context)
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
    )
    log.info(
        "question %d: language=%s answered=%s hits=%d", question_id, answer.language, answer.answered, len(answer.hits)
    )
    language = user_language(update, answer.language)
    if not answer.answered:
        sources = await asyncio.to_thread(service.documents)
        text = render.render_no_answer(answer, sources, language)
        await send_reliably(lambda: message.reply_text(text, do_quote=True))
        return
    await send_pages(message, answer, question_id, 0, language)


async def send_pages(message: Message, answer: Answer, question_id: int, start: int, language: str) -> None:
    texts = render.render_answer(answer, language, start)
    end = start + render.EXCERPTS_PER_MESSAGE
    next_start = end if len(answer.hits) > end else None
    keyboard = _markup(render.answer_keyboard(question_id, next_start, language))
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


async def on_start(update: Update, context: BotContext) -> None:
    if update.effective_message:
        context.bot_data.conversations.forget(conversation_key(update.effective_message))  # a fresh start
    await send_reliably(lambda: update.effective_message.reply_text(say("start_html", user_language(update))))


async def on_help(update: Update, context: BotContext) -> None:
    await send_reliably(lambda: update.effective_message.reply_text(say("help_html", user_language(update))))


async def on_sources(update: Update, context: BotContext) -> None:
    service, _ = _services(context)
    sources = await asyncio.to_thread(service.documents)
    for text in render.render_sources(sources, user_language(update)):
        await send_reliably(lambda text=text: update.effective_message.reply_text(text))


async def on_about(update: Update, context: BotContext) -> None:
    service, _ = _services(context)
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


async def on_not_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice…: a hint in private chats, silence in groups."""
    message = update.effective_message
    if message is None or message.chat.type != ChatType.PRIVATE or update.edited_message:
        return
    await send_reliably(lambda: message.reply_text(say("not_text", user_language(update)), do_quote=True))


async def on_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parsed = render.parse_callback(query.data)
    service, feedback = _services(context)
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


async def on_inline(update: Update, context: BotContext) -> None:
    inline = update.inline_query
    question = (inline.query or "").strip()
    if not question:
        button = InlineQueryResultsButton(text=say("inline_prompt", user_language(update)), start_parameter="inline")
        await send_reliably(lambda: inline.answer([], button=button, cache_time=300))
        return
    service, _ = _services(context)
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


async def on_admin_refused(update: Update, context: BotContext) -> None:
    """Admin commands and uploads from anyone else: a polite refusal, logged (in groups only if addressed to us)."""
    message = update.effective_message
    log.warning("admin action refused for user %s", update.effective_user.id if update.effective_user else "?")
    text = say("admins_only_upload" if message.document is not None else "admins_only", user_language(update))
    await send_reliably(lambda: message.reply_text(text, do_quote=True))


async def on_error(update: object, context: BotContext) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message and update.effective_chat:
        try:
            await update.effective_message.reply_text(say("error", user_language(update)))
        except Exception:  # noqa: BLE001 - the apology is best effort; the error is already logged
            log.warning("could not send the apology either")
