"""Safety Gate alerts: which products, which risks, which marketplaces, which measures (frame in, frame out).

Input is the alert table of :mod:`dsa_explore.readers.safetygate` (one row per alert). Every
count is a count of **alerts** (distinct case numbers), never of trader entries: an alert that
names Amazon twice counts once for Amazon. Each summary keeps the case numbers it rests on, so
a figure can be footnoted to the alerts behind it.

Reuse of the alerts: keep ``readers.safetygate.ACKNOWLEDGEMENT`` with every figure.
"""

from __future__ import annotations

import re

import polars as pl

from dsa_explore.readers.safetygate import REMOVAL_BY_MARKETPLACE

NO_TRADER = "no online trader named"
NOT_STATED = "not stated"

#: Columns of the flat alert table (CLI ``alerts``, the explorer): lists joined by " | ".
FLAT_COLUMNS = (
    "case_number",
    "week",
    "report_date",
    "category",
    "product",
    "brand",
    "name",
    "models",
    "barcodes",
    "risk_types",
    "level",
    "notifying_country",
    "country_of_origin",
    "online_marketplaces",
    "online_identifiers",
    "websites",
    "measures",
    "removal_by_marketplace",
    "alert_url",
)
LIST_SEPARATOR = "|"


def _has_removal() -> pl.Expr:
    return (
        pl.col("measures")
        .list.eval(pl.element().struct.field("measure") == REMOVAL_BY_MARKETPLACE)
        .list.any()
    )


def with_flags(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return ``alerts`` with ``removal_by_marketplace`` (bool) and ``names_online_trader`` (bool)."""
    return alerts.with_columns(
        removal_by_marketplace=_has_removal().fill_null(False),
        names_online_trader=pl.col("online_traders").list.len() > 0,
    )


def _summary(exploded: pl.DataFrame, key: str) -> pl.DataFrame:
    return (
        exploded.group_by(key)
        .agg(
            pl.col("case_number").n_unique().alias("alerts"),
            pl.col("case_number")
            .filter(pl.col("removal_by_marketplace"))
            .n_unique()
            .alias("alerts_with_listing_removal"),
            pl.col("country_of_origin").fill_null(NOT_STATED).unique().sort().alias("countries_of_origin"),
            pl.col("case_number").unique().sort().alias("case_numbers"),
        )
        .sort(["alerts", key], descending=[True, False])
    )


def by_marketplace(alerts: pl.DataFrame, *, include_none: bool = False) -> pl.DataFrame:
    """Return per marketplace named as online trader: alerts, alerts with listing removal, origins.

    Columns: marketplace, alerts, alerts_with_listing_removal, countries_of_origin (list),
    case_numbers (list). Alerts naming no online trader appear as :data:`NO_TRADER` only with
    ``include_none``.
    """
    f = with_flags(alerts)
    x = f.with_columns(
        pl.when(pl.col("online_marketplaces").list.len() > 0)
        .then(pl.col("online_marketplaces"))
        .otherwise(pl.lit([NO_TRADER]))
        .alias("marketplace")
    ).explode("marketplace")
    if not include_none:
        x = x.filter(pl.col("marketplace") != NO_TRADER)
    return _summary(x, "marketplace")


def by_category(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return per category: alerts, alerts with listing removal, origins, case numbers, trader alerts."""
    f = with_flags(alerts).with_columns(pl.col("category").fill_null(NOT_STATED))
    s = _summary(f, "category")
    named = f.group_by("category").agg(
        pl.col("names_online_trader").sum().alias("alerts_naming_online_trader")
    )
    return s.join(named, on="category", how="left").sort(["alerts", "category"], descending=[True, False])


def by_risk_type(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return per risk type (an alert with two risk types counts for both): alerts, removals, origins."""
    f = (
        with_flags(alerts)
        .with_columns(
            pl.when(pl.col("risk_types").list.len() > 0)
            .then(pl.col("risk_types"))
            .otherwise(pl.lit([NOT_STATED]))
            .alias("risk_type")
        )
        .explode("risk_type")
    )
    return _summary(f, "risk_type")


def by_country_of_origin(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return alerts per country of origin (null read as :data:`NOT_STATED`), with case numbers."""
    f = alerts.with_columns(pl.col("country_of_origin").fill_null(NOT_STATED))
    return (
        f.group_by("country_of_origin")
        .agg(
            pl.col("case_number").n_unique().alias("alerts"),
            pl.col("case_number").unique().sort().alias("case_numbers"),
        )
        .sort(["alerts", "country_of_origin"], descending=[True, False])
    )


def category_risk_matrix(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return alerts per category × risk type (one row per pair that occurs), case numbers joined by ", "."""
    f = alerts.with_columns(
        pl.col("category").fill_null(NOT_STATED),
        pl.when(pl.col("risk_types").list.len() > 0)
        .then(pl.col("risk_types"))
        .otherwise(pl.lit([NOT_STATED]))
        .alias("risk_type"),
    ).explode("risk_type")
    return (
        f.group_by("category", "risk_type")
        .agg(
            pl.col("case_number").n_unique().alias("alerts"),
            pl.col("case_number").unique().sort().str.join(", ").alias("case_numbers"),
        )
        .sort("category", "risk_type")
    )


def measures_long(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return one row per measure: case_number, category, kind, operator, measure, date, date_text."""
    return (
        alerts.select("case_number", "category", "measures")
        .explode("measures")
        .filter(pl.col("measures").is_not_null())
        .unnest("measures")
    )


def measure_counts(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return alerts per measure × kind (compulsory = ordered by an authority; voluntary = notified)."""
    m = measures_long(alerts)
    return (
        m.group_by("measure", "kind")
        .agg(
            pl.col("case_number").n_unique().alias("alerts"),
            pl.col("case_number").unique().sort().str.join(", ").alias("case_numbers"),
        )
        .sort(["alerts", "measure", "kind"], descending=[True, False, False])
    )


def trader_rows(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return one row per online-trader entry: case number, marketplace, identifier, website, raw text."""
    return (
        alerts.select("case_number", "alert_url", "online_traders")
        .explode("online_traders")
        .filter(pl.col("online_traders").is_not_null())
        .unnest("online_traders")
    )


def headline(alerts: pl.DataFrame) -> dict:
    """Return the headline counts: alerts, reports, alerts naming an online trader, removals, categories.

    Every count comes with the case numbers behind it (``*_cases``), for footnotes.
    """
    f = with_flags(alerts)
    named = f.filter(pl.col("names_online_trader"))
    removal = f.filter(pl.col("removal_by_marketplace"))
    cats = by_category(alerts)
    top = cats.row(0, named=True) if cats.height else {"category": None, "alerts": 0, "case_numbers": []}
    return {
        "alerts": f["case_number"].n_unique(),
        "alert_cases": sorted(f["case_number"].unique().to_list()),
        "reports": f.select("report_year", "report_week").unique().height,
        "first_report": f["report_date"].min(),
        "last_report": f["report_date"].max(),
        "naming_online_trader": named.height,
        "naming_online_trader_cases": sorted(named["case_number"].to_list()),
        "listing_removal": removal.height,
        "listing_removal_cases": sorted(removal["case_number"].to_list()),
        "categories": cats.height,
        "top_category": top["category"],
        "top_category_alerts": top["alerts"],
        "top_category_cases": list(top["case_numbers"]),
        "origin_china": f.filter(pl.col("country_of_origin").str.contains("China")).height,
    }


def filter_alerts(
    alerts: pl.DataFrame,
    *,
    marketplace: str | None = None,
    category: str | None = None,
    text: str | None = None,
) -> pl.DataFrame:
    """Return the alerts naming ``marketplace``, in ``category`` (both case-insensitive), containing ``text``.

    ``text`` is searched in case number, product, brand, name, models, barcodes and danger.
    """
    out = alerts
    if marketplace:
        m = marketplace.casefold()
        out = out.filter(
            pl.col("online_marketplaces").list.eval(pl.element().str.to_lowercase() == m).list.any()
        )
    if category:
        out = out.filter(pl.col("category").str.to_lowercase() == category.casefold())
    if text:
        pat = "(?i)" + re.escape(text)
        hay = pl.concat_str(
            [
                pl.col("case_number"),
                pl.col("product"),
                pl.col("brand"),
                pl.col("name"),
                pl.col("models").list.join(" "),
                pl.col("barcodes").list.join(" "),
                pl.col("danger"),
            ],
            separator=" ",
            ignore_nulls=True,
        )
        out = out.filter(hay.str.contains(pat))
    return out


def flat_table(alerts: pl.DataFrame) -> pl.DataFrame:
    """Return the alerts with list columns joined by ``|`` (columns :data:`FLAT_COLUMNS`), for CSV."""
    sep = LIST_SEPARATOR
    traders = pl.col("online_traders")
    ident = traders.list.eval(
        pl.when(pl.element().struct.field("identifier").is_not_null()).then(
            pl.concat_str(
                [
                    pl.element().struct.field("identifier_type").fill_null("id"),
                    pl.element().struct.field("identifier"),
                ],
                separator=": ",
            )
        )
    )
    measures = pl.col("measures").list.eval(
        pl.concat_str(
            [
                pl.element().struct.field("measure"),
                pl.lit(" ("),
                pl.element().struct.field("operator"),
                pl.lit(", "),
                pl.element().struct.field("date_text"),
                pl.lit(")"),
            ]
        )
    )
    return with_flags(alerts).select(
        "case_number",
        pl.col("report_week").alias("week"),
        "report_date",
        "category",
        "product",
        "brand",
        "name",
        pl.col("models").list.join(sep),
        pl.col("barcodes").list.join(sep),
        pl.col("risk_types").list.join(sep),
        "level",
        "notifying_country",
        "country_of_origin",
        pl.col("online_marketplaces").list.join(sep),
        ident.list.drop_nulls().list.join(sep).alias("online_identifiers"),
        traders.list.eval(pl.element().struct.field("website"))
        .list.drop_nulls()
        .list.join(sep)
        .alias("websites"),
        measures.list.join(sep).alias("measures"),
        "removal_by_marketplace",
        "alert_url",
    )


#: Briefing platform (``core.platforms``) -> the marketplace name the alerts use, where the two differ.
PLATFORM_MARKETPLACE = {"Amazon Store": "Amazon"}


def platform_alerts(alerts: pl.DataFrame, platform: str) -> pl.DataFrame:
    """Return case_number, alert_url, product, removal_by_marketplace of the alerts naming ``platform``.

    ``platform`` is a briefing platform name; "Amazon Store" is read as the alerts' "Amazon".
    """
    name = PLATFORM_MARKETPLACE.get(platform, platform)
    return (
        with_flags(filter_alerts(alerts, marketplace=name))
        .select("case_number", "alert_url", "product", "removal_by_marketplace")
        .sort("case_number")
    )
