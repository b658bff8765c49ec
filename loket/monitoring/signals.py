"""Raise the region's figure stamp (``cache.changed``) whenever a record that a measure
counts is saved or deleted, or its themes/needs change."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save


def _region_of(instance: Any) -> int | None:
    return getattr(instance, "region_id", None)


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from loket.monitoring.cache import changed

    changed(_region_of(instance))


def connect() -> None:
    from loket.casework.models import Case, ContactMoment
    from loket.collectives.models import Collective, Match, TableSession
    from loket.companies.models import Company
    from loket.events.models import Event, Registration
    from loket.monitoring.models import (
        ActionLine,
        BusinessCase,
        Indicator,
        SurveyInvitation,
        Target,
    )
    from loket.programmes.models import (
        Funder,
        HourEntry,
        HourlyRate,
        PlanLine,
        PlanLineFunding,
        Programme,
        Scheme,
        Trajectory,
        Voucher,
    )

    counted = (
        Case,
        ContactMoment,
        Collective,
        Match,
        TableSession,
        Company,
        Event,
        Registration,
        HourEntry,
        Trajectory,
        Voucher,
        SurveyInvitation,
        BusinessCase,
        ActionLine,
        Indicator,
        Target,
        # the report's financing part: the plan, its funders and rates, the period
        Programme,
        Funder,
        HourlyRate,
        PlanLine,
        PlanLineFunding,
        Scheme,
    )
    for model in counted:
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-del-{model.__name__}")
    for through in (
        ContactMoment.themes.through,
        ContactMoment.needs.through,
        Case.themes.through,
        Event.themes.through,
        Event.partners.through,
        Collective.themes.through,
    ):
        uid = f"figures-m2m-{through.__name__}"
        m2m_changed.connect(_changed, sender=through, dispatch_uid=uid)
