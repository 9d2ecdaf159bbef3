"""Settings from the environment (and an optional .env file), read once at start-up."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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
    admin_ids: frozenset[int] = frozenset()

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, dotenv: Path = Path(".env")) -> "Settings":
        # the real environment wins over .env, as with docker and systemd
        env = {**read_dotenv(dotenv), **(os.environ if environ is None else environ)}
        admins = frozenset(int(x) for x in env.get("ADMIN_IDS", "").replace(" ", "").split(",") if x.lstrip("-").isdigit())
        return cls(
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip(),
            index_db=Path(env.get("INDEX_DB") or "data/index.db"),
            corpus_dir=Path(env.get("CORPUS_DIR") or "corpus"),
            admin_ids=admins,
        )
