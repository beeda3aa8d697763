"""Analyses on captured evidence: shortest chains between URLs, the hidden-link graph, risk indicators.

Frames in, frames out. The edge table is what
:func:`dsa_explore.readers.capture.link_edges` returns (``source_url, target_url, kind,
capture_file, record_sha256``); the listing table is what
:func:`dsa_explore.readers.capture.extract_listings` returns.

* :func:`chains`: one row per source URL matching a pattern that reaches a URL matching another
  pattern within ``max_hops`` edges, with the shortest path (``dsa_explore.analysis.links.reachability``:
  a breadth-first search; ties broken by the smallest URL at each step, so results are stable).
* :func:`link_graph`: the captured graph as the hidden-link analysis' node and edge tables
  (``dsa_explore.readers.links``), so reachability rates, BadRank and the briefing section run on it.
* :func:`risk_indicators`: the listing risk indicators (``dsa_explore.analysis.risk``) that a capture can
  support, computed on extracted listings; the others are reported as not computable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import polars as pl

from dsa_explore.analysis import links, risk
from dsa_explore.readers import links as link_format
from dsa_explore.readers import risk as risk_fields

CHAIN_SCHEMA = {"source_url": pl.String(), "target_url": pl.String(), "hops": pl.Int64(), "path": pl.String()}
PATH_SEPARATOR = " > "

#: Risk indicators a capture can support (the fields they read can come from a listing page).
CAPTURE_INDICATORS: tuple[str, ...] = (
    "brand_unauthorised",
    "obfuscated_brand_text",
    "gpsr_incomplete",
    "toy_markings_missing",
    "restricted_substance_terms",
    "adult_terms_child_listing",
    "trader_traceability_gap",
)
#: Why the other indicators cannot be computed from a capture alone.
NOT_FROM_CAPTURE: dict[str, str] = {
    "price_far_below_reference": (
        "needs a reference price distribution per brand and category (min group size)"
    ),
    "young_high_velocity_seller": "needs the seller's registration date and listing velocity (platform data)",
    "reappearance_of_removed": "needs the platform's removal history",
}


def _compile(pattern: str, what: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{what} {pattern!r} is not a valid regular expression ({exc})") from exc


def _edge_frame(edges: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in ("source_url", "target_url") if c not in edges.columns]
    if missing:
        raise ValueError(
            f"edge table lacks column(s) {missing}; expected source_url, target_url, kind "
            f"(as written by `dsa-explore links from-capture`), got {edges.columns}"
        )
    return edges.select(pl.col("source_url").alias("src"), pl.col("target_url").alias("dst")).drop_nulls()


def chains(
    edges: pl.DataFrame,
    from_url_regex: str,
    to_url_regex: str,
    max_hops: int,
    kinds: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Return the shortest chain from every URL matching ``from_url_regex`` to one matching ``to_url_regex``.

    Parameters
    ----------
    edges : the capture's edge table (``source_url``, ``target_url``, optional ``kind``).
    from_url_regex, to_url_regex : Python regular expressions, searched anywhere in the URL.
        A URL matching both is a target, not a source.
    max_hops : the longest chain looked for (edges).
    kinds : edge kinds to follow (default: all).

    Returns
    -------
    polars.DataFrame
        ``source_url, target_url, hops, path`` (URLs joined by ``" > "``), one row per source that
        reaches a target, sorted by hops then source URL.
    """
    src_re = _compile(from_url_regex, "--from-url-regex")
    dst_re = _compile(to_url_regex, "--to-url-regex")
    if kinds is not None:
        edges = edges.filter(pl.col("kind").is_in(list(kinds)))
    e = _edge_frame(edges)
    urls = pl.concat([e["src"], e["dst"]]).unique().sort().to_list()
    targets = [u for u in urls if dst_re.search(u)]
    seeds = [u for u in urls if src_re.search(u) and not dst_re.search(u)]
    reach = links.reachability(e, seeds, targets, int(max_hops))
    if reach.height == 0:
        return pl.DataFrame(schema=CHAIN_SCHEMA)
    return reach.select(
        pl.col("seed").alias("source_url"),
        pl.col("path").list.last().alias("target_url"),
        pl.col("distance").alias("hops"),
        pl.col("path").list.join(PATH_SEPARATOR).alias("path"),
    ).sort("hops", "source_url")


def _yes(value) -> bool:
    """Return True for True, 1, "1", "true" (a listing table typed or read from CSV as text)."""
    return value is True or value == 1 or str(value).strip().lower() in ("1", "true")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def link_graph(
    edges: pl.DataFrame,
    listings: pl.DataFrame | None = None,
    *,
    site_hosts: Sequence[str] = (),
    platform: str | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``(nodes, edges)`` in the hidden-link format of :mod:`dsa_explore.readers.links`.

    Every URL is a node: a ``listing`` when a listing was extracted from it or its host is one of
    ``site_hosts`` (the marketplace), an ``external_domain`` otherwise. A listing with
    ``child_targeted`` true is a ``child_targeted`` seed; ``label_prohibited`` = 1 makes it a
    ``prohibited`` target, ``label_counterfeit`` = 1 a ``counterfeit`` one and category ``adult``
    an ``adult`` one (those are coded by a person: an uncoded capture has no targets).
    Captured ``link`` edges become ``links_to``; ``redirect``, ``meta_refresh`` and ``script``
    edges from an external URL become ``redirects_to`` and, from a marketplace page,
    ``links_to`` (the format allows redirects only off-platform). The capture evidence
    (``kind``, ``capture_file``, ``record_sha256``) is kept on each edge.
    """
    e = edges.filter(pl.col("source_url").is_not_null() & pl.col("target_url").is_not_null())
    hosts = {h.lower() for h in site_hosts}
    listed = (
        set()
        if listings is None
        else set(listings["url"].drop_nulls().to_list())
        | set(listings["final_url"].drop_nulls().to_list() if "final_url" in listings.columns else [])
    )
    urls = pl.concat([e["source_url"], e["target_url"]]).unique().sort().to_list()
    node_type = {u: "listing" if u in listed or _host(u) in hosts else "external_domain" for u in urls}
    seed, bad = {}, {}
    if listings is not None:
        for r in listings.iter_rows(named=True):
            url = r.get("final_url") or r.get("url")
            if _yes(r.get("child_targeted")):
                seed[url] = "child_targeted"
            if _yes(r.get("label_prohibited")):
                bad[url] = "prohibited"
            elif _yes(r.get("label_counterfeit")):
                bad[url] = "counterfeit"
            elif r.get("category") == "adult":
                bad[url] = "adult"
    nodes = pl.DataFrame(
        {
            "node_id": urls,
            "node_type": [node_type[u] for u in urls],
            "platform": [platform] * len(urls),
            "seed_category": [seed.get(u) for u in urls],
            "bad_kind": [bad.get(u) for u in urls],
        },
        schema=link_format.NODE_COLUMNS,
    )
    src_type = pl.col("source_url").replace_strict(node_type, default="external_domain")
    out = e.select(
        pl.col("source_url").alias("src"),
        pl.col("target_url").alias("dst"),
        pl.when((pl.col("kind") != "link") & (src_type == "external_domain"))
        .then(pl.lit("redirects_to"))
        .otherwise(pl.lit("links_to"))
        .alias("edge_type"),
        pl.lit(platform, pl.String).alias("platform"),
        *[c for c in ("kind", "capture_file", "record_sha256") if c in e.columns],
    )
    return nodes, out


def risk_frame(listings: pl.DataFrame) -> pl.DataFrame:
    """Return extracted listings with every risk field present (null where the page did not state it)."""
    fields = {**risk_fields.BASE_FIELDS, **{k: v[0] for k, v in risk_fields.RISK_FIELDS.items()}}
    add = [pl.lit(None, dtype).alias(c) for c, dtype in fields.items() if c not in listings.columns]
    frame = listings.with_columns(add)
    return frame.with_columns(
        pl.col("observed_on").cast(pl.String).str.to_date("%Y-%m-%d", strict=False),
        pl.col("seller_registered_on", "listed_on").cast(pl.Date, strict=False),
    )


def risk_indicators(listings: pl.DataFrame, config: dict | None = None) -> pl.DataFrame:
    """Return the listings with the capture-computable risk indicators, a partial score and reasons.

    Adds one boolean column per :data:`CAPTURE_INDICATORS`, ``gpsr_completeness``,
    ``risk_score_capture`` (weights from ``data/risk/risk-weights.json``, summed over those
    indicators only), ``reasons`` and ``not_computed`` (the indicators a capture cannot support,
    see :data:`NOT_FROM_CAPTURE`). A person's coding (``category``, ``child_targeted``) changes
    L5 and L7: uncoded rows count as not child-targeted and not in the toy category.
    """
    config = config or risk.load_config()
    frame = risk_frame(listings)
    builders = {i.key: i.build for i in risk.INDICATORS}
    exprs = [builders[k](config).fill_null(False).alias(k) for k in CAPTURE_INDICATORS]
    out = frame.with_columns(*exprs, risk.gpsr_completeness(config))
    weights = config["weights"]
    ordered = sorted(CAPTURE_INDICATORS, key=lambda k: (-weights.get(k, 0), CAPTURE_INDICATORS.index(k)))
    score = pl.sum_horizontal(
        [pl.col(k).cast(pl.Float64) * float(weights.get(k, 0)) for k in CAPTURE_INDICATORS]
    )
    reasons = pl.concat_list(
        [pl.when(pl.col(k)).then(pl.lit(risk.LABELS[k])) for k in ordered]
    ).list.drop_nulls()
    return out.with_columns(
        risk_score_capture=score,
        reasons=reasons.list.join("; "),
        not_computed=pl.lit(", ".join(NOT_FROM_CAPTURE)),
    )
