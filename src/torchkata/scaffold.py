"""`kata new SLUG`: the folder of a new kata, every part in place and marked TODO.

The kata loads at once (so `kata list` and `kata show` work while it is being written);
`kata validate SLUG` reports it as unfinished until no TODO is left and its checks pass.
"""
from __future__ import annotations

import re
from pathlib import Path

from torchkata.catalogue import COURSE_FILE, KATA_FORMAT, Course, KataError, _SLUG, load_course
from torchkata.results import write_atomically

_ORDER = re.compile(r"^(order\s*=\s*\[)(.*?)(\])", re.S | re.M)


def scaffold_kata(course: Course, slug: str) -> Path:
    if not _SLUG.match(slug):
        raise KataError(f"kata slug {slug!r}: expected lower-case letters, digits and single dashes, "
                        "such as 'layer-norm'")
    folder = course.root / "katas" / slug
    if folder.exists() or slug in course.order:
        raise KataError(f"{folder}: a kata named {slug!r} already exists in this course")
    module = slug.replace("-", "_")
    submission = f"{module}.py"
    taken = {kata.submission_file: kata.slug for kata in course.katas}
    if submission in taken:
        raise KataError(f"submissions/{submission} is already the file of kata {taken[submission]!r}: "
                        "choose another slug")
    files = {
        folder / "kata.toml": KATA_TOML.format(format=KATA_FORMAT, slug=slug, submission=submission),
        folder / "stub.py": STUB.format(slug=slug),
        folder / "specs" / "test_public.py": PUBLIC_SPEC,
        folder / "specs" / "test_hidden.py": HIDDEN_SPEC,
        folder / "mutants" / "forgot_to_double.py": MUTANT,
        course.root / "reference" / submission: REFERENCE.format(slug=slug),
    }
    reference = course.root / "reference" / submission
    if reference.exists():
        raise KataError(f"{reference}: exists already; remove it or choose another slug")
    for path, text in files.items():
        write_atomically(path, text)
    _add_to_order(course.root / COURSE_FILE, slug)
    load_course(course.root).get(slug)     # the new kata must load
    return folder


def _add_to_order(path: Path, slug: str) -> None:
    """Append ``slug`` to course.toml's order list, keeping the rest of the file (comments included)."""
    text = path.read_text(encoding="utf-8")
    match = _ORDER.search(text)
    if match is None:
        raise KataError(f"{path}: no 'order = [...]' list to add {slug!r} to; add it by hand")
    items = match.group(2).rstrip()
    if "\n" in match.group(2):      # one slug per line
        comma = "," if items.strip() and not items.endswith(",") else ""
        items = f'{items}{comma}\n  "{slug}",\n'
    else:
        items = f'{items.strip()}, "{slug}"' if items.strip() else f'"{slug}"'
    write_atomically(path, text[:match.start(2)] + items + text[match.end(2):])


KATA_TOML = '''format_version = {format}
slug = "{slug}"
points = 3                        # the sum of the spec tests' points
timeout = 5                       # seconds per spec test
submission = "{submission}"
devices = ["cpu"]                 # add "cuda" when the idea involves a device

[title]
en = "TODO: a short title"
ko = "TODO: 짧은 제목"

[prompt]
en = """
TODO: what to write, in `submissions/{submission}`, and the rules (shapes, dtypes, what is not allowed).
"""
ko = """
TODO: 강의 노트의 용어로, 번역투가 아닌 자연스러운 한국어로 쓰세요.
"""

[[hints]]
en = "TODO: a first nudge"
ko = "TODO: 첫 번째 힌트"

[[hints]]
en = "TODO: a more concrete step"
ko = "TODO: 좀 더 구체적인 힌트"

[[mutants]]
file = "mutants/forgot_to_double.py"
diagnosis.en = "TODO: the mistake this mutant embodies, as a sentence the learner can act on."
diagnosis.ko = "TODO: 이 뮤턴트가 담은 실수를 학습자가 고칠 수 있게 한 문장으로."
'''

STUB = '''"""Kata: {slug}.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def double(x: torch.Tensor) -> torch.Tensor:
    """TODO: describe what the learner writes."""
    # TODO 1: the first step
    raise NotImplementedError("double is not written yet")
'''

REFERENCE = '''"""Reference solution for the {slug} kata."""
import torch


def double(x: torch.Tensor) -> torch.Tensor:
    # TODO: replace this example with the kata's solution.
    return x * 2
'''

MUTANT = '''"""Known-wrong: TODO: say which mistake this is."""
import torch


def double(x: torch.Tensor) -> torch.Tensor:
    return x
'''

PUBLIC_SPEC = '''"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_close


@pytest.mark.public(points=2)
def test_example(sub, ref):
    # TODO: the prompt's own example.
    x = torch.tensor([1.0, 2.0, 3.0])
    expect_close(sub.double(x), ref.double(x))
'''

HIDDEN_SPEC = '''"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect_close


@pytest.mark.hidden(points=1)
def test_random_matrix(sub, ref):
    # TODO: inputs the learner has not seen.
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(0))
    expect_close(sub.double(x), ref.double(x))
'''
