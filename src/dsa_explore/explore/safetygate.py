"""A searchable Safety Gate alert table for JupyterLab (ipywidgets wiring over plain functions).

:func:`explorer_table` is the callback, testable without a browser; :func:`explorer` wires it to a
text box (case number, product, brand, name, model, barcode, danger), a marketplace and a category
drop-down. Not for briefings: widgets need a kernel.
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
            print(f"{table.height} of {alerts.height} alerts. {ACKNOWLEDGEMENT}")
            display(table)

    for widget in (text, market, cat):
        widget.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox([text, market, cat]), out])
