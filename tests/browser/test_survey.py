"""The satisfaction survey in real Chromium.

- an entrepreneur opens the personal link from the invitation mail (sent by the task),
  first submits without a mark (the error sits at the mark's fieldset), then answers;
  the thank-you page follows, and the link then says the survey was already answered;
- a programme manager reads the results page of the programme;
- axe-core finds no serious or critical violation on the survey (also with its errors),
  the thank-you page, the unsubscribe page and the results page.
"""

from __future__ import annotations

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from loket.monitoring.models import SurveyInvitation
from loket.monitoring.tasks import send_due_surveys
from tests import factories as f
from tests.browser.helpers import login_as

S = SurveyInvitation.Status


def test_an_entrepreneur_answers_the_survey(page, world, axe, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invitation = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        email="anna@brink.example",
        status=S.SCHEDULED,
        sent_at=None,
        expires_at=None,
        send_after=timezone.now(),
    )
    send_due_surveys.call()
    [message] = [m for m in mail.outbox if m.to == ["anna@brink.example"]]
    path = re.search(r"/enquete/[\w-]+/", message.body).group(0)

    page.goto(path)
    expect(page.locator("h1")).to_have_text("Hoe tevreden bent u?")
    axe(page)
    page.get_by_role("button", name="Antwoorden versturen").click()
    expect(page.locator("#id_mark_error")).to_have_text("Kies een cijfer van 1 tot en met 10.")
    axe(page)

    page.get_by_role("group", name="Welk rapportcijfer geeft u onze hulp?").get_by_label(
        "8", exact=True
    ).check()
    page.get_by_label("Wat hielp u het meest?").fill("Snel een antwoord en de juiste contacten.")
    page.get_by_role("group", name="Zou u ons aanbevelen").get_by_label("ja", exact=True).check()
    page.get_by_role("button", name="Antwoorden versturen").click()
    expect(page.locator("h1")).to_have_text("Bedankt voor uw antwoorden")
    axe(page)
    invitation.refresh_from_db()
    assert invitation.mark == 8
    assert invitation.recommend == "yes"

    page.goto(path)
    expect(page.locator("h1")).to_have_text("U heeft deze vragenlijst al beantwoord")
    page.goto(path + "afmelden/")
    expect(page.locator("h1")).to_have_text("Afmelden voor het tevredenheidsonderzoek")
    axe(page)
    page.get_by_role("button", name="Afmelden").click()
    expect(page.locator("h1")).to_have_text("U bent afgemeld")


def test_a_programme_manager_reads_the_results(page, live_server, world, axe):
    programme = f.ProgrammeFactory(region=world.region, name="IBDO", organisations=[world.bureau])
    now = timezone.now()
    for n, mark in enumerate((9, 8, 7, 8, 10, 6)):
        f.SurveyInvitationFactory(
            company=f.CompanyFactory(region=world.region),
            programme=programme,
            organisation=world.bureau,
            owner=world.alice,
            year=now.year,
            quarter=(now.month - 1) // 3 + 1,
            status=S.ANSWERED,
            answered_at=now,
            mark=mark,
            recommend="yes",
            helped=f"Goed geholpen {n}",
        )
    login_as(page, live_server, world.pam)
    page.goto(f"/monitoring/programmas/{programme.pk}/tevredenheid/")
    expect(page.locator("h1")).to_contain_text("Tevredenheid IBDO")
    expect(page.get_by_text("Goed geholpen 3")).to_be_visible()
    axe(page)
    page.get_by_label("Kwartaal", exact=True).select_option(label="K1")
    page.get_by_role("button", name="Periode tonen").click()
    expect(page.locator("h1")).to_contain_text("K1")
    axe(page)
