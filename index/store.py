"""The index file, one import away: what the rest of the program uses of the storage modules.

index/schema.py (layout, version, errors, records), index/writer.py (writing one file), index/build.py (builds:
lock, atomic rename, `ensure_index`), index/update.py (add, remove, compact without a rebuild) and index/reader.py
(reading). They are the only modules that run SQL on the index. Every change writes a new file beside the target
and renames it over the old one only when complete, so a failed or killed change leaves the previous index serving.
"""

from __future__ import annotations

from .build import build_index, ensure_index, index_is_stale, remove_stale_builds
from .reader import POSTINGS_CACHE_BYTES, IndexReader, PostingsCache
from .schema import (
    INDEX_FILE_MODE,
    SCHEMA_VERSION,
    BuildError,
    BuildReport,
    IndexCorruptError,
    IndexFileError,
    IndexMeta,
    IndexMissingError,
    IndexVersionError,
    IndexWriteError,
    NotAnIndexError,
    ParagraphRecord,
    file_identity,
    is_index_file,
    rebuild_hint,
)
from .update import RemoveReport, add_documents, compact_index, remove_documents
from .postings_builder import group_by_term, group_by_term_reference, grouped_postings
from .units import cited_title, paragraph_digest

__all__ = [
    "INDEX_FILE_MODE",
    "POSTINGS_CACHE_BYTES",
    "SCHEMA_VERSION",
    "BuildError",
    "BuildReport",
    "IndexCorruptError",
    "IndexFileError",
    "IndexMeta",
    "IndexMissingError",
    "IndexReader",
    "IndexVersionError",
    "IndexWriteError",
    "NotAnIndexError",
    "ParagraphRecord",
    "PostingsCache",
    "RemoveReport",
    "add_documents",
    "compact_index",
    "build_index",
    "cited_title",
    "ensure_index",
    "file_identity",
    "group_by_term",
    "group_by_term_reference",
    "grouped_postings",
    "index_is_stale",
    "is_index_file",
    "paragraph_digest",
    "rebuild_hint",
    "remove_documents",
    "remove_stale_builds",
]
