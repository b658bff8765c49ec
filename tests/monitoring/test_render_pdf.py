"""The report PDF: read back with pypdf, the figures, sections and footers are there."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.utils import translation
from pypdf import PdfReader

from loket.monitoring.render import charts
from loket.monitoring.report_render import to_pdf
from tests.monitoring.report_data_example import (
    example,
    organisation_report,
    suppressed_satisfaction,
)


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)  # cells wrap: compare words, not lines


def test_it_is_a4_portrait_with_a_cover():
    reader, text = read(to_pdf(example()))
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 595
        assert round(float(page.mediabox.height)) == 842
    assert "Kwartaalrapportage 2026 K1 - IBDO 2025-2028" in text
    assert "IBDO 2025-2028" in text
    assert "samengevoegd" in text
    assert "2026 K1 (01-01-2026 t/m 31-03-2026)" in text
    assert "02-04-2026 10:00" in text
    assert reader.metadata.title == "Kwartaalrapportage 2026 K1 - IBDO 2025-2028"


def test_every_page_has_its_number_of_the_total_and_the_title():
    reader, _text = read(to_pdf(example()))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert f"pagina {number} van {total}" in page_text
        assert "Kwartaalrapportage 2026 K1 - IBDO 2025-2028" in page_text


def test_the_sections_come_in_order():
    _reader, text = read(to_pdf(example()))
    headings = [
        "1 Indicatoren",
        "2 Financiering",
        "3 Toelichting per actielijn",
        "4 Behoeften en signalen",
        "5 Tevredenheid",
        "6 Businesscases",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)


def test_the_indicator_table_shows_targets_figures_and_status_words():
    _reader, text = read(to_pdf(example()))
    assert "Intakes digitalisering" in text
    assert "150" in text
    assert "5-10" in text
    assert "60,0 %" in text
    assert "120,0 %" in text
    assert "1.234,5" in text  # hours
    assert "€ 250.000,00" in text
    assert "€ 12.500,50" in text
    for word in ("op koers", "achter", "behaald"):
        assert word in text
    # A mark on fewer than 5 answers is not shown, and says why.
    assert "minder dan 5 antwoorden" in text


def test_charts_are_drawn():
    _reader, text = read(to_pdf(example()))
    assert "Percentage van het doel: Digitalisering" in text
    assert "Verloop per kwartaal: Internationaal ondernemen" in text
    assert "doel (100 %)" in text  # drawn inside the bar chart
    assert "2025 K3" in text  # a category of the line chart
    drawing = charts.percent_chart(
        [("Intakes", "60.0", "geen doel"), ("Cijfer", None, "niet getoond")]
    )
    # The first indicator on top (reportlab draws bottom-up), each bar with its label.
    assert drawing.chart.data == [[0, 60.0]]
    assert drawing.chart.barLabelArray == [["niet getoond", "60,0 %"]]
    lines = charts.series_chart([("Intakes", [("2025 K4", "31"), ("2026 K1", "38")])])
    assert lines.chart.data == [[31.0, 38.0]]
    assert lines.chart.categoryAxis.categoryNames == ["2025 K4", "2026 K1"]


def test_financing_narratives_needs_and_signals():
    _reader, text = read(to_pdf(example()))
    assert "Provincie Drenthe" in text
    assert "€ 98.765,43" in text
    assert "23,8 %" in text
    assert "€ 139.765,43" in text  # the totals row
    assert "De intakes lopen volgens plan." in text
    # A merged report: each organisation's part under its name.
    assert re.search(r"KvK KvK hield 38 intakes over digitalisering & AI\.", text)
    assert "NOM Trajecten De NOM startte" in text
    assert "(https://www.nom.nl/digitaal)" in text
    assert "Webinars: drie" in text
    assert "Exporttafel België" in text
    assert "Innovatie" in text
    assert "152" in text
    assert "Ondernemers lopen vast op douanepapieren na de nieuwe EU-regels." in text
    assert "03-02-2026" in text


def test_satisfaction_and_business_cases():
    _reader, text = read(to_pdf(example()))
    assert "8,1" in text
    assert "40,0 %" in text
    assert "Zou u ons aanbevelen?" in text
    assert "Snelle doorverwijzing naar de juiste regeling." in text
    assert "Minder formulieren graag." in text
    assert "Aantal businesscases: 2" in text
    assert "€ 1.500.000,00" in text
    assert "€ 320.000,00" in text
    assert "12,5" in text
    assert "Waterstoffabriek" in text
    assert "H2 Emmen BV" in text


def test_fewer_than_five_answers_hide_the_results():
    _reader, text = read(to_pdf(suppressed_satisfaction()))
    assert "Minder dan 5 antwoorden: de resultaten worden niet getoond." in text
    assert "15,0 %" in text  # the response rate is still shown
    assert "8,1" not in text
    assert "Zou u ons aanbevelen?" not in text


def test_an_organisation_report_names_it_and_may_lack_business_cases():
    _reader, text = read(to_pdf(organisation_report()))
    assert "Organisatie KvK" in text
    assert "samengevoegd" not in text
    assert "6 Businesscases" not in text


def test_the_same_data_gives_the_same_bytes():
    first = to_pdf(example())
    time.sleep(1.1)
    assert to_pdf(example()) == first
    reader = PdfReader(io.BytesIO(first))
    assert reader.metadata["/CreationDate"] == "D:20260402100000+02'00'"
    changed = example()
    changed["indicators"][0]["quarter"] = "39"
    assert to_pdf(changed) != first


GARBAGE = [
    {},
    {"title": None, "indicators": None, "series": "x", "financing": [], "narratives": {}},
    {
        "generated_at": "gisteren",
        "period": {"start": "kapot", "end": None, "label": 7},
        "indicators": ["x", {"unit": "money", "quarter": "abc", "percent": "NaN", "target": 5}],
        "series": [{"indicator_id": None, "points": [{"label": None, "value": "1e999999"}]}],
        "financing": {"columns": ["A", "B"], "rows": [["x"], ["y", "1", "2"], None], "totals": 3},
        "narratives": [{"html": "<script>alert(1)</script><p><b>x</i>", "parts": [None, {}]}],
        "antenna": {"needs": [{"need": None, "count": "veel"}], "signals": [{"date": "x"}]},
        "satisfaction": {"answers": 2, "suppressed": False, "distribution": {"11": 4, "x": "y"}},
        "business_cases": {"rows": [{}], "count": None},
    },
]


@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_and_missing_parts_render(data):
    _reader, text = read(to_pdf(data))
    assert "1 Indicatoren" in text
    assert "5 Tevredenheid" in text
    assert "alert(1)" not in text


def test_empty_parts_say_so():
    data = example()
    data.update(indicators=[], series=[], narratives=[], business_cases=None)
    data["antenna"] = {"needs": [], "signals": []}
    _reader, text = read(to_pdf(data))
    assert "Er zijn geen indicatoren voor deze periode." in text
    assert "Er is geen toelichting geschreven." in text
    assert "Geen signalen in deze periode." in text
    assert "6 Businesscases" not in text


def test_very_long_texts_flow_over_pages():
    data = example()
    data["antenna"]["signals"][0]["text"] = "Een heel lang signaal. " * 400
    data["indicators"][0]["name"] = "x" * 300
    data["narratives"][0]["html"] = "<p>" + "woord " * 3000 + "</p><ul>" + "<li>punt</li>" * 200
    reader, text = read(to_pdf(data))
    assert len(reader.pages) > 6
    assert "Een heel lang signaal." in text


def test_a_line_of_fewer_than_two_points_renders():
    """A mark never shown (fewer than 5 answers in every quarter), or shown in one quarter
    only: a line of fewer than two points."""
    from reportlab.graphics import renderPDF

    from loket.monitoring.render.charts import series_chart

    for lines in (
        [("Intakes", [("2025 K1", "3")]), ("Cijfer", [("2025 K1", None), ("2025 K2", None)])],
        [
            ("Intakes", [("2025 K1", "3"), ("2025 K2", "5")]),
            ("Cijfer", [("2025 K1", None), ("2025 K2", "8.1")]),
        ],
    ):
        assert renderPDF.drawToString(series_chart(lines)).startswith(b"%PDF")
