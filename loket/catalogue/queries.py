"""The read side of the catalogue: which instruments a user or the public sees."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from loket.accounts.models import User
from loket.catalogue.models import Instrument, current_q
from loket.core.models import Region
from loket.core.permissions import scope_of


def region_q(region_id: int) -> Q:
    """Instruments that apply in a region: its own, and the shared ones that are not
    narrowed to other regions."""
    return Q(region_id=region_id) | (
        Q(region__isnull=True) & (Q(regions__isnull=True) | Q(regions=region_id))
    )


def instruments_visible_to(user: User) -> QuerySet[Instrument]:
    """Internally every signed-in user of a region sees that region's whole catalogue
    (drafts and expired ones included) and the shared national and EU instruments."""
    region_ids = scope_of(user).region_ids
    if not region_ids:
        return Instrument.objects.none()
    return Instrument.objects.filter(Q(region_id__in=region_ids) | Q(region__isnull=True))


def get_instrument_for_user(user: User, pk: int) -> Instrument:
    instrument = (
        instruments_visible_to(user)
        .select_related("region", "provider_organisation", "contact_organisation", "editor")
        .filter(pk=pk)
        .first()
    )
    if instrument is None:
        raise Http404
    return instrument


def public_instruments(region: Region, today: dt.date | None = None) -> QuerySet[Instrument]:
    """What the portal shows: current instruments of the region and shared ones. An
    instrument past its end date or deadline, exhausted or unpublished is never here."""
    return Instrument.objects.filter(region_q(region.pk)).filter(current_q(today)).distinct()


def get_public_instrument(region: Region, slug: str) -> Instrument:
    instrument = (
        public_instruments(region)
        .select_related("provider_organisation", "contact_organisation")
        .filter(slug=slug)
        .first()
    )
    if instrument is None:
        raise Http404
    return instrument


def portal_region() -> Region:
    """The region the public portal serves (``LOKET_PORTAL_REGION``, else the first)."""
    from django.conf import settings

    regions = Region.objects.order_by("pk")
    if settings.LOKET_PORTAL_REGION:
        region = regions.filter(slug=settings.LOKET_PORTAL_REGION).first()
    else:
        region = regions.first()
    if region is None:
        raise Http404
    return region
