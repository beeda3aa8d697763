"""Layer 6, explorers: ipywidgets wiring over plain callbacks, for JupyterLab."""
