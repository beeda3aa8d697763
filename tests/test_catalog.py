"""The catalog is the gate between files and analyses: it must catch every kind of damaged data.

These tests corrupt copies of real shipped files (one changed byte, a removed column, an extra
column, a bad value, a missing file) and check that loading fails with an error that names the
file, the problem and the fix; and that every shipped file has a complete provenance record.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import polars as pl
import pytest

from dsa_explore.core import paths
from dsa_explore.data import catalog

REQUIRED_FIELDS = {"name", "title", "format", "source", "licence", "retrieved", "sha256", "size", "synthetic"}


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the small case-timeline dataset, made the catalog's data folder."""
    src = paths.data_dir() / "case"
    dst = tmp_path / "data" / "case"
    shutil.copytree(src, dst)
    monkeypatch.setenv("DSA_EXPLORE_DATA", str(tmp_path / "data"))
    return dst / "aliexpress-case-timeline.csv"


def test_every_shipped_dataset_verifies_and_loads():
    known = catalog.all_datasets()
    assert {"facts", "aliexpress_case_timeline"} <= set(known)
    for name, ds in known.items():
        catalog.verify_checksum(ds)
        if ds.format != "raw":
            frame = catalog.load(name)
            assert frame.columns == list(ds.schema), name
            assert frame.height == ds.meta["rows"], name


def test_every_file_under_data_has_a_complete_provenance_record():
    root = paths.data_dir()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        if file.name.endswith(catalog.META_SUFFIX) or file.name in {".gitkeep", "README.md"}:
            continue
        meta_path = file.with_name(file.name + catalog.META_SUFFIX)
        assert meta_path.exists(), f"{file.relative_to(root)} has no provenance record {meta_path.name}"
        meta = json.loads(meta_path.read_text())
        missing = REQUIRED_FIELDS - set(meta)
        assert not missing, f"{meta_path.relative_to(root)} lacks {sorted(missing)}"
        assert meta["size"] == file.stat().st_size, f"{file.relative_to(root)}: recorded size differs"


def test_load_returns_declared_types():
    timeline = catalog.load("aliexpress_case_timeline")
    assert timeline.schema["date"] == pl.Date
    assert timeline["date"].min().isoformat() == "2023-04-25"


def test_one_changed_byte_is_caught_by_the_checksum(data_copy):
    raw = bytearray(data_copy.read_bytes())
    pos = raw.index(b"2024-03-14")
    raw[pos + 3] = ord("5")  # 2024 -> 2025: one byte
    data_copy.write_bytes(bytes(raw))
    with pytest.raises(catalog.CatalogError) as err:
        catalog.load("aliexpress_case_timeline")
    msg = str(err.value)
    assert "aliexpress-case-timeline.csv" in msg and "checksum changed" in msg
    assert "git checkout" in msg and "refresh" in msg  # the fix


def test_a_removed_column_is_named(data_copy):
    frame = pl.read_csv(data_copy, infer_schema=False)
    frame.drop("detail").write_csv(data_copy)
    catalog.refresh(data_copy)  # a deliberate change whose checksum was recorded: schema must still catch it
    with pytest.raises(catalog.CatalogError) as err:
        catalog.load("aliexpress_case_timeline")
    assert "missing column(s) ['detail']" in str(err.value)
    assert "aliexpress-case-timeline.csv" in str(err.value)


def test_an_extra_column_is_named(data_copy):
    frame = pl.read_csv(data_copy, infer_schema=False)
    frame.with_columns(note=pl.lit("x")).write_csv(data_copy)
    catalog.refresh(data_copy)
    with pytest.raises(catalog.CatalogError, match=r"unexpected extra column\(s\) \['note'\]"):
        catalog.load("aliexpress_case_timeline")


def test_a_bad_value_is_reported_with_line_and_raw_value(data_copy):
    text = data_copy.read_text().replace("2025-06-18,Commitments", "18/06/2025,Commitments")
    data_copy.write_text(text)
    catalog.refresh(data_copy)
    with pytest.raises(catalog.CatalogError) as err:
        catalog.load("aliexpress_case_timeline")
    msg = str(err.value)
    assert "column 'date' expects Date" in msg
    assert "line 4: '18/06/2025'" in msg


def test_a_missing_file_says_how_to_restore_it(data_copy):
    data_copy.unlink()
    with pytest.raises(catalog.CatalogError, match="file is missing.*git checkout"):
        catalog.load("aliexpress_case_timeline")


def test_an_unknown_dataset_lists_the_known_ones():
    with pytest.raises(catalog.CatalogError, match="no dataset named 'nope'.*facts"):
        catalog.load("nope")


def test_catalog_command_line_verifies_everything():
    result = subprocess.run(
        [sys.executable, "-m", "dsa_explore.data.catalog", "verify"],
        capture_output=True,
        text=True,
        cwd=paths.PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok      facts" in result.stdout
