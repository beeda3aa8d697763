"""Column layouts of the Commission's daily dump CSVs and of the summary store.

A CSV member's header decides its layout: full 38 columns (with ``content_id_ean``, since
2025-03-10), full 37 (without it), light 34 and light 33 (``StatementExportTrait::headings()`` and
``headingsLight()`` in app/Exports/StatementExportTrait.php of the transparency-database repository).
A header that is none of these is refused.
"""

from __future__ import annotations

import polars as pl

FULL_V2: tuple[str, ...] = (
    "uuid",
    "decision_visibility",
    "decision_visibility_other",
    "end_date_visibility_restriction",
    "decision_monetary",
    "decision_monetary_other",
    "end_date_monetary_restriction",
    "decision_provision",
    "end_date_service_restriction",
    "decision_account",
    "end_date_account_restriction",
    "account_type",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "incompatible_content_illegal",
    "category",
    "category_addition",
    "category_specification",
    "category_specification_other",
    "content_type",
    "content_type_other",
    "content_language",
    "content_date",
    "content_id_ean",
    "territorial_scope",
    "application_date",
    "decision_facts",
    "source_type",
    "source_identity",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "platform_uid",
    "created_at",
)
FULL_V1: tuple[str, ...] = tuple(c for c in FULL_V2 if c != "content_id_ean")
_LIGHT_DROPS = {
    "illegal_content_explanation",
    "incompatible_content_explanation",
    "territorial_scope",
    "decision_facts",
}
LIGHT_V2: tuple[str, ...] = tuple(c for c in FULL_V2 if c not in _LIGHT_DROPS)
LIGHT_V1: tuple[str, ...] = tuple(c for c in LIGHT_V2 if c != "content_id_ean")

#: Known layouts by name; the name is recorded in the manifest.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "full-38": FULL_V2,
    "full-37": FULL_V1,
    "light-34": LIGHT_V2,
    "light-33": LIGHT_V1,
}

#: Columns the summaries need (``territorial_scope`` is absent from light dumps).
NEEDED: tuple[str, ...] = (
    "uuid",
    "decision_visibility",
    "decision_monetary",
    "decision_provision",
    "decision_account",
    "decision_ground",
    "category",
    "category_specification",
    "content_type",
    "content_date",
    "territorial_scope",
    "application_date",
    "source_type",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "created_at",
)

#: Bump when the summary's columns or meaning change; a changed version re-ingests every dump.
SCHEMA_VERSION = 1

#: Lower edges (days) of the delay histogram bins; the last bin is open-ended.
DELAY_BIN_EDGES: tuple[int, ...] = (0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
DELAY_METRICS: dict[str, str] = {
    "mod": "moderation delay = application_date − content_date (days)",
    "dis": "disclosure delay = created_at − application_date (days, by calendar date)",
}

#: Grouping columns of the summary, in order (also the sort order of a partition).
GROUP_KEYS: tuple[str, ...] = (
    "day",
    "platform",
    "platform_raw",
    "category",
    "category_raw",
    "decision_ground",
    "decision_type",
    "decision_visibility",
    "decision_monetary",
    "decision_provision",
    "decision_account",
    "automated_detection",
    "automated_decision",
    "source_type",
    "content_type",
    "territorial_scope",
)


def delay_columns(prefix: str) -> list[str]:
    """Return the re-aggregable delay columns of metric ``prefix`` (``mod`` or ``dis``)."""
    return [f"{prefix}_null", f"{prefix}_negative", f"{prefix}_sum_days", f"{prefix}_max_days"] + [
        f"{prefix}_h{lo}" for lo in DELAY_BIN_EDGES
    ]


COUNT_COLUMNS: tuple[str, ...] = ("count", *delay_columns("mod"), *delay_columns("dis"))

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    **{k: pl.String() for k in GROUP_KEYS},
    "day": pl.Date(),
    **{c: pl.Int64() for c in COUNT_COLUMNS},
}

KEYWORD_KEYS: tuple[str, ...] = ("day", "platform", "category", "keyword")
KEYWORD_SCHEMA: dict[str, pl.DataType] = {
    "day": pl.Date(),
    "platform": pl.String(),
    "category": pl.String(),
    "keyword": pl.String(),
    "count": pl.Int64(),
}


def layout_of(header: list[str]) -> str | None:
    """Return the layout name of a CSV header, or None when it matches no known layout."""
    cols = tuple(h.strip() for h in header)
    if cols and cols[0].startswith("\ufeff"):
        cols = (cols[0][1:], *cols[1:])
    for name, layout in LAYOUTS.items():
        if cols == layout:
            return name
    return None
