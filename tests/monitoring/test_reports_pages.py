"""Report pages: who may open and write which report, the text per action line
(sanitised), submitting a frozen version that later changes leave byte-identical, the
stored downloads, the differences between versions, and garbage on every form."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from loket.monitoring.models import Narrative, Report, ReportVersion
from loket.monitoring.services import reports as services
from tests.monitoring.reports_world import build_world, moment


@pytest.fixture
def rw(world):
    return build_world(world)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _detail(report):
    return reverse("monitoring:report_detail", args=[report.pk])


def _narrative(report, line):
    return reverse("monitoring:report_narrative", args=[report.pk, line.pk])


# --- who -------------------------------------------------------------------------------


def test_bob_writes_the_report_of_gemeente_assen(rw, world, login):
    client = login(world.bob)
    response = client.get(_detail(rw.assen))
    assert response.status_code == 200
    assert "Kwartaalrapportage 2026 K1 - IBDO 2025-2028 - Gemeente Assen" in response.text
    response = client.post(
        _narrative(rw.assen, rw.line),
        {"text": "<p>Twee <strong>intakes</strong>.</p><script>alert('x')</script>"},
    )
    assert response.status_code == 302
    text = Narrative.objects.get(report=rw.assen, action_line=rw.line).text
    assert text == "<p>Twee <strong>intakes</strong>.</p>"
    page = client.get(_detail(rw.assen)).text
    assert "<p>Twee <strong>intakes</strong>.</p>" in page
    assert "alert(" not in page


def test_plain_text_becomes_paragraphs(rw, world):
    narrative = services.save_narrative(world.pam, rw.merged, rw.line, "Eerste regel\n\nTweede & <")
    assert narrative.text == "<p>Eerste regel</p><p>Tweede &amp; &lt;</p>"


@pytest.mark.parametrize("role", ["charlie", "olga"])
def test_outsiders_get_404(rw, world, login, role):
    client = login(getattr(world, role))
    for url in (
        reverse("monitoring:report_list", args=[rw.programme.pk]),
        _detail(rw.assen),
        _detail(rw.merged),
        _narrative(rw.assen, rw.line),
        reverse("monitoring:report_submit", args=[rw.assen.pk]),
    ):
        assert client.get(url).status_code == 404, url
        # the report page itself is GET-only: a POST is refused before anything else
        assert client.post(url, {"text": "x"}).status_code in (404, 405), url
    assert not Narrative.objects.exists()


def test_a_partner_cannot_make_or_submit_the_merged_report(rw, world, login):
    with pytest.raises(PermissionDenied):
        services.create_report(
            world.bob,
            rw.programme,
            {"kind": "quarter", "year": 2026, "quarter": 2, "organisation": None},
        )
    # bob does not see the merged report at all; alice (advisor) sees it but may not submit
    assert login(world.bob).get(_detail(rw.merged)).status_code == 404
    client = login(world.alice)
    assert client.get(_detail(rw.merged)).status_code == 200
    assert client.post(reverse("monitoring:report_submit", args=[rw.merged.pk])).status_code == 403
    assert not ReportVersion.objects.exists()


def test_the_list_shows_drafts_and_versions_per_period(rw, world, login):
    services.submit(world.bob, rw.assen, "")
    response = login(world.pam).get(reverse("monitoring:report_list", args=[rw.programme.pk]))
    assert response.status_code == 200
    assert "Samengevoegd (hele programma)" in response.text
    assert "ingediend: versie 1 op" in response.text
    assert "concept" in response.text


def test_a_manager_creates_a_report_from_the_list(rw, world, login):
    client = login(world.pam)
    url = reverse("monitoring:report_list", args=[rw.programme.pk])
    response = client.post(
        url, {"kind": "quarter", "year": "2026", "quarter": "2", "organisation": "merged"}
    )
    report = Report.objects.get(year=2026, quarter=2)
    assert response.status_code == 302
    assert response["Location"] == _detail(report)
    assert report.organisation is None
    again = client.post(
        url, {"kind": "quarter", "year": "2026", "quarter": "2", "organisation": "merged"}
    )
    assert again.status_code == 422
    assert "Deze rapportage bestaat al." in again.text


# --- freezing ------------------------------------------------------------------------


def test_a_submitted_version_never_changes(rw, world, login, django_capture_on_commit_callbacks):
    client = login(world.pam)
    services.save_narrative(world.pam, rw.merged, rw.line, "<p>Oude tekst</p>")
    response = client.post(
        reverse("monitoring:report_submit", args=[rw.merged.pk]), {"note": "Eerste keer"}
    )
    assert response.status_code == 302
    v1 = ReportVersion.objects.get(report=rw.merged, number=1)
    assert v1.note == "Eerste keer"
    assert v1.submitted_by == world.pam
    assert v1.pdf_sha256 == hashlib.sha256(bytes(v1.pdf)).hexdigest()
    assert v1.xlsx_sha256 == hashlib.sha256(bytes(v1.xlsx)).hexdigest()
    frozen = (bytes(v1.pdf), bytes(v1.xlsx), v1.data)
    # The PDF and the XLSX carry the figures (5 this quarter, 50 % of 10).
    text = _pdf_text(frozen[0])
    assert "Contactmomenten digitalisering" in text
    assert "Oude tekst" in text
    sheet_values = [
        c
        for ws in load_workbook(io.BytesIO(frozen[1])).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert "Contactmomenten digitalisering" in sheet_values
    assert any(v in (5, "5") for v in sheet_values)

    # The records change afterwards: two more contact moments and a new text.
    with django_capture_on_commit_callbacks(execute=True):
        moment(world, world.bureau, dt.date(2026, 3, 25))
        moment(world, world.gem_assen, dt.date(2026, 3, 26))
    services.save_narrative(world.pam, rw.merged, rw.line, "<p>Nieuwe tekst</p>")

    v1.refresh_from_db()
    assert (bytes(v1.pdf), bytes(v1.xlsx), v1.data) == frozen
    assert hashlib.sha256(bytes(v1.pdf)).hexdigest() == v1.pdf_sha256
    pdf = client.get(reverse("monitoring:report_version_pdf", args=[rw.merged.pk, 1]))
    assert pdf.content == frozen[0]
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        'attachment; filename="rapportage-ibdo-2025-2028-2026-k1-samengevoegd-v1.pdf"'
    )
    xlsx = client.get(reverse("monitoring:report_version_xlsx", args=[rw.merged.pk, 1]))
    assert xlsx.content == frozen[1]
    assert v1.data["indicators"][0]["quarter"] == "5"

    # The live draft did change: its text at once, its figures once recomputed (the page
    # says so meanwhile).
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(_detail(rw.merged)).text
    assert "Nieuwe tekst" in page
    assert "Ze worden nu op de achtergrond opnieuw berekend" in page
    page = client.get(_detail(rw.merged)).text
    assert "opnieuw berekend" not in page
    assert ">7<" in page.replace(" ", "")

    # Version 2 and its differences with version 1.
    v2 = services.submit(world.pam, rw.merged, "Tweede keer")
    assert v2.number == 2
    assert v2.data["indicators"][0]["quarter"] == "7"
    diff = client.get(reverse("monitoring:report_version_diff", args=[rw.merged.pk, 2]))
    assert diff.status_code == 200
    assert "Versie 2 vergeleken met versie 1" in diff.text
    rows = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", diff.text))
    assert "Contactmomenten digitalisering dit kwartaal 5 7" in rows
    assert "Digitalisering tekst gewijzigd" in rows
    first = client.get(reverse("monitoring:report_version_diff", args=[rw.merged.pk, 1]))
    assert "Dit is de eerste versie" in first.text


def test_the_draft_downloads_are_marked_as_concept(rw, world, login):
    client = login(world.bob)
    pdf = client.get(reverse("monitoring:report_draft_pdf", args=[rw.assen.pk]))
    assert pdf.status_code == 200
    assert "CONCEPT" in _pdf_text(pdf.content)
    assert "gemeente-assen-concept.pdf" in pdf["Content-Disposition"]
    xlsx = client.get(reverse("monitoring:report_draft_xlsx", args=[rw.assen.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    values = [c for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert any(isinstance(v, str) and "CONCEPT" in v for v in values)
    assert not ReportVersion.objects.exists()


def test_a_version_of_another_number_is_404(rw, world, login):
    services.submit(world.bob, rw.assen)
    client = login(world.bob)
    assert (
        client.get(reverse("monitoring:report_version_pdf", args=[rw.assen.pk, 2])).status_code
        == 404
    )
    assert (
        client.get(reverse("monitoring:report_version_diff", args=[rw.assen.pk, 9])).status_code
        == 404
    )


# --- garbage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "quarter", "year": "abc", "quarter": "1", "organisation": "merged"}, "year"),
        ({"kind": "quarter", "year": "2024", "quarter": "1", "organisation": "merged"}, "year"),
        ({"kind": "quarter", "year": "2026", "quarter": "9", "organisation": "merged"}, "quarter"),
        ({"kind": "weekly", "year": "2026", "quarter": "1", "organisation": "merged"}, "kind"),
        (
            {"kind": "quarter", "year": "2026", "quarter": "1", "organisation": "999999"},
            "organisation",
        ),
        (
            {"kind": "quarter", "year": "2026", "quarter": "1", "organisation": "\x00"},
            "organisation",
        ),
        ({}, "kind"),
    ],
)
def test_garbage_in_the_new_report_form(rw, world, login, data, field):
    before = Report.objects.count()
    response = login(world.pam).post(
        reverse("monitoring:report_list", args=[rw.programme.pk]), data
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Report.objects.count() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\x00b", "Null characters are not allowed."),
        ("x" * 60_000, "hooguit"),
    ],
)
def test_garbage_in_the_text(rw, world, login, text, message):
    response = login(world.bob).post(_narrative(rw.assen, rw.line), {"text": text})
    assert response.status_code == 422
    assert response.context["form"].errors["text"]
    assert not Narrative.objects.exists()


def test_an_action_line_of_another_programme_is_404(rw, world, login):
    from tests import factories as f

    other = f.ActionLineFactory(programme=f.ProgrammeFactory(region=world.region))
    assert login(world.bob).get(_narrative(rw.assen, other)).status_code == 404


def test_garbage_in_the_submit_form(rw, world, login):
    client = login(world.bob)
    url = reverse("monitoring:report_submit", args=[rw.assen.pk])
    for note in ("a\x00", "x" * 3000):
        response = client.post(url, {"note": note})
        assert response.status_code == 422
        assert response.context["form"].errors["note"]
    assert not ReportVersion.objects.exists()
