"""`kata new-course DIR` and `kata new SLUG`: a course folder, and the folder of a new kata in it.

A new kata has every part in place and marked TODO. It loads at once (so `kata list` and
`kata show` work while it is being written); `kata validate SLUG` reports it as unfinished until
no TODO is left and its checks pass.

Authoring never touches the installed torchkata package: a kata is added to a course the author
names (``--course``, $TORCHKATA_COURSE) or stands in (a course.toml at or above the current folder,
as in a source checkout of torchkata, whose top level is the built-in course), never to the
built-in course of an installation.
"""
from __future__ import annotations

import os
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from torchkata.catalogue import COURSE_FILE, KATA_FORMAT, LANGUAGES, Course, KataError, _SLUG, load_course
from torchkata.results import write_atomically


def create_course(target: Path, name: str | None = None, languages: tuple[str, ...] = LANGUAGES) -> Path:
    """Make ``target`` a course with no katas yet: course.toml, katas/ and reference/. Returns course.toml."""
    target = target.expanduser().absolute()
    check_writable(target)
    if target.exists() and not target.is_dir():
        raise KataError(f"{target}: exists and is not a folder")
    if (target / COURSE_FILE).exists():
        raise KataError(f"{target / COURSE_FILE}: exists already; `kata new SLUG --course {target}` adds a kata to it")
    if "en" not in languages or any(lang not in LANGUAGES for lang in languages):
        raise KataError(f"languages {list(languages)}: expected a list drawn from {list(LANGUAGES)} that includes 'en'")
    for folder in ("katas", "reference"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    write_atomically(target / COURSE_FILE, course_toml(name or target.name, languages))
    load_course(target)       # what was written must load
    return target / COURSE_FILE


def course_toml(name: str, languages: tuple[str, ...]) -> str:
    """A new course.toml, written by tomlkit (valid TOML whatever the name holds), its fields explained."""
    document = tomlkit.document()
    document.add(tomlkit.comment("A torchkata course: this file beside katas/<slug>/ and reference/ "
                                 "(see docs/kata-format.md)."))
    document["format_version"] = 1
    document["name"] = name
    document["languages"] = list(languages)
    document["languages"].comment('every text of every kata in each; "en" is required')
    document.add(tomlkit.comment("The order learners meet the katas in: `kata new SLUG` adds each new kata at the end."))
    document["order"] = tomlkit.array().multiline(True)
    document.add(tomlkit.comment("After a learner passes a kata, show the reference solution (true), or keep the "
                                 "answers private (false)."))
    document["show_solutions"] = False
    return tomlkit.dumps(document)


def installed_package() -> Path:
    import torchkata
    return Path(torchkata.__file__).resolve().parent


def check_writable(root: Path) -> None:
    """Authors never write into the installed package (its built-in course is every learner's)."""
    package = installed_package()
    resolved = root.resolve()
    if resolved == package or package in resolved.parents:
        raise KataError(f"{root}: is inside the installed torchkata package, whose built-in course every learner "
                        "sees; make a course of your own: `kata new-course my-course`, then "
                        "`kata new SLUG --course my-course`")


def course_for_new(explicit: Path | None, here: Path | None = None) -> Path | None:
    """The course `kata new` adds to: --course (or $TORCHKATA_COURSE), else the nearest course.toml at or
    above ``here``; None when there is none (never the built-in course of an installation)."""
    if explicit is None and os.environ.get("TORCHKATA_COURSE"):
        explicit = Path(os.environ["TORCHKATA_COURSE"])
    if explicit is not None:
        return explicit.expanduser().absolute()
    start = (here or Path.cwd()).absolute()
    for candidate in (start, *start.parents):
        if (candidate / COURSE_FILE).is_file():
            return candidate
    return None


def scaffold_kata(course: Course, slug: str) -> Path:
    check_writable(course.root)
    if course.released:
        raise KataError(f"{course.root}: is a released learner template; add katas to the course it was released "
                        "from (`kata new SLUG --course DIR`), then release it again")
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
    updated = _added_to_order(course.root / COURSE_FILE, slug)     # checked before any file is written
    for path, text in files.items():
        write_atomically(path, text)
    write_atomically(course.root / COURSE_FILE, updated)
    load_course(course.root).get(slug)     # the new kata must load
    return folder


def _added_to_order(path: Path, slug: str) -> str:
    """course.toml with ``slug`` appended to its order list, edited by tomlkit: comments and layout are kept."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise KataError(f"{path}: cannot be edited ({exc})") from None
    order = document.get("order")
    if not isinstance(order, list):
        raise KataError(f"{path}: no 'order = [...]' list to add {slug!r} to; add it by hand")
    if not order:
        document["order"] = tomlkit.array().multiline(True)     # one slug per line from the first on
        order = document["order"]
    order.append(slug)
    return tomlkit.dumps(document)


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
