"""Download Safety Gate weekly reports: the weekly-report list, then each week's detail XML (explicit only).

``dsa-explore safetygate download --since 2024-01-01 --to DIR`` calls :func:`download`. Nothing is
downloaded as a side effect of reading or analysing. Behaviour:

- **explicit and polite**: one request at a time, at least ``delay`` seconds between requests
  (default 2 s; the portal takes 3-6 s to serve one report), a self-identifying User-Agent,
  a timeout per request, a size cap per file (a full weekly report is a few hundred KB);
- **resumable**: a report goes to ``<DIR>/report-<id>.xml.part``; an interrupted transfer is
  resumed with an HTTP ``Range`` request on the next run (a server that ignores ``Range`` and
  answers 200 makes the file start again); the file is renamed to ``report-<id>.xml`` only once
  it is complete (``Content-Length`` reached) and parses as a weekly report. Finished reports
  are skipped, so the command can be re-run until every report is there;
- **recorded**: ``<DIR>/download-manifest.json`` lists each file with its URL, size, sha256 and
  time of retrieval, plus the acknowledgement the portal asks for.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from dsa_explore.readers import safetygate as sg

USER_AGENT = "dsa-explore/0.1 (research use; Safety Gate weekly reports, one request at a time)"
MAX_BYTES = 20 * 1024 * 1024
LIST_FILE = "weekly-report-list.xml"
MANIFEST = "download-manifest.json"


class DownloadError(sg.SafetyGateError):
    """A Safety Gate download failed: names the URL and what went wrong."""

    def __init__(self, url: str, problem: str):
        super().__init__(url, None, None, None, problem)


@dataclass
class DownloadResult:
    """What one run did: reports fetched now, already present, and the list of reports asked for."""

    folder: Path
    reports: pl.DataFrame
    fetched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _open(url: str, headers: dict, timeout: float):
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - explicit user request


def fetch(
    url: str, dest: Path, *, timeout: float = 60.0, max_bytes: int = MAX_BYTES, block: int = 1 << 16
) -> Path:
    """Fetch ``url`` into ``dest`` via ``dest.part``, resuming a partial file with ``Range``; return ``dest``.

    Raises :class:`DownloadError` (the ``.part`` file is kept for the next run) when the transfer
    breaks, the server errs, or the file grows beyond ``max_bytes``.
    """
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    try:
        resp = _open(url, {"Range": f"bytes={have}-"} if have else {}, timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:
            part.replace(dest)
            return dest
        raise DownloadError(url, f"an HTTP 200/206 answer (got HTTP {exc.code} {exc.reason})") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DownloadError(url, f"a reachable server ({exc})") from None
    with resp:
        append = bool(have) and resp.status == 206
        length = resp.headers.get("Content-Length")
        expected = (int(length) + (have if append else 0)) if length and length.isdigit() else None
        if expected is not None and expected > max_bytes:
            raise DownloadError(url, f"at most {max_bytes} bytes (server announces {expected})")
        written = have if append else 0
        try:
            with open(part, "ab" if append else "wb") as fh:
                while chunk := resp.read(block):
                    written += len(chunk)
                    if written > max_bytes:
                        raise DownloadError(url, f"at most {max_bytes} bytes (the transfer went past it)")
                    fh.write(chunk)
        except (OSError, http.client.HTTPException) as exc:  # a broken connection, IncompleteRead, a timeout
            raise DownloadError(
                url,
                f"a complete transfer (broke after {written} bytes: {type(exc).__name__}); "
                "run again to resume",
            ) from None
    if expected is not None and written < expected:
        raise DownloadError(url, f"{expected} bytes (got {written}); run again to resume")
    part.replace(dest)
    return dest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _record(manifest: dict, name: str, url: str, path: Path) -> None:
    manifest["files"][name] = {
        "url": url,
        "size": path.stat().st_size,
        "sha256": _sha256(path),
        "retrieved": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def download(
    since: date,
    to: str | Path,
    *,
    until: date | None = None,
    list_url: str = sg.LIST_URL,
    delay: float = 2.0,
    timeout: float = 60.0,
    max_bytes: int = MAX_BYTES,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] | None = None,
) -> DownloadResult:
    """Download the weekly-report list and every report published from ``since`` (to ``until``) into ``to``.

    Parameters
    ----------
    since, until
        Publication dates (inclusive) of the weekly reports wanted.
    to
        Folder; created if needed. Re-running skips finished reports and resumes partial ones.
    list_url
        Address of the weekly-report list (the portal's English list by default).
    delay
        Seconds to wait between two requests.
    timeout, max_bytes
        Per-request timeout and per-file size cap.

    Returns
    -------
    DownloadResult
        The reports asked for, and which were fetched now or already present.
    """
    folder = Path(to)
    folder.mkdir(parents=True, exist_ok=True)
    say = log or (lambda _msg: None)
    list_path = folder / LIST_FILE
    list_path.unlink(missing_ok=True)  # the list changes every Friday: always fetched fresh, never resumed
    list_path.with_name(LIST_FILE + ".part").unlink(missing_ok=True)
    fetch(list_url, list_path, timeout=timeout, max_bytes=max_bytes)
    reports = sg.read_list(list_path).filter(pl.col("publication_date") >= since)
    if until is not None:
        reports = reports.filter(pl.col("publication_date") <= until)
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"files": {}}
    manifest["acknowledgement"] = sg.ACKNOWLEDGEMENT
    manifest["attribution"] = sg.ATTRIBUTION
    _record(manifest, LIST_FILE, list_url, list_path)
    result = DownloadResult(folder, reports)
    say(f"{reports.height} weekly report(s) published since {since.isoformat()}")
    try:
        for rep in reports.iter_rows(named=True):
            name = f"report-{rep['report_id']}.xml"
            dest = folder / name
            if dest.exists():
                result.skipped.append(name)
                continue
            sleep(delay)
            say(f"fetching {rep['reference']} ({rep['publication_date']}) -> {name}")
            fetch(rep["url"], dest, timeout=timeout, max_bytes=max_bytes)
            try:
                sg.read_report(dest)
            except sg.SafetyGateError:
                dest.replace(dest.with_name(name + ".invalid"))
                raise
            _record(manifest, name, rep["url"], dest)
            result.fetched.append(name)
    finally:
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return result
