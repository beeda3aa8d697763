"""``dsa-explore data fetch``: an external build input is downloaded only on request, checked twice, cached.

Why: the SoR extract and the per-day totals are derived from shantay 0.6.0's ``builtin.parquet``,
which the project does not ship. The fetch must refuse anything but the pinned archive and member
(naming expected and got), leave nothing behind when it fails, report progress, and say clearly
when the network fails; ``make data`` must then use the cached copy. Every test serves a small
wheel-like zip made here from a local HTTP server on 127.0.0.1 (never the network).
"""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from dsa_explore.analysis import sor as sor_extract
from dsa_explore.core.errors import RefusedDataError
from dsa_explore.data import sources

SLICE = Path(__file__).parent / "fixtures" / "tdb" / "shantay-builtin-slice.parquet"
MEMBER = "shantay/builtin.parquet"


def _wheel(member_bytes: bytes) -> bytes:
    """A small zip laid out like shantay's wheel: the statistics file plus a dist-info file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            zipfile.ZipInfo("shantay-0.6.0.dist-info/METADATA", (2025, 1, 1, 0, 0, 0)), "Name: shantay\n"
        )
        zf.writestr(zipfile.ZipInfo(MEMBER, (2025, 1, 1, 0, 0, 0)), member_bytes)
    return buf.getvalue()


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    wheel = _wheel(SLICE.read_bytes())
    handler = type(
        "H", (_Handler,), {"files": {"/shantay.whl": wheel, "/junk.whl": b"not a zip"}, "requests": []}
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    source = replace(
        sources.SHANTAY_BUILTIN,
        url=f"{base}/shantay.whl",
        sha256=hashlib.sha256(wheel).hexdigest(),
        member_sha256=hashlib.sha256(SLICE.read_bytes()).hexdigest(),
        size=len(wheel),
    )
    yield source, base, handler.requests
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fetch_checks_the_archive_and_member_and_caches_only_the_member(server, tmp_path):
    source, _, requests = server
    lines: list[str] = []
    path = sources.fetch(source, tmp_path / "cache", log=lines.append)
    assert path == tmp_path / "cache" / "shantay-0.6.0-builtin.parquet"
    assert path.read_bytes() == SLICE.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".source.json"]
    assert sources.cached(source, tmp_path / "cache") == path
    assert any("(100%)" in line for line in lines) and any("sha256 checked" in line for line in lines)
    assert source.url in path.with_name(path.name + ".source.json").read_text()
    # Fetched once: a second call checks the cached copy and does not download again.
    again: list[str] = []
    assert sources.fetch(source, tmp_path / "cache", log=again.append) == path
    assert requests == ["/shantay.whl"] and "already cached" in again[0]


def test_a_wrong_archive_hash_is_refused_naming_expected_and_got_and_nothing_is_kept(server, tmp_path):
    source, _, _ = server
    got = source.sha256
    with pytest.raises(RefusedDataError, match=f"sha256 {got}, expected {'0' * 64}"):
        sources.fetch(replace(source, sha256="0" * 64), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_member_hash_is_refused_and_nothing_is_kept(server, tmp_path):
    source, _, _ = server
    with pytest.raises(
        RefusedDataError, match=f"{MEMBER}: sha256 {source.member_sha256}, expected {'1' * 64}"
    ):
        sources.fetch(replace(source, member_sha256="1" * 64), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_archive_without_the_member_or_not_a_zip_is_refused(server, tmp_path):
    source, base, _ = server
    with pytest.raises(RefusedDataError, match="no member 'shantay/other.parquet'"):
        sources.fetch(replace(source, member="shantay/other.parquet"), tmp_path)
    junk = hashlib.sha256(b"not a zip").hexdigest()
    with pytest.raises(RefusedDataError, match="not a zip archive"):
        sources.fetch(replace(source, url=f"{base}/junk.whl", sha256=junk), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_network_failures_name_the_url_and_the_problem(server, tmp_path):
    source, base, _ = server
    dead = f"http://127.0.0.1:{_closed_port()}/shantay.whl"
    with pytest.raises(sources.SourceFetchError, match=f"{dead}: cannot download .*--url"):
        sources.fetch(source, tmp_path, url=dead)
    with pytest.raises(sources.SourceFetchError, match="missing.whl: HTTP 404"):
        sources.fetch(source, tmp_path, url=f"{base}/missing.whl")
    with pytest.raises(sources.SourceFetchError, match="announces .* bytes; expected at most 20"):
        sources.fetch(replace(source, size=10), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_cache_folder_is_overridable_and_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(sources.SOURCES_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert sources.sources_dir() == tmp_path / "xdg" / "dsa-explore" / "sources"
    monkeypatch.setenv(sources.SOURCES_ENV, str(tmp_path / "mine"))
    assert sources.sources_dir() == tmp_path / "mine"
    assert sources.SHANTAY_BUILTIN.path() == tmp_path / "mine" / "shantay-0.6.0-builtin.parquet"


def test_the_pinned_source_is_the_one_both_sor_builds_check():
    from dsa_explore.sor import check

    pinned = sources.SHANTAY_BUILTIN
    assert pinned.url.startswith("https://files.pythonhosted.org/") and pinned.url.endswith(
        "/shantay-0.6.0-py3-none-any.whl"
    )
    # The digests PyPI publishes for the wheel and the one recorded for builtin.parquet in
    # data/tdb/sor-marketplaces-daily.parquet.meta.json ("source_sha256").
    assert pinned.sha256 == "7d8fdd946c127bfc5b5fb966bfa788fe9b5a80ac40ed163ffb4a4a3292cc0341"
    assert pinned.member_sha256 == "2b255dd2d749744ca50704b55cc1bcd6910b3a9c4cbd0402549a1f71b36fb883"
    assert sor_extract.SOURCE_SHA256 == check.SOURCE_SHA256 == pinned.member_sha256
    assert sor_extract.BUILD.fetch is pinned and check.BUILD.fetch is pinned


def test_a_build_reads_the_cached_copy_and_checks_it(monkeypatch, tmp_path):
    # The slice stands in for the cached file: the build must pick it up and refuse it (other sha256).
    monkeypatch.setenv(sources.SOURCES_ENV, str(tmp_path / "cache"))
    cached = sources.SHANTAY_BUILTIN.path()
    cached.parent.mkdir()
    shutil.copy(SLICE, cached)
    with pytest.raises(RefusedDataError, match=f"{cached}: sha256 .*{sources.SHANTAY_BUILTIN.member_sha256}"):
        sor_extract.BUILD.run(tmp_path / "out")
    env = {**os.environ, sources.SOURCES_ENV: str(tmp_path / "cache")}
    cli = [sys.executable, "-m", "dsa_explore.cli", "data"]
    result = subprocess.run(
        [*cli, "build", "sor_marketplaces_daily", "--to", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1 and f"reading {cached}" in result.stdout
    assert "sor_marketplaces_daily: " in result.stderr and "sha256" in result.stderr
    assert "fetch it again with `dsa-explore data fetch sor_marketplaces_daily`" in result.stderr
    listed = subprocess.run([*cli, "builds"], capture_output=True, text=True, env=env).stdout
    assert f"(cached at {cached})" in listed


def test_cli_fetch_reports_a_wrong_hash_and_an_unknown_name(server, tmp_path):
    source, _, _ = server  # serves a wheel whose hash is not the pinned one
    env = {**os.environ, sources.SOURCES_ENV: str(tmp_path / "cache")}
    cli = [sys.executable, "-m", "dsa_explore.cli", "data", "fetch"]
    result = subprocess.run(
        [*cli, "sor_marketplaces_daily", "--url", source.url], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1, result.stdout
    assert f"sha256 {source.sha256}, expected {sources.SHANTAY_BUILTIN.sha256}" in result.stderr
    assert "[fetch] shantay-0.6.0-builtin: downloading" in result.stdout and "(100%)" in result.stdout
    assert list((tmp_path / "cache").iterdir()) == []
    bad = subprocess.run([*cli, "links_synthetic"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "unknown build links_synthetic" in bad.stderr
    assert "known: sor_marketplaces_daily, sor_daily_totals" in bad.stderr
