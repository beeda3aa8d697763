"""The SYNTHETIC mark of a dump: a zip archive comment written by the project's own generators.

A daily dump from the Commission is an outer zip with no archive comment. Every dump the project
generates (:func:`dsa_explore.synth.sor.write_dump`, so also ``write_synthetic_dump``, the
statement-text generator and the fixture builder) carries the comment ``SYNTHETIC: dsa-explore
<generator>``. The file name cannot say it (a generated dump is named ``sor-global-<day>-full.zip``
like a real one); the comment travels with the file. ``sor ingest`` records it per dump in the
store's manifest (``"synthetic": true`` and ``"synthetic_mark"``), and every view of a store built
from such a dump is marked SYNTHETIC.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

#: How the archive comment of a generated dump begins.
PREFIX = "SYNTHETIC: dsa-explore "
#: The fixed timestamp the project's generators give every zip member (deterministic bytes).
FIXED_TIME = (2025, 1, 1, 0, 0, 0)
#: The mark given to a dump written by the project's generators before they wrote the comment.
UNMARKED = f"{PREFIX}(no comment: written before the mark; every member dated {FIXED_TIME[:3]})"


def comment(generator: str) -> bytes:
    """Return the archive comment marking a dump written by ``generator`` (a dotted function name)."""
    return f"{PREFIX}{generator}".encode("ascii")


def synthetic_mark(path: str | Path) -> str | None:
    """Return the SYNTHETIC mark (archive comment) of the dump at ``path``, or None when it has none.

    A dump the project's generators wrote before they wrote the comment is recognised by its
    members, all dated :data:`FIXED_TIME` (2025-01-01 00:00:00), and gets :data:`UNMARKED`. A file
    that is not a readable zip has no mark (the reader refuses it with its own message).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            text = zf.comment.decode("utf-8", "replace")
            infos = zf.infolist()
    except (OSError, zipfile.BadZipFile):
        return None
    if text.startswith(PREFIX):
        return text
    if not text and infos and all(i.date_time == FIXED_TIME for i in infos):
        return UNMARKED
    return None


def is_synthetic_entry(stem: str, entry: dict) -> bool:
    """Return whether a manifest entry is of a generated dump (its mark, or a ``sor-synthetic-`` name)."""
    return bool(entry.get("synthetic")) or stem.startswith("sor-synthetic-")


def synthetic_dumps(manifest: dict) -> list[str]:
    """Return the stems of the manifest's dumps that hold data (files) and are SYNTHETIC, sorted."""
    return sorted(
        stem
        for stem, entry in manifest.get("dumps", {}).items()
        if (entry.get("files") or entry.get("rows")) and is_synthetic_entry(stem, entry)
    )
