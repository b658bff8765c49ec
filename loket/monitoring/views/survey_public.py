"""The public survey pages (no login), reached by the personal link in the e-mail.

The link carries only the random token. An unknown or tampered token, an invitation of
another region than the portal's, or one not sent yet gets a plain page saying the link
does not work (404, never a 500); an expired link, an answered survey and a cancelled
invitation each get their own clear page. The answer is recorded once, under a row lock
(``services.survey.answer``); the unsubscribe page asks for confirmation with a button.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from loket.catalogue.queries import portal_region
from loket.companies.forms import add_service_errors
from loket.monitoring.forms.survey import SurveyAnswerForm
from loket.monitoring.models import SurveyInvitation
from loket.monitoring.services import survey as services

# secrets.token_urlsafe's alphabet, as long as the column allows
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
CLOSED_STATUS = {"answered": 200, "expired": 410, "unavailable": 410}


def _find(token: str) -> SurveyInvitation | None:
    if not TOKEN_SHAPE.fullmatch(token):
        return None  # never query with garbage (PostgreSQL refuses a NUL character)
    found = SurveyInvitation.objects.select_related("region").filter(token=token).first()
    if found is None or found.region_id != portal_region().pk:
        return None
    if found.status == SurveyInvitation.Status.SCHEDULED:
        return None  # not sent: nobody can have this link
    return found


def _unknown(request: HttpRequest) -> HttpResponse:
    return render(
        request, "monitoring/survey/public/unknown.html", {"region": portal_region()}, status=404
    )


def _closed(request: HttpRequest, invitation: SurveyInvitation, reason: str) -> HttpResponse:
    return render(
        request,
        "monitoring/survey/public/closed.html",
        {"region": invitation.region, "reason": reason, "invitation": invitation},
        status=CLOSED_STATUS[reason] if request.method == "GET" else 409,
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _find(token)
    if invitation is None:
        return _unknown(request)
    reason = services.closed_reason(invitation)
    if reason is not None:
        return _closed(request, invitation, reason)
    form = SurveyAnswerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer(invitation, form.cleaned_data)
            except services.SurveyClosed as exc:
                return _closed(request, invitation, exc.reason)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("survey:thanks", invitation.token)
        status = 400
    context: dict[str, Any] = {"region": invitation.region, "invitation": invitation, "form": form}
    return render(request, "monitoring/survey/public/answer.html", context, status=status)


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _find(token)
    if invitation is None:
        return _unknown(request)
    if invitation.status != SurveyInvitation.Status.ANSWERED:
        return redirect("survey:answer", invitation.token)
    return render(
        request,
        "monitoring/survey/public/thanks.html",
        {"region": invitation.region, "invitation": invitation},
    )


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _find(token)
    if invitation is None:
        return _unknown(request)
    done = False
    if request.method == "POST":
        services.opt_out(invitation)
        done = True
    return render(
        request,
        "monitoring/survey/public/unsubscribe.html",
        {"region": invitation.region, "invitation": invitation, "done": done},
    )


urlpatterns = [
    path("<str:token>/", answer, name="answer"),
    path("<str:token>/bedankt/", thanks, name="thanks"),
    path("<str:token>/afmelden/", unsubscribe, name="unsubscribe"),
]
