"""English questions vs the same questions in Indonesian, with one ablation row per part of the English path.

Two sets, each asked both ways over Indonesian passages:
- FacQA: our hand-made English translations of FacQA questions (benchmarks/data/facqa_*_en*.tsv, four sets
  pooled) beside the Indonesian originals, over the FacQA corpus;
- SQuAD 2.0 dev (../shared/benchmarks/squad2_id_en/): the answerable questions that have both an English
  original and an Indonesian translation, over the Indonesian passages.

Rows (issue #14's items): Indonesian; English with plain BM25 (no translation); English as the product runs;
then the product with one part switched: 1 sense choice from the corpus on (index/senses.py; off in the
product), 2 phrases off (multi-word entries matched longest first), 3 unknown words: no spelling tolerance for
untranslated words, and no spelling correspondences (cognates: ph→f, -ty→-tas…), 4 language detection by lingua
alone (no function-word and known-word vote). Columns: MRR@10 and R@1 per set; "EN/ID" is English MRR@10 over
the Indonesian row's, both sets pooled by question.

Run:  .venv/bin/python benchmarks/english_vs_indonesian.py [--limit N] [--no-semantic]
(as the product runs, with the embedding model; passage vectors are cached in the system's temporary folder;
~15 min for every SQuAD question, --limit 500 takes ~5 min)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.facqa import load_english_dev, load_facqa, rank_metrics, twin_classes, write_corpus_jsonl  # noqa: E402
from benchmarks.real_questions import SHARED, write_jsonl  # noqa: E402
from index.language import lingua_language  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.semantic import SemanticReranker  # noqa: E402
from index.store import build_index  # noqa: E402

FACQA_ENGLISH_SETS = (
    ("facqa_valid_en.tsv", "valid"),
    ("facqa_valid_en_2.tsv", "valid"),
    ("facqa_train_en_heldout.tsv", "train"),
    ("facqa_train_en_heldout_2.tsv", "train"),
)


@dataclass(frozen=True, slots=True)
class Asked:
    """One question both ways, with the passages that answer it."""

    english: str
    indonesian: str
    gold: frozenset[str]


@dataclass(frozen=True, slots=True)
class Variant:
    """One row: the questions' language, and how the answer service is set up."""

    name: str
    english: bool = True
    translate: bool = True
    options: tuple[tuple[str, object], ...] = ()


VARIANTS = (
    Variant("Indonesian (the same questions)", english=False),
    Variant("English, plain BM25 (no translation)", translate=False),
    Variant("English, as the product runs"),
    Variant("  1: with sense choice (off in the product)", options=(("sense_choice", True),)),
    Variant("  2: without phrases", options=(("translator_options", {"use_phrases": False}),)),
    Variant("  3: no spelling tolerance for unknown words", options=(("spell_unknown_english", False),)),
    Variant("  3: no spelling correspondences (cognates)", options=(("translator_options", {"use_cognates": False}),)),
    Variant("  4: language by lingua alone", options=(("translator_options", {"detect": lingua_language}),)),
)


def facqa_questions() -> tuple[dict[str, str], list[Asked]]:
    passages, questions = load_facqa()
    twins = twin_classes(passages)
    asked = []
    for file, split in FACQA_ENGLISH_SETS:
        for i, english in load_english_dev(file):
            original = questions[split][i]
            asked.append(Asked(english, original.question, twins[original.gold_doc_id]))
    return passages, asked


def squad_questions(limit: int) -> tuple[dict[str, str], list[Asked]]:
    folder = SHARED / "squad2_id_en"
    with (folder / "corpus.jsonl").open(encoding="utf-8") as handle:
        passages = {r["id"]: r["text"] for r in map(json.loads, handle)}
    asked = []
    with (folder / "questions.jsonl").open(encoding="utf-8") as handle:
        for q in map(json.loads, handle):
            if q["answerable"] and q["question_en"] and q["question_id"]:
                asked.append(Asked(q["question_en"], q["question_id"], frozenset([q["passage"]])))
    return passages, asked[:limit] if limit else asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="the first N SQuAD questions (0: all)")
    parser.add_argument("--no-semantic", action="store_true", help="BM25 alone (no embedding model)")
    parser.add_argument("--vectors", type=Path, default=Path(tempfile.gettempdir()) / "policybot-benchmark-vectors.db")
    args = parser.parse_args()
    sets = {"FacQA": facqa_questions(), "SQuAD dev": squad_questions(args.limit)}
    results: dict[str, dict[str, dict[str, float]]] = {v.name: {} for v in VARIANTS}
    reciprocal_ranks: dict[str, list[float]] = {v.name: [] for v in VARIANTS}
    semantic = None if args.no_semantic else SemanticReranker(args.vectors)
    with tempfile.TemporaryDirectory() as tmp:
        for set_name, (passages, asked) in sets.items():
            db = Path(tmp) / f"{set_name}.db"
            writer = write_corpus_jsonl if set_name == "FacQA" else write_jsonl
            source = writer(passages, Path(tmp) / f"{set_name}.jsonl")
            build_index([source], db, workers=None)
            if semantic is not None:
                semantic.vectors(list(passages.values()))
            gold = [a.gold for a in asked]
            for variant in VARIANTS:
                started = time.perf_counter()
                service = AnswerService(db, semantic=semantic, **dict(variant.options))
                rankings = [
                    [
                        h.doc_id
                        for h in service.answer(
                            a.english if variant.english else a.indonesian, 10, translate=variant.translate
                        ).hits
                    ]
                    for a in asked
                ]
                service.close()
                results[variant.name][set_name] = rank_metrics(rankings, gold)
                reciprocal_ranks[variant.name] += [
                    next((1 / rank for rank, d in enumerate(r, 1) if d in g), 0.0) for r, g in zip(rankings, gold)
                ]
                print(f"{set_name}: {variant.name.strip()} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    sizes = ", ".join(f"{name} {len(asked)}" for name, (_, asked) in sets.items())
    mode = "BM25 alone" if args.no_semantic else "with the embedding model, as the product runs"
    print(f"English vs Indonesian, the same questions ({sizes}); {mode}")
    header = f"{'system':46}" + "".join(f" {name + ' MRR@10':>16} {'R@1':>6}" for name in sets) + f" {'EN/ID':>7}"
    print(header + "\n" + "-" * len(header))
    indonesian = reciprocal_ranks[VARIANTS[0].name]
    for variant in VARIANTS:
        row = f"{variant.name:46}" + "".join(
            f" {results[variant.name][name]['MRR@10']:>16.3f} {results[variant.name][name]['R@1']:>6.3f}"
            for name in sets
        )
        ratio = sum(reciprocal_ranks[variant.name]) / max(sum(indonesian), 1e-9)
        print(row + (f" {ratio:>6.1%}" if variant.english else ""))


if __name__ == "__main__":
    main()
