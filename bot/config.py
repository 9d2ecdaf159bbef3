"""Settings from the environment (and an optional .env file), read once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from index.settings import IndexSettings, environment, read_dotenv

__all__ = ["Settings", "SettingsError", "read_dotenv"]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    telegram_bot_token: str = ""
    telegram_api_base_url: str = ""
    # INDEX_DB, CORPUS_DIR, SEMANTIC_RERANK, VECTORS_DB, ALLOW_PRIVATE_URLS…: index/settings.py, written once
    index: IndexSettings = field(default_factory=IndexSettings)
    feedback_db: Path = Path("data/feedback.db")
    admin_ids: frozenset[int] = frozenset()
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    port: int = 8443

    @property
    def index_db(self) -> Path:
        return self.index.index_db

    @property
    def corpus_dir(self) -> Path:
        return self.index.corpus_dir

    @property
    def semantic_rerank(self) -> bool:
        return self.index.semantic_rerank

    @property
    def vectors_path(self) -> Path:
        return self.index.vectors_path

    @property
    def base_file_url(self) -> str:
        """…/bot → …/file/bot, as the Bot API serves files next to its methods."""
        base = self.telegram_api_base_url.rstrip("/")
        head, _, tail = base.rpartition("/")
        return f"{head}/file/{tail}" if head else ""

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url).path.lstrip("/")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, dotenv: Path = Path(".env")) -> "Settings":
        env = environment(environ, dotenv)  # the real environment wins over .env, as with docker and systemd
        index = IndexSettings.from_env(env)  # the index's settings and their defaults: index/settings.py
        admins = set()
        for part in env.get("ADMIN_IDS", "").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise SettingsError(f"ADMIN_IDS must be comma-separated Telegram user ids, not {part!r}")
            admins.add(int(part))
        port = env.get("PORT", "8443").strip() or "8443"
        if not port.isdigit():
            raise SettingsError(f"PORT must be a number, not {port!r}")
        settings = cls(
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip(),
            index=index,
            feedback_db=Path(env.get("FEEDBACK_DB") or "data/feedback.db"),
            admin_ids=frozenset(admins),
            webhook_url=env.get("WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("WEBHOOK_SECRET", "").strip(),
            webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            port=int(port),
        )
        if settings.webhook_url and not settings.webhook_secret:
            raise SettingsError("WEBHOOK_URL is set but WEBHOOK_SECRET is not: webhook mode needs a secret token")
        return settings
