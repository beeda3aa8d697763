"""``dsa-explore safetygate download`` against a local HTTP server on 127.0.0.1 serving the real fixtures.

The server serves the real weekly-report list (its detail URLs pointed at the server) and the two real
weekly reports; the first request for report 10000324 is cut off half-way, so the test proves that the
next run resumes with an HTTP Range request and ends with the exact bytes of the fixture.
No other host is contacted.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from datetime import date
from pathlib import Path

import pytest

from dsa_explore.readers import safetygate as sg
from dsa_explore.readers import safetygate_download as dl

FIX = Path(__file__).parent / "fixtures" / "safetygate"
PORTAL = "https://ec.europa.eu/safety-gate-alerts"


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    requests: list = []
    cut_once: set = set()

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):  # noqa: N802 - http.server API
        path = self.path.split("?")[0]
        self.requests.append((path, self.headers.get("Range"), self.headers.get("User-Agent")))
        data = self.files.get(path)
        if data is None:
            self.send_error(404)
            return
        start = 0
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.removeprefix("bytes=").split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if path in self.cut_once:
            self.cut_once.discard(path)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    handler = type("H", (_Handler,), {"files": {}, "requests": [], "cut_once": set()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    listing = (FIX / "safetygate-list.xml").read_text(encoding="utf-8").replace(PORTAL, base)
    handler.files = {
        "/api/download/weeklyReport/list/xml/en": listing.encode(),
        "/api/download/weeklyReport/detail/xml/10000323": (
            FIX / "safetygate-report-10000323.xml"
        ).read_bytes(),
        "/api/download/weeklyReport/detail/xml/10000324": (
            FIX / "safetygate-report-10000324.xml"
        ).read_bytes(),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base, handler
    httpd.shutdown()
    httpd.server_close()


def run(base, to, **kw):
    kw.setdefault("since", date(2026, 9, 18))
    kw.setdefault("until", date(2026, 9, 25))
    return dl.download(
        to=to,
        list_url=f"{base}/api/download/weeklyReport/list/xml/en",
        delay=0.5,
        timeout=5,
        sleep=waits.append,
        **kw,
    )


waits: list[float] = []


def test_download_fetches_each_week_politely(server, tmp_path):
    base, handler = server
    waits.clear()
    res = run(base, tmp_path)
    assert sorted(res.fetched) == ["report-10000323.xml", "report-10000324.xml"]
    for rid in ("10000323", "10000324"):
        got = (tmp_path / f"report-{rid}.xml").read_bytes()
        assert got == (FIX / f"safetygate-report-{rid}.xml").read_bytes()
    assert waits == [0.5, 0.5]  # a pause before each report
    assert all(ua.startswith("dsa-explore/") for _, _, ua in handler.requests)
    manifest = json.loads((tmp_path / dl.MANIFEST).read_text())
    assert manifest["acknowledgement"] == sg.ACKNOWLEDGEMENT
    sha = hashlib.sha256((FIX / "safetygate-report-10000323.xml").read_bytes()).hexdigest()
    assert manifest["files"]["report-10000323.xml"]["sha256"] == sha
    again = run(base, tmp_path)  # finished reports are not fetched twice
    assert again.fetched == [] and sorted(again.skipped) == ["report-10000323.xml", "report-10000324.xml"]
    assert sg.read_reports([tmp_path]).alerts.height == 8  # the list file in the folder is skipped


def test_an_interrupted_transfer_resumes_with_range(server, tmp_path):
    base, handler = server
    path = "/api/download/weeklyReport/detail/xml/10000324"
    handler.cut_once.add(path)
    with pytest.raises(dl.DownloadError, match="run again to resume") as e:
        run(base, tmp_path)
    assert "10000324" in str(e.value)
    part = tmp_path / "report-10000324.xml.part"
    size = len((FIX / "safetygate-report-10000324.xml").read_bytes())
    assert part.exists() and 0 < part.stat().st_size < size
    assert not (tmp_path / "report-10000324.xml").exists()
    have = part.stat().st_size
    res = run(base, tmp_path)
    assert res.fetched == ["report-10000324.xml", "report-10000323.xml"]  # the list is newest first
    assert (path, f"bytes={have}-", dl.USER_AGENT) in handler.requests
    assert (tmp_path / "report-10000324.xml").read_bytes() == (
        FIX / "safetygate-report-10000324.xml"
    ).read_bytes()
    assert not part.exists()


def test_a_missing_report_is_an_error_naming_the_url(server, tmp_path):
    base, _ = server
    with pytest.raises(dl.DownloadError, match="HTTP 404") as e:
        run(base, tmp_path, since=date(2026, 10, 1), until=None)  # Report-2026-39 (10000325) is not served
    assert "10000325" in str(e.value)


def test_the_size_cap_stops_a_large_file(server, tmp_path):
    base, _ = server
    with pytest.raises(dl.DownloadError, match="at most 1000 bytes"):
        run(base, tmp_path, max_bytes=1000)


def test_cli_download(server, tmp_path, capsys):
    from dsa_explore import cli

    base, _ = server
    code = cli.main(
        [
            "safetygate",
            "download",
            "--since",
            "2026-09-18",
            "--until",
            "2026-09-25",
            "--to",
            str(tmp_path),
            "--delay",
            "0",
            "--list-url",
            f"{base}/api/download/weeklyReport/list/xml/en",
        ]
    )
    assert code == 0 and "2 fetched" in capsys.readouterr().out
    assert (
        cli.main(
            [
                "safetygate",
                "download",
                "--since",
                "2026-10-01",
                "--to",
                str(tmp_path),
                "--delay",
                "0",
                "--list-url",
                f"{base}/api/download/weeklyReport/list/xml/en",
            ]
        )
        == 1
    )
    assert "10000325" in capsys.readouterr().err
