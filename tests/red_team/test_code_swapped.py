"""Attack: run code the source rules never read, by changing what a later child imports.

The trusted side reads the learner's file and decides the source rules from it; each child then
imports the file from its sandbox. The public tests' child can change that folder before the
hidden tests' fresh child starts: rewrite the file itself, or leave bytecode in ``__pycache__``
(an unchecked hash-based .pyc is loaded whatever the source says). Each attack is a file that
makes a known mistake (its own code) and plants, with nothing its kata's source rule refuses, a
version without it: in stable-softmax, which forbids the softmax APIs, the file writes itself
again through numpy's ``tofile`` (raw bytes) as a softmax computed by the forbidden operator
``torch.ops.aten._softmax``; in views-and-copies, whose harness rule allows files, it leaves the
reference's bytecode beside itself. Every child must import the bytes that were read: an attack
scores what its mistake scores.
"""
from __future__ import annotations

import importlib.util
import marshal
import sys
from pathlib import Path

import pytest

from torchkata import engine
from torchkata.rules import routes_of

FORBIDDEN_SOFTMAX = ("import torch\n\n\ndef stable_softmax(x, dim=-1):\n"
                     "    return torch.ops.aten._softmax(x, dim, False)\n")
NAIVE_SOFTMAX = """import torch


def stable_softmax(x, dim=-1):
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
"""


def _unchecked_pyc(source: str, filename: str) -> bytes:
    """A hash-based .pyc that the import system loads without comparing it with the source (PEP 552)."""
    code = compile(source, filename, "exec")
    return importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + bytes(8) + marshal.dumps(code)


def rewrites_itself(kata) -> tuple[str, str]:
    """(the mistake, the attack): the naive softmax, which writes itself again as a forbidden one."""
    return NAIVE_SOFTMAX, (NAIVE_SOFTMAX + f"\nPLANTED = {FORBIDDEN_SOFTMAX.encode()!r}\n"
                           "torch.tensor(list(PLANTED), dtype=torch.uint8).numpy().tofile(__file__)\n")


def leaves_bytecode(kata) -> tuple[str, str]:
    """(the mistake, the attack): a mutant that leaves the reference's bytecode beside itself."""
    mistake = next(m for m in kata.mutants if m.name == "copy_is_a_view").file.read_text()
    pyc = _unchecked_pyc(kata.reference.read_text(), kata.submission_file)
    name = f"{kata.submission_file.removesuffix('.py')}.{sys.implementation.cache_tag}.pyc"
    return mistake, (mistake + "\n\nfrom pathlib import Path\n\n"
                     f"_CACHE = Path(__file__).parent / '__pycache__'\n_CACHE.mkdir(exist_ok=True)\n"
                     f"(_CACHE / {name!r}).write_bytes({pyc!r})\n")


def _grade(course, kata, worker, folder: Path, source: str):
    folder.mkdir()
    path = folder / kata.submission_file
    path.write_text(source)
    return engine.check(course, kata, path, worker, engine.Options(diagnose=False))


@pytest.mark.parametrize("slug, attack", [("stable-softmax", rewrites_itself), ("views-and-copies", leaves_bytecode)])
def test_a_later_child_imports_the_bytes_that_were_read(course, worker, tmp_path, slug, attack):
    kata = course.get(slug)
    mistake, source = attack(kata)
    assert not routes_of(source, tuple(kata.forbidden), bool(kata.harness)), "the attack passes the source rule"
    alone = _grade(course, kata, worker, tmp_path / "mistake", mistake)
    attacked = _grade(course, kata, worker, tmp_path / "attack", source)
    failing = {t.name for t in alone.tests if t.status != "passed"}
    assert any(t.visibility == "hidden" for t in alone.tests if t.name in failing)
    assert attacked.totals.points == alone.totals.points
    assert {t.name for t in attacked.tests if t.status != "passed"} == failing


def test_restoring_the_sandbox_removes_what_a_child_left_and_follows_no_link(tmp_path):
    from torchkata.launcher import Sandbox
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    sandbox = Sandbox(b"print('read')\n", "impl.py")
    try:
        root = Path(sandbox.path)
        (root / "impl.py").write_text("print('swapped')\n")
        (root / "__pycache__").mkdir()
        (root / "__pycache__" / "impl.cpython-311.pyc").write_bytes(b"planted")
        (root / "link").symlink_to(outside)
        (root / "dir-link").symlink_to(tmp_path, target_is_directory=True)
        (root / ".coverage.1").write_text("data")
        sandbox.restore(keep_prefix=".coverage")
        assert sorted(p.name for p in root.iterdir()) == [".coverage.1", "impl.py"]
        assert (root / "impl.py").read_bytes() == b"print('read')\n"
        assert outside.read_text() == "keep me" and tmp_path.is_dir()
        sandbox.restore()
        assert [p.name for p in root.iterdir()] == ["impl.py"]
    finally:
        sandbox.remove()


def test_a_child_compiles_the_bytes_that_were_read_whatever_the_file_holds(worker):
    # Where the jail is weaker, a process an earlier child left could change the file after the restore:
    # the child compiles the bytes sent with its job, never the file (nor bytecode beside it).
    from torchkata.implementations import Job, LearnerRunner
    from torchkata.launcher import Call, Limits
    job = Job(module="swapped", file_name="swapped.py", timeout=30, limits=Limits(timeout=30))
    runner = LearnerRunner(worker, b"def f():\n    return 'read'\n", job, fresh_per_test=False, tests=1)
    try:
        Path(runner.sandbox.file).write_text("def f():\n    return 'swapped'\n")
        runner.begin_test()
        outcome = runner.call(Call.make("f", (), {}))
        runner.end_test()
    finally:
        runner.close()
    assert (outcome.status, outcome.value) == ("ok", "read")
