"""What library names in a learner's file refer to: decided on the trusted side, with the real modules.

This is the allow-list. Graded code may reach:

- the modules in :data:`ALLOWED_MODULES` (torch's public namespaces, numpy's numeric ones, and the
  standard library's pure-computation modules), by ``import`` or through an attribute;
- their *public* members (no name starting with ``_``), except the few in :data:`REFLECTIVE` that
  look code or APIs up by a name given at run time (``torch.ops``, ``torch.load``'s unpickler,
  ``typing.get_type_hints``...);
- a small set of dunder attributes (:data:`ALLOWED_DUNDERS`: ``super().__init__()``, ``f.__name__``).

Everything else is refused: every other module (``sys``, ``importlib``, ``ctypes``, ``inspect``,
``builtins``, torch's private ``torch._C``, ``torch.jit``, ``torch.library``, ``torch.overrides``...),
whether imported or reached through an attribute (``torch.nn.functional.importlib``), and every
private or unlisted dunder attribute. Names are resolved with the real objects (``getattr`` on the
trusted side's torch), so a re-export is the object it re-exports: ``torch.nn.modules.BatchNorm1d``
is ``torch.nn.BatchNorm1d``.
"""
from __future__ import annotations

import builtins
import importlib
import importlib.util
import os
import sys
import types
from dataclasses import dataclass
from functools import lru_cache

# Modules graded code may use: a name here, or inside one of the trees.
ALLOWED_MODULES = frozenset({
    "__future__", "math", "cmath", "random", "statistics", "numbers", "fractions", "decimal", "itertools",
    "functools", "operator", "collections", "collections.abc", "dataclasses", "enum", "abc", "copy",
    "contextlib", "warnings", "typing", "typing_extensions", "time", "heapq", "bisect", "logging", "re", "json",
    "pprint", "textwrap",
    "numpy", "numpy.linalg", "numpy.random", "numpy.fft",
    "torch", "torch.utils", "torch.functional", "torch.random", "torch.types", "torch.version",
    "torch.return_types", "torch.quasirandom", "torch.torch_version",
})
ALLOWED_TREES = ("torch.nn", "torch.linalg", "torch.special", "torch.fft", "torch.autograd", "torch.func",
                 "torch.optim", "torch.utils.data", "torch.distributions", "torch.cuda", "torch.amp", "torch.cpu",
                 "torch.mps", "torch.backends", "torch.testing", "torch.masked", "torch.sparse", "torch.nested")
NOT_IN_TREES = ("torch.nn.grad",)   # inside an allowed tree, but reached as `F.grad`: say so instead of "unknown"

# A kata with a harness and nothing forbidden (see routes.find_routes(harness=True)) may also use files and
# the environment, as a checkpoint or a seeding kata needs: these modules, os with only these members, the
# builtin open(), and the loaders when they cannot unpickle code.
HARNESS_MODULES = frozenset({"os", "os.path", "posixpath", "pathlib", "io", "tempfile"})
OS_MEMBERS = frozenset({
    "environ", "getenv", "path", "sep", "linesep", "devnull", "curdir", "pardir", "fspath", "PathLike", "getcwd",
    "listdir", "scandir", "walk", "stat", "makedirs", "mkdir", "remove", "unlink", "rmdir", "rename", "replace",
    "cpu_count",
})
HARNESS_BUILTINS = frozenset({"open"})
SAFE_LOADS = {"torch.load": ("weights_only", True), "numpy.load": ("allow_pickle", False)}
# Attributes of a value the grader gave that hold data, not behaviour: setting them changes no code.
DATA_ATTRIBUTES = frozenset({"grad", "data", "requires_grad", "weight", "bias", "training"})

# Public names that look code or APIs up by a name given at run time (or unpickle, which can).
REFLECTIVE = frozenset({
    "torch.ops", "torch.classes", "torch.load", "torch.get_device_module", "numpy.load",
    "typing.get_type_hints", "typing.ForwardRef", "typing_extensions.get_type_hints",
    "typing_extensions.ForwardRef", "functools.singledispatch", "functools.singledispatchmethod",
})
# Allowed only when called with names written as string literals, which are then checked.
NAME_TAKING = frozenset({"operator.attrgetter", "operator.methodcaller"})
# Settings graded code may change (assigning to any other library attribute is refused).
SETTABLE_TREES = ("torch.backends",)

ALLOWED_DUNDERS = frozenset({
    "__init__", "__call__", "__name__", "__qualname__", "__doc__", "__version__", "__len__", "__getitem__",
    "__setitem__", "__contains__", "__iter__", "__next__", "__enter__", "__exit__", "__repr__", "__str__",
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__bool__", "__neg__", "__pos__",
    "__abs__", "__add__", "__radd__", "__iadd__", "__sub__", "__rsub__", "__isub__", "__mul__", "__rmul__",
    "__imul__", "__truediv__", "__rtruediv__", "__itruediv__", "__floordiv__", "__mod__", "__pow__",
    "__rpow__", "__matmul__", "__rmatmul__", "__post_init__",
})
ALLOWED_DUNDER_NAMES = frozenset({"__name__", "__doc__", "__file__", "__all__", "__version__", "__author__"})
SETTABLE_DUNDER_NAMES = frozenset({"__doc__", "__all__", "__version__", "__author__"})   # never __name__
TORCH_HOOKS = frozenset({"__torch_function__", "__torch_dispatch__"})   # see every torch call, and its callee

# The interpreter's introspection attributes (frames, code objects, generators, tracebacks): the way from
# any value to a module's globals.
INTROSPECTION = frozenset({
    "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "f_trace", "tb_frame", "tb_next", "gi_frame",
    "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code", "ag_await",
    "co_code", "co_consts", "co_names", "func_globals", "func_code",
})

# Builtins graded code may use. getattr/setattr/delattr/hasattr are allowed only with a literal name.
ALLOWED_BUILTINS = frozenset({
    "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr", "classmethod",
    "complex", "dict", "dir", "divmod", "enumerate", "filter", "float", "format", "frozenset", "hash", "hex",
    "id", "int", "isinstance", "issubclass", "iter", "len", "list", "map", "max", "min", "next", "object",
    "oct", "ord", "pow", "print", "property", "range", "repr", "reversed", "round", "set", "slice", "sorted",
    "staticmethod", "str", "sum", "super", "tuple", "type", "zip", "NotImplemented", "Ellipsis", "None",
    "True", "False", "__debug__", "__name__", "__doc__",
})
NAMED_ATTRIBUTE_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
CODE_BUILTINS = frozenset({"eval", "exec", "compile", "__import__", "globals", "locals", "vars", "breakpoint",
                           "__build_class__", "__loader__", "__spec__", "__builtins__"})


def safe_by_default(loader: str) -> bool:
    """Whether a loader in SAFE_LOADS unpickles no code when its keyword is left out: numpy.load always
    (allow_pickle=False), torch.load from torch 2.6 on (weights_only=True); the worker runs this torch."""
    if loader != "torch.load":
        return True
    import torch
    try:
        return tuple(int(part) for part in torch.__version__.split("+")[0].split(".")[:2]) >= (2, 6)
    except ValueError:
        return False


def settable(path: str) -> bool:
    """A library object whose attributes graded code may set (SETTABLE_TREES: torch.backends' settings)."""
    return _within(path, SETTABLE_TREES)


def _within(path: str, trees: tuple[str, ...]) -> bool:
    return any(path == tree or path.startswith(tree + ".") for tree in trees)


def builtin_allowed(name: str) -> bool:
    if name in ALLOWED_BUILTINS:
        return True
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def module_allowed(name: str, extra: frozenset = frozenset()) -> bool:
    if _within(name, NOT_IN_TREES):
        return False
    return name in ALLOWED_MODULES or name in extra or _within(name, ALLOWED_TREES)


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__") and len(name) > 4)


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


MISSING = object()   # no such name


@dataclass(frozen=True)
class Lib:
    """A library object reached by name: its canonical dotted path, and the object itself."""
    path: str
    obj: object = MISSING

    @property
    def is_module(self) -> bool:
        return isinstance(self.obj, types.ModuleType)


@dataclass(frozen=True)
class Problem:
    """Why a name may not be used: "private", "dunder", "module", "reflective" or "unknown"."""
    kind: str
    name: str


def module(name: str, extra: frozenset = frozenset()) -> Lib | Problem:
    """The module ``import name`` gives (relative imports are refused: a kata is a single file).
    ``extra``: modules allowed beyond the allow-list (HARNESS_MODULES)."""
    if name.startswith(".") or not name:
        return Problem("module", name or ".")
    if any(is_private(part) for part in name.split(".")):
        return Problem("private", name)
    if not module_allowed(name, extra):
        return Problem("module", name)
    obj = sys.modules.get(name)
    if obj is None:
        obj = _import_trusted(name)
    return Lib(name, obj) if obj is not None else Problem("unknown", name)


def _import_trusted(name: str):
    """Import an allowed module here, never from the learner's folder (the current directory)."""
    saved, here = sys.path[:], os.getcwd()
    sys.path[:] = [entry for entry in saved if entry not in ("", ".", here)]
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 — a name the library does not have
        return None
    finally:
        sys.path[:] = saved


def member(base: Lib, attr: str, extra: frozenset = frozenset()) -> Lib | Problem:
    """``base.attr``, checked against the allow-list (``extra``: as for :func:`module`)."""
    path = f"{base.path}.{attr}"
    if base.path == "os" and attr not in OS_MEMBERS:
        return Problem("module", path)
    if is_dunder(attr):
        return Lib(path, _get(base.obj, attr)) if attr in ALLOWED_DUNDERS else Problem("dunder", path)
    if is_private(attr):
        return Problem("private", path)
    if isinstance(base.obj, types.ModuleType):
        value = base.obj.__dict__.get(attr, MISSING)
        if value is MISSING and _is_submodule(path):   # not imported yet: an allowed one is, here
            return module(path, extra) if module_allowed(path, extra) else Problem("module", path)
        if value is MISSING:
            value = _get(base.obj, attr)     # numpy's lazy members, torch.backends' settings (trusted code)
    else:
        value = _get(base.obj, attr)
    if value is MISSING:
        return Problem("unknown", path)
    if path in REFLECTIVE or _is_reflective(value):
        return Problem("reflective", path)
    if isinstance(value, types.ModuleType):
        name = getattr(value, "__name__", path)
        value = sys.modules.get(name, value)   # torch.backends.cudnn replaces itself there
        if any(is_private(part) for part in name.split(".")):
            return Problem("private", name)
        return Lib(name, value) if module_allowed(name, extra) else Problem("module", name)
    return _checked(Lib(path, value))


def _is_submodule(path: str) -> bool:
    try:
        return importlib.util.find_spec(path) is not None
    except (ImportError, ValueError, AttributeError):
        return False


def _checked(lib: Lib) -> Lib | Problem:
    if lib.path in REFLECTIVE or (lib.obj is not MISSING and _is_reflective(lib.obj)):
        return Problem("reflective", lib.path)
    return lib


def _get(obj: object, attr: str) -> object:
    if obj is MISSING:
        return MISSING
    try:
        return getattr(obj, attr)
    except Exception:  # noqa: BLE001 — a descriptor that raises is simply not a usable name
        return MISSING


@lru_cache(maxsize=1)
def _reflective_objects() -> tuple:
    found = []
    for path in REFLECTIVE:
        obj = real(path)
        if obj is not MISSING:
            found.append(obj)
    return tuple(found)


def _is_reflective(obj: object) -> bool:
    if any(obj is r for r in _reflective_objects()):
        return True
    return type(obj).__module__ in ("torch._ops", "torch._classes")   # the operator registry's objects


def real(path: str) -> object:
    """The object at a dotted path (for torch and what is already imported here), or MISSING."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        obj = sys.modules.get(name)
        if obj is None and (name == "torch" or name.startswith("torch.")):
            try:
                obj = importlib.import_module(name)
            except Exception:  # noqa: BLE001
                obj = None
        if obj is not None:
            for attr in parts[cut:]:
                obj = _get(obj, attr)
                if obj is MISSING:
                    return MISSING
            return obj
    return MISSING


@lru_cache(maxsize=1)
def _library_attributes() -> frozenset:
    """The attribute names of torch's tensors, modules and autograd nodes (``_grad_fn``, ``_modules``...)."""
    import torch
    names: set[str] = set()
    for owner in (torch.Tensor, torch.nn.Module, torch.autograd.graph.Node, torch.nn.Parameter):
        names.update(dir(owner))
    return frozenset(names)


def is_library_attribute(name: str) -> bool:
    """A name torch's own objects have: a learner defining it too does not make it theirs."""
    return name in _library_attributes()


def is_class_path(name: str) -> bool:
    """``torch.Tensor.softmax``: a member of a class (a method, reached on any tensor by its name)."""
    return any(part[:1].isupper() for part in name.split(".")[:-1])


class Forbidden:
    """A kata's forbidden APIs. ``torch.x.*`` forbids every name reached through ``torch.x``; an exact
    entry forbids its object under every public name (``torch.nn.modules.batchnorm.BatchNorm1d`` is
    ``torch.nn.BatchNorm1d``); an entry on a class (``torch.Tensor.softmax``) forbids the method on
    any value, by its name and by every other name the class gives the same method."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.prefixes = tuple(name[:-2] for name in names if name.endswith(".*"))
        exact = [name for name in names if not name.endswith(".*")]
        self.paths = set(exact)
        self._objects: list[tuple[object, str]] = []
        for name in exact:
            obj = real(name)
            if obj is not MISSING and not isinstance(obj, (bool, int, float, str, type(None))):
                self._objects.append((obj, name))
        self.methods: dict[str, str] = {}
        for name in exact:
            if is_class_path(name):
                self.methods[name.rsplit(".", 1)[-1]] = name
                owner = real(name.rsplit(".", 1)[0])
                for attr in dir(owner) if isinstance(owner, type) else []:
                    entry = self._entry_of(_get(owner, attr))
                    if entry is not None and not is_private(attr):
                        self.methods.setdefault(attr, entry)

    def _entry_of(self, obj: object) -> str | None:
        return next((name for known, name in self._objects if known is obj), None) if obj is not MISSING else None

    def match(self, lib: Lib) -> str | None:
        """The forbidden entry ``lib`` is, or None."""
        if lib.path in self.paths:
            return lib.path
        prefix = next((p for p in self.prefixes if lib.path == p or lib.path.startswith(p + ".")), None)
        if prefix is not None:
            return prefix + ".*"
        return self._entry_of(lib.obj)

    def __bool__(self) -> bool:
        return bool(self.names)


@lru_cache(maxsize=64)
def forbidden(names: tuple[str, ...]) -> Forbidden:
    return Forbidden(tuple(names))
