"""Attack: change a learner repository outside submissions/ without `kata grade --manifest` noticing.

Each learner below received the released template and changed it in one way: a file added,
removed, renamed, renamed in case only, edited (the Classroom workflow included), replaced by a
symbolic link to identical bytes, a folder replaced by a link, an empty folder added, a FIFO,
a file name holding terminal escapes, submissions/ itself a link. The whole class is graded in
one real `kata grade --manifest --fail-modified` run: every change is named and zeroes the score;
what the learner may change (submissions/, .git, their own copy of the manifest) is not.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.red_team.released import clone, kata, released_template

pytestmark = pytest.mark.slow

SPECS = "katas/stable-softmax/specs"
ESCAPE_NAME = "\x1b]0;owned\x07\x1b[2J"


def _add(repo: Path, relative: str, text: str = "x = 1\n") -> None:
    (repo / relative).parent.mkdir(parents=True, exist_ok=True)
    (repo / relative).write_text(text)


def _link_to_copy(repo: Path, relative: str, elsewhere: Path) -> None:
    """Replace ``relative`` by a symbolic link to an identical copy outside the repository."""
    target = elsewhere / relative.replace("/", "_")
    path = repo / relative
    if path.is_dir():
        shutil.copytree(path, target)
        shutil.rmtree(path)
    else:
        shutil.copy(path, target)
        path.unlink()
    os.symlink(target, path)


ATTACKS = {
    # name: (change the repository, the paths that must be listed (all of them, exactly; None: at least `must`))
    "root-conftest": (lambda r, e: _add(r, "conftest.py"), ["conftest.py"]),
    "new-workflow": (lambda r, e: _add(r, ".github/workflows/evil.yml", "on: push\n"),
                     [".github/workflows/evil.yml"]),
    "workflow-edited": (lambda r, e: (r / ".github/workflows/classroom.yml").write_text(
        (r / ".github/workflows/classroom.yml").read_text().replace("exit 0", "echo 'torchkata=100' >> \"$GITHUB_OUTPUT\"; exit 0", 1)),
        [".github/workflows/classroom.yml"]),
    "workflow-removed": (lambda r, e: (r / ".github/workflows/classroom.yml").unlink(),
                         [".github/workflows/classroom.yml"]),
    "spec-added": (lambda r, e: _add(r, f"{SPECS}/test_extra.py"), [f"{SPECS}/test_extra.py"]),
    "spec-removed": (lambda r, e: (r / SPECS / "test_public.py").unlink(), [f"{SPECS}/test_public.py"]),
    "init-planted": (lambda r, e: _add(r, f"{SPECS}/__init__.py"), [f"{SPECS}/__init__.py"]),
    "renamed": (lambda r, e: (r / "katas/stable-softmax/stub.py").rename(r / "katas/stable-softmax/stub_old.py"),
                ["katas/stable-softmax/stub.py", "katas/stable-softmax/stub_old.py"]),
    "case-changed-file": (lambda r, e: (r / "README.md").rename(r / "readme.md"), ["README.md", "readme.md"]),
    "case-changed-folder": (lambda r, e: (r / "katas").rename(r / "Katas"), None),
    "symlinked-file": (lambda r, e: _link_to_copy(r, "course.toml", e), ["course.toml"]),
    "symlinked-folder": (lambda r, e: _link_to_copy(r, SPECS, e), None),
    "empty-folder": (lambda r, e: (r / SPECS / "extra").mkdir(), [f"{SPECS}/extra/"]),
    "fifo": (lambda r, e: os.mkfifo(r / "notes"), ["notes"]),
    "escape-name": (lambda r, e: _add(r, ESCAPE_NAME), ["\\x1b]0;owned\\x07\\x1b[2J"]),
    "submissions-link": (lambda r, e: _link_to_copy(r, "submissions", e), ["submissions"]),
    "own-work-only": (lambda r, e: (_add(r, "submissions/notes.md"), _add(r, "submissions/progress.json", "{}"),
                                    _add(r, ".git/HEAD", "ref: refs/heads/main\n"),
                                    (r / "torchkata-manifest.json").write_text("{}")), []),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root, template, kept = released_template(tmp_path_factory)
    folder = tmp_path_factory.mktemp("class")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    reference = root / "reference" / "stable_softmax.py"
    for name, (change, _) in ATTACKS.items():
        repo = clone(template, folder / name, reference)
        (elsewhere / name).mkdir()
        change(repo, elsewhere / name)
    out = tmp_path_factory.mktemp("grades")
    done = kata("grade", *(str(folder / name) for name in ATTACKS), "--course", str(root), "--out", str(out),
                "--manifest", str(kept), "--fail-modified", "-j", "2")
    learners = {path.stem: json.loads(path.read_text()) for path in (out / "learners").glob("*.json")}
    return done, learners


@pytest.mark.parametrize("name", [name for name in ATTACKS if name != "own-work-only"])
def test_every_change_is_named_and_earns_nothing(graded, name):
    done, learners = graded
    data = learners[name]
    integrity = data["integrity"]
    assert integrity["status"] == "modified" and integrity["score_zeroed"] and data["points"] == 0, integrity
    expected = ATTACKS[name][1]
    if expected is not None:
        assert integrity["modified"] == sorted(expected)
    assert f"{name}" in done.stdout and "[modified]" in done.stdout


def test_a_case_changed_folder_names_both_spellings(graded):
    modified = graded[1]["case-changed-folder"]["integrity"]["modified"]
    assert "katas/stable-softmax/stub.py" in modified and "Katas/stable-softmax/stub.py" in modified


def test_a_folder_replaced_by_a_link_is_named_and_never_followed(graded):
    modified = graded[1]["symlinked-folder"]["integrity"]["modified"]
    assert SPECS in modified and f"{SPECS}/test_public.py" in modified


def test_what_the_learner_may_change_is_not_a_modification(graded):
    done, learners = graded
    data = learners["own-work-only"]
    assert data["integrity"] == {"status": "intact", "modified": [], "score_zeroed": False}
    assert data["points"] == data["max_points"] > 0


def test_names_are_shown_escaped_never_raw(graded):
    done, learners = graded
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr
    assert "\\x1b]0;owned\\x07" in done.stderr
