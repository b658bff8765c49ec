"""The catalogue import page (/catalogus/importeren/) and the export in the import's
columns (/catalogus/exporteren/), for the programme staff who keep a region's catalogue.

Thin: the form declares the upload, ``importing.import_catalogue`` checks and writes, and
the page shows its report (every problem with its row and column, or what was created
and changed).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.accounts.models import User
from loket.catalogue import importing
from loket.catalogue.exporting import export_catalogue
from loket.catalogue.queries import instruments_visible_to
from loket.core.forms import UtrechtFormMixin
from loket.core.models import Region
from loket.core.permissions import scope_of


class ImportForm(UtrechtFormMixin, forms.Form):
    bestand = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een CSV- of XLSX-bestand met één rij per instrument, hoogstens 5 MB en 5.000 rijen."
        ),
        error_messages={
            "required": _("Kies een CSV- of XLSX-bestand."),
            "empty": _("Het bestand is leeg."),
            "invalid": _("Kies een CSV- of XLSX-bestand."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    regio = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label=_("Regio"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een van uw regio's.")},
    )
    alleen_controleren = forms.BooleanField(
        label=_("Alleen controleren, nog niets opslaan"), required=False
    )

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["regio"]
        field.queryset = Region.objects.filter(pk__in=[r.pk for r in regions])  # type: ignore[attr-defined]
        if len(regions) == 1:
            field.initial = regions[0].pk
            field.widget = forms.HiddenInput()
        field.widget.attrs.pop("class", None)


def importable_regions(user: User) -> list[Region]:
    """The regions whose catalogue the user keeps (and so may import into)."""
    regions = Region.objects.filter(pk__in=scope_of(user).region_ids).order_by("name")
    return [region for region in regions if importing.can_import(user, region)]


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    regions = importable_regions(user)
    if not regions:
        raise PermissionDenied
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None, request.FILES if posted else None, regions=regions
    )
    report = None
    if posted and form.is_valid():
        upload = form.cleaned_data["bestand"]
        report = importing.import_catalogue(
            user,
            form.cleaned_data["regio"],
            upload.name or "",
            upload.read(importing.MAX_FILE_BYTES + 1),
            dry_run=form.cleaned_data["alleen_controleren"],
        )
    refused = posted and (bool(form.errors) or (report is not None and not report.ok))
    return render(
        request,
        "catalogue/import.html",
        {
            "form": form,
            "report": report,
            "regions": regions,
            "columns": importing.HEADERS,
        },
        status=422 if refused else 200,
    )


@login_required
@require_GET
def catalogue_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The region's instruments and the shared ones, in the import's columns
    (?formaat=csv or xlsx; ?regio=<id> for a user of several regions)."""
    user: User = request.user  # type: ignore[assignment]
    fmt = request.GET.get("formaat", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    queryset = instruments_visible_to(user)
    region_ids = scope_of(user).region_ids
    if not region_ids:
        raise PermissionDenied
    raw = request.GET.get("regio", "")
    if raw:
        if not raw.isdigit() or int(raw) not in region_ids:
            raise Http404
        queryset = queryset.filter(Q(region_id=int(raw)) | Q(region__isnull=True))
    return export_catalogue(fmt, queryset)
