"""The indicators of a programme as pages: the list of action lines with their indicators
and targets and this year's realised figures (everyone who sees the programme; a
partner sees the share of their organisation), and the forms to add, change and delete
action lines, indicators and targets (programme managers and administrators).

A programme or object the user does not see is a 404; seen but not changeable, a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.companies.models import SizeClass
from loket.core.forms import MAX_PK
from loket.events.models import Event
from loket.monitoring.figures import format_value, realised_in_year, target_text
from loket.monitoring.forms.indicators import (
    ActionLineForm,
    IndicatorForm,
    TargetForm,
    filter_table,
)
from loket.monitoring.links import records_url
from loket.monitoring.models import ActionLine, Indicator, Newness, Starter, Target
from loket.monitoring.queries import can_define, share_of
from loket.monitoring.services import indicators as services
from loket.programmes.forms.plan import service_errors
from loket.programmes.models import Programme
from loket.programmes.periods import year_span
from loket.programmes.queries import get_programme_for_user, programmes_visible_to
from loket.programmes.views.plan_parts import posted, status_of

CHOICES: dict[str, dict[str, Any]] = {
    "size_class": dict(SizeClass.choices),
    "starter": dict(Starter.choices),
    "event_kind": dict(Event.Kind.choices),
    "newness": dict(Newness.choices),
}


def _programme(request: HttpRequest, pk: int) -> Programme:
    if pk > MAX_PK:
        raise Http404
    return get_programme_for_user(request.user, pk)


def _editable_programme(request: HttpRequest, pk: int) -> Programme:
    programme = _programme(request, pk)
    if not can_define(request.user, programme):
        raise PermissionDenied
    return programme


def _part(request: HttpRequest, queryset: QuerySet[Any], pk: int, programme_path: str) -> Any:
    """An action line, indicator or target of a programme the user sees (else 404) and
    may define (else 403)."""
    if pk > MAX_PK:
        raise Http404
    obj = (
        queryset.filter(**{f"{programme_path}__in": programmes_visible_to(request.user)}, pk=pk)
        .select_related(programme_path, f"{programme_path}__region")
        .first()
    )
    if obj is None:
        raise Http404
    programme = _path(obj, programme_path)
    if not can_define(request.user, programme):
        raise PermissionDenied
    return obj


def _path(obj: Any, dotted: str) -> Any:
    for part in dotted.split("__"):
        obj = getattr(obj, part)
    return obj


def _to_list(programme: Programme, anchor: str = "") -> HttpResponse:
    url = reverse("monitoring:indicator_list", args=[programme.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- the list --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def indicator_list(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Action lines with their indicators and targets; per indicator this year's realised
    figure (``figures.realised_in_year``, cached) linking to its records."""
    programme = _programme(request, programme_pk)
    share = share_of(request.user, programme)
    year, start, end = year_span(programme, timezone.localdate())
    realised, stale = realised_in_year(programme, year, share)
    indicators = (
        Indicator.objects.filter(programme=programme)
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("period", "year", "quarter", "pk"))
        )
        .select_related("theme", "need", "organisation", "municipality", "scheme")
    )
    lines = list(
        ActionLine.objects.filter(programme=programme)
        .order_by("position", "name", "pk")
        .prefetch_related(
            Prefetch("indicators", queryset=indicators.order_by("position", "name", "pk"))
        )
    )
    rows = []
    for line in lines:
        entries = []
        for indicator in line.indicators.all():
            entries.append(
                {
                    "indicator": indicator,
                    "filters": _filter_text(indicator),
                    "realised": format_value(realised.get(indicator.pk), indicator.measure),
                    "records_url": records_url(indicator, start, end),
                    "targets": [
                        {"target": t, "text": target_text(t), "period": _period_text(t)}
                        for t in indicator.targets.all()
                    ],
                }
            )
        rows.append({"line": line, "indicators": entries})
    return render(
        request,
        "monitoring/indicator_list.html",
        {
            "programme": programme,
            "rows": rows,
            "year": year,
            "stale": stale,
            "share": share,
            "share_names": _share_names(programme, share),
            "can_define": can_define(request.user, programme),
        },
    )


def _share_names(programme: Programme, share: frozenset[int] | None) -> list[str]:
    if share is None:
        return []
    return [o.name for o in programme.organisations.all() if o.pk in share]


def _period_text(target: Target) -> str:
    if target.period == Target.Period.PROGRAMME:
        return _("hele programmaperiode")
    if target.period == Target.Period.QUARTER:
        return f"{target.year} K{target.quarter}"
    return str(target.year)


def _label(name: str) -> str:
    return str(getattr(Indicator._meta.get_field(name), "verbose_name", name))


def _filter_text(indicator: Indicator) -> str:
    """The indicator's filters in words: "thema: Digitalisering; starters: ..."."""
    parts = []
    for name in ("theme", "need", "organisation", "municipality", "scheme"):
        related = getattr(indicator, name)
        if related is not None:
            parts.append(f"{_label(name)}: {related}")
    for name, choices in CHOICES.items():
        value = getattr(indicator, name)
        if value:
            label = choices.get(value, value)
            parts.append(f"{_label(name)}: {label}")
    return "; ".join(parts)


# --- the forms -------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: Any,
    programme: Programme,
    title: str,
    action: str,
    obj: Any = None,
    delete_url: str | None = None,
    template: str = "monitoring/indicator_form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "programme": programme,
            "title": title,
            "object": obj,
            "action": action,
            "delete_url": delete_url,
            "cancel": reverse("monitoring:indicator_list", args=[programme.pk]),
            **(extra or {}),
        },
        status=status_of(request, form),
    )


def _save(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    done: str,
) -> Any:
    """Run a service with the form's data; its refusal goes on the form's fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = call(form.service_data())
    except ValidationError as exc:
        for messages_ in service_errors(form, exc).values():
            for message in messages_:
                form.add_error(None, message)
        return None
    messages.success(request, done)
    return obj


@login_required
@require_http_methods(["GET", "POST"])
def action_line_create(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _editable_programme(request, programme_pk)
    form = ActionLineForm(posted(request))
    line = _save(
        request,
        form,
        lambda data: services.create_action_line(request.user, programme, data),
        _("De actielijn is toegevoegd."),
    )
    if line is not None:
        return _to_list(programme, f"actielijn-{line.pk}")
    return _form_page(
        request,
        form,
        programme,
        _("Nieuwe actielijn"),
        reverse("monitoring:action_line_create", args=[programme.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _part(request, ActionLine.objects.all(), pk, "programme")
    programme = line.programme
    form = ActionLineForm(posted(request), action_line=line)
    if _save(
        request,
        form,
        lambda data: services.update_action_line(request.user, line, data),
        _("De wijzigingen zijn opgeslagen."),
    ):
        return _to_list(programme, f"actielijn-{line.pk}")
    return _form_page(
        request,
        form,
        programme,
        _("Actielijn wijzigen"),
        reverse("monitoring:action_line_edit", args=[line.pk]),
        line,
        reverse("monitoring:action_line_delete", args=[line.pk]),
    )


def _filter_help() -> dict[str, Any]:
    return {"filter_table": filter_table()}


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _editable_programme(request, programme_pk)
    preselect = None
    raw = request.GET.get("actielijn", "")
    if raw.isdigit() and int(raw) <= MAX_PK:
        preselect = ActionLine.objects.filter(programme=programme, pk=int(raw)).first()
    form = IndicatorForm(posted(request), programme=programme, action_line=preselect)
    indicator = _save(
        request,
        form,
        lambda data: services.create_indicator(request.user, programme, data),
        _("De indicator is toegevoegd. Geef hem nu een doel."),
    )
    if indicator is not None:
        return redirect("monitoring:target_create", indicator.pk)
    return _form_page(
        request,
        form,
        programme,
        _("Nieuwe indicator"),
        request.get_full_path(),
        extra=_filter_help(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _part(request, Indicator.objects.all(), pk, "programme")
    programme = indicator.programme
    form = IndicatorForm(posted(request), programme=programme, indicator=indicator)
    if _save(
        request,
        form,
        lambda data: services.update_indicator(request.user, indicator, data),
        _("De wijzigingen zijn opgeslagen."),
    ):
        return _to_list(programme, f"indicator-{indicator.pk}")
    return _form_page(
        request,
        form,
        programme,
        _("Indicator wijzigen"),
        reverse("monitoring:indicator_edit", args=[indicator.pk]),
        indicator,
        reverse("monitoring:indicator_delete", args=[indicator.pk]),
        extra=_filter_help(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _part(request, Indicator.objects.all(), pk, "programme")
    programme = indicator.programme
    form = TargetForm(posted(request), programme=programme)
    if _save(
        request,
        form,
        lambda data: services.create_target(request.user, indicator, data),
        _("Het doel is toegevoegd."),
    ):
        return _to_list(programme, f"indicator-{indicator.pk}")
    return _form_page(
        request,
        form,
        programme,
        _("Nieuw doel voor %(name)s") % {"name": indicator.name},
        reverse("monitoring:target_create", args=[indicator.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _part(request, Target.objects.select_related("indicator"), pk, "indicator__programme")
    programme = target.indicator.programme
    form = TargetForm(posted(request), programme=programme, target=target)
    if _save(
        request,
        form,
        lambda data: services.update_target(request.user, target, data),
        _("De wijzigingen zijn opgeslagen."),
    ):
        return _to_list(programme, f"indicator-{target.indicator_id}")
    return _form_page(
        request,
        form,
        programme,
        _("Doel van %(name)s wijzigen") % {"name": target.indicator.name},
        reverse("monitoring:target_edit", args=[target.pk]),
        None,
        reverse("monitoring:target_delete", args=[target.pk]),
    )


# --- deleting ----------------------------------------------------------------------------


def _delete_view(
    model: type[Model],
    programme_path: str,
    delete: Callable[[Any, Any], None],
    blockers: Callable[[Any], list[str]] | None,
    consequences: Callable[[Any], list[str]],
    name: str,
) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = _part(request, model._default_manager.all(), pk, programme_path)
        programme = _path(obj, programme_path)
        if request.method == "POST":
            label = str(obj)
            try:
                delete(request.user, obj)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(name)s is verwijderd.") % {"name": label})
            return _to_list(programme)
        return render(
            request,
            "monitoring/indicator_confirm_delete.html",
            {
                "object": obj,
                "programme": programme,
                "kind_label": model._meta.verbose_name,
                "reasons": blockers(obj) if blockers else [],
                "consequences": consequences(obj),
                "action": reverse(f"monitoring:{name}", args=[obj.pk]),
                "cancel": reverse("monitoring:indicator_list", args=[programme.pk]),
            },
        )

    view.__name__ = name
    return view


def _indicator_consequences(indicator: Indicator) -> list[str]:
    count = indicator.targets.count()
    if not count:
        return []
    return [_("De doelen van de indicator (%(count)s) worden ook verwijderd.") % {"count": count}]


action_line_delete = _delete_view(
    ActionLine,
    "programme",
    services.delete_action_line,
    services.action_line_delete_blockers,
    lambda obj: [],
    "action_line_delete",
)
indicator_delete = _delete_view(
    Indicator,
    "programme",
    services.delete_indicator,
    None,
    _indicator_consequences,
    "indicator_delete",
)
target_delete = _delete_view(
    Target, "indicator__programme", services.delete_target, None, lambda obj: [], "target_delete"
)


urlpatterns: list[URLPattern] = [
    path("programmas/<int:programme_pk>/indicatoren/", indicator_list, name="indicator_list"),
    path(
        "programmas/<int:programme_pk>/indicatoren/actielijn/nieuw/",
        action_line_create,
        name="action_line_create",
    ),
    path(
        "programmas/<int:programme_pk>/indicatoren/nieuw/",
        indicator_create,
        name="indicator_create",
    ),
    path("actielijnen/<int:pk>/bewerken/", action_line_edit, name="action_line_edit"),
    path("actielijnen/<int:pk>/verwijderen/", action_line_delete, name="action_line_delete"),
    path("indicatoren/<int:pk>/bewerken/", indicator_edit, name="indicator_edit"),
    path("indicatoren/<int:pk>/verwijderen/", indicator_delete, name="indicator_delete"),
    path("indicatoren/<int:pk>/doelen/nieuw/", target_create, name="target_create"),
    path("doelen/<int:pk>/bewerken/", target_edit, name="target_edit"),
    path("doelen/<int:pk>/verwijderen/", target_delete, name="target_delete"),
]
