"""The indicator pages: the list with targets and this year's figures (a partner sees his
share), the forms with garbage, deleting, and the number of queries of the list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from loket.casework.models import ContactMoment
from loket.core.models import Theme
from loket.monitoring.models import ActionLine, Indicator, Measure, Target
from tests import factories as f


@pytest.fixture
def programme(world):
    return f.ProgrammeFactory(
        region=world.region,
        name="IBDO",
        organisations=[world.bureau, world.gem_assen],
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2028, 12, 31),
    )


@pytest.fixture
def intakes(programme):
    line = f.ActionLineFactory(programme=programme, name="Digitalisering")
    indicator = f.IndicatorFactory(
        action_line=line,
        name="Intakes op digitalisering",
        measure=Measure.INTAKES,
        theme=Theme.objects.get(slug="digitalisation"),
    )
    f.TargetFactory(indicator=indicator, period="year", year=2026, minimum=Decimal("150"))
    return indicator


def _intake(world, org, author, when, theme=True):
    company = f.CompanyFactory(region=world.region, municipality=world.assen)
    moment = f.ContactMomentFactory(
        company=company,
        author=author,
        organisation=org,
        kind=ContactMoment.Kind.INTAKE,
        occurred_at=when,
    )
    if theme:
        moment.themes.add(Theme.objects.get(slug="digitalisation"))
    return moment


def _list(programme):
    return reverse("monitoring:indicator_list", args=[programme.pk])


@pytest.fixture
def today_2026(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 5, 1))


def test_the_list_shows_targets_and_this_year_s_figure_per_share(
    world, login, programme, intakes, today_2026
):
    when = dt.datetime(2026, 2, 3, 10, tzinfo=dt.UTC)
    for _ in range(3):
        _intake(world, world.bureau, world.alice, when)
    _intake(world, world.gem_assen, world.bob, when)
    _intake(world, world.bureau, world.alice, when, theme=False)  # no theme: not counted
    _intake(world, world.bureau, world.alice, dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    page = login(world.pam).get(_list(programme))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Intakes op digitalisering" in html
    assert "<strong>150</strong>" in html
    assert "bekijk de records" in html
    row = page.context["rows"][0]["indicators"][0]
    assert row["realised"] == "4"
    assert "van=2026-01-01" in row["records_url"]
    assert "tot=2026-12-31" in row["records_url"]
    # bob (Gemeente Assen executes the programme) sees his organisation's share, and is told.
    page = login(world.bob).get(_list(programme))
    assert page.context["rows"][0]["indicators"][0]["realised"] == "1"
    assert "aandeel van uw organisatie (Gemeente Assen)" in page.content.decode()
    assert "Wijzigen" not in page.content.decode()


@pytest.mark.parametrize("role", ["charlie", "olga"])
def test_who_does_not_see_the_programme_gets_404(world, login, programme, intakes, role):
    client = login(getattr(world, role))
    assert client.get(_list(programme)).status_code == 404
    url = reverse("monitoring:indicator_edit", args=[intakes.pk])
    assert client.post(url, {"name": "x"}).status_code == 404


def test_a_partner_may_look_but_not_define(world, login, programme, intakes):
    client = login(world.bob)
    create = reverse("monitoring:action_line_create", args=[programme.pk])
    assert client.get(create).status_code == 403
    assert client.post(create, {"name": "Export"}).status_code == 403
    edit = reverse("monitoring:indicator_edit", args=[intakes.pk])
    assert client.post(edit, {"name": "Anders"}).status_code == 403
    assert not ActionLine.objects.filter(name="Export").exists()


def test_list_queries_do_not_grow_with_action_lines_or_targets(
    world, login, programme, intakes, django_assert_num_queries, today_2026
):
    client = login(world.pam)
    client.get(_list(programme))  # warm up (session, scope) and the figures' cache

    def queries_with(extra_lines: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_list(programme)).status_code == 200
        return len(ctx.captured_queries)

    base = queries_with(0)
    for n in range(4):
        line = f.ActionLineFactory(programme=programme, name=f"Lijn {n}")
        indicator = f.IndicatorFactory(action_line=line, measure=Measure.EVENTS_HELD)
        f.TargetFactory(indicator=indicator, period="year", year=2026, minimum=5, maximum=10)
        f.TargetFactory(indicator=indicator, period="programme", year=None, minimum=30)
    # The cached figures do not know the new indicators: computed on the spot, one
    # aggregate per indicator (five), the programme's organisations (whose casework the
    # intakes count) and the region's stamp once more.
    assert queries_with(4) == base + 5 + 1 + 1
    # From then on from the cache: no more queries than with one indicator.
    with django_assert_num_queries(base):
        client.get(_list(programme))


def test_the_list_says_when_its_figures_are_being_recomputed(
    world, login, programme, intakes, today_2026, django_capture_on_commit_callbacks
):
    when = dt.datetime(2026, 2, 3, 10, tzinfo=dt.UTC)
    _intake(world, world.bureau, world.alice, when)
    client = login(world.pam)

    def realised():
        with django_capture_on_commit_callbacks(execute=True):  # the refresh task runs
            page = client.get(_list(programme))
        html = page.content.decode()
        return "opnieuw berekend" in html, page.context["rows"][0]["indicators"][0]["realised"]

    assert realised() == (False, "1")
    with django_capture_on_commit_callbacks(execute=True):
        _intake(world, world.bureau, world.alice, when)  # a new intake raises the stamp
    assert realised() == (True, "1")  # the cached figure, with a note
    assert realised() == (False, "2")  # recomputed in the background


def test_a_manager_adds_an_action_line_an_indicator_and_a_range_target(world, login, programme):
    client = login(world.pam)
    response = client.post(
        reverse("monitoring:action_line_create", args=[programme.pk]), {"name": "Export"}
    )
    assert response.status_code == 302
    line = ActionLine.objects.get(programme=programme, name="Export")
    export = Theme.objects.get(slug="export")
    response = client.post(
        reverse("monitoring:indicator_create", args=[programme.pk]),
        {
            "action_line": line.pk,
            "name": "Thematafels voor exporteurs",
            "measure": Measure.TABLE_SESSIONS,
            "theme": export.pk,
            "starter": "",
            "newness": "",
        },
    )
    indicator = Indicator.objects.get(name="Thematafels voor exporteurs")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:target_create", args=[indicator.pk])
    response = client.post(
        response["Location"], {"period": "year", "year": "2026", "minimum": "5", "maximum": "10"}
    )
    assert response.status_code == 302
    target = Target.objects.get(indicator=indicator)
    assert (target.minimum, target.maximum) == (Decimal("5"), Decimal("10"))
    page = client.get(_list(programme))
    assert "<strong>5-10</strong>" in page.content.decode()


GARBAGE = [
    {"name": ""},
    {"name": "x" * 500},
    {"name": "Ok", "position": "-3"},
    {"name": "Ok", "position": "99999999999999999999"},
    {"name": "\x00"},
]


@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_in_the_action_line_form(world, login, programme, data):
    response = login(world.pam).post(
        reverse("monitoring:action_line_create", args=[programme.pk]), data
    )
    assert response.status_code == 422
    assert response.context["form"].errors
    assert not ActionLine.objects.exists()


INDICATOR_GARBAGE = [
    ({"measure": "nonsense"}, "measure"),
    ({"action_line": "99999999999999999999999"}, "action_line"),
    ({"action_line": "abc"}, "action_line"),
    ({"theme": "-1"}, "theme"),
    ({"size_class": "giant"}, "size_class"),
    ({"event_kind": "rave"}, "event_kind"),
    ({"measure": Measure.CLUSTERS_FORMED, "municipality": "@assen"}, "municipality"),
    ({"measure": Measure.EVENTS_HELD, "need": "@need"}, "need"),
    ({"scheme": "@foreign_scheme"}, "scheme"),
    ({"name": ""}, "name"),
]


@pytest.mark.parametrize(("data", "field"), INDICATOR_GARBAGE)
def test_garbage_in_the_indicator_form_lands_on_its_field(
    world, login, programme, intakes, data, field
):
    from loket.core.models import Need

    named = {
        "@assen": world.assen.pk,
        "@need": Need.objects.first().pk,
        "@foreign_scheme": f.SchemeFactory(programme=f.ProgrammeFactory(region=world.region)).pk,
    }
    post = {
        "action_line": intakes.action_line_id,
        "name": "Nieuwe indicator",
        "measure": Measure.INTAKES,
        "starter": "",
        "newness": "",
    }
    post.update({k: named.get(v, v) for k, v in data.items()})
    response = login(world.pam).post(
        reverse("monitoring:indicator_create", args=[programme.pk]), post
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Indicator.objects.count() == 1


TARGET_GARBAGE = [
    ({"period": "decade"}, "period"),
    ({"year": "2040"}, "year"),
    ({"year": "x"}, "year"),
    ({"minimum": "veel"}, "minimum"),
    ({"minimum": "-5"}, "minimum"),
    ({"minimum": "1e400"}, "minimum"),
    ({"minimum": "10", "maximum": "5"}, "maximum"),
    ({"period": "quarter", "quarter": ""}, "quarter"),
    ({"period": "quarter", "quarter": "5"}, "quarter"),
    ({"year": "2026"}, "year"),  # already has a target for 2026
]


@pytest.mark.parametrize(("data", "field"), TARGET_GARBAGE)
def test_garbage_in_the_target_form_lands_on_its_field(world, login, intakes, data, field):
    post = {"period": "year", "year": "2027", "minimum": "150", **data}
    response = login(world.pam).post(reverse("monitoring:target_create", args=[intakes.pk]), post)
    assert response.status_code == 422
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Target.objects.count() == 1


def test_a_target_typed_the_dutch_way(world, login, intakes):
    response = login(world.pam).post(
        reverse("monitoring:target_create", args=[intakes.pk]),
        {"period": "programme", "minimum": "1.500", "maximum": "2.000,5"},
    )
    assert response.status_code == 302
    target = Target.objects.get(indicator=intakes, period="programme")
    assert (target.minimum, target.maximum) == (Decimal("1500"), Decimal("2000.50"))


def test_the_indicator_form_explains_which_filters_fit_which_measure(world, login, programme):
    f.ActionLineFactory(programme=programme)
    page = login(world.pam).get(reverse("monitoring:indicator_create", args=[programme.pk]))
    table = dict(page.context["filter_table"])
    assert "grootteklasse" not in table["evenementen gehouden"]
    assert "soort evenement" in table["evenementen gehouden"]
    assert "behoefte" in table["intakes"]
    assert "Filters per meting" in page.content.decode()


def test_deleting_an_action_line_with_indicators_is_refused_with_the_reason(world, login, intakes):
    client = login(world.pam)
    url = reverse("monitoring:action_line_delete", args=[intakes.action_line_id])
    page = client.get(url)
    assert "Intakes op digitalisering" in page.content.decode()
    assert "Definitief verwijderen" not in page.content.decode()
    response = client.post(url, follow=True)
    assert ActionLine.objects.filter(pk=intakes.action_line_id).exists()
    assert "Verplaats ze naar een andere actielijn" in response.content.decode()


def test_deleting_an_indicator_says_its_targets_go_too(world, login, intakes):
    client = login(world.pam)
    url = reverse("monitoring:indicator_delete", args=[intakes.pk])
    assert "De doelen van de indicator (1)" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Indicator.objects.exists()
    assert not Target.objects.exists()


def test_editing_a_target_and_deleting_it(world, login, intakes):
    client = login(world.pam)
    target = intakes.targets.get()
    url = reverse("monitoring:target_edit", args=[target.pk])
    response = client.post(url, {"period": "year", "year": "2026", "minimum": "175"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.minimum == Decimal("175")
    client.post(reverse("monitoring:target_delete", args=[target.pk]))
    assert not Target.objects.exists()
