"""Programme managers and administrators configure who picks up the portal's questions
(/beheer/toewijzing/): list with the gaps and who got the last question, create, edit,
delete; everyone else gets a 404; garbage gets a message on its field and saves nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.casework import routing
from loket.casework.models import AssignmentRule
from loket.core.models import AuditEvent, Theme
from tests import factories as f

LIST = reverse("accounts:rule_list")
CREATE = reverse("accounts:rule_create")


def _edit(rule):
    return reverse("accounts:rule_edit", args=[rule.pk])


def _delete(rule):
    return reverse("accounts:rule_delete", args=[rule.pk])


def _advisor(world, name, org=None, role="advisor"):
    user = f.UserFactory(email=f"{name.lower()}@ibdo.example", full_name=name)
    f.MembershipFactory(user=user, organisation=org or world.bureau, role=role)
    return user


@pytest.fixture
def ann(world):
    return _advisor(world, "Ann Assen")


@pytest.fixture
def ben(world):
    return _advisor(world, "Ben Bakker")


def _counts():
    return AssignmentRule.objects.count(), AuditEvent.objects.count()


# --- the list --------------------------------------------------------------------------


def test_the_list_shows_rules_last_assignee_and_the_municipalities_without_a_rule(
    client, world, login, ann, ben
):
    export = Theme.objects.get(slug="export")
    rule = f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    f.AssignmentRuleFactory(region=world.region, theme=export, advisors=[ann, ben])
    routing.assign_owner(world.region, world.assen.pk)
    ben.is_active = False
    ben.save()

    html = login(world.pam).get(LIST).content.decode()

    gaps = html.split('data-testid="uncovered"', 1)[1].split("</ul>", 1)[0]
    assert "Emmen" in gaps
    assert "Assen" not in gaps
    assert "gaan alleen via een themaregel" in html  # no rule for every municipality
    table = html.split("<table", 1)[1]
    assert _edit(rule) in table
    assert "export en internationalisering" in table
    assert "Elke gemeente" in table
    # Ann got the last question of the Assen rule; Ben can no longer take questions.
    row = table.split(_edit(rule), 1)[1].split("</tr>", 1)[0]
    assert row.count("Ann Assen") == 2
    assert "krijgt geen vragen" in table.split("Ben Bakker", 1)[1].split("</li>", 1)[0]
    assert (
        reverse("accounts:rule_list")
        in login(world.pam).get(reverse("accounts:organisation_list")).content.decode()
    )


def test_a_catch_all_rule_closes_the_gaps(client, world, login, ann):
    f.AssignmentRuleFactory(region=world.region, advisors=[ann])
    html = login(world.adam).get(LIST).content.decode()
    assert "gaan naar de regel voor elke gemeente" in html


def test_the_list_filters_and_exports(client, world, login, ann):
    f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    f.AssignmentRuleFactory(
        region=world.region, municipality=world.emmen, advisors=[ann], active=False
    )
    login(world.pam)
    active = client.get(LIST, {"active": "1"})
    assert [r.municipality for r, _team in active.context["rows"]] == [world.assen]
    emmen = client.get(LIST, {"municipality": world.emmen.pk})
    assert [r.municipality for r, _team in emmen.context["rows"]] == [world.emmen]
    garbage = client.get(LIST, {"municipality": "x", "active": "maybe", "theme": "9" * 30})
    assert garbage.status_code == 200

    response = client.get(LIST, {"export": "csv", "active": "0"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Regio", "Gemeente", "Thema"]
    assert [row[1] for row in rows[1:]] == ["Emmen"]
    assert "Ann Assen" in rows[1][3]
    assert client.get(LIST, {"export": "xlsx"}).status_code == 200


@pytest.mark.parametrize("size", [5, 30])
def test_the_list_runs_a_constant_number_of_queries(
    client, world, login, settings, size, django_assert_max_num_queries, ann, ben
):
    for i in range(40):
        town = f.MunicipalityFactory(region=world.region, name=f"Dorp {i:02d}", cbs_code="GM9")
        f.AssignmentRuleFactory(region=world.region, municipality=town, advisors=[ann, ben])
    login(world.pam)
    client.get(LIST)  # warm up (session, content types)

    settings.LOKET_PAGE_SIZE = 5
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    settings.LOKET_PAGE_SIZE = size

    with django_assert_max_num_queries(len(small)):
        response = client.get(LIST)

    assert len(response.context["rows"]) == size


# --- who may -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["alice", "bob", "charlie", "olga"])
def test_everyone_but_the_regions_managers_gets_a_404(client, world, login, role, ann):
    rule = f.AssignmentRuleFactory(region=world.region, advisors=[ann])
    login(getattr(world, role))
    for url in (_edit(rule), _delete(rule)):
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    assert client.get(LIST).status_code == 404
    assert client.post(CREATE, {"advisors": [ann.pk]}).status_code == 404
    assert AssignmentRule.objects.filter(pk=rule.pk).exists()


def test_a_manager_of_another_region_sees_nothing_of_drenthe(client, world, login, ann):
    tom = f.UserFactory(email="tom@twente.example", full_name="Tom Twente")
    f.MembershipFactory(user=tom, organisation=world.twente_bureau, role="programme_manager")
    rule = f.AssignmentRuleFactory(region=world.region, advisors=[ann])
    login(tom)
    assert client.get(_edit(rule)).status_code == 404
    assert client.post(_delete(rule)).status_code == 404
    html = client.get(LIST).content.decode()
    assert "Assen" not in html
    assert "Ann Assen" not in client.get(CREATE).content.decode()


# --- create, edit, delete ------------------------------------------------------------


def test_a_programme_manager_creates_a_rule_with_a_team_of_case_workers(
    client, world, login, ann, ben
):
    login(world.pam)
    form = client.get(CREATE).content.decode()
    assert "Ann Assen" in form
    assert "Ben Bakker" in form
    assert "Alice Advies" in form
    assert "Pam Programma" in form
    assert "Bob Gemeente" not in form  # a partner takes no portal questions
    assert "Olga Overijssel" not in form  # another region
    assert "Adam Beheer" not in form  # an administrator has no case role

    export = Theme.objects.get(slug="export")
    response = client.post(
        CREATE,
        {
            "region": world.region.pk,
            "municipality": world.assen.pk,
            "theme": export.pk,
            "advisors": [ann.pk, ben.pk],
            "active": "on",
        },
    )

    assert response.status_code == 302
    rule = AssignmentRule.objects.get()
    assert (rule.region, rule.municipality, rule.theme, rule.active) == (
        world.region,
        world.assen,
        export,
        True,
    )
    assert set(rule.advisors.all()) == {ann, ben}
    assert routing.assign_owner(world.region, world.assen.pk, [export.pk]) == ann
    assert AuditEvent.objects.filter(
        object_type="casework.assignmentrule", object_id=rule.pk, action="create", actor=world.pam
    ).exists()


def test_an_administrator_edits_a_rule(client, world, login, ann, ben):
    rule = f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    login(world.adam)
    assert "Ann Assen" in client.get(_edit(rule)).content.decode()

    response = client.post(_edit(rule), {"municipality": "", "theme": "", "advisors": [ben.pk]})

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.municipality is None
    assert not rule.active  # an unticked box
    assert list(rule.advisors.all()) == [ben]


def test_deleting_asks_first_then_deletes(client, world, login, ann):
    rule = f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    login(world.pam)
    confirm = client.get(_delete(rule))
    assert confirm.status_code == 200
    assert "Weet u zeker" in confirm.content.decode()
    assert AssignmentRule.objects.filter(pk=rule.pk).exists()

    response = client.post(_delete(rule))

    assert response.status_code == 302
    assert not AssignmentRule.objects.filter(pk=rule.pk).exists()


# --- garbage -------------------------------------------------------------------------


def _valid(world, ann, **changes):
    data = {
        "region": str(world.region.pk),
        "municipality": str(world.assen.pk),
        "theme": "",
        "advisors": [str(ann.pk)],
        "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"advisors": None}, "advisors", "Kies minstens één adviseur."),
        ({"advisors": ["abc"]}, "advisors", "Kies teamleden uit de lijst."),
        ({"advisors": ["9" * 30]}, "advisors", "Kies teamleden uit de lijst."),
        ({"advisors": ["-1"]}, "advisors", "Kies teamleden uit de lijst."),
        ({"advisors": "bob"}, "advisors", "Kies teamleden uit de lijst."),
        ({"advisors": "olga"}, "advisors", "Kies teamleden uit de lijst."),
        ({"municipality": "Assen"}, "municipality", "Kies een gemeente uit de lijst."),
        ({"municipality": "9" * 30}, "municipality", "Kies een gemeente uit de lijst."),
        ({"municipality": "twente"}, "municipality", "Kies een gemeente uit de lijst."),
        ({"theme": "export"}, "theme", "Kies een thema uit de lijst."),
        ({"theme": "a\x00b"}, "theme", "Null-tekens zijn niet toegestaan."),
        # The region is a hidden field for a manager of one region: its error is on top.
        ({"region": "twente"}, "", "Regio: Kies een regio uit de lijst."),
        ({"region": None}, "", "Regio: Kies een regio."),
        ({"region": "-5"}, "", "Regio: Kies een regio uit de lijst."),
        ({}, None, "Er is al een actieve regel voor deze gemeente en dit thema."),
    ],
)
def test_garbage_gets_a_message_and_saves_nothing(
    client, world, login, ann, changes, field, message
):
    twente_town = f.MunicipalityFactory(
        region=world.other_region, name="Enschede", cbs_code="GM0153"
    )
    if field is None:  # a second active rule for Assen and every theme: a form error
        f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    resolved = {}
    for key, value in changes.items():
        if value == "bob":
            value = [str(world.bob.pk)]
        elif value == "olga":
            value = [str(world.olga.pk)]
        elif value == "twente" and key == "municipality":
            value = str(twente_town.pk)
        elif value == "twente" and key == "region":
            value = str(world.other_region.pk)
        resolved[key] = value
    before = _counts()
    login(world.pam)

    response = client.post(CREATE, _valid(world, ann, **resolved))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if field:
        assert f'id="id_{field}_error"' in html
    assert _counts() == before


def test_an_edit_that_is_refused_changes_nothing(client, world, login, ann):
    rule = f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    f.AssignmentRuleFactory(region=world.region, municipality=world.emmen, advisors=[ann])
    login(world.pam)
    response = client.post(
        _edit(rule), {"municipality": world.emmen.pk, "advisors": [ann.pk], "active": "on"}
    )
    assert response.status_code == 200
    assert "Er is al een actieve regel" in response.content.decode()
    rule.refresh_from_db()
    assert rule.municipality == world.assen


text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "\x00", "-1", "0", "1", "99999999999999999999", "on", "é" * 30]),
)


@pytest.mark.parametrize("form", ["create", "edit"])
def test_random_input_never_breaks_the_form(world, ann, form):
    rule = f.AssignmentRuleFactory(region=world.region, municipality=world.emmen, advisors=[ann])
    client = Client(raise_request_exception=True)
    client.force_login(world.pam)
    session = client.session
    session["loket_mfa_ok"] = True
    session.save()
    url = CREATE if form == "create" else _edit(rule)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.fixed_dictionaries(
            {
                "region": text,
                "municipality": text,
                "theme": text,
                "advisors": st.lists(text, max_size=3),
                "active": text,
            }
        )
    )
    def check(data):
        response = client.post(url, data)
        assert response.status_code in (200, 302), (data, response.status_code)
        if response.status_code == 302:
            # Only a team of real case workers is ever saved.
            saved = AssignmentRule.objects.order_by("-pk").first()
            assert all(u.memberships.exists() for u in saved.advisors.all())

    check()
