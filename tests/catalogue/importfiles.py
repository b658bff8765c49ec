"""Helpers for the catalogue import and export tests: files built from rows, and a good
catalogue of twenty instruments of every kind for the ``world`` of tests/conftest.py."""

from __future__ import annotations

import csv
import io
from typing import Any

from loket.catalogue.importing import HEADERS
from loket.catalogue.models import Instrument, InstrumentVersion


def csv_bytes(
    rows: list[dict[str, Any]],
    headers: list[str] | tuple[str, ...] | None = None,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    headers = list(headers or HEADERS)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[dict[str, Any]], headers: list[str] | tuple[str, ...] | None = None
) -> bytes:
    from openpyxl import Workbook

    headers = list(headers or HEADERS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int]:
    """Instruments and versions: what an import that writes nothing leaves alone."""
    return Instrument.objects.count(), InstrumentVersion.objects.count()


def good_rows() -> list[dict[str, Any]]:
    """Twenty instruments of the Drenthe region of ``world`` (and two national ones)."""
    rows: list[dict[str, Any]] = [
        {
            "naam": "Innovatievoucher Drenthe",
            "korte_omschrijving": "Tot € 5.000 voor advies over een innovatie.",
            "omschrijving": "<p>Voor <strong>mkb</strong> in Drenthe.</p><script>x()</script>",
            "soort": "voucher",
            "aanbieder": "programme",
            "aanbiedende_organisatie": "Programmabureau IBDO",
            "themas": "innovation; digitalisation",
            "fasen": "innoveren; growth",
            "zoekwoorden": "prototype, advies",
            "grootteklassen": "micro; small",
            "min_werkzame_personen": "1",
            "max_werkzame_personen": "250",
            "min_leeftijd": "0",
            "max_leeftijd": "50",
            "sbi_alleen": "C; 62",
            "sbi_niet": "",
            "gemeenten": "Assen; Emmen",
            "rechtsvormen": "bv; eenmanszaak",
            "bedrag_min": "1.000,00",
            "bedrag_max": "5.000",
            "eigen_bijdrage": "1234.56",
            "aanvragen": "Vraag aan via het formulier.",
            "contactorganisatie": "Programmabureau IBDO",
            "contactpersoon": "Alice Advies",
            "contact_email": "innovatie@ibdo.example",
            "contact_telefoon": "+31 592 123 456",
            "website": "www.ibdo.example/voucher",
            "open_vanaf": "01-01-2026",
            "open_tot": "2026-12-31",
            "deadline": "30-11-2026",
            "budget_uitgeput": "nee",
            "gepubliceerd": "ja",
            "laatst_gecontroleerd": "01-11-2026",
        },
        {
            "naam": "Starterslening Assen",
            "korte_omschrijving": "Een lening voor starters in Assen.",
            "soort": "lening",  # the Dutch label works as well as the code
            "aanbieder": "een partner",
            "aanbiedende_organisatie": "Gemeente Assen",
            "themas": "finance; starters",
            "fasen": "start",
            "gemeenten": "Assen",
            "bedrag_max": "€ 50.000,-",
            "contactorganisatie": "Gemeente Assen",
        },
        {
            "naam": "WBSO",
            "korte_omschrijving": "Fiscale regeling voor speur- en ontwikkelwerk.",
            "soort": "subsidy",
            "aanbieder": "national",
            "naam_aanbieder": "RVO",
            "themas": "innovation",
            "fasen": "innovation",
            "website": "https://www.rvo.nl/wbso",
        },
        {
            "naam": "Horizon Europe EIC Accelerator",
            "korte_omschrijving": "Europese steun voor baanbrekende innovaties.",
            "soort": "subsidy",
            "aanbieder": "eu",
            "naam_aanbieder": "Europese Commissie",
            "fasen": "innovation; growth",
            "bedrag_max": "2500000",
        },
    ]
    kinds = [
        "guarantee",
        "advice",
        "training",
        "event_series",
        "peer_table",
        "financing_table",
        "student_carousel",
        "cluster_support",
        "information",
        "subsidy",
        "voucher",
        "advice",
        "training",
        "loan",
        "information",
        "peer_table",
    ]
    for n, kind in enumerate(kinds, start=1):
        rows.append(
            {
                "naam": f"Programma-instrument {n:02d}",
                "korte_omschrijving": f"Instrument nummer {n} van het programma.",
                "soort": kind,
                "aanbieder": "programme",
                "aanbiedende_organisatie": "Programmabureau IBDO",
                "fasen": "growth",
                "themas": "growth",
                "open_vanaf": f"{n:02d}-02-2026",
            }
        )
    return rows
