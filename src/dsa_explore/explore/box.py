"""The box every explorer returns: an ipywidgets ``VBox`` that says what it is when it cannot be drawn.

A committed notebook holds only a reference to a widget model; until the cell runs in a live
kernel, JupyterLab shows the output's plain-text form. ipywidgets' default is the Python repr
(``VBox(children=(...``), which tells a newcomer nothing; this one says what to do.
"""

from __future__ import annotations

import ipywidgets as widgets

NOT_LIVE = (
    "[interactive explorer: {title}. It needs a running kernel: run this cell "
    "(Shift+Enter) or Run > Run All Cells to use it.]"
)


class Explorer(widgets.VBox):
    """A ``VBox`` of controls and outputs whose plain-text form tells the reader to run the cell."""

    def __init__(self, children, title: str = "controls and a table", synthetic: bool = False, **kwargs):
        if synthetic:
            banner = widgets.HTML(
                f'<b style="color:#7a0177">SYNTHETIC DATA</b>: {title} '
                "(made-up demonstration rows, not evidence about any platform)"
            )
            children = [banner, *children]
        super().__init__(children, **kwargs)
        self._title = title + (" [SYNTHETIC DATA]" if synthetic else "")

    def __repr__(self) -> str:
        """Say, as plain text, that the explorer is live only with a running kernel."""
        return NOT_LIVE.format(title=self._title)
