"""Download daily dumps (one day or a period), resumably, and verify them against the published ``.sha1``.

Only on explicit request (``dsa-explore sor download``). A file goes to ``<to>/<name>.part`` and is
resumed with an HTTP ``Range`` request when a partial file exists, and again whenever the
connection drops mid-transfer (up to ``retries`` times in a row without progress); once complete
its sha1 is compared with the published ``<name>.sha1`` and only then renamed to ``<name>``. A
mismatch deletes the partial file and raises :class:`DownloadError`.

Limits: every connection has a ``timeout`` (seconds without data); the bytes downloaded by one
command are capped (``max_bytes``, default :data:`MAX_BYTES`, checked against the announced size
before a transfer starts and while it runs); redirects are followed only to the published host (the
host of ``base_url``), never elsewhere.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dsa_explore.core.errors import DsaExploreError
from dsa_explore.core.hashing import file_digest
from dsa_explore.core.platforms import slug

#: Public bucket of the daily dumps (shantay dsa_sor.py; dsa-tdb types.py DAILY_FILE_S3_BUCKET).
DEFAULT_BASE_URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com"


#: Default cap on the bytes one command downloads: 2 TB, more than the whole database's full dumps
#: (839 days of 1-7 GB); lower it with ``--max-gb`` for a period.
MAX_BYTES = 2 * 10**12
#: Default seconds without data before a connection is given up (then resumed, see ``retries``).
TIMEOUT = 60.0


class DownloadError(DsaExploreError):
    """A download failed or its checksum did not match."""


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to ``host`` (the published host); refuse any other."""

    def __init__(self, host: str):
        self.host = host

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl))
        if target.hostname != self.host or target.scheme not in ("http", "https"):
            raise DownloadError(
                f"{req.full_url}: HTTP {code} redirects to {newurl!r}, not on the published host "
                f"{self.host}; refused"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def slugify(platform: str | None) -> str:
    """Return the dump slug of a platform (``global`` for None), as Laravel's ``Str::slug``."""
    return (slug(platform) if platform else "") or "global"


def dump_name(date: str, platform: str | None = None, version: str = "full") -> str:
    """Return the dump file name for a date, platform and version."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ValueError(f"date {date!r}: expected YYYY-MM-DD")
    if version not in ("full", "light"):
        raise ValueError(f"version {version!r}: expected full or light")
    return f"sor-{slugify(platform)}-{date}-{version}.zip"


def _get(url: str, headers: dict | None = None, timeout: float = TIMEOUT):
    """Open ``url`` (redirects only to its own host) with a timeout."""
    host = urllib.parse.urlsplit(url).hostname or ""
    opener = urllib.request.build_opener(_SameHostRedirects(host))
    req = urllib.request.Request(url, headers=headers or {})
    return opener.open(req, timeout=timeout)  # explicit user request


def published_sha1(url: str, *, timeout: float = TIMEOUT) -> str:
    """Return the hex sha1 published at ``url`` (first 40-hex token of the file)."""
    try:
        with _get(url, timeout=timeout) as resp:
            text = resp.read(4096).decode("ascii", errors="replace")
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise DownloadError(f"{url}: cannot fetch the published sha1 ({_reason(exc)})") from exc
    m = re.search(r"\b[0-9a-fA-F]{40}\b", text)
    if not m:
        raise DownloadError(f"{url}: no sha1 found in {text[:80]!r}")
    return m.group(0).lower()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"


class _Budget:
    """The bytes a command may still download (shared by the days of a period)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.used = 0

    def check(self, url: str, more: int) -> None:
        if self.used + more > self.max_bytes:
            raise DownloadError(
                f"{url}: downloading {more:,} more bytes would pass the cap of {self.max_bytes:,} "
                f"bytes for this command ({self.used:,} used); raise it with --max-gb"
            )


def _transfer(url: str, part: Path, *, block: int, timeout: float, budget: _Budget, bar) -> bool:
    """Fetch ``url`` into ``part`` from its current size; True when the server says it is complete."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        resp = _get(url, headers, timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # already complete
            return True
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    with resp:
        resumed = bool(have) and resp.status == 206
        length = resp.headers.get("Content-Length")
        if length is not None:
            budget.check(url, int(length))
        if bar is not None:
            bar.reset(total=(int(length) + (have if resumed else 0)) if length else None)
            bar.update(have if resumed else 0)
        with open(part, "ab" if resumed else "wb") as fh:
            while chunk := resp.read(block):
                budget.check(url, len(chunk))
                budget.used += len(chunk)
                fh.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        got = part.stat().st_size
        if length is not None and got < int(length) + (have if resumed else 0):
            raise http.client.IncompleteRead(b"", int(length) + (have if resumed else 0) - got)
    return True


def download(
    date: str,
    to: str | Path,
    *,
    platform: str | None = None,
    version: str = "full",
    base_url: str = DEFAULT_BASE_URL,
    block: int = 1 << 20,
    progress: bool = False,
    timeout: float = TIMEOUT,
    retries: int = 5,
    max_bytes: int = MAX_BYTES,
    budget: _Budget | None = None,
    pause: float = 1.0,
) -> Path:
    """Download the dump of ``date`` into folder ``to``; resume a ``.part``; verify sha1; return the path.

    A connection that drops or stalls for ``timeout`` seconds is resumed with a ``Range`` request,
    up to ``retries`` times in a row without progress (``pause`` seconds apart, doubling). At most
    ``max_bytes`` are downloaded (or what is left of ``budget`` for a period).

    Parameters
    ----------
    date
        The day, ``YYYY-MM-DD``.
    to
        The folder the file goes to (created if needed).
    platform, version
        Which dump: one platform's (default: the global dump) and ``full`` or ``light``.
    base_url
        Where the dumps are published (default :data:`DEFAULT_BASE_URL`); redirects stay on its host.
    block
        Bytes read at a time.
    progress
        Show a progress bar (tqdm) on stderr.
    timeout, retries, pause
        Seconds without data before a connection counts as stalled, retries in a row without
        progress, and the first wait between them.
    max_bytes, budget
        The download cap, or the budget shared by the days of a period.

    Returns
    -------
    pathlib.Path
        The verified file (at once, without downloading, when it is already there and verifies).

    Raises
    ------
    ValueError
        For a date that is not ``YYYY-MM-DD`` or an unknown version.
    DownloadError
        When the published sha1 cannot be fetched, the cap would be passed, the retries are used up,
        or the file's sha1 does not match (the partial file is then deleted).
    """
    name = dump_name(date, platform, version)
    to = Path(to)
    to.mkdir(parents=True, exist_ok=True)
    final = to / name
    url = f"{base_url.rstrip('/')}/{name}"
    budget = budget or _Budget(max_bytes)
    expected = published_sha1(url + ".sha1", timeout=timeout)
    if final.exists():
        if _sha1(final) == expected:
            return final
        final.unlink()
    part = to / (name + ".part")
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=None, unit="B", unit_scale=True, desc=name)
    failures, wait = 0, pause
    try:
        while True:
            before = part.stat().st_size if part.exists() else 0
            try:
                _transfer(url, part, block=block, timeout=timeout, budget=budget, bar=bar)
                break
            except (OSError, http.client.HTTPException) as exc:  # dropped, reset, timed out
                grew = (part.stat().st_size if part.exists() else 0) > before
                failures = 0 if grew else failures + 1
                if failures > retries:
                    raise DownloadError(
                        f"{url}: {_reason(exc)}; gave up after {retries} retries without progress "
                        f"({part.stat().st_size if part.exists() else 0:,} bytes kept in {part.name}: "
                        "run the command again to resume)"
                    ) from exc
                time.sleep(wait if not grew else 0)
                wait = pause if grew else wait * 2
    finally:
        if bar is not None:
            bar.close()
    actual = _sha1(part)
    if actual != expected:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"{name}: sha1 {actual} does not match the published {expected}; "
            "the partial file was deleted, run the command again"
        )
    part.replace(final)
    return final


@dataclass
class DayDownload:
    """What happened to one day of a period: the file, or the error."""

    date: str
    path: Path | None = None
    error: str | None = None


def days(since: str, until: str) -> list[str]:
    """Return the dates from ``since`` to ``until`` inclusive (YYYY-MM-DD)."""
    try:
        first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    except ValueError as exc:
        raise ValueError(f"--since {since!r} / --until {until!r}: expected dates YYYY-MM-DD") from exc
    if last < first:
        raise ValueError(f"--until {until} is before --since {since}")
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def download_period(
    since: str,
    until: str,
    to: str | Path,
    *,
    max_bytes: int = MAX_BYTES,
    on_day: Callable[[DayDownload], None] | None = None,
    **kwargs,
) -> list[DayDownload]:
    """Download every day from ``since`` to ``until`` into ``to`` (see :func:`download`).

    A day that fails (not published, sha1 mismatch, connection given up) is recorded and the next
    day is tried; reaching ``max_bytes`` (for the whole period) stops the period. Returns one
    :class:`DayDownload` per day, in order; ``on_day`` is called as each finishes. Other keyword
    arguments go to :func:`download`. Raises ``ValueError`` for dates that are not ``YYYY-MM-DD``
    or an ``until`` before ``since``.
    """
    budget = _Budget(max_bytes)
    out: list[DayDownload] = []
    for date in days(since, until):
        try:
            rec = DayDownload(date, path=download(date, to, budget=budget, **kwargs))
        except DownloadError as exc:
            rec = DayDownload(date, error=str(exc))
        out.append(rec)
        if on_day is not None:
            on_day(rec)
        if rec.error and "would pass the cap" in rec.error:
            break
    return out


def _sha1(path: Path) -> str:
    return file_digest(path, "sha1")
