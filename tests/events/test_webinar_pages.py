"""The webinar import page and API: upload, preview, confirm; garbage never gives a 500
and never writes; no personal data in URLs."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.accounts.models import ApiToken
from loket.events.models import Registration
from loket.events.services.webinar_reading import digest_of
from loket.events.views.webinar import SESSION_KEY
from tests.events.webinar_helpers import BROKEN, GOOD, setup


@pytest.fixture
def s(world):
    return setup(world)


def _file(text: str | bytes, name: str = "kijkers.csv") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _url(s):
    return reverse("events:webinar_import", args=[s.event.pk])


def test_who_may_open_the_page(world, s, login):
    assert login(world.alice).get(_url(s)).status_code == 200
    assert login(world.bob).get(_url(s)).status_code == 403  # co-organiser: sees, may not
    assert login(world.charlie).get(_url(s)).status_code == 404
    assert login(world.olga).get(_url(s)).status_code == 404


def test_a_broken_file_is_reported_at_its_rows_and_nothing_is_kept(world, s, login):
    client = login(world.alice)
    response = client.post(_url(s), {"bestand": _file(BROKEN)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "De kijkers zijn niet ingelezen" in html
    assert "„bert-at-nieuwhout” is geen geldig e-mailadres." in html
    assert "<code>Duur (minuten)</code>" in html
    assert not Registration.objects.exists()
    assert not client.session.get(SESSION_KEY)


def test_preview_then_confirm_imports_with_the_chosen_company(world, s, login):
    client = login(world.alice)
    response = client.post(_url(s), {"bestand": _file(GOOD)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Het bestand is in orde" in html
    assert "Kies het bedrijf bij twijfel" in html
    assert not Registration.objects.exists()
    # The file waits on the server; the page carries only its checksum.
    assert client.session[SESSION_KEY][str(s.event.pk)]
    assert "anna@brink.example" not in response.context["confirm"].initial.values()
    digest = digest_of(GOOD.encode())
    assert f'value="{digest}"' in html
    response = client.post(
        _url(s), {"bestand_controle": digest, "keuze_4": str(s.jansen_assen.pk)}, follow=True
    )
    assert response.redirect_chain[-1][0] == _url(s)  # no personal data in the URL
    assert "4 kijkers ingelezen" in response.content.decode()
    assert Registration.objects.get(email="carla@jansen.example").company == s.jansen_assen
    assert str(s.event.pk) not in client.session.get(SESSION_KEY, {})


def test_the_counts_of_the_preview(world, s, login):
    response = login(world.alice).post(_url(s), {"bestand": _file(GOOD)})
    counts = dict(response.context["counts"])
    assert list(counts.values()) == [1, 1, 1, 1]


def test_confirm_without_a_previewed_file_or_with_another_checksum(world, s, login):
    client = login(world.alice)
    response = client.post(_url(s), {"bestand_controle": "a" * 64})
    assert response.status_code == 422
    assert "niet meer beschikbaar" in response.content.decode()
    client.post(_url(s), {"bestand": _file(GOOD)})
    response = client.post(_url(s), {"bestand_controle": "b" * 64})
    assert response.status_code == 422
    assert "ander bestand" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"bestand_controle": "../../etc"},
        {"bestand_controle": "x" * 10_000},
        {"bestand_controle": "\x00"},
        {"keuze_4": "1"},
    ],
)
def test_garbage_posts_get_a_message(world, s, login, data):
    client = login(world.alice)
    response = client.post(_url(s), data)
    assert response.status_code == 422
    assert not Registration.objects.exists()


@pytest.mark.parametrize("choice", ["abc", "-1", str(2**64), "999999", "\x00"])
def test_a_garbage_choice_is_refused_at_the_field(world, s, login, choice):
    client = login(world.alice)
    client.post(_url(s), {"bestand": _file(GOOD)})
    response = client.post(
        _url(s), {"bestand_controle": digest_of(GOOD.encode()), "keuze_4": choice}
    )
    assert response.status_code == 422
    assert "Kies een van de voorgestelde bedrijven, of geen bedrijf." in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        _file(b""),
        _file(b"\x00\x01\x02binary"),
        _file("Naam;E-mail;Duur\n" + "A;a@x.example;5\n" * 200_000),
        _file(b"\xff\xfe\x00N\x00a"),
    ],
)
def test_bad_files_on_the_page(world, s, login, upload):
    response = login(world.alice).post(_url(s), {"bestand": upload})
    assert response.status_code == 422
    assert not Registration.objects.exists()


# --- the API ---------------------------------------------------------------------------


def _api(user) -> Client:
    _token, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _api_url(s):
    return f"/api/events/{s.event.pk}/webinar-import"


def test_api_dry_run_then_import(world, s):
    client = _api(world.alice)
    response = client.post(_api_url(s), {"file": _file(GOOD), "dry_run": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["written"]) == (True, False)
    assert body["counts"] == {"matched": 1, "new": 1, "ambiguous": 1, "no_company": 1}
    ambiguous = next(row for row in body["rows"] if row["outcome"] == "ambiguous")
    assert {c["id"] for c in ambiguous["candidates"]} == {s.jansen_assen.pk, s.jansen_emmen.pk}
    assert not Registration.objects.exists()
    choices = json.dumps({"4": s.jansen_emmen.pk})
    response = client.post(_api_url(s), {"file": _file(GOOD), "choices": choices})
    assert response.status_code == 200, response.content
    assert (response.json()["created"], response.json()["written"]) == (4, True)
    again = client.post(_api_url(s), {"file": _file(GOOD)}).json()
    assert (again["created"], again["updated"]) == (0, 4)
    assert Registration.objects.count() == 4


def test_api_broken_file_gives_row_and_column(world, s):
    response = _api(world.alice).post(_api_url(s), {"file": _file(BROKEN)})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(d["row"], d["column"]) for d in detail] == [(3, "E-mail"), (4, "Duur (minuten)")]
    assert detail[0]["loc"] == ["file", 3, "E-mail"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "choices", ["nee", "[1]", '{"x": 1}', '{"4": "a"}', '{"4": true}', '{"4": -1}', "[" * 5000]
)
def test_api_garbage_choices(world, s, choices):
    response = _api(world.alice).post(_api_url(s), {"file": _file(GOOD), "choices": choices})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "choices"
    assert not Registration.objects.exists()


def test_api_without_a_file_and_for_outsiders(world, s):
    assert _api(world.alice).post(_api_url(s), {}).status_code == 422
    assert _api(world.bob).post(_api_url(s), {"file": _file(GOOD)}).status_code == 403
    assert _api(world.charlie).post(_api_url(s), {"file": _file(GOOD)}).status_code == 404
    assert Client().post(_api_url(s), {"file": _file(GOOD)}).status_code == 401
    assert not Registration.objects.exists()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=st.binary(max_size=2000), dry_run=st.booleans())
def test_arbitrary_bytes_never_give_a_500_and_never_write(world, s, content, dry_run):
    client = _api(world.alice)
    response = client.post(
        _api_url(s), {"file": _file(content), "dry_run": "true" if dry_run else "false"}
    )
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert not Registration.objects.exists()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=st.lists(st.lists(st.text(max_size=30), min_size=0, max_size=6).map(";".join), max_size=8)
)
def test_arbitrary_csv_like_text_never_gives_a_500(world, s, login, lines):
    client = login(world.alice)
    text = "Naam;E-mail;Duur\n" + "\n".join(lines)
    response = client.post(_url(s), {"bestand": _file(text.encode("utf-8", "surrogatepass"))})
    assert response.status_code in (200, 422)
    assert not Registration.objects.exists()  # the preview never writes
