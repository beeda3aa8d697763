"""Tables as a reader sees them in JupyterLab.

Every number through ``core.formatting.cell``, every row up to a generous limit (never polars' 10-row cut),
and a SYNTHETIC DATA caption on synthetic rows.

``frame_html`` renders one frame; :func:`register` makes it the HTML form of every polars frame a
notebook cell displays (``explore.notebook.setup`` calls it). The plain-text form stays polars' own.
A frame whose ``data`` column reads ``"SYNTHETIC"`` (the marker the analysis modules put first on
tables computed from synthetic data) gets the SYNTHETIC DATA caption without being told.
"""

from __future__ import annotations

import html

import polars as pl

from dsa_explore.core import formatting

MAX_ROWS = 60
#: The column, and its value, that mark rows computed from synthetic data.
MARK_COLUMN, SYNTHETIC_MARK = "data", "SYNTHETIC"
SYNTHETIC_CAPTION = "SYNTHETIC DATA: made-up demonstration rows, not evidence about any platform"
CSS = (
    "<style>table.dsa-frame{border-collapse:collapse;font-size:12px}table.dsa-frame th,table.dsa-frame td"
    "{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}table.dsa-frame td.num{text-align:right;"
    "font-variant-numeric:tabular-nums}table.dsa-frame caption{text-align:left;color:#444;caption-side:top}"
    "table.dsa-frame caption.synthetic{color:#7a0177;font-weight:600}</style>"
)


def is_marked_synthetic(frame: pl.DataFrame) -> bool:
    """Return whether ``frame`` has a text ``data`` column reading ``"SYNTHETIC"`` on some row."""
    return frame.schema.get(MARK_COLUMN) == pl.String and bool(
        (frame.get_column(MARK_COLUMN) == SYNTHETIC_MARK).any()
    )


def frame_html(
    frame: pl.DataFrame, *, synthetic: bool | None = None, caption: str = "", max_rows: int = MAX_ROWS
) -> str:
    """Return an escaped HTML table of ``frame``: readable numbers, a row count, a marker if synthetic.

    ``synthetic=None`` (the default) reads it from the frame (:func:`is_marked_synthetic`).
    """
    if synthetic is None:
        synthetic = is_marked_synthetic(frame)
    shown = frame.head(max_rows)
    numeric = {c for c, t in shown.schema.items() if t.is_numeric()}
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in shown.columns)
    body = []
    for row in shown.iter_rows():
        cells = "".join(
            f'<td class="num">{html.escape(formatting.cell(v, c))}</td>'
            if c in numeric
            else f"<td>{html.escape(formatting.cell(v, c))}</td>"
            for c, v in zip(shown.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    rows = f"{frame.height:,} rows" + (f", first {max_rows} shown" if frame.height > max_rows else "")
    captions = []
    if synthetic:
        captions.append(f'<caption class="synthetic">{SYNTHETIC_CAPTION}. {html.escape(caption)}</caption>')
    elif caption:
        captions.append(f"<caption>{html.escape(caption)}</caption>")
    return (
        f'{CSS}<table class="dsa-frame">{"".join(captions)}<thead><tr>{head}</tr></thead><tbody>'
        + "".join(body)
        + f'</tbody></table><div style="color:#666;font-size:11px">{rows}</div>'
    )


class Table:
    """A frame to display with :func:`frame_html` (plain text: polars' own repr)."""

    def __init__(
        self,
        frame: pl.DataFrame,
        *,
        synthetic: bool | None = None,
        caption: str = "",
        max_rows: int = MAX_ROWS,
    ):
        if synthetic is None:
            synthetic = is_marked_synthetic(frame)
        self.frame, self.synthetic, self.caption, self.max_rows = frame, synthetic, caption, max_rows

    def _repr_html_(self) -> str:
        return frame_html(self.frame, synthetic=self.synthetic, caption=self.caption, max_rows=self.max_rows)

    def __repr__(self) -> str:
        """Return polars' text form of the frame, headed [SYNTHETIC DATA] when synthetic."""
        prefix = "[SYNTHETIC DATA]\n" if self.synthetic else ""
        with pl.Config(tbl_rows=self.max_rows):
            return prefix + repr(self.frame)


def register() -> bool:
    """Make :func:`frame_html` the HTML form of polars frames in the running IPython (False outside it)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook stack
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["text/html"].for_type(pl.DataFrame, lambda f: frame_html(f))
    return True
