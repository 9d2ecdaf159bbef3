"""Changing an index without rebuilding it: `add_documents` (files, directories, .jsonl, with the same per-file
problems as a build), `remove_documents` (by document id) and `compact_index` (paragraph ids made dense again,
the space of removed paragraphs given back).

Each change is made on a copy of the index file, under the build lock, and renamed over it when complete
(build.replacing): running readers see the old index or the new one, never half of a change (index/handle.py
picks the new one up between questions), and a crash at any point leaves the last committed file.

Statistics stay global, so scores equal those of a from-scratch build of the same documents (tests/test_update.py
holds them to one): new paragraphs take the next ids and their postings are appended to each term's (ids stay
ascending); a removed paragraph leaves every posting list and its length becomes 0; N and the average length
count live paragraphs only. A removed paragraph's terms are found by analysing its stored text again with the
index's own analyzer, the one that indexed it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import sqlite_utils

from .analysis import Analyzer, get_analyzer
from .build import replacing
from .ingest import SourceProblem
from .reader import IndexReader, stored_lengths
from .schema import BuildReport, IndexMeta
from .sources import DuplicateIds, corpus_fingerprint
from .postings_builder import FieldTermsBuilder, PostingsBuilder
from .units import analyzed_units
from .writer import accept_unit, nothing_usable, store_accepted


@dataclass(frozen=True, slots=True)
class RemoveReport:
    db_path: Path
    removed: tuple[str, ...]  # document ids removed
    unknown: tuple[str, ...]  # ids the index did not hold (nothing changed for them)
    paragraphs: int  # paragraphs removed
    seconds: float
    files: tuple[Path, ...] = ()  # article files deleted from the corpus folder
    paragraphs_per_document: tuple[int, ...] = ()  # beside `removed`


class _IndexedDigests(set):
    """The digests of paragraphs added so far, and (looked up in the file) those the index held before: a paragraph
    identical to one indexed earlier is kept once, as a build keeps it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        super().__init__()
        self.db = db

    def __contains__(self, digest: object) -> bool:
        if super().__contains__(digest):
            return True
        return self.db.execute("SELECT 1 FROM paragraphs WHERE digest = ? LIMIT 1", (digest,)).fetchone() is not None


class _IndexedIds(DuplicateIds):
    """Document ids: those the index holds (looked up in the file: a million ids are not read for one article),
    then those added so far (first come first served, as in a build)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        super().__init__()
        self.db = db

    def check_id(self, doc_id: str, where: str) -> SourceProblem | None:
        if self.db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None:
            return SourceProblem(where, f"the index already holds {doc_id!r}; remove it first to replace it")
        return super().check_id(doc_id, where)


def _current_meta(db_path: Path) -> IndexMeta:
    reader = IndexReader(db_path)  # raises IndexMissingError, IndexVersionError… with advice
    try:
        return reader.meta
    finally:
        reader.close()


def _open_copy(path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(sqlite3.connect(path))
    # nobody reads the copy until it is renamed into place, so durability can wait for the end
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


def _write_meta(
    db: sqlite_utils.Database, meta: IndexMeta, lengths: np.ndarray, clock: Callable[[], float], **changes: object
) -> IndexMeta:
    """The arrays and metadata after a change: a new build id (answers and buttons name the index by it)."""
    live = int(db.execute("SELECT count(*) FROM paragraphs").fetchone()[0])
    updated = replace(
        meta,
        documents=int(db.execute("SELECT count(*) FROM documents").fetchone()[0]),
        paragraphs=live,
        paragraph_slots=int(lengths.size),
        terms=int(db.execute("SELECT count(*) FROM terms").fetchone()[0]),
        # the mean over live paragraphs, exactly as a build computes it (removed ones have length 0)
        avg_length=(float(lengths.sum(dtype=np.int64)) / live if live else 0.0) or 1.0,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock())),
        build_id=uuid.uuid4().hex,
        **changes,
    )
    db.execute("UPDATE arrays SET data = ? WHERE name = 'paragraph_lengths'", (lengths.astype(np.int32).tobytes(),))
    fields = {field.name: getattr(updated, field.name) for field in dataclass_fields(updated)}
    fields["sources"] = list(updated.sources)
    db.conn.executemany(
        "INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, ?)",
        [(key, json.dumps(value)) for key, value in fields.items()],
    )
    return updated


def add_documents(
    sources: Iterable[Path],
    db_path: Path,
    *,
    on_wait: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.time,
) -> BuildReport:
    """Add the documents of `sources` to the index at db_path. A document whose id the index already holds is
    skipped with a problem (remove it first to replace it), as a build skips a repeated id; raises BuildError
    when nothing could be added (the index is then unchanged)."""
    sources = [Path(s) for s in sources]
    db_path = Path(db_path)
    started = time.perf_counter()
    _current_meta(db_path)  # an index of this program is there (else the error says what to do)
    with replacing(db_path, on_wait, copy=True) as tmp_path:
        meta = _current_meta(db_path)  # as it is now that this change holds the lock
        analyzer = get_analyzer(meta.analyzer_spec)
        db = _open_copy(tmp_path)
        try:
            report = _add(db, meta, analyzer, sources, clock)
        finally:
            db.close()
    return replace(report, db_path=db_path, seconds=time.perf_counter() - started)


def _add(
    db: sqlite_utils.Database, meta: IndexMeta, analyzer: Analyzer, sources: list[Path], clock: Callable[[], float]
) -> BuildReport:
    ids_seen = _IndexedIds(db)
    seen = _IndexedDigests(db)
    postings = PostingsBuilder(first_id=meta.slots)
    fields = FieldTermsBuilder(analyzer)
    problems: list[SourceProblem] = []
    documents = duplicates = 0
    next_id = meta.slots
    with db.conn:
        for unit in analyzed_units(sources, analyzer.spec, workers=1):
            accepted = accept_unit(unit, ids_seen, seen, next_id)
            problems.extend(accepted.problems)
            duplicates += accepted.duplicates
            next_id += store_accepted(db, accepted, fields, next_id)
            documents += len(accepted.documents)
            postings.add_unit(unit, accepted.kept, unit.lengths[accepted.kept])
        if not documents:
            raise nothing_usable("nothing to add", problems)
        added_paragraphs = next_id - meta.slots
        for term, doc_freq, ids, freqs in postings.postings():
            _append_postings(db, "terms", term, ids, freqs, doc_freq)
        for term, ids in fields.rows():
            _append_postings(db, "field_terms", term, ids)
        lengths = np.concatenate((stored_lengths(db), np.frombuffer(postings.lengths, dtype=np.int32)))
        updated = _write_meta(db, meta, lengths, clock, **_sources_after_adding(meta, sources))
    return BuildReport(
        Path(),
        documents,
        added_paragraphs,
        duplicates,
        updated.terms,
        tuple(problems),
        0.0,
        build_id=updated.build_id,
        previous_build_id=meta.build_id,
    )


def _append_postings(
    db: sqlite_utils.Database, table: str, term: str, ids: bytes, freqs: bytes | None = None, doc_freq: int = 0
) -> None:
    """A term's postings for new paragraphs (ids above every indexed one) appended to what the index holds.
    (Joined here, not with SQL's ||, which turns blobs into text.)"""
    if table == "terms":
        row = db.execute("SELECT doc_freq, paragraph_ids, tf_lengths FROM terms WHERE term = ?", (term,)).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO terms (term, doc_freq, paragraph_ids, tf_lengths) VALUES (?, ?, ?, ?)",
                (term, doc_freq, ids, freqs),
            )
        else:
            db.execute(
                "UPDATE terms SET doc_freq = ?, paragraph_ids = ?, tf_lengths = ? WHERE term = ?",
                (row[0] + doc_freq, bytes(row[1]) + ids, bytes(row[2]) + freqs, term),
            )
        return
    row = db.execute("SELECT paragraph_ids FROM field_terms WHERE term = ?", (term,)).fetchone()
    if row is None:
        db.execute("INSERT INTO field_terms (term, paragraph_ids) VALUES (?, ?)", (term, ids))
    else:
        db.execute("UPDATE field_terms SET paragraph_ids = ? WHERE term = ?", (bytes(row[0]) + ids, term))


def _sources_after_adding(meta: IndexMeta, added: list[Path]) -> dict[str, object]:
    """The index's sources and corpus fingerprint after an add. Files added from inside the sources (an article
    saved into corpus/) change the corpus the index reflects: the fingerprint is taken again, so a later start
    does not rebuild. Files from elsewhere extend what the index holds without making it stale."""
    roots = [Path(s).resolve() for s in meta.sources]
    inside = [s for s in added if any(s.resolve().is_relative_to(root) for root in roots)]
    return _fingerprint_again(meta) if inside else {}


def _fingerprint_again(meta: IndexMeta) -> dict[str, object]:
    """The corpus fingerprint taken again, after a change made the index and its sources agree (an article file
    added or deleted with it); nothing when a source is gone (the next start rebuilds anyway)."""
    sources = [Path(s) for s in meta.sources]
    if not all(source.exists() for source in sources):
        return {}
    return {"corpus_fingerprint": corpus_fingerprint(sources)}


def remove_documents(
    doc_ids: Iterable[str],
    db_path: Path,
    *,
    corpus_dir: Path | None = None,
    on_wait: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.time,
) -> RemoveReport:
    """Remove documents by id. Ids the index does not hold are reported in `unknown`; when none is held nothing
    is written. With `corpus_dir`, an article's own file inside that folder is deleted too (a .jsonl line or a file
    elsewhere stays), and the corpus fingerprint is taken again, so a later start or build does not bring it back;
    the files are set aside first and deleted only once the index change is in place (restored if it fails)."""
    wanted = list(dict.fromkeys(doc_ids))
    db_path = Path(db_path)
    started = time.perf_counter()
    reader = IndexReader(db_path)
    try:
        held = {d for d in wanted if reader.db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (d,)).fetchone()}
    finally:
        reader.close()
    removing = [doc_id for doc_id in wanted if doc_id in held]
    unknown = tuple(doc_id for doc_id in wanted if doc_id not in held)
    if not removing:
        return RemoveReport(db_path, (), unknown, 0, time.perf_counter() - started)
    set_aside: list[tuple[Path, Path]] = []  # (article file, where it waits until the change is in place)
    try:
        with replacing(db_path, on_wait, copy=True) as tmp_path:
            meta = _current_meta(db_path)
            db = _open_copy(tmp_path)
            try:
                with db.conn:
                    if corpus_dir is not None:
                        set_aside = _set_aside_files(db, removing, Path(corpus_dir))
                    removed, paragraphs, per_document = _remove(db, meta, removing)
                    changes = _fingerprint_again(meta) if set_aside else {}
                    _write_meta(db, meta, _lengths_without(db, paragraphs), clock, **changes)
            finally:
                db.close()
    except BaseException:
        for original, waiting in set_aside:
            waiting.replace(original)
        raise
    for _original, waiting in set_aside:
        waiting.unlink(missing_ok=True)
    unknown += tuple(doc_id for doc_id in removing if doc_id not in removed)
    files = tuple(original for original, _ in set_aside)
    return RemoveReport(
        db_path, tuple(removed), unknown, len(paragraphs), time.perf_counter() - started, files, tuple(per_document)
    )


def _set_aside_files(db: sqlite_utils.Database, doc_ids: list[str], corpus_dir: Path) -> list[tuple[Path, Path]]:
    """Move each document's own file inside corpus_dir to a hidden name the corpus walk skips."""
    folder = corpus_dir.resolve()
    moved = []
    for doc_id in doc_ids:
        row = db.execute("SELECT origin FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        origin = Path(row[0]) if row and row[0] else None
        if origin is None or origin.is_symlink() or not origin.is_file() or origin.stem != doc_id:
            continue  # a .jsonl line ("bulk.jsonl:12"), a link, or a file since replaced: left alone
        if not origin.resolve().is_relative_to(folder):
            continue
        waiting = origin.with_name(f".{origin.name}.removing-{os.getpid()}")
        origin.replace(waiting)
        moved.append((origin, waiting))
    return moved


def _remove(db: sqlite_utils.Database, meta: IndexMeta, doc_ids: list[str]) -> tuple[list[str], list[int], list[int]]:
    """Removes the documents; returns those removed, their paragraph ids, and how many paragraphs each had."""
    analyzer = get_analyzer(meta.analyzer_spec)
    body: dict[str, list[int]] = {}
    field: dict[str, list[int]] = {}
    removed: list[str] = []
    paragraph_ids: list[int] = []
    per_document: list[int] = []
    for doc_id in doc_ids:
        title_row = db.execute("SELECT title FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if title_row is None:
            continue  # removed by a change that ran in between
        title_terms = set(analyzer.analyze(title_row[0] or ""))
        for paragraph_id, heading, text in db.execute(
            "SELECT paragraph_id, heading, text FROM paragraphs WHERE doc_id = ?", (doc_id,)
        ).fetchall():
            paragraph_ids.append(paragraph_id)
            for term in set(analyzer.analyze(text)):
                body.setdefault(term, []).append(paragraph_id)
            # the cited title is the given one, or a heading or the id standing in for it: its terms cover every
            # title term the paragraph was recorded under (an extra term simply does not hold the id)
            for term in title_terms | set(analyzer.analyze(heading or "")):
                field.setdefault(term, []).append(paragraph_id)
        db.execute("DELETE FROM paragraphs WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        removed.append(doc_id)
        per_document.append(len(paragraph_ids) - sum(per_document))
    for term, ids in body.items():
        _drop_postings(db, "terms", term, ids)
    for term, ids in field.items():
        _drop_postings(db, "field_terms", term, ids)
    return removed, paragraph_ids, per_document


def _drop_postings(db: sqlite_utils.Database, table: str, term: str, paragraph_ids: list[int]) -> None:
    """Take paragraphs out of a term's postings in `table` (terms: with their frequencies and the document
    frequency; field_terms: ids only); a term left without any is deleted."""
    with_freqs = table == "terms"
    row = db.execute(
        f"SELECT paragraph_ids{', tf_lengths' if with_freqs else ''} FROM {table} WHERE term = ?", (term,)
    ).fetchone()
    if row is None:
        return
    held = np.frombuffer(row[0], dtype=np.int32)
    keep = ~np.isin(held, np.array(paragraph_ids, dtype=np.int32))
    if not keep.any():
        db.execute(f"DELETE FROM {table} WHERE term = ?", (term,))
    elif with_freqs:
        # the frequencies with their paragraphs' lengths (stored_postings.pack_frequencies)
        freqs = np.frombuffer(row[1], dtype=np.uint32)
        db.execute(
            "UPDATE terms SET doc_freq = ?, paragraph_ids = ?, tf_lengths = ? WHERE term = ?",
            (int(keep.sum()), held[keep].tobytes(), freqs[keep].tobytes(), term),
        )
    else:
        db.execute("UPDATE field_terms SET paragraph_ids = ? WHERE term = ?", (held[keep].tobytes(), term))


def _lengths_without(db: sqlite_utils.Database, paragraph_ids: list[int]) -> np.ndarray:
    lengths = stored_lengths(db).copy()
    lengths[np.array(paragraph_ids, dtype=np.int64)] = 0
    return lengths


def compact_index(
    db_path: Path, *, on_wait: Callable[[], None] | None = None, clock: Callable[[], float] = time.time
) -> IndexMeta:
    """Renumber the paragraphs densely (their order kept) and give back the space removed ones held. Scores do
    not change; only the ids do, so buttons under earlier answers read as out of date."""
    db_path = Path(db_path)
    _current_meta(db_path)
    with replacing(db_path, on_wait, copy=True) as tmp_path:
        meta = _current_meta(db_path)
        db = _open_copy(tmp_path)
        try:
            with db.conn:
                old_ids = np.array(
                    [row[0] for row in db.execute("SELECT paragraph_id FROM paragraphs ORDER BY paragraph_id")],
                    dtype=np.int64,
                )
                new_id = np.full(meta.slots, -1, dtype=np.int32)
                new_id[old_ids] = np.arange(old_ids.size, dtype=np.int32)
                # paragraph ids move down only, in order: ascending updates never collide
                db.execute("DROP INDEX IF EXISTS paragraphs_digest")  # rebuilt below, after the renumbering
                db.conn.executemany(
                    "UPDATE paragraphs SET paragraph_id = ? WHERE paragraph_id = ?",
                    [(int(new_id[old]), int(old)) for old in old_ids if new_id[old] != old],
                )
                db.execute("CREATE INDEX IF NOT EXISTS paragraphs_digest ON paragraphs (digest)")
                for table in ("terms", "field_terms"):
                    for term, ids in db.execute(f"SELECT term, paragraph_ids FROM {table}").fetchall():
                        renumbered = new_id[np.frombuffer(ids, dtype=np.int32)]
                        db.execute(f"UPDATE {table} SET paragraph_ids = ? WHERE term = ?", (renumbered.tobytes(), term))
                lengths = stored_lengths(db)[old_ids]
                updated = _write_meta(db, meta, lengths, clock)
            db.execute("VACUUM")
        finally:
            db.close()
    return updated
