"""The engine grading real submissions through the confined worker."""
import json
import shutil
import time
from pathlib import Path

import pytest

from grader import engine
from grader.catalogue import KataError, load_kata
from grader.confinement import landlock_abi
from grader.results import KataResult
from tests.conftest import CHEATS, REPO


@pytest.fixture(scope="module")
def softmax():
    return load_kata(REPO / "katas" / "stable-softmax" / "kata.toml")


def grade(softmax, worker, path, **kwargs):
    return engine.check(softmax, Path(path), worker, **kwargs)


def test_reference_scores_full_marks(softmax, worker):
    result = grade(softmax, worker, softmax.reference)
    totals = result.totals
    assert totals.points == totals.max_points == softmax.points
    assert result.solved and totals.all_passed
    assert {t.visibility for t in result.tests} == {"public", "hidden"}
    assert [t.visibility for t in result.tests if t.kind == "spec"] == sorted(
        (t.visibility for t in result.tests if t.kind == "spec"), key=lambda v: v != "public")


def test_stub_scores_zero_and_names_the_error(softmax, worker):
    result = grade(softmax, worker, softmax.stub)
    assert result.totals.points == 0 and not result.solved
    spec_tests = [t for t in result.tests if t.kind == "spec"]
    assert all(t.status == "error" for t in spec_tests)
    assert "NotImplementedError" in spec_tests[0].message
    assert "line 13, in stable_softmax" in spec_tests[0].message   # the learner's own frame
    assert "grader" not in spec_tests[0].message and "worker.py" not in spec_tests[0].message


@pytest.mark.parametrize("cheat", ["exit_at_import", "patch_allclose", "forged_json", "tensor_subclass",
                                   "system_exit_mid_call", "read_reference"])
def test_cheats_score_zero(softmax, worker, cheat):
    result = grade(softmax, worker, CHEATS / f"{cheat}.py")
    assert result.totals.points == 0, [(t.name, t.status, t.message) for t in result.tests]
    assert not result.solved


def test_exit_at_import_is_reported_as_a_crash(softmax, worker):
    result = grade(softmax, worker, CHEATS / "exit_at_import.py")
    first = result.tests[0]
    assert first.status == "error"
    assert "exited with code 0" in first.message and "importing your module" in first.message


def test_system_exit_mid_call_is_an_error_not_a_pass(softmax, worker):
    result = grade(softmax, worker, CHEATS / "system_exit_mid_call.py")
    assert all(t.status == "error" for t in result.tests if t.kind == "spec")
    assert "SystemExit" in result.tests[0].message


def test_tensor_subclass_is_refused_at_the_boundary(softmax, worker):
    result = grade(softmax, worker, CHEATS / "tensor_subclass.py")
    assert "subclass" in result.tests[0].message


def test_forged_output_is_only_shown_as_output(softmax, worker):
    result = grade(softmax, worker, CHEATS / "forged_json.py")
    first = result.tests[0]
    assert first.status == "error" and '"status": "pass"' in first.output


@pytest.mark.skipif(landlock_abi() < 1, reason="Landlock is not available on this kernel")
def test_landlock_keeps_the_reference_out_of_reach(softmax, worker):
    result = grade(softmax, worker, CHEATS / "read_reference.py")
    assert "could not read the reference" in result.tests[0].message
    assert result.isolation["level"] in ("strong", "partial")
    assert any(m.startswith("landlock-fs") for m in result.isolation["mechanisms"])


def test_isolation_is_reported(softmax, worker):
    result = grade(softmax, worker, softmax.reference)
    assert {"process", "clean-env", "rlimits", "process-group"} <= set(result.isolation["mechanisms"])
    assert result.isolation["level"] in ("strong", "partial", "basic")


def test_endless_loop_times_out_and_returns_promptly(kata_copy, worker):
    folder = kata_copy()
    toml = folder / "kata.toml"
    toml.write_text(toml.read_text().replace("timeout = 5", "timeout = 1"))
    kata = load_kata(toml)
    started = time.monotonic()
    result = engine.check(kata, CHEATS / "infinite_loop.py", worker)
    elapsed = time.monotonic() - started
    statuses = [t.status for t in result.tests if t.kind == "spec"]
    assert set(statuses) == {"timeout"} and result.totals.points == 0
    assert "time limit" in result.tests[0].message
    assert "already timed out 2 times" in result.tests[-2].message
    assert elapsed < 30   # two 1 s timeouts, then the rest are not run (generous bound: no timing assertion)


def test_public_only_says_hidden_specs_were_not_run(softmax, worker):
    result = grade(softmax, worker, softmax.reference, public_only=True)
    assert all(t.visibility == "public" for t in result.tests)
    assert result.totals.hidden_not_run > 0 and result.totals.hidden_points_not_run > 0
    assert not result.solved and not result.hidden_run


def test_hidden_failures_show_the_diagnosis_but_not_the_values(softmax, worker):
    result = grade(softmax, worker, REPO / "examples" / "stable_softmax_attempt.py")
    hidden = [t for t in result.tests if t.visibility == "hidden" and t.status == "failed"]
    assert hidden and all("\n" not in t.message for t in hidden)
    assert any("the whole tensor sums to 1" in t.message for t in hidden)


def test_public_mismatch_names_shape_dtype_errors_and_first_index(softmax, worker, tmp_path):
    wrong = tmp_path / "stable_softmax.py"
    wrong.write_text("import torch\n\ndef stable_softmax(x, dim=-1):\n"
                     "    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n"
                     "    out = e / e.sum(dim=dim, keepdim=True)\n"
                     "    return out.to(torch.float32)\n")
    result = grade(softmax, worker, wrong)
    float64 = next(t for t in result.tests if t.name == "test_keeps_float64")
    assert float64.status == "failed" and "dtype" in float64.message and "torch.float64" in float64.message


def test_value_mismatch_details(worker, softmax, tmp_path):
    wrong = tmp_path / "stable_softmax.py"
    wrong.write_text("import torch\n\ndef stable_softmax(x, dim=-1):\n"
                     "    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n"
                     "    return (e / e.sum(dim=dim, keepdim=True)).detach()\n")
    result = grade(softmax, worker, wrong)
    grad = next(t for t in result.tests if t.name == "test_gradients_flow_and_match")
    assert grad.status == "failed" and "no gradient reached x" in grad.message


def test_learner_output_is_captured_and_capped(softmax, worker, tmp_path):
    noisy = tmp_path / "stable_softmax.py"
    noisy.write_text((REPO / "reference" / "stable_softmax.py").read_text() +
                     "\nprint('x' * 100000)\n")
    result = grade(softmax, worker, noisy)
    assert result.solved
    # passing tests keep their output too; it is capped
    assert all(len(t.output) < 2100 for t in result.tests)


def test_forbidden_api_withholds_the_score(softmax, worker, tmp_path):
    cheat = tmp_path / "stable_softmax.py"
    cheat.write_text("import torch\n\ndef stable_softmax(x, dim=-1):\n    return torch.softmax(x, dim)\n")
    result = grade(softmax, worker, cheat)
    rule = next(t for t in result.tests if t.kind == "rule")
    assert rule.status == "failed" and "torch.softmax" in rule.message and "line 4" in rule.message
    assert result.totals.points == 0 and result.totals.withheld_by
    assert "not allowed in this kata" in result.tests[0].message   # disabled at run time as well


def test_cuda_specs_say_not_run_without_cuda(softmax, worker):
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = grade(softmax, worker, softmax.reference, devices=("cpu", "cuda"))
    cuda = [t for t in result.tests if t.device == "cuda"]
    assert cuda and all(t.status == "skipped" and t.message == "not run: no CUDA" for t in cuda)
    assert result.totals.points == result.totals.max_points == softmax.points   # skipped tests don't count
    assert result.totals.failed == 0


def test_points_mismatch_is_a_kata_error(kata_copy, worker):
    folder = kata_copy()
    toml = folder / "kata.toml"
    toml.write_text(toml.read_text().replace("points = 21", "points = 30"))
    with pytest.raises(KataError, match="field 'points' is 30, but the spec tests carry 21 points"):
        engine.check(load_kata(toml), folder / "stub.py", worker)


def test_spec_without_marker_is_a_kata_error(kata_copy, worker):
    folder = kata_copy()
    spec = folder / "specs" / "test_public.py"
    spec.write_text(spec.read_text() + "\n\ndef test_unmarked(sub):\n    pass\n")
    with pytest.raises(KataError, match="test_unmarked: mark it with exactly one of"):
        engine.check(load_kata(folder / "kata.toml"), folder / "stub.py", worker)


def test_missing_submission_is_a_kata_error(softmax, worker, tmp_path):
    with pytest.raises(KataError, match="no such submission file"):
        grade(softmax, worker, tmp_path / "absent.py")


def test_result_json_roundtrip(softmax, worker):
    result = grade(softmax, worker, softmax.stub, lang="ko")
    data = json.loads(result.to_json())
    assert data["schema"] == "torchkata.result" and data["version"] == 1
    assert data["lang"] == "ko" and data["totals"]["points"] == 0
    assert len(data["submission"]["sha256"]) == 64
    again = KataResult.from_dict(data)
    assert again.to_dict() == data


def test_coverage_of_the_reference(softmax, worker):
    result = grade(softmax, worker, softmax.reference, measure_coverage=True)
    assert result.coverage["percent"] == 100.0


def test_several_katas_in_one_session_match_separate_checks(worker):
    katas = [load_kata(REPO / "katas" / slug / "kata.toml") for slug in ("stable-softmax", "gather", "dim-reductions")]
    work = [(katas[0], katas[0].reference), (katas[1], katas[1].stub), (katas[2], katas[2].mutants[0].file)]
    together = engine.check_many(work, worker)
    for (kata, path), result in zip(work, together):
        alone = engine.check(kata, path, worker)
        assert result.kata == kata.slug
        assert [(t.name, t.status, t.points, t.message) for t in result.tests] == \
            [(t.name, t.status, t.points, t.message) for t in alone.tests]


def test_a_broken_kata_does_not_stop_the_others_in_a_session(kata_copy, worker, softmax):
    folder = kata_copy()
    (folder / "specs" / "test_public.py").write_text("this is not python\n")
    broken = load_kata(folder / "kata.toml")
    outcomes = engine.check_many([(broken, broken.reference), (softmax, softmax.reference)], worker)
    assert isinstance(outcomes[0], KataError) and "could not be collected" in str(outcomes[0])
    assert outcomes[1].solved
