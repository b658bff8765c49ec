"""The demo programme's events and collective instruments, and the line ``load_demo``
prints about them."""

from __future__ import annotations

import datetime as dt

from loket.core.models import Region
from loket.demo.collectives import load_collectives
from loket.demo.events import load_events
from loket.demo.programmes import existing_programme


def load_activities(region: Region, *, today: dt.date, seed: int = 2026) -> dict[str, int]:
    """Events and collectives of the region's demo programme (each only if it has none);
    returns their counts with the prefix ``activity_``."""
    programme = existing_programme(region)
    if programme is None:
        return {}
    counts = {
        **load_events(programme, today=today, seed=seed),
        **load_collectives(programme, today=today, seed=seed),
    }
    return {f"activity_{key}": value for key, value in counts.items()}


def summary(counts: dict[str, int]) -> str:
    def n(key: str) -> str:
        return f"{counts.get(key, 0):,}".replace(",", ".")

    return (
        f"Evenementen en collectief / events and collectives: {n('events')} evenementen, "
        f"{n('registrations')} aanmeldingen, {n('visits')} bezoeken, {n('collectives')} "
        f"clusters, samenwerkingen, tafels en carrousels, {n('table_sessions')} tafelsessies, "
        f"{n('rounds')} carrouselrondes, {n('matches')} koppelingen."
    )
