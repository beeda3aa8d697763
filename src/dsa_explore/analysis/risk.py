"""Risk indicators for marketplace listings and sellers, an additive score, and its evaluation.

The indicators follow the project methodology's catalogue (L1–L9, L11, L15): each is a function
returning a boolean polars expression over the listing-sample format, extended with the risk
fields in :data:`RISK_FIELDS`. Each function's docstring states its **Definition**, **Fields**
and **Source**; :func:`indicator_table` shows the same text as a table (one source of truth).

Text is matched after :func:`normalise` (NFKC, zero-width characters removed, lower-cased,
common Cyrillic/Greek look-alikes folded to Latin): the same fold is applied to the lexicon
terms, which are data files under ``data/risk/lexicons/`` with provenance records, not
literals here. Weights and thresholds come from ``data/risk/risk-weights.json``.

Scores: :func:`score_listings` adds weighted indicator points (a transparent, auditable
score) and lists the reasons; :func:`seller_scores` aggregates per seller.
:func:`fit_logistic` / :func:`grouped_cv_probabilities` give a fitted alternative (a small
iteratively-reweighted least-squares logistic regression in numpy, folds grouped by seller).
Evaluation (:func:`precision_recall_at`, :func:`pr_curve`, :func:`average_precision`,
:func:`precision_at_k`, :func:`calibration_table`, :func:`brier_score`) accepts design
weights, so a labelled set sampled by score band (:func:`score_band_sample`) is
re-weighted to the population it came from.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import polars as pl

from dsa_explore.core.errors import InputFileError
from dsa_explore.data import catalog
from dsa_explore.readers.risk import BASE_FIELDS, OPTIONAL_FIELDS, RISK_FIELDS

# ----------------------------------------------------------------------------- schema


#: Columns of the removal history used by the reappearance indicator.
REMOVAL_FIELDS: dict[str, pl.DataType] = {
    "removed_listing_id": pl.String(),
    "seller_id": pl.String(),
    "title": pl.String(),
    "image_hash": pl.String(),
    "ean": pl.String(),
    "removed_on": pl.Date(),
}

#: Columns that must have a value in every row (an indicator cannot be computed without them).

REQUIRED_NON_NULL = (
    "listing_id",
    "seller_id",
    "category",
    "price",
    "currency",
    "child_targeted",
    "observed_on",
    "listed_on",
    "seller_registered_on",
    "seller_new_listings_30d",
)


class RiskInputError(InputFileError):
    """A listing or removal frame is missing a column, has a wrong type, or an invalid value."""


def _rows(frame: pl.DataFrame, mask: pl.Series, column: str, limit: int = 5) -> str:
    idx = mask.arg_true()[:limit].to_list()
    ids = frame["listing_id"] if "listing_id" in frame.columns else None
    parts = []
    for i in idx:
        who = f"row {i}" + (f" (listing_id {ids[i]!r})" if ids is not None else "")
        parts.append(f"{who}: {frame[column][i]!r}")
    more = int(mask.sum()) - len(idx)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _check_types(frame: pl.DataFrame, fields: dict[str, pl.DataType], what: str) -> pl.DataFrame:
    missing = [c for c in fields if c not in frame.columns]
    if missing:
        raise RiskInputError(f"{what} is missing column(s) {missing}; risk indicators need {list(fields)}")
    casts = {}
    for col, dtype in fields.items():
        actual = frame.schema[col]
        if actual == dtype or actual == pl.Null:
            casts[col] = pl.col(col).cast(dtype)
            continue
        if actual == pl.String and dtype in (pl.Date(), pl.Float64(), pl.Int64(), pl.Boolean()):
            if dtype == pl.Date():
                cast = frame[col].str.to_date("%Y-%m-%d", strict=False)
            elif dtype == pl.Boolean():
                cast = frame[col].replace_strict(
                    {"true": True, "false": False, "True": True, "False": False},
                    default=None,
                    return_dtype=pl.Boolean,
                )
            else:
                cast = frame[col].str.strip_chars().cast(dtype, strict=False)
            bad = frame[col].is_not_null() & cast.is_null()
            if bad.any():
                raise RiskInputError(
                    f"{what}: column {col!r} expects {dtype}, but these values are not: "
                    f"{_rows(frame, bad, col)}"
                )
            casts[col] = pl.lit(cast)
            continue
        if dtype == pl.Float64() and actual.is_numeric():
            casts[col] = pl.col(col).cast(pl.Float64)
            continue
        if dtype == pl.Int64() and actual.is_integer():
            casts[col] = pl.col(col).cast(pl.Int64)
            continue
        raise RiskInputError(f"{what}: column {col!r} has type {actual}, expected {dtype}")
    return frame.with_columns(**casts)


def validate_listings(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with risk columns cast to their types; raise naming column and rows when invalid.

    Checks: every base and risk column present; values castable to the documented type; no null
    in :data:`REQUIRED_NON_NULL`; price > 0; a single currency; ``listed_on`` not after ``observed_on``.
    Nothing is dropped: an invalid row raises :class:`RiskInputError`.
    """
    if not isinstance(frame, pl.DataFrame):
        raise RiskInputError(f"listings must be a polars DataFrame, got {type(frame).__name__}")
    fields = {**BASE_FIELDS, **{k: v[0] for k, v in RISK_FIELDS.items()}}
    frame = frame.with_columns(
        pl.lit(None, dtype).alias(k) for k, (dtype, _) in OPTIONAL_FIELDS.items() if k not in frame.columns
    )
    out = _check_types(frame, {**fields, **{k: v[0] for k, v in OPTIONAL_FIELDS.items()}}, "listings")
    for col in REQUIRED_NON_NULL:
        nulls = out[col].is_null()
        if nulls.any():
            raise RiskInputError(
                f"listings: column {col!r} must not be empty; empty in {_rows(out, nulls, col)}"
            )
    bad = ~(out["price"] > 0) | out["price"].is_nan()
    if bad.any():
        raise RiskInputError(f"listings: column 'price' must be > 0; got {_rows(out, bad, 'price')}")
    currencies = out["currency"].unique().sort().to_list()
    if len(currencies) > 1:
        raise RiskInputError(
            f"listings: column 'currency' has several currencies {currencies}; convert prices "
            "to one currency before comparing them with a reference"
        )
    late = out["listed_on"] > out["observed_on"]
    if late.any():
        raise RiskInputError(f"listings: 'listed_on' after 'observed_on' in {_rows(out, late, 'listed_on')}")
    dup = out["listing_id"].is_duplicated()
    if dup.any():
        raise RiskInputError(
            f"listings: 'listing_id' must be unique; duplicated in {_rows(out, dup, 'listing_id')}"
        )
    return out


def validate_removals(removals: pl.DataFrame) -> pl.DataFrame:
    """Return the removal history cast to :data:`REMOVAL_FIELDS`; raise naming column and rows if invalid."""
    if not isinstance(removals, pl.DataFrame):
        raise RiskInputError(f"removals must be a polars DataFrame, got {type(removals).__name__}")
    out = _check_types(removals, REMOVAL_FIELDS, "removals")
    nulls = out["removed_on"].is_null()
    if nulls.any():
        raise RiskInputError(
            f"removals: column 'removed_on' must not be empty; empty in "
            f"{_rows(out.rename({'removed_listing_id': 'listing_id'}), nulls, 'removed_on')}"
        )
    return out


# ----------------------------------------------------------------------------- config and lexicons

LEXICONS = (
    "brands",
    "counterfeit_euphemisms",
    "restricted_substances",
    "adult_terms",
    "toy_markings",
    "confusables",
)


@cache
def lexicon(name: str) -> pl.DataFrame:
    """Return lexicon ``name`` (a catalogued CSV under ``data/risk/lexicons/``)."""
    if name not in LEXICONS:
        raise KeyError(f"unknown lexicon {name!r}; known: {LEXICONS}")
    return catalog.load(f"risk_lexicon_{name}")


@cache
def _default_config() -> str:
    return catalog.path("risk_weights").read_text(encoding="utf-8")


def load_config(overrides: dict | None = None) -> dict:
    """Return the score config (weights, thresholds, toy categories, EU/EEA countries), with overrides."""
    config = json.loads(_default_config())
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    unknown = set(config["weights"]) - set(INDICATOR_KEYS)
    if unknown:
        raise KeyError(f"config weights name unknown indicator(s) {sorted(unknown)}; known: {INDICATOR_KEYS}")
    return config


# ----------------------------------------------------------------------------- normalisation

#: Zero-width and invisible formatting characters removed before matching.
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE_RE = "[" + INVISIBLE + "]"


@lru_cache(maxsize=1)
def _fold_map() -> dict[str, str]:
    conf = lexicon("confusables").filter(pl.col("kind").is_in(["confusable", "casefold"]))
    return dict(zip(conf["char"].to_list(), conf["replacement"].to_list(), strict=True))


@lru_cache(maxsize=1)
def _leet_map() -> dict[str, list[str]]:
    leet = lexicon("confusables").filter(pl.col("kind") == "leet")
    out: dict[str, list[str]] = {}
    for char, repl in zip(leet["char"].to_list(), leet["replacement"].to_list(), strict=True):
        out.setdefault(repl, []).append(char)
    return out


def normalise(text: str | None) -> str:
    """Return ``text`` NFKC-normalised, without zero-width characters, look-alikes folded, lower-cased.

    Look-alikes are folded before and after lower-casing, so a Greek capital Ν becomes "n"
    (not the "v" its lower-case ν resembles).
    """
    if text is None:
        return ""
    fold = _fold_map()
    text = re.sub(_INVISIBLE_RE, "", unicodedata.normalize("NFKC", text))
    text = "".join(fold.get(ch, ch) for ch in text).lower()
    return "".join(fold.get(ch, ch) for ch in text)


def normalised(expr: pl.Expr) -> pl.Expr:
    """Return the polars expression version of :func:`normalise` (nulls become "")."""
    fold = _fold_map()
    keys, values = list(fold), list(fold.values())
    return (
        expr.fill_null("")
        .str.normalize("NFKC")
        .str.replace_all(_INVISIBLE_RE, "")
        .str.replace_many(keys, values)
        .str.to_lowercase()
        .str.replace_many(keys, values)
    )


_B_OPEN = r"(?:^|[^\p{L}\p{N}])"
_B_CLOSE = r"(?:[^\p{L}\p{N}]|$)"


def terms_regex(terms: Sequence[str]) -> str:
    """Return a regex matching any of ``terms`` (normalised) as whole words."""
    alts = sorted({normalise(t) for t in terms if t}, key=len, reverse=True)
    if not alts:
        return r"$^"
    return _B_OPEN + "(?:" + "|".join(re.escape(t) for t in alts) + ")" + _B_CLOSE


def obfuscation_regex(term: str) -> str:
    """Return a regex matching ``term`` spelled with separators or leetspeak ("N-i-k-e", "n1ke")."""
    leet = _leet_map()
    letters = [ch for ch in normalise(term) if ch.isalnum()]
    parts = []
    for ch in letters:
        alts = [re.escape(ch)] + [re.escape(x) for x in leet.get(ch, [])]
        parts.append("[" + "".join(alts) + "]" if len(alts) > 1 else alts[0])
    sep = r"[^\p{L}\p{N}]{0,3}"
    return _B_OPEN + parts[0] + "".join(sep + p for p in parts[1:]) + _B_CLOSE


def _terms(name: str, groups: Sequence[str] | None = None) -> list[str]:
    lex = lexicon(name)
    if groups is not None:
        lex = lex.filter(pl.col("group").is_in(list(groups)))
    return lex["term"].to_list()


def _text(*cols: str) -> pl.Expr:
    return pl.concat_str([normalised(pl.col(c)) for c in cols], separator=" \n ")


def _present(col: str) -> pl.Expr:
    return pl.col(col).is_not_null() & (pl.col(col).str.strip_chars() != "")


def _in_eu(col: str, config: dict) -> pl.Expr:
    return pl.col(col).str.strip_chars().str.to_uppercase().is_in(config["eu_eea_countries"]).fill_null(False)


def _authorised(brand_norm: pl.Expr) -> pl.Expr:
    auth = (
        pl.col("seller_authorised_brands")
        .fill_null("")
        .str.split(";")
        .list.eval(normalised(pl.element()).str.strip_chars())
    )
    return (auth.list.contains(brand_norm) & (brand_norm != "")).fill_null(False)


# ----------------------------------------------------------------------------- indicators


def price_far_below_reference(config: dict | None = None) -> pl.Expr:
    """L1 Price far below reference.

    Definition: fires when the robust z-score of log price within the listing's category and
    subcategory, z = (log price − median)/(1.4826·MAD), is below ``thresholds.price_robust_z``
    (default −2.5; groups of at least ``min_group_size`` listings), or when a branded listing
    costs less than ``thresholds.price_ratio_to_brand_median`` (default 0.35) of the median
    price of the same brand, category and subcategory among sellers authorised for the brand.
    References are computed within the frame.
    Fields: price, currency, category, subcategory, brand, seller_authorised_brands
    Source: Which? buying advice ("noticeably cheaper than you expected"); Soldner, Kleinberg &
    Johnson 2023, Crime Science 12:18; methodology L1
    """
    config = config or load_config()
    th = config["thresholds"]
    group = ["category", "subcategory"]
    log_p = pl.col("price").log()
    med = log_p.median().over(group)
    mad = (log_p - med).abs().median().over(group)
    z = (log_p - med) / (1.4826 * mad)
    big = pl.len().over(group) >= th["min_group_size"]
    z_flag = (big & (mad > 0) & (z < th["price_robust_z"])).fill_null(False)
    brand_norm = normalised(pl.col("brand")).str.strip_chars()
    authorised = _authorised(brand_norm)
    ref = pl.col("price").filter(authorised).median().over(brand_norm, *group)
    n_ref = authorised.cast(pl.Int64).sum().over(brand_norm, *group)
    ratio_flag = (
        pl.col("brand").is_not_null()
        & (n_ref >= 1)
        & (pl.col("price") / ref < th["price_ratio_to_brand_median"])
    )
    return (z_flag | ratio_flag.fill_null(False)).alias("price_far_below_reference")


def price_robust_z() -> pl.Expr:
    """Return the robust z-score of log price within category × subcategory (the L1 statistic)."""
    group = ["category", "subcategory"]
    log_p = pl.col("price").log()
    med = log_p.median().over(group)
    mad = (log_p - med).abs().median().over(group)
    return ((log_p - med) / (1.4826 * mad)).alias("price_robust_z")


def _brand_mentions(config: dict) -> list[tuple[str, pl.Expr, pl.Expr, pl.Expr, pl.Expr]]:
    """Return per brand group: (group, mentioned, look-alike only, spaced/leet only, seller authorised)."""
    lex = lexicon("brands")
    text = _text("title", "description")
    raw = pl.concat_str(
        [pl.col(c).fill_null("").str.normalize("NFC").str.to_lowercase() for c in ("title", "description")],
        separator=" \n ",
    )
    brand_col = normalised(pl.col("brand")).str.strip_chars()
    out = []
    for group, sub in lex.group_by("group", maintain_order=True):
        terms = sub["term"].to_list()
        name = group[0]
        plain = text.str.contains(terms_regex(terms))
        fuzzy = pl.any_horizontal([text.str.contains(obfuscation_regex(t)) for t in terms])
        raw_plain = raw.str.contains(terms_regex(terms))
        named = brand_col.is_in([normalise(t) for t in terms + [name]])
        auth = _authorised(pl.lit(normalise(name)))
        out.append((name, plain | fuzzy | named, plain & ~raw_plain, fuzzy & ~plain, auth))
    return out


def brand_unauthorised(config: dict | None = None) -> pl.Expr:
    """L2 Brand term by a seller not authorised for that brand.

    Definition: fires when the normalised title or description mentions a brand of the brand
    lexicon (plainly or obfuscated), or the brand field names one, and the brand is not in the
    seller's authorised brands (``seller_authorised_brands``).
    Fields: title, description, brand, seller_authorised_brands
    Source: AliExpress DSA risk assessment 2024/2025 (brand authorisation / seller vetting,
    ">2,000 brands"); methodology L2
    """
    config = config or load_config()
    return pl.any_horizontal([m & ~a for _, m, _, _, a in _brand_mentions(config)]).alias(
        "brand_unauthorised"
    )


def obfuscated_brand_text(config: dict | None = None) -> pl.Expr:
    """L3 Obfuscated brand or evasion text.

    Definition: fires when a brand term is found only after folding look-alike, full-width or
    zero-width characters (not in the raw lower-cased text), or only when separators or
    leetspeak between its letters are allowed ("N-i-k-e", "n1ke"), or when the text holds a
    counterfeit euphemism from the lexicon ("1:1", "AAA+", "replica", "toy watch").
    Fields: title, description
    Source: AliExpress DSA risk assessment 2024 ("dashes between the letters of a trademarked
    brand"); Cheung et al., ACM TOMM 2019 ("toy watch", "high-quality shoes"); methodology L3
    """
    config = config or load_config()
    disguised = [lookalike | spaced for _, _, lookalike, spaced, _ in _brand_mentions(config)]
    euphemism = _text("title", "description").str.contains(terms_regex(_terms("counterfeit_euphemisms")))
    return pl.any_horizontal([*disguised, euphemism]).alias("obfuscated_brand_text")


def gpsr_completeness(config: dict | None = None) -> pl.Expr:
    """Return the share (0–1) of the four GPSR Art. 19(1)(a)–(d) information items present."""
    config = config or load_config()
    a = _present("manufacturer_name") & _present("manufacturer_address") & _present("manufacturer_email")
    b = _in_eu("manufacturer_country", config) | (
        _present("eu_rp_name") & _present("eu_rp_address") & _in_eu("eu_rp_country", config)
    )
    c = _present("product_identifier")
    d = _present("safety_info")
    return (pl.sum_horizontal([x.cast(pl.Int64) for x in (a, b, c, d)]) / 4).alias("gpsr_completeness")


def gpsr_incomplete(config: dict | None = None) -> pl.Expr:
    """L4 GPSR Art. 19 listing completeness below 1.

    Definition: c = share of four items present: (a) manufacturer name, postal and electronic
    address; (b) an EU responsible person with name, address and EU/EEA country when the
    manufacturer is not in the EU/EEA; (c) a product identifier; (d) warnings or safety
    information. Fires when c < 1.
    Fields: manufacturer_name, manufacturer_address, manufacturer_email, manufacturer_country,
    eu_rp_name, eu_rp_address, eu_rp_country, product_identifier, safety_info
    Source: Regulation (EU) 2023/988 (GPSR) Art. 19(1)(a)-(d),
    https://eur-lex.europa.eu/eli/reg/2023/988/oj; first GPSR product-safety sweep 2025; methodology L4
    """
    return (gpsr_completeness(config) < 1).alias("gpsr_incomplete")


def toy_markings_missing(config: dict | None = None) -> pl.Expr:
    """L5 Missing toy markings on a child-targeted toy.

    Definition: for child-targeted listings in a toy category (``toy_categories``), fires when
    any of: no CE mark in the markings; no age warning (Toy Safety Directive Annex V phrase, in
    any lexicon language) in markings or description; no EU/EEA address (neither an EU
    manufacturer nor an EU responsible person). A screening flag: not every toy needs the
    under-36-months warning, and a printed "CE" can be fake.
    Fields: child_targeted, category, markings, description, manufacturer_country, eu_rp_name, eu_rp_country
    Source: Toy Safety Directive 2009/48/EC Art. 16-17 and Annex V,
    https://eur-lex.europa.eu/eli/dir/2009/48/oj; TIE Temu tests 2023 (18/19 without EU address);
    Which? 2024; methodology L5
    """
    config = config or load_config()
    toy = pl.col("child_targeted").fill_null(False) & pl.col("category").is_in(config["toy_categories"])
    ce = normalised(pl.col("markings")).str.contains(terms_regex(_terms("toy_markings", ["ce_mark"])))
    warning = _text("markings", "description").str.contains(
        terms_regex(_terms("toy_markings", ["age_warning"]))
    )
    eu_address = _in_eu("manufacturer_country", config) | (
        _present("eu_rp_name") & _in_eu("eu_rp_country", config)
    )
    return (toy & (~ce | ~warning | ~eu_address)).alias("toy_markings_missing")


def restricted_substance_terms(config: dict | None = None) -> pl.Expr:
    """L6 Restricted-substance, medicine or disease-cure terms.

    Definition: fires when the normalised title or description contains a term of the
    restricted-substances lexicon: PDE-5 inhibitors and analogues (sildenafil, tadalafil,
    hydroxyhomosildenafil, ...), sibutramine, unauthorised novel foods, disease-cure claims; in
    several EU languages.
    Fields: title, description
    Source: BfR 2012 (undeclared sildenafil, tadalafil, analogues, sibutramine in supplements); EU
    coordinated control plan on online food 2017; methodology L6
    """
    return (
        _text("title", "description")
        .str.contains(terms_regex(_terms("restricted_substances")))
        .alias("restricted_substance_terms")
    )


def adult_terms_child_listing(config: dict | None = None) -> pl.Expr:
    """L7 Adult terms in, or linked from, a child-targeted listing.

    Definition: fires when a child-targeted listing has an adult term in its title,
    description or linked text (pages it links to), or when any listing combines an adult term
    with a child-like term ("loli", "teen", "mini", "child") in its own text.
    Fields: child_targeted, title, description, linked_text
    Source: AliExpress seller notice 16 Jul 2020 (child-like sex dolls, banned words); Commission
    proceedings against AliExpress 14 Mar 2024 (minors' access to pornographic material);
    methodology L7
    """
    adult_re = terms_regex(_terms("adult_terms", ["adult"]))
    own = _text("title", "description")
    linked = normalised(pl.col("linked_text"))
    child_like = own.str.contains(terms_regex(_terms("adult_terms", ["childlike"])))
    own_adult = own.str.contains(adult_re)
    return (
        (pl.col("child_targeted").fill_null(False) & (own_adult | linked.str.contains(adult_re)))
        | (own_adult & child_like)
    ).alias("adult_terms_child_listing")


TRADER_FIELDS = ("trader_name", "trader_address", "trader_phone", "trader_email", "trader_register_no")


def trader_completeness() -> pl.Expr:
    """Return the share (0–1) of the six DSA Art. 30 trader-information items present."""
    items = [_present(c).cast(pl.Int64) for c in TRADER_FIELDS]
    items.append(pl.col("trader_self_certified").fill_null(False).cast(pl.Int64))
    return (pl.sum_horizontal(items) / len(items)).alias("trader_completeness")


def trader_traceability_gap(config: dict | None = None) -> pl.Expr:
    """L9 DSA Art. 30 trader-traceability gap.

    Definition: share of six items shown on the listing's trader panel: name, address,
    telephone, email, trade-register number, self-certification; fires when below 1.
    Fields: trader_name, trader_address, trader_phone, trader_email, trader_register_no, trader_self_certified
    Source: Regulation (EU) 2022/2065 (DSA) Art. 30(1)(a)-(e),
    https://eur-lex.europa.eu/eli/reg/2022/2065/oj; TDB keyword
    KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS; methodology L9
    """
    return (trader_completeness() < 1).alias("trader_traceability_gap")


def seller_age_days() -> pl.Expr:
    """Return the seller account's age in days on the observation date."""
    return (pl.col("observed_on") - pl.col("seller_registered_on")).dt.total_days().alias("seller_age_days")


def young_high_velocity_seller(config: dict | None = None) -> pl.Expr:
    """L11 Young, high-velocity seller.

    Definition: fires when the seller account is younger than ``thresholds.seller_max_age_days``
    (default 90) on the observation date and created at least
    ``thresholds.seller_min_new_listings_per_day`` (default 5) listings per day over the past 30 days.
    Fields: seller_registered_on, observed_on, seller_new_listings_30d
    Source: Forbes (Fou 2021: fake shops on domains "less than 100 days old"); Xu et al.
    (reputation escalation as a service); methodology L11
    """
    config = config or load_config()
    th = config["thresholds"]
    return (
        (seller_age_days() < th["seller_max_age_days"])
        & (pl.col("seller_new_listings_30d") / 30 >= th["seller_min_new_listings_per_day"])
    ).alias("young_high_velocity_seller")


def safety_gate_match(config: dict | None = None) -> pl.Expr:
    """L8 Listing matches an EU Safety Gate alert.

    Definition: the listing matches at least one Safety Gate alert by barcode (exact), by marketplace
    identifier such as the ASIN (exact), or by brand + model number + product words (fuzzy, thresholds in
    docs/safety-gate.md); the reason names the alert's case number and URL. Listings not annotated with
    ``dsa_explore.analysis.safetygate_match.annotate_listings`` cannot match.
    Fields: safety_gate_alerts (from title, brand, ean, product_identifier matched against the alert table)
    Source: Safety Gate weekly reports, https://ec.europa.eu/safety-gate-alerts (alerts notified under GPSR
    Art. 25-26, Regulation (EU) 2023/988); methodology L8
    """
    return (pl.col("safety_gate_alerts").fill_null("").str.len_chars() > 0).alias("safety_gate_match")


def reappearance_of_removed(removals: pl.DataFrame, config: dict | None = None) -> pl.Expr:
    """L15 Reappearance of a removed listing.

    Definition: fires when the listing shares its normalised title, its image hash or its EAN
    with a listing in the removal history that was removed on or before the day this listing
    was published (``listed_on``).
    Fields: title, image_hash, ean, listed_on; removal history (title, image_hash, ean, removed_on)
    Source: AliExpress DSA risk assessment 2025 ("reappearance fail rate"); first GPSR sweep 2025
    and TIE 2025 (removed products re-appeared); methodology L15
    """
    removals = validate_removals(removals)
    keys = {
        "title": (
            removals.select(
                k=pl.col("title").map_elements(normalise, return_dtype=pl.String), d=pl.col("removed_on")
            ),
            normalised(pl.col("title")),
        ),
        "image_hash": (
            removals.select(k=pl.col("image_hash").str.to_lowercase(), d=pl.col("removed_on")),
            pl.col("image_hash").str.to_lowercase(),
        ),
        "ean": (
            removals.select(k=pl.col("ean").str.strip_chars(), d=pl.col("removed_on")),
            pl.col("ean").str.strip_chars(),
        ),
    }
    hits = []
    for table, key in keys.values():
        first = (
            table.filter(pl.col("k").is_not_null() & (pl.col("k") != "")).group_by("k").agg(pl.col("d").min())
        )
        mapping = dict(zip(first["k"].to_list(), first["d"].to_list(), strict=True))
        removed_on = (
            key.replace_strict(mapping, default=None, return_dtype=pl.Date)
            if mapping
            else pl.lit(None, pl.Date)
        )
        hits.append((removed_on <= pl.col("listed_on")).fill_null(False))
    return pl.any_horizontal(hits).alias("reappearance_of_removed")


@dataclass(frozen=True)
class Indicator:
    """One risk indicator: its key, methodology id, label and expression builder."""

    key: str
    methodology_id: str
    label: str
    build: Callable[..., pl.Expr]
    needs_removals: bool = False


INDICATORS: tuple[Indicator, ...] = (
    Indicator("price_far_below_reference", "L1", "price far below reference", price_far_below_reference),
    Indicator("brand_unauthorised", "L2", "brand not authorised for seller", brand_unauthorised),
    Indicator("obfuscated_brand_text", "L3", "obfuscated brand / euphemism", obfuscated_brand_text),
    Indicator("gpsr_incomplete", "L4", "GPSR Art. 19 info incomplete", gpsr_incomplete),
    Indicator("toy_markings_missing", "L5", "toy markings missing", toy_markings_missing),
    Indicator(
        "restricted_substance_terms", "L6", "restricted substance / cure claim", restricted_substance_terms
    ),
    Indicator("adult_terms_child_listing", "L7", "adult terms, child-targeted", adult_terms_child_listing),
    Indicator("safety_gate_match", "L8", "matches a Safety Gate alert", safety_gate_match),
    Indicator("trader_traceability_gap", "L9", "DSA Art. 30 trader info gap", trader_traceability_gap),
    Indicator("young_high_velocity_seller", "L11", "young high-velocity seller", young_high_velocity_seller),
    Indicator(
        "reappearance_of_removed",
        "L15",
        "reappearance of removed listing",
        reappearance_of_removed,
        needs_removals=True,
    ),
)
INDICATOR_KEYS: tuple[str, ...] = tuple(i.key for i in INDICATORS)
#: Indicators that read an optional field (:data:`OPTIONAL_FIELDS`) another module fills in;
#: they never fire without it.
OPTIONAL_INDICATORS: tuple[str, ...] = ("safety_gate_match",)
LABELS: dict[str, str] = {i.key: i.label for i in INDICATORS}


def _docstring_sections(doc: str) -> dict[str, str]:
    text = " ".join(line.strip() for line in doc.strip().splitlines()[1:])
    out = {}
    for name in ("Definition", "Fields", "Source"):
        m = re.search(name + r":\s*(.*?)(?=\s(?:Definition|Fields|Source):|$)", text)
        out[name.lower()] = m.group(1).strip() if m else ""
    return out


def indicator_table(config: dict | None = None) -> pl.DataFrame:
    """Return one row per indicator: id, key, label, definition, fields, source, weight (from docstrings)."""
    config = config or load_config()
    rows = []
    for ind in INDICATORS:
        sec = _docstring_sections(ind.build.__doc__ or "")
        rows.append(
            {
                "id": ind.methodology_id,
                "indicator": ind.key,
                "label": ind.label,
                "definition": sec["definition"],
                "fields": sec["fields"],
                "source": sec["source"],
                "weight": float(config["weights"].get(ind.key, 0.0)),
            }
        )
    return pl.DataFrame(rows)


def compute_indicators(
    listings: pl.DataFrame, removals: pl.DataFrame, config: dict | None = None
) -> pl.DataFrame:
    """Return ``listings`` validated, with one boolean column per indicator and helper statistics.

    Adds the :data:`INDICATOR_KEYS` columns plus ``price_robust_z``, ``gpsr_completeness``,
    ``trader_completeness`` and ``seller_age_days``. Raises :class:`RiskInputError` on invalid input.
    """
    config = config or load_config()
    frame = validate_listings(listings)
    exprs = [ind.build(removals, config) if ind.needs_removals else ind.build(config) for ind in INDICATORS]
    return frame.with_columns(
        *exprs, price_robust_z(), gpsr_completeness(config), trader_completeness(), seller_age_days()
    )


# ----------------------------------------------------------------------------- scores


def _reason(key: str) -> pl.Expr:
    """Return the reason text of a fired indicator (L8 names the matched alerts: case number and URL)."""
    if key == "safety_gate_match":
        return pl.format("{}: {}", pl.lit(LABELS[key]), pl.col("safety_gate_alerts"))
    return pl.lit(LABELS[key])


def score_listings(indicators: pl.DataFrame, config: dict | None = None) -> pl.DataFrame:
    """Return ``indicators`` with ``risk_score`` (sum of weights of fired indicators) and ``reasons``.

    ``reasons`` lists the labels of fired indicators, heaviest first, joined by "; ".
    """
    config = config or load_config()
    weights = config["weights"]
    missing = [k for k in INDICATOR_KEYS if k not in indicators.columns]
    if missing:
        raise RiskInputError(
            f"score_listings needs indicator column(s) {missing}; run compute_indicators first"
        )
    ordered = sorted(INDICATOR_KEYS, key=lambda k: (-weights.get(k, 0), INDICATOR_KEYS.index(k)))
    score = pl.sum_horizontal([pl.col(k).cast(pl.Float64) * float(weights.get(k, 0)) for k in INDICATOR_KEYS])
    reasons = pl.concat_list([pl.when(pl.col(k)).then(_reason(k)) for k in ordered]).list.drop_nulls()
    return indicators.with_columns(
        risk_score=score,
        reasons=reasons.list.join("; "),
        n_indicators=pl.sum_horizontal([pl.col(k).cast(pl.Int64) for k in INDICATOR_KEYS]),
    )


def seller_scores(scored: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Return one row per seller: listings, flagged listings (score ≥ threshold), max and mean score, reasons.

    Sellers are ranked by maximum listing score, then number of flagged listings. ``reasons``
    counts each indicator over the seller's listings ("label ×n"), most frequent first. When the
    listings carry a ``data`` column (``"SYNTHETIC"`` from :func:`scored_synthetic`), it stays the
    leading column, so a copied table still says its rows are synthetic.
    """
    counts = [pl.col(k).cast(pl.Int64).sum().alias(k) for k in INDICATOR_KEYS]
    keys = ["data"] if "data" in scored.columns else []
    agg = scored.group_by(*keys, "platform", "seller_id").agg(
        pl.len().alias("listings"),
        (pl.col("risk_score") >= threshold).sum().alias("flagged_listings"),
        pl.col("risk_score").max().alias("max_score"),
        pl.col("risk_score").mean().alias("mean_score"),
        *counts,
    )
    reasons = []
    for row in agg.select(INDICATOR_KEYS).iter_rows():
        fired = sorted(((n, i) for i, n in enumerate(row) if n > 0), key=lambda t: (-t[0], t[1]))
        reasons.append("; ".join(f"{LABELS[INDICATOR_KEYS[i]]} ×{n}" for n, i in fired))
    agg = agg.with_columns(reasons=pl.Series(reasons, dtype=pl.String))
    return agg.drop(list(INDICATOR_KEYS)).sort(
        ["max_score", "flagged_listings", "seller_id"], descending=[True, True, False]
    )


# ----------------------------------------------------------------------------- fitted alternative


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    ridge: float = 1e-6,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> np.ndarray:
    """Return logistic-regression coefficients (intercept first) fitted by IRLS (Newton–Raphson).

    ``ridge`` adds a small L2 penalty on the slopes (not the intercept) so separable data still
    converge; with ``ridge=0`` the result is the maximum-likelihood estimate.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n, p = x.shape
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    design = np.column_stack([np.ones(n), x])
    beta = np.zeros(p + 1)
    penalty = np.full(p + 1, ridge)
    penalty[0] = 0.0
    for _ in range(max_iter):
        eta = np.clip(design @ beta, -30, 30)
        mu = 1 / (1 + np.exp(-eta))
        grad = design.T @ (w * (y - mu)) - penalty * beta
        hess = design.T @ (design * (w * mu * (1 - mu))[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            break
    return beta


def predict_logistic(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return predicted probabilities for features ``x`` and coefficients ``beta`` (intercept first)."""
    eta = np.clip(beta[0] + np.asarray(x, float) @ beta[1:], -30, 30)
    return 1 / (1 + np.exp(-eta))


def seller_folds(groups: Sequence[str], n_folds: int = 5, seed: int = 0) -> np.ndarray:
    """Return a fold number per row so that all rows of one seller fall in the same fold."""
    groups = np.asarray(groups, dtype=object)
    unique = np.array(sorted(set(groups.tolist())), dtype=object)
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of = {g: int(i % n_folds) for i, g in zip(order, unique, strict=True)}
    return np.array([fold_of[g] for g in groups])


def grouped_cv_probabilities(
    x: np.ndarray, y: np.ndarray, groups: Sequence[str], n_folds: int = 5, seed: int = 0, ridge: float = 1.0
) -> np.ndarray:
    """Return out-of-fold predicted probabilities with folds grouped by seller (no seller in two folds)."""
    folds = seller_folds(groups, n_folds, seed)
    out = np.empty(len(y))
    for f in range(n_folds):
        test = folds == f
        if not test.any():
            continue
        beta = fit_logistic(x[~test], y[~test], ridge=ridge)
        out[test] = predict_logistic(beta, x[test])
    return out


# ----------------------------------------------------------------------------- evaluation


def _inputs(scores, labels, weights=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s = np.asarray(scores.to_numpy() if isinstance(scores, pl.Series) else scores, dtype=float)
    y_raw = np.asarray(labels.to_list() if isinstance(labels, pl.Series) else labels, dtype=object)
    if s.shape != np.shape(y_raw) or s.ndim != 1:
        raise ValueError(
            f"scores and labels must be 1-D of equal length; got {s.shape} and {np.shape(y_raw)}"
        )
    bad = [i for i, v in enumerate(y_raw.tolist()) if v is None or v not in (0, 1, True, False)]
    if bad:
        raise ValueError(
            f"labels must be 0/1 or booleans with no missing values; position {bad[0]} is "
            f"{y_raw.tolist()[bad[0]]!r} ({len(bad)} invalid)"
        )
    if not np.all(np.isfinite(s)):
        i = int(np.flatnonzero(~np.isfinite(s))[0])
        raise ValueError(f"scores must be finite; position {i} is {float(s[i])!r}")
    y = np.asarray(y_raw, dtype=float)
    if weights is None:
        w = np.ones_like(s)
    else:
        w = np.asarray(weights.to_numpy() if isinstance(weights, pl.Series) else weights, dtype=float)
        if w.shape != s.shape or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError("weights must be positive, finite and as long as scores")
    return s, y, w


def precision_recall_at(scores, labels, threshold: float, weights=None) -> dict[str, float]:
    """Return precision, recall and flagged share among items with score ≥ ``threshold`` (weighted)."""
    s, y, w = _inputs(scores, labels, weights)
    flagged = s >= threshold
    tp = float(np.sum(w * y * flagged))
    n_flag = float(np.sum(w * flagged))
    pos = float(np.sum(w * y))
    return {
        "threshold": float(threshold),
        "precision": tp / n_flag if n_flag else float("nan"),
        "recall": tp / pos if pos else float("nan"),
        "flagged_share": n_flag / float(np.sum(w)),
        "flagged": int(flagged.sum()),
    }


def pr_curve(scores, labels, weights=None) -> pl.DataFrame:
    """Return the precision–recall curve: one row per distinct score (descending), weighted.

    Row j gives precision and recall when every item with score ≥ threshold_j is flagged
    (ties flagged together), as ``sklearn.metrics.precision_recall_curve`` does.
    """
    s, y, w = _inputs(scores, labels, weights)
    order = np.argsort(-s, kind="stable")
    s, y, w = s[order], y[order], w[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    tp = np.cumsum(w * y)[last]
    flagged = np.cumsum(w)[last]
    pos = tp[-1] if len(tp) else 0.0
    return pl.DataFrame(
        {
            "threshold": s[last],
            "precision": tp / flagged,
            "recall": tp / pos if pos else np.full(len(last), np.nan),
            "flagged": (last + 1).astype(np.int64),
        }
    )


def average_precision(scores, labels, weights=None) -> float:
    """Return average precision AP = Σ (R_n − R_{n−1}) P_n over the PR curve (weighted)."""
    curve = pr_curve(scores, labels, weights)
    recall = np.r_[0.0, curve["recall"].to_numpy()]
    return float(np.sum(np.diff(recall) * curve["precision"].to_numpy()))


def prevalence(labels, weights=None) -> float:
    """Return the (weighted) share of positives: the no-skill baseline of average precision."""
    _, y, w = _inputs(np.zeros(len(labels)), labels, weights)
    return float(np.sum(w * y) / np.sum(w))


def precision_at_k(scores, labels, k: int) -> float:
    """Return the expected share of positives among the ``k`` top-scored items (ties broken at random).

    Items tied with the k-th score contribute their positive share pro rata, so the value does
    not depend on row order.
    """
    s, y, _ = _inputs(scores, labels)
    if not 0 < k <= len(s):
        raise ValueError(f"k must be between 1 and the number of items ({len(s)}); got {k}")
    kth = np.sort(s)[::-1][k - 1]
    above = s > kth
    tied = s == kth
    slots = k - int(above.sum())
    return float((y[above].sum() + slots * y[tied].mean()) / k)


def calibration_table(
    probs, labels, n_bins: int = 10, strategy: str = "uniform", weights=None
) -> pl.DataFrame:
    """Return a reliability table: per bin, count, weight, mean predicted and observed positive share.

    ``strategy="uniform"`` uses equal-width bins on [0, 1] (right edge included in the last bin),
    ``"quantile"`` equal-count bins; empty bins are left out, as in ``sklearn.calibration.calibration_curve``.
    """
    p, y, w = _inputs(probs, labels, weights)
    if np.any((p < 0) | (p > 1)):
        i = int(np.flatnonzero((p < 0) | (p > 1))[0])
        raise ValueError(f"probabilities must lie in [0, 1]; position {i} is {float(p[i])!r}")
    if strategy == "uniform":
        edges = np.linspace(0, 1, n_bins + 1)
    elif strategy == "quantile":
        edges = np.quantile(p, np.linspace(0, 1, n_bins + 1))
    else:
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    idx = np.clip(np.searchsorted(edges[1:-1], p, side="right"), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        m = idx == b
        if not m.any():
            continue
        rows.append(
            {
                "bin": b,
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "n": int(m.sum()),
                "weight": float(w[m].sum()),
                "mean_predicted": float(np.sum(w[m] * p[m]) / w[m].sum()),
                "observed": float(np.sum(w[m] * y[m]) / w[m].sum()),
                "positives": int(y[m].sum()),
            }
        )
    return pl.DataFrame(rows)


def brier_score(probs, labels, weights=None) -> float:
    """Return the (weighted) Brier score, mean of (p − y)²."""
    p, y, w = _inputs(probs, labels, weights)
    return float(np.sum(w * (p - y) ** 2) / np.sum(w))


def risk_ratio_interval(
    k1: int, n1: int, k0: int, n0: int, level: float = 0.95
) -> tuple[float, float, float]:
    """Return (ratio, low, high): the risk ratio (k1/n1)/(k0/n0) with the Katz log interval.

    With a zero count, 0.5 is added to every cell (Haldane–Anscombe) before the interval.
    """
    from dsa_explore.analysis.estimators import z_value

    if min(n1, n0) <= 0 or not (0 <= k1 <= n1 and 0 <= k0 <= n0):
        raise ValueError(f"need 0 <= k <= n and n > 0; got k1={k1}, n1={n1}, k0={k0}, n0={n0}")
    a, b, c, d = float(k1), float(n1), float(k0), float(n0)
    if k1 == 0 or k0 == 0:
        a, c, b, d = a + 0.5, c + 0.5, b + 1.0, d + 1.0
    ratio = (a / b) / (c / d)
    se = np.sqrt(1 / a - 1 / b + 1 / c - 1 / d)
    z = z_value(level)
    return float(ratio), float(ratio * np.exp(-z * se)), float(ratio * np.exp(z * se))


def indicator_lift(
    frame: pl.DataFrame, label: str, keys: Sequence[str] = INDICATOR_KEYS, level: float = 0.95
) -> pl.DataFrame:
    """Return per indicator its firing share among bad and good listings (Wilson intervals) and its lift.

    Rows with a missing label are not used; the count used is reported (``n_bad``, ``n_good``).
    ``lift`` is the risk ratio share_bad/share_good with a Katz log interval; null (with its interval)
    for an indicator that fires on no labelled listing.
    """
    from dsa_explore.analysis.estimators import wilson_interval

    if label not in frame.columns:
        raise RiskInputError(f"indicator_lift: label column {label!r} not in frame")
    labelled = frame.filter(pl.col(label).is_not_null())
    bad = labelled.filter(pl.col(label))
    good = labelled.filter(~pl.col(label))
    if bad.height == 0 or good.height == 0:
        raise RiskInputError(
            f"indicator_lift needs both bad and good labelled rows; got {bad.height} bad, "
            f"{good.height} good in {label!r}"
        )
    rows = []
    for k in keys:
        kb, kg = int(bad[k].sum()), int(good[k].sum())
        lb, hb = wilson_interval(kb, bad.height, level)
        lg, hg = wilson_interval(kg, good.height, level)
        # an indicator that fires on no labelled listing has no lift (a continuity correction
        # would invent one)
        ratio, rl, rh = (
            risk_ratio_interval(kb, bad.height, kg, good.height, level) if kb + kg else (None, None, None)
        )
        rows.append(
            {
                "indicator": k,
                "label": LABELS.get(k, k),
                "k_bad": kb,
                "n_bad": bad.height,
                "share_bad": kb / bad.height,
                "bad_low": lb,
                "bad_high": hb,
                "k_good": kg,
                "n_good": good.height,
                "share_good": kg / good.height,
                "good_low": lg,
                "good_high": hg,
                "lift": ratio,
                "lift_low": rl,
                "lift_high": rh,
            }
        )
    return carry_marker(frame, pl.DataFrame(rows))


def carry_marker(source: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """Return ``table`` with a leading ``data`` = ``"SYNTHETIC"`` column when ``source`` has synthetic rows.

    ``source`` is the frame ``table`` was computed from; a table from real listings (no ``data``
    column reading ``"SYNTHETIC"``) is returned unchanged, so it never says SYNTHETIC falsely.
    """
    marked = source.schema.get("data") == pl.String and bool(
        (source.get_column("data") == SYNTHETIC_MARK).any()
    )
    if not marked or "data" in table.columns:
        return table
    return table.select(pl.lit(SYNTHETIC_MARK).alias("data"), pl.all())


def score_band_sample(
    frame: pl.DataFrame, score: str, bands: Sequence[float], rates: Sequence[float], seed: int = 0
) -> pl.DataFrame:
    """Return a labelling sample drawn by score band with known inclusion probabilities.

    ``bands`` are the lower edges of the bands (ascending, first usually 0); band j keeps each
    row independently with probability ``rates[j]`` (Poisson sampling). The sample carries
    ``eval_band``, ``eval_inclusion_prob`` and ``eval_weight`` = 1/probability.
    """
    if len(bands) != len(rates) or any(not 0 < r <= 1 for r in rates):
        raise ValueError("bands and rates must have equal length and rates lie in (0, 1]")
    edges = np.asarray(bands, float)
    s = frame[score].to_numpy()
    band = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, len(edges) - 1)
    prob = np.asarray(rates, float)[band]
    keep = np.random.default_rng(seed).random(len(s)) < prob
    return frame.with_columns(
        eval_band=pl.Series(band), eval_inclusion_prob=pl.Series(prob), eval_weight=pl.Series(1 / prob)
    ).filter(pl.Series(keep))


def threshold_table(scores, labels, weights=None) -> pl.DataFrame:
    """Return precision, recall and flagged count for every integer threshold from 0 to the maximum score."""
    s, _, _ = _inputs(scores, labels, weights)
    rows = [
        precision_recall_at(scores, labels, float(t), weights) for t in range(0, int(np.ceil(s.max())) + 1)
    ]
    return pl.DataFrame(rows)


def precision_at_k_curve(scores, labels, max_k: int | None = None) -> pl.DataFrame:
    """Return precision at k for k = 1 … ``max_k`` (default: all items)."""
    s, _, _ = _inputs(scores, labels)
    max_k = min(max_k or len(s), len(s))
    return pl.DataFrame(
        {
            "k": list(range(1, max_k + 1)),
            "precision_at_k": [precision_at_k(scores, labels, k) for k in range(1, max_k + 1)],
        }
    )


def fit_indicator_model(
    scored: pl.DataFrame, label: str = "label_bad", n_folds: int = 5, seed: int = 0, ridge: float = 1.0
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fit a logistic model on the indicators; return (scored with out-of-fold probabilities, coefficients).

    The scored frame gains ``fitted_probability``; the coefficient table has ``term``,
    ``coefficient`` and ``odds_ratio`` (all rounded to 12 decimals, so that machines agree).
    Folds are grouped by seller so no seller's listings are in both the fitting and the scored
    fold; rows with a missing label are left out (and their count reported in an error if all are).
    """
    labelled = scored.filter(pl.col(label).is_not_null())
    if labelled.height == 0:
        raise RiskInputError(f"fit_indicator_model: no row has a value in {label!r}")
    x = labelled.select([pl.col(k).cast(pl.Float64) for k in INDICATOR_KEYS]).to_numpy()
    y = labelled[label].cast(pl.Float64).to_numpy()
    # rounded to 12 decimals: the last bits of a fit depend on the CPU's BLAS and SIMD kernels, and
    # notebooks committed on one machine must give the same outputs on another
    probs = np.round(
        grouped_cv_probabilities(x, y, labelled["seller_id"].to_list(), n_folds, seed, ridge), 12
    )
    beta = np.round(fit_logistic(x, y, ridge=ridge), 12)
    coefs = pl.DataFrame(
        {
            "term": ["intercept", *INDICATOR_KEYS],
            "coefficient": beta,
            "odds_ratio": np.round(np.exp(beta), 12),
        }
    )
    return labelled.with_columns(fitted_probability=pl.Series(probs)), carry_marker(scored, coefs)


def compare_scores(
    frame: pl.DataFrame,
    scores: dict[str, str],
    label: str = "label_bad",
    capacity: int = 40,
    weight: str | None = None,
) -> pl.DataFrame:
    """Return one row per score column: prevalence (AP baseline), average precision, precision at capacity.

    ``scores`` maps a display name to a column. With ``weight`` (design weights of a labelled
    sample), prevalence and AP are weighted; precision at k is then left empty because the top k
    of a sample are not the top k of the population.
    """
    w = frame[weight] if weight else None
    rows = []
    for name, col in scores.items():
        rows.append(
            {
                "score": name,
                "listings": frame.height,
                "prevalence": prevalence(frame[label], w),
                "average_precision": average_precision(frame[col], frame[label], w),
                f"precision_at_{capacity}": None
                if weight
                else precision_at_k(frame[col], frame[label], min(capacity, frame.height)),
            }
        )
    return carry_marker(frame, pl.DataFrame(rows))


def band_sample_check(
    scored: pl.DataFrame,
    threshold: float,
    bands: Sequence[float],
    rates: Sequence[float],
    seed: int = 0,
    label: str = "label_bad",
) -> pl.DataFrame:
    """Return precision, recall and AP at ``threshold``: all listings, a score-band sample raw and weighted.

    Shows the verification bias of labelling mostly high-scoring listings and its correction
    by inverse-probability weights.
    """
    sample = score_band_sample(scored, "risk_score", bands, rates, seed)
    rows = []
    for name, frame, w in (
        ("all listings (truth)", scored, None),
        ("band sample, unweighted", sample, None),
        ("band sample, weighted 1/π", sample, sample["eval_weight"]),
    ):
        at = precision_recall_at(frame["risk_score"], frame[label], threshold, w)
        rows.append(
            {
                "evaluation": name,
                "labelled": frame.height,
                "prevalence": prevalence(frame[label], w),
                "precision": at["precision"],
                "recall": at["recall"],
                "average_precision": average_precision(frame["risk_score"], frame[label], w),
            }
        )
    return carry_marker(scored, pl.DataFrame(rows))


def explorer_summary(scored: pl.DataFrame, threshold: float, capacity: int, label: str = "label_bad") -> str:
    """Return the text the risk explorer shows for a threshold and a daily capacity."""
    at = precision_recall_at(scored["risk_score"], scored[label], threshold)
    k = max(1, min(capacity, scored.height))
    pk = precision_at_k(scored["risk_score"], scored[label], k)
    return (
        f"score >= {threshold:g}: {at['flagged']} listings flagged, precision {at['precision']:.1%}, "
        f"recall {at['recall']:.1%}\n"
        f"top {k} listings reviewed per day: precision {pk:.1%}"
    )


# ----------------------------------------------------------------------------- data

LISTINGS_DATASET = "risk_listings_synthetic"
REMOVALS_DATASET = "risk_removals_synthetic"
#: Target label for evaluation: substantive harm (counterfeit, prohibited or lab-tested unsafe).
TARGET = "label_bad"
#: The value of the leading ``data`` column of every synthetic frame this module returns.
SYNTHETIC_MARK = "SYNTHETIC"
#: Listings one reviewer team can check per day in the synthetic example (per platform).
DEFAULT_CAPACITY = 40


def add_target(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with boolean ``label_bad`` = counterfeit or prohibited or lab-unsafe (labels 0/1).

    ``label_bad`` is null when any of the three labels is missing (not assessed).
    """
    cols = ["label_counterfeit", "label_prohibited", "label_unsafe_lab"]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise RiskInputError(f"add_target needs label column(s) {missing}")
    return frame.with_columns(
        label_bad=pl.when(pl.any_horizontal([pl.col(c).is_null() for c in cols]))
        .then(None)
        .otherwise(pl.any_horizontal([pl.col(c).cast(pl.Int64) == 1 for c in cols]))
    )


@lru_cache(maxsize=2)
def _scored_synthetic_cached() -> pl.DataFrame:
    listings = catalog.load(LISTINGS_DATASET)
    removals = catalog.load(REMOVALS_DATASET)
    return add_target(score_listings(compute_indicators(listings, removals)))


def scored_synthetic(platform: str | None = None) -> pl.DataFrame:
    """Return the synthetic listings with indicators, score, reasons and ``label_bad`` (one platform or all).

    The first column, ``data``, reads ``"SYNTHETIC"`` on every row, and tables derived from it keep it.
    """
    frame = _scored_synthetic_cached()
    frame = frame.select(pl.lit(SYNTHETIC_MARK).alias("data"), pl.exclude("data"))
    if platform is not None:
        frame = frame.filter(pl.col("platform") == platform)
    return frame


def headline_facts(scored: pl.DataFrame, capacity: int, threshold: float) -> dict[str, Any]:
    """Return headline numbers: listings, prevalence, AP, precision at capacity and at a threshold."""
    y = scored[TARGET]
    s = scored["risk_score"]
    at = precision_recall_at(s, y, threshold)
    return {
        "listings": scored.height,
        "prevalence": prevalence(y),
        "average_precision": average_precision(s, y),
        "precision_at_capacity": precision_at_k(s, y, min(capacity, scored.height)),
        "capacity": capacity,
        "threshold": threshold,
        "precision_at_threshold": at["precision"],
        "recall_at_threshold": at["recall"],
        "flagged_at_threshold": at["flagged"],
    }


def planted_rates_table(listings: pl.DataFrame) -> pl.DataFrame:
    """Return per indicator the share of listings that carry the planted signal."""
    planted = listings["planted_signals"].fill_null("").str.split(";")
    table = pl.DataFrame(
        {
            "indicator": list(INDICATOR_KEYS),
            "planted_share": [float(planted.list.contains(k).mean()) for k in INDICATOR_KEYS],
        }
    )
    return carry_marker(listings, table)


def indicator_check(scored: pl.DataFrame) -> pl.DataFrame:
    """Return per indicator the planted share, the share it fired on, and the listings where the two disagree.

    ``scored`` is :func:`scored_synthetic` (its ``planted_signals`` column names the signals the
    generator planted in each listing); a correct indicator fires exactly where its signal was planted.
    """
    planted = scored["planted_signals"].fill_null("").str.split(";")
    fired = pl.DataFrame(
        {
            "indicator": list(INDICATOR_KEYS),
            "fired_share": [float(scored[k].mean()) for k in INDICATOR_KEYS],
            "mismatched_listings": [
                int((scored[k] != planted.list.contains(k)).sum()) for k in INDICATOR_KEYS
            ],
        }
    )
    return planted_rates_table(scored).join(fired, on="indicator", maintain_order="left")


def calibration_of(
    frame: pl.DataFrame, probability: str = "fitted_probability", label: str = TARGET, n_bins: int = 10
) -> pl.DataFrame:
    """Return :func:`calibration_table` of two columns of ``frame`` (marked SYNTHETIC when ``frame`` is)."""
    return carry_marker(frame, calibration_table(frame[probability], frame[label], n_bins=n_bins))
