"""Attack class: earning "no Python loop over the batch" without vectorising (issue 14, root causes 1 and 2).

The op and line counts are measured in the learner's process, where the learner can replace the counter
or the reply that carries them. So the rule's points come from the trusted side: the source is read
there (no route the analysis cannot follow, no loop over the batch in the graded function or anything of
the learner's it calls), and the results must match the reference's. The counts can only take points
away. Each attack below must earn none of the rule's points.
"""
from __future__ import annotations

import pytest

from torchkata import engine

VECTORISED = '''
def sequence_target_scores(logits, targets):
    return logits.gather(2, targets.unsqueeze(2)).squeeze(2)


def mean_nll(log_probs, targets):
    return -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1).mean()
'''


def gather_with(target_scores: str, preamble: str = "") -> str:
    """A gather solution whose target_scores is ``target_scores`` (the rest vectorised)."""
    return f"import torch\n{preamble}\n\n{target_scores}\n{VECTORISED}"


FORGED_COUNTER = '''import sys


class _Quiet:
    count = lines = 0

    def __init__(self, *args):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if "torchkata.worker" in sys.modules:
    sys.modules["torchkata.worker"]._OpCounter = _Quiet
'''

LOOP = '''def target_scores(logits, targets):
    return torch.stack([logits[i, targets[i]] for i in range(len(targets))])
'''

ATTACKS = {
    "the op counter replaced through sys.modules": ("gather", gather_with(LOOP, FORGED_COUNTER)),
    "the op counter replaced, in a kata with no forbidden API": (
        "argmax-topk", "import torch\n" + FORGED_COUNTER + '''

def predicted_class(logits):
    return torch.stack([row.argmax() for row in logits])


def top_k(scores, k, dim=1):
    return torch.topk(scores, k, dim=dim)


def accuracy(logits, targets):
    return (logits.argmax(dim=1) == targets).float().mean().item()
'''),
    "the reply that carries the counts rewritten": ("gather", gather_with(LOOP, '''
import torchkata.protocol as _protocol

_send = _protocol.send_message


def _forged(channel, message, fds=()):
    if isinstance(message, dict) and "ops" in message:
        message["ops"] = {"torch": 1, "lines": 1}
    return _send(channel, message, fds)


_protocol.send_message = _forged
''')),
    "the counter forged and nothing solved": ("gather", gather_with('''def target_scores(logits, targets):
    return logits[:, 0]
''', FORGED_COUNTER)),
    "nothing solved, no loop": ("argmax-topk", '''import torch


def predicted_class(logits):
    return torch.zeros(logits.shape[0], dtype=torch.long)


def top_k(scores, k, dim=1):
    return scores.narrow(dim, 0, k), torch.zeros_like(scores.narrow(dim, 0, k), dtype=torch.long)


def accuracy(logits, targets):
    return 0.0
'''),
    "the loop in a helper function": ("gather", gather_with('''def _row(logits, targets, i):
    return logits[i, targets[i]]


def _rows(logits, targets):
    return [_row(logits, targets, i) for i in range(logits.shape[0])]


def target_scores(logits, targets):
    return torch.stack(_rows(logits, targets))
''')),
    "recursion over the batch": ("gather", gather_with('''def target_scores(logits, targets):
    if targets.numel() == 0:
        return logits.new_zeros(0)
    head = logits[:1].gather(1, targets[:1, None])[:, 0]
    return torch.cat([head, target_scores(logits[1:], targets[1:])])
''')),
    "map over the rows": ("gather", gather_with('''def target_scores(logits, targets):
    return torch.stack(list(map(lambda row, k: row[k], logits, targets)))
''')),
    "sum over the rows": ("gather", gather_with('''def target_scores(logits, targets):
    picks = torch.nn.functional.one_hot(targets, logits.shape[1]).bool()
    return sum(torch.where(p, row, 0).sum().reshape(1) for p, row in zip(picks, logits))
''')),
    "functools.reduce over the rows": ("gather", gather_with('''def target_scores(logits, targets):
    rows = zip(logits, targets)
    return functools.reduce(lambda acc, pair: torch.cat([acc, pair[0][pair[1]].reshape(1)]), rows,
                            logits.new_zeros(0))
''', "import functools")),
    "a while loop": ("gather", gather_with('''def target_scores(logits, targets):
    out, i = [], 0
    while i < len(targets):
        out.append(logits[i, targets[i]])
        i += 1
    return torch.stack(out)
''')),
    "a constant loop cut to the batch with break": ("gather", gather_with('''def target_scores(logits, targets):
    out = []
    for i in range(31):
        if i == targets.shape[0]:
            break
        out.append(logits[i, targets[i]])
    return torch.stack(out)
''')),
    "a constant loop cut to the batch by an exception": ("gather", gather_with('''def target_scores(logits, targets):
    out = []
    for i in range(31):
        try:
            out.append(logits[i, targets[i]])
        except IndexError:
            break
    return torch.stack(out)
''')),
    "a constant loop as long as the largest batch": ("gather", gather_with('''def target_scores(logits, targets):
    parts = [logits[i:i + 1].gather(1, targets[i:i + 1, None]) for i in range(4096)]
    return torch.cat(parts)[:, 0]
''')),
    "an endless iterator stopped by the batch": ("gather", gather_with('''def target_scores(logits, targets):
    out = []
    for i in itertools.count():
        if i >= len(targets):
            return torch.stack(out)
        out.append(logits[i, targets[i]])
''', "import itertools")),
    "a lambda bound to the graded name": ("gather", gather_with(
        "target_scores = lambda logits, targets: torch.stack([r[k] for r, k in zip(logits, targets)])\n")),
    "a callable object bound to the graded name": ("gather", gather_with('''class _Rows:
    def __call__(self, logits, targets):
        return torch.stack([row[k] for row, k in zip(logits.unbind(0), targets.tolist())])


target_scores = _Rows()
''')),
    "a decorator that loops": ("gather", gather_with('''def _per_row(f):
    return lambda logits, targets: torch.stack([f(r, k) for r, k in zip(logits, targets)])


@_per_row
def target_scores(row, k):
    return row[k]
''')),
    "an element-wise Python callback": ("gather", gather_with('''def target_scores(logits, targets):
    picked = logits.gather(1, targets[:, None])[:, 0].clone()
    return picked.apply_(lambda v: v)
''')),
    "the loop inside exec'd code": ("gather", gather_with('''exec("def target_scores(logits, targets):\\n"
     "    return torch.stack([logits[i, targets[i]] for i in range(len(targets))])")
''')),
    "the graded function served by a module __getattr__": ("gather", gather_with('''def __getattr__(name):
    if name == "target_scores":
        return lambda logits, targets: torch.stack([r[k] for r, k in zip(logits, targets)])
    raise AttributeError(name)
''')),
}


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory):
    root = tmp_path_factory.mktemp("loops")
    paths = {}
    for index, (name, (slug, source)) in enumerate(ATTACKS.items()):
        kata = course.get(slug)
        path = root / f"attack{index}" / kata.submission_file
        path.parent.mkdir()
        path.write_text(source)
        paths[name] = (kata, path)
    katas = list({kata.slug: kata for kata, _ in paths.values()}.values())
    return engine.open_grader(course, katas, worker, lambda grader: {
        name: grader.grade([(kata, path)], engine.Options(diagnose=False))[0]
        for name, (kata, path) in paths.items()})


def _loop_rules(result):
    return [t for t in result.tests if t.kind == "rule" and t.max_points > 0]


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_attack_earns_none_of_the_rules_points(results, attack):
    rules = _loop_rules(results[attack])
    assert rules and all(t.status != "passed" and t.points == 0 for t in rules), [t.message for t in rules]


def test_a_forged_counter_is_named_as_a_route_and_the_loop_by_its_line(results):
    message = _loop_rules(results["the op counter replaced, in a kata with no forbidden API"])[0].message
    assert "line 2:" in message and "sys" in message
    message = _loop_rules(results["a while loop"])[0].message
    assert "while" in message and "line 6:" in message


def test_the_reference_earns_the_rule_through_the_same_checks(course, worker):
    kata = course.get("gather")
    result = engine.check(course, kata, kata.reference, worker, engine.Options(diagnose=False))
    assert all(t.status == "passed" for t in _loop_rules(result)) and result.solved
