"""The plan import page and the export: who may use them, the report a user sees, and
garbage uploads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from loket.core.models import AuditEvent
from loket.programmes.models import PlanLine
from loket.programmes.services import plan_io
from tests import factories as f
from tests.programmes.plan_io_fixtures import build_plan, minimal_document


@pytest.fixture
def plan(world):
    return build_plan(world)


def _url(name, programme):
    return reverse(f"programmes:{name}", args=[programme.pk])


def _upload(client, programme, name, content, check_only=False):
    data = {"bestand": SimpleUploadedFile(name, content)}
    if check_only:
        data["alleen_controleren"] = "on"
    return client.post(_url("plan_import", programme), data)


@pytest.mark.parametrize(
    ("role", "status"),
    [("pam", 200), ("adam", 200), ("alice", 403), ("bob", 403), ("charlie", 404), ("olga", 404)],
)
def test_the_import_page_is_for_programme_managers_and_administrators(
    world, plan, login, role, status
):
    client = login(getattr(world, role))
    assert client.get(_url("plan_import", plan.programme)).status_code == status
    response = _upload(client, plan.programme, "plan.yaml", plan_io.to_yaml(plan.programme))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("pam", 200), ("adam", 200), ("alice", 200), ("bob", 200), ("charlie", 404), ("olga", 404)],
)
def test_whoever_sees_the_programme_exports_its_plan(world, plan, login, role, status):
    client = login(getattr(world, role))
    response = client.get(_url("plan_export", plan.programme), {"format": "yaml"})
    assert response.status_code == status


def test_the_page_explains_the_format_and_offers_the_current_plan(world, plan, login):
    response = login(world.pam).get(_url("plan_import", plan.programme))
    page = response.content.decode()
    assert "Plan importeren: IBDO 2025-2028" in page
    assert f"{_url('plan_export', plan.programme)}?format=xlsx" in page
    assert f"{_url('plan_export', plan.programme)}?format=yaml" in page
    assert 'enctype="multipart/form-data"' in page
    assert "&lt;financier&gt; aandeel %" in page
    assert 'for="id_bestand"' in page


def test_exports_are_downloads_in_the_import_format(world, plan, login):
    client = login(world.alice)
    response = client.get(_url("plan_export", plan.programme))
    assert response["Content-Type"] == plan_io.XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="plan-programma-{plan.programme.pk}-')
    assert disposition.endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["Planregels"].max_row == 5
    response = client.get(_url("plan_export", plan.programme), {"format": "yaml"})
    assert response["Content-Type"].startswith("application/yaml")
    assert response.content == plan_io.to_yaml(plan.programme)
    assert client.get(_url("plan_export", plan.programme), {"format": "pdf"}).status_code == 404


def test_an_upload_replaces_the_plan_and_shows_what_changed(world, plan, login):
    content = plan_io.dump_yaml(minimal_document())
    response = _upload(login(world.pam), plan.programme, "plan.yaml", content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Het plan is ingelezen" in page
    assert '<th scope="row" class="utrecht-table__header-cell">Planregels</th>' in page
    assert PlanLine.objects.filter(programme=plan.programme).count() == 1


def test_check_only_writes_nothing(world, plan, login):
    before = plan_io.to_document(plan.programme)
    content = plan_io.dump_yaml(minimal_document())
    response = _upload(login(world.pam), plan.programme, "plan.yml", content, check_only=True)
    assert response.status_code == 200
    assert "Het bestand is in orde" in response.content.decode()
    assert plan_io.to_document(plan.programme) == before


def test_problems_are_listed_per_sheet_row_and_column(world, plan, login):
    workbook = load_workbook(io.BytesIO(plan_io.to_xlsx(plan.programme)))
    workbook["Planregels"]["A3"] = 2035
    workbook["Tarieven"]["B2"] = "vorig jaar"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = plan_io.to_document(plan.programme)
    events = AuditEvent.objects.count()
    response = _upload(login(world.pam), plan.programme, "Plan.XLSX", buffer.getvalue())
    assert response.status_code == 422
    page = response.content.decode()
    assert "Het plan is niet ingelezen" in page
    assert "Verbeter de 2 problemen hieronder" in page
    assert '<th scope="col" class="utrecht-table__header-cell">Blad</th>' in page
    rows = page.split('<tr class="utrecht-table__row">')
    assert any(
        '<td class="utrecht-table__cell">Tarieven</td>' in row
        and '<td class="utrecht-table__cell">2</td>' in row
        and "<code>Jaar</code>" in row
        and "Vul een geheel getal in" in row
        for row in rows
    )
    assert any(
        "Planregels" in row and ">3</td>" in row and "buiten de looptijd" in row for row in rows
    )
    assert plan_io.to_document(plan.programme) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Kies een XLSX- of YAML-bestand."),
        ({"bestand": "geen bestand"}, "Kies een XLSX- of YAML-bestand."),
        ({"bestand": SimpleUploadedFile("plan.xlsx", b"")}, "Het bestand is leeg."),
        (
            {"bestand": SimpleUploadedFile("plan.xlsx", b"\x00\xff" * 500)},
            "Dit is geen geldig XLSX-bestand.",
        ),
        (
            {"bestand": SimpleUploadedFile("plan.yaml", bytes(range(256)) * 10)},
            "Dit is geen YAML-bestand: het bevat geen tekst.",
        ),
        (
            {"bestand": SimpleUploadedFile("plan.pdf", b"%PDF-1.4")},
            "Kies een XLSX- of YAML-bestand: de naam eindigt op .xlsx, .yaml of .yml.",
        ),
        (
            {"bestand": SimpleUploadedFile("plan.yaml", b"funders: 12\nrates: [1, 2]\n")},
            "Verwacht een lijst",
        ),
        (
            {"bestand": SimpleUploadedFile("p.yaml", b"a" * (plan_io.MAX_BYTES + 10))},
            "Het bestand is groter dan 2 MB.",
        ),
        (
            {"bestand": SimpleUploadedFile("p.yaml", "x: \ud800".encode("utf-8", "surrogatepass"))},
            "De tekens in het bestand zijn niet te lezen.",
        ),
    ],
)
def test_garbage_uploads_are_refused_with_a_message(world, plan, login, data, message):
    before = plan_io.to_document(plan.programme)
    response = login(world.pam).post(_url("plan_import", plan.programme), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert plan_io.to_document(plan.programme) == before


def test_a_programme_of_another_region_is_not_found(world, login):
    other = f.ProgrammeFactory(region=world.other_region, organisations=[world.twente_bureau])
    client = login(world.pam)
    assert client.get(_url("plan_import", other)).status_code == 404
    assert client.post(_url("plan_import", other), {}).status_code == 404
    assert client.get(_url("plan_export", other)).status_code == 404
