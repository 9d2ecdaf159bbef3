"""Admin commands: /reindex with a progress message, document upload into the corpus, /stats.

Only users in ADMIN_IDS get here (the handlers are registered behind a user filter); everyone else
gets a polite refusal from handlers.on_admin_refused. A reindex builds a new index file in a worker
process (index/rebuild.py) and renames it over the old one, so the bot keeps answering from the old index meanwhile and
a failed build changes nothing. One reindex runs at a time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from telegram import Message, Update
from telegram.error import BadRequest, NetworkError

from index.ingest import DIRECTORY_SUFFIXES, CorpusError
from index.messages import ENGLISH, say
from index.rebuild import build_in_worker_process
from index.store import BuildError, BuildReport, IndexWriteError

from .replies import send_reliably, user_language
from .services import BotContext

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 10
UPLOAD_FILE_MODE = 0o640
DOWNLOAD_TIMEOUT_SECONDS = 60


def safe_file_name(name: str | None) -> str:
    """A plain file name for the corpus directory: no directories, no hidden files, no odd characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.")[:80] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix).lower()
    return f"{stem}.{suffix}" if suffix else stem


def save_new_file(directory: Path, name: str, data: bytes) -> Path:
    """Write data as directory/name, or name-2, name-3… if taken: an upload never overwrites an article
    nor writes through a link planted under its name (O_EXCL refuses both). Raises OSError."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for counter in range(1, 1000):
        path = directory / (name if counter == 1 else f"{stem}-{counter}{suffix}")
        try:
            descriptor = os.open(
                path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), UPLOAD_FILE_MODE
            )
        except FileExistsError:
            continue
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise FileExistsError(f"{name} and 998 numbered variants already exist")


class UnsafeFilePath(Exception):
    """The Bot API server named a file path that is not a plain relative path on its file server."""


def checked_file_path(file_path: object) -> str:
    """getFile's file_path, if it is a relative path on the Bot API's file server. PTB reads a path that
    exists on this machine from disk (/etc/shadow, ../../etc/passwd), so anything else is refused."""
    if not isinstance(file_path, str) or not file_path or len(file_path) > 1024:
        raise UnsafeFilePath("no usable file path")
    if file_path.startswith("/") or "\\" in file_path or "\0" in file_path or urlsplit(file_path).scheme:
        raise UnsafeFilePath("an absolute path or URL")
    if any(part in ("", ".", "..") for part in file_path.split("/")):
        raise UnsafeFilePath("a path with '..' or empty parts")
    return file_path


async def download_document(bot, file_id: str, limit: int = MAX_UPLOAD_BYTES) -> bytes:  # type: ignore[no-untyped-def]
    """The file's bytes, only over HTTP(S) from the Bot API's file URL, at most `limit` + 1 bytes read.
    Raises UnsafeFilePath, httpx.HTTPError, or a Telegram error from getFile."""
    result = await send_reliably(lambda: bot.do_api_request("getFile", api_kwargs={"file_id": file_id}))
    file_path = checked_file_path(result.get("file_path") if isinstance(result, dict) else None)
    url = f"{bot.base_file_url}/{quote(file_path)}"
    if urlsplit(url).scheme not in ("http", "https"):
        raise UnsafeFilePath("the file URL is not HTTP(S)")
    data = bytearray()
    async with httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT_SECONDS, follow_redirects=False) as client:
        async with client.stream("GET", url) as response:
            response.raise_for_status()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > limit:
                    break
    return bytes(data)


def describe_report(report: BuildReport, language: str = ENGLISH) -> str:
    lines = [
        say(
            "reindexed",
            language,
            documents=report.documents,
            paragraphs=report.paragraphs,
            seconds=f"{report.seconds:.1f}",
        )
    ]
    if report.problems:
        lines.append(say("skipped_files", language, count=len(report.problems)))
        lines += [f"• {escape(str(p))}" for p in report.problems[:MAX_PROBLEMS_SHOWN]]
        if len(report.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(say("and_more_in_log", language, count=len(report.problems) - MAX_PROBLEMS_SHOWN))
    return "\n".join(lines)


def _lock(context: BotContext) -> asyncio.Lock:
    return context.bot_data.reindex_lock


async def _edit(message: Message, text: str) -> None:
    try:
        await send_reliably(lambda: message.edit_text(text))
    except BadRequest as error:  # "message is not modified" and the like: progress is best effort
        log.debug("progress edit skipped: %s", error)
    except NetworkError:
        log.warning("progress edit failed")


def describe_failure(error: Exception, language: str = ENGLISH) -> list[str]:
    """What an admin is told when a reindex fails: what went wrong, and that nothing was lost."""
    if isinstance(error, IndexWriteError):
        lines = [say("reindex_failed_write", language, path=escape(str(error.db_path)), reason=escape(error.reason))]
    elif isinstance(error, CorpusError):
        lines = [say("reindex_failed", language, reason=escape(str(error)))]
    else:
        lines = [say("reindex_failed", language, reason=escape(getattr(error, "summary", str(error))))]
    lines.append(say("previous_index_serving", language))
    lines += [f"• {escape(str(p))}" for p in getattr(error, "problems", ())[:MAX_PROBLEMS_SHOWN]]
    return lines


async def run_reindex(update: Update, context: BotContext) -> None:
    """Rebuild from CORPUS_DIR in a worker process, editing one progress message as it goes."""
    settings = context.bot_data.settings
    message = update.effective_message
    language = user_language(update)
    lock = _lock(context)
    if lock.locked():
        await send_reliably(lambda: message.reply_text(say("reindex_running", language), do_quote=True))
        return
    # a link being added waits for the rebuild (and the other way round): the two would race for its file
    async with lock, context.bot_data.corpus_lock:
        progress = await send_reliably(
            lambda: message.reply_text(
                say("reindexing", language, corpus=escape(str(settings.corpus_dir))), do_quote=True
            )
        )
        loop = asyncio.get_running_loop()

        def on_progress(documents: int, paragraphs: int) -> None:  # runs in the waiting thread
            text = say("reindexing_progress", language, documents=documents, paragraphs=paragraphs)
            asyncio.run_coroutine_threadsafe(_edit(progress, text), loop)

        def on_wait() -> None:
            text = say("build_waiting", language)
            asyncio.run_coroutine_threadsafe(_edit(progress, text), loop)

        log.info("reindex started by admin %s", update.effective_user.id if update.effective_user else "?")
        try:
            report = await asyncio.to_thread(
                build_in_worker_process,
                [settings.corpus_dir],
                settings.index_db,
                on_progress,
                on_wait,
                settings.vectors_path if context.bot_data.service.semantic is not None else None,
            )
        except (BuildError, CorpusError, OSError) as error:
            log.warning("reindex failed: %s", error)
            await _edit(progress, "\n".join(describe_failure(error, language)))
            return
        log.info("reindex built by worker process %d: %d documents", report.builder_pid, report.documents)
        for problem in report.problems:
            log.warning("reindex skipped %s", problem)
        await asyncio.to_thread(context.bot_data.service.refresh)
        await _edit(progress, describe_report(report, language))


async def on_reindex(update: Update, context: BotContext) -> None:
    await run_reindex(update, context)


async def on_upload(update: Update, context: BotContext) -> None:
    """An admin's .txt/.md/.html file (≤ 2 MB) goes into CORPUS_DIR, then the corpus is reindexed."""
    settings = context.bot_data.settings
    message = update.effective_message
    language = user_language(update)
    document = message.document
    name = safe_file_name(document.file_name)
    suffix = Path(name).suffix.lower()
    if suffix not in DIRECTORY_SUFFIXES:
        await send_reliably(
            lambda: message.reply_text(
                say("upload_type", language, suffix=escape(suffix or say("no_extension", language))),
                do_quote=True,
            )
        )
        return
    if (document.file_size or 0) > MAX_UPLOAD_BYTES:
        await send_reliably(
            lambda: message.reply_text(
                say("upload_size", language, size=f"{document.file_size / 2**20:.1f}"), do_quote=True
            )
        )
        return
    try:
        data = await download_document(context.bot, document.file_id)
    except UnsafeFilePath as error:
        log.warning("upload refused: the Bot API server gave %s as the file path", error)
        await send_reliably(
            lambda: message.reply_text(
                say("upload_unsafe", language),
                do_quote=True,
            )
        )
        return
    except httpx.HTTPError as error:
        log.warning("upload download failed: %s", type(error).__name__)
        await send_reliably(lambda: message.reply_text(say("upload_download_failed", language), do_quote=True))
        return
    if len(data) > MAX_UPLOAD_BYTES:
        await send_reliably(lambda: message.reply_text(say("upload_too_big", language), do_quote=True))
        return
    try:
        settings.corpus_dir.mkdir(parents=True, exist_ok=True)
        target = save_new_file(settings.corpus_dir, name, data)
    except OSError as error:
        log.warning("upload not saved: %s", error.strerror or error)
        refusal = say(
            "upload_save_failed",
            language,
            folder=escape(str(settings.corpus_dir)),
            reason=escape(error.strerror or type(error).__name__),
        )
        await send_reliably(lambda: message.reply_text(refusal, do_quote=True))
        return
    log.info("admin upload saved as %s (%d bytes)", target.name, len(data))
    if target.name == name:
        note = say("saved_as", language, name=escape(target.name))
    else:
        note = say("saved_renamed", language, name=escape(target.name), original=escape(name))
    await send_reliably(lambda: message.reply_text(note, do_quote=True))
    await run_reindex(update, context)


async def on_stats(update: Update, context: BotContext) -> None:
    stats = await asyncio.to_thread(context.bot_data.feedback.stats)
    asked, answered = stats["asked"], stats["answered"]
    rate = f"{answered / asked:.0%}" if asked else "—"
    language = user_language(update)
    lines = [
        say("stats_title_html", language),
        say("stats_asked", language, count=asked),
        say("stats_answered", language, count=answered, rate=rate),
        say("stats_feedback", language, up=stats["up"], down=stats["down"]),
    ]
    if stats["top_unanswered"]:
        lines.append("\n" + say("stats_unanswered_html", language))
        lines += [f"• {escape(question[:200])} ({count}×)" for question, count in stats["top_unanswered"]]
    await send_reliably(lambda: update.effective_message.reply_text("\n".join(lines)))
