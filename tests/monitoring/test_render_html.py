"""The narrative's HTML as PDF paragraphs and plain text: well-formed or not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph

from loket.monitoring.render.html import blocks, to_text

STYLE = getSampleStyleSheet()["BodyText"]


def laid_out(html: str) -> list[Paragraph]:
    """Every block as a reportlab paragraph, wrapped: raises if the markup is invalid."""
    paragraphs = [Paragraph(b.markup(), STYLE, bulletText=b.bullet or None) for b in blocks(html)]
    for paragraph in paragraphs:
        paragraph.wrap(400, 800)
    return paragraphs


def test_it_keeps_paragraphs_bold_and_italic():
    found = blocks("<p>Eerst <strong>vet</strong> en <em>schuin</em>.</p><p>Twee<br>regels</p>")
    assert [b.markup() for b in found] == [
        "Eerst <b>vet</b> en <i>schuin</i>.",
        "Twee<br/>regels",
    ]
    assert to_text("<p>Een</p><p>Twee</p>") == "Een\nTwee"


def test_it_balances_badly_nested_and_unclosed_tags():
    found = blocks("<p><b>vet <i>beide</b> schuin</i> <b>nooit gesloten")
    assert found[0].markup() == (
        "<b>vet </b><b><i>beide</i></b><i> schuin</i> <b>nooit gesloten</b>"
    )
    assert laid_out("</b></i></li></ul><p>rest</p></p>")[0].text == "rest"


def test_it_decodes_entities_and_escapes_them_again():
    html = "<p>R&amp;D &lt;script&gt; caf&eacute; &#8364; 5 &gt; 3</p>"
    (block,) = blocks(html)
    assert block.text() == "R&D <script> café € 5 > 3"
    assert block.markup() == "R&amp;D &lt;script&gt; café € 5 &gt; 3"
    assert "<script>" in laid_out(html)[0].getPlainText()


def test_it_keeps_the_text_of_unknown_tags_and_drops_scripts():
    html = (
        '<p><span class="x">Binnen</span> <font color="red">rood</font></p>'
        "<script>alert('x')</script><style>p{color:red}</style><p>Na</p><blink/>"
    )
    assert [b.text() for b in blocks(html)] == ["Binnen rood", "Na"]


def test_it_numbers_ordered_lists_and_indents_nested_ones():
    html = (
        "<ul><li>Eén<ol><li>a</li><li>b</li></ol></li><li>Twee</li></ul>"
        "<ol><li>eerst</li><li>dan</li></ol>"
    )
    found = blocks(html)
    assert [(b.bullet, b.depth, b.text()) for b in found] == [
        ("•", 1, "Eén"),
        ("1.", 2, "a"),
        ("2.", 2, "b"),
        ("•", 1, "Twee"),
        ("1.", 1, "eerst"),
        ("2.", 1, "dan"),
    ]
    assert to_text(html).splitlines()[:3] == ["• Eén", "  1. a", "  2. b"]
    assert len(laid_out(html)) == 6


def test_it_writes_links_as_text_and_address():
    html = (
        '<p>Zie <a href="https://www.nom.nl/x?a=1&amp;b=2">de site</a>, '
        '<a href="https://kvk.nl">https://kvk.nl</a> en <a>niets</a>.</p>'
    )
    assert blocks(html)[0].text() == (
        "Zie de site (https://www.nom.nl/x?a=1&b=2), https://kvk.nl en niets."
    )
    laid_out(html)


def test_it_reads_headings_as_headings():
    found = blocks("<h3>Kop</h3><h4>Sub</h4><h1>Groot</h1><p>Tekst</p>")
    assert [(b.kind, b.text()) for b in found] == [
        ("h3", "Kop"),
        ("h4", "Sub"),
        ("h3", "Groot"),
        ("p", "Tekst"),
    ]


def test_empty_input_gives_nothing():
    for html in (None, "", "   ", "<p></p>", "<p> <br> </p>", "<ul><li></li></ul>", "<script>x"):
        assert blocks(html) == []
        assert to_text(html) == ""


def test_it_collapses_whitespace():
    assert blocks("<p>\n  veel \t  ruimte\n</p>")[0].text() == "veel ruimte"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<b>",
                "</b>",
                "<i>",
                "</i>",
                "<ul>",
                "</ul>",
                "<ol>",
                "<li>",
                "</li>",
                "<br>",
                "<a href='https://x'>",
                "</a>",
                "<h3>",
                "</h4>",
                "&amp;",
                "&",
                "<",
                ">",
                "tekst ",
                "é€",
                "<script>",
                "</script>",
                "<x-y>",
                "\n",
                "'\"",
                "&#0;",
                "&#xD800;",
                "<![CDATA[x]]>",
                "<!-- c -->",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_any_tag_soup_lays_out(html):
    laid_out(html)
    assert isinstance(to_text(html), str)
