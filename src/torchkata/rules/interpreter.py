"""Abstract interpretation of one function body for the loop analysis (see :mod:`torchkata.rules.loops`).

It tracks a :class:`~torchkata.rules.values.V` for every local variable (flow-insensitively, to a fixed
point), reports loops over growing values, and hands calls of the learner's own functions back to the
analysis, which reads them with the arguments they are given.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from torchkata.rules.findings import Finding, quoted
from torchkata.rules.scopes import FileScopes, Scope
from torchkata.rules.values import CONST, GROWS, MODULE, V, arith, derived, tensor

if TYPE_CHECKING:
    from torchkata.rules.loops import LoopAnalysis

# Library functions that call back into Python once per element.
PER_ELEMENT = frozenset({"numpy.vectorize", "numpy.frompyfunc", "numpy.apply_along_axis", "numpy.apply_over_axes",
                         "numpy.fromiter", "numpy.piecewise"})
PER_ELEMENT_METHODS = frozenset({"apply_", "map_", "map2_"})
# Iterate their (first) argument in Python, calling Python-level operations per element.
CONSUMERS = frozenset({"sum", "max", "min", "sorted", "any", "all"})
MAPPERS = frozenset({"map", "filter"})
REDUCERS = frozenset({"functools.reduce", "itertools.accumulate", "itertools.starmap", "itertools.filterfalse",
                      "itertools.takewhile", "itertools.dropwhile", "itertools.groupby"})
UNBOUNDED = frozenset({"itertools.count", "itertools.cycle"})
VECTORISERS = frozenset({"torch.vmap", "torch.func.vmap"})
CONSTANT_ITERATORS = frozenset({"parameters", "named_parameters", "buffers", "named_buffers", "modules",
                                "named_modules", "children", "named_children", "state_dict"})
CONTAINERS = frozenset({"enumerate", "reversed", "list", "tuple", "set", "frozenset", "sorted", "iter"})


def parameter_names(args: ast.arguments) -> list[str]:
    return [a.arg for a in [*args.posonlyargs, *args.args]]


def bind(args: ast.arguments, params: list[str], values: list[V], kwargs: dict[str, V], analysis: LoopAnalysis,
          scope: Scope) -> dict[str, V]:
    bound: dict[str, V] = {}
    defaults = [None] * (len(params) - len(args.defaults)) + list(args.defaults)
    for i, name in enumerate(params):
        if i < len(values):
            bound[name] = values[i]
        elif name in kwargs:
            bound[name] = kwargs[name]
        elif defaults[i] is not None:
            bound[name] = Interpreter(analysis, scope.parent or scope, {}, report=False).eval(defaults[i])
        else:
            bound[name] = CONST
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        bound[arg.arg] = kwargs.get(arg.arg, CONST if default is None else
                                    Interpreter(analysis, scope.parent or scope, {}, report=False).eval(default))
    extra = values[len(params):]
    if args.vararg is not None:
        bound[args.vararg.arg] = V(count=len(extra), elem=any(v.any for v in extra))
    if args.kwarg is not None:
        bound[args.kwarg.arg] = V(elem=any(v.any for k, v in kwargs.items() if k not in bound))
    return bound


class Interpreter:
    """Abstract interpretation of one function body (or a harness's, quietly)."""

    def __init__(self, analysis: LoopAnalysis, scope: Scope, env: dict[str, V], report: bool,
                 on_module_call=None):
        self.a, self.scope, self.env, self.report_on = analysis, scope, env, report
        self.on_module_call = on_module_call
        self.returns: list[V] = []
        self.reporting = report

    def report(self, node: ast.AST, kind: str) -> None:
        if self.reporting:
            self.a.findings.append(Finding(getattr(node, "lineno", 0), kind, quoted(node)))

    # --- statements -----------------------------------------------------------------------------

    def run_function(self, node: ast.AST) -> V:
        body = node.body if isinstance(node.body, list) else [ast.Return(value=node.body)]
        if not isinstance(node.body, list):
            ast.copy_location(body[0], node.body)
        self.reporting = False
        for _ in range(2):                    # reach a fixed point of the variables' values first
            self.returns = []
            self.block(body)
        self.reporting = self.report_on
        self.returns = []
        self.block(body)
        result = CONST
        for value in self.returns:
            result = result.join(value)
        return result

    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def assign(self, target: ast.expr, value: V, value_node: ast.expr | None = None) -> None:
        if isinstance(target, ast.Name):
            old = self.env.get(target.id)
            self.env[target.id] = value if old is None else old.join(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            parts = self._unpacked(value, value_node, len(target.elts))
            for element, part in zip(target.elts, parts):
                self.assign(element.value if isinstance(element, ast.Starred) else element, part)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value)
        else:
            self.eval(target)

    def _unpacked(self, value: V, node: ast.expr | None, n: int) -> list[V]:
        if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == n and \
                not any(isinstance(e, ast.Starred) for e in node.elts):
            return [self.eval(e) for e in node.elts]
        if value.shape and value.dims is not None and len(value.dims) == n:
            return [V(grows=g, value=None if g or value.sizes is None else value.sizes[i])
                    for i, g in enumerate(value.dims)]
        return [GROWS if value.any else CONST] * n

    def stmt(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            value = self.eval(node.value)
            for target in node.targets:
                self.assign(target, value, node.value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.eval(node.value), node.value)
        elif isinstance(node, ast.AugAssign):
            value = self.eval(node.value)
            current = self.eval(node.target) if isinstance(node.target, ast.Name) else CONST
            self.assign(node.target, current.join(value) if (current.any or value.any) else
                        V(value=arith(node.op, current.value, value.value)))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.for_loop(node)
        elif isinstance(node, ast.While):
            self.while_loop(node)
        elif isinstance(node, ast.Return):
            self.returns.append(self.eval(node.value) if node.value is not None else CONST)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                self.eval(decorator)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.stmt(child)
                elif isinstance(child, ast.expr):
                    self.eval(child)
                elif isinstance(child, (ast.excepthandler, ast.withitem, ast.match_case)):
                    self.stmt_like(child)

    def stmt_like(self, node: ast.AST) -> None:
        if isinstance(node, ast.withitem):
            value = self.eval(node.context_expr)
            if node.optional_vars is not None:
                self.assign(node.optional_vars, value)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.stmt(child)
            elif isinstance(child, ast.expr):
                self.eval(child)

    # --- loops --------------------------------------------------------------------------------

    def for_loop(self, node: ast.For) -> None:
        iterated = self.eval(node.iter)
        if iterated.grows:
            self.report(node.iter, "loop_for")
        else:
            self.bounded(node, self._counters(node), iterated.count, node.iter)
        self.assign(node.target, self.element(iterated, node.iter), None)
        self.block(node.body)
        self.block(node.orelse)

    def _counters(self, node: ast.For) -> set[str]:
        """The loop variables that count turns: ``i`` in ``for i in range(...)`` or ``enumerate(...)``."""
        if isinstance(node.iter, ast.Call):
            path = library_path(node.iter.func, self.a.scopes)
            if path == "builtins.range":
                return _target_names(node.target)
            if path == "builtins.enumerate" and isinstance(node.target, ast.Tuple) and node.target.elts:
                return _target_names(node.target.elts[0])
        return set()

    def while_loop(self, node: ast.While) -> None:
        test = self.eval(node.test)
        if test.any:
            self.report(node.test, "loop_while")
        else:
            self.bounded(node, _names(node.test), _while_count(node.test), node.test)
        self.block(node.body)
        self.block(node.orelse)

    def bounded(self, loop: ast.AST, counters: set[str], count: int | None, header: ast.expr) -> None:
        """A loop over a constant: still a loop over the batch if the batch decides when it stops or
        which turns do work, or if it is as long as the largest batch the rule tries."""
        body = loop.body
        if count is not None and count >= self.a.large and self._mentions_growing(body):
            self.report(header, "loop_long")
            return
        if count is None and self._indexes_rows(body, counters):
            self.report(header, "loop_rows")
            return
        for node, tests in _walk_with_tests(body):
            if isinstance(node, ast.Compare) and self._compares_counter(node, counters):
                self.report(node, "loop_cut")
                return
            if isinstance(node, (ast.Break, ast.Return, ast.Raise)) and any(self.eval(t).any for t in tests):
                self.report(node, "loop_cut")
                return
            if isinstance(node, ast.Try) and self._mentions_growing(node.body):
                self.report(node, "loop_cut")
                return

    def _indexes_rows(self, body: list[ast.stmt], counters: set[str]) -> bool:
        """``x[i]``, ``x[i:i + 1]``: the loop's counter picks rows along a dimension that grows. With a length
        the analysis cannot tell, such a loop could visit every row of any batch."""
        for node, _ in _walk_with_tests(body):
            if not isinstance(node, ast.Subscript) or not counters:
                continue
            first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
            base = self.eval(node.value)
            rows_grow = base.dims[0] if base.dims else base.grows
            if rows_grow and not base.shape and any(isinstance(n, ast.Name) and n.id in counters
                                                   for n in ast.walk(first)):
                return True
        return False

    def _compares_counter(self, node: ast.Compare, counters: set[str]) -> bool:
        sides = [node.left, *node.comparators]
        with_counter = [s for s in sides if _mentions(s, counters)]
        others = [self.eval(s) for s in sides if s not in with_counter]
        return bool(with_counter) and any(v.any and v.number for v in others)

    def _mentions_growing(self, body: list[ast.stmt]) -> bool:
        for node, _ in _walk_with_tests(body):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and self.env.get(node.id, CONST).any:
                return True
        return False

    def element(self, iterated: V, node: ast.expr) -> V:
        """What one turn of a loop over ``iterated`` gets."""
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            result = CONST
            for element in node.elts:
                result = result.join(self.eval(element))
            return result
        if iterated.shape:
            return V(grows=bool(iterated.dims and any(iterated.dims)) or iterated.elem)
        if iterated.dims is not None and len(iterated.dims) > 1:
            return tensor(iterated.dims[1:], iterated.sizes[1:] if iterated.sizes else ())
        return GROWS if iterated.elem else CONST

    # --- expressions ------------------------------------------------------------------------

    def eval(self, node: ast.expr | None) -> V:
        if node is None:
            return CONST
        self.a.spend()
        method = getattr(self, f"_eval_{type(node).__name__}", None)
        if method is not None:
            return method(node)
        values = [self.eval(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
        return derived(*values)

    def _eval_Constant(self, node: ast.Constant) -> V:
        value = node.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return V(value=value, number=True)    # a float too: int(64.0) is a known bound
        return CONST

    def _eval_Name(self, node: ast.Name) -> V:
        if node.id in self.env:
            return self.env[node.id]
        if isinstance(node.ctx, ast.Load):
            # a function of the learner's used as a value (passed on, stored): read it as if called
            # with growing arguments, since what will call it is not known here
            parent = self.a.scopes.parent(node)
            if not (isinstance(parent, ast.Call) and parent.func is node):
                for function in self.a.own_functions(node):
                    if self.reporting:
                        self.a.call_growing(function, node)
        return CONST

    def _eval_Attribute(self, node: ast.Attribute) -> V:
        base = self.eval(node.value)
        if node.attr == "shape":
            return V(shape=True, dims=base.dims, sizes=base.sizes, elem=base.any and base.dims is None)
        if node.attr in ("T", "mT", "H", "mH") and base.dims is not None and len(base.dims) >= 2:
            dims, sizes = base.dims, base.sizes or ()
            if node.attr == "T":
                return tensor(dims[::-1], sizes[::-1])
            return tensor(dims[:-2] + dims[-1:] + dims[-2:-1], sizes[:-2] + sizes[-1:] + sizes[-2:-1])
        if node.attr in ("ndim",):
            return V(value=len(base.dims), number=True) if base.dims is not None else V(number=True)
        if node.attr in ("data", "real", "grad"):
            return base
        return derived(base)

    def _eval_Subscript(self, node: ast.Subscript) -> V:
        base = self.eval(node.value)
        index = node.slice
        if base.shape:
            return self._shape_item(base, index)
        if base.dims is not None:
            result = self._tensor_item(base, index)
            if result is not None:
                return result
        return derived(base, self.eval(index))

    def _shape_item(self, base: V, index: ast.expr) -> V:
        position = self.eval(index).value
        if base.dims is None:
            return V(grows=base.elem, elem=base.elem, number=True)
        if isinstance(index, ast.Slice):
            return V(shape=True, elem=any(base.dims))
        if not isinstance(position, int) or not -len(base.dims) <= position < len(base.dims):
            return V(grows=any(base.dims), elem=any(base.dims), number=True)
        grows = base.dims[position]
        return V(grows=grows, value=None if grows or not base.sizes else base.sizes[position], number=True)

    def _tensor_item(self, base: V, index: ast.expr) -> V | None:
        items = list(index.elts) if isinstance(index, ast.Tuple) else [index]
        dims, sizes = list(base.dims), list(base.sizes or [0] * len(base.dims))
        out_dims, out_sizes, position = [], [], 0
        for item in items:
            if isinstance(item, ast.Constant) and item.value is None:
                out_dims.append(False)
                out_sizes.append(1)
                continue
            if isinstance(item, ast.Constant) and item.value is Ellipsis:
                return None
            if position >= len(dims):
                return None
            if isinstance(item, ast.Slice):
                bounds = [self.eval(b) for b in (item.lower, item.upper, item.step) if b is not None]
                if any(b.any for b in bounds):
                    out_dims.append(True)
                elif item.upper is not None and item.lower is None and self.eval(item.upper).value is not None:
                    out_dims.append(False)
                else:
                    out_dims.append(dims[position])
                out_sizes.append(sizes[position])
                position += 1
                continue
            value = self.eval(item)
            if value.dims is not None or value.count is not None or value.any:
                return None               # indexing with a tensor or a list: a gather, shape unknown here
            position += 1                 # an int drops the dimension
        out_dims += dims[position:]
        out_sizes += sizes[position:]
        return tensor(tuple(out_dims), tuple(out_sizes))

    def _eval_BinOp(self, node: ast.BinOp) -> V:
        left, right = self.eval(node.left), self.eval(node.right)
        if left.number and right.number:
            if not left.any and not right.any:
                return V(value=arith(node.op, left.value, right.value), number=True)
            return V(grows=True, elem=True, number=True)
        if not left.any and not right.any:
            return V(value=arith(node.op, left.value, right.value))
        if left.dims is not None and right.dims is None and not right.any:
            return left
        if right.dims is not None and left.dims is None and not left.any:
            return right
        if left.dims is not None and left.dims == right.dims:
            return left
        return derived(left, right)

    def _eval_UnaryOp(self, node: ast.UnaryOp) -> V:
        operand = self.eval(node.operand)
        if isinstance(node.op, ast.USub) and operand.value is not None and not operand.any:
            return V(value=-operand.value, number=True)
        return operand if operand.dims is not None else derived(operand)

    def _eval_Tuple(self, node: ast.Tuple) -> V:
        values = [self.eval(e) for e in node.elts]
        starred = any(isinstance(e, ast.Starred) and v.grows for e, v in zip(node.elts, values))
        return V(grows=starred, elem=any(v.any for v in values) or starred,
                 count=None if any(isinstance(e, ast.Starred) for e in node.elts) else len(node.elts))

    _eval_List = _eval_Set = _eval_Tuple

    def _eval_Dict(self, node: ast.Dict) -> V:
        values = [self.eval(v) for v in [*node.keys, *node.values] if v is not None]
        return V(elem=any(v.any for v in values), count=len(node.keys))

    def _eval_Lambda(self, node: ast.Lambda) -> V:
        parent = self.a.scopes.parent(node)
        if not (isinstance(parent, ast.Call) and parent.func is node) and self.reporting:
            self.a.call(self.a.function_at(node), [GROWS] * len(parameter_names(node.args)), {}, node,
                        env=self._closure(), synthetic=True)
        return CONST

    def _eval_NamedExpr(self, node: ast.NamedExpr) -> V:
        value = self.eval(node.value)
        self.assign(node.target, value, node.value)
        return value

    def _eval_IfExp(self, node: ast.IfExp) -> V:
        self.eval(node.test)
        return self.eval(node.body).join(self.eval(node.orelse))

    def _eval_Starred(self, node: ast.Starred) -> V:
        return self.eval(node.value)

    def _comprehension(self, node: ast.AST) -> V:
        grows = False
        elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for generator in node.generators:
            iterated = self.eval(generator.iter)
            self.assign(generator.target, self.element(iterated, generator.iter))
            if iterated.grows:
                self.report(generator.iter, "loop_comprehension")
                grows = True
            else:
                self._bounded_comprehension(generator, iterated, elements)
            for condition in generator.ifs:
                self.eval(condition)
        values = [self.eval(e) for e in elements]
        return V(grows=grows, elem=grows or any(v.any for v in values))

    def _bounded_comprehension(self, generator: ast.comprehension, iterated: V, elements: list[ast.expr]) -> None:
        """The checks of :meth:`bounded`, for ``[f(x[i]) for i in range(4096) if i < len(x)]``."""
        parts = [*elements, *generator.ifs]
        growing = any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and self.env.get(n.id, CONST).any
                      for part in parts for n in ast.walk(part))
        if iterated.count is not None and iterated.count >= self.a.large and growing:
            self.report(generator.iter, "loop_long")
            return
        counters = set()
        iterable = generator.iter
        if isinstance(iterable, ast.Call) and library_path(iterable.func, self.a.scopes) == "builtins.range":
            counters = _target_names(generator.target)
        for condition in generator.ifs:
            for node in ast.walk(condition):
                if isinstance(node, ast.Compare) and self._compares_counter(node, counters):
                    self.report(node, "loop_cut")
                    return

    _eval_ListComp = _eval_SetComp = _eval_GeneratorExp = _eval_DictComp = _comprehension

    # --- calls ------------------------------------------------------------------------------

    def _eval_Call(self, node: ast.Call) -> V:
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg is not None}
        for k in node.keywords:
            if k.arg is None:
                self.eval(k.value)
        func = node.func
        path = library_path(func, self.a.scopes)
        if isinstance(func, ast.Attribute):
            base = self.eval(func.value)
            if base is MODULE and self.on_module_call is not None:
                return self.on_module_call(func.attr, args, kwargs, node)
            if path is None or not path.startswith(("torch.", "numpy.", "math.", "itertools.", "functools.")):
                method = self._method(node, func.attr, base, args, kwargs)
                if method is not None:
                    return method
        if path is not None and path.startswith("builtins."):
            return self._builtin(node, path[len("builtins."):], args, kwargs)
        if path is not None:
            return self._library(node, path, args, kwargs)
        if isinstance(func, ast.Name):
            own = self.a.own_functions(func)
            classes = self.a.own_classes(func)
            if own or classes:
                result = CONST
                for function in own:
                    result = result.join(self.a.call(function, args, kwargs, node, list(node.args),
                                                      env=self._closure()))
                for cls in classes:
                    if self.reporting:
                        self.a.read_class(cls)
                    result = result.join(derived(*args, *kwargs.values()))
                return result
        if isinstance(func, ast.Lambda):
            return self.a.call(self.a.function_at(func), args, kwargs, node, list(node.args), env=self._closure())
        callee = self.eval(func) if not isinstance(func, ast.Name) else self.env.get(func.id, CONST)
        if not isinstance(func, (ast.Attribute, ast.Call)) and self.reporting:
            # a callee the analysis cannot name (a parameter, a dict entry): calls of functions returned by
            # calls (torch.vmap(f)(x), make()(x)) need nothing more: what was passed or returned was read
            self.a.escape()
        return derived(callee, *args, *kwargs.values())

    def _closure(self) -> dict[str, V]:
        return {k: v for k, v in self.env.items()}

    def _builtin(self, node: ast.Call, name: str, args: list[V], kwargs: dict[str, V]) -> V:
        first = args[0] if args else CONST
        if name == "len":
            if first.shape:
                return V(value=len(first.dims), number=True) if first.dims is not None else V(number=True)
            if first.dims is not None:
                grows = bool(first.dims and first.dims[0])
                return V(grows=grows, value=None if grows or not first.sizes else first.sizes[0], number=True)
            return V(grows=first.grows or first.elem and first.count is None, number=True,
                     value=first.count if first.count is not None and first.count >= 0 else None)
        if name == "range":
            grows = any(a.any for a in args)
            values = [a.value for a in args]
            count = _range_length(values)
            return V(grows=grows, count=count)
        if name in CONSUMERS and len(node.args) == 1 and first.grows:
            self.report(node, "loop_builtin")
        if name in MAPPERS:
            if any(a.grows for a in args[1:]):
                self.report(node, "loop_builtin")
            self._called_back(node.args[:1])
            return V(grows=any(a.grows for a in args[1:]), elem=True)
        if name in CONTAINERS:
            return V(grows=first.grows, elem=first.any, count=first.count)
        if name == "zip":
            return V(grows=any(a.grows for a in args), elem=any(a.any for a in args))
        if name == "iter" and len(args) == 2:
            return GROWS
        if name in ("int", "float", "abs", "round") and len(args) == 1:
            known = first.value
            if known is not None and name in ("int", "round"):
                known = _integer(known, name)
            return V(grows=first.any, elem=first.any, value=known, number=True)
        if name in ("min", "max") and len(args) == 1:
            return derived(first)
        if name in ("min", "max") and all(a.number for a in args):
            values = [a.value for a in args]
            if all(not a.any for a in args) and None not in values:
                return V(value=(min if name == "min" else max)(values), number=True)
            return V(grows=any(a.any for a in args), elem=any(a.any for a in args), number=True)
        if name in ("sorted",):
            self._called_back([k.value for k in node.keywords if k.arg == "key"])
        return derived(*args, *kwargs.values())

    def _library(self, node: ast.Call, path: str, args: list[V], kwargs: dict[str, V]) -> V:
        if path in PER_ELEMENT:
            self.report(node, "loop_per_element")
            self._called_back(node.args[:1])
            return GROWS
        if path in REDUCERS:
            iterable = args[1:2] if path in ("functools.reduce", "itertools.starmap", "itertools.filterfalse",
                                             "itertools.takewhile", "itertools.dropwhile") else args[:1]
            if any(a.grows for a in iterable):
                self.report(node, "loop_builtin")
            self._called_back(node.args[:1] if path != "itertools.accumulate" else
                              [k.value for k in node.keywords if k.arg == "func"] + node.args[1:2])
            return V(grows=any(a.grows for a in iterable), elem=True)
        if path in UNBOUNDED or (path == "itertools.repeat" and len(args) < 2 and "times" not in kwargs):
            return GROWS
        if path in VECTORISERS:
            self._called_back(node.args[:1], grows=False)
            return CONST
        if path in ("torch.arange", "torch.randperm") and args:
            return tensor((any(a.any for a in args),), (0,))
        return derived(*args, *kwargs.values())     # any other library function: no Python loop of the learner's

    def _called_back(self, functions: list[ast.expr], grows: bool = True) -> None:
        """Functions of the learner's handed to something that calls them (map, sorted's key, vmap):
        read as if called with growing arguments (constant ones under vmap: one example at a time)."""
        if not self.reporting:
            return
        for function in functions:
            if isinstance(function, ast.Lambda):
                arguments = [GROWS if grows else CONST] * len(parameter_names(function.args))
                self.a.call(self.a.function_at(function), arguments, {}, function, env=self._closure(), synthetic=True)
            elif isinstance(function, ast.Name):
                for own in self.a.own_functions(function):
                    self.a.call_growing(own, function, grows=grows)

    def _method(self, node: ast.Call, attr: str, base: V, args: list[V], kwargs: dict[str, V]) -> V | None:
        first = args[0] if args else kwargs.get("dim", V(value=0))
        if attr in PER_ELEMENT_METHODS:
            self.report(node, "loop_per_element")
            self._called_back(node.args[-1:])
            return base
        if attr == "size":
            if not args and "dim" not in kwargs:
                return V(shape=True, dims=base.dims, sizes=base.sizes, elem=base.any and base.dims is None)
            return self._shape_item(V(shape=True, dims=base.dims, sizes=base.sizes, elem=base.any),
                                    node.args[0] if node.args else ast.Constant(first.value))
        if attr in ("dim", "ndimension"):
            return V(value=len(base.dims), number=True) if base.dims is not None else V(number=True)
        if attr in ("numel", "item"):
            return V(grows=base.any, elem=base.any, number=True)
        if attr in ("unbind", "split", "tensor_split", "chunk"):
            dim = kwargs.get("dim", args[1] if len(args) > 1 and attr != "unbind" else
                             (args[0] if attr == "unbind" and args else V(value=0)))
            along = self._shape_item(V(shape=True, dims=base.dims, sizes=base.sizes, elem=base.any),
                                     ast.Constant(dim.value if dim.value is not None else 0))
            if attr in ("chunk", "tensor_split") and args and not args[0].any and args[0].value is not None:
                return V(count=args[0].value, elem=base.any)
            return V(grows=along.grows or (attr != "unbind" and bool(args) and args[0].any) or dim.any,
                     elem=base.any)
        if attr == "tolist":
            return V(grows=base.grows, elem=base.any)
        if attr in CONSTANT_ITERATORS:
            return CONST
        if attr in ("items", "keys", "values"):
            return V(grows=base.grows, elem=base.any)
        if self.reporting:
            for method in self.a.methods(attr):       # self.helper(x): a method of the learner's
                self.a.call(method, [base, *args], kwargs, node)
            if attr in self.a.stored_attributes and not self.a.methods(attr):
                self.a.escape()                        # self.fn(x), where self.fn = some function
        return None


def _integer(value, how: str):
    try:
        return int(value) if how == "int" else round(value)
    except (OverflowError, ValueError, TypeError):
        return None


def _range_length(values: list) -> int | None:
    if not values or len(values) > 3 or any(not isinstance(v, int) or isinstance(v, bool) for v in values):
        return None
    try:
        return len(range(*values))
    except (ValueError, OverflowError):
        return None


def _target_names(target: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _mentions(node: ast.AST, names: set[str]) -> bool:
    """``node`` uses one of ``names`` as a number (not as an index inside a subscript: x[:, d])."""
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Subscript):
        return _mentions(node.value, names)
    return any(_mentions(child, names) for child in ast.iter_child_nodes(node))


def _while_count(test: ast.expr) -> int | None:
    """``while i < 100``: at most 100 turns (for the long-loop check); None when unknown."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Lt, ast.LtE)):
        bound = test.comparators[0]
        if isinstance(bound, ast.Constant) and isinstance(bound.value, int):
            return bound.value
    return None


def _walk_with_tests(body: list[ast.stmt]):
    """Every node of ``body`` (not inside functions defined there), with the tests of the ``if`` and
    ``while`` statements it lies under."""
    stack = [(stmt, ()) for stmt in reversed(body)]
    while stack:
        node, tests = stack.pop()
        yield node, tests
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        inner = tests + (node.test,) if isinstance(node, (ast.If, ast.While)) else tests
        for child in reversed(list(ast.iter_child_nodes(node))):
            stack.append((child, inner if isinstance(child, ast.stmt) else tests))


def library_path(node: ast.expr, scopes: FileScopes) -> str | None:
    """The dotted library name an expression stands for, through imports and aliases (no objects)."""
    if isinstance(node, ast.Attribute):
        base = library_path(node.value, scopes)
        return f"{base}.{node.attr}" if base else None
    if not isinstance(node, ast.Name):
        return None
    found = scopes.lookup(node.id, scopes.scope(node))
    for binding in found.bindings:
        if binding.kind == "import":
            return binding.path
        if binding.kind == "assign" and isinstance(binding.value, (ast.Name, ast.Attribute)) \
                and binding.value is not node:
            path = library_path(binding.value, scopes)
            if path:
                return path
    if found.star:
        return found.star[0]
    if found.builtin:
        return f"builtins.{node.id}"
    return None
