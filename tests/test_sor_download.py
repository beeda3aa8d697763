"""``dsa-explore sor download``: resumable (HTTP Range) and sha1-verified, against a local server only.

The server runs on 127.0.0.1 and serves a fixture dump and its ``.sha1``; no other host is contacted.
"""

import hashlib
import http.server
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from dsa_explore.sor import download as dl

DUMP = Path(__file__).parent / "fixtures" / "sor" / "dumps" / "sor-global-2025-07-02-full.zip"


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    root: Path
    requests: list

    def log_message(self, *args):  # quiet
        pass

    drops: list  # byte counts after which a response is cut off (each used once)
    redirects: dict  # path -> Location
    delay: float = 0.0  # seconds to stall before answering

    def do_GET(self):  # noqa: N802
        path = self.root / self.path.lstrip("/")
        self.requests.append((self.path, self.headers.get("Range")))
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.delay and path.suffix == ".zip":
            time.sleep(self.delay)
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.end_headers()
                return
            body = data[start:]
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            body = data
            self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.drops and path.suffix == ".zip":
            cut = self.drops.pop(0)  # the connection drops mid-transfer
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)


@pytest.fixture
def server(tmp_path, request):
    root = tmp_path / "bucket"
    root.mkdir()
    shutil.copy(DUMP, root)
    sha1 = hashlib.sha1(DUMP.read_bytes()).hexdigest()
    (root / (DUMP.name + ".sha1")).write_text(f"{sha1}  {DUMP.name}\n")
    handler = type("H", (_RangeHandler,), {"root": root, "requests": [], "drops": [], "redirects": {}})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root, handler.requests
    httpd.shutdown()
    httpd.server_close()


def test_download_verifies_sha1(server, tmp_path):
    url, _, _ = server
    out = dl.download("2025-07-02", tmp_path / "to", base_url=url)
    assert out.name == "sor-global-2025-07-02-full.zip"
    assert out.read_bytes() == DUMP.read_bytes()
    assert not (tmp_path / "to" / (out.name + ".part")).exists()


def test_download_resumes_with_range(server, tmp_path):
    url, _, requests = server
    to = tmp_path / "to"
    to.mkdir()
    half = DUMP.read_bytes()[:10_000]
    (to / (DUMP.name + ".part")).write_bytes(half)
    out = dl.download("2025-07-02", to, base_url=url)
    assert out.read_bytes() == DUMP.read_bytes()
    assert ("/" + DUMP.name, "bytes=10000-") in requests


def test_download_rejects_a_wrong_sha1(server, tmp_path):
    url, root, _ = server
    (root / (DUMP.name + ".sha1")).write_text("0" * 40 + "\n")
    with pytest.raises(dl.DownloadError, match="does not match"):
        dl.download("2025-07-02", tmp_path / "to", base_url=url)
    assert not any((tmp_path / "to").iterdir())


def test_cli_download(server, tmp_path, capsys):
    from dsa_explore.cli import main

    url, _, _ = server
    assert (
        main(["sor", "download", "--date", "2025-07-02", "--to", str(tmp_path / "to"), "--base-url", url])
        == 0
    )
    assert capsys.readouterr().out.strip().endswith("sor-global-2025-07-02-full.zip")
    assert (
        main(["sor", "download", "--date", "2025-07-03", "--to", str(tmp_path / "to"), "--base-url", url])
        == 1
    )


def test_dump_names():
    assert dl.dump_name("2024-03-14", "Amazon") == "sor-amazon-2024-03-14-full.zip"
    assert dl.dump_name("2024-03-14", "Amazon Store", "light") == "sor-amazon-store-2024-03-14-light.zip"
    with pytest.raises(ValueError):
        dl.dump_name("14/03/2024")


# -- issue 14: dropped connections, limits, redirects, periods -------------------------------------


def test_a_dropped_connection_resumes_where_it_stopped(server, tmp_path):
    url, _, requests = server
    server_handler = server_handler_of(requests)
    server_handler.drops.extend([4_000, 3_000])  # two drops mid-transfer, then the rest
    out = dl.download("2025-07-02", tmp_path / "to", base_url=url, pause=0.01)
    assert out.read_bytes() == DUMP.read_bytes()
    ranges = [r for p, r in requests if p == "/" + DUMP.name]
    assert ranges == [None, "bytes=4000-", "bytes=7000-"]  # resumed, never restarted


def test_a_server_that_keeps_dropping_is_given_up_with_the_partial_file_kept(server, tmp_path):
    url, _, requests = server
    server_handler_of(requests).drops.extend([0] * 10)
    with pytest.raises(dl.DownloadError, match="gave up after 2 retries without progress"):
        dl.download("2025-07-02", tmp_path / "to", base_url=url, retries=2, pause=0.01)


def test_a_stalled_server_times_out(server, tmp_path):
    url, _, requests = server
    server_handler_of(requests).delay = 1.0
    with pytest.raises(dl.DownloadError, match="timed out"):
        dl.download("2025-07-02", tmp_path / "to", base_url=url, timeout=0.2, retries=0, pause=0.01)


def test_the_total_size_is_capped(server, tmp_path):
    url, _, _ = server
    with pytest.raises(dl.DownloadError, match="would pass the cap of 1,000 bytes"):
        dl.download("2025-07-02", tmp_path / "to", base_url=url, max_bytes=1_000)
    assert not (tmp_path / "to" / DUMP.name).exists()


def test_redirects_only_to_the_published_host(server, tmp_path):
    url, root, requests = server
    handler = server_handler_of(requests)
    port = url.rsplit(":", 1)[1]
    # to another host: refused before connecting
    handler.redirects["/" + DUMP.name] = f"http://evil.example.invalid:{port}/{DUMP.name}"
    with pytest.raises(dl.DownloadError, match="not on the published host 127.0.0.1; refused"):
        dl.download("2025-07-02", tmp_path / "to", base_url=url)
    # on the same host: followed
    shutil.copy(DUMP, root / "moved.zip")
    handler.redirects["/" + DUMP.name] = f"{url}/moved.zip"
    assert dl.download("2025-07-02", tmp_path / "to", base_url=url).read_bytes() == DUMP.read_bytes()


def test_cli_downloads_a_period_and_reports_a_missing_day(server, tmp_path, capsys):
    from dsa_explore.cli import main

    url, root, _ = server
    other = root / "sor-global-2025-07-04-full.zip"
    shutil.copy(DUMP.with_name("sor-global-2024-03-01-full.zip"), other)
    (root / (other.name + ".sha1")).write_text(hashlib.sha1(other.read_bytes()).hexdigest() + "\n")
    rc = main(
        [
            "sor",
            "download",
            "--since",
            "2025-07-02",
            "--until",
            "2025-07-04",
            "--to",
            str(tmp_path / "to"),
            "--base-url",
            url,
        ]
    )
    captured = capsys.readouterr()
    assert rc == 1  # one day is not published
    assert sorted(p.name for p in (tmp_path / "to").iterdir()) == [DUMP.name, other.name]
    assert "2025-07-03" in captured.err and "HTTP 404" in captured.err
    assert captured.out.splitlines() == [str(tmp_path / "to" / DUMP.name), str(tmp_path / "to" / other.name)]
    with pytest.raises(SystemExit):
        main(["sor", "download", "--date", "2025-07-02", "--since", "2025-07-01", "--to", str(tmp_path)])


def server_handler_of(requests):
    """The handler class whose request log is ``requests`` (set up by the ``server`` fixture)."""
    return next(h for h in _RangeHandler.__subclasses__() if h.requests is requests)
