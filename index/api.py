"""The public Python API (kept stable: measurements and other programs call it).

    from index import open_index
    idx = open_index("data/index.db")
    idx.rank(["blokir", "bigo"], k=10)   # plain BM25 over already-analysed terms, exact: [RankedParagraph]
    idx.ask("Kenapa Bigo Live diancam diblokir?", k=5)   # the Answer the CLI prints
    idx.close()

`rank` is the engine alone (no translation, titles, coverage or re-ranking; scores equal rank-bm25's BM25Okapi
with Lucene's IDF); `ask` is the whole answer path. An index rebuilt meanwhile is picked up by the next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .search import Answer, AnswerService
from .semantic import semantic_from_env


@dataclass(frozen=True, slots=True)
class RankedParagraph:
    doc_id: str
    position: int  # the paragraph's place in its article, from 0
    score: float  # BM25
    paragraph_id: int


class Index:
    """One open index file. Use `open_index`; close it (or use it as a context manager) when done."""

    def __init__(self, path: Path | str, *, semantic: bool | None = None) -> None:
        reranker = semantic_from_env(path, enabled=semantic)
        if semantic is True and reranker is None:
            raise ValueError("semantic re-ranking was asked for, but its model package is not installed")
        try:
            self._service = AnswerService(path, semantic=reranker)
        except BaseException:
            if reranker is not None:
                reranker.close()
            raise
        self._closed = False

    def rank(self, terms: Sequence[str], k: int = 10) -> list[RankedParagraph]:
        """The best k paragraphs for analysed terms (a term asked twice weighs twice), best first."""
        if isinstance(terms, (str, bytes)):
            # iterated, a string is its letters: say so instead of ranking "b", "i", "g", "o"
            raise TypeError("rank takes a list of analysed terms, not a string: ask(question) analyses a question")
        terms = list(terms)
        if not all(isinstance(term, str) for term in terms):
            raise TypeError("each term must be a string (an analysed term)")
        self._check_open_and_k(k)
        ranked = self._service.rank_tokens(terms, k)
        records = self._service.reader.paragraphs([pid for pid, _ in ranked])
        return [RankedParagraph(records[pid].doc_id, records[pid].position, score, pid) for pid, score in ranked]

    def ask(self, question: str, k: int = 5) -> Answer:
        if not isinstance(question, str):
            raise TypeError(f"the question must be a string, not {type(question).__name__}")
        self._check_open_and_k(k)
        return self._service.answer(question, k)

    def _check_open_and_k(self, k: int) -> None:
        if self._closed:
            # not the file's error: a closed handle's database says "damaged", which it is not
            raise ValueError("the index is closed")
        if not isinstance(k, int) or isinstance(k, bool):
            raise TypeError(f"k must be an int, not {type(k).__name__}")
        if k < 1:
            raise ValueError("k must be at least 1")

    def close(self) -> None:
        """Close the file (and the embedding model's cache); closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        self._service.close()
        if self._service.semantic is not None:
            self._service.semantic.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_index(path: Path | str, *, semantic: bool | None = None) -> Index:
    """Open the index at `path` (raises IndexFileError, with advice, when it is missing or not readable).
    semantic: None re-ranks answers as the CLI does (SEMANTIC_RERANK, VECTORS_DB); False never; True or fail."""
    return Index(path, semantic=semantic)
