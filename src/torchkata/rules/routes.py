"""The forbidden-API rule: an allow-list analysis of the learner's source, on the trusted side.

Every name and attribute chain in the file is resolved through its imports and aliases to what
it really is (see :mod:`torchkata.rules.library`, which resolves with the real torch), and:

- a forbidden API (or one of its re-exports, or a forbidden method on any value) is refused;
- every route by which code could reach an API *without naming it* is refused: ``getattr`` /
  ``setattr`` / ``delattr`` / ``hasattr`` with a computed name, ``eval`` / ``exec`` / ``compile`` /
  ``__import__`` / ``globals()`` / ``locals()`` / ``vars()``, modules outside the allow-list (``sys``,
  ``importlib``, ``ctypes``, ``inspect``...), private attributes (``torch._C``, ``torch.ops``),
  introspection (``__code__``, ``__globals__``, ``__dict__``, ``__class__``, ``__subclasses__``,
  frames), ``operator.attrgetter`` / ``methodcaller`` with computed names, a module used as a value
  (``[torch][0]``: a module may only be named, ``F.relu``), ``__torch_function__`` hooks, and
  changing a library's attributes.

In a kata with a harness (``harness=True``), the harness runs in the learner's process and the grader
relies on what it builds and watches, so three more things are refused, forbidden APIs or not: setting
an attribute other than data (``.grad``, ``.data``...) on an object the file did not create
(``model.forward = f``, ``type(model).forward = f``), taking the class of a value with ``type(x)``
(other than to compare or name it), and ``Tensor.as_subclass``. Where nothing is forbidden, such a
kata may also use files and the environment (:data:`library.HARNESS_MODULES`, ``open``, and
``torch.load`` with ``weights_only=True``).

Nothing is run: the file is parsed, never imported. String annotations are parsed and checked
as code, since ``typing.get_type_hints`` would evaluate them.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from torchkata.rules import library
from torchkata.rules.findings import Finding, quoted, sorted_unique
from torchkata.rules.library import Lib, Problem
from torchkata.rules.scopes import FileScopes, Scope


class _Unknown:
    """A learner value (or anything the analysis does not follow): only its attribute names are checked."""


@dataclass(frozen=True)
class _Builtin:
    name: str


UNKNOWN = _Unknown()
BAD = object()          # a reference already refused where it was written: nothing more to say


def find_routes(source: str, forbidden: tuple[str, ...] = (), harness: bool = False) -> list[Finding]:
    """Every use of a forbidden API and every dynamic route in ``source``, in line order (with
    ``harness``, also every change to the objects a kata's harness builds: see the module's docstring).
    A file that does not parse gives nothing (the grader reports the syntax error instead)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    try:
        return _Checker(tree, library.forbidden(tuple(forbidden)), harness).run()
    except RecursionError:     # e.g. thousands of nested aliases: refused, never waved through
        return [Finding(1, "too_complex", "", "")]


class _Checker:
    def __init__(self, tree: ast.Module, forbidden: library.Forbidden, harness: bool = False):
        self.tree, self.forbidden, self.harness = tree, forbidden, harness
        self.relaxed = harness and not forbidden        # files and the environment too (HARNESS_MODULES)
        self.extra = library.HARNESS_MODULES if self.relaxed else frozenset()
        self.scopes = FileScopes(tree)
        self.findings: list[Finding] = []
        self.memo: dict[int, list] = {}
        self.reported: set[int] = set()
        self.own_attributes = _own_attributes(tree)

    def run(self) -> list[Finding]:
        dead = self._main_block()
        nodes = [node for node in ast.walk(self.tree) if id(node) not in dead]
        nodes += self._string_annotations(nodes)
        for node in nodes:
            handler = getattr(self, f"_check_{type(node).__name__}", None)
            if handler is not None:
                handler(node)
        return sorted_unique(self.findings)

    def _main_block(self) -> set[int]:
        """The nodes of ``if __name__ == "__main__":`` at the top of the file: code that never runs when
        the grader imports the file (``__name__`` cannot be assigned), so it may test, print, time...
        Unless a name it binds is used outside it."""
        dead: set[int] = set()
        for stmt in self.tree.body:
            if isinstance(stmt, ast.If) and _is_main_test(stmt.test):
                dead.update(id(node) for part in stmt.body for node in ast.walk(part))
        if not dead:
            return dead
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id == "__name__" and not isinstance(node.ctx, ast.Load):
                return set()
            if isinstance(node, ast.Name) and id(node) not in dead:
                found = self.scopes.lookup(node.id, self.scopes.scope(node))
                if any(id(b.node) in dead for b in found.bindings):
                    return set()
        return dead

    def report(self, node: ast.AST, kind: str, name: str = "") -> None:
        if id(node) in self.reported:
            return
        self.reported.add(id(node))
        parent = self.scopes.parent(node)
        shown = parent if isinstance(parent, ast.Call) and parent.func is node else node   # torch.f(x), not torch.f
        self.findings.append(Finding(getattr(node, "lineno", 0), kind, quoted(shown), name))

    # --- what an expression refers to ----------------------------------------------------

    def refs(self, node: ast.AST) -> list:
        key = id(node)
        if key not in self.memo:
            self.memo[key] = [UNKNOWN]     # a cycle of aliases refers to nothing in particular
            self.memo[key] = self._refs(node)
        return self.memo[key]

    def _refs(self, node: ast.AST) -> list:
        if isinstance(node, ast.Name):
            return self._name_refs(node.id, self.scopes.scope(node))
        if isinstance(node, ast.Attribute):
            return self._attribute(node, node.value, node.attr, type(node.ctx).__name__)
        name = self._named_attribute_call(node, ("getattr",))
        if name is not None:
            return self._attribute(node, node.args[0], name, "Load")
        return [UNKNOWN]

    def _name_refs(self, name: str, scope: Scope) -> list:
        found = self.scopes.lookup(name, scope)
        out: list = []
        for binding in found.bindings:
            if binding.kind == "import":
                out.append(self._imported(binding.path, from_import=isinstance(binding.node, ast.ImportFrom)))
            elif binding.kind == "assign" and binding.value is not None and binding.scope.kind != "class":
                followed = [r for r in self.refs(binding.value) if isinstance(r, Lib) or r is BAD]
                out.extend(followed or [UNKNOWN])
            else:
                out.append(UNKNOWN)
        for path in found.star:
            resolved = self._imported(path, from_import=True)
            if isinstance(resolved, Lib):
                out.append(resolved)
        if found.builtin:
            out.append(_Builtin(name))
        return out or [UNKNOWN]

    def _attribute(self, node: ast.AST, value: ast.AST, attr: str, ctx: str) -> list:
        out: list = []
        for base in self.refs(value):
            if base is BAD:
                out.append(BAD)
            elif isinstance(base, Lib):
                out.append(self._library_member(node, base, attr, ctx))
            else:
                out.append(self._value_attribute(node, value, attr))
        return out

    def _library_member(self, node: ast.AST, base: Lib, attr: str, ctx: str):
        if ctx != "Load" and not library.settable(base.path):
            self.report(node, "library_change", f"{base.path}.{attr}")
            return BAD
        found = self._loader(library.member(base, attr, self.extra))
        if isinstance(found, Problem):
            self.report(node, found.kind, found.name)
            return BAD
        if self.harness and attr == "as_subclass":
            self.report(node, "subclass_change", found.path)
            return BAD
        entry = self.forbidden.match(found)
        if entry is not None and not (found.is_module and self._is_attribute_base(node)):
            self.report(node, "forbidden", _forbidden_name(found, entry))
            return BAD
        return found

    def _value_attribute(self, node: ast.AST, value: ast.AST, attr: str):
        """An attribute of a learner value: only its name can be checked."""
        if self.harness and attr == "as_subclass":
            self.report(node, "subclass_change", attr)
        elif attr in library.INTROSPECTION:
            self.report(node, "introspection", attr)
        elif library.is_dunder(attr):
            if attr in library.TORCH_HOOKS:
                self.report(node, "torch_hook", attr)
            elif attr not in library.ALLOWED_DUNDERS:
                self.report(node, "dunder", attr)
            else:
                return UNKNOWN
        elif library.is_private(attr) and (attr not in self.own_attributes or library.is_library_attribute(attr)):
            self.report(node, "private_attribute", attr)
        elif attr in self.forbidden.methods and not self._own_class_attribute(value, attr):
            # even on `self` in a class of the learner's that defines the method: `Own.method(tensor)`
            # would make `self` a tensor
            self.report(node, "forbidden", self.forbidden.methods[attr])
        else:
            return UNKNOWN
        return BAD

    def _own_class_attribute(self, value: ast.AST, attr: str) -> bool:
        """``Own.relu`` where the name Own is only ever the learner's class, whose body defines relu."""
        return self._bound_only_as(value, lambda b: b.kind == "class" and attr in _class_defines(b.node))

    # --- checks, one per kind of node -----------------------------------------------------

    def _check_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            found = library.module(alias.name, self.extra)
            self._check_imported(node, found)

    def _check_ImportFrom(self, node: ast.ImportFrom) -> None:
        module_name = "." * node.level + (node.module or "")
        base = library.module(module_name, self.extra)
        if isinstance(base, Problem):
            self.report(node, base.kind, base.name)
            return
        for alias in node.names:
            if alias.name == "*":
                self._check_imported(node, base)
            else:
                self._check_imported(node, self._loader(library.member(base, alias.name, self.extra)))

    def _check_imported(self, node: ast.AST, found) -> None:
        if isinstance(found, Problem):
            self.report(node, found.kind, found.name)
            return
        entry = self.forbidden.match(found)
        if entry is not None:
            self.report(node, "forbidden", _forbidden_name(found, entry))

    def _check_Name(self, node: ast.Name) -> None:
        allowed = library.ALLOWED_DUNDER_NAMES if isinstance(node.ctx, ast.Load) else library.SETTABLE_DUNDER_NAMES
        if library.is_dunder(node.id) and node.id not in allowed:
            scope = self.scopes.scope(node)
            if node.id in library.TORCH_HOOKS:
                self.report(node, "torch_hook", node.id)
            elif node.id in library.CODE_BUILTINS:
                self.report(node, "dynamic_code", node.id)
            elif not (isinstance(node.ctx, ast.Store) and scope.kind == "class"):
                self.report(node, "dunder", node.id)
            return
        if not isinstance(node.ctx, ast.Load):
            return
        for ref in self.refs(node):
            if isinstance(ref, _Builtin):
                self._check_builtin(node, ref.name)
            elif isinstance(ref, Lib):
                self._check_library_value(node, ref)

    def _check_Attribute(self, node: ast.Attribute) -> None:
        for ref in self.refs(node):
            if isinstance(ref, Lib) and isinstance(node.ctx, ast.Load):
                self._check_library_value(node, ref)
        if self.harness and not isinstance(node.ctx, ast.Load):
            self._check_change(node, node.value, node.attr)

    def _check_library_value(self, node: ast.AST, ref: Lib) -> None:
        if ref.path in library.SAFE_LOADS and not self._safe_load(node, ref.path):
            self.report(node, "reflective", ref.path)
            return
        entry = self.forbidden.match(ref)
        if entry is not None and not (ref.is_module and self._is_attribute_base(node)):
            self.report(node, "forbidden", _forbidden_name(ref, entry))
        elif ref.is_module and not self._module_use_allowed(node) and not self._in_dynamic_call(node):
            self.report(node, "module_value", ref.path)
        elif ref.path in library.NAME_TAKING:
            self._check_name_taking(node, ref.path)

    def _check_builtin(self, node: ast.Name, name: str) -> None:
        if name in library.NAMED_ATTRIBUTE_BUILTINS:
            parent = self.scopes.parent(node)
            if self._settings_setattr(node, parent):
                return
            if not (isinstance(parent, ast.Call) and parent.func is node and _literal_name(parent) is not None):
                self.report(parent if isinstance(parent, ast.Call) else node, "dynamic_attribute", name)
        elif name in library.CODE_BUILTINS:
            self.report(node, "dynamic_code", name)
        elif name == "type" and self.harness:
            self._check_type_call(node)
        elif not (library.builtin_allowed(name) or (self.relaxed and name in library.HARNESS_BUILTINS)):
            self.report(node, "builtin", name)

    def _settings_setattr(self, node: ast.Name, call: ast.AST) -> bool:
        """``setattr(torch.backends.cudnn, name, value)`` in a relaxed kata: a computed name, but on a settings
        module (SETTABLE_TREES), where any public name is a setting; so that no dunder slips in, the name must
        be a key of a module-level dict of literal public names (see :meth:`_public_names`)."""
        if not (self.relaxed and node.id == "setattr" and isinstance(call, ast.Call) and call.func is node
                and len(call.args) == 3 and not call.keywords):
            return False
        targets = self.refs(call.args[0])
        return bool(targets) and all(isinstance(r, Lib) and r.is_module and library.settable(r.path)
                                     for r in targets) and self._public_names(call.args[1])

    def _public_names(self, node: ast.AST) -> bool:
        """``name`` is only ever a key of a module-level dict of literal public names: the target of
        ``for name in D`` (or ``D.keys()``), or the first of ``for name, value in D.items()``."""
        if not isinstance(node, ast.Name):
            return False
        found = self.scopes.lookup(node.id, self.scopes.scope(node))
        if not found.bindings or found.star:
            return False
        for binding in found.bindings:
            loop = binding.node
            if not isinstance(loop, ast.For):
                return False
            source, method = loop.iter, None
            if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args:
                source, method = source.func.value, source.func.attr
                if method not in ("items", "keys"):
                    return False
            key = loop.target
            if method == "items":
                key = key.elts[0] if isinstance(key, ast.Tuple) and len(key.elts) == 2 else None
            options = self._literal_options(source)
            if not (isinstance(key, ast.Name) and key.id == node.id) or options is None or \
                    any(name.startswith("_") for name, _ in options):
                return False
        return True

    def _check_Call(self, node: ast.Call) -> None:
        name = self._named_attribute_call(node, ("setattr", "delattr", "hasattr"))
        if name is not None:
            ctx = {"setattr": "Store", "delattr": "Del", "hasattr": "Load"}[node.func.id]
            self._attribute(node, node.args[0], name, ctx)
            if self.harness and ctx != "Load":
                self._check_change(node, node.args[0], name)
        elif self._named_attribute_call(node, ("getattr",)) is not None:
            for ref in self.refs(node):
                if isinstance(ref, Lib):
                    self._check_library_value(node, ref)

    def _check_name_taking(self, node: ast.AST, path: str) -> None:
        """operator.attrgetter("a.b") / methodcaller("m", ...): allowed with literal names, which are
        checked like attributes of a value; a computed name is a dynamic route."""
        call = self.scopes.parent(node)
        if not (isinstance(call, ast.Call) and call.func is node) or not call.args:
            self.report(node, "computed_name", path)
            return
        names = call.args if path.endswith("attrgetter") else call.args[:1]
        for argument in names:
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                self.report(call, "computed_name", path)
                return
            for attr in argument.value.split(".") if path.endswith("attrgetter") else [argument.value]:
                self._value_attribute(call, argument, attr)

    def _check_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in library.TORCH_HOOKS:
            self.report(node, "torch_hook", node.name)

    _check_AsyncFunctionDef = _check_FunctionDef

    # --- a kata's harness: what it builds stays as it is --------------------------------------

    def _check_change(self, node: ast.AST, value: ast.AST, attr: str) -> None:
        """``value.attr = ...`` (or del, setattr): data, or an object of the file's own; never the behaviour
        of an object the harness built. Library objects are refused where they are resolved."""
        if attr in library.DATA_ATTRIBUTES or any(isinstance(r, Lib) or r is BAD for r in self.refs(value)):
            return
        if not self._own_object(value):
            self.report(node, "behaviour_change", attr)

    def _own_object(self, value: ast.AST) -> bool:
        """A name that only ever holds something the file made: its own class or function, ``self`` (or
        ``cls``, ``ctx``) in a method of its own class, or an instance it constructed from a class."""
        return self._bound_only_as(value, self._own_binding)

    def _own_binding(self, binding) -> bool:
        if binding.kind in ("class", "def"):
            return True
        if binding.kind == "param":
            function, outer = binding.scope.node, binding.scope.parent
            arguments = [*function.args.posonlyargs, *function.args.args] \
                if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
            return outer is not None and outer.kind == "class" and arguments[:1] == [binding.node]
        if binding.kind == "assign" and isinstance(binding.value, ast.Call):     # made here, from a class
            func = binding.value.func
            return self._own_class(func) or all(isinstance(r, Lib) and isinstance(r.obj, type) for r in self.refs(func))
        return False

    def _own_class(self, node: ast.AST) -> bool:
        return self._bound_only_as(node, lambda b: b.kind == "class")

    def _check_type_call(self, node: ast.Name) -> None:
        """``type(x)`` hands out the class of a value the harness built: allowed only to compare or name it."""
        call = self.scopes.parent(node)
        if not (isinstance(call, ast.Call) and call.func is node and len(call.args) == 1 and not call.keywords):
            if isinstance(call, ast.Call) and call.func is node and len(call.args) == 3:
                return               # type(name, bases, namespace) makes a class; its bases are checked as values
            self.report(node, "type_escape", "type")
            return
        use = self.scopes.parent(call)
        if isinstance(use, ast.Compare) or isinstance(use, ast.FormattedValue) or \
                (isinstance(use, ast.Attribute) and use.attr in ("__name__", "__qualname__")) or \
                (isinstance(use, ast.Call) and call in use.args and isinstance(use.func, ast.Name)
                 and use.func.id in ("print", "str", "repr", "isinstance", "issubclass")
                 and any(isinstance(r, _Builtin) for r in self.refs(use.func))):
            return
        self.report(call, "type_escape", "type")

    def _loader(self, found):
        """In a relaxed kata a loader of SAFE_LOADS resolves to itself; each use is checked where it is called."""
        if self.relaxed and isinstance(found, Problem) and found.kind == "reflective" and \
                found.name in library.SAFE_LOADS:
            return Lib(found.name, library.real(found.name))
        return found

    def _safe_load(self, node: ast.AST, path: str) -> bool:
        """``torch.load(f)`` or ``torch.load(f, weights_only=True)`` (numpy.load without allow_pickle=True),
        called where it is named, with keywords written out (or from a module-level dict of literals): the
        loader then unpickles no code."""
        call = self.scopes.parent(node)
        if not (isinstance(call, ast.Call) and call.func is node):
            return False
        keyword, wanted = library.SAFE_LOADS[path]
        given: list = []
        for item in call.keywords:
            if item.arg is None:
                options = self._literal_options(item.value)
                if options is None:
                    return False                   # **options could set it
                given += [value for key, value in options if key == keyword]
            elif item.arg == keyword:
                given.append(item.value)
        if not given:
            return library.safe_by_default(path)
        return all(isinstance(v, ast.Constant) and v.value is wanted for v in given)

    def _literal_options(self, node: ast.AST) -> list | None:
        """``**NAME`` where NAME is only ever a module-level dict of string keys: its (key, value) pairs."""
        if not isinstance(node, ast.Name):
            return None
        found = self.scopes.lookup(node.id, self.scopes.scope(node))
        if len(found.bindings) != 1 or found.star or found.bindings[0].kind != "assign":
            return None
        value = found.bindings[0].value
        if not isinstance(value, ast.Dict) or not all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                       for k in value.keys):
            return None
        if not self._only_read(node.id, found.bindings[0]):
            return None
        return [(k.value, v) for k, v in zip(value.keys, value.values)]

    def _only_read(self, name: str, binding) -> bool:
        """Every use of the dict bound by ``binding`` reads it: ``**D``, ``D[k]``, ``for k in D``, ``D.items()``,
        ``D.keys()``, ``D.values()``, ``D.get(k)``. Anything else (``D[k] = v``, ``D.update(...)``, passing
        it to a function) could change it after the analysis read it."""
        for node in ast.walk(self.tree):
            if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
                continue
            if binding not in self.scopes.lookup(name, self.scopes.scope(node)).bindings:
                continue
            parent = self.scopes.parent(node)
            if isinstance(parent, ast.keyword) and parent.arg is None or \
                    isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load) or \
                    isinstance(parent, ast.For) and parent.iter is node:
                continue
            if isinstance(parent, ast.Attribute) and parent.value is node and \
                    parent.attr in ("items", "keys", "values", "get"):
                call = self.scopes.parent(parent)
                if isinstance(call, ast.Call) and call.func is parent:
                    continue
            return False
        return True

    # --- helpers ----------------------------------------------------------------------------

    def _imported(self, path: str, from_import: bool):
        """What an import binds: ``import a.b`` a module, ``from a import b`` a member (or a submodule).
        Problems are reported at the import itself."""
        if from_import:
            module_name, _, attr = path.rpartition(".")
            base = library.module(module_name, self.extra)
            found = self._loader(library.member(base, attr, self.extra)) if isinstance(base, Lib) else base
        else:
            found = library.module(path, self.extra)
        return found if isinstance(found, Lib) else BAD

    def _bound_only_as(self, node: ast.AST, own) -> bool:
        """``node`` is a name whose every binding (and it has one, from no star import) satisfies ``own``."""
        if not isinstance(node, ast.Name):
            return False
        found = self.scopes.lookup(node.id, self.scopes.scope(node))
        return bool(found.bindings) and not found.star and all(own(binding) for binding in found.bindings)

    def _named_attribute_call(self, node: ast.AST, names: tuple[str, ...]) -> str | None:
        """The literal name of ``getattr(x, "name")``-style calls of the builtins ``names``, else None."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
            return None
        if not any(isinstance(r, _Builtin) for r in self.refs(node.func)):
            return None
        return _literal_name(node)

    def _is_attribute_base(self, node: ast.AST) -> bool:
        parent = self.scopes.parent(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            return True
        return isinstance(parent, ast.Call) and parent.args[:1] == [node] and \
            self._named_attribute_call(parent, tuple(library.NAMED_ATTRIBUTE_BUILTINS)) is not None

    def _in_dynamic_call(self, node: ast.AST) -> bool:
        """An argument of getattr & co. with a computed name: the call itself is reported."""
        parent = self.scopes.parent(node)
        return isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and \
            parent.func.id in library.NAMED_ATTRIBUTE_BUILTINS and node in parent.args

    def _module_use_allowed(self, node: ast.AST) -> bool:
        """A module may only be named: as the base of an attribute, or as an alias (``F = torch.nn.functional``
        in a module or function, never kept in a class, a container or passed as an argument)."""
        if self._is_attribute_base(node):
            return True
        parent = self.scopes.parent(node)
        scope = self.scopes.scope(node)
        if isinstance(parent, ast.Assign) and parent.value is node:
            return scope.kind in ("module", "function") and all(isinstance(t, ast.Name) for t in parent.targets)
        if isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.value is node:
            return scope.kind in ("module", "function", "comprehension") and isinstance(parent.target, ast.Name)
        return False

    def _string_annotations(self, nodes: list[ast.AST]) -> list[ast.AST]:
        """String annotations, parsed: ``typing.get_type_hints`` evaluates them, so they are code too."""
        added: list[ast.AST] = []
        for node in nodes:
            annotations = []
            if isinstance(node, ast.arg) and node.annotation is not None:
                annotations.append(node.annotation)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
                annotations.append(node.returns)
            elif isinstance(node, ast.AnnAssign):
                annotations.append(node.annotation)
            for annotation in annotations:
                for text in ast.walk(annotation):
                    if isinstance(text, ast.Constant) and isinstance(text.value, str):
                        added.extend(self._parsed_annotation(text))
        return added

    def _parsed_annotation(self, text: ast.Constant) -> list[ast.AST]:
        try:
            parsed = ast.parse(text.value.strip(), mode="eval")
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return []
        ast.increment_lineno(parsed, getattr(text, "lineno", 1) - 1)
        scope, nodes = self.scopes.scope(text), []
        for node in ast.walk(parsed.body):
            self.scopes.scope_of[id(node)] = scope
            for child in ast.iter_child_nodes(node):
                self.scopes.parents[id(child)] = node
            nodes.append(node)
        self.scopes.parents[id(parsed.body)] = text
        return nodes


def _is_main_test(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and \
        any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _literal_name(call: ast.Call) -> str | None:
    if len(call.args) >= 2 and not any(isinstance(a, ast.Starred) for a in call.args[:2]) \
            and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str):
        return call.args[1].value
    return None


def _forbidden_name(found: Lib, entry: str) -> str:
    return found.path if entry.endswith(".*") or entry == found.path else f"{found.path} ({entry})"


def _class_defines(node: ast.ClassDef) -> set[str]:
    names = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    return names


def _own_attributes(tree: ast.Module) -> set[str]:
    """Attribute names the learner's file defines itself (``self._cache = ...``, methods, class attributes):
    a private name of the learner's own is theirs to use, unless torch's objects have it too."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.ClassDef):
            names |= _class_defines(node)
    return names
