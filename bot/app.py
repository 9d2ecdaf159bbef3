"""build_application: the PTB Application with its handlers, defaults and services."""

from __future__ import annotations

import logging

import asyncio

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.request import HTTPXRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from index.messages import ENGLISH, INDONESIAN, say
from index.search import AnswerService

from . import admin, buttons, handlers, links, public_commands, questions
from .config import Settings
from .feedback import FeedbackStore
from .services import CONTEXT_TYPES, BotServices
from .updates import TolerantBot
from .webhook import serve_webhook

log = logging.getLogger(__name__)

COMMAND_NAMES = ("start", "help", "ask", "sources", "about")


def commands(language: str) -> list[BotCommand]:
    """The command menu in one language (Telegram shows each user the list for their language)."""
    return [BotCommand(name, say(f"command_{name}", language)) for name in COMMAND_NAMES]


def build_application(settings: Settings, service: AnswerService) -> Application:
    async def post_init(application: Application) -> None:
        services: BotServices = application.bot_data
        services.service = service
        services.feedback = FeedbackStore(settings.feedback_db)
        services.settings = settings
        await application.bot.set_my_commands(commands(INDONESIAN))  # everyone but English-language users
        await application.bot.set_my_commands(commands(ENGLISH), language_code=ENGLISH)
        if settings.index.feeds_file is not None:
            interval = settings.index.feed_interval_minutes * 60
            application.job_queue.run_repeating(links.poll_feeds, interval=interval, first=min(interval, 10.0))
            log.info("polling the feeds in %s every %g min", settings.index.feeds_file, interval / 60)
        log.info("bot @%s ready", application.bot.username)

    async def post_shutdown(application: Application) -> None:
        feedback = application.bot_data.feedback
        if feedback:
            feedback.close()
        service.close()

    server = {"base_url": settings.telegram_api_base_url, "base_file_url": settings.base_file_url}
    bot = TolerantBot(
        settings.telegram_bot_token,
        **{name: url for name, url in server.items() if settings.telegram_api_base_url},
        # answers still arrive if the user deleted the question meanwhile
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            allow_sending_without_reply=True,
        ),
        rate_limiter=AIORateLimiter(max_retries=5),
        request=HTTPXRequest(connection_pool_size=256, read_timeout=30, write_timeout=30),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=40),
    )
    application = (
        Application.builder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(16)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )

    admins = filters.User(user_id=list(settings.admin_ids), allow_empty=False)
    application.add_handler(CommandHandler("reindex", admin.on_reindex, filters=admins))
    application.add_handler(CommandHandler("stats", admin.on_stats, filters=admins))
    application.add_handler(CommandHandler("add", links.on_add, filters=admins))
    application.add_handler(CommandHandler("remove", links.on_remove, filters=admins))
    application.add_handler(CommandHandler(["reindex", "stats", "add", "remove"], handlers.on_admin_refused))
    private = filters.ChatType.PRIVATE
    # an admin's private message that is only links adds them; everyone else's links are questions
    application.add_handler(
        MessageHandler(
            filters.TEXT & private & admins & filters.UpdateType.MESSAGE & filters.Regex(links.ONLY_LINKS),
            links.on_link,
        )
    )
    application.add_handler(
        MessageHandler(filters.Document.ALL & private & admins & filters.UpdateType.MESSAGE, admin.on_upload)
    )
    application.add_handler(
        MessageHandler(filters.Document.ALL & private & filters.UpdateType.MESSAGE, handlers.on_admin_refused)
    )
    application.add_handler(CommandHandler("start", public_commands.on_start))
    application.add_handler(CommandHandler("help", public_commands.on_help))
    application.add_handler(CommandHandler("ask", questions.on_ask))
    application.add_handler(CommandHandler("sources", links.on_admin_sources, filters=admins))
    application.add_handler(CommandHandler("sources", public_commands.on_sources))
    application.add_handler(CommandHandler("about", public_commands.on_about))
    application.add_handler(MessageHandler(filters.COMMAND, public_commands.on_unknown_command))
    application.add_handler(MessageHandler(filters.TEXT, questions.on_text))
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.on_not_text))
    application.add_handler(CallbackQueryHandler(buttons.on_callback))
    application.add_handler(InlineQueryHandler(questions.on_inline))
    application.add_error_handler(handlers.on_error)
    return application


def run(settings: Settings, service: AnswerService) -> None:
    application = build_application(settings, service)
    if settings.webhook_url:
        asyncio.run(serve_webhook(application, settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
