"""Keeping the corpus current. Admins, from the chat: a link sent in private (or `/add URL`) is fetched, saved into
the corpus and added to the index without a rebuild (index/fetch.py); `/remove DOC_ID` takes an article out of
both; `/sources` shows them the ids, the outlets and the feeds' state. And by itself: the feeds in FEEDS_FILE are
polled every FEED_INTERVAL minutes (index/feeds.py) by PTB's JobQueue.

Only admins get here (the handlers are registered behind the admin filter; everyone else's links are questions).
Fetching blocks on the network, so it runs in a worker thread; one corpus change at a time (the index's own
lock orders them with reindexes and the command line).
"""

from __future__ import annotations

import asyncio
import logging
import re
from html import escape

from telegram import Update

from index.feeds import FeedReport, FeedState, feed_store_beside, poll_all_feeds, read_feeds_file
from index.fetch import FetchOutcome, article_fetcher
from index.messages import say
from index.store import IndexFileError, remove_documents

from . import render
from .replies import send_reliably, user_language
from .services import BotContext

log = logging.getLogger(__name__)

MAX_LINKS_PER_MESSAGE = 5
MAX_REMOVALS_PER_MESSAGE = 20  # one reply lists them all: it stays far below Telegram's 4,096 characters
_LINK_RE = re.compile(r"https?://\S+", re.IGNORECASE)
ONLY_LINKS = re.compile(r"^\s*https?://\S+(\s+https?://\S+)*\s*$", re.IGNORECASE)


def links_in(text: str) -> list[str]:
    """The http(s) links of a message that is nothing but links (a question that quotes a link is a question)."""
    words = text.split()
    if not words or not all(_LINK_RE.fullmatch(word) for word in words):
        return []
    return list(dict.fromkeys(words))[:MAX_LINKS_PER_MESSAGE]


def describe_outcome(outcome: FetchOutcome, language: str) -> str:
    if outcome.added and outcome.article is not None:
        article = outcome.article
        shown = (render.shortened(article.outlet, "source"), article.date, render.shortened(article.url, "heading"))
        details = " · ".join(escape(value) for value in shown if value)
        return say(
            "link_added_html",
            language,
            title=escape(render.shortened(article.title or outcome.doc_id, "title")),
            details=details,
            doc_id=escape(outcome.doc_id),
            paragraphs=outcome.paragraphs,
        )
    if outcome.duplicate_of:
        return say("link_duplicate_html", language, doc_id=escape(outcome.duplicate_of))
    return escape(say("link_skipped", language, reason=render.shortened(outcome.reason, "heading")))


async def add_links(update: Update, context: BotContext, urls: list[str]) -> None:
    services = context.bot_data
    settings = services.settings
    message = update.effective_message
    language = user_language(update)
    async with services.corpus_lock:
        for url in urls:
            progress = await send_reliably(
                lambda url=url: message.reply_text(
                    escape(say("link_fetching", language, url=render.shortened(url, "heading"))), do_quote=True
                )
            )
            outcome = await asyncio.to_thread(_fetch_one, settings, url)
            log.info("admin link: %s", "added" if outcome.added else "duplicate" if outcome.duplicate_of else "skipped")
            if outcome.added:
                await asyncio.to_thread(services.service.refresh)  # answerable from the next question on
            text = describe_outcome(outcome, language)
            await send_reliably(lambda text=text: progress.edit_text(text))


def _fetch_one(settings, url: str) -> FetchOutcome:  # type: ignore[no-untyped-def] - bot Settings
    index = settings.index
    try:
        with article_fetcher(index, index.index_db, index.corpus_dir) as articles:
            return articles.fetch(url)
    except IndexFileError as error:
        return FetchOutcome(url, reason=error.reason)


async def on_add(update: Update, context: BotContext) -> None:
    urls = [url for word in context.args or [] for url in links_in(word)]
    if not urls:
        text = say("add_usage_html", user_language(update))
        await send_reliably(lambda: update.effective_message.reply_text(text, do_quote=True))
        return
    await add_links(update, context, urls[:MAX_LINKS_PER_MESSAGE])


async def on_link(update: Update, context: BotContext) -> None:
    """An admin's private message that is only links: add them. Anything else is a question."""
    from .questions import on_text

    urls = links_in(update.effective_message.text or "")
    if not urls:
        await on_text(update, context)
        return
    await add_links(update, context, urls)


async def on_remove(update: Update, context: BotContext) -> None:
    services = context.bot_data
    settings = services.settings
    message = update.effective_message
    language = user_language(update)
    doc_ids = list(dict.fromkeys(context.args or []))[:MAX_REMOVALS_PER_MESSAGE]
    if not doc_ids:
        await send_reliably(lambda: message.reply_text(say("remove_usage_html", language), do_quote=True))
        return
    async with services.corpus_lock:
        try:
            report = await asyncio.to_thread(
                remove_documents, doc_ids, settings.index_db, corpus_dir=settings.corpus_dir
            )
        except IndexFileError as error:
            text = escape(say("link_skipped", language, reason=error.reason))
            await send_reliably(lambda: message.reply_text(text, do_quote=True))
            return
        await asyncio.to_thread(services.service.refresh)
    files = {path.stem: path.name for path in report.files}

    def shown(doc_id: str) -> str:
        return escape(render.shortened(doc_id, "doc_id"))

    lines = []
    for doc_id, paragraphs in zip(report.removed, report.paragraphs_per_document):
        file = say("removed_file", language, name=escape(files[doc_id])) if doc_id in files else ""
        lines.append(say("removed_html", language, doc_id=shown(doc_id), paragraphs=paragraphs, file=file))
    lines += [say("remove_unknown_html", language, doc_id=shown(doc_id)) for doc_id in report.unknown]
    log.info("admin removed %d article(s)", len(report.removed))
    await send_reliably(lambda: message.reply_text("\n".join(lines), do_quote=True))


def _poll_all(settings) -> list[FeedReport]:  # type: ignore[no-untyped-def] - bot Settings
    index = settings.index
    return list(poll_all_feeds(index, read_feeds_file(index.feeds_file), index.index_db, index.corpus_dir))


async def poll_feeds(context: BotContext) -> None:
    """The JobQueue's every-FEED_INTERVAL job: new feed entries into the corpus and the index."""
    services = context.bot_data
    async with services.corpus_lock:
        try:
            reports = await asyncio.to_thread(_poll_all, services.settings)
        except (OSError, IndexFileError) as error:
            log.warning("feeds not polled: %s", getattr(error, "reason", None) or error)
            return
        if any(o.added for report in reports for o in report.outcomes):
            await asyncio.to_thread(services.service.refresh)
    for report in reports:
        (log.warning if report.error else log.info)("%s", report.line())


def _feed_states(settings) -> list[FeedState] | None:  # type: ignore[no-untyped-def] - bot Settings
    index = settings.index
    if index.feeds_file is None:
        return None
    try:
        urls = read_feeds_file(index.feeds_file)
    except OSError:
        return []
    store = feed_store_beside(index.index_db)
    try:
        return store.states(urls)
    finally:
        store.close()


async def on_admin_sources(update: Update, context: BotContext) -> None:
    """/sources for admins: the articles with their ids, per outlet, and the feeds with their state."""
    services = context.bot_data
    settings = services.settings
    sources = await asyncio.to_thread(services.service.documents, render.MAX_SOURCES_SHOWN)
    outlets = await asyncio.to_thread(services.service.outlet_counts)
    feeds = await asyncio.to_thread(_feed_states, settings)
    language = user_language(update)
    texts = render.render_admin_sources(sources, outlets, feeds, settings.index.feed_interval_minutes, language)
    for text in texts:
        await send_reliably(lambda text=text: update.effective_message.reply_text(text))
