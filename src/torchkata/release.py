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
The manifest records the whole template but ``submissions/``: every file's SHA-256 and every
folder (see :mod:`torchkata.integrity`).

torchkata is not on the package index, so the template carries the grader that released it, as a
wheel in ``grader/`` (protected by the manifest), and its workflow installs that file; a course may
name another pip requirement instead (``[release] requirement`` in course.toml). The Gradescope
autograder zip (:func:`write_gradescope_zip`) carries the same wheel beside the whole course.
"""
from __future__ import annotations

import ast
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import tomlkit

from torchkata import __version__
from torchkata.catalogue import COURSE_FILE, Course, Kata, KataError, load_course
from torchkata.implementations import save_recordings
from torchkata.integrity import MANIFEST_NAME, write_manifest
from torchkata.results import write_atomically
from torchkata.workspace import WORKSPACE_FILE, learner_readme

WORKFLOW = ".github/workflows/classroom.yml"
GRADER_DIR = "grader"       # the bundled wheel, in a template and in a Gradescope zip
GRADESCOPE_SCRIPTS = ("setup.sh", "run_autograder")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def release_course(course: Course, out: Path, target: str = "classroom", plans: list | None = None) -> Path:
    """Write the learner template of ``course`` to ``out`` (new or empty); returns the manifest's path.
    ``target``: "classroom" adds the GitHub Classroom workflow and the grader it installs; "classroom50"
    neither (classroom50 adds its own). ``plans``, when given, receives what was recorded of each kata
    (slug, public spec files, public points, the weights of its public tests)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KataError(f"{out}: exists and is not empty; release into a new folder")
    if course.released:
        raise KataError(f"{course.root}: is itself a released template (no references to record from)")
    from torchkata.engine import open_grader
    from torchkata.launcher import Worker

    install = install_source(course)
    staging = Path(tempfile.mkdtemp(prefix="torchkata-release-"))
    try:
        preload = tuple(sorted({name for kata in course.katas for name in kata.preload}))
        with Worker(preload=preload) as worker:
            recorded = open_grader(course, course.katas, worker, lambda grader: [
                _record(grader, kata, staging) for kata in course.katas])
            if plans is not None:
                plans.extend(recorded)
            _write_template(course, recorded, staging, install, target)
            _verify(course, staging, worker)
        for cache in list(staging.rglob("__pycache__")):
            shutil.rmtree(cache)
        _check_no_answers(course, staging)
        if target == "classroom" and not course.requirement:
            _bundle_grader(staging, install)
        out.mkdir(parents=True, exist_ok=True)
        for item in staging.iterdir():
            shutil.move(str(item), out / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest = out / MANIFEST_NAME
    write_manifest(manifest, out, course.name, __version__)     # the whole tree but submissions/
    return manifest


def _record(grader, kata: Kata, staging: Path) -> dict:
    """Grade the reference on the public specs, then record every answer the public specs need:
    the reference's, and each mutant's for the calls the specs make (for mutant-matched feedback)."""
    from torchkata.engine import Options

    sequences: list = []
    public_files: dict[str, set[str]] = {}

    def inspect(run) -> None:
        for planned in run.plan.tests:
            if planned.title is not None:
                continue              # a probe of kata.toml (which ships): its hidden ones are left out when graded
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
    return {"slug": kata.slug, "public": sorted(name for name, kinds in public_files.items() if "hidden" not in kinds),
            "points": result.totals.max_points,
            "weights": [t.max_points for t in result.tests if t.counted and t.max_points > 0]}


def public_points(plans: list[dict]) -> dict[str, float]:
    """kata -> the points its public specs (and rules) carry: what each kata is worth in the template."""
    return {plan["slug"]: plan["points"] for plan in plans}


def install_source(course: Course) -> str:
    """What the template's workflow installs: the course's `[release] requirement`, else the bundled wheel."""
    if course.requirement:
        requirement = course.requirement.strip()
        if not requirement or any(ord(c) < 32 or ord(c) == 127 or c in '"$`\\' for c in requirement):
            raise KataError(f"{course.root / COURSE_FILE}: field 'release.requirement': expected one pip requirement "
                            f"on one line, such as 'torchkata==0.3.0', got {course.requirement!r}")
        return requirement
    return f"./{GRADER_DIR}/{bundled_wheel_name()}"


def bundled_wheel_name() -> str:
    """The file name of the running grader's wheel (the same name a build of it gets)."""
    return f"torchkata-{__version__}-py3-none-any.whl"


def _bundle_grader(staging: Path, install: str) -> None:
    from torchkata.bundle import grader_wheel
    wheel = grader_wheel(staging / GRADER_DIR)
    if f"./{wheel.relative_to(staging).as_posix()}" != install:
        raise KataError(f"the grader's wheel is {wheel.name}, not the {install} the workflow installs")


def _write_template(course: Course, plans: list[dict], staging: Path, install: str, target: str = "classroom") -> None:
    for plan in plans:
        kata = course.get(plan["slug"])
        shipped = [kata.folder / name for name in ("kata.toml", "stub.py", "harness.py", "specs/conftest.py")]
        shipped += [course.root / relative for relative in plan["public"]]
        for source in shipped:
            if source.is_file():
                destination = staging / source.relative_to(course.root)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
    write_atomically(staging / COURSE_FILE, template_course_toml(course))
    (staging / WORKSPACE_FILE).write_text('# This repository is your torchkata workspace.\ncourse = "."\n',
                                          encoding="utf-8")
    (staging / "submissions").mkdir()
    (staging / "submissions" / ".gitkeep").write_text("")
    (staging / ".gitignore").write_text("__pycache__/\n*.pyc\n/grades/\n")
    (staging / "README.md").write_text(_readme(course, install), encoding="utf-8")
    if target == "classroom":
        workflow = staging / WORKFLOW
        workflow.parent.mkdir(parents=True)
        workflow.write_text(classroom_workflow(install, public_points(plans)), encoding="utf-8")


def template_course_toml(course: Course) -> str:
    """The template's course.toml, written by tomlkit: valid TOML whatever the course's name holds."""
    document = tomlkit.document()
    document.add(tomlkit.comment(f"The learner template of a course, written by `kata release` (torchkata "
                                 f"{__version__})."))
    document.add(tomlkit.comment("Do not edit: your instructor checks these files."))
    document["format_version"] = 1
    document["name"] = course.name
    document["languages"] = list(course.languages)
    order = tomlkit.array()
    order.extend(kata.slug for kata in course.katas)
    document["order"] = order.multiline(True)
    document["show_solutions"] = False
    document["released"] = True
    return tomlkit.dumps(document)


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


def _readme(course: Course, install: str) -> str:
    if install.startswith(f"./{GRADER_DIR}/"):
        grader = (f"pip install {install}      # the grader your instructor released this with\n"
                  f"# once torchkata is published on the package index, `pip install torchkata=={__version__}` "
                  "does the same")
    else:
        grader = f'pip install "{install}"'
    return learner_readme(course) + f"""
## Grading

Your instructor grades this repository with hidden specs as well as the public ones in
`katas/*/specs/`; the workflow in `.github/workflows/` runs the public ones on every push.
Work only in `submissions/`: the other files are checked for changes.

제출물은 공개 테스트와 함께 숨은 테스트로도 채점합니다. `submissions/` 폴더의 파일만 고치세요.
다른 파일은 바뀌었는지 확인합니다.

## Install / 설치

Once, in this folder, with Python 3.10 or newer (처음 한 번, 이 폴더에서 Python 3.10 이상으로):

```sh
pip install torch --index-url {TORCH_CPU_INDEX}    # or your own build of PyTorch
{grader}
```
"""


# --- the GitHub Classroom workflow ------------------------------------------------------------
# Three pieces, so that installing the grader and grading change independently: the head (name,
# triggers, the job), the install steps, and the grading steps.

def classroom_workflow(install: str, katas: dict[str, float]) -> str:
    """The GitHub Classroom workflow of a released repository. ``install`` is what pip installs as the
    grader: the wheel bundled in the repository (``./grader/torchkata-….whl``), or a requirement. It grades
    the public specs and reports one Classroom runner per kata (``katas``: slug -> public points, in
    course order).

    Grading, its fallback and the reporter run whatever happened before them (``if: always()``):
    a runner whose result is missing (torchkata did not install, the course is broken) reports an
    error worth 0 of its kata's points with the last line of the log, so Classroom always records
    a score out of the same maximum."""
    return _workflow_head() + install_steps(install) + grading_steps(katas)


def _workflow_head() -> str:
    return """# GitHub Classroom autograding for torchkata. The Classroom reporter requires this exact workflow
# name, a single job named run-autograding-tests, and that no other workflow runs on push.
name: Autograding Tests
"on":
  push:
  workflow_dispatch:
  repository_dispatch:
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
"""


def install_steps(install: str) -> str:
    """PyTorch (a CPU build) from its index, then the grader: the released wheel, a file of this repository
    that the manifest protects, so nothing named torchkata is ever fetched from the package index."""
    bundled = install.startswith(f"./{GRADER_DIR}/")
    what = "the grader released with this repository" if bundled else "the grader the course names"
    return f"""      - name: Install torchkata ({what})
        run: |
          python -m pip install --quiet torch --index-url {TORCH_CPU_INDEX}
          python -m pip install --quiet {install if bundled else f'"{install}"'}
"""


def grading_steps(katas: dict[str, float]) -> str:
    """Grade, export one result per kata (a stand-in error for any that is missing), summarise, report."""
    from torchkata.exporters.classroom import runner_names

    names = runner_names(katas)
    runners = {names[slug]: int(points) if float(points).is_integer() else points for slug, points in katas.items()}
    reporter_env = "".join(f'          {name.upper()}_RESULTS: "${{{{ steps.torchkata.outputs.{name} }}}}"\n'
                           for name in runners)
    return f"""      - name: Grade the public specs
        id: torchkata
        if: always()
        env:
          TORCHKATA_RUNNERS: '{json.dumps(runners)}'
        run: |
          set +e
          grades="$RUNNER_TEMP/grades"
          log="$RUNNER_TEMP/grade.log"
          : > "$log"
          kata grade . --course . --out "$grades" --force --min-isolation basic 2>> "$log"
          if [ -d "$grades/learners" ]; then
            kata export "$grades" --format classroom -o "$RUNNER_TEMP/classroom.out" 2>> "$log"
          fi
          cat "$log"
          # Every runner gets a result: a kata whose result is missing reports why, as an error worth 0.
          python - "$RUNNER_TEMP/classroom.out" "$log" >> "$GITHUB_OUTPUT" <<'PY'
{_indent(CLASSROOM_FALLBACK, 10)}
          PY
          summary="torchkata could not grade this repository: see the log of the step 'Grade the public specs'."
          kata export "$grades" --format markdown >> "$GITHUB_STEP_SUMMARY" 2>/dev/null ||
            echo "$summary" >> "$GITHUB_STEP_SUMMARY"
          exit 0
      - name: Keep the result JSON
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: torchkata-results
          path: ${{{{ runner.temp }}}}/grades/
          if-no-files-found: warn
      - name: Autograding Reporter
        if: always()
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{reporter_env.rstrip()}
        with:
          runners: {",".join(runners)}
"""


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else "" for line in text.strip("\n").splitlines())


# Run by the workflow with the Python that set-up-python installed: the standard library only, since
# torchkata itself may be what failed. Argument 1: the `kata export --format classroom` output
# (name=base64 lines); argument 2: the grading log. Writes one name=value line per runner.
CLASSROOM_FALLBACK = r"""
import base64, json, os, re, sys
runners = json.loads(os.environ["TORCHKATA_RUNNERS"])
written = {}
try:
    with open(sys.argv[1], encoding="utf-8") as exported:
        for line in exported:
            name, _, value = line.strip().partition("=")
            if name in runners and re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", value):
                written[name] = value
except OSError:
    pass
try:
    with open(sys.argv[2], encoding="utf-8", errors="replace") as log:
        lines = [line.strip() for line in log if line.strip()]
except OSError:
    lines = []
reason = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", lines[-1] if lines else "torchkata did not run")
reason = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", reason)
reason = reason.replace("##[", "## [")[:300]
for name, points in runners.items():
    value = written.get(name)
    if value is None:
        test = {"name": name + ": not graded", "status": "error", "score": 0, "max_score": points, "line_no": 0,
                "message": "grading failed: " + reason}
        document = {"version": 1, "status": "error", "max_score": points, "tests": [test]}
        value = base64.b64encode(json.dumps(document).encode("utf-8")).decode("ascii")
    print(name + "=" + value)
"""


# --- the Gradescope autograder zip --------------------------------------------------------------

def write_gradescope_zip(course: Course, target: Path) -> Path:
    """The autograder zip Gradescope asks for: setup.sh and run_autograder at its top, the whole course
    beside them (course.toml, katas/ with the hidden specs and mutants, reference/), and the grader's
    wheel in grader/, which setup.sh installs (nothing from the package index but PyTorch)."""
    if course.released:
        raise KataError(f"{course.root}: is a released template; a Gradescope autograder needs the full course "
                        "(its references and hidden specs)")
    if target.suffix != ".zip":
        raise KataError(f"{target}: the Gradescope autograder is a .zip file")
    from torchkata.bundle import grader_wheel
    scripts = gradescope_scripts()
    members: dict[str, tuple[bytes, int]] = {}
    for name in GRADESCOPE_SCRIPTS:
        members[name] = ((scripts / name).read_bytes(), 0o755)
    for path in _course_files(course):
        members[path.relative_to(course.root).as_posix()] = (path.read_bytes(), 0o644)
    with tempfile.TemporaryDirectory(prefix="torchkata-gradescope-") as scratch:
        wheel = grader_wheel(Path(scratch))
        members[f"{GRADER_DIR}/{wheel.name}"] = (wheel.read_bytes(), 0o644)
    write_atomically(target, _zip(members))
    return target


def gradescope_scripts() -> Path:
    """setup.sh and run_autograder: ``torchkata/gradescope/`` in a wheel, ``gradescope/`` in a checkout."""
    package = Path(__file__).resolve().parent
    for folder in (package / "gradescope", package.parent.parent / "gradescope"):
        if all((folder / name).is_file() for name in GRADESCOPE_SCRIPTS):
            return folder
    raise KataError(f"{package}: the Gradescope scripts ({', '.join(GRADESCOPE_SCRIPTS)}) are missing; "
                    "reinstall torchkata")


def _course_files(course: Course) -> list[Path]:
    """course.toml, katas/ and reference/: what a course is (not the rest of a checkout it may be the top of)."""
    files = [course.root / COURSE_FILE]
    for folder in ("katas", "reference"):
        files += [p for p in (course.root / folder).rglob("*") if p.is_file() and not p.is_symlink()
                  and not {"__pycache__", ".pytest_cache"} & set(p.parts) and p.suffix != ".pyc"]
    return sorted(files)


def _zip(members: dict[str, tuple[bytes, int]]) -> bytes:
    """A zip of ``members`` (name -> (data, mode)), byte for byte the same for the same members."""
    import io
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            data, mode = members[name]
            entry = zipfile.ZipInfo(name, date_time=(2020, 2, 2, 0, 0, 0))
            entry.external_attr = (0o100000 | mode) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return buffer.getvalue()
