"""Hidden-links explorer (ipywidgets, JupyterLab only)."""

from __future__ import annotations

import polars as pl

from dsa_explore.explore.box import Explorer
from dsa_explore.explore.tables import Table, is_marked_synthetic


def explorer(seed_table: pl.DataFrame):
    """Return an ipywidgets explorer (JupyterLab only): pick a seed group and k, list reaching seeds.

    The callback is ``dsa_explore.analysis.links.explore_seeds`` (a plain, tested function).
    """
    import ipywidgets as widgets
    from IPython.display import display

    from dsa_explore.analysis.links import explore_seeds

    categories = sorted(seed_table.get_column("seed_category").unique().to_list())
    cat = widgets.Dropdown(options=categories, value=categories[0], description="seeds")
    k = widgets.IntSlider(value=2, min=1, max=4, step=1, description="max links")
    out = widgets.Output()

    def refresh(*_):
        out.clear_output()
        with out, pl.Config(fmt_str_lengths=200, tbl_width_chars=220, tbl_rows=20):
            display(Table(explore_seeds(seed_table, cat.value, k.value)))

    cat.observe(refresh, names="value")
    k.observe(refresh, names="value")
    refresh()
    return Explorer(
        [widgets.HBox([cat, k]), out],
        title="seeds reaching bad items within k links",
        synthetic=is_marked_synthetic(seed_table),
    )
