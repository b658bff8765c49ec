"""Domain operations on the instrument catalogue.

Every change goes through here: permission check, sanitised rich text, validation of the
whole record, a new version (``InstrumentVersion``) and an audit event, in one
transaction. Forms, the API, the import and the demo loader call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.catalogue.models import (
    SHARED_PROVIDER_KINDS,
    Instrument,
    InstrumentVersion,
    Phase,
    ProviderKind,
)
from loket.companies.models import LegalForm, SbiCode, SizeClass
from loket.core import audit
from loket.core.models import AuditEvent, Region
from loket.core.permissions import require, scope_of

# Plain fields a caller may set (``region`` only on create).
INSTRUMENT_FIELDS = (
    "name",
    "summary",
    "description",
    "kind",
    "provider_kind",
    "provider_organisation",
    "provider_name",
    "phases",
    "keywords",
    "size_classes",
    "employees_min",
    "employees_max",
    "company_age_min",
    "company_age_max",
    "sbi_included",
    "sbi_excluded",
    "legal_forms",
    "amount_min",
    "amount_max",
    "own_contribution",
    "how_to_apply",
    "contact_organisation",
    "contact_name",
    "contact_email",
    "contact_phone",
    "website",
    "open_from",
    "open_until",
    "deadline",
    "budget_exhausted",
    "published",
    "last_verified",
    "editor",
)
INSTRUMENT_M2M = ("themes", "municipalities", "regions")
RICH_TEXT_FIELDS = ("description", "how_to_apply")
MONEY_FIELDS = ("amount_min", "amount_max", "own_contribution")
# What survives sanitising of rich text: paragraphs, emphasis, lists, links, headings.
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitise(html: str) -> str:
    """Rich text as it may be shown: only harmless tags, links with safe schemes."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    ).strip()


# --- permissions ---------------------------------------------------------------------


def can_edit_region(actor: User, region_id: int | None) -> bool:
    """Programme staff edit their region's catalogue; the shared national and EU part is
    kept by the programme managers and administrators of every region together."""
    scope = scope_of(actor)
    if region_id is None:
        return scope.can_manage()
    return scope.is_programme_staff(region_id)


def can_edit(actor: User, instrument: Instrument) -> bool:
    """Programme staff of the region, and members of the organisation that provides it."""
    if can_edit_region(actor, instrument.region_id):
        return True
    return instrument.provider_organisation_id is not None and scope_of(actor).is_member_of(
        instrument.provider_organisation_id
    )


# --- validation ----------------------------------------------------------------------


def _valid_sbi_codes() -> set[str]:
    return set(SbiCode.objects.values_list("code", flat=True))


def validate_criteria(instrument: Instrument) -> dict[str, str]:
    """Checks the model cannot express: list fields hold known values, ranges in order,
    the provider fits the kind of provider. Returns {field: message}."""
    errors: dict[str, str] = {}

    def known(field: str, values: Any, allowed: set[str], message: str) -> None:
        if not isinstance(values, list) or any(v not in allowed for v in values):
            errors[field] = message

    known("phases", instrument.phases, set(Phase.values), _("Kies geldige fasen."))
    known(
        "size_classes",
        instrument.size_classes,
        set(SizeClass.values),
        _("Kies geldige grootteklassen."),
    )
    known(
        "legal_forms",
        instrument.legal_forms,
        set(LegalForm.values),
        _("Kies geldige rechtsvormen."),
    )
    if instrument.sbi_included or instrument.sbi_excluded:
        codes = _valid_sbi_codes()
        for field in ("sbi_included", "sbi_excluded"):
            values = getattr(instrument, field)
            if not isinstance(values, list):
                errors[field] = _("Geef SBI-codes als lijst.")
                continue
            unknown = [v for v in values if v not in codes]
            if unknown:
                errors[field] = _("Onbekende SBI-code: %(codes)s.") % {"codes": ", ".join(unknown)}
        overlap = set(instrument.sbi_included or []) & set(instrument.sbi_excluded or [])
        if overlap and "sbi_excluded" not in errors:
            errors["sbi_excluded"] = _("Een SBI-code staat zowel bij 'alleen' als bij 'niet'.")
    for low, high, message in (
        (
            "employees_min",
            "employees_max",
            _("Het minimum aantal werkzame personen is hoger dan het maximum."),
        ),
        ("company_age_min", "company_age_max", _("De minimale leeftijd is hoger dan de maximale.")),
        ("amount_min", "amount_max", _("Het minimumbedrag is hoger dan het maximumbedrag.")),
        ("open_from", "open_until", _("'Open vanaf' ligt na 'open tot en met'.")),
    ):
        a, b = getattr(instrument, low), getattr(instrument, high)
        if a is not None and b is not None and a > b:
            errors[high] = message
    if (
        instrument.open_from is not None
        and instrument.deadline is not None
        and instrument.deadline < instrument.open_from
    ):
        errors["deadline"] = _("De uiterste aanvraagdatum ligt vóór 'open vanaf'.")
    if (
        instrument.own_contribution is not None
        and instrument.amount_max is not None
        and instrument.own_contribution > instrument.amount_max
    ):
        errors["own_contribution"] = _("De eigen bijdrage is hoger dan het maximumbedrag.")
    shared = instrument.provider_kind in SHARED_PROVIDER_KINDS
    if shared and instrument.region_id is not None:
        errors["provider_kind"] = _(
            "Landelijke en Europese instrumenten horen bij geen regio: ze gelden overal."
        )
    if not shared and instrument.region_id is None and instrument.provider_kind:
        errors["region"] = _("Een instrument van het programma of een partner hoort bij een regio.")
    if shared and not instrument.provider_name:
        errors["provider_name"] = _("Noem de landelijke of Europese aanbieder.")
    if not shared and instrument.provider_kind and instrument.provider_organisation_id is None:
        errors["provider_organisation"] = _("Kies de organisatie die dit aanbiedt.")
    for field in ("provider_organisation", "contact_organisation"):
        org = getattr(instrument, field)
        if org is not None and org.region_id != instrument.region_id:
            errors[field] = _("Deze organisatie werkt niet in de regio van het instrument.")
    if (
        instrument.provider_kind == ProviderKind.PROGRAMME
        and instrument.provider_organisation is not None
        and instrument.provider_organisation.kind != "programme"
    ):
        errors["provider_organisation"] = _("Kies de organisatie van het programma zelf.")
    return errors


def check_instrument(instrument: Instrument) -> None:
    """Every rule an instrument must meet, as one ValidationError {field: [messages]}.
    The import runs it on unsaved rows before it writes anything."""
    errors: dict[str, list[str]] = {}
    try:
        instrument.full_clean(exclude=["slug"], validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    for field, message in validate_criteria(instrument).items():
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "instrument"
    slug, n = base, 1
    taken = Instrument.objects.exclude(pk=exclude_pk) if exclude_pk else Instrument.objects
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- versions ------------------------------------------------------------------------


def snapshot(instrument: Instrument) -> dict[str, Any]:
    """The whole record as plain JSON values (a version's data)."""
    data = audit.snapshot(instrument, (*INSTRUMENT_FIELDS, *INSTRUMENT_M2M, "region", "slug"))
    data["region"] = instrument.region_id
    return data


def _save_version(
    actor: User | None, instrument: Instrument, before: dict[str, Any], note: str = ""
) -> InstrumentVersion:
    after = snapshot(instrument)
    changed = sorted(audit.diff(before, after)) if before else []
    return InstrumentVersion.objects.create(
        instrument=instrument,
        number=instrument.version,
        data=after,
        changed_fields=changed,
        changed_by=actor if getattr(actor, "pk", None) else None,
        note=note[:200],
    )


# --- operations ----------------------------------------------------------------------


def apply_data(instrument: Instrument, data: Mapping[str, Any]) -> dict[str, Any]:
    """Set plain fields from ``data`` (rich text sanitised, money to the cent); returns the
    many-to-many values for the caller to set after saving."""
    m2m: dict[str, Any] = {}
    for key, value in data.items():
        if key in INSTRUMENT_M2M:
            m2m[key] = list(value or [])
        elif key in INSTRUMENT_FIELDS:
            if key in RICH_TEXT_FIELDS:
                value = sanitise(value or "")
            elif key in MONEY_FIELDS and value not in (None, ""):
                # Money has two places: 500 and 500.00 are the same amount, no new version.
                # More than two places stays as given: validation refuses it.
                try:
                    amount = Decimal(str(value))
                    cents = amount.quantize(Decimal("0.01"))
                except (InvalidOperation, ValueError):
                    raise ValidationError({key: _("Vul een bedrag in euro in.")}) from None
                value = cents if cents == amount else amount
            elif isinstance(value, str) and key not in ("phases",):
                value = value.strip()
            setattr(instrument, key, value)
        else:
            raise ValueError(f"Unknown instrument field: {key}")
    return m2m


def create_instrument(
    actor: User | None,
    data: Mapping[str, Any],
    *,
    region: Region | None,
    note: str = "",
    check_permission: bool = True,
) -> Instrument:
    """A new instrument (version 1). ``region`` None makes a shared national/EU one.
    ``check_permission`` is off only for the demo loader and migrations."""
    if check_permission:
        assert actor is not None
        require(can_edit_region(actor, region.pk if region else None))
    instrument = Instrument(region=region)
    m2m = apply_data(instrument, data)
    if instrument.last_verified is None:
        instrument.last_verified = timezone.localdate()
    if instrument.editor_id is None and getattr(actor, "pk", None):
        instrument.editor = actor
    check_instrument(instrument)
    with transaction.atomic():
        instrument.slug = _unique_slug(instrument.name)
        instrument.version = 1
        instrument.save()
        for key, values in m2m.items():
            getattr(instrument, key).set(values)
        _save_version(actor, instrument, {}, note or _("aangemaakt"))
        audit.record(actor, AuditEvent.Action.CREATE, instrument, changes={"version": 1})
    return instrument


def update_instrument(
    actor: User, instrument: Instrument, data: Mapping[str, Any], *, note: str = ""
) -> Instrument:
    """Change an instrument; a new version is kept when anything changed."""
    require(can_edit(actor, instrument))
    before = snapshot(instrument)
    m2m = apply_data(instrument, data)
    check_instrument(instrument)
    with transaction.atomic():
        locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
        instrument.version = locked.version
        instrument.save()
        for key, values in m2m.items():
            getattr(instrument, key).set(values)
        changes = audit.diff(before, snapshot(instrument))
        if not changes:
            return instrument
        instrument.version = locked.version + 1
        Instrument.objects.filter(pk=instrument.pk).update(version=instrument.version)
        _save_version(actor, instrument, before, note)
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            instrument,
            changes={"fields": sorted(changes), "version": instrument.version},
        )
    return instrument


def verify_instrument(actor: User, instrument: Instrument, on: dt.date | None = None) -> Instrument:
    """The editor checked the facts: the stale warning goes away for 180 days."""
    return update_instrument(
        actor,
        instrument,
        {"last_verified": on or timezone.localdate()},
        note=_("gecontroleerd"),
    )


def delete_instrument(actor: User, instrument: Instrument) -> None:
    """Delete an instrument nobody was referred to; otherwise unpublish it instead."""
    require(can_edit(actor, instrument))
    if instrument.referrals.exists():
        raise ValidationError(
            _(
                "Er zijn ondernemers naar dit instrument verwezen; zet het op 'niet "
                "gepubliceerd' in plaats van het te verwijderen."
            )
        )
    with transaction.atomic():
        audit.record(actor, AuditEvent.Action.DELETE, instrument)
        instrument.delete()


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
