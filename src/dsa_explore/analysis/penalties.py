"""Penalty exposure under the DSA: fine ceilings as shares of worldwide turnover.

- Art. 74(1): up to 6 % of total worldwide annual turnover in the preceding financial year
  (infringement, including breach of binding commitments).
- Art. 74(2): up to 1 % for incorrect, incomplete or misleading information and similar.
- Art. 76: periodic penalty payments up to 5 % of average daily worldwide turnover per day.

The shares and their sources come from the shipped ``facts`` dataset (rows ``DSA (VLOP/VLOSE)``);
default turnovers are the group figures in the same dataset. These are ceilings, not
predictions: the Commission sets a fine by gravity, duration and recurrence (Art. 74(5)).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dsa_explore.data import catalog

#: facts.csv rows with the penalty ceilings: metric prefix -> (article, short label)
_RULES = {
    "Art.74(1)": ("Art. 74(1)", "fine for infringement or breach of commitments"),
    "Art.74(2)": ("Art. 74(2)", "fine for incorrect or misleading information"),
    "Art.76": ("Art. 76", "periodic penalty, per day"),
}


@dataclass(frozen=True)
class Turnover:
    """A group's worldwide annual turnover as shipped, with how it was obtained."""

    platform: str
    group: str
    amount: float
    currency_unit: str  # e.g. "million RMB"
    period: str
    derived: bool
    source_url: str

    def describe(self) -> str:
        """Return one line naming the group, the period, how the figure was obtained and the DSA base."""
        how = "derived from quarterly figures" if self.derived else "as published"
        return (
            f"{self.group} group turnover, {self.period} ({how}); the DSA ceiling uses the provider's "
            f"total worldwide annual turnover"
        )


def penalty_rules() -> pl.DataFrame:
    """Return the DSA penalty ceilings (article, what, max share, basis, source URL) from ``facts``."""
    facts = catalog.load("facts").filter(pl.col("platform") == "DSA (VLOP/VLOSE)")
    rows = []
    for period_key, (article, what) in _RULES.items():
        row = facts.filter(pl.col("period") == period_key)
        if row.height != 1:
            raise catalog.CatalogError(
                catalog.get("facts").path,
                f"expected one row for {period_key} penalty ceiling, found {row.height}",
                "restore data/reference/facts.csv",
            )
        rows.append(
            {
                "article": article,
                "what": what,
                "max_share": float(row["value"][0]),
                "basis": row["unit"][0],
                "source_url": row["source_url"][0],
            }
        )
    return pl.DataFrame(rows)


def default_turnover(platform: str = "AliExpress") -> Turnover | None:
    """Return the shipped group turnover for ``platform``, or None when none is shipped."""
    facts = catalog.load("facts")
    if platform == "AliExpress":
        row = facts.filter(
            pl.col("platform") == "Alibaba Group", pl.col("period").str.starts_with("FY ended 2025-03-31")
        )
        if row.height == 1:
            return Turnover(
                platform,
                "Alibaba Group",
                float(row["value"][0]),
                "million RMB",
                "financial year to 31 March 2025",
                derived="DERIVED" in row["period"][0],
                source_url=row["source_url"][0],
            )
    if platform == "Amazon Store":
        row = facts.filter(
            pl.col("platform") == "Amazon (group)", pl.col("metric").str.starts_with("net sales")
        )
        if row.height == 1:
            return Turnover(
                platform,
                "Amazon.com Inc.",
                float(row["value"][0]) * 1000,
                "million USD",
                "financial year 2023 (net sales as reported in the press)",
                derived=False,
                source_url=row["source_url"][0],
            )
    return None


def penalty_exposure(turnover: float, days: int = 30, rules: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return the maximum amounts per article for an annual ``turnover`` and ``days`` of periodic penalties.

    Periodic penalties are ``max_share`` × (turnover / 365) × ``days``.
    """
    if turnover < 0 or days < 0:
        raise ValueError(f"turnover and days must be non-negative, got turnover={turnover}, days={days}")
    rules = penalty_rules() if rules is None else rules
    return rules.with_columns(
        max_amount=pl.when(pl.col("article") == "Art. 76")
        .then(pl.col("max_share") * turnover / 365.0 * days)
        .otherwise(pl.col("max_share") * turnover),
        days=pl.when(pl.col("article") == "Art. 76").then(pl.lit(days)).otherwise(None),
    )
