"""Company search: typos, word order, exact keys, persons, trade names, ranking, scope,
garbage input, POST only, and the index actually used (EXPLAIN)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from loket.companies import services
from loket.companies.models import CompanySearchEntry
from loket.companies.search import (
    InvalidSearch,
    build_entry,
    fold,
    rebuild_search_index,
    reindex_companies,
    search_companies,
)
from tests import factories as f

SEARCH_URL = "/bedrijven/zoeken/"


@pytest.fixture(autouse=True)
def dutch():
    """Labels are checked in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


def company(world, name, *, region=None, municipality=None, city="Assen", **kw):
    region = region or world.region
    return f.CompanyFactory(
        region=region,
        name=name,
        municipality=municipality if municipality is not None else world.assen,
        city=city,
        **kw,
    )


@pytest.fixture
def data(world):
    c = {
        "jansen": company(world, "Jansen Bouw B.V.", kvk_number="12345678", house_number=12),
        "jansen_long": company(world, "Jansen Bouw Installatietechniek Holding"),
        "janssen": company(world, "Janssen Installatietechniek"),
        "vries": company(
            world,
            "Bakkerij de Vries",
            municipality=world.emmen,
            city="Emmen",
            postcode="7811 AB",
            house_number=3,
        ),
        "visser": company(
            world,
            "Bakkerij Visser",
            municipality=world.emmen,
            city="Emmen",
            postcode="7811 AB",
            house_number=5,
        ),
        "smit": company(world, "Smit Transport", trade_names=["Smit Logistiek"]),
        "hoekstra": company(world, "Hoekstra Metaal", city="Gieten"),
        "twente": company(
            world,
            "Jansen Bouw Twente",
            region=world.other_region,
            municipality=None,
            city="Almelo",
        ),
    }
    f.PersonFactory(company=c["hoekstra"], name="Sanne Hoekstra-Wolthuis")
    f.PersonFactory(company=c["smit"], name="Piet de Boer")
    rebuild_search_index()
    return c


def names(hits):
    return [h.company.name for h in hits]


# --- what it finds ---------------------------------------------------------------------


def test_it_finds_a_name_with_a_typo(world, data):
    assert names(search_companies(world.alice, "Jansn Bouw"))[0] == "Jansen Bouw B.V."
    assert names(search_companies(world.alice, "bakkerij de vires"))[0] == "Bakkerij de Vries"


def test_it_ignores_word_order_case_and_accents(world, data):
    assert names(search_companies(world.alice, "bouw JANSEN"))[0] == "Jansen Bouw B.V."
    assert names(search_companies(world.alice, "Vriés Bakkerij"))[0] == "Bakkerij de Vries"


def test_it_ranks_the_closest_name_first(world, data):
    found = names(search_companies(world.alice, "jansen bouw"))
    assert found.index("Jansen Bouw B.V.") < found.index("Jansen Bouw Installatietechniek Holding")
    assert "Janssen Installatietechniek" not in found[:2]
    hits = search_companies(world.alice, "jansen bouw")
    assert hits[0].score >= hits[-1].score
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_swapped_letters_and_legal_forms_do_not_hide_a_company(world, data):
    zagerij = company(world, "Zagerij De Wolden V.O.F.", city="Zuidwolde")
    company(world, "Zagerij De Wolden Houthandel en Timmerfabriek")
    person = f.PersonFactory(company=data["visser"], name="Daan Jonker")
    reindex_companies([zagerij.pk, person.company_id])
    assert search_companies(world.alice, "Zaegrij De Wolden")[0].company == zagerij
    assert search_companies(world.alice, "zagerij de wolden")[0].company == zagerij
    assert search_companies(world.alice, "Daan Jokner")[0].company == data["visser"]


def test_it_finds_an_exact_kvk_number(world, data):
    for query in ("12345678", "1234 5678", " 12.34.56.78 "):
        hits = search_companies(world.alice, query)
        assert names(hits) == ["Jansen Bouw B.V."], query
        assert str(hits[0].matched_field) == "KvK-nummer"
    assert search_companies(world.alice, "87654321") == []


def test_it_finds_postcode_and_house_number(world, data):
    for query in ("7811AB 3", "7811 ab 3", "7811 AB 3"):
        hits = search_companies(world.alice, query)
        assert names(hits) == ["Bakkerij de Vries"], query
        assert str(hits[0].matched_field) == "postcode en huisnummer"
    assert names(search_companies(world.alice, "7811AB")) == [
        "Bakkerij de Vries",
        "Bakkerij Visser",
    ]
    # A number that is not there: the companies at the postcode.
    assert set(names(search_companies(world.alice, "7811 AB 99"))) == {
        "Bakkerij de Vries",
        "Bakkerij Visser",
    }


def test_it_finds_a_contact_person_even_misspelled(world, data):
    for query in ("Sanne Hoekstra", "sane hoekstra", "Hoekstra-Wolthuis"):
        hits = search_companies(world.alice, query)
        assert hits[0].company == data["hoekstra"], query
    hit = search_companies(world.alice, "Sanne Hoekstra")[0]
    assert str(hit.matched_field) == "contactpersoon"
    assert hit.matched_value == "Sanne Hoekstra-Wolthuis"


def test_it_finds_a_trade_name_and_says_so(world, data):
    hit = search_companies(world.alice, "smit logistiek")[0]
    assert hit.company == data["smit"]
    assert (str(hit.matched_field), hit.matched_value) == ("handelsnaam", "Smit Logistiek")


def test_it_finds_companies_by_city(world, data):
    found = search_companies(world.alice, "Emmen")
    assert set(names(found)) == {"Bakkerij de Vries", "Bakkerij Visser"}
    assert {str(h.matched_field) for h in found} <= {"plaats", "gemeente"}
    assert names(search_companies(world.alice, "gieten"))[0] == "Hoekstra Metaal"


def test_it_combines_a_name_and_a_city(world, data):
    assert names(search_companies(world.alice, "bakkerij emmen vries"))[0] == "Bakkerij de Vries"


def test_it_returns_nothing_for_words_that_match_nothing(world, data):
    assert search_companies(world.alice, "xyzzy qwerty") == []


def test_it_respects_the_limit(world, data):
    assert len(search_companies(world.alice, "bouw", limit=1)) == 1


# --- scope -----------------------------------------------------------------------------


def test_a_partner_finds_only_companies_his_organisation_works_with(world, data):
    f.ContactMomentFactory(company=data["jansen"], organisation=world.gem_assen, author=world.bob)
    assert names(search_companies(world.bob, "jansen")) == ["Jansen Bouw B.V."]
    assert search_companies(world.bob, "bakkerij") == []
    assert search_companies(world.bob, "12345678")[0].company == data["jansen"]
    assert search_companies(world.bob, "7811AB 3") == []
    # charlie (another municipality) sees none of it, not even by key
    assert search_companies(world.charlie, "jansen") == []
    assert search_companies(world.charlie, "12345678") == []
    assert search_companies(world.charlie, "Sanne Hoekstra") == []


def test_a_typo_search_by_a_partner_stays_in_his_scope(world, data):
    f.CaseFactory(company=data["vries"], organisation=world.gem_emmen, owner=world.charlie)
    assert names(search_companies(world.charlie, "bakkerij de vires")) == ["Bakkerij de Vries"]
    assert names(search_companies(world.charlie, "bakerij")) == ["Bakkerij de Vries"]


def test_another_region_sees_only_its_own_companies(world, data):
    assert names(search_companies(world.olga, "jansen bouw")) == ["Jansen Bouw Twente"]
    assert "Jansen Bouw Twente" not in names(search_companies(world.alice, "jansen bouw twente"))


def test_a_user_without_organisation_finds_nothing(world, data):
    outsider = f.UserFactory(email="nobody@example.org")
    assert search_companies(outsider, "jansen") == []
    assert search_companies(outsider, "12345678") == []


# --- garbage ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", None, "\x00", "\n\t"])
def test_it_asks_for_a_query(world, data, query):
    with pytest.raises(InvalidSearch) as exc:
        search_companies(world.alice, query)
    assert "zoekterm" in str(exc.value.message)


def test_it_refuses_a_too_long_query(world, data):
    with pytest.raises(InvalidSearch) as exc:
        search_companies(world.alice, "a" * 201)
    assert "200" in str(exc.value.message)


@pytest.mark.parametrize("query", ["!!!", "€€€ %%% ***", "%_%", "ab", "a b c", "ð", "🙂"])
def test_it_explains_unsearchable_queries(world, data, query):
    with pytest.raises(InvalidSearch):
        search_companies(world.alice, query)


@pytest.mark.parametrize(
    "query",
    [
        '"jansen" OR *',
        "bouw AND (",
        "NEAR(jansen bouw)",
        "jansen'; DROP TABLE companies_company; --",
        "%_% jansen",
        "jansen\x00bouw",
        "Ω≈ç√ jansen",
        "1" * 199,
        "9999ZZ 99999 abcdef",
    ],
)
def test_it_survives_query_syntax_and_injection(world, data, query):
    search_companies(world.alice, query)  # no exception
    assert CompanySearchEntry.objects.count() == len(data)


# --- the index -------------------------------------------------------------------------


def test_reindex_follows_changes_and_deletes(world, data):
    jansen = data["jansen"]
    jansen.name = "Pietersen Dakdekkers"
    jansen.save()
    reindex_companies([jansen.pk])
    assert names(search_companies(world.alice, "pietersen"))[0] == "Pietersen Dakdekkers"
    assert "Pietersen Dakdekkers" not in names(search_companies(world.alice, "jansen bouw"))
    f.PersonFactory(company=jansen, name="Willemijn Zwiers")
    reindex_companies([jansen.pk])
    assert search_companies(world.alice, "willemijn zwiers")[0].company == jansen
    pk = jansen.pk
    jansen.delete()
    reindex_companies([pk])
    assert search_companies(world.alice, "pietersen") == []
    assert not CompanySearchEntry.objects.filter(company_id=pk).exists()


def test_services_keep_the_index_current(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.create_company(
            world.alice,
            world.region,
            {"name": "Zonnepanelen Oosting", "kvk_number": "55555555", "city": "Assen"},
        )
    assert search_companies(world.alice, "zonepanelen oosting")[0].company == created


def test_rebuild_command_indexes_every_company(world, data, capsys):
    CompanySearchEntry.objects.all().delete()
    assert search_companies(world.alice, "jansen") == []
    call_command("rebuild_search_index")
    assert f"{len(data)} companies" in capsys.readouterr().out
    assert names(search_companies(world.alice, "jansn bouw"))[0] == "Jansen Bouw B.V."


def test_the_document_is_folded_and_keeps_each_value_on_its_line():
    names_, persons, _place, document = build_entry(
        name="Bäckerei Müller B.V.",
        trade_names=["Müller's Brood", 7],
        persons=["José Groß"],
        city="Assen",
        municipality="Assen",
        postcode="9401 AB",
        kvk_number="12345678",
    )
    assert names_ == "Bäckerei Müller B.V.\nMüller's Brood\n7"
    assert persons == "José Groß"
    assert " backerei muller b v " in document
    assert " jose gross " in document
    assert " 9401 ab 9401ab " in document
    assert fold("  Ĳssel–Café  ") == "ijssel cafe"


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _candidate_sql(queries) -> list[str]:
    """The queries that read candidates from the index (not the term statistics)."""
    return [
        q["sql"] for q in queries if '"companies_companysearchentry"."company_id" AS' in q["sql"]
    ]


@pytest.mark.parametrize("query", ["jansen bouw", "Jansn Bouw", "xyzzy qwerty"])
def test_free_text_goes_through_the_trigram_index(world, data, query):
    with CaptureQueriesContext(connection) as ctx:
        search_companies(world.alice, query)
    candidate_queries = _candidate_sql(ctx.captured_queries)
    assert candidate_queries
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With a handful of rows PostgreSQL would rather scan the table, or visit each
            # company's row by primary key; forbid those plans (cheap only for tiny tables)
            # to see that the GIN trigram index serves the condition.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_nestloop = off")
    for sql in candidate_queries:
        plan = _explain(sql)
        if connection.vendor == "sqlite":
            assert "companies_search_fts VIRTUAL TABLE INDEX" in plan, plan
        else:
            assert "companies_search_document_trgm" in plan, plan


def test_exact_keys_use_their_btree_index(world, data):
    for query, index, column in (
        ("12345678", "company_kvk_idx", '"kvk_number" ='),
        ("7811AB 3", "company_address_idx", '"house_number" ='),
    ):
        with CaptureQueriesContext(connection) as ctx:
            search_companies(world.alice, query)
        key_sql = next(q["sql"] for q in ctx.captured_queries if column in q["sql"])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
        assert index in _explain(key_sql)


def test_a_search_costs_a_few_queries(world, data, django_assert_max_num_queries):
    world.alice.refresh_from_db()
    # scope, three index steps, the companies; PostgreSQL also sets and resets its
    # search settings
    with django_assert_max_num_queries(5 if connection.vendor == "sqlite" else 7):
        search_companies(world.alice, "bakkerij de vires")
    with django_assert_max_num_queries(3):
        search_companies(world.alice, "12345678")


# --- the page --------------------------------------------------------------------------


def test_the_search_box_posts_to_the_search_page(world, login):
    client = login(world.alice)
    html = client.get(SEARCH_URL).content.decode()
    assert reverse("companies:search") == SEARCH_URL
    assert f'method="post" action="{SEARCH_URL}"' in html  # the box in every page's header
    assert "csrfmiddlewaretoken" in html


def test_the_page_shows_ranked_results_with_what_matched(world, login, data):
    response = login(world.alice).post(SEARCH_URL, {"q": "Sanne Hoekstra"})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("companies:detail", args=[data["hoekstra"].pk]) in html
    assert "Hoekstra Metaal" in html
    assert "Contactpersoon: Sanne Hoekstra-Wolthuis" in html
    assert "no-store" in response["Cache-Control"]

    html = login(world.alice).post(SEARCH_URL, {"q": "Jansn Bouw"}).content.decode()
    assert html.index("Jansen Bouw B.V.") < html.index("Jansen Bouw Installatietechniek")
    assert "12345678" in html
    assert "Assen" in html


def test_a_get_with_a_query_in_the_url_does_not_search(world, login, data):
    response = login(world.alice).get(SEARCH_URL, {"q": "Jansen"})
    assert response.status_code == 200
    assert "Jansen Bouw B.V." not in response.content.decode()
    assert 'name="q"' in response.content.decode()


def test_a_post_keeps_the_query_out_of_the_url(world, login, data):
    response = login(world.alice).post(SEARCH_URL, {"q": "Sanne Hoekstra"})
    assert response.status_code == 200  # rendered in place, no redirect carrying the query
    assert response.request["PATH_INFO"] == SEARCH_URL
    assert "QUERY_STRING" not in response.request or not response.request["QUERY_STRING"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Vul een zoekterm in."),
        ("x" * 201, "hoogstens 200"),
        ("!!!", "letters of cijfers"),
        ("ab", "drie of meer tekens"),
        ("jan\x00sen", "Null-tekens"),
    ],
)
def test_the_page_explains_bad_queries(world, login, data, query, message):
    response = login(world.alice).post(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "utrecht-form-field--invalid" in html


def test_the_page_needs_a_login_and_csrf(world, client, data):
    response = client.post(SEARCH_URL, {"q": "jansen"})
    assert response.status_code == 302
    assert "jansen" not in response["Location"]
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.alice)
    session = csrf_client.session
    session["loket_mfa_ok"] = True
    session.save()
    assert csrf_client.post(SEARCH_URL, {"q": "jansen"}).status_code == 403


def test_a_partner_page_shows_only_his_companies(world, login, data):
    f.ContactMomentFactory(company=data["jansen"], organisation=world.gem_assen, author=world.bob)
    html = login(world.bob).post(SEARCH_URL, {"q": "bouw"}).content.decode()
    assert "Jansen Bouw B.V." in html
    assert "Jansen Bouw Installatietechniek" not in html
    html = login(world.charlie).post(SEARCH_URL, {"q": "bouw"}).content.decode()
    assert "Jansen Bouw" not in html
    assert "0 bedrijven gevonden" in html
