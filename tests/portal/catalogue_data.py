"""A small catalogue for the portal tests: current instruments of Drenthe and one shared
national one, and one of each kind that must never show publicly (expired, exhausted,
unpublished, closed, not yet open, of another region)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from loket.accounts.models import Organisation
from loket.core.models import Theme
from tests import factories as f


def build_catalogue(world):
    today = timezone.localdate()
    nom = f.OrganisationFactory(
        region=world.region,
        name="Ontwikkelingsmaatschappij Noord",
        kind=Organisation.Kind.DEVELOPMENT_AGENCY,
        website="https://nom.example",
        phone="050 521 4444",
    )
    not_partner = f.OrganisationFactory(
        region=world.region,
        name="Adviesbureau Buiten",
        kind=Organisation.Kind.ADVISORY,
        is_programme_partner=False,
    )
    export_theme = Theme.objects.get(slug="export")
    export = f.InstrumentFactory(
        region=world.region,
        name="Exportvoucher Drenthe",
        slug="exportvoucher-drenthe",
        summary="Advies over uw eerste stappen in het buitenland.",
        description="<p>Een voucher voor <strong>exportadvies</strong>.</p>",
        how_to_apply="<p>Vraag aan via het loket van de NOM.</p>",
        kind="voucher",
        phases=["export"],
        keywords="buitenland internationaal",
        provider_kind="partner",
        provider_organisation=nom,
        contact_organisation=nom,
        contact_name="Eva Export",
        contact_phone="0592 111 222",
        contact_email="eva@nom.example",
        website="https://nom.example/export",
        amount_min=Decimal("1000"),
        amount_max=Decimal("12345.67"),
        own_contribution=Decimal("250"),
        deadline=today + dt.timedelta(days=30),
        themes=[export_theme],
    )
    starters = f.InstrumentFactory(
        region=world.region,
        name="Startersbegeleiding",
        slug="startersbegeleiding",
        summary="Een coach in het eerste jaar.",
        kind="advice",
        phases=["start"],
        company_age_max=1,
        contact_organisation=world.bureau,
        contact_name="Sam Start",
    )
    growth = f.InstrumentFactory(
        region=world.region,
        name="Groeiversneller",
        slug="groeiversneller",
        summary="Voor gevestigde bedrijven die willen groeien.",
        kind="training",
        phases=["growth"],
        company_age_min=3,
        size_classes=["small", "medium"],
    )
    emmen_only = f.InstrumentFactory(
        region=world.region,
        name="Emmer Exportkrediet",
        slug="emmer-exportkrediet",
        summary="Krediet voor export, alleen in Emmen.",
        kind="loan",
        phases=["export"],
        municipalities=[world.emmen],
    )
    national = f.InstrumentFactory(
        region=None,
        provider_kind="national",
        provider_name="RVO",
        name="Landelijke exportregeling",
        slug="landelijke-exportregeling",
        summary="Financiering voor export buiten Europa.",
        kind="subsidy",
        phases=["export"],
    )
    hidden = {
        "expired": f.InstrumentFactory(
            region=world.region,
            name="Verlopen exportsubsidie",
            slug="verlopen-exportsubsidie",
            phases=["export"],
            keywords="export buitenland",
            provider_organisation=nom,
            deadline=today - dt.timedelta(days=1),
        ),
        "closed": f.InstrumentFactory(
            region=world.region,
            name="Gesloten exportfonds",
            slug="gesloten-exportfonds",
            phases=["export"],
            provider_organisation=nom,
            open_until=today - dt.timedelta(days=1),
        ),
        "future": f.InstrumentFactory(
            region=world.region,
            name="Toekomstige exportlening",
            slug="toekomstige-exportlening",
            phases=["export"],
            provider_organisation=nom,
            open_from=today + dt.timedelta(days=10),
        ),
        "exhausted": f.InstrumentFactory(
            region=world.region,
            name="Uitgeputte exportvoucher",
            slug="uitgeputte-exportvoucher",
            phases=["export"],
            provider_organisation=nom,
            budget_exhausted=True,
        ),
        "unpublished": f.InstrumentFactory(
            region=world.region,
            name="Concept exportprogramma",
            slug="concept-exportprogramma",
            phases=["export"],
            provider_organisation=nom,
            published=False,
        ),
        "other_region": f.InstrumentFactory(
            region=world.other_region,
            name="Twentse exportsubsidie",
            slug="twentse-exportsubsidie",
            phases=["export"],
        ),
    }
    return SimpleNamespace(
        nom=nom,
        not_partner=not_partner,
        export=export,
        starters=starters,
        growth=growth,
        emmen_only=emmen_only,
        national=national,
        hidden=hidden,
        current=[export, starters, growth, emmen_only, national],
    )
