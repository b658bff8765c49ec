"""Shared data for the company page tests (a plain module, so the other helpers'
conftest.py in this folder stays theirs)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from loket.casework.models import Case, Referral
from loket.companies import services
from tests import factories as f


def ago(**kwargs: Any) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def company_with_history(world: Any) -> SimpleNamespace:
    """A company in Assen with, oldest first:

    - a change (created through the service, by alice, now-ish: see ``created``),
    - a contact moment by alice (bureau) 10 days ago,
    - a confidential contact moment by charlie (Gemeente Emmen) 8 days ago,
    - a case opened by alice 6 days ago,
    - a referral from the bureau to Gemeente Assen (bob's organisation) 4 days ago,
    - a contact moment by bob (Gemeente Assen) 2 days ago.
    Bob and charlie both see the company (through the referral and the contact moment).
    """
    company = services.create_company(
        world.alice,
        world.region,
        {
            "name": "Bakkerij De Brink",
            "kvk_number": "12345678",
            "postcode": "9401AB",
            "house_number": 7,
            "street": "Brink",
            "city": "Assen",
            "municipality": world.assen,
            "employees": 4,
            "account_manager": world.alice,
        },
    )
    person = services.create_person(world.alice, company, {"name": "Jan de Bakker"})
    alice_moment = f.ContactMomentFactory(
        company=company,
        author=world.alice,
        organisation=world.bureau,
        occurred_at=ago(days=10),
        summary="Kennismaking met de bakker.",
    )
    charlie_secret = f.ContactMomentFactory(
        company=company,
        author=world.charlie,
        organisation=world.gem_emmen,
        occurred_at=ago(days=8),
        confidential=True,
        summary="Vertrouwelijk: schuldsanering besproken.",
    )
    case = f.CaseFactory(
        company=company,
        owner=world.alice,
        organisation=world.bureau,
        opened_at=ago(days=6),
        deadline=ago(days=5),
        question="Hulp bij een nieuwe oven.",
        status=Case.Status.NEW,
    )
    referral = f.ReferralFactory(
        case=case,
        to_organisation=world.gem_assen,
        status=Referral.Status.SENT,
    )
    type(referral).objects.filter(pk=referral.pk).update(created_at=ago(days=4))
    bob_moment = f.ContactMomentFactory(
        company=company,
        author=world.bob,
        organisation=world.gem_assen,
        occurred_at=ago(days=2),
        summary="Bob belde over de vergunning.",
        follow_up_on=timezone.localdate() + dt.timedelta(days=3),
    )
    return SimpleNamespace(
        company=company,
        person=person,
        alice_moment=alice_moment,
        charlie_secret=charlie_secret,
        case=case,
        referral=referral,
        bob_moment=bob_moment,
    )
