"""The financing overview page: the plan's hours and euros per plan line and per funder,
of the whole programme period or one year, with XLSX and PDF downloads
(``?format=xlsx|pdf``, the same ``?year=``).

Whoever sees the programme sees its financing overview (``queries.get_programme_for_user``,
404 otherwise). The figures come from ``financing.overview``; this module only lays them
out. A year outside the programme or garbage gets a message at the field and the
overview of the whole period, never an error page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loket.core.report import Cell, Report, Table, hours, money, percent, report_response
from loket.programmes import queries
from loket.programmes.financing import HUNDRED, Overview, overview
from loket.programmes.forms.financing import FinancingFilterForm


def period_label(result: Overview) -> str:
    programme = result.programme
    if result.year is not None:
        return str(result.year)
    years = programme.years
    if len(years) == 1:
        return str(years[0])
    return _("%(first)s-%(last)s") % {"first": years[0], "last": years[-1]}


def report(result: Overview, wide: bool = True) -> Report:
    """The overview as tables for XLSX (``wide``: one row per plan line with every
    funder's columns, to compute with) or PDF (the lines, then one narrow table per
    funder, which fits on paper whatever the number of funders)."""
    funders = result.funders
    title = _("Financieringsoverzicht %(programme)s") % {"programme": result.programme.name}
    subtitle = _(
        "Plan %(period)s. Uurtarieven en bedragen voor uren exclusief btw, "
        "out-of-pocket inclusief btw. Percentages zijn afgerond; de bedragen tellen op tot "
        "op de cent."
    ) % {"period": period_label(result)}
    rep = Report(title=title, subtitle=subtitle, notes=list(result.problems))

    summary = Table(
        title=_("Per financier"),
        columns=[
            _("Financier"),
            _("Soort"),
            _("Uren"),
            _("Aandeel in de uren"),
            _("Bedrag uren (excl. btw)"),
            _("Out-of-pocket (incl. btw)"),
            _("Totaal"),
            _("Aandeel in het totaal"),
        ],
    )
    for ft in result.per_funder:
        summary.rows.append(
            [
                ft.funder.name,
                ft.funder.get_kind_display(),
                hours(ft.hours),
                percent(ft.hours_share),
                money(ft.hours_amount),
                money(ft.out_of_pocket_incl_vat),
                money(ft.total),
                percent(ft.total_share),
            ]
        )
    if result.has_unassigned:
        summary.rows.append(
            [
                _("Niet verdeeld"),
                "",
                hours(result.unassigned_hours),
                percent(_share(result.unassigned_hours, result.hours)),
                money(result.unassigned_hours_amount),
                money(0),
                money(result.unassigned_hours_amount),
                percent(_share(result.unassigned_hours_amount, result.total)),
            ]
        )
    summary.totals.append(
        [
            _("Totaal"),
            "",
            hours(result.hours),
            percent(HUNDRED if result.hours else None),
            money(result.hours_amount),
            money(result.out_of_pocket_incl_vat),
            money(result.total),
            percent(HUNDRED if result.total else None),
        ]
    )
    rep.tables.append(summary)

    basics = [
        _("Jaar"),
        _("Activiteit"),
        _("Organisatie"),
        _("Regeling"),
        _("Aantal"),
        _("Urennorm per eenheid"),
        _("Vast aantal uren"),
        _("Uren"),
        _("Uurtarief"),
        _("Bedrag uren"),
    ]
    lines = Table(title=_("Per planregel"), columns=list(basics))
    if wide:
        for funder in funders:
            lines.columns = [
                *lines.columns,
                _("%(funder)s: uren") % {"funder": funder.name},
                _("%(funder)s: bedrag uren") % {"funder": funder.name},
                _("%(funder)s: out-of-pocket") % {"funder": funder.name},
            ]
    else:
        lines.columns = [*lines.columns, _("Out-of-pocket (incl. btw)")]
    if result.has_unassigned:
        lines.columns = [*lines.columns, _("Niet verdeeld: uren"), _("Niet verdeeld: bedrag")]
    lines.columns = [*lines.columns, _("Totaal")]
    for lf in result.lines:
        line = lf.line
        row: list[Any] = [
            line.year,
            line.activity_type.name + (f" ({line.description})" if line.description else ""),
            line.organisation.name,
            line.scheme.name if line.scheme is not None else "",
            Cell(line.count, "count"),
            hours(line.hours_per_unit),
            hours(line.fixed_hours),
            hours(lf.hours),
            money(lf.rate) if lf.rate is not None else _("geen tarief"),
            money(lf.hours_amount),
        ]
        if wide:
            for part in lf.part_list(funders):
                row += [
                    hours(part.hours),
                    money(part.hours_amount),
                    money(part.out_of_pocket_incl_vat),
                ]
        else:
            row.append(money(lf.out_of_pocket_incl_vat))
        if result.has_unassigned:
            row += [hours(lf.unassigned_hours), money(lf.unassigned_hours_amount)]
        row.append(money(lf.total, "total"))
        lines.rows.append(row)
    total_row: list[Any] = [_("Totaal"), "", "", "", "", "", "", hours(result.hours), ""]
    total_row.append(money(result.hours_amount))
    if wide:
        for ft in result.per_funder:
            total_row += [
                hours(ft.hours),
                money(ft.hours_amount),
                money(ft.out_of_pocket_incl_vat),
            ]
    else:
        total_row.append(money(result.out_of_pocket_incl_vat))
    if result.has_unassigned:
        total_row += [hours(result.unassigned_hours), money(result.unassigned_hours_amount)]
    total_row.append(money(result.total))
    if result.lines:
        lines.totals.append(total_row)
    rep.tables.append(lines)

    if not wide:
        for index, funder in enumerate(funders):
            ft = result.per_funder[index]
            table = Table(
                title=_("Per planregel: %(funder)s") % {"funder": funder.name},
                columns=[
                    _("Jaar"),
                    _("Activiteit"),
                    _("Organisatie"),
                    _("Aandeel in de uren"),
                    _("Uren"),
                    _("Bedrag uren (excl. btw)"),
                    _("Out-of-pocket (incl. btw)"),
                    _("Totaal"),
                ],
            )
            for lf in result.lines:
                part = lf.parts[funder.pk]
                if not (part.hours_share or part.total or part.hours):
                    continue
                table.rows.append(
                    [
                        lf.line.year,
                        lf.line.activity_type.name,
                        lf.line.organisation.name,
                        percent(part.hours_share),
                        hours(part.hours),
                        money(part.hours_amount),
                        money(part.out_of_pocket_incl_vat),
                        money(part.total),
                    ]
                )
            table.totals.append(
                [
                    _("Totaal"),
                    "",
                    "",
                    "",
                    hours(ft.hours),
                    money(ft.hours_amount),
                    money(ft.out_of_pocket_incl_vat),
                    money(ft.total),
                ]
            )
            rep.tables.append(table)
    return rep


def _share(part: Any, whole: Any) -> Any:
    return part * HUNDRED / whole if whole else None


@login_required
@require_GET
def financing_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    form = FinancingFilterForm(programme, request.GET or None)
    year: int | None = None
    fmt = ""
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        fmt = form.cleaned_data["format"]
    elif form.is_bound and "year" not in form.errors:
        year = form.cleaned_data.get("year")
    result = overview(programme, year)
    if fmt in ("xlsx", "pdf"):
        return report_response(report(result, wide=fmt == "xlsx"), fmt)
    query = {"year": year} if year is not None else {}
    funders = result.funders
    return render(
        request,
        "programmes/financing.html",
        {
            "programme": programme,
            "form": form,
            "result": result,
            "period": period_label(result),
            "rows": [(lf, lf.part_list(funders)) for lf in result.lines],
            "funder_count": len(funders),
            "xlsx_query": urlencode({**query, "format": "xlsx"}),
            "pdf_query": urlencode({**query, "format": "pdf"}),
            "unassigned_hours_share": _share(result.unassigned_hours, result.hours),
            "unassigned_total_share": _share(result.unassigned_hours_amount, result.total),
        },
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/financiering/", financing_page, name="financing"),
]
