"""Nothing a transparency report holds may be lost without a word.

Each test here was written against a case where the reader of the project's first version
(commit bb21587) lost data silently: a part in UTF-16 or with semicolons was dropped, an empty,
header-only or binary part vanished into a log nobody saw, ``129.700`` became 129.7, a
100,000-digit cell became ``inf``, ``97.5%`` in a count became 0.975, a part present twice gave
two values for one indicator and a 5 MB cell crashed the csv module without naming the file. The
inputs are the real AliExpress H2 2025 files shipped in ``data/transparency/raw/`` (re-encoded or
edited in a temporary folder), so that the expected values are the published ones:
``9_human_resources.csv`` line 2 holds 111 internal moderators, line 3 875 external, line 4 986
with linguistic expertise, line 6 ``es`` 3; ``10_AMAR.csv`` line 2 TOTAL 181892221, line 3 AT 1640614.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
import pytest

from dsa_explore.core import paths
from dsa_explore.readers.transparency import TransparencyParseError, parse_report, read_report

RAW = paths.data_dir() / "transparency" / "raw" / "aliexpress" / "2025-H2"
HR = RAW / "9_human_resources.csv"
AMAR = RAW / "10_AMAR.csv"


def one(frame: pl.DataFrame, indicator: str, scope: str) -> dict:
    rows = frame.filter((pl.col("indicator") == indicator) & (pl.col("scope") == scope))
    assert rows.height == 1, f"expected one {indicator} [{scope}] row, got {rows.height}"
    return rows.row(0, named=True)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def amar_with(cells: dict[int, str]) -> list[list[str]]:
    """The real AMAR part with the Value cell of some lines (1-based, header = line 1) replaced."""
    rows = rows_of(AMAR)
    for line, value in cells.items():
        rows[line - 1][6] = value
    return rows


def assert_hr_values(frame: pl.DataFrame) -> None:
    assert one(frame, "moderators_internal", "TOTAL")["value"] == 111
    assert one(frame, "moderators_external", "TOTAL")["value"] == 875
    assert one(frame, "moderators_linguistic", "TOTAL")["value"] == 986
    assert one(frame, "moderators_linguistic", "es")["value"] == 3


# ---------------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "encoding, bom, note",
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16 (little-endian) with byte-order mark"),
        ("utf-16-be", b"\xfe\xff", "UTF-16 (big-endian) with byte-order mark"),
        ("utf-16-le", b"", "UTF-16 (le) without byte-order mark"),
        ("utf-16-be", b"", "UTF-16 (be) without byte-order mark"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 byte-order mark removed"),
    ],
)
def test_unicode_encodings_are_detected(tmp_path, encoding, bom, note):
    write(tmp_path, HR.name, bom + HR.read_text(encoding="utf-8").encode(encoding))
    frame, log = parse_report(tmp_path)
    assert_hr_values(frame)
    assert any(note in n for n in log.notes), log.notes


def test_windows_1252_is_detected(tmp_path):
    rows = rows_of(HR)
    rows[1][7] = "moderators’ count in FTE"  # a curly apostrophe: 0x92 in Windows-1252, invalid UTF-8
    write(tmp_path, HR.name, csv_bytes(rows).decode("utf-8").encode("cp1252"))
    frame, log = parse_report(tmp_path)
    assert one(frame, "moderators_internal", "TOTAL")["context"] == "moderators’ count in FTE"
    assert any("Windows-1252" in n for n in log.notes)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    write(tmp_path, HR.name, csv_bytes(rows_of(HR), delimiter))
    frame, log = parse_report(tmp_path)
    assert_hr_values(frame)
    assert any(f"delimiter {delimiter!r} sniffed" in n for n in log.notes)


# ---------------------------------------------------------------------------------------- parts not read

BAD_PARTS = {
    "empty": (b"", "empty file"),
    "header only": (
        b"Applicability,Service,Reporting period,Section,Indicator,Scope,Value\r\n",
        "header only",
    ),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary content"),
    "not a template part": (b"name,colour\r\napple,red\r\n", "header not recognised"),
}


@pytest.mark.parametrize("case", sorted(BAD_PARTS))
def test_a_part_that_cannot_be_read_is_an_error_naming_the_file(tmp_path, case):
    data, reason = BAD_PARTS[case]
    write(tmp_path, HR.name, HR.read_bytes())
    write(tmp_path, "4_notices.csv", data)
    with pytest.raises(TransparencyParseError) as info:
        read_report(tmp_path)
    assert "4_notices.csv" in str(info.value) and reason in str(info.value)


@pytest.mark.parametrize("case", sorted(BAD_PARTS))
def test_a_part_that_cannot_be_read_is_a_flagged_row_with_errors_flag(tmp_path, case):
    data, reason = BAD_PARTS[case]
    write(tmp_path, HR.name, HR.read_bytes())
    write(tmp_path, "4_notices.csv", data)
    frame, log = parse_report(tmp_path, errors="flag")
    assert_hr_values(frame)
    lost = frame.filter(pl.col("source_file") == "4_notices.csv")
    assert lost.height == 1 and lost["indicator"][0] == "part_not_read" and reason in lost["flag"][0]
    assert log.values_read == frame.height == log.values_parsed + log.values_flagged


def test_a_duplicated_part_is_an_error_naming_both_files(tmp_path):
    write(tmp_path, HR.name, HR.read_bytes())
    write(tmp_path, "9_human_resources (copy).csv", HR.read_bytes())
    with pytest.raises(TransparencyParseError) as info:
        read_report(tmp_path)
    message = str(info.value)
    assert "duplicated part 9" in message
    assert "'9_human_resources (copy).csv'" in message and "'9_human_resources.csv'" in message


def test_a_duplicated_part_flags_every_row_of_both_files_with_errors_flag(tmp_path):
    write(tmp_path, HR.name, HR.read_bytes())
    write(tmp_path, "9_human_resources (copy).csv", HR.read_bytes())
    frame = read_report(tmp_path, errors="flag")
    assert frame.height > 0 and frame["flag"].str.contains("duplicated part 9").fill_null(False).all()
    assert set(frame["source_file"]) == {"9_human_resources.csv", "9_human_resources (copy).csv"}


# ---------------------------------------------------------------------------------------------- values


def test_ambiguous_separator_is_flagged_when_the_report_shows_no_convention(tmp_path):
    write(tmp_path, AMAR.name, csv_bytes(amar_with({3: "129.700"})))  # every other AMAR cell is an integer
    frame = read_report(tmp_path)
    at = one(frame, "amar", "AT")
    assert at["value"] is None and "ambiguous separator" in at["flag"]
    assert (at["value_low"], at["value_high"]) == (pytest.approx(129.7), 129_700)


def test_ambiguous_separator_follows_the_reports_dot_thousands_convention(tmp_path):
    write(tmp_path, AMAR.name, csv_bytes(amar_with({2: "181.892.221", 3: "129.700"})))
    frame = read_report(tmp_path)
    at = one(frame, "amar", "AT")
    assert at["value"] == 129_700 and at["flag"] is None
    assert "thousands separator: the report's convention" in at["how"] and "'181.892.221'" in at["how"]


def test_ambiguous_separator_follows_the_reports_decimal_point_convention(tmp_path):
    write(tmp_path, AMAR.name, csv_bytes(amar_with({2: "181892221.0", 3: "129.700"})))
    at = one(read_report(tmp_path), "amar", "AT")
    assert at["value"] == pytest.approx(129.7) and "decimal mark: the report's convention" in at["how"]


def test_a_100000_digit_cell_is_flagged_not_infinite(tmp_path):
    write(tmp_path, AMAR.name, csv_bytes(amar_with({3: "9" * 100_000})))
    frame = read_report(tmp_path)
    at = one(frame, "amar", "AT")
    assert at["value"] is None and "absurd magnitude: a 100000-digit number" in at["flag"]
    assert frame["value"].is_infinite().sum() == 0
    assert one(frame, "amar", "TOTAL")["value"] == 181_892_221


def test_a_percentage_in_a_count_field_is_flagged(tmp_path):
    write(tmp_path, AMAR.name, csv_bytes(amar_with({3: "97.5%"})))
    at = one(read_report(tmp_path), "amar", "AT")
    assert at["value"] is None and "percentage in a count field" in at["flag"]


def test_a_5_mb_cell_is_read(tmp_path):
    rows = rows_of(HR)
    rows[1][7] = "x" * 5_000_000
    write(tmp_path, HR.name, csv_bytes(rows))
    frame = read_report(tmp_path)
    assert len(one(frame, "moderators_internal", "TOTAL")["context"]) == 5_000_000
    assert_hr_values(frame)


# ---------------------------------------------------------------------------------------------- workbooks


def xlsx_bytes(sheets: dict[str, list[list[str]]]) -> bytes:
    """A minimal Office Open XML workbook: integer cells as numbers, every other cell as an inline string."""

    def cell(ref: str, text: str) -> str:
        if text.strip().isdigit() and len(text.strip()) < 15:
            return f'<c r="{ref}"><v>{int(text)}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'

    def col(i: int) -> str:
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships"><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{rels}</Relationships>',
        )
        for i, rows in enumerate(sheets.values(), 1):
            body = "".join(
                f'<row r="{r + 1}">'
                + "".join(cell(f"{col(c)}{r + 1}", v) for c, v in enumerate(row) if v != "")
                + "</row>"
                for r, row in enumerate(rows)
            )
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>',
            )
    return buf.getvalue()


def test_a_workbook_written_from_the_csv_report_reads_the_same_values(tmp_path):
    parts = ["7_appeals_and_recidivism.csv", "8_automated_means.csv", "9_human_resources.csv"]
    sheets = {Path(p).stem: rows_of(RAW / p) for p in parts}
    book = write(tmp_path / "xlsx", "aliexpress-2025-H2.xlsx", xlsx_bytes(sheets))
    from_book, log = parse_report(book)
    from_csv = read_report([RAW / p for p in parts])
    keys = ["section", "indicator", "scope", "line", "value", "value_low", "value_high", "flag"]
    assert from_book.height == from_csv.height > 100
    assert from_book.select(keys).equals(from_csv.select(keys))
    assert set(from_book["source_file"]) == {f"aliexpress-2025-H2.xlsx [{Path(p).stem}]" for p in parts}
    # hand-read: 7_appeals_and_recidivism.csv line 5 'Decisions reversed' 27369;
    # 8_automated_means.csv line 4 '95.31%'
    assert one(from_book, "complaints", "Decisions reversed")["value"] == 27_369
    assert one(from_book, "accuracy", "TOTAL")["value"] == pytest.approx(0.9531)
    assert_hr_values(from_book)


def ods_bytes(sheets: dict[str, list[list[str]]]) -> bytes:
    """A minimal OpenDocument spreadsheet: integer cells as floats, every other cell as a string."""

    def cell(text: str) -> str:
        if text == "":
            return "<table:table-cell/>"
        if text.strip().isdigit() and len(text.strip()) < 15:
            return (
                f'<table:table-cell office:value-type="float" office:value="{int(text)}">'
                f"<text:p>{int(text)}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'
        )

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        z.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
            f'office:version="1.2"><office:body><office:spreadsheet>{tables}'
            f"</office:spreadsheet></office:body></office:document-content>",
        )
    return buf.getvalue()


def test_an_ods_workbook_written_from_the_csv_report_reads_the_same_values(tmp_path):
    parts = ["7_appeals_and_recidivism.csv", "10_AMAR.csv"]
    book = write(
        tmp_path / "ods", "aliexpress-2025-H2.ods", ods_bytes({Path(p).stem: rows_of(RAW / p) for p in parts})
    )
    from_book = read_report(book)
    from_csv = read_report([RAW / p for p in parts])
    keys = ["section", "indicator", "scope", "line", "value", "flag"]
    assert from_book.height == from_csv.height > 50
    assert from_book.select(keys).equals(from_csv.select(keys))
    # 10_AMAR.csv line 2: TOTAL 181892221 (the published cell ends with a space: read the same in both)
    assert one(from_book, "amar", "TOTAL")["value"] == 181_892_221
