"""The structural half of the rule "no Python loop over the batch", decided from the source.

The graded function (the one the rule calls, and every function of the learner's it calls, with
the arguments it passes, transitively) is read with an abstract interpretation that tracks one
fact per value: *may its length, or its value as a number, grow with the batch?* The trusted
side knows the answer for the arguments, from the two batches the rule builds: a tensor's
dimension grows if its size differs between them (``x.shape[0]`` for a batch in rows, but not
``x.shape[1]`` nor a weight matrix), an int grows if it differs.

A loop over the batch is then any of: a ``for`` loop or comprehension over a growing iterable
(``x``, ``x.tolist()``, ``x.unbind()``, ``range(len(x))``, ``zip(x, t)``...); a ``while`` loop
whose condition grows; ``sum``/``max``/``min``/``sorted``/``any``/``all``/``map``/``filter``/
``functools.reduce``/``itertools.accumulate``/``starmap`` over a growing iterable; an element-wise
Python callback (``Tensor.apply_``, ``numpy.vectorize``...); recursion with a growing argument; and
a loop over a constant that is cut to the batch: stopped or filtered by comparing its counter
with a size, ended by an exception, as long as the largest batch the rule tries, or of a length the
analysis cannot tell while its counter picks rows (``x[i]``). A loop over a constant (``for d in
range(3)``, a literal tuple, ``x.shape``, ``range(x.dim())``, a weight's rows, ``model.parameters()``)
is not a loop over the batch.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from torchkata.rules.findings import Finding, quoted, sorted_unique
from torchkata.rules.interpreter import Interpreter, bind, parameter_names
from torchkata.rules.scopes import FileScopes, Scope
from torchkata.rules.values import CONST, GROWS, MODULE, V, argument, tensor


BUDGET = 20_000    # abstract evaluations per graded function: the course's solutions need at most ~600


class TooComplex(Exception):
    """The file is too large or too tangled to read within the budget: the rule fails (never passes)."""


@dataclass
class _Function:
    node: ast.AST                 # FunctionDef, AsyncFunctionDef or Lambda
    scope: Scope                  # the scope it opens


class LoopAnalysis:
    """Finds loops over the batch in the graded functions of one learner file."""

    def __init__(self, source: str, large: int):
        self.tree = ast.parse(source)
        self.scopes = FileScopes(self.tree)
        self.large = large
        self.findings: list[Finding] = []
        self._done: dict[tuple, V] = {}
        self._stack: list[int] = []
        self._escaped = False
        self._classes_done: set[int] = set()
        self.stored_attributes = {n.attr for n in ast.walk(self.tree)
                                  if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)}
        self._methods: dict[str, list[ast.AST]] = {}
        for cls in ast.walk(self.tree):
            if isinstance(cls, ast.ClassDef):
                for stmt in cls.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self._methods.setdefault(stmt.name, []).append(stmt)
        self._free: dict[int, frozenset] = {}
        self.budget = BUDGET

    # --- entries ----------------------------------------------------------------------------

    def graded(self, name: str, args: tuple[V, ...], kwargs: dict[str, V] | None = None) -> None:
        """The learner's module-level ``name`` called with ``args``."""
        bindings = self.scopes.module.bindings.get(name, [])
        if not bindings:
            star = self.scopes.lookup(name, self.scopes.module).star
            if not star:
                self.findings.append(Finding(1, "loop_unresolved", name, name))
            return
        for binding in bindings:
            if binding.kind == "def":
                self.call(self.function_at(binding.node), list(args), kwargs or {}, binding.node)
                self._decorators(binding.node)
            elif binding.kind == "class":
                self.read_class(binding.node)
            elif binding.kind == "assign" and binding.value is not None:
                self._bound_value(binding.value, args, kwargs or {})
            elif binding.kind != "import":
                self.findings.append(Finding(getattr(binding.node, "lineno", 1), "loop_unresolved",
                                             quoted(binding.node), name))

    def _bound_value(self, value: ast.expr, args: tuple[V, ...], kwargs: dict[str, V]) -> None:
        """``name = <expression>``: a lambda, another of the learner's functions, a library function,
        or something built by a call (functools.partial, a class...): every function of the learner's
        it mentions is read as if called with growing arguments."""
        if isinstance(value, ast.Lambda):
            self.call(self.function_at(value), list(args), kwargs, value)
            return
        if isinstance(value, ast.Name):
            for function in self.own_functions(value):
                self.call(function, list(args), kwargs, value)
            return
        evaluator = Interpreter(self, self.scopes.module, {}, report=True)
        evaluator.eval(value)
        for node in ast.walk(value):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                for function in self.own_functions(node):
                    self.call_growing(function, node)
                for cls in self.own_classes(node):
                    self.read_class(cls)

    def _decorators(self, node: ast.AST) -> None:
        for decorator in getattr(node, "decorator_list", []):
            for name in ast.walk(decorator):
                if isinstance(name, ast.Name):
                    for function in self.own_functions(name):
                        self.call_growing(function, name)

    def read_class(self, node: ast.ClassDef) -> None:
        if id(node) in self._classes_done:
            return
        self._classes_done.add(id(node))
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.call_growing(self.function_at(stmt), stmt)

    # --- functions ---------------------------------------------------------------------------

    def function_at(self, node: ast.AST) -> _Function:
        return _Function(node, self.scopes.scopes[id(node)])

    def own_functions(self, name: ast.Name) -> list[_Function]:
        found = []
        for binding in self.scopes.lookup(name.id, self.scopes.scope(name)).bindings:
            if binding.kind == "def":
                found.append(self.function_at(binding.node))
            elif binding.kind == "assign" and isinstance(binding.value, ast.Lambda):
                found.append(self.function_at(binding.value))
        return found

    def own_classes(self, name: ast.Name) -> list[ast.ClassDef]:
        return [b.node for b in self.scopes.lookup(name.id, self.scopes.scope(name)).bindings if b.kind == "class"]

    def methods(self, attr: str) -> list[_Function]:
        """Every method called ``attr`` in the learner's classes (``self.helper(x)``)."""
        return [self.function_at(stmt) for stmt in self._methods.get(attr, [])]

    def free_names(self, node: ast.AST) -> frozenset:
        """The names a nested function reads: the part of its closure that matters."""
        if id(node) not in self._free:
            self._free[id(node)] = frozenset(n.id for n in ast.walk(node)
                                             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
        return self._free[id(node)]

    def spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise TooComplex()

    def call_growing(self, function: _Function, at: ast.AST, grows: bool = True) -> V:
        """Read ``function`` as if called with growing arguments (``self`` included: an object built from
        the batch holds it)."""
        params = parameter_names(function.node.args)
        return self.call(function, [GROWS if grows else CONST] * len(params), {}, at, synthetic=True)

    def escape(self) -> None:
        """The graded code calls something the analysis cannot name (a function kept in a dict, an
        attribute, a parameter): read every function of the learner's that is used as a value anywhere,
        and every class of theirs, as if called with growing arguments."""
        if self._escaped:
            return
        self._escaped = True
        bases = {id(b) for cls in ast.walk(self.tree) if isinstance(cls, ast.ClassDef) for b in cls.bases}
        for node in ast.walk(self.tree):
            parent = self.scopes.parent(node)
            called = isinstance(parent, ast.Call) and parent.func is node
            if isinstance(node, ast.Lambda) and not called:
                self.call_growing(self.function_at(node), node)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in bases:
                if not called:
                    for function in self.own_functions(node):
                        self.call_growing(function, node)
                for cls in self.own_classes(node):
                    self.read_class(cls)

    def call(self, function: _Function, args: list[V], kwargs: dict[str, V], at: ast.AST,
             arg_nodes: list[ast.expr] | None = None, env: dict[str, V] | None = None, synthetic: bool = False) -> V:
        """Analyse ``function`` called with these abstract arguments; the abstract value it returns.
        ``synthetic``: not a call written in the file (a function read as if called): no recursion."""
        node = function.node
        params = parameter_names(node.args)
        bound = bind(node.args, params, args, kwargs, self, function.scope)
        if id(node) in self._stack:
            if not synthetic:
                self._recursion(node, params, bound, arg_nodes, at)
            return GROWS
        free = self.free_names(node)
        env = {k: v for k, v in (env or {}).items() if k in free and k not in bound}
        key = (id(node), tuple(sorted(bound.items())), tuple(sorted(env.items())))
        if key in self._done:
            return self._done[key]
        self._done[key] = GROWS
        self._stack.append(id(node))
        try:
            local = dict(env or {})
            local.update(bound)
            result = Interpreter(self, function.scope, local, report=True).run_function(node)
        finally:
            self._stack.pop()
        self._done[key] = result
        return result

    def _recursion(self, node: ast.AST, params: list[str], bound: dict[str, V],
                   arg_nodes: list[ast.expr] | None, at: ast.AST) -> None:
        """A recursive call passing on a growing argument that is not the parameter itself."""
        passed_on = [isinstance(a, ast.Name) and i < len(params) and a.id == params[i]
                     for i, a in enumerate(arg_nodes or [])]
        for i, name in enumerate(params):
            if bound.get(name, CONST).any and not (i < len(passed_on) and passed_on[i]):
                self.findings.append(Finding(getattr(at, "lineno", 0), "loop_recursion", quoted(at)))
                return

    def result(self) -> list[Finding]:
        return sorted_unique(self.findings)


def harness_entries(source: str, name: str, args: tuple[V, ...]) -> list[tuple[str, list[V], dict[str, V]]]:
    """The learner functions a kata's harness function ``name(module, *args)`` calls, with what it passes.
    The harness is the course's own code: read, not judged."""
    analysis = LoopAnalysis(source, large=1)
    found: list[tuple[str, list[V], dict[str, V]]] = []
    for node in analysis.tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            function = analysis.function_at(node)
            params = parameter_names(node.args)
            env = bind(node.args, params, [MODULE, *args], {}, analysis, function.scope)

            def on_module_call(attr, call_args, call_kwargs, _node):
                found.append((attr, call_args, call_kwargs))
                return GROWS
            evaluator = Interpreter(analysis, function.scope, env, report=False, on_module_call=on_module_call)
            evaluator.block(node.body)
    return found


def find_batch_loops(source: str, name: str, args: tuple[V, ...], large: int, harness: str | None = None,
                     harness_source: str | None = None) -> list[Finding]:
    """Loops over the batch in what calling ``name`` with ``args`` runs of the learner's ``source``
    (through the kata's harness function ``harness`` when the rule calls one)."""
    try:
        analysis = LoopAnalysis(source, large)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    entries = [(name, list(args), {})]
    if harness and harness_source:
        try:
            entries = harness_entries(harness_source, harness, args) or entries
        except (SyntaxError, ValueError, RecursionError, TooComplex):
            pass
    try:
        for entry, values, kwargs in entries:
            analysis.graded(entry, tuple(values), kwargs)
    except (RecursionError, TooComplex):
        return [Finding(1, "too_complex", name, name)]
    return analysis.result()


__all__ = ["V", "argument", "find_batch_loops", "harness_entries", "tensor", "CONST", "GROWS"]
