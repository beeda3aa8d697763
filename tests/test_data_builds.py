"""``make data`` rebuilds every derived or generated dataset byte for byte, with its provenance record.

Why: the shipped files must be reproducible from the code that claims to make them, and the lineage
(``built_by``, ``inputs``) must be data in each record, not prose. Every build of the registry is run
into a temporary data folder; each output and its record must equal the shipped ones exactly. The builds
whose input is not shipped (the SoR extract and the SoR per-day totals, from shantay's whole-database
statistics, fetched on request by ``dsa-explore data fetch``) are named here, and the test checks they
are the only ones and that running one without its input says which command fetches it. The extract's
build is checked on a committed slice of its real input: the rows it gives for the slice's platform-days
must equal the shipped extract's rows for them exactly (the full rebuild from the 10.6 MB input is
byte-identical too; it runs outside the suite: `make data-sources && make data`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.analysis import sor as sor_extract
from dsa_explore.cli import data as data_cli
from dsa_explore.core import paths
from dsa_explore.data import catalog, sources
from dsa_explore.data.builds import BuildInputMissing

#: A row filter of the real shantay 0.6.0 builtin.parquet (tests/fixtures/tdb/PROVENANCE.md).
SLICE = Path(__file__).parent / "fixtures" / "tdb" / "shantay-builtin-slice.parquet"

EXTERNAL = {"sor_marketplaces_daily", "sor_daily_totals"}
#: Generated datasets whose build is being written elsewhere right now (remove the line with the build).
AWAITING_BUILD: dict[str, str] = {}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    written = {}
    for build in data_cli.BUILDS:
        if build.external:
            continue
        written[build.name] = build.run(root)
    return root, written


def test_only_the_sor_statistics_builds_need_an_input_that_is_not_shipped(monkeypatch, tmp_path):
    monkeypatch.setenv(sources.SOURCES_ENV, str(tmp_path / "empty-cache"))
    assert {b.name for b in data_cli.BUILDS if b.external} == EXTERNAL
    extract = next(b for b in data_cli.BUILDS if b.name == "sor_marketplaces_daily")
    with pytest.raises(
        BuildInputMissing, match=r"builtin.parquet.*`dsa-explore data fetch sor_marketplaces_daily`"
    ):
        extract.run(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_extract_build_reproduces_the_shipped_rows_of_a_real_slice():
    slice_ = pl.read_parquet(SLICE)
    built = sor_extract.build_extract(SLICE)
    days = slice_.select(date="start_date", platform_published=pl.col("platform").cast(pl.String)).unique()
    shipped = sor_extract.load_extract().join(days, on=["date", "platform_published"], how="semi")
    assert shipped.height == 690  # the shipped extract's rows for the slice's 12 platform-days
    assert built.schema == shipped.schema and built.equals(shipped)
    # Hand-read from the slice: the statistic column=rows, platform=Amazon, 2024-03-03 has count 1820302;
    # the TDB published Amazon as "Amazon" that day, the project's name is "Amazon Store".
    rows = built.filter(pl.col("measure") == "rows", pl.col("date") == date(2024, 3, 3))
    amazon = rows.filter(pl.col("platform_published") == "Amazon").row(0, named=True)
    assert (amazon["platform"], amazon["count"]) == ("Amazon Store", 1820302)
    # TikTok (not a kept platform) and the database-wide rows are in the slice but not in the extract.
    assert {"TikTok", None} <= set(slice_["platform"].cast(pl.String).to_list())
    assert set(built["platform_published"]) == {"AliExpress", "Amazon", "Amazon Store", "Shein", "Temu"}


def test_every_row_of_the_slice_is_accounted_for():
    account = sor_extract.source_account(SLICE)
    assert account["rows"].sum() == 1931  # rows of the slice (PROVENANCE.md)
    by_reason = dict(account.group_by("reason").agg(pl.col("rows").sum()).iter_rows())
    # The slice holds 654 TikTok rows and 20 rows without a platform (5 per day); the other 1,257 rows
    # belong to kept platforms and are used, used with a zero count, or not extracted.
    assert by_reason.pop("other platform") == 654 and by_reason.pop("database-wide row") == 20
    assert set(by_reason) == {"used", "used (zero count, not stored)", "statistic not extracted"}
    assert sum(by_reason.values()) == 1257


def test_every_build_reproduces_the_shipped_files_byte_for_byte(rebuilt):
    root, written = rebuilt
    differ = []
    for build in data_cli.BUILDS:
        if build.external:
            continue
        for rel in build.outputs:
            if (root / rel).read_bytes() != (paths.data_dir() / rel).read_bytes():
                differ.append(f"{build.name}: {rel}")
    assert differ == [], f"rebuilt files differ from the shipped ones: {differ}"


def test_every_record_is_rewritten_identically_with_its_lineage(rebuilt):
    root, _ = rebuilt
    for build in data_cli.BUILDS:
        if build.external:
            continue
        for rel in build.outputs:
            meta = rel + catalog.META_SUFFIX
            ours = json.loads((root / meta).read_text(encoding="utf-8"))
            shipped = json.loads((paths.data_dir() / meta).read_text(encoding="utf-8"))
            assert ours == shipped, f"{meta}: the rebuilt record differs from the shipped one"
            assert ours["built_by"].startswith("dsa_explore.") and isinstance(ours["inputs"], list)


def test_every_generated_dataset_has_a_build():
    built = {rel for b in data_cli.BUILDS for rel in b.outputs}
    generated = {
        f"{ds.relpath}"
        for ds in catalog.all_datasets().values()
        if str(ds.meta.get("source", "")).startswith("generated by")
    }
    assert generated - built == set(AWAITING_BUILD), (
        "a generated dataset has no entry in dsa_explore.cli.data.BUILDS"
    )


def test_synthetic_records_spell_the_licence_one_way():
    licences = {ds.meta["licence"] for ds in catalog.all_datasets().values() if ds.synthetic}
    assert licences == {"CC0-1.0"}


def test_cli_says_which_build_was_not_run_and_which_command_fetches_its_input(tmp_path):
    env = {**os.environ, sources.SOURCES_ENV: str(tmp_path / "empty-cache")}
    result = subprocess.run(
        [sys.executable, "-m", "dsa_explore.cli", "data", "build", "--all", "--to", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "sor_marketplaces_daily: not rebuilt: needs" in result.stdout
    assert "`dsa-explore data fetch sor_marketplaces_daily`" in result.stdout
    assert "`dsa-explore data fetch sor_daily_totals`" in result.stdout
    assert (tmp_path / "links" / "nodes-synthetic.csv").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "dsa_explore.cli", "data", "build", "nope"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown build nope" in bad.stderr and "links_synthetic" in bad.stderr
