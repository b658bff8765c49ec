"""The report as a PDF: A4 portrait, printable, in the active language.

A cover block (programme, organisation or "samengevoegd", period, generated date), then
the sections in a fixed order: 1 Indicatoren (a table and charts per action line),
2 Financiering, 3 Toelichting per actielijn, 4 Behoeften en signalen, 5 Tevredenheid and,
when the data has them, 6 Businesscases. Every page has a footer with the title, the
period and "pagina X van Y".

Deterministic: reportlab's invariant mode (no random document id, no clock) with the
creation date taken from ``data["generated_at"]``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from loket.monitoring.render import charts, common, html
from loket.monitoring.render.common import items, mapping, text
from loket.monitoring.render.sections import business_cases_rows, satisfaction_rows

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#9E9E9E")
HEAD = colors.HexColor("#E6E6E6")


class _Stamp:
    """reportlab's TimeStamp, fixed to the data's generated_at (the PDF's dates)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        moment = common.generated_at(data)
        offset = moment.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset else 0
        self.t = moment.timestamp()
        self.YMDhms = (
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
        )
        self.dhh, self.dmm = int(minutes / 60), abs(minutes) % 60


class _NumberedCanvas(Canvas):
    """Keeps every page until the end so the footer can say "pagina X van Y"."""

    def __init__(
        self, *args: Any, footer: str = "", stamp: _Stamp | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []
        if stamp is not None:
            self._doc._timeStamp = stamp

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, 10 * mm, self._footer)
            self.drawRightString(
                A4[0] - MARGIN,
                10 * mm,
                _("pagina %(page)s van %(total)s") % {"page": number, "total": total},
            )
            super().showPage()
        super().save()


def _styles() -> StyleSheet1:
    styles = getSampleStyleSheet()
    styles.add(styles["BodyText"].clone("cell", fontSize=8, leading=10, spaceBefore=0))
    styles.add(styles["cell"].clone("cell_bold", fontName="Helvetica-Bold"))
    styles.add(styles["cell"].clone("number", alignment=2))
    styles.add(styles["number"].clone("number_bold", fontName="Helvetica-Bold"))
    for name in ("cell", "cell_bold", "number", "number_bold"):
        styles.add(styles[name].clone("small_" + name, fontSize=7, leading=8.5))
    styles["Heading1"].spaceBefore = 8
    for name in ("Heading1", "Heading2", "Heading3"):
        styles[name].keepWithNext = 1
    styles.add(styles["BodyText"].clone("body", fontSize=9.5, leading=12.5))
    styles.add(
        styles["body"].clone(
            "nh3", fontName="Helvetica-Bold", fontSize=10.5, spaceBefore=6, keepWithNext=1
        )
    )
    styles.add(
        styles["body"].clone("nh4", fontName="Helvetica-Bold", spaceBefore=4, keepWithNext=1)
    )
    styles.add(
        styles["body"].clone(
            "caption", fontSize=8, textColor=colors.HexColor("#444444"), keepWithNext=1
        )
    )
    return styles


def _p(value: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text(value)), style)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    styles: StyleSheet1,
    widths: Sequence[float] | None = None,
    numeric: Sequence[int] = (),
    totals: Sequence[Sequence[Any]] = (),
    small: bool = False,
) -> Table:
    """A ruled table: a grey header row repeated on each page, numbers right-aligned,
    total rows bold; ``small`` for many columns (smaller type, less padding)."""
    prefix = "small_" if small else ""

    def line(row: Sequence[Any], bold: bool) -> list[Any]:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            name = prefix + ("number" if index in numeric else "cell")
            cells.append(_p(value, styles[name + "_bold" if bold else name]))
        return cells

    body = [line(header, True)]
    body += [line(row, False) for row in rows]
    body += [line(row, True) for row in totals]
    # splitInRow: a cell taller than a page (a long signal) continues on the next one.
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *(
                    [("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
                    if small
                    else []
                ),
            ]
        )
    )
    table.spaceAfter = 3 * mm
    return table


def _cover(data: Mapping[str, Any], styles: StyleSheet1) -> list[Any]:
    programme = mapping(data.get("programme"))
    rows = [
        (_("Programma"), text(programme.get("name"))),
        (_("Organisatie"), common.organisation_text(data)),
        (_("Periode"), common.period_text(data)),
        (_("Soort"), common.kind_text(data)),
        (_("Gemaakt op"), common.moment_text(data)),
    ]
    table = Table(
        [[_p(k, styles["cell_bold"]), _p(v, styles["body"])] for k, v in rows],
        colWidths=[35 * mm, WIDTH - 35 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, -1), (-1, -1), 0.5, GRID)]
        )
    )
    return [_p(common.title(data), styles["Title"]), table, Spacer(1, 6 * mm)]


def _indicators(data: Mapping[str, Any], styles: StyleSheet1) -> list[Any]:
    story: list[Any] = [_p("1 " + _("Indicatoren"), styles["Heading1"])]
    groups = common.action_lines(data)
    if not groups:
        return [*story, _p(_("Er zijn geen indicatoren voor deze periode."), styles["body"])]
    series = common.series_of(data)
    header = [
        _("Indicator"),
        _("Doel"),
        _("Dit kwartaal"),
        _("Cumulatief"),
        _("% van doel"),
        _("Status"),
    ]
    for name, rows in groups:
        story.append(_p(name, styles["Heading2"]))
        body = []
        for row in rows:
            unit = text(row.get("unit")) or "count"
            target = common.target_text(row.get("target"), unit)
            period = common.target_period(row.get("target"))
            target_cell = Paragraph(
                escape(target)
                + (f"<br/><font size=6.5>{escape(period)}</font>" if period and target else ""),
                styles["number"],
            )
            if row.get("suppressed"):
                shown = [_("niet getoond")] * 3
                status = _("minder dan 5 antwoorden")
            else:
                shown = [
                    common.value_text(row.get("quarter"), unit),
                    common.value_text(row.get("cumulative"), unit),
                    common.value_text(row.get("percent"), "percent"),
                ]
                status = common.status_word(row.get("status"))
            body.append([text(row.get("name")), target_cell, *shown, status])
        story.append(
            _table(
                header,
                body,
                styles,
                widths=[140, 72, 64, 64, 56, WIDTH - 396],
                numeric=(1, 2, 3, 4),
            )
        )
        percents = [
            (text(r.get("name")), None, _("niet getoond"))
            if r.get("suppressed")
            else (text(r.get("name")), r.get("percent"), _("geen doel"))
            for r in rows
        ]
        story.append(
            KeepTogether(
                [
                    _p(_("Percentage van het doel: %(line)s") % {"line": name}, styles["caption"]),
                    charts.percent_chart(percents),
                ]
            )
        )
        lines = [
            (text(r.get("name")), series[r.get("id")]) for r in rows if series.get(r.get("id"))
        ]
        if lines:
            story.append(
                KeepTogether(
                    [
                        _p(_("Verloop per kwartaal: %(line)s") % {"line": name}, styles["caption"]),
                        charts.series_chart(lines),
                    ]
                )
            )
        story.append(Spacer(1, 4 * mm))
    return story


def _financing(data: Mapping[str, Any], styles: StyleSheet1) -> list[Any]:
    story: list[Any] = [_p("2 " + _("Financiering"), styles["Heading1"])]
    financing = mapping(data.get("financing"))
    columns = [text(c) for c in items(financing.get("columns"))]
    if not columns:
        return [*story, _p(_("Geen gegevens over de financiering."), styles["body"])]
    kinds = common.financing_kinds(financing)

    def shaped(row: Any) -> list[str]:
        cells = items(row)[: len(columns)]
        cells += [""] * (len(columns) - len(cells))
        return [common.financing_cell(c, k) for c, k in zip(cells, kinds, strict=True)]

    first = min(110.0, WIDTH / 3)
    rest = (WIDTH - first) / max(len(columns) - 1, 1)
    numeric = [i for i, k in enumerate(kinds) if k != "text"]
    story.append(
        _table(
            columns,
            [shaped(r) for r in items(financing.get("rows"))],
            styles,
            widths=[first] + [rest] * (len(columns) - 1),
            numeric=numeric,
            totals=[shaped(r) for r in items(financing.get("totals"))],
        )
    )
    return story


def _html(source: Any, styles: StyleSheet1) -> list[Any]:
    flowables: list[Any] = []
    for block in html.blocks(text(source)):
        if block.kind in ("h3", "h4"):
            flowables.append(Paragraph(block.markup(), styles["n" + block.kind]))
        elif block.kind == "li":
            indent = 14 * max(block.depth, 1)
            style = styles["body"].clone("li", leftIndent=indent, bulletIndent=indent - 11)
            flowables.append(Paragraph(block.markup(), style, bulletText=block.bullet or None))
        else:
            flowables.append(Paragraph(block.markup(), styles["body"]))
    return flowables


def _narratives(data: Mapping[str, Any], styles: StyleSheet1) -> list[Any]:
    story: list[Any] = [_p("3 " + _("Toelichting per actielijn"), styles["Heading1"])]
    narratives = [mapping(n) for n in items(data.get("narratives"))]
    if not narratives:
        return [*story, _p(_("Er is geen toelichting geschreven."), styles["body"])]
    for narrative in narratives:
        story.append(_p(narrative.get("action_line") or _("Algemeen"), styles["Heading2"]))
        flowables = _html(narrative.get("html"), styles)
        for part in (mapping(p) for p in items(narrative.get("parts"))):
            written = _html(part.get("html"), styles)
            if written:
                flowables += [_p(part.get("organisation"), styles["Heading3"]), *written]
        story += flowables or [_p(_("Geen toelichting."), styles["body"])]
    return story


def _antenna(data: Mapping[str, Any], styles: StyleSheet1) -> list[Any]:
    story: list[Any] = [_p("4 " + _("Behoeften en signalen"), styles["Heading1"])]
    antenna = mapping(data.get("antenna"))
    needs = [mapping(n) for n in items(antenna.get("needs"))]
    story.append(_p(_("Behoeften van ondernemers"), styles["Heading2"]))
    if needs:
        rows = [[text(n.get("need")), common.plain(n.get("count"))] for n in needs]
        story.append(
            _table(
                [_("Behoefte"), _("Aantal")], rows, styles, widths=[WIDTH - 80, 80], numeric=(1,)
            )
        )
    else:
        story.append(_p(_("Geen behoeften vastgelegd in deze periode."), styles["body"]))
    story.append(_p(_("Signalen voor beleid"), styles["Heading2"]))
    signals = [mapping(s) for s in items(antenna.get("signals"))]
    if signals:
        rows = [
            [
                common.date_text(s.get("date")),
                text(s.get("theme")),
                text(s.get("organisation")),
                text(s.get("text")),
            ]
            for s in signals
        ]
        story.append(
            _table(
                [_("Datum"), _("Thema"), _("Organisatie"), _("Signaal")],
                rows,
                styles,
                widths=[55, 75, 80, WIDTH - 210],
            )
        )
    else:
        story.append(_p(_("Geen signalen in deze periode."), styles["body"]))
    return story


def _satisfaction(data: Mapping[str, Any], styles: StyleSheet1) -> list[Any]:
    story: list[Any] = [_p("5 " + _("Tevredenheid"), styles["Heading1"])]
    found = mapping(data.get("satisfaction"))
    summary, recommend, comments = satisfaction_rows(found)
    story.append(
        _table(
            [_("Gegeven"), _("Waarde")],
            [(k, common.value_text(v, kind)) for k, v, kind in summary],
            styles,
            widths=[120, 100],
            numeric=(1,),
        )
    )
    if found.get("suppressed") or not found:
        story.append(Spacer(1, 2 * mm))
        story.append(
            _p(_("Minder dan 5 antwoorden: de resultaten worden niet getoond."), styles["body"])
        )
        return story
    distribution = mapping(found.get("distribution"))
    if distribution:
        story.append(
            KeepTogether(
                [
                    _p(
                        _("Verdeling van de cijfers (aantal antwoorden per cijfer)"),
                        styles["caption"],
                    ),
                    charts.distribution_chart(distribution),
                ]
            )
        )
    if recommend:
        story.append(_p(_("Zou u ons aanbevelen?"), styles["Heading3"]))
        story.append(
            _table([_("Antwoord"), _("Aantal")], recommend, styles, widths=[120, 100], numeric=(1,))
        )
    for heading, texts in comments:
        story.append(_p(heading, styles["Heading3"]))
        bullet = styles["body"].clone("comment", leftIndent=14, bulletIndent=3)
        story += [Paragraph(escape(t), bullet, bulletText="•") for t in texts]
    return story


def _business_cases(data: Mapping[str, Any], styles: StyleSheet1) -> list[Any]:
    found = data.get("business_cases")
    if not isinstance(found, Mapping):
        return []
    story: list[Any] = [_p("6 " + _("Businesscases"), styles["Heading1"])]
    totals, header, rows = business_cases_rows(found)
    story.append(
        _p(
            _("Aantal businesscases: %(count)s")
            % {"count": common.plain(found.get("count") or len(rows))},
            styles["body"],
        )
    )
    story.append(
        _table(
            [_("Effect"), _("Verwacht"), _("Gerealiseerd")],
            [(name, common.value_text(e, k), common.value_text(r, k)) for name, e, r, k in totals],
            styles,
            widths=[150, 110, 110],
            numeric=(1, 2),
        )
    )
    if rows:
        # The case (title, company, start) in one cell, then the six figures.
        shown: list[list[Any]] = []
        for row in rows:
            (title, _k1), (company, _k2), (started, _k3) = row[:3]
            case = "<br/>".join(
                escape(v) for v in (text(title), text(company), common.date_text(started)) if v
            )
            figures = [common.value_text(v, k) for v, k in row[3:]]
            shown.append([Paragraph(case, styles["small_cell"]), *figures])
        headings = [_("Businesscase")] + [h for h, _k in header[3:]]
        money = (WIDTH - 120 - 2 * 52) / 4
        story.append(
            _table(
                headings,
                shown,
                styles,
                widths=[120, money, money, money, money, 52, 52],
                numeric=range(1, 7),
                small=True,
            )
        )
    return story


def to_pdf(data: Mapping[str, Any]) -> bytes:
    """The report data as an A4 PDF; the same data gives the same bytes."""
    data = mapping(data)
    styles = _styles()
    buffer = io.BytesIO()
    period = text(mapping(data.get("period")).get("label"))
    heading = common.title(data)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=heading,
        subject=period,
        author="Loket",
        creator="Loket",
        lang=translation.get_language() or "nl",
        invariant=1,
    )
    footer = charts.short(heading, 90) + (
        f" · {period}" if period and period not in heading else ""
    )
    story: list[Any] = []
    for section in (
        _cover,
        _indicators,
        _financing,
        _narratives,
        _antenna,
        _satisfaction,
        _business_cases,
    ):
        story += section(data, styles)
    stamp = _Stamp(data)
    doc.build(
        story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, stamp=stamp, **k)
    )
    return buffer.getvalue()
