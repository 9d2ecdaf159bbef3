"""Command line: `python -m index build|add|fetch|update|remove|compact|search|list|stats` (an exact contract: other
tools call it).

Errors end with exit code 2 and one line on stderr; results go to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .bm25 import DEFAULT_B, DEFAULT_K1, BM25Params
from .ingest import CorpusError
from .present import PLAIN, TERMINAL_BOLD, answer_to_json, answer_to_text, source_fields
from .search import AnswerService
from .semantic import prepare_vectors, semantic_from_env
from .settings import IndexSettings
from .store import (
    BuildError,
    IndexFileError,
    IndexReader,
    NotAnIndexError,
    add_documents,
    build_index,
    compact_index,
    remove_documents,
)

SETTINGS = IndexSettings.from_env()  # INDEX_DB, CORPUS_DIR… from the environment and .env (index/settings.py)
DEFAULT_DB = str(SETTINGS.index_db)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _progress_callback():
    """A progress bar on a terminal; nothing when output is piped (CI logs, other tools)."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(unit=" docs", file=sys.stderr, leave=False)

    def on_document(documents: int, paragraphs: int) -> None:
        bar.update(documents - bar.n)
        bar.set_postfix(paragraphs=paragraphs, refresh=False)

    return on_document, bar.close


def _embedding_progress():
    if not sys.stderr.isatty():
        return None
    return lambda done, total: print(
        f"\rembedding paragraphs: {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True
    )


def cmd_build(args: argparse.Namespace) -> int:
    sources = [Path(s) for s in args.sources] or [SETTINGS.corpus_dir]
    on_document, close_bar = _progress_callback()
    try:
        report = build_index(
            sources,
            Path(args.db),
            params=BM25Params(args.k1, args.b),
            on_document=on_document,
            workers=args.workers,
            force=args.force,
            on_wait=lambda: print(f"waiting for another build of {args.db} to finish…", file=sys.stderr, flush=True),
        )
    except NotAnIndexError as error:
        return _fail(str(error))
    except (CorpusError, BuildError, ValueError) as error:
        close_bar()
        return _fail(f"{error} (the previous index, if any, is unchanged)")
    close_bar()
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    _embed_new_paragraphs(args.db, args.no_semantic)
    print(
        f"indexed {report.documents} documents, {report.paragraphs} paragraphs "
        f"({report.duplicate_paragraphs} duplicate paragraphs dropped), {report.terms} terms; "
        f"skipped {len(report.problems)} files/lines; {report.seconds:.2f} s → {report.db_path}"
    )
    return 0


def _embed_new_paragraphs(db: str, no_semantic: bool) -> None:
    semantic = None if no_semantic else semantic_from_env(db)
    if semantic is not None:  # so that the first questions do not wait for the model
        embedded = prepare_vectors(db, semantic, on_progress=_embedding_progress())
        if embedded:
            print(f"embedded {embedded} paragraphs for semantic re-ranking → {semantic.cache.path}", file=sys.stderr)
        semantic.close()


def _corpus_of(args: argparse.Namespace) -> Path:
    """--corpus, else CORPUS_DIR (or corpus/): where fetched articles are saved and removed ones deleted."""
    return Path(args.corpus) if args.corpus else SETTINGS.corpus_dir


def _waiting(db: str):
    return lambda: print(f"waiting for another change to {db} to finish…", file=sys.stderr, flush=True)


def cmd_add(args: argparse.Namespace) -> int:
    try:
        report = add_documents([Path(s) for s in args.sources], Path(args.db), on_wait=_waiting(args.db))
    except IndexFileError as error:
        return _fail(str(error))
    except (CorpusError, BuildError) as error:
        for problem in getattr(error, "problems", ()):
            print(f"skipped {problem}", file=sys.stderr)
        return _fail(f"{getattr(error, 'summary', error)} (the index is unchanged)")
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    _embed_new_paragraphs(args.db, args.no_semantic)
    print(
        f"added {report.documents} documents, {report.paragraphs} paragraphs "
        f"({report.duplicate_paragraphs} duplicate paragraphs dropped); "
        f"skipped {len(report.problems)} files/lines; {report.seconds:.2f} s → {report.db_path}"
    )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    try:
        corpus = None if args.keep_files else _corpus_of(args)
        report = remove_documents(args.doc_ids, Path(args.db), corpus_dir=corpus, on_wait=_waiting(args.db))
    except IndexFileError as error:
        return _fail(str(error))
    files = {path.stem: path for path in report.files}
    for doc_id in report.removed:
        print(f"removed {doc_id}" + (f" (deleted {files[doc_id]})" if doc_id in files else ""))
    for doc_id in report.unknown:
        print(f"not in the index: {doc_id}", file=sys.stderr)
    print(f"removed {len(report.removed)} documents, {report.paragraphs} paragraphs; {report.seconds:.2f} s")
    return 1 if report.unknown else 0


def cmd_compact(args: argparse.Namespace) -> int:
    try:
        meta = compact_index(Path(args.db), on_wait=_waiting(args.db))
    except IndexFileError as error:
        return _fail(str(error))
    print(f"compacted {args.db}: {meta.documents} documents, {meta.paragraphs} paragraphs, {meta.terms} terms")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from .fetch import article_fetcher

    corpus = _corpus_of(args)
    failed = False
    try:
        with article_fetcher(SETTINGS, Path(args.db), corpus) as articles:
            for url in args.urls:
                outcome = articles.fetch(url)
                failed |= outcome.failed
                print(outcome.line(), flush=True)
    except IndexFileError as error:
        return _fail(str(error))
    _embed_new_paragraphs(args.db, args.no_semantic)
    return 1 if failed else 0


def cmd_update(args: argparse.Namespace) -> int:
    from .feeds import poll_all_feeds, read_feeds_file

    feeds_path = Path(args.feeds) if args.feeds else SETTINGS.feeds_file
    if feeds_path is None:
        return _fail("give --feeds FILE (or set FEEDS_FILE): one RSS/Atom feed or sitemap URL a line")
    try:
        feeds = read_feeds_file(feeds_path)
    except OSError as error:
        return _fail(f"cannot read {feeds_path}: {error.strerror or error}")
    failed = False
    try:
        for report in poll_all_feeds(SETTINGS, feeds, Path(args.db), _corpus_of(args)):
            for outcome in report.outcomes:
                print(outcome.line(), flush=True)
            print(report.line(), flush=True)
            failed |= bool(report.error) or any(o.failed for o in report.outcomes)
    except IndexFileError as error:
        return _fail(str(error))
    _embed_new_paragraphs(args.db, args.no_semantic)
    return 1 if failed else 0


def batch_line(service: AnswerService, question: str, k: int) -> str:
    """What `search --queries` prints for one question: its answer as one line of JSON (benchmarks/engine_scaling.py
    times this per question)."""
    return json.dumps(answer_to_json(service.answer(question, k)), ensure_ascii=False)


def cmd_search(args: argparse.Namespace) -> int:
    if args.k < 1:
        return _fail("-k must be at least 1")
    if args.queries is None and args.question is None:
        return _fail("give a QUESTION or --queries FILE")
    try:
        service = AnswerService(args.db, semantic=None if args.no_semantic else semantic_from_env(args.db))
    except IndexFileError as error:
        return _fail(str(error))
    if args.queries is not None:
        try:
            if args.queries == "-":
                lines = sys.stdin.read().splitlines()
            else:
                lines = Path(args.queries).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as error:
            return _fail(f"cannot read {args.queries}: {error.strerror}")
        for line in lines:
            print(batch_line(service, line, args.k), flush=True)
        return 0
    answer = service.answer(args.question, args.k)
    if args.json:
        print(json.dumps(answer_to_json(answer), ensure_ascii=False))
    else:
        print(answer_to_text(answer, limit=args.k, emphasis=TERMINAL_BOLD if sys.stdout.isatty() else PLAIN))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    try:
        reader = IndexReader(args.db)
    except IndexFileError as error:
        return _fail(str(error))
    try:
        documents = reader.documents()
    finally:
        reader.close()
    fields = ("doc_id", "title", "source", "date", "paragraphs")
    if args.json:
        for document in documents:
            print(json.dumps({f: document[f] for f in fields}, ensure_ascii=False))
        return 0
    for d in documents:
        title, details, _url = source_fields(d)  # as a refusal lists articles (index/present.py)
        described = " · ".join(value for _, value in details)
        print(f"{d['doc_id']}  {title}" + (f"  ({described})" if described else "") + f"  {d['paragraphs']} paragraphs")
    print(f"{len(documents)} documents")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    try:
        reader = IndexReader(args.db)
    except IndexFileError as error:
        return _fail(str(error))
    meta = reader.meta
    print(f"index:        {reader.path}")
    print(f"built:        {meta.built_at} from {', '.join(meta.sources)}")
    print(f"analyzer:     {meta.analyzer} v{meta.analyzer_version}")
    print(f"similarity:   BM25 k1={meta.k1} b={meta.b}, Lucene IDF")
    print(f"documents:    {meta.documents}")
    print(f"paragraphs:   {meta.paragraphs} (average {meta.avg_length:.1f} terms)")
    print(f"terms:        {meta.terms}")
    print(f"fingerprint:  {meta.corpus_fingerprint[:16]}")
    print(f"file size:    {reader.path.stat().st_size / 1024:.0f} KiB")
    return 0


def cmd_export_opensearch(args: argparse.Namespace) -> int:
    from .export import export_opensearch

    try:
        definition, bulk, count = export_opensearch(Path(args.db), Path(args.out_dir))
    except IndexFileError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot write to {args.out_dir}: {error.strerror or error}")
    print(f"wrote {definition} and {bulk} ({count} paragraphs); load them as docs/scaling.md describes")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and search the paragraph index.")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the index from directories and .jsonl files")
    build.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="directory or .jsonl file (default: $CORPUS_DIR or corpus/)"
    )
    build.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    build.add_argument("--k1", type=float, default=DEFAULT_K1, help="BM25 k1 (default: %(default)s)")
    build.add_argument("--b", type=float, default=DEFAULT_B, help="BM25 b (default: %(default)s)")
    build.add_argument(
        "--workers", type=int, default=None, help="processes for reading and analysis (default: by input size)"
    )
    build.add_argument(
        "--no-semantic",
        action="store_true",
        help="do not embed paragraphs for semantic re-ranking (also: SEMANTIC_RERANK=off)",
    )
    build.add_argument("--force", action="store_true", help="write over --db even if it is a file that is not an index")
    build.set_defaults(func=cmd_build)

    add = commands.add_parser("add", help="add documents to the index without a rebuild")
    add.add_argument("sources", nargs="+", metavar="SOURCE", help="article file, directory or .jsonl file")
    add.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    add.add_argument("--no-semantic", action="store_true", help="do not embed the new paragraphs")
    add.set_defaults(func=cmd_add)

    fetch = commands.add_parser("fetch", help="download articles from links into the corpus and add them")
    fetch.add_argument("urls", nargs="+", metavar="URL")
    fetch.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    fetch.add_argument("--corpus", default=None, help=f"where articles are saved (default: {SETTINGS.corpus_dir})")
    fetch.add_argument("--no-semantic", action="store_true", help="do not embed the new paragraphs")
    fetch.set_defaults(func=cmd_fetch)

    update = commands.add_parser("update", help="poll news feeds and add their new articles (for cron)")
    update.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    update.add_argument("--corpus", default=None, help=f"where articles are saved (default: {SETTINGS.corpus_dir})")
    update.add_argument("--feeds", default=None, metavar="FILE", help="RSS/Atom/sitemap URLs, one a line ($FEEDS_FILE)")
    update.add_argument("--no-semantic", action="store_true", help="do not embed the new paragraphs")
    update.set_defaults(func=cmd_update)

    remove = commands.add_parser("remove", help="remove articles from the index and their files from the corpus")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="as `list` shows them")
    remove.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    remove.add_argument(
        "--corpus", default=None, help=f"the folder whose article files are deleted (default: {SETTINGS.corpus_dir})"
    )
    remove.add_argument(
        "--keep-files", action="store_true", help="remove from the index only (a later build adds them back)"
    )
    remove.set_defaults(func=cmd_remove)

    compact = commands.add_parser("compact", help="renumber paragraphs densely and give back removed ones' space")
    compact.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    compact.set_defaults(func=cmd_compact)

    search = commands.add_parser("search", help="answer a question (or a file of questions)")
    search.add_argument("question", nargs="?", metavar="QUESTION")
    search.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    search.add_argument("-k", type=int, default=5, help="number of hits (default: %(default)s)")
    search.add_argument("--json", action="store_true", help="print one JSON object per question")
    search.add_argument(
        "--queries",
        metavar="FILE",
        help="a text file of questions, one per line ('-': stdin); prints one JSON object a line",
    )
    search.add_argument("--no-semantic", action="store_true", help="rank by BM25 alone (also: SEMANTIC_RERANK=off)")
    search.set_defaults(func=cmd_search)

    listing = commands.add_parser("list", help="the documents the index holds")
    listing.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    listing.add_argument("--json", action="store_true", help="one JSON object per document")
    listing.set_defaults(func=cmd_list)

    stats = commands.add_parser("stats", help="what the index holds and how it was built")
    stats.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    stats.set_defaults(func=cmd_stats)
    export = commands.add_parser("export-opensearch", help="write an OpenSearch index definition and bulk file")
    export.add_argument("out_dir", metavar="OUT_DIR")
    export.add_argument("--db", default=DEFAULT_DB, help=f"index file (default: {DEFAULT_DB})")
    export.set_defaults(func=cmd_export_opensearch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
