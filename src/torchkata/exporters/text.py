"""Learner text made safe for each view, whatever arrives.

Result files can be read back from disk (edited, or written by an older grader), so no
exporter trusts that text was cleaned upstream: each one passes every string through the
helper for its format.

- :func:`clean`: lone surrogates become U+FFFD (they cannot be encoded), terminal escape
  sequences and control characters other than newline and tab go, as do the bidirectional
  overrides that make text read differently from what it is; length is capped.
- :func:`one_line`: :func:`clean`, on one line, that no log can take for a command: GitHub
  Actions runs ``::command::`` at the start of a line (after leading white space) and the
  legacy ``##[command]`` anywhere in one.
- :func:`xml_escape`: the characters XML 1.0 cannot hold, written visibly as pytest's
  junitxml writes them (``#x1B``), so one learner's ANSI colour cannot spoil a class's file.
- :func:`markdown_inline`: one line of literal text in GitHub-flavoured markdown.
- :func:`spreadsheet_cell`: a CSV cell no spreadsheet runs as a formula.
"""
from __future__ import annotations

import re

# CSI (colours, cursor moves), OSC (titles, hyperlinks: up to BEL or ST) and two-character escapes.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Control characters (Unicode category Cc) but newline and tab, and the bidirectional controls.
_DROP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\x7e\x80-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#!|~])")
ELLIPSIS = "…"


def clean(text: object, limit: int | None = None) -> str:
    """Printable text with its newlines and tabs; ``limit`` caps it (in characters)."""
    text = str(text)
    if limit is not None:
        text = text[:2 * limit + 256]          # what is dropped below rarely halves a text: no need to clean more
    text = _SURROGATES.sub("\ufffd", text)
    text = _LINE_BREAKS.sub("\n", _ESCAPES.sub("", text))
    return cap(_DROP.sub("", text), limit)


def cap(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[:max(limit - 1, 0)] + ELLIPSIS


def one_line(text: object, limit: int | None = None) -> str:
    """:func:`clean` on one line (lines joined with " | ") that no GitHub Actions log runs as a command."""
    lines = [" ".join(line.split()) for line in clean(text, None if limit is None else 2 * limit).split("\n")]
    flat = " | ".join(line for line in lines if line)
    flat = flat.replace("##[", "## [")
    if flat.lstrip().startswith("::"):
        flat = ": :" + flat.lstrip()[2:]
    return cap(flat, limit)


def xml_escape(text: object, limit: int | None = None) -> str:
    """As pytest's junitxml ``bin_xml_escape``: each character XML 1.0 cannot hold becomes ``#xHH``
    (``#xHHHH`` above U+00FF). ElementTree escapes ``& < > "`` itself."""
    def visible(match: re.Match) -> str:
        code = ord(match.group())
        return f"#x{code:02X}" if code <= 0xFF else f"#x{code:04X}"
    return _XML_ILLEGAL.sub(visible, cap(str(text), limit))


def markdown_inline(text: object, limit: int | None = None) -> str:
    """One line of literal text for a markdown table cell or list item: no markup, links or HTML."""
    flat = one_line(text, limit)
    return _MARKDOWN.sub(r"\\\1", flat).replace("&", "&amp;")


def spreadsheet_cell(text: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would start a formula."""
    value = clean(text)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
