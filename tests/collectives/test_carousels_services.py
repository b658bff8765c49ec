"""Rounds, students, teams and matches through the services: one team per company and
one company per team per round, a clear refusal (never a database error), the broker's
rights, and the CSV list of students (checked whole, nothing written on a broken file)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loket.collectives.models import Match, Student
from loket.collectives.services import carousel_import
from loket.collectives.services import carousels as services
from loket.core.models import AuditEvent
from tests import factories as f
from tests.collectives.carousels_setup import setup


@pytest.fixture
def c(world):
    return setup(world)


def _confirm(user, c, company, team, **kw):
    data = {"company": company, "team": team, "research_question": "Welke markt eerst?", **kw}
    return services.confirm_match(user, c.round, data)


def _messages(exc):
    return {k: " ".join(v) for k, v in exc.value.message_dict.items()}


def test_the_match_screen_proposes_teams_with_reasons(c):
    screen = services.match_screen(c.round)
    by_company = {e.company.name: e for e in screen.open}
    assert list(by_company) == ["Bakkerij Brood", "Kaasmakerij Drenthe", "Metaal Emmen"]
    kaas = [(p.team.name, p.score) for p in by_company["Kaasmakerij Drenthe"].proposals]
    # Engels shares export and innovation (4); Duits shares export (2), Duits, Duitsland
    # (2): a tie, won by more shared themes
    assert kaas == [("Team Engels", 4), ("Team Duits", 4)]
    assert by_company["Kaasmakerij Drenthe"].proposals[1].languages == ("Duits",)
    metaal = by_company["Metaal Emmen"].proposals
    assert [p.team.name for p in metaal] == ["Team Engels", "Team Duits"]
    assert by_company["Bakkerij Brood"].proposals == ()


def test_a_confirmed_company_and_team_leave_the_proposals(c, world):
    match = _confirm(world.alice, c, c.kaas, c.duits)
    assert match.starts_on == c.round.starts_on
    assert match.ends_on == c.round.ends_on
    assert match.confirmed_by == world.alice
    screen = services.match_screen(c.round)
    assert [e.company.name for e in screen.open] == ["Bakkerij Brood", "Metaal Emmen"]
    assert {t.name for t in screen.free_teams} == {"Team Engels", "Team Leeg"}
    assert AuditEvent.objects.filter(object_type="collectives.match", object_id=match.pk).exists()


def test_one_team_per_company_and_one_company_per_team(c, world):
    _confirm(world.alice, c, c.kaas, c.duits)
    with pytest.raises(ValidationError) as exc:
        _confirm(world.alice, c, c.kaas, c.engels)
    assert _messages(exc) == {"company": "Dit bedrijf is in deze ronde al aan een team gekoppeld."}
    with pytest.raises(ValidationError) as exc:
        _confirm(world.alice, c, c.metaal, c.duits)
    assert _messages(exc) == {"team": "Dit team is in deze ronde al aan een bedrijf gekoppeld."}
    assert Match.objects.count() == 1


def test_a_cancelled_match_frees_both_and_cannot_be_revived_over_a_new_one(c, world):
    first = _confirm(world.alice, c, c.kaas, c.duits)
    services.record_result(world.alice, first, {"status": "cancelled"})
    second = _confirm(world.alice, c, c.metaal, c.duits)
    assert second.team == c.duits
    with pytest.raises(ValidationError) as exc:
        services.record_result(world.alice, first, {"status": "confirmed"})
    assert "Dit team is in deze ronde al aan een bedrijf gekoppeld." in _messages(exc)["status"]


def test_the_models_constraint_is_a_clear_refusal_too(c, world):
    """Should a clash get past the checks, the database constraint becomes a message."""
    f.MatchFactory(round=c.round, company=c.kaas, team=c.duits)
    match = Match(
        round=c.round, region=c.round.region, company=c.kaas, team=c.engels, research_question="x"
    )
    with pytest.raises(ValidationError) as exc:
        services._save_match(match)
    assert "al gekoppeld" in " ".join(exc.value.messages)


def test_only_participating_companies_and_teams_of_the_round(c, world):
    other_team = f.StudentTeamFactory()
    stranger = f.CompanyFactory(region=world.region)
    for company, team, field in [
        (c.gone, c.duits, "company"),
        (stranger, c.duits, "company"),
        (c.kaas, other_team, "team"),
    ]:
        with pytest.raises(ValidationError) as exc:
            _confirm(world.alice, c, company, team)
        assert field in exc.value.message_dict
    assert not Match.objects.exists()


def test_the_period_lies_within_the_round_and_ends_after_it_starts(c, world):
    with pytest.raises(ValidationError) as exc:
        _confirm(world.alice, c, c.kaas, c.duits, starts_on=dt.date(2026, 1, 1))
    assert _messages(exc)["starts_on"].startswith("Kies een datum binnen de ronde (01-02-2026")
    with pytest.raises(ValidationError) as exc:
        _confirm(
            world.alice,
            c,
            c.kaas,
            c.duits,
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 4, 1),
        )
    assert _messages(exc)["ends_on"] == "De einddatum moet op of na de begindatum liggen."
    with pytest.raises(ValidationError) as exc:
        _confirm(world.alice, c, c.kaas, c.duits, research_question="   ")
    assert "research_question" in exc.value.message_dict


def test_rating_is_one_to_ten(c, world):
    match = _confirm(world.alice, c, c.kaas, c.duits)
    for bad in (0, 11):
        with pytest.raises(ValidationError) as exc:
            services.record_result(world.alice, match, {"rating": bad})
        assert _messages(exc) == {"rating": "De waardering is een cijfer van 1 tot en met 10."}
    done = services.record_result(
        world.alice,
        match,
        {"rating": 8, "result": "Rapport over Noord-Duitsland.", "status": "completed"},
    )
    assert (done.rating, done.status) == (8, "completed")


def test_who_may_do_what(c, world):
    """The bureau manages; bob and charlie (other organisations) do not; a broker from
    the school confirms matches but does not change the round."""
    for outsider in (world.bob, world.charlie):
        with pytest.raises(PermissionDenied):
            _confirm(outsider, c, c.kaas, c.duits)
        with pytest.raises(PermissionDenied):
            services.add_student(outsider, c.round, {"name": "X"})
    teacher = f.UserFactory(full_name="Tessa Docent")
    f.MembershipFactory(
        user=teacher, organisation=f.OrganisationFactory(region=world.region), role="partner"
    )
    c.round.broker = teacher
    c.round.save()
    assert services.can_match(teacher, c.round)
    assert not services.can_manage_round(teacher, c.round)
    _confirm(teacher, c, c.kaas, c.duits)


def test_round_rules(c, world):
    municipality = world.gem_assen
    data = {
        "name": "Najaar",
        "school": municipality,
        "broker": world.olga,
        "starts_on": dt.date(2026, 9, 1),
        "ends_on": dt.date(2026, 8, 1),
    }
    with pytest.raises(ValidationError) as exc:
        services.create_round(world.alice, c.carousel, data)
    assert set(exc.value.message_dict) == {"school", "broker", "ends_on"}
    cluster = f.CollectiveFactory(programme=c.programme, organisation=world.bureau)
    with pytest.raises(ValidationError):
        services.create_round(world.alice, cluster, {**data, "school": c.school, "broker": None})


def test_a_round_cannot_shrink_past_its_matches(c, world):
    _confirm(world.alice, c, c.kaas, c.duits)
    with pytest.raises(ValidationError) as exc:
        services.update_round(world.alice, c.round, {"ends_on": dt.date(2026, 5, 1)})
    assert "starts_on" in exc.value.message_dict


def test_team_names_are_unique_in_a_round_and_students_move_between_teams(c, world):
    with pytest.raises(ValidationError) as exc:
        services.create_team(world.alice, c.round, {"name": "team duits"})
    assert _messages(exc) == {"name": "Er is al een team met deze naam in deze ronde."}
    student = c.duits.students.get()
    team = services.create_team(
        world.alice, c.round, {"name": "Team Noord", "themes": [c.export], "students": [student]}
    )
    student.refresh_from_db()
    assert student.team == team
    assert not c.duits.students.exists()
    elsewhere = f.StudentFactory()
    with pytest.raises(ValidationError):
        services.update_team(world.alice, team, {"students": [elsewhere]})


# --- the CSV list ----------------------------------------------------------------------


def _import(world, c, text, name="lijst.csv", encoding="utf-8"):
    content = text.encode(encoding) if isinstance(text, str) else text
    return carousel_import.import_students(world.alice, c.round, name, content)


def test_a_good_list_is_written_whole(c, world):
    before = Student.objects.count()
    report = _import(
        world,
        c,
        "\ufeffNaam;Opleiding;Studiejaar;E-mail;Team\n"
        "Eva Jansen;International Business;3;eva@example.org;team duits\n"
        "Ömer Yıldız;Bedrijfskunde;2;;\n",
    )
    assert report.ok, report.errors
    assert report.written == 2
    assert Student.objects.count() == before + 2
    eva = Student.objects.get(name="Eva Jansen")
    assert (eva.school, eva.team, eva.year_of_study) == ("Hanzehogeschool", c.duits, 3)


def test_cp1252_and_commas_and_english_headers(c, world):
    report = _import(
        world,
        c,
        "name,school,programme,year\nJosé Müller,Windesheim,Logistiek,1\n",
        encoding="cp1252",
    )
    assert report.ok, report.errors
    assert Student.objects.filter(name="José Müller", school="Windesheim").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Het bestand is leeg."),
        (b"\x00\x01\x02", "geen leesbare tekst"),
        (b"naam;opleiding\nEva;IB\n", "De kolom(men) studiejaar ontbreken"),
        (b"naam;opleiding;studiejaar\n", "alleen de kopregel"),
        (b"naam;naam;opleiding;studiejaar\nA;B;C;1\n", "twee keer"),
        (b'naam;opleiding;studiejaar\n"Eva;IB;3\n', None),
    ],
)
def test_a_file_that_is_not_a_list_is_refused_whole(c, world, content, expected):
    before = Student.objects.count()
    report = _import(world, c, content)
    assert not report.ok
    if expected:
        assert expected in report.errors[0].message
    assert Student.objects.count() == before


def test_a_broken_row_writes_nothing_and_every_problem_is_reported(c, world):
    before = Student.objects.count()
    report = _import(
        world,
        c,
        "naam;opleiding;studiejaar;e-mail;team\n"
        "Goed;IB;3;;\n"
        ";IB;3;;\n"
        "Jaar;IB;negen;;\n"
        "Mail;IB;2;geen-adres;\n"
        "Team;IB;2;;Team Onbekend\n"
        f"{'x' * 201};IB;2;;\n"
        "Te veel;IB;2;;;extra\n",
    )
    assert Student.objects.count() == before
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "naam"),
        (4, "studiejaar"),
        (5, "e-mail"),
        (6, "team"),
        (7, "naam"),
        (8, ""),
    ]
    assert report.errors[1].message == "Vul een studiejaar van 1 tot en met 8 in."


def test_the_wrong_kind_of_file_and_a_huge_one(c, world):
    assert "CSV-bestand" in _import(world, c, "naam\n", name="lijst.xlsx").errors[0].message
    huge = b"naam;opleiding;studiejaar\n" + b"a;b;1\n" * 200_000
    assert "groter dan 1 MB" in _import(world, c, huge).errors[0].message
