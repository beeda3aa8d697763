"""Test the parts of ``benchmarks/peer_shantay.py`` that need no peer environment.

The archive layout shantay expects, the command lines built, the errors when the environment is
missing, and the printed verdict. (Running shantay itself needs ``peer_shantay.py setup``: a
debootstrap chroot, never made in tests.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import peer_shantay as ps  # noqa: E402

# SHA-1 of b"abc": the FIPS 180 test vector (FIPS 180-2, appendix A.1).
SHA1_ABC = "a9993e364706816aba3e25717850c26c9cd0d89d"


def _dumps(folder: Path) -> Path:
    folder.mkdir()
    (folder / "sor-global-2025-08-02-full.zip").write_bytes(b"abc")
    (folder / "sor-global-2025-08-01-full.zip").write_bytes(b"abc")
    (folder / "sor-global-2025-09-01-full.zip").write_bytes(b"abc")
    (folder / "notes.txt").write_text("not a dump")
    (folder / "sor-global-2025-08-03-light.zip").write_bytes(b"light dumps are not shantay's input")
    return folder


def test_prepare_archive_lays_out_years_months_digests_and_clears_earlier_state(tmp_path):
    """Dumps become YYYY/MM/<name> hard links with .sha1 files; earlier runs' state goes."""
    dumps = _dumps(tmp_path / "dumps")
    work = tmp_path / "peer"
    # state of an earlier run, which would make shantay reuse its work
    for sub in ("archive/db.stats", "staging/2025/08", "extract/2025", "staging.123.done/2025"):
        (work / sub).mkdir(parents=True)
    (work / "archive" / "db.json").write_text("{}")
    (work / "shantay.log").write_text("old")
    digests: dict[Path, str] = {}
    first, last = ps.prepare_archive(dumps, work, digests)
    assert (first, last) == ("2025-08-01", "2025-09-01")
    files = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file())
    assert files == [
        "archive/2025/08/sor-global-2025-08-01-full.zip",
        "archive/2025/08/sor-global-2025-08-01-full.zip.sha1",
        "archive/2025/08/sor-global-2025-08-02-full.zip",
        "archive/2025/08/sor-global-2025-08-02-full.zip.sha1",
        "archive/2025/09/sor-global-2025-09-01-full.zip",
        "archive/2025/09/sor-global-2025-09-01-full.zip.sha1",
    ]
    assert not (work / "staging").exists() and not (work / "extract").exists()
    assert (work / "home").is_dir()
    sha = (work / "archive/2025/08/sor-global-2025-08-01-full.zip.sha1").read_text(encoding="ascii")
    assert sha == f"{SHA1_ABC}  sor-global-2025-08-01-full.zip\n"
    # a hard link to our file (same inode), not a copy
    linked = work / "archive/2025/09/sor-global-2025-09-01-full.zip"
    assert os.stat(linked).st_ino == os.stat(dumps / "sor-global-2025-09-01-full.zip").st_ino
    assert len(digests) == 3
    # a second run rebuilds the archive from the cache, without re-hashing
    digests[dumps / "sor-global-2025-08-01-full.zip"] = "0" * 40
    ps.prepare_archive(dumps, work, digests)
    assert (work / "archive/2025/08/sor-global-2025-08-01-full.zip.sha1").read_text().startswith("0" * 40)


def test_no_dump_in_folder_is_a_clear_error(tmp_path):
    """A folder without a full daily dump is refused, naming the folder."""
    (tmp_path / "sor-global-2025-08-03-light.zip").write_bytes(b"x")
    with pytest.raises(ps.PeerError, match=r"no daily dump named sor-global-YYYY-MM-DD-full\.zip") as exc:
        ps.dump_days(tmp_path)
    assert str(tmp_path) in str(exc.value)


def test_summarize_command_line_is_offline_on_the_archive():
    """Summarize runs offline on the archive, with our worker count and the dumps' days."""
    argv = ps.shantay_argv("summarize", "2025-08-01", "2025-08-02", workers=2)
    assert argv[:3] == ["/opt/shantay/bin/python", "-m", "shantay"]
    assert argv[-1] == "summarize"
    assert argv.count("--offline") == 1
    rest = [a for a in argv[3:-1] if a != "--offline"]
    opts = dict(zip(rest[::2], rest[1::2], strict=True))
    assert opts == {
        "--archive": "/peer/archive",
        "--staging": "/peer/staging",
        "--logfile": "/peer/shantay.log",
        "--first": "2025-08-01",
        "--last": "2025-08-02",
        "--workers": "2",
    }


def test_distill_command_line_names_every_platform_and_an_extract():
    """Distill names an extract folder and one --platform per platform."""
    argv = ps.shantay_argv("distill", "2025-08-01", "2025-08-01", workers=1, platforms=["AliExpress", "Temu"])
    assert argv[-1] == "distill" and "--offline" in argv
    assert argv[argv.index("--extract") + 1] == "/peer/extract"
    assert [argv[i + 1] for i, a in enumerate(argv) if a == "--platform"] == ["AliExpress", "Temu"]
    with pytest.raises(ValueError, match="at least one platform"):
        ps.shantay_argv("distill", "2025-08-01", "2025-08-01", workers=1)
    with pytest.raises(ValueError, match="expected 'summarize' or 'distill'"):
        ps.shantay_argv("download", "2025-08-01", "2025-08-01", workers=1)


def test_chroot_wrapper_uses_a_private_mount_namespace_and_a_clean_environment():
    """Runs happen in a private mount namespace, chrooted, with env -i."""
    cmd = ps.in_chroot(Path("/x/chroot"), ["/opt/shantay/bin/python", "-V"], {"HOME": "/peer/home"})
    assert cmd[:5] == ["unshare", "--mount", "--propagation", "private", "--"]
    script = cmd[cmd.index("-ec") + 1]
    assert 'mount -t proc proc "$0/proc"' in script and 'exec chroot "$0" "$@"' in script
    rest = cmd[cmd.index("-ec") + 2 :]
    assert rest[:3] == ["/x/chroot", "/usr/bin/env", "-i"]
    assert "HOME=/peer/home" in rest and "PATH=/usr/local/bin:/usr/bin:/bin" in rest
    assert rest[-2:] == ["/opt/shantay/bin/python", "-V"]


def test_debootstrap_command_is_minbase_with_python_venv():
    """The chroot is a minbase trixie with python3-venv."""
    cmd = ps.debootstrap_command(Path("/x/chroot"))
    assert cmd == [
        "debootstrap",
        "--variant=minbase",
        "--include=python3,python3-venv,ca-certificates",
        "trixie",
        "/x/chroot",
        "http://deb.debian.org/debian",
    ]


def test_require_says_what_to_run_when_the_environment_is_missing(tmp_path):
    """A missing or broken environment stops with the setup command to run."""
    with pytest.raises(ps.PeerError, match=r"--peer shantay needs --peer-root DIR"):
        ps.require(None)
    with pytest.raises(ps.PeerError) as exc:
        ps.require(tmp_path / "nowhere")
    assert f"run: python benchmarks/peer_shantay.py setup --root {tmp_path / 'nowhere'}" in str(exc.value)
    # a record without the interpreter is not an environment either
    (tmp_path / "peer.json").write_text(
        json.dumps({"python": "3.13.5", "shantay": "0.6.0", "polars": "1.37.1"})
    )
    with pytest.raises(ps.PeerError, match=r"opt/shantay/bin/python"):
        ps.require(tmp_path)
    python = tmp_path / "chroot/opt/shantay/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    peer = ps.require(tmp_path)
    assert (peer.python, peer.shantay, peer.polars) == ("3.13.5", "0.6.0", "1.37.1")
    (tmp_path / "peer.json").write_text('{"python": "3.13.5"}')
    with pytest.raises(ps.PeerError, match=r"not a peer record"):
        ps.require(tmp_path)


def test_description_says_plainly_when_no_python_312_was_had():
    """A 3.13 interpreter is named as such, not passed off as 3.12."""
    assert (
        "Python 3.13: no 3.12 can be had here" in ps.Peer(Path("/r"), "3.13.5", "0.6.0", "1.37.1").describe()
    )
    assert "no 3.12" not in ps.Peer(Path("/r"), "3.12.8", "0.6.0", "1.37.1").describe()


def _result(speed_s: float, ours_mb: float, peer_mb: float) -> dict:
    return {
        "task": "summary-only ingest | summarize",
        "ours_s": 10.0,
        "ours_mb": ours_mb,
        "peer_s": speed_s,
        "peer_mb": peer_mb,
        "peer_rows": 2_000_000,
        "speed": speed_s / 10.0,
        "memory": ours_mb / peer_mb,
    }


def test_table_prints_ratios_and_the_verdict():
    """The table prints rows/s, ratios, the row check and the target verdict."""
    peer = ps.Peer(Path("/r"), "3.13.5", "0.6.0", "1.37.1")
    lines: list[str] = []
    # 5.1x at 1/7: the figure quoted in issue 14, short of the 8x target
    ps.print_table(
        [_result(51.0, 500, 3500)],
        peer,
        n_rows=2_000_000,
        workers=2,
        repeat=1,
        platforms=["Temu"],
        echo=lines.append,
    )
    row = next(line for line in lines if line.startswith("  summary-only"))
    # 2,000,000 rows / 10 s = 200,000 rows/s ours; / 51 s = 39,216 rows/s its
    assert "200,000" in row and "39,216" in row and "5.10" in row and "1/7.0" in row
    assert lines[-1].endswith("5.10x at 1/7.0, NOT met")
    assert "check: shantay's statistics count all 2,000,000 rows" in "\n".join(lines)
    lines.clear()
    ps.print_table(
        [_result(85.0, 500, 2600)],
        peer,
        n_rows=2_000_000,
        workers=2,
        repeat=1,
        platforms=["Temu"],
        echo=lines.append,
    )
    assert lines[-1].endswith("8.50x at 1/5.2, met")
    lines.clear()
    short = _result(85.0, 500, 2600) | {"peer_rows": 1_900_000}
    ps.print_table(
        [short], peer, n_rows=2_000_000, workers=2, repeat=1, platforms=["Temu"], echo=lines.append
    )
    assert "WARNING: shantay's statistics count 1,900,000 rows, not 2,000,000" in "\n".join(lines)
    assert not any("distill --platform:" in line for line in lines)  # no distill was run


def test_table_checks_the_extract_against_our_row_store():
    """With a distill run, the table names its platforms and compares the two row counts."""
    peer = ps.Peer(Path("/r"), "3.13.5", "0.6.0", "1.37.1")
    rows = _result(20.0, 800, 3000) | {"task": "ingest --rows | distill --platform", "peer_rows": 328_665}
    for ours, verdict in (
        (328_665, "(the same)"),
        (328_664, "(NOT the same)"),
        (None, "none (NOT the same)"),
    ):
        lines: list[str] = []
        ps.print_table(
            [_result(51.0, 500, 3500), rows | {"ours_rows": ours}],
            peer,
            n_rows=2_000_000,
            workers=2,
            repeat=2,
            platforms=["AliExpress", "Temu"],
            echo=lines.append,
        )
        assert "# distill --platform: AliExpress, Temu (our --rows default: the marketplaces)" in lines
        check = next(line for line in lines if "shantay's extract holds" in line)
        assert check.startswith("# check: shantay's extract holds 328,665 rows, our row store ")
        assert check.endswith(verdict)
        row = next(line for line in lines if line.startswith("  ingest --rows"))
        assert "2.00" in row and "1/3.8" in row  # 20 s / 10 s; 800 MB / 3,000 MB = 1/3.75
        assert lines[-1].endswith("5.10x at 1/7.0, NOT met")  # the verdict is the summary pair's


def test_bench_sor_rows_stops_before_work_when_the_peer_is_missing(tmp_path):
    """bench_sor_rows.py --peer shantay without an environment fails before writing dumps."""
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_sor_rows.py"),
            "--peer",
            "shantay",
            "--peer-root",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "out"),
            "--days",
            "1",
            "--rows-per-day",
            "1000",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "run: python benchmarks/peer_shantay.py setup --root" in proc.stderr
    assert not (tmp_path / "out").exists()  # no dump was written


def test_setup_refuses_without_its_tools(tmp_path, monkeypatch):
    """Setup names the missing tool and the Debian packages that bring it, and touches nothing."""
    monkeypatch.setattr(
        ps.shutil, "which", lambda tool: None if tool == "debootstrap" else "/usr/bin/" + tool
    )
    with pytest.raises(ps.PeerError, match=r"needs 'debootstrap' \(Debian: apt-get install debootstrap"):
        ps.setup(tmp_path / "root", echo=lambda line: None)
    assert not (tmp_path / "root").exists()


def test_pip_in_the_chroot_gets_the_registry_but_not_this_machines_local_folders(monkeypatch):
    """Index settings pass into the chroot; file: locations (absent there) do not."""
    monkeypatch.setenv("PIP_INDEX_URL", "https://registry.example/simple")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "file:///opt/pypi/simple")
    monkeypatch.delenv("PIP_TRUSTED_HOST", raising=False)
    env = ps._pip_env()
    assert env["PIP_INDEX_URL"] == "https://registry.example/simple"
    assert "PIP_EXTRA_INDEX_URL" not in env and "PIP_TRUSTED_HOST" not in env
    assert env["PIP_CERT"] == ps.CHROOT_CA


def test_a_second_run_in_one_environment_stops_instead_of_deleting_the_first_ones_files(tmp_path):
    """While one run holds the environment, another stops at once with a message naming the holder."""
    with ps.exclusive(tmp_path):
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); import peer_shantay as ps\n"
            "with ps.exclusive(sys.argv[2]): pass"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code, str(ROOT / "benchmarks"), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 1
        assert f"another shantay run (pid {os.getpid()}) is using this environment" in proc.stderr
    with ps.exclusive(tmp_path):  # released: free again
        pass
