r"""CSV output a spreadsheet cannot turn into a formula, with control characters escaped.

Captured pages are untrusted text: a listing title such as ``=HYPERLINK("http://evil","click")``
or ``+cmd|' /C calc'!A0`` runs as a formula when the CSV is opened in a spreadsheet (OWASP
"CSV injection"). :func:`safe_text` prefixes such a cell with an apostrophe and escapes control
characters (``\n`` stays readable as the two characters ``\n``); numbers stay numbers, because
only text columns are touched.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r\n\t]")


def _escape(ch: str) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{ord(ch):02x}")


def safe_text(value: str | None) -> str | None:
    """Return ``value`` safe for a CSV cell: formula start neutralised with ``'``, controls escaped."""
    if value is None:
        return None
    out = value
    if out.lstrip(" ").startswith(FORMULA_START) or out.startswith(FORMULA_START):
        out = "'" + out
    return _CONTROL.sub(lambda m: _escape(m.group(0)), out)


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with every text column passed through :func:`safe_text`."""
    cols = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(pl.col(c).map_elements(safe_text, return_dtype=pl.String) for c in cols)


def write_csv(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as a CSV-safe UTF-8 file (see :func:`safe_frame`); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).write_csv(path)
    return path
