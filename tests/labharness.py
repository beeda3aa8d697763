"""Drive the project's notebooks in a real JupyterLab with real Chromium and report what an analyst sees.

Used by ``tests/test_jupyterlab_browser.py``.
:class:`LabServer` starts JupyterLab on 127.0.0.1 (random free port, token, its own runtime, config,
settings and workspace folders, serving a temporary copy of the notebooks so nothing is modified);
:func:`open_lab` opens a Chromium page on it where every host but the loopback is unresolvable and
every request is recorded. The ``CHART_STATE_JS`` probe measures each chart's marks so that a chart
whose marks are all empty (zero-width bars) fails as surely as a missing chart.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from dsa_explore.briefing import browsercheck

#: Notebook settings for the test server: every cell in the DOM (no windowing), no autosave.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

#: Per cell (DOM order = notebook order), per Vega output: the marks drawn and their sizes.
CHART_STATE_JS = (
    r"""
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')];
  const out = [];
  cells.forEach((cell, index) => {
    const charts = [...cell.querySelectorAll('.jp-OutputArea-output')].filter(
      o => o.querySelector('.jp-RenderedVega5, .vega-embed, .dsa-chart')
           || o.dataset.mimeType === 'application/vnd.vega.v5+json');
    const errors = [...cell.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], '
                      + '[data-mime-type="application/vnd.jupyter.error"]')]
      .map(e => e.innerText.slice(0, 300));
    const text = [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText).join('\n');
    out.push({index, type: cell.classList.contains('jp-CodeCell') ? 'code' : 'other',
              prompt: (cell.querySelector('.jp-InputPrompt') || {innerText: ''}).innerText.trim(),
              source: (cell.querySelector('.jp-InputArea-editor') || {innerText: ''}).innerText.slice(0, 80),
              errors, widgetsAsText: /\b(VBox|HBox|Tab|Accordion)\(children=/.test(text),
              widgets: cell.querySelectorAll('.jupyter-widgets.widget-container, .widget-box').length,
              charts: charts.map(chartState)});
  });
  return out;

  function chartState(o) {
    const svg = o.querySelector('svg.marks');
    const canvas = o.querySelector('canvas.marks');
    const r = {svg: !!svg, canvas: !!canvas, text: o.innerText.slice(0, 200), visible: 0, marks: 0,
               emptyMarks: [], overlaps: [], width: 0, height: 0,
               bindings: o.querySelectorAll('.vega-bind').length};
    if (!svg) return r;
    const box = svg.getBoundingClientRect();
    r.width = box.width; r.height = box.height;
    return Object.assign(r, dsaMarks(svg));
  }
"""
    + browsercheck.MARKS_FUNCTION_JS
    + "}"
)


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on 127.0.0.1 serving a copy of ``notebooks`` from ``workdir`` (context manager)."""

    def __init__(self, notebooks: list[Path], workdir: Path, token: str = "dsa-lab-test"):
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        self.root.mkdir(parents=True, exist_ok=True)
        for nb in notebooks:
            shutil.copy2(nb, self.root / nb.name)
        self.token = token
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_settings(self) -> Path:
        settings = self.workdir / "settings"
        for name, value in LAB_SETTINGS.items():
            plugin, file = name.rsplit("/", 1)
            (settings / plugin).mkdir(parents=True, exist_ok=True)
            (settings / plugin / file).write_text(json.dumps(value))
        return settings

    def start(self, timeout: float = 120) -> LabServer:
        """Start the server and wait until it answers."""
        jupyter = Path(sys.executable).with_name("jupyter")
        cmd = [
            str(jupyter),
            "lab",
            "--no-browser",
            f"--port={self.port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.user_settings_dir={self._write_settings()}",
            f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime"),
            "JUPYTER_CONFIG_DIR": str(self.workdir / "config"),
            "JUPYTER_DATA_DIR": str(self.workdir / "data"),
        }
        env.pop("DSA_EXPLORE_OFFLINE_JS", None)
        self.log = open(self.workdir / "jupyterlab.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"JupyterLab exited with code {self.process.returncode}: "
                        f"{(self.workdir / 'jupyterlab.log').read_text()[-2000:]}"
                    ) from None
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"JupyterLab did not answer within {timeout} s") from None
                time.sleep(0.3)

    def stop(self) -> None:
        """Stop the server (and the kernels it started)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the contents API -------------------------------------------------------------
    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        """Call the server's REST API (``/api/...``) with the token; return the decoded JSON."""
        import urllib.request

        req = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310 - loopback only
            text = resp.read()
        return json.loads(text) if text else {}


def browser_args() -> list[str]:
    """Chromium arguments: every host unresolvable except the loopback server."""
    args = [a for a in browsercheck.CHROMIUM_ARGS if not a.startswith("--host-resolver")]
    return [*args, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def is_local(url: str, port: int) -> bool:
    """True for requests that stay on the test server (or never leave the page)."""
    return url.startswith(
        (f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/", "data:", "blob:", "about:")
    )
