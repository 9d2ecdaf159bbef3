"""One settings object for the CLI and the bot: environment over .env, defaults written once (index/settings.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError
from index.settings import DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DB, IndexSettings
from support import REPO


def test_defaults_and_the_environment_over_dotenv(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nINDEX_DB=from-dotenv.db\nexport CORPUS_DIR='articles'\nSEMANTIC_RERANK=off\n")
    assert IndexSettings.from_env({}, tmp_path / "missing") == IndexSettings(DEFAULT_INDEX_DB, DEFAULT_CORPUS_DIR, True)
    settings = IndexSettings.from_env({"INDEX_DB": "from-env.db"}, dotenv)
    assert settings.index_db == Path("from-env.db") and settings.corpus_dir == Path("articles")
    assert settings.semantic_rerank is False and settings.vectors_path == Path("vectors.db")
    assert IndexSettings.from_env({"VECTORS_DB": "/v/x.db"}, dotenv).vectors_path == Path("/v/x.db")


def test_the_bot_reads_the_same_index_settings(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("INDEX_DB=shared.db\nCORPUS_DIR=articles\n")
    bot, index = Settings.from_env({}, dotenv), IndexSettings.from_env({}, dotenv)
    assert (bot.index_db, bot.corpus_dir, bot.semantic_rerank, bot.vectors_path) == (
        index.index_db,
        index.corpus_dir,
        index.semantic_rerank,
        index.vectors_path,
    )
    with pytest.raises(SettingsError, match="ADMIN_IDS"):
        Settings.from_env({"ADMIN_IDS": "12,abc"}, dotenv)


def test_the_cli_takes_its_defaults_from_the_same_settings(tmp_path: Path):
    """`python -m index build` with no --db and no SOURCE: INDEX_DB and CORPUS_DIR from .env in the working folder."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Kominfo memblokir situs judi online pada hari Senin.\n")
    (tmp_path / ".env").write_text("INDEX_DB=out/index.db\nCORPUS_DIR=articles\nSEMANTIC_RERANK=off\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "index", "build"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.db").is_file() and "indexed 1 documents" in result.stdout
