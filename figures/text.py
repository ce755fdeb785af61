"""Text from the data (names, campaigns, categories) as it is placed in a figure.

Plotly reads a few HTML-like tags in every label, legend entry, title and hover text (``<b>``, ``<i>``,
``<span style>``, ``<a href>``, ``<br>``) and fills ``%{...}`` fields of a hover template. A campaign named
``<a href="https://example.com">Sale</a>`` would become a link inside the chart, and a name holding
``%{x}`` would show another value. Escaping ``&``, ``<``, ``>`` and ``%`` as character references keeps
such text literal: plotly turns the references back into the characters on screen (docs/deployment.md,
"Untrusted content").
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

_REFERENCES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"})


def plain(text: object) -> str:
    """
    Return ``text`` so a plotly label shows it exactly as written (no markup, no template field).

    Examples
    --------
    >>> plain('<b>x</b> & 5%{y}')
    '&lt;b&gt;x&lt;/b&gt; &amp; 5&#37;{y}'
    """
    return str(text).translate(_REFERENCES)


def plain_all(values: Iterable[object] | pd.Series) -> list[str]:
    """Return :func:`plain` of each value, as a list (for a trace's ``x``, ``y``, ``text`` or ``customdata``)."""
    return [plain(value) for value in values]
