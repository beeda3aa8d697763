"""Side by side with shantay, the field's public tool, on the same SYNTHETIC daily dumps.

shantay 0.6.0 (PyPI, Apache-2.0, https://github.com/apparebit/shantay) needs Python >= 3.12; this
project runs on 3.11. So shantay gets its own interpreter: a Debian chroot made by ``debootstrap``
(the suite's ``python3``), with a virtualenv holding shantay 0.6.0 and polars 1.37.1 (the polars
release of shantay's time), installed from the package registry by pip. Nothing of shantay is copied
into this repository; it is installed, then run as a command.

The environment is prepared by an explicit step, never at import and never in tests::

    .venv/bin/python benchmarks/peer_shantay.py setup --root DIR        # as root: debootstrap + pip

and then used by ``bench_sor_rows.py --peer shantay --peer-root DIR``, or directly::

    .venv/bin/python benchmarks/peer_shantay.py compare --root DIR --dumps FOLDER --rows N

Each shantay run is its offline mode on the same dump files as ours, laid out as its archive expects
(``YYYY/MM/sor-global-YYYY-MM-DD-full.zip`` next to a ``.sha1`` digest, hard links to our files):
``summarize`` (its summary statistics, against our summary-only ingest) and ``distill --platform P``
for the marketplaces (an extract of their rows, against our ``ingest --rows``). A run happens in a
private mount namespace (``unshare --mount``: ``/proc`` and ``/dev/shm`` are mounted for it and
vanish with it), ``chroot`` into the environment, with a clean environment (``env -i``), ``CI=true``
(shantay then prints status lines instead of progress bars) and a ``HOME`` whose platform list is
fresh, so shantay does not try to scrape the platform names from the web. Its staging, extract and
statistics are removed before every run, so no run reuses an earlier one's work. Time and peak
memory are measured exactly as for ours (``bench_sor.run_measured``: the sum of RSS over the whole
process tree, polled every 50 ms).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SHANTAY_VERSION = "0.6.0"
POLARS_VERSION = "1.37.1"
SUITE = "trixie"
MIRROR = "http://deb.debian.org/debian"
#: Debian packages the chroot gets on top of ``minbase``.
PACKAGES = ("python3", "python3-venv", "ca-certificates")
#: Inside the chroot: the virtualenv, and the folder holding shantay's archive, staging and home.
VENV = "/opt/shantay"
WORK = "/peer"
#: The CA bundle pip uses inside the chroot (a copy of this machine's).
CHROOT_CA = "/etc/ssl/certs/peer-host-ca.crt"
INFO_FILE = "peer.json"
FREEZE_FILE = "peer-freeze.txt"
LOCK_FILE = "peer.lock"
DUMP_NAME = re.compile(r"^sor-global-(\d{4})-(\d{2})-(\d{2})-full\.zip$")
#: What a target run needs (issue 14): our speed >= 8x shantay's, our peak memory <= 1/5 of its.
TARGET_SPEED, TARGET_MEMORY = 8.0, 0.2

VERSIONS_CODE = (
    "import json, sys, importlib.metadata as m; "
    "print(json.dumps({'python': sys.version.split()[0], "
    "'shantay': m.version('shantay'), 'polars': m.version('polars')}))"
)
PLATFORMS_CODE = "import sys, shantay._platform as p; print(p.update_platforms(sys.argv[1:]))"


class PeerError(SystemExit):
    """The peer environment is missing or a peer run failed (exits with the message)."""


@dataclass(frozen=True)
class Peer:
    """A prepared shantay environment: its root folder and the versions installed there."""

    root: Path
    python: str
    shantay: str
    polars: str

    @property
    def chroot(self) -> Path:
        """The Debian root file system that shantay runs in."""
        return self.root / "chroot"

    def describe(self) -> str:
        """One line naming the versions, saying plainly when the interpreter is not 3.12."""
        py = f"Python {self.python}"
        if not self.python.startswith("3.12."):
            py += f" (Python {'.'.join(self.python.split('.')[:2])}: no 3.12 can be had here)"
        return f"shantay {self.shantay}, polars {self.polars}, {py}, Debian {SUITE} chroot"


# -------------------------------------------------------------------------------------------------
# The command lines
# -------------------------------------------------------------------------------------------------


def debootstrap_command(chroot: Path, suite: str = SUITE, mirror: str = MIRROR) -> list[str]:
    """Return the ``debootstrap`` call that makes the chroot (minbase plus :data:`PACKAGES`)."""
    return [
        "debootstrap",
        "--variant=minbase",
        f"--include={','.join(PACKAGES)}",
        suite,
        str(chroot),
        mirror,
    ]


def in_chroot(chroot: Path, argv: Sequence[str], env: dict[str, str] | None = None) -> list[str]:
    """Wrap ``argv`` to run inside ``chroot`` with a clean environment.

    Parameters
    ----------
    chroot
        The root file system.
    argv
        The command, with paths as seen inside the chroot.
    env
        Environment variables for the command (``PATH`` and ``LANG`` are always set).

    Returns
    -------
    list of str
        ``unshare --mount --propagation private -- sh -ec SCRIPT CHROOT env -i ... ARGV``: the script
        mounts ``/proc`` and a ``/dev/shm`` (multiprocessing needs both) in a private mount namespace,
        so they disappear when the command ends, then ``exec``s ``chroot`` (one process chain: the
        command keeps the pid, and its tree is measured whole).
    """
    script = 'mount -t proc proc "$0/proc"; mount -t tmpfs shm "$0/dev/shm"; exec chroot "$0" "$@"'
    variables = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", **(env or {})}
    return [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-ec",
        script,
        str(chroot),
        "/usr/bin/env",
        "-i",
        *(f"{k}={v}" for k, v in variables.items()),
        *argv,
    ]


def shantay_argv(
    task: str, first: str, last: str, *, workers: int, platforms: Sequence[str] = ()
) -> list[str]:
    """Return shantay's command line (paths inside the chroot) for ``summarize`` or ``distill``.

    Parameters
    ----------
    task
        ``"summarize"`` (summary statistics of the whole archive) or ``"distill"`` (an extract of the
        rows of ``platforms``).
    first, last
        The first and last day (ISO dates) of the dumps.
    workers
        shantay's ``--workers`` (worker processes; ours use the same number).
    platforms
        For ``distill``: the platforms whose rows it extracts (one ``--platform`` each).

    Returns
    -------
    list of str
        ``python -m shantay --archive ... --offline ... TASK``.
    """
    if task not in ("summarize", "distill"):
        raise ValueError(f"shantay task {task!r}: expected 'summarize' or 'distill'")
    if task == "distill" and not platforms:
        raise ValueError("shantay distill needs at least one platform")
    argv = [f"{VENV}/bin/python", "-m", "shantay", "--archive", f"{WORK}/archive"]
    if task == "distill":
        argv += ["--extract", f"{WORK}/extract"]
        for p in platforms:
            argv += ["--platform", p]
    argv += [
        "--staging",
        f"{WORK}/staging",
        "--logfile",
        f"{WORK}/shantay.log",
        "--offline",
        "--first",
        first,
        "--last",
        last,
        "--workers",
        str(workers),
        task,
    ]
    return argv


# -------------------------------------------------------------------------------------------------
# Preparing the environment (explicit: `setup`)
# -------------------------------------------------------------------------------------------------


def _ca_bundle() -> Path | None:
    """Return the CA bundle this machine's pip is configured with, if any."""
    for candidate in (os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    default = Path("/etc/ssl/certs/ca-certificates.crt")
    return default if default.is_file() else None


def _pip_env() -> dict[str, str]:
    """Return pip's settings for the chroot: the registry this machine's pip uses, its CA bundle."""
    env = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_DEFAULT_TIMEOUT": "180", "PIP_CERT": CHROOT_CA}
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST"):
        value = os.environ.get(name, "")
        if value and "file:" not in value:  # local folders of this machine are not in the chroot
            env[name] = value
    return env


def _step(echo: Callable[[str], None], k: int, total: int, what: str, cmd: list[str]) -> None:
    echo(f"[{k}/{total}] {what}")
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise PeerError(
            f"peer setup step {k}/{total} ({what}) failed with exit code {proc.returncode}: "
            f"{' '.join(cmd)}\n{(proc.stdout + proc.stderr)[-3000:]}"
        )
    echo(f"      done in {time.perf_counter() - t:.0f} s")


def setup(root: Path, *, suite: str = SUITE, mirror: str = MIRROR, echo=print) -> Peer:
    """Prepare shantay's environment under ``root`` (as root; needs network to the registries).

    Parameters
    ----------
    root
        Folder for the environment: ``root/chroot`` (the Debian root file system, about 0.9 GB with
        the virtualenv), ``root/peer.json`` (the versions of Python, shantay and polars) and
        ``root/peer-freeze.txt`` (``pip freeze`` of the virtualenv).
    suite, mirror
        The Debian suite and mirror for ``debootstrap`` (the suite's ``python3`` must be >= 3.12).
    echo
        Where progress lines go.

    Returns
    -------
    Peer
        The environment, as :func:`require` will find it.
    """
    root = Path(root).resolve()
    chroot = root / "chroot"
    for tool in ("debootstrap", "unshare", "chroot"):
        if shutil.which(tool) is None:
            raise PeerError(f"peer setup needs {tool!r} (Debian: apt-get install debootstrap util-linux)")
    if os.geteuid() != 0:
        raise PeerError("peer setup needs root (debootstrap and chroot)")
    total = 4
    if (chroot / "usr" / "bin" / "python3").exists():
        echo(f"[1/{total}] Debian {suite} root file system: already in {chroot}")
    else:
        root.mkdir(parents=True, exist_ok=True)
        _step(
            echo,
            1,
            total,
            f"debootstrap {suite} into {chroot} (a few minutes)",
            debootstrap_command(chroot, suite, mirror),
        )
    shutil.copyfile("/etc/resolv.conf", chroot / "etc" / "resolv.conf")
    ca = _ca_bundle()
    if ca is not None:
        shutil.copyfile(ca, chroot / CHROOT_CA.lstrip("/"))
    for sub in ("proc", "dev/shm", WORK.lstrip("/")):
        (chroot / sub).mkdir(parents=True, exist_ok=True)
    _step(echo, 2, total, f"virtualenv {VENV}", in_chroot(chroot, ["python3", "-m", "venv", VENV]))
    pins = [f"shantay=={SHANTAY_VERSION}", f"polars=={POLARS_VERSION}"]
    _step(
        echo,
        3,
        total,
        f"pip install {' '.join(pins)} (and shantay's dependencies)",
        in_chroot(chroot, [f"{VENV}/bin/pip", "install", "--no-cache-dir", *pins], _pip_env()),
    )
    echo(f"[4/{total}] versions")
    proc = subprocess.run(
        in_chroot(chroot, [f"{VENV}/bin/python", "-c", VERSIONS_CODE]), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise PeerError(f"peer setup: shantay does not import in {chroot}:\n{proc.stderr[-3000:]}")
    versions = json.loads(proc.stdout.strip().splitlines()[-1])
    freeze = subprocess.run(
        in_chroot(chroot, [f"{VENV}/bin/pip", "freeze"]), capture_output=True, text=True, check=True
    ).stdout
    (root / FREEZE_FILE).write_text(freeze, encoding="utf-8")
    (root / INFO_FILE).write_text(json.dumps(versions, indent=1) + "\n", encoding="utf-8")
    peer = Peer(root, **versions)
    echo(f"      {peer.describe()}; recorded in {root / INFO_FILE} (every package: {root / FREEZE_FILE})")
    return peer


def require(root: str | Path | None) -> Peer:
    """Return the prepared environment under ``root``, or stop with what to run to prepare it."""
    hint = "run: python benchmarks/peer_shantay.py setup --root DIR"
    if root is None:
        raise PeerError(f"--peer shantay needs --peer-root DIR, a folder prepared for it; {hint}")
    root = Path(root).resolve()
    info = root / INFO_FILE
    python = root / "chroot" / VENV.lstrip("/") / "bin" / "python"
    if not info.is_file() or not python.exists():
        missing = info if not info.is_file() else python
        raise PeerError(
            f"shantay's environment is missing in {root} (no {missing}); {hint.replace('DIR', str(root))}"
        )
    try:
        versions = json.loads(info.read_text(encoding="utf-8"))
        return Peer(root, versions["python"], versions["shantay"], versions["polars"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PeerError(f"{info}: not a peer record ({exc}); {hint.replace('DIR', str(root))}") from exc


# -------------------------------------------------------------------------------------------------
# Running the peer on our dumps
# -------------------------------------------------------------------------------------------------


def dump_days(dumps: Path) -> list[tuple[str, Path]]:
    """Return the daily dumps in ``dumps`` as (ISO day, path), sorted; an error when there are none."""
    found = []
    for path in sorted(Path(dumps).iterdir()):
        m = DUMP_NAME.match(path.name)
        if m and path.is_file():
            found.append(("-".join(m.groups()), path))
    if not found:
        raise PeerError(f"{dumps}: no daily dump named sor-global-YYYY-MM-DD-full.zip")
    return found


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _sha1(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha1").hexdigest()


def prepare_archive(dumps: Path, work: Path, digests: dict[Path, str] | None = None) -> tuple[str, str]:
    """Lay the dumps out as shantay's archive under ``work/archive``, removing all its earlier state.

    Parameters
    ----------
    dumps
        Folder of ``sor-global-YYYY-MM-DD-full.zip`` dumps (the files the benchmark ingests).
    work
        shantay's working folder as seen from outside the chroot (``chroot/peer``): ``archive``
        (rebuilt), ``staging``, ``extract``, ``home/.shantay`` and ``shantay.log`` (removed).
    digests
        Cache of SHA-1 digests by dump path (filled in), so repeated runs hash each dump once.

    Returns
    -------
    tuple of str
        The first and last day.

    Notes
    -----
    Each dump becomes ``archive/YYYY/MM/<name>`` (a hard link, or a copy across file systems) with
    ``<name>.sha1`` holding ``"<hex>  <name>"`` as the Commission publishes it; shantay checks it.
    """
    days = dump_days(dumps)
    work = Path(work)
    for sub in ("archive", "staging", "extract", *(p.name for p in work.glob("staging.*.done"))):
        shutil.rmtree(work / sub, ignore_errors=True)
    (work / "shantay.log").unlink(missing_ok=True)
    digests = {} if digests is None else digests
    for day, path in days:
        month = work / "archive" / day[:4] / day[5:7]
        month.mkdir(parents=True, exist_ok=True)
        _link_or_copy(path, month / path.name)
        if path not in digests:
            digests[path] = _sha1(path)
        (month / f"{path.name}.sha1").write_text(f"{digests[path]}  {path.name}\n", encoding="ascii")
    (work / "home").mkdir(parents=True, exist_ok=True)
    return days[0][0], days[-1][0]


@contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Hold ``root/peer.lock`` for one run; stop at once if another run holds it.

    Two runs in one environment would share shantay's archive and staging, and the second's
    preparation would delete the first's files in the middle of its run.
    """
    path = Path(root) / LOCK_FILE
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise PeerError(
                f"{root}: another shantay run ({holder}) is using this environment; "
                "wait for it to end, or prepare a second one with setup --root OTHER_DIR"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f, fcntl.LOCK_UN)


def _log_tail(work: Path, lines: int = 15) -> str:
    log = work / "shantay.log"
    if not log.is_file():
        return f"(no log at {log})"
    return f"last lines of {log}:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _measured(cmd: list[str]) -> tuple[float, float, str]:
    from bench_sor import run_measured

    return run_measured(cmd)


def refresh_platforms(peer: Peer, names: Sequence[str]) -> None:
    """Give shantay a fresh platform list holding ``names`` (so it neither scrapes nor stops on them)."""
    env = {"HOME": f"{WORK}/home"}
    argv = [f"{VENV}/bin/python", "-c", PLATFORMS_CODE, *names]
    proc = subprocess.run(in_chroot(peer.chroot, argv, env), capture_output=True, text=True)
    if proc.returncode != 0:
        raise PeerError(f"shantay's platform list could not be written:\n{proc.stderr[-2000:]}")


def run_peer(
    peer: Peer,
    dumps: Path,
    task: str,
    *,
    workers: int,
    platform_names: Sequence[str],
    distill: Sequence[str] = (),
    digests: dict[Path, str] | None = None,
) -> tuple[float, float, int]:
    """Run shantay once on ``dumps`` and measure it.

    Parameters
    ----------
    peer
        The environment (:func:`require`).
    dumps
        Folder of the daily dumps.
    task
        ``"summarize"`` or ``"distill"``.
    workers
        shantay's worker processes.
    platform_names
        Every platform name in the dumps (shantay stops on names it does not know).
    distill
        For ``distill``: the platforms to extract.
    digests
        SHA-1 cache for :func:`prepare_archive`.

    Returns
    -------
    tuple
        (seconds, peak MB of the process tree, rows shantay reports: ``total_rows`` of its
        statistics for ``summarize``, ``extract_rows`` of its extract for ``distill``).
    """
    work = peer.chroot / WORK.lstrip("/")
    with exclusive(peer.root):
        first, last = prepare_archive(dumps, work, digests)
        refresh_platforms(peer, platform_names)
        argv = shantay_argv(task, first, last, workers=workers, platforms=distill)
        cmd = in_chroot(peer.chroot, argv, {"HOME": f"{WORK}/home", "CI": "true"})
        try:
            seconds, peak, _ = _measured(cmd)
        except SystemExit as exc:
            raise PeerError(f"shantay {task} failed: {exc}\n{_log_tail(work)}") from None
    # its per-release record (with workers, 0.6.0's distill leaves it in staging only)
    meta = work / "staging" / ("extract.json" if task == "distill" else "db.json")
    if not meta.is_file():
        raise PeerError(f"shantay {task} wrote no metadata ({meta})\n{_log_tail(work)}")
    releases = json.loads(meta.read_text(encoding="utf-8")).get("releases", {})
    key = "extract_rows" if task == "distill" else "total_rows"
    return seconds, peak, sum(int(r.get(key, 0)) for r in releases.values())


# -------------------------------------------------------------------------------------------------
# Ours next to its
# -------------------------------------------------------------------------------------------------


def _ours(exe: str, dumps: Path, store: Path, workers: int, extra: Sequence[str]) -> tuple[float, float]:
    from bench_sor import ingest_command

    seconds, peak, _ = _measured(ingest_command(exe, dumps, store, workers, "--force", *extra))
    return seconds, peak


def _stored_rows(store: Path) -> int | None:
    """Rows in our row store (``rows/day=*/platform=*/*.parquet``), None when it has none."""
    import polars as pl

    files = sorted((store / "rows").glob("**/*.parquet"))
    return pl.scan_parquet(files).select(pl.len()).collect().item() if files else None


def compare(
    peer: Peer,
    dumps: Path,
    scratch: Path,
    *,
    n_rows: int,
    workers: int = 2,
    repeat: int = 2,
    distill: bool = True,
    echo=print,
    progress=None,
) -> list[dict]:
    """Measure ours and shantay's, alternating, on the same dumps; print the ratios.

    Parameters
    ----------
    peer
        shantay's environment (:func:`require`).
    dumps
        Folder of SYNTHETIC daily dumps (``dsa_explore.synth.sor``).
    scratch
        Folder for our stores.
    n_rows
        Rows in the dumps (checked against the rows shantay reports).
    workers
        Worker processes, ours and shantay's alike.
    repeat
        Runs of each (best time, largest peak).
    distill
        Also compare ``ingest --rows`` (marketplace rows) with shantay's ``distill --platform``.
    echo
        Where the table goes.
    progress
        Where a line goes after each run (default: standard error).

    Returns
    -------
    list of dict
        One per comparison: ``task``, ``ours_s``, ``ours_mb``, ``ours_rows`` (rows in our row store,
        for ``--rows``), ``peer_s``, ``peer_mb``, ``peer_rows``, ``speed`` (our rows/s over its) and
        ``memory`` (our peak over its).
    """
    from dsa_explore.sor.rows import marketplaces
    from dsa_explore.synth import sor as synth

    if progress is None:

        def progress(line: str) -> None:
            print(f"# peer_shantay: {line}", file=sys.stderr, flush=True)

    exe = str(Path(sys.executable).with_name("dsa-explore"))
    names = [p for p, _ in synth.PLATFORM_MIX]
    present = {n.casefold() for n in names}
    wanted = [p for p in marketplaces() if p.casefold() in present]
    pairs = [("summary-only ingest | summarize", [], "summarize", ())]
    if distill:
        pairs.append(("ingest --rows | distill --platform", ["--rows"], "distill", wanted))
    digests: dict[Path, str] = {}
    results = []
    for label, extra, task, plats in pairs:
        ours, theirs, rows = (float("inf"), 0.0), (float("inf"), 0.0), 0
        for k in range(repeat):
            s, m = _ours(exe, dumps, scratch / "peer-store", workers, extra)
            ours = (min(ours[0], s), max(ours[1], m))
            progress(f"{label}, run {k + 1}/{repeat}: ours {s:.1f} s, {m:,.0f} MB; shantay ...")
            ps, pm, rows = run_peer(
                peer, dumps, task, workers=workers, platform_names=names, distill=plats, digests=digests
            )
            theirs = (min(theirs[0], ps), max(theirs[1], pm))
            progress(f"{label}, run {k + 1}/{repeat}: shantay {ps:.1f} s, {pm:,.0f} MB, {rows:,} rows")
        results.append(
            {
                "task": label,
                "ours_rows": _stored_rows(scratch / "peer-store") if extra else None,
                "ours_s": ours[0],
                "ours_mb": ours[1],
                "peer_s": theirs[0],
                "peer_mb": theirs[1],
                "peer_rows": rows,
                "speed": theirs[0] / ours[0],
                "memory": ours[1] / theirs[1],
            }
        )
    print_table(results, peer, n_rows=n_rows, workers=workers, repeat=repeat, platforms=wanted, echo=echo)
    return results


def print_table(
    results, peer: Peer, *, n_rows: int, workers: int, repeat: int, platforms, echo=print
) -> None:
    """Print the side-by-side table, the row check and the target verdict."""
    echo(
        f"# side by side with {peer.describe()}; offline on the same {n_rows:,} SYNTHETIC rows, "
        f"{workers} workers each, best of {repeat}"
    )
    if len(results) > 1:
        echo(f"# distill --platform: {', '.join(platforms)} (our --rows default: the marketplaces)")
    echo(
        "# ours | shantay                        ours_s  ours_rows/s ours_MB | peer_s  peer_rows/s  peer_MB"
        " | speed x  memory"
    )
    for r in results:
        echo(
            f"  {r['task']:<36} {r['ours_s']:6.1f} {n_rows / r['ours_s']:12,.0f} {r['ours_mb']:7,.0f} |"
            f" {r['peer_s']:6.1f} {n_rows / r['peer_s']:12,.0f} {r['peer_mb']:8,.0f} |"
            f" {r['speed']:7.2f}  1/{1 / r['memory']:.1f}"
        )
    summ = results[0]
    if summ["peer_rows"] != n_rows:
        echo(f"# WARNING: shantay's statistics count {summ['peer_rows']:,} rows, not {n_rows:,}")
    else:
        echo(f"# check: shantay's statistics count all {n_rows:,} rows")
    for r in results[1:]:
        ours = "none" if r.get("ours_rows") is None else f"{r['ours_rows']:,}"
        same = "the same" if r.get("ours_rows") == r["peer_rows"] else "NOT the same"
        echo(f"# check: shantay's extract holds {r['peer_rows']:,} rows, our row store {ours} ({same})")
    ok = summ["speed"] >= TARGET_SPEED and summ["memory"] <= TARGET_MEMORY
    echo(
        f"# target (issue 14) >= {TARGET_SPEED:g}x shantay's speed at <= 1/{1 / TARGET_MEMORY:g}"
        " of its memory"
        f" (summary-only ingest | summarize): {summ['speed']:.2f}x at 1/{1 / summ['memory']:.1f},"
        f" {'met' if ok else 'NOT met'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``setup`` prepares the environment, ``compare`` runs ours and shantay's."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup", help="prepare shantay's environment (debootstrap, virtualenv, pip)")
    s.add_argument("--root", required=True, help="folder for the environment (about 0.9 GB)")
    s.add_argument("--suite", default=SUITE)
    s.add_argument("--mirror", default=MIRROR)
    c = sub.add_parser("compare", help="ours and shantay's on the same dumps")
    c.add_argument("--root", required=True, help="the folder prepared by setup")
    c.add_argument("--dumps", required=True, help="folder of sor-global-YYYY-MM-DD-full.zip dumps")
    c.add_argument("--rows", type=int, required=True, help="rows in the dumps (checked)")
    c.add_argument("--workers", type=int, default=2)
    c.add_argument("--repeat", type=int, default=2)
    c.add_argument("--no-distill", action="store_true", help="compare summary statistics only")
    args = ap.parse_args(argv)
    if args.cmd == "setup":
        setup(Path(args.root), suite=args.suite, mirror=args.mirror)
        return 0
    import tempfile

    peer = require(args.root)
    with tempfile.TemporaryDirectory(prefix="peer_shantay_") as tmp:
        compare(
            peer,
            Path(args.dumps),
            Path(tmp),
            n_rows=args.rows,
            workers=args.workers,
            repeat=args.repeat,
            distill=not args.no_distill,
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
