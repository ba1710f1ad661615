"""Server-rendered SVG charts (pygal), safe to inline or serve under the CSP: no XML declaration,
no script, values are integer cents formatted as money.

`js=[]` stops pygal linking its tooltip script, but it still embeds a small config <script>;
`_render` drops every script element from the tree before serialising.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pygal
from pygal.etree import etree
from pygal.style import Style

from app.formatting import money

STYLE = Style(
    background="white", plot_background="white", foreground="#1c2733",
    foreground_strong="#12263f", foreground_subtle="#5b6776",
    colors=("#1f5fa8", "#2e8b57", "#c77700", "#8e44ad", "#b03a2e", "#117a8b"),
    font_family="system-ui, sans-serif",
)


def _render(chart: Any) -> str:
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    svg: str = etree.tostring(root, encoding="unicode")
    return svg


def _money_label(value: Any) -> str:
    return money(int(value)) if value is not None else ""


#: Pixel sizes the layout rules below rely on (kept in the style, checked by the tests).
LABEL_FONT = 13
VALUE_FONT = 12
ROW_HEIGHT = 32  # per bar: room for a 13 px name with air above and below
VALUE_TICKS = 5  # value-axis labels: five, so amounts never run into each other


def _horizontal(title: str, labels: Sequence[str], values: Sequence[int]) -> str:
    """Horizontal bars: names read on the left (never rotated or overlapping, one row each),
    amounts printed at the bar ends, five money ticks on the value axis. The value range is
    padded so the printed amount of the longest bar stays inside the plot."""
    low, high = min([0, *values]), max([0, *values])
    ticks = money_ticks(low, high)
    pad = max((high - low) // 4, 100)
    style = Style(**{**STYLE.to_dict(), "label_font_size": LABEL_FONT, "major_label_font_size": LABEL_FONT,
                     "value_font_size": VALUE_FONT, "title_font_size": 16})
    chart = pygal.HorizontalBar(
        title=title, style=style, disable_xml_declaration=True, js=[], show_legend=False,
        value_formatter=_money_label, width=760, height=90 + ROW_HEIGHT * max(len(values), 1),
        print_values=True, print_values_position="top", explicit_size=False,
        show_x_guides=False, truncate_label=-1,
        # room left of the lowest bar too, so a small bar's amount never reaches the names
        range=(min(ticks[0], low - pad // 2), max(ticks[-1], high + pad)),
        margin_right=24,
    )
    chart.y_labels = ticks
    chart.x_labels = [str(label) for label in labels]
    chart.add("Amount", list(values))
    return _render(chart)


def money_ticks(low: int, high: int, most: int = VALUE_TICKS) -> list[int]:
    """At most ``most`` round amounts (1, 2 or 5 times a power of ten cents) covering low..high."""
    span = max(high - low, 100)
    step = 1
    while True:
        for factor in (1, 2, 5):
            size = step * factor
            first, last = (low // size) * size, -((-high) // size) * size
            if (last - first) // size + 1 <= most:
                return list(range(first, last + 1, size))
        step *= 10
    return [0, span]  # not reached


def bar_chart(title: str, rows: Sequence[dict[str, Any]], *, limit: int = 12) -> str:
    """A horizontal bar chart of rows [{label, amount_cents}] as an SVG string (largest first)."""
    shown = list(rows)[:limit][::-1]
    return _horizontal(title, [_short(r["label"]) for r in shown], [int(r["amount_cents"]) for r in shown])


def over_short_chart(rows: Sequence[dict[str, Any]], span: int) -> str:
    """Over/short per clerk as horizontal bars (a clerk's name is read, not tilted)."""
    shown = list(rows)[::-1]
    return _horizontal(f"Over/short per clerk, last {span} days", [_short(r["name"]) for r in shown],
                       [int(r[f"over_short_{span}"]) for r in shown])


def _short(label: object, most: int = 34) -> str:
    """A label of at most ``most`` characters, cut at a word with an ellipsis."""
    text = " ".join(str(label).split())
    if len(text) <= most:
        return text
    cut = text[: most - 1].rsplit(" ", 1)[0]
    return cut + "…"
