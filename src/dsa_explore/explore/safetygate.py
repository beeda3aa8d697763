"""A searchable Safety Gate alert table for JupyterLab (ipywidgets wiring over plain functions).

:func:`explorer_table` is the callback, testable without a browser; :func:`explorer` wires it to a
text box (case number, product, brand, name, model, barcode, danger), a marketplace and a category
drop-down. :func:`explorer_summary` is the line above the table: how many alerts match, under which
filters, and, when the filters together exclude every alert, how many each one alone leaves out (so a
reader sees which filter to relax instead of an empty table that no further choice can change). Not for
briefings: widgets need a kernel.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import safetygate as a
from dsa_explore.readers.safetygate import ACKNOWLEDGEMENT

ALL = "(all)"
SHOWN = (
    "case_number",
    "week",
    "category",
    "product",
    "brand",
    "name",
    "models",
    "barcodes",
    "risk_types",
    "country_of_origin",
    "online_marketplaces",
    "online_identifiers",
    "measures",
    "alert_url",
)


def explorer_table(
    alerts: pl.DataFrame, text: str = "", marketplace: str = ALL, category: str = ALL
) -> pl.DataFrame:
    """Return the flat alerts matching the search text, marketplace and category (``(all)`` = no filter)."""
    picked = a.filter_alerts(
        alerts,
        text=text.strip() or None,
        marketplace=None if marketplace == ALL else marketplace,
        category=None if category == ALL else category,
    )
    return a.flat_table(picked).select(SHOWN)


def _filters(text: str, marketplace: str, category: str) -> dict[str, tuple[str, str]]:
    """Return the active filters: name -> (label as shown, argument of :func:`explorer_table`)."""
    out = {}
    if text.strip():
        out["search"] = (f'search "{text.strip()}"', "text")
    if marketplace != ALL:
        out["marketplace"] = (f"marketplace {marketplace}", "marketplace")
    if category != ALL:
        out["category"] = (f"category {category}", "category")
    return out


def explorer_summary(
    alerts: pl.DataFrame, text: str = "", marketplace: str = ALL, category: str = ALL
) -> str:
    """Return the line above the explorer table: alerts matching, of all, and the filters that select them.

    When several filters together match no alert, the line says how many alerts each filter's removal
    would show, e.g. ``0 of 8 alerts match search "x", marketplace Amazon; without the search: 1, without
    the marketplace: 1``.
    """
    args = {"text": text, "marketplace": marketplace, "category": category}
    active = _filters(text, marketplace, category)
    n = explorer_table(alerts, **args).height
    if not active:
        return f"{n} of {alerts.height} alerts (no filter)."
    line = f"{n} of {alerts.height} alerts match " + ", ".join(label for label, _ in active.values())
    if n == 0 and len(active) > 1:
        relaxed = []
        for name, (_, arg) in active.items():
            without = {**args, arg: "" if arg == "text" else ALL}
            relaxed.append(f"without the {name}: {explorer_table(alerts, **without).height}")
        line += "; " + ", ".join(relaxed)
    return line + "."


def explorer(alerts: pl.DataFrame):
    """Return the alert explorer widget (search box, marketplace and category drop-downs, table)."""
    import ipywidgets as w
    from IPython.display import display

    markets = sorted({m for ms in alerts["online_marketplaces"].to_list() for m in ms})
    cats = sorted(c for c in alerts["category"].unique().to_list() if c)
    text = w.Text(description="search", placeholder="case number, product, brand, model, barcode, danger")
    market = w.Dropdown(options=[ALL, *markets], description="marketplace")
    cat = w.Dropdown(options=[ALL, *cats], description="category")
    out = w.Output()

    def refresh(_change=None) -> None:
        out.clear_output()
        table = explorer_table(alerts, text.value, market.value, cat.value)
        with out, pl.Config(tbl_rows=50, tbl_cols=-1, tbl_width_chars=220, fmt_str_lengths=60):
            print(explorer_summary(alerts, text.value, market.value, cat.value))
            print(ACKNOWLEDGEMENT)
            display(table)

    for widget in (text, market, cat):
        widget.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox([text, market, cat]), out])
