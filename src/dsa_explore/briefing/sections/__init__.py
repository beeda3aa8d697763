"""One module per briefing section, each exposing ``section(platform) -> Section``.

Their order is set in :mod:`dsa_explore.briefing.registry`.
"""
