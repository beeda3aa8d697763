"""Reader-facing numbers: the one place that decides how a count, a share or an amount is printed.

Briefings, notebooks and explorers print numbers through these functions so that one briefing
never shows the same kind of number two ways (a share of 0.3% is "<1%" everywhere, never "0%").
"""

from __future__ import annotations

import math


def pct(share: float) -> str:
    """Return a share (0..1) as a whole percentage; a positive share below 0.5% reads "<1%", never "0%".

    Examples
    --------
    >>> pct(0.456), pct(0.004), pct(0.0)
    ('46%', '<1%', '0%')
    """
    if 0 < share < 0.005:
        return "<1%"
    return f"{100 * share:.0f}%"


def count(n: float) -> str:
    """Return ``n`` rounded for a reader.

    Whole numbers with thousands separators from 10 up, one decimal below 10, two below 1
    (``311373.2`` -> ``'311,373'``, ``5.44`` -> ``'5.4'``); a non-zero value below 0.01 gets two
    significant digits as in :func:`rate` (``0.0004`` -> ``'0.00040'``), so it never reads ``0.00``.

    Examples
    --------
    >>> count(311373.2), count(5.44), count(0.5), count(0.0049), count(-0.0004), count(0.0)
    ('311,373', '5.4', '0.50', '0.0049', '-0.00040', '0')
    """
    if 0 < abs(n) < 0.01:
        return rate(n)
    if abs(n) >= 10 or n == round(n):
        return f"{round(n):,}"
    return f"{n:.1f}" if abs(n) >= 1 else f"{n:.2f}"


def rate(x: float) -> str:
    """Return a rate (e.g. SoRs per moderator per day) with enough digits never to read as zero.

    As :func:`count` from 1 up; below 1, two significant digits (``0.5`` -> ``'0.50'``,
    ``0.0054`` -> ``'0.0054'``, ``0.0000291`` -> ``'0.000029'``); zero is ``'0'``.

    Examples
    --------
    >>> rate(311373.2), rate(5.44), rate(0.0054), rate(0.0000291), rate(0.0)
    ('311,373', '5.4', '0.0054', '0.000029', '0')
    """
    rounded = float(f"{x:.2g}")  # two significant digits first: 0.0995 -> 0.1, printed '0.10'
    if rounded == 0 or abs(rounded) >= 1:
        return count(x)
    decimals = 1 - math.floor(math.log10(abs(rounded)))
    return f"{rounded:.{decimals}f}"


def big(n: float) -> str:
    """Return a large count in words (``'307.0 million'``, ``'1.20 billion'``).

    Below a million, as :func:`count`.
    """
    if n >= 1e9:
        return f"{n / 1e9:.2f} billion"
    if n >= 1e6:
        return f"{n / 1e6:.1f} million"
    return count(n)


def count_short(x: float | None) -> str:
    """Return a count in short form for tables and labels.

    181,892,221 -> '181.9 M'; 12,101 -> '12 k'; 'n/a' for None.
    """
    if x is None:
        return "n/a"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f} M"
    if abs(x) >= 1e4:
        return f"{x / 1e3:,.0f} k"
    return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")


def ratio(x: float | None, digits: int | None = None) -> str:
    """Return a ratio with one decimal (two below 1, e.g. '0.22'), thousands separators, 'n/a' for None."""
    if x is None:
        return "n/a"
    digits = digits if digits is not None else (2 if abs(x) < 1 else 1)
    return f"{x:,.{digits}f}"


def amount(value: float, unit: str) -> str:
    """Return an amount given in a unit such as 'million RMB' as readable text ('59.8 billion RMB')."""
    scale, _, currency = unit.partition(" ")
    factor = {"million": 1e6, "billion": 1e9}.get(scale, 1.0)
    absolute = value * factor
    if absolute >= 1e9:
        return f"{absolute / 1e9:,.1f} billion {currency}"
    return f"{absolute / 1e6:,.0f} million {currency}"


#: Column names whose values in 0..1 are shares, printed as percentages in tables and explorers.
SHARE_WORDS = (
    "share",
    "rate",
    "prevalence",
    "precision",
    "recall",
    "estimate",
    "low",
    "high",
    "observed",
    "predicted",
    "p_used",
    "icc",
    "agreement",
    "pct",
    "fraction",
    "proportion",
)


def is_share_column(column: str) -> bool:
    """Return True when a column's name says its values are shares (``share``, ``prevalence``, ``low``...)."""
    name = column.lower()
    return any(word in name for word in SHARE_WORDS)


def share(x: float) -> str:
    """Return a share (0..1) as a percentage with one decimal below 10% ('4.2%'), whole above ('46%')."""
    if 0 < abs(x) < 0.1:
        return f"{100 * x:.1f}%"
    return pct(x)


def cell(value, column: str = "") -> str:
    """Return a table cell as a reader sees it: one rule for notebook tables, explorers and briefings.

    Integers get thousands separators from 10,000 up (years stay '2024'); floats in 0..1 of a
    share column (:func:`is_share_column`) become percentages; other floats go through :func:`count`;
    lists are joined with arrows; missing values read '–'.

    Examples
    --------
    >>> cell(17678525.0), cell(14660278.73), cell(0.158368, "share"), cell(2024), cell(None)
    ('17,678,525', '14,660,279', '16%', '2024', '–')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        if column and is_share_column(column) and -1 <= value <= 1:
            return share(value)
        return count(value)
    if isinstance(value, (list, tuple)):
        return " → ".join(map(str, value))
    return str(value)


def vega_number(value: str, column: str) -> str:
    """Return a Vega expression that prints the number ``value`` as :func:`cell` prints it in tables.

    ``value`` is a Vega expression (e.g. ``datum["notices"]``). Shares (by ``column``'s name) as
    percentages; other numbers as :func:`count` does: whole numbers with thousands separators from 10 up
    (whole numbers below 10,000 without, as :func:`cell` prints years and small counts), one decimal
    below 10, two below 1, two significant digits below 0.01, so a non-zero value never reads 0; a
    missing value as ``–``.
    """
    v = value
    if is_share_column(column):
        return f'(isValid({v}) ? format({v}, ".1~%") : "–")'
    return (
        f'(!isValid({v}) ? "–" : {v} == round({v}) ? format({v}, abs({v}) >= 10000 ? ",d" : "d")'
        f' : abs({v}) >= 10 ? format({v}, ",.0f") : abs({v}) >= 1 ? format({v}, ".1f")'
        f' : abs({v}) >= 0.01 ? format({v}, ".2f") : format({v}, ".2r"))'
    )
