"""SoR figures that are true to their data (QA report of main 00f2d3b, defects 1, 2, 5, 10, 11).

Why these tests exist:

1. A store holding dumps from the project's own generator (``synth.sor.write_synthetic_dump`` writes
   ``sor-global-<day>-full.zip``, a real dump's name) was not marked SYNTHETIC: the briefing stated
   "AliExpress filed 2,874 statements..." from generated data. Generated dumps now carry the archive
   comment ``SYNTHETIC: dsa-explore <generator>``; the ingest records it, every view says so.
2. A statement in both the global dump of a day and a per-platform dump of that day was counted
   twice by ``sor summary``, the SoR view and the briefing (10), once by ``sor search`` (5).
5. The statement-text section covered every stored day while the SoR section beside it covers H2 2025.
10. The SoR section did not say that a day was read partially or refused.
11. A non-zero rate printed as "0.00 a day".

Expected figures are hand-counted from the rows written in this file: ``_aliexpress_dump`` writes 5
AliExpress rows of 2025-09-01; the fixture dump of 2025-07-01 (``dsa_explore.synth.sor_fixtures``,
its docstring) holds 5 AliExpress statements after de-duplication and is read ``partial`` (the
unknown header, the truncated inner zip and the compression-ratio member are refused: 3 members).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dsa_explore.analysis import sor_text, sor_view
from dsa_explore.briefing.sections import sor as sor_section
from dsa_explore.briefing.sections import sor_text as sor_text_section
from dsa_explore.sor import ingest, marks, query, search, store
from dsa_explore.synth import sor_fixtures
from dsa_explore.synth.sor import write_synthetic_dump, zip_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "sor"
DUMP_0701 = FIXTURES / "dumps" / "sor-global-2025-07-01-full.zip"
REAL_CSV = FIXTURES / "real" / "sor-global-2025-07-01-full-00000-00000.csv"


def _aliexpress_csv(day: str) -> bytes:
    rows = [
        sor_fixtures.row(
            "full-38",
            uuid=sor_fixtures.uid("a1190000", i),
            platform_name="AliExpress",
            decision_facts=f"Listing {i} sold a toy without CE marking.",
            content_date=f"{day} 00:00:00",
            application_date=f"{day} 00:00:00",
            created_at=f"{day} 10:00:00",
        )
        for i in range(1, 6)
    ]
    return sor_fixtures.csv_bytes("full-38", rows)


def _real_dump(path: Path, csv: bytes, day: str = "2025-09-01") -> Path:
    """Write a dump as the Commission does: no archive comment (zipfile writes none by default)."""
    inner = zip_bytes([(f"sor-global-{day}-full-00000-00000.csv", csv)])
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo(f"sor-global-{day}-full-00000.csv.zip", date_time=(2025, 9, 2, 0, 0, 0))
        zf.writestr(info, inner, compress_type=zipfile.ZIP_STORED)
    return path


# -- 1: the SYNTHETIC mark -------------------------------------------------------------------------


def test_every_generated_dump_carries_the_synthetic_mark(tmp_path):
    gen = write_synthetic_dump(tmp_path, "2025-08-01", 20, rows_per_member=10, members_per_inner=2)
    assert gen.name == "sor-global-2025-08-01-full.zip"  # the name cannot tell it from a real dump
    assert marks.synthetic_mark(gen) == "SYNTHETIC: dsa-explore dsa_explore.synth.sor.write_synthetic_dump"
    for shipped in sorted((FIXTURES / "dumps").glob("*.zip")):
        assert marks.synthetic_mark(shipped) == "SYNTHETIC: dsa-explore dsa_explore.synth.sor_fixtures"
    real = _real_dump(tmp_path / "sor-global-2025-09-01-full.zip", b"", "2025-09-01")
    assert marks.synthetic_mark(real) is None
    assert marks.synthetic_mark(REAL_CSV) is None  # not a zip: no mark, no error


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    """Return a store of one dump of the project's generator named like a real global dump (19 Temu rows)."""
    root = tmp_path_factory.mktemp("gen")
    dump = write_synthetic_dump(root / "dumps", "2025-08-01", 400, rows_per_member=200, members_per_inner=2)
    ingest.ingest([dump], root / "store", progress=False, rows=True, notify=None)
    return root / "store"


def test_a_store_of_generated_dumps_is_synthetic_in_every_view(generated_store, monkeypatch):
    entry = store.open_existing(generated_store).manifest()["dumps"]["sor-global-2025-08-01-full"]
    assert entry["synthetic"] is True and entry["synthetic_mark"].startswith(marks.PREFIX)
    view = sor_view.load(generated_store)
    assert view.synthetic and view.synthetic_dumps == ("sor-global-2025-08-01-full",)
    assert sor_text.open_store(generated_store).synthetic
    monkeypatch.setenv(sor_view.STORE_ENV, str(generated_store))
    section = sor_section.section("Temu")
    assert section.synthetic
    assert any("SYNTHETIC" in c and "sor-global-2025-08-01-full" in c for c in section.caveats)
    assert "[SYNTHETIC DATA]" in str(section.chart.to_dict()["title"])
    assert section.fact("sor_h2_total").source.synthetic
    text = sor_text_section.section("Temu")
    assert text.synthetic and "[SYNTHETIC DATA]" in str(text.chart.to_dict())


def test_a_store_of_real_dumps_is_not_synthetic(tmp_path, monkeypatch):
    dump = _real_dump(tmp_path / "sor-global-2025-09-01-full.zip", _aliexpress_csv("2025-09-01"))
    ingest.ingest([dump], tmp_path / "store", progress=False, rows=True, notify=None)
    view = sor_view.load(tmp_path / "store")
    assert not view.synthetic and view.synthetic_dumps == ()
    assert not sor_text.open_store(tmp_path / "store").synthetic
    monkeypatch.setenv(sor_view.STORE_ENV, str(tmp_path / "store"))
    assert not sor_section.section("AliExpress").synthetic


# -- 2: one count per statement ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def overlap_store(tmp_path_factory):
    """Return the QA case: identical global and per-platform dumps of 2025-09-01 (5 AliExpress rows)."""
    root = tmp_path_factory.mktemp("overlap")
    csv = _aliexpress_csv("2025-09-01")
    dumps = [
        _real_dump(root / "sor-global-2025-09-01-full.zip", csv),
        _real_dump(root / "sor-aliexpress-2025-09-01-full.zip", csv),
    ]
    ingest.ingest(dumps, root / "store", progress=False, rows=True, notify=None)
    return root / "store"


def test_a_statement_in_two_dumps_of_a_day_is_counted_once_everywhere(overlap_store, monkeypatch):
    summary = query.counts(overlap_store, ["platform"], platforms=["AliExpress"])
    assert summary.rows() == [("AliExpress", 5)]
    frame = sor_view.load(overlap_store).frame
    rows = frame.filter(frame["measure"] == "rows")
    assert rows["count"].sum() == 5
    assert search.count(overlap_store, ".", platforms=["AliExpress"]).item(0, "count") == 5
    monkeypatch.setenv(sor_view.STORE_ENV, str(overlap_store))
    assert sor_section.section("AliExpress").fact("sor_h2_total").value == 5
    overlap = query.overlapping_dumps(overlap_store).row(0, named=True)
    assert overlap["counted"] == "sor-global-2025-09-01-full"
    assert overlap["not_counted"] == ["sor-aliexpress-2025-09-01-full"]


def test_cli_summary_counts_once(overlap_store):
    out = subprocess.run(
        [sys.executable, "-m", "dsa_explore.cli", "sor", "summary", "--store", str(overlap_store)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "AliExpress,5" in out.stdout.splitlines()


def test_a_per_platform_dump_counts_on_a_day_without_a_global_one(tmp_path):
    dumps = [
        _real_dump(tmp_path / "sor-global-2025-09-01-full.zip", _aliexpress_csv("2025-09-01")),
        _real_dump(
            tmp_path / "sor-aliexpress-2025-09-02-full.zip", _aliexpress_csv("2025-09-02"), "2025-09-02"
        ),
    ]
    ingest.ingest(dumps, tmp_path / "store", progress=False, notify=None)
    by_day = query.counts(tmp_path / "store", ["day", "platform"])
    assert [(d.isoformat(), p, n) for d, p, n in by_day.rows()] == [
        ("2025-09-01", "AliExpress", 5),
        ("2025-09-02", "AliExpress", 5),
    ]


# -- 5, 10, 11: one period, incomplete days said, rates that are not zero ---------------------------


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    """Return a store of the fixture dumps of 2024-03-01 and 2025-07-01 (partial) and a refused day."""
    root = tmp_path_factory.mktemp("fixture-store")
    empty = root / "sor-global-2025-10-01-full.zip"
    with zipfile.ZipFile(empty, "w"):
        pass  # an empty dump: refused at ingestion
    dumps = [FIXTURES / "dumps" / "sor-global-2024-03-01-full.zip", DUMP_0701, empty]
    ingest.ingest(dumps, root / "store", progress=False, rows=True, notify=None)
    return root / "store"


def test_the_text_section_reads_the_period_of_the_sor_section(fixture_store, monkeypatch):
    monkeypatch.setenv(sor_view.STORE_ENV, str(fixture_store))
    sor = sor_section.section("AliExpress")
    text = sor_text_section.section("AliExpress")
    assert sor.fact("sor_h2_total").value == 5
    assert text.fact("sor_text_statements").value == 5  # not 7: the 2 rows of 2024-03-01 are outside
    assert "H2 2025 (2025-07-01..2025-12-31)" in text.sentences[0]


def test_the_sor_section_says_which_days_are_partial_or_refused(fixture_store, monkeypatch):
    monkeypatch.setenv(sor_view.STORE_ENV, str(fixture_store))
    view = sor_view.load()
    assert [(d.dump, d.status) for d in view.incomplete] == [
        ("sor-global-2025-07-01-full", "partial"),
        ("sor-global-2025-10-01-full", "refused"),
    ]
    assert view.incomplete[0].members_refused == 3  # unknown header, truncated inner zip, ratio
    said = " ".join(sor_section.section("AliExpress").sentences)
    assert "1 day(s) were read only partially (2025-07-01 (3 of" in said
    assert "the counts above include what was read of them" in said
    assert "1 day(s) were refused and are missing (2025-10-01)" in said


def test_rates_never_print_as_zero(fixture_store, monkeypatch):
    from dsa_explore.core import formatting

    assert formatting.rate(0.0054) == "0.0054" and formatting.rate(0.0000291) == "0.000029"
    assert formatting.rate(0.5) == "0.50" and formatting.rate(311373.2) == formatting.count(311373.2)
    monkeypatch.setenv(sor_view.STORE_ENV, str(fixture_store))
    section = sor_section.section("AliExpress")
    # 5 SoRs in the store's one H2 day against AliExpress's 986 reported moderators: 5 / 986 = 0.00507
    assert section.fact("sor_h2_moderators").value == 986
    assert section.fact("sor_h2_per_moderator").text == "0.0051"
    assert section.fact("sor_h2_per_moderator_day").text == "0.0051"


def test_a_dump_generated_before_the_mark_is_still_recognised(tmp_path):
    old = tmp_path / "sor-global-2025-08-01-full.zip"  # as write_dump wrote it before: no comment
    with zipfile.ZipFile(old, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("sor-global-2025-08-01-full-00000.csv.zip", date_time=marks.FIXED_TIME), b"x"
        )
    assert marks.synthetic_mark(old) == marks.UNMARKED


def test_generated_dumps_of_two_days_share_no_statement(tmp_path):
    # the QA store: with the default seed both 2025-08 days had the same 3,647 marketplace uuids, so
    # `sor summary` (per day) and `sor search` (one row per uuid) disagreed
    dumps = [
        write_synthetic_dump(tmp_path / "d", day, 200, rows_per_member=100, members_per_inner=2)
        for day in ("2025-08-01", "2025-08-02")
    ]
    ingest.ingest(dumps, tmp_path / "store", progress=False, rows=True, notify=None, platforms=["all"])
    summarised = int(query.counts(tmp_path / "store", ["day"])["count"].sum())
    assert summarised == 400
    found = int(search.count(tmp_path / "store", ".", fields=["uuid"])["count"].sum())
    assert found == summarised
