"""Content hashes: the one helper for file digests (dataset checksums, dump verification) and short ids."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_digest(path: str | Path, algorithm: str = "sha256") -> str:
    """Return the hex digest of a file (``hashlib.file_digest``: one reused buffer, no whole-file read)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, algorithm).hexdigest()


def sha256_of(path: str | Path) -> str:
    """Return the hex sha256 of a file (the checksum recorded in every provenance record)."""
    return file_digest(path, "sha256")


def short_id(text: str, length: int = 16) -> str:
    """Return a stable short hex id of ``text`` (sha1 prefix; for element ids, not for security)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]
