"""API: ``POST /api/match``, which instruments fit a company and why.

The profile is either a company the user may see (``company_id``; a company the user may
not see is a 404) or the answers of an anonymous entrepreneur (phases, themes, sector,
size, age, municipality, legal form). The endpoint only turns JSON into a
``matching.Profile``; ranking, eligibility and the reasons are ``matching.match``'s.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import StringConstraints

from loket.accounts.models import User
from loket.catalogue import matching
from loket.catalogue.models import Instrument, Phase
from loket.companies.models import LegalForm, SbiCode, SizeClass
from loket.companies.queries import get_company_for_user
from loket.core.api import (
    _NO_NUL,
    MAX_POSITIVE_INT,
    Id,
    Input,
    Slug,
    Str10,
    actor,
    errors,
    field_error,
    resolve_many,
    resolve_one,
    themes_by_slug,
)
from loket.core.models import Municipality, Region
from loket.core.permissions import scope_of

router = Router(tags=["instrumenten"])

MAX_LIST = 20
MAX_LIMIT = 50
MAX_QUESTION = 10_000
MAX_AGE = 500
QuestionText = Annotated[str, StringConstraints(max_length=MAX_QUESTION), _NO_NUL]
# Facts of a company: given with ``company_id`` they come from the client record instead.
COMPANY_FACTS = (
    "sbi_codes",
    "employees",
    "size_class",
    "company_age",
    "municipality_id",
    "legal_form",
)


class MatchIn(Input):
    company_id: Id | None = Field(
        None,
        description="Een bedrijf dat u mag zien: het profiel komt uit de klantregistratie "
        "(sector, omvang, leeftijd, gemeente, rechtsvorm, thema's). Laat leeg voor de "
        "antwoorden van een ondernemer zonder dossier.",
    )
    region: Slug | None = Field(
        None, description="Code van de regio; alleen nodig als u in meer regio's werkt."
    )
    phases: list[Phase] = Field(
        default_factory=list, max_length=MAX_LIST, description="Wat de ondernemer wil bereiken."
    )
    themes: list[Slug] = Field(
        default_factory=list, max_length=MAX_LIST, description="Zie /themes."
    )
    sbi_codes: list[Str10] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="SBI-secties of -afdelingen, zie /sbi-codes.",
    )
    employees: int | None = Field(None, ge=0, le=MAX_POSITIVE_INT)
    size_class: SizeClass | None = Field(
        None, description="Als het aantal werkzame personen niet bekend is."
    )
    company_age: int | None = Field(None, ge=0, le=MAX_AGE, description="In hele jaren.")
    municipality_id: Id | None = Field(None, description="Zie /municipalities.")
    legal_form: LegalForm | None = None
    question: QuestionText = Field("", description="De vraag van de ondernemer, in eigen woorden.")
    limit: int = Field(10, ge=1, le=MAX_LIMIT)
    include_excluded: bool = Field(
        False, description="Ook de instrumenten die niet passen, met het criterium waarop."
    )


class ReasonOut(Schema):
    kind: str = Field(description="phase, theme, words, criterion of region.")
    text: str


class MatchOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    summary: str
    provider: str
    contact_organisation: str | None
    amount_min: Decimal | None
    amount_max: Decimal | None
    own_contribution: Decimal | None
    url: str
    score: float
    reasons: list[ReasonOut]


class ExcludedOut(Schema):
    id: int
    name: str
    criterion: str = Field(description="Het veld van het instrument dat de doorslag gaf.")
    text: str


class MatchResultOut(Schema):
    considered: int = Field(description="Aantal instrumenten van de regio dat is bekeken.")
    matches: list[MatchOut]
    excluded: list[ExcludedOut] | None = Field(
        None, description="Alleen met include_excluded: true."
    )


def _region(user: User, slug: str | None) -> Region:
    regions = Region.objects.filter(pk__in=scope_of(user).region_ids)
    if slug:
        found = regions.filter(slug=slug).first()
        if found is None:
            raise field_error("region", _("U werkt niet in deze regio."))
        return found
    mine = list(regions.order_by("pk")[:2])
    if len(mine) != 1:
        raise field_error("region", _("Kies de regio."), "missing")
    return mine[0]


def _sbi_codes(codes: list[str]) -> tuple[str, ...]:
    """The codes given, each known (422 otherwise), with the section of each division."""
    rows = resolve_many(SbiCode.objects.select_related("section"), codes, "sbi_codes", "code")
    found = {row.code for row in rows} | {row.section.code for row in rows if row.section}
    return tuple(sorted(found))


def profile_from(user: User, payload: MatchIn) -> matching.Profile:
    """The profile the payload describes, with every id, code and slug checked."""
    phases = tuple(dict.fromkeys(Phase(p).value for p in payload.phases))
    themes = tuple(t.slug for t in themes_by_slug(payload.themes))
    if payload.company_id is not None:
        for name in COMPANY_FACTS:
            if name in payload.model_fields_set and getattr(payload, name) not in (None, []):
                raise field_error(
                    name, _("Niet samen met company_id: dit komt uit de klantregistratie.")
                )
        company = get_company_for_user(user, payload.company_id)
        prefetch_related_objects([company], "themes", "sbi_codes__section")
        return matching.Profile.from_company(
            company, question=payload.question, themes=themes, phases=phases
        )
    region = _region(user, payload.region)
    municipality = resolve_one(
        Municipality.objects.filter(region=region), payload.municipality_id, "municipality_id"
    )
    return matching.Profile(
        region_id=region.pk,
        phases=phases,
        themes=themes,
        sbi_codes=_sbi_codes(payload.sbi_codes),
        employees=payload.employees,
        size_class=SizeClass(payload.size_class).value if payload.size_class else None,
        company_age=payload.company_age,
        municipality_id=municipality.pk if municipality else None,
        legal_form=LegalForm(payload.legal_form).value if payload.legal_form else None,
        question=payload.question,
    )


def public_url(instrument: Instrument) -> str:
    try:
        return reverse("portal:instrument", kwargs={"slug": instrument.slug})
    except NoReverseMatch:
        return f"/instrumenten/{instrument.slug}/"


def _match_out(found: matching.Match) -> dict[str, Any]:
    inst = found.instrument
    return {
        "id": inst.pk,
        "name": inst.name,
        "slug": inst.slug,
        "kind": inst.kind,
        "summary": inst.summary,
        "provider": inst.provider_label,
        "contact_organisation": (
            inst.contact_organisation.name if inst.contact_organisation else None
        ),
        "amount_min": inst.amount_min,
        "amount_max": inst.amount_max,
        "own_contribution": inst.own_contribution,
        "url": public_url(inst),
        "score": found.score,
        "reasons": [{"kind": r.kind, "text": r.text} for r in found.reasons],
    }


@router.post(
    "/match",
    response={200: MatchResultOut, **errors(401, 404, 422)},
    summary="Passende instrumenten",
)
def match_instruments(request: HttpRequest, payload: MatchIn) -> Any:
    """De instrumenten die bij een bedrijf passen, best passend eerst, elk met de redenen
    (fase, thema, woorden uit de vraag, criteria). Met `include_excluded` ook de
    instrumenten die niet passen, met het criterium dat de doorslag gaf. Een criterium
    dat u niet invult, telt niet tegen een instrument."""
    profile = profile_from(actor(request), payload)
    result = matching.match(profile, limit=payload.limit, include_excluded=payload.include_excluded)
    return {
        "considered": result.considered,
        "matches": [_match_out(m) for m in result.matches],
        "excluded": (
            [
                {
                    "id": e.instrument.pk,
                    "name": e.instrument.name,
                    "criterion": e.criterion,
                    "text": e.text,
                }
                for e in result.excluded
            ]
            if payload.include_excluded
            else None
        ),
    }
