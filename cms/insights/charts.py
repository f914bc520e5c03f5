"""Charts drawn on the server as inline SVG: no JavaScript library, readable by screen readers
(a <title>/<desc> on the image and the same numbers in a visually hidden table)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    magnitude = 10 ** (len(str(int(value))) - 1)
    return ((int(value) // magnitude) + 1) * magnitude


def bar_chart(
    data: list[tuple[str, float]],
    *,
    title: str,
    value_label: str,
    label_header: str,
    width: int = 640,
    height: int = 220,
    chart_id: str = "chart",
    show_labels_every: int = 1,
) -> SafeString:
    """A vertical bar chart of (label, value) pairs."""
    pad_left, pad_bottom, pad_top = 36, 28, 10
    inner_w = width - pad_left - 8
    inner_h = height - pad_bottom - pad_top
    top = _nice_max(max((v for _, v in data), default=0))
    slot = inner_w / max(len(data), 1)
    bars = []
    for i, (label, value) in enumerate(data):
        bar_h = inner_h * (value / top) if top else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(pad_left + i * slot + slot * 0.15, 1),
                y=round(pad_top + inner_h - bar_h, 1),
                width=round(max(slot * 0.7, 1), 1),
                height=round(bar_h, 1),
            )
        )
    ticks = [
        {"value": f"{top * f:g}", "y": round(pad_top + inner_h - inner_h * f, 1)}
        for f in (0, 0.5, 1)
    ]
    return render_to_string(
        "insights/admin/bar_chart.html",
        {
            "chart_id": chart_id,
            "title": title,
            "value_label": value_label,
            "label_header": label_header,
            "width": width,
            "height": height,
            "bars": bars,
            "ticks": ticks,
            "pad_left": pad_left,
            "base_y": pad_top + inner_h,
            "right": width - 8,
            "label_y": height - 8,
            "every": max(show_labels_every, 1),
        },
    )
