"""The report's charts as ``reportlab.graphics`` drawings (vector, printable, no images).

Every chart repeats its figures as text (bar labels, a legend with marker shapes), and
the PDF shows the same figures in a table: colour is never the only sign.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.validators import Auto

from loket.core import numbers
from loket.monitoring.render.common import dec

WIDTH = 480.0  # the A4 text width at 18 mm margins, in points
BLUE = colors.HexColor("#1F5A96")
PALETTE = [
    colors.HexColor("#1F5A96"),
    colors.HexColor("#C05A00"),
    colors.HexColor("#2E7D32"),
    colors.HexColor("#6A1B9A"),
    colors.HexColor("#5D4037"),
    colors.HexColor("#00838F"),
]
MARKERS = ["FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond", "Circle", "Square"]
DASHES: list[list[float] | None] = [None, [4, 2], [1, 2], [6, 2, 1, 2], [2, 2], [8, 3]]
FONT = "Helvetica"
SHOWN_MAX = Decimal(150)  # bars beyond 150 % are cut off (the label still tells)


def short(name: str, length: int = 38) -> str:
    return name if len(name) <= length else name[: length - 1].rstrip() + "…"


def percent_chart(rows: Sequence[tuple[str, Any, str]]) -> Drawing:
    """Horizontal bars: % of target per indicator (name, percent, the label when there is
    no percent), the first indicator on top, a dashed line at 100 %."""
    count = max(len(rows), 1)
    height = 30 + 18 * count
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 175, 20
    chart.width, chart.height = WIDTH - 175 - 50, height - 30
    ordered = list(reversed(rows))  # reportlab draws the first category at the bottom
    values = [dec(value) for _name, value, _empty in ordered]
    chart.data = [[float(min(v, SHOWN_MAX)) if v is not None and v > 0 else 0 for v in values]]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [
        [
            numbers.percent(v) if v is not None else empty
            for v, (_name, _value, empty) in zip(values, ordered, strict=True)
        ]
    ]
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = float(SHOWN_MAX)
    chart.valueAxis.valueStep = 25
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f} %"
    chart.categoryAxis.categoryNames = [short(name) for name, _value, _empty in ordered] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    if not rows:
        chart.data = [[0]]
        chart.barLabelArray = [[""]]
    drawing.add(chart, name="chart")
    x = chart.x + chart.width * 100 / float(SHOWN_MAX)
    drawing.add(
        Line(
            x,
            chart.y,
            x,
            chart.y + chart.height,
            strokeColor=colors.black,
            strokeDashArray=[3, 2],
            strokeWidth=0.7,
        )
    )
    drawing.add(
        String(
            x,
            chart.y + chart.height + 3,
            _("doel (100 %)"),
            fontName=FONT,
            fontSize=7,
            textAnchor="middle",
        )
    )
    return drawing


def series_chart(lines: Sequence[tuple[str, Sequence[tuple[str, Any]]]]) -> Drawing:
    """A small line chart: one line per indicator over the quarters, each with its own
    marker shape and dash, and a legend naming them."""
    labels: dict[str, None] = {}
    for _name, points in lines:
        for label, _value in points:
            labels.setdefault(label, None)
    categories = list(labels) or [""]
    legend_rows = (len(lines) + 1) // 2
    height = 150 + 12 * legend_rows
    drawing = Drawing(WIDTH, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 30 + 12 * legend_rows
    chart.width, chart.height = WIDTH - 60, 110
    data: list[list[float | None]] = []
    for _name, points in lines:
        by_label = {label: dec(value) for label, value in points}
        row: list[float | None] = []
        for category in categories:
            found = by_label.get(category)
            row.append(None if found is None else float(found))
        data.append(row)
    chart.data = data or [[0.0] * len(categories)]
    numbers_seen = [v for row in data for v in row if v is not None]
    chart.valueAxis.valueMin = min(0.0, *numbers_seen) if numbers_seen else 0
    if not numbers_seen or max(numbers_seen) <= 0:
        chart.valueAxis.valueMax = 1
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: numbers.hours(Decimal(str(round(v, 2))))
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(categories) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 8 else "n"
    # reportlab cannot join a line of fewer than two points (a mark not shown in any
    # quarter, or in one only): then every line is drawn as its markers alone.
    joinable = all(sum(v is not None for v in row) >= 2 for row in chart.data)
    chart.joinedLines = 1 if len(categories) > 1 and joinable else 0
    for index in range(len(chart.data)):
        line = chart.lines[index]
        line.strokeColor = PALETTE[index % len(PALETTE)]
        line.strokeWidth = 1.2
        line.strokeDashArray = DASHES[index % len(DASHES)]
        marker = makeMarker(MARKERS[index % len(MARKERS)])
        marker.size = 4
        marker.fillColor = PALETTE[index % len(PALETTE)]
        marker.strokeColor = PALETTE[index % len(PALETTE)]
        line.symbol = marker
        line.name = short(lines[index][0], 45) if index < len(lines) else ""
    drawing.add(chart, name="chart")
    if lines:
        legend = Legend()
        legend.x, legend.y = 40, 8 + 12 * legend_rows
        legend.fontName = FONT
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = legend_rows
        legend.deltax = 220
        legend.dxTextSpace = 6
        # Auto: the legend draws each line's own sample (dash and marker), not a colour box.
        legend.colorNamePairs = Auto(obj=chart)
        drawing.add(legend, name="legend")
    return drawing


def distribution_chart(distribution: Mapping[str, Any]) -> Drawing:
    """Vertical bars: how many answers gave each mark 1-10, each bar labelled."""
    marks = [str(m) for m in range(1, 11)]
    counts = [int(dec(distribution.get(m)) or 0) for m in marks]
    drawing = Drawing(WIDTH * 0.6, 130)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 25
    chart.width, chart.height = WIDTH * 0.6 - 40, 90
    chart.data = [counts]
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.nudge = 6
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(counts) * 1.2, 1)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d"
    chart.categoryAxis.categoryNames = marks
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    drawing.add(chart, name="chart")
    drawing.add(
        String(
            chart.x + chart.width / 2,
            3,
            _("cijfer"),
            fontName=FONT,
            fontSize=7,
            textAnchor="middle",
        )
    )
    return drawing
