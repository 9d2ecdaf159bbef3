"""Shared fixtures: a small messy corpus written to tmp_path and an index built from it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import REPO, write_corpus  # noqa: E402

from index.semantic import SemanticReranker, prepare_vectors  # noqa: E402
from index.store import build_index  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def shared_vectors_cache(tmp_path_factory: pytest.TempPathFactory, seed_index: Path):
    """One paragraph-vector cache (index/semantic.py) for every bot and CLI process the tests start, as one
    machine's processes share VECTORS_DB, holding the seed articles' vectors from the start: they are
    embedded once per test run, and a bot's answers do not depend on how far its background embedding got."""
    previous = os.environ.get("VECTORS_DB")
    os.environ["VECTORS_DB"] = str(tmp_path_factory.mktemp("vectors") / "vectors.db")
    reranker = SemanticReranker(os.environ["VECTORS_DB"])
    assert prepare_vectors(seed_index, reranker) > 0
    reranker.close()
    yield Path(os.environ["VECTORS_DB"])
    if previous is None:
        os.environ.pop("VECTORS_DB", None)
    else:
        os.environ["VECTORS_DB"] = previous


@pytest.fixture
def messy_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path)


@pytest.fixture
def messy_index(tmp_path: Path, messy_corpus: Path) -> Path:
    db = tmp_path / "index.db"
    build_index([messy_corpus], db)
    return db


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own corpus/ (the seed articles), indexed once per test session."""
    db = tmp_path_factory.mktemp("seed") / "index.db"
    build_index([REPO / "corpus"], db)
    return db


@pytest.fixture
def env_without_token(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["PYTHONPATH"] = str(REPO)
    return env


@pytest.fixture
def newsroom():
    """A local news site on 127.0.0.1 (tests/newsroom.py) for fetch and feed tests."""
    from newsroom import Newsroom

    site = Newsroom().start()
    yield site
    site.stop()


@pytest.fixture
def corpus_index(tmp_path: Path) -> tuple[Path, Path]:
    """An index of one seed article and the corpus folder it was built from (fetched articles go there)."""
    import shutil

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / "000_aa8ebef06fca3b6d.txt", corpus)
    db = tmp_path / "index.db"
    build_index([corpus], db)
    return db, corpus
