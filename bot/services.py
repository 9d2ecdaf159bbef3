"""What every handler works with, in one typed object: PTB keeps it as `context.bot_data` (ContextTypes), so
handlers read `context.bot_data.service`, not string keys spread over the modules."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from index.followup import Conversations
from index.search import AnswerService

from .config import Settings
from .feedback import FeedbackStore


@dataclass
class BotServices:
    """Filled in when the application starts (PTB makes it without arguments, before the bot runs)."""

    service: AnswerService | None = None
    feedback: FeedbackStore | None = None
    settings: Settings | None = None
    conversations: Conversations = field(default_factory=Conversations)  # follow-ups, per chat, in memory
    reindex_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one /reindex at a time
    corpus_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one link fetch or /remove at a time


CONTEXT_TYPES = ContextTypes(bot_data=BotServices)
BotContext = CallbackContext[ExtBot, dict, dict, BotServices]
