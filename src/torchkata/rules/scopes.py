"""Python's scoping rules over a parsed file: which bindings a name can refer to at each place.

The analysis is flow-insensitive: a name bound several times in one scope may refer to any
of its bindings, and every one is checked. Scopes follow the language (LEGB): functions and
lambdas, class bodies (not seen from the methods inside them), comprehensions, ``global`` and
``nonlocal``; names a module gets from ``from m import *`` are looked up in ``m``.
"""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field


@dataclass
class Binding:
    """One place that binds a name. ``kind``: "import" (``path`` is the dotted name imported),
    "assign" (``value`` is the single expression assigned, evaluated in ``scope``), "def", "class",
    "param", or "other" (anything else: unpacking, loop targets, augmented assignment...)."""
    kind: str
    node: ast.AST
    scope: "Scope"
    path: str = ""
    value: ast.expr | None = None


@dataclass(eq=False)
class Scope:
    node: ast.AST
    kind: str                           # "module" | "function" | "class" | "comprehension"
    parent: "Scope | None"
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    star_imports: list[tuple[str, int]] = field(default_factory=list)   # (module, line), module scope only

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


@dataclass
class Lookup:
    """What a name may refer to: bindings in the file, names from star imports, or a builtin."""
    bindings: list[Binding]
    star: list[str]                     # "module.name" for each star import that may provide it
    builtin: bool


_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
                ast.DictComp, ast.GeneratorExp)


class FileScopes:
    """The scopes of one parsed file, and the scope every node of it is evaluated in."""

    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.module = Scope(tree, "module", None)
        self.scope_of: dict[int, Scope] = {}
        self.scopes: dict[int, Scope] = {id(tree): self.module}   # node -> the scope it opens
        self.parents: dict[int, ast.AST] = {}
        _Builder(self).build()

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))

    def scope(self, node: ast.AST) -> Scope:
        return self.scope_of.get(id(node), self.module)

    def lookup(self, name: str, scope: Scope) -> Lookup:
        target = self._owner(name, scope)
        if target is not None and target.kind != "module":
            return Lookup(target.bindings[name], [], False)
        found = self.module.bindings.get(name, [])
        first = min((getattr(b.node, "lineno", 0) for b in found), default=None)
        # a star import provides the name unless every own binding comes after it
        star = [f"{module}.{name}" for module, line in self.module.star_imports
                if first is None or line >= first]
        return Lookup(found, star, not found and not star and hasattr(builtins, name))

    def _owner(self, name: str, scope: Scope) -> Scope | None:
        """The scope whose binding of ``name`` is seen from ``scope`` (None: module or builtins)."""
        if name in scope.globals:
            return None
        if name in scope.bindings and name not in scope.nonlocals:
            return scope
        outer = scope.parent
        while outer is not None and outer.kind != "module":
            if outer.kind != "class" and name in outer.bindings and name not in outer.globals:
                return outer
            outer = outer.parent
        return None


class _Builder:
    def __init__(self, scopes: FileScopes):
        self.s = scopes

    def build(self) -> None:
        self._declarations(self.s.tree.body, self.s.module)
        for stmt in self.s.tree.body:
            self._visit(stmt, self.s.module, self.s.tree)

    # --- helpers ------------------------------------------------------------------------

    def _declarations(self, body: list[ast.stmt], scope: Scope) -> None:
        """``global`` and ``nonlocal`` apply to the whole scope, wherever they are written."""
        for node in _walk_scope(body):
            if isinstance(node, ast.Global):
                scope.globals.update(node.names)
            elif isinstance(node, ast.Nonlocal):
                scope.nonlocals.update(node.names)

    def _bind(self, name: str, scope: Scope, kind: str, node: ast.AST, value: ast.expr | None = None,
              path: str = "") -> None:
        owner = scope
        if name in scope.globals:
            owner = self.s.module
        elif name in scope.nonlocals:
            owner = scope.parent          # the nearest enclosing function
            while owner is not None and owner.kind in ("class", "comprehension"):
                owner = owner.parent
            owner = owner or self.s.module
        owner.bind(name, Binding(kind, node, scope, path=path, value=value))

    def _bind_target(self, target: ast.expr, scope: Scope, value: ast.expr | None, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, scope, "assign" if value is not None else "other", node, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_target(element, scope, None, node)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, scope, None, node)

    def _function_scope(self, node: ast.AST, parent: Scope, kind: str) -> Scope:
        scope = Scope(node, kind, parent)
        self.s.scopes[id(node)] = scope
        return scope

    # --- the walk -----------------------------------------------------------------------

    def _visit(self, node: ast.AST, scope: Scope, parent: ast.AST) -> None:
        self.s.parents[id(node)] = parent
        self.s.scope_of[id(node)] = scope
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._bind(node.name, scope, "def", node)
            for child in [*node.decorator_list, *_defaults(node.args), *_annotations(node)]:
                self._visit(child, scope, node)
            inner = self._function_scope(node, scope, "function")
            self._params(node.args, inner, node)
            self._declarations(node.body, inner)
            for stmt in node.body:
                self._visit(stmt, inner, node)
            return
        if isinstance(node, ast.Lambda):
            for child in _defaults(node.args):
                self._visit(child, scope, node)
            inner = self._function_scope(node, scope, "function")
            self._params(node.args, inner, node)
            self._visit(node.body, inner, node)
            return
        if isinstance(node, ast.ClassDef):
            self._bind(node.name, scope, "class", node)
            for child in [*node.decorator_list, *node.bases, *node.keywords]:
                self._visit(child, scope, node)
            inner = self._function_scope(node, scope, "class")
            self._declarations(node.body, inner)
            for stmt in node.body:
                self._visit(stmt, inner, node)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            self._comprehension(node, scope)
            return
        self._bindings_of(node, scope)
        for child in ast.iter_child_nodes(node):
            self._visit(child, scope, node)

    def _params(self, args: ast.arguments, scope: Scope, node: ast.AST) -> None:
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                self.s.parents[id(arg)] = node
                self.s.scope_of[id(arg)] = scope
                self._bind(arg.arg, scope, "param", arg)

    def _comprehension(self, node: ast.AST, scope: Scope) -> None:
        inner = self._function_scope(node, scope, "comprehension")
        for index, generator in enumerate(node.generators):
            self.s.parents[id(generator)] = node
            self.s.scope_of[id(generator)] = inner
            # the first iterable is evaluated in the enclosing scope
            self._visit(generator.iter, scope if index == 0 else inner, generator)
            self._bind_target(generator.target, inner, None, generator)
            self._visit(generator.target, inner, generator)
            for condition in generator.ifs:
                self._visit(condition, inner, generator)
        elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for element in elements:
            self._visit(element, inner, node)

    def _bindings_of(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, ast.Assign):
            single = len(node.targets) == 1 or all(isinstance(t, ast.Name) for t in node.targets)
            for target in node.targets:
                self._bind_target(target, scope, node.value if single else None, node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
                self._bind(node.target.id, scope, "assign", node, node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            self._bind(node.target.id, scope, "other", node)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._bind_target(node.target, scope, None, node)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            self._bind_target(node.optional_vars, scope, None, node)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self._bind(node.name, scope, "other", node)
        elif isinstance(node, ast.NamedExpr):
            owner = scope
            while owner.kind == "comprehension" and owner.parent is not None:
                owner = owner.parent
            self._bind(node.target.id, owner, "assign", node, node.value)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            self._bind(node.name, scope, "other", node)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self._bind(node.rest, scope, "other", node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._bind(alias.asname, scope, "import", node, path=alias.name)
                else:
                    top = alias.name.split(".")[0]
                    self._bind(top, scope, "import", node, path=top)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    self.s.module.star_imports.append((module, node.lineno))
                else:
                    self._bind(alias.asname or alias.name, scope, "import", node, path=f"{module}.{alias.name}")


def _defaults(args: ast.arguments) -> list[ast.expr]:
    return [d for d in [*args.defaults, *args.kw_defaults] if d is not None]


def _annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    args = node.args
    found = [a.annotation for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
             if a is not None and a.annotation is not None]
    return found + ([node.returns] if node.returns is not None else [])


def _walk_scope(body: list[ast.stmt]):
    """Every node of ``body`` that belongs to its own scope (not to functions or classes inside it)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(node))
