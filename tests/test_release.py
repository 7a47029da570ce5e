"""`kata release`: a learner template that holds no answers, whose public specs still run and score
the same, and the integrity check that grading does against its manifest."""
import ast
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from torchkata import engine
from torchkata.catalogue import KataError, builtin_course_root, load_course
from torchkata.cli import main
from torchkata.release import WORKFLOW, release_course
from tests.conftest import REPO, SOFTMAX_POINTS, make_course
from tests.installed import actionlint

KATA = Path(sys.executable).parent / "kata"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("course") / "course")
    out = tmp_path_factory.mktemp("released") / "template"
    manifest = release_course(load_course(root), out)
    return root, out, manifest


def test_the_template_holds_no_answers(released):
    root, out, _ = released
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "katas/stable-softmax/specs/test_public.py" in files and "katas/stable-softmax/stub.py" in files
    assert "katas/stable-softmax/recorded/reference.pt" in files and ".github/workflows/classroom.yml" in files
    assert not any("hidden" in f or "mutants/" in f or f.startswith("reference/") for f in files)
    reference = (root / "reference" / "stable_softmax.py").read_text()
    body = ast.dump(ast.parse(reference).body[-1].body[-1])
    for path in out.rglob("*.py"):
        assert reference not in path.read_text()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                assert all(ast.dump(statement) != body for statement in node.body), path


def learner_repo(tmp_path: Path, template: Path, name: str, file: Path | None) -> Path:
    repo = tmp_path / name
    shutil.copytree(template, repo)
    if file is not None:
        shutil.copy(file, repo / "submissions" / "stable_softmax.py")
    return repo


def test_public_specs_replay_with_the_same_scores_as_the_full_course(released, worker):
    root, out, _ = released
    course, template = load_course(root), load_course(out)
    assert template.released and template.get("stable-softmax").reference is None
    kata = course.get("stable-softmax")
    files = [kata.reference, kata.stub, *(m.file for m in kata.mutants)]
    options = engine.Options(public_only=True)
    full = engine.open_grader(course, [kata], worker, lambda g: [g.grade([(kata, f)], options)[0] for f in files])
    mine = template.get("stable-softmax")
    replayed = engine.open_grader(template, [mine], worker,
                                  lambda g: [g.grade([(mine, f)], options)[0] for f in files])
    for path, a, b in zip(files, full, replayed):
        assert a.totals.points == b.totals.points, path.name
        assert [(t.name, t.status) for t in a.tests] == [(t.name, t.status) for t in b.tests], path.name
    assert replayed[0].totals.points == replayed[0].totals.max_points > 0 and replayed[1].totals.points == 0
    # a mutant is still named in the learner's repository, from the recorded mutant answers
    whole = replayed[2 + [m.name for m in kata.mutants].index("whole_tensor_normalisation")]
    assert any("whole tensor sums to 1" in t.diagnosis for t in whole.tests)


def test_kata_check_in_the_released_repository(released, tmp_path, monkeypatch):
    root, out, _ = released
    repo = learner_repo(tmp_path, out, "ada", root / "reference" / "stable_softmax.py")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("TORCHKATA_COURSE", raising=False)
    result = CliRunner().invoke(main, ["check", "stable-softmax"])
    assert result.exit_code == 0, result.output
    assert "Score: 9/9" in result.output and "run by your instructor" in result.output
    assert "All tests passed" not in result.output


def test_grade_with_the_manifest_records_integrity(released, tmp_path):
    root, out, manifest = released
    kept = tmp_path / "instructor-manifest.json"
    shutil.copy(manifest, kept)                       # the instructor's own copy
    intact = learner_repo(tmp_path, out, "intact", root / "reference" / "stable_softmax.py")
    edited = learner_repo(tmp_path, out, "edited", root / "reference" / "stable_softmax.py")
    spec = edited / "katas" / "stable-softmax" / "specs" / "test_public.py"
    spec.write_text(spec.read_text() + "\n# the learner was here\n")
    (edited / "torchkata-manifest.json").write_text("{}")    # their copy is never trusted
    grades = tmp_path / "grades"
    done = subprocess.run([str(KATA), "grade", "--course", str(root), str(intact), str(edited), "--out", str(grades),
                           "--manifest", str(kept)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    learners = {json.loads(p.read_text())["learner"]: json.loads(p.read_text())
                for p in (grades / "learners").glob("*.json")}
    assert learners["intact"]["integrity"]["status"] == "intact"
    assert learners["edited"]["integrity"] == {"status": "modified", "score_zeroed": False,
                                               "modified": ["katas/stable-softmax/specs/test_public.py"]}
    assert learners["edited"]["points"] == SOFTMAX_POINTS and "protected files were modified" in done.stderr
    strict = subprocess.run([str(KATA), "grade", "--course", str(root), str(edited), "--out", str(tmp_path / "g2"),
                             "--manifest", str(kept), "--fail-modified"], capture_output=True, text=True, timeout=600)
    data = json.loads((tmp_path / "g2" / "learners" / "edited.json").read_text())
    assert strict.returncode == 0 and data["points"] == 0 and data["integrity"]["score_zeroed"]
    csv = subprocess.run([str(KATA), "export", str(tmp_path / "g2"), "--format", "csv"], capture_output=True,
                         text=True).stdout
    assert "modified: katas/stable-softmax/specs/test_public.py, score 0" in csv


def test_a_public_spec_that_cannot_be_replayed_is_a_release_error(tmp_path):
    root = make_course(tmp_path / "course")
    spec = root / "katas" / "stable-softmax" / "specs" / "test_public.py"
    spec.write_text(spec.read_text() + "\n\n@pytest.mark.public(points=1)\ndef test_random(check_softmax):\n"
                                       "    check_softmax(torch.randn(3))\n")
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text(toml.read_text().replace(f"points = {SOFTMAX_POINTS}", f"points = {SOFTMAX_POINTS + 1}"))
    with pytest.raises(KataError, match="test_random cannot be replayed"):
        release_course(load_course(root), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_spec_file_mixing_public_and_hidden_is_a_release_error(tmp_path):
    root = make_course(tmp_path / "course")
    hidden = root / "katas" / "stable-softmax" / "specs" / "test_hidden.py"
    public = root / "katas" / "stable-softmax" / "specs" / "test_public.py"
    public.write_text(public.read_text() + hidden.read_text().split('"""', 2)[2])
    hidden.unlink()
    with pytest.raises(KataError, match="holds hidden tests beside public or rule tests"):
        release_course(load_course(root), tmp_path / "out")


def test_release_refuses_a_non_empty_folder(tmp_path, course):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").write_text("")
    with pytest.raises(KataError, match="not empty"):
        release_course(course, tmp_path / "out")


@pytest.mark.slow
def test_releasing_the_builtin_course(tmp_path):
    out = tmp_path / "template"
    done = subprocess.run([str(KATA), "release", "--course", str(builtin_course_root()), "--out", str(out)],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is the built-in course" in done.stderr          # its answers are in every learner's torchkata
    course = load_course(builtin_course_root())
    shipped = [p for p in out.rglob("*") if p.is_file()]
    names = {p.relative_to(out).as_posix() for p in shipped}
    assert not any("mutants/" in n or n.startswith("reference/") or n.endswith("test_hidden.py") for n in names)
    texts = {p: p.read_bytes() for p in shipped}
    for kata in course.katas:
        reference = kata.reference.read_bytes()
        assert all(reference != data for data in texts.values())
        assert f"katas/{kata.slug}/recorded/reference.pt" in names
    # Inside the template, the references get full public marks and the stubs 0 (kata grade, public specs).
    for name, pick in (("all-references", lambda k: k.reference), ("all-stubs", lambda k: k.stub)):
        repo = tmp_path / name
        shutil.copytree(out, repo)
        for kata in course.katas:
            shutil.copy(pick(kata), repo / "submissions" / kata.submission_file)
        grades = tmp_path / f"grades-{name}"
        graded = subprocess.run([str(KATA), "grade", "--course", str(repo), str(repo), "--out", str(grades), "-j", "2"],
                                capture_output=True, text=True, timeout=1200)
        assert graded.returncode == 0, graded.stderr
        data = json.loads((grades / "learners" / f"{name}.json").read_text())
        points = {r["kata"]: (r["totals"]["points"], r["totals"]["max_points"]) for r in data["results"]}
        for slug, (got, maximum) in points.items():
            assert maximum > 0 and got == (maximum if name == "all-references" else 0), (name, slug, got, maximum)


# --- what the template installs: the grader that released it ----------------------------------------

def test_the_template_carries_the_grader_that_released_it(released, tmp_path):
    from torchkata.bundle import grader_wheel
    _, out, manifest = released
    wheels = list((out / "grader").glob("*.whl"))
    assert [w.name for w in wheels] == ["torchkata-0.2.0-py3-none-any.whl"]
    assert wheels[0].read_bytes() == grader_wheel(tmp_path).read_bytes()
    protected = json.loads(manifest.read_text())["files"]
    assert "grader/torchkata-0.2.0-py3-none-any.whl" in protected and WORKFLOW in protected
    workflow = (out / WORKFLOW).read_text()
    assert "python -m pip install --quiet ./grader/torchkata-0.2.0-py3-none-any.whl" in workflow
    assert "torchkata==" not in workflow                   # nothing named torchkata comes from the package index
    readme = (out / "README.md").read_text()
    assert "pip install ./grader/torchkata-0.2.0-py3-none-any.whl" in readme and "once torchkata is published" in readme


def test_the_released_workflow_passes_actionlint_and_its_install_step_is_its_own_piece(released):
    from torchkata.release import classroom_workflow, grading_steps, install_steps
    _, out, _ = released
    text = (out / WORKFLOW).read_text()
    assert actionlint(text, WORKFLOW) == []
    steps = yaml.safe_load(text)["jobs"]["run-autograding-tests"]["steps"]
    install = [step for step in steps if "pip install" in step.get("run", "")]
    assert len(install) == 1 and install[0]["name"].startswith("Install torchkata")
    katas = {"stable-softmax": 21.0}
    assert install_steps("./grader/x.whl") in classroom_workflow("./grader/x.whl", katas)
    assert classroom_workflow("./grader/x.whl", katas).endswith(grading_steps(katas))


def test_a_course_may_name_another_requirement_and_any_name(tmp_path):
    """One release for both: the requirement replaces the bundled wheel, and course.toml stays valid TOML
    whatever the course's name holds."""
    import tomlkit
    root = make_course(tmp_path / "course")
    name = 'Line one\nline "two"\ttab \x01\x7f \\ 한국어 과정'
    document = tomlkit.parse((root / "course.toml").read_text())
    document["name"] = name
    document["release"] = {"requirement": "torchkata @ git+https://example.org/tk@v0.2.0"}
    (root / "course.toml").write_text(tomlkit.dumps(document))
    out = tmp_path / "template"
    release_course(load_course(root), out)
    assert load_course(out).name == name and load_course(out).released
    workflow = (out / WORKFLOW).read_text()
    assert 'python -m pip install --quiet "torchkata @ git+https://example.org/tk@v0.2.0"' in workflow
    assert not (out / "grader").exists()
    assert actionlint(workflow, WORKFLOW) == []
    for bad in ("torchkata==${{ github.token }}", 'torchkata" ; curl evil', "torchkata==1\nrm -rf /"):
        document["release"] = {"requirement": bad}
        (root / "course.toml").write_text(tomlkit.dumps(document))
        with pytest.raises(KataError, match="field 'release.requirement'"):
            release_course(load_course(root), tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_release_needs_out_or_gradescope(tmp_path):
    result = CliRunner().invoke(main, ["release", "--course", str(make_course(tmp_path / "c"))])
    assert result.exit_code == 2 and "--gradescope" in result.output


def test_the_gradescope_zip_holds_the_scripts_the_whole_course_and_the_wheel(tmp_path):
    from torchkata.bundle import grader_wheel
    root = make_course(tmp_path / "course")
    (root / "katas" / "stable-softmax" / "__pycache__").mkdir()
    (root / "katas" / "stable-softmax" / "__pycache__" / "x.pyc").write_bytes(b"junk")
    target = tmp_path / "autograder.zip"
    result = CliRunner().invoke(main, ["release", "--course", str(root), "--gradescope", str(target)])
    assert result.exit_code == 0, result.output
    assert "built-in course" not in result.output
    archive = zipfile.ZipFile(target)
    names = set(archive.namelist())
    course_files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert names == course_files | {"setup.sh", "run_autograder", "grader/torchkata-0.2.0-py3-none-any.whl"}
    assert "katas/stable-softmax/specs/test_hidden.py" in names and "reference/stable_softmax.py" in names
    for script in ("setup.sh", "run_autograder"):
        assert archive.getinfo(script).external_attr >> 16 == 0o100755
        assert archive.read(script) == (REPO / "gradescope" / script).read_bytes()
    assert archive.read("grader/torchkata-0.2.0-py3-none-any.whl") == grader_wheel(tmp_path / "w").read_bytes()
    first = target.read_bytes()
    CliRunner().invoke(main, ["release", "--course", str(root), "--gradescope", str(target)])
    assert target.read_bytes() == first                          # reproducible
    setup = archive.read("setup.sh").decode()
    assert "grader/torchkata-*.whl" in setup and "torchkata==" not in setup


def test_releasing_the_builtin_course_warns_that_its_answers_ship_with_the_package(tmp_path):
    result = CliRunner().invoke(main, ["release", "--course", str(builtin_course_root()),
                                                       "--gradescope", str(tmp_path / "builtin.zip")])
    assert result.exit_code == 0, result.output + result.stderr
    assert "is the built-in course" in result.stderr and "any learner can read them" in result.stderr
    korean = CliRunner().invoke(main, ["release", "--course", str(builtin_course_root()), "--lang",
                                                       "ko", "--gradescope", str(tmp_path / "builtin.zip")])
    assert "내장 과정" in korean.stderr


def test_kata_new_never_adds_to_a_released_template(released):
    from torchkata.scaffold import scaffold_kata
    _, out, _ = released
    with pytest.raises(KataError, match="is a released learner template"):
        scaffold_kata(load_course(out), "relu")
    assert not (out / "katas" / "relu").exists()
