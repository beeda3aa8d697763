"""Notebook 03's tables as a reader sees them: the columns worth reading, rounded to the precision shown.

The numbers come from :mod:`dsa_explore.analysis.risk`; this module only picks and rounds. A table
computed from synthetic listings keeps its leading ``data`` = ``"SYNTHETIC"`` column
(:func:`dsa_explore.analysis.risk.carry_marker`), so a copied table still says what it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from dsa_explore.analysis import risk


def _marker(table: pl.DataFrame) -> list[str]:
    """Return ``["data"]`` when ``table`` carries the SYNTHETIC marker column, else ``[]``."""
    return ["data"] if "data" in table.columns else []


def lift_shown(lift: pl.DataFrame) -> pl.DataFrame:
    """Return :func:`~dsa_explore.analysis.risk.indicator_lift` counts and lifts, highest lift first."""
    return lift.select(
        *_marker(lift),
        "label",
        "k_bad",
        "n_bad",
        "k_good",
        "n_good",
        pl.col("lift", "lift_low", "lift_high").round(1),
    ).sort("lift", descending=True, nulls_last=True)


def comparison_shown(comparison: pl.DataFrame) -> pl.DataFrame:
    """Return :func:`~dsa_explore.analysis.risk.compare_scores` with its shares to three decimals."""
    return comparison.with_columns(pl.exclude("data", "score", "listings").round(3))


def calibration_shown(calibration: pl.DataFrame) -> pl.DataFrame:
    """Return the reliability table without its weight column, shares to three decimals."""
    return calibration.with_columns(pl.col("mean_predicted", "observed").round(3)).drop("weight")


def coefficients_shown(coefficients: pl.DataFrame) -> pl.DataFrame:
    """Return the fitted model's coefficients and odds ratios to two decimals."""
    return coefficients.with_columns(pl.col("coefficient", "odds_ratio").round(2))


def band_check(
    scored: pl.DataFrame,
    threshold: float,
    bands: Sequence[float] = (0, 3, 6),
    rates: Sequence[float] = (0.1, 0.3, 1.0),
    seed: int = 1,
) -> pl.DataFrame:
    """Return :func:`~dsa_explore.analysis.risk.band_sample_check` with its shares to three decimals."""
    table = risk.band_sample_check(scored, threshold, bands=list(bands), rates=list(rates), seed=seed)
    return table.with_columns(pl.exclude("data", "evaluation", "labelled").round(3))
