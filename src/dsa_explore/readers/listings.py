"""Listing samples: the file format and its validator (estimates: :mod:`dsa_explore.analysis.listings`).

A listing sample is one CSV row per sampled listing (see ``docs/listing-sample-format.md``
for the data dictionary and ``data/listings/listing-sample-template.csv`` for a blank file)
plus a frame table with one row per stratum and its frame size N_h. :func:`validate_sample`
reads both as text, checks every value, and returns a :class:`ValidationReport` that keeps
every row and lists every problem with its file, line, column and raw value;
:func:`read_sample` raises :class:`ListingSampleError` when there is any problem.

Estimates from a validated sample are in :mod:`dsa_explore.analysis.listings`.

Column names are a stable interface: other modules (e.g. risk indicators) add optional
columns of their own; the validator keeps unknown columns as text and lists them.
"""

from __future__ import annotations

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
REQUIRED_COLUMNS: tuple[str, ...] = ("listing_id", "platform", "category", "stratum", "selection_mechanism",
                                     "label_source")

#: 0/1 outcome labels (empty = not assessed).
LABEL_COLUMNS: tuple[str, ...] = ("label_formal_noncompliant", "label_unsafe_lab", "label_counterfeit",
                                  "label_prohibited")

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
    "random_listing": {"probability": True,
                       "meaning": "simple random sample from a listing-ID or category-browse frame of the platform"},
    "random_in_stratum": {"probability": True,
                          "meaning": "simple random sample within a stratum (e.g. platform × category)"},
    "risk_targeted": {"probability": True,
                      "meaning": "risky units oversampled with known, unequal inclusion probabilities"},
    "search_top_k": {"probability": False,
                     "meaning": "the top-k search results for a fixed query: inclusion probabilities unknown"},
    "purposive": {"probability": False,
                  "meaning": "hand-picked for possible risk (most published test purchases): no inclusion probabilities"},
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


class ListingSampleError(InputFileError):
    """A listing sample or frame table has problems; ``problems`` lists every one."""

    def __init__(self, problems: pl.DataFrame, rows_read: int):
        self.problems = problems
        self.rows_read = rows_read
        lines = [_format_problem(r) for r in problems.head(25).iter_rows(named=True)]
        more = f"\n  ... and {problems.height - 25} more" if problems.height > 25 else ""
        super().__init__(f"{problems.height} problem(s) in the listing sample ({rows_read} rows read):\n  "
                         + "\n  ".join(lines) + more)


def _format_problem(r: dict) -> str:
    where = f"{r['file']}: line {r['line']}" if r["line"] is not None else f"{r['file']}"
    col = f", column {r['column']!r}" if r["column"] else ""
    return f"{where}{col}: value {r['value']!r}: {r['problem']} (expected {r['expected']})"


PROBLEM_SCHEMA = {"file": pl.String, "line": pl.Int64, "listing_id": pl.String, "column": pl.String,
                  "value": pl.String, "problem": pl.String, "expected": pl.String}


@dataclass
class ValidationReport:
    """The typed sample (every row read, none dropped) and every problem found.

    ``rows_read == rows_valid + rows_with_problems``; ``problems`` has one row per problem
    (file, line, listing_id, column, raw value, problem, expected).
    """

    sample: pl.DataFrame
    frame: pl.DataFrame
    problems: pl.DataFrame
    rows_read: int
    extra_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problems.height == 0

    @property
    def rows_with_problems(self) -> int:
        sample_file = self.problems.filter(pl.col("line").is_not_null() & (pl.col("file") == self._sample_file))
        return sample_file["line"].n_unique()

    @property
    def rows_valid(self) -> int:
        return self.rows_read - self.rows_with_problems

    _sample_file: str = ""

    def summary(self) -> str:
        """Return a one-line account: rows read = valid + with problems."""
        return (f"{self.rows_read} rows read = {self.rows_valid} valid + {self.rows_with_problems} with problems "
                f"({self.problems.height} problem(s))")

    def raise_if_problems(self) -> None:
        if not self.ok:
            raise ListingSampleError(self.problems, self.rows_read)


class _Problems:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, file, line, listing_id, column, value, problem, expected) -> None:
        self.rows.append({"file": str(file), "line": line, "listing_id": listing_id, "column": column,
                          "value": None if value is None else str(value), "problem": problem, "expected": expected})

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=PROBLEM_SCHEMA).sort("file", "line", nulls_last=False,
                                                                   maintain_order=True)


def _read_text_csv(source: Path | str | pl.DataFrame) -> tuple[pl.DataFrame, str]:
    if isinstance(source, pl.DataFrame):
        return source.select(pl.all().cast(pl.String)), "<frame>"
    path = Path(source)
    return pl.read_csv(path, infer_schema=False, null_values=[""], encoding="utf8"), str(path)


def _typed(raw: pl.DataFrame, schema: dict[str, str], file: str, problems: _Problems,
           id_col: str | None) -> pl.DataFrame:
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
            expected = "an integer" if dtype_name == "Int64" else "a number"
            if dtype_name == "Float64":
                cast = pl.Series(col, [None if v is not None and v != v else v for v in cast.to_list()], pl.Float64)
        bad = text.is_not_null() & cast.is_null()
        for i in bad.arg_true().to_list():
            problems.add(file, i + 2, ids[i], col, text[i], f"not {expected}", expected)
        out[col] = cast
    return pl.DataFrame(out)


def _check_values(df: pl.DataFrame, raw: pl.DataFrame, file: str, problems: _Problems) -> None:
    """Add a problem for every value outside its allowed set or range (reporting the raw text)."""
    lines = pl.Series(range(2, df.height + 2))
    ids = df["listing_id"]

    def flag(mask: pl.Series, col: str, problem: str, expected: str, value_col: str | None = None) -> None:
        for i in mask.fill_null(False).arg_true().to_list():
            problems.add(file, lines[i], ids[i], col, raw[value_col or col][i], problem, expected)

    for col in REQUIRED_COLUMNS:
        flag(df[col].is_null(), col, "required value is empty", "a non-empty value")
    flag(~df["category"].is_in(list(CATEGORIES)) & df["category"].is_not_null(), "category",
         "unknown category", f"one of {', '.join(CATEGORIES)}")
    flag(~df["selection_mechanism"].is_in(list(SELECTION_MECHANISMS)) & df["selection_mechanism"].is_not_null(),
         "selection_mechanism", "unknown selection mechanism", f"one of {', '.join(SELECTION_MECHANISMS)}")
    flag(~df["label_source"].is_in(list(LABEL_SOURCES)) & df["label_source"].is_not_null(), "label_source",
         "unknown label source", f"one of {', '.join(LABEL_SOURCES)}")
    for col in (*LABEL_COLUMNS, "label_review"):
        flag(~df[col].is_in([0, 1]) & df[col].is_not_null(), col, "label outside its allowed values",
             "0, 1 or empty (not assessed)")
    flag(df["label_unsafe_lab"].is_not_null() & (df["label_source"] != "lab"), "label_unsafe_lab",
         "lab label given but label_source is not 'lab'", "label_source 'lab' when label_unsafe_lab is filled")
    flag(~df["seller_country"].str.contains(_COUNTRY.pattern) & df["seller_country"].is_not_null(), "seller_country",
         "not an ISO 3166 alpha-2 code", "two capital letters (e.g. CN, DE) or 'unknown'")
    flag(~df["currency"].str.contains(_CURRENCY.pattern) & df["currency"].is_not_null(), "currency",
         "not an ISO 4217 code", "three capital letters (e.g. EUR)")
    flag(df["price"] < 0, "price", "negative price", "a price >= 0")
    flag(df["views"] < 0, "views", "negative count", "a count >= 0")
    flag(df["orders"] < 0, "orders", "negative count", "a count >= 0")
    p, w = df["inclusion_prob"], df["weight"]
    flag((p <= 0) | (p > 1), "inclusion_prob", "inclusion probability outside (0, 1]", "a probability in (0, 1]")
    flag(w < 1, "weight", "design weight below 1", "a weight >= 1 (the inverse of an inclusion probability)")
    both = p.is_not_null() & w.is_not_null() & (p > 0) & (p <= 1) & (w >= 1)
    flag(both & ((p * w - 1).abs() > _WEIGHT_TOL), "weight", "weight is not 1 / inclusion_prob",
         "weight = 1 / inclusion_prob (within 1e-6)")
    needs = df["selection_mechanism"].is_in(list(PROBABILITY_MECHANISMS))
    flag(needs & p.is_null() & w.is_null(), "inclusion_prob",
         "probability sample row has neither inclusion_prob nor weight",
         "inclusion_prob or weight for random_listing, random_in_stratum and risk_targeted rows",
         value_col="selection_mechanism")
    dup = df["listing_id"].is_duplicated() & df["listing_id"].is_not_null()
    first_line = {}
    for i in dup.arg_true().to_list():
        lid = ids[i]
        if lid in first_line:
            problems.add(file, lines[i], lid, "listing_id", lid, f"duplicate listing id (first on line {first_line[lid]})",
                         "each listing_id once")
        else:
            first_line[lid] = lines[i]


def _validate_frame(raw: pl.DataFrame, file: str, problems: _Problems) -> pl.DataFrame:
    missing = [c for c in ("stratum", "frame_size") if c not in raw.columns]
    for c in missing:
        problems.add(file, None, None, c, None, "frame table lacks a required column", f"columns {list(FRAME_SCHEMA)}")
    if missing:
        return pl.DataFrame(schema={c: DTYPES[t] for c, t in FRAME_SCHEMA.items()})
    for c in FRAME_SCHEMA:
        if c not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(c))
    frame = _typed(raw, FRAME_SCHEMA, file, problems, "stratum")
    lines = range(2, frame.height + 2)
    for i, (s, n) in enumerate(zip(frame["stratum"], frame["frame_size"], strict=True)):
        if s is None:
            problems.add(file, lines[i], None, "stratum", None, "required value is empty", "a stratum name")
        if n is not None and n <= 0:
            problems.add(file, lines[i], s, "frame_size", n, "frame size must be positive", "an integer >= 1")
    dup = frame["stratum"].is_duplicated() & frame["stratum"].is_not_null()
    for i in dup.arg_true().to_list()[1:]:
        problems.add(file, lines[i], frame["stratum"][i], "stratum", frame["stratum"][i],
                     "stratum listed more than once", "each stratum once")
    return frame


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
        listing id, column, raw value, the problem and what was expected.
    """
    problems = _Problems()
    raw, sample_file = _read_text_csv(sample)
    raw_frame, frame_file = _read_text_csv(frame)
    frame_table = _validate_frame(raw_frame, frame_file, problems)

    missing_required = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    for c in missing_required:
        problems.add(sample_file, None, None, c, None, "required column is missing", f"columns {list(LISTING_SCHEMA)}")
    extra = [c for c in raw.columns if c not in LISTING_SCHEMA]
    for c in LISTING_SCHEMA:
        if c not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(c))
    typed = _typed(raw, LISTING_SCHEMA, sample_file, problems, "listing_id")
    if not missing_required:
        _check_values(typed, raw, sample_file, problems)
        known = set(frame_table["stratum"].drop_nulls().to_list())
        for i, s in enumerate(typed["stratum"].to_list()):
            if s is not None and s not in known:
                problems.add(sample_file, i + 2, typed["listing_id"][i], "stratum", s, "stratum missing from the frame",
                             f"a stratum listed in {frame_file}")
        counts = typed.group_by("stratum").len().join(frame_table.select("stratum", "frame_size"), on="stratum")
        for s, n_h, big_n in counts.filter(pl.col("len") > pl.col("frame_size")).iter_rows():
            problems.add(frame_file, None, None, "frame_size", big_n,
                         f"stratum {s!r} has {n_h} sampled listings, more than its frame size",
                         "frame_size >= listings sampled in the stratum")
    # weights from inclusion probabilities where only one is given
    typed = typed.with_columns(
        pl.when(pl.col("weight").is_null() & (pl.col("inclusion_prob") > 0)).then(1 / pl.col("inclusion_prob"))
        .otherwise(pl.col("weight")).alias("weight"),
        pl.when(pl.col("inclusion_prob").is_null() & (pl.col("weight") >= 1)).then(1 / pl.col("weight"))
        .otherwise(pl.col("inclusion_prob")).alias("inclusion_prob"),
    )
    if extra:
        typed = typed.with_columns(raw.select(extra))
    report = ValidationReport(sample=typed, frame=frame_table, problems=problems.frame(), rows_read=raw.height,
                              extra_columns=extra)
    report._sample_file = sample_file
    return report


def read_sample(sample: Path | str, frame: Path | str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the validated ``(sample, frame)``; raise :class:`ListingSampleError` listing every problem."""
    report = validate_sample(sample, frame)
    report.raise_if_problems()
    return report.sample, report.frame


def load_synthetic() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the shipped synthetic sample and its frame table (checksum- and schema-checked, then validated)."""
    from dsa_explore.data import catalog

    report = validate_sample(catalog.load("listing_sample_synthetic"), catalog.load("listing_frame_synthetic"))
    report.raise_if_problems()
    return report.sample, report.frame


_TEMPLATES = (
    ("listing-sample-template.csv", LISTING_SCHEMA, "listing_sample_template",
     "Blank listing-sample template (header only)",
     "Header row of the listing-sample format of dsa_explore.readers.listings; fill one row per sampled listing. "
     "Data dictionary: docs/listing-sample-format.md."),
    ("listing-frame-template.csv", FRAME_SCHEMA, "listing_frame_template",
     "Blank frame-table template (header only)",
     "Header row of the frame table of a listing sample: one row per stratum with its frame size N_h. "
     "Data dictionary: docs/listing-sample-format.md."),
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
            fields = provenance.record(name, title, description, licence="CC0-1.0", version="2026-11-28",
                                       synthetic=False, schema=dict(schema),
                                       source="generated by `dsa_explore.readers.listings.write_templates` (no data)")
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
