"""The read side of the portal: what an anonymous visitor may see of a region.

Only current instruments (``catalogue.queries.public_instruments``) and the region's
programme partners; nothing of the client record.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from loket.accounts.models import Organisation
from loket.catalogue.models import Instrument
from loket.catalogue.queries import public_instruments
from loket.core.models import Region


def programme_partners(region: Region) -> QuerySet[Organisation]:
    """The region's programme partner organisations, each with its current instruments
    (those it provides and those it is the contact for) prefetched: three queries."""
    current = public_instruments(region).order_by("name", "id")
    return (
        Organisation.objects.filter(region=region, is_programme_partner=True)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("instruments_provided", queryset=current, to_attr="public_provided"),
            Prefetch("instruments_contact", queryset=current, to_attr="public_contact"),
        )
        .order_by("name", "id")
    )


def partner_instruments(organisation: Organisation) -> list[Instrument]:
    """The current instruments of a partner from ``programme_partners``, once each, by name."""
    seen: dict[int, Instrument] = {}
    for instrument in [
        *getattr(organisation, "public_provided", []),
        *getattr(organisation, "public_contact", []),
    ]:
        seen.setdefault(instrument.pk, instrument)
    return sorted(seen.values(), key=lambda i: (i.name.lower(), i.pk))
