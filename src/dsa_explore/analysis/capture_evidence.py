"""From your own captures: the listing, risk and hidden-link analyses on captured pages.

An analyst who captured a marketplace (a HAR from the browser, a WARC/WACZ recording, saved
HTML, or a folder written by ``dsa-explore capture``) gets, with one call each:

* :func:`load`: the capture read (``dsa_explore.readers.capture``), its listings extracted and
  run through the listing-sample validator, its typed edges, and the **sources**: every capture
  file with its sha256, so each number can be traced to evidence;
* :func:`coding_worklist`: what a person must still code before a design-based prevalence
  estimate (category, stratum, selection mechanism, label source, labels), from the validator;
* :func:`information_gaps`: what *can* be measured on the captured pages without coding: the
  share of listings that state no EU responsible person (GPSR Art. 19(b)), no manufacturer
  (Art. 19(a)), no CE marking or warning while targeting children, with Wilson intervals. The
  captured listings are the analyst's own selection, so each share describes that selection
  (like a purposive test purchase), not the platform;
* :func:`risk_ranking`: the capture-computable risk indicators and partial score per listing
  (``dsa_explore.analysis.capture.risk_indicators``), highest first;
* :func:`page_flags` and :func:`hidden_link_chains`: captured pages that show adult content, a
  restricted substance or a counterfeit signal (lexicons of ``data/risk/lexicons/`` and the risk
  indicators), and the shortest chain from every other captured listing page to such a page
  within ``max_hops`` edges, with the
  kinds of edge along it (a ``redirect``, ``meta_refresh`` or ``script`` hop is the hidden
  navigation of the AliExpress case).

Every table rests on the capture files listed in ``CaptureEvidence.sources``. An analyst's capture
is real evidence and its tables carry no mark. The shipped capture of the MADE-UP mock marketplace
(``data/captures/mock-marketplace.har`` and ``.wacz``) is SYNTHETIC: its provenance record says so
(``dsa_explore.readers.capture.is_synthetic_file``, which also checks the record's sha256 against the
file), so :func:`load` puts a leading ``data`` = ``"SYNTHETIC"`` column on its listings and edges and
every table here carries it (``dsa_explore.analysis.listings.mark_like``), as the synthetic samples'
tables do. A capture mixing the mock with real files is marked as a whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl

from dsa_explore.analysis import capture as captured
from dsa_explore.analysis import estimators as stats
from dsa_explore.analysis import listings as marks
from dsa_explore.analysis import risk
from dsa_explore.core import paths
from dsa_explore.readers import capture as capture_reader
from dsa_explore.readers import listings as listing_format

#: Columns of :attr:`CaptureEvidence.sources`.
SOURCE_SCHEMA = {
    "file": pl.String,
    "sha256": pl.String,
    "bytes": pl.Int64,
    "role": pl.String,
    "synthetic": pl.Boolean,
}

#: Edge kinds that hide where a link goes (the reader sees them only in the captured traffic or code).
HIDDEN_KINDS = ("redirect", "meta_refresh", "script")


def display_name(path: str | Path) -> str:
    """Return ``path`` relative to the project root when inside it, else as given (no machine paths)."""
    p = Path(path)
    try:
        return p.resolve().relative_to(paths.PROJECT_ROOT.resolve()).as_posix()
    except (ValueError, OSError):
        return p.as_posix() if not p.is_absolute() else p.name


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files_of(path: Path) -> list[tuple[Path, str]]:
    """Return the evidence files a capture path stands for, each with its role."""
    if path.is_file():
        return [(path, "capture file")]
    manifest = path / capture_reader.MANIFEST
    if manifest.is_file():
        return [
            (
                manifest,
                "manifest of a dsa-explore capture folder (holds the sha256 of every file, checked "
                "on reading)",
            )
        ]
    found = sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and p.name.lower().endswith((*capture_reader.CAPTURE_SUFFIXES, ".html", ".htm"))
    )
    return [
        (p, "capture file" if p.name.lower().endswith(capture_reader.CAPTURE_SUFFIXES) else "saved HTML page")
        for p in found
    ]


def sources(capture_paths: Iterable[str | Path]) -> pl.DataFrame:
    """Return one row per evidence file behind ``capture_paths``.

    Columns: file (project-relative), sha256, bytes, role, synthetic (the file is a shipped SYNTHETIC
    capture by its provenance record, ``dsa_explore.readers.capture.is_synthetic_file``).
    """
    rows = []
    for given in capture_paths:
        for f, role in _files_of(Path(given)):
            digest = _sha256(f)
            rows.append(
                {
                    "file": display_name(f),
                    "sha256": digest,
                    "bytes": f.stat().st_size,
                    "role": role,
                    "synthetic": capture_reader.is_synthetic_file(f, digest),
                }
            )
    return pl.DataFrame(rows, schema=SOURCE_SCHEMA)


@dataclass
class CaptureEvidence:
    """A capture read and analysed: pages, listings (validated), edges and the files they rest on."""

    paths: list[Path]
    capture: capture_reader.Capture
    sources: pl.DataFrame
    listings: pl.DataFrame
    report: listing_format.ValidationReport
    edges: pl.DataFrame

    @property
    def synthetic(self) -> bool:
        """Return whether a file behind the capture is a shipped SYNTHETIC capture (the mock marketplace)."""
        return bool(self.sources["synthetic"].any())

    @property
    def names(self) -> str:
        """Return the capture files as a comma-separated list of names."""
        return ", ".join(self.sources["file"].to_list())

    def source_text(self) -> str:
        """Return what a chart of this capture cites: its files, said to be SYNTHETIC for the mock's."""
        if self.synthetic:
            return f"SYNTHETIC capture of the MADE-UP mock marketplace ({self.names})"
        return f"the analyst's capture ({self.names})"

    def summary(self) -> str:
        """Return one line: pages read, listings extracted, edges, files."""
        return (
            f"{self.capture.summary()}; {self.listings.height} listing(s) extracted; "
            f"{self.edges.height} edge(s); evidence: {self.sources.height} file(s)"
        )


def _paths(capture_paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(capture_paths, str | Path):
        capture_paths = [capture_paths]
    return [Path(p) for p in capture_paths]


def load(capture_paths: str | Path | Iterable[str | Path], *, platform: str | None = None) -> CaptureEvidence:
    """Read captures, extract and validate their listings, and build their typed edges.

    Parameters
    ----------
    capture_paths : capture folders or files (``.har``, ``.warc``, ``.warc.gz``, ``.wacz``, ``.html``).
    platform : the marketplace the capture shows, spelled as in ``dsa_explore.core.platforms``; left to
        code when not given.

    Returns
    -------
    CaptureEvidence
        ``capture`` (pages and skipped records), ``listings`` (listing-sample format plus evidence
        columns), ``report`` (the listing-sample validator's report), ``edges`` and ``sources``. For
        a SYNTHETIC capture (the mock marketplace's) ``listings`` and ``edges`` start with a ``data``
        column reading ``"SYNTHETIC"``.
    """
    given = _paths(capture_paths)
    cap = capture_reader.read_capture(given)
    listings = capture_reader.extract_listings(cap, platform=platform)
    report = capture_reader.extract.validate_listings(listings)
    edges = capture_reader.link_edges(cap)
    files = sources(given)
    if files["synthetic"].any():
        listings, edges = (_marked(f) for f in (listings, edges))
    return CaptureEvidence(
        paths=given, capture=cap, sources=files, listings=listings, report=report, edges=edges
    )


def _marked(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with a leading ``data`` = ``"SYNTHETIC"`` column."""
    return frame.select(pl.lit(marks.SYNTHETIC_MARK).alias(marks.MARK_COLUMN), pl.exclude(marks.MARK_COLUMN))


# ----------------------------------------------------------------------------- listings


def listing_table(evidence: CaptureEvidence) -> pl.DataFrame:
    """Return the extracted listings with the fields a reader checks first, and what is left to code."""
    ls = evidence.listings
    table = ls.select(
        "listing_id",
        "title",
        "price",
        "currency",
        "brand",
        "seller_id",
        "child_targeted",
        pl.col("eu_rp_name").is_not_null().alias("eu_rp_stated"),
        pl.col("manufacturer_name").is_not_null().alias("manufacturer_stated"),
        pl.col("markings").str.contains(r"(^|; )CE(;|$)").fill_null(False).alias("ce_shown"),
        "to_code",
    )
    return marks.mark_like(ls, table)


def coding_worklist(evidence: CaptureEvidence | listing_format.ValidationReport) -> pl.DataFrame:
    """Return, per column, how many listings the validator found empty or refused (what is left to code).

    ``evidence`` is a loaded capture (its table is marked SYNTHETIC when the capture is) or just its
    validator report (``CaptureEvidence.report``; never marked). Columns: column, problem, listings
    (rows affected), example (first listing id).
    """
    report = evidence.report if isinstance(evidence, CaptureEvidence) else evidence
    p = report.problems.filter(pl.col("line").is_not_null())
    table = (
        p.group_by("column", "problem", maintain_order=True)
        .agg(pl.col("line").n_unique().alias("listings"), pl.col("listing_id").first().alias("example"))
        .sort("listings", "column", descending=[True, False])
    )
    return marks.mark_like(evidence.listings, table) if isinstance(evidence, CaptureEvidence) else table


def _gap_rows(ls: pl.DataFrame) -> list[tuple[str, str, pl.Series, pl.Series]]:
    rp = ls["eu_rp_name"].is_null()
    maker = ls["manufacturer_name"].is_null()
    child = ls["child_targeted"].fill_null(False)
    ce = ls["markings"].str.contains(r"(^|; )CE(;|$)").fill_null(False)
    warned = ls["safety_info"].is_not_null()
    every = pl.Series([True] * ls.height, dtype=pl.Boolean)
    return [
        ("no EU responsible person stated", "GPSR Art. 19(b)", every, rp),
        ("no manufacturer stated", "GPSR Art. 19(a)", every, maker),
        ("child-targeted, no CE marking shown", "Toy Safety Directive 2009/48/EC Art. 16-17", child, ~ce),
        ("child-targeted, no warning shown", "Toy Safety Directive 2009/48/EC Art. 11", child, ~warned),
    ]


def information_gaps(listings: pl.DataFrame, *, level: float = 0.95) -> pl.DataFrame:
    """Return the share of captured listings with each formal information gap visible on the page.

    Parameters
    ----------
    listings : the listing table of a capture (``CaptureEvidence.listings``).
    level : confidence level of the Wilson intervals.

    Returns
    -------
    polars.DataFrame
        gap, rule, n (listings it applies to), k (with the gap), estimate, low, high. The listings
        are the analyst's own selection: the shares describe that selection, not the platform.
    """
    rows = []
    for gap, rule, applies, has_gap in _gap_rows(listings):
        n = int(applies.sum())
        rows.append({"gap": gap, "rule": rule, "n": n, "k": int((applies & has_gap).sum())})
    t = pl.DataFrame(rows, schema={"gap": pl.String, "rule": pl.String, "n": pl.Int64, "k": pl.Int64})
    t = stats.add_intervals(t.filter(pl.col("n") > 0), "k", "n", method="wilson", level=level)
    return marks.mark_like(listings, t.with_columns(pl.col("estimate", "low", "high").round(4)))


# ----------------------------------------------------------------------------- risk


def risk_ranking(listings: pl.DataFrame) -> pl.DataFrame:
    """Return the captured listings scored by the capture-computable risk indicators, highest score first."""
    scored = captured.risk_indicators(listings)
    table = scored.select("listing_id", "title", "risk_score_capture", "reasons", "url").sort(
        "risk_score_capture", "listing_id", descending=[True, False]
    )
    return marks.mark_like(listings, table)


def indicator_counts(listings: pl.DataFrame) -> pl.DataFrame:
    """Return, per capture-computable indicator, how many captured listings it flags (k of n)."""
    scored = captured.risk_indicators(listings)
    table = pl.DataFrame(
        {
            "indicator": list(captured.CAPTURE_INDICATORS),
            "label": [risk.LABELS[k] for k in captured.CAPTURE_INDICATORS],
            "flagged": [int(scored[k].sum()) for k in captured.CAPTURE_INDICATORS],
            "listings": [scored.height] * len(captured.CAPTURE_INDICATORS),
        }
    )
    return marks.mark_like(listings, table)


# ----------------------------------------------------------------------------- hidden links


def _visible_text(page) -> str:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(page.text() or "<html></html>")
    except (ValueError, TypeError):
        return ""
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return tree.text_content()


#: An adult audience stated in words (checked after ``risk.normalise``): "adults only", "18+", "for adults".
ADULT_AUDIENCE = r"(?:^|[^\p{L}\p{N}])(?:adults?[ -]only|for adults|18\+|ab 18)(?:$|[^\p{L}\p{N}])"


def _page_texts(capture: capture_reader.Capture) -> pl.DataFrame:
    """Return url and normalised visible text of every captured HTML page (first record per URL)."""
    pages: dict[str, str] = {}
    for page in capture.pages:
        url = page.final_url or page.url
        if page.is_html and page.body is not None and url not in pages:
            pages[url] = risk.normalise(_visible_text(page))
    return pl.DataFrame(
        {"url": list(pages), "text": list(pages.values())}, schema={"url": pl.String, "text": pl.String}
    )


def _listing_texts(listings: pl.DataFrame) -> pl.DataFrame:
    """Return each listing's page url, normalised title/description/category text and counterfeit signals."""
    if listings.height == 0:
        return pl.DataFrame(schema={"url": pl.String, "text": pl.String, "counterfeit": pl.Boolean})
    scored = captured.risk_indicators(listings)
    return scored.select(
        pl.col("final_url").fill_null(pl.col("url")).alias("url"),
        pl.concat_str(
            [
                risk.normalised(pl.col(c)).fill_null("")
                for c in ("title", "description", "product_category", "breadcrumbs")
            ],
            separator=" \n ",
        ).alias("text"),
        (pl.col("brand_unauthorised") | pl.col("obfuscated_brand_text")).alias("counterfeit"),
    )


def page_flags(evidence: CaptureEvidence) -> pl.DataFrame:
    """Return one row per captured page showing bad content: url, flag, evidence (matched term or signal).

    A page is flagged, first rule first:

    * ``adult``: its visible text or a listing on it (title, description, category,
      breadcrumbs) contains a term of the adult-content lexicon (``data/risk/lexicons/adult_terms.csv``,
      group ``adult``) or states an adult audience (:data:`ADULT_AUDIENCE`, or the category "adult");
    * ``restricted_substance``: the same texts contain a term of the restricted-substance lexicon;
    * ``counterfeit_signal``: a listing on it fires the brand-not-authorised or the
      obfuscated-brand indicator (``dsa_explore.analysis.risk``).

    Texts are matched after ``dsa_explore.analysis.risk.normalise`` (NFKC, zero-width characters removed,
    look-alikes folded), so a term hidden with a zero-width space still matches.
    """
    text = pl.concat([_page_texts(evidence.capture), _listing_texts(evidence.listings).select("url", "text")])
    counterfeit = _listing_texts(evidence.listings).filter(pl.col("counterfeit"))
    adult = risk.terms_regex(risk._terms("adult_terms", ["adult"]))
    rules = [
        (
            "adult",
            pl.coalesce(
                pl.col("text").str.extract(adult, 0),
                pl.col("text").str.extract(ADULT_AUDIENCE, 0),
                pl.col("text").str.extract(r"(?:^| \n )(adult)(?:$| \n )", 1),
            ),
        ),
        (
            "restricted_substance",
            pl.col("text").str.extract(risk.terms_regex(risk._terms("restricted_substances")), 0),
        ),
    ]
    found = [
        text.select("url", pl.lit(flag).alias("flag"), expr.str.strip_chars().alias("evidence")).filter(
            pl.col("evidence").is_not_null()
        )
        for flag, expr in rules
    ]
    found.append(
        counterfeit.select(
            "url",
            pl.lit("counterfeit_signal").alias("flag"),
            pl.lit("brand not authorised or obfuscated brand").alias("evidence"),
        )
    )
    schema = {"url": pl.String, "flag": pl.String, "evidence": pl.String}
    # a page matching several rules is listed once, under the first
    table = (
        pl.concat([f.cast(schema) for f in found])
        .unique("url", keep="first", maintain_order=True)
        .sort("url")
    )
    return marks.mark_like(evidence.listings, table)


def _path_kinds(path: list[str], kinds: dict[tuple[str, str], str]) -> str:
    return " > ".join(kinds.get((a, b), "?") for a, b in zip(path, path[1:], strict=False))


def hidden_link_chains(evidence: CaptureEvidence, max_hops: int = 3) -> pl.DataFrame:
    """Return the shortest chain from each captured listing page to a flagged page, within ``max_hops`` edges.

    Seeds are the pages listings were extracted from (their final URL) that are not flagged
    themselves; targets are :func:`page_flags`. Columns: source_url, target_url, flag, hops,
    path (URLs joined by ``" > "``), kinds (edge kinds along the path), hidden (whether any hop
    is a redirect, meta refresh or script navigation), child_targeted (the seed listing states a
    child audience).
    """
    flags = page_flags(evidence)
    ls = evidence.listings
    flagged = set(flags["url"].to_list())
    # a flagged listing is a target, not a seed: a chain starts at a page that shows nothing bad itself
    seeds = [
        u
        for u in dict.fromkeys(ls["final_url"].fill_null(ls["url"]).drop_nulls().to_list())
        if u not in flagged
    ]
    child = set(
        ls.filter(pl.col("child_targeted").fill_null(False))["final_url"]
        .fill_null(ls.filter(pl.col("child_targeted").fill_null(False))["url"])
        .to_list()
    )
    schema = {
        "source_url": pl.String,
        "target_url": pl.String,
        "flag": pl.String,
        "hops": pl.Int64,
        "path": pl.String,
        "kinds": pl.String,
        "hidden": pl.Boolean,
        "child_targeted": pl.Boolean,
    }
    e = evidence.edges.filter(pl.col("source_url").is_not_null() & pl.col("target_url").is_not_null())
    from dsa_explore.analysis import links

    reach = links.reachability(
        e.select(pl.col("source_url").alias("src"), pl.col("target_url").alias("dst")),
        seeds,
        flags["url"].to_list(),
        int(max_hops),
    )
    if reach.height == 0:
        return marks.mark_like(ls, pl.DataFrame(schema=schema))
    kinds: dict[tuple[str, str], str] = {}
    for s, t, k in e.select("source_url", "target_url", "kind").iter_rows():
        # a pair shown both as a plain link and a redirect counts as hidden: keep the hidden kind
        if (s, t) not in kinds or k in HIDDEN_KINDS:
            kinds[(s, t)] = k
    flag_of = dict(zip(flags["url"], flags["flag"], strict=True))
    rows = []
    for seed, hops, path in reach.iter_rows():
        kind_path = _path_kinds(path, kinds)
        rows.append(
            {
                "source_url": seed,
                "target_url": path[-1],
                "flag": flag_of[path[-1]],
                "hops": hops,
                "path": captured.PATH_SEPARATOR.join(path),
                "kinds": kind_path,
                "hidden": any(k in HIDDEN_KINDS for k in kind_path.split(" > ")),
                "child_targeted": seed in child,
            }
        )
    return marks.mark_like(ls, pl.DataFrame(rows, schema=schema).sort("hops", "source_url"))


def edge_kinds(edges: pl.DataFrame) -> pl.DataFrame:
    """Return the number of captured edges of each kind (link, redirect, meta_refresh, script)."""
    counts = edges.group_by("kind").len().rename({"len": "edges"})
    order = pl.DataFrame({"kind": list(capture_reader.EDGE_KINDS)})
    table = order.join(counts, on="kind", how="left")
    return marks.mark_like(edges, table.with_columns(pl.col("edges").fill_null(0).cast(pl.Int64)))


def _short(url: str, home: str | None = None) -> str:
    """Return a URL's last path segment (with its host when it is not ``home``), for chart labels."""
    parts = urlsplit(url)
    tail = (parts.path.rstrip("/").rsplit("/", 1)[-1] or "/") + (f"?{parts.query}" if parts.query else "")
    return tail if parts.hostname == home else f"{parts.hostname or ''}/{tail.lstrip('/')}"


def chain_steps(evidence: CaptureEvidence, chains: pl.DataFrame) -> pl.DataFrame:
    """Return :func:`hidden_link_chains` in long form for drawing: one row per page along each chain.

    Columns: chain (label), step (0 = the seed listing), url, page (last path segment; with the
    host when it differs from the seed's),
    role (``captured listing``, ``page``, ``other site``, or ``flagged: <flag>`` for the target),
    edge_in (the kind of edge that reached the page; null for the seed).
    """
    listed = set(evidence.listings["final_url"].fill_null(evidence.listings["url"]).drop_nulls().to_list())
    rows = []
    for r in chains.iter_rows(named=True):
        urls = r["path"].split(captured.PATH_SEPARATOR)
        kinds = [None, *r["kinds"].split(" > ")]
        seed_host = urlsplit(urls[0]).hostname
        label = f"{_short(urls[0], seed_host)} → {r['flag'].replace('_', ' ')} ({r['hops']} links)"
        for step, (url, kind) in enumerate(zip(urls, kinds, strict=True)):
            if step == len(urls) - 1:
                role = f"flagged: {r['flag'].replace('_', ' ')}"
            elif url in listed:
                role = "captured listing"
            else:
                role = "page" if urlsplit(url).hostname == seed_host else "other site"
            rows.append(
                {
                    "chain": label,
                    "step": step,
                    "url": url,
                    "page": _short(url, seed_host),
                    "role": role,
                    "edge_in": kind,
                }
            )
    schema = {
        "chain": pl.String,
        "step": pl.Int64,
        "url": pl.String,
        "page": pl.String,
        "role": pl.String,
        "edge_in": pl.String,
    }
    return marks.mark_like(chains, pl.DataFrame(rows, schema=schema))
