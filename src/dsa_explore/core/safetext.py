r"""Untrusted text made safe for a terminal and for spreadsheets.

Values from the data (platform names, free text) go to users' terminals and CSV files. Two
defences, applied to every text cell the command-line tools print:

- **Control characters are escaped** (:func:`escape_controls`): C0 (U+0000–U+001F, so ESC, BEL, CR
  and LF too), DEL (U+007F) and C1 (U+0080–U+009F, including the 8-bit CSI U+009B) become visible
  escapes ``\x1b``, ``\x07``, ``\x9b``; a backslash becomes ``\\`` so the escaping is
  reversible. A platform name holding ``ESC ] 0 ; title BEL`` therefore cannot set the terminal's
  title, clear the screen or move the cursor: it prints as ``\x1b]0;title\x07``.
- **Spreadsheet formulas are neutralised** in CSV (:func:`neutralise_formula`): a cell that starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (``'``), as
  OWASP's "CSV injection" guidance recommends, so ``=HYPERLINK("http://evil","x")`` is shown as
  text by Excel, LibreOffice and Google Sheets, never evaluated. Only text columns are changed:
  numbers (negative counts included) stay numbers.
"""

from __future__ import annotations

import re

import polars as pl

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape_one(m: re.Match) -> str:
    ch = m.group(0)
    return "\\\\" if ch == "\\" else f"\\x{ord(ch):02x}"


def escape_controls(text: str) -> str:
    r"""Return ``text`` with C0/C1 control characters and DEL as ``\xNN`` (and ``\`` as ``\\``)."""
    return _CONTROLS.sub(_escape_one, text) if _CONTROLS.search(text) else text


def neutralise_formula(text: str) -> str:
    """Return ``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def safe_cell(text: str, *, csv: bool) -> str:
    """Neutralise (for CSV, checked on the raw text) then escape one cell."""
    return escape_controls(neutralise_formula(text) if csv else text)


def safe_frame(frame: pl.DataFrame, *, csv: bool) -> pl.DataFrame:
    """Return ``frame`` with every text column made safe for a terminal (with ``csv``, for spreadsheets)."""
    cols = [c for c, t in frame.schema.items() if t in (pl.String, pl.Categorical) or isinstance(t, pl.Enum)]
    if not cols:
        return frame
    return frame.with_columns(
        pl.col(c).cast(pl.String).map_elements(lambda v: safe_cell(v, csv=csv), return_dtype=pl.String)
        for c in cols
    )
