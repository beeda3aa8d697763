"""Folders of saved HTML pages ("Save page as", ``wget``, the capture command's final DOM snapshots).

A saved page does not always say where it came from. Its URL is taken, in this order, from the
``<!-- saved from url=(NNNN)... -->`` comment browsers write, ``<link rel="canonical">``,
``<meta property="og:url">``, and otherwise a ``file:///`` URL of its path relative to the
folder (so relative links between the saved files still resolve to each other). Status and fetch
time are unknown (null) for a saved file; ``record_sha256`` and ``content_sha256`` are both the
sha256 of the file's bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

from dsa_explore.readers.capture.pages import Capture, CaptureError, Page, clean_url, sha256_hex

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_CANONICAL = re.compile(rb"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.I)
_OG_URL = re.compile(rb"<meta\b[^>]*\bproperty=[\"']?og:url[\"']?[^>]*>", re.I)
_HREF = re.compile(rb"\b(?:href|content)=[\"']([^\"']+)[\"']", re.I)


def saved_url(data: bytes) -> str | None:
    """Return the URL a saved page names for itself (saved-from comment, canonical link, og:url), if any."""
    head = data[:65536]
    m = _SAVED_FROM.search(head)
    if m:
        return clean_url(m.group(1).decode("utf-8", "replace"))
    for tag_re in (_CANONICAL, _OG_URL):
        tag = tag_re.search(head)
        if tag:
            href = _HREF.search(tag.group(0))
            if href:
                url = clean_url(href.group(1).decode("utf-8", "replace"))
                if url and url.lower().startswith(("http://", "https://")):
                    return url
    return None


def html_page(
    path: Path,
    root: Path,
    *,
    url: str | None = None,
    record_type: str = "file",
    name: str | None = None,
    content_type: str = "text/html",
) -> Page:
    """Return one saved HTML file as a page (URL from the page itself unless ``url`` is given).

    ``content_type`` may name the charset the file was written in (the capture command's DOM
    snapshots are UTF-8 whatever their ``<meta charset>`` says); otherwise the page's own
    ``<meta charset>`` or UTF-8 is used.
    """
    data = path.read_bytes()
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    page_url = url or saved_url(data) or ("file:///" + rel)
    return Page(
        url=page_url,
        status=None,
        fetched_at=None,
        content_type=content_type,
        body=data,
        capture_file=name or str(path),
        record_offset=None,
        record_length=len(data),
        record_sha256=sha256_hex(data),
        record_type=record_type,
    )


def read_html_folder(folder: str | Path, *, name: str | None = None) -> Capture:
    """Read every ``.html``/``.htm``/``.xhtml`` file under ``folder`` (recursively, sorted by path).

    Returns
    -------
    Capture
        One page per file; ``capture_file`` is the file's path (``name`` replaces the folder part).

    Raises
    ------
    CaptureError
        The folder does not exist or holds no HTML file.
    """
    folder = Path(folder)
    label = name or str(folder)
    if not folder.is_dir():
        raise CaptureError(label, "folder not found", "a folder of saved .html pages")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in HTML_SUFFIXES)
    if not files:
        raise CaptureError(
            label,
            "no .html/.htm file in the folder",
            "saved pages, or a capture file (.har, .warc, .warc.gz, .wacz)",
        )
    capture = Capture(files=[label])
    for f in files:
        capture.pages.append(html_page(f, folder, name=f"{label}/{f.relative_to(folder).as_posix()}"))
    return capture
