r"""The ``dsa-explore`` command meets user mistakes with one clear line, never a traceback or a silent zero.

Why these tests exist: a QA analyst ran the tool as a user (issue 14/13) and found misspelled
platforms giving a count of 0 with exit code 0, invalid dates accepted, regex errors cut off,
internal messages (``zip() argument 2 is shorter...``, polars' ``negative slice lengths``) and
Python tracebacks where a user error deserves one line on standard error. Each test below runs the
command's entry point (:func:`dsa_explore.cli.main`, or ``python -m dsa_explore.cli`` where the
process itself matters: a closed pipe) on the small fixture dumps of ``tests/fixtures/sor/dumps``.

Figures are counted by hand from the row lists in ``tests/fixtures/sor/build_fixtures.py`` (its
docstring): ``sor-global-2024-03-02-light.zip`` holds 4 rows (2 "Amazon", 2 "OTTO Market");
``sor-global-2024-03-01-full.zip`` holds 2 "Vinted UAB" rows and ``sor-global-2025-07-01-full.zip``
2 Vinted rows (inner 00001 / csv 00001), so Vinted has 2 stored statements on each of those days.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dsa_explore import cli
from dsa_explore.core.errors import InputFileError, RefusedDataError
from dsa_explore.sor import ingest
from dsa_explore.synth.sor import write_dump

DUMPS = Path(__file__).parent / "fixtures" / "sor" / "dumps"
LIGHT = DUMPS / "sor-global-2024-03-02-light.zip"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Ingest every fixture dump (every platform, with rows) into a store; return its folder."""
    root = tmp_path_factory.mktemp("cli-errors-store")
    ingest.ingest([DUMPS], root, workers=1, rows=True, platforms=["all"], progress=False)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``dsa-explore ARGV`` in this process; return (exit code, stdout, stderr)."""
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_clear_line(err: str, *needles: str) -> str:
    """Assert ``err`` is one ``dsa-explore ...:`` line, no traceback, holding every needle; return it."""
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert len(lines) == 1, err
    assert lines[0].startswith("dsa-explore "), err
    for needle in needles:
        assert needle in lines[0], (needle, err)
    return lines[0]


# ---------------------------------------------------------------------------- 4: unknown platforms


def test_search_refuses_a_platform_in_neither_registry_nor_store(store, capsys):
    code, out, err = run(
        capsys, "sor", "search", "--store", store, "--platform", "Temoo", "--text", ".", "--count"
    )
    assert code == 2 and out == ""
    one_clear_line(err, "--platform 'Temoo'", "platform registry", "did you mean 'Temu'?", "Vinted")


def test_search_keeps_stored_tdb_platforms_and_any_case_of_the_registry(store, capsys):
    # Vinted is not in the registry but has stored rows: 2 + 2 statements (module docstring)
    code, out, err = run(
        capsys, "sor", "search", "--store", store, "--platform", "Vinted", "--text", ".", "--count"
    )
    assert (code, out, err) == (0, "platform,count\nVinted,4\n", "")
    code, lower, _ = run(
        capsys, "sor", "search", "--store", store, "--platform", "temu", "--text", ".", "--count"
    )
    code2, exact, _ = run(
        capsys, "sor", "search", "--store", store, "--platform", "Temu", "--text", ".", "--count"
    )
    assert code == code2 == 0
    assert lower == exact and exact.startswith("platform,count\nTemu,")


def test_summary_refuses_an_unknown_platform(store, capsys):
    code, out, err = run(capsys, "sor", "summary", "--store", store, "--platform", "Aliexpres")
    assert code == 2 and out == ""
    one_clear_line(err, "--platform 'Aliexpres'", "did you mean 'AliExpress'?")


def test_ingest_with_a_platform_in_neither_registry_nor_dump_exits_non_zero(tmp_path, capsys):
    code, out, err = run(
        capsys, "sor", "ingest", LIGHT, "--store", tmp_path / "s", "--platform", "Amazn", "--no-progress"
    )
    assert code == 2
    assert "rows_read=4\trows_summarised=0" in out
    assert "--platform 'Amazn': neither in the platform registry" in err
    assert "did you mean 'Amazon Store'?" in err and "ingest again with the right name" in err
    # a TDB platform outside the registry that the dump does hold: "OTTO Market" (2 rows)
    code, out, err = run(
        capsys,
        "sor",
        "ingest",
        LIGHT,
        "--store",
        tmp_path / "s",
        "--platform",
        "OTTO Market",
        "--no-progress",
    )
    assert code == 0, err
    assert "rows_read=4\trows_summarised=2" in out


# ------------------------------------------------------------------- 6: user errors, no tracebacks


def test_data_build_with_a_missing_source_file(tmp_path, capsys):
    missing = tmp_path / "nonexistent.parquet"
    code, out, err = run(
        capsys, "data", "build", "sor_marketplaces_daily", "--source", missing, "--to", tmp_path
    )
    assert code == 2 and out == ""
    one_clear_line(err, str(missing), "no such file")


def test_ingest_into_a_store_that_is_a_file(tmp_path, capsys):
    file = tmp_path / "README.md"
    file.write_text("not a store\n")
    code, out, err = run(capsys, "sor", "ingest", LIGHT, "--store", file, "--no-progress")
    assert code == 2 and out == ""
    one_clear_line(err, f"--store {file}", "not a folder")


def test_sample_into_a_missing_folder_is_one_line(store, tmp_path, capsys):
    # a long path: polars shortens long paths in its own message
    out_file = tmp_path / ("a-long-folder-name-" * 4) / "no" / "such" / "sample.csv"
    code, _, err = run(capsys, "sor", "sample", "--store", store, "--n", "2", "--out", out_file)
    assert code == 2
    one_clear_line(err, "dsa-explore sor sample:", str(out_file), "No such file or directory")


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [
        (InputFileError("x.csv line 3: 'abc': expected a number", file="x.csv"), 2, "x.csv line 3"),
        (RefusedDataError("x.parquet: sha256 differs from its record"), 1, "sha256 differs"),
        (
            FileNotFoundError(2, "No such file or directory", "gone.csv"),
            2,
            "gone.csv: No such file or directory",
        ),
        (IsADirectoryError(21, "Is a directory", "some/dir"), 2, "some/dir: Is a directory"),
    ],
)
def test_the_entry_point_turns_user_errors_into_one_line(monkeypatch, capsys, exc, code, text):
    def fails(args):
        raise exc

    monkeypatch.setattr(cli.data, "cmd_builds", fails)
    got, out, err = run(capsys, "data", "builds")
    assert got == code and out == ""
    assert one_clear_line(err, text).startswith("dsa-explore data builds: ")


def test_the_entry_point_keeps_tracebacks_of_bugs(monkeypatch):
    def bug(args):
        raise KeyError("a bug")

    monkeypatch.setattr(cli.data, "cmd_builds", bug)
    with pytest.raises(KeyError):
        cli.main(["data", "builds"])


def test_control_characters_in_an_error_are_escaped(monkeypatch, capsys):
    def fails(args):
        raise FileNotFoundError(2, "No such file or directory", "evil\x1b]0;OWNED\x07.csv")

    monkeypatch.setattr(cli.data, "cmd_builds", fails)
    code, _, err = run(capsys, "data", "builds")
    assert code == 2 and "\x1b" not in err and "\x07" not in err
    one_clear_line(err, r"evil\x1b]0;OWNED\x07.csv")


# ---------------------------------------------------------------------- 7: an empty sample selection


def test_sample_of_an_empty_selection_says_so(store, capsys):
    code, out, err = run(capsys, "sor", "sample", "--store", store, "--n", "10", "--since", "2030-01-01")
    assert code == 2 and out == ""
    line = one_clear_line(err, "no stored statements", "--since 2030-01-01", str(store))
    assert "zip()" not in line


# ----------------------------------------------------------------- 8 and 16: dates and periods


@pytest.mark.parametrize("command", ["ingest", "search", "sample", "rows", "summary"])
def test_invalid_dates_and_reversed_periods_are_refused(store, tmp_path, capsys, command):
    extra = {
        "ingest": [DUMPS, "--store", tmp_path / "new", "--no-progress"],
        "search": ["--store", store, "--text", "toy", "--count"],
        "sample": ["--store", store, "--n", "5"],
        "rows": ["--store", store],
        "summary": ["--store", store],
    }[command]
    code, out, err = run(capsys, "sor", command, *extra, "--since", "2025-99-01")
    assert code == 2 and out == ""
    one_clear_line(err, "--since '2025-99-01': expected a date YYYY-MM-DD")
    code, out, err = run(capsys, "sor", command, *extra, "--since", "2025-08-02", "--until", "2025-08-01")
    assert code == 2 and out == ""
    one_clear_line(err, "--since 2025-08-02 is after --until 2025-08-01")
    assert not (tmp_path / "new").exists()  # nothing ingested


# ------------------------------------------------------------------------------- 9: bad regexes


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("(unclosed", "unclosed group (at character 1)"),
        ("a(?=b)", "look-around, including look-ahead and look-behind, is not supported (at character 2)"),
    ],
)
def test_a_bad_regex_message_says_what_is_wrong(store, capsys, text, complaint):
    code, out, err = run(capsys, "sor", "search", "--store", store, "--text", text, "--count")
    assert code == 2 and out == ""
    line = one_clear_line(err, f"--text '{text}': not a valid regular expression: {complaint}")
    assert not line.rstrip().endswith(":")


# ------------------------------------------------------------------ 12: the ingest summary line


def test_the_summary_line_counts_only_what_this_run_read(tmp_path, capsys):
    argv = ("sor", "ingest", LIGHT, "--store", tmp_path / "s", "--no-progress", "--workers", "1")
    code, _, err = run(capsys, *argv)
    assert code == 0
    assert re.search(r"^1 dump\(s\) read, \d+ member\(s\), 4 rows read in ", err, re.M), err
    code, out, err = run(capsys, *argv)  # unchanged: skipped
    assert code == 0 and "\tskipped\t" in out
    assert re.search(
        r"^0 dump\(s\) read, 0 member\(s\), 0 rows read in \d+\.\d s; 1 dump\(s\) skipped \(unchanged\)$",
        err,
        re.M,
    ), err


# ------------------------------------------------------------------------ 14: a closed pipe


@pytest.mark.parametrize(
    "argv",
    [
        ["data", "list"],
        ["sor", "search", "--store", "STORE", "--text", ".", "--limit", "20", "--format", "table"],
    ],
)
def test_a_closed_pipe_ends_quietly(store, argv):
    argv = [str(store) if a == "STORE" else a for a in argv]
    proc = subprocess.Popen(
        [sys.executable, "-m", "dsa_explore.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()  # the reader is gone (like `| head` after its lines): every write fails
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1
    assert err == ""


# ------------------------------------------------------------------------- 15: negative --limit


def test_a_negative_limit_is_a_usage_error(store, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["sor", "search", "--store", str(store), "--text", "toy", "--limit", "-1"])
    assert exited.value.code == 2
    _, err = capsys.readouterr()
    assert "argument --limit: '-1': expected a whole number, 0 or more" in err
    assert "slice" not in err and "Traceback" not in err


# --------------------------------------------------------------- 17: consistent sampling options


def test_sample_by_day_like_search(store, tmp_path, capsys):
    out_file = tmp_path / "vinted.csv"
    code, _, err = run(
        capsys,
        "sor",
        "sample",
        "--store",
        store,
        "--n",
        "4",
        "--platform",
        "Vinted",
        "--by",
        "day",
        "--out",
        out_file,
    )
    assert code == 0, err
    frame = (tmp_path / "vinted.frame.csv").read_text().splitlines()
    assert frame[0].startswith("stratum,platform,frame_size")
    strata = [line.split(",")[:3] for line in frame[1:]]
    assert strata == [["Vinted | 2024-03-01", "Vinted", "2"], ["Vinted | 2025-07-01", "Vinted", "2"]]
    code, _, err = run(capsys, "sor", "sample", "--store", store, "--n", "4", "--by", "content_type")
    assert code == 2
    one_clear_line(err, "--by: not a single-valued column of the row store: content_type")


def test_data_build_refuses_a_source_it_would_ignore(tmp_path, capsys):
    source = tmp_path / "README.md"
    source.write_text("# not an input\n")
    code, out, err = run(
        capsys, "data", "build", "listing_templates", "--source", source, "--to", tmp_path / "out"
    )
    assert code == 2 and out == ""
    one_clear_line(err, f"--source {source}: listing_templates reads no external input", "sor_daily_totals")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------- 18: member names escaped once


def test_a_refused_member_name_is_escaped_once(tmp_path, capsys):
    dump = write_dump(
        tmp_path / "dumps" / "sor-global-2025-11-01-full.zip", [("bad\x1b]0;OWNED\x07.csv.zip", b"not a zip")]
    )
    code, _, err = run(capsys, "sor", "ingest", dump, "--store", tmp_path / "s", "--no-progress")
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert r"member 'bad\x1b]0;OWNED\x07.csv.zip': corrupt or truncated inner zip" in err, err


def test_an_unknown_platform_is_not_blamed_when_no_statement_was_read(tmp_path, capsys):
    dump = write_dump(tmp_path / "dumps" / "sor-global-2025-11-02-full.zip", [("x.csv.zip", b"not a zip")])
    code, _, err = run(capsys, "sor", "ingest", dump, "--store", tmp_path / "s", "--platform", "Nosuch")
    assert code == 1  # the refused dump decides: nothing was read that could hold the platform
    assert "corrupt or truncated inner zip" in err and "platform registry" not in err
