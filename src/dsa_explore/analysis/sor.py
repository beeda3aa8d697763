"""Marketplaces' statements of reasons over time, from the whole-database daily statistics.

The Commission publishes every statement of reason (SoR) of the DSA Transparency Database
as daily dumps (CC BY 4.0, https://doi.org/10.2906/134353607485211). The ``shantay`` tool
(PyPI ``shantay==0.6.0``, Apache-2.0) computed daily summary statistics of *every* dump from
2023-09-25 to 2026-01-10 and publishes them in its package (``shantay/builtin.parquet``,
4.4 M rows in a long, "non-tidy" layout). This module

* derives from that file a small, tidy, documented extract for marketplaces
  (:func:`build_extract`; shipped as ``data/tdb/sor-marketplaces-daily.parquet``, catalog
  name ``sor_marketplaces_daily``), with platform renames and the v1→v2 category/keyword
  taxonomy break (2025-07-01) harmonised by :mod:`dsa_explore.sor.taxonomy`;
* loads it through the catalog (checksum and schema checked) and answers the notebook's
  questions with pure functions on polars frames (volumes, category mix, automation,
  delays, decision types, territorial scope, SoRs per reported moderator, SoRs against the
  platforms' own reported numbers of actions);
* feeds the briefing section :mod:`dsa_explore.briefing.sections.sor`.

The extract, one row per (day, platform, measure, variant)::

    date                Date    the daily release (SoRs received that UTC day)
    platform            String  canonical platform name (project spelling, e.g. "Amazon Store", "SHEIN")
    platform_published  String  the name the TDB published that day (e.g. "Amazon" before the rename)
    measure             String  see MEASURES
    variant             String  the enum value counted (null: the field was empty; always null for
                                ``rows`` and delay measures)
    count               Int64   number of SoRs (list measures: number of list elements)
    min_days, mean_days, max_days  Float64  delay measures only: over the SoRs with a
                                non-negative delay, in days (the TDB has day granularity for
                                content/application dates; created_at has seconds; the source
                                stores daily means as whole seconds, truncated)

Rebuild it (the source file is not shipped; the first command downloads it once from PyPI, checks
its sha256 and caches it, see :mod:`dsa_explore.data.sources`)::

    dsa-explore data fetch sor_marketplaces_daily
    dsa-explore data build sor_marketplaces_daily      # or: --source builtin.parquet
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from dsa_explore.data import catalog, sources
from dsa_explore.data.builds import Build
from dsa_explore.sor import taxonomy

#: Catalog names of the shipped datasets this module reads.
EXTRACT_DATASET = "sor_marketplaces_daily"
REPORTED_DATASET = "sor_reported_actions_h2_2025"
#: Published whole-period totals the extract is checked against.
PUBLISHED_TOTALS_DATASET = "sor_published_totals"
#: The project's tidy transparency-report dataset (built by ``dsa_explore.readers.transparency``),
#: used when present.
TRANSPARENCY_DATASET = "transparency_marketplace_reports"

#: sha256 of the source file the shipped extract was built from (shantay 0.6.0 builtin.parquet).
SOURCE_SHA256 = sources.SHANTAY_BUILTIN.member_sha256
SOURCE_DOI = "https://doi.org/10.2906/134353607485211"

#: Platforms kept in the extract, as published in the TDB (before canonicalisation):
#: the marketplace VLOPs, other EU marketplaces with SoRs, and the comparison platforms
#: the project briefs on (Google Shopping, app stores, Booking.com).
PUBLISHED_PLATFORMS: tuple[str, ...] = (
    "AliExpress",
    "Amazon",
    "Amazon Store",
    "Temu",
    "Shein",
    "Zalando",
    "eBay",
    "Joom",
    "Vinted",
    "Wallapop",
    "Miravia",
    "OTTO",
    "Kleinanzeigen",
    "leboncoin",
    "Cdiscount",
    "ManoMano",
    "EMAG.RO",
    "EMAG.BG",
    "EMAG.HU",
    "bol.com",
    "Trendyol",
    "Trendyol B.V.",
    "Back Market",
    "Catawiki",
    "Rakuten",
    "Conrad",
    "Fashiondays.ro",
    "Idealo",
    "Google Shopping",
    "App Store",
    "Google Play",
    "Booking.com",
)

#: Platforms shown by default in charts and the briefing's explorer (canonical names): the marketplace
#: VLOPs, the other large marketplaces with SoRs, and Google Shopping for scale.
FOCUS_PLATFORMS: tuple[str, ...] = (
    "AliExpress",
    "Amazon Store",
    "Temu",
    "SHEIN",
    "Zalando",
    "eBay",
    "Joom",
    "Vinted",
    "Wallapop",
    "Miravia",
    "OTTO",
    "Google Shopping",
)

#: Where the project spells a platform differently from the TDB after :func:`taxonomy.canonical_platform`
#: (which already gives "SHEIN" for "Shein"): the theme's name for Apple's store.
PROJECT_SPELLING = {"App Store": "Apple App Store"}

#: measure -> (source column, how it is read). Documented in the provenance record too.
MEASURES: dict[str, str] = {
    "rows": "number of SoRs received that day",
    "category": "statement category as published (v1 before 2025-07-01, v2 after)",
    "category_v2": "statement category mapped to the v2 taxonomy (official v1→v2 mapping)",
    "keyword": "category_specification keywords as published (list elements)",
    "keyword_v2": "keywords mapped to the v2 taxonomy (list elements)",
    "automated_decision": "AUTOMATED_DECISION_FULLY / _PARTIALLY / _NOT_AUTOMATED",
    "automated_detection": "Yes / No",
    "decision_type": "combination of decision families: vis, mon, pro, acc, vis_pro, ... (shantay)",
    "decision_visibility": "visibility restrictions (list elements)",
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT / _INCOMPATIBLE_CONTENT",
    "source_type": "SOURCE_ARTICLE_16 / _TRUSTED_FLAGGER / _TYPE_OTHER_NOTIFICATION / _VOLUNTARY",
    "account_type": "ACCOUNT_TYPE_BUSINESS / _PRIVATE",
    "content_type": "content types (list elements)",
    "territorial_scope": "territorial scope elements: EU / EEA / EEA_no_IS aliases or country codes",
    "territorial_scope_kind": "SoRs per scope kind: EU, EEA, EEA_no_IS, other list, none",
    "moderation_delay": "application_date − content_date over SoRs with a non-negative delay",
    "moderation_delay_negative": "SoRs whose content_date is after application_date (excluded above)",
    "disclosure_delay": "created_at − application_date over SoRs with a non-negative delay",
    "disclosure_delay_negative": "SoRs whose application_date is after created_at (excluded above)",
}

#: Enum columns of the source copied as (measure, variant) counts.
_ENUM_COLUMNS = (
    "category",
    "automated_decision",
    "automated_detection",
    "decision_ground",
    "source_type",
    "account_type",
    "content_type",
    "territorial_scope",
    "decision_visibility",
)
_DELAY_COLUMNS = ("moderation_delay", "disclosure_delay")
_SCOPE_ALIASES = ("EU", "EEA", "EEA_no_IS")

EXTRACT_SCHEMA: dict[str, pl.DataType] = {
    "date": pl.Date(),
    "platform": pl.String(),
    "platform_published": pl.String(),
    "measure": pl.String(),
    "variant": pl.String(),
    "count": pl.Int64(),
    "min_days": pl.Float64(),
    "mean_days": pl.Float64(),
    "max_days": pl.Float64(),
}

#: The reporting period the platforms' transparency reports cover (H2 2025).
H2_2025 = (date(2025, 7, 1), date(2025, 12, 31))


# --------------------------------------------------------------------------- build the extract


def project_platform_name(published: str) -> str:
    """Return the project's name for a platform name as published in the TDB ("Amazon" -> "Amazon Store")."""
    canonical = taxonomy.canonical_platform(published)
    return PROJECT_SPELLING.get(canonical, canonical)


def _map_values(values: pl.Series, fn) -> dict[str, str | None]:
    return {v: fn(v) for v in values.drop_nulls().unique().sort().to_list()}


def build_extract(source: Path | str, out: Path | str | None = None) -> pl.DataFrame:
    """Derive the marketplace extract from the whole-database daily statistics.

    Parameters
    ----------
    source
        ``tdb-daily-statistics-2023-09-25_2026-01-10.parquet`` (shantay 0.6.0 ``builtin.parquet``).
    out
        Where to write the Parquet extract; not written when None.

    Returns
    -------
    The extract (schema :data:`EXTRACT_SCHEMA`), sorted by date, platform, measure, variant.
    Zero counts are left out (they carry no information); every non-zero statistic of the
    kept platforms for the kept columns is in it.
    """
    tax = taxonomy
    stats = (
        pl.scan_parquet(source)
        .filter(pl.col("platform").cast(pl.String).is_in(PUBLISHED_PLATFORMS), pl.col("tag").is_null())
        .with_columns(pl.col(c).cast(pl.String) for c in ("platform", "column", "entity", "variant"))
        .rename({"start_date": "date", "platform": "platform_published"})
        .collect()
    )
    days_check = stats.filter(pl.col("date") != pl.col("end_date"))
    if days_check.height:
        raise ValueError(
            f"{source}: {days_check.height} rows are not daily (start_date != end_date), "
            f"e.g. {days_check.row(0, named=True)}; expected daily releases only"
        )
    keys = ["date", "platform_published"]
    counted = []
    col, ent, var = pl.col("column"), pl.col("entity"), pl.col("variant")
    counted.append(
        stats.filter(col == "rows", ent.is_null()).select(
            *keys, measure=pl.lit("rows"), variant=pl.lit(None, pl.String), count="count"
        )
    )
    counted.append(
        stats.filter(col.is_in(_ENUM_COLUMNS), ent.is_null()).select(
            *keys, measure="column", variant="variant", count="count"
        )
    )
    counted.append(
        stats.filter(col == "category_specification", ent.is_null(), var.is_not_null()).select(
            *keys, measure=pl.lit("keyword"), variant="variant", count="count"
        )
    )
    counted.append(
        stats.filter(col == "decision_type", ent.is_not_null()).select(
            *keys, measure=pl.lit("decision_type"), variant="entity", count="count"
        )
    )
    for delay in _DELAY_COLUMNS:
        counted.append(
            stats.filter(col == delay, ent == "null_bc_negative").select(
                *keys, measure=pl.lit(f"{delay}_negative"), variant=pl.lit(None, pl.String), count="count"
            )
        )
    counts = (
        pl.concat(counted)
        .group_by(*keys, "measure", "variant")
        .agg(pl.col("count").sum())
        .filter(pl.col("count") > 0)
    )

    # v1 -> v2 harmonisation of categories and keywords (the source has both vocabularies).
    # Values outside the official vocabularies fail loudly rather than pass through unmapped.
    for measure, known in (("category", tax.CATEGORIES), ("keyword", tax.KEYWORDS)):
        seen = set(counts.filter(pl.col("measure") == measure)["variant"].drop_nulls().to_list())
        unknown = sorted(seen - set(known))
        if unknown:
            raise ValueError(
                f"{source}: column {measure!r} has values outside the v1/v2 taxonomy: {unknown}; "
                "expected values of dsa_explore.sor.taxonomy (update its mapping data)"
            )
    cat_map = _map_values(counts.filter(pl.col("measure") == "category")["variant"], tax.category_v2)
    kw_map = _map_values(counts.filter(pl.col("measure") == "keyword")["variant"], tax.keyword_v2)
    harmonised = [
        counts.filter(pl.col("measure") == "category").with_columns(
            measure=pl.lit("category_v2"), variant=pl.col("variant").replace_strict(cat_map, default=None)
        ),
        counts.filter(pl.col("measure") == "keyword").with_columns(
            measure=pl.lit("keyword_v2"), variant=pl.col("variant").replace_strict(kw_map, default=None)
        ),
    ]
    harmonised = [f.group_by(*keys, "measure", "variant").agg(pl.col("count").sum()) for f in harmonised]

    # Territorial scope kind per SoR: aliases are counted once per SoR; other lists are the rest.
    rows = counts.filter(pl.col("measure") == "rows").select(*keys, rows="count")
    with_scope = (
        stats.filter(col == "territorial_scope", ent == "rows_with_elements")
        .group_by(keys)
        .agg(with_scope=pl.col("count").sum())
    )
    aliases = counts.filter(
        pl.col("measure") == "territorial_scope", pl.col("variant").is_in(_SCOPE_ALIASES)
    ).select(*keys, "variant", "count")
    alias_rows = aliases.group_by(keys).agg(alias=pl.col("count").sum())
    kinds = (
        rows.join(with_scope, on=keys, how="left")
        .join(alias_rows, on=keys, how="left")
        .with_columns(pl.col("with_scope", "alias").fill_null(0))
        .with_columns(
            other=pl.col("with_scope") - pl.col("alias"), none=pl.col("rows") - pl.col("with_scope")
        )
    )
    bad = kinds.filter((pl.col("other") < 0) | (pl.col("none") < 0))
    if bad.height:
        raise ValueError(
            f"{source}: territorial_scope counts inconsistent for {bad.height} platform-days, "
            f"e.g. {bad.row(0, named=True)}; expected alias rows <= rows with a scope <= rows"
        )
    scope_kind = (
        pl.concat(
            [
                aliases,
                kinds.select(*keys, variant=pl.lit("other list"), count="other"),
                kinds.select(*keys, variant=pl.lit("none"), count="none"),
            ]
        )
        .with_columns(measure=pl.lit("territorial_scope_kind"))
        .filter(pl.col("count") > 0)
    )

    delays = (
        stats.filter(col.is_in(_DELAY_COLUMNS), ent.is_null())
        .group_by(*keys, "column")
        .agg(
            count=pl.col("count").sum(),
            min_s=pl.col("min").min(),
            max_s=pl.col("max").max(),
            sum_s=(pl.col("mean").cast(pl.Float64) * pl.col("count")).sum(),
        )
        .filter(pl.col("count") > 0)
        .select(
            *keys,
            measure="column",
            variant=pl.lit(None, pl.String),
            count="count",
            min_days=pl.col("min_s") / 86400,
            mean_days=pl.col("sum_s") / pl.col("count") / 86400,
            max_days=pl.col("max_s") / 86400,
        )
    )

    frame = pl.concat(
        [
            *(
                f.select(*keys, "measure", pl.col("variant").cast(pl.String), "count")
                for f in (counts, *harmonised, scope_kind.select(*keys, "measure", "variant", "count"))
            ),
        ],
        how="vertical",
    )
    names = _map_values(frame["platform_published"], project_platform_name)
    frame = (
        pl.concat([frame, delays], how="diagonal_relaxed")
        .with_columns(platform=pl.col("platform_published").replace_strict(names))
        .select({c: pl.col(c).cast(t) for c, t in EXTRACT_SCHEMA.items()}.values())
        .sort("date", "platform", "measure", "variant", nulls_last=True)
    )
    dup = frame.select("date", "platform_published", "measure", "variant").is_duplicated()
    if dup.any():
        raise ValueError(
            f"{source}: the extract would repeat {dup.sum()} (date, platform, measure, variant) keys, "
            f"e.g. {frame.filter(dup).row(0, named=True)}; expected one row per key"
        )
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(out, compression="zstd", compression_level=19, statistics=False)
    return frame


def _used_expr() -> pl.Expr:
    col, ent, var = pl.col("column"), pl.col("entity"), pl.col("variant")
    return (
        ((col == "rows") & ent.is_null())
        | (col.is_in(_ENUM_COLUMNS) & ent.is_null())
        | ((col == "category_specification") & ent.is_null() & var.is_not_null())
        | ((col == "decision_type") & ent.is_not_null())
        | (col.is_in(_DELAY_COLUMNS) & (ent.is_null() | (ent == "null_bc_negative")))
        | ((col == "territorial_scope") & (ent == "rows_with_elements"))
    )


def source_account(source: Path | str) -> pl.DataFrame:
    """Account for every row of the source statistics: used by the extract, or left out and why.

    Columns: reason, column, rows (source statistic rows). Reasons: ``used``, ``used (zero
    count, not stored)``, ``other platform`` (not in :data:`PUBLISHED_PLATFORMS`), ``database-wide
    row`` (no platform: release bookkeeping), ``statistic not extracted`` (free text, restriction
    durations, end dates, list lengths, languages, ...). The rows add up to the source's rows.
    """
    stats = pl.scan_parquet(source).with_columns(
        pl.col(c).cast(pl.String) for c in ("platform", "column", "entity", "variant")
    )
    reason = (
        pl.when(pl.col("platform").is_null())
        .then(pl.lit("database-wide row"))
        .when(~pl.col("platform").is_in(PUBLISHED_PLATFORMS))
        .then(pl.lit("other platform"))
        .when(pl.col("tag").is_not_null())
        .then(pl.lit("statistic not extracted"))
        .when(_used_expr() & (pl.col("count") > 0))
        .then(pl.lit("used"))
        .when(_used_expr())
        .then(pl.lit("used (zero count, not stored)"))
        .otherwise(pl.lit("statistic not extracted"))
    )
    return (
        stats.group_by(reason.alias("reason"), "column")
        .agg(rows=pl.len())
        .collect()
        .sort("reason", "rows", descending=[False, True])
    )


# --------------------------------------------------------------------------- load and query


def load_extract() -> pl.DataFrame:
    """Return the shipped marketplace extract (checksum and schema checked by the catalog)."""
    return catalog.load(EXTRACT_DATASET)


def load_reported() -> pl.DataFrame:
    """Return the platforms' own H2 2025 figures (moderators, actions) shipped with their source URLs."""
    return catalog.load(REPORTED_DATASET)


def _between(frame: pl.DataFrame, since: date | None, until: date | None) -> pl.DataFrame:
    if since is not None:
        frame = frame.filter(pl.col("date") >= since)
    if until is not None:
        frame = frame.filter(pl.col("date") <= until)
    return frame


def _platforms(frame: pl.DataFrame, names) -> pl.DataFrame:
    if names is None:
        return frame
    if isinstance(names, str):
        names = [names]
    return frame.filter(pl.col("platform").is_in(list(names)))


def platform_totals(
    extract: pl.DataFrame,
    *,
    since: date | None = None,
    until: date | None = None,
    by_published_name: bool = False,
) -> pl.DataFrame:
    """Return SoRs per platform (first day, last day, days with SoRs, total), largest first."""
    key = "platform_published" if by_published_name else "platform"
    return (
        _between(extract.filter(pl.col("measure") == "rows"), since, until)
        .group_by(key)
        .agg(
            first_day=pl.col("date").min(),
            last_day=pl.col("date").max(),
            days=pl.col("date").n_unique(),
            sors=pl.col("count").sum(),
        )
        .sort("sors", key, descending=[True, False])
    )


def volumes(
    extract: pl.DataFrame,
    every: str = "1w",
    *,
    platforms: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> pl.DataFrame:
    """Return SoRs per platform and period (``every``: "1d", "1w" weeks from Monday, "1mo").

    Columns: period (Date, the period's first day), platform, sors, days (days with SoRs),
    sors_per_day (over the days in the period with SoRs).
    """
    rows = _platforms(_between(extract.filter(pl.col("measure") == "rows"), since, until), platforms)
    return (
        rows.with_columns(period=pl.col("date").dt.truncate(every))
        .group_by("period", "platform")
        .agg(sors=pl.col("count").sum(), days=pl.col("date").n_unique())
        .with_columns(sors_per_day=pl.col("sors") / pl.col("days"))
        .sort("platform", "period")
    )


def shares(
    extract: pl.DataFrame,
    measure: str,
    *,
    by: tuple[str, ...] = ("platform",),
    since: date | None = None,
    until: date | None = None,
    platforms: list[str] | None = None,
    every: str | None = None,
) -> pl.DataFrame:
    """Return counts and shares of the variants of ``measure`` within each group of ``by``.

    Shares are count / total of the group (for list measures, of the elements). With
    ``every`` a ``period`` column (truncated date) is added to the groups.
    """
    if measure not in MEASURES:
        raise KeyError(f"unknown measure {measure!r}; known measures: {', '.join(MEASURES)}")
    frame = _platforms(_between(extract.filter(pl.col("measure") == measure), since, until), platforms)
    groups = list(by)
    if every:
        frame = frame.with_columns(period=pl.col("date").dt.truncate(every))
        groups.append("period")
    out = (
        frame.with_columns(pl.col("variant").fill_null("(empty)"))
        .group_by(*groups, "variant")
        .agg(pl.col("count").sum())
        .with_columns(share=pl.col("count") / pl.col("count").sum().over(groups))
    )
    return out.sort(*groups, "count", "variant", descending=[False] * len(groups) + [True, False])


def category_mix(
    extract: pl.DataFrame,
    *,
    platforms: list[str] | None = None,
    every: str = "1mo",
    since: date | None = None,
    until: date | None = None,
) -> pl.DataFrame:
    """Return category shares per platform and period, as published and harmonised to v2, stacked.

    Columns: platform, period, taxonomy ("as published" / "harmonised to v2"), variant, count, share.
    """
    parts = []
    for measure, view in (("category", "as published"), ("category_v2", "harmonised to v2")):
        parts.append(
            shares(extract, measure, platforms=platforms, every=every, since=since, until=until).with_columns(
                taxonomy=pl.lit(view)
            )
        )
    return pl.concat(parts).select("platform", "period", "taxonomy", "variant", "count", "share")


AUTOMATION_LABELS = {
    "AUTOMATED_DECISION_FULLY": "fully automated",
    "AUTOMATED_DECISION_PARTIALLY": "partially automated",
    "AUTOMATED_DECISION_NOT_AUTOMATED": "not automated",
}


def automation(
    extract: pl.DataFrame,
    *,
    since: date | None = None,
    until: date | None = None,
    platforms: list[str] | None = None,
) -> pl.DataFrame:
    """Return per platform the shares of fully, partially and not automated decisions and automated detection.

    Columns: platform, sors, fully, partially, not_automated, automated_detection (shares of SoRs).
    """
    dec = shares(extract, "automated_decision", since=since, until=until, platforms=platforms)
    det = shares(extract, "automated_detection", since=since, until=until, platforms=platforms)
    wide = dec.with_columns(
        pl.col("variant").replace_strict(
            {
                "AUTOMATED_DECISION_FULLY": "fully",
                "AUTOMATED_DECISION_PARTIALLY": "partially",
                "AUTOMATED_DECISION_NOT_AUTOMATED": "not_automated",
            },
            default="other",
        )
    ).pivot(on="variant", index="platform", values="share", aggregate_function="sum")
    for c in ("fully", "partially", "not_automated"):
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(c))
    detection = det.filter(pl.col("variant") == "Yes").select("platform", automated_detection="share")
    sors = platform_totals(extract, since=since, until=until).select("platform", "sors")
    return (
        sors.join(wide.select("platform", "fully", "partially", "not_automated"), on="platform", how="inner")
        .join(detection, on="platform", how="left")
        .with_columns(pl.col("fully", "partially", "not_automated", "automated_detection").fill_null(0.0))
        .sort("sors", "platform", descending=[True, False])
    )


def keyword_use(
    extract: pl.DataFrame,
    *,
    since: date | None = None,
    until: date | None = None,
    platforms: list[str] | None = None,
) -> pl.DataFrame:
    """Return per platform how many keywords (``category_specification``) its SoRs carry.

    Keywords say what a decision is about within its category (``KEYWORD_UNSAFE_PRODUCTS``,
    ``KEYWORD_TRADEMARK_INFRINGEMENT``, ``KEYWORD_PROHIBITED_PRODUCTS``...); they are optional.
    Columns: platform, sors, keywords (keyword elements as published, a SoR can carry several),
    keywords_per_100_sors, kinds (distinct v2 keywords), first_day and last_day with a keyword
    (null when none). Platforms with SoRs but no keyword at all have ``keywords`` 0.
    """
    sors = platform_totals(_platforms(extract, platforms), since=since, until=until).select(
        "platform", "sors"
    )
    kw = _platforms(_between(extract.filter(pl.col("measure") == "keyword"), since, until), platforms)
    kinds = _platforms(_between(extract.filter(pl.col("measure") == "keyword_v2"), since, until), platforms)
    used = (
        kw.group_by("platform")
        .agg(keywords=pl.col("count").sum(), first_day=pl.col("date").min(), last_day=pl.col("date").max())
        .join(
            kinds.group_by("platform").agg(kinds=pl.col("variant").drop_nulls().n_unique()),
            on="platform",
            how="left",
        )
    )
    return (
        sors.join(used, on="platform", how="left")
        .with_columns(pl.col("keywords").fill_null(0), pl.col("kinds").fill_null(0).cast(pl.UInt32))
        .with_columns(keywords_per_100_sors=100 * pl.col("keywords") / pl.col("sors"))
        .select("platform", "sors", "keywords", "keywords_per_100_sors", "kinds", "first_day", "last_day")
        .sort("sors", "platform", descending=[True, False])
    )


def delays(
    extract: pl.DataFrame,
    measure: str = "moderation_delay",
    *,
    since: date | None = None,
    until: date | None = None,
    platforms: list[str] | None = None,
    every: str | None = None,
) -> pl.DataFrame:
    """Return the mean, min and max delay (days) per platform, with the count of negative delays.

    The mean is weighted by the daily counts; SoRs with a negative delay (e.g. content_date
    after application_date) are excluded from the mean and counted in ``negative``.
    Columns: platform, [period,] sors_with_delay, mean_days, min_days, max_days, negative, negative_share.
    """
    if measure not in _DELAY_COLUMNS:
        raise KeyError(f"unknown delay {measure!r}; expected one of {_DELAY_COLUMNS}")
    frame = _platforms(_between(extract, since, until), platforms)
    groups = ["platform"]
    if every:
        frame = frame.with_columns(period=pl.col("date").dt.truncate(every))
        groups.append("period")
    pos = (
        frame.filter(pl.col("measure") == measure)
        .group_by(groups)
        .agg(
            sors_with_delay=pl.col("count").sum(),
            mean_days=(pl.col("mean_days") * pl.col("count")).sum() / pl.col("count").sum(),
            min_days=pl.col("min_days").min(),
            max_days=pl.col("max_days").max(),
        )
    )
    neg = (
        frame.filter(pl.col("measure") == f"{measure}_negative")
        .group_by(groups)
        .agg(negative=pl.col("count").sum())
    )
    return (
        pos.join(neg, on=groups, how="full", coalesce=True)
        .with_columns(pl.col("sors_with_delay", "negative").fill_null(0))
        .with_columns(negative_share=pl.col("negative") / (pl.col("negative") + pl.col("sors_with_delay")))
        .sort(groups)
    )


def platform_profile(
    extract: pl.DataFrame,
    platform: str,
    *,
    since: date | None = None,
    until: date | None = None,
    every: str = "1mo",
) -> pl.DataFrame:
    """Return one platform's SoRs per period with its automation shares and mean moderation delay.

    The table behind the notebook's explorer widget. Columns: period, sors, sors_per_day,
    fully_automated, automated_detection, mean_moderation_delay_days, negative_delays.
    """
    vol = volumes(extract, every, platforms=[platform], since=since, until=until).select(
        "period", "sors", "sors_per_day"
    )
    dec = (
        shares(extract, "automated_decision", platforms=[platform], since=since, until=until, every=every)
        .filter(pl.col("variant") == "AUTOMATED_DECISION_FULLY")
        .select("period", fully_automated="share")
    )
    det = (
        shares(extract, "automated_detection", platforms=[platform], since=since, until=until, every=every)
        .filter(pl.col("variant") == "Yes")
        .select("period", automated_detection="share")
    )
    dl = delays(extract, platforms=[platform], since=since, until=until, every=every).select(
        "period", mean_moderation_delay_days="mean_days", negative_delays="negative"
    )
    return (
        vol.join(dec, on="period", how="left")
        .join(det, on="period", how="left")
        .join(dl, on="period", how="left")
        .with_columns(
            pl.col("fully_automated", "automated_detection").fill_null(0.0),
            pl.col("negative_delays").fill_null(0),
        )
        .sort("period")
    )


# --------------------------------------------------------------------------- against the platforms' reports


def month_end(month_start: date) -> date:
    """Return the last day of the month that starts on ``month_start``."""
    from datetime import timedelta

    nxt = date(month_start.year + (month_start.month == 12), month_start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def moderators_from_transparency(reports: pl.DataFrame) -> pl.DataFrame:
    """Return H2 2025 moderators per platform from the tidy transparency-report frame.

    ``reports`` has the schema of the catalog dataset ``transparency_marketplace_reports``
    (indicators ``moderators_internal`` / ``moderators_external``, scope ``TOTAL``).
    Columns: platform, internal, external, moderators, source_url, dataset.
    """
    picked = (
        reports.filter(
            pl.col("indicator").is_in(["moderators_internal", "moderators_external"]),
            pl.col("scope") == "TOTAL",
            pl.col("period_start") == H2_2025[0],
            pl.col("period_end") == H2_2025[1],
            pl.col("value").is_not_null(),
        )
        .group_by("platform", "indicator")
        .agg(pl.col("value").first(), pl.col("source_url").drop_nulls().first(), pl.len())
    )
    repeated = picked.filter(pl.col("len") > 1)
    if repeated.height:
        # several rows for one figure: they must agree, or the choice would be arbitrary
        values = (
            reports.filter(
                pl.col("indicator").is_in(["moderators_internal", "moderators_external"]),
                pl.col("scope") == "TOTAL",
                pl.col("period_start") == H2_2025[0],
            )
            .group_by("platform", "indicator")
            .agg(pl.col("value").n_unique())
            .filter(pl.col("value") > 1)
        )
        if values.height:
            raise ValueError(
                f"dataset {TRANSPARENCY_DATASET}: conflicting H2 2025 moderator figures for "
                f"{values.rows()}; expected one value per platform and indicator"
            )
    wide = picked.pivot(
        on="indicator", index="platform", values=["value", "source_url"], aggregate_function="first"
    )
    return (
        wide.select(
            "platform",
            internal="value_moderators_internal",
            external="value_moderators_external",
            source_url="source_url_moderators_internal",
        )
        .drop_nulls(["internal", "external"])
        .with_columns(
            moderators=pl.col("internal") + pl.col("external"), dataset=pl.lit(TRANSPARENCY_DATASET)
        )
        .select("platform", "internal", "external", "moderators", "source_url", "dataset")
        .sort("platform")
    )


def moderators_from_shipped(reported: pl.DataFrame) -> pl.DataFrame:
    """Return H2 2025 moderators per platform from the shipped copy (``sor_reported_actions_h2_2025``)."""
    rows = reported.filter(pl.col("metric").is_in(["moderators_internal_fte", "moderators_external_fte"]))
    wide = rows.pivot(
        on="metric", index="platform", values=["value", "source_url"], aggregate_function="first"
    )
    return (
        wide.select(
            "platform",
            internal="value_moderators_internal_fte",
            external="value_moderators_external_fte",
            source_url="source_url_moderators_internal_fte",
        )
        .with_columns(moderators=pl.col("internal") + pl.col("external"), dataset=pl.lit(REPORTED_DATASET))
        .select("platform", "internal", "external", "moderators", "source_url", "dataset")
        .sort("platform")
    )


def moderators_h2_2025() -> pl.DataFrame:
    """Return H2 2025 content moderators (internal + external, as reported) per platform.

    From the project's tidy transparency-report dataset (``transparency_marketplace_reports``,
    built by :mod:`dsa_explore.readers.transparency`) when it is in the catalog; otherwise from this
    module's shipped copy of the same figures (``sor_reported_actions_h2_2025``). The
    ``dataset`` column says which.
    """
    if TRANSPARENCY_DATASET in catalog.all_datasets():
        return moderators_from_transparency(catalog.load(TRANSPARENCY_DATASET))
    return moderators_from_shipped(load_reported())


def sors_per_moderator(
    extract: pl.DataFrame, moderators: pl.DataFrame | None = None, *, n_days: int | None = None
) -> pl.DataFrame:
    """Return SoRs filed in H2 2025 per content moderator (internal + external) reported for H2 2025.

    ``moderators`` defaults to :func:`moderators_h2_2025`. Columns: platform, sors_h2_2025,
    moderators, internal, external, sors_per_moderator, sors_per_moderator_per_day (over ``n_days``,
    by default the 184 days of H2 2025; pass the days a store covers), source_url, dataset.
    """
    mods = moderators_h2_2025() if moderators is None else moderators
    sors = platform_totals(extract, since=H2_2025[0], until=H2_2025[1]).select(
        "platform", sors_h2_2025="sors"
    )
    n_days = n_days or (H2_2025[1] - H2_2025[0]).days + 1
    return (
        mods.join(sors, on="platform", how="inner")
        .filter(pl.col("moderators") > 0)
        .with_columns(sors_per_moderator=pl.col("sors_h2_2025") / pl.col("moderators"))
        .with_columns(sors_per_moderator_per_day=pl.col("sors_per_moderator") / n_days)
        .select(
            "platform",
            "sors_h2_2025",
            "moderators",
            "internal",
            "external",
            "sors_per_moderator",
            "sors_per_moderator_per_day",
            "source_url",
            "dataset",
        )
        .sort("sors_per_moderator", descending=True)
    )


#: Reported metrics compared with SoR volumes, and their reader-facing labels.
ACTION_METRICS = {
    "own_initiative_illegal": "own-initiative measures (illegal content)",
    "own_initiative_tc": "own-initiative measures (terms and conditions)",
    "art16_actions_law": "actions on Art. 16 notices (basis of law)",
    "art16_actions_tc": "actions on Art. 16 notices (basis of T&C)",
}


def sors_vs_reported_actions(extract: pl.DataFrame, reported: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return SoRs filed in H2 2025 next to the actions each platform reported for H2 2025.

    Every moderation decision must be filed as a SoR (Art. 24(5) DSA), so SoRs should be
    of the order of the reported own-initiative measures plus actions on notices.
    Columns: platform, sors_h2_2025, reported_actions (sum of the reported metrics that
    exist), metrics_reported (how many of the 4), sors_to_reported (ratio).
    """
    reported = load_reported() if reported is None else reported
    acts = (
        reported.filter(pl.col("metric").is_in(list(ACTION_METRICS)))
        .group_by("platform")
        .agg(reported_actions=pl.col("value").sum(), metrics_reported=pl.len())
    )
    sors = platform_totals(extract, since=H2_2025[0], until=H2_2025[1]).select(
        "platform", sors_h2_2025="sors"
    )
    return (
        sors.join(acts, on="platform", how="inner")
        .with_columns(sors_to_reported=pl.col("sors_h2_2025") / pl.col("reported_actions"))
        .sort("sors_h2_2025", descending=True)
    )


def reported_actions_long(extract: pl.DataFrame, reported: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return SoRs (H2 2025) and each reported action metric as one long table for charts.

    Columns: platform, figure (label), value, source ("TDB" or "transparency report").
    """
    reported = load_reported() if reported is None else reported
    sors = platform_totals(extract, since=H2_2025[0], until=H2_2025[1]).select(
        "platform",
        figure=pl.lit("statements of reasons filed (TDB)"),
        value=pl.col("sors").cast(pl.Float64),
        source=pl.lit("TDB"),
    )
    acts = reported.filter(pl.col("metric").is_in(list(ACTION_METRICS))).select(
        "platform",
        figure=pl.col("metric").replace_strict(ACTION_METRICS),
        value="value",
        source=pl.lit("transparency report"),
    )
    keep = acts["platform"].unique().implode()
    return pl.concat([sors.filter(pl.col("platform").is_in(keep)), acts]).sort("platform", "figure")


def published_totals_check(extract: pl.DataFrame, published: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return the extract's whole-period totals beside the published ones, rounded to the published precision.

    ``published`` defaults to the shipped ``sor_published_totals``. Columns: platform_published, sors,
    first_day, last_day, days, sors_millions (rounded to the published decimals), published_millions,
    matches (the total, and the first day where one is published).
    """
    published = catalog.load(PUBLISHED_TOTALS_DATASET) if published is None else published
    totals = platform_totals(extract, by_published_name=True)
    return (
        totals.join(published, on="platform_published", how="inner")
        .with_columns(sors_millions=pl.col("sors") / 1e6)
        .with_columns(
            sors_millions=pl.struct("sors_millions", "decimals").map_elements(
                lambda r: round(r["sors_millions"], r["decimals"]), return_dtype=pl.Float64
            ),
            published_millions=pl.col("published_sors_millions"),
        )
        .with_columns(
            matches=(pl.col("sors_millions") == pl.col("published_millions"))
            & (pl.col("first_day_right").is_null() | (pl.col("first_day") == pl.col("first_day_right")))
        )
        .select(
            "platform_published",
            "first_day",
            "last_day",
            "days",
            "sors",
            "sors_millions",
            "published_millions",
            "matches",
        )
        .sort("sors", descending=True)
    )


# --------------------------------------------------------------------------- build (make data)


_PLATFORM_LIST = (
    "AliExpress, Amazon Store incl. 'Amazon' before the rename, Temu, SHEIN, Zalando, eBay, Joom, Vinted, "
    "Wallapop, Miravia, OTTO, Kleinanzeigen, leboncoin, Cdiscount, ManoMano, eMAG, bol.com, Trendyol, "
    "Google Shopping, app stores, Booking.com, ..."
)


def _row_account_sentence(source: Path) -> str:
    """Say where every row of ``source`` went (:func:`source_account`), for the record's description."""
    by = dict(source_account(source).group_by("reason").agg(pl.col("rows").sum()).iter_rows())
    return (
        f"Row account of the build (dsa_explore.analysis.sor.source_account): of the source's "
        f"{sum(by.values()):,} statistic rows, {by.get('used', 0):,} are used, "
        f"{by.get('used (zero count, not stored)', 0):,} are used but have a zero count (not stored), "
        f"{by.get('other platform', 0):,} belong to other platforms, {by.get('database-wide row', 0):,} are "
        f"database-wide release rows and {by.get('statistic not extracted', 0):,} are statistics not "
        "extracted (free text, restriction durations, end dates, list lengths, content language)."
    )


def _extract_record(source: Path, extract: pl.DataFrame) -> dict:
    """Return the hand-written fields of the extract's provenance record (row account computed)."""
    from dsa_explore.data import provenance

    platforms = len({project_platform_name(p) for p in PUBLISHED_PLATFORMS})
    measures = "; ".join(f"{k}: {v}" for k, v in MEASURES.items())
    description = (
        f"Daily counts of statements of reasons (SoRs) for {platforms} marketplaces and comparison platforms "
        f"({_PLATFORM_LIST}), derived from the whole-database daily statistics computed by shantay 0.6.0 "
        f"from every daily dump ({extract['date'].n_unique()} releases). Long format, one row per (date, "
        "platform_published, measure, variant); zero counts left out. Columns: date; platform (canonical "
        "project name via dsa_explore.sor.taxonomy.canonical_platform); platform_published (name the TDB "
        "published that day); measure; variant (enum value, null = field empty); count (SoRs, or list "
        "elements for list measures); min_days/mean_days/max_days (delay measures only, over SoRs with a "
        f"non-negative delay). Measures: {measures}. Categories and keywords are given as published and "
        "harmonised to v2 (official v1->v2 mapping, taxonomy switch 2025-07-01). Built by `make data` "
        "(dsa_explore.analysis.sor.build_extract) from tdb-daily-statistics-2023-09-25_2026-01-10.parquet "
        f"(shantay 0.6.0 shantay/builtin.parquet) with sha256 {SOURCE_SHA256}, which `dsa-explore data "
        "fetch sor_marketplaces_daily` downloads from PyPI inside shantay's wheel and checks (or pass a "
        "copy with `dsa-explore data build sor_marketplaces_daily --source FILE`). "
        + _row_account_sentence(source)
    )
    return provenance.record(
        EXTRACT_DATASET,
        "Statements of reasons of marketplaces per day, DSA Transparency Database 2023-09-25..2026-01-10",
        description,
        source=(
            f"European Commission-DG CONNECT, Digital Services Act Transparency Database, {SOURCE_DOI}; "
            "daily statistics computed by shantay 0.6.0 (PyPI shantay==0.6.0, shantay/builtin.parquet, "
            "Apache-2.0); extract built by dsa_explore.analysis.sor.build_extract"
        ),
        source_urls=[
            SOURCE_DOI,
            "https://transparency.dsa.ec.europa.eu/explore-data/download",
            sources.SHANTAY_BUILTIN.page,
        ],
        licence="CC BY 4.0 (data: European Commission-DG CONNECT); statistics by shantay, Apache-2.0",
        retrieved="2026-11-28",
        version="2026-01-10",
        synthetic=False,
        fmt="parquet",
        source_sha256=SOURCE_SHA256,
        schema={c: str(t) for c, t in EXTRACT_SCHEMA.items()},
    )


def _build(root: Path, source: Path) -> list[Path]:
    """Derive ``tdb/sor-marketplaces-daily.parquet`` under ``root`` from ``source`` and write its record.

    A source whose sha256 differs from :data:`SOURCE_SHA256` is refused: the shipped extract, its
    record and the analyses that cite it rest on that file.
    """
    from dsa_explore.core.errors import RefusedDataError
    from dsa_explore.core.hashing import sha256_of
    from dsa_explore.data import provenance

    sha = sha256_of(source)
    if sha != SOURCE_SHA256:
        raise RefusedDataError(
            f"{source}: sha256 {sha}; the shipped extract is built from {SOURCE_SHA256} "
            "(shantay 0.6.0 builtin.parquet)"
        )
    out = Path(root) / "tdb" / "sor-marketplaces-daily.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    extract = build_extract(source, out)
    provenance.write(
        out,
        _extract_record(source, extract),
        built_by="dsa_explore.analysis.sor.build_extract",
        inputs=[f"shantay 0.6.0 builtin.parquet (sha256 {SOURCE_SHA256}; {SOURCE_DOI})"],
    )
    return [out]


#: The build behind ``dsa-explore data build sor_marketplaces_daily``; its input is not shipped but fetched
#: once (``dsa-explore data fetch sor_marketplaces_daily``) or given with ``--source FILE``.
BUILD = Build(
    name="sor_marketplaces_daily",
    outputs=("tdb/sor-marketplaces-daily.parquet",),
    inputs=("shantay 0.6.0 builtin.parquet (whole-database daily statistics)",),
    function=_build,
    description="marketplace extract of the Transparency Database's whole-database daily statistics",
    external=(
        f"the whole-database daily statistics of shantay 0.6.0 (builtin.parquet, sha256 {SOURCE_SHA256})"
    ),
    fetch=sources.SHANTAY_BUILTIN,
)
