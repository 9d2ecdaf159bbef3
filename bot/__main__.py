"""`python -m bot`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise a console chat.

Either way the index is built from CORPUS_DIR first if it is missing or older than the corpus.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from contextlib import nullcontext

from index.ingest import CorpusError
from index.search import AnswerService
from index.rebuild import embed_in_background_process
from index.semantic import SemanticReranker, make_reranker, prepare_vectors, unembedded_paragraphs
from index.store import BuildError, IndexFileError, ensure_index

from .config import Settings, SettingsError
from .console import locale_language, run_console, terminal_of_our_own

log = logging.getLogger("bot")


def open_service(settings: Settings, wait_for_vectors: bool = False) -> AnswerService:
    report = ensure_index(settings.index_db, settings.corpus_dir)
    if report is not None:
        log.info("built %s: %d documents, %d paragraphs", report.db_path, report.documents, report.paragraphs)
        for problem in report.problems:
            log.warning("skipped %s", problem)
    semantic = make_reranker(settings.semantic_rerank, settings.vectors_path)
    if semantic is not None:
        if wait_for_vectors:  # the console: its first answers are ranked as all later ones
            embedded = prepare_vectors(settings.index_db, semantic, on_progress=_log_embedding)
            if embedded:
                log.info(
                    "embedded %d paragraphs for semantic re-ranking (cached in %s)", embedded, settings.vectors_path
                )
        elif _has_unembedded(settings, semantic):
            # the bot answers at once; paragraphs not embedded yet (a new corpus) are embedded in the background
            embed_in_background_process(settings.index_db, settings.vectors_path)
    return AnswerService(settings.index_db, semantic=semantic)


def _warm_up(service: AnswerService) -> None:
    """The first user's question answered as fast as later ones; a failure here only leaves that question slower."""
    try:
        service.warm_up()
    except Exception as error:  # noqa: BLE001 - the bot answers without it
        log.warning("warming up the answer service failed: %s", error)


def _has_unembedded(settings: Settings, semantic: SemanticReranker) -> bool:
    try:
        return bool(unembedded_paragraphs(settings.index_db, semantic))
    except Exception as error:  # noqa: BLE001 - an unreadable vector cache turns re-ranking off, it does not stop the bot
        log.warning(
            "semantic re-ranking may be off: the vector cache %s is not usable (%s)", settings.vectors_path, error
        )
        return False


def _log_embedding(done: int, total: int) -> None:
    if done == total or done % 320 == 0:
        log.info("embedding paragraphs for semantic re-ranking: %d/%d", done, total)


class RedactingFormatter(logging.Formatter):
    """Formats records, tracebacks included, with every secret replaced: the library puts the token in
    request URLs and in some exception messages."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text


def configure_logging(secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def main() -> int:
    os.umask(0o027)  # the index, the question log and their -wal/-shm files are not for other users
    configure_logging([])
    try:
        settings = Settings.from_env()
        configure_logging([settings.telegram_bot_token, settings.webhook_secret])
        service = open_service(settings, wait_for_vectors=not settings.telegram_bot_token)
    except (SettingsError, CorpusError, BuildError, IndexFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not settings.telegram_bot_token:
        interactive = sys.stdin.isatty()
        with terminal_of_our_own(sys.stdin) if interactive else nullcontext():
            try:
                run_console(service, sys.stdin, sys.stdout, interactive=interactive, user_language=locale_language())
            except KeyboardInterrupt:  # Ctrl-C ends the chat like Ctrl-D, without a traceback
                print(file=sys.stdout)
        return 0
    threading.Thread(target=_warm_up, args=(service,), name="warm-up", daemon=True).start()
    from telegram.error import InvalidToken

    from .app import run  # imported here: only the Telegram mode needs telegram

    try:
        run(settings, service)
    except InvalidToken:
        server = settings.telegram_api_base_url or "api.telegram.org"
        print(
            f"error: the Bot API server ({server}) rejected TELEGRAM_BOT_TOKEN: check the token"
            + (
                ", and that TELEGRAM_API_BASE_URL is the server that token belongs to"
                if settings.telegram_api_base_url
                else ""
            ),
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
