"""Listing samples: the file format and its validator (estimates: :mod:`dsa_explore.analysis.listings`).

A listing sample is one CSV row per sampled listing (see ``docs/listing-sample-format.md``
for the data dictionary and ``data/listings/listing-sample-template.csv`` for a blank file)
plus a frame table with one row per stratum and its frame size N_h. :func:`validate_sample`
reads both as text, checks every value, and returns a :class:`ValidationReport` that keeps
every row and lists every problem with its file, line, column and raw value;
:func:`read_sample` raises :class:`ListingSampleError` when there is any problem. Faults of
the file itself (not UTF-8, empty, a column named twice, ragged rows) are reported by line too
(:mod:`dsa_explore.readers.textcsv`); identifiers are normalised (NFKC, invisible characters
removed) and every change listed in ``report.normalised``; platforms come from the registry
:mod:`dsa_explore.core.platforms`; a weight may not exceed its stratum's frame size.

Estimates from a validated sample are in :mod:`dsa_explore.analysis.listings`.

Column names are a stable interface: other modules (e.g. risk indicators) add optional
columns of their own; the validator keeps unknown columns as text and lists them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from dsa_explore.core.errors import InputFileError
from dsa_explore.data.builds import Build
from dsa_explore.data.catalog import DTYPES

if TYPE_CHECKING:
    pass

# ----------------------------------------------------------------------------- the format

#: Columns of a listing sample, in file order, with their polars type.
LISTING_SCHEMA: dict[str, str] = {
    "listing_id": "String",
    "platform": "String",
    "seller_id": "String",
    "seller_country": "String",
    "category": "String",
    "subcategory": "String",
    "title": "String",
    "price": "Float64",
    "currency": "String",
    "brand": "String",
    "branded": "Boolean",
    "child_targeted": "Boolean",
    "stratum": "String",
    "selection_mechanism": "String",
    "inclusion_prob": "Float64",
    "weight": "Float64",
    "views": "Int64",
    "orders": "Int64",
    "label_formal_noncompliant": "Int64",
    "label_unsafe_lab": "Int64",
    "label_counterfeit": "Int64",
    "label_prohibited": "Int64",
    "label_source": "String",
    "label_review": "Int64",
}

#: Columns that must be present and non-empty in every row.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "listing_id",
    "platform",
    "category",
    "stratum",
    "selection_mechanism",
    "label_source",
)

#: 0/1 outcome labels (empty = not assessed).
LABEL_COLUMNS: tuple[str, ...] = (
    "label_formal_noncompliant",
    "label_unsafe_lab",
    "label_counterfeit",
    "label_prohibited",
)

#: What each label means (used in tables, charts and the data dictionary).
LABEL_TITLES: dict[str, str] = {
    "label_formal_noncompliant": "formal non-compliance (desk: missing CE mark, EU address, warnings)",
    "label_unsafe_lab": "unsafe, confirmed by a lab test",
    "label_counterfeit": "counterfeit",
    "label_prohibited": "prohibited product",
    "label_review": "formal non-compliance on re-review",
}

#: Product categories (controlled vocabulary).
CATEGORIES: dict[str, str] = {
    "toys": "toys",
    "childcare": "childcare articles",
    "cosmetics": "cosmetics",
    "clothing_shoes": "clothing & shoes",
    "medicines_supplements": "medicines & supplements",
    "electronics_chargers": "electronics & chargers",
    "adult": "adult products",
    "other": "other",
}

#: Selection mechanisms: what each means and whether it yields known inclusion probabilities.
SELECTION_MECHANISMS: dict[str, dict] = {
    "random_listing": {
        "probability": True,
        "meaning": "simple random sample from a listing-ID or category-browse frame of the platform",
    },
    "random_in_stratum": {
        "probability": True,
        "meaning": "simple random sample within a stratum (e.g. platform × category)",
    },
    "risk_targeted": {
        "probability": True,
        "meaning": "risky units oversampled with known, unequal inclusion probabilities",
    },
    "search_top_k": {
        "probability": False,
        "meaning": "the top-k search results for a fixed query: inclusion probabilities unknown",
    },
    "purposive": {
        "probability": False,
        "meaning": "hand-picked for possible risk (most published test purchases): "
        "no inclusion probabilities",
    },
    "unknown": {"probability": False, "meaning": "how the items were selected is not published"},
}
PROBABILITY_MECHANISMS = tuple(k for k, v in SELECTION_MECHANISMS.items() if v["probability"])

LABEL_SOURCES: dict[str, str] = {
    "desk": "desk review of the listing page (formal labels only)",
    "lab": "test purchase with lab testing (label_unsafe_lab filled) plus desk review",
}

#: Columns of the frame table (one row per stratum).
FRAME_SCHEMA: dict[str, str] = {
    "stratum": "String",
    "platform": "String",
    "frame_size": "Int64",
    "description": "String",
}

_BOOL = {"true": True, "false": False, "1": True, "0": False}
_COUNTRY = re.compile(r"^([A-Z]{2}|unknown)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_WEIGHT_TOL = 1e-6

#: Identifier and code columns normalised on reading (Unicode NFKC, invisible characters removed; every
#: change reported in ``ValidationReport.normalised``). Free text (title, subcategory, brand, description)
#: is kept as written.
IDENTIFIER_COLUMNS: tuple[str, ...] = (
    "listing_id",
    "platform",
    "seller_id",
    "seller_country",
    "category",
    "currency",
    "stratum",
    "selection_mechanism",
    "label_source",
)


class ListingSampleError(InputFileError):
    """A listing sample or frame table has problems; ``problems`` lists every one."""

    def __init__(self, problems: pl.DataFrame, rows_read: int):
        self.problems = problems
        self.rows_read = rows_read
        lines = [_format_problem(r) for r in problems.head(25).iter_rows(named=True)]
        more = f"\n  ... and {problems.height - 25} more" if problems.height > 25 else ""
        first = problems.row(0, named=True) if problems.height else {}
        super().__init__(
            f"{problems.height} problem(s) in the listing sample ({rows_read} rows read):\n  "
            + "\n  ".join(lines)
            + more,
            file=first.get("file"),
            line=first.get("line"),
            value=first.get("value"),
            expected=first.get("expected"),
        )


def _format_problem(r: dict) -> str:
    where = f"{r['file']}: line {r['line']}" if r["line"] is not None else f"{r['file']}"
    col = f", column {r['column']!r}" if r["column"] else ""
    return f"{where}{col}: value {r['value']!r}: {r['problem']} (expected {r['expected']})"


PROBLEM_SCHEMA = {
    "file": pl.String,
    "line": pl.Int64,
    "listing_id": pl.String,
    "column": pl.String,
    "value": pl.String,
    "problem": pl.String,
    "expected": pl.String,
}

#: Columns of ``ValidationReport.normalised``: one row per value the reader changed, and how.
NORMALISED_SCHEMA = {
    "file": pl.String,
    "line": pl.Int64,
    "listing_id": pl.String,
    "column": pl.String,
    "value": pl.String,
    "normalised": pl.String,
    "change": pl.String,
}


@dataclass
class ValidationReport:
    """The typed sample (every row read, none dropped) and every problem found.

    ``rows_read == rows_valid + rows_with_problems``; ``problems`` has one row per problem
    (file, line, listing_id, column, raw value, problem, expected); ``normalised`` has one
    row per identifier the reader changed (Unicode NFKC, invisible characters removed,
    canonical platform spelling) with the raw value, the new value and the change.
    """

    sample: pl.DataFrame
    frame: pl.DataFrame
    problems: pl.DataFrame
    rows_read: int
    extra_columns: list[str] = field(default_factory=list)
    normalised: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=NORMALISED_SCHEMA))

    @property
    def ok(self) -> bool:
        """Whether the sample has no problem at all."""
        return self.problems.height == 0

    @property
    def rows_with_problems(self) -> int:
        """Data rows of the sample file with at least one problem (the header line not counted)."""
        sample_file = self.problems.filter(
            pl.col("line").is_not_null()
            & (pl.col("file") == self._sample_file)
            & (pl.col("line") != self._header_line)
        )
        return sample_file["line"].n_unique()

    @property
    def rows_valid(self) -> int:
        """Rows read without any problem."""
        return self.rows_read - self.rows_with_problems

    _sample_file: str = ""
    _header_line: int = 1

    def summary(self) -> str:
        """Return a one-line account: rows read = valid + with problems (and values normalised)."""
        changed = f"; {self.normalised.height} value(s) normalised" if self.normalised.height else ""
        return (
            f"{self.rows_read} rows read = {self.rows_valid} valid + {self.rows_with_problems} with problems "
            f"({self.problems.height} problem(s){changed})"
        )

    def raise_if_problems(self) -> None:
        """Raise :class:`ListingSampleError` listing every problem, if there is any."""
        if not self.ok:
            raise ListingSampleError(self.problems, self.rows_read)


class _Problems:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.changes: list[dict] = []

    def add(self, file, line, listing_id, column, value, problem, expected) -> None:
        self.rows.append(
            {
                "file": str(file),
                "line": line,
                "listing_id": listing_id,
                "column": column,
                "value": None if value is None else str(value),
                "problem": problem,
                "expected": expected,
            }
        )

    def changed(self, file, line, listing_id, column, value, new, change) -> None:
        self.changes.append(
            {
                "file": str(file),
                "line": line,
                "listing_id": listing_id,
                "column": column,
                "value": value,
                "normalised": new,
                "change": change,
            }
        )

    def drop_lines(self, file: str, lines: set[int], keep: int) -> None:
        """Forget the problems found on ``lines`` of ``file`` after the first ``keep`` (rows not aligned)."""
        self.rows = self.rows[:keep] + [
            r for r in self.rows[keep:] if not (r["file"] == file and r["line"] in lines)
        ]

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=PROBLEM_SCHEMA).sort(
            "file", "line", nulls_last=False, maintain_order=True
        )

    def changes_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.changes, schema=NORMALISED_SCHEMA).sort("file", "line", maintain_order=True)


@dataclass
class _Raw:
    """A table read as text: the frame, each row's file line, lines not aligned, whether it had a header."""

    frame: pl.DataFrame
    file: str
    lines: list[int]
    bad_lines: set[int] = field(default_factory=set)
    readable: bool = True


def _read_text_csv(source: Path | str | pl.DataFrame, columns: list[str], problems: _Problems) -> _Raw:
    """Read ``source`` as text; faults of the file itself (encoding, header, ragged rows) become problems."""
    if isinstance(source, pl.DataFrame):
        return _Raw(source.select(pl.all().cast(pl.String)), "<frame>", list(range(2, source.height + 2)))
    from dsa_explore.readers.textcsv import read_text_csv

    text = read_text_csv(source, columns)
    problems.rows.extend(text.problems)
    problems.changes.extend(text.normalised)
    return _Raw(text.frame, text.file, text.lines, text.bad_lines, text.readable)


def _normalise_identifiers(raw: _Raw, id_col: str, problems: _Problems) -> pl.DataFrame:
    """Return ``raw.frame`` with identifier columns normalised, and each change.

    Normalising is Unicode NFKC with invisible characters removed.
    """
    from dsa_explore.core import identifiers

    df = raw.frame
    out = {}
    for col in (c for c in IDENTIFIER_COLUMNS if c in df.columns):
        values = df[col].to_list()
        new = []
        for i, v in enumerate(values):
            if v is None:
                new.append(None)
                continue
            norm, changes = identifiers.normalise(v)
            for change in changes:
                lid = df[id_col][i] if id_col in df.columns else None
                problems.changed(raw.file, raw.lines[i], lid, col, v, norm, change)
            new.append(norm)
        out[col] = pl.Series(col, new, dtype=pl.String)
    return df.with_columns(**out) if out else df


def _typed(
    raw: pl.DataFrame,
    schema: dict[str, str],
    file: str,
    problems: _Problems,
    id_col: str | None,
    lines: list[int],
) -> pl.DataFrame:
    """Cast text columns to ``schema``; every value that does not parse becomes a problem and a null."""
    out = {}
    ids = raw[id_col] if id_col and id_col in raw.columns else pl.Series([None] * raw.height, dtype=pl.String)
    for col, dtype_name in schema.items():
        text = raw[col].str.strip_chars()
        text = pl.Series(col, [None if v is None or v == "" else v for v in text.to_list()], dtype=pl.String)
        if dtype_name == "String":
            out[col] = text
            continue
        if dtype_name == "Boolean":
            cast = text.str.to_lowercase().replace_strict(_BOOL, default=None, return_dtype=pl.Boolean)
            expected = "true/false (or 1/0)"
        else:
            cast = text.cast(DTYPES[dtype_name], strict=False)
            expected = "an integer" if dtype_name == "Int64" else "a finite number"
            if dtype_name == "Float64":
                # inf, -inf, nan and numbers beyond the float range (1e999) are no measurement
                cast = pl.Series(
                    col, [v if v is None or math.isfinite(v) else None for v in cast.to_list()], pl.Float64
                )
        bad = text.is_not_null() & cast.is_null()
        for i in bad.arg_true().to_list():
            problems.add(file, lines[i], ids[i], col, text[i], f"not {expected}", expected)
        out[col] = cast
    return pl.DataFrame(out, schema={c: DTYPES[t] for c, t in schema.items()})


def _check_platforms(
    df: pl.DataFrame, file: str, lines: list[int], problems: _Problems, id_col: str | None
) -> pl.DataFrame:
    """Return ``df`` with each platform in its registry spelling; report unknown names (with a suggestion)."""
    import difflib

    from dsa_explore.core import platforms

    known = list(platforms.KNOWN_PLATFORMS)
    new = []
    for i, v in enumerate(df["platform"].to_list()):
        lid = df[id_col][i] if id_col else None
        try:
            canonical = None if v is None else platforms.resolve(v)
        except ValueError:
            close = difflib.get_close_matches(v, known, n=1, cutoff=0.6) or difflib.get_close_matches(
                v.lower(), [k.lower() for k in known], n=1, cutoff=0.6
            )
            hint = ""
            if close:
                hint = f" (did you mean {next(k for k in known if k.lower() == close[0].lower())!r}?)"
            problems.add(
                file,
                lines[i],
                lid,
                "platform",
                v,
                f"unknown platform{hint}",
                f"one of {', '.join(known)} (the platform registry, dsa_explore.core.platforms)",
            )
            canonical = v
        if v is not None and canonical != v:
            problems.changed(
                file, lines[i], lid, "platform", v, canonical, "platform in its registry spelling"
            )
        new.append(canonical)
    return df.with_columns(pl.Series("platform", new, dtype=pl.String))


def _check_values(
    df: pl.DataFrame, raw: pl.DataFrame, file: str, problems: _Problems, lines: list[int]
) -> None:
    """Add a problem for every value outside its allowed set or range (reporting the raw text)."""
    ids = df["listing_id"]

    def flag(mask: pl.Series, col: str, problem: str, expected: str, value_col: str | None = None) -> None:
        for i in mask.fill_null(False).arg_true().to_list():
            problems.add(file, lines[i], ids[i], col, raw[value_col or col][i], problem, expected)

    for col in REQUIRED_COLUMNS:
        flag(df[col].is_null(), col, "required value is empty", "a non-empty value")
    flag(
        ~df["category"].is_in(list(CATEGORIES)) & df["category"].is_not_null(),
        "category",
        "unknown category",
        f"one of {', '.join(CATEGORIES)}",
    )
    flag(
        ~df["selection_mechanism"].is_in(list(SELECTION_MECHANISMS))
        & df["selection_mechanism"].is_not_null(),
        "selection_mechanism",
        "unknown selection mechanism",
        f"one of {', '.join(SELECTION_MECHANISMS)}",
    )
    flag(
        ~df["label_source"].is_in(list(LABEL_SOURCES)) & df["label_source"].is_not_null(),
        "label_source",
        "unknown label source",
        f"one of {', '.join(LABEL_SOURCES)}",
    )
    for col in (*LABEL_COLUMNS, "label_review"):
        flag(
            ~df[col].is_in([0, 1]) & df[col].is_not_null(),
            col,
            "label outside its allowed values",
            "0, 1 or empty (not assessed)",
        )
    flag(
        df["label_unsafe_lab"].is_not_null() & (df["label_source"] != "lab"),
        "label_unsafe_lab",
        "lab label given but label_source is not 'lab'",
        "label_source 'lab' when label_unsafe_lab is filled",
    )
    flag(
        ~df["seller_country"].str.contains(_COUNTRY.pattern) & df["seller_country"].is_not_null(),
        "seller_country",
        "not an ISO 3166 alpha-2 code",
        "two capital letters (e.g. CN, DE) or 'unknown'",
    )
    flag(
        ~df["currency"].str.contains(_CURRENCY.pattern) & df["currency"].is_not_null(),
        "currency",
        "not an ISO 4217 code",
        "three capital letters (e.g. EUR)",
    )
    flag(df["price"] < 0, "price", "negative price", "a price >= 0")
    flag(df["views"] < 0, "views", "negative count", "a count >= 0")
    flag(df["orders"] < 0, "orders", "negative count", "a count >= 0")
    p, w = df["inclusion_prob"], df["weight"]
    flag(
        (p <= 0) | (p > 1),
        "inclusion_prob",
        "inclusion probability outside (0, 1]",
        "a probability in (0, 1]",
    )
    flag(w < 1, "weight", "design weight below 1", "a weight >= 1 (the inverse of an inclusion probability)")
    both = p.is_not_null() & w.is_not_null() & (p > 0) & (p <= 1) & (w >= 1)
    flag(
        both & ((p * w - 1).abs() > _WEIGHT_TOL),
        "weight",
        "weight is not 1 / inclusion_prob",
        "weight = 1 / inclusion_prob (within 1e-6)",
    )
    needs = df["selection_mechanism"].is_in(list(PROBABILITY_MECHANISMS))
    # judged on the text: a weight given but unreadable ("inf") is reported once, as unreadable
    flag(
        needs & raw["inclusion_prob"].is_null() & raw["weight"].is_null(),
        "inclusion_prob",
        "probability sample row has neither inclusion_prob nor weight",
        "inclusion_prob or weight for random_listing, random_in_stratum and risk_targeted rows",
        value_col="selection_mechanism",
    )
    _check_duplicate_ids(df, raw, file, problems, lines)


def _check_duplicate_ids(
    df: pl.DataFrame, raw: pl.DataFrame, file: str, problems: _Problems, lines: list[int]
) -> None:
    """Report every repeat of a listing id (compared after normalisation), with its first occurrence line."""
    ids = df["listing_id"]
    first_line: dict[str, int] = {}
    first_raw: dict[str, str] = {}
    for i in (ids.is_duplicated() & ids.is_not_null()).arg_true().to_list():
        lid, text = ids[i], raw["listing_id"][i]
        if lid not in first_line:
            first_line[lid], first_raw[lid] = lines[i], text
            continue
        same = (
            "" if text == first_raw[lid] else "; equal once invisible characters are removed and NFKC applied"
        )
        problems.add(
            file,
            lines[i],
            lid,
            "listing_id",
            text,
            f"duplicate listing id (first on line {first_line[lid]}{same})",
            "each listing_id once",
        )


def _validate_frame(raw: _Raw, problems: _Problems) -> pl.DataFrame:
    file = raw.file
    empty = pl.DataFrame(schema={c: DTYPES[t] for c, t in FRAME_SCHEMA.items()})
    if not raw.readable:
        return empty
    missing = [c for c in ("stratum", "frame_size") if c not in raw.frame.columns]
    for c in missing:
        problems.add(
            file, None, None, c, None, "frame table lacks a required column", f"columns {list(FRAME_SCHEMA)}"
        )
    if missing:
        return empty
    # a frame without strata needs no problem of its own: each sample row then reports its stratum missing
    text = raw.frame
    for c in FRAME_SCHEMA:
        if c not in text.columns:
            text = text.with_columns(pl.lit(None, pl.String).alias(c))
    text = _normalise_identifiers(_Raw(text, file, raw.lines), "stratum", problems)
    frame = _typed(text, FRAME_SCHEMA, file, problems, "stratum", raw.lines)
    frame = _check_platforms(frame, file, raw.lines, problems, "stratum")
    _check_frame_rows(frame, raw, problems)
    return frame.with_columns(pl.Series("_line", raw.lines, dtype=pl.Int64))


def _check_frame_rows(frame: pl.DataFrame, raw: _Raw, problems: _Problems) -> None:
    """Report empty strata, frame sizes below 1 and strata listed twice."""
    file, lines = raw.file, raw.lines
    for i, (s, n) in enumerate(zip(frame["stratum"], frame["frame_size"], strict=True)):
        if s is None and lines[i] not in raw.bad_lines:
            problems.add(file, lines[i], None, "stratum", None, "required value is empty", "a stratum name")
        if n is not None and n <= 0:
            problems.add(file, lines[i], s, "frame_size", n, "frame size must be positive", "an integer >= 1")
    dup = frame["stratum"].is_duplicated() & frame["stratum"].is_not_null()
    for i in dup.arg_true().to_list()[1:]:
        problems.add(
            file,
            lines[i],
            frame["stratum"][i],
            "stratum",
            frame["stratum"][i],
            "stratum listed more than once",
            "each stratum once",
        )


def _check_against_frame(
    typed: pl.DataFrame,
    raw: pl.DataFrame,
    file: str,
    frame: pl.DataFrame,
    frame_file: str,
    problems: _Problems,
    lines: list[int],
) -> None:
    """Check each row against its stratum: listed, same platform, weight within the frame size, counts."""
    from dsa_explore.core.platforms import KNOWN_PLATFORMS as KNOWN

    strata = {r["stratum"]: r for r in frame.filter(pl.col("stratum").is_not_null()).iter_rows(named=True)}
    weights = typed.with_columns(
        pl.coalesce(
            pl.col("weight"), pl.when(pl.col("inclusion_prob") > 0).then(1 / pl.col("inclusion_prob"))
        )
    )
    for i, row in enumerate(weights.iter_rows(named=True)):
        s, lid = row["stratum"], row["listing_id"]
        if s is None:
            continue
        st = strata.get(s)
        if st is None:
            problems.add(
                file,
                lines[i],
                lid,
                "stratum",
                raw["stratum"][i],
                "stratum missing from the frame",
                f"a stratum listed in {frame_file}",
            )
            continue
        if st["platform"] in KNOWN and row["platform"] in KNOWN and st["platform"] != row["platform"]:
            problems.add(
                file,
                lines[i],
                lid,
                "platform",
                raw["platform"][i],
                f"platform does not match its stratum {s!r}, which {frame_file} line {st['_line']} gives "
                f"to {st['platform']}",
                f"{st['platform']} (the platform of stratum {s!r})",
            )
        w, n_h = row["weight"], st["frame_size"]
        if w is not None and n_h is not None and n_h >= 1 and w > n_h * (1 + _WEIGHT_TOL):
            col = "weight" if raw["weight"][i] is not None else "inclusion_prob"
            problems.add(
                file,
                lines[i],
                lid,
                col,
                raw[col][i],
                f"design weight {w:.6g} exceeds the frame size {n_h} of stratum {s!r}: one listing would "
                "stand for more listings than the stratum holds",
                f"inclusion_prob >= 1 / frame_size = {1 / n_h:.6g} (weight <= {n_h})",
            )
    counts = typed.group_by("stratum").len().join(frame.select("stratum", "frame_size"), on="stratum")
    for s, n_h, big_n in counts.filter(pl.col("len") > pl.col("frame_size")).iter_rows():
        problems.add(
            frame_file,
            None,
            None,
            "frame_size",
            big_n,
            f"stratum {s!r} has {n_h} sampled listings, more than its frame size",
            "frame_size >= listings sampled in the stratum",
        )


def _sample_columns(raw: _Raw, problems: _Problems) -> tuple[pl.DataFrame, list[str], bool]:
    """Return the sample's text columns (missing ones added empty), extra columns, whether to check values."""
    text = raw.frame
    if not raw.readable:
        return pl.DataFrame(schema={c: pl.String for c in LISTING_SCHEMA}), [], False
    missing_required = [c for c in REQUIRED_COLUMNS if c not in text.columns]
    for c in missing_required:
        problems.add(
            raw.file, None, None, c, None, "required column is missing", f"columns {list(LISTING_SCHEMA)}"
        )
    if text.height == 0 and not missing_required:
        problems.add(
            raw.file,
            None,
            None,
            None,
            None,
            "the sample has a header but no listings",
            "one row per sampled listing",
        )
    extra = [c for c in text.columns if c not in LISTING_SCHEMA]
    for c in LISTING_SCHEMA:
        if c not in text.columns:
            text = text.with_columns(pl.lit(None, pl.String).alias(c))
    return text, extra, not missing_required


def validate_sample(sample: Path | str | pl.DataFrame, frame: Path | str | pl.DataFrame) -> ValidationReport:
    """Check a listing sample against the format and its frame table; report every problem.

    Parameters
    ----------
    sample : path of the listing-sample CSV (or a frame of text columns).
    frame : path of the frame-table CSV (stratum, platform, frame_size, description).

    Returns
    -------
    ValidationReport
        Every row read is kept in ``report.sample`` (values that do not parse become null
        and are reported); ``report.problems`` names file, line (the header is line 1),
        listing id, column, raw value, the problem and what was expected;
        ``report.normalised`` lists every identifier changed on reading.
    """
    problems = _Problems()
    raw = _read_text_csv(sample, list(LISTING_SCHEMA), problems)
    raw_frame = _read_text_csv(frame, list(FRAME_SCHEMA), problems)
    frame_table = _validate_frame(raw_frame, problems)
    sample_file, lines = raw.file, raw.lines
    text, extra, check = _sample_columns(raw, problems)
    file_level = len(problems.rows)
    normal = _normalise_identifiers(_Raw(text, sample_file, lines), "listing_id", problems)
    typed = _typed(normal, LISTING_SCHEMA, sample_file, problems, "listing_id", lines)
    if check:
        typed = _check_platforms(typed, sample_file, lines, problems, "listing_id")
        _check_values(typed, text, sample_file, problems, lines)
        _check_against_frame(typed, text, sample_file, frame_table, raw_frame.file, problems, lines)
    # a row whose fields could not be aligned with the header is reported once, not once per empty value
    problems.drop_lines(sample_file, raw.bad_lines, file_level)
    # weights from inclusion probabilities where only one is given
    typed = typed.with_columns(
        pl.when(pl.col("weight").is_null() & (pl.col("inclusion_prob") > 0))
        .then(1 / pl.col("inclusion_prob"))
        .otherwise(pl.col("weight"))
        .alias("weight"),
        pl.when(pl.col("inclusion_prob").is_null() & (pl.col("weight") >= 1))
        .then(1 / pl.col("weight"))
        .otherwise(pl.col("inclusion_prob"))
        .alias("inclusion_prob"),
    )
    if extra:
        typed = typed.with_columns(text.select(extra))
    report = ValidationReport(
        sample=typed,
        frame=frame_table.drop("_line", strict=False),
        problems=problems.frame(),
        rows_read=text.height,
        extra_columns=extra,
        normalised=problems.changes_frame(),
    )
    report._sample_file = sample_file
    report._header_line = (lines[0] - 1) if lines else 1
    return report


def read_sample(sample: Path | str, frame: Path | str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the validated ``(sample, frame)``; raise :class:`ListingSampleError` listing every problem."""
    report = validate_sample(sample, frame)
    report.raise_if_problems()
    return report.sample, report.frame


def load_synthetic() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the shipped synthetic sample and its frame table (checksum, schema checked; then validated).

    The sample's first column, ``data``, reads ``"SYNTHETIC"`` on every row; the tables of
    :mod:`dsa_explore.analysis.listings` carry it, so a copied table still says it is synthetic.
    """
    from dsa_explore.data import catalog

    report = validate_sample(
        catalog.load("listing_sample_synthetic"), catalog.load("listing_frame_synthetic")
    )
    report.raise_if_problems()
    return report.sample.select(pl.lit("SYNTHETIC").alias("data"), pl.exclude("data")), report.frame


_TEMPLATES = (
    (
        "listing-sample-template.csv",
        LISTING_SCHEMA,
        "listing_sample_template",
        "Blank listing-sample template (header only)",
        "Header row of the listing-sample format of dsa_explore.readers.listings; fill one row per sampled "
        "listing. Data dictionary: docs/listing-sample-format.md.",
    ),
    (
        "listing-frame-template.csv",
        FRAME_SCHEMA,
        "listing_frame_template",
        "Blank frame-table template (header only)",
        "Header row of the frame table of a listing sample: one row per stratum with its frame size N_h. "
        "Data dictionary: docs/listing-sample-format.md.",
    ),
)


def write_templates(folder: Path | str, *, records: bool = False) -> list[Path]:
    """Write the blank listing-sample and frame-table templates (header rows only) into ``folder``.

    With ``records=True`` (the shipped copies, ``make data``) each gets its provenance record too.
    """
    from dsa_explore.data import provenance

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for file_name, schema, name, title, description in _TEMPLATES:
        path = folder / file_name
        path.write_text(",".join(schema) + "\n", encoding="utf-8")
        if records:
            fields = provenance.record(
                name,
                title,
                description,
                licence="CC0-1.0",
                version="2026-11-28",
                synthetic=False,
                schema=dict(schema),
                source="generated by `dsa_explore.readers.listings.write_templates` (no data)",
            )
            provenance.write(path, fields, built_by="dsa_explore.readers.listings.write_templates")
        out.append(path)
    return out


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`).
BUILD = Build(
    name="listing_templates",
    outputs=("listings/listing-sample-template.csv", "listings/listing-frame-template.csv"),
    inputs=(),
    function=lambda root: write_templates(Path(root) / "listings", records=True),
    description="blank listing-sample and frame-table templates (header rows of the format)",
)


PUBLISHED_OUTCOMES = ("non_compliant", "unsafe")


def validate_published(t: pl.DataFrame, file: str = "published-test-purchases.csv") -> pl.DataFrame:
    """Return the published test purchases ``t`` when every row is consistent; else raise naming line, value.

    Checks: n and positives both given or both empty (a shares-only row has neither and may have a
    ``share``); 0 <= positives <= n, n > 0; share in [0, 1]; a known selection mechanism and outcome
    type; an http(s) source URL. Raises :class:`~dsa_explore.core.errors.InputFileError` listing every
    problem.
    """
    problems = []
    for i, r in enumerate(t.iter_rows(named=True), start=2):
        where = f"{file} line {i} ({r['study']}, {r['platform']})"
        if (r["n"] is None) != (r["positives"] is None):
            problems.append(f"{where}: n={r['n']!r}, positives={r['positives']!r}; expected both or neither")
        elif r["n"] is not None and not (r["n"] > 0 and 0 <= r["positives"] <= r["n"]):
            problems.append(
                f"{where}: positives={r['positives']} of n={r['n']}; expected 0 <= positives <= n, n > 0"
            )
        if r["share"] is not None and not 0 <= r["share"] <= 1:
            problems.append(f"{where}: share={r['share']}; expected a share between 0 and 1")
        if r["selection_mechanism"] not in SELECTION_MECHANISMS:
            problems.append(
                f"{where}: selection_mechanism={r['selection_mechanism']!r}; expected one of "
                f"{list(SELECTION_MECHANISMS)}"
            )
        if r["outcome_type"] not in PUBLISHED_OUTCOMES:
            problems.append(
                f"{where}: outcome_type={r['outcome_type']!r}; expected one of {list(PUBLISHED_OUTCOMES)}"
            )
        if not (r["source_url"] or "").startswith(("http://", "https://")):
            problems.append(f"{where}: source_url={r['source_url']!r}; expected an http(s) address")
    if problems:
        raise InputFileError(
            f"{len(problems)} problem(s) in the published test purchases:\n" + "\n".join(problems),
            file=file,
            expected="consistent published counts",
        )
    return t
