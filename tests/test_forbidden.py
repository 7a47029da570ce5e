"""The forbidden-API rule (torchkata.rules.routes): an allow-list analysis of the learner's source.

Each refused case names a route by which code could reach an API without naming it, or a forbidden API
under another name; each accepted case is ordinary code that a correct solution may contain.
"""
import pytest

from torchkata.i18n import MESSAGES
from torchkata.rules import find_routes
from torchkata.rules.library import Forbidden, Lib, member, module

SOFTMAX = ("torch.softmax", "torch.log_softmax", "torch._softmax", "torch.nn.functional.softmax",
           "torch.nn.functional.log_softmax", "torch.Tensor.softmax", "torch.Tensor.log_softmax", "torch.nn.Softmax")
NLL = ("torch.nn.functional.nll_loss", "torch.nn.NLLLoss", "torch._C._nn.nll_loss")
AUTOGRAD = ("torch.Tensor.backward", "torch.Tensor.grad_fn", "torch.autograd.*", "torch.autograd.grad")
BATCHNORM = ("torch.nn.BatchNorm1d", "torch.nn.modules.batchnorm.*", "torch.nn.functional.batch_norm")


def kinds(source, forbidden=SOFTMAX):
    return [(f.line, f.kind) for f in find_routes(source, forbidden)]


@pytest.mark.parametrize("source, forbidden, expected", [
    # forbidden APIs under their names, aliases, re-exports and methods
    ("import torch\ny = torch.softmax(x, 0)\n", SOFTMAX, [(2, "forbidden")]),
    ("import torch.nn.functional as F\ny = F.softmax(x, 0)\n", SOFTMAX, [(2, "forbidden")]),
    ("from torch.nn import functional as F\ny = F.softmax(x, 0)\n", SOFTMAX, [(2, "forbidden")]),
    ("from torch import softmax as s\ny = s(x)\n", SOFTMAX, [(1, "forbidden"), (2, "forbidden")]),
    ("def f(x):\n    return x.softmax(-1)\n", SOFTMAX, [(2, "forbidden")]),
    ("import torch\nf = torch.Tensor.softmax\n", SOFTMAX, [(2, "forbidden")]),
    ("import torch\nS = torch.nn.modules.activation.Softmax\n", SOFTMAX, [(2, "forbidden")]),   # a re-export
    ("import torch.nn.functional as F\nF.torch.softmax(x, 0)\n", SOFTMAX, [(2, "forbidden")]),   # via F.torch
    ("import torch\nF = torch.nn.functional\nF.softmax(x, 0)\n", SOFTMAX, [(3, "forbidden")]),    # alias by assignment
    ("import torch\nf = getattr(torch, 'softmax')\n", SOFTMAX, [(2, "forbidden")]),               # literal getattr
    ("from torch import *\ny = softmax(x, 0)\n", SOFTMAX, [(2, "forbidden")]),                   # star import
    ("import torch\ndef f(x: 'torch.softmax'):\n    pass\n", SOFTMAX, [(2, "forbidden")]),      # string annotation
    ("import torch\nclass S(torch.nn.Softmax):\n    pass\n", SOFTMAX, [(2, "forbidden")]),
    ("import operator\nf = operator.attrgetter('softmax')\n", SOFTMAX, [(2, "forbidden")]),
    ("loss.backward()\n", AUTOGRAD, [(1, "forbidden")]),
    ("node = loss.grad_fn\n", AUTOGRAD, [(1, "forbidden")]),
    ("import torch\ng = torch.autograd.grad(l, w)\n", AUTOGRAD, [(2, "forbidden")]),
    ("from torch import autograd as ag\ng = ag.grad(l, w)\n", AUTOGRAD, [(1, "forbidden"), (2, "forbidden")]),
    ("import torch.autograd.functional as AF\n", AUTOGRAD, [(1, "forbidden")]),
    ("import torch.nn as nn\nm = nn.modules.BatchNorm1d(3)\n", BATCHNORM, [(2, "forbidden")]),
    ("from torch.nn.modules import batchnorm\n", BATCHNORM, [(1, "forbidden")]),
    # routes that reach an API without naming it
    ("import torch\nf = torch.ops.aten._softmax\n", SOFTMAX, [(2, "reflective")]),
    ("import torch\nf = torch._C._nn.nll_loss\n", NLL, [(2, "private")]),
    ("import torch.nn as nn\nB = getattr(nn, 'Batch' + 'Norm1d')\n", BATCHNORM, [(2, "dynamic_attribute")]),
    ("import torch\nname = 'exp'\nf = getattr(torch, name)\n", (), [(3, "dynamic_attribute")]),
    ("import torch\nsetattr(torch, 'exp', None)\n", (), [(2, "library_change")]),
    ("import torch\ntorch.exp = abs\n", (), [(2, "library_change")]),
    ("g = getattr\n", (), [(1, "dynamic_attribute")]),
    ("import functools\nimport torch\nf = functools.reduce(getattr, ['nn'], torch)\n", (),
     [(3, "dynamic_attribute"), (3, "module_value")]),
    ("m = __import__('torch')\n", (), [(1, "dynamic_code")]),
    ("import importlib\n", (), [(1, "module")]),
    ("import sys\nF = sys.modules['torch.nn.functional']\n", (), [(1, "module")]),
    ("import torch.nn.functional as F\nF.importlib.import_module('torch')\n", (), [(2, "module")]),
    ("import torch\nos = torch.os\n", (), [(2, "module")]),
    ("exec('import torch')\n", (), [(1, "dynamic_code")]),
    ("f = eval('torch.soft' + 'max')\n", (), [(1, "dynamic_code")]),
    ("c = compile('1', 'x', 'eval')\n", (), [(1, "dynamic_code")]),
    ("globals()['x'] = 1\n", (), [(1, "dynamic_code")]),
    ("v = vars()\nl = locals()\n", (), [(1, "dynamic_code"), (2, "dynamic_code")]),
    ("import ctypes\n", (), [(1, "module")]),
    ("import logging\nd = logging.config\n", (), [(2, "module")]),           # logging, but not its config loader
    ("import os\nos.system('python -c 1')\n", (), [(1, "module")]),
    ("import inspect\nf = inspect.currentframe()\n", (), [(1, "module")]),
    ("def f():\n    pass\ng = f.__globals__\n", (), [(3, "dunder")]),
    ("def f():\n    pass\nc = f.__code__\n", (), [(3, "dunder")]),
    ("b = __builtins__\n", (), [(1, "dynamic_code")]),
    ("import torch\nd = torch.nn.functional.__dict__\n", (), [(2, "dunder")]),
    ("k = x.__class__\n", (), [(1, "dunder")]),
    ("s = object.__subclasses__()\n", (), [(1, "dunder")]),
    ("a = object.__getattribute__(x, 'y')\n", (), [(1, "dunder")]),
    ("def g():\n    yield 1\nf = g().gi_frame.f_globals\n", (), [(3, "introspection")]),
    ("import operator\nname = 'sm'\nf = operator.attrgetter(name)\n", (), [(3, "computed_name")]),
    ("import operator\nf = operator.methodcaller('soft' 'max')\n", SOFTMAX, [(2, "forbidden")]),
    ("import torch\nmods = [torch]\n", (), [(2, "module_value")]),
    ("import torch.nn.functional as F\ndef f(m=F):\n    return m\n", (), [(2, "module_value")]),
    ("import torch.nn.functional as F\nclass A:\n    G = F\n", (), [(3, "module_value")]),
    ("import typing\nh = typing.get_type_hints(f)\n", (), [(2, "reflective")]),
    ("import torch\nm = torch.load(path, weights_only=False)\n", (), [(2, "reflective")]),
    ("class T:\n    def __torch_function__(self, f, t, a=(), k=None):\n        pass\n", (),
     [(2, "torch_hook")]),
    ("import torch\nclass M(torch.overrides.TorchFunctionMode):\n    pass\n", (), [(2, "module")]),
    ("from . import helpers\n", (), [(1, "module")]),
    ("x = t._base\n", (), [(1, "private_attribute")]),
    ("__name__ = '__main__'\nif __name__ == '__main__':\n    import sys\n", (), [(1, "dunder"), (3, "module")]),
    ("if __name__ == '__main__':\n    import sys\nm = sys.modules\n", (), [(2, "module")]),   # used outside
    ("class A:\n    _grad_fn = None\n    def f(self):\n        return self._grad_fn\n", (),
     [(4, "private_attribute")]),                                     # a name torch's tensors have
    ("class S:\n    def softmax(self, x):\n        return x\n    def f(self, x):\n        return self.softmax(x)\n",
     SOFTMAX, [(5, "forbidden")]),                                    # S.f(tensor) makes self a tensor
    ("f = open('answers.txt')\n", (), [(1, "builtin")]),
    ("import torch\nf = torch.no_such_function\n", (), [(2, "unknown")]),
])
def test_refused(source, forbidden, expected):
    assert kinds(source, forbidden) == expected


@pytest.mark.parametrize("source", [
    "import torch\ndef f(x, dim=-1):\n    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n    return e / e.sum(dim, keepdim=True)\n",
    "def stable_softmax(x):\n    softmax = 1\n    return softmax\n",                           # own names are fine
    "import torch.nn.functional as F\ny = F.relu(x)\nz = F.one_hot(t, 3)\n",                   # F, not its softmax
    "import torch\nclass Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self._cache = None\n    def forward(self, x):\n        return self._cache or x\n",
    "import torch\n@torch.no_grad()\ndef f(x):\n    with torch.no_grad():\n        return x\n",
    "import math, functools, itertools, operator, typing\nfrom typing import Optional\nimport numpy as np\n",
    "import logging, re, json, warnings, time, dataclasses, collections, copy\nlog = logging.getLogger(__name__)\n",
    "from __future__ import annotations\nimport torch\ndef f(x: torch.Tensor | None) -> 'torch.Tensor':\n    return x\n",
    "import torch\nif __name__ == '__main__':\n    print(torch.__version__, f.__name__)\n",
    "import torch\nname = getattr(x, 'shape')\nok = hasattr(x, 'dtype')\n",
    "import operator\nf = operator.attrgetter('weight.data')\n",
    "import torch\ntorch.backends.cudnn.deterministic = True\n",                         # a setting, not an API
    "import torch\nF = torch.nn.functional\ny = F.relu(x)\n",
    "import torch\ndef f(F):\n    return F\n",                                                  # a parameter named F
    "__all__ = ['f']\nclass A:\n    __slots__ = ('x',)\n    def __repr__(self):\n        return type(self).__name__\n",
    "import torch\nfor p in model.parameters():\n    p.grad = None\n",
    "class Act:\n    @staticmethod\n    def softmax(x):\n        return x\nf = Act.softmax\n",  # the class's own
    "import torch\nT = torch.Tensor\ny = T.exp(x)\n",
    "import torch\nl = lambda z: torch.exp(z)\n",
    "import torch\nif __name__ == '__main__':\n    import sys, time\n    print(sys.argv, time.time())\n",  # never runs
    "def broken(:\n",                                                                       # not parsed: nothing
])
def test_accepted(source):
    assert find_routes(source, SOFTMAX + AUTOGRAD[:1]) == []


def test_a_parameter_does_not_hide_an_import_in_another_scope():
    source = "import torch.nn.functional as F\ndef f(F):\n    return 1\ny = F.nll_loss(a, b)\n"
    assert kinds(source, NLL) == [(4, "forbidden")]


def test_a_name_bound_twice_is_checked_under_both_bindings():
    source = "import torch.nn.functional as F\nif cond:\n    F = object()\ny = F.nll_loss(a, b)\n"
    assert kinds(source, NLL) == [(4, "forbidden")]


def test_each_finding_names_its_line_and_code_in_both_languages():
    found = find_routes("import torch\n\n\ny = torch.softmax(x, 0)\n", SOFTMAX)
    assert len(found) == 1
    messages = found[0].messages()
    assert "line 4" in messages["en"] and "torch.softmax(x, 0)" in messages["en"]
    assert "4번째 줄" in messages["ko"] and "torch.softmax(x, 0)" in messages["ko"]


def test_every_kind_of_finding_has_a_message_in_both_languages():
    from torchkata.rules import Finding
    keys = [key for key in MESSAGES if key.startswith("rule.")]
    assert len(keys) >= 20
    for key in keys:
        messages = Finding(7, key[len("rule."):], "x.f(y)", "torch.f").messages()
        assert messages["en"].startswith("line 7") and messages["ko"].startswith("7번째 줄")
        assert messages["en"] != messages["ko"]


def test_quoted_code_is_one_capped_line():
    source = "import torch\ny = torch.softmax(\n    x,\n    0,\n)  # " + "x" * 200 + "\n"
    finding = find_routes(source, SOFTMAX)[0]
    assert "\n" not in finding.code and len(finding.code) <= 60


def test_names_resolve_to_the_real_objects():
    import torch
    nn = module("torch.nn")
    assert isinstance(nn, Lib) and nn.obj is torch.nn
    modules = member(member(nn, "modules"), "BatchNorm1d")
    assert modules.obj is torch.nn.BatchNorm1d
    assert Forbidden(("torch.nn.BatchNorm1d",)).match(modules) == "torch.nn.BatchNorm1d"
    assert member(module("torch.nn.functional"), "importlib").kind == "module"
    assert member(module("torch"), "_C").kind == "private"


def test_a_forbidden_method_is_refused_under_every_name_the_class_gives_it():
    forbidden = Forbidden(("torch.Tensor.clip",))
    import torch
    aliases = {name for name in dir(torch.Tensor) if getattr(torch.Tensor, name, None) is torch.Tensor.clip}
    assert aliases <= set(forbidden.methods) and "clip" in forbidden.methods


def test_the_learners_folder_is_never_imported_on_the_trusted_side(tmp_path, monkeypatch):
    (tmp_path / "fractions.py").write_text("raise SystemExit('imported from the learner folder')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    import sys
    monkeypatch.delitem(sys.modules, "fractions", raising=False)
    assert find_routes("import fractions\nf = fractions.Fraction(1, 2)\n") == []
    assert "learner" not in repr(sys.modules.get("fractions"))


def test_a_chain_of_aliases_too_deep_to_follow_is_refused():
    source = "import torch\na0 = torch.nn.functional\n" + "".join(f"a{i + 1} = a{i}\n" for i in range(5000)) + \
        "y = a5000.nll_loss(x, t)\n"
    assert [f.kind for f in find_routes(source, NLL)] in (["too_complex"], ["forbidden"])


# --- the harness rule (find_routes(..., harness=True)) ---------------------------------------------------------

HARNESS_REFUSED = [
    ("import sys\nh = sys.modules.get('kata_harness')\n", "module"),
    ("import kata_harness\n", "module"),
    ("def predict(model, x, device):\n    model.forward = lambda x: x\n", "behaviour_change"),
    ("def predict(model, x, device):\n    setattr(model, 'forward', None)\n", "behaviour_change"),
    ("def predict(model, x, device):\n    delattr(model, 'to')\n", "behaviour_change"),
    ("def predict(model, x, device):\n    type(model).forward = None\n", "type_escape"),
    ("def predict(model, x, device):\n    return type(next(model.parameters()))(x)\n", "type_escape"),
    ("def predict(model, x, device):\n    return x.as_subclass(object)\n", "subclass_change"),
    ("import os\nos.system('true')\n", "module"),
    ("from os import fork\n", "module"),
    ("import torch\ntorch.load('f', weights_only=False)\n", "reflective"),
    ("import torch\nload = torch.load\n", "reflective"),
    ("from torch import load\nload('f', weights_only=False)\n", "reflective"),
    ("import torch\nO = {'weights_only': False}\ntorch.load('f', **O)\n", "reflective"),
    ("import torch\ndef f(o):\n    torch.load('f', **o)\n", "reflective"),
    ("import torch\nfor n in ['__class__']:\n    setattr(torch.backends.cudnn, n, 1)\n", "dynamic_attribute"),
    ("import torch\nN = {'deterministic': True}\ndef f(m):\n    for n, v in N.items():\n        setattr(m, n, v)\n",
     "dynamic_attribute"),
    # a literal dict that is changed, or whose values are iterated, is no list of names or safe options
    ("import torch\nN = {'deterministic': '__class__'}\nfor v, n in N.items():\n    setattr(torch.backends.cudnn, n, v)\n",
     "dynamic_attribute"),
    ("import torch\nN = {'deterministic': True}\nN['__class__'] = 1\nfor n in N:\n    setattr(torch.backends.cudnn, n, 1)\n",
     "dynamic_attribute"),
    ("import torch\nSAFE = {'weights_only': True}\nSAFE['weights_only'] = False\ntorch.load('f', **SAFE)\n", "reflective"),
    ("import torch\nSAFE = {'weights_only': True}\ndef f():\n    SAFE.update(weights_only=False)\n"
     "    return torch.load('f', **SAFE)\n", "reflective"),
]

HARNESS_ACCEPTED = [
    "def step(p):\n    p.grad = None\n    p.requires_grad_(True)\n    p.data -= 1\n    p.requires_grad = True\n",
    "import torch\nclass M(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = 1\n"
    "m = M()\nm.extra = 2\nlayer = torch.nn.Linear(2, 2)\nlayer.forward = print\n",
    "import torch\nclass F(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
    "        ctx.alpha = 2\n        return x\n",
    "def f(x):\n    if type(x) is float:\n        return 1\n    return f'{type(x)}' + type(x).__name__\n",
    "import os\nos.environ['CUBLAS_WORKSPACE_CONFIG'] = ':4096:8'\nos.environ.setdefault('A', '1')\n",
    "import os, pathlib\ndef save(p):\n    pathlib.Path(p).parent.mkdir(exist_ok=True)\n    with open(os.path.join(p, 'x'), 'wb') as f:\n"
    "        f.write(b'')\n",
    "import torch\ndef load(p):\n    return torch.load(p, weights_only=True)\n",
    "from torch import load\nSAFE = {'weights_only': True}\ndef f(p):\n    return load(p, **SAFE)\n",
    "import torch\nCUDNN = {'deterministic': True, 'benchmark': False}\ndef f():\n    for name, value in CUDNN.items():\n"
    "        setattr(torch.backends.cudnn, name, value)\n",
]


@pytest.mark.parametrize("source, kind", HARNESS_REFUSED)
def test_the_harness_rule_refuses_every_route_to_the_harness(source, kind):
    assert kind in {finding.kind for finding in find_routes(source, (), harness=True)}


@pytest.mark.parametrize("source", HARNESS_ACCEPTED)
def test_the_harness_rule_accepts_data_own_objects_files_and_safe_loads(source):
    assert find_routes(source, (), harness=True) == []


def test_a_kata_that_forbids_something_keeps_its_stricter_allow_list_beside_the_harness_rule():
    kinds = {f.kind for f in find_routes("import os\nopen('x')\n", ("torch.softmax",), harness=True)}
    assert kinds == {"module", "builtin"}
