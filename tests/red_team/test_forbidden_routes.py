"""Attack class: a forbidden API reached without naming it (root cause 2 of issue 14).

Every attack below is a solution that would work if its route were not refused: through the operator
registry, the C++ engine, a name assembled at run time, a module smuggled as a value, introspection,
a re-export... Each must earn nothing: the forbidden-API rule, decided on the trusted side from the
source alone, fails and names the line, and the kata's score is withheld. The worker's run-time guard is
not needed for that (several of these routes pass it).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from torchkata import engine

SOFTMAX = "import torch\n\n\ndef stable_softmax(x, dim=-1):\n    return {}\n"

# class -> (kata, source, the line the rule must name)
ATTACKS = {
    "aten operator (torch.ops)": ("stable-softmax", SOFTMAX.format("torch.ops.aten._softmax(x, dim, False)"), 5),
    "private torch module (torch._C)": (
        "stable-softmax", SOFTMAX.format("torch._C._VariableFunctions.softmax(x, dim)"), 5),
    "name built from strings, computed getattr": (
        "stable-softmax", SOFTMAX.format("getattr(torch, 'soft' + 'max')(x, dim)"), 5),
    "eval of a string": ("stable-softmax", SOFTMAX.format("eval('torch.soft' + 'max')(x, dim)"), 5),
    "exec of code": ("stable-softmax", "import torch\nexec('def stable_softmax(x, dim=-1):\\n"
                     "    return torch.softmax(x, dim)')\n", 2),
    "compile and run a code object": (
        "stable-softmax", "import torch\n_code = compile('torch.softmax', 'f', 'eval')\n\n\n"
        "def stable_softmax(x, dim=-1):\n    return eval(_code)(x, dim)\n", 2),
    "__import__": ("stable-softmax", SOFTMAX.format("__import__('torch').softmax(x, dim)"), 5),
    "importlib": ("stable-softmax", "import importlib\n\n\ndef stable_softmax(x, dim=-1):\n"
                  "    return importlib.import_module('torch.nn.functional').softmax(x, dim)\n", 1),
    "sys.modules": ("stable-softmax", "import sys\nimport torch\n\n\ndef stable_softmax(x, dim=-1):\n"
                    "    return sys.modules['torch'].softmax(x, dim)\n", 1),
    "a module reached through a public attribute (F.importlib)": (
        "stable-softmax", "import torch.nn.functional as F\n\n\ndef stable_softmax(x, dim=-1):\n"
        "    return F.importlib.import_module('torch').softmax(x, dim)\n", 5),
    "a module smuggled as a value": (
        "gather", "import torch\nimport torch.nn.functional as F\n_mods = [F]\n\n\n"
        "def target_scores(logits, targets):\n    return logits.gather(1, targets[:, None])[:, 0]\n\n\n"
        "def sequence_target_scores(logits, targets):\n    return logits.gather(2, targets[..., None])[..., 0]\n\n\n"
        "def mean_nll(log_probs, targets):\n    return _mods[0].nll_loss(log_probs, targets)\n", 3),
    "a module's __dict__": ("stable-softmax", SOFTMAX.format("torch.__dict__['soft' + 'max'](x, dim)"), 5),
    "vars() of a module": ("stable-softmax", SOFTMAX.format("vars(torch)['softmax'](x, dim)"), 5),
    "globals() written": ("stable-softmax", "import torch\nglobals()['stable_softmax'] = "
                          "lambda x, dim=-1: torch.softmax(x, dim)\n", 2),
    "a function's __globals__": (
        "stable-softmax", SOFTMAX.format("(lambda: 0).__globals__['torch'].softmax(x, dim)"), 5),
    "a generator's frame (gi_frame.f_globals)": (
        "stable-softmax", "import torch\n\n\ndef _g():\n    yield\n\n\ndef stable_softmax(x, dim=-1):\n"
        "    return _g().gi_frame.f_globals['torch'].softmax(x, dim)\n", 9),
    "inspect frames": ("stable-softmax", "import inspect\nimport torch\n\n\ndef stable_softmax(x, dim=-1):\n"
                       "    return inspect.currentframe().f_globals['torch'].softmax(x, dim)\n", 1),
    "__subclasses__ / __class__": (
        "stable-softmax", "import torch\n\n\ndef stable_softmax(x, dim=-1):\n    return [c for c in "
        "torch.nn.Module.__subclasses__() if c.__name__ == 'Soft' + 'max'][0](dim)(x)\n", 5),
    "operator.attrgetter with a computed name": (
        "stable-softmax", "import operator\n\n\ndef stable_softmax(x, dim=-1):\n"
        "    return operator.methodcaller('soft' + 'max'[:0] + 'max', dim)(x)\n", 5),
    "a re-export of a forbidden API": (
        "stable-softmax", SOFTMAX.format("torch.nn.modules.activation.Softmax(dim)(x)"), 5),
    "a forbidden method through the value's class": ("stable-softmax", SOFTMAX.format("type(x).softmax(x, dim)"), 5),
    "an annotation evaluated by typing.get_type_hints": (
        "stable-softmax", "import typing\nimport torch\n\n\ndef _t(a: 'torch.softmax'):\n    pass\n\n\n"
        "def stable_softmax(x, dim=-1):\n    return typing.get_type_hints(_t)['a'](x, dim)\n", 5),
    "a __torch_function__ hook that catches the callee": (
        "stable-softmax", "import torch\n\n\nclass _Spy(torch.Tensor):\n    seen = []\n\n    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n        cls.seen.append(func)\n"
        "        return super().__torch_function__(func, types, args, kwargs or {})\n\n\n"
        "def stable_softmax(x, dim=-1):\n    return torch.exp(x - torch.logsumexp(x, dim, keepdim=True))\n", 8),
    "ctypes": ("stable-softmax", "import ctypes\nimport torch\n\n\ndef stable_softmax(x, dim=-1):\n"
               "    e = torch.exp(x - x.amax(dim, keepdim=True))\n    return e / e.sum(dim, keepdim=True)\n", 1),
    "unpickling a reference to the API": (
        "stable-softmax", "import pickle\n\n\ndef stable_softmax(x, dim=-1):\n"
        "    return pickle.loads(b'ctorch.nn.functional\\nsoftmax\\n.')(x, dim)\n", 1),
    "the run-time guard unwrapped (__kwdefaults__)": (
        "stable-softmax", SOFTMAX.format("torch.softmax.__kwdefaults__['_original'](x, dim)"), 5),
    "torch changed in place (monkeypatching)": (
        "stable-softmax", "import torch\ntorch.exp = torch.special.softmax\n\n\ndef stable_softmax(x, dim=-1):\n"
        "    return torch.exp(x, dim)\n", 2),
    "the C++ autograd engine": (
        "manual-backward", "import torch\n_engine = torch._C._ImperativeEngine()\n\n\n"
        "def mse_loss(X, W, b, y):\n    return ((X @ W + b - y) ** 2).mean()\n\n\n"
        "def mse_grads(X, W, b, y):\n    X, W, b = (t.detach().requires_grad_() for t in (X, W, b))\n"
        "    loss = mse_loss(X, W, b, y)\n"
        "    return _engine.run_backward((loss,), (torch.ones_like(loss),), False, False, (W, b, X), False, False)\n"
        "\n\ndef sgd_step(X, W, b, y, lr):\n    dW, db, _ = mse_grads(X, W, b, y)\n"
        "    return W.detach() - lr * dW, b.detach() - lr * db\n", 2),
    "autograd's graph nodes called by hand (grad_fn)": (
        "manual-backward", "import torch\n\n\ndef mse_loss(X, W, b, y):\n    return ((X @ W + b - y) ** 2).mean()\n\n\n"
        "def _backprop(loss, leaves):\n    order, seen = [], set()\n\n    def visit(node):\n"
        "        if node is None or node in seen:\n            return\n        seen.add(node)\n"
        "        for nxt, _ in node.next_functions:\n            visit(nxt)\n        order.append(node)\n"
        "    visit(loss.grad_fn)\n    pending, grads = {loss.grad_fn: torch.ones_like(loss)}, {}\n"
        "    for node in reversed(order):\n        g = pending.pop(node, None)\n        if g is None:\n"
        "            continue\n        if hasattr(node, 'variable'):\n"
        "            grads[id(node.variable)] = g.sum_to_size(node.variable.shape)\n"
        "            continue\n        outs = node(g)\n        outs = outs if isinstance(outs, tuple) else (outs,)\n"
        "        for (nxt, _), o in zip(node.next_functions, outs):\n            if nxt is not None and o is not None:\n"
        "                pending[nxt] = pending[nxt] + o if nxt in pending else o\n"
        "    return tuple(grads[id(t)] for t in leaves)\n\n\n"
        "def mse_grads(X, W, b, y):\n    X, W, b = (t.detach().requires_grad_() for t in (X, W, b))\n"
        "    return tuple(g.detach() for g in _backprop(mse_loss(X, W, b, y), (W, b, X)))\n\n\n"
        "def sgd_step(X, W, b, y, lr):\n    dW, db, _ = mse_grads(X, W, b, y)\n    return W - lr * dW, b - lr * db\n",
        18),
    "a forbidden module under an alias": (
        "manual-backward", "import torch\nfrom torch import autograd as ag\n\n\n"
        "def mse_loss(X, W, b, y):\n    return ((X @ W + b - y) ** 2).mean()\n\n\n"
        "def mse_grads(X, W, b, y):\n    X, W, b = (t.detach().requires_grad_() for t in (X, W, b))\n"
        "    return ag.grad(mse_loss(X, W, b, y), (W, b, X))\n\n\n"
        "def sgd_step(X, W, b, y, lr):\n    dW, db, _ = mse_grads(X, W, b, y)\n"
        "    return W - lr * dW.detach(), b - lr * db.detach()\n", 2),
    "a forbidden class by an assembled name": (
        "batch-norm", "import torch\nfrom torch import nn\n\nBatchNorm1d = getattr(nn, 'Batch' + 'Norm1d')\n", 4),
    "a forbidden class through its re-export": (
        "batch-norm", "import torch\nfrom torch import nn\n\nBatchNorm1d = nn.modules.BatchNorm1d\n", 4),
    "the NLL loss through the aten operator": (
        "gather", "import torch\n\n\ndef target_scores(logits, targets):\n"
        "    return logits.gather(1, targets[:, None])[:, 0]\n\n\n"
        "def sequence_target_scores(logits, targets):\n    return logits.gather(2, targets[..., None])[..., 0]\n\n\n"
        "def mean_nll(log_probs, targets):\n"
        "    return torch.ops.aten.nll_loss_nd(log_probs, targets, None, 1, -100)\n", 13),
    "cross-entropy through a private torch function": (
        "cross-entropy", "import torch\n\n\ndef cross_entropy(logits, targets):\n"
        "    return torch._C._nn.cross_entropy_loss(logits, targets, None, 1, -100, 0.0)\n\n\n"
        "def soft_cross_entropy(logits, target_probs):\n"
        "    return -(target_probs * type(logits).log_softmax(logits, 1)).sum(1).mean()\n", 5),
}


# Routes that exist only while the worker's run-time guard is in place (it is what they undo).
THROUGH_THE_GUARD = {"the run-time guard unwrapped (__kwdefaults__)"}


def _grade_all(course, worker, tmp_path, attacks: dict) -> dict:
    paths = {}
    for index, (name, (slug, source, _)) in enumerate(attacks.items()):
        folder = tmp_path / f"attack{index}"
        folder.mkdir()
        path = folder / course.get(slug).submission_file
        path.write_text(source)
        paths[name] = (course.get(slug), path)
    katas = list({kata.slug: kata for kata, _ in paths.values()}.values())

    def grade(grader):
        return {name: grader.grade([(kata, path)], engine.Options(diagnose=False))[0]
                for name, (kata, path) in paths.items()}
    return engine.open_grader(course, katas, worker, grade)


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory):
    return _grade_all(course, worker, tmp_path_factory.mktemp("routes"), ATTACKS)


@pytest.fixture(scope="module")
def results_without_guard(course, worker, tmp_path_factory):
    """The same attacks with the worker's run-time guard switched off: what the source rule alone decides."""
    import dataclasses
    job = engine.Grader._job
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine.Grader, "_job", lambda self, kata, coverage=False:
                      dataclasses.replace(job(self, kata, coverage), forbidden=()))
        return _grade_all(course, worker, tmp_path_factory.mktemp("unguarded"), ATTACKS)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_route_earns_nothing_and_the_rule_names_its_line(results, attack):
    _, _, line = ATTACKS[attack]
    result = results[attack]
    rule = next(t for t in result.tests if t.kind == "rule" and t.max_points == 0)
    assert rule.status == "failed"
    assert f"line {line}:" in rule.message, rule.message
    assert result.totals.points == 0 and result.totals.withheld_by


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_route_is_real_and_only_the_source_rule_stops_it(results, results_without_guard, attack):
    """Every spec test passes (the route reaches the API and computes the answer), with the run-time guard
    off: no point depends on that guard. The score is still 0."""
    result = (results if attack in THROUGH_THE_GUARD else results_without_guard)[attack]
    specs = [t for t in result.tests if t.kind == "spec" and t.counted]
    assert specs and all(t.status == "passed" for t in specs), [t.message for t in specs if t.status != "passed"]
    assert result.totals.points == 0


def test_a_route_is_named_in_korean_too(course, worker, tmp_path):
    kata = course.get("stable-softmax")
    path = tmp_path / kata.submission_file
    path.write_text(ATTACKS["aten operator (torch.ops)"][1])
    result = engine.check(course, kata, Path(path), worker, engine.Options(lang="ko", diagnose=False))
    rule = next(t for t in result.tests if t.kind == "rule" and t.max_points == 0)
    assert rule.status == "failed" and "5번째 줄" in rule.message and "torch.ops" in rule.message
    assert "점수는 0점" in rule.message
