"""Link graphs from captures: typed edges with evidence, the planted hidden-link chains, the CLI commands.

The planted chains and the pages that must not be flagged are written by hand in
tests/capture_mock_expected.py (from data/mock-marketplace/README.md).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from dsa_explore import cli
from dsa_explore.analysis import capture as captured
from dsa_explore.analysis import links
from dsa_explore.core import paths
from dsa_explore.core.csvsafe import safe_text
from dsa_explore.readers import capture
from dsa_explore.readers import links as link_format
from dsa_explore.readers.capture.graph import page_links, refresh_target, script_targets
from dsa_explore.readers.capture.pages import Page
from tests import capture_mock_expected as expected

SHIPPED = paths.data_dir() / "captures"


def _page(html: str, url: str = "https://shop.example/a/b.html") -> Page:
    return Page(
        url=url,
        status=200,
        fetched_at=None,
        content_type="text/html",
        body=html.encode(),
        capture_file="x",
        record_offset=0,
        record_length=None,
        record_sha256="h",
    )


def test_page_links_of_each_kind():
    html = (
        '<html><head><base href="https://shop.example/base/">'
        '<meta http-equiv="Refresh" content="5;URL=\'/next\'">\n'
        '    <script>if (x) { window.location.href = "/script-target"; } '
        "location.replace('https://other.example/r');</script>\n"
        '    <script src="/app.js">location = "/not-inline"</script></head>\n'
        '    <body><a href="rel.html#frag">r</a><a href="mailto:a@b.c">m</a>'
        "<a href=\"javascript:window.open('/popup')\">p</a>\n"
        '    <area href="/map"><div onclick="location.assign(\'/clicked\')">x</div>'
        '<a href="tel:123">t</a></body></html>'
    )
    got = page_links(_page(html))
    assert got == [
        ("https://shop.example/next", "meta_refresh"),
        ("https://shop.example/script-target", "script"),
        ("https://other.example/r", "script"),
        ("https://shop.example/base/rel.html", "link"),
        ("https://shop.example/popup", "script"),
        ("https://shop.example/map", "link"),
        ("https://shop.example/clicked", "script"),
    ]


def test_refresh_and_script_parsing_edge_cases():
    assert refresh_target("0; url=/x") == "/x" and refresh_target("30") is None and refresh_target("") is None
    assert refresh_target("0;URL=https://a.example/") == "https://a.example/"
    assert script_targets("var u = base + id; location.href = u;") == []  # computed URLs are not guessed


@pytest.fixture(scope="module", params=["mock-marketplace.har", "mock-marketplace.wacz"])
def shipped_edges(request) -> pl.DataFrame:
    return capture.link_edges(capture.read_capture(SHIPPED / request.param))


def check_planted_chains(edges: pl.DataFrame) -> None:
    """Every planted chain found at its length with its edge kinds; no other listing reaches a bad target."""
    found = captured.chains(edges, r"/listing/", expected.BAD_TARGETS, max_hops=3)
    want = [(s, t, h, " > ".join(p)) for s, t, h, p, _k in expected.CHAINS]
    assert found.rows() == want
    kinds = {(r["source_url"], r["target_url"]): r["kind"] for r in edges.iter_rows(named=True)}
    for _s, _t, _h, path, planted_kinds in expected.CHAINS:
        assert [kinds[(a, b)] for a, b in zip(path[:-1], path[1:], strict=True)] == planted_kinds
    # no innocent page: from every captured page (not only listings), only the pages on the planted
    # chains and the home page (which links to a chain's seed) reach a bad target within 3 hops
    everything = captured.chains(edges, r".", expected.BAD_TARGETS, max_hops=3)
    on_chains = {u for _s, _t, _h, p, _k in expected.CHAINS for u in p[:-1]}
    assert set(everything["source_url"]) == on_chains | expected.ALSO_WITHIN_3


def test_planted_chains_found_in_the_shipped_captures(shipped_edges):
    check_planted_chains(shipped_edges)
    assert set(shipped_edges["kind"]) == {"link", "redirect", "meta_refresh", "script"}
    assert (
        shipped_edges.filter(pl.col("record_sha256").is_null() | pl.col("capture_file").is_null()).height == 0
    )


def test_edges_carry_the_record_they_rest_on():
    cap = capture.read_capture(SHIPPED / "mock-marketplace.har")
    edges = capture.link_edges(cap)
    records = {(p.url, p.record_sha256) for p in cap.pages}
    assert all((r["source_url"], r["record_sha256"]) in records for r in edges.iter_rows(named=True))
    # the meta refresh page navigated away at once: its body came from the network layer (marked in the HAR)
    import json

    har = json.loads((SHIPPED / "mock-marketplace.har").read_text())
    patched = [
        e["request"]["url"] for e in har["log"]["entries"] if e.get("_dsa_explore_body") == "cdp-fetch"
    ]
    assert patched == [f"{expected.M}/promo/summer.html"]


def test_link_graph_feeds_the_hidden_link_analysis():
    cap = capture.read_capture(SHIPPED / "mock-marketplace.har")
    edges = capture.link_edges(cap)
    table = capture.extract_listings(cap)
    # a person codes the labels: the three bad targets (see data/mock-marketplace/README.md)
    table = table.with_columns(
        pl.when(pl.col("listing_id") == "ME-2002").then(1).otherwise(None).alias("label_prohibited"),
        pl.when(pl.col("listing_id") == "ME-3003").then(1).otherwise(None).alias("label_counterfeit"),
        pl.when(pl.col("listing_id") == "ME-6006").then(pl.lit("adult")).otherwise(None).alias("category"),
    )
    nodes, graph = captured.link_graph(
        edges, table, site_hosts=["www.mockmarket.test"], platform="AliExpress"
    )
    report = links.validate(nodes, graph, strict=True)
    assert report.ok and report.edges.height == edges.height
    assert set(nodes.filter(pl.col("bad_kind").is_not_null())["bad_kind"]) == {
        "prohibited",
        "counterfeit",
        "adult",
    }
    reach = links.seed_reach(report.nodes, report.edges, max_hops=3)
    # the bunny is the only child-targeted seed (its page states an audience of 0-3 years)
    assert reach.select("seed", "distance", "target_kind").rows() == [
        (f"{expected.M}/listing/plush-bunny-toy.html", 3, "adult")
    ]
    redirects = graph.filter(pl.col("kind") == "redirect")
    shortener = redirects.filter(pl.col("src") == "http://shrt.test/k7")
    assert shortener["edge_type"].to_list() == ["redirects_to"]  # off-platform redirect
    assert set(redirects.filter(pl.col("src").str.starts_with(expected.M))["edge_type"]) == {"links_to"}


def test_chains_refuses_a_bad_regex_and_a_wrong_table():
    edges = pl.DataFrame({"source_url": ["a"], "target_url": ["b"], "kind": ["link"]})
    with pytest.raises(ValueError, match=r"--from-url-regex '\(' is not a valid regular expression"):
        captured.chains(edges, "(", "b", 2)
    with pytest.raises(ValueError, match="lacks column"):
        captured.chains(pl.DataFrame({"src": ["a"]}), "a", "b", 2)
    assert captured.chains(edges, "a", "b", 1).rows() == [("a", "b", 1, "a > b")]
    assert captured.chains(edges, "a", "b", 0).height == 0


def test_csv_safety():
    assert safe_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert (
        safe_text("+cmd") == "'+cmd" and safe_text("@SUM(1)") == "'@SUM(1)" and safe_text("-2+3") == "'-2+3"
    )
    assert safe_text("line\nbreak\x07") == "line\\nbreak\\x07" and safe_text("plain") == "plain"


def test_cli_from_capture_to_chains(tmp_path, capsys):
    har = str(SHIPPED / "mock-marketplace.har")
    out = tmp_path / "listings.csv"
    problems = tmp_path / "problems.csv"
    assert (
        cli.main(
            [
                "listings",
                "from-capture",
                har,
                "--out",
                str(out),
                "--platform",
                "AliExpress",
                "--problems",
                str(problems),
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    todo = list(csv.DictReader(problems.open(encoding="utf-8")))
    assert len(todo) == 4 * 7 and {r["column"] for r in todo} == {
        "category",
        "stratum",
        "selection_mechanism",
        "label_source",
    }
    assert {r["file"] for r in todo} == {str(out)} and {r["line"] for r in todo} == {
        str(n) for n in range(2, 9)
    }
    assert len(rows) == 7 and {"url", "capture_file", "record_sha256", "listing_id", "platform"} <= set(
        rows[0]
    )
    assert {r["listing_id"] for r in rows} == set(expected.LISTINGS)
    err = capsys.readouterr().err
    assert "7 listing(s)" in err and "to_code" in err
    edges_csv = tmp_path / "edges.csv"
    assert cli.main(["links", "from-capture", har, "--out", str(edges_csv)]) == 0
    header = edges_csv.read_text().splitlines()[0]
    assert header == "source_url,target_url,kind,capture_file,record_offset,record_sha256"
    capsys.readouterr()
    assert (
        cli.main(
            [
                "links",
                "chains",
                str(edges_csv),
                "--from-url-regex",
                "/listing/",
                "--to-url-regex",
                expected.BAD_TARGETS,
                "--max-hops",
                "3",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    printed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["source_url"], r["target_url"], int(r["hops"]), r["path"]) for r in printed] == [
        (s, t, h, " > ".join(p)) for s, t, h, p, _k in expected.CHAINS
    ]
    assert (
        cli.main(
            [
                "links",
                "chains",
                str(edges_csv),
                "--from-url-regex",
                "/listing/",
                "--to-url-regex",
                expected.BAD_TARGETS,
                "--max-hops",
                "2",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert (
        len(list(csv.DictReader(io.StringIO(capsys.readouterr().out)))) == 1
    )  # only the 2-hop shortener chain
    assert (
        cli.main(
            [
                "links",
                "chains",
                str(edges_csv),
                "--from-url-regex",
                "/listing/",
                "--to-url-regex",
                expected.BAD_TARGETS,
                "--max-hops",
                "3",
                "--kinds",
                "link,redirect",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    only_http = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # without script and meta-refresh edges the bunny's chain (link > script > meta_refresh) is gone
    assert [r["source_url"] for r in only_http] == [expected.CHAINS[0][0], expected.CHAINS[2][0]]


def test_cli_writes_the_hidden_link_graph_from_coded_listings(tmp_path):
    har = str(SHIPPED / "mock-marketplace.har")
    listings_csv = tmp_path / "listings.csv"
    assert cli.main(["listings", "from-capture", har, "--out", str(listings_csv)]) == 0
    coded = pl.read_csv(listings_csv, infer_schema=False).with_columns(  # a person codes the labels
        pl.when(pl.col("listing_id") == "ME-2002")
        .then(pl.lit("1"))
        .otherwise(None)
        .alias("label_prohibited"),
        pl.when(pl.col("listing_id") == "ME-3003")
        .then(pl.lit("1"))
        .otherwise(None)
        .alias("label_counterfeit"),
    )
    coded.write_csv(tmp_path / "coded.csv")
    assert (
        cli.main(
            [
                "links",
                "from-capture",
                har,
                "--out",
                str(tmp_path / "e.csv"),
                "--graph",
                str(tmp_path / "g"),
                "--listings",
                str(tmp_path / "coded.csv"),
                "--platform",
                "AliExpress",
            ]
        )
        == 0
    )
    report = link_format.read_graph_csv(
        tmp_path / "g" / "nodes.csv", tmp_path / "g" / "edges.csv", strict=True
    )
    bad = dict(
        report.nodes.filter(pl.col("bad_kind").is_not_null()).select("node_id", "bad_kind").iter_rows()
    )
    assert bad == {
        f"{expected.M}/listing/herbal-potency-max.html": "prohibited",
        f"{expected.M}/listing/nike-air-replica-aaa.html": "counterfeit",
    }
    seeds = report.nodes.filter(pl.col("seed_category").is_not_null())["node_id"].to_list()
    assert seeds == [f"{expected.M}/listing/plush-bunny-toy.html"]
    assert set(report.nodes["platform"]) == {"AliExpress"}


def test_cli_errors_name_the_file(tmp_path, capsys):
    assert (
        cli.main(["links", "from-capture", str(tmp_path / "none.har"), "--out", str(tmp_path / "e.csv")]) == 2
    )
    assert "none.har" in capsys.readouterr().err
    assert (
        cli.main(
            ["links", "chains", str(tmp_path / "missing.csv"), "--from-url-regex", "a", "--to-url-regex", "b"]
        )
        == 2
    )
    assert "missing.csv: file not found" in capsys.readouterr().err


def test_cli_output_neutralises_formulas_from_pages(tmp_path):
    page = tmp_path / "evil.html"
    page.write_text(
        '<html><head><link rel="canonical" href="https://shop.example/evil">'
        '<script type="application/ld+json">{"@type": "Product", "sku": "E1", '
        '"name": "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"}</script></head>'
        '<body><a href="https://shop.example/=cmd">x</a></body></html>',
        encoding="utf-8",
    )
    out = tmp_path / "l.csv"
    assert cli.main(["listings", "from-capture", str(page), "--out", str(out)]) == 0
    [row] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert Path(out).read_text().count("'=HYPERLINK") == 1


def test_benchmark_script_runs_and_both_readers_agree():
    """Smoke test of benchmarks/bench_capture_graph.py on 200 pages (the 10,000-page figures are in docs)."""
    import re
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_capture_graph.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--pages", "200"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    runs = re.findall(r"\((HAR|WACZ)\): ([\d,]+) HTML pages, ([\d,]+) distinct edges", proc.stdout)
    assert [r[0] for r in runs] == ["HAR", "WACZ"] and runs[0][1:] == runs[1][1:] and runs[0][1] == "200"
    assert "baseline regex href scan" in proc.stdout and "time ratio to baseline" in proc.stdout
