"""The index's settings, read once from the environment and an optional `.env` (the environment wins), with every
default written here: the CLI and the bot (bot/config.py, which adds the Telegram settings) both read them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INDEX_DB = Path("data/index.db")
DEFAULT_CORPUS_DIR = Path("corpus")
VECTORS_FILE_NAME = "vectors.db"  # the vector cache's default name, beside the index


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; `#` comments and blank lines ignored; quotes around values stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def environment(environ: dict[str, str] | None = None, dotenv: Path = Path(".env")) -> dict[str, str]:
    """`.env` overlaid by the real environment, as with docker and systemd."""
    return {**read_dotenv(dotenv), **(os.environ if environ is None else environ)}


def switched_on(value: str | None) -> bool:
    """An on/off setting: on unless it says off, 0, false or no."""
    return (value or "on").strip().lower() not in {"off", "0", "false", "no"}


@dataclass(frozen=True, slots=True)
class IndexSettings:
    index_db: Path = DEFAULT_INDEX_DB  # INDEX_DB
    corpus_dir: Path = DEFAULT_CORPUS_DIR  # CORPUS_DIR
    semantic_rerank: bool = True  # SEMANTIC_RERANK=off: BM25 order alone (index/semantic.py)
    vectors_db: Path | None = None  # VECTORS_DB: the paragraph vectors cache; default beside the index
    allow_private_urls: bool = False  # ALLOW_PRIVATE_URLS=1: links to private/loopback addresses may be fetched
    fetch_pace_seconds: float = 1.0  # FETCH_PACE_SECONDS: the least time between two requests to one host
    feeds_file: Path | None = None  # FEEDS_FILE: RSS/Atom/sitemap URLs, one a line; none: no polling
    feed_interval_minutes: float = 30.0  # FEED_INTERVAL: how often the bot polls the feeds

    @property
    def vectors_path(self) -> Path:
        return self.vectors_db or vectors_path_beside(self.index_db)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, dotenv: Path = Path(".env")) -> IndexSettings:
        env = environment(environ, dotenv)
        return cls(
            index_db=Path(env.get("INDEX_DB") or DEFAULT_INDEX_DB),
            corpus_dir=Path(env.get("CORPUS_DIR") or DEFAULT_CORPUS_DIR),
            semantic_rerank=switched_on(env.get("SEMANTIC_RERANK")),
            vectors_db=Path(env["VECTORS_DB"]) if env.get("VECTORS_DB", "").strip() else None,
            allow_private_urls=env.get("ALLOW_PRIVATE_URLS", "").strip().lower() in {"1", "on", "true", "yes"},
            fetch_pace_seconds=_seconds(env.get("FETCH_PACE_SECONDS"), 1.0),
            feeds_file=Path(env["FEEDS_FILE"]) if env.get("FEEDS_FILE", "").strip() else None,
            feed_interval_minutes=_seconds(env.get("FEED_INTERVAL"), 30.0) or 30.0,
        )


def _seconds(value: str | None, default: float) -> float:
    """A non-negative number below 3600 (seconds or minutes), else the default."""
    try:
        seconds = float(value) if value and value.strip() else default
    except ValueError:
        return default
    return seconds if 0 <= seconds < 3600 else default


def vectors_path_beside(index_db: Path | str) -> Path:
    """Where paragraph vectors are cached when VECTORS_DB is not set: beside the index."""
    return Path(index_db).parent / VECTORS_FILE_NAME
