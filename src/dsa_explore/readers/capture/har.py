"""HAR reader: the JSON archive Chromium's and Firefox's developer tools and Playwright write.

HAR 1.2 (``log.entries[]``): each entry is one request/response pair; the response body, when the
HAR was saved *with content*, is in ``response.content.text`` (base64 when
``content.encoding == "base64"``), already decoded from any Content-Encoding. A redirect is an
entry whose status is 3xx with ``response.redirectURL`` (or a ``Location`` header).

Every entry becomes a page or a counted skip: entries for ``data:``/``blob:``/extension URLs and
failed requests (status 0) are skipped with their reason; an entry whose body is missing
(a HAR saved without content, or by Playwright with ``content="omit"``) is kept and flagged.
``record_offset`` is the entry's 0-based index in ``log.entries``; ``record_sha256`` hashes the
entry as canonical JSON (:func:`dsa_explore.readers.capture.pages.canonical_json`).
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

from dsa_explore.readers.capture.pages import (
    Capture,
    CaptureError,
    Page,
    canonical_json,
    clean_url,
    sha256_hex,
)

_EXPECTED = "a HAR 1.2 file: JSON with log.entries[] (as saved by browser developer tools or Playwright)"


def _header(headers: list | None, name: str) -> str | None:
    for h in headers or []:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name.lower():
            return h.get("value")
    return None


def _body(content: dict, status: int) -> tuple[bytes | None, str | None]:
    """Return (payload bytes, problem) of a HAR ``content`` object."""
    text = content.get("text")
    if text is None:
        size = content.get("size") or 0
        if status and (300 <= status < 400 or status == 204) or size == 0:
            return b"", None
        return None, (
            f"no content in the HAR entry (response size {size} bytes): save the HAR 'with content' "
            f"(Playwright: record_har_content='embed')"
        )
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True), None
        except (binascii.Error, ValueError) as exc:
            return None, f"content.text is not valid base64 ({exc})"
    return str(text).encode("utf-8"), None


def _load(path: Path, name: str) -> list:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CaptureError(name, f"not UTF-8 text ({exc})", _EXPECTED) from exc
    except json.JSONDecodeError as exc:
        raise CaptureError(
            name, f"not valid JSON: {exc.msg}", _EXPECTED, where=f"line {exc.lineno}, column {exc.colno}"
        ) from exc
    entries = (
        data.get("log", {}).get("entries")
        if isinstance(data, dict) and isinstance(data.get("log"), dict)
        else None
    )
    if not isinstance(entries, list):
        raise CaptureError(
            name,
            "no log.entries list",
            _EXPECTED,
            value=str(list(data)[:5]) if isinstance(data, dict) else type(data).__name__,
        )
    return entries


def _entry_page(i: int, entry, name: str, capture: Capture) -> None:
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("request"), dict)
        or not isinstance(entry.get("response"), dict)
    ):
        capture.skip(name, i, "entry", None, f"log.entries[{i}] lacks request/response objects")
        return
    url = clean_url(entry["request"].get("url"))
    response = entry["response"]
    if not url or not url.lower().startswith(("http://", "https://")):
        capture.skip(name, i, "entry", url, "not an http(s) URL")
        return
    try:
        status = int(response.get("status") or 0)
    except (TypeError, ValueError):
        capture.skip(name, i, "entry", url, f"response.status {response.get('status')!r} is not a number")
        return
    if status <= 0:
        capture.skip(name, i, "entry", url, f"request failed or was blocked (status {status}, no response)")
        return
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    body, problem = _body(content, status)
    location = response.get("redirectURL") or _header(response.get("headers"), "Location")
    ctype = content.get("mimeType") or _header(response.get("headers"), "Content-Type")
    capture.pages.append(
        Page(
            url=url,
            status=status,
            fetched_at=entry.get("startedDateTime"),
            content_type=ctype,
            body=body,
            capture_file=name,
            record_offset=i,
            record_length=None,
            record_sha256=sha256_hex(canonical_json(entry)),
            record_type="response",
            redirect_to=clean_url(location, url) if 300 <= status < 400 and location else None,
            problem=problem,
        )
    )


def read_har(path: str | Path, *, name: str | None = None) -> Capture:
    """Read a HAR file.

    Parameters
    ----------
    path : the ``.har`` file.
    name : the name recorded as ``capture_file`` (default: the path as given).

    Returns
    -------
    Capture
        One page per http(s) entry with a response; skipped entries counted with reasons.

    Raises
    ------
    CaptureError
        The file is not JSON (line and column given) or has no ``log.entries`` list.
    """
    path = Path(path)
    name = name or str(path)
    if not path.is_file():
        raise CaptureError(name, "file not found", _EXPECTED)
    capture = Capture(files=[name])
    for i, entry in enumerate(_load(path, name)):
        _entry_page(i, entry, name, capture)
    return capture
