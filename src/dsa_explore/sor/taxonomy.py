"""The Transparency Database's vocabulary: enums, platform renames, the v1→v2 taxonomy, territorial aliases.

Everything that maps one spelling to another is data with its source, shipped with the package
(``dsa_explore/sor/data/``):

- ``platform_renames.csv`` (``raw_name, canonical, source``): display names the TDB used over time
  (``Amazon`` → ``Amazon Store``, ``Vinted UAB`` → ``Vinted``, ``SIA "JOOM"`` and the HTML-escaped
  ``SIA &quot;JOOM&quot;`` → ``Joom``, ``OTTO Market`` → ``OTTO``, ``Trendyol B.V.`` → ``Trendyol``, ...).
  Names are HTML-unescaped before lookup, so any further ``&quot;``/``&amp;`` variant is caught too.
  ``Shein`` becomes ``SHEIN``, the project's spelling (``dsa_explore.core.platforms.KNOWN_PLATFORMS``).
- ``category_v1_v2.csv`` and ``keyword_v1_v2.csv`` (``v1, v2, status, source``): the official
  mapping of the schema switch of 2025-07-01 (Implementing Regulation (EU) 2024/2835; the API's v2
  changelog). ``status`` is ``unchanged``, ``renamed``, ``v1_only`` (dropped in v2, kept as its own
  value, e.g. ``STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT``) or ``v2_only``.

Every mapping function takes either a Python string (or list) or a polars expression, so the same
code serves a notebook cell and the ingestion engine::

    canonical_platform("Amazon")                       # 'Amazon Store'
    frame.with_columns(canonical_platform(pl.col("platform_name")))
    frame.with_columns(category_v2(pl.col("category")))
    frame.with_columns(pl.col("keywords").list.eval(keyword_v2(pl.element())))
    territorial_alias(["AT", "BE", ...])               # 'EU', 'EEA', 'EEA_no_IS' or 'AT_FR'
"""

from __future__ import annotations

import csv
import html
from functools import lru_cache
from importlib import resources
from typing import overload

import polars as pl

from dsa_explore.core.reference import MEMBER_STATES

# ---------------------------------------------------------------------------------------------
# Enumerations (keys as they appear in the CSV; app/Models/Statement.php of
# digital-services-act/transparency-database)
# ---------------------------------------------------------------------------------------------

DECISION_VISIBILITY: tuple[str, ...] = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_MONETARY: tuple[str, ...] = (
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
)
DECISION_PROVISION: tuple[str, ...] = (
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
)
DECISION_ACCOUNT: tuple[str, ...] = ("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED")
ACCOUNT_TYPE: tuple[str, ...] = ("ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE")
DECISION_GROUND: tuple[str, ...] = ("DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
YES_NO: tuple[str, ...] = ("Yes", "No")
AUTOMATED_DECISION: tuple[str, ...] = (
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
)
SOURCE_TYPE: tuple[str, ...] = (
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
)
CONTENT_TYPE: tuple[str, ...] = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)

#: The 27 EU member states as TDB country codes (Greece is ``GR``).
EU_COUNTRIES: tuple[str, ...] = MEMBER_STATES
#: The 30 EEA codes the API accepts (EU plus Iceland, Liechtenstein, Norway).
EEA_COUNTRIES: tuple[str, ...] = tuple(sorted(EU_COUNTRIES + ("IS", "LI", "NO")))
EEA_NO_IS_COUNTRIES: tuple[str, ...] = tuple(c for c in EEA_COUNTRIES if c != "IS")

#: Separator of list values joined into one string (as dsa-tdb's aggregates: ``AT_FR_ES``).
LIST_SEPARATOR = "_"
#: Separator for enum lists (enum keys contain ``_``), as the TDB's own aggregates (``__``).
ENUM_LIST_SEPARATOR = "__"

TERRITORIAL_ALIASES: dict[str, str] = {
    LIST_SEPARATOR.join(sorted(EU_COUNTRIES)): "EU",
    LIST_SEPARATOR.join(EEA_COUNTRIES): "EEA",
    LIST_SEPARATOR.join(EEA_NO_IS_COUNTRIES): "EEA_no_IS",
}

_DATA = "dsa_explore.sor.data"


def _read_data_csv(name: str) -> list[dict[str, str]]:
    with resources.files(_DATA).joinpath(name).open("r", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def platform_renames() -> dict[str, str]:
    """Return the rename map raw display name → canonical name (with HTML-escaped variants)."""
    mapping: dict[str, str] = {}
    for row in _read_data_csv("platform_renames.csv"):
        raw, canonical = row["raw_name"], row["canonical"]
        mapping[raw] = canonical
        mapping[html.unescape(raw)] = canonical
        mapping[html.escape(html.unescape(raw), quote=True)] = canonical
        mapping[html.escape(html.unescape(raw), quote=True).replace("&#x27;", "&#039;")] = canonical
    return mapping


def platform_renames_table() -> pl.DataFrame:
    """Return the shipped rename map as a frame (``raw_name, canonical, source``)."""
    return pl.DataFrame(
        _read_data_csv("platform_renames.csv"),
        schema={"raw_name": pl.String, "canonical": pl.String, "source": pl.String},
    )


def _mapping_table(name: str) -> pl.DataFrame:
    return pl.DataFrame(
        _read_data_csv(name),
        schema={"v1": pl.String, "v2": pl.String, "status": pl.String, "source": pl.String},
    )


def category_mapping_table() -> pl.DataFrame:
    """Return the official v1→v2 category mapping (``v1, v2, status, source``)."""
    return _mapping_table("category_v1_v2.csv")


def keyword_mapping_table() -> pl.DataFrame:
    """Return the official v1→v2 keyword mapping (``v1, v2, status, source``)."""
    return _mapping_table("keyword_v1_v2.csv")


@lru_cache(maxsize=1)
def _category_map() -> dict[str, str]:
    return {r["v1"]: r["v2"] for r in _read_data_csv("category_v1_v2.csv") if r["v1"] and r["v1"] != r["v2"]}


@lru_cache(maxsize=1)
def _keyword_map() -> dict[str, str]:
    return {r["v1"]: r["v2"] for r in _read_data_csv("keyword_v1_v2.csv") if r["v1"] and r["v1"] != r["v2"]}


@lru_cache(maxsize=1)
def _status(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in _read_data_csv(name):
        if r["status"] == "v2_only":
            out[r["v2"]] = "v2_only"
        else:
            out[r["v1"]] = r["status"]
            out.setdefault(r["v2"], "unchanged" if r["status"] == "unchanged" else "v2")
    return out


def _category_values(status: set[str], column: str) -> tuple[str, ...]:
    rows = _read_data_csv("category_v1_v2.csv")
    return tuple(sorted({r[column] for r in rows if r["status"] in status and r[column]}))


#: The 16 v2 categories (current schema).
CATEGORIES_V2: tuple[str, ...] = _category_values({"unchanged", "renamed", "v2_only"}, "v2")
#: The 4 categories found only in v1-era dumps.
CATEGORIES_V1_ONLY: tuple[str, ...] = tuple(
    sorted({r["v1"] for r in _read_data_csv("category_v1_v2.csv") if r["status"] in ("renamed", "v1_only")})
)
#: Every category value a dump can hold (20).
CATEGORIES: tuple[str, ...] = tuple(sorted(set(CATEGORIES_V2) | set(CATEGORIES_V1_ONLY)))
#: Categories after harmonisation: v2 plus the two dropped v1 categories kept as their own value (18).
CATEGORIES_HARMONISED: tuple[str, ...] = tuple(
    sorted(
        set(CATEGORIES_V2)
        | {r["v1"] for r in _read_data_csv("category_v1_v2.csv") if r["status"] == "v1_only"}
    )
)
KEYWORDS_V1: tuple[str, ...] = tuple(sorted(r["v1"] for r in _read_data_csv("keyword_v1_v2.csv") if r["v1"]))
KEYWORDS_V2: tuple[str, ...] = tuple(
    sorted(r["v2"] for r in _read_data_csv("keyword_v1_v2.csv") if r["status"] in ("unchanged", "v2_only"))
)
KEYWORDS: tuple[str, ...] = tuple(sorted(set(KEYWORDS_V1) | set(KEYWORDS_V2)))


# ---------------------------------------------------------------------------------------------
# Mapping functions: str in → str out, pl.Expr in → pl.Expr out
# ---------------------------------------------------------------------------------------------


def _unescape_expr(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all("&quot;", '"', literal=True)
        .str.replace_all("&#039;", "'", literal=True)
        .str.replace_all("&#39;", "'", literal=True)
        .str.replace_all("&amp;", "&", literal=True)
    )


@overload
def canonical_platform(value: str) -> str: ...
@overload
def canonical_platform(value: None) -> None: ...
@overload
def canonical_platform(value: pl.Expr) -> pl.Expr: ...


def canonical_platform(value):
    """Return the canonical platform name (HTML-unescaped, renamed per ``platform_renames.csv``).

    Takes a string (returns a string) or a polars String expression (returns an expression that
    keeps the input's output name).
    """
    mapping = platform_renames()
    if isinstance(value, pl.Expr):
        unescaped = _unescape_expr(value.cast(pl.String)).str.strip_chars()
        return unescaped.replace(mapping)
    if value is None:
        return None
    name = html.unescape(str(value)).strip()
    return mapping.get(name, name)


def category_v2(value):
    """Map a v1 category to v2 (renames per the official mapping; v1-only values kept as they are).

    Takes a string or a polars expression; v2 values and unknown values pass through unchanged.
    """
    mapping = _category_map()
    if isinstance(value, pl.Expr):
        return value.cast(pl.String).replace(mapping)
    if value is None:
        return None
    return mapping.get(value, value)


def keyword_v2(value):
    """Map a v1 keyword (``KEYWORD_*``) to v2; v1-only keywords are kept as they are.

    For a list column use ``pl.col("keywords").list.eval(keyword_v2(pl.element()))``.
    """
    mapping = _keyword_map()
    if isinstance(value, pl.Expr):
        return value.cast(pl.String).replace(mapping)
    if value is None:
        return None
    return mapping.get(value, value)


def category_status(value: str) -> str | None:
    """Return a category's v1/v2 status, None if unknown.

    One of ``unchanged``, ``renamed``, ``v1_only``, ``v2_only`` (or ``v2`` for a rename target).
    """
    return _status("category_v1_v2.csv").get(value)


def territorial_alias(value):
    """Collapse a list of country codes to ``EU``, ``EEA``, ``EEA_no_IS`` or the sorted codes joined by ``_``.

    Takes a list/tuple of codes (returns a string; ``None`` for ``None`` or an empty list) or a
    polars expression of ``List(String)`` (returns a String expression). Duplicates are ignored.
    """
    if isinstance(value, pl.Expr):
        joined = value.list.unique().list.sort().list.join(LIST_SEPARATOR)
        return pl.when(value.list.len() > 0).then(joined.replace(TERRITORIAL_ALIASES)).otherwise(None)
    if value is None:
        return None
    codes = sorted({str(c).strip() for c in value if c is not None and str(c).strip()})
    if not codes:
        return None
    joined = LIST_SEPARATOR.join(codes)
    return TERRITORIAL_ALIASES.get(joined, joined)


def decision_type(visibility: bool, monetary: bool, provision: bool, account: bool) -> str | None:
    """Return the decision-type combination label (``vis``, ``vis_acc``, ... as shantay), None if none."""
    parts = [
        name
        for name, flag in (("vis", visibility), ("mon", monetary), ("pro", provision), ("acc", account))
        if flag
    ]
    return "_".join(parts) or None
