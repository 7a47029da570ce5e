"""Attack: get a hidden test's input out to where the learner can read it.

A copy of the activations kata gets one more hidden test whose input holds a secret number.
Each learner's relu() notices the secret and tries one way of showing it: in an exception's
type name, message or frame name, a forged "MissingFunction", a syntax error's text, printed
output, an exit code, a signal, how long the test takes, or by keeping it (in the module and in
a file) for a public test that runs later (the rule "no Python loop"). The class is graded with
the real `kata grade`; the secret must appear nowhere a learner sees: the result files, the
terminal report, the Gradescope and Markdown exports.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from torchkata import render
from torchkata.batch import load_learner_file
from torchkata.i18n import t
from tests.conftest import REPO, make_course
from tests.red_team.released import kata

pytestmark = pytest.mark.slow

SECRET = "4242.125"
TOKENS = (SECRET, "4242_125", "4242125")
REFERENCE = (REPO / "reference" / "activations.py").read_text()

SECRET_TEST = f'''

@pytest.mark.hidden(points=1)
def test_a_secret_input(check):
    check("relu", torch.full((2, 3), {SECRET}))
'''

PRELUDE = f"""
import os, signal, sys, time, types
SECRET = {SECRET}
_FILE = os.path.join(os.getcwd(), "kept.txt")


def _secret(x):
    return bool((x == SECRET).any())


def _right(x):
    return torch.where(x > 0, x, torch.zeros_like(x))
"""

ATTACKS = {   # what relu() does on seeing the secret: lines of code
    "type-name": ["raise type('HiddenInput_' + str(SECRET).replace('.', '_'), (Exception,), {})()"],
    "message": ["raise ValueError(f'the input was {x.tolist()}')"],
    "frame-name": ["def _leak():", "    raise RuntimeError('no')",
                   "name = 'leak_' + str(SECRET).replace('.', '_')",
                   "types.FunctionType(_leak.__code__.replace(co_name=name), globals())()"],
    "missing-function": ["class MissingFunction(Exception):", "    pass", "raise MissingFunction(str(SECRET))"],
    "syntax": ["compile(str(SECRET) + ' +', __file__, 'exec')"],
    "printed": ["print('the input was', x.tolist(), file=sys.stderr)", "print(SECRET)"],
    "exit-code": ["sys.stdout.flush()", "os._exit(int(SECRET) % 256)"],
    "signal": ["os.kill(os.getpid(), signal.SIGUSR1)"],      # SIGUSR2 asks for a stack (timeouts): not deadly
    "timing": ["time.sleep(0.3)"],
}
KEEPER = """
KEPT = []


def relu(x):
    if _secret(x):
        KEPT.append(str(SECRET))
        with open(_FILE, "w") as f:
            f.write(str(SECRET))
    kept = KEPT + ([open(_FILE).read()] if os.path.exists(_FILE) else [])
    if kept:
        print("kept from a hidden test:", kept)
        raise ValueError(f"kept from a hidden test: {kept}")
    return _right(x)
"""


def submission(attack: str) -> str:
    """The reference, with a relu() that attacks when it sees the secret."""
    if attack == "module-state":
        body = KEEPER
    else:
        lines = "".join(f"        {line}\n" for line in ATTACKS[attack])
        body = f"\n\ndef relu(x):\n    if _secret(x):\n{lines}    return _right(x)\n"
    return REFERENCE.replace("\n\ndef relu(", PRELUDE + "\n\ndef _unused_relu(", 1) + body


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("instructor") / "course", ("activations",))
    kata_folder = root / "katas" / "activations"
    with open(kata_folder / "specs" / "test_hidden.py", "a") as f:
        f.write(SECRET_TEST)
    toml = kata_folder / "kata.toml"
    text = toml.read_text()
    points = int(re.search(r"^points = (\d+)$", text, re.M).group(1))
    toml.write_text(text.replace(f"points = {points}", f"points = {points + 1}", 1))     # SECRET_TEST's point
    folder = tmp_path_factory.mktemp("class")
    names = [*ATTACKS, "module-state", "honest"]
    for name in names:
        (folder / name / "submissions").mkdir(parents=True)
        source = REFERENCE if name == "honest" else submission(name)
        (folder / name / "submissions" / "activations.py").write_text(source)
    out = tmp_path_factory.mktemp("grades")
    done = kata("grade", *(str(folder / name) for name in names), "--course", str(root), "--out", str(out), "-j", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    return out, {name: out / "learners" / f"{name}.json" for name in names}


def shown_to_the_learner(out: Path, path: Path) -> str:
    """Everything a learner can be shown of their grading: the result file, the terminal report,
    the Gradescope results.json and the Markdown summary."""
    learner = load_learner_file(path)
    terminal = "\n".join(line for result in learner.results for line in render.result_lines(result))
    exports = [kata("export", str(path), "--format", fmt).stdout for fmt in ("gradescope", "markdown")]
    return "\n".join([path.read_text(), terminal, *exports])


@pytest.mark.parametrize("attack", [*ATTACKS, "module-state"])
def test_the_secret_reaches_nothing_the_learner_sees(graded, attack):
    out, files = graded
    seen = shown_to_the_learner(out, files[attack])
    assert not any(token in seen for token in TOKENS), attack
    assert "HiddenInput" not in seen and "leak_" not in seen and "SIGUSR1" not in seen


@pytest.mark.parametrize("attack", [*ATTACKS, "module-state"])
def test_the_attack_earns_nothing(graded, attack):
    out, files = graded
    honest = json.loads(files["honest"].read_text())
    data = json.loads(files[attack].read_text())
    assert honest["points"] == honest["max_points"] > 0
    assert data["points"] <= honest["points"]
    secret = next(test for result in data["results"] for test in result["tests"] if test["name"] == "test_a_secret_input")
    if attack not in ("printed", "timing"):
        assert secret["status"] == "error" and secret["points"] == 0


@pytest.mark.parametrize("attack, key", [("type-name", "raised_hidden"), ("message", "raised_hidden"),
                                         ("frame-name", "raised_hidden"), ("missing-function", "raised_hidden"),
                                         ("syntax", "raised_hidden"), ("exit-code", "crashed_hidden"),
                                         ("signal", "crashed_hidden")])
def test_a_hidden_failure_reads_as_a_fixed_text(graded, attack, key):
    out, files = graded
    data = json.loads(files[attack].read_text())
    secret = next(test for result in data["results"] for test in result["tests"] if test["name"] == "test_a_secret_input")
    assert secret["message"] == t(key, "en") and secret["output"] == ""


def test_how_long_hidden_tests_take_is_not_shown(graded):
    out, files = graded
    data = json.loads(files["timing"].read_text())
    for result in data["results"]:
        hidden = [test for test in result["tests"] if test["visibility"] == "hidden"]
        public = [test for test in result["tests"] if test["visibility"] == "public"]
        assert hidden and all(test["duration"] == 0 for test in hidden)
        assert result["duration"] == round(sum(test["duration"] for test in public), 3)


def test_a_kept_secret_never_reaches_a_public_test(graded):
    """The rule "no Python loop" is public and used to run after the hidden tests, in the same child."""
    out, files = graded
    data = json.loads(files["module-state"].read_text())
    public = [test for result in data["results"] for test in result["tests"] if test["visibility"] == "public"]
    # The source rules refuse the file's open() (a forbidden-API kata allows no file access): the specs must
    # still pass, and no public test may show the secret.
    specs = [test for test in public if test["kind"] == "spec"]
    assert specs and all(test["status"] == "passed" for test in specs), [(t["name"], t["message"]) for t in specs]
    shown = json.dumps(public)
    assert not any(token in shown for token in TOKENS)
