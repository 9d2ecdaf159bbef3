"""Reading the corpus: walking folders (never following links), reading files within their limits, JSONL records,
units of work for the build's worker processes, duplicate ids. The I/O edge of ingest (index/ingest.py is the pure
part: text → Document)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Hashable, Iterable, Iterator

import yaml

from .ingest import (
    DIRECTORY_SUFFIXES,
    HTML_SUFFIXES,
    MAX_FILE_BYTES,
    CorpusError,
    Document,
    SourceProblem,
    make_document,
    split_front_matter,
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file found in the sources, or a link that was not followed (`skipped` says why)."""

    root: Path
    path: Path
    skipped: str = ""


def _link_problem(link: Path, root: Path) -> str:
    """Why a symbolic link in the corpus is not followed (none is: a link could serve any file on the
    machine, /etc/passwd included, to every user through answers)."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return "dangling symbolic link, skipped"
    except (RuntimeError, OSError):
        return "symbolic link loop, skipped"
    where = "inside" if target.is_relative_to(root.resolve()) else "outside"
    return (
        f"symbolic link to {'a folder' if target.is_dir() else 'a file'} {where} the corpus folder, not followed "
        "(links are never followed: copy the file in instead)"
    )


def _walk_directory(root: Path) -> Iterator[SourceFile]:
    """Corpus files under root, sorted by path; links (to files or folders) are reported, never followed."""
    found: list[SourceFile] = []
    for folder, subfolders, files in os.walk(root, followlinks=False):
        folder_path = Path(folder)
        for name in subfolders:
            if (folder_path / name).is_symlink():
                found.append(SourceFile(root, folder_path / name, _link_problem(folder_path / name, root)))
        for name in files:
            path = folder_path / name
            if path.suffix.lower() not in DIRECTORY_SUFFIXES or name.startswith("."):
                continue
            if path.is_symlink():
                found.append(SourceFile(root, path, _link_problem(path, root)))
            else:
                found.append(SourceFile(root, path))
    return iter(sorted(found, key=lambda f: f.path))


def iter_source_files(sources: Iterable[Path]) -> Iterator[SourceFile]:
    """Every file the sources name, sorted, so builds are reproducible. A source named explicitly may
    itself be a link (the admin chose it); links inside a corpus folder are reported, not followed."""
    for source in sources:
        if source.is_dir():
            yield from _walk_directory(source)
        elif source.is_file():
            if source.suffix.lower() not in DIRECTORY_SUFFIXES | {".jsonl"}:
                raise CorpusError(f"{source}: unsupported source type (use a directory, .jsonl, .txt, .md or .html)")
            yield SourceFile(source.parent, source)
        else:
            raise CorpusError(f"{source}: no such file or directory")


def corpus_fingerprint(sources: Iterable[Path]) -> str:
    """Hash of every source file's relative name and bytes: changes exactly when the corpus does.
    A file that cannot be read counts by its name and error (the build reports it, once)."""
    digest = hashlib.sha256()
    for found in iter_source_files(sources):
        digest.update(str(found.path.relative_to(found.root)).encode(errors="surrogateescape"))
        if found.skipped:
            digest.update(b"\0link\0" + found.skipped.encode())
            continue
        try:
            with open_no_follow(found.path) as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as error:
            digest.update(f"\0unreadable\0{error.errno}".encode())
    return digest.hexdigest()


def open_no_follow(path: Path):  # type: ignore[no-untyped-def] - a binary file object
    """The regular file at path for reading; OSError if it is a link (swapped in after the walk) or not a file."""
    # O_NONBLOCK: a FIFO named like an article would otherwise block the build forever on open
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path} is not a regular file")
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def read_file_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing links and anything over `limit` (checked on the open file)."""
    with open_no_follow(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise FileTooLarge(size, limit)
        return handle.read(limit + 1)


class FileTooLarge(Exception):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"too large ({size / 1e6:.1f} MB; the limit is {limit // 2**20} MB)")
        self.size = size


def _check_bytes(raw: bytes) -> str | None:
    if not raw.strip():
        return "empty file"
    if b"\x00" in raw[:8192]:
        return "binary file (contains NUL bytes), not text"
    return None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})") from None


def _read_text_file(path: Path, doc_id: str) -> Document | SourceProblem:
    raw = read_file_bytes(path)
    if problem := _check_bytes(raw):
        return SourceProblem(str(path), problem)
    try:
        fields, body = split_front_matter(_decode(raw))
    except (ValueError, yaml.YAMLError) as error:
        return SourceProblem(str(path), f"{error}".splitlines()[0])
    return make_document(doc_id, fields, body, str(path))


def _read_html_file(path: Path, doc_id: str) -> Document | SourceProblem:
    import trafilatura  # imported here: heavy, and only HTML sources need it

    raw = read_file_bytes(path)
    if problem := _check_bytes(raw):
        return SourceProblem(str(path), problem)
    extracted = trafilatura.extract(
        raw, output_format="json", with_metadata=True, include_comments=False, include_tables=False
    )
    if not extracted:
        return SourceProblem(str(path), "no main text found in the HTML")
    data = json.loads(extracted)
    fields = {
        "title": data.get("title"),
        "source": data.get("sitename") or data.get("hostname"),
        "date": data.get("date"),
        "url": data.get("source") if str(data.get("source") or "").startswith("http") else "",
        "lang": data.get("language"),
    }
    return make_document(doc_id, fields, data.get("text") or "", str(path))


# A unit of JSONL work is about this many bytes of whole lines (~2000 lines of a typical record). The lines go
# to a worker as one bytes object, split there: lists of 2000 line objects, iterated and pickled here, cost the
# main process ~1 s of CPU at 1M lines, on a core the workers need
JSONL_BYTES_PER_UNIT = 1 << 20
MAX_ID_CHARS = 200


def _jsonl_record(raw_line: bytes, where: str) -> Document | SourceProblem | None:
    """One JSONL line → a Document (duplicate ids are checked later, in order), a problem, or None if blank."""
    if not raw_line.strip():
        return None
    try:
        record = json.loads(_decode(raw_line))
    except ValueError as error:
        return SourceProblem(where, f"not a JSON object ({str(error).splitlines()[0]})")
    if not isinstance(record, dict):
        return SourceProblem(where, "not a JSON object")
    missing = [key for key in ("id", "text") if record.get(key) in (None, "")]
    if missing:
        return SourceProblem(where, f"missing {' and '.join(repr(k) for k in missing)}")
    if not isinstance(record["text"], str) or isinstance(record["id"], (dict, list, bool)):
        return SourceProblem(where, "'id' must be a string or number and 'text' a string")
    doc_id = str(record["id"]).strip()
    if len(doc_id) > MAX_ID_CHARS:
        return SourceProblem(where, f"'id' is longer than {MAX_ID_CHARS} characters")
    return make_document(doc_id, record, record["text"], where)


def work_units(sources: Iterable[Path]) -> Iterator[tuple]:
    """The sources cut into independent pieces of work, in order: one file, or whole JSONL lines
    of about JSONL_BYTES_PER_UNIT bytes."""
    for found in iter_source_files(sources):
        path = found.path
        if found.skipped:
            yield ("unreadable", path, found.skipped)
            continue
        if path.suffix.lower() != ".jsonl":
            yield ("file", path)
            continue
        try:
            with open_no_follow(path) as handle:
                first, rest = 1, b""
                # a line longer than a block is read on in blocks as long as what is held of it, so a huge
                # line costs linear time, not quadratic
                while block := handle.read(max(JSONL_BYTES_PER_UNIT, len(rest))):
                    block = rest + block
                    end = block.rfind(b"\n") + 1  # 0 inside a line longer than a block
                    whole, rest = block[:end], block[end:]
                    if whole:
                        yield ("jsonl", path, first, whole)
                        first += whole.count(b"\n")
                if rest:
                    yield ("jsonl", path, first, rest)
        except OSError as error:
            yield ("unreadable", path, f"cannot read ({error.strerror or error})")


def process_unit(unit: tuple) -> list[Document | SourceProblem]:
    """Documents and problems of one unit of work; stateless, so units can run in parallel."""
    kind, path = unit[0], unit[1]
    if kind == "unreadable":
        return [SourceProblem(str(path), unit[2])]
    if kind == "jsonl":
        first, text = unit[2], unit[3]
        # lines end at b"\n" only, as a file's lines do (bytes.splitlines would also split at a lone b"\r")
        lines = text.split(b"\n")
        if lines[-1] == b"":
            lines.pop()  # after the last line's end
        name = str(path)
        places = (f"{name}:{first + offset}" for offset in range(len(lines)))
        items = (_guarded(place, _jsonl_record, line, place) for line, place in zip(lines, places))
        return [item for item in items if item is not None]
    reader = _read_html_file if path.suffix.lower() in HTML_SUFFIXES else _read_text_file
    return [_guarded(str(path), reader, path, path.stem)]


def _guarded(place: str, read, *args):  # type: ignore[no-untyped-def]
    """read(*args) with every failure turned into a problem for that one file or line (`place`): one bad
    file must never stop the build (and then the bot's start)."""
    try:
        return read(*args)
    except FileTooLarge as error:
        return SourceProblem(place, str(error))
    except OSError as error:
        return SourceProblem(place, f"cannot read ({error.strerror or error})")
    except RecursionError:
        return SourceProblem(place, "nested too deeply to read")
    except Exception as error:  # noqa: BLE001 - reported per file; the build goes on with the rest
        return SourceProblem(place, f"could not be read ({type(error).__name__}: {str(error)[:200]})")


def all_new(seen: AbstractSet[Hashable], items: list[Hashable]) -> bool:
    """True if no item is in `seen` or repeated among `items` (C-speed set operations)."""
    return seen.isdisjoint(items) and len(set(items)) == len(items)


class DuplicateIds:
    """The one piece of state in reading: a document id may be used once, first come first served."""

    def __init__(self) -> None:
        self.first_seen: dict[str, str] = {}

    def check(self, item: Document | SourceProblem) -> Document | SourceProblem:
        if isinstance(item, SourceProblem):
            return item
        return self.check_id(item.meta.doc_id, item.meta.origin) or item

    def all_new(self, ids: list[str]) -> bool:
        """True if none of the ids was seen before or is repeated among them: then `record_all` may take
        them at once (the fast path of bulk builds); otherwise they are checked one by one."""
        return all_new(self.first_seen.keys(), ids)

    def record_all(self, ids_and_places: Iterable[tuple[str, str]]) -> None:
        self.first_seen.update(ids_and_places)

    def check_id(self, doc_id: str, where: str) -> SourceProblem | None:
        first = self.first_seen.get(doc_id)
        if first is not None:
            return SourceProblem(where, f"duplicate id {doc_id!r} (first seen at {first}); skipped")
        self.first_seen[doc_id] = where
        return None


def read_sources(sources: Iterable[Path]) -> Iterator[Document | SourceProblem]:
    """Every document the sources hold, and a problem for each file or line that could not be used."""
    duplicates = DuplicateIds()
    for unit in work_units(sources):
        for item in process_unit(unit):
            yield duplicates.check(item)
