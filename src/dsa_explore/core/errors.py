"""One exception root for the package, with the kinds of failure a user needs to tell apart.

Catch :class:`DsaExploreError` to catch everything the package raises on purpose. Input
errors are also ``ValueError`` (so ``except ValueError`` keeps working) and carry, where known,
the file, the row or line, the raw value and what was expected, so a message can say exactly
what to fix.
"""

from __future__ import annotations

import re
from pathlib import Path


class DsaExploreError(Exception):
    """Root of every error the package raises on purpose."""


class InputFileError(DsaExploreError, ValueError):
    """A user's or shipped input cannot be read as its format says.

    Parameters
    ----------
    message
        The full reader-facing message (it should already name file, line, value and expectation).
    file, line, value, expected
        The same facts as attributes, for programs that handle the error (``None`` when not known).
    """

    def __init__(
        self,
        message: str = "",
        *,
        file: str | Path | None = None,
        line: int | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = None if file is None else str(file)
        self.line = line
        self.value = value
        self.expected = expected


class RefusedDataError(DsaExploreError):
    """Data that was read but is refused: a checksum, schema or layout that does not match its record."""


class UnknownPlatformError(DsaExploreError, ValueError):
    """A platform name that is not in :data:`dsa_explore.core.platforms.KNOWN_PLATFORMS`.

    The message lists the known platforms.
    """


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def error_message(exc: BaseException) -> str:
    r"""Return the one-line message for a user error (an OS error names its file).

    Line breaks and tabs become spaces; other control characters are written ``\xNN`` (a file name
    can hold them). Backslashes are left alone: messages that quote data have escaped it already.
    """
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}"
    else:
        text = str(exc) or type(exc).__name__
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group(0)):02x}", " ".join(text.split()))
