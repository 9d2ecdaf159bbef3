"""FacQA as a paragraph-retrieval benchmark (../shared/benchmarks/facqa/README.md).

corpus = every distinct passage of train/valid/test joined by single spaces; queries = one split's
questions; the gold paragraph of a question is its own passage. Shared by the benchmark scripts.
"""

from __future__ import annotations

import ast
import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

FACQA_DIR = Path(
    os.environ.get("FACQA_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "facqa")
)
SPLITS = ("train", "valid", "test")


@dataclass(frozen=True, slots=True)
class FacqaQuestion:
    question: str
    gold_doc_id: str
    answer: str


def _join(tokens_literal: str) -> str:
    return " ".join(ast.literal_eval(tokens_literal))


def load_facqa(facqa_dir: Path = FACQA_DIR) -> tuple[dict[str, str], dict[str, list[FacqaQuestion]]]:
    """(passages by doc id, questions by split)."""
    passages: dict[str, str] = {}
    doc_of_passage: dict[str, str] = {}
    questions: dict[str, list[FacqaQuestion]] = {}
    for split in SPLITS:
        with (facqa_dir / f"{split}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        questions[split] = []
        for row in rows:
            passage_tokens = ast.literal_eval(row["passage"])
            labels = ast.literal_eval(row["seq_label"])
            passage = " ".join(passage_tokens)
            if passage not in doc_of_passage:
                doc_of_passage[passage] = f"facqa-{len(doc_of_passage):04d}"
                passages[doc_of_passage[passage]] = passage
            answer = " ".join(t for t, label in zip(passage_tokens, labels) if label != "O")
            questions[split].append(FacqaQuestion(_join(row["question"]), doc_of_passage[passage], answer))
    return passages, questions


def load_english_dev(name: str = "facqa_valid_en.tsv") -> list[tuple[int, str]]:
    """(index of the FacQA question in its split, English translation) from benchmarks/data/NAME."""
    rows = []
    for line in (Path(__file__).resolve().parent / "data" / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            index, question = line.split("\t", 1)
            rows.append((int(index), question.strip()))
    return rows


def load_english_valid() -> list[tuple[int, str]]:
    """All 311 FacQA valid questions in English: the first dev set and the second."""
    return load_english_dev("facqa_valid_en.tsv") + load_english_dev("facqa_valid_en_2.tsv")


def without_gold(
    passages: dict[str, str], questions: list[FacqaQuestion], twins: dict[str, frozenset[str]]
) -> dict[str, str]:
    """The corpus less the gold paragraphs (and their twins) of `questions`: the same questions over it
    should get "I don't know" (an upper bound: another paragraph of the same story may still answer)."""
    gold = {doc_id for q in questions for doc_id in twins[q.gold_doc_id]}
    return {doc_id: text for doc_id, text in passages.items() if doc_id not in gold}


def write_corpus_jsonl(passages: dict[str, str], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for doc_id, text in passages.items():
            handle.write(json.dumps({"id": doc_id, "text": text, "source": "FacQA"}, ensure_ascii=False) + "\n")
    return path


def twin_classes(passages: dict[str, str]) -> dict[str, frozenset[str]]:
    """FacQA holds a few passages twice with different tokenisation ("1,2" / "1 , 2"); ingest keeps one
    copy, so a question about either twin is answered by the paragraph both share."""
    from index.ingest import paragraph_key

    by_key: dict[str, set[str]] = {}
    for doc_id, text in passages.items():
        by_key.setdefault(paragraph_key(text), set()).add(doc_id)
    return {doc_id: frozenset(by_key[paragraph_key(text)]) for doc_id, text in passages.items()}


def rank_metrics(ranked_doc_ids: list[list[str]], gold: list[frozenset[str]]) -> dict[str, float]:
    """MRR@10, Recall@1, Recall@5 over questions; gold is the set of acceptable doc ids per question."""
    mrr = r1 = r5 = 0.0
    for ranking, gold_ids in zip(ranked_doc_ids, gold):
        ranks = [i + 1 for i, doc_id in enumerate(ranking[:10]) if doc_id in gold_ids]
        if ranks:
            rank = ranks[0]
            mrr += 1.0 / rank
            r1 += rank == 1
            r5 += rank <= 5
    n = max(len(gold), 1)
    return {"MRR@10": mrr / n, "R@1": r1 / n, "R@5": r5 / n}
