"""`kata release --target classroom50`: a course as a classroom50 assignment.

classroom50 (foundation50/classroom50) keeps each classroom's configuration in the instructor's
``classroom50`` repository: ``<classroom>/assignments.json`` lists the assignments, and
``<classroom>/autograders/<slug>/`` holds an assignment's autograder bundle, which its
publish-pages workflow packs into ``autograders/<slug>.tar.gz`` on the classroom's Pages site.
On every submission the shim in the learner's repository calls the runner, which fetches that
bundle, runs its ``autograder.py`` in the learner's checkout and publishes the
``result.json`` (schema classroom50/result/v1) it writes.

The release folder holds the three pieces::

    OUT/template/                 the learner template (as `kata release`, without the Classroom workflow)
    OUT/autograders/<slug>/       the bundle: autograder.py, bundle.json, the grader wheel, course/
    OUT/assignment.json           the entry for <classroom>/assignments.json
    OUT/README.md                 where each piece goes

The bundle's ``course/`` is the released course (public specs and their recorded answers), not
the course itself: everything a runner can fetch, a learner can fetch too, so hidden specs and
references never go in. Grade with hidden specs on your side with `kata grade`.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from pathlib import Path

from torchkata import __version__
from torchkata.catalogue import COURSE_FILE, Course, KataError
from torchkata.exporters.classroom50 import scale_for

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}$")     # classroom50's short names
MAX_BUNDLE_BYTES = 10 * 1024 * 1024                 # what its runner fetches at most
PYTHON = "3.12"
TORCH = "torch"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
AUTOGRADER_SOURCE = Path(__file__).with_name("classroom50_autograder.py")


def default_slug(course: Course) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", course.name.lower()).strip("-")[:39].strip("-")
    return slug if SLUG.match(slug) else "torchkata"


def release_assignment(course: Course, out: Path, slug: str | None = None) -> Path:
    """Write the classroom50 assignment of ``course`` to ``out`` (new or empty); returns the bundle folder."""
    from torchkata.bundle import grader_wheel
    from torchkata.release import release_course

    slug = slug or default_slug(course)
    if not SLUG.match(slug):
        raise KataError(f"--assignment {slug!r}: a classroom50 assignment slug is 2-39 lowercase letters, digits "
                        "and hyphens, starting with a letter or digit")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KataError(f"{out}: exists and is not empty; release into a new folder")
    plans: list[dict] = []
    template = out / "template"
    release_course(course, template, target="classroom50", plans=plans)
    bundle = out / "autograders" / slug
    (bundle / "course").mkdir(parents=True)
    shutil.copyfile(template / COURSE_FILE, bundle / "course" / COURSE_FILE)
    shutil.copytree(template / "katas", bundle / "course" / "katas")
    wheel = grader_wheel(bundle)
    shutil.copyfile(AUTOGRADER_SOURCE, bundle / "autograder.py")
    scale = scale_for([weight for plan in plans for weight in plan["weights"]])
    max_score = round(sum(plan["points"] for plan in plans) * scale)
    config = {"schema": "torchkata.classroom50-bundle", "version": 1, "assignment": slug, "course": "course",
              "wheel": wheel.name, "grader_version": __version__, "scale": scale, "max_score": max_score,
              "katas": {plan["slug"]: plan["points"] for plan in plans}, "torch": TORCH, "torch_index": TORCH_INDEX}
    (bundle / "bundle.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    size = len(pack(out / "autograders", slug))
    if size > MAX_BUNDLE_BYTES:
        raise KataError(f"{bundle}: packed, the bundle is {size:,} bytes; classroom50's runner fetches at most "
                        f"{MAX_BUNDLE_BYTES:,}")
    (out / "assignment.json").write_text(json.dumps(assignment_entry(course, slug), indent=2, ensure_ascii=False) +
                                         "\n", encoding="utf-8")
    (out / "README.md").write_text(_readme(course, slug, max_score, scale), encoding="utf-8")
    return bundle


def assignment_entry(course: Course, slug: str) -> dict:
    """The assignment's record for ``<classroom>/assignments.json`` (schema classroom50/assignments/v1)."""
    return {"slug": slug, "name": course.name, "description": f"torchkata: {len(course.katas)} PyTorch katas",
            "mode": "individual", "autograder": "default", "runtime": {"python": PYTHON}}


def pack(folder: Path, slug: str) -> bytes:
    """``<slug>.tar.gz`` as classroom50's publish-pages workflow packs ``autograders/<slug>/``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder / slug, arcname=slug)
    return buffer.getvalue()


def _readme(course: Course, slug: str, max_score: int, scale: int) -> str:
    points = f"{max_score} points" + (f" (torchkata points x {scale}: classroom50 scores are whole numbers)"
                                      if scale != 1 else "")
    return f"""# {course.name}: a classroom50 assignment

Written by `kata release --target classroom50` (torchkata {__version__}). Every learner's
result is out of {points}: the public specs of {len(course.katas)} katas.

1. **Template.** Push `template/` to a new repository and mark it a template repository; point
   the assignment's `template` (owner, repo, branch) at it.
2. **Bundle.** Copy `autograders/{slug}/` to `<classroom>/autograders/{slug}/` in your
   `classroom50` configuration repository. Its publish-pages workflow packs it into
   `autograders/{slug}.tar.gz`, which the runner fetches on every submission.
3. **Assignment.** Add the record in `assignment.json` to `<classroom>/assignments.json`
   (or create the assignment with `gh teacher` and copy its `runtime`).

The bundle holds the released course only (public specs and their recorded answers) and the
grader as a wheel: anything the runner can fetch, a learner can fetch too. Grade with the hidden
specs on your side: `kata grade` (docs/grading-at-scale.md).
"""
