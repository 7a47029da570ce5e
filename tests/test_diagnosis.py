"""Mutant-matched diagnosis: a mutant's diagnosis is shown only when it is true.

The first part drives torchkata.diagnosis with made-up outcomes (one class of false positive per
test: two NaN results, a shuffle order, an exception of the same type with another message or
line, a crash in the grader's own code, the input handed back, a curve that never moves); the
second grades real submissions of the built-in katas through the engine; the last checks
`kata validate`'s exclusivity check on a course whose mutants cannot be told apart.
"""
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from torchkata import diagnosis as D
from torchkata import engine
from torchkata.catalogue import Mutant, Text, load_course
from torchkata.launcher import Call, Outcome
from torchkata import plugin
from torchkata.results import TestResult
from tests.conftest import make_course


def ok(value):
    return Outcome("ok", value)


def raised(kind, message, code=None, function="f"):
    frames = [] if code is None else [{"line": 7, "function": function, "code": code}]
    return Outcome("raised", info={"type": kind, "message": message, "traceback": frames})


def call(name="f", *args):
    return Call.make(name, args, {})


# --- where an exception surfaced -------------------------------------------------------------

def test_lines_are_compared_by_form_not_by_their_variable_names():
    assert D.line_form("return weight[:, ids]") == D.line_form("return W[:, idx]   # columns")
    assert D.line_form("return weight[:, ids]") != D.line_form("return weight[ids, :]")
    assert D.line_form("y = torch.matmul(a, b)") != D.line_form("y = a @ b")
    assert D.line_form("x.view(2, 3)") != D.line_form("x.reshape(2, 3)")


def test_origin_is_the_innermost_learner_side_frame_and_none_without_one():
    info = raised("IndexError", "index 7 is out of bounds", "return W[:, ids]").info
    assert D.origin(info) == D.origin(raised("IndexError", "index 7 is out of bounds", "return weight[:, i]").info)
    assert D.origin(raised("IndexError", "m", "return W[:, ids]", function="g").info) != D.origin(info)
    assert D.origin(raised("IndexError", "m").info) is None
    assert D.origin({"type": "IndexError", "origin": D.origin(info)}) == D.origin(info)   # as recorded


def test_recordings_keep_the_form_of_the_line_hashed_and_no_source():
    from torchkata.implementations import outcome_data, outcome_from_data
    outcome = raised("IndexError", "index 7 is out of bounds", "return weight[:, secret_name]")
    data = outcome_data(outcome)
    assert "secret_name" not in repr(data) and "traceback" not in data["info"]
    assert D.same_exception(outcome_from_data(data).info, outcome.info)


# --- one class of coincidence per test ----------------------------------------------------------

def test_an_exception_of_the_same_type_with_another_message_or_line_is_not_a_match():
    mine = raised("IndexError", "index 7 is out of bounds for dimension 0 with size 4", "return W[:, ids]")
    assert D.same_outcome(mine, raised("IndexError", "index 7 is out of bounds for dimension 0 with size 4",
                                       "return table[:, i]"))
    assert not D.same_outcome(mine, raised("IndexError", "index 12 is out of bounds for dimension 0 with size 10",
                                           "return W[:, ids]"))
    assert not D.same_outcome(mine, raised("IndexError", "index 7 is out of bounds for dimension 0 with size 4",
                                           "return W[ids + 1]"))


def test_a_crash_in_the_graders_own_code_is_no_evidence():
    right = ok(torch.ones(3))
    assert D.call_evidence(raised("RuntimeError", "element 0 of tensors does not require grad"), right) == 0
    assert D.call_evidence(raised("RuntimeError", "element 0 of tensors does not require grad", "p.detach_()"),
                           right) == 1


def test_two_nan_results_are_no_evidence_unless_their_finite_parts_also_differ_alike():
    right = ok(torch.tensor([1.0, 2.0, 3.0]))
    all_nan = ok(torch.full((3,), float("nan")))
    assert D.call_evidence(all_nan, right) == 0
    assert D.same_outcome(all_nan, ok(torch.full((3,), float("nan"))))          # alike, yet no evidence
    partly = ok(torch.tensor([float("nan"), 2.5, 3.0]))
    assert D.call_evidence(partly, right) == 1                                   # the finite 2.5 counts
    assert not D.same_outcome(partly, ok(torch.tensor([2.0, float("nan"), 3.0])))  # NaN elsewhere: no match
    assert D.call_evidence(ok(torch.tensor([float("inf"), 2.0, 3.0])), right) == 0


def test_the_input_handed_back_is_no_evidence():
    x = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    assert D.call_evidence(ok(x.clone()), ok(x.clamp(min=0)), call("relu", x)) == 0
    assert D.call_evidence(ok(x * 3), ok(x.clamp(min=0)), call("relu", x)) > 0


def test_a_shuffle_order_is_no_evidence_but_a_structured_rearrangement_is():
    batches = [(torch.tensor([[1.0, 2.0], [3.0, 0.0]]), torch.tensor([2, 1])),
               (torch.tensor([[4.0, 5.0], [6.0, 0.0]]), torch.tensor([2, 1]))]
    shuffled = [(torch.tensor([[6.0, 0.0], [1.0, 2.0]]), torch.tensor([1, 2])),
                (torch.tensor([[4.0, 5.0], [3.0, 0.0]]), torch.tensor([2, 1]))]
    assert D.reordered(shuffled, batches) and D.call_evidence(ok(shuffled), ok(batches)) == 0
    m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    assert not D.reordered(m.T.contiguous(), m) and D.call_evidence(ok(m.T.contiguous()), ok(m)) == 6
    assert not D.reordered(m.flip(1), m)
    assert not D.reordered((m[1], m[0]), (m[0], m[1]))                 # two results swapped
    assert not D.reordered(m.double(), m)                             # same order, other dtype: not a reorder


def test_a_curve_that_never_moves_leaves_only_the_facts_as_evidence():
    right = {"losses": [2.5, 0.5, 0.3], "w": torch.tensor([0.9]), "grad": "zero", "in_place": True}
    stuck = {"losses": [2.5, 2.5, 2.5], "w": torch.tensor([0.1]), "grad": "zero", "in_place": True}
    assert D.stays_at_start(stuck["losses"], right["losses"])
    assert D.call_evidence(ok(stuck), ok(right)) == 0
    stuck_elsewhere = dict(stuck, losses=[0.7, 0.7, 0.7])            # another start: a list that never moves
    assert D.call_evidence(ok(stuck_elsewhere), ok(right)) == 0
    rebound = dict(stuck, in_place=False)
    assert D.call_evidence(ok(rebound), ok(right)) == 1              # a harness's fact still tells mistakes apart
    assert not D.stays_at_start([4, 4], [4, 16])                     # a list of ints is a shape, not a curve
    moving = dict(stuck, losses=[2.5, 3.1, 4.0], w=torch.tensor([1.4]))
    assert D.call_evidence(ok(moving), ok(right)) == 3


def test_a_dtype_or_shape_difference_is_evidence():
    assert D.call_evidence(ok(torch.tensor([1.0, 2.0])), ok(torch.tensor([1, 2]))) == 1
    assert D.call_evidence(ok(torch.ones(2, 1)), ok(torch.ones(2))) == 1


# --- choosing among mutants, on a made-up run ---------------------------------------------------

class Runner:
    """An implementation answering from a table: call name -> outcome (the same for every test)."""

    def __init__(self, answers):
        self.answers = answers

    def outcomes(self, calls):
        return [self.answers[c.name] for c in calls]


def fake_run(learner: dict, reference: dict, mutants: dict, tests: dict, lang="en"):
    """tests: nodeid -> the names of the calls it made; learner/reference/mutants: call name -> outcome."""
    states, results, planned = {}, {}, []
    for nodeid, names in tests.items():
        state = plugin.TestState()
        for name in names:
            state.learner.add(call(name))
            state.outcomes.append(learner[name])
        states[nodeid] = state
        same = all(D.same_outcome(learner[n], reference[n]) for n in names)
        results[nodeid] = TestResult(nodeid, "public", "passed" if same else "failed", 0, 1)
        planned.append(SimpleNamespace(item=SimpleNamespace(nodeid=nodeid)))
    pairs = [(Mutant(Path(f"mutants/{name}.py"), Text(f"{name} diagnosis", f"{name} 진단")), Runner(answers))
             for name, answers in mutants.items()]
    return SimpleNamespace(mutants=pairs, reference=Runner(reference), states=states, results=results,
                           to_run=lambda: planned, lang=lang)


def t(value):
    return ok(torch.tensor(value))


def test_the_mutant_that_reproduces_the_learner_is_named():
    run = fake_run(learner={"f": t([2.0, 4.0])}, reference={"f": t([1.0, 2.0])},
                   mutants={"doubles": {"f": t([2.0, 4.0])}, "adds_one": {"f": t([2.0, 3.0])}},
                   tests={"test_a": ["f"]})
    D.diagnose(run)
    assert run.results["test_a"].diagnosis == "Likely mistake: doubles diagnosis"


def test_a_learner_like_the_reference_or_explained_only_by_coincidence_gets_no_diagnosis():
    nan = ok(torch.full((2,), float("nan")))
    run = fake_run(learner={"f": nan}, reference={"f": t([1.0, 2.0])}, mutants={"overflows": {"f": nan}},
                   tests={"test_a": ["f"]})
    D.diagnose(run)
    assert run.results["test_a"].diagnosis == ""


def test_mutants_that_cannot_be_told_apart_are_listed_as_one_of():
    same = t([5.0, 5.0])
    run = fake_run(learner={"f": same}, reference={"f": t([1.0, 2.0])},
                   mutants={"first": {"f": same}, "second": {"f": same}}, tests={"test_a": ["f"]})
    D.diagnose(run)
    assert run.results["test_a"].diagnosis.splitlines() == [
        "Likely mistake, one of these (your results fit each of them):", "- first diagnosis", "- second diagnosis"]
    korean = fake_run(learner={"f": same}, reference={"f": t([1.0, 2.0])},
                      mutants={"first": {"f": same}, "second": {"f": same}}, tests={"test_a": ["f"]}, lang="ko")
    D.diagnose(korean)
    assert korean.results["test_a"].diagnosis.splitlines()[1:] == ["- first 진단", "- second 진단"]


def test_the_most_specific_mutant_is_the_one_that_reproduces_more_of_the_run():
    # Both mutants reproduce test_a; on test_b (passed by the learner) "careless" errs where the learner did not.
    run = fake_run(learner={"f": t([9.0]), "g": t([1.0])}, reference={"f": t([3.0]), "g": t([1.0])},
                   mutants={"careless": {"f": t([9.0]), "g": t([1.0])}, "precise": {"f": t([9.0]), "g": t([1.0])}},
                   tests={"test_a": ["f"], "test_b": ["g"]})
    D.diagnose(run)
    assert "one of" in run.results["test_a"].diagnosis
    run.mutants[0][1].answers["h"] = t([7.0])          # careless also errs on a third call the learner got right
    run.mutants[1][1].answers["h"] = t([2.0])
    run.states["test_c"] = plugin.TestState()
    run.states["test_c"].learner.add(call("h"))
    run.states["test_c"].outcomes.append(t([2.0]))
    run.reference.answers["h"] = t([2.0])
    run.results["test_c"] = TestResult("test_c", "public", "passed", 1, 1)
    planned = run.to_run() + [SimpleNamespace(item=SimpleNamespace(nodeid="test_c"))]
    run.to_run = lambda: planned
    run.results["test_a"].diagnosis = ""
    D.diagnose(run)
    assert run.results["test_a"].diagnosis == "Likely mistake: precise diagnosis"


def test_a_mutant_contradicted_elsewhere_in_the_run_is_not_shown():
    # p = 0.5: the learner's mask equals the mutant's; p = 0.2: the mutant's mistake shows, the learner's result is
    # neither the mutant's nor the reference's (torch.bernoulli against "rand < p").
    run = fake_run(learner={"half": t([1.0, 0.0]), "fifth": t([0.0, 0.0])},
                   reference={"half": t([0.0, 1.0]), "fifth": t([1.0, 1.0])},
                   mutants={"rand_below_p": {"half": t([1.0, 0.0]), "fifth": t([0.0, 1.0])}},
                   tests={"test_half": ["half"], "test_fifth": ["fifth"]})
    D.diagnose(run)
    assert run.results["test_half"].diagnosis == "" and run.results["test_fifth"].diagnosis == ""


# --- real katas, through the engine -------------------------------------------------------------

def grade(course, slug, worker, tmp_path, source, name, **options):
    path = tmp_path / name
    path.write_text(source)
    return engine.check(course, course.get(slug), path, worker, engine.Options(**options))


def reference_text(course, slug):
    return course.get(slug).reference.read_text()


def diagnoses(result):
    return [t.diagnosis for t in result.tests if t.diagnosis]


def test_dropout_with_torch_bernoulli_is_not_told_it_kept_rand_below_p(course, worker, tmp_path):
    source = reference_text(course, "dropout").replace(
        "keep = torch.rand(x.shape, generator=generator) >= p",
        "keep = torch.bernoulli(torch.full(x.shape, 1 - p), generator=generator).bool()")
    result = grade(course, "dropout", worker, tmp_path, source, "dropout.py")
    assert result.totals.points < result.totals.max_points
    assert diagnoses(result) == []
    assert not any("rand(...) < p" in t.message for t in result.tests)
    assert any("not torch.bernoulli" in t.message for t in result.tests)


@pytest.mark.parametrize("removed, kept, names", [
    ("        optimizer.step()\n", "", "step() is missing"),
    ("        loss.backward()\n        optimizer.step()", "        optimizer.step()", "loss.backward() is missing"),
])
def test_a_training_loop_missing_a_call_is_told_what_its_results_show(course, worker, tmp_path, removed, kept, names):
    source = reference_text(course, "training-loop")
    assert source.count(removed) == 1
    result = grade(course, "training-loop", worker, tmp_path, source.replace(removed, kept), "training_loop.py")
    given = diagnoses(result)
    assert given and all(names in text for text in given)


def test_a_parameter_made_a_plain_tensor_is_told_so_not_that_its_code_raised(course, worker, tmp_path):
    source = reference_text(course, "no-grad-detach")
    learner = source.replace("p.grad = None", "p.grad = None\n        p.requires_grad_(False)", 1)
    assert learner != source
    result = grade(course, "no-grad-detach", worker, tmp_path, learner, "no_grad_detach.py")
    training = [t for t in result.tests if "training" in t.name]
    assert training and all(t.status == "failed" for t in training)
    assert all("no longer a leaf that requires grad" in t.message and "raised" not in t.message for t in training)


def test_an_index_error_of_another_cause_gets_no_columns_advice(course, worker, tmp_path):
    source = ("import torch\n\ndef embedding(ids, weight, padding_idx=None):\n"
              "    out = weight[ids + 1]\n"
              "    if padding_idx is not None:\n"
              "        out = out.masked_fill((ids == padding_idx).unsqueeze(-1), 0.0)\n"
              "    return out\n")
    result = grade(course, "embedding", worker, tmp_path, source, "embedding.py")
    assert result.totals.points < result.totals.max_points
    assert not any("weight[:, ids]" in t.message or "weight[:, ids]" in t.diagnosis for t in result.tests)


def test_softmax_overflowing_in_its_own_way_gets_no_mutant_but_the_nan_headline(course, worker, tmp_path):
    source = ("import torch\n\ndef stable_softmax(x, dim=-1):\n"
              "    top = torch.exp(x)\n    return top / top.sum(dim=dim, keepdim=True)\n")
    result = grade(course, "stable-softmax", worker, tmp_path, source, "stable_softmax.py")
    failing = [t for t in result.tests if t.status == "failed"]
    assert failing and all(t.diagnosis == "" for t in failing)          # NaN alike is no evidence of a mutant
    assert any(t.message.startswith("exp overflows") for t in failing)  # the spec checked the cause itself


def test_a_sum_for_a_mean_is_described_as_the_size_of_the_reduced_dimension(course, worker, tmp_path):
    source = reference_text(course, "cross-entropy")
    assert ".mean()" in source
    learner = source.replace(".mean()", ".sum()")
    result = grade(course, "cross-entropy", worker, tmp_path, learner, "cross_entropy.py")
    failing = [t for t in result.tests if t.status == "failed"]
    assert failing
    described = [t for t in failing if "off by a constant factor" in t.message]
    assert described and all("× the batch size" in t.message.splitlines()[0] or "× " in t.message for t in described)
    hidden = [t for t in described if t.visibility == "hidden"]
    assert all("\n" not in t.message for t in hidden)          # no values under hidden tests


# --- kata validate: exclusivity ------------------------------------------------------------------

def test_validate_fails_a_kata_whose_mutants_cannot_be_told_apart(tmp_path, worker):
    from torchkata.engine import open_grader
    from torchkata.validate import validate_kata
    root = make_course(tmp_path / "course", ("stable-softmax",))
    kata_dir = root / "katas" / "stable-softmax"
    first = next(m for m in load_course(root).get("stable-softmax").mutants if m.name == "whole_tensor_normalisation")
    shutil.copy(first.file, kata_dir / "mutants" / "twin.py")
    with open(kata_dir / "kata.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[[mutants]]\nfile = "mutants/twin.py"\n'
                   'diagnosis.en = "a twin that names another mistake."\n'
                   'diagnosis.ko = "다른 실수를 말하는 쌍둥이입니다."\n')
    course = load_course(root)
    kata = course.get("stable-softmax")
    report = open_grader(course, [kata], worker, lambda grader: validate_kata(kata, grader))
    checks = {c.name: c for c in report.checks}
    twin = checks["mutant twin: diagnosis exclusive"]
    assert not twin.ok and "whole_tensor_normalisation" in twin.detail
    assert not checks["mutant whole_tensor_normalisation: diagnosis exclusive"].ok
    assert not report.ok
