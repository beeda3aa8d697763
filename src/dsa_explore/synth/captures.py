"""A seeded SYNTHETIC capture (HAR 1.2) of a made-up marketplace, for benchmarks of the capture readers.

:func:`synthetic_har` returns the HAR as a dict: ``n_pages`` HTML pages of the made-up host
``www.synthetic-market.test`` (listing, category and search pages of a few kilobytes each, with
``links_per_page`` links on average: internal links drawn with a heavy tail towards popular pages,
some external links), plus redirects (about 5% of pages are reached through a 301/302 hop),
meta refreshes (1%) and script navigations (1%). Every page body says it is SYNTHETIC.
"""

from __future__ import annotations

import numpy as np

HOST = "www.synthetic-market.test"
SEED = 20261202


def _page_html(i: int, targets: list[str], kind: str, extra: str) -> str:
    links = "\n".join(f'<li><a href="{t}">item {j}</a></li>' for j, t in enumerate(targets))
    filler = "<p>" + ("Lorem ipsum dolor sit amet, SYNTHETIC listing text. " * 12) + "</p>"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>[SYNTHETIC] page {i}</title>{extra}"
        f"</head><body><p>SYNTHETIC capture for benchmarks</p><h1>{kind} {i}</h1>{filler}<ul>{links}</ul>"
        f"</body></html>"
    )


def _entry(url: str, status: int, text: str | None, location: str | None, t: int) -> dict:
    headers = [{"name": "Content-Type", "value": "text/html; charset=utf-8"}]
    if location:
        headers.append({"name": "Location", "value": location})
    content = {"size": len(text or ""), "mimeType": "text/html; charset=utf-8"}
    if text is not None:
        content["text"] = text
    return {
        "startedDateTime": f"2026-12-02T00:{(t // 60) % 60:02d}:{t % 60:02d}.000Z",
        "request": {"method": "GET", "url": url, "headers": []},
        "response": {
            "status": status,
            "statusText": "OK" if status == 200 else "Found",
            "headers": headers,
            "content": content,
            "redirectURL": location or "",
        },
    }


def synthetic_har(n_pages: int = 10_000, links_per_page: int = 20, seed: int = SEED) -> dict:
    """Return a SYNTHETIC HAR dict with ``n_pages`` HTML pages and redirect entries (see the module doc)."""
    rng = np.random.default_rng(seed)
    base = f"http://{HOST}"
    urls = [f"{base}/{'listing' if i % 4 else 'category'}/{i}.html" for i in range(n_pages)]
    popular = rng.permutation(n_pages)
    entries = []
    for i, url in enumerate(urls):
        k = int(rng.poisson(links_per_page))
        uniform = rng.integers(0, n_pages, size=k)
        heavy = popular[np.minimum(rng.zipf(1.5, size=k) - 1, n_pages - 1)]
        picks = np.where(rng.random(k) < 0.6, uniform, heavy)
        targets = [urls[j][len(base) :] for j in picks]  # relative links
        targets += [f"https://external{int(rng.integers(50))}.test/p" for _ in range(int(rng.random() < 0.2))]
        extra, kind = "", "listing" if i % 4 else "category"
        r = rng.random()
        if r < 0.01:
            extra = f'<meta http-equiv="refresh" content="0; url={urls[int(rng.integers(n_pages))]}">'
        elif r < 0.02:
            extra = f"<script>location.href = '{urls[int(rng.integers(n_pages))][len(base) :]}';</script>"
        if rng.random() < 0.05:
            hop = f"{base}/go/{i}"
            entries.append(_entry(hop, 302, "", url, i))
        entries.append(_entry(url, 200, _page_html(i, targets, kind, extra), None, i))
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "dsa_explore.synth.captures (SYNTHETIC)", "version": str(seed)},
            "entries": entries,
        }
    }
