"""The internal catalogue pages: the list (filters, status and stale badges, export, a
constant number of queries), the instrument page with its versions, verify, create,
edit and delete, and who sees and changes what."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from loket.catalogue import services
from loket.catalogue.models import STALE_AFTER_DAYS, Instrument
from loket.core.models import AuditEvent, Theme
from tests import factories as f

LIST = "/catalogus/"
TODAY = timezone.localdate()
LONG_AGO = TODAY - dt.timedelta(days=STALE_AFTER_DAYS + 1)


@pytest.fixture(autouse=True)
def dutch():
    """Labels are checked in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


def listed(response):
    """Instrument names in the table, in order."""
    html = response.content.decode()
    body = html.split('<tbody class="utrecht-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        chunk.split("</a>", 1)[0].rsplit(">", 1)[1] for chunk in body.split('<th scope="row"')[1:]
    ]


def get(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


@pytest.fixture
def cat(world):
    themes = {t.slug: t for t in Theme.objects.filter(active=True)}
    theme = next(iter(themes.values()))
    make = f.InstrumentFactory
    return {
        "theme": theme,
        "alpha": make(
            region=world.region,
            name="Alpha Innovatievoucher",
            kind="voucher",
            phases=["innovation"],
            themes=[theme],
            editor=world.alice,
            open_until=TODAY + dt.timedelta(days=30),
        ),
        "bravo": make(
            region=world.region,
            name="Bravo Lening",
            kind="loan",
            phases=["growth", "finance"],
            budget_exhausted=True,
        ),
        "charlie": make(
            region=world.region,
            name="Charlie Tafel",
            kind="peer_table",
            phases=["growth"],
            open_until=TODAY - dt.timedelta(days=1),
            last_verified=LONG_AGO,
        ),
        "delta": make(
            region=world.region,
            name="Delta Concept",
            kind="advice",
            published=False,
            last_verified=None,
        ),
        "echo": make(
            region=None,
            name="Echo Exportkrediet",
            kind="loan",
            provider_kind="national",
            provider_name="RVO",
            phases=["export"],
            deadline=TODAY + dt.timedelta(days=10),
        ),
        "twente": make(region=world.other_region, name="Twentse Regeling"),
    }


ALL = [
    "Alpha Innovatievoucher",
    "Bravo Lening",
    "Charlie Tafel",
    "Delta Concept",
    "Echo Exportkrediet",
]


# --- the list --------------------------------------------------------------------------


def test_the_list_shows_the_region_and_the_shared_instruments(world, login, cat):
    response = get(login(world.alice))
    assert listed(response) == ALL
    html = response.content.decode()
    assert "5 instrumenten" in html
    assert "Twentse Regeling" not in html
    assert "RVO" in html  # the provider of a shared instrument
    assert "landelijk/Europees" in html


def test_olga_sees_her_region_and_the_shared_ones(world, login, cat):
    assert listed(get(login(world.olga))) == ["Echo Exportkrediet", "Twentse Regeling"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lening"}, ["Bravo Lening"]),
        ({"q": "  "}, ALL),
        ({"kind": "loan"}, ["Bravo Lening", "Echo Exportkrediet"]),
        ({"provider_kind": "national"}, ["Echo Exportkrediet"]),
        ({"provider_kind": "programme"}, ALL[:4]),
        ({"theme": "THEME"}, ["Alpha Innovatievoucher"]),
        ({"phase": "growth"}, ["Bravo Lening", "Charlie Tafel"]),
        ({"phase": "finance"}, ["Bravo Lening"]),
        ({"status": "current"}, ["Alpha Innovatievoucher", "Echo Exportkrediet"]),
        ({"status": "expired"}, ["Charlie Tafel"]),
        ({"status": "exhausted"}, ["Bravo Lening"]),
        ({"status": "unpublished"}, ["Delta Concept"]),
        ({"status": "stale"}, ["Charlie Tafel", "Delta Concept"]),
        ({"mine": "true"}, ["Alpha Innovatievoucher"]),
        ({"mine": "false"}, ALL[1:]),
        ({"kind": "loan", "status": "current"}, ["Echo Exportkrediet"]),
    ],
)
def test_it_filters(world, login, cat, params, expected):
    params = {k: cat["theme"].slug if v == "THEME" else v for k, v in params.items()}
    assert listed(get(login(world.alice), **params)) == expected


def test_mine_means_the_signed_in_editor(world, login, cat):
    assert listed(get(login(world.pam), mine="true")) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-name", list(reversed(ALL))),
        (
            "closing",
            [
                "Echo Exportkrediet",
                "Charlie Tafel",
                "Alpha Innovatievoucher",
                "Bravo Lening",
                "Delta Concept",
            ],
        ),
        ("verified", ["Delta Concept", "Charlie Tafel", *ALL[:2], "Echo Exportkrediet"]),
        ("nonsense", ALL),
    ],
)
def test_it_sorts(world, login, cat, sort, expected):
    assert listed(get(login(world.alice), sorteer=sort)) == expected


def test_each_row_shows_its_status_and_the_stale_warning(world, login, cat):
    html = get(login(world.alice)).content.decode()
    rows = html.split('<th scope="row"')[1:]
    by_name = {row.split("</a>", 1)[0].rsplit(">", 1)[1]: row.split("</tr>", 1)[0] for row in rows}
    assert "actueel" in by_name["Alpha Innovatievoucher"]
    assert "niet gecontroleerd" not in by_name["Alpha Innovatievoucher"]
    assert (
        f"open t/m {(TODAY + dt.timedelta(days=30)):%d-%m-%Y}" in by_name["Alpha Innovatievoucher"]
    )
    assert "budget uitgeput" in by_name["Bravo Lening"]
    assert "verlopen" in by_name["Charlie Tafel"]
    assert f"niet gecontroleerd sinds {LONG_AGO:%d-%m-%Y}" in by_name["Charlie Tafel"]
    assert "niet gepubliceerd" in by_name["Delta Concept"]
    assert "nog nooit gecontroleerd" in by_name["Delta Concept"]
    assert (
        f"aanvragen uiterlijk {(TODAY + dt.timedelta(days=10)):%d-%m-%Y}"
        in by_name["Echo Exportkrediet"]
    )


def test_exactly_180_days_is_not_yet_stale(world, login):
    f.InstrumentFactory(
        region=world.region,
        name="Net op tijd",
        last_verified=TODAY - dt.timedelta(days=STALE_AFTER_DAYS),
    )
    html = get(login(world.alice)).content.decode()
    assert "niet gecontroleerd sinds" not in html


@pytest.mark.parametrize("count", [5, 30])
def test_the_list_runs_a_constant_number_of_queries(world, login, count, django_assert_num_queries):
    theme = Theme.objects.filter(active=True).first()
    for i in range(count):
        f.InstrumentFactory(
            region=world.region if i % 3 else None,
            provider_kind="programme" if i % 3 else "eu",
            provider_name="" if i % 3 else "Europese Commissie",
            name=f"Instrument {i:02d}",
            themes=[theme],
            editor=world.alice,
        )
    client = login(world.alice)
    get(client)  # warm up the session
    # session, user, memberships (scope), count, page, the theme choices of the filter
    with django_assert_num_queries(6):
        response = get(client, per_pagina=100, status="current", sorteer="closing")
    assert len(listed(response)) == count


def test_list_pages_of_any_size_are_bounded(world, login, cat, django_assert_max_num_queries):
    client = login(world.alice)
    get(client)
    for size in (10, 100):
        with django_assert_max_num_queries(6):
            get(client, per_pagina=size, theme=cat["theme"].slug, phase="growth")


def test_it_pages_and_keeps_the_filters(world, login):
    for i in range(12):
        f.InstrumentFactory(region=world.region, name=f"Voucher {i:02d}", kind="voucher")
    f.InstrumentFactory(region=world.region, name="Lening", kind="loan")
    client = login(world.alice)
    first = get(client, kind="voucher", per_pagina=10)
    assert len(listed(first)) == 10
    assert "kind=voucher&amp;per_pagina=10&amp;pagina=2" in first.content.decode()
    assert listed(get(client, kind="voucher", per_pagina=10, pagina=2)) == [
        "Voucher 10",
        "Voucher 11",
    ]


# --- export ----------------------------------------------------------------------------


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


def test_csv_exports_the_whole_filtered_set(world, login, cat):
    cat["bravo"].amount_max = Decimal("1234.56")
    cat["bravo"].save()
    response = login(world.alice).get(
        LIST, {"kind": "loan", "per_pagina": 10, "pagina": 1, "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="instrumenten-')
    rows = _csv_rows(response)
    header = rows[0]
    assert header[:3] == ["Naam", "Korte omschrijving", "Soort"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Bravo Lening", "Echo Exportkrediet"}
    assert by_name["Bravo Lening"]["Maximumbedrag (excl. btw)"] == "1234,56"
    assert by_name["Bravo Lening"]["Status"] == "budget uitgeput"
    assert by_name["Bravo Lening"]["Soort"] == "lening"
    assert by_name["Echo Exportkrediet"]["Regio"] == "landelijk/Europees"
    assert by_name["Echo Exportkrediet"]["Aanbieder"] == "RVO"
    assert by_name["Echo Exportkrediet"]["Uiterste aanvraagdatum"] == (
        f"{(TODAY + dt.timedelta(days=10)):%d-%m-%Y}"
    )


def test_xlsx_exports_with_themes_and_the_stale_flag(world, login, cat):
    response = login(world.alice).get(LIST, {"status": "stale", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert [r[0] for r in rows[1:]] == ["Charlie Tafel", "Delta Concept"]
    assert rows[1][header.index("Controle nodig")] == "ja"
    assert rows[1][header.index("Laatst gecontroleerd")].date() == LONG_AGO
    response = login(world.alice).get(LIST, {"q": "Alpha", "export": "xlsx"})
    alpha = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert alpha[1][header.index("Thema's")] == cat["theme"].name


def test_the_export_runs_a_constant_number_of_queries(world, login, django_assert_num_queries):
    theme = Theme.objects.filter(active=True).first()
    for i in range(30):
        f.InstrumentFactory(region=world.region, name=f"Instrument {i:02d}", themes=[theme])
    client = login(world.alice)
    get(client)
    # session, user, memberships, the rows, their themes
    with django_assert_num_queries(5):
        rows = _csv_rows(client.get(LIST, {"export": "csv"}))
    assert len(rows) == 31


# --- the instrument page ---------------------------------------------------------------


@pytest.fixture
def full(world):
    theme = Theme.objects.filter(active=True).first()
    instrument = services.create_instrument(
        world.alice,
        {
            "name": "Groeiversneller",
            "summary": "Begeleiding voor snelgroeiende bedrijven.",
            "description": (
                "<p>Een <strong>traject</strong> van "
                '<a href="https://example.org">een jaar</a>.</p>'
            ),
            "kind": "advice",
            "provider_kind": "programme",
            "provider_organisation": world.bureau,
            "contact_organisation": world.bureau,
            "contact_name": "Anna Contact",
            "phases": ["growth"],
            "size_classes": ["small", "medium"],
            "legal_forms": ["bv"],
            "sbi_included": ["F", "62"],
            "employees_min": 10,
            "employees_max": 249,
            "amount_min": Decimal("500"),
            "amount_max": Decimal("1234.56"),
            "own_contribution": Decimal("250"),
            "open_from": dt.date(2026, 1, 1),
            "open_until": dt.date(2099, 11, 22),
            "themes": [theme.pk],
            "municipalities": [world.assen.pk],
        },
        region=world.region,
        note="eerste opzet",
    )
    services.update_instrument(
        world.pam, instrument, {"amount_max": Decimal("2000")}, note="budget 2027"
    )
    return instrument


def test_the_instrument_page_shows_every_field_the_dutch_way(world, login, full):
    html = get(login(world.alice), reverse("catalogue:detail", args=[full.pk])).content.decode()
    assert "Groeiversneller" in html
    assert "€ 2.000,00" in html
    assert "€ 500,00" in html
    assert "€ 250,00" in html
    assert "22-11-2099" in html
    assert "01-01-2026" in html
    assert "advies" in html
    assert "Programmabureau IBDO" in html
    assert "Anna Contact" in html
    assert "groeien" in html
    assert "klein (10-49), middelgroot (50-249)" in html
    assert "besloten vennootschap" in html
    assert "62 Dienstverlenende activiteiten op het gebied van informatietechnologie" in html
    assert "10 tot en met 249" in html
    assert "Assen" in html
    assert "<strong>traject</strong>" in html
    assert "staat op het openbare loket" in html


def test_the_page_shows_the_version_history(world, login, full):
    html = get(login(world.alice), reverse("catalogue:detail", args=[full.pk])).content.decode()
    history = html.split('id="versies"', 1)[1]
    assert "2 versies" in history
    assert history.index("versie 2") < history.index("versie 1")
    assert "Pam Programma" in history
    assert "Alice Advies" in history
    assert "Maximumbedrag (excl. btw)" in history
    assert "budget 2027" in history
    assert "eerste opzet" in history


def test_a_version_page_shows_that_versions_data(world, login, full):
    client = login(world.bob)  # any user of the region reads the history
    html = get(client, reverse("catalogue:version", args=[full.pk, 1])).content.decode()
    assert "versie 1" in html
    assert "€ 1.234,56" in html
    assert "€ 2.000,00" not in html
    assert "Programmabureau IBDO" in html
    assert "22-11-2099" in html
    assert "groeien" in html
    assert "Assen" in html
    assert "de huidige is versie 2" in html
    html = get(client, reverse("catalogue:version", args=[full.pk, 2])).content.decode()
    assert "€ 2.000,00" in html
    assert "Gewijzigd: Maximumbedrag (excl. btw)" in html
    assert client.get(reverse("catalogue:version", args=[full.pk, 3])).status_code == 404


def test_rich_text_is_rendered_safely_even_if_written_around_the_services(world, login):
    instrument = f.InstrumentFactory(
        region=world.region,
        description='<p>Goed <strong>nieuws</strong></p><script>alert("x")</script>'
        '<a href="https://example.org" onclick="evil()">link</a>',
    )
    html = get(
        login(world.alice), reverse("catalogue:detail", args=[instrument.pk])
    ).content.decode()
    assert "<strong>nieuws</strong>" in html
    assert 'alert("x")' not in html
    assert "evil()" not in html
    assert 'href="https://example.org"' in html


def test_the_page_says_why_an_instrument_is_not_public(world, login, cat):
    html = get(
        login(world.alice), reverse("catalogue:detail", args=[cat["bravo"].pk])
    ).content.decode()
    assert "niet op het openbare loket" in html
    assert "budget uitgeput" in html


def test_the_factory_version_without_data_still_shows(world, login, cat):
    response = get(login(world.alice), reverse("catalogue:version", args=[cat["alpha"].pk, 1]))
    assert "Alpha Innovatievoucher" in response.content.decode()


# --- verify ----------------------------------------------------------------------------


def test_verify_clears_the_stale_warning(world, login, cat):
    client = login(world.alice)
    url = reverse("catalogue:detail", args=[cat["charlie"].pk])
    html = get(client, url).content.decode()
    assert f"niet gecontroleerd sinds {LONG_AGO:%d-%m-%Y}" in html
    assert reverse("catalogue:verify", args=[cat["charlie"].pk]) in html
    response = client.post(reverse("catalogue:verify", args=[cat["charlie"].pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "niet gecontroleerd sinds" not in html
    assert "Gecontroleerd: de waarschuwing verdwijnt" in html
    cat["charlie"].refresh_from_db()
    assert cat["charlie"].last_verified == TODAY
    assert cat["charlie"].versions.get(number=2).changed_by == world.alice


def test_verify_needs_a_post(world, login, cat):
    assert (
        login(world.alice).get(reverse("catalogue:verify", args=[cat["charlie"].pk])).status_code
        == 405
    )


def test_who_cannot_edit_sees_no_buttons_and_cannot_verify(world, login, cat):
    client = login(world.charlie)
    html = get(client, reverse("catalogue:detail", args=[cat["charlie"].pk])).content.decode()
    assert "niet gecontroleerd sinds" in html  # the warning is for everyone
    assert reverse("catalogue:verify", args=[cat["charlie"].pk]) not in html
    assert reverse("catalogue:edit", args=[cat["charlie"].pk]) not in html
    assert reverse("catalogue:delete", args=[cat["charlie"].pk]) not in html
    assert client.post(reverse("catalogue:verify", args=[cat["charlie"].pk])).status_code == 403
    cat["charlie"].refresh_from_db()
    assert cat["charlie"].last_verified == LONG_AGO


# --- create and edit -------------------------------------------------------------------


def form_data(world, **kw):
    values = {
        "region": str(world.region.pk),
        "name": "Exportvoucher Drenthe",
        "summary": "Een voucher voor advies over de eerste stappen over de grens.",
        "description": "<p>Voor <strong>starters</strong> in de export.</p><script>x()</script>",
        "kind": "voucher",
        "provider_kind": "programme",
        "provider_organisation": str(world.bureau.pk),
        "phases": ["export"],
        "size_classes": ["micro", "small"],
        "legal_forms": ["bv", "eenmanszaak"],
        "sbi_included": "f, 62",
        "sbi_excluded": "",
        "municipalities": [str(world.emmen.pk)],
        "amount_max": "€ 1.234,56",
        "own_contribution": "250",
        "open_from": "01-01-2026",
        "open_until": "2099-12-31",
        "published": "on",
        "note": "nieuw in 2026",
    }
    values.update(kw)
    return {k: v for k, v in values.items() if v is not None}


def test_programme_staff_create_an_instrument(world, login):
    client = login(world.alice)
    assert get(client, reverse("catalogue:create")).status_code == 200
    response = client.post(reverse("catalogue:create"), form_data(world))
    instrument = Instrument.objects.get(name="Exportvoucher Drenthe")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:detail", args=[instrument.pk])
    assert instrument.region == world.region
    assert instrument.amount_max == Decimal("1234.56")
    assert instrument.own_contribution == Decimal("250")
    assert instrument.sbi_included == ["F", "62"]
    assert instrument.phases == ["export"]
    assert instrument.legal_forms == ["bv", "eenmanszaak"]
    assert instrument.open_from == dt.date(2026, 1, 1)
    assert instrument.open_until == dt.date(2099, 12, 31)
    assert instrument.description == "<p>Voor <strong>starters</strong> in de export.</p>"
    assert list(instrument.municipalities.all()) == [world.emmen]
    assert instrument.editor == world.alice
    assert instrument.versions.get().note == "nieuw in 2026"


def test_managers_may_create_a_shared_instrument_others_are_not_offered_it(world, login):
    html = get(login(world.alice), reverse("catalogue:create")).content.decode()
    assert 'value="shared"' not in html
    response = login(world.alice).post(
        reverse("catalogue:create"),
        form_data(world, region="shared", provider_kind="national", provider_organisation=""),
    )
    assert response.status_code == 422
    assert "Kies een van de regio" in response.content.decode()
    client = login(world.pam)
    assert 'value="shared"' in get(client, reverse("catalogue:create")).content.decode()
    response = client.post(
        reverse("catalogue:create"),
        form_data(
            world,
            region="shared",
            provider_kind="eu",
            provider_organisation="",
            provider_name="Europese Commissie",
            municipalities=None,
            regions=[str(world.region.pk)],
        ),
    )
    assert response.status_code == 302
    instrument = Instrument.objects.get()
    assert instrument.is_shared
    assert list(instrument.regions.all()) == [world.region]


def test_service_errors_show_on_their_fields(world, login):
    f.InstrumentFactory(region=world.region, name="Exportvoucher Drenthe")
    response = login(world.alice).post(
        reverse("catalogue:create"),
        form_data(
            world,
            amount_min="5000",
            provider_kind="national",
            provider_organisation=str(world.gem_assen.pk),
        ),
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["name"] == ["Er bestaat al een instrument met deze naam."]
    assert form.errors["amount_max"] == ["Het minimumbedrag is hoger dan het maximumbedrag."]
    assert "provider_kind" in form.errors
    assert form.errors["provider_name"] == ["Noem de landelijke of Europese aanbieder."]
    assert not form.non_field_errors()
    assert Instrument.objects.count() == 1


def test_an_unknown_sbi_code_is_named(world, login):
    response = login(world.alice).post(
        reverse("catalogue:create"), form_data(world, sbi_excluded="A, 00, Q9")
    )
    assert response.status_code == 422
    [message] = response.context["form"].errors["sbi_excluded"]
    assert message.startswith("Onbekende SBI-code: 00, Q9.")
    assert not Instrument.objects.exists()


def test_municipalities_of_another_region_are_refused(world, login):
    enschede = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    response = login(world.pam).post(
        reverse("catalogue:create"), form_data(world, municipalities=[str(enschede.pk)])
    )
    assert response.status_code == 422
    assert "municipalities" in response.context["form"].errors
    assert not Instrument.objects.exists()


def test_partners_may_not_create(world, login):
    assert login(world.bob).get(reverse("catalogue:create")).status_code == 403
    assert login(world.bob).post(reverse("catalogue:create"), form_data(world)).status_code == 403
    assert not Instrument.objects.exists()


def test_the_edit_form_saves_a_new_version(world, login, full):
    client = login(world.alice)
    url = reverse("catalogue:edit", args=[full.pk])
    html = get(client, url).content.decode()
    assert 'value="2000,00"' in html  # the amount the Dutch way
    assert 'value="F, 62"' in html
    assert 'name="region"' not in html  # the region of an instrument does not change
    data = form_data(
        world,
        region=None,
        name="Groeiversneller 2027",
        summary=full.summary,
        description=full.description,
        kind="advice",
        phases=["growth"],
        size_classes=["small", "medium"],
        legal_forms=["bv"],
        sbi_included="F, 62",
        municipalities=[str(world.assen.pk)],
        amount_min="500",
        amount_max="3.000",
        own_contribution="250,00",
        open_from="2026-01-01",
        open_until="22-11-2099",
        contact_organisation=str(world.bureau.pk),
        contact_name="Anna Contact",
        employees_min="10",
        employees_max="249",
        themes=[str(t.pk) for t in full.themes.all()],
        editor=str(world.alice.pk),
        last_verified=full.last_verified.isoformat(),
        note="nieuwe naam",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    full.refresh_from_db()
    assert full.name == "Groeiversneller 2027"
    assert full.amount_max == Decimal("3000")
    assert full.version == 3
    latest = full.versions.get(number=3)
    assert latest.changed_fields == ["amount_max", "name"]
    assert latest.note == "nieuwe naam"
    assert latest.changed_by == world.alice
    # The same data again: nothing changed, no new version.
    response = client.post(url, data, follow=True)
    assert "Er was niets gewijzigd" in response.content.decode()
    full.refresh_from_db()
    assert full.version == 3


def test_a_partner_edits_the_instrument_of_his_organisation(world, login):
    instrument = services.create_instrument(
        world.alice,
        {
            "name": "Starterslening Assen",
            "summary": "Een lening voor starters in Assen.",
            "kind": "loan",
            "provider_kind": "partner",
            "provider_organisation": world.gem_assen,
        },
        region=world.region,
    )
    bob = login(world.bob)
    html = get(bob, reverse("catalogue:detail", args=[instrument.pk])).content.decode()
    assert reverse("catalogue:edit", args=[instrument.pk]) in html
    response = bob.post(
        reverse("catalogue:edit", args=[instrument.pk]),
        {
            "name": "Starterslening Assen",
            "summary": "Een lening voor starters in de gemeente Assen.",
            "kind": "loan",
            "provider_kind": "partner",
            "provider_organisation": str(world.gem_assen.pk),
            "published": "on",
        },
    )
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.summary == "Een lening voor starters in de gemeente Assen."
    charlie = login(world.charlie)
    assert charlie.get(reverse("catalogue:edit", args=[instrument.pk])).status_code == 403


# --- delete ----------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(world, login, cat):
    client = login(world.alice)
    url = reverse("catalogue:delete", args=[cat["alpha"].pk])
    html = get(client, url).content.decode()
    assert "Definitief verwijderen" in html
    assert Instrument.objects.filter(pk=cat["alpha"].pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:list")
    assert not Instrument.objects.filter(pk=cat["alpha"].pk).exists()
    assert AuditEvent.objects.filter(object_id=cat["alpha"].pk, action="delete").exists()


def test_an_instrument_with_referrals_is_not_deleted_and_the_user_is_told_why(world, login, cat):
    f.ReferralFactory(
        case=f.CaseFactory(
            company=f.CompanyFactory(region=world.region),
            organisation=world.bureau,
            owner=world.alice,
        ),
        to_organisation=world.bureau,
        instrument=cat["alpha"],
    )
    client = login(world.alice)
    html = get(client, reverse("catalogue:delete", args=[cat["alpha"].pk])).content.decode()
    assert "1 ondernemer naar dit instrument verwezen" in html
    response = client.post(reverse("catalogue:delete", args=[cat["alpha"].pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("catalogue:detail", args=[cat["alpha"].pk])
    assert "zet het op &#x27;niet gepubliceerd&#x27;" in response.content.decode()
    assert Instrument.objects.filter(pk=cat["alpha"].pk).exists()


# --- scope -----------------------------------------------------------------------------


def test_an_instrument_of_another_region_is_404(world, login, cat):
    olga = login(world.olga)
    for name in ("detail", "edit", "delete"):
        assert olga.get(reverse(f"catalogue:{name}", args=[cat["alpha"].pk])).status_code == 404
    assert olga.post(reverse("catalogue:verify", args=[cat["alpha"].pk])).status_code == 404
    assert olga.get(reverse("catalogue:version", args=[cat["alpha"].pk, 1])).status_code == 404
    alice = login(world.alice)
    assert alice.get(reverse("catalogue:detail", args=[cat["twente"].pk])).status_code == 404
    # the shared instrument belongs to everyone
    assert (
        login(world.olga).get(reverse("catalogue:detail", args=[cat["echo"].pk])).status_code == 200
    )


def test_a_user_without_a_region_sees_an_empty_catalogue(world, login, cat):
    loner = f.UserFactory(email="loner@example.org")
    client = login(loner)
    assert listed(get(client)) == []
    assert client.get(reverse("catalogue:detail", args=[cat["echo"].pk])).status_code == 404
    assert client.get(reverse("catalogue:create")).status_code == 403


def test_the_navigation_links_to_the_catalogue(world, login):
    html = get(login(world.bob), reverse("catalogue:list")).content.decode()
    assert f'href="{reverse("catalogue:list")}" aria-current="page">Catalogus' in html


def test_the_list_offers_the_import_to_those_who_may_add_instruments(world, login):
    import_url = reverse("catalogue:import")
    assert import_url in get(login(world.alice), LIST).content.decode()
    assert import_url not in get(login(world.bob), LIST).content.decode()
