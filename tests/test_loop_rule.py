"""The structural half of "no Python loop over the batch" (torchkata.rules.loops), read from the source."""
import pytest
import torch

from torchkata.rules.loops import CONST, argument, find_batch_loops, harness_entries


def batch(n):
    gen = torch.Generator().manual_seed(n)
    return torch.randn(n, 3, generator=gen), torch.randint(0, 3, (n,), generator=gen)


ARGS = tuple(argument(a, b) for a, b in zip(batch(4), batch(32)))   # logits (n, 3), targets (n,)


def loops(source, name="target_scores", args=ARGS):
    return [f.kind for f in find_batch_loops(source, name, args, large=32)]


@pytest.mark.parametrize("body, kind", [
    ("    out = []\n    for i in range(len(t)):\n        out.append(l[i, t[i]])\n    return torch.stack(out)\n",
     "loop_for"),
    ("    return torch.stack([row[k] for row, k in zip(l, t)])\n", "loop_comprehension"),
    ("    return torch.tensor([l[i, k] for i, k in enumerate(t.tolist())])\n", "loop_comprehension"),
    ("    return torch.stack([r[k] for r, k in zip(l.unbind(0), t.unbind())])\n", "loop_comprehension"),
    ("    return torch.cat([c.gather(1, d[:, None]) for c, d in zip(l.split(1), t.split(1))])\n",
     "loop_comprehension"),
    ("    i, out = 0, []\n    while i < l.shape[0]:\n        out.append(l[i, t[i]])\n        i += 1\n"
     "    return torch.stack(out)\n", "loop_while"),
    ("    return sum(l)\n", "loop_builtin"),
    ("    return torch.stack(list(map(lambda r, k: r[k], l, t)))\n", "loop_builtin"),
    ("    return functools.reduce(lambda a, b: a + b, l)\n", "loop_builtin"),
    ("    x = l.clone()\n    x.apply_(lambda v: v)\n    return x\n", "loop_per_element"),
    ("    return torch.from_numpy(numpy.vectorize(float)(l.numpy()))\n", "loop_per_element"),
    ("    if len(t) == 0:\n        return l.new_zeros(0)\n"
     "    return torch.cat([l[0, t[0]].reshape(1), target_scores(l[1:], t[1:])])\n", "loop_recursion"),
    ("    out = []\n    for i in range(1000):\n        out.append(l[i:i + 1].gather(1, t[i:i + 1, None]))\n"
     "    return torch.cat(out)[:, 0]\n", "loop_long"),
    ("    return torch.cat([l[i:i + 1].gather(1, t[i:i + 1, None]) for i in range(64)])[:, 0]\n", "loop_long"),
    ("    return torch.stack([l[i, t[i]] for i in range(16) if i < len(t)])\n", "loop_cut"),
    ("    out = []\n    for i in range(int(64.0)):\n        out.append(l[i:i + 1].gather(1, t[i:i + 1, None]))\n"
     "    return torch.cat(out)[:, 0]\n", "loop_long"),
    ("    out = []\n    for i in range(int(l.sum() * 0 + 64)):\n        out.append(l[i:i + 1])\n"
     "    return torch.cat(out)[:, 0]\n", "loop_for"),
    ("    out, i = [], 0\n    while i < K:\n        out.append(l[i:i + 1, 0])\n        i += 1\n"
     "    return torch.cat(out)\n", "loop_rows"),
    ("    out = []\n    for i in range(16):\n        if i >= len(t):\n            break\n"
     "        out.append(l[i, t[i]])\n    return torch.stack(out)\n", "loop_cut"),
    ("    out = []\n    for i in range(16):\n        if i < t.shape[0]:\n            out.append(l[i, t[i]])\n"
     "    return torch.stack(out)\n", "loop_cut"),
    ("    out = []\n    for i in range(16):\n        try:\n            out.append(l[i, t[i]])\n"
     "        except IndexError:\n            break\n    return torch.stack(out)\n", "loop_cut"),
    ("    out = []\n    for i in itertools.count():\n        if i == len(t):\n            break\n"
     "        out.append(l[i, t[i]])\n    return torch.stack(out)\n", "loop_for"),
    ("    return _helper(l, t)\n\n\ndef _helper(a, b):\n    return torch.stack([a[i, b[i]] for i in range(len(b))])\n",
     "loop_comprehension"),
    ("    return Picker().pick(l, t)\n\n\nclass Picker:\n    def pick(self, a, b):\n"
     "        return torch.stack([a[i, b[i]] for i in range(a.size(0))])\n", "loop_comprehension"),
])
def test_loops_over_the_batch_are_found(body, kind):
    source = f"import functools, itertools, numpy, torch\nK = len(open.__doc__)\n\n\ndef target_scores(l, t):\n{body}"
    assert kind in loops(source)


@pytest.mark.parametrize("body", [
    "    return l.gather(1, t.unsqueeze(1)).squeeze(1)\n",
    "    return l[torch.arange(len(t)), t]\n",
    "    n, c = l.shape\n    out = l.new_zeros(n)\n    for j in range(c):\n        out = out + (t == j) * l[:, j]\n"
    "    return out\n",                                                                # over the classes
    "    for d in l.shape:\n        pass\n    for d in range(l.dim()):\n        pass\n"
    "    return l.gather(1, t[:, None])[:, 0]\n",                                       # over the dims
    "    out = l\n    for step in ('a', 'b'):\n        out = out + 0\n    return out.gather(1, t[:, None])[:, 0]\n",
    "    cols = l.unbind(1)\n    return sum(torch.where(t == j, c, 0) for j, c in enumerate(cols))\n",
    "    return torch.vmap(lambda row, k: row[k])(l, t)\n",
    "    k = (len(t) + 3) // 4\n    return torch.cat([l[c * k:(c + 1) * k].gather(1, t[c * k:(c + 1) * k, None]) "
    "for c in range(4)])[:, 0]\n",                                                     # four chunks
    "    for col in l.T:\n        pass\n    return l.gather(1, t[:, None])[:, 0]\n",     # over the columns
    "    for i, j in product(range(2), range(2)):\n        pass\n    return l.gather(1, t[:, None])[:, 0]\n",
])
def test_constant_loops_and_vectorised_code_pass(body):
    source = f"import torch\nfrom itertools import product\n\n\ndef _unused(x):\n    return [r for r in x]\n\n\n" \
             f"KEEP = [_unused]\n\n\ndef target_scores(l, t):\n{body}"
    assert loops(source) == []


@pytest.mark.parametrize("source, expected", [
    ("import torch\ntarget_scores = lambda l, t: torch.stack([l[i, t[i]] for i in range(l.size(0))])\n",
     ["loop_comprehension"]),
    ("import torch\ntarget_scores = lambda l, t: l.gather(1, t[:, None])[:, 0]\n", []),
    ("import functools, torch\ndef _impl(l, t, dim):\n    return torch.stack([r[k] for r, k in zip(l, t)])\n"
     "target_scores = functools.partial(_impl, dim=1)\n", ["loop_comprehension"]),
    ("import torch\nclass P:\n    def __call__(self, l, t):\n        return torch.stack([l[i, t[i]] for i in range(len(t))])\n"
     "target_scores = P()\n", ["loop_comprehension"]),
    ("import torch\ndef loop(f):\n    return lambda l, t: torch.stack([f(r, k) for r, k in zip(l, t)])\n"
     "@loop\ndef target_scores(row, k):\n    return row[k]\n", ["loop_comprehension"]),
    ("import torch\ndef _rows(l, t):\n    return torch.stack([l[i, t[i]] for i in range(len(t))])\n"
     "IMPLS = {'rows': _rows}\ndef target_scores(l, t):\n    return IMPLS['rows'](l, t)\n",
     ["loop_comprehension"]),                                         # a function kept in a dict
    ("import torch\nclass Impl:\n    def __init__(self, l, t):\n        self.l, self.t = l, t\n"
     "    def run(self):\n        return torch.stack([self.l[i, self.t[i]] for i in range(len(self.t))])\n"
     "def target_scores(l, t):\n    return Impl(l, t).run()\n", ["loop_comprehension"]),   # state in an object
    ("import torch\ndef _rows(l, t):\n    return [r[k] for r, k in zip(l, t)]\nclass Holder:\n"
     "    def __init__(self):\n        self.fn = _rows\n_h = Holder()\n"
     "def target_scores(l, t):\n    return torch.stack(_h.fn(l, t))\n", ["loop_comprehension"]),
    ("import torch\n", ["loop_unresolved"]),                          # not defined: cannot be checked
    ("def __getattr__(name):\n    return lambda l, t: [r for r in l]\n", ["loop_unresolved"]),
    ("from torch import take_along_dim as target_scores\n", []),     # a library function: no Python loop
])
def test_whatever_the_graded_name_is_bound_to_is_read(source, expected):
    assert loops(source) == expected


def test_an_argument_whose_shape_does_not_change_is_not_the_batch():
    weight = argument(torch.randn(3, 4), torch.randn(3, 4))
    x = argument(torch.randn(4, 4), torch.randn(32, 4))
    assert weight.dims == (False, False) and x.dims == (True, False)
    source = ("import torch\ndef f(x, w):\n    rows = [x @ w_row for w_row in w]\n    return torch.stack(rows, 1)\n")
    assert loops(source, "f", (x, weight)) == []
    assert loops(source, "f", (weight, x)) == ["loop_comprehension"]
    assert argument(3, 3) == argument(3, 3) and not argument(3, 3).any and argument(4, 32).any


def test_a_harness_passes_its_arguments_on_to_the_learners_function():
    harness = "def top_k(module, scores, k, dim=1):\n    result = module.top_k(scores, k, dim)\n    return tuple(result)\n"
    scores = argument(torch.randn(4, 6), torch.randn(32, 6))
    entries = harness_entries(harness, "top_k", (scores, argument(3, 3), argument(1, 1)))
    assert [name for name, _, _ in entries] == ["top_k"]
    _, values, _ = entries[0]
    assert values[0] == scores and values[1].value == 3
    looping = "def top_k(scores, k, dim=1):\n    return [row.topk(k) for row in scores]\n"
    constant = "def top_k(scores, k, dim=1):\n    for i in range(k):\n        pass\n    return scores.topk(k, dim)\n"
    args = (scores, argument(3, 3), argument(1, 1))
    assert find_batch_loops(looping, "top_k", args, 32, harness="top_k", harness_source=harness)
    assert find_batch_loops(constant, "top_k", args, 32, harness="top_k", harness_source=harness) == []


def test_findings_name_their_line_in_both_languages():
    source = "import torch\n\n\ndef target_scores(l, t):\n    return torch.stack([l[i, t[i]] for i in range(len(t))])\n"
    finding = find_batch_loops(source, "target_scores", ARGS, 32)[0]
    messages = finding.messages()
    assert "line 5" in messages["en"] and "range(len(t))" in messages["en"]
    assert "5번째 줄" in messages["ko"] and "range(len(t))" in messages["ko"]


def test_constants_stay_constant():
    assert not CONST.any


def test_a_file_too_tangled_to_read_fails_the_rule():
    """2**400 call paths: the analysis stops at its budget and fails the rule (never passes it)."""
    helpers = "".join(f"def h{i}(a, b):\n    return h{i + 1}(a, b) + h{i + 1}(b, a)\n" for i in range(400))
    source = f"import torch\n{helpers}def h400(a, b):\n    return a\n\n\ndef target_scores(l, t):\n    return h0(l, t)\n"
    assert loops(source) == ["too_complex"]
