"""Sending replies: retried through rate limits and server errors for a while, in the user's language."""

from __future__ import annotations

import asyncio
import warnings
from typing import Awaitable, Callable, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from index.messages import reply_language

from . import render


T = TypeVar("T")

# How long one reply is retried through 429s and 5xx before it is given up: a storm of 30× 429
# (retry_after 5) then 30× 502 lost 2 of 300 replies when this was five quick attempts.
SEND_PATIENCE_SECONDS = 300.0
# A 502 from the Bot API is most often one proxy hiccup: the first retry comes soon, later ones back off to 5 s
BACKOFF_FIRST_SECONDS = 0.1
BACKOFF_MAX_SECONDS = 5.0


def reply_markup_of(keyboard: render.Keyboard) -> InlineKeyboardMarkup:
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
