"""Reading a webinar platform's CSV export: header detection, separators, encodings,
viewing time, and every problem reported at its row and column."""

from __future__ import annotations

import pytest

from loket.events.services.webinar_reading import (
    MAX_BYTES,
    MAX_ROWS,
    parse_duration,
    read_viewers,
)

HEADER = (
    "Attended,User Name (Original Name),First Name,Last Name,Email,Organization,"
    "Join Time,Leave Time,Time in Session (minutes)"
)
ZOOM = "\n".join(
    [
        "Attendee Report",
        'Report Generated:,"3/12/2026 11:05"',
        "Topic,Webinar ID,Actual Start Time",
        'Exporteren naar Japan,812 3456 7890,"3/12/2026 10:00"',
        "",
        "Attendee Details",
        HEADER,
        "Yes,Anna de Bakker,Anna,de Bakker,anna@brink.example,Bakkerij De Brink,"
        "03/12/2026 10:01:00 AM,03/12/2026 10:46:00 AM,45",
        "Yes,Anna de Bakker,Anna,de Bakker,ANNA@brink.example,Bakkerij De Brink,"
        "03/12/2026 10:50:00 AM,03/12/2026 11:00:00 AM,10",
        "No,Piet Niet,Piet,Niet,piet@niet.example,Niet BV,,,",
        "Yes,Karel Kijker,Karel,Kijker,karel@kijk.example,,"
        "03/12/2026 10:05:00 AM,03/12/2026 10:35:00 AM,30",
        "",
    ]
)


def test_a_zoom_report_skips_the_lines_above_the_header_and_merges_rejoins():
    parsed = read_viewers(ZOOM.encode())
    assert parsed.ok, parsed.problems
    assert [(v.row, v.name, v.email, v.company_name, v.minutes) for v in parsed.viewers] == [
        (8, "Anna de Bakker", "anna@brink.example", "Bakkerij De Brink", 55),
        (11, "Karel Kijker", "karel@kijk.example", "", 30),
    ]
    assert parsed.skipped == 1  # registered on the platform but did not watch


def test_dutch_headers_semicolons_cp1252_and_first_and_last_name():
    text = (
        "Voornaam;Achternaam;E-mailadres;Bedrijfsnaam;KvK-nummer;Duur (minuten)\r\n"
        "José;Müller;jose@cafe.example;Café Ünal;1234 5678;1:05:30\r\n"
    )
    parsed = read_viewers(text.encode("cp1252"))
    assert parsed.ok, parsed.problems
    viewer = parsed.viewers[0]
    assert (viewer.name, viewer.company_name, viewer.kvk_number, viewer.minutes) == (
        "José Müller",
        "Café Ünal",
        "12345678",
        66,
    )


def test_utf8_with_byte_order_mark_and_tabs():
    text = "\ufeffNaam\tE-mail\tKijktijd\nLotte\tlotte@x.example\t1h 5m\n"
    parsed = read_viewers(text.encode("utf-8"))
    assert parsed.ok, parsed.problems
    assert parsed.viewers[0].minutes == 65


def test_join_and_leave_times_give_the_minutes():
    text = (
        "Naam,E-mail,Tijd van deelname,Tijd van vertrek\n"
        "Lotte,lotte@x.example,12-03-2026 10:00,12-03-2026 10:42\n"
    )
    parsed = read_viewers(text.encode())
    assert parsed.ok, parsed.problems
    assert parsed.viewers[0].minutes == 42


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45),
        ("12,6", 13),
        ("1:05", 65),
        ("0:45:30", 46),
        ("1 uur 5 minuten", 65),
        ("2 hours", 120),
        ("90 sec", 2),
        ("lang", None),
        ("-5", None),
        ("", None),
    ],
)
def test_durations(text, minutes):
    assert parse_duration(text) == minutes


def _problems(text: str | bytes) -> list[tuple[int | None, str, str]]:
    content = text.encode() if isinstance(text, str) else text
    parsed = read_viewers(content)
    assert not parsed.viewers  # a broken file gives no viewers at all
    return [(p.row, p.column, p.message) for p in parsed.problems]


def test_a_bad_row_is_reported_at_its_row_and_column():
    text = (
        "Naam;E-mail;Duur\n"
        "Goed Persoon;goed@x.example;30\n"
        "Fout Persoon;geen-adres;dertig\n"
        ";leeg@x.example;10\n"
    )
    assert _problems(text) == [
        (3, "E-mail", "„geen-adres” is geen geldig e-mailadres."),
        (
            3,
            "Duur",
            "„dertig” is geen kijktijd: vul het aantal minuten in (45), of uren, minuten en "
            "seconden (1:05:30).",
        ),
        (4, "Naam", "Vul de naam in."),
    ]


def test_leave_before_join_and_an_unreadable_time():
    text = (
        "Name,Email,Join Time,Leave Time\n"
        "A,a@x.example,12-03-2026 11:00,12-03-2026 10:00\n"
        "B,b@x.example,gisteren,12-03-2026 10:00\n"
    )
    problems = _problems(text)
    assert problems[0] == (2, "Leave Time", "Het vertrek ligt voor de deelname.")
    assert problems[1][:2] == (3, "Join Time")


def test_a_bad_kvk_number_is_reported():
    problems = _problems("Naam;E-mail;KvK;Duur\nA;a@x.example;1234;5\n")
    assert problems == [(2, "KvK", "Een KvK-nummer bestaat uit precies 8 cijfers.")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Het bestand is leeg."),
        (b"   \n\n", "Het bestand is leeg."),
        (b"PK\x03\x04\x00\x00binary", "Dit is geen CSV-bestand: het bevat geen leesbare tekst."),
        (b"\x89PNG\r\n\x1a\n", "Dit is geen CSV-bestand: het bevat geen leesbare tekst."),
        (b"Naam;E-mail;Duur\n", "Het bestand bevat geen kijkers: alleen een kopregel."),
    ],
)
def test_broken_files(content, message):
    assert _problems(content) == [(None, "", message)]


def test_a_file_without_name_or_email_columns_has_no_header():
    problems = _problems("Deelnemer-id;Telefoon;Duur\n1;0612345678;30\n")
    assert problems[0][0] is None
    assert "Geen kopregel gevonden" in problems[0][2]


def test_missing_viewing_time_column_is_reported_at_the_header():
    problems = _problems("Naam;E-mail;Bedrijf\nA;a@x.example;B\n")
    assert problems[0][0] == 1
    assert "De kijktijd ontbreekt" in problems[0][2]


def test_a_column_twice_is_reported():
    problems = _problems("Naam;E-mail;Email;Duur\nA;a@x.example;a@x.example;5\n")
    assert problems == [(1, "Email", "De kolom „Email” staat er twee keer in (ook als „E-mail”).")]


def test_too_large_and_too_many_rows():
    big = b"Naam;E-mail;Duur\n" + b"A;a@x.example;5\n" * (MAX_BYTES // 16 + 10)
    assert "groter dan 2 MB" in _problems(big)[0][2]
    many = "Naam;E-mail;Duur\n" + "".join(f"A;a{n}@x.example;5\n" for n in range(MAX_ROWS + 1))
    problem = _problems(many)[0]
    assert problem[0] == MAX_ROWS + 2
    assert "meer dan 5.000 rijen" in problem[2]
