r"""Streaming reader of the Commission's daily dumps: one CSV member at a time, straight from the zip.

A daily dump ``sor-<slug>-<date>-<full|light>.zip`` holds inner zips ``….csv.zip`` (stored without
compression), each holding CSV chunks of up to 100,000 rows that repeat the header
(DayArchiveService and StatementCsvExportZ of the transparency-database repository).
:func:`plan_dump` lists the CSV members (reading only central directories) and
:func:`summarise_member` turns ONE member into its summary: the single place where summaries are
computed, whichever executor runs it (local processes or Dask workers).

A member is inflated in 256 KiB reads and parsed in blocks of about 16 MB cut at line breaks
(:func:`iter_member_chunks`, :func:`iter_frames`), each block with polars ``read_csv`` projecting
only the columns a summary needs (low-cardinality ones straight to categoricals, ~120 bytes a row),
and the parsed rows are summarised up to :data:`FLUSH_ROWS` at a time (:class:`MemberSummariser`),
so a worker's memory is bounded by one block and those rows (~25 MB) whatever the dump's size.
With the row store of some platforms (``sor ingest --rows``), only those platforms' rows are parsed
in full: their runs of lines are cut out of each block and parsed alone, the cuts of successive blocks
together (:func:`iter_frames_and_rows`, :func:`block_rows`), checked against the summaries' parse of
the same rows.
Nothing is extracted to disk and member names are never used as file-system
paths: they are keys into the zip and labels in reports. Faults are handled with nothing lost:

- rows with backslash-escaped quotes (PHP ``fputcsv``'s ``\"``) are parsed with Python's ``csv``
  module (``escapechar='\\'``) and counted (``backslash_quote_rows``);
- invalid UTF-8 is replaced (U+FFFD) and the replaced sequences counted (``invalid_utf8_sequences``);
- malformed list values (not a JSON list of keys) are kept as their raw text and counted
  (``malformed_<column>``);
- duplicate uuids are removed and counted as rejected rows (``duplicate_uuid``);
- rows with a wrong number of fields (``field_count``) or no parseable ``created_at``
  (``bad_created_at``) are rejected and counted;
- a header of no known layout, a corrupt or truncated zip, an implausible compression ratio or size
  refuse the member with a :class:`MemberRefused` naming dump and member; other members proceed.

For each member: ``rows_read = rows_summarised + sum(rejected.values())``. Duplicate uuids across
members of one dump are removed by :mod:`dsa_explore.sor.ingest` (64-bit uuid hashes).
A quoted field containing a line break (the exporter replaces them, so none are expected) would
split its row; the pieces are then rejected and counted (``field_count``/``bad_created_at``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dsa_explore.core.errors import RefusedDataError
from dsa_explore.sor import schema, taxonomy

try:
    from isal import isal_zlib as _isal_zlib
except ImportError:  # isal is a pinned dependency; without it the ingest falls back to zlib
    _isal_zlib = None

#: The inflate members are decompressed with: ``isal`` (python-isal, ISA-L's inflate, about 2.4x
#: zlib's on these members) when installed, else ``zlib``; ``DSA_EXPLORE_SOR_INFLATE=zlib`` forces
#: zlib (to compare). The ingest and the benchmark's floor (:func:`drain_member`) use the same.
INFLATE = os.environ.get("DSA_EXPLORE_SOR_INFLATE") or ("isal" if _isal_zlib is not None else "zlib")
_INFLATE_ERRORS = (zlib.error,) if _isal_zlib is None else (zlib.error, _isal_zlib.error)
#: Compressed bytes fed to the inflater at a time.
INFLATE_INPUT_BYTES = 64 * 1024

#: Largest CSV member accepted (declared uncompressed size). Real chunks are ~100 MB (100k rows).
MAX_MEMBER_BYTES = 2 * 1024**3
#: Largest inner zip accepted inside the outer zip.
MAX_INNER_BYTES = 16 * 1024**3
#: Largest accepted uncompressed/compressed ratio (CSV text of the TDB compresses ~5-30×).
MAX_RATIO = 200
#: Longest CSV line accepted (64 MiB; real rows are a few KB: free-text fields hold at most 5,000
#: characters; it must exceed :data:`CHUNK_BYTES`). A longer line refuses its member, naming its byte
#: offset, as soon as the limit is passed: the line is never held whole, so a worker's memory stays
#: bounded by one block plus the limit.
MAX_LINE_BYTES = 64 * 1024 * 1024

csv.field_size_limit(MAX_LINE_BYTES)  # Python's csv module refused fields above 131,072 characters

_NEEDED = list(schema.NEEDED)
_DUMP_NAME = re.compile(r"^sor-(?P<slug>[a-z0-9-]+?)-(?P<date>\d{4}-\d{2}-\d{2})-(?P<version>full|light)$")
_LIST_OK = re.compile(r'^\[(?:"[^",\[\]]*"(?:,"[^",\[\]]*")*)?\]$')


class MemberRefused(RefusedDataError):
    """A member (or a whole dump) cannot be read safely; the message names dump and member."""

    def __init__(self, dump: str, member: str, problem: str):
        self.dump, self.member, self.problem = dump, member, problem
        super().__init__(f"{dump}: member {member!r}: {problem}")


@dataclass(frozen=True)
class DumpInfo:
    """What a dump's file name says: ``sor-<slug>-<date>-<version>.zip``."""

    stem: str
    slug: str
    date: str
    version: str


def parse_dump_name(path: str | Path) -> DumpInfo:
    """Parse a dump file name; raise ``ValueError`` naming the file when it is not one."""
    name = Path(path).name
    stem = name[:-4] if name.endswith(".zip") else name
    m = _DUMP_NAME.match(stem)
    if not m or not name.endswith(".zip"):
        raise ValueError(f"{name}: not a daily dump name; expected sor-<slug>-<YYYY-MM-DD>-<full|light>.zip")
    return DumpInfo(stem=stem, slug=m["slug"], date=m["date"], version=m["version"])


@dataclass(frozen=True)
class MemberTask:
    """One CSV member of a dump: what a worker needs to summarise it."""

    dump_path: str
    dump: str  # dump stem, e.g. sor-global-2025-07-01-full
    inner: str  # name of the inner .csv.zip inside the outer zip
    member: str  # name of the CSV inside the inner zip
    index: int  # position of the member in the dump (stable order)
    platforms: tuple[str, ...] | None = None  # canonical platform filter, None = all
    exclude_hashes: tuple[int, ...] = ()  # uuid hashes seen in an earlier member (duplicates)
    #: where the (stored) inner zip's local header is in the outer zip, and its size, as planned:
    #: a worker opens the inner zip there instead of parsing the outer zip's whole central directory
    #: for every member (which made a dump's time grow with the square of its member count); -1 = look it up
    inner_offset: int = -1
    inner_size: int = 0
    rows: object = None  # a dsa_explore.sor.rows.RowSpec: also keep the rows

    @property
    def label(self) -> str:
        """Return ``inner/member``, how reports name the member."""
        return f"{self.inner}/{self.member}"


@dataclass
class MemberResult:
    """The summary of one member, its row account, its faults, or the error that refused it."""

    task: MemberTask
    summary: pl.DataFrame | None = None
    keywords: pl.DataFrame | None = None
    rows_read: int = 0
    rows_summarised: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    layout: str | None = None
    uuid_hashes: object = None  # UInt64 polars Series of the member's kept uuid hashes
    error: str | None = None
    row_files: list | None = None  # staged row files (dsa_explore.sor.rows.RowSink.finish) when task.rows


# -------------------------------------------------------------------------------------------------
# Zip access without extraction
# -------------------------------------------------------------------------------------------------


class _SubFile(io.RawIOBase):
    """A read-only, seekable window ``[offset, offset+length)`` of an open binary file."""

    def __init__(self, fh, offset: int, length: int):
        self._fh, self._start, self._len, self._pos = fh, offset, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 0:
            new = pos
        elif whence == 1:
            new = self._pos + pos
        else:
            new = self._len + pos
        self._pos = max(0, min(new, self._len))
        return self._pos

    def read(self, n: int = -1) -> bytes:
        remaining = self._len - self._pos
        if n is None or n < 0 or n > remaining:
            n = remaining
        if n <= 0:
            return b""
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        self._pos += len(data)
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _check_info(dump: str, label: str, info: zipfile.ZipInfo, max_bytes: int) -> None:
    if info.file_size > max_bytes:
        raise MemberRefused(
            dump,
            label,
            f"implausible size: declares {info.file_size:,} bytes "
            f"uncompressed, more than the limit of {max_bytes:,}",
        )
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > 1024 * 1024:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise MemberRefused(
                dump,
                label,
                f"implausible compression ratio {ratio:,.0f}:1 "
                f"({info.compress_size:,} → {info.file_size:,} bytes); limit {MAX_RATIO}:1",
            )


def _open_stored_inner(fh, dump: str, inner_name: str, header_offset: int, size: int) -> zipfile.ZipFile:
    """Open the stored inner zip whose local header is at ``header_offset`` of the outer file.

    The header must name ``inner_name``; the zip is a window on the outer file, nothing extracted
    or re-listed.
    """
    fh.seek(header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise MemberRefused(dump, inner_name, "corrupt local header of the inner zip")
    (flags,) = struct.unpack("<H", local[6:8])
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    raw = fh.read(name_len)
    name = raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
    if name != inner_name:
        raise MemberRefused(
            dump,
            inner_name,
            f"the local header at offset {header_offset:,} names {name!r}: "
            "the dump changed since it was planned",
        )
    start = header_offset + 30 + name_len + extra_len
    return zipfile.ZipFile(_SubFile(fh, start, size))


def _open_inner(outer: zipfile.ZipFile, fh, dump: str, inner_name: str) -> zipfile.ZipFile:
    """Open the inner zip ``inner_name`` without extracting it (a window on the outer file if stored)."""
    try:
        info = outer.getinfo(inner_name)
    except KeyError as exc:
        raise MemberRefused(dump, inner_name, "no such inner zip in the dump") from exc
    _check_info(dump, inner_name, info, MAX_INNER_BYTES)
    try:
        if info.compress_type == zipfile.ZIP_STORED:
            return _open_stored_inner(fh, dump, inner_name, info.header_offset, info.compress_size)
        return zipfile.ZipFile(outer.open(info))  # compressed inner zip: slow but correct
    except MemberRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error) as exc:
        raise MemberRefused(dump, inner_name, f"corrupt or truncated inner zip ({exc})") from exc


def _open_task_inner(fh, task: MemberTask) -> zipfile.ZipFile:
    """Open the inner zip of ``task``: where the plan found it, or by looking it up in the outer zip."""
    try:
        if task.inner_offset >= 0:
            return _open_stored_inner(fh, task.dump, task.inner, task.inner_offset, task.inner_size)
        try:
            outer = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise MemberRefused(task.dump, "(outer zip)", f"corrupt or truncated zip ({exc})") from exc
        return _open_inner(outer, fh, task.dump, task.inner)
    except MemberRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error) as exc:
        raise MemberRefused(task.dump, task.inner, f"corrupt or truncated inner zip ({exc})") from exc


def _plan_inner(
    outer: zipfile.ZipFile,
    fh,
    path: Path,
    info: DumpInfo,
    inner_info: zipfile.ZipInfo,
    index: int,
    platforms,
    tasks: list,
    errors: list,
) -> int:
    """Append the CSV members of one inner zip to ``tasks`` (others to ``errors``); return the next index."""
    name = inner_info.filename
    inner = _open_inner(outer, fh, info.stem, name)
    stored = inner_info.compress_type == zipfile.ZIP_STORED
    where = (
        {"inner_offset": inner_info.header_offset, "inner_size": inner_info.compress_size} if stored else {}
    )
    with inner:
        for csv_info in sorted(inner.infolist(), key=lambda i: i.filename):
            if csv_info.is_dir():
                continue
            label = f"{name}/{csv_info.filename}"
            if not csv_info.filename.endswith(".csv"):
                errors.append(
                    {
                        "member": label,
                        "error": f"{info.stem}: member {label!r}: unexpected member (expected .csv); skipped",
                    }
                )
                continue
            tasks.append(
                MemberTask(
                    dump_path=str(path),
                    dump=info.stem,
                    inner=name,
                    member=csv_info.filename,
                    index=index,
                    platforms=platforms,
                    **where,
                )
            )
            index += 1
    return index


def plan_dump(
    path: str | Path, *, platforms: tuple[str, ...] | None = None
) -> tuple[list[MemberTask], list[dict]]:
    """List the CSV members of dump ``path`` (central directories only).

    Returns ``(tasks, errors)``: an inner zip that cannot be opened, or an unexpected member name,
    becomes an error record ``{"member": ..., "error": ...}`` while the other members are planned.
    Raises :class:`MemberRefused` when the outer zip itself is unreadable, or holds no CSV member at
    all (an empty dump is refused, not ingested as a complete day of 0 rows).
    """
    path = Path(path)
    info = parse_dump_name(path)
    tasks: list[MemberTask] = []
    errors: list[dict] = []
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise MemberRefused(info.stem, "(outer zip)", f"cannot open ({exc})") from exc
    with fh:
        try:
            outer = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise MemberRefused(info.stem, "(outer zip)", f"corrupt or truncated zip ({exc})") from exc
        index = 0
        for inner_info in sorted(outer.infolist(), key=lambda i: i.filename):
            name = inner_info.filename
            if inner_info.is_dir():
                continue
            if not name.endswith(".csv.zip"):
                errors.append(
                    {
                        "member": name,
                        "error": f"{info.stem}: member {name!r}: unexpected member "
                        "(expected inner .csv.zip files); skipped",
                    }
                )
                continue
            try:
                index = _plan_inner(outer, fh, path, info, inner_info, index, platforms, tasks, errors)
            except MemberRefused as exc:
                errors.append({"member": name, "error": str(exc)})
    if not tasks and not errors:
        raise MemberRefused(
            info.stem,
            "(outer zip)",
            "empty dump: the zip holds no inner .csv.zip with a CSV "
            "member (an interrupted download or export?); refused, "
            "download the day again",
        )
    return tasks, errors


#: Size of the decompressed blocks a member is parsed in (bounded memory, no huge allocations).
CHUNK_BYTES = 16 * 1024 * 1024
#: Size of each read from the zip member. ``zipfile`` copies its unconsumed compressed input on
#: every read, so smaller reads are cheaper up to a point: draining 50 members of 100,000 rows with
#: 2 processes took 2.25 s with 256 KiB reads, against 2.58 s (64 KiB), 2.48 s (1 MiB) and 2.59 s
#: (4 MiB). The benchmark's floor uses the same reads (:func:`drain_member`).
READ_BYTES = 256 * 1024


class Block(list):
    """The bytes-like parts of one block, to be joined.

    ``backslash`` is False when no part holds a backslash (checked on each part as it is inflated,
    while it is in cache: cheaper than a scan of the joined block).
    """

    backslash: bool = True


def _inflater():
    if INFLATE == "isal" and _isal_zlib is not None:
        return _isal_zlib
    return zlib


def iter_member_pieces(
    inner: zipfile.ZipFile, info: zipfile.ZipInfo, dump: str, label: str, read: int | None = None
) -> Iterator[bytes]:
    """Yield the decompressed bytes of member ``info`` of ``inner``, CRC-32 and size checked.

    The pieces hold at most ``read`` bytes (default :data:`READ_BYTES`).

    Deflated members are inflated by one loop over the raw compressed bytes with :data:`INFLATE`
    (``zipfile`` would use zlib and copy its unconsumed input on every read); stored members are
    read as they are; other methods go through ``zipfile``. Raises :class:`MemberRefused` for
    corrupt, truncated or encrypted data, or data longer or shorter than declared.
    """
    read = read or READ_BYTES
    if info.flag_bits & 0x1:
        raise MemberRefused(dump, label, "encrypted member; not readable")
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        with inner.open(info) as member:
            while blk := member.read(read):
                yield blk
        return
    _seek_member_data(inner.fp, info, dump, label)
    z = _inflater()
    pieces = (
        _inflated(inner.fp, info, dump, label, read, z)
        if info.compress_type == zipfile.ZIP_DEFLATED
        else _stored(inner.fp, info, dump, label, read)
    )
    crc = total = 0
    for out in pieces:
        crc = z.crc32(out, crc)
        total += len(out)
        if total > info.file_size:
            raise MemberRefused(
                dump, label, f"size mismatch: more than the {info.file_size:,} bytes the header declares"
            )
        yield out
    if total != info.file_size:
        raise MemberRefused(
            dump, label, f"size mismatch: read {total:,} bytes, header declares {info.file_size:,}"
        )
    if crc != info.CRC:
        raise MemberRefused(dump, label, f"corrupt data: CRC-32 {crc:08x}, header declares {info.CRC:08x}")


def _seek_member_data(fp, info: zipfile.ZipInfo, dump: str, label: str) -> None:
    """Check the member's local header (signature, name) and seek ``fp`` to its data."""
    fp.seek(info.header_offset)
    local = fp.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise MemberRefused(dump, label, "corrupt local header of the member")
    (flags,) = struct.unpack("<H", local[6:8])
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    name = fp.read(name_len).decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
    if name != info.orig_filename:
        raise MemberRefused(
            dump, label, f"corrupt local header: it names {name!r}, the directory {info.orig_filename!r}"
        )
    fp.seek(info.header_offset + 30 + name_len + extra_len)


def _compressed(fp, size: int, dump: str, label: str) -> bytes:
    buf = fp.read(size)
    if not buf:
        raise MemberRefused(dump, label, "corrupt or truncated data (the zip ends inside the member)")
    return buf


def _inflated(fp, info: zipfile.ZipInfo, dump: str, label: str, read: int, z) -> Iterator[bytes]:
    """Inflate the raw deflate stream at ``fp`` (``info.compress_size`` bytes) in pieces of <= ``read``."""
    d = z.decompressobj(-15)
    remaining = info.compress_size
    while not d.eof:
        if d.unconsumed_tail:
            buf = d.unconsumed_tail
        elif remaining > 0:
            buf = _compressed(fp, min(INFLATE_INPUT_BYTES, remaining), dump, label)
            remaining -= len(buf)
        else:
            buf = b""  # the input is all in; the inflater may still hold output (isal does)
        out = d.decompress(buf, read)
        if not buf and not out:
            raise MemberRefused(dump, label, "corrupt or truncated data (the deflate stream does not end)")
        if out:
            yield out


def _stored(fp, info: zipfile.ZipInfo, dump: str, label: str, read: int) -> Iterator[bytes]:
    """Yield the bytes of a stored member at ``fp``, in pieces of at most ``read``."""
    remaining = info.compress_size
    while remaining > 0:
        buf = _compressed(fp, min(read, remaining), dump, label)
        remaining -= len(buf)
        yield buf


def iter_member_chunks(task: MemberTask, block: int | None = None) -> Iterator[Block]:
    """Yield the decompressed bytes of one CSV member in blocks cut at line breaks (CRC-checked).

    Each block is a :class:`Block` of bytes-like parts to be joined (this avoids copying 8 MB twice).

    Raises :class:`MemberRefused` for a missing member, an implausible size or compression ratio, or
    corrupt or truncated data (also when the data turns out longer or shorter than declared), and
    for a line longer than :data:`MAX_LINE_BYTES` (measured when a block cannot be cut: the limit is
    larger than a block, so a longer line always spans one).
    """
    block = block or CHUNK_BYTES
    line_start = None  # member offset where the line being read starts, once a block could not be cut
    with open(task.dump_path, "rb") as fh:
        inner = _open_task_inner(fh, task)
        with inner:
            try:
                info = inner.getinfo(task.member)
            except KeyError as exc:
                raise MemberRefused(task.dump, task.label, "no such member") from exc
            _check_info(task.dump, task.label, info, MAX_MEMBER_BYTES)
            total = 0
            parts = Block()
            parts.backslash = False
            size = 0
            try:
                for blk in iter_member_pieces(inner, info, task.dump, task.label):
                    total += len(blk)
                    parts.append(blk)
                    parts.backslash = parts.backslash or b"\\" in blk
                    size += len(blk)
                    if size >= block:
                        cut = blk.rfind(b"\n")
                        if cut < 0:
                            if line_start is None:
                                line_start = total - _tail_bytes(parts)
                            if total - line_start > MAX_LINE_BYTES:
                                _refuse_long_line(task, line_start)
                            continue
                        line_start = None
                        view = memoryview(blk)
                        parts[-1] = view[: cut + 1]
                        yield parts
                        rest = bytes(view[cut + 1 :])
                        parts = Block([rest] if rest else [])
                        parts.backslash = b"\\" in rest
                        size = len(rest)
            except (
                zipfile.BadZipFile,
                *_INFLATE_ERRORS,
                OSError,
                EOFError,
                ValueError,
                NotImplementedError,
            ) as exc:
                raise MemberRefused(task.dump, task.label, f"corrupt or truncated data ({exc})") from exc
            if parts:
                yield parts
    if total != info.file_size:
        raise MemberRefused(
            task.dump, task.label, f"size mismatch: read {total:,} bytes, header declares {info.file_size:,}"
        )


def _tail_bytes(parts: list) -> int:
    """Bytes after the last line break held in ``parts`` (all of them when there is none)."""
    tail = 0
    for p in reversed(parts):
        nl = bytes(p).rfind(b"\n")
        if nl >= 0:
            return tail + len(p) - nl - 1
        tail += len(p)
    return tail


def _refuse_long_line(task: MemberTask, offset: int) -> None:
    """Refuse a member whose line starting at byte ``offset`` passed :data:`MAX_LINE_BYTES`."""
    raise MemberRefused(
        task.dump,
        task.label,
        f"line longer than the limit of {MAX_LINE_BYTES:,} bytes at byte "
        f"offset {offset:,} of the member; refused without reading "
        "the line whole (the limit is dsa_explore.sor.reader.MAX_LINE_BYTES)",
    )


def drain_member(task: MemberTask, block: int = READ_BYTES) -> int:
    """Decompress one CSV member to nowhere and return its size: the floor of the benchmarks.

    The same inflate (:data:`INFLATE`) and the same pieces as the ingest.
    """
    total = 0
    with open(task.dump_path, "rb") as fh:
        with _open_task_inner(fh, task) as inner:
            info = inner.getinfo(task.member)
            for chunk in iter_member_pieces(inner, info, task.dump, task.label, block):
                total += len(chunk)
    return total


# -------------------------------------------------------------------------------------------------
# CSV parsing with fault repair
# -------------------------------------------------------------------------------------------------


def _python_csv(text: str, header: list[str], needed: list[str]) -> tuple[dict[str, list], int, int]:
    """Parse CSV text (no header line) with escapechar; return columns, rows read, rows of wrong length."""
    idx = [header.index(c) for c in needed]
    cols: dict[str, list] = {c: [] for c in needed}
    n_read = bad = 0
    ncols = len(header)
    for row in csv.reader(
        io.StringIO(text), delimiter=",", quotechar='"', escapechar="\\", doublequote=True, strict=False
    ):
        if not row:
            continue
        n_read += 1
        if len(row) != ncols:
            bad += 1
            continue
        for c, i in zip(needed, idx, strict=True):
            v = row[i]
            cols[c].append(v if v != "" else None)
    return cols, n_read, bad


# Quoted fields of PHP fputcsv (escape character ``\``), as regular expressions with possessive
# quantifiers (each alternative starts differently, so no backtracking on a 200 KB field):
#: PHP's own reading: a backslash protects the next character (a quote after it is not doubled).
_Q_PHP = re.compile(r'"((?:[^"\\]++|\\.|"")*+)"(?=,|$)', re.S)
#: The same, except that a backslash right before the closing quote (then a comma or the end) is a
#: field ending in a backslash, as PHP writes ``C:\temp\``: ``"C:\temp\"``.
_Q_MIXED = re.compile(r'"((?:[^"\\]++|\\"(?!,|$)|\\(?="(?:,|$))|\\(?!")|"")*+)"(?=,|$)', re.S)
#: RFC 4180: a backslash is an ordinary character.
_Q_RFC = re.compile(r'"((?:[^"]++|"")*+)"(?=,|$)', re.S)
_UNQUOTED = re.compile(r'[^,"]*+(?=,|$)')
_UNESCAPE = re.compile(r'\\.|""', re.S)


def _unescape_php(text: str) -> str:
    return _UNESCAPE.sub(lambda m: '"' if m.group(0) == '""' else m.group(0), text) if '"' in text else text


def _split_with(line: str, quoted: re.Pattern, unescape) -> list[str | None] | None:
    fields: list[str | None] = []
    pos, end = 0, len(line)
    while True:
        m = (quoted if line.startswith('"', pos) else _UNQUOTED).match(line, pos)
        if m is None:
            return None
        raw = m.group(1) if m.re is quoted else m.group(0)
        value = unescape(raw) if m.re is quoted else raw
        fields.append(value if value != "" else None)
        pos = m.end()
        if pos >= end:
            return fields
        pos += 1  # the comma
        if pos == end:
            fields.append(None)
            return fields


def split_php_line(line: str, ncols: int) -> list[str | None] | None:
    r"""Split one CSV line written by PHP ``fputcsv`` (escape ``\``) into ``ncols`` fields, or None.

    PHP does not double a quote that follows a backslash, and keeps the backslash (its ``fgetcsv``
    returns it too), so ``"say \"hi\""`` is ``say \"hi\"``; but a value ending in a backslash is
    written ``"C:\temp\"``, which that rule reads as an unterminated field. The line is therefore
    read PHP's way, then with a backslash before a closing quote taken as the value's last
    character, then as RFC 4180 (backslashes ordinary): the first reading with ``ncols`` fields
    wins; empty fields are None. A line no reading splits into ``ncols`` fields gives None.
    """
    for quoted, unescape in (
        (_Q_PHP, _unescape_php),
        (_Q_MIXED, _unescape_php),
        (_Q_RFC, lambda t: t.replace('""', '"')),
    ):
        fields = _split_with(line, quoted, unescape)
        if fields is not None and len(fields) == ncols:
            return fields
    return None


def _backslash_rows(text: str, header: list[str], needed: list[str]) -> tuple[dict[str, list], int, int]:
    r"""Parse lines holding ``\"`` with :func:`split_php_line`; return columns, rows read, bad rows."""
    idx = [header.index(c) for c in needed]
    cols: dict[str, list] = {c: [] for c in needed}
    n_read = bad = 0
    for line in text.split("\n"):
        if not line:
            continue
        n_read += 1
        row = split_php_line(line.rstrip("\r"), len(header))
        if row is None:
            bad += 1
            continue
        for c, i in zip(needed, idx, strict=True):
            cols[c].append(row[i])
    return cols, n_read, bad


def _add(into: dict[str, int], other: dict[str, int]) -> None:
    for k, v in other.items():
        into[k] = into.get(k, 0) + v


def parse_chunks(
    chunks: Iterable, dump: str, label: str
) -> tuple[pl.DataFrame, str, int, dict[str, int], dict[str, int]]:
    """Parse one CSV member, given as byte chunks that end at line breaks, into the needed columns.

    Returns ``(frame, layout, rows_read, rejected, faults)``; ``frame`` is all-String with every
    column of :data:`schema.NEEDED` (``territorial_scope`` null for light dumps). The first line must
    be a known header, else :class:`MemberRefused`.
    """
    info: dict = {}
    frames = list(iter_frames(chunks, dump, label, info))
    if not frames:
        return (
            pl.DataFrame(schema={c: pl.String for c in schema.NEEDED}),
            info["layout"],
            info["rows_read"],
            info["rejected"],
            info["faults"],
        )
    if len(frames) > 1:
        frame = pl.concat(
            [f.with_columns(pl.col(pl.Categorical).cast(pl.String)) for f in frames], how="vertical"
        )
    else:
        frame = frames[0]
    return frame, info["layout"], info["rows_read"], info["rejected"], info["faults"]


def _layout_of_header(line: bytes, dump: str, label: str) -> str:
    """Return the layout named by a CSV header line, or refuse the member naming dump and member."""
    cols = next(csv.reader([line.decode("utf-8", errors="replace").strip()]))
    layout = schema.layout_of(cols)
    if layout is None:
        raise MemberRefused(
            dump,
            label,
            f"header matches no known layout (full 37/38 or light 33/34 "
            f"columns); got {len(cols)} columns starting {cols[:3]}",
        )
    return layout


@dataclass
class ParsedBlock:
    """One block of a member as parsed for the summaries, kept to take the row store's rows from it.

    ``data`` is the block as given to the parser (the canonical header line, then the block's lines);
    ``parsed`` the bytes polars parsed into the frame (``data``, or its UTF-8 repair) when the frame is
    that one parse, None when some rows were parsed in Python (backslash quotes, ragged rows).
    """

    data: bytes
    parsed: bytes | None
    header: list[str]
    canonical_header: bytes
    missing: list[str]
    maybe_backslash: bool
    full: bool = False  # every column parsed (the frame holds them all)


class _Layout:
    """The member's header as read from its first line: layout, columns, and the canonical header line."""

    def __init__(self, line: bytes, dump: str, label: str, all_columns: bool):
        self.layout = _layout_of_header(line, dump, label)
        self.header = list(schema.LAYOUTS[self.layout])
        self.needed = list(self.header) if all_columns else [c for c in schema.NEEDED if c in self.header]
        self.missing = [c for c in schema.NEEDED if c not in self.header]
        # an extra trailing column catches rows with too many fields (polars ignores them when projecting)
        self.canonical = ",".join([*self.header, "_extra"]).encode()


def _iter_parsed(
    chunks: Iterable, dump: str, label: str, info: dict, all_columns: bool, keep: bool = False, full=None
) -> Iterator[tuple[pl.DataFrame, ParsedBlock | None]]:
    """Parse a member's blocks: yield ``(frame, block)`` per block with rows (see :func:`iter_frames`).

    ``block`` is None unless ``keep`` (the block's bytes are then held while the frame is used);
    ``full()``, asked before each block, says to parse that block's every column.
    """
    faults: dict[str, int] = {}
    rejected: dict[str, int] = {}
    info.update(layout="empty", rows_read=0, rejected=rejected, faults=faults)
    lay: _Layout | None = None
    pending = b""
    for chunk in chunks:
        parts = chunk if isinstance(chunk, list) else [chunk]
        maybe_backslash = getattr(chunk, "backslash", True)
        if lay is None:
            # the header line is in the first part(s): join only those, not the whole block
            k = next((i for i, p in enumerate(parts) if bytes(p).find(b"\n") >= 0), len(parts) - 1)
            chunk = pending + b"".join(parts[: k + 1])
            nl = chunk.find(b"\n")
            if nl < 0:
                pending = chunk
                continue
            lay = _Layout(chunk[:nl], dump, label, all_columns)
            info["layout"] = lay.layout
            parts = [memoryview(chunk)[nl + 1 :], *parts[k + 1 :]]
        data = b"".join([lay.canonical, b"\n", *parts])
        if len(data) == len(lay.canonical) + 1:
            continue
        whole = full is not None and full()
        needed = lay.header if whole else lay.needed
        frame, n, rej, flt, parsed = _parse_body(data, lay.header, needed, lay.canonical, maybe_backslash)
        info["rows_read"] += n
        _add(rejected, rej)
        _add(faults, flt)
        block = (
            ParsedBlock(data, parsed, lay.header, lay.canonical, lay.missing, maybe_backslash, whole)
            if keep
            else None
        )
        del data, parsed
        if frame.height:
            if lay.missing:
                frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in lay.missing])
            yield frame, block
        block = None
    if lay is None and pending.strip():
        info["layout"] = _layout_of_header(pending, dump, label)
    if info["rows_read"] == 0:
        faults["empty_members"] = 1


def iter_frames(
    chunks: Iterable, dump: str, label: str, info: dict, *, all_columns: bool = False
) -> Iterator[pl.DataFrame]:
    """Yield one all-String frame of :data:`schema.NEEDED` columns per byte chunk of a CSV member.

    ``info`` is filled with ``layout``, ``rows_read``, ``rejected`` and ``faults`` as parsing goes.
    With ``all_columns``, each frame holds every column of the member's header followed by the
    needed columns it lacks (null); select :data:`schema.NEEDED` for the summary.
    """
    for frame, _block in _iter_parsed(chunks, dump, label, info, all_columns):
        if all_columns or frame.columns == _NEEDED:
            yield frame
        else:
            yield frame.lazy().select(_NEEDED).collect()


#: Share of a block's rows kept above which the next block of the member is parsed in full at once
#: (cutting the wanted rows out costs about a scan of the block plus their share of a full parse;
#: parsing every column of every row costs ~0.07 CPU-s more per 100,000 rows than the summaries'
#: columns: the two meet near a quarter of the rows, e.g. in per-platform dumps every row is kept).
FULL_PARSE_SHARE = 0.25


class CutMismatch(Exception):
    """The wanted rows cut out of a member's blocks did not parse into the rows the summaries saw.

    Raised by :func:`iter_frames_and_rows` when a batch of cuts fails its check (a line of a run found
    at the wrong place, e.g. a uuid repeated at a line start); :func:`summarise_member` then reads the
    member again block by block (each block's cut checked alone, the block parsed in full where it
    fails), so the stored rows are those of a full parse either way, at twice the member's cost; the
    dump's faults in the manifest count it (``members_read_twice_for_rows``).
    """


@dataclass
class _Cut:
    """The wanted rows of one block: their lines (no header) and the summaries' parse of them."""

    body: bytes
    known: pl.DataFrame
    header: list[str]
    canonical_header: bytes
    missing: list[str]


def iter_frames_and_rows(
    chunks: Iterable, dump: str, label: str, info: dict, wanted, batch_rows: int | None = None
) -> Iterator[tuple[pl.DataFrame | None, pl.DataFrame | None]]:
    """Yield ``(frame, rows)`` per byte chunk of a CSV member, for the summaries and the row store.

    ``frame`` is what :func:`iter_frames` yields (the :data:`schema.NEEDED` columns of every row);
    ``rows`` holds every column (as ``iter_frames(..., all_columns=True)``) of the rows whose
    ``platform_name`` is one of ``wanted(frame)`` (a list of published names), in order, or is None
    when there are none. Only those rows are parsed in full (:func:`block_rows`), unless more than
    :data:`FULL_PARSE_SHARE` of the previous block's rows were kept: then the block's every row is.

    With ``batch_rows``, the wanted rows' lines cut out of successive blocks are parsed together, once
    at least ``batch_rows`` are waiting and at the end (one parse, one check and one hand-over per
    batch instead of per block): ``rows`` is then None
    for the blocks whose rows wait, and the last pair may be ``(None, rows)``. A batch that fails its
    check raises :class:`CutMismatch` (the caller reads the member again without ``batch_rows``).
    """
    share = [0.0]
    pending: list[_Cut] = []
    waiting = 0
    for frame, block in _iter_parsed(
        chunks, dump, label, info, False, keep=True, full=lambda: share[0] > FULL_PARSE_SHARE
    ):
        names = wanted(frame)
        if block.full:
            ordered = frame.lazy().select(_NEEDED).collect()
            keep = pl.col("platform_name").cast(pl.String).is_in(names)
            rows = frame.lazy().filter(keep).collect() if names else None
        else:
            ordered = frame if frame.columns == _NEEDED else frame.lazy().select(_NEEDED).collect()
            tried = bool(batch_rows and names and block.parsed is not None)
            cut = _cut_of(block, frame, names) if tried else None
            if cut is not None:
                del block
                pending.append(cut)
                waiting += cut.known.height
                share[0] = cut.known.height / frame.height
                if waiting >= batch_rows:
                    rows, pending, waiting = _parse_cuts(pending, strict=True), [], 0
                    yield ordered, rows
                else:
                    yield ordered, None
                continue
            rows = block_rows(block, frame, names, cut_failed=tried) if names else None
        del block
        share[0] = rows.height / frame.height if rows is not None else 0.0
        if pending:  # rows come in member order: the waiting ones first
            first, pending, waiting = _parse_cuts(pending, strict=True), [], 0
            rows = first if rows is None else pl.concat([first, rows], how="vertical_relaxed")
        yield ordered, rows
    if pending:
        yield None, _parse_cuts(pending, strict=True)


def block_rows(
    block: ParsedBlock, frame: pl.DataFrame, names: list[str], *, cut_failed: bool = False
) -> pl.DataFrame:
    """Every column of the rows of ``block`` whose ``platform_name`` is in ``names``.

    ``frame`` is the block's parse for the summaries. The wanted rows come in runs (platforms file in
    batches); each run's lines are cut out of the parsed bytes, from the line starting with the run's
    first uuid to the line starting with the uuid of the row after it (so a quoted line break inside
    a row cannot mislead the cut), and only those bytes are parsed in full. The result is checked
    against ``frame`` (row count, uuid, platform and ``created_at`` of every row); when the cut is not
    possible (rows parsed in Python, a missing uuid) or the check fails, the whole block is parsed in
    full and filtered instead (at once with ``cut_failed``: the caller's cut was not possible). Either
    way the rows are the rows of a full parse of the block.
    """
    rows = _rows_by_runs(block, frame, names) if block.parsed is not None and not cut_failed else None
    if rows is None:
        full, _, _, _, _ = _parse_body(
            block.data, block.header, block.header, block.canonical_header, block.maybe_backslash
        )
        rows = full.lazy().filter(pl.col("platform_name").cast(pl.String).is_in(names)).collect()
        if block.missing:
            rows = rows.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in block.missing])
    return rows


def _run_events(frame: pl.DataFrame, names: list[str]) -> tuple[pl.Series, list[tuple[str | None, bool]]]:
    """Return the wanted-row mask of ``frame`` and its runs' edges, in row order.

    An edge is ``(uuid, True)`` for a run's first row, ``(uuid, False)`` for the first row after a run.
    """
    wanted = frame.get_column("platform_name").is_in(names).fill_null(False)
    edges = (wanted != wanted.shift(1, fill_value=False)).arg_true()
    uuids = frame.get_column("uuid").gather(edges).to_list()
    return wanted, list(zip(uuids, wanted.gather(edges).to_list(), strict=True))


def _cut_runs(block: ParsedBlock, events: list[tuple[str | None, bool]]) -> bytes | None:
    """Return the lines of the runs, without header (None: an edge's line is not found)."""
    data = block.parsed
    view = memoryview(data)
    pieces, pos, start = [], len(block.canonical_header), -1  # pos: the "\n" ending the header line
    for uuid, is_start in events:
        if uuid is None:
            return None
        at = data.find(b"\n" + uuid.encode() + b",", pos)
        if at < 0:
            return None
        if is_start:
            start = at + 1
        else:
            pieces.append(view[start : at + 1])
            start = -1
        pos = at + 1
    if start >= 0:
        pieces.append(view[start:])
    return b"".join(pieces)


def _cut_of(block: ParsedBlock, frame: pl.DataFrame, names: list[str]) -> _Cut | None:
    """Return the wanted rows' lines of ``block`` and the summaries' parse of them (None: no exact cut)."""
    wanted, events = _run_events(frame, names)
    body = _cut_runs(block, events)
    if body is None:
        return None
    return _Cut(body, frame.filter(wanted), block.header, block.canonical_header, block.missing)


def _parse_cuts(cuts: list[_Cut], *, strict: bool) -> pl.DataFrame | None:
    """Parse the cuts' lines together; return their rows with every column of the header.

    Only the columns the summaries do not parse are parsed (with ``uuid`` and ``created_at``, the
    first and last fields, to check the cut); the others are taken from the summaries' parse. When the
    rows parsed are not those (count, uuid and ``created_at`` of every row), raise
    :class:`CutMismatch` (``strict``) or return None.
    """
    first = cuts[0]
    known = pl.concat([c.known for c in cuts], how="vertical_relaxed") if len(cuts) > 1 else first.known
    have = [c for c in known.columns if c in first.header and c not in ("uuid", "created_at")]
    rest = [c for c in first.header if c not in have]
    rows, _ = _read_polars(b"".join([first.canonical_header, b"\n", *(c.body for c in cuts)]), rest, {})
    ok = rows is not None
    if ok:
        rows, _ = _drop_extra_fields(rows, {})
        ok = rows.height == known.height and all(
            rows.get_column(c).equals(known.get_column(c)) for c in ("uuid", "created_at")
        )
    if not ok:
        if strict:
            raise CutMismatch(f"{len(cuts)} cut(s) of {known.height} rows did not parse into those rows")
        return None
    out = pl.concat([rows.lazy(), known.lazy().select(have)], how="horizontal").select(first.header)
    if first.missing:
        out = out.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in first.missing])
    return out.collect()


def _rows_by_runs(block: ParsedBlock, frame: pl.DataFrame, names: list[str]) -> pl.DataFrame | None:
    """Return the wanted rows parsed from their runs' lines only (None: that cannot be done exactly).

    Only the columns the summaries do not parse are parsed (with ``uuid`` and ``created_at``, the
    first and last fields, to check the cut); the others are taken from ``frame``.
    """
    cut = _cut_of(block, frame, names)
    return None if cut is None else _parse_cuts([cut], strict=False)


def _parse_body(
    data: bytes, header: list[str], needed: list[str], canonical_header: bytes, maybe_backslash: bool = True
) -> tuple[pl.DataFrame, int, dict[str, int], dict[str, int], bytes | None]:
    """Parse CSV lines (after the canonical header line) with polars, repairing what it cannot read.

    Backslash quotes, invalid UTF-8 and ragged rows are repaired; ``maybe_backslash=False`` says the
    data holds no backslash.

    Returns ``(frame, rows read, rejected, faults, parsed)``: ``parsed`` is the data polars parsed
    (after a UTF-8 repair) when the frame is that one parse (rows with extra fields dropped), else
    None (some rows parsed in Python: the frame's rows are not the data's lines in order).
    """
    faults: dict[str, int] = {}
    rejected: dict[str, int] = {}
    frames: list[pl.DataFrame] = []
    rows_read = 0
    if (
        maybe_backslash and data.find(b"\\") >= 0 and data.find(b'\\"') >= 0
    ):  # memchr first: backslashes are rare
        data, backslash_frame, n = _split_backslash_rows(
            data, header, needed, canonical_header, faults, rejected
        )
        rows_read += n
        frames.append(backslash_frame)
    frame, data = _read_polars(data, needed, faults)
    parsed = data if not frames and frame is not None else None
    if frame is None:  # ragged or otherwise unparseable for polars: Python csv, row by row
        frame, n = _read_python_csv(data, header, needed, faults, rejected)
    else:
        frame, n = _drop_extra_fields(frame, rejected)
    rows_read += n
    frames.append(frame if frame.columns == needed else frame.select(needed))
    if len(frames) > 1:
        out = pl.concat(
            [f.with_columns(pl.col(pl.Categorical).cast(pl.String)) for f in frames], how="vertical"
        )
    else:
        out = frames[0]
    return out, rows_read, rejected, faults, parsed


def _split_backslash_rows(
    data: bytes,
    header: list[str],
    needed: list[str],
    canonical_header: bytes,
    faults: dict[str, int],
    rejected: dict[str, int],
) -> tuple[bytes, pl.DataFrame, int]:
    """Parse the lines holding backslash quotes in Python; return (other lines, their frame, rows read)."""
    lines = data[len(canonical_header) + 1 :].split(b"\n")
    bad_lines = b"\n".join(ln for ln in lines if b'\\"' in ln)
    data = b"\n".join([canonical_header, *(ln for ln in lines if b'\\"' not in ln)])
    del lines
    text, n_utf = _decode(bad_lines)
    if n_utf:
        faults["invalid_utf8_sequences"] = n_utf
    cols, n, wrong = _backslash_rows(text, header, needed)
    faults["backslash_quote_rows"] = n - wrong
    if wrong:
        rejected["field_count"] = wrong
    return data, pl.DataFrame(cols, schema={c: pl.String for c in needed}), n


def _read_polars(data: bytes, needed: list[str], faults: dict[str, int]) -> tuple[pl.DataFrame | None, bytes]:
    """Parse with polars, again after repairing invalid UTF-8; return (frame or None, the bytes parsed)."""
    for attempt in range(2):
        try:
            frame = pl.read_csv(
                io.BytesIO(data),
                has_header=True,
                columns=[*needed, "_extra"],
                infer_schema=False,
                quote_char='"',
                null_values=[""],
                encoding="utf8",
                raise_if_empty=False,
                schema_overrides={c: pl.Categorical for c in needed if c in _CATEGORICAL},
            )
            return frame, data
        except pl.exceptions.ComputeError as exc:
            if attempt == 0 and "utf-8" in str(exc).lower():
                text, n_utf = _decode(data)
                faults["invalid_utf8_sequences"] = faults.get("invalid_utf8_sequences", 0) + n_utf
                data = text.encode("utf-8")
                del text
                continue
            return None, data
        except (pl.exceptions.NoDataError, pl.exceptions.ShapeError, pl.exceptions.SchemaError):
            return None, data
    return None, data


def _read_python_csv(
    data: bytes, header: list[str], needed: list[str], faults: dict[str, int], rejected: dict[str, int]
) -> tuple[pl.DataFrame, int]:
    """Parse the lines after the header with Python's csv, row by row; return (frame, rows read)."""
    text, n_utf = _decode(data)
    if n_utf:
        faults["invalid_utf8_sequences"] = faults.get("invalid_utf8_sequences", 0) + n_utf
    rest = text.split("\n", 1)[1] if "\n" in text else ""
    cols, n, wrong = _python_csv(rest, header, needed)
    if wrong:
        rejected["field_count"] = rejected.get("field_count", 0) + wrong
    return pl.DataFrame(cols, schema={c: pl.String for c in needed}), n


def _drop_extra_fields(frame: pl.DataFrame, rejected: dict[str, int]) -> tuple[pl.DataFrame, int]:
    """Reject the rows with more fields than the header; return (kept frame, rows read)."""
    rows_read = frame.height
    extra = frame.drop_in_place("_extra").is_not_null()  # in place: no query
    n_extra = int(extra.sum())
    if n_extra:
        rejected["field_count"] = rejected.get("field_count", 0) + n_extra
        frame = frame.filter(~extra)
    return frame, rows_read


#: Low-cardinality columns parsed straight into categoricals (cheap grouping).
_CATEGORICAL = frozenset(
    {
        "decision_visibility",
        "decision_monetary",
        "decision_provision",
        "decision_account",
        "decision_ground",
        "category",
        "category_specification",
        "content_type",
        "territorial_scope",
        "source_type",
        "automated_detection",
        "automated_decision",
        "platform_name",
        "content_date",
        "application_date",
    }
)


def _decode(data: bytes) -> tuple[str, int]:
    """Decode UTF-8, replacing invalid sequences; return the text and how many were replaced."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return text, text.count("\ufffd") - data.count(b"\xef\xbf\xbd")


# -------------------------------------------------------------------------------------------------
# Summaries
# -------------------------------------------------------------------------------------------------

_LIST_COLUMNS = ("decision_visibility", "content_type", "territorial_scope")


def _parse_list_value(raw: str | None) -> tuple[list[str] | None, bool]:
    """Return (elements, malformed) for a raw JSON-list cell; malformed keeps None elements."""
    if raw is None:
        return None, False
    s = raw.strip()
    if s in ("", "[]"):
        return None, False
    if not _LIST_OK.match(s):
        return None, True
    return [e for e in (x.strip('"') for x in s[1:-1].split(",")) if e], False


def _normalise_list(raw: str | None, column: str) -> tuple[str | None, bool]:
    elems, malformed = _parse_list_value(raw)
    if malformed:
        return raw, True
    if not elems:
        return None, False
    if column == "territorial_scope":
        return taxonomy.territorial_alias(elems), False
    return taxonomy.ENUM_LIST_SEPARATOR.join(sorted(set(elems))), False


_RAW_KEYS = [
    "day",
    "platform_name",
    "category",
    "decision_ground",
    "decision_visibility",
    "decision_monetary",
    "decision_provision",
    "decision_account",
    "automated_detection",
    "automated_decision",
    "source_type",
    "content_type",
    "territorial_scope",
]
_KW_RAW_KEYS = ["day", "platform_name", "category", "category_specification"]


def _date(col: str) -> pl.Expr:
    return pl.col(col).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


# Expressions of :meth:`MemberSummariser._flush` and ``finish``, built once (building ~60 expressions
# per call cost more than evaluating some of them).
_KEEP_FIRST = pl.col("uuid").is_null() | pl.col("_h").is_first_distinct()
_PREPARE = [pl.col("uuid").hash(seed=0).alias("_h"), _date("created_at").alias("day")]
#: The two dates of a delay, grouped on as read (few distinct values: the API takes dates only, so
#: they all end in 00:00:00) and parsed once per distinct value in :meth:`MemberSummariser.finish`.
_DATE_KEYS = ["content_date", "application_date"]
_COUNT = [pl.len().cast(pl.Int64).alias("count")]
_STATUS_KEPT = pl.col("_status") == 0
#: The uuid hash of a kept row (status 0, uuid present), else null: the hashes seen so far.
_KEPT_HASH = pl.when(_STATUS_KEPT & pl.col("uuid").is_not_null()).then(pl.col("_h")).alias("_kept_h")
_REJECT_STATUS = ((1, "duplicate_uuid"), (2, "bad_created_at"))
_DELAYS = [
    (_date("application_date") - _date("content_date")).dt.total_days().alias("_mod"),
    (pl.col("day") - _date("application_date")).dt.total_days().alias("_dis"),
]


def _weighted_delay_aggs(col: str, prefix: str) -> list[pl.Expr]:
    """Return the aggregations of delay ``col`` over groups whose ``count`` rows share one delay.

    Rows with no delay, with a negative one, the sum and maximum of the others (days), and a
    histogram (rows with a delay in [edge, next edge) for each edge of :data:`schema.DELAY_BIN_EDGES`).
    """
    d, n = pl.col(col), pl.col("count")
    ok = d.is_not_null() & (d >= 0)
    aggs = [
        pl.when(d.is_null()).then(n).otherwise(0).sum().alias(f"{prefix}_null"),
        pl.when(d < 0).then(n).otherwise(0).sum().alias(f"{prefix}_negative"),
        pl.when(ok).then(d * n).otherwise(0).sum().alias(f"{prefix}_sum_days"),
        pl.when(ok).then(d).otherwise(None).max().alias(f"{prefix}_max_days"),
    ]
    edges = schema.DELAY_BIN_EDGES
    for i, lo in enumerate(edges):
        hi = edges[i + 1] if i + 1 < len(edges) else None
        cond = (d >= lo) if hi is None else ((d >= lo) & (d < hi))
        aggs.append(pl.when(cond.fill_null(False)).then(n).otherwise(0).sum().alias(f"{prefix}_h{lo}"))
    return aggs


_GROUP_AGGS = [
    pl.col("count").sum().cast(pl.Int64).alias("count"),
    *_weighted_delay_aggs("_mod", "mod"),
    *_weighted_delay_aggs("_dis", "dis"),
]


def _concat_strings(frames: list[pl.DataFrame], *, cast: bool = True) -> pl.DataFrame:
    """Concatenate frames whose columns may be categorical or String (fallback parses) into one.

    Categorical columns are cast to String when ``cast`` or when the frames' types differ.
    """
    if all(f.schema == frames[0].schema for f in frames):
        out = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
        return out.with_columns(pl.col(pl.Categorical).cast(pl.String)) if cast else out
    return pl.concat([f.with_columns(pl.col(pl.Categorical).cast(pl.String)) for f in frames], how="vertical")


#: Parsed rows prepared and grouped at once (~120 bytes a row; ~25 MB): preparing and grouping is
#: mostly a fixed cost per call, so the blocks of a 100,000-row member are handled together.
FLUSH_ROWS = 200_000


class MemberSummariser:
    """Summarise a member chunk by chunk, uuids de-duplicated across chunks.

    Memory is bounded by :data:`FLUSH_ROWS` parsed rows.

    :meth:`add` keeps each parsed block; every :data:`FLUSH_ROWS` rows (and at :meth:`finish`) one
    query prepares them (uuid hash, day of ``created_at`` and a status: kept, duplicate or no
    ``created_at``) and counts them by every key plus the raw ``content_date`` and
    ``application_date`` (small group tables, keys still categorical). :meth:`finish` counts the
    rejected rows, computes the delays once per distinct (day, content date, application date),
    aggregates them weighted by the counts, and casts the keys to String once.
    """

    def __init__(self, exclude_hashes: tuple[int, ...] = ()):
        self.exclude = pl.Series(list(exclude_hashes), dtype=pl.UInt64) if exclude_hashes else None
        self.seen: list = []
        self.pending: list[pl.DataFrame] = []
        self.pending_rows = 0
        self.groups: list[pl.DataFrame] = []
        self.kws: list[pl.DataFrame] = []
        self.rejected: dict[str, int] = {}

    def add(self, frame: pl.DataFrame) -> None:
        """Add a frame of :data:`schema.NEEDED` columns (String or categorical)."""
        self.pending.append(frame)
        self.pending_rows += frame.height
        if self.pending_rows >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        """Prepare and count the pending rows by group (one query for all blocks: each has a fixed cost)."""
        if not self.pending:
            return
        frame = _concat_strings(self.pending, cast=False) if len(self.pending) > 1 else self.pending[0]
        self.pending, self.pending_rows = [], 0
        keep = _KEEP_FIRST
        if self.exclude is not None:
            keep = keep & ~pl.col("_h").is_in(self.exclude.implode())
        if self.seen:
            seen = pl.concat(self.seen) if len(self.seen) > 1 else self.seen[0]
            keep = keep & (pl.col("uuid").is_null() | ~pl.col("_h").is_in(seen.implode()))
        # no row filtering of the wide frame: a status column (0 kept, 1 duplicate, 2 no created_at)
        # becomes a grouping key, and the rejected rows are counted from their groups
        status = (
            pl.when(~keep)
            .then(pl.lit(1, pl.Int8))
            .when(pl.col("day").is_null())
            .then(pl.lit(2, pl.Int8))
            .otherwise(pl.lit(0, pl.Int8))
            .alias("_status")
        )
        rows = (
            frame.lazy()
            .with_columns(_PREPARE)
            .with_columns(status)
            .select(*_RAW_KEYS, *_DATE_KEYS, "category_specification", "_status", _KEPT_HASH)
            .collect()
        )
        self.seen.append(rows.drop_in_place("_kept_h").drop_nulls())
        self.groups.append(rows.group_by([*_RAW_KEYS, *_DATE_KEYS, "_status"]).agg(_COUNT))
        self.kws.append(rows.filter(_STATUS_KEPT).group_by(_KW_RAW_KEYS).agg(_COUNT))

    def hashes(self) -> pl.Series:
        """Return the kept uuid hashes, a UInt64 Series (no numpy: importing it costs a worker 0.1 s)."""
        return pl.concat(self.seen) if self.seen else pl.Series("_h", [], dtype=pl.UInt64)

    def finish(self, platforms: tuple[str, ...] | None = None):
        """Return ``(summary, keywords, rejected, faults)`` of everything added."""
        self._flush()
        rejected = dict(self.rejected)
        if self.groups:
            groups = _concat_strings(self.groups, cast=False)
            status = groups.get_column("_status")
            counts = groups.get_column("count")
            for code, reason in _REJECT_STATUS:
                n = int(counts.filter(status == code).sum())
                if n:
                    _add(rejected, {reason: n})
            # delays once per distinct (day, content_date, application_date), joined to the groups
            kept = groups.filter(status == 0).drop("_status")
            dates = kept.select("day", *_DATE_KEYS).unique()
            delays = dates.with_columns(pl.col(_DATE_KEYS).cast(pl.String)).select(_DELAYS)
            kept = kept.join(
                pl.concat([dates, delays], how="horizontal"),
                on=["day", *_DATE_KEYS],
                how="left",
                nulls_equal=True,
            ).drop(_DATE_KEYS)
            grouped = _concat_strings([kept.group_by(_RAW_KEYS).agg(_GROUP_AGGS)])
            kw = _concat_strings(self.kws).group_by(_KW_RAW_KEYS).agg(pl.col("count").sum().cast(pl.Int64))
        else:  # no rows (per-platform dumps hold many empty CSVs): the empty frames, built once
            summary, keywords = _empty_summary(platforms)
            return summary, keywords, rejected, {}
        return _transform(grouped, kw, rejected, platforms)


_EMPTY: dict = {}


def _empty_summary(platforms: tuple[str, ...] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the summary and keyword frames of a member without rows (built once per process)."""
    if platforms not in _EMPTY:
        empty = pl.DataFrame(schema={c: pl.String for c in schema.NEEDED}).with_columns(
            pl.lit(None, dtype=pl.Date).alias("day"), pl.lit(None, dtype=pl.Int64).alias("count")
        )
        grouped = empty.with_columns(_DELAYS).group_by(_RAW_KEYS).agg(_GROUP_AGGS)
        kw = empty.group_by(_KW_RAW_KEYS).agg(_COUNT)
        summary, keywords, _, _ = _transform(grouped, kw, {}, platforms)
        _EMPTY[platforms] = (summary, keywords)
    return _EMPTY[platforms]


def _transform(grouped: pl.DataFrame, kw: pl.DataFrame, rejected: dict, platforms):
    faults: dict[str, int] = {}
    # transform the (few) distinct raw values, then re-aggregate
    grouped = grouped.with_columns(
        pl.col("platform_name").alias("platform_raw"),
        taxonomy.canonical_platform(pl.col("platform_name")).alias("platform"),
        pl.col("category").alias("category_raw"),
        taxonomy.category_v2(pl.col("category")).alias("category"),
    )
    for col in _LIST_COLUMNS:
        grouped = _normalise_list_column(grouped, col, faults)
    flags = [
        pl.col(c).is_not_null()
        for c in ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
    ]
    parts = [
        pl.when(f).then(pl.lit(n)).otherwise(None)
        for f, n in zip(flags, ("vis", "mon", "pro", "acc"), strict=True)
    ]
    grouped = grouped.with_columns(
        pl.concat_str(parts, separator="_", ignore_nulls=True).alias("decision_type")
    )
    grouped = grouped.with_columns(
        pl.when(pl.col("decision_type") == "")
        .then(None)
        .otherwise(pl.col("decision_type"))
        .alias("decision_type")
    )

    keywords = _explode_keywords(kw, faults)

    if platforms:
        wanted = list(platforms)
        n_out = grouped.filter(~pl.col("platform").is_in(wanted)).get_column("count").sum()
        if n_out:
            rejected["platform_filter"] = int(n_out)
        grouped = grouped.filter(pl.col("platform").is_in(wanted))
        keywords = keywords.filter(pl.col("platform").is_in(wanted))

    summary = aggregate(
        grouped.select(list(schema.GROUP_KEYS) + list(schema.COUNT_COLUMNS)), schema.GROUP_KEYS, sort=False
    )
    keywords = aggregate_keywords(keywords, sort=False)
    return summary, keywords, rejected, faults


def _normalise_list_column(grouped: pl.DataFrame, col: str, faults: dict[str, int]) -> pl.DataFrame:
    """Normalise the distinct raw JSON lists of ``col``, counting the rows of malformed ones."""
    raws = grouped.get_column(col).unique().to_list()
    mapping, bad = {}, set()
    for r in raws:
        val, malformed = _normalise_list(r, col)
        mapping[r] = val
        if malformed:
            bad.add(r)
    if bad:
        n_bad = grouped.filter(pl.col(col).is_in(list(bad))).get_column("count").sum()
        faults[f"malformed_{col}"] = int(n_bad)
    non_null = {k: v for k, v in mapping.items() if k is not None}
    return grouped.with_columns(
        pl.col(col).replace_strict(non_null, default=None, return_dtype=pl.String)
        if non_null
        else pl.lit(None, dtype=pl.String).alias(col)
    )


def _explode_keywords(kw: pl.DataFrame, faults: dict[str, int]) -> pl.DataFrame:
    """Parse each distinct raw keyword list, map v1→v2 and explode to one row per keyword."""
    kw_rows: dict[str, list] = {"day": [], "platform": [], "category": [], "keyword": [], "count": []}
    bad_kw = 0
    for day_v, plat, cat, spec, cnt in kw.iter_rows():
        elems, malformed = _parse_list_value(spec)
        if malformed:
            bad_kw += cnt
            elems = [spec]
        if elems and not malformed:
            elems = sorted({taxonomy.keyword_v2(e) for e in elems})
        for e in elems or [None]:
            kw_rows["day"].append(day_v)
            kw_rows["platform"].append(plat)
            kw_rows["category"].append(cat)
            kw_rows["keyword"].append(e)
            kw_rows["count"].append(cnt)
    if bad_kw:
        faults["malformed_category_specification"] = bad_kw
    return pl.DataFrame(kw_rows, schema=schema.KEYWORD_SCHEMA).with_columns(
        taxonomy.canonical_platform(pl.col("platform")).alias("platform"),
        taxonomy.category_v2(pl.col("category")).alias("category"),
    )


def aggregate(frame: pl.DataFrame, keys, *, sort: bool = True, cast: bool = True) -> pl.DataFrame:
    """Re-aggregate summary rows over ``keys`` (sums; maxima for ``*_max_days``), sorted deterministically."""
    keys = list(keys)
    aggs = []
    for c in schema.COUNT_COLUMNS:
        if c.endswith("_max_days"):
            aggs.append(pl.col(c).max().cast(pl.Int64))
        else:
            aggs.append(pl.col(c).sum().cast(pl.Int64))
    out = frame.group_by(keys).agg(aggs)
    if cast:
        out = out.with_columns(
            [pl.col(k).cast(schema.SUMMARY_SCHEMA[k]) for k in keys if k in schema.SUMMARY_SCHEMA]
        )
    if sort:
        out = out.sort(keys, nulls_last=False, maintain_order=True)
    return out.select(keys + list(schema.COUNT_COLUMNS))


def aggregate_keywords(frame: pl.DataFrame, *, sort: bool = True) -> pl.DataFrame:
    """Re-aggregate keyword counts, sorted deterministically."""
    keys = list(schema.KEYWORD_KEYS)
    out = frame.group_by(keys).agg(pl.col("count").sum().cast(pl.Int64))
    if sort:
        out = out.sort(keys, nulls_last=False, maintain_order=True)
    return out.select(keys + ["count"])


def _read_member(
    task: MemberTask, info: dict, acc: MemberSummariser, sink, batch_rows: int | None = None, across=False
) -> None:
    """Parse the member's blocks into ``acc`` (the summary) and ``sink`` (the row store, or None).

    With rows of some platforms only, every row is parsed for the summary and only the wanted
    platforms' rows in full (:func:`iter_frames_and_rows`, their cuts parsed ``batch_rows`` at a time);
    with rows of every platform, every row is parsed in full once and the summary takes its columns
    from it.

    ``across`` (the wanted platforms' rows, block by block): a wanted row whose uuid an earlier row
    of the member had under ANY platform is left out before the row store sees it, as the summaries
    leave it out (the row store's own rule looks at the wanted platforms' rows only).
    """
    chunks = iter_member_chunks(task)
    if sink is None:
        for frame in iter_frames(chunks, task.dump, task.label, info):
            acc.add(frame)
    elif sink.spec.platforms is None:
        for frame in iter_frames(chunks, task.dump, task.label, info, all_columns=True):
            sink.add(frame, filtered=True)
            acc.add(frame.lazy().select(_NEEDED).collect())
    else:
        seen: list[pl.Series] = []  # with ``across``: the uuid hashes of every row read so far
        for frame, rows in iter_frames_and_rows(
            chunks, task.dump, task.label, info, sink.wanted_names, batch_rows=None if across else batch_rows
        ):
            if across:
                rows = _first_across_platforms(frame, rows, sink.wanted_names(frame), seen)
            if rows is not None:
                sink.add(rows, filtered=True)
            if frame is not None:
                acc.add(frame)


def _first_across_platforms(
    frame: pl.DataFrame, rows: pl.DataFrame | None, names: list[str], seen: list[pl.Series]
) -> pl.DataFrame | None:
    """Return the ``rows`` (the wanted rows of ``frame``, in order) whose uuid no earlier row had.

    Earlier: before it in ``frame`` under any platform, or in ``seen`` (updated with ``frame``'s).
    """
    h = frame.get_column("uuid").hash(seed=0)
    first = frame.get_column("uuid").is_null() | h.is_first_distinct()
    if seen:
        first = first & ~h.is_in(pl.concat(seen).implode())
    seen.append(h.filter(frame.get_column("uuid").is_not_null()))
    if rows is None:
        return None
    return rows.filter(first.filter(frame.get_column("platform_name").is_in(names).fill_null(False)))


def _stored(files: list[dict]) -> int:
    return sum(f["rows"] for f in files)


def _summarised(summary: pl.DataFrame, platforms: tuple[str, ...] | None) -> int:
    """Return the rows ``summary`` counts for ``platforms`` (canonical names; None: every platform)."""
    if platforms is not None:
        summary = summary.filter(pl.col("platform").is_in(list(platforms)))
    return int(summary.get_column("count").sum()) if summary.height else 0


def summarise_member(task: MemberTask) -> MemberResult:
    """Read, repair, parse and summarise ONE CSV member. Never raises for bad data: errors are returned."""
    result = MemberResult(task=task)
    try:
        info: dict = {}
        acc = MemberSummariser(task.exclude_hashes)
        sink = None
        if task.rows is None:
            _read_member(task, info, acc, None)
        else:  # the row store (dsa_explore.sor.rows): every column, kept rows written
            from dsa_explore.sor.rows import FLUSH_ROWS, RowSink

            try:
                sink = RowSink(task.rows, task.dump, task.index, task.exclude_hashes)
                _read_member(task, info, acc, sink, batch_rows=FLUSH_ROWS)
            except CutMismatch:  # rare: read the member again, each block's cut checked alone
                info, acc = {}, MemberSummariser(task.exclude_hashes)
                sink = RowSink(task.rows, task.dump, task.index, task.exclude_hashes)
                _read_member(task, info, acc, sink)
                info["faults"]["members_read_twice_for_rows"] = 1  # in the manifest's faults
        summary, keywords, rej2, faults2 = acc.finish(task.platforms)
        if sink is not None and _stored(sink.finish()) != _summarised(summary, task.rows.platforms):
            # rare: a uuid the summaries counted under another platform first (kept by the row store's
            # own rule); read the member again, the wanted rows checked against every platform's
            info, acc = {}, MemberSummariser(task.exclude_hashes)
            sink = RowSink(task.rows, task.dump, task.index, task.exclude_hashes)
            _read_member(task, info, acc, sink, across=True)
            info["faults"]["members_read_twice_for_rows"] = 1
            summary, keywords, rej2, faults2 = acc.finish(task.platforms)
        hashes = acc.hashes()
        layout, rows_read, rejected, faults = (
            info["layout"],
            info["rows_read"],
            info["rejected"],
            info["faults"],
        )
    except MemberRefused as exc:
        result.error = str(exc)
        return result
    except Exception as exc:  # noqa: BLE001 - any failure of one member is reported, not fatal
        result.error = f"{task.dump}: member {task.label!r}: unexpected error {type(exc).__name__}: {exc}"
        return result
    for k, v in rej2.items():
        rejected[k] = rejected.get(k, 0) + v
    for k, v in faults2.items():
        faults[k] = faults.get(k, 0) + v
    result.summary, result.keywords, result.layout = summary, keywords, layout
    result.rows_read = rows_read
    result.rejected = rejected
    result.faults = faults
    result.rows_summarised = int(summary.get_column("count").sum()) if summary.height else 0
    result.uuid_hashes = hashes
    result.row_files = sink.finish() if sink is not None else None
    if result.rows_read != result.rows_summarised + sum(rejected.values()):
        result.error = (
            f"{task.dump}: member {task.label!r}: row account does not balance: read "
            f"{result.rows_read}, summarised {result.rows_summarised}, rejected {rejected}"
        )
    return result
