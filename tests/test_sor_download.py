"""``dsa-explore sor download``: resumable (HTTP Range) and sha1-verified, against a local server only.

The server runs on 127.0.0.1 and serves a fixture dump and its ``.sha1``; no other host is contacted.
"""

import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from dsa_explore.sor import download as dl

DUMP = Path(__file__).parent / "fixtures" / "sor" / "dumps" / "sor-global-2025-07-02-full.zip"


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    root: Path
    requests: list

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        path = self.root / self.path.lstrip("/")
        self.requests.append((self.path, self.headers.get("Range")))
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
        self.wfile.write(body)


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "bucket"
    root.mkdir()
    shutil.copy(DUMP, root)
    sha1 = hashlib.sha1(DUMP.read_bytes()).hexdigest()
    (root / (DUMP.name + ".sha1")).write_text(f"{sha1}  {DUMP.name}\n")
    handler = type("H", (_RangeHandler,), {"root": root, "requests": []})
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
    assert main(["sor", "download", "--date", "2025-07-02", "--to", str(tmp_path / "to"), "--base-url",
                 url]) == 0
    assert capsys.readouterr().out.strip().endswith("sor-global-2025-07-02-full.zip")
    assert main(["sor", "download", "--date", "2025-07-03", "--to", str(tmp_path / "to"), "--base-url",
                 url]) == 1


def test_dump_names():
    assert dl.dump_name("2024-03-14", "Amazon") == "sor-amazon-2024-03-14-full.zip"
    assert dl.dump_name("2024-03-14", "Amazon Store", "light") == "sor-amazon-store-2024-03-14-light.zip"
    with pytest.raises(ValueError):
        dl.dump_name("14/03/2024")
