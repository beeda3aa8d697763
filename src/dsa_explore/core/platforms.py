"""The marketplaces the project briefs on, and the canonical spelling of their names."""

from __future__ import annotations

from dsa_explore.core.errors import UnknownPlatformError

#: Platforms with a briefing; the first is the default (the case that started the project).
KNOWN_PLATFORMS: tuple[str, ...] = (
    "AliExpress",
    "Temu",
    "Amazon Store",
    "SHEIN",
    "Zalando",
)

DEFAULT_PLATFORM = KNOWN_PLATFORMS[0]


def slug(platform: str) -> str:
    """Return a file-name slug for a platform name ("Amazon Store" -> "amazon-store")."""
    return "-".join("".join(ch.lower() if ch.isalnum() else " " for ch in platform).split())


def resolve(name: str | None) -> str:
    """Return the canonical platform name for ``name`` (case-insensitive, slug accepted).

    Parameters
    ----------
    name
        A platform name or slug; ``None`` gives :data:`DEFAULT_PLATFORM`.

    Returns
    -------
    str
        The name as spelled in :data:`KNOWN_PLATFORMS`.

    Raises
    ------
    UnknownPlatformError
        (a ``ValueError``) listing the known platforms when ``name`` is not one of them.
    """
    if name is None:
        return DEFAULT_PLATFORM
    wanted = slug(name)
    for known in KNOWN_PLATFORMS:
        if slug(known) == wanted:
            return known
    raise UnknownPlatformError(f"unknown platform {name!r}; known platforms: {', '.join(KNOWN_PLATFORMS)}")
