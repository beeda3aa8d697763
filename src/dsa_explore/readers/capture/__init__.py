"""Captured marketplace pages in: WARC/WACZ, HAR, saved HTML, and the capture command's folders.

Stable API (documented in ``docs/captures.md``)::

    from dsa_explore.readers import capture
    cap = capture.read_capture(["shop.har", "crawl.warc.gz", "saved-pages/"])   # -> Capture
    cap.frame()  # page table: url, final_url, status, fetched_at, hashes, file, offset
    listings = capture.extract_listings(cap)  # listing table (listing-sample format + evidence)
    edges = capture.link_edges(cap)  # typed edges: link | redirect | meta_refresh | script

:func:`read_capture` dispatches on what each path is: a folder written by ``dsa-explore capture``
(it has ``manifest.json``; every file's sha256 is checked against it), any other folder (its
``.har``/``.warc``/``.warc.gz``/``.wacz`` files, or else its saved HTML pages), or a single file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from dsa_explore.data.catalog import META_SUFFIX
from dsa_explore.readers.capture.extract import LISTING_COLUMNS, extract_listings, extract_products
from dsa_explore.readers.capture.graph import EDGE_COLUMNS, EDGE_KINDS, link_edges
from dsa_explore.readers.capture.har import read_har
from dsa_explore.readers.capture.html import html_page, read_html_folder
from dsa_explore.readers.capture.pages import PAGE_SCHEMA, Capture, CaptureError, Page, sha256_hex
from dsa_explore.readers.capture.warc import read_wacz, read_warc

__all__ = [
    "Capture",
    "CaptureError",
    "Page",
    "PAGE_SCHEMA",
    "LISTING_COLUMNS",
    "EDGE_COLUMNS",
    "EDGE_KINDS",
    "read_capture",
    "read_file",
    "read_capture_folder",
    "read_har",
    "read_warc",
    "read_wacz",
    "read_html_folder",
    "extract_listings",
    "extract_products",
    "link_edges",
    "MANIFEST",
    "sources",
    "is_synthetic_file",
]

MANIFEST = "manifest.json"
CAPTURE_SUFFIXES = (".har", ".warc", ".warc.gz", ".wacz")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for s in (".warc.gz", ".warc", ".wacz", ".har", ".html", ".htm", ".xhtml"):
        if name.endswith(s):
            return s
    return path.suffix.lower()


def read_file(path: str | Path, *, name: str | None = None) -> Capture:
    """Read one capture file by its suffix (HAR, WARC, WACZ or a saved HTML page).

    Suffixes read: ``.har``, ``.warc``, ``.warc.gz``, ``.wacz``, ``.html``/``.htm``/``.xhtml``; any other
    raises :class:`CaptureError` naming the file and what was expected.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".har":
        return read_har(path, name=name)
    if suffix in (".warc", ".warc.gz"):
        return read_warc(path, name=name)
    if suffix == ".wacz":
        return read_wacz(path, name=name)
    if suffix in (".html", ".htm", ".xhtml"):
        cap = Capture(files=[name or str(path)])
        cap.pages.append(html_page(path, path.parent, name=name or str(path)))
        return cap
    raise CaptureError(
        name or str(path),
        f"unknown capture file type {suffix or '(no suffix)'!r}",
        "a capture folder, .har, .warc, .warc.gz, .wacz or .html file",
    )


def read_capture_folder(folder: str | Path) -> Capture:
    """Read a folder written by ``dsa-explore capture``: its HAR(s) plus each page's final DOM snapshot.

    Every file listed in ``manifest.json`` is checked against its recorded sha256 first; a
    missing or changed file raises :class:`CaptureError` (evidence integrity). DOM snapshots
    become pages of ``record_type`` ``dom`` at the page's final URL (they carry the links that
    scripts added after load).
    """
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CaptureError(
            str(manifest_path),
            f"not valid JSON: {exc.msg}",
            "the manifest the capture command wrote",
            where=f"line {exc.lineno}, column {exc.colno}",
        ) from exc
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise CaptureError(str(manifest_path), "no 'files' mapping", "files: {relative path: sha256}")
    for rel, digest in sorted(files.items()):
        f = folder / rel
        if not f.is_file():
            raise CaptureError(
                str(f), "file listed in the manifest is missing", f"a file with sha256 {digest}"
            )
        actual = sha256_hex(f.read_bytes())
        if actual != digest:
            raise CaptureError(
                str(f),
                "file changed since capture: sha256 differs from the manifest",
                f"sha256 {digest}",
                value=actual,
            )
    capture = Capture(files=[str(folder)])
    for har in manifest.get("har", []):
        capture.extend(read_har(folder / har, name=f"{folder}/{har}"))
    for entry in manifest.get("pages", []):
        if entry.get("html"):
            capture.pages.append(
                html_page(
                    folder / entry["html"],
                    folder,
                    url=entry.get("final_url") or entry["url"],
                    record_type="dom",
                    name=f"{folder}/{entry['html']}",
                    content_type="text/html; charset=utf-8",
                )
            )  # page.content(), UTF-8
    capture.files = [str(folder)]
    return capture


def _read_folder(folder: Path) -> Capture:
    if (folder / MANIFEST).is_file():
        return read_capture_folder(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _suffix(p) in CAPTURE_SUFFIXES)
    if not files:
        return read_html_folder(folder)
    capture = Capture()
    for f in files:
        capture.extend(read_file(f))
    return capture


def read_capture(paths: str | Path | Iterable[str | Path]) -> Capture:
    """Read one or more captures (folders or files) into one :class:`Capture`.

    Parameters
    ----------
    paths : a path or a list of paths: capture folders, ``.har``, ``.warc``, ``.warc.gz``, ``.wacz``,
        saved ``.html`` files or folders of them.

    Returns
    -------
    Capture
        All pages, in the order read, and every skipped record with its reason.

    Raises
    ------
    CaptureError
        A path does not exist, is of an unknown type, or cannot be read at all (the message names
        the file, where, the value and what was expected).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    capture = Capture()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            capture.extend(_read_folder(p))
        elif p.is_file():
            capture.extend(read_file(p))
        else:
            raise CaptureError(
                str(p),
                "no such file or folder",
                "a capture folder, .har, .warc, .warc.gz, .wacz or .html file",
            )
    return capture


def is_synthetic_file(path: str | Path, sha256: str | None = None) -> bool:
    """Return whether ``path`` is a shipped SYNTHETIC capture, by the provenance record beside it.

    The marker is the record ``<file>.meta.json`` that every shipped file carries (the mock
    marketplace's capture, ``data/captures/mock-marketplace.har``, says ``"synthetic": true``): a file
    is synthetic when its record says so **and** the record's sha256 is the file's own (``sha256``, or
    computed here), so an analyst's capture saved under the same name, or a record copied beside
    another file, is never taken for the mock. A file without a record (every capture an analyst makes)
    is not synthetic; an unreadable record raises :class:`CaptureError` naming it.
    """
    path = Path(path)
    record_path = path.with_name(path.name + META_SUFFIX)
    if not path.is_file() or not record_path.is_file():
        return False
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CaptureError(
            str(record_path), f"provenance record is not valid JSON ({exc})", "a JSON object"
        ) from exc
    if not isinstance(record, dict) or record.get("synthetic") is not True:
        return False
    return record.get("sha256") == (sha256 or sha256_hex(path.read_bytes()))


SOURCE_SCHEMA = {
    "capture": pl.String(),
    "kind": pl.String(),
    "file": pl.String(),
    "sha256": pl.String(),
    "bytes": pl.Int64(),
}


def _file_row(capture: str, kind: str, f: Path) -> dict:
    data = f.read_bytes()
    return {"capture": capture, "kind": kind, "file": str(f), "sha256": sha256_hex(data), "bytes": len(data)}


def sources(paths: str | Path | Iterable[str | Path]) -> pl.DataFrame:
    """Return the evidence a set of captures rests on: one row per file with its sha256 and size.

    For a folder written by ``dsa-explore capture`` the row is its ``manifest.json`` (which holds
    the sha256 of every file of the capture, checked by :func:`read_capture`); for any other folder,
    each capture file (or saved page) in it; for a file, the file. Columns: ``capture, kind, file,
    sha256, bytes``. A briefing or notebook cites these hashes next to numbers from the capture.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    rows = []
    for p in map(Path, paths):
        if p.is_dir() and (p / MANIFEST).is_file():
            rows.append(_file_row(str(p), "capture folder (manifest.json)", p / MANIFEST))
        elif p.is_dir():
            files = sorted(
                f for f in p.rglob("*") if f.is_file() and _suffix(f) in CAPTURE_SUFFIXES
            ) or sorted(f for f in p.rglob("*") if f.is_file() and _suffix(f) in (".html", ".htm", ".xhtml"))
            rows.extend(_file_row(str(p), _suffix(f).lstrip("."), f) for f in files)
        elif p.is_file():
            rows.append(_file_row(str(p), _suffix(p).lstrip("."), p))
        else:
            raise CaptureError(
                str(p),
                "no such file or folder",
                "a capture folder, .har, .warc, .warc.gz, .wacz or .html file",
            )
    return pl.DataFrame(rows, schema=SOURCE_SCHEMA)
