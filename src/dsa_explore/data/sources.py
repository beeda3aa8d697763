"""External inputs of dataset builds: public files the project does not ship, fetched only on request.

Some builds of ``make data`` derive a shipped file from a public input too large to ship (today:
shantay 0.6.0's whole-database daily statistics, ``shantay/builtin.parquet``, 10.6 MB inside the
package's wheel on PyPI). Such an input is an :class:`ExternalSource`: the archive's URL and sha256,
the member to take out of it and that member's sha256, all pinned here. Fetching is an explicit
command, never a side effect::

    dsa-explore data fetch sor_marketplaces_daily     # or: make data-sources (every external input)

:func:`fetch` downloads the archive (with progress), checks its sha256, extracts the member, checks
the member's sha256, and keeps only the member in the cache folder, next to a small record of where
it came from (``<file>.source.json``). Nothing is kept when a check fails. ``dsa-explore data build``
then takes the input from the cache (:func:`cached`) when no ``--source FILE`` is given.

The cache folder (:func:`sources_dir`) is ``$DSA_EXPLORE_SOURCES`` when set, else
``$XDG_CACHE_HOME/dsa-explore/sources``, else ``~/.cache/dsa-explore/sources``.
"""

from __future__ import annotations

import datetime as _dt
import http.client
import json
import os
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from dsa_explore.core.errors import DsaExploreError, RefusedDataError
from dsa_explore.core.hashing import sha256_of

#: Environment variable naming the cache folder of external inputs.
SOURCES_ENV = "DSA_EXPLORE_SOURCES"
USER_AGENT = "dsa-explore/0.1 (dataset rebuild; one explicit download)"
#: Seconds without data before a download is given up.
TIMEOUT = 60.0
_BLOCK = 1 << 16


class SourceFetchError(DsaExploreError):
    """An external input could not be downloaded (the message names the URL and what went wrong)."""


@dataclass(frozen=True)
class ExternalSource:
    """A public file a build needs, taken from a pinned archive and checked twice (archive, then member).

    Parameters
    ----------
    name
        Short name, used in messages.
    description
        What the file is, for a reader.
    url
        The archive's download URL (a zip file, such as a wheel).
    sha256
        sha256 of the archive at ``url``.
    member
        Path of the wanted file inside the archive.
    member_sha256
        sha256 of that member.
    filename
        Name of the member's copy in the cache folder.
    size
        Size of the archive in bytes (downloads announcing or reaching more than twice it are stopped).
    page
        A page describing the archive (e.g. its PyPI release page), for people.
    """

    name: str
    description: str
    url: str
    sha256: str
    member: str
    member_sha256: str
    filename: str
    size: int
    page: str = ""

    def path(self, folder: str | Path | None = None) -> Path:
        """Return where the member is (or would be) cached."""
        return Path(folder if folder is not None else sources_dir()) / self.filename


#: shantay 0.6.0's whole-database daily statistics of the DSA Transparency Database (2023-09-25..2026-01-10).
#: URL and sha256 of the wheel as PyPI's index lists them (resolved with ``pip download shantay==0.6.0``;
#: the JSON API, https://pypi.org/pypi/shantay/0.6.0/json, gives them as urls[].url and digests.sha256).
SHANTAY_BUILTIN = ExternalSource(
    name="shantay-0.6.0-builtin",
    description=(
        "shantay 0.6.0 shantay/builtin.parquet: daily statistics of every DSA Transparency Database "
        "release 2023-09-25..2026-01-10 (data CC BY 4.0, European Commission; shantay Apache-2.0)"
    ),
    url=(
        "https://files.pythonhosted.org/packages/69/1b/"
        "e68364735fadbc90c27efe71d83c735989c0b1d65e91e3a0038ae29030e7/shantay-0.6.0-py3-none-any.whl"
    ),
    sha256="7d8fdd946c127bfc5b5fb966bfa788fe9b5a80ac40ed163ffb4a4a3292cc0341",
    member="shantay/builtin.parquet",
    member_sha256="2b255dd2d749744ca50704b55cc1bcd6910b3a9c4cbd0402549a1f71b36fb883",
    filename="shantay-0.6.0-builtin.parquet",
    size=10_743_452,
    page="https://pypi.org/project/shantay/0.6.0/",
)


def sources_dir() -> Path:
    """Return the cache folder of external inputs (see the module docstring for the order)."""
    if os.environ.get(SOURCES_ENV):
        return Path(os.environ[SOURCES_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dsa-explore" / "sources"


def cached(source: ExternalSource, folder: str | Path | None = None) -> Path | None:
    """Return the cached copy of ``source`` if it has been fetched, else None (builds check its sha256)."""
    path = source.path(folder)
    return path if path.is_file() else None


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _open(url: str, timeout: float):
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        return urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise SourceFetchError(f"{url}: HTTP {exc.code} {exc.reason}; expected the file (HTTP 200)") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceFetchError(
            f"{url}: cannot download ({reason}); check the network connection, or pass --url with a mirror "
            "of the same file"
        ) from None


def _download(url: str, part: Path, cap: int, timeout: float, say: Callable[[str], None]) -> int:
    """Stream ``url`` into ``part`` with a progress line every 10%; return the bytes written."""
    with _open(url, timeout) as resp:
        length = resp.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        if total is not None and total > cap:
            raise SourceFetchError(f"{url}: the server announces {total} bytes; expected at most {cap}")
        written, shown = 0, 0
        try:
            with open(part, "wb") as fh:
                while chunk := resp.read(_BLOCK):
                    written += len(chunk)
                    if written > cap:
                        raise SourceFetchError(f"{url}: the transfer went past {cap} bytes; stopped")
                    fh.write(chunk)
                    if total and written * 10 // total > shown:
                        shown = written * 10 // total
                        say(f"  {_mb(written)} of {_mb(total)} ({shown * 10}%)")
        except (OSError, http.client.HTTPException) as exc:
            raise SourceFetchError(
                f"{url}: the transfer broke after {written} bytes ({type(exc).__name__}: {exc}); run again"
            ) from None
    if total is not None and written < total:
        raise SourceFetchError(f"{url}: got {written} of the {total} bytes announced; run again")
    return written


def _extract(archive: Path, source: ExternalSource, part: Path, label: str) -> None:
    """Copy ``source.member`` out of ``archive`` into ``part``."""
    try:
        with zipfile.ZipFile(archive) as zf:
            try:
                info = zf.getinfo(source.member)
            except KeyError:
                raise RefusedDataError(
                    f"{label}: no member {source.member!r} in the archive; expected it among "
                    f"{len(zf.namelist())} members such as {zf.namelist()[:3]}"
                ) from None
            with zf.open(info) as src, open(part, "wb") as dst:
                while chunk := src.read(_BLOCK):
                    dst.write(chunk)
    except zipfile.BadZipFile as exc:
        raise RefusedDataError(f"{label}: not a zip archive ({exc}); expected a wheel (zip)") from None


def _check(path: Path, expected: str, label: str) -> None:
    got = sha256_of(path)
    if got != expected:
        path.unlink()
        raise RefusedDataError(f"{label}: sha256 {got}, expected {expected}; the file was deleted")


def fetch(
    source: ExternalSource,
    folder: str | Path | None = None,
    *,
    url: str | None = None,
    timeout: float = TIMEOUT,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Download ``source``'s archive, check it, extract and check its member into the cache; return its path.

    Parameters
    ----------
    source
        What to fetch, with the URL and both sha256 digests it must match.
    folder
        Cache folder (default :func:`sources_dir`); created if needed.
    url
        Another address of the same archive (a mirror); both digests are still checked.
    timeout
        Seconds without data before the download is given up.
    log
        Called with one progress line at a time (default: silent).

    Returns
    -------
    Path
        The cached member. A copy already cached with the right sha256 is kept and not downloaded again.

    Raises
    ------
    SourceFetchError
        The download failed (no connection, HTTP error, broken or oversized transfer).
    RefusedDataError
        The archive or the member has another sha256 than pinned (expected and got are named), or the
        archive is not a zip holding the member. Nothing is left in the cache then.
    """
    say = log or (lambda _msg: None)
    if url is not None:
        source = replace(source, url=url)
    dest = source.path(folder)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.is_file():
        if sha256_of(dest) == source.member_sha256:
            say(f"{source.name}: already cached at {dest} (sha256 checked)")
            return dest
        say(f"{source.name}: the cached copy at {dest} has another sha256; fetching it again")
        dest.unlink()
    archive = dest.with_name(source.url.rsplit("/", 1)[-1] + ".part")
    member_part = dest.with_name(dest.name + ".part")
    say(f"{source.name}: downloading {source.url} ({_mb(source.size)})")
    try:
        size = _download(source.url, archive, 2 * source.size, timeout, say)
        _check(archive, source.sha256, f"{source.url} (downloaded archive)")
        _extract(archive, source, member_part, source.url)
        _check(member_part, source.member_sha256, f"{source.url}: {source.member}")
        member_part.replace(dest)
    finally:
        archive.unlink(missing_ok=True)
        member_part.unlink(missing_ok=True)
    record = {
        "name": source.name,
        "description": source.description,
        "url": source.url,
        "archive_sha256": source.sha256,
        "archive_size": size,
        "member": source.member,
        "sha256": source.member_sha256,
        "page": source.page,
        "retrieved": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    dest.with_name(dest.name + ".source.json").write_text(
        json.dumps(record, indent=2) + "\n", encoding="utf-8"
    )
    say(f"{source.name}: {source.member} (sha256 checked) cached at {dest}")
    return dest
