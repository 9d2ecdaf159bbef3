"""Admin commands: /reindex with a progress message, document upload into the corpus, /stats.

Only users in ADMIN_IDS get here (the handlers are registered behind a user filter); everyone else
gets a polite refusal from handlers.on_admin_refused. A reindex builds a new index file in a worker
thread and renames it over the old one, so the bot keeps answering from the old index meanwhile and
a failed build changes nothing. One reindex runs at a time.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from html import escape
from pathlib import Path

from telegram import Message, Update
from telegram.error import BadRequest, NetworkError
from telegram.ext import ContextTypes

from index.ingest import DIRECTORY_SUFFIXES, CorpusError
from index.store import BuildError, BuildReport, build_index

from .config import Settings
from .handlers import send_reliably

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PROGRESS_EVERY_SECONDS = 0.5
MAX_PROBLEMS_SHOWN = 10


def safe_file_name(name: str | None) -> str:
    """A plain file name for the corpus directory: no directories, no hidden files, no odd characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.")[:80] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix).lower()
    return f"{stem}.{suffix}" if suffix else stem


def free_path(directory: Path, name: str) -> Path:
    """directory/name, or name-2, name-3… if taken: an upload never overwrites an article."""
    path = directory / name
    stem, suffix = path.stem, path.suffix
    counter = 2
    while path.exists():
        path = directory / f"{stem}-{counter}{suffix}"
        counter += 1
    return path


def describe_report(report: BuildReport) -> str:
    lines = [
        f"✅ Reindexed: {report.documents} articles, {report.paragraphs} paragraphs in {report.seconds:.1f} s.",
    ]
    if report.problems:
        lines.append(f"Skipped {len(report.problems)} file(s)/line(s):")
        lines += [f"• {escape(str(p))}" for p in report.problems[:MAX_PROBLEMS_SHOWN]]
        if len(report.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"… and {len(report.problems) - MAX_PROBLEMS_SHOWN} more (see the bot's log)")
    return "\n".join(lines)


def _lock(context: ContextTypes.DEFAULT_TYPE) -> asyncio.Lock:
    return context.bot_data.setdefault("reindex_lock", asyncio.Lock())


async def _edit(message: Message, text: str) -> None:
    try:
        await send_reliably(lambda: message.edit_text(text))
    except BadRequest as error:  # "message is not modified" and the like: progress is best effort
        log.debug("progress edit skipped: %s", error)
    except NetworkError:
        log.warning("progress edit failed")


async def run_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild from CORPUS_DIR in a worker thread, editing one progress message as it goes."""
    settings: Settings = context.bot_data["settings"]
    message = update.effective_message
    lock = _lock(context)
    if lock.locked():
        await send_reliably(lambda: message.reply_text(
            "A reindex is already running; I'll keep answering from the current index until it finishes.", do_quote=True))
        return
    async with lock:
        progress = await send_reliably(lambda: message.reply_text(f"⏳ Reindexing {escape(str(settings.corpus_dir))}…", do_quote=True))
        loop = asyncio.get_running_loop()
        last_edit = [0.0]

        def on_document(documents: int, paragraphs: int) -> None:  # runs in the worker thread
            now = time.monotonic()
            if now - last_edit[0] >= PROGRESS_EVERY_SECONDS:
                last_edit[0] = now
                text = f"⏳ Reindexing… {documents} articles, {paragraphs} paragraphs so far"
                asyncio.run_coroutine_threadsafe(_edit(progress, text), loop)

        log.info("reindex started by admin %s", update.effective_user.id if update.effective_user else "?")
        try:
            report = await asyncio.to_thread(build_index, [settings.corpus_dir], settings.index_db, on_document=on_document)
        except (BuildError, CorpusError, OSError) as error:
            log.warning("reindex failed: %s", error)
            lines = [f"❌ Reindex failed: {escape(str(error).split(' (')[0])}. The previous index is still serving."]
            problems = getattr(error, "problems", ())
            lines += [f"• {escape(str(p))}" for p in problems[:MAX_PROBLEMS_SHOWN]]
            await _edit(progress, "\n".join(lines))
            return
        for problem in report.problems:
            log.warning("reindex skipped %s", problem)
        await asyncio.to_thread(context.bot_data["service"].refresh)
        await _edit(progress, describe_report(report))


async def on_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_reindex(update, context)


async def on_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin's .txt/.md/.html file (≤ 2 MB) goes into CORPUS_DIR, then the corpus is reindexed."""
    settings: Settings = context.bot_data["settings"]
    message = update.effective_message
    document = message.document
    name = safe_file_name(document.file_name)
    suffix = Path(name).suffix.lower()
    if suffix not in DIRECTORY_SUFFIXES:
        await send_reliably(lambda: message.reply_text(
            f"I can only add .txt, .md or .html articles, not {escape(suffix or 'files without an extension')}.", do_quote=True))
        return
    if (document.file_size or 0) > MAX_UPLOAD_BYTES:
        await send_reliably(lambda: message.reply_text(
            f"That file is {document.file_size / 2**20:.1f} MB; the limit is 2 MB.", do_quote=True))
        return
    telegram_file = await send_reliably(lambda: document.get_file())
    data = bytes(await telegram_file.download_as_bytearray())
    if len(data) > MAX_UPLOAD_BYTES:
        await send_reliably(lambda: message.reply_text("That file is over the 2 MB limit.", do_quote=True))
        return
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    target = free_path(settings.corpus_dir, name)
    target.write_bytes(data)
    log.info("admin upload saved as %s (%d bytes)", target.name, len(data))
    note = f"Saved as {escape(target.name)}" + (f" (a file named {escape(name)} already existed, so I did not overwrite it)" if target.name != name else "")
    await send_reliably(lambda: message.reply_text(note + ".", do_quote=True))
    await run_reindex(update, context)


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    stats = await asyncio.to_thread(context.bot_data["feedback"].stats)
    asked, answered = stats["asked"], stats["answered"]
    rate = f"{answered / asked:.0%}" if asked else "—"
    lines = [
        "<b>Usage</b>",
        f"Questions asked: {asked}",
        f"Answered: {answered} ({rate})",
        f"Feedback: 👍 {stats['up']} · 👎 {stats['down']}",
    ]
    if stats["top_unanswered"]:
        lines.append("\n<b>Top unanswered questions</b>")
        lines += [f"• {escape(question[:200])} ({count}×)" for question, count in stats["top_unanswered"]]
    await send_reliably(lambda: update.effective_message.reply_text("\n".join(lines)))
