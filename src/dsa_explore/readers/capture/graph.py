"""The link graph of a capture: typed edges between URLs, each with the record it rests on.

Edge kinds (:data:`EDGE_KINDS`):

* ``link``: an ``<a href>`` or ``<area href>`` of an HTML page (resolved against ``<base href>``
  or the page's final URL; ``#fragments`` removed);
* ``redirect``: an HTTP 3xx response with a ``Location`` (a WARC response record, a HAR entry's
  ``redirectURL``), from the requested URL to the next one;
* ``meta_refresh``: ``<meta http-equiv="refresh" content="N; url=...">``;
* ``script``: a navigation a script states in the page with a literal URL: ``location = "..."``,
  ``location.href = ...``, ``location.replace(...)``/``assign(...)``, ``window.open(...)`` in an
  inline ``<script>``, an ``on*`` attribute or a ``javascript:`` href. Navigation computed at run
  time (URLs built from variables) is not visible in a capture and is not guessed.

Links are taken from every HTML page with a payload that is not itself a redirect (responses,
saved files and the capture command's DOM snapshots, which hold links that scripts inserted).
Only ``http(s)`` (and, for saved folders, ``file``) targets are kept; ``mailto:``, ``tel:``,
``data:`` are not navigation. An edge (source, target, kind) found in several records is kept
once, with the first record; a page's link to itself is not an edge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import polars as pl
from lxml import etree

from dsa_explore.readers.capture.pages import Capture, Page, clean_url

EDGE_KINDS: tuple[str, ...] = ("link", "redirect", "meta_refresh", "script")

#: Columns of the edge table (:func:`link_edges`).
EDGE_COLUMNS: dict[str, pl.DataType] = {
    "source_url": pl.String(),
    "target_url": pl.String(),
    "kind": pl.String(),
    "capture_file": pl.String(),
    "record_offset": pl.Int64(),
    "record_sha256": pl.String(),
}

_SCHEMES = ("http://", "https://", "file:")
_Q = r"""["'`]([^"'`\s]+)["'`]"""
_SCRIPT_NAV = re.compile(
    r"(?:\blocation(?:\.href)?\s*=\s*"
    + _Q
    + r"|\blocation\.(?:replace|assign)\(\s*"
    + _Q
    + r"|\bwindow\.open\(\s*"
    + _Q
    + r")"
)
_REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d+)?\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]+)['"]?\s*$""", re.I)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def resolve(href: str, base: str, origin: str) -> str | None:
    """Return ``href`` resolved against ``base`` without its fragment (fast paths: absolute, root-relative).

    Equal to :func:`dsa_explore.readers.capture.pages.clean_url` (``urljoin`` + ``urldefrag``); the
    fast paths only skip ``urljoin`` where it would return the text unchanged.
    """
    href = href.strip()
    if not href:
        return None
    if "#" in href or "/." in href or any(c in href for c in " \\\t\n\r"):
        return clean_url(href, base)
    if href.startswith(("http://", "https://")) and href.count("/") >= 3:
        return href
    if href[0] == "/" and not href.startswith("//") and origin:
        return origin + href
    return clean_url(href, base)


def _ok(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(_SCHEMES)


def script_targets(code: str) -> list[str]:
    """Return the literal URLs a piece of JavaScript navigates to (see the module docstring)."""
    return [next(g for g in m.groups() if g) for m in _SCRIPT_NAV.finditer(code)]


def refresh_target(content: str | None) -> str | None:
    """Return the URL of a meta-refresh ``content`` value ("5; url=/next"), or None when it only reloads."""
    if not content:
        return None
    m = _REFRESH_URL.match(content)
    if not m or not m.group(1).strip() or re.fullmatch(r"\d+(\.\d+)?", m.group(1).strip()):
        return None
    return m.group(1).strip()


def _element_links(el, base: str, origin: str) -> list[tuple[str | None, str]]:
    """Return the navigation targets one element states (href, meta refresh, inline script, on* handlers)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    attrs = el.attrib
    out: list[tuple[str | None, str]] = []
    if tag in ("a", "area") and "href" in attrs:
        href = attrs["href"].strip()
        if href.lower().startswith("javascript:"):
            out.extend((resolve(u, base, origin), "script") for u in script_targets(href))
        else:
            out.append((resolve(href, base, origin), "link"))
    elif tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
        target = refresh_target(attrs.get("content"))
        if target:
            out.append((resolve(target, base, origin), "meta_refresh"))
    elif tag == "script" and el.text and not attrs.get("src"):
        out.extend((resolve(u, base, origin), "script") for u in script_targets(el.text))
    for name, value in attrs.items():
        if name.startswith("on") and value:
            out.extend((resolve(u, base, origin), "script") for u in script_targets(value))
    return out


_NAV = etree.XPath(
    "//a[@href] | //area[@href] | //meta[@http-equiv] | //script[not(@src)]"
    " | //*[@*[starts-with(name(), 'on')]] | //base[@href]"
)


def page_links(page: Page) -> list[tuple[str, str]]:
    """Return ``(target_url, kind)`` for every link, meta refresh and script navigation of an HTML page."""
    text = page.text()
    if not text.strip():
        return []
    try:
        root = etree.fromstring(text.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    except (ValueError, etree.ParserError, etree.XMLSyntaxError):
        return []
    if root is None:
        return []
    elements = _NAV(root)  # document order
    base = page.final_url or page.url
    base_href = next((el.get("href") for el in elements if el.tag == "base"), None)
    if base_href:
        base = clean_url(base_href, base) or base
    origin = _origin(base)
    out: list[tuple[str | None, str]] = []
    for el in elements:
        out.extend(_element_links(el, base, origin))
    return [(u, k) for u, k in out if _ok(u)]


def _link_pages(pages: Iterable[Page]) -> list[Page]:
    return [p for p in pages if p.body is not None and p.is_html and not (p.status and 300 <= p.status < 400)]


def link_edges(capture: Capture | Iterable[Page]) -> pl.DataFrame:
    """Return the typed edge table of a capture (:data:`EDGE_COLUMNS`), in the order found.

    Parameters
    ----------
    capture : a :class:`~dsa_explore.readers.capture.pages.Capture` (or its pages).

    Returns
    -------
    polars.DataFrame
        ``source_url, target_url, kind, capture_file, record_offset, record_sha256``: one row per
        distinct (source, target, kind), with the first record that shows it.
    """
    pages = list(capture.pages if isinstance(capture, Capture) else capture)
    seen: set[tuple[str, str, str]] = set()
    rows: list[tuple] = []

    def add(src: str, dst: str, kind: str, page: Page) -> None:
        key = (src, dst, kind)
        if src != dst and key not in seen:
            seen.add(key)
            rows.append((src, dst, kind, page.capture_file, page.record_offset, page.record_sha256))

    for p in pages:
        if p.redirect_to:
            add(p.url, p.redirect_to, "redirect", p)
    for p in _link_pages(pages):
        for target, kind in page_links(p):
            add(p.url, target, kind, p)
    return pl.DataFrame(rows, schema=EDGE_COLUMNS, orient="row")
