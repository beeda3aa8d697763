"""ipywidgets explorer of moderation resources, for JupyterLab only (widgets do not render in briefings).

The callback logic is the plain function :func:`explorer_view` (tested without a kernel);
:func:`explorer` wires it to two drop-downs and an output area.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.core.reference import PERIOD_LABELS
from dsa_explore.explore.box import Explorer
from dsa_explore.explore.tables import Table

SORTS = {
    "users per moderator (worst first)": ("users_per_moderator", True),
    "users of the language": ("users", True),
    "language": ("language", False),
}


def explorer_view(
    cov: pl.DataFrame,
    platform: str,
    period: str,
    sort: str = "users per moderator (worst first)",
    only_gaps: bool = False,
) -> pl.DataFrame:
    """Return the language table shown for one platform and period.

    Languages with users and no moderator come first when sorting by users per moderator (their
    ratio is infinite); ``only_gaps`` keeps the languages with no moderator only.
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {list(SORTS)}")
    rows = cov.filter((pl.col("platform") == platform) & (pl.col("period") == period))
    if only_gaps:
        rows = rows.filter(pl.col("status") == "no moderator")
    col, desc = SORTS[sort]
    if col == "users_per_moderator":
        rows = (
            rows.with_columns((pl.col("status") == "no moderator").alias("_gap"))
            .sort(["_gap", "users_per_moderator", "users"], descending=[True, True, True], nulls_last=True)
            .drop("_gap")
        )
    else:
        rows = rows.sort(col, descending=desc)
    return rows.select("language_name", "users", "moderators", "users_per_moderator", "status", "countries")


def explorer(cov: pl.DataFrame):  # pragma: no cover - needs a running kernel to be useful
    """Return an ipywidgets box: platform and period drop-downs, a sort choice, a table of languages."""
    import ipywidgets as w
    from IPython.display import display

    platforms = sorted(cov["platform"].unique().to_list())
    periods = [p for p in PERIOD_LABELS if p in cov["period"].unique().to_list()]
    pick_platform = w.Dropdown(
        options=platforms,
        value="AliExpress" if "AliExpress" in platforms else platforms[0],
        description="Platform",
    )
    pick_period = w.Dropdown(options=periods, value=periods[0], description="Period")
    pick_sort = w.Dropdown(options=list(SORTS), description="Sort by")
    gaps = w.Checkbox(value=False, description="only languages with no moderator")
    out = w.Output()

    def refresh(*_):
        out.clear_output()
        with out, pl.Config(tbl_rows=30, fmt_str_lengths=40, thousands_separator=","):
            display(
                Table(explorer_view(cov, pick_platform.value, pick_period.value, pick_sort.value, gaps.value))
            )

    for widget in (pick_platform, pick_period, pick_sort, gaps):
        widget.observe(refresh, names="value")
    refresh()
    return Explorer(
        [w.HBox([pick_platform, pick_period]), w.HBox([pick_sort, gaps]), out],
        title="moderators per language, by platform and period",
    )
