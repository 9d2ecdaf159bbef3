"""`python -m bot`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise a console chat.

Either way the index is built from CORPUS_DIR first if it is missing or older than the corpus.
"""
from __future__ import annotations

import logging
import sys

from index.ingest import CorpusError
from index.search import AnswerService
from index.store import BuildError, IndexFileError, ensure_index

from .config import Settings, SettingsError
from .console import run_console

log = logging.getLogger("bot")


def open_service(settings: Settings) -> AnswerService:
    report = ensure_index(settings.index_db, settings.corpus_dir)
    if report is not None:
        log.info("built %s: %d documents, %d paragraphs", report.db_path, report.documents, report.paragraphs)
        for problem in report.problems:
            log.warning("skipped %s", problem)
    return AnswerService(settings.index_db)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        service = open_service(settings)
    except (SettingsError, CorpusError, BuildError, IndexFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not settings.telegram_bot_token:
        run_console(service, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
        return 0
    from .app import run  # imported here: only the Telegram mode needs telegram

    run(settings, service)
    return 0


if __name__ == "__main__":
    sys.exit(main())
