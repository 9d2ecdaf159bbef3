"""The other updates: what is not text, admin actions from non-admins, and errors (logged, apologised for)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from index.messages import say

from .services import BotContext
from .replies import send_reliably, user_language

log = logging.getLogger(__name__)


async def on_not_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice…: a hint in private chats, silence in groups."""
    message = update.effective_message
    if message is None or message.chat.type != ChatType.PRIVATE or update.edited_message:
        return
    await send_reliably(lambda: message.reply_text(say("not_text", user_language(update)), do_quote=True))


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
