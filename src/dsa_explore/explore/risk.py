"""Risk-score explorer (ipywidgets, JupyterLab only)."""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis.risk import DEFAULT_CAPACITY, explorer_summary
from dsa_explore.explore.box import Explorer
from dsa_explore.explore.tables import is_marked_synthetic


def explorer(scored: pl.DataFrame):
    """Return an ipywidgets explorer (JupyterLab only): threshold and capacity sliders with a summary."""
    import ipywidgets as w

    top = int(scored["risk_score"].max())
    threshold = w.IntSlider(value=6, min=0, max=top, description="Threshold")
    capacity = w.IntSlider(value=DEFAULT_CAPACITY, min=1, max=scored.height, description="Capacity/day")
    out = w.Output()
    synthetic = is_marked_synthetic(scored)
    prefix = "[SYNTHETIC DATA] " if synthetic else ""

    def refresh(*_):
        out.clear_output()
        with out:
            print(prefix + explorer_summary(scored, threshold.value, capacity.value))

    threshold.observe(refresh, names="value")
    capacity.observe(refresh, names="value")
    refresh()
    return Explorer(
        [threshold, capacity, out], title="risk-score threshold and review capacity", synthetic=synthetic
    )
