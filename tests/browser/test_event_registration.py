"""Registering for an event in the portal, in real Chromium.

- a visitor finds the event in the calendar, registers, and receives the confirmation
  mail with a valid .ics (parsed back with icalendar) and the personal cancel link (the
  live server runs in this process, so Django's locmem outbox is shared);
- the event is then full: the next visitor lands on the waiting list;
- the first visitor cancels through the link; the one on the waiting list moves up and
  gets a mail with the .ics;
- axe-core finds no serious or critical violation on the calendar, the event page and the
  registration form (also showing its errors).
"""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from loket.events.models import Registration
from tests.events.registration_helpers import event_of, ics_of, mails_to


def _register(page: Any, name: str, email: str, company: str) -> None:
    page.get_by_label("Uw naam").fill(name)
    page.get_by_label("Naam van uw bedrijf").fill(company)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Gemeente van uw bedrijf").select_option(label="Assen")
    page.get_by_label("Ik geef toestemming", exact=False).check()


def test_register_receive_the_ics_cancel_and_the_waiting_list_moves_up(page, world, axe):
    event = event_of(world, title="Netwerkborrel Innovatie", capacity=1)
    page.goto("/agenda/")
    expect(page.locator("h1")).to_have_text("Agenda voor ondernemers")
    axe(page)
    page.get_by_role("link", name="Netwerkborrel Innovatie").click()
    expect(page.locator("h1")).to_have_text("Netwerkborrel Innovatie")
    axe(page)
    page.get_by_role("link", name="Aanmelden").click()
    axe(page)

    # first the form with errors: nothing filled in
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".loket-form-errors")).to_be_visible()
    expect(page.locator("#id_name_error")).to_have_text("Vul uw naam in.")
    axe(page)

    _register(page, "Anna de Bakker", "anna@brink.example", "Bakkerij De Brink")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator("h1")).to_have_text("U bent aangemeld")

    [confirmation] = mails_to(mail.outbox, "anna@brink.example")
    assert confirmation.subject == "Aangemeld: Netwerkborrel Innovatie"
    vevent = ics_of(confirmation)
    assert str(vevent["summary"]) == "Netwerkborrel Innovatie"
    assert vevent.decoded("dtstart") == event.starts_at
    assert vevent.decoded("dtend") == event.ends_at
    cancel_path = re.search(r"/agenda/afmelden/\S+/", confirmation.body).group(0)

    # the event is full now: the next visitor goes on the waiting list
    page.goto(f"/agenda/{event.pk}/aanmelden/")
    expect(page.get_by_role("button", name="Aanmelden voor de wachtlijst")).to_be_visible()
    _register(page, "Bert Bel", "bert@bel.example", "Belwinkel")
    page.get_by_role("button", name="Aanmelden voor de wachtlijst").click()
    expect(page.locator("h1")).to_have_text("U staat op de wachtlijst")
    [waiting] = mails_to(mail.outbox, "bert@bel.example")
    assert waiting.subject == "Op de wachtlijst: Netwerkborrel Innovatie"

    # Anna cancels through her personal link
    page.goto(cancel_path)
    expect(page.locator("h1")).to_contain_text("Uw aanmelding voor Netwerkborrel Innovatie")
    axe(page)
    page.get_by_role("button", name="Afmelden").click()
    expect(page.locator("h1")).to_have_text("U bent afgemeld")

    # Bert moved up and got a mail with the appointment
    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {"anna@brink.example": "cancelled", "bert@bel.example": "confirmed"}
    moved_up = mails_to(mail.outbox, "bert@bel.example")[-1]
    assert moved_up.subject == "Er is plaats: u bent aangemeld voor Netwerkborrel Innovatie"
    assert str(ics_of(moved_up)["summary"]) == "Netwerkborrel Innovatie"
