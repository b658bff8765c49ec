"""The webinar import page (/evenementen/<id>/webinar-import/) and the programme's reach
(/evenementen/programma/<id>/bereik/, in ``views/activity.py``, joined here).

The import takes two steps without personal data in any URL: the upload is checked whole
and previewed (how each viewer matches the client record), the file itself is kept in
the server-side session under the event, and the confirmation (a POST carrying the
file's checksum and a choice per ambiguous viewer) imports exactly the file that was
previewed. Thin: ``services.webinar`` reads, checks, matches and writes.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.events.forms.webinar import WebinarConfirmForm, WebinarUploadForm
from loket.events.models import Event
from loket.events.queries import get_event_for_user
from loket.events.services import linking, webinar
from loket.events.services.webinar_reading import digest_of
from loket.events.views import activity

SESSION_KEY = "loket_webinar_import"


def outcome_labels() -> dict[str, str]:
    return {
        linking.MATCHED: _("gekoppeld aan een bestaand bedrijf"),
        linking.NEW: _("nieuw bedrijf"),
        linking.AMBIGUOUS: _("meerdere bedrijven mogelijk"),
        linking.NO_COMPANY: _("geen bedrijf"),
    }


def _keep(request: HttpRequest, event: Event, content: bytes) -> None:
    kept = dict(request.session.get(SESSION_KEY) or {})
    kept[str(event.pk)] = base64.b64encode(content).decode("ascii")
    request.session[SESSION_KEY] = kept


def _kept(request: HttpRequest, event: Event) -> bytes | None:
    raw = (request.session.get(SESSION_KEY) or {}).get(str(event.pk))
    if not isinstance(raw, str):
        return None
    try:
        return base64.b64decode(raw.encode("ascii"), validate=True)
    except (binascii.Error, ValueError):
        return None


def _forget(request: HttpRequest, event: Event) -> None:
    kept = dict(request.session.get(SESSION_KEY) or {})
    if kept.pop(str(event.pk), None) is not None:
        request.session[SESSION_KEY] = kept


def _render(
    request: HttpRequest,
    event: Event,
    upload: WebinarUploadForm,
    result: webinar.WebinarResult | None = None,
    confirm: WebinarConfirmForm | None = None,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    labels = outcome_labels()
    counts = result.counts if result is not None else {}
    return render(
        request,
        "events/webinar_import.html",
        {
            "event": event,
            "form": upload,
            "result": result,
            "confirm": confirm,
            "counts": [(labels[key], counts.get(key, 0)) for key in labels],
            "labels": labels,
            "event_problem": webinar.event_problem(event),
            "notice": notice,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def webinar_import(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    event = get_event_for_user(user, pk)
    if not webinar.can_import(user, event):
        raise PermissionDenied
    if request.method == "POST" and "bestand_controle" in request.POST:
        return _confirm(request, event)
    if request.method != "POST":
        return _render(request, event, WebinarUploadForm())
    upload = WebinarUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _render(request, event, upload, status=422)
    content = upload.cleaned_data["bestand"].read(webinar.MAX_BYTES + 1)
    result = webinar.preview(user, event, content)
    if not result.ok:
        _forget(request, event)
        return _render(request, event, WebinarUploadForm(), result, status=422)
    _keep(request, event, content)
    confirm = WebinarConfirmForm(
        initial={"bestand_controle": result.digest}, rows=result.ambiguous_rows
    )
    return _render(request, event, WebinarUploadForm(), result, confirm)


def _upload_again(request: HttpRequest, event: Event, message: str) -> HttpResponse:
    return _render(request, event, WebinarUploadForm(), status=422, notice=message)


def _confirm(request: HttpRequest, event: Event) -> HttpResponse:
    user: Any = request.user
    content = _kept(request, event)
    if content is None:
        return _upload_again(
            request,
            event,
            _(
                "Het gecontroleerde bestand is niet meer beschikbaar. Kies het bestand "
                "opnieuw en lees het in."
            ),
        )
    checked = webinar.preview(user, event, content)
    confirm = WebinarConfirmForm(request.POST, rows=checked.ambiguous_rows if checked.ok else [])
    valid = confirm.is_valid()
    if "bestand_controle" in confirm.errors or (
        valid and digest_of(content) != confirm.cleaned_data["bestand_controle"]
    ):
        return _upload_again(
            request,
            event,
            _(
                "In de tussentijd is een ander bestand ingelezen. Kies het bestand opnieuw "
                "en lees het in."
            ),
        )
    if not valid:
        return _render(request, event, WebinarUploadForm(), checked, confirm, status=422)
    result = webinar.import_viewers(user, event, content, confirm.choices())
    if not result.ok:
        return _render(request, event, WebinarUploadForm(), result, confirm, status=422)
    _forget(request, event)
    messages.success(
        request,
        _(
            "%(total)s kijkers ingelezen: %(created)s nieuw als kijker aangemeld, %(updated)s "
            "waren al aangemeld en staan nu op aanwezig."
        )
        % {
            "total": result.created + result.updated,
            "created": result.created,
            "updated": result.updated,
        },
    )
    return redirect("events:webinar_import", event.pk)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/webinar-import/", webinar_import, name="webinar_import"),
    *activity.urlpatterns,
]
