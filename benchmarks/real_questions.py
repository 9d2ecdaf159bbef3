"""Questions nobody here wrote: IDK-MRC (real Indonesian questions, with unanswerable ones) and SQuAD 2.0 dev
(Indonesian translation, or its original English questions) as paragraph retrieval over their passages.

Run:  .venv/bin/python benchmarks/real_questions.py --set idk_mrc [--split valid]
      .venv/bin/python benchmarks/real_questions.py --set squad [--lang id|en] [--limit N]
      add --curve for the answered-rate trade-off at other coverage thresholds (and, with --semantic, at other
      sure cosines: index/confidence.py)
      add --titles (SQuAD) to give each passage its Wikipedia article's title (benchmarks/data/squad_titles.tsv),
      and --title-weight N for what a title word counts for (index/search.py TITLE_WEIGHT; 0: titles not searched)
      add --lower to ask the questions typed in lower case (as chats do), --no-truecase to give the model their
      lower-case words as typed (index/truecase.py)
      add --semantic to re-rank with the embedding model (index/semantic.py; paragraph vectors are cached in
      --vectors, by default in the system's temporary folder, so only the first run embeds the passages)

Rows: rank-bm25 BM25Okapi over lower-cased \\w+ tokens (the sets' README baseline), then ours through the
real pipeline (JSONL ingest → SQLite index → AnswerService). Columns: MRR@10, R@1, R@5 on answerable
questions; the share "answered" of answerable questions, of the unanswerable ones written on the same
passages, and of the answerable ones asked over the corpus without their gold passages (which should
be refused). Tune on IDK-MRC train/valid and SQuAD's published part only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from benchmarks.facqa import rank_metrics  # noqa: E402
from index.analysis import AnalyzerSpec  # noqa: E402
from index.confidence import MEANING_WEIGHT, AnsweredRule  # noqa: E402
from index.ranking import TYPE_MEANING_BONUS  # noqa: E402
from index.search import NEAREST_CANDIDATES, TITLE_WEIGHT, AnswerService  # noqa: E402
from index.semantic import RERANK_DEPTH, RERANK_WEIGHT, RERANK_WEIGHT_ENGLISH, SemanticReranker  # noqa: E402
from index.store import build_index  # noqa: E402

SHARED = Path(os.environ.get("BENCHMARKS_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"))
THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9)


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    gold: str  # the passage it was written on (the gold one when answerable)
    answerable: bool
    answers: tuple[str, ...]


def load_set(name: str, split: str, lang: str) -> tuple[dict[str, str], list[Question]]:
    folder = SHARED / ("idk_mrc" if name == "idk_mrc" else "squad2_id_en")
    passages = {}
    with (folder / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            passages[record["id"]] = record["text"]
    questions = []
    with (folder / "questions.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            q = json.loads(line)
            if name == "idk_mrc":
                if q["split"] == split:
                    questions.append(Question(q["question"], q["passage"], q["answerable"], tuple(q["answers"])))
            else:
                text = q["question_en"] if lang == "en" else q["question_id"]
                if text:
                    questions.append(Question(text, q["passage"], q["answerable"], tuple(q["answers_id"])))
    return passages, questions


def squad_titles(passage_ids: list[str]) -> dict[str, str]:
    """Each SQuAD passage's article title (Indonesian), from the article boundaries in squad_titles.tsv."""
    starts = []
    for line in (Path(__file__).parent / "data" / "squad_titles.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            first, title, _english = line.split("\t")
            starts.append((first, title))
    titles, current = {}, ""
    boundaries = dict(starts)
    for passage_id in sorted(passage_ids):
        current = boundaries.get(passage_id, current)
        titles[passage_id] = current
    return titles


def write_jsonl(passages: dict[str, str], path: Path, titles: dict[str, str] | None = None) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for doc_id, text in passages.items():
            record = {"id": doc_id, "text": text} | ({"title": titles[doc_id]} if titles else {})
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def reference_rankings(passages: dict[str, str], questions: list[Question]) -> list[list[str]]:
    doc_ids = list(passages)
    tokenize = lambda text: re.findall(r"\w+", text.lower())  # noqa: E731
    bm25 = BM25Okapi([tokenize(passages[d]) for d in doc_ids])
    rankings = []
    for q in questions:
        scores = bm25.get_scores(tokenize(q.text))
        rankings.append([doc_ids[i] for i in sorted(range(len(doc_ids)), key=lambda i: (-scores[i], i))[:10]])
    return rankings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=("idk_mrc", "squad"), default="idk_mrc")
    parser.add_argument("--split", default="valid", help="IDK-MRC split (train or valid)")
    parser.add_argument("--lang", choices=("id", "en"), default="id", help="SQuAD: which side's questions")
    parser.add_argument("--limit", type=int, default=0, help="at most this many questions of each kind (0: all)")
    parser.add_argument("--curve", action="store_true", help="answered-rates at other coverage thresholds")
    parser.add_argument("--min-spelling", type=int, default=None, help="spelling tolerance from this many letters")
    parser.add_argument(
        "--stemmer", default=AnalyzerSpec().stemmer, help="the analyzer's stemmer (default: the product's)"
    )
    parser.add_argument("--semantic", action="store_true", help="re-rank the first candidates with the embedding model")
    parser.add_argument("--weight", type=float, default=RERANK_WEIGHT, help="the re-ranking weight (with --semantic)")
    parser.add_argument(
        "--weight-english", type=float, default=RERANK_WEIGHT_ENGLISH, help="the re-ranking weight for English"
    )
    parser.add_argument(
        "--depth", type=int, default=RERANK_DEPTH, help="how many candidates are re-ranked (with --semantic)"
    )
    parser.add_argument("--sense-choice", action="store_true", help="translations with sense choice (index/senses.py)")
    parser.add_argument(
        "--no-english-spelling", action="store_true", help="no spelling tolerance for untranslated words"
    )
    parser.add_argument(
        "--type-meaning-bonus",
        type=float,
        default=TYPE_MEANING_BONUS,
        help="what holding an answer of the asked type adds after re-ranking (index/ranking.py)",
    )
    parser.add_argument("--titles", action="store_true", help="SQuAD: passages carry their article's title")
    parser.add_argument(
        "--title-weight", type=float, default=TITLE_WEIGHT, help="what a title or heading word counts for"
    )
    parser.add_argument(
        "--nearest",
        type=int,
        default=NEAREST_CANDIDATES,
        help="with --semantic: paragraphs nearest in meaning added to BM25's candidates (index/semantic.py)",
    )
    parser.add_argument(
        "--meaning-weight", type=float, default=MEANING_WEIGHT, help="what the cosine counts for (index/confidence.py)"
    )
    parser.add_argument(
        "--fit",
        action="store_true",
        help="with --semantic: fit the meaning weight by logistic regression (answerable vs the other two kinds)",
    )
    parser.add_argument("--sure-from", type=float, default=0.74, help="--curve: the sure levels from this")
    parser.add_argument("--sure-to", type=float, default=0.87, help="--curve: … to this")
    parser.add_argument("--sure-step", type=float, default=0.005, help="--curve: … in these steps")
    parser.add_argument("--lower", action="store_true", help="ask the questions typed in lower case, as chats do")
    parser.add_argument(
        "--no-truecase", action="store_true", help="the model reads lower-case words as typed (index/truecase.py)"
    )
    parser.add_argument("--vectors", type=Path, default=Path(tempfile.gettempdir()) / "policybot-benchmark-vectors.db")
    args = parser.parse_args()

    passages, questions = load_set(args.set, args.split, args.lang)
    if args.lower:
        questions = [replace(q, text=q.text.lower()) for q in questions]
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    if args.limit:
        answerable, unanswerable = answerable[: args.limit], unanswerable[: args.limit]
    label = f"{args.set} {args.split if args.set == 'idk_mrc' else 'dev ' + args.lang}"
    print(
        f"{label}: {len(passages)} passages, {len(answerable)} answerable and "
        f"{len(unanswerable)} unanswerable questions"
    )
    header = f"{'system':44} {'MRR@10':>7} {'R@1':>6} {'R@5':>6} {'ans.':>6} {'unans.':>7} {'gold-rm':>8}"
    print(header + "\n" + "-" * len(header))
    gold = [frozenset([q.gold]) for q in answerable]
    reference = rank_metrics(reference_rankings(passages, answerable), gold)
    baseline = "rank-bm25, \\w+ tokens"
    print(f"{baseline:44} {reference['MRR@10']:>7.3f} {reference['R@1']:>6.3f} {reference['R@5']:>6.3f}")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        full, removed = Path(tmp) / "full.db", Path(tmp) / "removed.db"
        spec = AnalyzerSpec(stemmer=args.stemmer)
        titles = squad_titles(list(passages)) if args.titles and args.set == "squad" else None
        build_index([write_jsonl(passages, Path(tmp) / "full.jsonl", titles)], full, workers=None, analyzer_spec=spec)
        gold_ids = {q.gold for q in answerable}
        build_index(
            [write_jsonl({d: t for d, t in passages.items() if d not in gold_ids}, Path(tmp) / "rm.jsonl", titles)],
            removed,
            workers=None,
            analyzer_spec=spec,
        )
        options: dict[str, object] = {"title_weight": args.title_weight, "sense_choice": args.sense_choice}
        options["spell_unknown_english"] = not args.no_english_spelling
        options["type_meaning_bonus"] = args.type_meaning_bonus
        options["nearest_candidates"] = args.nearest
        options["truecase"] = not args.no_truecase
        if args.min_spelling is not None:
            options["min_spelling_length"] = args.min_spelling
        if args.semantic:
            options["semantic"] = SemanticReranker(
                args.vectors, weight=args.weight, depth=args.depth, weight_english=args.weight_english
            )
            embedding = time.perf_counter()
            options["semantic"].vectors(
                list(passages.values()),
                on_progress=lambda done, total: print(
                    f"\rembedding passages: {done}/{total}", end="", file=sys.stderr, flush=True
                ),
            )
            print(f"passage vectors ready in {time.perf_counter() - embedding:.0f} s", file=sys.stderr)
        options["answered_rule"] = AnsweredRule(meaning_weight=args.meaning_weight)
        service, service_removed = AnswerService(full, **options), AnswerService(removed, **options)
        on_answerable = [service.answer(q.text, 10) for q in answerable]
        on_unanswerable = [service.answer(q.text, 10) for q in unanswerable]
        on_removed = [service_removed.answer(q.text, 10) for q in answerable]
        metrics = rank_metrics([[h.doc_id for h in a.hits] for a in on_answerable], gold)

        def rate(answers, threshold=None, sure=None) -> float:
            """Share answered: as the product decided, or at another coverage threshold (coverage alone), or
            at another sure cosine (coverage with meaning, index/confidence.py)."""
            if threshold is None and sure is None:
                return sum(a.answered for a in answers) / max(len(answers), 1)
            if sure is not None:
                # English questions: the sure level of their two cosines (and of their own alone, where the
                # rendering has none)
                rule = replace(
                    service.answered_rule, sure_cosine=sure, sure_cosine_english=sure, sure_meaning_english=sure
                )
                return sum(
                    bool(a.hits)
                    and a.similarity is not None
                    and rule.answered(a.coverage, a.similarity, a.language == "en", a.rendering_similarity)
                    for a in answers
                ) / max(len(answers), 1)
            return sum(bool(a.hits) and a.coverage >= threshold for a in answers) / max(len(answers), 1)

        name = "ours, " + spec.name
        name += f" + semantic w={args.weight} d={args.depth} n={args.nearest}" if args.semantic else ""
        name += f" + titles tf={args.title_weight}" if titles else ""
        name += " + sense choice" if args.sense_choice else ""
        name += ", no English spelling" if args.no_english_spelling else ""
        name += ", typed in lower case" if args.lower else ""
        name += ", not truecased" if args.no_truecase and args.semantic else ""
        print(
            f"{name + f' ({time.perf_counter() - started:.0f}s)':44} {metrics['MRR@10']:>7.3f} {metrics['R@1']:>6.3f} "
            f"{metrics['R@5']:>6.3f} {rate(on_answerable):>6.1%} {rate(on_unanswerable):>7.1%} {rate(on_removed):>8.1%}"
        )
        if args.curve:
            rule = service.answered_rule
            print(
                "\ncoverage alone (no model), threshold → answered: answerable / unanswerable / gold removed "
                f"(product: {rule.min_coverage}, English questions {rule.min_coverage_english})"
            )
            for t in THRESHOLDS:
                print(
                    f"  {t:4.2f}  {rate(on_answerable, t):6.1%}  "
                    f"{rate(on_unanswerable, t):6.1%}  {rate(on_removed, t):6.1%}"
                )
            if args.semantic:
                print(
                    f"\ncoverage + {rule.meaning_weight:g} × (cosine − sure cosine) ≥ 1, sure cosine → answered: "
                    f"answerable / unanswerable / gold removed (product: {rule.sure_cosine}; English questions, their "
                    f"cosine and their Indonesian rendering's, {1 - rule.rendering_share:g} : {rule.rendering_share:g}"
                    f", {rule.sure_meaning_english})"
                )
                for sure in np.arange(args.sure_from, args.sure_to + 1e-9, args.sure_step).round(4):
                    print(
                        f"  {sure:5.3f}  {rate(on_answerable, sure=sure):6.1%}  "
                        f"{rate(on_unanswerable, sure=sure):6.1%}  {rate(on_removed, sure=sure):6.1%}"
                    )
        if args.fit and args.semantic:
            coverage_weight, cosine_weight = fit_logistic(
                [(a.coverage, a.similarity) for a in on_answerable if a.similarity is not None],
                [(a.coverage, a.similarity) for a in on_unanswerable + on_removed if a.similarity is not None],
            )
            print(
                f"\nlogistic regression, answerable vs unanswerable and gold removed: {coverage_weight:.2f} × coverage "
                f"+ {cosine_weight:.2f} × cosine → meaning weight {cosine_weight / coverage_weight:.1f}"
            )
        service.close()
        service_removed.close()


def fit_logistic(positives: list[tuple[float, ...]], negatives: list[tuple[float, ...]]) -> np.ndarray:
    """The weights of a logistic regression (Newton's method, a little ridge) telling positives from negatives;
    the intercept is fitted and left out. Only their ratio matters to a rule whose threshold is chosen apart."""
    features = np.array(positives + negatives, dtype=np.float64)
    labels = np.array([1.0] * len(positives) + [0.0] * len(negatives))
    design = np.hstack([features, np.ones((len(features), 1))])
    weights = np.zeros(design.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-design @ weights))
        gradient = design.T @ (p - labels) + 1e-6 * weights
        hessian = (design * (p * (1 - p))[:, None]).T @ design + 1e-6 * np.eye(len(weights))
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-10:
            break
    return weights[:-1]


if __name__ == "__main__":
    main()
