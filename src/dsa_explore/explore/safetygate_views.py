"""Notebook 06's matcher question, one call: how the listing-to-alert matcher does on labelled pairs.

The matching is :mod:`dsa_explore.analysis.safetygate_match`; this module only runs it with the
two threshold sets the notebook compares and lays the result out as a table. The shipped labelled
pairs are SYNTHETIC listings paired with the real alerts, so their table starts with a ``data``
column reading ``"SYNTHETIC"``; pairs of an analyst's own give a table without it.
"""

from __future__ import annotations

import polars as pl

from dsa_explore.analysis import safetygate_match as sgm

#: Catalog name of the shipped labelled pairs (SYNTHETIC listings, real alerts).
PAIRS_DATASET = "safetygate_match_pairs"
#: The matcher settings compared: the default (with the fuzzy step) and the exact-keys baseline.
SETTINGS = (
    ("barcode + identifier + fuzzy (default)", sgm.Thresholds()),
    ("barcode + identifier only", sgm.exact_only()),
)


def matcher_comparison(alerts: pl.DataFrame, pairs: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return one row per matcher setting: pairs, confusion counts, precision and recall.

    Parameters
    ----------
    alerts : the Safety Gate alerts the pairs name (``readers.safetygate`` reading).
    pairs : labelled listing-alert pairs; by default the shipped synthetic ones.

    Returns
    -------
    polars.DataFrame
        Columns [``data``,] ``matcher, pairs, tp, fp, fn, tn, precision, recall``; ``data`` reads
        ``"SYNTHETIC"`` when the pairs are the shipped synthetic ones (or carry that marker).
    """
    synthetic = pairs is None
    if pairs is None:
        from dsa_explore.data import catalog

        pairs = catalog.load(PAIRS_DATASET)
        synthetic = catalog.get(PAIRS_DATASET).synthetic
    elif pairs.schema.get("data") == pl.String:
        synthetic = bool((pairs["data"] == "SYNTHETIC").any())
    rows = []
    for name, thresholds in SETTINGS:
        r = sgm.evaluate(pairs, alerts, thresholds)
        rows.append(
            {
                "matcher": name,
                **{k: r[k] for k in ("pairs", "tp", "fp", "fn", "tn")},
                "precision": round(r["precision"], 3),
                "recall": round(r["recall"], 3),
            }
        )
    table = pl.DataFrame(rows)
    return table.select(pl.lit("SYNTHETIC").alias("data"), pl.all()) if synthetic else table
