"""Eligibility of one company for one instrument, on the target criteria only.

A scheme of a programme takes its eligibility criteria from its catalogue instrument
(``Scheme.instrument``). Approving a trajectory asks whether each participating company
meets them: size class, employees, company age, SBI sector, municipality and legal form,
with the same index and rules as the matching engine. Whether the instrument is current
(published, open, before its deadline, budget left) is not asked: an application made
while it was open may be approved later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from loket.catalogue.matching.index import _index_for
from loket.catalogue.matching.profile import Profile
from loket.catalogue.matching.rules import _Facts, _failed, _Sector, _why_not


def ineligible_reason(
    instrument_id: int, profile: Profile, today: dt.date | None = None
) -> str | None:
    """Why the company of ``profile`` does not meet the instrument's target criteria, in
    the active language; None when it does. An instrument that does not apply in the
    profile's region (another region's, or a shared one narrowed to other regions) is a
    reason too."""
    index = _index_for(profile.region_id)
    entry = index.entries.get(instrument_id)
    if entry is None:
        return _("Dit instrument geldt niet in de regio van het bedrijf.")
    # Only the target criteria: whatever makes the instrument current is taken as met.
    entry = dataclasses.replace(
        entry, published=True, exhausted=False, open_from=None, open_until=None, deadline=None
    )
    facts = _Facts(
        today=today or timezone.localdate(),
        size=profile.effective_size_class,
        employees=profile.employees,
        age=profile.company_age,
        age_bounds=profile.age_bounds,
        sector=_Sector.of(profile.sbi_codes, index.sections),
        municipality_id=profile.municipality_id,
        legal_form=profile.legal_form,
    )
    criterion = _failed(entry, facts)
    return None if criterion is None else _why_not(entry, criterion, facts)
