"""The internal catalogue pages for signed-in staff: the instrument list (filters, sorting,
pagination, CSV/XLSX export), the instrument page with its versions, create, edit,
verify and delete.

Views are thin: they read through ``queries.py`` (an instrument of another region is a
404), declare input with forms, and change things only through ``services.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.accounts.models import Organisation, User
from loket.catalogue import services
from loket.catalogue.filters import SORTING, InstrumentFilterSet
from loket.catalogue.forms import InstrumentForm, add_service_errors, editable_regions
from loket.catalogue.models import (
    STALE_AFTER_DAYS,
    Instrument,
    InstrumentVersion,
    Kind,
    Phase,
    ProviderKind,
)
from loket.catalogue.queries import get_instrument_for_user, instruments_visible_to
from loket.companies.models import LegalForm, SbiCode, SizeClass
from loket.core.export import Column, export_format, export_response
from loket.core.lists import paginate
from loket.core.models import Municipality, Region, Theme
from loket.core.permissions import scope_of

# --- shared bits ---------------------------------------------------------------------------


def money(value: Any) -> str:
    """'€ 1.234,56' (excluding VAT), or '' for no amount."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return "€ " + formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def status_label(instrument: Instrument) -> str:
    reasons = instrument.not_current_reasons()
    return ", ".join(reasons) if reasons else _("actueel")


def _labels(choices: Any, values: Iterable[str] | None) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])


def _region_label(instrument: Instrument) -> str:
    return instrument.region.name if instrument.region else _("landelijk/Europees")


def _status(request: HttpRequest, form: Any) -> int:
    """200 for a fresh form; 422 when posted input was refused."""
    return 422 if request.method == "POST" and form.errors else 200


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- the list ------------------------------------------------------------------------------

EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Naam"), "name"),
    (gettext_lazy("Korte omschrijving"), "summary"),
    (gettext_lazy("Soort"), "get_kind_display"),
    (gettext_lazy("Soort aanbieder"), "get_provider_kind_display"),
    (gettext_lazy("Aanbieder"), "provider_label"),
    (gettext_lazy("Regio"), _region_label),
    (gettext_lazy("Thema's"), lambda i: ", ".join(t.name for t in i.themes.all())),
    (gettext_lazy("Fasen"), lambda i: ", ".join(i.get_phases_display())),
    (gettext_lazy("Minimumbedrag (excl. btw)"), "amount_min"),
    (gettext_lazy("Maximumbedrag (excl. btw)"), "amount_max"),
    (gettext_lazy("Eigen bijdrage (excl. btw)"), "own_contribution"),
    (gettext_lazy("Open vanaf"), "open_from"),
    (gettext_lazy("Open tot en met"), "open_until"),
    (gettext_lazy("Uiterste aanvraagdatum"), "deadline"),
    (gettext_lazy("Budget uitgeput"), "budget_exhausted"),
    (gettext_lazy("Gepubliceerd"), "published"),
    (gettext_lazy("Status"), status_label),
    (gettext_lazy("Laatst gecontroleerd"), "last_verified"),
    (gettext_lazy("Controle nodig"), lambda i: i.is_stale()),
    (gettext_lazy("Redacteur"), lambda i: i.editor.full_name or i.editor.email if i.editor else ""),
    (gettext_lazy("Versie"), "version"),
    (gettext_lazy("Website"), "website"),
]


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = InstrumentFilterSet(
        request.GET,
        queryset=instruments_visible_to(request.user),  # type: ignore[arg-type]
        request=request,
    )
    # Invalid values are shown on their field; the valid ones still filter.
    queryset = filterset.qs.select_related("region", "provider_organisation", "editor")
    fmt = export_format(request)
    if fmt is not None:
        rows = SORTING.apply(queryset, request.GET).prefetch_related("themes")
        return export_response(fmt, rows, EXPORT_COLUMNS, "instrumenten")
    listing = paginate(request, queryset, sorting=SORTING)
    scope = scope_of(request.user)
    may_create = services.can_edit_region(request.user, None) or any(  # type: ignore[arg-type]
        scope.is_programme_staff(r) for r in scope.region_ids
    )
    return render(
        request,
        "catalogue/instrument_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "may_create": may_create,
            "stale_after_days": STALE_AFTER_DAYS,
        },
    )


# --- the instrument page -----------------------------------------------------------------


def _rich(html: str) -> SafeString:
    """Rich text as it may be shown: sanitised again on the way out, whatever wrote it."""
    return mark_safe(services.sanitise(html))  # noqa: S308 - nh3 output


def _sbi_rows(codes: Iterable[str]) -> list[str]:
    codes = list(codes or [])
    if not codes:
        return []
    names = {s.code: s.name for s in SbiCode.objects.filter(code__in=codes)}
    return [f"{c} {names[c]}" if c in names else c for c in codes]


@login_required
@require_GET
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_instrument_for_user(request.user, pk)  # type: ignore[arg-type]
    versions = list(instrument.versions.select_related("changed_by").order_by("-number"))
    for version in versions:
        version.changed_labels = [_field_label(name) for name in version.changed_fields or []]  # type: ignore[attr-defined]
    return render(
        request,
        "catalogue/instrument_detail.html",
        {
            "instrument": instrument,
            "description": _rich(instrument.description),
            "how_to_apply": _rich(instrument.how_to_apply),
            "reasons": instrument.not_current_reasons(),
            "stale": instrument.is_stale(),
            "themes": list(instrument.themes.all()),
            "municipalities": list(instrument.municipalities.order_by("name")),
            "regions": list(instrument.regions.order_by("name")),
            "sbi_included": _sbi_rows(instrument.sbi_included),
            "sbi_excluded": _sbi_rows(instrument.sbi_excluded),
            "size_classes": _labels(SizeClass.choices, instrument.size_classes),
            "legal_forms": _labels(LegalForm.choices, instrument.legal_forms),
            "amounts": [
                (_("Minimumbedrag"), money(instrument.amount_min)),
                (_("Maximumbedrag"), money(instrument.amount_max)),
                (_("Eigen bijdrage"), money(instrument.own_contribution)),
            ],
            "versions": versions,
            "can_edit": services.can_edit(request.user, instrument),  # type: ignore[arg-type]
            "stale_after_days": STALE_AFTER_DAYS,
        },
    )


# --- versions ------------------------------------------------------------------------------

VERSION_FIELDS = ("region", *services.INSTRUMENT_FIELDS, *services.INSTRUMENT_M2M, "slug")


def _field_label(name: str) -> str:
    try:
        field = Instrument._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    label = str(getattr(field, "verbose_name", name))
    return label[:1].upper() + label[1:]


def _as_date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d-%m-%Y")
    except ValueError:
        return str(value)


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int)]


def version_rows(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """A version's data as (label, readable value) rows, in the order of the form. Ids
    are turned into names (a few queries, one per kind of related row)."""

    def names(model: Any, key: str, attr: str = "name") -> dict[int, str]:
        ids = [i for f in fields_of[key] for i in _ids(data.get(f))]
        if not ids:
            return {}
        return {pk: str(getattr(obj, attr)) for pk, obj in model.objects.in_bulk(ids).items()}

    fields_of = {
        "organisation": ("provider_organisation", "contact_organisation"),
        "theme": ("themes",),
        "municipality": ("municipalities",),
        "region": ("region", "regions"),
    }
    orgs = names(Organisation, "organisation")
    users = {
        pk: (u.full_name or u.email)
        for pk, u in (
            User.objects.in_bulk(_ids(data.get("editor"))) if _ids(data.get("editor")) else {}
        ).items()
    }
    themes = names(Theme, "theme")
    municipalities = names(Municipality, "municipality")
    regions = names(Region, "region")
    lookups: dict[str, dict[int, str]] = {
        "provider_organisation": orgs,
        "contact_organisation": orgs,
        "editor": users,
        "themes": themes,
        "municipalities": municipalities,
        "regions": regions,
    }
    choices: dict[str, Any] = {
        "kind": Kind.choices,
        "provider_kind": ProviderKind.choices,
        "phases": Phase.choices,
        "size_classes": SizeClass.choices,
        "legal_forms": LegalForm.choices,
    }
    rows: list[tuple[str, Any]] = []
    for name in VERSION_FIELDS:
        if name not in data:
            continue
        value = data[name]
        shown: Any
        if name == "region":
            shown = regions.get(value, value) if value else _("landelijk/Europees")
        elif name in lookups:
            ids = _ids(value)
            shown = ", ".join(lookups[name].get(i, f"#{i}") for i in ids)
        elif name in choices:
            shown = _labels(choices[name], value if isinstance(value, list) else [value])
        elif name in services.RICH_TEXT_FIELDS:
            shown = _rich(str(value or ""))
        elif name in ("amount_min", "amount_max", "own_contribution"):
            shown = money(value)
        elif name in ("open_from", "open_until", "deadline", "last_verified"):
            shown = _as_date(value) if value else ""
        elif isinstance(value, bool):
            shown = _("ja") if value else _("nee")
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = "" if value is None else str(value)
        rows.append((_field_label(name), shown))
    return rows


@login_required
@require_GET
def instrument_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    instrument = get_instrument_for_user(request.user, pk)  # type: ignore[arg-type]
    version = (
        InstrumentVersion.objects.filter(instrument=instrument, number=number)
        .select_related("changed_by")
        .first()
    )
    if version is None:
        raise Http404
    data = version.data if isinstance(version.data, dict) else {}
    return render(
        request,
        "catalogue/instrument_version.html",
        {
            "instrument": instrument,
            "version": version,
            "rows": version_rows(data),
            "changed_labels": [_field_label(n) for n in version.changed_fields or []],
        },
    )


# --- create, edit, verify, delete ----------------------------------------------------------


def _creatable_regions(user: Any) -> tuple[list[Region], bool]:
    """The regions the user may add instruments to, and whether national/EU too."""
    scope = scope_of(user)
    regions = editable_regions(
        Region.objects.filter(pk__in=scope.region_ids).order_by("name"),
        lambda region_id: services.can_edit_region(user, region_id),
    )
    return regions, services.can_edit_region(user, None)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_create(request: HttpRequest) -> HttpResponse:
    regions, allow_shared = _creatable_regions(request.user)
    if not regions and not allow_shared:
        raise PermissionDenied
    form = InstrumentForm(
        _posted(request),
        regions=regions,
        allow_shared=allow_shared,
        initial={"provider_kind": ProviderKind.PROGRAMME, "published": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.create_instrument(
                request.user,  # type: ignore[arg-type]
                form.service_data(),
                region=form.chosen_region,
                note=form.version_note,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("U mag in deze regio geen instrumenten toevoegen."))
        else:
            messages.success(
                request, _("Het instrument %(name)s is aangemaakt.") % {"name": instrument.name}
            )
            return redirect("catalogue:detail", pk=instrument.pk)
    return render(
        request,
        "catalogue/instrument_form.html",
        {"form": form, "creating": True},
        status=_status(request, form),
    )


def _editable_instrument(request: HttpRequest, pk: int) -> Instrument:
    instrument = get_instrument_for_user(request.user, pk)  # type: ignore[arg-type]
    if not services.can_edit(request.user, instrument):  # type: ignore[arg-type]
        raise PermissionDenied
    return instrument


@login_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _editable_instrument(request, pk)
    regions, _shared = _creatable_regions(request.user)
    form = InstrumentForm(
        _posted(request),
        initial=InstrumentForm.initial_from(instrument),
        regions=regions,
        allow_shared=False,
        instrument=instrument,
    )
    if request.method == "POST" and form.is_valid():
        before = instrument.version
        try:
            services.update_instrument(
                request.user,  # type: ignore[arg-type]
                instrument,
                form.service_data(),
                note=form.version_note,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            instrument.refresh_from_db()
        else:
            if instrument.version == before:
                messages.info(request, _("Er was niets gewijzigd; er is geen nieuwe versie."))
            else:
                messages.success(
                    request,
                    _("De wijzigingen zijn opgeslagen als versie %(number)s.")
                    % {"number": instrument.version},
                )
            return redirect("catalogue:detail", pk=instrument.pk)
    return render(
        request,
        "catalogue/instrument_form.html",
        {"form": form, "instrument": instrument, "creating": False},
        status=_status(request, form),
    )


@login_required
@require_POST
def instrument_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """'Gecontroleerd': the editor checked the facts today."""
    instrument = _editable_instrument(request, pk)
    try:
        services.verify_instrument(request.user, instrument)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(
            request,
            _("Controle niet opgeslagen: %(errors)s Wijzig eerst de gegevens.")
            % {"errors": " ".join(exc.messages)},
        )
    else:
        messages.success(
            request,
            _("Gecontroleerd: de waarschuwing verdwijnt voor %(days)s dagen.")
            % {"days": STALE_AFTER_DAYS},
        )
    return redirect("catalogue:detail", pk=instrument.pk)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_delete(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _editable_instrument(request, pk)
    if request.method == "POST":
        name = instrument.name
        try:
            services.delete_instrument(request.user, instrument)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("catalogue:detail", pk=instrument.pk)
        messages.success(request, _("Het instrument %(name)s is verwijderd.") % {"name": name})
        return redirect("catalogue:list")
    return render(
        request,
        "catalogue/instrument_confirm_delete.html",
        {"instrument": instrument, "referrals": instrument.referrals.count()},
    )
