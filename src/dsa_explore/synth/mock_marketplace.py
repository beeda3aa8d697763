"""Serve the MADE-UP mock marketplace (``data/mock-marketplace/site/``) on 127.0.0.1.

A tiny threaded ``http.server`` that answers by ``Host`` header, so one local port can stand in
for several made-up hosts (Chromium maps them to it with ``--host-resolver-rules``):

* :data:`MARKET_HOST` serves the static files of the site (``/`` is ``index.html``);
* the server-side redirects and the fake link shortener :data:`SHORTENER_HOST` come from
  ``redirects.json`` (host -> path with query -> ``[status, Location]``);
* any other host or path is a 404.

Use it as a context manager::

    with MockMarketplace() as site:
        site.port, site.url("/"), site.resolver_rules()   # for dsa-explore capture --host-resolver-rules

Nothing here touches the network beyond 127.0.0.1. Every page of the site says it is made up.
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dsa_explore.core import paths
from dsa_explore.data import catalog, provenance
from dsa_explore.data.builds import Build

MARKET_HOST = "www.mockmarket.test"
SHORTENER_HOST = "shrt.test"
HOSTS = (MARKET_HOST, SHORTENER_HOST)


def site_dir() -> Path:
    """Return the folder of the mock marketplace's files."""
    return paths.data_dir() / "mock-marketplace" / "site"


def _handler(root: Path, redirects: dict, log: list):
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "MockMarketplace/1 (MADE-UP test site)"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            log.append((host, self.path, self.headers.get("User-Agent", "")))
            rule = redirects.get(host, {}).get(self.path)
            if rule:
                self.send_response(int(rule[0]))
                self.send_header("Location", rule[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = unquote(urlsplit(self.path).path)
            file = (root / (path.lstrip("/") or "index.html")).resolve()
            if (
                host != MARKET_HOST
                or not file.is_relative_to(root)
                or not file.is_file()
                or file.name == "redirects.json"
            ):
                self._send(
                    404,
                    b"<!doctype html><title>404</title><p>MADE-UP mock marketplace: not found</p>",
                    "text/html; charset=utf-8",
                )
                return
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if ctype.startswith("text/"):
                ctype += "; charset=utf-8"
            self._send(200, file.read_bytes(), ctype)

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


class MockMarketplace:
    """The mock marketplace served on 127.0.0.1 in a background thread (a context manager)."""

    def __init__(self, root: Path | None = None):
        self.root = (root or site_dir()).resolve()
        self.redirects = {
            k: v
            for k, v in json.loads((self.root / "redirects.json").read_text("utf-8")).items()
            if not k.startswith("_")
        }
        self.requests: list[tuple[str, str, str]] = []  # host, path, User-Agent
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on (after :meth:`start`)."""
        assert self._server is not None, "start the server first"
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        """Return the mock marketplace URL of ``path`` (port 80 in the browser, mapped to :attr:`port`)."""
        return f"http://{MARKET_HOST}{path}"

    def resolver_rules(self) -> str:
        """Return Chromium ``--host-resolver-rules``: made-up hosts mapped here, every other host nowhere."""
        return ", ".join(f"MAP {h} 127.0.0.1:{self.port}" for h in HOSTS) + ", MAP * ~NOTFOUND"

    def start(self) -> MockMarketplace:
        """Serve the site on a free port of 127.0.0.1 in a daemon thread; return ``self``."""
        self._server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), _handler(self.root, self.redirects, self.requests)
        )
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and close its socket (nothing happens if it is not running)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MockMarketplace:
        """Start the server (see :meth:`start`)."""
        return self.start()

    def __exit__(self, *exc) -> None:
        """Stop the server (see :meth:`stop`)."""
        self.stop()


# ----------------------------------------------------------------------------- the shipped capture

CAPTURE_NAME = "mock-marketplace"
VERSION = "2026-12-02"
HAR_DATASET = "capture_mock_marketplace_har"
WACZ_DATASET = "capture_mock_marketplace_wacz"
WACZ_OUTPUT = f"captures/{CAPTURE_NAME}.wacz"


def _page_meta(file: Path) -> dict:
    rel = file.relative_to(site_dir()).as_posix()
    return provenance.record(
        "mock_marketplace_" + rel.replace("/", "_").replace(".", "_").replace("-", "_"),
        f"Mock marketplace page {rel} (MADE-UP)",
        "A page of the made-up mock marketplace served on 127.0.0.1 by dsa_explore.synth.mock_marketplace "
        "for the capture tests; see data/mock-marketplace/README.md.",
        source="written by hand for dsa-explore (a made-up site)",
        version=VERSION,
        synthetic=True,
        fmt="raw",
    )


def write_site_records() -> list[Path]:
    """Write (or refresh) the provenance record of every file of the site; return the files."""
    files = sorted(
        p for p in site_dir().rglob("*") if p.is_file() and not p.name.endswith(catalog.META_SUFFIX)
    )
    for f in files:
        meta_path = f.with_name(f.name + catalog.META_SUFFIX)
        meta_path.write_text(json.dumps(_page_meta(f), indent=2) + "\n", encoding="utf-8")
        catalog.refresh(f)
    return files


def build_wacz(root: Path) -> list[Path]:
    """Write ``captures/mock-marketplace.wacz`` under ``root`` from the shipped HAR.

    The output is byte for byte repeatable.
    """
    from dsa_explore.readers.capture import warc

    out = Path(root) / WACZ_OUTPUT
    out.parent.mkdir(parents=True, exist_ok=True)
    warc.wacz_from_har(
        catalog.path(HAR_DATASET),
        out,
        title="MADE-UP mock marketplace capture",
        software="dsa-explore capture (Chromium via Playwright) + warcio",
    )
    fields = provenance.record(
        WACZ_DATASET,
        "Capture of the MADE-UP mock marketplace (WACZ)",
        "The responses of the shipped HAR capture of the made-up mock marketplace as WARC records (warcio) "
        "in a WACZ 1.1.1: archive/data.warc.gz, a CDXJ index, pages.jsonl, datapackage.json. For notebooks "
        "and CI without a browser. Says nothing about any real platform.",
        source=f"generated by `dsa_explore.readers.capture.warc.wacz_from_har` from {HAR_DATASET}",
        version=VERSION,
        synthetic=True,
        fmt="raw",
    )
    provenance.write(
        out, fields, built_by="dsa_explore.synth.mock_marketplace.build_wacz", inputs=[HAR_DATASET]
    )
    return [out]


#: The build behind ``make data`` (registered in :data:`dsa_explore.cli.data.BUILDS`). The HAR itself is a
#: capture by Chromium (not repeatable byte for byte); :func:`write_shipped_capture` records a new one.
BUILD = Build(
    name=WACZ_DATASET,
    outputs=(WACZ_OUTPUT,),
    inputs=(HAR_DATASET,),
    function=build_wacz,
    description="WACZ of the shipped capture of the MADE-UP mock marketplace (from its HAR)",
)


def write_shipped_capture(out_dir: Path | None = None) -> list[Path]:
    """Capture the mock marketplace with Chromium into ``data/captures/mock-marketplace.har``; build the WACZ.

    The HAR is the one ``dsa-explore capture`` wrote (depth 3 from the home page, no delay); the WACZ
    holds the same responses as WARC records (:func:`build_wacz`).
    """
    import tempfile

    from dsa_explore.readers.capture import browser

    root = out_dir or paths.data_dir()
    har = root / "captures" / f"{CAPTURE_NAME}.har"
    har.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "capture"
        with MockMarketplace() as site:
            manifest = browser.capture(
                [site.url("/")],
                folder,
                depth=3,
                max_pages=30,
                delay=0,
                host_resolver_rules=site.resolver_rules(),
                wacz=False,
            )
        har.write_bytes((folder / browser.HAR_NAME).read_bytes())
    fields = provenance.record(
        HAR_DATASET,
        "Capture of the MADE-UP mock marketplace (HAR)",
        "HAR with content written by `dsa-explore capture` of the made-up mock marketplace "
        f"({len(manifest['pages'])} pages, {len(manifest['skipped'])} URLs skipped: robots.txt). For "
        "notebooks and CI without a browser. Says nothing about any real platform.",
        source="captured by `dsa-explore capture` (Debian Chromium via Playwright, depth 3) from the made-up "
        "mock marketplace served on 127.0.0.1 by dsa_explore.synth.mock_marketplace",
        version=VERSION,
        synthetic=True,
        fmt="raw",
    )
    provenance.write(
        har,
        fields,
        built_by="dsa_explore.synth.mock_marketplace.write_shipped_capture",
        inputs=["data/mock-marketplace/site/"],
    )
    return [har, *build_wacz(root)]


if (
    __name__ == "__main__"
):  # regenerate the site's provenance records and the shipped capture (needs Chromium)
    write_site_records()
    for written in write_shipped_capture():
        print(written)
