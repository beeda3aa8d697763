"""Search the stored statements of reasons' free text with a regular expression.

``dsa-explore sor search --store DIR --platform AliExpress --text 'toy|jouet|Spielzeug'`` counts (or
lists) the statements whose chosen fields match. The search is a polars lazy scan of the row store
(:func:`dsa_explore.sor.rows.scan`): files are pruned by platform and day from the manifest, only the
searched and returned columns are read (projection pushdown) and the day and platform filters reach
the Parquet row groups (predicate pushdown).

Rules:

- ``text`` is a regular expression in the syntax of Rust's ``regex`` crate (what polars uses: no
  look-around, no back-references); it is case-insensitive unless ``case_sensitive``;
- a statement matches when ANY of ``fields`` matches (default: :data:`DEFAULT_FIELDS`, the free
  texts an analyst reads: the facts, the explanations and the grounds);
- statements are counted once: rows with the same ``uuid`` (a statement in two dumps, e.g. a global
  and a per-platform dump of one day) count once;
- ``by`` adds count columns per ``day``, ``category`` (the v2 category), ``category_published``,
  ``decision_ground`` or any stored column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from dsa_explore.core.safetext import escape_controls
from dsa_explore.sor import rows as rowstore

#: The fields searched by default.
DEFAULT_FIELDS: tuple[str, ...] = (
    "decision_facts",
    "illegal_content_explanation",
    "illegal_content_legal_ground",
    "incompatible_content_explanation",
    "incompatible_content_ground",
)
#: Names accepted by ``by`` for derived columns.
BY_ALIASES: dict[str, str] = {"category": "category_v2", "category_published": "category"}


def _fields(fields: Iterable[str] | None) -> list[str]:
    chosen = [f.strip() for f in (fields or DEFAULT_FIELDS) if f.strip()]
    unknown = [f for f in chosen if f not in rowstore.ROW_SCHEMA or rowstore.ROW_SCHEMA[f] != pl.String]
    if unknown or not chosen:
        text_cols = [c for c, t in rowstore.ROW_SCHEMA.items() if t == pl.String]
        raise ValueError(
            f"--field: not a text column of the row store: {', '.join(unknown) or '(none)'}; "
            f"text columns: {', '.join(text_cols)}"
        )
    return chosen


def _regex_complaint(message: str, offset: int) -> str:
    """Return the regex engine's complaint as one line: ``<what> (at character N)`` when it points."""
    lines = message.split("\n\nThis error occurred")[0].splitlines()
    what = next((ln.removeprefix("error: ") for ln in lines if ln.startswith("error: ")), None)
    if what is None:
        return " ".join(" ".join(lines).removeprefix("regex error: ").split())
    caret = next((ln for ln in lines if ln.strip() and set(ln.strip()) == {"^"}), None)
    if caret is None:
        return what
    # the engine echoes the pattern indented by 4 characters, with the (?i) prefix when one was added
    column = len(caret) - len(caret.lstrip()) - 4 - offset + 1
    return f"{what} (at character {column})" if column >= 1 else what


def pattern(text: str, *, case_sensitive: bool = False) -> str:
    """Return the regular expression as polars will run it, after checking it compiles.

    Raises ``ValueError`` naming the expression and the regex engine's complaint (one line: what is
    wrong and at which character).
    """
    if not text:
        raise ValueError("--text: an empty regular expression matches everything; give one")
    prefix = "" if case_sensitive else "(?i)"
    pat = prefix + text
    try:
        pl.DataFrame({"t": ["x"]}).select(pl.col("t").str.contains(pat))
    except pl.exceptions.ComputeError as exc:
        complaint = _regex_complaint(str(exc), len(prefix))
        raise ValueError(
            f"--text '{escape_controls(text)}': not a valid regular expression: {complaint} "
            "(Rust regex syntax: no look-around or back-references)"
        ) from exc
    return pat


def match_expr(text: str, fields: Iterable[str] | None = None, *, case_sensitive: bool = False) -> pl.Expr:
    """Return the boolean expression 'any of ``fields`` matches ``text``' (nulls do not match)."""
    pat = pattern(text, case_sensitive=case_sensitive)
    return pl.any_horizontal([pl.col(f).str.contains(pat).fill_null(False) for f in _fields(fields)])


def matches(
    store,
    text: str,
    *,
    platforms: Iterable[str] | None = None,
    fields: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    case_sensitive: bool = False,
    columns: Sequence[str] | None = None,
    limit: int | None = None,
) -> pl.LazyFrame:
    """Return the matching statements (one row per uuid), lazily.

    Parameters
    ----------
    store
        A row store (a folder ingested with ``--rows``, or a :class:`~dsa_explore.sor.store.Store`).
    text
        A regular expression (Rust ``regex`` syntax, checked by :func:`pattern`).
    platforms, since, until
        The statements searched: platforms (old names accepted) and days (``YYYY-MM-DD``, inclusive).
    fields
        The text columns searched (default :data:`DEFAULT_FIELDS`); a statement matches when any does.
    case_sensitive
        Match case exactly (the default ignores case).
    columns
        The columns returned (default: every stored column).
    limit
        At most this many rows.

    Returns
    -------
    polars.LazyFrame
        The matching rows, the first stored row of each uuid.

    Raises
    ------
    ValueError
        For an empty or invalid regular expression, or a field that is not a text column.
    FileNotFoundError
        When ``store`` is not a store (it has no manifest).
    """
    lf = rowstore.scan(store, platforms=platforms, since=since, until=until)
    lf = lf.filter(match_expr(text, fields, case_sensitive=case_sensitive))
    lf = rowstore.one_per_statement(lf)
    if columns:
        lf = lf.select(list(dict.fromkeys(columns)))
    if limit is not None:
        lf = lf.head(limit)
    return lf


def _unique_statements(slim: pl.DataFrame) -> pl.DataFrame:
    """Keep one row per uuid hash (rows without uuid all kept).

    The usual store has no uuid twice: a sort of the hashes (~0.3 s for 10 M) shows it, and the hash
    table of a ``unique`` (~6 s and ~900 MB for 10 M rows) is built only when some uuid does appear twice.
    """
    with_uuid = slim.filter(~pl.col("_nouuid"))
    hashes = with_uuid.get_column("_h").sort()
    if hashes.len() < 2 or not (hashes.slice(1) == hashes.slice(0, hashes.len() - 1)).any():
        return slim
    return pl.concat(
        [slim.filter(pl.col("_nouuid")), with_uuid.unique(subset=["_h"], keep="any", maintain_order=False)]
    )


def count(
    store,
    text: str,
    *,
    platforms: Iterable[str] | None = None,
    fields: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    case_sensitive: bool = False,
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """Return ``platform[, by...], count, statements, share``: matching statements per platform (and ``by``).

    ``statements`` is the number of stored statements of the group searched, ``share`` = count /
    statements. Every platform asked for (or stored) gets a row, with count 0 when nothing matches.

    Parameters
    ----------
    store, text, platforms, fields, since, until, case_sensitive
        As for :func:`matches`.
    by
        Count columns besides the platform: ``day``, ``category`` (the v2 category),
        ``category_published``, ``decision_ground`` or any stored column.

    Raises
    ------
    ValueError
        For an unknown ``by`` column, and as :func:`matches`.

    Examples
    --------
    >>> count("store/", "toy|jouet|Spielzeug", platforms=["AliExpress"])   # doctest: +SKIP
    """
    by_cols = [BY_ALIASES.get(b, b) for b in by]
    unknown = [b for b in by_cols if b not in rowstore.ROW_SCHEMA]
    if unknown:
        raise ValueError(
            f"--by: unknown column(s) {', '.join(unknown)}; use day, category, "
            f"category_published, decision_ground or a stored column"
        )
    keys = ["platform", *by_cols]
    hit = match_expr(text, fields, case_sensitive=case_sensitive)
    # one row per statement: de-duplicated on the uuid's 64-bit hash (8 bytes a row instead of 36;
    # the chance of a collision among 10 million uuids is about 3 in a million)
    # (a row without uuid, which the summaries count too, is a statement of its own). One lazy scan of
    # every file, streamed down to ~15 bytes a row (the text is matched and dropped as it is read: 10 M
    # rows take ~250 MB); the de-duplication and counting then run on those reduced rows.
    slim_cols = [
        *[pl.col(k).cast(pl.Categorical) if rowstore.ROW_SCHEMA[k] == pl.String else pl.col(k) for k in keys],
        pl.col("uuid").hash(seed=0).alias("_h"),
        pl.col("uuid").is_null().alias("_nouuid"),
        hit.alias("_hit"),
    ]
    slim = (
        rowstore.scan(store, platforms=platforms, since=since, until=until)
        .select(slim_cols)
        .collect(engine="streaming")
    )
    slim = _unique_statements(slim)
    out = (
        slim.group_by(keys)
        .agg(pl.col("_hit").sum().cast(pl.Int64).alias("count"), pl.len().cast(pl.Int64).alias("statements"))
        .with_columns([pl.col(k).cast(rowstore.ROW_SCHEMA[k]) for k in keys])
    )
    if platforms:
        from dsa_explore.sor import taxonomy

        asked = sorted({taxonomy.canonical_platform(p) for p in platforms})
        absent = [p for p in asked if p not in set(out.get_column("platform").to_list())]
        if absent and not by_cols:
            out = pl.concat(
                [
                    out,
                    pl.DataFrame(
                        {"platform": absent, "count": [0] * len(absent), "statements": [0] * len(absent)},
                        schema={"platform": pl.String, "count": pl.Int64, "statements": pl.Int64},
                    ),
                ]
            )
    out = out.with_columns(
        pl.when(pl.col("statements") > 0)
        .then(pl.col("count") / pl.col("statements"))
        .otherwise(None)
        .alias("share")
    )
    return out.sort(keys, nulls_last=True).select(*keys, "count", "statements", "share")


def search(
    store,
    text: str,
    *,
    count_only: bool = False,
    platforms: Iterable[str] | None = None,
    fields: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    case_sensitive: bool = False,
    by: Sequence[str] = (),
    limit: int | None = None,
) -> pl.DataFrame:
    """Run ``dsa-explore sor search`` in Python: the counts, or the matching rows.

    With ``count_only``, the counts of :func:`count` (grouped by ``by``); otherwise the rows of
    :func:`matches`, collected (at most ``limit``). The other parameters are those of :func:`matches`.
    """
    if count_only:
        return count(
            store,
            text,
            platforms=platforms,
            fields=fields,
            since=since,
            until=until,
            case_sensitive=case_sensitive,
            by=by,
        )
    return matches(
        store,
        text,
        platforms=platforms,
        fields=fields,
        since=since,
        until=until,
        case_sensitive=case_sensitive,
        limit=limit,
    ).collect()
