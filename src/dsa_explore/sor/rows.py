"""The row-level store: the statements of reasons themselves, typed, as Parquet by day and platform.

``sor ingest --rows`` keeps, next to the daily summaries, every statement of the chosen platforms
(default: the marketplaces of :data:`dsa_explore.core.platforms.KNOWN_PLATFORMS`; ``--platform all``
keeps every platform) with every column of the v2 schema (:data:`ROW_SCHEMA`):

- free text kept as it was read (after the reader's repairs: backslash-escaped quotes, invalid
  UTF-8 replaced by U+FFFD, both counted in the dump's faults);
- list columns (JSON lists of enum keys in the CSV) as ``List(String)``; ``[]`` stays an empty list,
  an empty field stays null;
- date columns (``YYYY-MM-DD HH:MM:SS``) as ``Datetime``;
- a value that does not parse (a malformed list such as ``[CONTENT_TYPE_PRODUCT``, a date that is no
  date) is null in its typed column and kept, raw, in ``unparsed`` (a list of ``{column, value}``),
  so nothing read is lost and :func:`to_csv_frame` gives the CSV text back exactly;
- enum-like columns (those the reader parses as categoricals, the list columns' items and the derived
  ``platform``, ``category_v2`` and ``dump``) written as categoricals (see :data:`STORED`) and read back
  as the strings of :data:`ROW_SCHEMA` by :func:`scan`;
- derived columns next to the published ones: ``platform`` (canonical name next to the published
  ``platform_name``), ``category_v2`` (the v2 category next to the published ``category``), ``day``
  (the UTC day of ``created_at``) and ``dump`` (the dump the row came from).

The rows kept are exactly the rows the summaries count for those platforms (the same duplicate-uuid
and ``created_at`` rules, the same cross-member de-duplication), so the manifest's row account holds
for them too: ``rows_stored`` equals the summarised count of the stored platforms (checked at every
commit; a mismatch makes the dump ``partial``).

Where the work happens: the worker that parses a member (:func:`dsa_explore.sor.reader.summarise_member`)
also parses every column of the kept platforms' rows when the member's task carries a
:class:`RowSpec` (only those rows: :func:`dsa_explore.sor.reader.iter_frames_and_rows`; every row
with ``--platform all``), types the rows and writes them to the dump's staging folder, one file per
day and platform for every :data:`FLUSH_ROWS` kept rows of a member (:class:`RowSink`); the
coordinator then moves them (a rename: no rewrite) into their day and platform folders
(:func:`commit_rows`) and the manifest entry lists them. Layout::

    rows/day=<YYYY-MM-DD>/platform=<slug>/<dump>.<sha256[:16]>.parquet      # one or more per member

This module imports neither the reader nor the ingest (they import it).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from dsa_explore.sor import schema, taxonomy

ROWS_DIR = "rows"

#: Columns of the CSV holding JSON lists of enum keys.
LIST_COLUMNS: tuple[str, ...] = (
    "decision_visibility",
    "category_addition",
    "category_specification",
    "content_type",
    "territorial_scope",
)
#: Columns of the CSV holding ``YYYY-MM-DD HH:MM:SS`` datetimes.
DATE_COLUMNS: tuple[str, ...] = (
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
    "content_date",
    "application_date",
    "created_at",
)
#: Free-text columns (what ``sor search`` looks in by default).
TEXT_COLUMNS: tuple[str, ...] = (
    "decision_facts",
    "illegal_content_explanation",
    "illegal_content_legal_ground",
    "incompatible_content_explanation",
    "incompatible_content_ground",
    "decision_visibility_other",
    "decision_monetary_other",
    "content_type_other",
    "category_specification_other",
    "decision_ground_reference_url",
    "source_identity",
)
#: Columns always stored whatever ``--columns`` says.
ALWAYS: tuple[str, ...] = ("uuid", "platform_name", "category", "created_at")
DERIVED: dict[str, pl.DataType] = {
    "day": pl.Date(),
    "platform": pl.String(),
    "category_v2": pl.String(),
    "dump": pl.String(),
    "unparsed": pl.List(pl.Struct({"column": pl.String(), "value": pl.String()})),
}
_TYPE = {**{c: pl.List(pl.String()) for c in LIST_COLUMNS}, **{c: pl.Datetime("us") for c in DATE_COLUMNS}}
#: Schema of a stored row: every column of the full v2 layout, typed, then the derived columns.
ROW_SCHEMA: dict[str, pl.DataType] = {**{c: _TYPE.get(c, pl.String()) for c in schema.FULL_V2}, **DERIVED}

#: The type each typed column is written as: the list columns' items as categoricals (enum keys), the
#: date columns as ``Datetime``. The other columns the reader parses as categoricals (the decisions,
#: grounds, categories, sources, automation and platform: :data:`dsa_explore.sor.reader._CATEGORICAL`)
#: are written as they were parsed, and the derived ``platform``, ``category_v2`` and ``dump`` as
#: categoricals too. Parquet stores categoricals as dictionary-encoded strings; :func:`scan` reads them
#: back as :data:`ROW_SCHEMA`'s ``String``, so stores written before (plain strings) and after scan
#: together. Writing costs less (docs/benchmarks.md, "Fifth look at 1.3x").
STORED: dict[str, pl.DataType] = {**_TYPE, **{c: pl.List(pl.Categorical()) for c in LIST_COLUMNS}}
#: What :func:`scan` allows when a file's stored type differs from :data:`ROW_SCHEMA`.
_CAST = pl.ScanCastOptions(categorical_to_string="allow")

_LIST_OK = r'^\[(?:"[^",\[\]]*"(?:,"[^",\[\]]*")*)?\]$'
_DATE_OK = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
_DATE_FMT = "%Y-%m-%d %H:%M:%S"
#: Typed columns with (nearly) one value per row, parsed row by row rather than per distinct value.
_PER_ROW = frozenset({"created_at"})


@dataclass(frozen=True)
class RowSpec:
    """What rows a member's worker keeps and where it writes them (picklable: it travels with the task).

    ``platforms`` canonical names, or None for every platform; ``columns`` the CSV columns kept (None:
    all); ``staging`` the dump's row staging folder (absolute; a worker must be able to write there).
    """

    platforms: tuple[str, ...] | None
    columns: tuple[str, ...] | None
    staging: str


def check_columns(columns: Iterable[str] | None) -> tuple[str, ...] | None:
    """Return the stored CSV columns for ``--columns`` (always including :data:`ALWAYS`), in file order.

    Raises ``ValueError`` naming an unknown column and listing the known ones.
    """
    if columns is None:
        return None
    wanted = {c.strip() for c in columns if c.strip()}
    unknown = sorted(wanted - set(schema.FULL_V2))
    if unknown:
        raise ValueError(
            f"--columns: unknown column(s) {', '.join(unknown)}; columns of the dumps: "
            f"{', '.join(schema.FULL_V2)}"
        )
    wanted |= set(ALWAYS)
    return tuple(c for c in schema.FULL_V2 if c in wanted)


# -------------------------------------------------------------------------------------------------
# Typing (CSV text -> v2 rows) and back
# -------------------------------------------------------------------------------------------------


def _list_of(raw: pl.Expr) -> pl.Expr:
    """Return a JSON list of enum keys (String) as ``List(String)``; null when it is not one."""
    body = raw.str.strip_prefix("[").str.strip_suffix("]")
    items = body.str.split(",").list.eval(pl.element().str.strip_prefix('"').str.strip_suffix('"'))
    return (
        pl.when(raw == "[]")
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .when(raw.str.contains(_LIST_OK))
        .then(items)
        .otherwise(None)
    )


def _date_of(raw: pl.Expr) -> pl.Expr:
    """Return a ``YYYY-MM-DD HH:MM:SS`` text (String) as ``Datetime``; null when it is not one."""
    return (
        pl.when(raw.str.contains(_DATE_OK))
        .then(raw)
        .otherwise(None)
        .str.strptime(pl.Datetime("us"), _DATE_FMT, strict=False)
    )


def _per_value(s: pl.Series, typer, dtype: pl.DataType) -> pl.Expr:
    """Return an expression typing column ``s`` with ``typer`` (String expression -> typed one).

    A categorical ``s`` (as the reader parses low-cardinality columns) is typed once per distinct
    value and the results gathered by category code (``search_sorted`` in the sorted codes of the
    distinct values); an all-null ``s`` gives nulls; other columns are typed row by row. The
    expressions of all columns then run in one query (each query has a fixed cost): for 15,000 rows
    typing costs ~0.3 ms a column, against ~2 ms for a join and ~25 ms row by row for the territorial
    scope.
    """
    col = pl.col(s.name)
    if s.null_count() == s.len():
        return pl.lit(None, dtype=dtype).alias(s.name)
    if s.dtype != pl.Categorical:
        return typer(col.cast(pl.String)).cast(dtype).alias(s.name)
    values = s.unique().drop_nulls()
    value_codes = values.to_physical()
    order = value_codes.arg_sort()
    typed = pl.DataFrame({"_v": values.gather(order).cast(pl.String)}).lazy()
    typed = typed.select(typer(pl.col("_v")).cast(dtype)).collect().to_series()
    at = pl.lit(value_codes.gather(order)).search_sorted(col.to_physical().fill_null(0))
    out = pl.lit(typed).gather(at.clip(0, len(values) - 1))
    if s.null_count():
        out = pl.when(col.is_null()).then(None).otherwise(out)
    return out.alias(s.name)


def typed_rows(frame: pl.DataFrame, dump: str, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Return the v2 rows (:data:`ROW_SCHEMA`, restricted to ``columns``) of an all-text frame of CSV columns.

    Columns missing from ``frame`` (e.g. those a light dump lacks) are null. Low-cardinality columns
    (lists of enum keys, dates without time, platform and category names) are typed once per distinct
    value (:func:`_per_value`), ``created_at`` row by row, all in one query.
    """
    cols = list(columns) if columns else list(schema.FULL_V2)
    absent = [c for c in {*cols, "platform_name", "category", "created_at"} if c not in frame.columns]
    if absent:
        frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in absent])
    typed = [c for c in cols if c in _TYPE]
    exprs = []
    for c in cols:
        if c in _PER_ROW:
            exprs.append(_date_of(pl.col(c).cast(pl.String)).alias(c))
        elif c in _TYPE:
            exprs.append(
                _per_value(frame.get_column(c), _list_of if c in LIST_COLUMNS else _date_of, STORED[c])
            )
        elif frame.schema[c] == pl.Categorical:  # stored as read: no strings made
            exprs.append(pl.col(c))
        else:
            exprs.append(pl.col(c).cast(ROW_SCHEMA[c]))
    day = pl.col("created_at").cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    platform = _per_value(frame.get_column("platform_name"), taxonomy.canonical_platform, pl.Categorical)
    category = _per_value(frame.get_column("category"), taxonomy.category_v2, pl.Categorical)
    out = (
        frame.lazy()
        .select(
            *exprs,
            day.alias("day"),
            platform.alias("platform"),
            category.alias("category_v2"),
            pl.lit(dump, dtype=pl.Categorical).alias("dump"),
        )
        .collect()
    )
    # a typed value is null where its text is not: it did not parse (rare; found without a query)
    failing = [c for c in typed if out.get_column(c).null_count() > frame.get_column(c).null_count()]
    return (
        out.with_columns(_unparsed(frame, out, failing)).select(*cols, *DERIVED)
        if failing
        else (out.hstack([_no_unparsed(out.height)]).select(*cols, *DERIVED))
    )


def _no_unparsed(height: int) -> pl.Series:
    return pl.Series("unparsed", [], dtype=DERIVED["unparsed"]).extend_constant(None, height)


def _unparsed(frame: pl.DataFrame, out: pl.DataFrame, failing: list[str]) -> pl.Series:
    """Return the ``unparsed`` column (built for the failing rows only).

    It is null, or for a row with values of the ``failing`` columns that do not parse, the list of
    ``{column, value}`` of those values.
    """
    raw = frame.lazy().select([pl.col(c).cast(pl.String) for c in failing])
    typed = out.lazy().select([pl.col(c).alias(f"_t_{c}") for c in failing])
    both = pl.concat([raw, typed], how="horizontal").collect()
    mask = (
        both.lazy()
        .select(pl.any_horizontal([pl.col(c).is_not_null() & pl.col(f"_t_{c}").is_null() for c in failing]))
        .collect()
        .to_series()
    )
    idx = mask.arg_true()
    lists = [
        [{"column": c, "value": r[c]} for c in failing if r[c] is not None and r[f"_t_{c}"] is None]
        for r in both[idx].iter_rows(named=True)
    ]
    pos = dict(zip(idx.to_list(), lists, strict=True))
    return pl.Series("unparsed", [pos.get(i) for i in range(frame.height)], dtype=DERIVED["unparsed"])


def _unparsed_value(c: str) -> pl.Expr:
    return (
        pl.col("unparsed")
        .list.eval(pl.element().filter(pl.element().struct.field("column") == c).struct.field("value"))
        .list.first()
    )


def to_csv_frame(rows: pl.DataFrame | pl.LazyFrame, columns: Sequence[str] | None = None) -> pl.LazyFrame:
    """Return stored rows as the dump's CSV text: original column names and values.

    Lists and dates are written back as the exporter wrote them, unparsed values restored.
    ``columns`` defaults to the stored CSV columns in file order.
    """
    lf = rows.lazy()
    names = lf.collect_schema().names()
    cols = list(columns) if columns else [c for c in schema.FULL_V2 if c in names]
    has_unparsed = "unparsed" in names
    exprs = []
    for c in cols:
        if c not in names:
            exprs.append(pl.lit(None, dtype=pl.String).alias(c))
            continue
        col = pl.col(c)
        if c in LIST_COLUMNS:
            text = (
                pl.when(col.list.len() == 0)
                .then(pl.lit("[]"))
                .otherwise(pl.concat_str([pl.lit('["'), col.list.join('","'), pl.lit('"]')]))
            )
        elif c in DATE_COLUMNS:
            text = col.dt.strftime(_DATE_FMT)
        else:
            text = col
        if has_unparsed and c in _TYPE:
            text = pl.coalesce(text, _unparsed_value(c))
        exprs.append(text.alias(c))
    return lf.select(exprs)


# -------------------------------------------------------------------------------------------------
# Terminal and spreadsheet safety of text written out
# -------------------------------------------------------------------------------------------------


def safe_text(value: str | None) -> str | None:
    """Return one CSV cell made safe, by the rules of :mod:`dsa_explore.core.safetext`.

    A formula is neutralised, then control characters and backslashes are escaped.
    """
    from dsa_explore.core import safetext

    return None if value is None else safetext.safe_cell(value, csv=True)


_FORMULA = r"^[=+\-@\t\r]"


def safe_expr(col: str, *, csv: bool = True) -> pl.Expr:
    r"""Return :func:`dsa_explore.core.safetext.safe_cell` as a polars expression over String ``col``.

    The same rules (checked against it in the tests; millions of rows without a Python call each):
    with ``csv``, a leading ``= + - @``, tab or carriage return gets a ``'``; then ``\`` becomes
    ``\\`` and every C0/C1 control character and DEL becomes ``\xNN``.
    """
    c = pl.col(col)
    out = pl.when(c.str.contains(_FORMULA)).then(pl.concat_str([pl.lit("'"), c])).otherwise(c) if csv else c
    esc = out.str.replace_all("\\", "\\\\", literal=True)
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
        esc = esc.str.replace_all(chr(code), f"\\x{code:02x}", literal=True)
    needs = out.str.contains(r"[\x00-\x1f\x7f-\x9f\\]")
    return pl.when(needs).then(esc).otherwise(out).alias(col)


def safe_frame(frame: pl.LazyFrame | pl.DataFrame, *, csv: bool = True) -> pl.LazyFrame:
    """Apply :func:`safe_expr` to every String column of ``frame`` (for CSV and terminal output)."""
    lf = frame.lazy()
    sch = lf.collect_schema()
    return lf.with_columns([safe_expr(c, csv=csv) for c, t in sch.items() if t == pl.String])


# -------------------------------------------------------------------------------------------------
# Worker side: keep the rows of one member
# -------------------------------------------------------------------------------------------------

#: Rows of a member typed and written at once (~1 KB a row: bounded memory per worker). With rows of
#: every platform, 25,000 instead of 50,000 took a worker's peak from ~420-530 MB to ~385 MB (8 members
#: of 100,000 rows, one process) for ~15 % more CPU (more, smaller files); a member's marketplace rows
#: (~15 % of its rows) are one flush either way.
FLUSH_ROWS = 25_000


#: Parquet statistics of the row files: null counts only. Each file holds one day and platform and
#: the manifest prunes files by both, so min/max statistics would prune nothing. Writing a member's
#: 15,308 typed rows as one file (warm, one process) took 49 ms with them and 29-30 ms without (the
#: list columns' cost most: ~26 member states a row in ``territorial_scope``); over whole members the
#: difference was within the noise (docs/benchmarks.md).
STATISTICS = {"min": False, "max": False, "distinct_count": False, "null_count": True}


class RowSink:
    """Keep the rows of one member that the summary counts, for the platforms of a :class:`RowSpec`.

    :meth:`add` takes each parsed block (every CSV column, text or categorical), applies the summary's
    rules (first occurrence of a uuid in the member, not excluded as seen in an earlier member, a
    parseable ``created_at`` day), keeps the wanted platforms, types the rows and writes them to the
    staging folder, one file per block, day and platform. :meth:`finish` returns what was written.
    """

    def __init__(self, spec: RowSpec, dump: str, index: int, exclude_hashes: tuple[int, ...] = ()):
        self.spec, self.dump, self.index = spec, dump, index
        self.folder = Path(spec.staging) / f"m{index:06d}"
        if self.folder.exists():  # a re-run of the member (cross-member duplicates): start afresh
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.exclude = pl.Series(list(exclude_hashes), dtype=pl.UInt64) if exclude_hashes else None
        self.seen: list[pl.Series] = []
        self.block = 0
        self.files: list[dict] = []
        self.pending: list[pl.DataFrame] = []
        self.pending_rows = 0
        self._names: dict[str, bool] = {}  # published platform name -> kept?

    def add(self, frame: pl.DataFrame, *, filtered: bool = False) -> None:
        """Keep the counted rows of one parsed block.

        The platform filter comes first (a categorical ``is_in``: the other rows are never touched;
        ``filtered`` says the reader already kept only :meth:`wanted_names`); the duplicate rules then
        run on the kept platforms' rows. A uuid repeated under two platforms (which the summaries count
        once, under the first) makes the member's stored rows differ from its summary:
        :func:`dsa_explore.sor.reader.summarise_member` then reads the member again with the wanted rows
        checked against every platform's (``members_read_twice_for_rows`` in the dump's faults);
        :meth:`RowPlan.commit` checks the two again per dump and marks a dump that still differs
        ``partial``.
        """
        if self.spec.platforms is not None and not filtered:
            names = self.wanted_names(frame)
            frame = frame.lazy().filter(pl.col("platform_name").cast(pl.String).is_in(names)).collect()
        h = pl.col("uuid").hash(seed=0)
        keep = pl.col("uuid").is_null() | h.is_first_distinct()
        if self.exclude is not None:
            keep = keep & ~h.is_in(self.exclude.implode())
        if self.seen:
            seen = pl.concat(self.seen) if len(self.seen) > 1 else self.seen[0]
            keep = keep & (pl.col("uuid").is_null() | ~h.is_in(seen.implode()))
        day_ok = pl.col("created_at").cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        # the mask and the hashes on the narrow columns; the wide frame is copied only when rows go
        narrow = frame.lazy().select((keep & day_ok.is_not_null()).alias("_keep"), h.alias("_h")).collect()
        mask = narrow.get_column("_keep")
        kept = frame if mask.all() else frame.filter(mask)
        if not kept.height:
            return
        hashes = narrow.get_column("_h") if kept is frame else narrow.get_column("_h").filter(mask)
        kept_uuid = kept.get_column("uuid").is_not_null()
        self.seen = [pl.concat([*self.seen, hashes if kept_uuid.all() else hashes.filter(kept_uuid)])]
        self.pending.append(kept)
        self.pending_rows += kept.height
        if self.pending_rows >= FLUSH_ROWS:
            self._flush()

    def wanted_names(self, frame: pl.DataFrame) -> list[str]:
        """Return the published platform names of ``frame`` whose canonical name is kept (mapped once)."""
        names = frame.get_column("platform_name").unique().cast(pl.String).drop_nulls().to_list()
        if self.spec.platforms is None:
            return names
        for n in names:
            if n not in self._names:
                self._names[n] = taxonomy.canonical_platform(n) in self.spec.platforms
        return [n for n in names if self._names[n]]

    def _flush(self) -> None:
        """Type the pending rows and write them (one query for all blocks: each call has a fixed cost)."""
        if not self.pending:
            return
        frame = pl.concat(self.pending, how="vertical_relaxed") if len(self.pending) > 1 else self.pending[0]
        self.pending, self.pending_rows = [], 0
        typed = typed_rows(frame, self.dump, self.spec.columns)
        del frame  # (its text buffers live on in ``typed``; its other columns go)
        self._write(typed)
        self.block += 1

    def _write(self, rows: pl.DataFrame) -> None:
        """Write ``rows`` as one file per day and platform (one partition copied at a time)."""
        groups = (
            rows.lazy()
            .select("day", "platform")
            .with_row_index("_i")
            .group_by(["day", "platform"], maintain_order=True)
            .agg(pl.col("_i"))
            .collect()
        )
        for day, platform, at in groups.iter_rows():
            part = rows if len(groups) == 1 else rows[pl.Series(at)]
            name = f"b{self.block:05d}-{day}-{_slug(platform)}.parquet"
            part.write_parquet(
                self.folder / name, compression="zstd", compression_level=1, statistics=STATISTICS
            )
            self.files.append(
                {
                    "file": f"{self.folder.name}/{name}",
                    "day": str(day),
                    "platform": platform,
                    "rows": part.height,
                }
            )

    def finish(self) -> list[dict]:
        """Write what is pending; return the staged files.

        Each is ``{file, day, platform, rows}``, ``file`` relative to the staging folder.
        """
        self._flush()
        return list(self.files)


def _slug(platform: str | None) -> str:
    from dsa_explore.core.platforms import slug

    return slug(platform or "unknown") or "unknown"


# -------------------------------------------------------------------------------------------------
# Coordinator side: move a dump's staged rows into place and list them in the manifest
# -------------------------------------------------------------------------------------------------


def commit_rows(root: Path, dump: str, spec: RowSpec, staged: Iterable[tuple[int, list[dict]]]) -> dict:
    """Move the staged row files of dump ``dump`` into their day and platform folders under ``root``.

    ``staged`` gives, per member index, the staged file records. Files are renamed, not rewritten
    (the workers wrote them compressed, with statistics): the coordinator's memory and time do not
    grow with the rows. Names are content-addressed (``<dump>.<sha256[:16]>.parquet``), so the files
    of the partition in force are never overwritten; the manifest then points at the new files and the
    old ones are deleted (:func:`remove_replaced`). Returns the manifest's ``rows`` record: the
    platforms and columns kept, ``rows_stored``, rows by platform, and the files
    (``{path, day, platform, rows}``, in member order).
    """
    out_files = []
    for _index, files in sorted(staged, key=lambda t: t[0]):
        for f in files:
            src = Path(spec.staging) / f["file"]
            folder = root / ROWS_DIR / f"day={f['day']}" / f"platform={_slug(f['platform'])}"
            folder.mkdir(parents=True, exist_ok=True)
            with open(src, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()[:16]
            final = folder / f"{dump}.{digest}.parquet"
            os.replace(src, final)
            out_files.append(
                {
                    "path": final.relative_to(root).as_posix(),
                    "day": f["day"],
                    "platform": f["platform"],
                    "rows": f["rows"],
                }
            )
    by_platform: dict[str, int] = {}
    for f in out_files:
        by_platform[f["platform"]] = by_platform.get(f["platform"], 0) + f["rows"]
    return {
        "platforms": list(spec.platforms) if spec.platforms is not None else "all",
        "columns": list(spec.columns) if spec.columns is not None else "all",
        "rows_stored": sum(by_platform.values()),
        "by_platform": dict(sorted(by_platform.items())),
        "files": out_files,
    }


def remove_replaced(root: Path, old: dict | None, new: dict | None) -> None:
    """Delete the row files of manifest entry ``old`` that entry ``new`` no longer names."""
    keep = {f["path"] for f in ((new or {}).get("rows") or {}).get("files", [])}
    for f in ((old or {}).get("rows") or {}).get("files", []):
        if f["path"] not in keep:
            (root / f["path"]).unlink(missing_ok=True)


# -------------------------------------------------------------------------------------------------
# Reading
# -------------------------------------------------------------------------------------------------


def _manifest(store) -> dict:
    from dsa_explore.sor.store import Store

    st = store if isinstance(store, Store) else Store(store)
    if not st.manifest_path.exists():
        raise FileNotFoundError(
            f"{st.root}: not a store (no manifest.json); ingest dumps with "
            "`dsa-explore sor ingest DUMPS --store DIR --rows` first"
        )
    return st.manifest()


def row_files(
    store, *, platforms: Iterable[str] | None = None, since: str | None = None, until: str | None = None
) -> list[dict]:
    """Return the manifest's row files (``{path, day, platform, rows, dump}``), pruned by platform and day.

    ``platforms`` may use old names (``Amazon`` -> ``Amazon Store``); dates are ``YYYY-MM-DD``.
    """
    for name, value in (("since", since), ("until", until)):
        if value is None:
            continue
        try:
            ok = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and date.fromisoformat(value) is not None
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"--{name} {value!r}: expected a date YYYY-MM-DD")
    wanted = {taxonomy.canonical_platform(p) for p in platforms} if platforms else None
    out = []
    for dump, entry in sorted(_manifest(store)["dumps"].items()):
        for f in (entry.get("rows") or {}).get("files") or []:
            if wanted is not None and f["platform"] not in wanted:
                continue
            if (since and f["day"] < since) or (until and f["day"] > until):
                continue
            out.append({**f, "dump": dump})
    return out


def stored_platforms(store) -> dict[str, int]:
    """Return {platform: rows stored} over the whole store."""
    out: dict[str, int] = {}
    for f in row_files(store):
        out[f["platform"]] = out.get(f["platform"], 0) + f["rows"]
    return dict(sorted(out.items()))


def scan(
    store, *, platforms: Iterable[str] | None = None, since: str | None = None, until: str | None = None
) -> pl.LazyFrame:
    """Return a lazy scan of the stored rows (:data:`ROW_SCHEMA`), pruned by platform and day.

    Files of stores ingested with ``--columns`` lack some columns: they read as null. The scan pushes
    projections and predicates down to the Parquet files (which hold null counts but no min/max
    statistics: :data:`STATISTICS`).
    """
    from dsa_explore.sor.store import Store

    root = store.root if isinstance(store, Store) else Path(store)
    files = row_files(store, platforms=platforms, since=since, until=until)
    if not files:
        return pl.DataFrame(schema=ROW_SCHEMA).lazy()
    lf = pl.scan_parquet(
        [str(root / f["path"]) for f in files],
        hive_partitioning=False,
        schema=ROW_SCHEMA,
        missing_columns="insert",
        cast_options=_CAST,
    )
    wanted = {taxonomy.canonical_platform(p) for p in platforms} if platforms else None
    if wanted is not None:
        lf = lf.filter(pl.col("platform").is_in(sorted(wanted)))
    if since:
        lf = lf.filter(pl.col("day") >= pl.lit(since).str.to_date())
    if until:
        lf = lf.filter(pl.col("day") <= pl.lit(until).str.to_date())
    return lf


def scans(
    store, *, platforms: Iterable[str] | None = None, since: str | None = None, until: str | None = None
) -> list[pl.LazyFrame]:
    """Return one lazy scan per stored row file (pruned and filtered as :func:`scan`).

    For work done file by file, whose memory is bounded by one file (a member's rows of one day and
    platform).
    """
    from dsa_explore.sor.store import Store

    root = store.root if isinstance(store, Store) else Path(store)
    wanted = sorted({taxonomy.canonical_platform(p) for p in platforms}) if platforms else None
    out = []
    for f in row_files(store, platforms=platforms, since=since, until=until):
        lf = pl.scan_parquet(
            str(root / f["path"]),
            hive_partitioning=False,
            schema=ROW_SCHEMA,
            missing_columns="insert",
            cast_options=_CAST,
        )
        if wanted is not None:
            lf = lf.filter(pl.col("platform").is_in(wanted))
        if since:
            lf = lf.filter(pl.col("day") >= pl.lit(since).str.to_date())
        if until:
            lf = lf.filter(pl.col("day") <= pl.lit(until).str.to_date())
        out.append(lf)
    return out


def one_per_statement(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Keep the first stored row of each uuid; rows without uuid are all kept.

    A statement stored by two dumps (e.g. a global and a per-platform dump of one day) is kept once.
    """
    return pl.concat(
        [
            lf.filter(pl.col("uuid").is_null()),
            lf.filter(pl.col("uuid").is_not_null()).unique(
                subset=["uuid"], keep="first", maintain_order=True
            ),
        ]
    )


def rows(
    store,
    *,
    platforms: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Return the stored rows (typed, :data:`ROW_SCHEMA`, or ``columns``), one per statement.

    See :func:`one_per_statement`; the rows come in stored order (dump, member).
    """
    lf = one_per_statement(scan(store, platforms=platforms, since=since, until=until))
    if columns:
        lf = lf.select(list(columns))
    return lf.collect()


# -------------------------------------------------------------------------------------------------
# The ingest's hooks (dsa_explore.sor.ingest calls these; kept here so the engine's edits stay small)
# -------------------------------------------------------------------------------------------------


def marketplaces() -> tuple[str, ...]:
    """Return the default platforms of the row store: the project's platform registry."""
    from dsa_explore.core.platforms import KNOWN_PLATFORMS

    return tuple(sorted(KNOWN_PLATFORMS))


@dataclass(frozen=True)
class RowPlan:
    """What ``ingest --rows`` keeps: platforms (None = all) and CSV columns (None = all)."""

    platforms: tuple[str, ...] | None
    columns: tuple[str, ...] | None

    def params(self) -> dict:
        """Return the plan as the manifest's ``params`` record it."""
        return {
            "platforms": list(self.platforms) if self.platforms is not None else "all",
            "columns": list(self.columns) if self.columns is not None else "all",
        }

    def staging(self, root: Path, dump: str) -> Path:
        """Return the dump's row staging folder under the store ``root``."""
        return (Path(root) / ".staging" / f"{dump}.rows").resolve()

    def attach(self, tasks: list, root: Path, dump: str) -> list:
        """Return ``tasks`` carrying this plan (a :class:`RowSpec` with the dump's staging folder).

        Staged rows an interrupted run left are cleared first.
        """
        from dataclasses import replace

        folder = self.staging(root, dump)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        spec = RowSpec(self.platforms, self.columns, str(folder))
        return [replace(t, rows=spec) for t in tasks]

    def discard(self, root: Path, dump: str) -> None:
        """Remove the dump's staged rows (a dump that is not committed)."""
        shutil.rmtree(self.staging(root, dump), ignore_errors=True)

    def commit(self, root: Path, dump: str, results: list, summary: pl.DataFrame, entry: dict) -> dict:
        """Merge the good members' staged rows; return ``entry`` with its ``rows`` record.

        The entry is made ``partial`` when the rows stored differ from the summarised count of those
        platforms.
        """
        spec = RowSpec(self.platforms, self.columns, str(self.staging(root, dump)))
        record = commit_rows(Path(root), dump, spec, [(r.task.index, r.row_files or []) for r in results])
        counted = (
            summary
            if self.platforms is None
            else summary.filter(pl.col("platform").is_in(list(self.platforms)))
        )
        expected = int(counted.get_column("count").sum()) if counted.height else 0
        entry = {**entry, "rows": record}
        if record["rows_stored"] != expected:
            entry["errors"] = [
                *entry["errors"],
                {
                    "member": "(rows)",
                    "error": (
                        f"{dump}: row store does not balance: {record['rows_stored']} rows stored, "
                        f"{expected} summarised for those platforms"
                    ),
                },
            ]
            entry["status"] = "partial"
        shutil.rmtree(self.staging(root, dump), ignore_errors=True)
        return entry


def resolve_platforms(
    platforms: Iterable[str] | None, rows: bool, columns: Iterable[str] | None = None
) -> tuple[tuple[str, ...] | None, RowPlan | None]:
    """Return ``(summary platform filter, row plan)`` for ``ingest --platform ... [--rows --columns ...]``.

    ``all`` among the platforms means no filter (summaries and rows of every platform); without
    ``--platform``, summaries cover every platform and rows the marketplaces (:func:`marketplaces`);
    with platforms, both are restricted to them.
    """
    names = [p for p in (platforms or []) if p]
    everything = any(p.strip().lower() == "all" for p in names)
    plats = (
        None if everything or not names else tuple(sorted({taxonomy.canonical_platform(p) for p in names}))
    )
    if not rows:
        if columns:
            raise ValueError("--columns needs --rows")
        return plats, None
    row_plats = None if everything else (plats if plats else marketplaces())
    return plats, RowPlan(row_plats, check_columns(columns))
