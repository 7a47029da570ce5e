"""Learner text made safe to show: cleaned of control characters and capped, on the trusted side.

Everything a learner's code can choose (exception types and messages, printed output, file
names in their repository, strings in a hand-edited result file) passes through :func:`clean`
before it enters the result model. What is left is printable text, newlines and tabs:

- no terminal controls: C0 (ESC, BEL, NUL, a lone CR that rewrites a line...), DEL and C1
  (``\\x9b`` is a one-byte CSI on some terminals), so no escape sequence (window title,
  OSC 52 clipboard write, screen clear, cursor moves) reaches a terminal;
- nothing XML 1.0 forbids (surrogates, U+FFFE/U+FFFF), so every export parses;
- no bidirectional overrides or isolates (the "Trojan Source" characters), which make a
  terminal or a browser show text in an order other than the bytes';
- line and paragraph separators (U+2028/U+2029) become newlines, as every reader would split
  them anyway.

Caps are applied here too, with a visible marker, whatever the worker claims it sent.
"""
from __future__ import annotations

import re
from typing import Any

MAX_MESSAGE = 4000        # an exception message (the worker claims the same)
MAX_FEEDBACK = 10_000     # a test's message or diagnosis in the result model
MAX_OUTPUT = 5000         # what one test printed, stdout and stderr together (each read capped at 2000)
MAX_NAME = 200            # a type name, a function name, a path, a label
MAX_FRAMES = 10           # traceback frames kept (the learner's own file only)
MAX_DEPTH = 32            # nesting of a result document (the protocol's own limit)
TRUNCATED = "…[truncated]"

# Everything below U+0020 except tab and newline; DEL and C1; surrogates and the two
# XML-illegal non-characters; bidi embeddings, overrides, isolates and marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                     "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\u2028\u2029]")


def clean(text: Any, limit: int | None = MAX_MESSAGE) -> str:
    """``text`` as a safe string: control characters removed, at most ``limit`` characters."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if limit is not None and len(text) > 4 * limit + 64:
        text = text[:4 * limit + 64]          # never scan megabytes to keep a few thousand characters
    if not text.isascii() or not text.isprintable():
        text = _UNSAFE.sub("", _LINE_BREAKS.sub("\n", text))
    if limit is not None and len(text) > limit:
        text = text[:max(limit - len(TRUNCATED), 0)] + TRUNCATED
    return text


def is_clean(text: str) -> bool:
    """True when :func:`clean` would leave ``text`` as it is (ignoring caps)."""
    return not _UNSAFE.search(text) and not _LINE_BREAKS.search(text)


def one_line(text: Any, limit: int = MAX_NAME) -> str:
    """A name or label: cleaned, and on one line (newlines and tabs become spaces)."""
    return clean(text, limit).replace("\n", " ").replace("\t", " ")


def escape(text: Any, limit: int = MAX_NAME) -> str:
    """A name shown as it is, unsafe characters spelt out (``\\x1b``, ``\\u202e``): for file names
    from a learner's repository, where two names must stay told apart. A byte that is not UTF-8
    (read as a lone surrogate, Python's ``surrogateescape``) is shown as that byte."""
    text = text if isinstance(text, str) else str(text)
    out = []
    for char in text[:limit]:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in "\n\t" or _UNSAFE.match(char) or char in "\u2028\u2029":
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out) + (TRUNCATED if len(text) > limit else "")


def clean_info(info: Any) -> dict:
    """What a child said about an exception (type, message, its own frames, a syntax error's place),
    rebuilt field by field: known fields only, each of the right type, cleaned and capped."""
    if not isinstance(info, dict):
        return {"type": "Exception", "message": clean(info), "traceback": []}
    if set(info) <= {"detail", "stopped_at"} and "detail" in info:   # how a child ended (a timeout, a crash)
        out = {"detail": clean(info["detail"], MAX_MESSAGE)}
        if isinstance(info.get("stopped_at"), dict):     # where a timed-out child said its code was
            out["stopped_at"] = {"line": _int(info["stopped_at"].get("line")),
                                 "function": one_line(info["stopped_at"].get("function", ""), MAX_NAME)}
        return out
    out: dict[str, Any] = {"type": one_line(info.get("type") or "Exception", MAX_NAME),
                           "message": clean(info.get("message", ""), MAX_MESSAGE)}
    frames = info.get("traceback")
    out["traceback"] = [_frame(frame) for frame in frames[-MAX_FRAMES:] if isinstance(frame, dict)] \
        if isinstance(frames, list) else []
    if "detail" in info:
        out["detail"] = clean(info["detail"], MAX_MESSAGE)
    syntax = info.get("syntax")
    if isinstance(syntax, dict):
        out["syntax"] = {"line": _int(syntax.get("line")), "offset": _int(syntax.get("offset")),
                         "text": one_line(syntax.get("text", ""), 300), "message": one_line(syntax.get("message", ""))}
    return out


def _frame(frame: dict) -> dict:
    return {"line": _int(frame.get("line")), "function": one_line(frame.get("function", ""), MAX_NAME),
            "code": one_line(frame.get("code", ""), MAX_NAME)}


def _int(value: Any) -> int:
    return value if type(value) is int and 0 <= value < 10**9 else 0


def clean_data(value: Any, limit: int = MAX_MESSAGE, _depth: int = 0) -> Any:
    """A JSON-like document with every string (keys included) cleaned and capped; deeper than
    :data:`MAX_DEPTH` is an error (ValueError), never a recursion crash."""
    if _depth > MAX_DEPTH:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        return clean(value, limit)
    if isinstance(value, list):
        return [clean_data(item, limit, _depth + 1) for item in value]
    if isinstance(value, dict):
        return {clean(key, MAX_NAME) if isinstance(key, str) else key: clean_data(item, limit, _depth + 1)
                for key, item in value.items()}
    return value
