"""The municipality view as a one-page A4 PDF to take to the council (reportlab).

Title, period, per programme the key figures as big numbers, a bar chart of the quarter
against the year to date, the table of all figures, the top needs, and a footnote on
the definitions. Everything sits in one frame that shrinks to fit, so the paper is
always one page, however many programmes run in the quarter.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from loket.monitoring.municipality import FIGURES, need_name
from loket.monitoring.municipality_format import figure_text

KEY_FIGURES = ("companies_helped", "events_held", "trajectories_started", "euros_paid")
CHART_FIGURES = (
    "companies_helped",
    "cases",
    "intakes",
    "events_held",
    "event_visits",
    "trajectories_started",
    "trajectories_completed",
)


def _escape(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def footnote() -> str:
    return _(
        "Bedrijven geholpen: bedrijven uit de gemeente met een contactmoment of hulpvraag "
        "van een uitvoerende organisatie van het programma in de periode; nieuw: zonder "
        "eerder contactmoment of eerdere hulpvraag. Evenementen: gehouden in de gemeente, "
        "met de bezoeken (aanwezig) daaraan; bedrijven op een evenement: bedrijven uit de "
        "gemeente die een evenement van het programma bezochten. Trajecten en vouchers: "
        "voor bedrijven uit de gemeente; bedragen excl. btw. Behoeften: contactmomenten "
        "per behoefte in het kwartaal. Jaar tot nu: van 1 januari (of de start van het "
        "programma) tot het einde van het kwartaal. Alleen totalen, geen bedrijfsnamen."
    )


def title(data: dict[str, Any]) -> str:
    return _("Wat het programma deed in %(name)s") % {"name": data["municipality"]["name"]}


def to_pdf(data: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    buffer = io.BytesIO()
    margin = 15 * mm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title(data),
        lang="nl",
    )
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    small = normal.clone("small", fontSize=7.5, leading=9)
    small_bold = small.clone("small_bold", fontName="Helvetica-Bold")
    small_right = small.clone("small_right", alignment=2)
    big = normal.clone("big", fontName="Helvetica-Bold", fontSize=20, leading=24, alignment=1)
    caption = small.clone("caption", alignment=1)
    period = _("%(label)s (%(start)s tot en met %(end)s)") % {
        "label": data["label"],
        "start": data["start"].strftime("%d-%m-%Y"),
        "end": data["end"].strftime("%d-%m-%Y"),
    }
    story: list[Any] = [
        Paragraph(_escape(title(data)), styles["Title"]),
        Paragraph(
            _escape(
                _("Periode: %(period)s. Gemaakt op %(today)s.")
                % {"period": period, "today": timezone.localdate().strftime("%d-%m-%Y")}
            ),
            normal,
        ),
        Spacer(1, 4 * mm),
    ]
    width = doc.width
    if not data["programmes"]:
        story.append(Paragraph(_escape(_("In dit kwartaal liep geen programma.")), normal))
    for programme in data["programmes"]:
        figures = {row["key"]: row for row in programme["figures"]}
        story.append(Paragraph(_escape(programme["name"]), styles["Heading2"]))
        # Key figures as big numbers.
        cells = [
            [Paragraph(_escape(figure_text(figures[key], "quarter")), big) for key in KEY_FIGURES],
            [Paragraph(_escape(FIGURES[key][0]), caption) for key in KEY_FIGURES],
        ]
        boxes = PdfTable(cells, colWidths=[width / len(KEY_FIGURES)] * len(KEY_FIGURES))
        boxes.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F2F5F8")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [boxes, Spacer(1, 3 * mm)]
        # The table of all figures beside the chart.
        rows: list[list[Any]] = [
            [
                Paragraph(_escape(_("Cijfer")), small_bold),
                Paragraph(_escape(_("Kwartaal")), small_bold),
                Paragraph(_escape(_("Jaar tot nu")), small_bold),
            ]
        ]
        for key, (label, _unit) in FIGURES.items():
            rows.append(
                [
                    Paragraph(_escape(label), small),
                    Paragraph(_escape(figure_text(figures[key], "quarter")), small_right),
                    Paragraph(_escape(figure_text(figures[key], "ytd")), small_right),
                ]
            )
        table = PdfTable(rows, colWidths=[52 * mm, 20 * mm, 20 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        chart = _chart(figures, width - 96 * mm)
        side = PdfTable([[table, chart]], colWidths=[94 * mm, width - 94 * mm])
        side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [side, Spacer(1, 3 * mm)]
        # Needs.
        story.append(
            Paragraph(_escape(_("Meest gehoorde behoeften dit kwartaal")), styles["Heading3"])
        )
        if programme["needs"]:
            needs = [
                [
                    Paragraph(_escape(_("Behoefte")), small_bold),
                    Paragraph(_escape(_("Contactmomenten")), small_bold),
                ]
            ]
            needs += [
                [
                    Paragraph(_escape(need_name(row)), small),
                    Paragraph(str(row["count"]), small_right),
                ]
                for row in programme["needs"]
            ]
            needs_table = PdfTable(needs, colWidths=[70 * mm, 30 * mm], hAlign="LEFT")
            needs_table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                    ]
                )
            )
            story.append(needs_table)
        else:
            story.append(Paragraph(_escape(_("Geen behoeften vastgelegd.")), small))
        story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(_escape(footnote()), small))
    frame = KeepInFrame(doc.width, doc.height, story, mode="shrink")
    doc.build([frame])
    return buffer.getvalue()


def _chart(figures: dict[str, dict[str, Any]], width: float) -> Any:
    """Bars of the quarter against the year to date (the counts of ``CHART_FIGURES``)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    height = 150.0
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 25
    chart.width, chart.height = max(width - 125, 40), height - 35
    keys = list(reversed(CHART_FIGURES))
    chart.data = [
        [float(figures[key]["quarter"]) for key in keys],
        [float(figures[key]["ytd"]) for key in keys],
    ]
    chart.categoryAxis.categoryNames = [str(FIGURES[key][0])[:30] for key in keys]
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    top = max([Decimal(1)] + [Decimal(figures[key]["ytd"]) for key in keys])
    chart.valueAxis.valueMax = float(top)
    chart.valueAxis.labels.fontSize = 6.5
    chart.bars[0].fillColor = colors.HexColor("#1F5C99")
    chart.bars[1].fillColor = colors.HexColor("#A6C8E8")
    chart.barWidth = 4
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 110, 10
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [
        (colors.HexColor("#1F5C99"), _("Kwartaal")),
        (colors.HexColor("#A6C8E8"), _("Jaar tot nu")),
    ]
    drawing.add(legend)
    return drawing
