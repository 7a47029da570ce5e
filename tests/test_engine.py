"""The engine grading real submissions through the confined worker."""
import json
import os
import sys
import time
from pathlib import Path

import pytest

from torchkata import engine
from torchkata.catalogue import KataError, load_course
from torchkata.confinement import landlock_abi
from torchkata.results import KataResult
from tests.conftest import CHEATS, REPO, SOFTMAX_POINTS, SOFTMAX_REFERENCE


@pytest.fixture(scope="module")
def softmax(course):
    return course.get("stable-softmax")


def grade(course, kata, worker, path, **options):
    return engine.check(course, kata, Path(path), worker, engine.Options(**options))


def write(tmp_path, text, name="stable_softmax.py"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reference_scores_full_marks(course, softmax, worker):
    result = grade(course, softmax, worker, softmax.reference)
    totals = result.totals
    assert totals.points == totals.max_points == softmax.points
    assert result.solved and totals.all_passed
    specs = [t.visibility for t in result.tests if t.kind == "spec"]
    assert set(specs) == {"public", "hidden"} and specs == sorted(specs, key=lambda v: v != "public")


def test_stub_scores_zero_and_names_the_error_in_the_learners_file(course, softmax, worker):
    result = grade(course, softmax, worker, softmax.stub)
    spec_tests = [t for t in result.tests if t.kind == "spec"]
    assert result.totals.points == 0 and all(t.status == "error" for t in spec_tests)
    first = spec_tests[0].message
    assert "NotImplementedError" in first and "line 13, in stable_softmax" in first
    assert "stub.py" in first and "torchkata-sandbox" not in first and "worker.py" not in first


@pytest.mark.parametrize("cheat", ["exit_at_import", "patch_allclose", "forged_json", "tensor_subclass",
                                   "system_exit_mid_call", "read_reference"])
def test_cheats_score_zero(course, softmax, worker, cheat):
    result = grade(course, softmax, worker, CHEATS / f"{cheat}.py")
    assert result.totals.points == 0, [(t.name, t.status, t.message) for t in result.tests]
    assert not result.solved


def test_exit_at_import_is_reported_as_a_crash(course, softmax, worker):
    first = grade(course, softmax, worker, CHEATS / "exit_at_import.py").tests[0]
    assert first.status == "error"
    assert "exited with code 0" in first.message and "importing your module" in first.message


def test_system_exit_mid_call_is_an_error_not_a_pass(course, softmax, worker):
    result = grade(course, softmax, worker, CHEATS / "system_exit_mid_call.py")
    assert all(t.status == "error" for t in result.tests if t.kind == "spec")
    assert "SystemExit" in result.tests[0].message


def test_tensor_subclass_is_refused_at_the_boundary(course, softmax, worker):
    assert "subclass" in grade(course, softmax, worker, CHEATS / "tensor_subclass.py").tests[0].message


def test_forged_output_is_only_shown_as_output(course, softmax, worker):
    first = grade(course, softmax, worker, CHEATS / "forged_json.py").tests[0]
    assert first.status == "error" and '"status": "pass"' in first.output


@pytest.mark.skipif(landlock_abi() < 1, reason="Landlock is not available on this kernel")
def test_landlock_keeps_the_course_out_of_reach_even_inside_the_package(course, softmax, worker):
    result = grade(course, softmax, worker, CHEATS / "read_reference.py")
    assert "could not read the reference" in result.tests[0].message
    assert result.isolation["level"] in ("strong", "partial")
    assert any(m.startswith("landlock-fs") for m in result.isolation["mechanisms"])


def test_isolation_is_reported(course, softmax, worker):
    result = grade(course, softmax, worker, softmax.reference)
    assert {"process", "clean-env", "rlimits", "process-group"} <= set(result.isolation["mechanisms"])


def test_endless_loop_times_out_and_returns_promptly(course_copy, worker):
    root = course_copy()
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text(toml.read_text().replace("timeout = 5", "timeout = 1"))
    course = load_course(root)
    result = grade(course, course.get("stable-softmax"), worker, CHEATS / "infinite_loop.py")
    statuses = [t.status for t in result.tests if t.kind == "spec"]
    assert set(statuses) == {"timeout"} and result.totals.points == 0
    assert "time limit" in result.tests[0].message
    assert "already timed out 2 times" in result.tests[-2].message


def test_public_only_says_hidden_specs_were_not_run(course, softmax, worker):
    result = grade(course, softmax, worker, softmax.reference, public_only=True)
    assert all(t.visibility == "public" for t in result.tests)
    assert result.totals.hidden_not_run > 0 and result.totals.hidden_points_not_run > 0
    assert not result.solved and not result.hidden_run


def test_hidden_failures_show_the_diagnosis_but_not_the_values(course, softmax, worker, tmp_path):
    whole = write(tmp_path, "import torch\n\ndef stable_softmax(x, dim=-1):\n"
                            "    e = (x - x.amax(dim=dim, keepdim=True)).exp()\n    return e / e.sum()\n")
    result = grade(course, softmax, worker, whole)
    hidden = [t for t in result.tests if t.visibility == "hidden" and t.status == "failed"]
    assert hidden and all("index" not in t.message and "\n" not in t.message for t in hidden)
    public = [t for t in result.tests if t.visibility == "public" and t.status == "failed"]
    assert any("first difference at index" in t.message for t in public)


def test_a_mutants_behaviour_gets_its_diagnosis_without_a_hand_written_check(course, softmax, worker, tmp_path):
    # Written differently from mutants/whole_tensor_normalisation.py, behaving the same.
    mine = write(tmp_path, "import torch\n\ndef stable_softmax(x, dim=-1):\n"
                           "    shifted = x - torch.max(x, dim=dim, keepdim=True).values\n"
                           "    e = shifted.exp()\n    return e / torch.sum(e)\n")
    result = grade(course, softmax, worker, mine)
    failing = [t for t in result.tests if t.status == "failed"]
    diagnosis = softmax.mutants[2].diagnosis.en
    assert softmax.mutants[2].name == "whole_tensor_normalisation"
    assert failing and all(diagnosis in t.diagnosis for t in failing)
    assert not any(diagnosis in t.message for t in failing)      # the specs themselves never say it
    assert diagnosis in failing[0].feedback and failing[0].feedback.startswith("Likely mistake:")
    korean = grade(course, softmax, worker, mine, lang="ko")
    assert softmax.mutants[2].diagnosis.ko in next(t for t in korean.tests if t.status == "failed").diagnosis


def test_no_mutant_is_blamed_when_nothing_matches(course, softmax, worker, tmp_path):
    odd = write(tmp_path, "import torch\n\ndef stable_softmax(x, dim=-1):\n    return torch.ones_like(x) * 0.25\n")
    result = grade(course, softmax, worker, odd)
    assert result.totals.points < result.totals.max_points
    assert all(t.diagnosis == "" for t in result.tests)


@pytest.mark.parametrize("body", [
    "return torch.exp(x - torch.logsumexp(x, dim=dim, keepdim=True))",
    "m = x.amax(dim=dim, keepdim=True)\n    return torch.exp((x - m) - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True)))",
    "y = x.double()\n    e = (y - y.amax(dim=dim, keepdim=True)).exp()\n    return (e / e.sum(dim=dim, keepdim=True)).to(x.dtype)",
])
def test_every_numerically_valid_softmax_gets_full_marks(course, softmax, worker, tmp_path, body):
    result = grade(course, softmax, worker, write(tmp_path, f"import torch\n\ndef stable_softmax(x, dim=-1):\n    {body}\n"))
    assert result.solved, [(t.name, t.feedback) for t in result.tests if t.status != "passed"]


def test_dtype_mismatch_is_named(course, softmax, worker, tmp_path):
    wrong = write(tmp_path, "import torch\n\ndef stable_softmax(x, dim=-1):\n"
                            "    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n"
                            "    return (e / e.sum(dim=dim, keepdim=True)).to(torch.float32)\n")
    float64 = next(t for t in grade(course, softmax, worker, wrong).tests if t.name == "test_keeps_float64")
    assert float64.status == "failed" and "dtype" in float64.message and "torch.float64" in float64.message


def test_missing_gradient_is_named(course, softmax, worker, tmp_path):
    wrong = write(tmp_path, "import torch\n\ndef stable_softmax(x, dim=-1):\n"
                            "    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n"
                            "    return (e / e.sum(dim=dim, keepdim=True)).detach()\n")
    grad = next(t for t in grade(course, softmax, worker, wrong).tests if t.name == "test_gradients_flow_and_match")
    assert grad.status == "failed" and "no gradient reached x" in grad.message


def test_values_that_differ_are_shown_with_enough_digits(course, softmax, worker, tmp_path):
    off = write(tmp_path, "import torch\n\ndef stable_softmax(x, dim=-1):\n"
                          "    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n"
                          "    return e / e.sum(dim=dim, keepdim=True) * (1 + 1e-4)\n")
    failed = next(t for t in grade(course, softmax, worker, off).tests if t.name == "test_small_values")
    line = next(line for line in failed.message.splitlines() if "first difference" in line)
    got, expected = line.split("got ")[1].split(", expected ")
    assert got != expected.strip()                  # never "got 0.5, expected 0.5"
    assert "largest error" in failed.message and "allowed" in failed.message


def test_public_output_is_kept_and_capped_hidden_output_is_withheld(course, softmax, worker, tmp_path):
    noisy = write(tmp_path, SOFTMAX_REFERENCE.read_text() + "\nprint('x' * 100000)\n"
                  "_real = stable_softmax\n\ndef stable_softmax(x, dim=-1):\n"
                  "    print('input was', x.tolist())\n    return _real(x, dim)\n")
    result = grade(course, softmax, worker, noisy)
    assert result.solved
    public = [t for t in result.tests if t.visibility == "public" and t.kind == "spec"]
    hidden = [t for t in result.tests if t.visibility == "hidden"]
    assert all(0 < len(t.output) < 2100 for t in public)
    assert all(t.output == "" and t.output_withheld for t in hidden)
    assert "-1000" not in json.dumps(result.to_dict())              # a hidden input never leaks


def test_each_test_shows_only_what_was_printed_during_it(course, softmax, worker, tmp_path):
    counting = write(tmp_path, SOFTMAX_REFERENCE.read_text() + "\n_real = stable_softmax\n_calls = [0]\n\n"
                     "def stable_softmax(x, dim=-1):\n    _calls[0] += 1\n"
                     "    print(f'call number {_calls[0]}.')\n    return _real(x, dim)\n")
    public = [t for t in grade(course, softmax, worker, counting).tests
              if t.visibility == "public" and t.kind == "spec"]
    numbers = [line.split()[-1] for t in public for line in t.output.splitlines()]
    assert all(t.output.startswith("call number") for t in public)
    assert len(numbers) == len(set(numbers))                   # no test shows an earlier test's output


def test_links_planted_in_the_sandbox_never_make_the_grader_read_another_file(course, softmax, worker,
                                                                               tmp_path):
    secret = tmp_path / "trusted-only.txt"
    secret.write_text("SECRET-ANSWERS")
    planting = write(tmp_path, "import os\n"
                     f"for n in range(60):\n    for name in ('.out-%d.txt', '.err-%d.txt', 'out', 'err'):\n"
                     f"        try:\n            os.symlink({str(secret)!r}, name % n if '%' in name else name)\n"
                     "        except OSError:\n            pass\n" + SOFTMAX_REFERENCE.read_text())
    result = grade(course, softmax, worker, planting)
    assert "SECRET-ANSWERS" not in json.dumps(result.to_dict())
    assert secret.read_text() == "SECRET-ANSWERS"
    # every spec passes; `import os` itself is refused by the forbidden-API rule (torchkata.rules)
    assert all(t.status == "passed" for t in result.tests if t.kind == "spec")


def test_forbidden_api_withholds_the_score(course, softmax, worker, tmp_path):
    cheat = write(tmp_path, "import torch\n\ndef stable_softmax(x, dim=-1):\n    return torch.softmax(x, dim)\n")
    result = grade(course, softmax, worker, cheat)
    rule = next(t for t in result.tests if t.kind == "rule")
    assert rule.status == "failed" and "torch.softmax" in rule.message and "line 4" in rule.message
    assert result.totals.points == 0 and result.totals.withheld_by
    assert "not allowed in this kata" in result.tests[0].message   # disabled at run time as well


def test_a_forbidden_api_named_outright_leaves_the_loop_rule_checkable(course, worker, tmp_path):
    gather = course.get("gather")
    named = gather.reference.read_text().replace(
        "    return -target_scores(log_probs, targets).mean()",
        "    return torch.nn.functional.nll_loss(log_probs, targets)")
    assert "nll_loss" in named
    result = grade(course, gather, worker, write(tmp_path, named, gather.submission_file))
    forbidden = next(t for t in result.tests if t.name == "uses no forbidden API")
    assert forbidden.status == "failed" and "nll_loss" in forbidden.message
    loops = next(t for t in result.tests if "loop" in t.name)
    # mean_nll() is no route the loop analysis cannot follow; it fails because the API is off at run time
    assert loops.status == "error" and "cannot be checked" not in loops.message
    assert "not allowed in this kata" in loops.message and result.totals.points == 0


def test_cuda_specs_say_not_run_without_cuda(course, softmax, worker):
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = grade(course, softmax, worker, softmax.reference, device="all")
    cuda = [t for t in result.tests if t.device == "cuda"]
    assert cuda and all(t.status == "skipped" and t.message == "not run: no CUDA" for t in cuda)
    assert result.totals.points == result.totals.max_points == softmax.points   # skipped tests don't count
    assert result.totals.failed == 0 and result.devices_not_run == ["cuda"]


def test_points_mismatch_is_a_kata_error(course_copy, worker):
    root = course_copy()
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text(toml.read_text().replace(f"points = {SOFTMAX_POINTS}", "points = 30"))
    course = load_course(root)
    with pytest.raises(KataError, match=f"field 'points' is 30, but the spec tests carry {SOFTMAX_POINTS} points"):
        grade(course, course.get("stable-softmax"), worker, toml.parent / "stub.py")


def test_spec_without_marker_is_a_kata_error(course_copy, worker):
    root = course_copy()
    spec = root / "katas" / "stable-softmax" / "specs" / "test_public.py"
    spec.write_text(spec.read_text() + "\n\ndef test_unmarked(sub):\n    pass\n")
    course = load_course(root)
    with pytest.raises(KataError, match="test_unmarked: mark it with exactly one of"):
        grade(course, course.get("stable-softmax"), worker, spec.parent.parent / "stub.py")


def test_result_json_roundtrip(course, softmax, worker):
    result = grade(course, softmax, worker, softmax.stub, lang="ko")
    data = json.loads(result.to_json())
    assert data["schema"] == "torchkata.result" and data["version"] == 2
    assert data["lang"] == "ko" and data["totals"]["points"] == 0
    assert len(data["submission"]["sha256"]) == 64
    assert KataResult.from_dict(data).to_dict() == data


def test_coverage_of_the_reference(course, softmax, worker):
    result = grade(course, softmax, worker, softmax.reference, measure_coverage=True)
    assert result.coverage["percent"] == 100.0


def test_several_submissions_in_one_session_match_separate_checks(course, softmax, worker):
    work = [(softmax, softmax.reference), (softmax, softmax.stub), (softmax, softmax.mutants[0].file)]
    together = engine.open_grader(course, [softmax], worker,
                                  lambda grader: [grader.grade([pair], engine.Options())[0] for pair in work])
    for (kata, path), result in zip(work, together):
        alone = grade(course, kata, worker, path)
        assert [(t.name, t.status, t.points, t.message, t.diagnosis) for t in result.tests] == \
            [(t.name, t.status, t.points, t.message, t.diagnosis) for t in alone.tests]


def test_a_broken_kata_does_not_stop_the_others_in_a_session(tmp_path, worker):
    from tests.conftest import make_course
    root = make_course(tmp_path / "two", ("stable-softmax",))
    import shutil
    shutil.copytree(root / "katas" / "stable-softmax", root / "katas" / "softmax-copy")
    toml = root / "katas" / "softmax-copy" / "kata.toml"
    toml.write_text(toml.read_text().replace('slug = "stable-softmax"', 'slug = "softmax-copy"')
                    .replace('submission = "stable_softmax.py"', 'submission = "softmax_copy.py"'))
    shutil.copy(root / "reference" / "stable_softmax.py", root / "reference" / "softmax_copy.py")
    (root / "katas" / "softmax-copy" / "specs" / "test_public.py").write_text("this is not python\n")
    (root / "course.toml").write_text((root / "course.toml").read_text().replace(
        'order = ["stable-softmax"]', 'order = ["stable-softmax", "softmax-copy"]'))
    course = load_course(root)
    katas = [course.get("softmax-copy"), course.get("stable-softmax")]
    outcomes = engine.open_grader(course, katas, worker, lambda grader: grader.grade(
        [(katas[0], katas[0].reference), (katas[1], katas[1].reference)], engine.Options()))
    assert isinstance(outcomes[0], KataError) and "could not be collected" in str(outcomes[0])
    assert outcomes[1].solved


def test_a_gather_that_loops_over_rows_loses_exactly_the_rule_points(course, worker, tmp_path):
    gather = course.get("gather")
    reference = gather.reference.read_text()
    looping = reference.replace("def target_scores(", "def _vectorised_target_scores(") + '''

def target_scores(logits, targets):
    return torch.stack([logits[i, targets[i]] for i in range(logits.shape[0])])
'''
    path = tmp_path / "gather_rows.py"
    path.write_text(looping)
    result = grade(course, gather, worker, path)
    rule = [t for t in result.tests if t.kind == "rule" and t.max_points > 0]
    failed = [t for t in result.tests if t.status != "passed"]
    assert rule and failed == [t for t in rule if t.status != "passed"] and len(failed) == 1
    assert result.totals.points == result.totals.max_points - failed[0].max_points
    assert "loops over the rows in Python" in failed[0].message


# --- what pytest reads, the order of tests, what arrives from a child -----------------------

def test_pytest_is_told_to_read_nothing_of_its_own(course, softmax):
    args = engine.pytest_arguments([softmax])
    assert "--noconftest" in args and "--disable-plugin-autoload" in args
    assert args[args.index("-c") + 1] == os.devnull
    assert args[args.index("--confcutdir") + 1] == os.path.realpath(softmax.folder.parent)


def test_pytest_variables_are_set_aside_while_grading_and_restored(course, softmax, worker, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", "--this-option-does-not-exist")
    monkeypatch.setenv("PYTEST_PLUGINS", "no_such_plugin_module")
    seen = {}

    def use(grader):
        seen.update({k: v for k, v in os.environ.items() if k in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")})
        return grader.grade([(softmax, softmax.reference)], engine.Options())[0]
    result = engine.open_grader(course, [softmax], worker, use)
    assert result.solved and seen == {}
    assert os.environ["PYTEST_ADDOPTS"] == "--this-option-does-not-exist"
    assert os.environ["PYTEST_PLUGINS"] == "no_such_plugin_module"


def test_only_the_katas_own_conftest_and_specs_are_imported(course_copy, worker, tmp_path):
    root = course_copy()
    marker = tmp_path / "imported"
    specs = root / "katas" / "stable-softmax" / "specs"
    for planted in (root / "conftest.py", root / "katas" / "conftest.py", root / "katas" / "__init__.py",
                    specs / "__init__.py", specs.parent / "__init__.py", specs / "helpers" / "test_more.py",
                    specs / "notes_test.py"):
        planted.parent.mkdir(exist_ok=True)
        planted.write_text(f"open({str(marker)!r}, 'a').write({planted.name!r})\n")
    course = load_course(root)
    kata = course.get("stable-softmax")
    result = grade(course, kata, worker, kata.reference)
    assert result.solved and not marker.exists()
    assert not (specs / "__pycache__").exists()        # nothing is written beside the specs either
    assert not any(name.startswith("torchkata_specs__") for name in sys.modules)


def test_a_broken_conftest_breaks_only_its_kata(course_copy, worker):
    root = course_copy()
    (root / "katas" / "stable-softmax" / "specs" / "conftest.py").write_text("def (:\n")
    course = load_course(root)
    kata = course.get("stable-softmax")
    with pytest.raises(KataError, match="conftest.py: could not be imported: SyntaxError"):
        grade(course, kata, worker, kata.reference)


def test_hidden_tests_run_last_in_a_child_of_their_own(course, softmax, worker, tmp_path):
    # A token drawn when the module is imported (os.getpid would do, but os is not allowed in this kata).
    telling = write(tmp_path, SOFTMAX_REFERENCE.read_text().replace("import torch", "import time\nimport torch", 1)
                    + "\n_real = stable_softmax\n_token = time.perf_counter_ns()\n\n"
                      "def stable_softmax(x, dim=-1):\n    print('module', _token)\n    return _real(x, dim)\n")
    seen = []

    def inspect(run):
        visibility = {planned.item.nodeid: planned.visibility for planned in run.plan.tests}
        seen.extend((visibility[nodeid], state.output) for nodeid, state in run.states.items())
    result = engine.open_grader(course, [softmax], worker, lambda grader: grader.grade(
        [(softmax, telling)], engine.Options(), inspect=inspect))[0]
    assert result.solved
    order = [visibility for visibility, _ in seen]
    assert order == sorted(order, key=lambda v: v == "hidden") and "hidden" in order and "public" in order
    pids = {v: {line for vis, output in seen if vis == v for line in output.splitlines()} for v in ("public", "hidden")}
    assert pids["public"] and pids["hidden"] and not pids["public"] & pids["hidden"]


def test_what_a_child_says_is_cleaned_and_capped_where_it_arrives(course, softmax, worker, tmp_path):
    loud = write(tmp_path, "import types\n\ndef _deep(n):\n    if n == 0:\n"
                           "        raise type('Bad\\x1b[2J' + 'T' * 500, (Exception,), {})('\\x1b]0;t\\x07' + 'm' * 10**6)\n"
                           "    return _deep(n - 1)\n\n"
                           "def stable_softmax(x, dim=-1):\n    print('\\x1b[31mred\\r\\x00' * 5000)\n    _deep(50)\n")
    result = grade(course, softmax, worker, loud)
    first = next(t for t in result.tests if t.visibility == "public" and t.kind == "spec")
    assert first.status == "error" and "\x1b" not in first.message + first.output and "\x00" not in first.output
    assert "Bad[2J" in first.message and len(first.message) < 6000 and first.message.count("line ") <= 10
    assert 0 < len(first.output) <= 5000


def test_no_kata_runs_a_public_test_after_any_hidden_test(course, worker, monkeypatch):
    from torchkata import plugin as plugin_module
    order = []
    original = plugin_module.SpecPlugin.pytest_runtest_setup

    def spy(self, item):
        found = self._lookup(item)
        if found is not None:
            order.append((found[0].kata.slug, found[1].visibility))
        return original(self, item)
    monkeypatch.setattr(plugin_module.SpecPlugin, "pytest_runtest_setup", spy)
    katas = [course.get("stable-softmax"), course.get("activations")]
    results = engine.open_grader(course, katas, worker, lambda grader: grader.grade(
        [(kata, kata.reference) for kata in katas], engine.Options()))
    assert all(result.solved for result in results)
    visibilities = [visibility for _, visibility in order]
    assert visibilities == sorted(visibilities, key=lambda v: v == "hidden")
    assert {slug for slug, v in order if v == "public"} == {slug for slug, v in order if v == "hidden"} == \
        {"stable-softmax", "activations"}


def test_plain_asserts_are_explained_in_public_specs_and_withheld_in_hidden_ones(course_copy, worker):
    from torchkata.i18n import t
    root = course_copy()
    spec = root / "katas" / "stable-softmax" / "specs" / "test_public.py"
    spec.write_text(spec.read_text() + '''

@pytest.mark.public(points=0)
def test_plain_assert(sub):
    assert sub.stable_softmax(torch.tensor([1.0, 3.0])).sum().item() == 5.0


@pytest.mark.hidden(points=0)
def test_plain_assert_hidden(sub):
    assert sub.stable_softmax(torch.tensor([1.0, 3.0])).sum().item() == 5.0


@pytest.mark.hidden(points=0)
def test_plain_assert_hidden_with_a_headline(sub):
    assert sub.stable_softmax(torch.tensor([1.0, 3.0])).sum().item() == 5.0, "the sum is not five"
''')
    course = load_course(root)
    kata = course.get("stable-softmax")
    tests = {t.name: t for t in grade(course, kata, worker, kata.reference).tests}
    assert tests["test_plain_assert"].message.startswith("assert 0.99") and "== 5.0" in tests["test_plain_assert"].message
    assert tests["test_plain_assert_hidden"].message == t("hidden_check_failed", "en")
    assert tests["test_plain_assert_hidden_with_a_headline"].message == "the sum is not five"


def test_a_hidden_test_is_folded_into_an_unwritten_function_only_as_a_public_test_found_it(course, softmax, worker,
                                                                                          tmp_path):
    # Which `raise NotImplementedError` line raised is the learner's to choose: under a hidden input it could
    # spell the input out. A hidden test joins "not written yet" only at a line a public test already saw.
    chooser = write(tmp_path, "import torch\n\n\ndef stable_softmax(x, dim=-1):\n"
                              "    if x.dim() == 3:\n"
                              "        raise NotImplementedError\n"
                              "    raise NotImplementedError\n")
    result = grade(course, softmax, worker, chooser)
    lines = {(test.visibility, test.not_written["line"]) for test in result.tests if test.not_written}
    public_lines = {line for visibility, line in lines if visibility == "public"}
    assert public_lines and {line for visibility, line in lines if visibility == "hidden"} <= public_lines
    hidden_errors = [test for test in result.tests if test.visibility == "hidden" and test.status == "error"]
    assert any(test.not_written is None for test in hidden_errors)
