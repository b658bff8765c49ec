"""The plan import refuses bad files with a report of every problem (sheet, row as the
spreadsheet shows it, column; or the line of a YAML file) and writes nothing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from loket.core.models import AuditEvent
from loket.programmes.services import plan_io
from tests.programmes.plan_io_fixtures import build_plan, minimal_document


@pytest.fixture
def plan(world):
    return build_plan(world)


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _exported(plan):
    return load_workbook(io.BytesIO(plan_io.to_xlsx(plan.programme)))


def _refused(world, plan, parsed):
    """The import's problems as (sheet, row, column, message); asserts nothing changed."""
    before = plan_io.to_document(plan.programme)
    events = AuditEvent.objects.count()
    result = plan_io.replace_plan(world.pam, plan.programme, parsed)
    assert not result.ok
    assert not result.written
    assert plan_io.to_document(plan.programme) == before
    assert AuditEvent.objects.count() == events
    return [(p.sheet, p.row, p.column, p.message) for p in result.problems]


def _places(problems):
    return {(sheet, row, column) for sheet, row, column, _message in problems}


def test_every_problem_of_a_workbook_is_reported_with_sheet_row_and_column(world, plan):
    workbook = _exported(plan)
    lines = workbook["Planregels"]
    lines["F2"] = "twee"  # not a number
    lines["F3"] = 2  # a norm per unit as well as fixed hours
    lines["A4"] = 2031  # outside the programme's period
    lines["C5"] = "Gemeente Emmen"  # in the region, but does not execute the programme
    lines.append([2025, "gesprekken", "Programmabureau IBDO", None, 1, 2, None, None, 100])
    lines.append([2025, "onbekend", "Programmabureau IBDO", None, 1, 2, None, "Bestaat niet", 60])
    lines.append([2027, "gesprekken", "Nergens B.V.", None, -1, 2])
    workbook["Financiers"]["B3"] = "bank"
    workbook["Tarieven"]["C2"] = -5
    workbook["Activiteiten"]["A4"] = "met spatie"
    problems = _refused(world, plan, plan_io.parse_xlsx(_save(workbook)))
    assert problems == [
        (
            "Financiers",
            3,
            "Soort",
            "Kies een soort: provincie, gemeente, Kamer van Koophandel, Rijk / landelijke "
            "regeling, Europese Unie, ondernemers (eigen bijdragen) of overig (of de code: "
            "province, municipality, chamber, national, eu, companies, other).",
        ),
        ("Tarieven", 2, "Uurtarief excl. btw", "Zorg ervoor dat deze waarde minstens 0 is."),
        (
            "Activiteiten",
            4,
            "Code",
            "Voer een geldige ‘slug’ in, bestaande uit letters, cijfers, liggende streepjes en "
            "verbindingsstreepjes.",
        ),
        ("Planregels", 2, "Uren per eenheid", "Vul een getal in, bijvoorbeeld 12,5 of 12.5."),
        (
            "Planregels",
            3,
            "Vast aantal uren",
            "Vul een urennorm per eenheid óf een vast aantal uren in, niet allebei.",
        ),
        ("Planregels", 4, "Jaar", "Het jaar valt buiten de looptijd van het programma."),
        (
            "Planregels",
            5,
            "Organisatie",
            "„Gemeente Emmen” voert dit programma niet uit. Voeg de organisatie eerst toe aan "
            "de uitvoerende organisaties van het programma.",
        ),
        (
            "Planregels",
            6,
            "",
            "Deze regel staat dubbel: rij 2 heeft hetzelfde jaar, dezelfde activiteit en "
            "dezelfde organisatie.",
        ),
        ("Planregels", 7, "Activiteit", "Activiteit „onbekend” staat niet bij de activiteiten."),
        (
            "Planregels",
            7,
            "Regeling",
            "Onbekende regeling „Bestaat niet”. Regelingen maakt u aan bij de regelingen van "
            "het programma.",
        ),
        (
            "Planregels",
            7,
            "<financier> aandeel %",
            "De aandelen in de uren tellen op tot 60,00 % in plaats van 100 %.",
        ),
        ("Planregels", 8, "Aantal", "Vul 0 of meer in."),
        ("Planregels", 8, "Organisatie", "Onbekende organisatie „Nergens B.V.”."),
    ]


def test_shares_that_do_not_add_up_to_100_are_reported_on_the_row(world, plan):
    workbook = _exported(plan)
    workbook["Planregels"]["I2"] = 60
    problems = _refused(world, plan, plan_io.parse_xlsx(_save(workbook)))
    assert problems == [
        (
            "Planregels",
            2,
            "<financier> aandeel %",
            "De aandelen in de uren tellen op tot 110,00 % in plaats van 100 %.",
        )
    ]


def test_wrong_missing_and_duplicate_columns_are_refused(world, plan):
    workbook = _exported(plan)
    rates = workbook["Tarieven"]
    rates.delete_cols(2)  # Jaar
    funders = workbook["Financiers"]
    funders["D1"] = "naam"  # twice
    funders["E1"] = "Kleur"
    funders["E2"] = "rood"
    lines = workbook["Planregels"]
    lines.cell(row=1, column=lines.max_column + 1, value="Gemeente Hoogeveen aandeel %")
    problems = _refused(world, plan, plan_io.parse_xlsx(_save(workbook)))
    assert ("Tarieven", 1, "", "De kolom(men) Jaar ontbreken.") in problems
    assert ("Financiers", 1, "naam", "Deze kolom staat twee keer op het blad.") in problems
    assert ("Financiers", 1, "Kleur") in _places(problems)
    assert (
        "Planregels",
        1,
        "Gemeente Hoogeveen aandeel %",
        "Financier „Gemeente Hoogeveen” staat niet op het blad Financiers.",
    ) in problems


def test_a_missing_sheet_is_refused_without_follow_up_problems(world, plan):
    workbook = _exported(plan)
    del workbook["Activiteiten"]
    problems = _refused(world, plan, plan_io.parse_xlsx(_save(workbook)))
    assert problems == [("Activiteiten", None, "", "Het blad Activiteiten ontbreekt.")]


def test_a_sheet_with_too_many_rows_is_refused(world, plan):
    workbook = _exported(plan)
    sheet = workbook["Tarieven"]
    for year in range(plan_io.MAX_ROWS + 1):
        sheet.append(["Programmabureau IBDO", 2025, year])
    problems = _refused(world, plan, plan_io.parse_xlsx(_save(workbook)))
    assert ("Tarieven", None, "", "Het blad heeft meer dan 5000 rijen.") in problems


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("plan.xlsx", b"", "Het bestand is leeg."),
        ("plan.xlsx", b"dit is geen werkmap", "Dit is geen geldig XLSX-bestand."),
        ("plan.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "Dit is geen geldig XLSX-bestand."),
        ("plan.yaml", bytes(range(256)), "Dit is geen YAML-bestand: het bevat geen tekst."),
        ("plan.yaml", b"\xff\xfe\xfa\xfb funders", "De tekens in het bestand zijn niet te lezen."),
        ("plan.yaml", b"   \n# alleen commentaar\n", "Het bestand is leeg."),
        ("plan.csv", b"jaar;activiteit\n2025;gesprekken\n", "Kies een XLSX- of YAML-bestand"),
        ("plan.exe", b"MZ\x90\x00", "Kies een XLSX- of YAML-bestand"),
        ("plan.yml", b"PK\x03\x04rest", "Dit is geen YAML-bestand maar een werkmap"),
        ("plan.json", b"{niet: json", "Dit is geen geldige JSON."),
        ("plan.yaml", b"x" * (plan_io.MAX_BYTES + 1), "Het bestand is groter dan 2 MB."),
    ],
)
def test_files_that_are_no_plan_are_refused(world, plan, filename, content, message):
    problems = _refused(world, plan, plan_io.parse_upload(filename, content))
    assert len(problems) == 1
    assert problems[0][3].startswith(message)


def test_a_zip_that_is_no_workbook_is_refused(world, plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("plan.txt", "hallo")
    problems = _refused(world, plan, plan_io.parse_upload("plan.xlsx", buffer.getvalue()))
    assert problems[0][3].startswith("Dit is geen geldig XLSX-bestand.")


def test_a_zip_bomb_is_refused_unopened(world, plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < plan_io.MAX_BYTES
    problems = _refused(world, plan, plan_io.parse_upload("plan.xlsx", buffer.getvalue()))
    assert problems[0][3].startswith("Dit is geen geldig XLSX-bestand.")


def test_a_workbook_without_the_plan_sheets(world, plan):
    workbook = Workbook()
    workbook.active.title = "Blad1"
    workbook.active.append(["iets", "anders"])
    problems = _refused(world, plan, plan_io.parse_xlsx(_save(workbook)))
    assert [p[3] for p in problems] == [
        "Het blad Financiers ontbreekt.",
        "Het blad Tarieven ontbreekt.",
        "Het blad Activiteiten ontbreekt.",
        "Het blad Planregels ontbreekt.",
    ]


BOMB = b"""
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
funders: [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BOMB, "Verwijzingen in YAML (*naam, met een &anker) zijn niet toegestaan"),
        (b"funders: " + b"[" * 200 + b"]" * 200, "Het document is te diep genest."),
        (b"!!python/object/apply:os.system ['ls']", "Dit is geen geldige YAML"),
        (b"funders: [\n  {name: a,\n", "Dit is geen geldige YAML: het gaat mis rond regel"),
        (b"- funders\n- rates\n", "Het document begint met de onderdelen funders"),
        (b"just text", "Het document begint met de onderdelen funders"),
        (b"funders: []\n---\nrates: []\n", "Dit is geen geldige YAML"),
        (b"? [a, b]\n: c\n", "Dit is geen geldige YAML"),
    ],
)
def test_yaml_that_is_no_plan_is_refused(world, plan, content, message):
    problems = _refused(world, plan, plan_io.parse_yaml(content))
    assert problems[0][3].startswith(message), problems


YAML_WITH_PROBLEMS = b"""\
version: 1
funders:
  - name: Provincie Drenthe
    kind: province
    kind: chamber
  - [KvK, chamber]
rates: {organisation: Programmabureau IBDO}
activity_types:
  - code: gesprekken
    name: Gesprekken
    colour: blue
plan_lines:
  - year: tweeduizend
    activity_type: gesprekken
    organisation: Programmabureau IBDO
    hours_per_unit: .inf
    funders:
      - funder: Provincie Drenthe
        share: yes
  - year: 2025
    activity_type: gesprekken
    organisation: [Programmabureau IBDO]
    count: 100000000000000000000
"""


def test_yaml_problems_are_reported_with_their_line(world, plan):
    problems = _refused(world, plan, plan_io.parse_yaml(YAML_WITH_PROBLEMS))
    number = "Vul een getal in, bijvoorbeeld 12,5 of 12.5."
    assert problems == [
        ("", 5, "kind", "De sleutel kind staat twee keer in hetzelfde blok."),
        ("funders", 6, "", "Verwacht velden met waarden (in YAML: sleutel: waarde)."),
        ("rates", 7, "", "Verwacht een lijst (in YAML: regels die met „- ” beginnen)."),
        ("activity_types", 11, "colour", "Onbekend veld."),
        ("plan_lines", 13, "year", "Vul een geheel getal in, bijvoorbeeld 12."),
        ("plan_lines", 16, "hours_per_unit", number),
        ("plan_lines", 19, "funders.0.share", number),
        ("plan_lines", 22, "organisation", "Vul tekst in."),
        ("plan_lines", 23, "count", "Dit getal is te groot."),
    ]


def test_a_missing_part_and_an_unknown_version_are_refused(world, plan):
    document = minimal_document(version=2)
    del document["rates"]
    problems = _refused(world, plan, plan_io.parse_yaml(plan_io.dump_yaml(document)))
    assert [(p[0], p[3]) for p in problems] == [
        ("version", "Onbekende versie van het formaat; deze versie is 1."),
        (
            "rates",
            "Het onderdeel rates ontbreekt. Neem het op, ook als het leeg is (rates: []).",
        ),
    ]


def test_too_many_plan_lines_are_refused(world, plan):
    document = minimal_document(plan_lines=[{}] * (plan_io.MAX_ROWS + 1))
    problems = _refused(world, plan, plan_io.parse_yaml(plan_io.dump_yaml(document)))
    assert problems == [("plan_lines", 25, "", "Te veel: hoogstens 5000.")]  # its line


def test_duplicates_in_the_document_are_reported_with_the_first_row(world, plan):
    document = minimal_document()
    document["funders"].append({"name": "KVK", "kind": "chamber"})
    document["activity_types"].append({"code": "Gesprekken", "name": "Nog een keer"})
    document["rates"].append({"organisation": "Programmabureau IBDO", "year": 2025, "rate": "1"})
    document["plan_lines"].append(document["plan_lines"][0])
    document["plan_lines"][0]["funders"].append({"funder": "provincie drenthe", "share": "0"})
    text = plan_io.dump_yaml(document)
    problems = _refused(world, plan, plan_io.parse_yaml(text))
    messages = [p[3] for p in problems]
    assert messages[0].startswith("Deze financier staat al in regel ")
    assert messages[1].startswith("Deze organisatie heeft voor dit jaar al een tarief in regel ")
    assert messages[2].startswith("Deze code staat al in regel ")
    assert "Financier „provincie drenthe” staat twee keer bij deze regel." in messages
    assert any(m.startswith("Deze regel staat dubbel: regel ") for m in messages)


def test_a_json_document_points_at_paths(world, plan):
    document = minimal_document()
    document["plan_lines"][0]["funders"][0]["share"] = "99"
    document["plan_lines"][0]["count"] = True
    text = json.dumps(document).encode()
    problems = plan_io.validate_document(plan.programme, plan_io.parse_json(text))
    assert [(p.loc, p.sheet, p.row, p.column, p.message) for p in problems] == [
        (
            ("plan_lines", 0, "count"),
            "plan_lines",
            1,
            "count",
            "Vul een geheel getal in, bijvoorbeeld 12.",
        ),
    ]
    document["plan_lines"][0]["count"] = 3
    problems = plan_io.validate_document(
        plan.programme, plan_io.parse_json(json.dumps(document).encode())
    )
    assert [(p.loc, p.message) for p in problems] == [
        (
            ("plan_lines", 0, "funders"),
            "De aandelen in de uren tellen op tot 99,00 % in plaats van 100 %.",
        ),
    ]


def test_text_like_1_500_is_refused_as_ambiguous(world, plan):
    document = minimal_document()
    document["rates"][0]["rate"] = "1.500"
    problems = _refused(world, plan, plan_io.parse_yaml(plan_io.dump_yaml(document)))
    assert [p[3] for p in problems] == [
        "1.500 is dubbelzinnig: een punt voor precies drie cijfers kan een duizendtal zijn. "
        "Schrijf het getal zonder punt (1500) of met een komma (1,5)."
    ]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    name=st.sampled_from(["plan.xlsx", "plan.yaml", "plan.json", "plan.txt"]),
    content=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=500).map(str.encode),
        st.builds(
            lambda head, tail: b"PK\x03\x04" + head + tail,
            st.binary(max_size=200),
            st.binary(max_size=200),
        ),
    ),
)
def test_no_file_makes_the_reader_fail(name, content):
    parsed = plan_io.parse_upload(name, content)
    assert all(problem.message for problem in parsed.problems)
