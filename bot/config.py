"""Settings from the environment (and an optional .env file), read once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from index.semantic import default_vectors_path, switched_on


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


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


@dataclass(frozen=True, slots=True)
class Settings:
    telegram_bot_token: str = ""
    telegram_api_base_url: str = ""
    index_db: Path = Path("data/index.db")
    corpus_dir: Path = Path("corpus")
    feedback_db: Path = Path("data/feedback.db")
    admin_ids: frozenset[int] = frozenset()
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    port: int = 8443
    semantic_rerank: bool = True  # SEMANTIC_RERANK=off: BM25 order alone (index/semantic.py)
    vectors_db: Path | None = None  # VECTORS_DB: paragraph vectors cache; default beside the index

    @property
    def vectors_path(self) -> Path:
        return self.vectors_db or default_vectors_path(self.index_db)

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
        # the real environment wins over .env, as with docker and systemd
        env = {**read_dotenv(dotenv), **(os.environ if environ is None else environ)}
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
            index_db=Path(env.get("INDEX_DB") or "data/index.db"),
            corpus_dir=Path(env.get("CORPUS_DIR") or "corpus"),
            feedback_db=Path(env.get("FEEDBACK_DB") or "data/feedback.db"),
            admin_ids=frozenset(admins),
            webhook_url=env.get("WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("WEBHOOK_SECRET", "").strip(),
            webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            port=int(port),
            semantic_rerank=switched_on(env.get("SEMANTIC_RERANK")),
            vectors_db=Path(env["VECTORS_DB"]) if env.get("VECTORS_DB", "").strip() else None,
        )
        if settings.webhook_url and not settings.webhook_secret:
            raise SettingsError("WEBHOOK_URL is set but WEBHOOK_SECRET is not: webhook mode needs a secret token")
        return settings
