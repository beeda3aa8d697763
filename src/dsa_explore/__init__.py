"""dsa-explore: examine online marketplaces' compliance with the EU Digital Services Act.

The package holds all logic (loaders, estimators, indicators, charts, export); the
notebooks in ``notebooks/`` narrate and call it.
"""

__version__ = "0.1.0"
