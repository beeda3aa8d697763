"""Moderation capacity: moderators per user and per language, from the harmonised transparency reports.

Pure functions on the tidy frame of :mod:`dsa_explore.readers.transparency` (default: the shipped
dataset ``transparency_marketplace_reports``). Every ratio keeps its inputs and the URLs of the
files they come from in the same row.

* :func:`capacity` — one row per platform and period: users (AMAR), moderators (internal,
  external, total, with B2 language skill), moderators per million users, notices per moderator,
  share of measures taken solely by automated means, accuracy where reported.
* :func:`language_coverage` — one row per platform, period and official EU language: users of the
  language (member-state users split by :mod:`dsa_explore.analysis.languages`), moderators with the
  language, users per moderator and moderators per million users; a language with users and no
  moderator has status ``"no moderator"`` (its ratio is infinite, left null, labelled).
* :func:`changes` — change between the two periods.
* the briefing section is :mod:`dsa_explore.briefing.sections.resources`.

Definitions. *Total moderators* = internal + external as reported (FTE for most platforms).
*Users* = average monthly active recipients (AMAR) in the EU; when the total is published only as a
bound (Booking.com: "> 45" million), the sum of the member-state figures (range midpoints) is used
and said so in ``users_how``. A language the report does not list counts as 0 moderators when the
report lists other languages; when it lists none, the language is ``"not reported"``.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from dsa_explore.analysis import languages as language_data
from dsa_explore.core import formatting, reference
from dsa_explore.core.reference import GAP_LANGUAGES
from dsa_explore.readers import transparency

PERIOD_LABELS = {start: label for label, (start, _) in reference.REPORTING_PERIODS.items()}
PERIOD_ORDER = list(reference.PERIOD_LABELS)


@lru_cache(maxsize=1)
def _dataset() -> pl.DataFrame:
    return transparency.load_dataset()


def reports() -> pl.DataFrame:
    """Return the shipped tidy transparency dataset (loaded once, checked by the catalog)."""
    return _dataset().clone()


def _period_label(col: str = "period_start") -> pl.Expr:
    return pl.col(col).replace_strict(PERIOD_LABELS, default=None, return_dtype=pl.String).alias("period")


def _urls(expr: pl.Expr) -> pl.Expr:
    return expr.drop_nulls().unique().sort().str.join(" ")


def _pick(
    frame: pl.DataFrame, section: int, indicator: str, scope: str = "TOTAL", name: str | None = None
) -> pl.DataFrame:
    """Return one value per platform-period (first row in file order) with its source URL."""
    name = name or indicator
    return (
        frame.filter(
            (pl.col("section") == section) & (pl.col("indicator") == indicator) & (pl.col("scope") == scope)
        )
        .sort("platform", "period_start", "source_file", "line")
        .group_by("platform", "period_start", maintain_order=True)
        .agg(
            pl.col("value").first().alias(name),
            pl.col("value_low").first().alias(f"{name}_low"),
            pl.col("source_url").first().alias(f"{name}_source"),
            pl.len().alias(f"{name}_rows"),
        )
    )


def capacity(frame: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return moderation-capacity ratios, one row per platform and period, with inputs and sources."""
    frame = reports() if frame is None else frame
    keys = frame.select("platform", "period_start").unique()
    users = _pick(frame, 10, "amar", name="users_total")
    country_sum = (
        frame.filter(
            (pl.col("section") == 10)
            & (pl.col("indicator") == "amar")
            & pl.col("scope").is_in(list(transparency.MEMBER_STATES))
            & pl.col("value").is_not_null()
        )  # Google: pointer texts, no figure at all
        .group_by("platform", "period_start")
        .agg(
            pl.col("value").sum().alias("users_countries"),
            pl.len().alias("n_countries"),
            _urls(pl.col("source_url")).alias("users_countries_source"),
        )
    )
    out = keys
    for part in (
        users,
        country_sum,
        _pick(frame, 9, "moderators_internal"),
        _pick(frame, 9, "moderators_external"),
        _pick(frame, 9, "moderators_linguistic", name="moderators_b2"),
        _pick(frame, 4, "notices_received"),
        _pick(frame, 8, "measures_automated"),
        _pick(frame, 8, "measures_not_automated"),
        _pick(frame, 8, "accuracy"),
    ):
        out = out.join(part, on=["platform", "period_start"], how="left")
    accuracy_all = (
        frame.filter(
            (pl.col("section") == 8)
            & (pl.col("indicator") == "accuracy")
            & (pl.col("scope") == "TOTAL")
            & pl.col("value").is_not_null()
        )
        .group_by("platform", "period_start")
        .agg(pl.col("value").min().alias("accuracy_min"), pl.col("value").max().alias("accuracy_max"))
    )
    out = out.join(accuracy_all, on=["platform", "period_start"], how="left")
    use_countries = pl.col("users_total").is_null() & pl.col("users_countries").is_not_null()
    out = out.with_columns(
        pl.when(use_countries)
        .then(pl.col("users_countries"))
        .otherwise(pl.col("users_total"))
        .alias("users"),
        pl.when(use_countries)
        .then(
            pl.format(
                "sum of {} member-state figures (total published only as a bound{})",
                pl.col("n_countries"),
                pl.when(pl.col("users_total_low").is_not_null())
                .then(pl.format(": more than {}", pl.col("users_total_low").cast(pl.Int64)))
                .otherwise(pl.lit("")),
            )
        )
        .when(pl.col("users_total").is_not_null())
        .then(pl.lit("AMAR, EU total"))
        .otherwise(pl.lit("not reported"))
        .alias("users_how"),
        pl.when(use_countries)
        .then(pl.col("users_countries_source"))
        .otherwise(pl.col("users_total_source"))
        .alias("users_source"),
        (pl.col("moderators_internal") + pl.col("moderators_external")).alias("moderators_total"),
        pl.concat_str(
            pl.col("moderators_internal_source"),
            pl.col("moderators_external_source"),
            separator=" ",
            ignore_nulls=True,
        ).alias("moderators_source"),
    ).with_columns(
        (pl.col("moderators_internal") / pl.col("users") * 1e6).alias("per_million_internal"),
        (pl.col("moderators_external") / pl.col("users") * 1e6).alias("per_million_external"),
        (pl.col("moderators_total") / pl.col("users") * 1e6).alias("per_million_total"),
        (pl.col("moderators_b2") / pl.col("users") * 1e6).alias("per_million_b2"),
        (pl.col("notices_received") / pl.col("moderators_total")).alias("notices_per_moderator"),
        (
            pl.col("measures_automated") / (pl.col("measures_automated") + pl.col("measures_not_automated"))
        ).alias("automated_share"),
        pl.when(pl.col("accuracy_rows") > 1)
        .then(
            pl.format(
                "{} TOTAL accuracy rows (one per moderation type), from {} to {}; first shown",
                pl.col("accuracy_rows"),
                pl.col("accuracy_min").round(4),
                pl.col("accuracy_max").round(4),
            )
        )
        .otherwise(pl.lit(None, pl.String))
        .alias("accuracy_note"),
        _period_label(),
    )
    cols = [
        "platform",
        "period",
        "period_start",
        "users",
        "users_how",
        "users_source",
        "moderators_internal",
        "moderators_external",
        "moderators_total",
        "moderators_source",
        "moderators_b2",
        "moderators_b2_source",
        "per_million_internal",
        "per_million_external",
        "per_million_total",
        "per_million_b2",
        "notices_received",
        "notices_received_source",
        "notices_per_moderator",
        "measures_automated",
        "measures_not_automated",
        "measures_automated_source",
        "automated_share",
        "accuracy",
        "accuracy_note",
        "accuracy_source",
    ]
    return out.select(cols).sort("platform", "period_start")


def language_coverage(frame: pl.DataFrame | None = None, shares: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return users per moderator for each official EU language, platform and period.

    Columns: platform, period, period_start, language, language_name, users (+ _low/_high for
    ranges), moderators, moderators_how, users_per_moderator (+ _low/_high), moderators_per_million
    (per million users of the language), status (``covered`` / ``no moderator`` / ``not reported`` /
    ``no user figures``), label (text for charts: users per moderator, or the status),
    users_source, moderators_source, countries (member states contributing users, with shares),
    countries_missing (member states of the language without a usable user figure: the users are
    then an undercount; suspect values flagged in the dataset count as missing).
    """
    frame = reports() if frame is None else frame
    amar = frame.filter((pl.col("section") == 10) & (pl.col("indicator") == "amar"))
    # values the compiler marked as suspect (e.g. truncated per-country figures) count as missing
    usable = amar.filter(
        ~pl.col("flag").fill_null("").str.starts_with("suspect")
        & ~pl.col("flag").fill_null("").str.contains("; suspect")
    )
    users = language_data.users_by_language(
        usable.select("platform", "period_start", "scope", "value", "value_low", "value_high"), shares
    )
    users_src = (
        amar.filter(pl.col("scope") != "TOTAL")
        .group_by("platform", "period_start")
        .agg(_urls(pl.col("source_url")).alias("users_source"))
    )
    mods_all = frame.filter((pl.col("section") == 9) & (pl.col("indicator") == "moderators_linguistic"))
    mods = (
        mods_all.filter(pl.col("scope").is_in(list(reference.EU_LANGUAGES)))
        .sort("source_file", "line")
        .group_by("platform", "period_start", pl.col("scope").alias("language"))
        .agg(
            pl.col("value").first().alias("moderators"),
            pl.col("source_url").first().alias("moderators_source"),
        )
    )
    listed = (
        mods_all.filter(pl.col("scope") != "TOTAL")
        .group_by("platform", "period_start")
        .agg(
            pl.col("scope").is_in(list(reference.EU_LANGUAGES)).any().alias("lists_languages"),
            pl.col("source_url").first().alias("section9_source"),
        )
    )
    keys = frame.filter(pl.col("section").is_in([9, 10])).select("platform", "period_start").unique()
    grid = keys.join(pl.DataFrame({"language": list(reference.EU_LANGUAGES)}), how="cross")
    out = (
        grid.join(users, on=["platform", "period_start", "language"], how="left")
        .join(users_src, on=["platform", "period_start"], how="left")
        .join(mods, on=["platform", "period_start", "language"], how="left")
        .join(listed, on=["platform", "period_start"], how="left")
    )
    lists = pl.col("lists_languages").fill_null(False)
    out = (
        out.with_columns(
            pl.col("language").replace_strict(language_data.LANGUAGE_NAMES).alias("language_name"),
            pl.when(pl.col("moderators").is_not_null())
            .then(pl.lit("reported"))
            .when(lists)
            .then(pl.lit("language not listed in the report: counted as 0"))
            .otherwise(pl.lit("no per-language breakdown reported"))
            .alias("moderators_how"),
            pl.when(pl.col("moderators").is_null() & lists)
            .then(0.0)
            .otherwise(pl.col("moderators"))
            .alias("moderators"),
            pl.coalesce(pl.col("moderators_source"), pl.col("section9_source")).alias("moderators_source"),
            pl.col("users").fill_null(0.0),
            pl.col("users_low").fill_null(0.0),
            pl.col("users_high").fill_null(0.0),
            pl.col("countries_missing").fill_null("all member states"),
        )
        .with_columns(
            pl.when(pl.col("users") == 0)
            .then(pl.lit("no user figures"))
            .when(pl.col("moderators").is_null())
            .then(pl.lit("not reported"))
            .when(pl.col("moderators") == 0)
            .then(pl.lit("no moderator"))
            .otherwise(pl.lit("covered"))
            .alias("status"),
        )
        .with_columns(
            pl.when(pl.col("status") == "covered")
            .then(pl.col("users") / pl.col("moderators"))
            .alias("users_per_moderator"),
            pl.when(pl.col("status") == "covered")
            .then(pl.col("users_low") / pl.col("moderators"))
            .alias("users_per_moderator_low"),
            pl.when(pl.col("status") == "covered")
            .then(pl.col("users_high") / pl.col("moderators"))
            .alias("users_per_moderator_high"),
            pl.when(pl.col("status").is_in(["covered", "no moderator"]))
            .then(pl.col("moderators") / pl.col("users") * 1e6)
            .alias("moderators_per_million"),
            _period_label(),
        )
        .with_columns(
            pl.when(pl.col("status") == "covered")
            .then(pl.col("users_per_moderator").map_elements(formatting.count_short, return_dtype=pl.String))
            .otherwise(pl.col("status"))
            .alias("label"),
        )
    )
    cols = [
        "platform",
        "period",
        "period_start",
        "language",
        "language_name",
        "users",
        "users_low",
        "users_high",
        "moderators",
        "moderators_how",
        "users_per_moderator",
        "users_per_moderator_low",
        "users_per_moderator_high",
        "moderators_per_million",
        "status",
        "label",
        "users_source",
        "moderators_source",
        "countries",
        "countries_missing",
    ]
    return out.select(cols).sort("platform", "period_start", "language")


def changes(
    cap: pl.DataFrame | None = None,
    measures: tuple[str, ...] = (
        "users",
        "moderators_total",
        "moderators_b2",
        "per_million_total",
        "per_million_b2",
        "notices_per_moderator",
        "automated_share",
    ),
) -> pl.DataFrame:
    """Return the change of each measure from H2 2025 to H1 2026, per platform (absolute and relative)."""
    cap = capacity() if cap is None else cap
    long = cap.unpivot(index=["platform", "period"], on=list(measures), variable_name="measure")
    wide = long.pivot(on="period", index=["platform", "measure"], values="value")
    for p in PERIOD_ORDER:
        if p not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(p))
    return (
        wide.select("platform", "measure", *PERIOD_ORDER)
        .with_columns(
            (pl.col("H1 2026") - pl.col("H2 2025")).alias("change"),
            (pl.col("H1 2026") / pl.col("H2 2025") - 1).alias("change_relative"),
        )
        .sort("platform", "measure")
    )


def capacity_table(cap: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return the capacity ratios rounded for display (sources left out: see :func:`capacity`)."""
    cap = capacity() if cap is None else cap
    return cap.select(
        "platform",
        "period",
        pl.col("users").round(0).cast(pl.Int64),
        pl.col("moderators_total").round(2),
        pl.col("moderators_b2").round(2),
        pl.col("per_million_total").round(2),
        pl.col("per_million_b2").round(2),
        pl.col("notices_per_moderator").round(1),
        pl.col("automated_share").round(3),
        pl.col("accuracy").round(4),
        "users_how",
    )


def gap_table(
    cov: pl.DataFrame | None = None,
    platforms: tuple[str, ...] = ("AliExpress", "Amazon Store"),
    period: str = "H2 2025",
    languages: tuple[str, ...] = GAP_LANGUAGES,
) -> pl.DataFrame:
    """Return users per moderator side by side for two platforms (one row per language)."""
    cov = language_coverage() if cov is None else cov
    rows = cov.filter(
        pl.col("platform").is_in(list(platforms))
        & (pl.col("period") == period)
        & pl.col("language").is_in(list(languages))
    )
    wide = rows.pivot(on="platform", index=["language", "language_name"], values="label")
    users = rows.filter(pl.col("platform") == platforms[0]).select(
        "language", pl.col("users").round(0).cast(pl.Int64).alias(f"users ({platforms[0]})")
    )
    return (
        wide.join(users, on="language")
        .sort(f"users ({platforms[0]})", descending=True)
        .select("language_name", f"users ({platforms[0]})", *platforms)
    )


def coverage_summary(cov: pl.DataFrame | None = None, period: str = "H2 2025") -> pl.DataFrame:
    """Return, per platform, how many official languages are covered, have no moderator, or lack figures."""
    cov = language_coverage() if cov is None else cov
    return (
        cov.filter(pl.col("period") == period)
        .group_by("platform")
        .agg(
            (pl.col("status") == "covered").sum().alias("languages covered"),
            (pl.col("status") == "no moderator").sum().alias("languages with no moderator"),
            pl.col("users")
            .filter(pl.col("status") == "no moderator")
            .sum()
            .round(0)
            .cast(pl.Int64)
            .alias("users of those languages"),
            pl.col("status")
            .is_in(["no user figures", "not reported"])
            .sum()
            .alias("languages without figures"),
        )
        .sort("platform")
    )


def headline(
    cap: pl.DataFrame,
    cov: pl.DataFrame,
    platform: str = "AliExpress",
    period: str = "H2 2025",
    language: str = "es",
) -> str:
    """Return one sentence with the platform's moderators per million users and one language's ratio."""
    c = cap.filter((pl.col("platform") == platform) & (pl.col("period") == period)).row(0, named=True)
    lang = cov.filter(
        (pl.col("platform") == platform) & (pl.col("period") == period) & (pl.col("language") == language)
    ).row(0, named=True)
    return (
        f"{platform}, {period}: {formatting.count_short(c['moderators_b2'])} moderators with B2 "
        f"language skill for {c['users']:,.0f} users = {formatting.ratio(c['per_million_b2'])} per "
        f"million; {lang['language_name']}: {formatting.count_short(lang['users'])} users, "
        f"{formatting.count_short(lang['moderators'])} moderators with the language, "
        f"{lang['label']} users per moderator."
    )
