"""What a source rule found, and how it is told to the learner (each line in both languages)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from torchkata.i18n import LANGS, t

CODE_CAP = 60   # characters of the learner's code quoted in a message


@dataclass(frozen=True, order=True)
class Finding:
    """One place in the learner's file that breaks a rule. ``kind`` picks the message (the i18n key
    ``rule.<kind>``); ``code`` is what was written there; ``name`` the API or module concerned."""
    line: int
    kind: str
    code: str
    name: str = ""

    def message(self, lang: str) -> str:
        return t(f"rule.{self.kind}", lang, line=self.line, code=self.code, name=self.name or self.code)

    def messages(self) -> dict[str, str]:
        return {lang: self.message(lang) for lang in LANGS}


def quoted(node: ast.AST) -> str:
    """The code of ``node`` on one line, capped (learner text: no control characters)."""
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 — unparse of an odd tree; the line number still helps
        text = type(node).__name__
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= CODE_CAP else text[:CODE_CAP - 3] + "..."


def sorted_unique(findings) -> list[Finding]:
    return sorted(set(findings))
