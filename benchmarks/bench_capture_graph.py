"""Benchmark capture -> link graph on a seeded SYNTHETIC capture of 10,000 pages.

Measures, in one run on the same files:

* ``read_capture`` + ``link_edges`` on the HAR (JSON) and on the same responses as a WACZ (WARC
  records written by warcio): every ``<a href>``/``<area>``, meta refresh, script navigation and
  redirect, typed, resolved, deduplicated, each with its record hash (lxml parse of every page);
* a plain baseline on the same HAR: ``json.load`` and one regex scan for ``href="..."`` per page,
  resolved with ``urljoin`` (no typing, no redirects, no dedupe, no record hashes).

Prints pages/s and edges/s for each and the ratio of the readers' time to the baseline's.

Run: ``.venv/bin/python benchmarks/bench_capture_graph.py [--pages 10000] [--links 20]``
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

from dsa_explore.readers import capture
from dsa_explore.readers.capture.warc import wacz_from_har
from dsa_explore.synth.captures import synthetic_har

HREF = re.compile(r"""href=["']([^"']+)["']""")


def baseline(har_path: Path) -> tuple[int, int]:
    """Plain regex scan of the HAR's HTML bodies for href values; return (pages, links)."""
    entries = json.loads(har_path.read_text(encoding="utf-8"))["log"]["entries"]
    pages = links = 0
    for e in entries:
        text = e["response"]["content"].get("text") or ""
        if not text:
            continue
        pages += 1
        base = e["request"]["url"]
        links += sum(1 for m in HREF.finditer(text) if urljoin(base, m.group(1)))
    return pages, links


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        har = Path(tmp) / "synthetic.har"
        (har_dict, t_gen) = timed(lambda: synthetic_har(args.pages, args.links))
        har.write_text(json.dumps(har_dict), encoding="utf-8")
        wacz, t_wacz = timed(
            lambda: wacz_from_har(har, Path(tmp) / "synthetic.wacz", title="SYNTHETIC", software="bench")
        )
        print(
            f"SYNTHETIC capture: {args.pages:,} pages, {len(har_dict['log']['entries']):,} HAR entries, "
            f"HAR {har.stat().st_size / 1e6:.1f} MB, WACZ {wacz.stat().st_size / 1e6:.1f} MB "
            f"(generated in {t_gen:.1f} s, WACZ written in {t_wacz:.1f} s)"
        )
        (b_pages, b_links), t_base = timed(lambda: baseline(har))
        print(
            f"baseline regex href scan (HAR): {b_pages:,} pages, {b_links:,} hrefs in {t_base:.2f} s = "
            f"{b_pages / t_base:,.0f} pages/s, {b_links / t_base:,.0f} links/s"
        )
        for label, path in (("HAR", har), ("WACZ", wacz)):
            cap, t_read = timed(lambda p=path: capture.read_capture(p))
            edges, t_edges = timed(lambda c=cap: capture.link_edges(c))
            total = t_read + t_edges
            n_html = sum(1 for p in cap.pages if p.is_html and p.body)
            kinds = ", ".join(f"{k} {n:,}" for k, n in edges.group_by("kind").len().sort("kind").iter_rows())
            print(
                f"read_capture + link_edges ({label}): {n_html:,} HTML pages, "
                f"{edges.height:,} distinct edges ({kinds}) in {total:.2f} s "
                f"(read {t_read:.2f} s, edges {t_edges:.2f} s) = "
                f"{n_html / total:,.0f} pages/s, {edges.height / total:,.0f} edges/s; "
                f"time ratio to baseline {total / t_base:.1f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
