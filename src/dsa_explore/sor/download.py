"""Download one daily dump, resumably, and verify it against the published ``.sha1``.

Only on explicit request (``dsa-explore sor download``). The file goes to ``<to>/<name>.part`` and is
resumed with an HTTP ``Range`` request when a partial file exists; once complete its sha1 is
compared with the published ``<name>.sha1`` and only then renamed to ``<name>``. A mismatch deletes
the partial file and raises :class:`DownloadError`.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

from dsa_explore.core.errors import DsaExploreError
from dsa_explore.core.hashing import file_digest

#: Public bucket of the daily dumps (shantay dsa_sor.py; dsa-tdb types.py DAILY_FILE_S3_BUCKET).
DEFAULT_BASE_URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com"


class DownloadError(DsaExploreError):
    """A download failed or its checksum did not match."""


def slugify(platform: str | None) -> str:
    """Return the dump slug of a platform (``global`` for None), as Laravel's ``Str::slug``."""
    if not platform:
        return "global"
    s = re.sub(r"[^a-z0-9]+", "-", platform.lower()).strip("-")
    return s or "global"


def dump_name(date: str, platform: str | None = None, version: str = "full") -> str:
    """Return the dump file name for a date, platform and version."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ValueError(f"date {date!r}: expected YYYY-MM-DD")
    if version not in ("full", "light"):
        raise ValueError(f"version {version!r}: expected full or light")
    return f"sor-{slugify(platform)}-{date}-{version}.zip"


def _get(url: str, headers: dict | None = None, timeout: float = 60):
    req = urllib.request.Request(url, headers=headers or {})
    return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - explicit user request


def published_sha1(url: str) -> str:
    """Return the hex sha1 published at ``url`` (first 40-hex token of the file)."""
    try:
        with _get(url) as resp:
            text = resp.read(4096).decode("ascii", errors="replace")
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: cannot fetch the published sha1 ({exc})") from exc
    m = re.search(r"\b[0-9a-fA-F]{40}\b", text)
    if not m:
        raise DownloadError(f"{url}: no sha1 found in {text[:80]!r}")
    return m.group(0).lower()


def download(date: str, to: str | Path, *, platform: str | None = None, version: str = "full",
             base_url: str = DEFAULT_BASE_URL, block: int = 1 << 20, progress: bool = False) -> Path:
    """Download the dump of ``date`` into folder ``to``; resume a ``.part``; verify sha1; return the path."""
    name = dump_name(date, platform, version)
    to = Path(to)
    to.mkdir(parents=True, exist_ok=True)
    final = to / name
    url = f"{base_url.rstrip('/')}/{name}"
    expected = published_sha1(url + ".sha1")
    if final.exists():
        if _sha1(final) == expected:
            return final
        final.unlink()
    part = to / (name + ".part")
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        resp = _get(url, headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:      # already complete
            resp = None
        else:
            raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: {exc.reason}") from exc
    if resp is not None:
        with resp:
            status = resp.status
            mode = "ab" if (have and status == 206) else "wb"
            total = resp.headers.get("Content-Length")
            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=(int(total) + (have if mode == "ab" else 0)) if total else None,
                           initial=have if mode == "ab" else 0, unit="B", unit_scale=True, desc=name)
            with open(part, mode) as fh:
                while chunk := resp.read(block):
                    fh.write(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            if bar is not None:
                bar.close()
    actual = _sha1(part)
    if actual != expected:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{name}: sha1 {actual} does not match the published {expected}; "
                            "the partial file was deleted, run the command again")
    part.replace(final)
    return final


def _sha1(path: Path) -> str:
    return file_digest(path, "sha1")
