"""The narrative's sanitised HTML (p, br, strong, em, b, i, ul, ol, li, a, h3, h4) as
blocks for the PDF (reportlab paragraph markup) and as plain text for the XLSX.

The parser never trusts the input to be well formed: bold and italic are counted, not
nested, so every text run is wrapped in balanced ``<b>``/``<i>`` of its own; unknown tags
keep their text, ``script`` and ``style`` lose theirs; entities are decoded and the text
escaped again for reportlab. A link reads "text (url)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.sax.saxutils import escape

BOLD = {"b", "strong"}
ITALIC = {"i", "em"}
HEADINGS = {"h1": "h3", "h2": "h3", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
BLOCKS = {"p", "div", "blockquote", "pre", "table", "tr", "section", "article", "dl", "dd"}
SKIP = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math"}
VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "wbr", "source"}
BREAK = "\n"
SPACES = re.compile(r"[ \t\r\f\v\n]+")


@dataclass
class Block:
    kind: str  # "p", "h3", "h4", "li"
    depth: int = 0  # list nesting (1 = top-level list)
    bullet: str = ""  # "•", "2." for a list item; "" for a continuation in a list
    runs: list[tuple[str, bool, bool]] = field(default_factory=list)  # text, bold, italic

    def markup(self) -> str:
        """reportlab paragraph markup: escaped text in balanced <b>/<i>, <br/> for breaks."""
        out = []
        for value, bold, italic in _joined(self.runs):
            if value == BREAK:
                out.append("<br/>")
                continue
            piece = escape(value)
            if italic:
                piece = f"<i>{piece}</i>"
            if bold:
                piece = f"<b>{piece}</b>"
            out.append(piece)
        return "".join(out)

    def text(self) -> str:
        return "".join(value for value, _b, _i in _joined(self.runs))


def _joined(runs: list[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Whitespace collapsed to one space, trimmed at the block's edges and around breaks."""
    result: list[tuple[str, bool, bool]] = []
    previous_space = True  # at the start of the block, and after a break
    for value, bold, italic in runs:
        if value == BREAK:
            if result and result[-1][0].endswith(" "):
                last = result[-1]
                result[-1] = (last[0].rstrip(" "), last[1], last[2])
            result.append((BREAK, False, False))
            previous_space = True
            continue
        value = SPACES.sub(" ", value)
        if previous_space:
            value = value.lstrip(" ")
        if not value:
            continue
        previous_space = value.endswith(" ")
        result.append((value, bold, italic))
    while result and result[-1][0] == BREAK:
        result.pop()
    if result and result[-1][0].endswith(" "):
        last = result[-1]
        result[-1] = (last[0].rstrip(" "), last[1], last[2])
    return [run for run in result if run[0]]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.bold = 0
        self.italic = 0
        self.skip = 0
        self.lists: list[list[int | bool]] = []  # [ordered, counter] per open list
        self.links: list[str | None] = []

    # -- blocks --
    def _flush(self) -> None:
        if self.current is not None and self.current.text().strip():
            self.blocks.append(self.current)
        self.current = None

    def _open(self, kind: str, bullet: str = "") -> None:
        self._flush()
        self.current = Block(kind, depth=len(self.lists), bullet=bullet)

    def _block(self) -> Block:
        if self.current is None:
            kind = "li" if self.lists else "p"
            self.current = Block(kind, depth=len(self.lists))
        return self.current

    # -- parser events --
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag in BOLD:
            self.bold += 1
        elif tag in ITALIC:
            self.italic += 1
        elif tag == "br":
            self._block().runs.append((BREAK, False, False))
        elif tag in HEADINGS:
            self._open(HEADINGS[tag])
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            if not self.lists:  # a stray <li>: a bullet of its own
                self.lists.append([False, 0])
            current = self.lists[-1]
            current[1] = int(current[1]) + 1
            self._open("li", f"{current[1]}." if current[0] else "•")
        elif tag in BLOCKS:
            self._open("p")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID or tag not in SKIP:
            self.handle_starttag(tag, attrs)
            if tag not in VOID:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag in BOLD:
            self.bold = max(self.bold - 1, 0)
        elif tag in ITALIC:
            self.italic = max(self.italic - 1, 0)
        elif tag in HEADINGS or tag in BLOCKS or tag == "li":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "a" and self.links:
            href = (self.links.pop() or "").strip()
            block = self._block()
            shown = "".join(v for v, _b, _i in block.runs).strip()
            if href and not shown.endswith(href) and not href.startswith("#"):
                block.runs.append((f" ({href})", False, False))

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        self._block().runs.append((data, self.bold > 0, self.italic > 0))

    def close(self) -> None:
        super().close()
        self._flush()


def blocks(html: str | None) -> list[Block]:
    """The HTML as blocks (paragraphs, headings, list items); [] for empty input."""
    if not html or not str(html).strip():
        return []
    parser = _Parser()
    parser.feed(str(html))
    parser.close()
    return parser.blocks


def to_text(html: str | None) -> str:
    """Plain text: one paragraph (or list item, or heading) per line, lists with their
    bullet or number."""
    lines = []
    for block in blocks(html):
        prefix = "  " * max(block.depth - 1, 0) + (f"{block.bullet} " if block.bullet else "")
        lines.append(prefix + block.text().replace(BREAK, "\n"))
    return "\n".join(lines)
