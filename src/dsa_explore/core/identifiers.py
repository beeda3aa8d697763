"""Identifier normalisation: one spelling for ids that people type, copy and paste.

Ids pasted from web pages and spreadsheets carry look-alike characters: a zero-width space
inside ``SYN-AE-000001``, a no-break space, full-width digits, a byte-order mark. Two ids that
print the same must compare the same, and an analyst must see what was changed.
:func:`normalise` applies Unicode NFKC and removes invisible characters (format characters,
Unicode category Cf, such as U+200B ZERO WIDTH SPACE, U+200E LEFT-TO-RIGHT MARK, U+FEFF;
control characters, category Cc; and U+2028/U+2029 line and paragraph separators), then trims
surrounding white space, and returns the changes it made in words. It is for identifiers and
codes only, never for free text shown as evidence (titles keep every character).
"""

from __future__ import annotations

import unicodedata

_INVISIBLE_CATEGORIES = ("Cf", "Cc", "Zl", "Zp")


def _is_invisible(ch: str) -> bool:
    """Return whether ``ch`` is a character an identifier must not hold (it prints as nothing)."""
    return unicodedata.category(ch) in _INVISIBLE_CATEGORIES


def describe(ch: str) -> str:
    """Return a character as ``U+200B ZERO WIDTH SPACE``."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


def normalise(value: str) -> tuple[str, list[str]]:
    """Return ``value`` normalised for use as an identifier, and what was changed.

    Parameters
    ----------
    value : the raw text of an identifier or code.

    Returns
    -------
    (str, list of str)
        The NFKC form with invisible characters removed and surrounding white space trimmed,
        and one sentence per kind of change (empty when nothing changed), e.g.
        ``"removed invisible character U+200B ZERO WIDTH SPACE"``.
    """
    changes: list[str] = []
    removed = [ch for ch in value if _is_invisible(ch)]
    visible = "".join(ch for ch in value if not _is_invisible(ch))
    for ch in dict.fromkeys(removed):
        changes.append(f"removed invisible character {describe(ch)}")
    nfkc = unicodedata.normalize("NFKC", visible)
    if nfkc != visible:
        changed = sorted({ch for ch in visible if unicodedata.normalize("NFKC", ch) != ch})
        changes.append(
            "Unicode NFKC: " + ", ".join(describe(ch) for ch in changed)
            if changed
            else "Unicode NFKC (composed characters)"
        )
    out = nfkc.strip()
    if out != nfkc and not changes:
        # surrounding plain spaces are trimmed silently by every reader: not worth a report line
        return out, []
    return out, changes
