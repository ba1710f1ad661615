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


def bar_chart(title: str, rows: Sequence[dict[str, Any]], *, limit: int = 12) -> str:
    """A horizontal bar chart of rows [{label, amount_cents}] as an SVG string."""
    chart = pygal.HorizontalBar(
        title=title, style=STYLE, disable_xml_declaration=True, js=[], show_legend=False,
        value_formatter=_money_label, width=720, height=max(160, 40 + 28 * min(len(rows), limit)),
        print_values=True, print_values_position="top", explicit_size=False,
        x_label_rotation=0, show_y_guides=False, truncate_label=-1,
    )
    shown = list(rows)[:limit][::-1]
    chart.x_labels = [str(r["label"])[:30] for r in shown]
    chart.add("Amount", [int(r["amount_cents"]) for r in shown])
    return _render(chart)


def over_short_chart(rows: Sequence[dict[str, Any]], span: int) -> str:
    chart = pygal.Bar(
        title=f"Over/short per clerk, last {span} days", style=STYLE,
        disable_xml_declaration=True, js=[], show_legend=False, value_formatter=_money_label,
        width=720, height=300, x_label_rotation=30,
    )
    chart.x_labels = [str(r["name"])[:24] for r in rows]
    chart.add("Over/short", [int(r[f"over_short_{span}"]) for r in rows])
    return _render(chart)
