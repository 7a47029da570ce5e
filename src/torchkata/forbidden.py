"""Finding uses of a kata's forbidden APIs in the learner's source (trusted side).

Names are resolved through the file's imports, so ``F.softmax`` after
``import torch.nn.functional as F`` is ``torch.nn.functional.softmax``, while a
local variable that happens to be called ``grad`` is nothing. A method on an
object (``x.softmax(...)``) matches a forbidden ``torch.Tensor.softmax``-style
entry (one whose path has a class name in it). ``getattr(torch, "softmax")`` is
resolved too. The worker also disables the APIs at run time, which catches the
more creative routes.
"""
from __future__ import annotations

import ast


def _is_class_path(name: str) -> bool:
    return any(part[:1].isupper() for part in name.split(".")[:-1])


class _Finder(ast.NodeVisitor):
    def __init__(self, forbidden: tuple[str, ...]):
        self.exact = {name for name in forbidden if not name.endswith(".*")}
        self.modules = {name[:-2] for name in forbidden if name.endswith(".*")}
        self.methods = {name.rsplit(".", 1)[-1] for name in self.exact if _is_class_path(name)}
        self.aliases: dict[str, str] = {}
        self.found: list[tuple[str, int]] = []

    def banned(self, dotted: str) -> bool:
        return dotted in self.exact or any(dotted == m or dotted.startswith(m + ".") for m in self.modules)

    def report(self, node: ast.AST, text: str) -> None:
        self.found.append((text[:80], getattr(node, "lineno", 0)))

    # imports define aliases, and importing a forbidden name is itself a use
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top
            if self.banned(alias.name):
                self.report(node, ast.unparse(node))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            full = f"{node.module}.{alias.name}" if node.module else alias.name
            self.aliases[alias.asname or alias.name] = full
            if self.banned(full) or (node.module and self.banned(node.module)):
                self.report(node, ast.unparse(node))

    def dotted(self, node: ast.AST) -> str | None:
        """The fully qualified name of an expression like F.softmax, or None for non-module bases."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        full = self.dotted(node)
        if full is not None:
            if self.banned(full):
                self.report(node, ast.unparse(node))
                return                      # don't report torch.autograd again for torch.autograd.grad
        elif node.attr in self.methods:
            self.report(node, ast.unparse(node))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        full = self.aliases.get(node.id)
        if full is not None and full != node.id and self.banned(full) and isinstance(node.ctx, ast.Load):
            self.report(node, f"{node.id} ({full})")

    def visit_Call(self, node: ast.Call) -> None:
        is_getattr = isinstance(node.func, ast.Name) and node.func.id == "getattr"
        if is_getattr and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str):
            name, base = node.args[1].value, self.dotted(node.args[0])
            if (base and self.banned(f"{base}.{name}")) or (base is None and name in self.methods):
                self.report(node, ast.unparse(node))
        self.generic_visit(node)


def find_forbidden(source: str, forbidden: tuple[str, ...]) -> list[tuple[str, int]]:
    """Uses of forbidden APIs in ``source``: (what was written, line number), in line order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    finder = _Finder(forbidden)
    finder.visit(tree)
    return sorted(set(finder.found), key=lambda found: (found[1], found[0]))
