"""Member states, their official EU languages, and users per language.

The harmonised reports give moderators per official EU language (section 9) but users per
member state (section 10). To compare them, users are assigned to languages by the shipped
table ``member_state_languages`` (``data/transparency/member_state_languages.csv``, sources per
row). **Default rule:** a member state with one official EU language gives all its users to that
language; a multilingual state splits its users by the table's shares (BE nl 0.590 / fr 0.403 /
de 0.007 from population by region, Brussels assumed 90 % French; FI fi 0.943 / sv 0.057 from
first languages; IE en 0.986 / ga 0.014 from daily Irish speakers; LU fr 0.5 / de 0.5 by
assumption; MT mt 0.97 / en 0.03 from national language surveys of citizens, English share
assumed; CY all Greek, Turkish not being an EU official language). English counts only where it
is official (IE, MT): readers of English elsewhere are not moved to English.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from dsa_explore.core.reference import COUNTRY_ALIASES, EU_LANGUAGES, MEMBER_STATES

DATASET = "member_state_languages"

LANGUAGE_NAMES = {
    "bg": "Bulgarian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "hr": "Croatian",
    "hu": "Hungarian",
    "it": "Italian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mt": "Maltese",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sv": "Swedish",
}


@lru_cache(maxsize=1)
def _shares_cached() -> pl.DataFrame:
    from dsa_explore.data import catalog

    return catalog.load(DATASET)


def language_shares() -> pl.DataFrame:
    """Return the member state -> language table (country, language, share, basis, source_url...)."""
    return _shares_cached().clone()


def users_by_language(amar_by_country: pl.DataFrame, shares: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return users per official EU language from users per member state (a pure function).

    ``amar_by_country`` has a country column (``country`` or ``scope``: ISO codes, ``EL`` is read
    as ``GR``) and a users column (``users`` or ``value``); optional ``value_low``/``value_high``
    (ranges) are carried through. Rows that are not member states (``TOTAL``...) are ignored.
    Extra key columns ``platform``, ``period_start``, ``period_end`` are kept as groups.
    ``shares`` defaults to the shipped table (:func:`language_shares`).

    Returns one row per group and language present in the shares table (all 24 languages):
    ``language, language_name, users, users_low, users_high, countries`` (the contributing
    member states, ``XX×share``) and ``countries_missing`` (member states of the language with no
    user figure in the input, which makes ``users`` an undercount; empty when complete).
    """
    shares = language_shares() if shares is None else shares
    frame = amar_by_country
    country_col = "country" if "country" in frame.columns else "scope"
    users_col = "users" if "users" in frame.columns else "value"
    keys = [c for c in ("platform", "period_start", "period_end") if c in frame.columns]
    low = pl.col("value_low") if "value_low" in frame.columns else pl.col(users_col)
    high = pl.col("value_high") if "value_high" in frame.columns else pl.col(users_col)
    aliases = {k: v for k, v in COUNTRY_ALIASES.items()}
    ms = frame.select(
        *keys,
        pl.col(country_col).str.strip_chars().str.to_uppercase().replace(aliases).alias("country"),
        pl.col(users_col).cast(pl.Float64).alias("users"),
        pl.coalesce(low, pl.col(users_col)).cast(pl.Float64).alias("users_low"),
        pl.coalesce(high, pl.col(users_col)).cast(pl.Float64).alias("users_high"),
    ).filter(pl.col("country").is_in(list(MEMBER_STATES)) & pl.col("users").is_not_null())
    joined = ms.join(shares.select("country", "language", "share"), on="country", how="inner")
    agg = joined.group_by(*keys, "language").agg(
        (pl.col("users") * pl.col("share")).sum().alias("users"),
        (pl.col("users_low") * pl.col("share")).sum().alias("users_low"),
        (pl.col("users_high") * pl.col("share")).sum().alias("users_high"),
        pl.concat_str(pl.col("country"), pl.lit("×"), pl.col("share").round(3).cast(pl.String))
        .sort()
        .str.join(", ")
        .alias("countries"),
    )
    # every group gets all languages of the shares table (0 users when no country of it reported)
    share_rows = shares.select("country", "language")
    if keys:
        groups = ms.select(keys).unique()
        expected = groups.join(share_rows, how="cross")
        missing = (
            expected.join(ms.select(*keys, "country").unique(), on=[*keys, "country"], how="anti")
            .group_by(*keys, "language")
            .agg(pl.col("country").sort().str.join(", ").alias("countries_missing"))
        )
        grid = groups.join(shares.select("language").unique(), how="cross")
        on = [*keys, "language"]
    else:
        missing = (
            share_rows.filter(~pl.col("country").is_in(ms["country"].unique().to_list()))
            .group_by("language")
            .agg(pl.col("country").sort().str.join(", ").alias("countries_missing"))
        )
        grid = shares.select("language").unique()
        on = ["language"]
    out = grid.join(agg, on=on, how="left").join(missing, on=on, how="left")
    return (
        out.with_columns(
            pl.col("users", "users_low", "users_high").fill_null(0.0),
            pl.col("countries", "countries_missing").fill_null(""),
            pl.col("language")
            .replace_strict(LANGUAGE_NAMES, default=pl.col("language"))
            .alias("language_name"),
        )
        .select(
            *keys,
            "language",
            "language_name",
            "users",
            "users_low",
            "users_high",
            "countries",
            "countries_missing",
        )
        .sort(*keys, "language")
    )


__all__ = ["EU_LANGUAGES", "LANGUAGE_NAMES", "language_shares", "users_by_language"]
