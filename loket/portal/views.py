"""The public portal: no login, works without JavaScript.

Views are thin: the region is ``portal_region()``, instruments come through
``catalogue.queries`` (only current ones), matching and questions through
``portal.services``. Search words and guide answers travel in the URL (they are not
personal data); the question form posts, and the thank-you page reads the case
reference from the session.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.catalogue.queries import get_public_instrument, portal_region, public_instruments
from loket.core.lists import PAGE_PARAM, paginate
from loket.core.models import Municipality, Theme
from loket.portal import services
from loket.portal.forms import AgeRange, GuideForm, QuestionForm, SearchForm
from loket.portal.queries import partner_instruments, programme_partners

logger = logging.getLogger(__name__)

SESSION_KEY = "portal_question"
GUIDE_PARAMS = ("doel", "sector", "grootte", "leeftijd", "gemeente")


def _client_address(request: HttpRequest) -> str:
    """The visitor's address, as allauth's login throttle reads it: behind
    ``LOKET_TRUSTED_PROXY_COUNT`` proxies, from their X-Forwarded-For."""
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:
        return ""


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    region = portal_region()
    return render(request, "portal/home.html", {"region": region, "form": SearchForm()})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    region = portal_region()
    form = SearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    context: dict[str, Any] = {"region": region, "form": form, "text": text}
    if text:
        paginator = Paginator(services.search_instruments(region, text), 20)
        context["page"] = paginator.get_page(request.GET.get(PAGE_PARAM))
        context["query"] = urlencode({"q": text})
    elif form.is_valid():
        listing = paginate(
            request,
            public_instruments(region)
            .select_related("provider_organisation")
            .order_by("name", "id"),
            per_page=20,
        )
        context["all_page"] = listing.page
        context["page"] = listing.page
        context["query"] = ""
    return render(request, "portal/search.html", context, status=200 if form.is_valid() else 400)


def _guide_answers(form: GuideForm) -> services.GuideAnswers:
    data = form.cleaned_data
    age_key = data.get("leeftijd") or ""
    age_labels = dict(AgeRange.choices)
    return services.GuideAnswers(
        phase=data.get("doel") or "",
        sector=data.get("sector") or "",
        size_class=data.get("grootte") or "",
        age=AgeRange.bounds.get(age_key),
        age_label=str(age_labels.get(age_key, "")),
        municipality=data.get("gemeente"),
    )


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    """The guide's questions on one page; answers given earlier (the "change my answers"
    link) are filled in."""
    region = portal_region()
    given = {key: request.GET[key] for key in GUIDE_PARAMS if key in request.GET}
    form = GuideForm(given or None, region=region)
    if given:
        form.is_valid()  # show errors of a hand-made URL next to the question
    return render(request, "portal/guide.html", {"region": region, "form": form})


@require_GET
def guide_result(request: HttpRequest) -> HttpResponse:
    region = portal_region()
    form = GuideForm(request.GET, region=region)
    if not form.is_valid():
        return render(request, "portal/guide.html", {"region": region, "form": form}, status=400)
    answers = _guide_answers(form)
    ask: dict[str, Any] = {}
    if answers.municipality is not None:
        ask["gemeente"] = answers.municipality.pk
    theme = services.theme_for_phase(answers.phase)
    if theme:
        ask["onderwerp"] = theme
    summary = [
        (form.fields[name].label, dict(form.fields[name].choices).get(request.GET.get(name, "")))  # type: ignore[attr-defined]
        for name in GUIDE_PARAMS
        if request.GET.get(name)
    ]
    return render(
        request,
        "portal/guide_result.html",
        {
            "region": region,
            "answers": answers,
            "summary": summary,
            "matches": services.guide_matches(region, answers),
            "change_query": urlencode(
                [(k, request.GET[k]) for k in GUIDE_PARAMS if request.GET.get(k)]
            ),
            "ask_query": urlencode(ask),
        },
    )


@require_GET
def instrument(request: HttpRequest, slug: str) -> HttpResponse:
    region = portal_region()
    found = get_public_instrument(region, slug)
    return render(
        request,
        "portal/instrument.html",
        {
            "region": region,
            "instrument": found,
            "themes": list(found.themes.all()),
            "municipalities": list(found.municipalities.order_by("name")),
        },
    )


@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    region = portal_region()
    listing = paginate(request, programme_partners(region))
    rows = [(org, partner_instruments(org)) for org in listing.page.object_list]
    return render(
        request,
        "portal/partners.html",
        {"region": region, "page": listing.page, "query": listing.query, "rows": rows},
    )


def _initial_for_question(request: HttpRequest, region_id: int) -> dict[str, Any]:
    """What the guide carries over: ?gemeente=<id>&onderwerp=<theme slug>. Anything
    unknown is ignored."""
    initial: dict[str, Any] = {}
    raw = request.GET.get("gemeente", "")
    if raw.isdigit() and len(raw) < 10:
        municipality = Municipality.objects.filter(region_id=region_id, pk=int(raw)).first()
        if municipality is not None:
            initial["municipality"] = municipality.pk
    slug = request.GET.get("onderwerp", "")[:50]
    if slug:
        theme = Theme.objects.filter(slug=slug, active=True).first()
        if theme is not None:
            initial["topic"] = theme.pk
    return initial


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    region = portal_region()
    if request.method != "POST":
        form = QuestionForm(initial=_initial_for_question(request, region.pk), region=region)
        return render(request, "portal/ask.html", {"region": region, "form": form})

    form = QuestionForm(request.POST, region=region)
    address = _client_address(request)
    if services.is_throttled(address):
        form.is_valid()
        form.errors.clear()
        form.add_error(None, _throttled_message())
        return render(request, "portal/ask.html", {"region": region, "form": form}, status=429)
    if form.is_valid():
        if form.is_bot:
            services.discard_bot_question(address)
            request.session[SESSION_KEY] = {}
            return redirect("portal:thanks")
        try:
            case = services.submit_question(region, form.cleaned_data, address)
        except services.QuestionThrottled:
            form.add_error(None, _throttled_message())
            return render(request, "portal/ask.html", {"region": region, "form": form}, status=429)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            logger.info("portal question received as case %s", case.pk)
            request.session[SESSION_KEY] = {
                "reference": case.reference,
                "deadline": timezone.localtime(case.deadline).strftime("%d-%m-%Y %H:%M"),
                "owner": case.owner.full_name or "",
            }
            return redirect("portal:thanks")
    return render(request, "portal/ask.html", {"region": region, "form": form}, status=400)


def _throttled_message() -> str:
    return _(
        "U heeft het afgelopen uur al een paar vragen gestuurd. Probeer het over een uur "
        "opnieuw, of bel ons."
    )


def _add_errors(form: QuestionForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(SESSION_KEY)
    if sent is None:
        return redirect("portal:ask")
    return render(request, "portal/thanks.html", {"region": portal_region(), "sent": sent or {}})
