"""The English translation: the catalogue is complete, the compiled .mo matches the .po, and
with English chosen the main pages show no Dutch.

Dutch is the source language (gettext msgids are Dutch); loket/locale/en/ holds English.
`make messages` updates the .po and compiles the .mo; both are committed, because a fresh
machine has no GNU gettext.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from loket.casework.models import Case, Referral
from loket.companies.search import reindex_companies
from loket.core.models import Need
from tests import factories as f

LC_MESSAGES = Path(settings.BASE_DIR) / "loket" / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


@pytest.fixture(autouse=True)
def _leave_dutch_active():
    """An English request leaves English active in this thread; later tests expect Dutch."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- a small .po reader (no gettext tools or polib needed) -------------------------------

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"'), body
    assert body.endswith('"'), body
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], body[1:-1])


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a dict of forms for
    plurals), flags and the first source location. Obsolete (#~) entries are left out."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def finish():
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry.setdefault("flags", set()).update(
                flag.strip() for flag in line[2:].split(",") if flag.strip()
            )
            continue
        if line.startswith("#:"):
            if "msgid" in entry:
                finish()
            entry.setdefault("location", line[2:].strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert key is not None, raw
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key] += _unquote(line)
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgid" in entry:
            finish()
        plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if plural:
            key = ("msgstr", int(plural.group(1)))
            entry.setdefault("msgstr", {})[key[1]] = _unquote(value)
        else:
            key = keyword
            entry[keyword] = _unquote(value)
    finish()
    for item in entries:
        item.setdefault("flags", set())
    return entries


def messages_of(entries: list[dict]) -> dict:
    """The catalogue as gettext stores it: "ctxt\\x04msgid" -> text, (msgid, n) -> form."""
    catalog: dict = {}
    for item in entries:
        if item["msgid"] == "":
            continue  # the header
        msgid = item["msgid"]
        if "msgctxt" in item:
            msgid = f"{item['msgctxt']}\x04{msgid}"
        if "msgid_plural" in item:
            for n, text in item["msgstr"].items():
                catalog[(msgid, n)] = text
        else:
            catalog[msgid] = item["msgstr"]
    return catalog


PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdif]|%[sdif]|\{[A-Za-z_]+\}")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# --- the catalogue ----------------------------------------------------------------------


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = [e for e in read_po(PO) if e["msgid"]]
    assert len(entries) > 800  # the whole interface, not an empty file
    untranslated = []
    for item in entries:
        forms = item["msgstr"].values() if "msgid_plural" in item else [item["msgstr"]]
        if "fuzzy" in item["flags"] or not all(form.strip() for form in forms):
            untranslated.append(f"{item.get('location', '?')}: {item['msgid']!r}")
    assert untranslated == [], "\n".join(untranslated)


def test_the_header_says_english_and_is_not_fuzzy():
    header = next(e for e in read_po(PO) if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]


def test_translations_keep_every_placeholder_and_line_break():
    wrong = []
    for item in read_po(PO):
        if not item["msgid"]:
            continue
        if "msgid_plural" in item:
            sources = {
                _str(_placeholders(item["msgid"])),
                _str(_placeholders(item["msgid_plural"])),
            }
            for text in item["msgstr"].values():
                if _str(_placeholders(text)) not in sources:
                    wrong.append((item["msgid"], text))
        else:
            text = item["msgstr"]
            if _placeholders(text) != _placeholders(item["msgid"]):
                wrong.append((item["msgid"], text))
            if text.count("\n") != item["msgid"].count("\n"):
                wrong.append((item["msgid"], text))
    assert wrong == []


def _str(items: list[str]) -> str:
    return " ".join(items)


def test_the_compiled_catalogue_is_current():
    """The committed .mo holds exactly the messages of the .po (run `make messages`)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    mo_messages = {k: v for k, v in compiled._catalog.items() if k != ""}  # type: ignore[attr-defined]
    po_messages = messages_of(read_po(PO))
    assert set(po_messages) - set(mo_messages) == set(), "missing in the .mo: make messages"
    assert set(mo_messages) - set(po_messages) == set(), "stale entries in the .mo"
    changed = sorted(str(k) for k in po_messages if po_messages[k] != mo_messages[k])
    assert changed == [], "the .mo differs from the .po: make messages"


# --- the pages in English ---------------------------------------------------------------


class _VisibleText(HTMLParser):
    """What a reader sees or hears: text outside script/style, plus the labels in
    aria-label, title, placeholder, alt and the values of buttons."""

    LABELS = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        attributes = dict(attrs)
        for name in self.LABELS:
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


# Dutch words of the interface that must not remain on an English page.
DUTCH = [
    "Werkvoorraad",
    "Bedrijven",
    "Zoeken",
    "Zoek",
    "Uitloggen",
    "Inloggen",
    "Hulpvragen",
    "hulpvraag",
    "Verwijzingen",
    "verwijzing",
    "Contactmomenten",
    "contactmoment",
    "Tijdlijn",
    "Opslaan",
    "Annuleren",
    "Wachtwoord",
    "Mijn account",
    "Hoofdmenu",
    "Naar de inhoud",
    "pagina",
    "Vorige",
    "Volgende",
    "Filteren",
    "Filters wissen",
    "Sorteren",
    "verplicht",
    "Gegevens",
    "Contactpersonen",
    "Accountmanager",
    "Vul",
    "Kies",
    "Geen",
    "Nog",
    "nieuwe",
    "van",
    "het",
    "een",
    "en",
    "de",
]


def dutch_words(text: str) -> list[str]:
    return [word for word in DUTCH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def assert_english(response, *expected: str) -> str:
    assert response.status_code in (200, 422), response.status_code
    assert response.headers["Content-Language"] == "en"
    text = visible_text(response)
    for phrase in expected:
        assert phrase in text, f"{phrase!r} not on the page"
    dutch = dutch_words(text)
    assert dutch == [], f"Dutch on an English page: {dutch}\n{text}"
    assert '<html lang="en"' in response.content.decode()
    return text


@pytest.fixture
def busy(world):
    """alice's company with a contact person, an overdue case, a follow-up due today and a
    referral to the municipality of Assen."""
    company = f.CompanyFactory(
        region=world.region, name="Smederij Oosting", municipality=world.assen
    )
    f.PersonFactory(company=company, name="Jan Oosting", role="owner")
    now = timezone.now()
    case = f.CaseFactory(
        company=company,
        owner=world.alice,
        created_by=world.alice,
        organisation=world.bureau,
        status=Case.Status.INTAKE,
        question="Financing a new machine.",
        opened_at=now - dt.timedelta(days=3),
        deadline=now - dt.timedelta(days=2),
    )
    moment = f.ContactMomentFactory(
        company=company,
        case=case,
        author=world.alice,
        organisation=world.bureau,
        duration_minutes=45,
        summary="Intake about growth plans.",
        occurred_at=now - dt.timedelta(days=1),
        follow_up_on=timezone.localdate(),
    )
    moment.needs.set(Need.objects.all()[:2])
    f.ReferralFactory(
        case=case,
        to_organisation=world.gem_assen,
        status=Referral.Status.SENT,
        message="Please contact them about a permit.",
        sent_at=now,
    )
    return company


@pytest.fixture
def english(world):
    """alice, with English as the language of her profile."""
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    return world.alice


def test_the_work_queue_is_in_english(english, busy, login):
    response = login(english).get(reverse("casework:queue"))
    text = assert_english(response, "Work queue", "My open help requests", "overdue", "Log out")
    assert "Smederij Oosting" in text


def test_the_company_list_is_in_english(english, busy, login):
    response = login(english).get(reverse("companies:list"))
    assert_english(response, "Companies", "Search", "Account manager", "1 company")


def test_the_company_page_is_in_english(english, busy, login):
    response = login(english).get(reverse("companies:detail", args=[busy.pk]))
    text = assert_english(
        response, "Smederij Oosting", "Contact persons", "Timeline", "Open help requests"
    )
    assert "intake" in text  # the case's status label
    assert "45 minutes" in text


def test_the_case_page_and_referral_inbox_are_in_english(world, english, busy, login):
    case = Case.objects.get(company=busy)
    response = login(english).get(reverse("casework:case_detail", args=[case.pk]))
    assert_english(response, f"Help request {case.reference}", "Referrals", "Record contact moment")
    world.bob.language = "en"
    world.bob.save(update_fields=["language"])
    response = login(world.bob).get(reverse("casework:referral_inbox"))
    assert_english(response, "Referral inbox", "Smederij Oosting")


def test_the_lists_are_in_english(english, busy, login):
    client = login(english)
    response = client.get(reverse("casework:case_list"))
    assert_english(
        response, "Help requests", "Respond by", "1 result", "Export the whole selection:"
    )
    response = client.get(reverse("casework:contact_list"))
    assert_english(response, "Contact moments", "Rows per page")
    response = client.get(reverse("casework:referral_list"))
    assert_english(response, "All referrals", "Referred on")


def test_search_results_are_in_english(english, busy, login):
    reindex_companies([busy.pk])
    client = login(english)
    response = client.post(reverse("companies:search"), {"q": "smederij"})
    text = assert_english(response, "Results", "1 company found.", "Matched on")
    assert "Smederij Oosting" in text
    response = client.post(reverse("companies:search"), {"q": "qqqxxzz"})
    assert_english(response, "Check the spelling")


def test_a_form_error_is_in_english(english, login):
    response = login(english).post(
        reverse("companies:create"), {"name": "Fietsenmaker Pietersen", "kvk_number": "1234"}
    )
    assert response.status_code == 422
    text = assert_english(response, "New company", "KvK number")
    assert "A KvK number consists of exactly 8 digits." in text
    assert "Een KvK-nummer bestaat uit precies 8 cijfers." not in text


def test_the_login_page_is_in_english_with_the_language_cookie(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("account_login"))
    assert_english(
        response, "Log in to Loket", "Email address", "Password", "Forgotten your password?"
    )
    response = client.get(reverse("account_reset_password"))
    assert_english(response, "Forgotten password", "Send me a link")


def test_a_failed_login_says_so_in_english(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("account_login"), {"login": world.alice.email, "password": "wrong-horse"}
    )
    assert_english(response, "The email address or password is incorrect.")


def test_dutch_stays_the_default(client, db):
    response = client.get(reverse("account_login"))
    assert response.headers["Content-Language"] == "nl"
    assert "Inloggen bij Loket" in visible_text(response)


def test_the_dutch_word_check_catches_a_dutch_page(world, busy, login):
    """The check above would notice an untranslated page: the same page in Dutch fails it."""
    response = login(world.alice).get(reverse("casework:queue"))
    assert response.headers["Content-Language"] == "nl"
    found = dutch_words(visible_text(response))
    assert {"Werkvoorraad", "Bedrijven", "Zoeken", "Uitloggen"} <= set(found)
