"""The search page: the search box of every page posts its query here.

POST (with CSRF), so that search terms - often the name of a person - never land in a
URL, the browser history or an access log. A GET shows an empty search form.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from loket.companies.search import MAX_QUERY_LENGTH, Hit, InvalidSearch, search_companies
from loket.core.forms import UtrechtFormMixin

RESULTS = 50


class SearchForm(UtrechtFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Zoekterm"),
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Naam, handelsnaam, KvK-nummer, postcode met huisnummer, plaats of contactpersoon."
            " Tikfouten en de volgorde van woorden maken niet uit."
        ),
        error_messages={
            "required": _("Vul een zoekterm in."),
            "max_length": _("Een zoekterm is hoogstens %(limit_value)d tekens lang."),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def company_search(request: HttpRequest) -> HttpResponse:
    hits: list[Hit] | None = None
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid():
            try:
                hits = search_companies(request.user, form.cleaned_data["q"], limit=RESULTS)
            except InvalidSearch as exc:
                form.add_error("q", str(exc.message))
    else:
        form = SearchForm()
    return render(
        request,
        "companies/search.html",
        {"form": form, "hits": hits, "limit": RESULTS},
        status=200,
    )
