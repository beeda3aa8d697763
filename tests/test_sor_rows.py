"""The row store, search and sample: the statements are kept exactly, found exactly, sampled reproducibly.

Why these tests exist: the row store is evidence. Every stored field must equal the CSV it came
from; a search count must equal what anyone gets by scanning the same CSVs by hand; the sample's
inclusion probabilities must add up to the strata it was drawn from.

The independent reference is :func:`reference_rows` below: Python's ``zipfile`` and a small
PHP-``fgetcsv``-style field splitter written here (not the reader's code), applying the rules the
summaries document (a member with an unknown header, a truncated inner zip or an implausible
compression ratio is refused; a row with a wrong number of fields or no ``created_at`` is rejected;
a uuid seen before in the dump is a duplicate). Figures written as literals are counted by hand from
the row lists in tests/fixtures/sor/build_fixtures.py (its docstring lists them).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest

from dsa_explore.analysis import estimators as stats
from dsa_explore.sor import ingest, rows, sample, schema, search, taxonomy
from dsa_explore.synth.sor import php_csv_line, write_dump, zip_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "sor"
DUMPS = FIXTURES / "dumps"
REFUSED_MEMBERS = {
    "sor-global-2025-07-01-full-00001-00000.csv",  # unknown header
    "sor-global-2025-07-01-full-00003-00000.csv",
}  # implausible compression ratio
REFUSED_INNER = {"sor-global-2025-07-01-full-00002.csv.zip"}  # truncated


# ------------------------------------------------------------------------------------ the reference


def php_fields(line: str) -> list[str]:
    r"""Split one CSV line written by PHP ``fputcsv`` (escape ``\``).

    Inside quotes ``""`` is a quote and ``\"`` is kept as both characters (PHP does not double a quote
    after its escape character), except that a ``\"`` followed by a comma or the end of the line
    closes the field after a backslash.
    """
    fields, i, n = [], 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            buf = []
            while i < n:
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == '"':
                    if i + 2 >= n or line[i + 2] == ",":
                        buf.append("\\")
                        i += 1
                        continue
                    buf.append('\\"')
                    i += 2
                    continue
                if c == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(c)
                i += 1
            j = line.find(",", i)
            fields.append("".join(buf) + (line[i:] if j < 0 else line[i:j]))
        else:
            j = line.find(",", i)
            fields.append(line[i:] if j < 0 else line[i:j])
        if j < 0:
            return fields
        i = j + 1


def member_texts(path):
    """Yield the decoded text of every CSV member of one dump the documented rules read, in name order."""
    with zipfile.ZipFile(path) as outer:
        for inner_name in sorted(outer.namelist()):
            if inner_name in REFUSED_INNER:
                continue
            inner = zipfile.ZipFile(io.BytesIO(outer.read(inner_name)))
            for name in sorted(inner.namelist()):
                if name not in REFUSED_MEMBERS:
                    yield inner.read(name).decode("utf-8", errors="replace")


def wellformed_rows(text: str):
    """Yield the rows of one member with the header's field count and a dated ``created_at``."""
    lines = [ln for ln in text.split("\n") if ln]
    header = php_fields(lines[0])
    for ln in lines[1:]:
        values = php_fields(ln)
        if len(values) != len(header):
            continue  # field_count
        row = {h: (v if v != "" else None) for h, v in zip(header, values, strict=True)}
        if not row.get("created_at") or not re.match(r"\d{4}-\d{2}-\d{2}", row["created_at"]):
            continue  # bad_created_at
        yield row


def reference_rows(paths) -> dict[str, list[dict]]:
    """Return {dump stem: rows (dicts of CSV column -> text or None)} kept by the documented rules."""
    out = {}
    for path in sorted(paths):
        seen, kept = set(), []
        for text in member_texts(path):
            for row in wellformed_rows(text):
                if row["uuid"] is not None:
                    if row["uuid"] in seen:
                        continue  # duplicate_uuid
                    seen.add(row["uuid"])
                kept.append(row)
        out[path.name[:-4]] = kept
    return out


@pytest.fixture(scope="module")
def reference():
    """Return the rows of the fixture dumps kept by the documented rules (the independent reference)."""
    return reference_rows(DUMPS.glob("*.zip"))


@pytest.fixture(scope="module")
def all_store(tmp_path_factory):
    """Return a store of the fixture dumps with the rows of every platform, and its ingest report."""
    root = tmp_path_factory.mktemp("rows-all")
    report = ingest.ingest([DUMPS], root, workers=1, rows=True, platforms=["all"])
    return root, report


@pytest.fixture(scope="module")
def market_store(tmp_path_factory):
    """Return a store of the fixture dumps with the default rows (the marketplaces)."""
    root = tmp_path_factory.mktemp("rows-market")
    ingest.ingest([DUMPS], root, workers=1, rows=True)
    return root


# ------------------------------------------------------------------------------------ the row store


def test_every_field_of_every_row_equals_the_csv(all_store, reference):
    """Every field of every stored row, written back as CSV text, equals the CSV's."""
    root, _ = all_store
    stored = rows.to_csv_frame(rows.scan(root).sort("uuid")).collect()
    by_uuid = {r["uuid"]: r for r in stored.iter_rows(named=True)}
    expected = [r for dump in reference.values() for r in dump]
    assert len(expected) == 192  # 10 + 4 + 18 + 160 summarised rows (build_fixtures.py docstring)
    assert stored.height == len(expected) == len(by_uuid)
    for ref in expected:
        got = by_uuid[ref["uuid"]]
        for col in schema.FULL_V2:
            assert got[col] == ref.get(col), (ref["uuid"], col, got[col], ref.get(col))


def test_the_hard_rows_are_stored_exactly(all_store):
    """Replaced UTF-8, a malformed list, the real row, an old platform name and a v1 category."""
    root, _ = all_store
    stored = rows.scan(root).collect()
    by = {r["uuid"]: r for r in stored.iter_rows(named=True)}
    utf8 = by["7e300000-0000-4000-8000-000000000009"]
    assert utf8["decision_facts"] == "Caf\ufffd cr\ufffdme"  # latin-1 bytes replaced, not dropped
    malformed = by["7e300000-0000-4000-8000-000000000010"]
    assert malformed["content_type"] is None
    assert malformed["unparsed"] == [{"column": "content_type", "value": "[CONTENT_TYPE_PRODUCT"}]
    real = by["f1e5d3be-e95d-4e51-bb38-6cf13225b2af"]  # the real Wallapop row
    assert real["territorial_scope"][:3] == ["AT", "BE", "BG"] and len(real["territorial_scope"]) == 27
    assert real["content_date"].isoformat() == "2025-06-30T00:00:00"
    assert real["platform_uid"] == "df46338b-e2bd-4ce7-a3e2-7159734bbe27"
    joom = by["j0000000-0000-4000-8000-000000000001"]  # old name next to the canonical one
    assert (joom["platform_name"], joom["platform"]) == ("SIA &quot;JOOM&quot;", "Joom")
    amazon = by["a3a20000-0000-4000-8000-000000000001"]  # v1 category next to v2
    assert amazon["category"] == "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"
    assert amazon["category_v2"] == "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"


def test_backslash_quote_row_is_kept_as_php_wrote_it(all_store):
    """PHP's fputcsv does not double a quote after a backslash: the field read back is the original."""
    root, _ = all_store
    row = rows.scan(root).filter(pl.col("uuid") == "a1100000-0000-4000-8000-000000000009").collect()
    assert row.get_column("decision_facts").to_list() == ['Listing said "\\"Free\\"" shipping']


def test_row_account_matches_the_summaries(all_store, market_store):
    """The rows stored per dump equal the summarised count; the default stores the marketplaces."""
    root, report = all_store
    import json

    man = json.loads((root / "manifest.json").read_text())
    stored = {k: e["rows"]["rows_stored"] for k, e in man["dumps"].items()}
    assert stored == {
        "sor-global-2024-03-01-full": 10,
        "sor-global-2024-03-02-light": 4,
        "sor-global-2025-07-01-full": 18,
        "sor-global-2025-07-02-full": 160,
    }
    assert {d.dump: d.rows_summarised for d in report.dumps} == stored
    # default: the marketplaces of the platform registry only, summaries still for every platform
    assert rows.stored_platforms(market_store) == {
        "AliExpress": 7,
        "Amazon Store": 61,
        "Temu": 7,
        "Zalando": 1,
    }
    man = json.loads((market_store / "manifest.json").read_text())
    assert man["dumps"]["sor-global-2025-07-02-full"]["rows_summarised"] == 160


def test_list_and_date_types(all_store):
    """Lists are lists, dates are dates, files sit in their day and platform folders."""
    root, _ = all_store
    sch = rows.scan(root).collect_schema()
    assert sch["territorial_scope"] == pl.List(pl.String)
    assert sch["created_at"] == pl.Datetime("us")
    assert sch["day"] == pl.Date
    files = rows.row_files(root, platforms=["Temu"])
    assert {f["path"].split("/")[1:3] == ["day=2025-07-01", "platform=temu"] for f in files} == {True}


def test_low_cardinality_columns_are_written_as_categoricals_and_read_as_strings(all_store, tmp_path):
    """Files store enum-like columns dictionary-encoded; scans give :data:`rows.ROW_SCHEMA`'s strings.

    A store written before (every text column a plain string, as earlier releases wrote it) scans
    together with files written now, and gives the same rows.
    """
    import shutil

    root, _ = all_store
    first = root / rows.row_files(root)[0]["path"]
    stored = pl.read_parquet_schema(first)
    assert stored["platform_name"] == pl.Categorical
    assert stored["platform"] == pl.Categorical
    assert stored["dump"] == pl.Categorical
    assert stored["territorial_scope"] == pl.List(pl.Categorical)
    assert stored["decision_facts"] == pl.String  # free text stays text
    want = rows.rows(root)
    assert want.schema["platform_name"] == pl.String
    assert want.schema["territorial_scope"] == pl.List(pl.String)

    old = tmp_path / "store"
    shutil.copytree(root, old)
    files = rows.row_files(old)
    assert len(files) >= 2
    for f in files[: len(files) // 2]:  # half the files as an earlier release wrote them
        path = old / f["path"]
        frame = pl.read_parquet(path)
        frame = frame.with_columns(
            pl.col(pl.Categorical).cast(pl.String), pl.col(pl.List(pl.Categorical)).cast(pl.List(pl.String))
        )
        assert not [t for t in frame.dtypes if t in (pl.Categorical, pl.List(pl.Categorical))]
        frame.write_parquet(path)
    assert rows.rows(old).equals(want)
    assert sum(lf.collect().height for lf in rows.scans(old)) == sum(f["rows"] for f in files)


def test_columns_option_and_reingest_replaces_files(tmp_path):
    """``--columns`` keeps only those columns; a re-ingest replaces the files it listed."""
    ingest.ingest(
        [DUMPS / "sor-global-2024-03-01-full.zip"], tmp_path, workers=1, rows=True, columns=["decision_facts"]
    )
    got = rows.rows(tmp_path)
    assert got.height == 5  # 3 Amazon + 2 AliExpress (marketplaces)
    assert got.get_column("decision_facts").to_list() == ["Decision taken after review."] * 5
    assert got.get_column("content_type").null_count() == 5  # not kept: null
    old = {f["path"] for f in rows.row_files(tmp_path)}
    ingest.ingest(
        [DUMPS / "sor-global-2024-03-01-full.zip"], tmp_path, workers=1, rows=True, platforms=["all"]
    )
    new = {f["path"] for f in rows.row_files(tmp_path)}
    assert rows.rows(tmp_path).height == 10
    on_disk = {p.relative_to(tmp_path).as_posix() for p in (tmp_path / "rows").rglob("*.parquet")}
    assert on_disk == new and not (old - new) & on_disk
    with pytest.raises(ValueError, match="unknown column"):
        ingest.ingest([DUMPS], tmp_path, rows=True, columns=["no_such_column"])


# ------------------------------------------------------------------------------------ search


def _reference_count(reference, pattern, fields=search.DEFAULT_FIELDS, platforms=None) -> dict[str, int]:
    rx = re.compile(pattern, re.IGNORECASE)
    seen, out = set(), {}
    for dump in reference.values():
        for r in dump:
            plat = taxonomy.canonical_platform(r["platform_name"])
            if platforms and plat not in platforms:
                continue
            out.setdefault(plat, 0)
            if r["uuid"] in seen:
                continue
            seen.add(r["uuid"])
            if any(r.get(f) and rx.search(r[f]) for f in fields):
                out[plat] += 1
    return out


@pytest.mark.parametrize("pattern", ["policy", "free|terms", "REVIEW", "violat(ion|es)", "our"])
def test_search_counts_equal_a_plain_scan(all_store, reference, pattern):
    """Search counts equal a plain Python scan of the same CSV rows."""
    root, _ = all_store
    got = search.count(root, pattern)
    assert dict(zip(got["platform"], got["count"], strict=True)) == _reference_count(reference, pattern)


def test_search_counts_by_hand(all_store):
    """Search counts equal figures counted by hand from the fixture rows."""
    root, _ = all_store
    got = search.count(root, "free", platforms=["AliExpress", "Temu"])
    assert dict(zip(got["platform"], got["count"], strict=True)) == {"AliExpress": 1, "Temu": 0}  # the \" row
    got = search.count(root, "policy", platforms=["Temu"], fields=["incompatible_content_explanation"])
    assert got["count"].to_list() == [7]  # every Temu row has the default explanation
    got = search.count(root, "Policy", platforms=["Temu"], case_sensitive=True)
    assert got["count"].to_list() == [0]
    by_day = search.count(root, "review", platforms=["AliExpress"], by=["day"])
    # 2 rows of 2024 and 4 of 2025 keep the default facts "Decision taken after review."; the 5th of
    # 2025 (the backslash row) says "Listing said ... shipping"
    assert by_day.select(pl.col("day").cast(pl.String), "count").rows() == [
        ("2024-03-01", 2),
        ("2025-07-01", 4),
    ]


def test_search_rows_and_bad_input(all_store):
    """Matching rows come back in full; a bad pattern or field is a clear error."""
    root, _ = all_store
    hits = search.matches(root, "counterfeit and intellectual", columns=["uuid", "platform"]).collect()
    assert hits.rows() == [("f1e5d3be-e95d-4e51-bb38-6cf13225b2af", "Wallapop")]  # the real row's policy link
    with pytest.raises(ValueError, match="not a valid regular expression"):
        search.count(root, "(?<=a)b")
    with pytest.raises(ValueError, match="not a text column"):
        search.count(root, "x", fields=["territorial_scope"])
    with pytest.raises(FileNotFoundError, match="not a store"):
        search.count(root / "nope", "x")


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dsa_explore.cli", "sor", *args], capture_output=True, text=True
    )


def test_cli_search_count_csv(all_store, reference):
    """``sor search --count --format csv`` prints ``platform,count`` as the scan gives."""
    root, _ = all_store
    ref = _reference_count(reference, "policy|free", platforms={"AliExpress", "Temu", "Amazon Store"})
    assert (ref["AliExpress"], ref["Temu"]) == (7, 7)  # by hand: every row keeps "...violates our policy."
    res = _cli(
        "search",
        "--store",
        str(root),
        "--platform",
        "AliExpress",
        "--platform",
        "Temu",
        "--platform",
        "Amazon",
        "--text",
        "policy|free",
        "--count",
        "--format",
        "csv",
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout == f"platform,count\nAliExpress,7\nAmazon Store,{ref['Amazon Store']}\nTemu,7\n"


def test_cli_rows_csv_is_safe_and_parquet_exact(tmp_path):
    """Untrusted text: control characters escaped and formulas neutralised in CSV; Parquet unchanged."""
    layout = schema.LAYOUTS["full-38"]
    evil = {c: None for c in layout}
    evil.update(
        uuid="e0000000-0000-4000-8000-000000000001",
        platform_name="Temu",
        created_at="2025-07-03 01:00:00",
        category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
        decision_facts='=HYPERLINK("http://x.example","click")',
        incompatible_content_explanation="title\x1b]0;pwned\x07 here",
    )
    csv_text = ",".join(layout) + "\n" + php_csv_line([evil[c] for c in layout]) + "\n"
    inner = zip_bytes([("sor-global-2025-07-03-full-00000-00000.csv", csv_text.encode())])
    dumps = tmp_path / "d"
    dumps.mkdir()
    write_dump(
        dumps / "sor-global-2025-07-03-full.zip", [("sor-global-2025-07-03-full-00000.csv.zip", inner)]
    )
    store = tmp_path / "s"
    ingest.ingest([dumps], store, workers=1, rows=True)
    res = _cli("rows", "--store", str(store), "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert "\x1b" not in res.stdout and "\x07" not in res.stdout
    assert "title\\x1b]0;pwned\\x07 here" in res.stdout
    assert "'=HYPERLINK(" in res.stdout
    out = tmp_path / "rows.parquet"
    assert _cli("rows", "--store", str(store), "--format", "parquet", "--out", str(out)).returncode == 0
    assert pl.read_parquet(out).get_column("decision_facts").to_list() == [
        '=HYPERLINK("http://x.example","click")'
    ]


def test_safe_output_follows_the_core_safetext_rules():
    """The vectorised CSV escaping gives exactly what ``core.safetext.safe_cell`` gives, cell by cell."""
    from dsa_explore.core import safetext

    cells = [
        "-12.5",
        "@SUM(A1)",
        "a\nb",
        "+1+1",
        "ok\x9b",
        "C:\\temp\\",
        '=HYPERLINK("x")',
        "\ttab",
        "\rcr",
        "\x1b]0;t\x07",
        "plain",
        "",
        "%20",
        "\x7f\\x1b",
    ]
    got = rows.safe_frame(pl.DataFrame({"t": [*cells, None]})).collect()["t"].to_list()
    assert got == [safetext.safe_cell(c, csv=True) for c in cells] + [None]
    assert [rows.safe_text(c) for c in cells] == got[:-1]
    assert got[2] == "a\\x0ab" and got[0] == "'-12.5"


# ------------------------------------------------------------------------------------ sample


def test_sample_is_reproducible_and_weights_sum_to_strata(all_store):
    """The same seed gives the same sample; inclusion probabilities add up to the strata."""
    root, _ = all_store
    a = sample.draw(root, 40, by=["category"], seed=1)
    b = sample.draw(root, 40, by=["category"], seed=1)
    c = sample.draw(root, 40, by=["category"], seed=2)
    assert a.sample.equals(b.sample) and a.frame.equals(b.frame)
    assert not a.sample.get_column("statement_id").equals(c.sample.get_column("statement_id"))
    sums = a.sample.group_by("stratum").agg(pl.col("weight").sum()).join(a.frame, on="stratum")
    assert sums.height == a.frame.height
    assert (sums["weight"] - sums["frame_size"]).abs().max() < 1e-9
    assert int(a.frame["frame_size"].sum()) == 192  # every stored statement is in one stratum
    assert a.sample["statement_id"].n_unique() == a.sample.height
    assert ((a.sample["inclusion_prob"] > 0) & (a.sample["inclusion_prob"] <= 1)).all()
    # the Amazon Store stratum of 2025-07-02 (56 synthetic rows of one category mix) is sampled,
    # not taken whole
    assert (a.sample["inclusion_prob"] < 1).any()


def test_sample_feeds_the_survey_estimator(market_store):
    """The sample's format feeds the project's survey estimator."""
    drawn = sample.draw(market_store, 30, by=["category"], seed=1)
    labelled = drawn.sample.with_columns(
        pl.col("decision_facts").str.contains("(?i)review").cast(pl.Int64).alias("label_says_review")
    )
    est = stats.stratified_prevalence(
        labelled, stratum="stratum", label="label_says_review", frame_sizes=drawn.frame, by=["platform"]
    )
    ali = est.filter(pl.col("platform") == "AliExpress").row(0, named=True)
    # by hand: the label is constant within each AliExpress stratum (4 + 2 rows say "Decision taken after
    # review.", the 1 scams row does not), so the stratified estimate is (4 + 2) / 7 whatever is drawn
    assert ali["estimate"] == pytest.approx(6 / 7)
    assert 0 <= ali["low"] <= ali["high"] <= 1


def test_backslash_ending_and_long_fields_are_stored_exactly(tmp_path):
    r"""A field ending in a backslash and a 200 KB field holding \" (PHP's fputcsv leaves both as is)."""
    layout = schema.LAYOUTS["full-38"]
    base = {c: None for c in layout}
    base.update(
        platform_name="Temu",
        created_at="2025-07-04 01:00:00",
        category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
    )
    long_text = "Listing text " + "x" * 200_000 + ' said \\"free\\" twice'
    values = [
        {**base, "uuid": "b5000000-0000-4000-8000-000000000001", "decision_facts": "Saved under C:\\temp\\"},
        {**base, "uuid": "b5000000-0000-4000-8000-000000000002", "decision_facts": long_text},
        {**base, "uuid": "b5000000-0000-4000-8000-000000000003", "decision_facts": "plain"},
    ]
    lines = [",".join(layout)]
    for v in values:  # PHP fputcsv: quotes doubled except after a backslash
        fields = []
        for c in layout:
            x = v[c]
            if x is None:
                fields.append("")
            elif re.search(r'[ ,"\\]', x):
                fields.append('"' + re.sub(r'(?<!\\)"', '""', x) + '"')
            else:
                fields.append(x)
        lines.append(",".join(fields))
    inner = zip_bytes([("sor-global-2025-07-04-full-00000-00000.csv", ("\n".join(lines) + "\n").encode())])
    dumps = tmp_path / "d"
    dumps.mkdir()
    write_dump(
        dumps / "sor-global-2025-07-04-full.zip", [("sor-global-2025-07-04-full-00000.csv.zip", inner)]
    )
    ingest.ingest([dumps], tmp_path / "s", workers=1, rows=True)
    got = rows.scan(tmp_path / "s").sort("uuid").collect().get_column("decision_facts").to_list()
    assert got == [v["decision_facts"] for v in values]
    ref = reference_rows([dumps / "sor-global-2025-07-04-full.zip"])["sor-global-2025-07-04-full"]
    assert [r["decision_facts"] for r in ref] == got  # the independent reference agrees


def test_a_statement_in_two_dumps_counts_once(tmp_path):
    """The same day as a global and as a per-platform dump (same rows): search counts each statement once."""
    dumps = tmp_path / "d"
    dumps.mkdir()
    src = DUMPS / "sor-global-2024-03-01-full.zip"
    (dumps / src.name).write_bytes(src.read_bytes())
    (dumps / "sor-aliexpress-2024-03-01-full.zip").write_bytes(src.read_bytes())
    ingest.ingest([dumps], tmp_path / "s", workers=1, rows=True, platforms=["all"])
    assert sum(rows.stored_platforms(tmp_path / "s").values()) == 20  # 10 rows, stored twice
    got = search.count(tmp_path / "s", "review")
    # by hand: the 10 rows of the dump keep the default facts "Decision taken after review."
    assert dict(zip(got["platform"], got["count"], strict=True)) == {
        "AliExpress": 2,
        "Amazon Store": 3,
        "Joom": 3,
        "Vinted": 2,
    }
    assert got["statements"].sum() == 10
    assert search.matches(tmp_path / "s", "review").collect().height == 10


def test_search_and_sample_commands_write_files(all_store, tmp_path):
    """The search and sample commands write CSV and Parquet files."""
    root, _ = all_store
    out = tmp_path / "hits.parquet"
    res = _cli("search", "--store", str(root), "--text", "free", "--format", "parquet", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert pl.read_parquet(out)["uuid"].to_list() == ["a1100000-0000-4000-8000-000000000009"]
    # --since/--until by the day of created_at: AliExpress has 2 rows on 2024-03-01 and 5 on 2025-07-01
    res = _cli(
        "search",
        "--store",
        str(root),
        "--platform",
        "AliExpress",
        "--text",
        ".",
        "--since",
        "2025-01-01",
        "--count",
    )
    assert res.stdout == "platform,count\nAliExpress,5\n"
    res = _cli("search", "--store", str(root), "--text", "x", "--since", "2025-13-01", "--count")
    assert res.returncode == 2 and "expected a date YYYY-MM-DD" in res.stderr
    sample_csv = tmp_path / "sample.csv"
    res = _cli("sample", "--store", str(root), "--n", "40", "--seed", "3", "--out", str(sample_csv))
    assert res.returncode == 0, res.stderr
    drawn, frame = pl.read_csv(sample_csv), pl.read_csv(tmp_path / "sample.frame.csv")
    assert int(frame["frame_size"].sum()) == 192
    assert drawn.equals(pl.read_csv(sample_csv))  # the file round-trips
    again = sample.draw(root, 40, seed=3)
    assert drawn["statement_id"].to_list() == again.sample["statement_id"].to_list()


def test_rows_command_writes_one_row_per_statement(tmp_path):
    """``sor rows`` writes one row per statement with the dump's column names."""
    dumps = tmp_path / "d"
    dumps.mkdir()
    src = DUMPS / "sor-global-2024-03-01-full.zip"
    (dumps / src.name).write_bytes(src.read_bytes())
    (dumps / "sor-aliexpress-2024-03-01-full.zip").write_bytes(src.read_bytes())
    ingest.ingest([dumps], tmp_path / "s", workers=1, rows=True, platforms=["all"])
    out = tmp_path / "rows.csv"
    assert _cli("rows", "--store", str(tmp_path / "s"), "--out", str(out)).returncode == 0
    written = pl.read_csv(out, infer_schema=False)
    assert written.height == 10 and written["uuid"].n_unique() == 10  # 10 statements, stored twice
    assert written.columns == list(schema.FULL_V2)  # the dump's column names
    assert rows.rows(tmp_path / "s").height == 10


def test_python_api_has_the_command_names(all_store):
    """The Python API has the commands' names."""
    root, _ = all_store
    assert search.search(root, "free", count_only=True, platforms=["AliExpress"])["count"].to_list() == [1]
    assert search.search(root, "free").get_column("uuid").to_list() == [
        "a1100000-0000-4000-8000-000000000009"
    ]
    assert sample.sample(root, 10, seed=1).sample.equals(sample.draw(root, 10, seed=1).sample)
    assert rows.rows(root, platforms=["Temu"]).height == 7


def test_rows_from_a_dask_cluster_equal_the_local_ones(all_store, tmp_path):
    """The row spec travels with each task to the Dask workers, which write to the store's staging."""
    distributed = pytest.importorskip("distributed")
    root, _ = all_store
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    ) as cluster:
        ingest.ingest(
            [DUMPS],
            tmp_path / "dask",
            executor="dask",
            scheduler=cluster.scheduler_address,
            rows=True,
            platforms=["all"],
        )
    local = rows.to_csv_frame(rows.scan(root).sort("uuid")).collect()
    dask = rows.to_csv_frame(rows.scan(tmp_path / "dask").sort("uuid")).collect()
    assert dask.equals(local) and dask.height == 192
    assert rows.stored_platforms(tmp_path / "dask") == rows.stored_platforms(root)


# ------------------------------------------------------------------- only the wanted rows parsed in full


def test_marketplace_rows_equal_the_csv(market_store, reference):
    """The default row store holds every field of every marketplace row exactly as the CSV has it.

    Those rows are cut out of each block and parsed alone (``reader.block_rows``).
    """
    stored = rows.to_csv_frame(rows.scan(market_store).sort("uuid")).collect()
    by_uuid = {r["uuid"]: r for r in stored.iter_rows(named=True)}
    markets = set(rows.marketplaces())
    expected = [
        r
        for dump in reference.values()
        for r in dump
        if taxonomy.canonical_platform(r["platform_name"]) in markets
    ]
    assert (
        len(expected) == 76
    )  # 7 + 61 + 7 + 1 (the stored platforms of test_row_account_matches_the_summaries)
    assert stored.height == len(expected) == len(by_uuid)
    for ref in expected:
        got = by_uuid[ref["uuid"]]
        for col in schema.FULL_V2:
            assert got[col] == ref.get(col), (ref["uuid"], col, got[col], ref.get(col))


def _block_rows_case(lines: list[str], blocks: int = 1, batch_rows: int | None = None) -> tuple[list, list]:
    """Return the Temu and AliExpress rows of one block of ``lines`` (after the header), twice.

    First as ``iter_frames_and_rows`` gives them (with ``batch_rows``: the cuts parsed in batches),
    then from a full parse of the block filtered by platform.
    """
    from dsa_explore.sor import reader

    layout = list(schema.LAYOUTS["full-38"])
    data = ("\n".join([",".join(layout), *lines]) + "\n").encode()
    cut = data.index(b"\n", len(data) // 2) + 1
    data = [data] if blocks == 1 else [data[:cut], data[cut:]]  # blocks cut at a line break

    def wanted(frame):  # the reader's callback: the published names kept
        names = frame.get_column("platform_name").unique().cast(pl.String).drop_nulls()
        return [n for n in names if n in ("Temu", "AliExpress")]

    got = []
    for _, part in reader.iter_frames_and_rows(data, "d", "m", {}, wanted, batch_rows=batch_rows):
        if part is not None:
            got.extend(part.with_columns(pl.all().cast(pl.String)).iter_rows(named=True))
    full = []
    for frame in reader.iter_frames(data, "d", "m", {}, all_columns=True):
        keep = frame.filter(pl.col("platform_name").cast(pl.String).is_in(["Temu", "AliExpress"]))
        full.extend(keep.with_columns(pl.all().cast(pl.String)).iter_rows(named=True))
    return got, full


def _line(uuid: str | None, platform: str, facts: str = "Facts.", extra: bool = False) -> str:
    layout = list(schema.LAYOUTS["full-38"])
    v = {c: None for c in layout}
    v.update(uuid=uuid, platform_name=platform, decision_facts=facts, created_at="2025-07-01 10:00:00")
    v["category"] = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    line = php_csv_line([v[c] for c in layout])
    return line + ",surplus" if extra else line


CUT_CASES = [
    "batches",
    "quoted_newline",
    "extra_field",
    "duplicate_uuid",
    "duplicate_before_run",
    "duplicate_inside_run",
    "backslash_quote",
    "null_uuid",
    "all_wanted",
]


def _cut_case_lines(case: str) -> tuple[list[str], bool | None]:
    """Return the lines of a cut case and whether its cut is exact (None: no cut is tried)."""
    u = [f"c0000000-0000-4000-8000-{i:012d}" for i in range(12)]
    plats = ["Temu", "Temu", "Vinted", "Vinted", "AliExpress", "Vinted", "Temu", "Temu", "Vinted", "Temu"]
    lines = [_line(u[i], p, f"Row {i} facts.") for i, p in enumerate(plats)]
    fast = True
    if case == "quoted_newline":  # a line break inside a quoted field of a wanted row: still one row
        lines[6] = _line(u[6], "Temu", "Two\nlines of facts")
    elif case == "extra_field":  # a Vinted row with a surplus field (rejected) between two runs
        lines[5] = _line(u[5], "Vinted", extra=True)
    elif case == "duplicate_uuid":  # a uuid seen twice: the cut still finds each run's lines...
        lines[8] = _line(u[0], "Vinted")
    elif case == "duplicate_before_run":  # ...but not when a run's first uuid is also on a row before it
        lines[3] = _line(u[4], "Vinted")
        fast = False
    elif case == "duplicate_inside_run":  # ...or when the row after a run repeats a uuid of the run
        lines[2] = _line(u[1], "Vinted")
        fast = False
    elif case == "backslash_quote":  # rows parsed in Python: no cut tried, the block is parsed in full
        lines[1] = _line(u[1], "Temu", 'He said \\"yes\\" twice')
        fast = None
    elif case == "null_uuid":  # a run starting with a row without uuid: the block is parsed in full
        lines[4] = _line(None, "AliExpress")
        fast = False
    elif case == "all_wanted":
        lines = [_line(u[i], "Temu") for i in range(12)]
    return lines, fast


@pytest.mark.parametrize("blocks", [1, 2])
@pytest.mark.parametrize("batch_rows", [1, 10_000])
@pytest.mark.parametrize("case", CUT_CASES)
def test_wanted_rows_cut_in_batches_equal_a_full_parse_or_say_they_cannot(case, batch_rows, blocks):
    """Cuts of successive blocks parsed together give a full parse's rows, or raise ``CutMismatch``.

    ``batch_rows=1`` parses each block's cut at once, ``10_000`` the member's cuts together at its end.
    A cut that finds the wrong lines (a run's edge uuid repeated at a line start) is found by the
    batch's check: the reader cannot parse that block again (its bytes are gone), so it says so.
    """
    from dsa_explore.sor import reader

    lines, fast = _cut_case_lines(case)
    misleading = fast is False and case != "null_uuid"
    if misleading and blocks == 1:
        with pytest.raises(reader.CutMismatch):
            _block_rows_case(lines, blocks, batch_rows)
        return
    try:
        got, full = _block_rows_case(lines, blocks, batch_rows)
    except reader.CutMismatch:
        assert misleading  # two blocks: the repeated uuid may fall in the other block, or not
        return
    assert got == full
    assert len(full) == (12 if case == "all_wanted" else 6)


def _one_member_dump(folder: Path, lines: list[str]) -> Path:
    """Write ``folder``/sor-global-2025-07-01-full.zip: one member holding ``lines`` (full-38 header)."""
    layout = list(schema.LAYOUTS["full-38"])
    text = "\n".join([",".join(layout), *lines]) + "\n"
    inner = zip_bytes([("sor-global-2025-07-01-full-00000-00000.csv", text.encode())])
    folder.mkdir()
    write_dump(
        folder / "sor-global-2025-07-01-full.zip", [("sor-global-2025-07-01-full-00000.csv.zip", inner)]
    )
    return folder


def test_a_member_whose_batched_cut_fails_is_read_again_and_stored_exactly(tmp_path, monkeypatch):
    """``summarise_member`` reads a member again, block by block, when its batched cut fails its check."""
    from dsa_explore.sor import reader

    lines, _ = _cut_case_lines("duplicate_inside_run")  # the Vinted row after a run repeats its uuid
    dumps = _one_member_dump(tmp_path / "d", lines)
    raised = []
    real = reader._parse_cuts

    def spy(cuts, *, strict):
        try:
            return real(cuts, strict=strict)
        except reader.CutMismatch:
            raised.append(len(cuts))
            raise

    monkeypatch.setattr(reader, "_parse_cuts", spy)
    ingest.ingest([dumps], tmp_path / "s", workers=1, rows=True, platforms=["Temu", "AliExpress"])
    assert raised == [1]  # the one batch failed once; the second reading checks each block alone
    import json

    entry = json.loads((tmp_path / "s" / "manifest.json").read_text())["dumps"]["sor-global-2025-07-01-full"]
    assert entry["faults"]["members_read_twice_for_rows"] == 1  # the second reading is on record
    assert entry["status"] == "complete"
    got = rows.to_csv_frame(rows.scan(tmp_path / "s").sort("uuid")).collect()
    ref = reference_rows([dumps / "sor-global-2025-07-01-full.zip"])["sor-global-2025-07-01-full"]
    want = sorted((r for r in ref if r["platform_name"] in ("Temu", "AliExpress")), key=lambda r: r["uuid"])
    assert got.height == len(want) == 6  # Temu rows 0, 1, 6, 7, 9 and AliExpress row 4
    for g, w in zip(got.iter_rows(named=True), want, strict=True):
        assert all(g[c] == w.get(c) for c in schema.FULL_V2), (g["uuid"], w["uuid"])


@pytest.mark.parametrize("case", CUT_CASES)
def test_wanted_rows_cut_from_a_block_equal_a_full_parse(case, monkeypatch):
    """Whatever the block holds, the rows ``iter_frames_and_rows`` gives are those of a full parse.

    The cut (not the whole-block fallback) is used for the blocks it can handle exactly.
    """
    from dsa_explore.sor import reader

    lines, fast = _cut_case_lines(case)
    calls = []
    real = reader._rows_by_runs

    def spy(*a):
        out = real(*a)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(reader, "_rows_by_runs", spy)
    got, full = _block_rows_case(lines)
    assert got == full
    assert len(full) == (12 if case == "all_wanted" else 6)  # Temu rows 0, 1, 6, 7, 9 and AliExpress row 4
    assert calls == ([] if fast is None else [fast])


def test_a_block_after_one_mostly_kept_is_parsed_in_full(monkeypatch):
    """A per-platform dump (every row kept): the first block is cut, the next parsed in full at once."""
    from dsa_explore.sor import reader

    lines = [_line(f"c1000000-0000-4000-8000-{i:012d}", "Temu", f"Row {i}.") for i in range(40)]
    calls = []
    real = reader._rows_by_runs

    def spy(*a):
        calls.append(True)
        return real(*a)

    monkeypatch.setattr(reader, "_rows_by_runs", spy)
    got, full = _block_rows_case(lines, blocks=2)
    assert got == full and len(full) == 40
    assert calls == [True]  # the second block did not need a cut


def test_a_uuid_counted_under_another_platform_first_is_not_stored(tmp_path):
    """The summaries count a uuid once, under its first row's platform; the row store of a later,
    kept platform leaves that row out too, and the dump stays complete (it was ``partial``)."""
    import json

    u = [f"d0000000-0000-4000-8000-{i:012d}" for i in range(6)]
    lines = [
        _line(u[0], "Temu"),
        _line(u[1], "Vinted"),  # not a marketplace: summarised, not stored
        _line(u[2], "Vinted"),
        _line(u[1], "Temu", "The same uuid again, under a kept platform."),  # a duplicate
        _line(u[3], "Temu"),
        _line(u[2], "AliExpress", "Again, under another kept platform."),  # a duplicate
        _line(u[4], "AliExpress"),
        _line(u[4], "Vinted", "Again, first under a kept platform."),  # a duplicate under Vinted
    ]
    dumps = _one_member_dump(tmp_path / "d", lines)
    ingest.ingest([dumps], tmp_path / "s", workers=1, rows=True)
    entry = json.loads((tmp_path / "s" / "manifest.json").read_text())["dumps"]["sor-global-2025-07-01-full"]
    assert entry["status"] == "complete", entry.get("errors")
    assert entry["rows_summarised"] == 5 and entry["rejected"] == {"duplicate_uuid": 3}
    assert entry["rows"]["rows_stored"] == 3
    assert entry["faults"]["members_read_twice_for_rows"] == 1
    stored = rows.scan(tmp_path / "s").select("uuid", "platform").sort("uuid").collect().rows()
    assert stored == [(u[0], "Temu"), (u[3], "Temu"), (u[4], "AliExpress")]
