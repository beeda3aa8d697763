"""A CSV reader for hand-filled tables that reports what it cannot read, by file and line.

Spreadsheets write CSV that a fast parser refuses with a bare message ("invalid utf-8
sequence", "found more fields than defined in 'Schema'", "empty CSV"): no file, no line, no
hint. :func:`read_text_csv` reads every value as text and turns each fault into a problem
record (file, line, column, raw value, problem, expected) instead:

* bytes that are not UTF-8 (a file saved as Windows-1252 / "CSV" instead of "CSV UTF-8"): one
  problem per line, with the byte and what it would read as in Windows-1252; the line is
  decoded with U+FFFD in place of each bad byte so that nothing else is lost;
* a UTF-8 byte-order mark (Excel's "CSV UTF-8") is accepted;
* an empty file, a header only, a header separated by ``;`` or tabs;
* a header naming a column twice (the data under it would shift), or a column without a name;
* a row with more or fewer fields than the header (kept, as empty values, and reported);
* CSV syntax errors (a quote that is never closed).

Line numbers are those of the file (the header is line 1; a quoted value spanning lines
counts each of them). Header names are normalised like identifiers
(:func:`dsa_explore.core.identifiers.normalise`), every change reported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dsa_explore.core import identifiers

_BOM = b"\xef\xbb\xbf"
_SHOW = 80


@dataclass
class TextCsv:
    """What :func:`read_text_csv` read: text columns, the file line of every row, and every problem.

    ``frame`` has one String column per distinct header name (the first of duplicated names)
    and one row per data row of the file (ragged or unparseable rows as empty values);
    ``lines[i]`` is the file line on which row ``i`` starts; ``bad_lines`` are the lines whose
    values could not be aligned with the header (their other checks are meaningless);
    ``readable`` is False when the file has no usable header (empty, wrong separator).
    """

    frame: pl.DataFrame
    lines: list[int]
    file: str
    problems: list[dict] = field(default_factory=list)
    normalised: list[dict] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)
    readable: bool = True


def _problem(
    file: str, line: int | None, column: str | None, value: str | None, problem: str, expected: str
) -> dict:
    return {
        "file": file,
        "line": line,
        "listing_id": None,
        "column": column,
        "value": value,
        "problem": problem,
        "expected": expected,
    }


def _shorten(text: str) -> str:
    """Return ``text`` cut to a readable length for a problem record."""
    return text if len(text) <= _SHOW else text[:_SHOW] + "…"


def _decode(data: bytes, file: str, problems: list[dict]) -> str:
    """Return the text of ``data``; report each line that is not UTF-8 (decoded with U+FFFD there)."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    out = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError as err:
            bad = raw[err.start : err.end]
            as_1252 = bad.decode("cp1252", errors="replace")
            problems.append(
                _problem(
                    file,
                    number,
                    None,
                    f"byte {bad.hex(' ', 1).upper()} at character {err.start + 1}",
                    f"not UTF-8 text (in Windows-1252 this byte reads {as_1252!r}; the file was probably "
                    "saved as 'CSV' instead of 'CSV UTF-8')",
                    "UTF-8 text: re-save the file as 'CSV UTF-8' (Excel) or with encoding UTF-8",
                )
            )
            out.append(raw.decode("utf-8", errors="replace"))
    return "\n".join(out)


def _header(names: list[str], line: int, file: str, result: TextCsv) -> list[str | None]:
    """Return the column name for each header position (None for a duplicate); report every fault."""
    seen: dict[str, int] = {}
    columns: list[str | None] = []
    for position, raw in enumerate(names, start=1):
        name, changes = identifiers.normalise(raw)
        for change in changes:
            result.normalised.append(
                {
                    "file": file,
                    "line": line,
                    "listing_id": None,
                    "column": name,
                    "value": raw,
                    "normalised": name,
                    "change": change,
                }
            )
        if name == "":
            result.problems.append(
                _problem(
                    file,
                    line,
                    None,
                    raw,
                    f"header column {position} has no name",
                    "a column name for every column",
                )
            )
            columns.append(None)
        elif name in seen:
            result.problems.append(
                _problem(
                    file,
                    line,
                    name,
                    raw,
                    f"column named twice in the header (columns {seen[name]} and {position}); the values "
                    "under the second would be read as another column's",
                    "each column name once",
                )
            )
            columns.append(None)
        else:
            seen[name] = position
            columns.append(name)
    return columns


def _records(text: str, file: str, result: TextCsv) -> list[tuple[int, list[str] | None]]:
    """Return (first line, fields) per non-blank record; fields is None where the CSV syntax is broken."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    physical = text.split("\n")
    out: list[tuple[int, list[str] | None]] = []
    last = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            start = last + 1
            shown = _shorten(physical[start - 1]) if start <= len(physical) else ""
            end = reader.line_num
            span = f" (the record starting on line {start} runs to line {end})" if end > start else ""
            result.problems.append(
                _problem(
                    file,
                    start,
                    None,
                    shown,
                    f"CSV syntax error: {err}{span}",
                    'RFC 4180 CSV: a value holding a comma or quote is enclosed in "..." '
                    "and its quotes doubled",
                )
            )
            out.append((start, None))
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        if fields:
            out.append((start, fields))
    return out


def _unreadable(result: TextCsv, columns: list[str]) -> TextCsv:
    result.readable = False
    result.frame = pl.DataFrame(schema={c: pl.String for c in columns})
    return result


def read_text_csv(source: Path | str, expected_columns: list[str]) -> TextCsv:
    """Read a CSV file as text, reporting every fault by file and line instead of raising.

    Parameters
    ----------
    source : path of the CSV file.
    expected_columns : the columns the format defines (used in messages and for empty files).

    Returns
    -------
    TextCsv
        Text columns, the line of every row, the problems and the header normalisations.
    """
    path = Path(source)
    file = str(path)
    result = TextCsv(frame=pl.DataFrame(), lines=[], file=file)
    listing = ", ".join(expected_columns)
    data = path.read_bytes()
    text = _decode(data, file, result.problems)
    if text.strip() == "":
        result.problems.append(
            _problem(
                file,
                None,
                None,
                None,
                "the file is empty",
                f"a header row ({listing}) and one row per record",
            )
        )
        return _unreadable(result, expected_columns)
    records = _records(text, file, result)
    header_line, names = records[0]
    if names is None:
        return _unreadable(result, expected_columns)
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        sep = "';'" if ";" in names[0] else "tabs"
        result.problems.append(
            _problem(
                file,
                header_line,
                None,
                _shorten(names[0]),
                f"the columns are separated by {sep}, not commas",
                f"comma-separated values with the header {listing}",
            )
        )
        return _unreadable(result, expected_columns)
    columns = _header(names, header_line, file, result)
    width = len(names)
    rows: list[list[str | None]] = []
    for line, fields in records[1:]:
        result.lines.append(line)
        if fields is None:
            result.bad_lines.add(line)
            rows.append([None] * width)
            continue
        if len(fields) != width:
            result.problems.append(
                _problem(
                    file,
                    line,
                    None,
                    _shorten(",".join(fields)),
                    f"row has {len(fields)} fields, the header has {width}",
                    f"{width} fields, one per header column (a value holding a comma must be quoted)",
                )
            )
            result.bad_lines.add(line)
            rows.append([None] * width)
            continue
        rows.append([v if v != "" else None for v in fields])
    keep = [i for i, c in enumerate(columns) if c is not None]
    result.frame = pl.DataFrame(
        {columns[i]: [r[i] for r in rows] for i in keep}, schema={columns[i]: pl.String for i in keep}
    )
    return result
