"""One module per briefing section; each exposes ``section(platform) -> Section``. Order: :mod:`dsa_explore.briefing.registry`."""
