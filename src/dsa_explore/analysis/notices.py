"""Notices, actions, appeals and repeat offenders: the ratios an enforcer asks for, inputs and sources kept.

Pure functions on the tidy transparency-report frame (schema of the shipped dataset
``transparency_marketplace_reports``, built from the platforms' raw report files). Every ratio
sits next to the published inputs it is made of, and every input names the file and line it
was read from and the URL of the published file, so that a figure can be checked by opening
the report.

* :func:`inputs` - the published figures the ratios use, one row per platform, period and input.
* :func:`ratios` - one row per platform and period: notices and own-initiative actions per
  moderator, share of complaints decided by reversing the decision, suspensions of repeat
  offenders per million users, automated detection share against the accuracy the platform reports.
* :func:`median_time_by_category` - median hours to act on notices about illegal products,
  consumer protection and protection of minors, next to the platform's moderators.
* :func:`sor_counts` and :func:`report_vs_database` - the actions a report states next to the
  statements of reasons the Transparency Database holds for the same period.

All figures are self-reported by the platforms and unaudited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

#: Input name -> (section, indicator, scope) of the tidy frame.
INPUTS: dict[str, tuple[int, str, str]] = {
    "notices": (4, "notices_received", "TOTAL"),
    "notices_trusted_flaggers": (4, "notices_trusted_flaggers", "TOTAL"),
    "notice_actions_law": (4, "actions_law", "TOTAL"),
    "notice_actions_tc": (4, "actions_tc", "TOTAL"),
    "notice_median_hours": (4, "median_hours_to_action", "TOTAL"),
    "own_initiative_illegal": (5, "own_initiative_measures", "TOTAL"),
    "own_initiative_illegal_automated": (5, "own_initiative_automated_detection", "TOTAL"),
    "own_initiative_tc": (6, "own_initiative_measures", "TOTAL"),
    "own_initiative_tc_automated": (6, "own_initiative_automated_detection", "TOTAL"),
    "complaints": (7, "complaints", "TOTAL"),
    "complaints_upheld": (7, "complaints", "Decisions upheld"),
    "complaints_reversed": (7, "complaints", "Decisions reversed"),
    "complaints_partially_reversed": (7, "complaints", "Decisions partially reversed"),
    "complaints_median_hours": (7, "complaints", "Median time"),
    "suspensions_illegal_content": (7, "suspensions_illegal_content", "TOTAL"),
    "suspensions_unfounded_notices": (7, "suspensions_unfounded_notices", "TOTAL"),
    "suspensions_unfounded_complaints": (7, "suspensions_unfounded_complaints", "TOTAL"),
    "measures_automated": (8, "measures_automated", "TOTAL"),
    "measures_not_automated": (8, "measures_not_automated", "TOTAL"),
    "accuracy": (8, "accuracy", "TOTAL"),
    "moderators_internal": (9, "moderators_internal", "TOTAL"),
    "moderators_external": (9, "moderators_external", "TOTAL"),
    "users": (10, "amar", "TOTAL"),
}

#: The notice categories an enforcer of the marketplace rules asks about: label -> template code.
ENFORCER_CATEGORIES: dict[str, str] = {
    "All notices": "TOTAL",
    "Illegal or unsafe products": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "Consumer protection (consumer information)": "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "Protection of minors": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "Scams and fraud": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
}

#: Ratio name -> (numerator inputs, denominator inputs, scale, what it means).
RATIOS: dict[str, tuple[tuple[str, ...], tuple[str, ...], float, str]] = {
    "notices_per_moderator": (
        ("notices",),
        ("moderators_internal", "moderators_external"),
        1.0,
        "Art. 16 notices received per content moderator (internal + external)",
    ),
    "own_initiative_per_moderator": (
        ("own_initiative_illegal", "own_initiative_tc"),
        ("moderators_internal", "moderators_external"),
        1.0,
        "own-initiative measures (tables 5 + 6) per content moderator",
    ),
    "share_reversed": (
        ("complaints_reversed",),
        ("complaints",),
        1.0,
        "share of internal complaints whose decision was reversed",
    ),
    "share_reversed_or_partly": (
        ("complaints_reversed", "complaints_partially_reversed"),
        ("complaints",),
        1.0,
        "share of internal complaints whose decision was reversed in whole or in part",
    ),
    "suspensions_per_million_users": (
        ("suspensions_illegal_content",),
        ("users",),
        1e6,
        "Art. 23 suspensions for manifestly illegal content per million average monthly active recipients",
    ),
    "automated_detection_share": (
        ("own_initiative_illegal_automated", "own_initiative_tc_automated"),
        ("own_initiative_illegal", "own_initiative_tc"),
        1.0,
        "share of own-initiative measures taken after detection by solely automated means",
    ),
    "automated_decision_share": (
        ("measures_automated",),
        ("measures_automated", "measures_not_automated"),
        1.0,
        "share of moderation measures taken solely by automated means (table 8)",
    ),
}

PERIOD_LABELS = {date(2025, 7, 1): "H2 2025", date(2026, 1, 1): "H1 2026"}


def period_label(start: date | None) -> str:
    """``H2 2025`` for 2025-07-01, else the ISO date."""
    if start is None:
        return "unknown period"
    return PERIOD_LABELS.get(start, f"{'H1' if start.month < 7 else 'H2'} {start.year}")


def load(dataset: str = "transparency_marketplace_reports") -> pl.DataFrame:
    """Return the shipped tidy transparency dataset (checksum and schema checked by the catalog)."""
    from dsa_explore.data import catalog

    return catalog.load(dataset)


def _source_text(frame: pl.DataFrame) -> pl.Expr:
    return pl.concat_str([pl.col("source_file"), pl.lit(" line "), pl.col("line").cast(pl.String)])


def inputs(frame: pl.DataFrame) -> pl.DataFrame:
    """Return the published figures behind the ratios: one row per platform, period and input.

    The first row in file order is kept for each.

    Columns: platform, period_start, period, input, value, value_raw, flag, section, indicator,
    scope, source (``file line N``), source_url, origin. An input the report does not hold has no row.
    """
    keys = pl.DataFrame(
        [{"input": k, "section": s, "indicator": i, "scope": sc} for k, (s, i, sc) in INPUTS.items()],
        schema={"input": pl.String, "section": pl.Int64, "indicator": pl.String, "scope": pl.String},
    )
    rows = (
        frame.join(keys, on=["section", "indicator", "scope"], how="inner")
        .sort("platform", "period_start", "input", "source_file", "line")
        .group_by("platform", "period_start", "input", maintain_order=True)
        .first()
    )
    return rows.select(
        "platform",
        "period_start",
        pl.col("period_start").map_elements(period_label, return_dtype=pl.String).alias("period"),
        "input",
        "value",
        "value_raw",
        "flag",
        "section",
        "indicator",
        "scope",
        _source_text(rows).alias("source"),
        "source_url",
        "origin",
    )


def _total(names: tuple[str, ...]) -> pl.Expr:
    """Sum of inputs; a blank input counts as none, but the sum is null when every input is blank."""
    if len(names) == 1:
        return pl.col(names[0])
    return (
        pl.when(pl.all_horizontal(pl.col(n).is_null() for n in names))
        .then(None)
        .otherwise(pl.sum_horizontal(*names))
    )


def _ratio(num: tuple[str, ...], den: tuple[str, ...], scale: float) -> pl.Expr:
    n, d = _total(num), _total(den)
    return pl.when(n.is_null() | d.is_null() | (d == 0)).then(None).otherwise(n / d * scale)


def ratios(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per platform and period: the inputs, their sources, and the ratios an enforcer asks for.

    Every input of :data:`INPUTS` is a column with ``<input>_source`` (file and line) and
    ``<input>_url``; then ``moderators`` (internal + external, as reported, mostly FTE) and the
    ratios of :data:`RATIOS`. In a sum of inputs a blank input counts as none (Amazon leaves
    table 5 blank and reports every measure in table 6); a ratio is null when its numerator or
    denominator is wholly blank or the denominator is 0.
    """
    long = inputs(frame)
    wide = long.pivot("input", index=["platform", "period_start", "period"], values="value")
    src = long.pivot("input", index=["platform", "period_start"], values="source")
    url = long.pivot("input", index=["platform", "period_start"], values="source_url")
    for name in INPUTS:
        for f in (wide, src, url):
            if name not in f.columns:
                f.insert_column(f.width, pl.lit(None, pl.Float64 if f is wide else pl.String).alias(name))
    wide = wide.with_columns(_total(("moderators_internal", "moderators_external")).alias("moderators"))
    exprs = [_ratio(num, den, scale).alias(name) for name, (num, den, scale, _) in RATIOS.items()]
    wide = wide.with_columns(exprs)
    src = src.rename({n: f"{n}_source" for n in INPUTS})
    url = url.rename({n: f"{n}_url" for n in INPUTS})
    return (
        wide.join(src, on=["platform", "period_start"], how="left")
        .join(url, on=["platform", "period_start"], how="left")
        .sort("platform", "period_start")
    )


def median_time_by_category(frame: pl.DataFrame, categories: dict[str, str] | None = None) -> pl.DataFrame:
    """Return median hours to act on notices per category (table 4), with notices, actions and moderators.

    Columns: platform, period_start, period, category (label), code, notices, median_hours,
    actions_law, actions_tc, moderators, notices_per_moderator, median_hours_flag, source (file
    line of the table-4 row), source_url, moderators_source.
    """
    categories = categories or ENFORCER_CATEGORIES
    codes = pl.DataFrame({"category_label": list(categories), "code": list(categories.values())})
    t4 = frame.filter(
        (pl.col("section") == 4)
        & pl.col("scope").is_in(list(categories.values()))
        & (pl.col("category") == pl.col("scope"))
    ).filter(
        pl.col("indicator").is_in(["notices_received", "median_hours_to_action", "actions_law", "actions_tc"])
    )
    first = (
        t4.sort("platform", "period_start", "scope", "indicator", "source_file", "line")
        .group_by("platform", "period_start", "scope", "indicator", maintain_order=True)
        .first()
    )
    wide = first.pivot("indicator", index=["platform", "period_start", "scope"], values="value")
    meta = first.filter(pl.col("indicator") == "median_hours_to_action").select(
        "platform",
        "period_start",
        "scope",
        pl.col("flag").alias("median_hours_flag"),
        _source_text(first.filter(pl.col("indicator") == "median_hours_to_action")).alias("source"),
        "source_url",
    )
    for c in ("notices_received", "median_hours_to_action", "actions_law", "actions_tc"):
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(c))
    mods = ratios(frame).select(
        "platform",
        "period_start",
        "moderators",
        pl.concat_str(
            [pl.col("moderators_internal_source"), pl.lit(" + "), pl.col("moderators_external_source")]
        ).alias("moderators_source"),
    )
    out = (
        wide.join(meta, on=["platform", "period_start", "scope"], how="left")
        .join(codes, left_on="scope", right_on="code", how="inner")
        .join(mods, on=["platform", "period_start"], how="left")
    )
    return out.select(
        "platform",
        "period_start",
        pl.col("period_start").map_elements(period_label, return_dtype=pl.String).alias("period"),
        pl.col("category_label").alias("category"),
        pl.col("scope").alias("code"),
        pl.col("notices_received").alias("notices"),
        pl.col("median_hours_to_action").alias("median_hours"),
        "actions_law",
        "actions_tc",
        "moderators",
        (pl.col("notices_received") / pl.col("moderators")).alias("notices_per_moderator"),
        "median_hours_flag",
        "source",
        "source_url",
        "moderators_source",
    ).sort("platform", "period_start", "category")


# --------------------------------------------------------------------------------------------------------
# reports against the Transparency Database


@dataclass(frozen=True)
class Period:
    """A reporting half-year."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Days in the period, both ends included."""
        return (self.end - self.start).days + 1


REPORT_PERIODS = (Period(date(2025, 7, 1), date(2025, 12, 31)), Period(date(2026, 1, 1), date(2026, 6, 30)))
#: Platforms whose stated actions and database statements differ by more than this factor are listed.
DEFAULT_FACTOR = 3.0


def sor_counts(daily: pl.DataFrame, periods: tuple[Period, ...] = REPORT_PERIODS) -> pl.DataFrame:
    """Statements of reasons per platform and reporting period from daily SoR counts.

    ``daily`` has the shape of the shipped extract ``sor_marketplaces_daily`` (columns date,
    platform, measure, count, mean_days; the ``rows`` measure counts statements received per day)
    or of a user's store summarised per day. Returns platform, period_start, period_end, sors,
    days_covered (days of the period present in the data at all), days_in_period,
    mean_disclosure_days (count-weighted mean days from decision to database, when available).
    """
    out = []
    dates = daily.select(pl.col("date").unique())
    for p in periods:
        inside = daily.filter(pl.col("date").is_between(p.start, p.end))
        covered = dates.filter(pl.col("date").is_between(p.start, p.end)).height
        rows = (
            inside.filter(pl.col("measure") == "rows")
            .group_by("platform")
            .agg(pl.col("count").sum().alias("sors"))
        )
        delay = (
            inside.filter(pl.col("measure") == "disclosure_delay")
            .group_by("platform")
            .agg(
                ((pl.col("mean_days") * pl.col("count")).sum() / pl.col("count").sum()).alias(
                    "mean_disclosure_days"
                )
            )
        )
        out.append(
            rows.join(delay, on="platform", how="left").with_columns(
                pl.lit(p.start).alias("period_start"),
                pl.lit(p.end).alias("period_end"),
                pl.lit(covered).alias("days_covered"),
                pl.lit(p.days).alias("days_in_period"),
            )
        )
    schema = {
        "platform": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "sors": pl.Int64,
        "days_covered": pl.Int32,
        "days_in_period": pl.Int32,
        "mean_disclosure_days": pl.Float64,
    }
    if not out:
        return pl.DataFrame(schema=schema)
    return (
        pl.concat(out)
        .select(
            "platform",
            "period_start",
            "period_end",
            pl.col("sors").cast(pl.Int64),
            pl.col("days_covered").cast(pl.Int32),
            pl.col("days_in_period").cast(pl.Int32),
            pl.col("mean_disclosure_days").cast(pl.Float64),
        )
        .sort("platform", "period_start")
    )


def database_counts(store: str | None = None, periods: tuple[Period, ...] = REPORT_PERIODS) -> pl.DataFrame:
    """Return :func:`sor_counts` from the SoR view.

    The view is a user's store (``store`` or ``DSA_EXPLORE_SOR_STORE``) or else the shipped extract.
    """
    from dsa_explore.analysis import sor_view

    return sor_counts(sor_view.load(store).frame, periods)


def _reasons(row: dict, factor: float) -> str:
    """Return the likely reasons the two numbers differ, in words (scope, unit, late filings, coverage)."""
    out = []
    if row["sors"] is None:
        return "no statement of reasons in the database data for this platform and period"
    if row["stated_actions"] is None:
        return "the report states no action count (tables 4-6 blank or missing)"
    if row.get("own_initiative") is None:
        out.append(
            "not like for like: the own-initiative tables (5, 6) are not in the data for this report "
            "(compiled figures only), so the stated actions count notice-based actions only"
        )
    if row["days_covered"] < row["days_in_period"]:
        out.append(
            f"coverage: the database data cover {row['days_covered']} of {row['days_in_period']} days of "
            f"the period, so statements of the missing days are not counted"
        )
    ratio = row["ratio_db_to_report"]
    if ratio is not None and ratio > factor:
        out.append(
            "counting unit: the database holds one statement per decision on each item, where the report "
            "may count one measure for many items or listings; scope: statements also cover decisions the "
            "report's tables 4-6 do not count (e.g. automated restrictions under terms and conditions "
            "counted elsewhere or not at all)"
        )
    elif ratio is not None and ratio < 1 / factor:
        out.append(
            "scope: Art. 17 statements are owed only for restrictions of information a recipient provided, "
            "not for every measure in tables 5-6; late or missing filings: decisions not (yet) sent to the "
            "database; counting unit: one statement may cover a measure the report counts per item"
        )
    else:
        out.append(
            f"within a factor of {factor:g}: the remaining gap fits differences of counting unit and timing"
        )
    if (d := row.get("mean_disclosure_days")) is not None and d > 7:
        out.append(
            f"late filings: statements reach the database {d:.0f} days after the decision on average, "
            f"which moves statements across period boundaries"
        )
    return "; ".join(out)


def report_vs_database(
    frame: pl.DataFrame, sors: pl.DataFrame, *, factor: float = DEFAULT_FACTOR
) -> pl.DataFrame:
    """Actions each report states next to the statements of reasons the database holds for the same period.

    ``stated_actions`` = notice-based actions (table 4: on the basis of the law + of the terms
    and conditions) + own-initiative measures (tables 5 and 6), all TOTAL rows; ``sors`` from
    :func:`sor_counts`. Columns: platform, period_start, period, notice_actions, own_initiative,
    stated_actions, sors, difference (sors - stated), ratio_db_to_report, differs_by_factor
    (ratio above ``factor`` or below 1/``factor``), factor, days_covered, days_in_period,
    mean_disclosure_days, likely_reasons, report_sources.
    """
    r = ratios(frame)
    stated = r.select(
        "platform",
        "period_start",
        "period",
        _total(("notice_actions_law", "notice_actions_tc")).alias("notice_actions"),
        _total(("own_initiative_illegal", "own_initiative_tc")).alias("own_initiative"),
        _total(
            ("notice_actions_law", "notice_actions_tc", "own_initiative_illegal", "own_initiative_tc")
        ).alias("stated_actions"),
        pl.concat_str(
            [
                pl.col(f"{c}_source")
                for c in (
                    "notice_actions_law",
                    "notice_actions_tc",
                    "own_initiative_illegal",
                    "own_initiative_tc",
                )
            ],
            separator="; ",
            ignore_nulls=True,
        ).alias("report_sources"),
    )
    coverage = sors.group_by("period_start").agg(pl.col("days_covered").max(), pl.col("days_in_period").max())
    joined = (
        (
            stated.join(
                sors.drop("period_end", "days_covered", "days_in_period"),
                on=["platform", "period_start"],
                how="left",
            ).join(coverage, on="period_start", how="left")
        )
        .with_columns(
            (pl.col("sors") - pl.col("stated_actions")).alias("difference"),
            pl.when(pl.col("stated_actions") > 0)
            .then(pl.col("sors") / pl.col("stated_actions"))
            .alias("ratio_db_to_report"),
            pl.lit(factor).alias("factor"),
        )
        .with_columns(
            ((pl.col("ratio_db_to_report") > factor) | (pl.col("ratio_db_to_report") < 1 / factor))
            .fill_null(False)
            .alias("differs_by_factor")
        )
    )
    reasons = [_reasons(row, factor) for row in joined.iter_rows(named=True)]
    return (
        joined.with_columns(pl.Series("likely_reasons", reasons, dtype=pl.String))
        .select(
            "platform",
            "period_start",
            "period",
            "notice_actions",
            "own_initiative",
            "stated_actions",
            "sors",
            "difference",
            "ratio_db_to_report",
            "differs_by_factor",
            "factor",
            "days_covered",
            "days_in_period",
            "mean_disclosure_days",
            "likely_reasons",
            "report_sources",
        )
        .sort("platform", "period_start")
    )


def differing_platforms(table: pl.DataFrame) -> pl.DataFrame:
    """Return the rows of :func:`report_vs_database` whose two numbers differ by more than the factor."""
    return table.filter(pl.col("differs_by_factor"))


# --------------------------------------------------------------------------------------------------------
# answers in words (for the notebook and the briefing)


def _n(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def _pick_row(frame: pl.DataFrame, platform: str, period: str, **eq: str) -> dict | None:
    cond = (pl.col("platform") == platform) & (pl.col("period") == period)
    for k, v in eq.items():
        cond &= pl.col(k) == v
    rows = frame.filter(cond)
    return rows.row(0, named=True) if rows.height else None


def speed_sentence(
    median: pl.DataFrame,
    platform: str = "AliExpress",
    period: str = "H2 2025",
    category: str = "Illegal or unsafe products",
) -> str:
    """One sentence: the median hours the platform took to act on notices of ``category``, with its source."""
    r = _pick_row(median, platform, period, category=category)
    if r is None or r["median_hours"] is None:
        return f"{platform} reports no median time to act on notices of this category for {period}."
    others = median.filter(
        (pl.col("period") == period)
        & (pl.col("category") == category)
        & (pl.col("platform") != platform)
        & pl.col("median_hours").is_not_null()
    )
    faster = others.filter(pl.col("median_hours") < r["median_hours"])["platform"].sort().to_list()
    return (
        f"{platform} reports a median of {_n(r['median_hours'], 1)} hours to act on the {_n(r['notices'])} "
        f"notices about {category.lower()} it received in {period} ({r['source']}), with "
        f"{_n(r['moderators'])} moderators in all; "
        + (
            f"{faster[0]} reports a shorter median."
            if len(faster) == 1
            else f"{', '.join(faster)} report shorter medians."
            if faster
            else f"none of the other {others.height} marketplaces with a figure reports a shorter median."
        )
    )


def reversal_sentence(ratios_: pl.DataFrame, platform: str = "AliExpress", period: str = "H2 2025") -> str:
    """One sentence: complaints, reversals and their share, with sources."""
    r = _pick_row(ratios_, platform, period)
    if r is None or r["share_reversed"] is None:
        return f"{platform} reports no complaint outcomes for {period}."
    return (
        f"Of the {_n(r['complaints'])} internal complaints {platform} received in {period} "
        f"({r['complaints_source']}), {_n(r['complaints_reversed'])} ended with the decision reversed "
        f"({r['complaints_reversed_source']}): {r['share_reversed']:.1%}."
    )


def suspension_sentence(ratios_: pl.DataFrame, platform: str = "AliExpress", period: str = "H2 2025") -> str:
    """Return one sentence: Art. 23 suspensions for manifestly illegal content, per million users, sourced."""
    r = _pick_row(ratios_, platform, period)
    if r is None or r["suspensions_illegal_content"] is None:
        return f"{platform} reports no Art. 23 suspensions figure for {period}."
    per = r["suspensions_per_million_users"]
    return (
        f"{platform} reports {_n(r['suspensions_illegal_content'])} suspensions of recipients who frequently "
        f"provided manifestly illegal content in {period} ({r['suspensions_illegal_content_source']}), "
        f"{_n(per, 1)} per million of its {_n(r['users'])} average monthly users ({r['users_source']})."
    )


def comparison_table(ratios_: pl.DataFrame, period: str = "H2 2025") -> pl.DataFrame:
    """Return the headline ratios of every marketplace for one period (no source columns), by platform."""
    return (
        ratios_.filter(pl.col("period") == period)
        .select(
            "platform",
            "moderators",
            "notices",
            "notices_per_moderator",
            "own_initiative_per_moderator",
            "share_reversed",
            "suspensions_per_million_users",
            "automated_detection_share",
            "accuracy",
        )
        .sort("platform")
    )
