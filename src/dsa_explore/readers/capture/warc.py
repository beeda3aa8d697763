"""WARC and WACZ readers (``warcio``): every record becomes a page row or a counted skip.

* ``.warc`` and ``.warc.gz`` (one gzip member per record, as Webrecorder, Browsertrix, wget and
  Heritrix write them; detected by content, not by name).
* ``.wacz`` (Webrecorder's WACZ 1.1: a zip holding ``archive/*.warc[.gz]`` plus indexes,
  ``pages/pages.jsonl`` and ``datapackage.json``): every WARC in ``archive/`` is read; the
  capture file of a record is ``file.wacz#archive/name.warc.gz``.

``response`` and ``resource`` records become pages; a ``revisit`` becomes a page whose payload
is taken from the record it refers to when that record is in the same capture (matched by
target URI and payload digest), and is flagged otherwise; ``request``, ``warcinfo``,
``metadata`` and ``conversion`` records are counted as skipped. A record cut short (its
declared ``Content-Length`` longer than the bytes present) is kept and flagged
``truncated``; bytes after the last complete record that do not parse are counted as a skipped
record with the offset, never ignored.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from dsa_explore.readers.capture.pages import Capture, CaptureError, Page, clean_url, sha256_hex

PAGE_RECORDS = ("response", "resource", "revisit")


def _http_fields(record) -> tuple[int | None, str | None, str | None]:
    """Return (status, content type, Location) of a record's HTTP headers (or its WARC headers)."""
    if record.http_headers is not None and record.rec_type in ("response", "revisit"):
        status = record.http_headers.get_statuscode()
        try:
            status_int = int(status) if status else None
        except ValueError:
            status_int = None
        return (
            status_int,
            record.http_headers.get_header("Content-Type"),
            record.http_headers.get_header("Location"),
        )
    return None, record.rec_headers.get_header("Content-Type"), None


def _payload(record) -> tuple[bytes | None, str | None]:
    """Return (decoded payload, problem): transfer/content encodings removed; a short record is flagged."""
    try:
        body = record.content_stream().read()
    except Exception as exc:  # noqa: BLE001 - a broken gzip/chunked body is reported on the row
        body, problem = None, f"payload cannot be decoded ({type(exc).__name__}: {exc})"
    else:
        problem = None
    remaining = getattr(record.raw_stream, "limit", 0) or 0
    if remaining > 0:
        declared = int(record.length or 0)
        problem = (
            f"truncated record: {declared - remaining} of {declared} declared bytes present "
            f"(Content-Length {declared})"
        )
    return body, problem


def _read_stream(stream: BinaryIO, raw: BinaryIO, size: int, name: str, capture: Capture) -> None:
    """Read every record of one WARC stream into ``capture``; ``raw`` is a second handle for record hashes."""
    it = ArchiveIterator(stream, no_record_parse=False, ensure_http_headers=False)
    end = 0
    try:
        for record in it:
            # warcio's get_record_offset() reads the record to its end: take the payload first
            rtype = record.rec_type
            url = clean_url(record.rec_headers.get_header("WARC-Target-URI"))
            if rtype not in PAGE_RECORDS or not url:
                it.read_to_end(record)
                offset, length = it.get_record_offset(), it.get_record_length()
                end = offset + length
                reason = (
                    f"WARC {rtype} record (not a page)"
                    if url or rtype not in PAGE_RECORDS
                    else f"WARC {rtype} record without WARC-Target-URI"
                )
                capture.skip(name, offset, rtype, url, reason)
                continue
            status, ctype, location = _http_fields(record)
            body, problem = _payload(record)
            it.read_to_end(record)
            offset, length = it.get_record_offset(), it.get_record_length()
            end = offset + length
            raw.seek(offset)
            page = Page(
                url=url,
                status=status,
                fetched_at=record.rec_headers.get_header("WARC-Date"),
                content_type=ctype,
                body=body,
                capture_file=name,
                record_offset=offset,
                record_length=length,
                record_sha256=sha256_hex(raw.read(length)),
                record_type=rtype,
                redirect_to=clean_url(location, url) if status and 300 <= status < 400 else None,
                problem=problem,
                payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            )
            if rtype == "revisit":
                page.body = None
                page.refers_to = clean_url(record.rec_headers.get_header("WARC-Refers-To-Target-URI")) or url
            capture.pages.append(page)
    except (ArchiveLoadFailed, AttributeError, ValueError, EOFError, OSError) as exc:
        capture.skip(
            name,
            end,
            "unparsed",
            None,
            f"bytes from offset {end} cannot be parsed as a WARC record ({type(exc).__name__}: {exc}); "
            f"the file is truncated or corrupt there",
        )
        return
    raw.seek(end)
    if end < size and raw.read(min(size - end, 64)).strip(b"\r\n") != b"" or size - end > 64:
        capture.skip(
            name,
            end,
            "unparsed",
            None,
            f"{size - end} byte(s) after the last complete record (offset {end}) do not parse as a "
            f"WARC record: the file is truncated or corrupt there",
        )


def _resolve_revisits(capture: Capture, start: int) -> None:
    """Give each revisit page the payload of the response it refers to (same URI and payload digest)."""
    by_key = {}
    for p in capture.pages[start:]:
        if p.record_type != "revisit" and p.body is not None:
            by_key.setdefault((p.url, p.payload_digest), p)
    for p in capture.pages[start:]:
        if p.record_type != "revisit":
            continue
        original = by_key.get((p.refers_to or p.url, p.payload_digest))
        if original is None:
            p.problem = (
                p.problem or "revisit record whose original response is not in this capture (no payload)"
            )
        else:
            p.body = original.body
            if p.content_type is None:
                p.content_type = original.content_type


def _check_magic(head: bytes, name: str) -> None:
    if not head:
        raise CaptureError(
            name, "file is empty", "a WARC file (WARC/1.0 or WARC/1.1 records, optionally gzipped)"
        )
    if not (head.startswith(b"\x1f\x8b") or head.startswith(b"WARC/")):
        raise CaptureError(
            name,
            "not a WARC file",
            "a file starting with 'WARC/1.x' or a gzip member",
            where="offset 0",
            value=head[:16].decode("latin-1"),
        )


def read_warc(path: str | Path, *, name: str | None = None) -> Capture:
    """Read a ``.warc`` or ``.warc.gz`` file.

    Parameters
    ----------
    path : the WARC file.
    name : the name recorded as ``capture_file`` (default: the path as given).

    Returns
    -------
    Capture
        Pages (responses, resources, revisits) and skipped records; see the module docstring.
    """
    path = Path(path)
    name = name or str(path)
    if not path.is_file():
        raise CaptureError(name, "file not found", "a WARC file")
    with open(path, "rb") as fh, open(path, "rb") as raw:
        _check_magic(fh.read(16), name)
        fh.seek(0)
        capture = Capture(files=[name])
        _read_stream(fh, raw, path.stat().st_size, name, capture)
    _resolve_revisits(capture, 0)
    return capture


def read_warc_bytes(data: bytes, name: str) -> Capture:
    """Read a WARC held in memory (e.g. a member of a WACZ) under the capture-file name ``name``."""
    _check_magic(data[:16], name)
    capture = Capture(files=[name])
    _read_stream(io.BytesIO(data), io.BytesIO(data), len(data), name, capture)
    _resolve_revisits(capture, 0)
    return capture


def read_wacz(path: str | Path, *, name: str | None = None) -> Capture:
    """Read every WARC under ``archive/`` of a WACZ file; ``capture_file`` is ``<wacz>#<member>``.

    Raises :class:`CaptureError` when the file is not a zip or holds no WARC under ``archive/``.
    """
    path = Path(path)
    name = name or str(path)
    if not path.is_file():
        raise CaptureError(name, "file not found", "a WACZ file")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise CaptureError(
            name, f"not a zip file ({exc})", "a WACZ file (a zip holding archive/*.warc.gz)"
        ) from exc
    with zf:
        members = sorted(
            n
            for n in zf.namelist()
            if n.startswith("archive/") and (n.endswith(".warc") or n.endswith(".warc.gz"))
        )
        if not members:
            raise CaptureError(
                name,
                "the zip holds no WARC under archive/",
                f"archive/*.warc or archive/*.warc.gz (WACZ 1.1); members are {zf.namelist()[:10]}",
            )
        capture = Capture(files=[name])
        for member in members:
            capture.extend(read_warc_bytes(zf.read(member), f"{name}#{member}"))
        capture.files = [name]
    return capture


# ----------------------------------------------------------------------------- writing a WACZ from a HAR

_HOP_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}


def _surt(url: str) -> str:
    """Return a simple SURT key of ``url`` (host labels reversed, lower-cased: ``com,example)/path?q``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = ",".join(reversed((parts.hostname or "").lower().split(".")))
    if parts.port:
        host += f":{parts.port}"
    return f"{host}){parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def _warc_date(started: str | None) -> str:
    """Return a HAR ``startedDateTime`` as a WARC-Date (UTC, second precision)."""
    from datetime import UTC, datetime

    when = datetime.fromisoformat((started or "1970-01-01T00:00:00Z").replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_id(url: str, date: str, index: int, kind: str) -> str:
    """Return a WARC-Record-ID derived from the HAR entry (a name-based UUID): conversions are repeatable."""
    import uuid

    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{index} {kind} {date} {url}')}>"


def _har_records(har: dict, writer) -> list[tuple[str, str, dict]]:
    """Write a request and a response record per http(s) HAR entry with a response; return index rows."""
    from warcio.statusandheaders import StatusAndHeaders

    from dsa_explore.readers.capture.har import _body

    index = []
    for i, entry in enumerate(har["log"]["entries"]):
        req, resp = entry.get("request", {}), entry.get("response", {})
        url, status = req.get("url", ""), int(resp.get("status") or 0)
        if not url.startswith(("http://", "https://")) or status <= 0:
            continue
        body, _problem = _body(resp.get("content") or {}, status)
        body = body or b""
        date = _warc_date(entry.get("startedDateTime"))
        headers = [
            (h["name"], h["value"])
            for h in resp.get("headers", [])
            if h["name"].lower() not in _HOP_HEADERS and not h["name"].startswith(":")
        ]
        headers.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {resp.get('statusText') or 'OK'}", headers, protocol="HTTP/1.1")
        offset = writer.out.tell()
        rec = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": _record_id(url, date, i, "response")},
        )
        writer.write_record(rec)
        length = writer.out.tell() - offset
        req_headers = StatusAndHeaders(
            f"{req.get('method', 'GET')} {url} HTTP/1.1",
            [(h["name"], h["value"]) for h in req.get("headers", []) if not h["name"].startswith(":")],
            is_http_request=True,
        )
        writer.write_record(
            writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                http_headers=req_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": _record_id(url, date, i, "request")},
            )
        )
        ts = date.replace("-", "").replace(":", "").replace("T", "").replace("Z", "")
        index.append(
            (
                _surt(url),
                ts,
                {
                    "url": url,
                    "mime": (resp.get("content") or {}).get("mimeType", ""),
                    "status": str(status),
                    "digest": rec.rec_headers.get_header("WARC-Payload-Digest"),
                    "length": str(length),
                    "offset": str(offset),
                    "filename": "data.warc.gz",
                },
            )
        )
    return index


def wacz_from_har(har_path: str | Path, wacz_path: str | Path, *, title: str, software: str) -> Path:
    """Write a WACZ 1.1.1 file holding the HAR's responses as WARC records (``warcio``); return its path.

    The zip holds ``archive/data.warc.gz`` (a request and a response record per HAR entry, one
    gzip member each, WARC-Date = the entry's start time), ``indexes/index.cdx`` (CDXJ),
    ``pages/pages.jsonl`` (the HTML documents) and ``datapackage.json`` (sha256 of each).
    Members are stored uncompressed, as the WACZ specification asks. Record ids are name-based
    UUIDs of the HAR entries and zip dates are fixed, so the same HAR always gives the same bytes.
    """
    import hashlib
    import json

    from warcio.warcwriter import WARCWriter

    har = json.loads(Path(har_path).read_text(encoding="utf-8"))
    buf = io.BytesIO()
    index = _har_records(har, WARCWriter(buf, gzip=True))
    warc_bytes = buf.getvalue()
    cdx = "".join(
        f"{k} {ts} {json.dumps(v, sort_keys=True)}\n" for k, ts, v in sorted(index, key=lambda r: r[:2])
    )
    pages = [{"format": "json-pages-1.0", "id": "pages", "title": title}]
    pages += [
        {"url": v["url"], "ts": ts} for _k, ts, v in index if "html" in v["mime"] and v["status"] == "200"
    ]
    members = {
        "archive/data.warc.gz": warc_bytes,
        "indexes/index.cdx": cdx.encode("utf-8"),
        "pages/pages.jsonl": "".join(json.dumps(p) + "\n" for p in pages).encode("utf-8"),
    }
    package = {
        "profile": "data-package",
        "wacz_version": "1.1.1",
        "title": title,
        "software": software,
        "resources": [
            {
                "name": Path(n).name,
                "path": n,
                "hash": "sha256:" + hashlib.sha256(b).hexdigest(),
                "bytes": len(b),
            }
            for n, b in members.items()
        ],
    }
    members["datapackage.json"] = json.dumps(package, indent=2).encode("utf-8")
    wacz_path = Path(wacz_path)
    with zipfile.ZipFile(wacz_path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zf.writestr(info, data)
    return wacz_path
