"""The assignment rules page (/beheer/toewijzing/): programme managers and administrators
decide which team picks up the questions of the public portal, by municipality and
theme, and see the gaps. Views are thin: reads through casework.routing's read helpers,
changes through routing.save_rule and routing.delete_rule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from loket.accounts import queries
from loket.accounts.forms_assignment import AssignmentRuleFilterForm, AssignmentRuleForm
from loket.accounts.views import _apply_errors, manager_required
from loket.casework import routing
from loket.casework.models import AssignmentRule
from loket.casework.queries import case_workers_in
from loket.core.export import Column, export_format, export_response
from loket.core.lists import paginate


def _team_names(rule: AssignmentRule) -> str:
    return ", ".join(str(user) for user in rule.advisors.all())


COLUMNS: list[Column] = [
    (_l("Regio"), "region.name"),
    (_l("Gemeente"), lambda rule: rule.municipality.name if rule.municipality else _("elke")),
    (_l("Thema"), lambda rule: rule.theme.name if rule.theme else _("elk")),
    (_l("Team"), _team_names),
    (_l("Laatste vraag naar"), lambda rule: str(rule.last_assigned or "")),
    (_l("Actief"), "active"),
]


def _ordered(rules: QuerySet[AssignmentRule]) -> QuerySet[AssignmentRule]:
    return rules.order_by(
        "region__name",
        F("municipality__name").asc(nulls_first=True),
        F("theme__position").asc(nulls_first=True),
        "id",
    )


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@manager_required
def rule_list(request: HttpRequest) -> HttpResponse:
    region_ids = queries.managed_region_ids(request.user)
    filters = AssignmentRuleFilterForm(
        request.GET or None, municipalities=queries.municipalities_managed_by(request.user)
    )
    rules = _ordered(filters.apply(routing.rules_managed_by(request.user)))
    if fmt := export_format(request):
        # The CSV is streamed (an HttpResponseBase); manager_required types HttpResponse.
        return export_response(fmt, rules, COLUMNS, "toewijzingsregels")  # type: ignore[return-value]
    listing = paginate(request, rules)
    rows = [
        (
            rule,
            [
                (user, routing.can_take_questions(user, rule.region_id))
                for user in rule.advisors.all()
            ],
        )
        for rule in listing.object_list
    ]
    return render(
        request,
        "accounts/assignment_list.html",
        {
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "rows": rows,
            "filters": filters,
            "coverage": routing.coverage(region_ids),
            "many_regions": len(region_ids) > 1,
        },
    )


def _form(
    request: HttpRequest, data: Any, rule: AssignmentRule | None = None
) -> AssignmentRuleForm:
    region_ids = [rule.region_id] if rule is not None else queries.managed_region_ids(request.user)
    return AssignmentRuleForm(
        data,
        regions=queries.managed_regions(request.user),
        municipalities=queries.municipalities_managed_by(request.user).filter(
            region_id__in=region_ids
        ),
        candidates=case_workers_in(region_ids),
        rule=rule,
    )


def _save(request: HttpRequest, form: AssignmentRuleForm, rule: AssignmentRule | None) -> bool:
    region = form.rule_region
    if region is None:
        return False
    try:
        routing.save_rule(request.user, region, form.rule_data(), rule)  # type: ignore[arg-type]
    except ValidationError as error:
        _apply_errors(form, error)
        return False
    return True


@manager_required
def rule_create(request: HttpRequest) -> HttpResponse:
    form = _form(request, _posted(request))
    if request.method == "POST" and form.is_valid() and _save(request, form, None):
        messages.success(request, _("De toewijzingsregel is aangemaakt."))
        return redirect("accounts:rule_list")
    return render(request, "accounts/assignment_form.html", {"form": form, "rule": None})


@manager_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = routing.get_rule_for_manager(request.user, pk)
    # The form saves a copy, so a refused change does not show on the page as saved.
    form = _form(request, _posted(request), rule)
    if request.method == "POST" and form.is_valid():
        copy = routing.get_rule_for_manager(request.user, pk)
        if _save(request, form, copy):
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("accounts:rule_list")
    return render(request, "accounts/assignment_form.html", {"form": form, "rule": rule})


@manager_required
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = routing.get_rule_for_manager(request.user, pk)
    if request.method == "POST":
        routing.delete_rule(request.user, rule)  # type: ignore[arg-type]
        messages.success(request, _("De toewijzingsregel is verwijderd."))
        return redirect("accounts:rule_list")
    return render(request, "accounts/assignment_confirm_delete.html", {"rule": rule})
