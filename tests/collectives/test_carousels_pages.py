"""The carousel pages: the round page, every form fed garbage (a clear Dutch message at
the field, never a 500, nothing half-saved), the match screen and its confirmation,
scoping (another organisation's carousel is a 404) and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.collectives.models import CarouselRound, Match, Student, StudentTeam
from tests import factories as f
from tests.collectives.carousels_setup import setup

HUGE = "9" * 30
NUL = "a\x00b"


@pytest.fixture
def c(world):
    return setup(world)


def _url(name, pk):
    return reverse(f"collectives:{name}", args=[pk])


def _errors(response):
    form = response.context["form"]
    return {k: " ".join(v) for k, v in form.errors.items()}


def test_round_page_shows_students_teams_and_matches(c, world, login):
    f.MatchFactory(round=c.round, company=c.kaas, team=c.duits)
    client = login(world.alice)
    response = client.get(_url("round_detail", c.round.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Hanzehogeschool", "Alice Advies", "Team Engels", "Student van Team Leeg"):
        assert text in html
    assert "Kaasmakerij Drenthe" in html


def test_round_page_queries_do_not_grow_with_the_round(c, world, login):
    client = login(world.alice)
    url = _url("round_detail", c.round.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        team = f.StudentTeamFactory(round=c.round, name=f"Extra {i}")
        team.themes.set([c.export])
        f.StudentFactory(round=c.round, team=team)
        company = f.CompanyFactory(region=world.region)
        f.MemberFactory(collective=c.carousel, company=company)
        f.MatchFactory(round=c.round, company=company, team=team)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    url = _url("match_screen", c.round.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as screen:
        client.get(url)
    for i in range(5):
        company = f.CompanyFactory(region=world.region)
        company.themes.set([c.export])
        f.MemberFactory(collective=c.carousel, company=company, interests="Duits")
        f.StudentTeamFactory(round=c.round, name=f"Vrij {i}").themes.set([c.export])
    with CaptureQueriesContext(connection) as bigger:
        client.get(url)
    assert len(bigger) == len(screen)


def test_the_carousel_section_lists_rounds(c, world, rf):
    from loket.collectives.views.carousels import carousel_section

    request = rf.get("/")
    request.user = world.alice
    template, context = carousel_section(request, c.carousel)
    assert template == "collectives/carousel_section.html"
    (row,) = context["rounds"]
    assert (row.student_count, row.team_count, row.match_count) == (3, 3, 0)
    assert context["may_manage_rounds"]
    request.user = world.bob
    assert carousel_section(request, c.carousel)[1]["rounds"] == []


def test_the_broker_confirms_a_proposal_and_the_company_shows_as_matched(c, world, login):
    client = login(world.alice)
    screen = client.get(_url("match_screen", c.round.pk)).content.decode()
    assert "Gedeelde thema&#x27;s: export en internationalisering" in screen or (
        "Gedeelde thema's: export en internationalisering" in screen
    )
    response = client.post(
        _url("match_confirm", c.round.pk),
        {
            "company": c.kaas.pk,
            "team": c.engels.pk,
            "research_question": "Waar in Duitsland verkopen we kaas?",
            "starts_on": "2026-03-01",
            "ends_on": "2026-05-31",
        },
        follow=True,
    )
    assert response.status_code == 200
    match = Match.objects.get()
    assert (match.company, match.team, match.starts_on) == (c.kaas, c.engels, dt.date(2026, 3, 1))
    html = response.content.decode()
    assert f'data-matched-company="{c.kaas.pk}"' in html
    assert f'data-company="{c.kaas.pk}"' not in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"team": ""}, "team", "Kies een team."),
        ({"team": "abc"}, "team", "Kies een team van deze ronde dat nog vrij is."),
        ({"team": HUGE}, "team", "Kies een team van deze ronde dat nog vrij is."),
        ({"company": HUGE}, "company", "Kies een bedrijf dat meedoet aan deze carrousel."),
        ({"company": "-1"}, "company", "Kies een bedrijf dat meedoet aan deze carrousel."),
        ({"research_question": ""}, "research_question", "Vul de onderzoeksvraag in."),
        ({"research_question": NUL}, "research_question", "Null"),
        ({"starts_on": "31-02-2026"}, "starts_on", "Vul een datum in."),
        ({"starts_on": "0001-01-01"}, "starts_on", "Kies een datum tussen"),
        ({"starts_on": "2025-01-01"}, "starts_on", "Kies een datum binnen de ronde"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on", "op of na de begindatum"),
    ],
)
def test_match_confirm_garbage(c, world, login, data, field, message):
    client = login(world.alice)
    base = {"company": c.kaas.pk, "team": c.duits.pk, "research_question": "Vraag?"}
    response = client.post(_url("match_confirm", c.round.pk), {**base, **data})
    assert response.status_code == 422
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html or message in html
    assert not Match.objects.exists()


def test_match_confirm_for_a_taken_team_says_so(c, world, login):
    f.MatchFactory(round=c.round, company=c.metaal, team=c.duits)
    client = login(world.alice)
    response = client.post(
        _url("match_confirm", c.round.pk),
        {"company": c.kaas.pk, "team": c.duits.pk, "research_question": "Vraag?"},
    )
    assert response.status_code == 422
    assert "Dit team is in deze ronde al aan een bedrijf gekoppeld." in response.content.decode()
    response = client.post(
        _url("match_confirm", c.round.pk),
        {"company": c.metaal.pk, "team": c.engels.pk, "research_question": "Vraag?"},
    )
    assert response.status_code == 422
    assert "Dit bedrijf is in deze ronde al aan een team gekoppeld." in response.content.decode()
    assert Match.objects.count() == 1


ROUND_GARBAGE = [
    ({"name": ""}, "name", "Vul de naam van de ronde in."),
    ({"name": "x" * 201}, "name", "200"),
    ({"school": "abc"}, "school", "Kies een onderwijsinstelling uit de lijst."),
    ({"school": HUGE}, "school", "Kies een onderwijsinstelling uit de lijst."),
    ({"broker": "-5"}, "broker", "Kies een kennismakelaar uit de lijst."),
    ({"starts_on": "gisteren"}, "starts_on", "Vul een datum in."),
    ({"ends_on": "2026-01-01"}, "ends_on", "De einddatum moet op of na de begindatum liggen."),
    ({"ends_on": "9999-12-31"}, "ends_on", "Kies een datum tussen"),
]


@pytest.mark.parametrize(("data", "field", "message"), ROUND_GARBAGE)
def test_round_form_garbage(c, world, login, data, field, message):
    client = login(world.alice)
    good = {
        "name": "Najaar",
        "school": c.school.pk,
        "broker": world.alice.pk,
        "starts_on": "2026-09-01",
        "ends_on": "2026-12-31",
    }
    before = CarouselRound.objects.count()
    response = client.post(_url("round_create", c.carousel.pk), {**good, **data})
    assert response.status_code == 422
    assert message in _errors(response)[field]
    assert CarouselRound.objects.count() == before
    response = client.post(_url("round_edit", c.round.pk), {**good, **data})
    assert response.status_code == 422
    c.round.refresh_from_db()
    assert c.round.name == "Voorjaar 2026"


def test_round_create_and_edit(c, world, login):
    client = login(world.alice)
    response = client.post(
        _url("round_create", c.carousel.pk),
        {
            "name": "Najaar",
            "school": c.school.pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-31",
        },
    )
    new = CarouselRound.objects.get(name="Najaar")
    assert response.status_code == 302
    assert new.broker is None
    assert new.collective == c.carousel
    other_school = f.OrganisationFactory(region=world.region, kind="school", name="Drenthe College")
    client.post(
        _url("round_edit", new.pk),
        {
            "name": "Najaar",
            "school": other_school.pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-31",
        },
    )
    new.refresh_from_db()
    assert new.school == other_school


def test_a_school_of_another_kind_or_region_is_no_choice(c, world, login):
    client = login(world.alice)
    twente_school = f.OrganisationFactory(region=world.other_region, kind="school")
    for school in (world.gem_assen, twente_school):
        response = client.post(
            _url("round_create", c.carousel.pk),
            {"name": "X", "school": school.pk, "starts_on": "2026-09-01", "ends_on": "2026-12-31"},
        )
        assert response.status_code == 422
        assert "Kies een onderwijsinstelling uit de lijst." in _errors(response)["school"]


STUDENT_GARBAGE = [
    ({"name": ""}, "name", "Vul de naam in."),
    ({"name": NUL}, "name", "Null"),
    ({"study_programme": ""}, "study_programme", "Vul de opleiding in."),
    ({"year_of_study": "0"}, "year_of_study", "Vul een studiejaar van 1 tot en met 8 in."),
    ({"year_of_study": "9"}, "year_of_study", "Vul een studiejaar van 1 tot en met 8 in."),
    ({"year_of_study": HUGE}, "year_of_study", "Vul een studiejaar van 1 tot en met 8 in."),
    ({"year_of_study": "drie"}, "year_of_study", "Vul een studiejaar van 1 tot en met 8 in."),
    ({"email": "geen"}, "email", "Dit is geen geldig e-mailadres."),
    ({"team": "abc"}, "team", "Kies een team van deze ronde."),
]


@pytest.mark.parametrize(("data", "field", "message"), STUDENT_GARBAGE)
def test_student_form_garbage(c, world, login, data, field, message):
    client = login(world.alice)
    good = {"name": "Eva", "study_programme": "IB", "year_of_study": "3"}
    before = Student.objects.count()
    response = client.post(_url("student_create", c.round.pk), {**good, **data})
    assert response.status_code == 422
    assert message in _errors(response)[field]
    assert Student.objects.count() == before


def test_a_team_of_another_round_is_no_choice_for_a_student(c, world, login):
    client = login(world.alice)
    other = f.StudentTeamFactory(round=f.CarouselRoundFactory(collective=c.carousel))
    response = client.post(
        _url("student_create", c.round.pk),
        {"name": "Eva", "study_programme": "IB", "year_of_study": "3", "team": other.pk},
    )
    assert "Kies een team van deze ronde." in _errors(response)["team"]


def test_student_add_edit_and_delete(c, world, login):
    client = login(world.alice)
    client.post(
        _url("student_create", c.round.pk),
        {"name": "Eva", "study_programme": "IB", "year_of_study": "3", "team": c.leeg.pk},
    )
    eva = Student.objects.get(name="Eva")
    assert (eva.school, eva.team) == ("Hanzehogeschool", c.leeg)
    client.post(
        _url("student_edit", eva.pk),
        {"name": "Eva de Vries", "study_programme": "IB", "year_of_study": "4", "school": "RUG"},
    )
    eva.refresh_from_db()
    assert (eva.name, eva.school, eva.team) == ("Eva de Vries", "RUG", None)
    assert client.get(_url("student_delete", eva.pk)).status_code == 200
    client.post(_url("student_delete", eva.pk))
    assert not Student.objects.filter(pk=eva.pk).exists()


TEAM_GARBAGE = [
    ({"name": ""}, "name", "Vul de naam van het team in."),
    ({"name": "Team Duits"}, "name", "Er is al een team met deze naam in deze ronde."),
    ({"themes": ["999999"]}, "themes", "Kies thema's uit de lijst."),
    ({"themes": [HUGE]}, "themes", "Kies thema's uit de lijst."),
    ({"students": ["abc"]}, "students", "Kies studenten van deze ronde."),
    ({"languages": "x" * 201}, "languages", "200"),
]


@pytest.mark.parametrize(("data", "field", "message"), TEAM_GARBAGE)
def test_team_form_garbage(c, world, login, data, field, message):
    client = login(world.alice)
    before = StudentTeam.objects.count()
    response = client.post(_url("team_create", c.round.pk), {"name": "Nieuw", **data})
    assert response.status_code == 422
    assert message in _errors(response)[field]
    assert StudentTeam.objects.count() == before


def test_a_student_of_another_round_cannot_join_a_team(c, world, login):
    client = login(world.alice)
    stranger = f.StudentFactory()
    response = client.post(
        _url("team_edit", c.leeg.pk), {"name": "Team Leeg", "students": [stranger.pk]}
    )
    assert response.status_code == 422
    stranger.refresh_from_db()
    assert stranger.team is None


def test_team_create_with_themes_and_students(c, world, login):
    client = login(world.alice)
    student = c.duits.students.get()
    client.post(
        _url("team_create", c.round.pk),
        {
            "name": "Team Noord",
            "themes": [c.export.pk],
            "languages": "Deens",
            "countries": "Denemarken",
            "students": [student.pk],
        },
    )
    team = StudentTeam.objects.get(name="Team Noord")
    assert list(team.themes.all()) == [c.export]
    assert list(team.students.all()) == [student]


MATCH_GARBAGE = [
    ({"rating": "0"}, "rating", "De waardering is een cijfer van 1 tot en met 10."),
    ({"rating": "11"}, "rating", "De waardering is een cijfer van 1 tot en met 10."),
    ({"rating": HUGE}, "rating", "De waardering is een cijfer van 1 tot en met 10."),
    ({"rating": "acht"}, "rating", "De waardering is een cijfer van 1 tot en met 10."),
    ({"status": "weg"}, "status", "Kies een geldige status."),
    ({"research_question": ""}, "research_question", "Vul de onderzoeksvraag in."),
    ({"ends_on": "2027-01-01"}, "ends_on", "Kies een datum binnen de ronde"),
    ({"result": NUL}, "result", "Null"),
]


@pytest.mark.parametrize(("data", "field", "message"), MATCH_GARBAGE)
def test_match_form_garbage(c, world, login, data, field, message):
    match = f.MatchFactory(
        round=c.round,
        company=c.kaas,
        team=c.duits,
        starts_on=c.round.starts_on,
        ends_on=c.round.ends_on,
    )
    client = login(world.alice)
    good = {
        "research_question": "Vraag",
        "starts_on": "2026-02-01",
        "ends_on": "2026-06-30",
        "status": "completed",
        "rating": "8",
    }
    response = client.post(_url("match_edit", match.pk), {**good, **data})
    assert response.status_code == 422
    assert message in _errors(response)[field]
    match.refresh_from_db()
    assert (match.status, match.rating) == ("confirmed", None)


def test_match_result_and_rating(c, world, login):
    match = f.MatchFactory(round=c.round, company=c.kaas, team=c.duits)
    client = login(world.alice)
    response = client.post(
        _url("match_edit", match.pk),
        {
            "research_question": "Vraag",
            "starts_on": "2026-02-01",
            "ends_on": "2026-06-30",
            "status": "completed",
            "result": "Een rapport.",
            "rating": "9",
        },
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.rating, match.result) == ("completed", 9, "Een rapport.")


def test_student_import_page(c, world, login):
    client = login(world.alice)
    url = _url("student_import", c.round.pk)
    assert client.get(url).status_code == 200
    before = Student.objects.count()
    bad = SimpleUploadedFile("lijst.csv", b"naam;opleiding;studiejaar\nEva;IB;twaalf\n")
    response = client.post(url, {"bestand": bad})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-error-row="2"' in html
    assert "Vul een studiejaar van 1 tot en met 8 in." in html
    assert Student.objects.count() == before
    assert client.post(url, {}).status_code == 422
    good = SimpleUploadedFile("lijst.csv", b"naam;opleiding;studiejaar\nEva;IB;2\nJan;IB;3\n")
    response = client.post(url, {"bestand": good})
    assert response.status_code == 302
    assert Student.objects.count() == before + 2


def test_outsiders_get_404_and_partners_without_rights_403(c, world, login):
    student = c.duits.students.get()
    match = f.MatchFactory(round=c.round, company=c.kaas, team=c.duits)
    pages = [
        ("round_create", c.carousel.pk),
        ("round_detail", c.round.pk),
        ("round_edit", c.round.pk),
        ("student_create", c.round.pk),
        ("student_import", c.round.pk),
        ("student_edit", student.pk),
        ("student_delete", student.pk),
        ("team_create", c.round.pk),
        ("team_edit", c.duits.pk),
        ("match_screen", c.round.pk),
        ("match_confirm", c.round.pk),
        ("match_edit", match.pk),
    ]
    for user in (world.bob, world.charlie, world.olga):
        client = login(user)
        for name, pk in pages:
            assert client.get(_url(name, pk)).status_code in (404, 405), (user, name)
            assert client.post(_url(name, pk), {}).status_code in (404, 405), (user, name)
    # staff of the school see the carousel, may change the round, not other carousels
    teacher = f.UserFactory()
    f.MembershipFactory(user=teacher, organisation=c.school, role="partner")
    client = login(teacher)
    assert client.get(_url("round_detail", c.round.pk)).status_code == 200
    assert client.get(_url("match_screen", c.round.pk)).status_code == 200
    # a partner organisation that is neither school nor responsible only reads nothing
    assert Match.objects.count() == 1


def test_the_carousel_page_shows_its_rounds(c, world, login):
    f.MatchFactory(round=c.round, company=c.kaas, team=c.duits)
    response = login(world.alice).get(
        reverse("collectives:collective_detail", args=[c.carousel.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-section="carousel"' in html
    assert reverse("collectives:round_detail", args=[c.round.pk]) in html
    assert reverse("collectives:round_create", args=[c.carousel.pk]) in html
