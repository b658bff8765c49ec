"""A carousel of the programme bureau in Drenthe for the carousel tests.

- ``carousel``: an export carousel of the bureau, with three participating companies:
  ``kaas`` (themes export and innovation; interested in Duits, Duitsland),
  ``metaal`` (theme export; interested in Engels, Verenigd Koninkrijk) and
  ``bakker`` (no themes, no interests); ``gone`` left the carousel.
- ``round``: a round with Hanze (school) and alice as knowledge broker, 1 Feb-30 Jun 2026.
- teams: ``duits`` (export; Duits; Duitsland), ``engels`` (export, innovation; Engels;
  Verenigd Koninkrijk), ``leeg`` (nothing), each with a student.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from loket.accounts.models import Organisation
from loket.core.models import Theme
from tests import factories as f


def setup(world):
    export = Theme.objects.get(slug="export")
    innovation = Theme.objects.get(slug="innovation")
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    school = f.OrganisationFactory(
        region=world.region, name="Hanzehogeschool", kind=Organisation.Kind.SCHOOL
    )
    carousel = f.CollectiveFactory(
        programme=programme,
        organisation=world.bureau,
        kind="export_carousel",
        phase="",
        name="Exportcarrousel Drenthe",
    )

    def member(name, themes, interests, **kw):
        company = f.CompanyFactory(region=world.region, name=name, municipality=world.assen)
        company.themes.set(themes)
        f.MemberFactory(collective=carousel, company=company, interests=interests, **kw)
        return company

    kaas = member("Kaasmakerij Drenthe", [export, innovation], "Duits, Duitsland")
    metaal = member("Metaal Emmen", [export], "Engels; Verenigd Koninkrijk")
    bakker = member("Bakkerij Brood", [], "")
    gone = member("Vertrokken B.V.", [export], "Duits", left_on=dt.date(2025, 12, 1))
    carousel_round = f.CarouselRoundFactory(
        collective=carousel,
        school=school,
        broker=world.alice,
        name="Voorjaar 2026",
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 6, 30),
    )

    def team(name, themes, languages, countries):
        t = f.StudentTeamFactory(
            round=carousel_round, name=name, languages=languages, countries=countries
        )
        t.themes.set(themes)
        f.StudentFactory(round=carousel_round, team=t, name=f"Student van {name}")
        return t

    return SimpleNamespace(
        programme=programme,
        school=school,
        carousel=carousel,
        round=carousel_round,
        kaas=kaas,
        metaal=metaal,
        bakker=bakker,
        gone=gone,
        export=export,
        innovation=innovation,
        duits=team("Team Duits", [export], "Duits", "Duitsland"),
        engels=team("Team Engels", [export, innovation], "Engels", "Verenigd Koninkrijk"),
        leeg=team("Team Leeg", [], "", ""),
    )
