"""The proposals of the match screen, on hand-made data (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from loket.collectives.matching import (
    CompanyProfile,
    TeamProfile,
    normalise,
    propose,
    rank,
    score,
    split_terms,
)

EXPORT, INNOVATION, DIGITAL = 1, 2, 3
THEMES = {EXPORT: "export", INNOVATION: "innovatie", DIGITAL: "digitalisering"}


def company(cid=1, name="Kaas B.V.", themes=(), interests=()):
    return CompanyProfile(cid, name, {t: THEMES[t] for t in themes}, tuple(interests))


def team(tid, name, themes=(), languages=(), countries=()):
    return TeamProfile(
        tid, name, {t: THEMES[t] for t in themes}, tuple(languages), tuple(countries)
    )


def test_a_shared_theme_weighs_more_than_a_shared_language():
    kaas = company(themes=[EXPORT], interests=["Duits"])
    by_theme = team(1, "Thema", themes=[EXPORT])
    by_language = team(2, "Taal", languages=["Duits"])
    assert [p.team.name for p in rank(kaas, [by_language, by_theme])] == ["Thema", "Taal"]


def test_the_reasons_name_what_is_shared_in_the_teams_spelling():
    kaas = company(themes=[EXPORT, INNOVATION], interests=["duits", "DUITSLAND", "Frankrijk"])
    t = team(
        1, "A", themes=[EXPORT, DIGITAL], languages=["Duits", "Engels"], countries=["Duitsland"]
    )
    proposal = score(kaas, t)
    assert proposal.themes == ("export",)
    assert proposal.languages == ("Duits",)
    assert proposal.countries == ("Duitsland",)
    assert proposal.score == 2 + 1 + 1


def test_accents_and_spaces_do_not_matter():
    assert normalise("  Scandinavië ") == normalise("scandinavie")
    kaas = company(interests=["Scandinavie"])
    assert score(kaas, team(1, "N", countries=["Scandinavië"])).countries == ("Scandinavië",)


def test_teams_without_anything_in_common_are_not_proposed():
    kaas = company(themes=[EXPORT], interests=["Duits"])
    assert rank(kaas, [team(1, "Niets", themes=[DIGITAL], languages=["Engels"])]) == ()


def test_equal_scores_are_ordered_by_name_then_id_whatever_the_input_order():
    kaas = company(themes=[EXPORT])
    teams = [team(3, "beta", [EXPORT]), team(1, "Alfa", [EXPORT]), team(2, "Beta", [EXPORT])]
    first = [p.team.team_id for p in rank(kaas, teams)]
    assert first == [1, 2, 3]
    assert [p.team.team_id for p in rank(kaas, list(reversed(teams)))] == first


def test_more_shared_themes_win_a_tie_on_score():
    kaas = company(themes=[EXPORT], interests=["Duits", "Duitsland"])
    two_interests = team(1, "A", languages=["Duits"], countries=["Duitsland"])  # 2 points
    one_theme = team(2, "B", themes=[EXPORT])  # 2 points, a theme
    assert [p.team.name for p in rank(kaas, [two_interests, one_theme])] == ["B", "A"]


def test_propose_lists_every_company_by_name_with_at_most_limit_proposals():
    companies = [company(2, "Zuivel", [EXPORT]), company(1, "appel", [EXPORT]), company(3, "Leeg")]
    teams = [team(1, "A", [EXPORT]), team(2, "B", [EXPORT])]
    result = propose(companies, teams, limit=1)
    assert [c.company.name for c in result] == ["appel", "Leeg", "Zuivel"]
    assert [len(c.proposals) for c in result] == [1, 0, 1]


def test_split_terms_drops_blanks_and_repeats():
    assert split_terms("Duits, ,Engels;duits / Frans\nDuitsland") == (
        "Duits",
        "Engels",
        "Frans",
        "Duitsland",
    )
    assert split_terms("") == ()


words = st.text(alphabet="abcdeéëABC ", min_size=0, max_size=6)


@given(
    interests=st.lists(words, max_size=4),
    teams=st.lists(
        st.tuples(
            st.sets(st.sampled_from(list(THEMES)), max_size=3),
            st.lists(words, max_size=3),
            st.lists(words, max_size=3),
        ),
        max_size=6,
    ),
)
def test_ranking_is_deterministic_and_sorted(interests, teams):
    kaas = company(themes=[EXPORT, INNOVATION], interests=interests)
    profiles = [
        team(i + 1, f"T{i % 3}", list(themes), langs, countries)
        for i, (themes, langs, countries) in enumerate(teams)
    ]
    ranked = rank(kaas, profiles)
    assert ranked == rank(kaas, list(reversed(profiles)))
    scores = [p.score for p in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(p.score > 0 for p in ranked)
