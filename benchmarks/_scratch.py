"""The folder a benchmark writes its SYNTHETIC dumps into: ``--out`` (kept, for reuse between runs)
or a temporary folder removed at the end."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_folder(out: str | None, prefix: str) -> Iterator[Path]:
    """Yield ``out`` (created if missing), or a temporary folder named ``prefix…`` that is removed."""
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)
