"""`make lab` promise: in JupyterLab with no internet, a notebook's charts draw.

Starts JupyterLab the way `make lab` does (DSA_EXPLORE_OFFLINE_JS=1, --allow-root as root) on a
loopback port, opens the overview notebook in headless Chromium where every host but 127.0.0.1
is unresolvable, runs all cells from the Run menu, and checks that the chart rendered and that
nothing was requested from outside the machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dsa_explore.briefing import browsercheck
from dsa_explore.core import paths
from tests.conftest import require_chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_charts_draw_in_jupyterlab_without_internet(tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           "--ServerApp.token=test-token", f"--notebook-dir={paths.notebooks_dir()}",
           "--LabApp.news_url="]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {**os.environ, "DSA_EXPLORE_OFFLINE_JS": "1", "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    outside = []
    try:
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert server.poll() is None, f"JupyterLab exited with code {server.returncode}: {cmd}"
                assert time.time() < deadline, "JupyterLab did not start within 120 s"
                time.sleep(0.5)
        args = [a for a in browsercheck.CHROMIUM_ARGS if not a.startswith("--host-resolver")]
        args.append("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=browsercheck.find_chromium(), args=args)
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.on("request", lambda r: outside.append(r.url)
                    if not r.url.startswith((f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", "data:",
                                             "blob:", "about:"))
                    else None)
            page.goto(f"http://127.0.0.1:{port}/lab/tree/00-overview.ipynb?token=test-token")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90000)
            page.wait_for_timeout(2000)
            page.click("text=Run >> nth=0")
            page.click("text=Run All Cells")
            page.wait_for_selector(".jp-Notebook .vega-embed svg.marks", state="attached", timeout=90000)
            views = page.locator(".jp-Notebook .vega-embed svg.marks").count()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert views >= 1
    assert outside == [], f"JupyterLab page requested outside hosts: {outside[:5]}"
