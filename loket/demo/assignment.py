"""The demo region's assignment rules: who picks up a question from the public portal.

- Every municipality goes to a team of the advisors who are account managers there (the
  territory split of ``build_companies``): the account manager, plus for the larger
  municipalities one or two colleagues of neighbouring territories, so questions are
  shared round robin.
- Export and finance questions go to the export and finance specialists wherever they
  come from: a rule per municipality and theme (the most specific rule wins, so a theme
  rule without a municipality alone would only catch questions without a municipality).
- Theme rules without a municipality send questions from elsewhere to the specialist of
  each specialist theme.
- One catch-all rule (no municipality, no theme): the team lead and a colleague.

Written directly (no audit events, as for the rest of the generated history).
"""

from __future__ import annotations

from loket.casework.models import AssignmentRule
from loket.core.models import Municipality, Region, Theme
from loket.demo import data
from loket.demo.people import Cast

# Municipalities at least this large (weight in data.MUNICIPALITIES) get a second advisor,
# at least TEAM_OF_THREE a third.
TEAM_OF_TWO = 35
TEAM_OF_THREE = 60
# Themes whose questions go to the specialist whatever the municipality.
EVERYWHERE_THEMES = ("export", "finance")


def plan_rules(
    municipalities: list[Municipality], cast: Cast, territory: dict[int, int]
) -> list[tuple[Municipality | None, str | None, list[int]]]:
    """(municipality, theme slug, advisor ids) for every rule, in a fixed order.
    ``territory`` maps the index of a municipality in ``data.MUNICIPALITIES`` to the
    advisor who is account manager there."""
    advisor_ids = [u.pk for u in cast.advisors]
    rules: list[tuple[Municipality | None, str | None, list[int]]] = []
    for index, municipality in enumerate(municipalities):
        weight = data.MUNICIPALITIES[index][2]
        own = territory.get(index, advisor_ids[index % len(advisor_ids)])
        k = advisor_ids.index(own)
        size = 3 if weight >= TEAM_OF_THREE else 2 if weight >= TEAM_OF_TWO else 1
        team = [advisor_ids[(k + step) % len(advisor_ids)] for step in range(size)]
        rules.append((municipality, None, team))
    for municipality in municipalities:
        for theme in EVERYWHERE_THEMES:
            if theme in cast.specialists:
                rules.append((municipality, theme, [cast.specialists[theme].pk]))
    for theme, specialist in cast.specialists.items():
        rules.append((None, theme, [specialist.pk]))
    rules.append((None, None, advisor_ids[:2]))
    return rules


def load_rules(
    region: Region, municipalities: list[Municipality], cast: Cast, territory: dict[int, int]
) -> int:
    """Replace the region's assignment rules by the demo's. Returns how many."""
    themes = dict(Theme.objects.values_list("slug", "pk"))
    planned = [
        (m, t, team)
        for m, t, team in plan_rules(municipalities, cast, territory)
        if t is None or t in themes
    ]
    AssignmentRule.objects.filter(region=region).delete()
    rules = AssignmentRule.objects.bulk_create(
        [
            AssignmentRule(
                region=region,
                municipality=m,
                theme_id=themes[t] if t else None,
                active=True,
            )
            for m, t, _team in planned
        ]
    )
    Through = AssignmentRule.advisors.through
    Through.objects.bulk_create(
        [
            Through(assignmentrule_id=rule.pk, user_id=user_id)
            for rule, (_m, _t, team) in zip(rules, planned, strict=True)
            for user_id in team
        ]
    )
    return len(rules)
