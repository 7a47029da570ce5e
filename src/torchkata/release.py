"""`kata release`: the learner template of a course, with no answers in it.

The template holds the stubs, prompts and hints, the public specs (with their conftest
and harness), a workflow for GitHub Classroom, a learner README, and for each kata the
reference's answers to the public specs, recorded here from a trusted run of the
reference (``katas/<slug>/recorded/reference.pt``, read back with ``weights_only``) so
the public specs run in the learner's repository without the reference. It holds no
reference code, no hidden spec and no mutant file.

Before anything is written for good, the release checks itself: every public spec must
replay (a spec whose inputs change between runs cannot, and is named); the reference,
the stub and every mutant must score the same public points in the released template as
in the full course; and no function body of a reference may appear in any released file.
The manifest lists the SHA-256 of every file a learner must not change.
"""
from __future__ import annotations

import ast
import shutil
import tempfile
from pathlib import Path

from torchkata import __version__
from torchkata.catalogue import COURSE_FILE, Course, Kata, KataError, load_course
from torchkata.implementations import save_recordings
from torchkata.integrity import MANIFEST_NAME, write_manifest
from torchkata.workspace import WORKSPACE_FILE, learner_readme

WORKFLOW = ".github/workflows/classroom.yml"
UNPROTECTED = ("README.md", MANIFEST_NAME)


def release_course(course: Course, out: Path) -> Path:
    """Write the learner template of ``course`` to ``out`` (new or empty); returns the manifest's path."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KataError(f"{out}: exists and is not empty; release into a new folder")
    if course.released:
        raise KataError(f"{course.root}: is itself a released template (no references to record from)")
    from torchkata.engine import open_grader
    from torchkata.launcher import Worker

    staging = Path(tempfile.mkdtemp(prefix="torchkata-release-"))
    try:
        preload = tuple(sorted({name for kata in course.katas for name in kata.preload}))
        with Worker(preload=preload) as worker:
            plans = open_grader(course, course.katas, worker, lambda grader: [
                _record(grader, kata, staging) for kata in course.katas])
            _write_template(course, plans, staging)
            _verify(course, staging, worker)
        for cache in list(staging.rglob("__pycache__")):
            shutil.rmtree(cache)
        _check_no_answers(course, staging)
        out.mkdir(parents=True, exist_ok=True)
        for item in staging.iterdir():
            shutil.move(str(item), out / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest = out / MANIFEST_NAME
    protected = [p for p in out.rglob("*") if p.is_file() and p.relative_to(out).as_posix() not in UNPROTECTED
                 and not p.relative_to(out).as_posix().startswith("submissions/")]
    write_manifest(manifest, out, protected, course.name, __version__)
    return manifest


def _record(grader, kata: Kata, staging: Path) -> dict:
    """Grade the reference on the public specs, then record every answer the public specs need:
    the reference's, and each mutant's for the calls the specs make (for mutant-matched feedback)."""
    from torchkata.engine import Options

    sequences: list = []
    public_files: dict[str, set[str]] = {}

    def inspect(run) -> None:
        for planned in run.plan.tests:
            public_files.setdefault(planned.file, set()).add("rule" if planned.kind == "rule" else planned.visibility)
        sequences.extend(state.learner.calls for state in run.states.values() if state.learner.calls)

    result = grader.grade([(kata, kata.reference)], Options(public_only=True, diagnose=False), inspect=inspect)[0]
    if isinstance(result, KataError):
        raise result
    failing = [t.name for t in result.tests if t.status != "passed"]
    if failing:
        raise KataError(f"{kata.slug}: the reference fails public specs ({', '.join(failing)}): nothing to record")
    reference = grader.reference_runner(kata)
    mutants = grader.mutant_runners(kata)
    for calls in sequences:
        reference.outcomes(calls)
        for _, runner in mutants:
            runner.outcomes(calls)
    hidden = result.hidden_skipped
    save_recordings(staging / "katas" / kata.slug / "recorded" / "reference.pt", reference.cache,
                    {mutant.name: runner.cache for mutant, runner in mutants},
                    {"tests": int(hidden["tests"]), "points": float(hidden["points"])})
    mixed = sorted(name for name, kinds in public_files.items() if "hidden" in kinds and len(kinds) > 1)
    if mixed:
        raise KataError(f"{kata.slug}: {', '.join(mixed)} holds hidden tests beside public or rule tests; keep hidden "
                        "tests in files of their own (e.g. specs/test_hidden.py, specs/test_rules.py) so the others "
                        "can be released")
    return {"slug": kata.slug, "public": sorted(name for name, kinds in public_files.items() if "hidden" not in kinds)}


def _write_template(course: Course, plans: list[dict], staging: Path) -> None:
    for plan in plans:
        kata = course.get(plan["slug"])
        shipped = [kata.folder / name for name in ("kata.toml", "stub.py", "harness.py", "specs/conftest.py")]
        shipped += [course.root / relative for relative in plan["public"]]
        for source in shipped:
            if source.is_file():
                destination = staging / source.relative_to(course.root)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
    order = ",\n".join(f'  "{kata.slug}"' for kata in course.katas)
    (staging / COURSE_FILE).write_text(
        f"# The learner template of \"{course.name}\", written by `kata release` (torchkata {__version__}).\n"
        f"# Do not edit: your instructor checks these files.\nformat_version = 1\nname = {_toml(course.name)}\n"
        f"languages = [{', '.join(_toml(lang) for lang in course.languages)}]\norder = [\n{order},\n]\n"
        f"show_solutions = false\nreleased = true\n", encoding="utf-8")
    (staging / WORKSPACE_FILE).write_text('# This repository is your torchkata workspace.\ncourse = "."\n',
                                          encoding="utf-8")
    (staging / "submissions").mkdir()
    (staging / "submissions" / ".gitkeep").write_text("")
    (staging / ".gitignore").write_text("__pycache__/\n*.pyc\n/grades/\n")
    (staging / "README.md").write_text(_readme(course), encoding="utf-8")
    workflow = staging / WORKFLOW
    workflow.parent.mkdir(parents=True)
    workflow.write_text(classroom_workflow(course.requirement or f"torchkata=={__version__}"), encoding="utf-8")


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _verify(course: Course, staging: Path, worker) -> None:
    """The released template must give the reference, the stub and every mutant the public score
    the full course gives them, with every public spec replayed from the recordings."""
    from torchkata.engine import Options, open_grader

    released = load_course(staging)
    if released.broken:
        raise KataError("; ".join(str(error) for error in released.broken.values()))
    files = [(kata, path) for kata in course.katas for path in (kata.reference, kata.stub, *(m.file for m in kata.mutants))]
    options = Options(public_only=True)

    def scores(target: Course):
        katas = {kata.slug: kata for kata in target.katas}
        return open_grader(target, target.katas, worker, lambda grader: [
            grader.grade([(katas[kata.slug], path)], options)[0] for kata, path in files])

    full, replayed = scores(course), scores(released)
    for (kata, path), mine, theirs in zip(files, full, replayed):
        if isinstance(theirs, KataError):
            raise KataError(f"{kata.slug}: the released template cannot grade {path.name}: {theirs}")
        missing = [t.name for t in theirs.tests if "no recorded reference value" in t.message]
        if missing:
            raise KataError(f"{kata.slug}: public spec(s) {', '.join(missing)} cannot be replayed: their inputs "
                            "change between runs, or depend on the learner's results; use seeded generators")
        if isinstance(mine, KataError) or mine.totals.points != theirs.totals.points:
            raise KataError(f"{kata.slug}: {path.name} scores {theirs.totals.points:g} in the released template "
                            f"but {getattr(mine, 'totals', None) and mine.totals.points} in the course")


def _check_no_answers(course: Course, staging: Path) -> None:
    """No reference function body, hidden spec or mutant may be readable in the template."""
    bodies = {}
    for kata in course.katas:
        for node in ast.walk(ast.parse(kata.reference.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                bodies[_body(node)] = f"{kata.reference.name}:{node.name}"
    forbidden = {kata.reference.read_bytes() for kata in course.katas}
    forbidden |= {m.file.read_bytes() for kata in course.katas for m in kata.mutants}
    forbidden |= {p.read_bytes() for kata in course.katas for p in kata.specs.glob("*.py")
                  if "mark.hidden" in p.read_text(encoding="utf-8")}
    for path in staging.rglob("*"):
        if not path.is_file():
            continue
        if path.read_bytes() in forbidden:
            raise KataError(f"release check: {path.relative_to(staging)} is a reference, mutant or hidden spec file")
        if path.suffix == ".py":
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _body(node) in bodies \
                        and _meaningful(node):
                    raise KataError(f"release check: {path.relative_to(staging)} holds the body of the reference "
                                    f"{bodies[_body(node)]}")


def _body(node: ast.AST) -> str:
    body = [statement for statement in node.body
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))]
    return ast.dump(ast.Module(body=body, type_ignores=[]))


def _meaningful(node: ast.AST) -> bool:
    """A body worth protecting: more than a lone `raise` or `pass` (stubs share those)."""
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return not (len(body) == 1 and isinstance(body[0], (ast.Raise, ast.Pass)))


def _readme(course: Course) -> str:
    return learner_readme(course) + """
## Grading

Your instructor grades this repository with hidden specs as well as the public ones in
`katas/*/specs/`; the workflow in `.github/workflows/` runs the public ones on every push.
Work only in `submissions/`: the other files are checked for changes.

제출물은 공개 테스트와 함께 숨은 테스트로도 채점합니다. `submissions/` 폴더의 파일만 고치세요.
다른 파일은 바뀌었는지 확인합니다.

Install once: `pip install torch --index-url https://download.pytorch.org/whl/cpu` (or your own build of
PyTorch), then `pip install torchkata`.
"""


def classroom_workflow(requirement: str) -> str:
    """The GitHub Classroom workflow of a released repository. It installs a pinned torchkata from the
    package index, never from the learner's checkout, and grades the public specs."""
    return f"""# GitHub Classroom autograding for torchkata. The Classroom reporter requires this exact workflow
# name, a single job named run-autograding-tests, and that no other workflow runs on push.
# torchkata comes from the package index, pinned: nothing in this repository is installed.
name: Autograding Tests
"on":
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 30
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install torchkata (pinned, from the package index)
        run: |
          python -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
          python -m pip install --quiet "{requirement}"
      - name: Grade the public specs
        id: torchkata
        run: |
          kata grade . --course . --out "$RUNNER_TEMP/grades" --force --min-isolation basic || true
          kata export "$RUNNER_TEMP/grades" --format classroom -o "$RUNNER_TEMP/classroom.b64"
          echo "result=$(cat "$RUNNER_TEMP/classroom.b64")" >> "$GITHUB_OUTPUT"
          kata export "$RUNNER_TEMP/grades" --format markdown >> "$GITHUB_STEP_SUMMARY"
      - name: Keep the result JSON
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: torchkata-results
          path: ${{{{ runner.temp }}}}/grades/
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          TORCHKATA_RESULTS: "${{{{ steps.torchkata.outputs.result }}}}"
        with:
          runners: torchkata
"""
