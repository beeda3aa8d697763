"""The common page row every capture reader produces, and the account of what was read.

A *record* is one unit of a capture file: a WARC record, a HAR entry, a saved HTML file, or the
final DOM the capture command saved for a page. Readers turn every record into either a
:class:`Page` (a response, revisit or saved page) or a counted skip with its reason (a request
record, warcinfo, a HAR entry for an image when only documents are wanted, ...), so
``records_read == pages + skipped`` always holds (:class:`Capture`).

Hashes, so every number traces to evidence:

* ``content_sha256``: sha256 of the payload *as a browser sees it* (HTTP transfer and content
  encodings removed: warcio's ``content_stream()``; a HAR's decoded ``content.text``). Null when
  the capture holds no payload (a revisit record, a HAR saved without content).
* ``record_sha256``: sha256 of the record *as stored*: the bytes of the WARC record (for a
  ``.warc.gz``, its gzip member) at ``record_offset`` for ``record_length`` bytes; the HAR entry
  serialised as canonical JSON (sorted keys, no spaces, UTF-8); the saved file's bytes. Anyone
  can recompute it from the capture file to check that an edge or a listing rests on that record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin

import polars as pl

from dsa_explore.core.errors import InputFileError

#: Columns of the page table (:func:`pages_frame`), in order.
PAGE_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.String(),
    "final_url": pl.String(),
    "status": pl.Int64(),
    "fetched_at": pl.String(),
    "content_type": pl.String(),
    "redirect_to": pl.String(),
    "content_sha256": pl.String(),
    "content_length": pl.Int64(),
    "record_type": pl.String(),
    "capture_file": pl.String(),
    "record_offset": pl.Int64(),
    "record_length": pl.Int64(),
    "record_sha256": pl.String(),
    "problem": pl.String(),
}

#: Columns of the skipped-record table (:attr:`Capture.skipped`).
SKIP_SCHEMA: dict[str, pl.DataType] = {
    "capture_file": pl.String(),
    "record_offset": pl.Int64(),
    "record_type": pl.String(),
    "url": pl.String(),
    "reason": pl.String(),
}


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


class CaptureError(InputFileError):
    """A capture file cannot be read at all.

    The message names the file, where, the value and what was expected.
    """

    def __init__(
        self, file: str, problem: str, expected: str, *, where: str | None = None, value: str | None = None
    ):
        loc = f" ({where})" if where else ""
        val = f": value {value!r}" if value is not None else ""
        super().__init__(
            f"{file}{loc}{val}: {problem} (expected {expected})", file=file, value=value, expected=expected
        )
        self.problem, self.where = problem, where


def sha256_hex(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj) -> bytes:
    """Return ``obj`` as canonical JSON bytes (sorted keys, no spaces, UTF-8), as HAR record hashes cover."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def clean_url(url: str | None, base: str | None = None) -> str | None:
    """Return ``url`` resolved against ``base``, stripped and without its #fragment (None if empty)."""
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    if base:
        url = urljoin(base, url)
    return urldefrag(url)[0]


@dataclass
class Page:
    """One captured page (or response) with its payload and where it came from."""

    url: str
    status: int | None
    fetched_at: str | None
    content_type: str | None
    body: bytes | None
    capture_file: str
    record_offset: int | None
    record_length: int | None
    record_sha256: str
    record_type: str = "response"
    redirect_to: str | None = None
    problem: str | None = None
    final_url: str | None = None
    payload_digest: str | None = None  # WARC-Payload-Digest, to match a revisit with its original
    refers_to: str | None = None  # a revisit's WARC-Refers-To-Target-URI

    @property
    def content_sha256(self) -> str | None:
        """SHA-256 (hex) of the payload, or None when the record has no body."""
        return None if self.body is None else sha256_hex(self.body)

    @property
    def is_html(self) -> bool:
        """Whether the payload is HTML: by its content type, or by its first bytes when it has none."""
        ct = (self.content_type or "").lower()
        if "html" in ct or "xhtml" in ct:
            return True
        if ct or self.body is None:
            return False
        head = self.body[:512].lstrip().lower()
        return head.startswith(b"<!doctype html") or head.startswith(b"<html")

    def charset(self) -> str:
        """Return the payload's charset.

        From the content type, else a ``<meta charset>`` in the first 4 KB, else UTF-8.
        """
        for part in (self.content_type or "").split(";"):
            k, _, v = part.strip().partition("=")
            if k.lower() == "charset" and v:
                return v.strip().strip('"')
        m = _META_CHARSET.search((self.body or b"")[:4096])
        return m.group(1).decode("ascii") if m else "utf-8"

    def text(self) -> str:
        """Return the payload decoded as text (:meth:`charset`; undecodable bytes replaced)."""
        if self.body is None:
            return ""
        try:
            return self.body.decode(self.charset(), errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class Capture:
    """Every page read from one or more capture files, and every record skipped, with its reason.

    ``records_read == len(pages) + skipped.height``. Pages that could be read only in part (a
    truncated record, a HAR entry without content) are kept with ``problem`` set: counted and
    flagged, never dropped.
    """

    pages: list[Page] = field(default_factory=list)
    skipped_rows: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def records_read(self) -> int:
        """Records read: pages kept plus records skipped."""
        return len(self.pages) + len(self.skipped_rows)

    @property
    def skipped(self) -> pl.DataFrame:
        """The skipped records as a table (:data:`SKIP_SCHEMA`: capture file, offset, type, URL, reason)."""
        return pl.DataFrame(self.skipped_rows, schema=SKIP_SCHEMA)

    def skip(
        self, capture_file: str, offset: int | None, record_type: str, url: str | None, reason: str
    ) -> None:
        """Count a record that is not a page, with its reason."""
        self.skipped_rows.append(
            {
                "capture_file": capture_file,
                "record_offset": offset,
                "record_type": record_type,
                "url": url,
                "reason": reason,
            }
        )

    def extend(self, other: Capture) -> None:
        """Add the pages, skips and files of ``other``."""
        self.pages.extend(other.pages)
        self.skipped_rows.extend(other.skipped_rows)
        self.files.extend(other.files)

    def problems(self) -> pl.DataFrame:
        """Return the pages with a problem: ``capture_file, record_offset, url, problem``."""
        return (
            pages_frame(self.pages)
            .filter(pl.col("problem").is_not_null())
            .select("capture_file", "record_offset", "url", "problem")
        )

    def summary(self) -> str:
        """Return a one-line account: records read = pages (with problems) + skipped."""
        flagged = sum(1 for p in self.pages if p.problem)
        return (
            f"{self.records_read} records read from {len(self.files)} file(s) = {len(self.pages)} pages "
            f"({flagged} with problems) + {len(self.skipped_rows)} skipped"
        )

    def frame(self) -> pl.DataFrame:
        """Return the page table (:data:`PAGE_SCHEMA`), with ``final_url`` resolved across redirects."""
        resolve_final_urls(self.pages)
        return pages_frame(self.pages)


def resolve_final_urls(pages: Iterable[Page], max_steps: int = 30) -> None:
    """Set ``final_url`` of every page by following the captured HTTP redirects (3xx ``Location``).

    A chain that loops or leaves the capture ends at the last URL reached; ``max_steps`` bounds it.
    """
    pages = list(pages)
    hops: dict[str, str] = {}
    for p in pages:
        if p.redirect_to and p.url not in hops:
            hops[p.url] = p.redirect_to
    for p in pages:
        url, seen = p.url, {p.url}
        for _ in range(max_steps):
            nxt = hops.get(url)
            if nxt is None or nxt in seen:
                break
            seen.add(nxt)
            url = nxt
        p.final_url = url


def pages_frame(pages: Iterable[Page]) -> pl.DataFrame:
    """Return pages as a table with :data:`PAGE_SCHEMA` columns (payloads left out)."""
    rows = [
        {
            "url": p.url,
            "final_url": p.final_url or p.url,
            "status": p.status,
            "fetched_at": p.fetched_at,
            "content_type": p.content_type,
            "redirect_to": p.redirect_to,
            "content_sha256": p.content_sha256,
            "content_length": None if p.body is None else len(p.body),
            "record_type": p.record_type,
            "capture_file": p.capture_file,
            "record_offset": p.record_offset,
            "record_length": p.record_length,
            "record_sha256": p.record_sha256,
            "problem": p.problem,
        }
        for p in pages
    ]
    return pl.DataFrame(rows, schema=PAGE_SCHEMA)
