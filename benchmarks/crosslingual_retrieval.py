"""English questions over the Indonesian FacQA corpus: how close cross-lingual search gets to Indonesian.

Questions: benchmarks/data/facqa_valid_en.tsv (120 FacQA valid questions translated by hand) and the same
questions in the original Indonesian. Rows, for the same questions: Indonesian originals; English with
plain BM25 (no translation); English with the cross-lingual query; ablations. Also the time translation
adds per question and language-identification accuracy (lingua vs. a stop-word vote).
Run:  .venv/bin/python benchmarks/crosslingual_retrieval.py [--semantic]
--semantic: every row re-ranked by the embedding model as the product does (index/semantic.py; passage
vectors cached in the system's temporary folder).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.facqa import load_english_dev, load_facqa, rank_metrics, twin_classes, write_corpus_jsonl  # noqa: E402
from index.analysis import load_word_list, normalize, tokenize  # noqa: E402
from index.crosslingual import Translator  # noqa: E402
from index.language import detect_language, lingua_language  # noqa: E402
from index.search import AnswerService  # noqa: E402
from index.semantic import SemanticReranker  # noqa: E402
from index.store import build_index  # noqa: E402


def stopword_vote(question: str) -> str:
    tokens = tokenize(normalize(question))
    english = sum(t in EN_STOP for t in tokens)
    indonesian = sum(t in ID_STOP for t in tokens)
    return "en" if english > indonesian else "id"


EN_STOP = load_word_list("stopwords_en.txt")
ID_STOP = load_word_list("stopwords_id.txt")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--semantic", action="store_true", help="re-rank with the embedding model, as the product does")
    args = parser.parse_args()
    passages, questions = load_facqa()
    twins = twin_classes(passages)
    dev = load_english_dev()
    indonesian = [questions["valid"][i].question for i, _ in dev]
    english = [q for _, q in dev]
    gold = [twins[questions["valid"][i].gold_doc_id] for i, _ in dev]

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "facqa.db"
        build_index([write_corpus_jsonl(passages, Path(tmp) / "facqa.jsonl")], db)
        semantic = None
        if args.semantic:
            semantic = SemanticReranker(Path(tempfile.gettempdir()) / "policybot-benchmark-vectors.db")
            semantic.vectors(list(passages.values()))
        service = AnswerService(db, semantic=semantic)
        with_senses = AnswerService(db, semantic=semantic, sense_choice=True)

        def evaluate(
            qs: list[str], translate: bool = True, translator: Translator | None = None, by: AnswerService = service
        ) -> dict[str, float]:
            rankings = []
            for q in qs:
                if translator is None:
                    answer = by.answer(q, 10, translate=translate)
                else:
                    plan = translator.plan(q)
                    answer = service.answer_groups(q, plan.groups, 10)
                rankings.append([h.doc_id for h in answer.hits])
            return rank_metrics(rankings, gold)

        def ablation(**switches: bool) -> Translator:
            return Translator(service.analyzer, service.reader.has_term, **switches)

        rows = [
            ("Indonesian originals", evaluate(indonesian)),
            ("English, plain BM25 (no translation)", evaluate(english, translate=False)),
            ("English, cross-lingual (full)", evaluate(english)),
            ("  with sense choice (index/senses.py)", evaluate(english, by=with_senses)),
            ("  without phrases", evaluate(english, translator=ablation(use_phrases=False))),
            ("  dictionary only", evaluate(english, translator=ablation(use_glossary=False, use_cognates=False))),
            ("  dictionary + glossary", evaluate(english, translator=ablation(use_cognates=False))),
            ("  dictionary + glossary + cognates", evaluate(english, translator=ablation())),
            ("  same, flat query (not structured)", evaluate(english, translator=ablation(structured=False))),
            ("  glossary + cognates, no dictionary", evaluate(english, translator=ablation(use_dictionary=False))),
        ]
        print(f"{len(dev)} FacQA valid questions, Indonesian originals vs. hand-made English translations")
        print(f"{'system':48} {'MRR@10':>7} {'R@1':>6} {'R@5':>6}")
        for name, metrics in rows:
            print(f"{name:48} {metrics['MRR@10']:>7.3f} {metrics['R@1']:>6.3f} {metrics['R@5']:>6.3f}")

        # (questions, MRR@10) of each set, Indonesian and English, for the pooled figures below
        by_name = dict(rows)
        pooled: dict[tuple[str, str], list[tuple[int, float]]] = {
            ("dev", "Indonesian originals"): [(len(dev), by_name["Indonesian originals"]["MRR@10"])],
            ("dev", "English, cross-lingual"): [(len(dev), by_name["English, cross-lingual (full)"]["MRR@10"])],
        }
        for file, split, title in (
            (
                "facqa_train_en_heldout.tsv",
                "train",
                "held-out check: {n} FacQA train questions translated after the method was built",
            ),
            (
                "facqa_valid_en_2.tsv",
                "valid",
                "second English set: the other {n} FacQA valid questions (translated in session 3)",
            ),
            (
                "facqa_train_en_heldout_2.tsv",
                "train",
                "second held-out check: {n} more FacQA train questions (translated in session 3)",
            ),
        ):
            rows_en = load_english_dev(file)
            set_gold = [twins[questions[split][i].gold_doc_id] for i, _ in rows_en]
            print("\n" + title.format(n=len(rows_en)))
            for name, qs, translate in (
                ("Indonesian originals", [questions[split][i].question for i, _ in rows_en], True),
                ("English, plain BM25", [q for _, q in rows_en], False),
                ("English, cross-lingual", [q for _, q in rows_en], True),
                ("  with sense choice", [q for _, q in rows_en], None),
            ):
                by = with_senses if translate is None else service
                rankings = [[h.doc_id for h in by.answer(q, 10, translate=translate is not False).hits] for q in qs]
                metrics = rank_metrics(rankings, set_gold)
                print(f"{name:48} {metrics['MRR@10']:>7.3f} {metrics['R@1']:>6.3f} {metrics['R@5']:>6.3f}")
                kind = "held-out" if split == "train" else "dev"
                pooled.setdefault((kind, name), []).append((len(qs), metrics["MRR@10"]))
        print()
        for kind in ("dev", "held-out"):
            english_id = [
                sum(n * mrr for n, mrr in pooled[(kind, name)]) / sum(n for n, _ in pooled[(kind, name)])
                for name in ("English, cross-lingual", "Indonesian originals")
            ]
            count = sum(n for n, _ in pooled[(kind, "English, cross-lingual")])
            print(
                f"{kind} sets pooled ({count} questions): English {english_id[0]:.4f}, Indonesian {english_id[1]:.4f}"
            )

        translator = service.translator
        for q in english:  # warm caches (postings lookups) as a running bot would have them
            translator.plan(q)
        timings = []
        for _ in range(5):
            for q in english:
                started = time.perf_counter()
                translator.plan(q)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(
            f"\ntranslation time per question (warm): median {statistics.median(timings):.3f} ms, "
            f"p95 {timings[int(len(timings) * 0.95)]:.3f} ms"
        )

    print("\nlanguage identification accuracy (EN + ID questions; whole / first three words):")
    for name, detect in (
        ("lingua (en, id)", lingua_language),
        ("stop-word vote", stopword_vote),
        ("vote, lingua on ties", detect_language),
    ):
        cases = [(q, "en") for q in english] + [(q, "id") for q in indonesian]
        whole = sum(detect(q) == lang for q, lang in cases) / len(cases)
        short = sum(detect(" ".join(q.split()[:3])) == lang for q, lang in cases) / len(cases)
        print(f"  {name:22} whole {whole:.1%}   three words {short:.1%}")


if __name__ == "__main__":
    main()
