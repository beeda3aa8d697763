"""Hidden-link graph tables: the typed node and edge format, its validator and the CSV reader.

The graph is two polars tables (see :mod:`dsa_explore.analysis.links` for the metrics):
nodes ``node_id, node_type, platform, seed_category, bad_kind`` and edges
``src, dst, edge_type, platform``. :func:`validate` accounts for every row: rows read = rows
kept + rows rejected, each rejected row with its reason (unknown type, unknown endpoint, missing
field, duplicate id, edge type that does not fit its endpoints' node types).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dsa_explore.core.errors import InputFileError

NODE_TYPES: tuple[str, ...] = (
    "listing",
    "seller",
    "affiliate",
    "external_domain",
    "search_suggestion",
    "image_hash",
)


EDGE_TYPES: tuple[str, ...] = (
    "links_to",
    "redirects_to",
    "affiliate_promotes",
    "recommended_with",
    "suggested_for",
    "shares_image",
    "sold_by",
)


#: Node types each edge type may join: edge_type -> set of allowed (src_type, dst_type).
EDGE_SIGNATURES: dict[str, frozenset[tuple[str, str]]] = {
    "links_to": frozenset(
        {(s, d) for s in ("listing", "affiliate", "external_domain") for d in ("listing", "external_domain")}
    ),
    "redirects_to": frozenset({("external_domain", "external_domain"), ("external_domain", "listing")}),
    "affiliate_promotes": frozenset({("affiliate", "listing"), ("affiliate", "external_domain")}),
    "recommended_with": frozenset({("listing", "listing")}),
    "suggested_for": frozenset(
        {("search_suggestion", "listing"), ("search_suggestion", "search_suggestion")}
    ),
    "shares_image": frozenset({("listing", "image_hash"), ("image_hash", "listing")}),
    "sold_by": frozenset({("listing", "seller")}),
}


SEED_CATEGORIES: tuple[str, ...] = ("child_targeted", "legitimate")


BAD_KINDS: tuple[str, ...] = ("adult", "prohibited", "counterfeit")


NODE_COLUMNS: dict[str, pl.DataType] = {
    "node_id": pl.String(),
    "node_type": pl.String(),
    "platform": pl.String(),
    "seed_category": pl.String(),
    "bad_kind": pl.String(),
}


EDGE_COLUMNS: dict[str, pl.DataType] = {
    "src": pl.String(),
    "dst": pl.String(),
    "edge_type": pl.String(),
    "platform": pl.String(),
}


REQUIRED_NODE_COLUMNS = ("node_id", "node_type")


REQUIRED_EDGE_COLUMNS = ("src", "dst", "edge_type")


NODES_DATASET = "links_nodes_synthetic"


EDGES_DATASET = "links_edges_synthetic"


CHAINS_DATASET = "links_planted_chains_synthetic"


class GraphError(InputFileError):
    """A node or edge table is malformed; the message names the file/table, rows, values and expectation."""


@dataclass
class ValidationReport:
    """What :func:`validate` kept and rejected. ``*_read == *_kept + len(rejected_*)``."""

    nodes: pl.DataFrame
    edges: pl.DataFrame
    rejected_nodes: pl.DataFrame  # row, node_id, node_type, reason
    rejected_edges: pl.DataFrame  # row, src, dst, edge_type, reason
    nodes_read: int = 0
    edges_read: int = 0
    source: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return whether every row was kept (no row rejected)."""
        return self.rejected_nodes.height == 0 and self.rejected_edges.height == 0

    def summary(self) -> pl.DataFrame:
        """Return one row per table: read, kept, rejected (read = kept + rejected)."""
        return pl.DataFrame(
            {
                "table": ["nodes", "edges"],
                "read": [self.nodes_read, self.edges_read],
                "kept": [self.nodes.height, self.edges.height],
                "rejected": [self.rejected_nodes.height, self.rejected_edges.height],
            }
        )

    def reasons(self) -> pl.DataFrame:
        """Return the count of rejected rows per table and reason."""
        parts = [
            self.rejected_nodes.select(pl.lit("nodes").alias("table"), "reason"),
            self.rejected_edges.select(pl.lit("edges").alias("table"), "reason"),
        ]
        return (
            pl.concat(parts)
            .group_by("table", "reason")
            .agg(pl.len().alias("rows"))
            .sort("table", "rows", "reason", descending=[False, True, False])
        )

    def message(self, limit: int = 5) -> str:
        """Return a readable account of the rejected rows (first ``limit`` per table)."""
        lines = []
        for table, frame, cols in (
            ("nodes", self.rejected_nodes, ("node_id", "node_type")),
            ("edges", self.rejected_edges, ("src", "dst", "edge_type")),
        ):
            if frame.height == 0:
                continue
            where = self.source.get(table, f"{table[:-1]} table")
            lines.append(
                f"{where}: {frame.height} of {self.nodes_read if table == 'nodes' else self.edges_read}"
                f" row(s) rejected"
            )
            for rec in frame.head(limit).iter_rows(named=True):
                vals = ", ".join(f"{c}={rec[c]!r}" for c in cols)
                lines.append(f"  row {rec['row']}: {vals}: {rec['reason']}")
            if frame.height > limit:
                lines.append(f"  ... and {frame.height - limit} more")
        return "\n".join(lines) if lines else "no rows rejected"


def require_columns(frame: pl.DataFrame, required: Sequence[str], what: str) -> None:
    """Raise :class:`GraphError` naming the missing required columns of ``what`` (nodes or edges)."""
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"{what} must be a polars DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise GraphError(
            f"{what}: missing required column(s) {missing}; expected at least {list(required)}, "
            f"the table has {frame.columns}"
        )


def as_string_columns(frame: pl.DataFrame, columns: Sequence[str], what: str) -> pl.DataFrame:
    """Return ``frame`` with ``columns`` as strings (:class:`GraphError` for a column that cannot be one)."""
    for c in columns:
        if c not in frame.columns:
            continue
        dtype = frame.schema[c]
        if dtype == pl.String:
            continue
        if isinstance(dtype, pl.Categorical | pl.Enum) or dtype == pl.Null:
            frame = frame.with_columns(pl.col(c).cast(pl.String))
        else:
            raise GraphError(f"{what}: column {c!r} must hold strings (node ids / type names), found {dtype}")
    return frame


def validate(
    nodes: pl.DataFrame, edges: pl.DataFrame, *, strict: bool = False, source: dict[str, str] | None = None
) -> ValidationReport:
    """Check a node and an edge table; return what was kept and what was rejected, with reasons.

    Row problems are reported, never silently dropped: a node is rejected for a missing
    ``node_id``/``node_type``, an unknown node type or a duplicate id (every copy after the first); an
    edge for a missing ``src``/``dst``/``edge_type``, an unknown edge type, an endpoint that is not a
    (kept) node, or node types its edge type does not allow (:data:`EDGE_SIGNATURES`). ``row`` is the
    1-based data row (CSV line = row + 1).

    Parameters
    ----------
    nodes, edges
        The node and edge tables (id and type columns as strings, categoricals or all-null).
    strict
        Raise on any rejected row instead of reporting it.
    source
        Names of the tables for messages: ``{"nodes": ..., "edges": ...}`` (e.g. their file names).

    Returns
    -------
    ValidationReport
        The kept nodes and edges, the rejected rows with their reasons, and the row account.

    Raises
    ------
    GraphError
        For a missing required column or a column that cannot hold strings, and with ``strict=True``
        for any rejected row (the message holds the account).
    """
    source = dict(source or {})
    require_columns(nodes, REQUIRED_NODE_COLUMNS, source.get("nodes", "node table"))
    require_columns(edges, REQUIRED_EDGE_COLUMNS, source.get("edges", "edge table"))
    nodes = as_string_columns(
        nodes, [c for c in NODE_COLUMNS if c in nodes.columns], source.get("nodes", "node table")
    )
    edges = as_string_columns(
        edges, [c for c in EDGE_COLUMNS if c in edges.columns], source.get("edges", "edge table")
    )

    n = nodes.with_row_index("row", offset=1)
    node_reason = (
        pl.when(pl.col("node_id").is_null() | (pl.col("node_id").str.strip_chars() == ""))
        .then(pl.lit("missing node_id"))
        .when(pl.col("node_type").is_null() | (pl.col("node_type").str.strip_chars() == ""))
        .then(pl.lit("missing node_type"))
        .when(~pl.col("node_type").is_in(NODE_TYPES))
        .then(
            pl.format(
                "unknown node_type '{}' (expected one of {})",
                pl.col("node_type"),
                pl.lit(", ".join(NODE_TYPES)),
            )
        )
        .when(pl.col("node_id").is_first_distinct().not_())
        .then(pl.lit("duplicate node_id (an earlier row has the same id)"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    n = n.with_columns(node_reason.alias("reason"))
    kept_nodes = n.filter(pl.col("reason").is_null()).drop("row", "reason")
    rejected_nodes = n.filter(pl.col("reason").is_not_null()).select("row", "node_id", "node_type", "reason")

    types = kept_nodes.select("node_id", "node_type")
    sig = pl.DataFrame(
        [(et, s, d) for et, pairs in EDGE_SIGNATURES.items() for s, d in sorted(pairs)],
        schema=["edge_type", "src_type", "dst_type"],
        orient="row",
    ).with_columns(pl.lit(True).alias("_fits"))
    e = (
        edges.with_row_index("row", offset=1)
        .join(types.rename({"node_id": "src", "node_type": "src_type"}), on="src", how="left")
        .join(types.rename({"node_id": "dst", "node_type": "dst_type"}), on="dst", how="left")
        .join(sig, on=["edge_type", "src_type", "dst_type"], how="left")
        .sort("row")
    )
    edge_reason = (
        pl.when(pl.col("src").is_null() | (pl.col("src").str.strip_chars() == ""))
        .then(pl.lit("missing src"))
        .when(pl.col("dst").is_null() | (pl.col("dst").str.strip_chars() == ""))
        .then(pl.lit("missing dst"))
        .when(pl.col("edge_type").is_null() | (pl.col("edge_type").str.strip_chars() == ""))
        .then(pl.lit("missing edge_type"))
        .when(~pl.col("edge_type").is_in(EDGE_TYPES))
        .then(
            pl.format(
                "unknown edge_type '{}' (expected one of {})",
                pl.col("edge_type"),
                pl.lit(", ".join(EDGE_TYPES)),
            )
        )
        .when(pl.col("src_type").is_null())
        .then(pl.format("src '{}' is not a known node", pl.col("src")))
        .when(pl.col("dst_type").is_null())
        .then(pl.format("dst '{}' is not a known node", pl.col("dst")))
        .when(pl.col("_fits").is_null())
        .then(
            pl.format(
                "edge_type '{}' cannot join a {} to a {}",
                pl.col("edge_type"),
                pl.col("src_type"),
                pl.col("dst_type"),
            )
        )
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    e = e.with_columns(edge_reason.alias("reason"))
    kept_edges = e.filter(pl.col("reason").is_null()).drop("row", "reason", "src_type", "dst_type", "_fits")
    rejected_edges = e.filter(pl.col("reason").is_not_null()).select(
        "row", "src", "dst", "edge_type", "reason"
    )
    report = ValidationReport(
        nodes=kept_nodes,
        edges=kept_edges,
        rejected_nodes=rejected_nodes,
        rejected_edges=rejected_edges,
        nodes_read=nodes.height,
        edges_read=edges.height,
        source=source,
    )
    assert report.nodes_read == report.nodes.height + report.rejected_nodes.height
    assert report.edges_read == report.edges.height + report.rejected_edges.height
    if strict and not report.ok:
        raise GraphError(report.message())
    return report


def read_graph_csv(
    nodes_file: str | Path, edges_file: str | Path, *, strict: bool = True
) -> ValidationReport:
    """Read a node CSV and an edge CSV (all columns as text) and :func:`validate` them.

    Errors and the report name the file; ``row`` N is CSV line N + 1.
    """
    frames = {}
    for what, f, required in (
        ("nodes", nodes_file, REQUIRED_NODE_COLUMNS),
        ("edges", edges_file, REQUIRED_EDGE_COLUMNS),
    ):
        f = Path(f)
        if not f.exists():
            raise GraphError(f"{f}: file not found (expected the {what} table as CSV)")
        frame = pl.read_csv(f, infer_schema=False, null_values=[""], encoding="utf8")
        require_columns(frame, required, str(f))
        frames[what] = frame
    return validate(
        frames["nodes"],
        frames["edges"],
        strict=strict,
        source={"nodes": str(nodes_file), "edges": str(edges_file)},
    )
