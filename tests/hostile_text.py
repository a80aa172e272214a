"""Text that looks like SQL, HTML, rich markup or terminal control, and a page that carries it."""

from __future__ import annotations

from html import escape

SQL = "'); DROP TABLE articles; --"
SCRIPT = "<script>alert(1)</script>"
MARKUP = "[bold red]x[/]"
LINK = "[link=file:///etc/passwd]y[/link]"
#: Clear the screen, set the window's title, a CSI as one C1 byte, return to the line's start,
#: and a right-to-left override.
CONTROLS = "\x1b[2J\x1b]0;pwned\x07\x9b31m\rback\u202eevil"

TITLE = f"Budget vote {SQL} {SCRIPT} {MARKUP}"
TAGS = (SCRIPT, MARKUP, SQL)
FIRST = f"Opening {SQL} then {SCRIPT} then {MARKUP} then {LINK} and the rest."
FILLER = (
    "The council met on Tuesday to discuss the budget for the coming year, and the plans it "
    "holds for the roads, the schools and the library, which has been closed since the spring."
)


def hostile_page() -> bytes:
    """An article page whose title, tags and text hold every hostile string but the controls
    (an HTML parser drops those)."""
    tags = "".join(f'<meta property="article:tag" content="{escape(t)}">' for t in TAGS)
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in (FIRST, FILLER, FILLER + " Again."))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(TITLE)}</title>{tags}"
        '<meta property="article:published_time" content="2025-11-12T10:00:00Z">'
        f"</head><body><article><h1>{escape(TITLE)}</h1>{paragraphs}</article></body></html>"
    ).encode()
