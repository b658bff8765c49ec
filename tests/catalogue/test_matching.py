"""The matching engine: words, eligibility with its explanations, regions, determinism,
the in-process index and its query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from loket.catalogue import matching, services
from loket.catalogue.matching import Profile, match
from loket.companies.models import SbiCode
from loket.core.models import Theme
from tests import factories as f

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def dutch():
    matching.clear_cache()
    with translation.override("nl"):
        yield
    matching.clear_cache()


@pytest.fixture
def cat(world):
    """A small catalogue of the world's region, a national one and one elsewhere."""
    w = world
    theme = {t.slug: t for t in Theme.objects.all()}
    make = f.InstrumentFactory
    return {
        "export": make(
            region=w.region,
            name="Exportvoucher",
            summary="Een voucher voor advies over de eerste stappen naar nieuwe markten.",
            phases=["export"],
            themes=[theme["export"]],
            keywords="handelsmissie",
        ),
        "loan": make(
            region=w.region,
            name="Innovatiekrediet Drenthe",
            summary="Een lening voor de ontwikkeling van nieuwe producten.",
            kind="loan",
            phases=["innovation", "finance"],
        ),
        "coach": make(
            region=w.region,
            name="Startersbegeleiding",
            summary="Coaching voor startende ondernemers in hun eerste jaren.",
            kind="advice",
            phases=["start"],
            themes=[theme["starters"]],
        ),
        "digital": make(
            region=w.region,
            name="Digitaliseringsvoucher",
            summary="Advies over een webshop, automatisering of cybersecurity.",
            phases=["digitalisation"],
        ),
        "takeover": make(
            region=w.region,
            name="Overnamelening",
            summary="Geld om een zaak over te nemen.",
            kind="loan",
            phases=["finance"],
        ),
        "national": make(
            region=None,
            provider_kind="national",
            provider_name="RVO",
            name="Borgstelling MKB-kredieten",
            summary="Het Rijk staat borg voor een deel van een bankkrediet.",
            kind="guarantee",
            phases=["finance"],
        ),
        "elsewhere": make(
            region=w.other_region,
            name="Twentse Exportregeling",
            summary="Voor ondernemers in Twente die willen exporteren.",
            phases=["export"],
        ),
    }


def names(result):
    return [m.instrument.name for m in result.matches]


def ask(world, question="", *, limit=10, include_excluded=False, **profile):
    return match(
        Profile(region_id=world.region.pk, question=question, **profile),
        limit=limit,
        include_excluded=include_excluded,
        today=TODAY,
    )


# --- words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Ik wil naar het buitenland",
        "Wij willen gaan exporteren",
        "Internationaal zakendoen",
        "We want to sell abroad",
        "Exporting to Germany",
        "Ik zoek een handelsmissie",
    ],
)
def test_export_words_in_any_form_find_the_export_instrument(world, cat, question):
    result = ask(world, question)
    assert names(result)[0] == "Exportvoucher"


def test_a_question_without_export_words_does_not_find_it(world, cat):
    assert "Exportvoucher" not in names(ask(world, "een lening voor een nieuwe machine"))


def test_a_compound_counts_as_its_parts(world, cat):
    # "exportkrediet" is in no instrument: its parts are.
    found = names(ask(world, "exportkrediet"))
    assert set(found[:3]) >= {"Exportvoucher", "Innovatiekrediet Drenthe"}
    # "bedrijfsovername": a common word plus a linking s plus a word of the catalogue.
    assert names(ask(world, "bedrijfsovername"))[0] == "Overnamelening"


def test_english_loans_find_the_loans(world, cat):
    found = names(ask(world, "loans"))
    assert set(found) >= {"Innovatiekrediet Drenthe", "Overnamelening"}
    assert "Exportvoucher" not in found


def test_the_kind_of_instrument_is_a_word_of_it(world, cat):
    # "garantie" is said nowhere but in the kind of the national instrument.
    assert names(ask(world, "garantie"))[0] == "Borgstelling MKB-kredieten"


def test_one_typo_is_read_past(world, cat):
    found = ask(world, "digitalisringsvoucher")
    assert names(found)[0] == "Digitaliseringsvoucher"
    assert found.matches[0].reasons[0].text == ("Sluit aan bij uw vraag: digitalisringsvoucher.")
    assert names(ask(world, "ovrenamelening"))[0] == "Overnamelening"  # two letters swapped


def test_place_names_say_where_not_what(world, cat):
    cat["coach"].summary = "Coaching voor startende ondernemers in Assen en Emmen."
    cat["coach"].save()
    # The municipality is a criterion; as a word it would favour every text naming it.
    assert ask(world, "Assen").matches == []
    assert names(ask(world, "export vanuit Emmen")) == ["Exportvoucher"]


def test_the_regions_own_offer_comes_first_at_equal_relevance(world, cat):
    f.InstrumentFactory(
        region=None,
        provider_kind="national",
        provider_name="RVO",
        name="Aaa landelijke startersregeling",
        phases=["start"],
    )
    found = ask(world, phases=("start",))
    assert names(found) == ["Startersbegeleiding", "Aaa landelijke startersregeling"]
    assert found.matches[0].reasons[-1].kind == "region"
    assert all(r.kind != "region" for r in found.matches[1].reasons)


def test_a_question_of_only_unknown_words_finds_nothing(world, cat):
    result = ask(world, "xylofoon zeppelin")
    assert result.matches == []


# --- eligibility and its explanation ---------------------------------------------------


CRITERIA = [
    # (instrument fields, profile fields, criterion, words of the explanation)
    ({"size_classes": ["medium", "large"]}, {"employees": 3}, "size_classes", "middelgroot"),
    ({"size_classes": ["zzp"]}, {"size_class": "small"}, "size_classes", "zzp"),
    ({"employees_min": 10}, {"employees": 3}, "employees_min", "minstens 10"),
    ({"employees_max": 5}, {"employees": 30}, "employees_max", "hoogstens 5"),
    ({"company_age_min": 3}, {"company_age": 1}, "company_age_min", "minstens 3 jaar"),
    ({"company_age_max": 5}, {"company_age": 12}, "company_age_max", "hoogstens 5 jaar"),
    ({"sbi_excluded": ["A"]}, {"sbi_codes": ("A", "01")}, "sbi_excluded", "SBI A"),
    ({"sbi_excluded": ["01"]}, {"sbi_codes": ("01",)}, "sbi_excluded", "SBI 01"),
    ({"sbi_included": ["C"]}, {"sbi_codes": ("G",)}, "sbi_included", "SBI C"),
    ({"sbi_included": ["25"]}, {"sbi_codes": ("C", "10")}, "sbi_included", "SBI 25"),
    ({"legal_forms": ["bv"]}, {"legal_form": "eenmanszaak"}, "legal_forms", "besloten"),
    ({"published": False}, {}, "published", "Niet gepubliceerd"),
    ({"budget_exhausted": True}, {}, "budget_exhausted", "budget is op"),
    ({"open_from": TODAY + dt.timedelta(days=1)}, {}, "open_from", "23-11-2026"),
    ({"open_until": TODAY - dt.timedelta(days=1)}, {}, "open_until", "21-11-2026"),
    ({"deadline": TODAY - dt.timedelta(days=2)}, {}, "deadline", "20-11-2026"),
]


@pytest.mark.parametrize(("fields", "profile", "criterion", "text"), CRITERIA)
def test_every_criterion_excludes_with_its_explanation(world, fields, profile, criterion, text):
    inst = f.InstrumentFactory(region=world.region, name="Groeiregeling", **fields)
    result = ask(world, phases=("innovation",), include_excluded=True, **profile)
    assert result.matches == []
    [excluded] = result.excluded
    assert excluded.instrument == inst
    assert excluded.criterion == criterion
    assert text in excluded.text
    if profile:
        # The same instrument fits a profile that says nothing about the criterion.
        assert names(ask(world, phases=("innovation",))) == ["Groeiregeling"]


def test_a_municipality_criterion_names_the_municipalities(world):
    f.InstrumentFactory(region=world.region, name="Assense regeling", municipalities=[world.assen])
    result = ask(world, municipality_id=world.emmen.pk, phases=("innovation",))
    assert result.matches == []
    result = ask(
        world, municipality_id=world.emmen.pk, phases=("innovation",), include_excluded=True
    )
    assert [(e.criterion, e.text) for e in result.excluded] == [
        ("municipalities", "Alleen in de gemeente(n) Assen.")
    ]
    fits = ask(world, municipality_id=world.assen.pk, phases=("innovation",))
    assert [r.text for r in fits.matches[0].reasons if r.kind == "criterion"] == [
        "Geldt in uw gemeente (Assen)."
    ]


def test_a_section_without_division_is_not_held_against_a_division(world):
    # The visitor said "manufacturing" (C); the instrument is for metal products (25).
    f.InstrumentFactory(region=world.region, name="Metaalregeling", sbi_included=["25"])
    assert names(ask(world, sbi_codes=("C",), phases=("innovation",))) == ["Metaalregeling"]
    # A division of the same section that is not 25 is.
    assert names(ask(world, sbi_codes=("C", "10"), phases=("innovation",))) == []
    # A division counts as its section too.
    assert SbiCode.objects.get(code="25").section.code == "C"
    f.InstrumentFactory(region=world.region, name="Industrieregeling", sbi_included=["C"])
    assert names(ask(world, sbi_codes=("25",), phases=("innovation",))) == [
        "Industrieregeling",
        "Metaalregeling",
    ]


def test_unknown_profile_values_are_not_held_against_instruments(world):
    f.InstrumentFactory(
        region=world.region,
        name="Strenge regeling",
        size_classes=["small"],
        employees_min=10,
        employees_max=40,
        company_age_min=2,
        company_age_max=10,
        sbi_included=["C"],
        legal_forms=["bv"],
        municipalities=[world.assen],
    )
    assert names(ask(world, phases=("innovation",))) == ["Strenge regeling"]
    # And a profile that meets every criterion gets each one as a reason.
    fits = ask(
        world,
        phases=("innovation",),
        employees=20,
        company_age=4,
        sbi_codes=("C", "25"),
        legal_form="bv",
        municipality_id=world.assen.pk,
    )
    assert names(fits) == ["Strenge regeling"]
    criteria = [r.text for r in fits.matches[0].reasons if r.kind == "criterion"]
    assert criteria == [
        "Bedoeld voor bedrijven van uw grootte: klein (10-49).",
        "Past bij de leeftijd van uw bedrijf (4 jaar).",
        "Bedoeld voor uw sector.",
        "Geldt in uw gemeente (Assen).",
        "Past bij uw rechtsvorm.",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"open_until": TODAY - dt.timedelta(days=1)},
        {"deadline": TODAY - dt.timedelta(days=1)},
        {"budget_exhausted": True},
        {"open_from": TODAY + dt.timedelta(days=30)},
        {"published": False},
    ],
)
def test_closed_instruments_are_never_matched(world, fields):
    f.InstrumentFactory(region=world.region, name="Exportvoucher", phases=["export"], **fields)
    # Not by its own name, its phase, nor with an empty profile.
    assert ask(world, "exportvoucher", phases=("export",)).matches == []
    assert ask(world).matches == []


def test_open_until_today_is_still_open(world):
    f.InstrumentFactory(region=world.region, name="Exportvoucher", open_until=TODAY, deadline=TODAY)
    assert names(ask(world, "exportvoucher")) == ["Exportvoucher"]


# --- regions ---------------------------------------------------------------------------


def test_national_instruments_are_shared_by_every_region(world, cat):
    for region in (world.region, world.other_region):
        result = match(Profile(region_id=region.pk, question="borgstelling"), today=TODAY)
        assert names(result) == ["Borgstelling MKB-kredieten"]


def test_a_national_instrument_narrowed_to_regions_stays_there(world, cat):
    cat["national"].regions.set([world.other_region])
    cat["national"].save()
    assert ask(world, "borgstelling").matches == []
    elsewhere = match(Profile(region_id=world.other_region.pk, question="borgstelling"))
    assert names(elsewhere) == ["Borgstelling MKB-kredieten"]


def test_an_instrument_of_another_region_never_appears(world, cat):
    result = ask(world, "Twentse exportregeling exporteren", phases=("export",))
    assert "Twentse Exportregeling" not in names(result)
    everything = ask(world, include_excluded=True, limit=50)
    seen = names(everything) + [e.instrument.name for e in everything.excluded]
    assert "Twentse Exportregeling" not in seen
    assert everything.considered == 6
    other = match(Profile(region_id=world.other_region.pk, phases=("export",)), today=TODAY)
    assert names(other) == ["Twentse Exportregeling"]


# --- ranking and reasons ---------------------------------------------------------------


def test_the_same_input_gives_the_same_output(world, cat):
    for name in ("Financieringsvoucher", "Aanloopkrediet", "Zakelijke lening"):
        f.InstrumentFactory(region=world.region, name=name, kind="loan", phases=["finance"])
    profile = Profile(region_id=world.region.pk, phases=("finance",), question="geld lenen")
    first = match(profile, today=TODAY, include_excluded=True)
    matching.clear_cache()  # a fresh index too
    second = match(profile, today=TODAY, include_excluded=True)
    assert [(m.instrument.pk, m.score, m.reasons) for m in first.matches] == [
        (m.instrument.pk, m.score, m.reasons) for m in second.matches
    ]
    assert [e.instrument.pk for e in first.excluded] == [e.instrument.pk for e in second.excluded]
    # Equal scores are ordered by name.
    scores = {}
    for m in first.matches:
        scores.setdefault(m.score, []).append(m.instrument.name)
    for tied in scores.values():
        assert tied == sorted(tied, key=str.lower)


def test_every_match_says_why(world, cat):
    profile = Profile(
        region_id=world.region.pk,
        phases=("export",),
        themes=("export",),
        question="Hoe pak ik het buitenland aan?",
    )
    [top, *_rest] = match(profile, today=TODAY).matches
    assert top.instrument.name == "Exportvoucher"
    assert [(r.kind, r.text) for r in top.reasons] == [
        ("phase", "Helpt bij: exporteren."),
        ("theme", "Thema: export en internationalisering."),
        ("words", "Sluit aan bij uw vraag: buitenland."),
        ("region", "Aanbod uit uw eigen regio."),
    ]
    for found in match(profile, today=TODAY).matches:
        assert found.reasons


def test_reasons_follow_the_language(world, cat):
    with translation.override("en"):
        top = match(Profile(region_id=world.region.pk, themes=("export",)), today=TODAY)
    # The theme's own English name (the sentence around it is in the English catalogue).
    assert "export and internationalisation" in top.matches[0].reasons[0].text


def test_a_profile_of_a_company(world, cat):
    company = f.CompanyFactory(
        region=world.region,
        municipality=world.assen,
        employees=4,
        founded_on=TODAY - dt.timedelta(days=365 * 2 + 10),
    )
    company.themes.set(Theme.objects.filter(slug="starters"))
    company.sbi_codes.set(SbiCode.objects.filter(code="25"))
    profile = Profile.from_company(company, question="coaching", today=TODAY)
    assert profile.phases == ("start",)
    assert profile.sbi_codes == ("25", "C")
    assert profile.company_age == 2
    assert profile.effective_size_class == "micro"
    assert names(match(profile, today=TODAY))[0] == "Startersbegeleiding"


def test_limit_caps_the_list(world, cat):
    assert len(ask(world, limit=2).matches) == 2
    assert len(ask(world, limit=50).matches) == 6


def test_include_excluded_lists_every_instrument_that_does_not_match(world, cat):
    cat["digital"].size_classes = ["medium"]
    cat["digital"].save()
    cat["coach"].budget_exhausted = True
    cat["coach"].save()
    result = ask(world, "krediet", employees=3, include_excluded=True, limit=50)
    matched = {m.instrument.pk for m in result.matches}
    excluded = {e.instrument.pk: e for e in result.excluded}
    region_ids = {i.pk for k, i in cat.items() if k != "elsewhere"}
    assert matched | set(excluded) == region_ids
    assert not matched & set(excluded)
    assert all(e.criterion and e.text for e in excluded.values())
    assert excluded[cat["digital"].pk].criterion == "size_classes"
    assert excluded[cat["coach"].pk].criterion == "budget_exhausted"
    assert excluded[cat["export"].pk].criterion == "relevance"
    # Without asking, no excluded list.
    assert ask(world, "krediet").excluded == []


# --- the index -------------------------------------------------------------------------


def test_the_index_follows_changes_to_instruments(world, cat):
    assert ask(world, "zonnepanelen").matches == []
    services.update_instrument(
        world.adam, cat["loan"], {"keywords": "zonnepanelen, warmtepomp"}, note="test"
    )
    assert names(ask(world, "zonnepanelen")) == ["Innovatiekrediet Drenthe"]
    # A new instrument, and one that closes.
    f.InstrumentFactory(region=world.region, name="Zonnestroomvoucher")
    services.update_instrument(world.adam, cat["loan"], {"budget_exhausted": True}, note="test")
    assert names(ask(world, "zonnestroom")) == ["Zonnestroomvoucher"]
    assert "Innovatiekrediet Drenthe" not in names(ask(world, "zonnepanelen lening"))
    services.delete_instrument(world.adam, cat["export"])
    assert "Exportvoucher" not in names(ask(world, "export"))


@pytest.mark.parametrize("extra", [0, 40])
def test_match_runs_a_constant_number_of_queries(
    world, cat, extra, django_assert_num_queries, django_assert_max_num_queries
):
    for i in range(extra):
        f.InstrumentFactory(region=world.region, name=f"Regeling {i}", phases=["finance"])
    profile = Profile(region_id=world.region.pk, phases=("finance",), question="lening voor export")
    # Building the index: instruments, their themes and municipalities, SBI sections,
    # the region's place names (2), the revision and the matched instruments.
    with django_assert_max_num_queries(8):
        match(profile, include_excluded=True, limit=50)
    # Afterwards: the revision check and the instruments shown.
    with django_assert_num_queries(2):
        result = match(profile, include_excluded=True, limit=50)
    assert len(result.matches) + len(result.excluded) == 6 + extra
    with django_assert_num_queries(0):
        for found in result.matches:
            found.instrument.provider_label  # noqa: B018
            found.instrument.contact_organisation  # noqa: B018


def test_today_defaults_to_the_local_date(world):
    f.InstrumentFactory(region=world.region, name="Vandaag dicht", open_until=timezone.localdate())
    f.InstrumentFactory(
        region=world.region,
        name="Gisteren dicht",
        open_until=timezone.localdate() - dt.timedelta(days=1),
    )
    result = match(Profile(region_id=world.region.pk))
    assert names(result) == ["Vandaag dicht"]


def test_an_age_range_excludes_only_instruments_outside_the_whole_range(world):
    """The guide knows the company's age only as a range: an instrument for companies of
    3 years and older fits "2 to 5 years", one for at most 1 year does not."""
    f.InstrumentFactory(region=world.region, name="Voor groeiers", company_age_min=3)
    f.InstrumentFactory(region=world.region, name="Voor starters", company_age_max=1)
    result = match(
        Profile(region_id=world.region.pk, company_age_range=(2, 4)), include_excluded=True
    )
    assert [m.instrument.name for m in result.matches] == ["Voor groeiers"]
    assert any("2 tot 5 jaar" in r.text for r in result.matches[0].reasons)
    [excluded] = [e for e in result.excluded if e.instrument.name == "Voor starters"]
    assert excluded.criterion == "company_age_max"
    older = match(Profile(region_id=world.region.pk, company_age_range=(5, None)))
    assert [m.instrument.name for m in older.matches] == ["Voor groeiers"]
    assert any("5 jaar of ouder" in r.text for r in older.matches[0].reasons)
