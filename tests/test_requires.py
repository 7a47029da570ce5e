"""Every sentence of a prompt is a test: the [[requires]] format, and what `kata validate` checks of it."""
from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

from torchkata import engine
from torchkata.catalogue import KataError, load_course, load_kata
from torchkata.requirements import check_requirements, missing_tests, prompt_coverage, sentences
from torchkata.validate import KataReport
from tests.conftest import COURSE


def without_requirements(toml: Path) -> str:
    """A kata.toml's text with its [[requires]] tables and [context] taken out."""
    text = toml.read_text()
    return re.sub(r"# Every sentence of the prompt.*?(?=\n\[\[hints\]\])", "", text, flags=re.S)


@pytest.fixture
def softmax_toml(course_copy) -> Path:
    return course_copy() / "katas" / "stable-softmax" / "kata.toml"


# --- the format ---------------------------------------------------------------------------------

def test_the_builtin_pilots_declare_their_requirements(course):
    kata = course.get("stable-softmax")
    kinds = {probe.kind: probe for requirement in kata.requires for probe in requirement.probes}
    assert set(kinds) == {"defaults", "stability", "dtypes", "same-device", "unchanged"}
    assert kinds["dtypes"].dtypes == ("float64", "float16", "bfloat16") and kinds["dtypes"].hidden
    assert not kinds["defaults"].hidden and kinds["defaults"].points == 1.0
    assert kinds["stability"].offsets == (1e3, 1e4)
    first = kata.requires[0]
    lines = (kata.folder / "kata.toml").read_text().splitlines()
    assert lines[first.line - 1].strip() == "[[requires]]" and first.text.en == "Write `stable_softmax(x, dim=-1)`"
    assert kata.context["ko"] and kata.context["en"] == ("The textbook formula breaks on real inputs",)
    for slug in ("layer-norm", "device-placement"):
        assert course.get(slug).requires


BLOCK = '''
[[requires]]
en = "Write `stable_softmax(x, dim=-1)`"
ko = "`stable_softmax(x, dim=-1)`를 작성하세요"
'''


@pytest.mark.parametrize("extra, message", [
    ('test = ["test_public.py::test_small_values"]', "unknown field 'requires[0].test'; did you mean 'requires[0].tests'?"),
    ('tests = ["test_public.py:test_small_values"]', "field 'requires[0].tests': expected test names such as"),
    ('tests = [3]', "field 'requires[0].tests': expected test names"),
    ('', "field 'requires[0]': a requirement needs at least one test or probe"),
    ('probes = [{ kind = "unchange", points = 1 }]', "did you mean 'unchanged'?"),
    ('probes = [{ kind = "unchanged", points = 1, dtypes = ["float16"] }]',
     "field 'requires[0].probes[0].dtypes': only a dtypes probe takes it"),
    ('probes = [{ kind = "dtypes", points = 1, dtypes = ["float8"] }]', "field 'requires[0].probes[0].dtypes'"),
    ('probes = [{ kind = "dtypes", points = 1 }]', "missing field 'requires[0].probes[0].dtypes'"),
    ('probes = [{ kind = "unchanged" }]', "missing field 'requires[0].probes[0].points'"),
    ('probes = [{ kind = "unchanged", points = -1 }]', "field 'requires[0].probes[0].points': expected a number >= 0"),
    ('probes = [{ kind = "stability", points = 1, offsets = [0] }]', "field 'requires[0].probes[0].offsets'"),
    ('probes = [{ kind = "unchanged", points = 1, functions = ["not a name"] }]',
     "field 'requires[0].probes[0].functions'"),
    ('probes = [{ kind = "unchanged", points = 1, hiden = true }]', "did you mean 'requires[0].probes[0].hidden'?"),
])
def test_malformed_requirements_name_the_field(softmax_toml, extra, message):
    softmax_toml.write_text(without_requirements(softmax_toml) + BLOCK + extra + "\n")
    with pytest.raises(KataError) as info:
        load_kata(softmax_toml)
    assert str(softmax_toml) in str(info.value) and message in str(info.value), str(info.value)


def test_a_requirement_needs_every_language_and_context_is_lists_of_quotes(softmax_toml):
    base = without_requirements(softmax_toml)
    softmax_toml.write_text(base + '\n[[requires]]\nen = "Write"\ntests = ["forbidden"]\n')
    with pytest.raises(KataError, match=r"field 'requires\[0\]\.ko': expected a non-empty text"):
        load_kata(softmax_toml)
    softmax_toml.write_text(base + '\n[context]\nen = "The textbook formula"\n')
    with pytest.raises(KataError, match="field 'context.en': expected a list of fragments"):
        load_kata(softmax_toml)
    softmax_toml.write_text(base + '\n[context]\nfr = ["x"]\n')
    with pytest.raises(KataError, match="unknown field 'context.fr'"):
        load_kata(softmax_toml)


def test_a_kata_without_requirements_still_loads(softmax_toml):
    softmax_toml.write_text(without_requirements(softmax_toml))
    kata = load_kata(softmax_toml)
    assert kata.requires == () and kata.context == {}
    softmax_toml.write_text(without_requirements(softmax_toml) + "\n[context]\n")
    assert load_kata(softmax_toml).context == {"en": (), "ko": ()}


# --- the prompt's sentences ---------------------------------------------------------------------

def test_sentences_split_prose_keep_formulas_whole_and_skip_list_numbers():
    prompt = """
Write `f(x)`, e.g. for a vector. It keeps the dtype! Why? Because.

    mu = mean(x)
    y  = x - mu

1. `g()`: return 1.
   And more.
"""
    text, spans = sentences(prompt)
    found = [text[a:b] for a, b in spans]
    assert found == ["Write `f(x)`, e.g. for a vector.", "It keeps the dtype!", "Why?", "Because.",
                     "mu = mean(x) y = x - mu", "`g()`: return 1.", "And more."]


def _kata(prompt_en: str, prompt_ko: str, requires: list[tuple[str, str]], context_en=(), context_ko=()):
    texts = [types.SimpleNamespace(text=types.SimpleNamespace(get=lambda lang, en=en, ko=ko: en if lang == "en" else ko),
                                   index=i) for i, (en, ko) in enumerate(requires)]
    prompt = types.SimpleNamespace(get=lambda lang: prompt_en if lang == "en" else prompt_ko)
    return types.SimpleNamespace(prompt=prompt, requires=texts, context={"en": context_en, "ko": context_ko})


def test_every_sentence_must_hold_a_requirement_or_a_context_quote():
    en = "Write `f(x)`.\nIt keeps\n the dtype. A story about f."
    ko = "`f(x)`를 작성하세요. dtype을 유지합니다. f 이야기."
    kata = _kata(en, ko, [("Write `f(x)`", "`f(x)`를 작성하세요"), ("It keeps the dtype", "dtype을 유지합니다")],
                 ("A story",), ("f 이야기",))
    assert prompt_coverage(kata, ("en", "ko")) == []
    uncovered = _kata(en, ko, [("Write `f(x)`", "`f(x)`를 작성하세요")], ("A story",), ("f 이야기",))
    problems = prompt_coverage(uncovered, ("en", "ko"))
    assert problems == ["prompt.en: the sentence 'It keeps the dtype.' is neither a requirement ([[requires]]) nor "
                        "quoted in [context]",
                        "prompt.ko: the sentence 'dtype을 유지합니다.' is neither a requirement ([[requires]]) nor "
                        "quoted in [context]"]


def test_quotes_must_be_the_prompts_own_words_at_one_place():
    kata = _kata("Write f. Write f again.", "f", [("Write f", "f"), ("keeps the dtype", "f")])
    problems = prompt_coverage(kata, ("en",))
    assert "requires[0].en 'Write f' is in the prompt 2 times (quote enough to point at one place)" in problems
    assert "requires[1].en 'keeps the dtype' is not in the prompt (quote its own words)" in problems


def test_named_tests_must_exist():
    kata = load_kata(COURSE / "katas" / "stable-softmax" / "kata.toml")
    planned = [types.SimpleNamespace(file="katas/stable-softmax/specs/test_hidden.py", name=f"test_any_dim_of_a_3d_tensor[{d}]",
                                     title=None) for d in (0, 1)]
    planned.append(types.SimpleNamespace(file="katas/stable-softmax/specs/test_public.py", name="test_small_values",
                                         title=None))
    missing = missing_tests(kata, planned)
    assert "requires[0]: no spec test 'test_public.py::test_small_values'" not in " ".join(missing)
    assert not any("test_any_dim_of_a_3d_tensor" in m for m in missing)
    assert any("'test_public.py::test_each_row_of_a_matrix'" in m for m in missing)
    from torchkata.requirements import unknown_functions
    assert unknown_functions(kata) == []
    named = types.SimpleNamespace(index=2, probes=[types.SimpleNamespace(kind="unchanged", functions=("softmax",))])
    odd = types.SimpleNamespace(stub=kata.stub, harness=kata.harness, requires=[named])
    assert unknown_functions(odd) == ["requires[2]: the probe 'unchanged' names 'softmax', which the stub does not define"]
    requirement = types.SimpleNamespace(index=0, tests=("forbidden",))
    assert missing_tests(types.SimpleNamespace(requires=[requirement], forbidden=()), []) == [
        "requires[0]: 'forbidden' names the forbidden-API rule, but the kata forbids nothing"]


# --- kata validate --------------------------------------------------------------------------------

def _checks(root: Path, worker, slug: str = "stable-softmax") -> dict:
    course = load_course(root)
    assert not course.broken, course.broken
    kata = course.get(slug)
    report = KataReport(slug)
    engine.open_grader(course, [kata], worker, lambda grader: check_requirements(kata, grader, report))
    return {check.name: check for check in report.checks}


def test_validate_accepts_the_pilot_and_proves_each_probe_catches_its_violation(course_copy, worker):
    checks = _checks(course_copy(), worker)
    assert all(check.ok for check in checks.values()), [(c.name, c.detail) for c in checks.values() if not c.ok]
    caught = [name for name in checks if name.startswith("requires[")]
    assert len(caught) == 5 and "requires[7] catches a solution that changes its tensor arguments in place" in caught
    assert "caught by Leave `x` itself unchanged" in checks[caught[-1]].detail


def test_validate_fails_a_new_sentence_an_unknown_test_and_a_probe_that_catches_nothing(course_copy, worker):
    root = course_copy()
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    text = toml.read_text()
    text = text.replace("new tensors.\n", "new tensors. It also sorts the rows.\n", 1)
    text = text.replace('tests = ["test_hidden.py::test_gradients_flow_and_match"]',
                        'tests = ["test_hidden.py::test_gradient_flows"]')
    text = text.replace('probes = [{ kind = "stability", points = 0.5, hidden = true }]',
                        'probes = [{ kind = "stability", points = 0.5, hidden = true, offsets = [0.001] }]')
    text = text.replace('"test_hidden.py::test_masked_entries"]\nprobes', ']\nprobes')
    text = text.replace('tests = ["test_public.py::test_seed_example_large_values", "test_hidden.py::test_very_negative_values",\n         ]',
                        'tests = []')
    toml.write_text(text)
    checks = _checks(root, worker)
    coverage = checks["every sentence of the prompt is a requirement or context"]
    assert not coverage.ok and "'It also sorts the rows.'" in coverage.detail
    names = checks["requirements name existing tests"]
    assert not names.ok and "requires[6]: no spec test 'test_hidden.py::test_gradient_flows'" in names.detail
    stability = checks["requires[3] catches a solution that loses accuracy as its inputs grow beyond 100, as "
                       "E[x^2] - E[x]^2 and exp(x) do"]
    assert not stability.ok and stability.detail == "no test or probe of this requirement fails it"


def test_a_kata_without_requirements_gets_a_warning_and_an_empty_context_lists_its_sentences(course_copy, worker):
    root = course_copy()
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text(without_requirements(toml))
    checks = _checks(root, worker)
    assert list(checks) == ["requirements"] and checks["requirements"].warning and not checks["requirements"].ok
    toml.write_text(without_requirements(toml) + "\n[context]\n")
    coverage = _checks(root, worker)["every sentence of the prompt is a requirement or context"]
    assert not coverage.ok and coverage.detail.count("prompt.en: the sentence") == 6
    assert coverage.detail.count("prompt.ko: the sentence") == 10


def test_a_defaults_probe_needs_the_stub_to_promise_the_references_signature(course_copy, worker):
    root = course_copy()
    stub = root / "katas" / "stable-softmax" / "stub.py"
    stub.write_text(stub.read_text().replace("dim: int = -1", "dim: int = 0"))
    checks = _checks(root, worker)
    check = checks["stub and reference promise the same signatures"]
    assert not check.ok and "stable_softmax: the stub's parameters (x, dim=0) differ from the reference's (x, dim=-1)" \
        in check.detail
