"""Collecting a class (`kata collect`, scripts/clone-roster.sh) and naming its learners (`kata grade`'s ids)."""
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from torchkata import batch
from torchkata.catalogue import KataError
from tests.conftest import SOFTMAX_POINTS
from torchkata.cli import main
from torchkata.roster import read_roster

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "clone-roster.sh"
KATA = Path(sys.executable).parent / "kata"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"}

# GitHub Classroom's roster export: identifier, github_username, github_id, name; a learner who has not
# linked an account has an empty github_username.
CLASSROOM_ROSTER = (
    '"identifier","github_username","github_id","name"\n'
    '"ada@uni.edu","ada","101","Ada"\n'
    '"kim@uni.edu","","","김철수"\n'
    '"bo@uni.edu","bo","102","Bo, the second"\n'
    '"ghost@uni.edu","ghost","103","Ghost"\n'
    '"x@uni.edu","../etc","104",""\n'
    '"ada2@uni.edu","ADA","105","Ada again"\n')


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**GIT_ENV, "HOME": str(cwd)})


@pytest.fixture
def remote(tmp_path):
    """Two learners' repositories, named as GitHub Classroom names them (hw1-<username>)."""
    remote = tmp_path / "remote"
    for name in ("ada", "bo"):
        repo = remote / f"hw1-{name}"
        (repo / "submissions").mkdir(parents=True)
        (repo / "submissions" / "stable_softmax.py").write_text(f"# {name}\n")
        git("init", "-q", cwd=repo)
        git("add", "-A", cwd=repo)
        git("commit", "-qm", "work", cwd=repo)
    return remote


def test_a_classroom_roster_is_read_by_its_github_username_column(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(CLASSROOM_ROSTER, encoding="utf-8")
    read = read_roster(roster)
    assert [entry.username for entry in read.entries] == ["ada", "bo", "ghost"]
    skipped = [str(s) for s in read.skipped]
    assert "line 3 (kim@uni.edu): no GitHub account is linked to this row" in skipped
    assert "line 6 (x@uni.edu): '../etc' is not a GitHub username" in skipped
    assert "line 7 (ada2@uni.edu): ADA is listed already, on line 2" in skipped


def test_plain_lists_and_rosters_without_the_column(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("# the class\nada\n\nbo   # joined late\n-bad-\n", encoding="utf-8")
    read = read_roster(listing)
    assert [entry.username for entry in read.entries] == ["ada", "bo"]
    assert [str(s) for s in read.skipped] == ["line 5: '-bad-' is not a GitHub username"]
    bom = tmp_path / "excel.csv"                       # spreadsheets save a byte-order mark
    bom.write_text("\ufeffgithub_username,name\nada,Ada\n", encoding="utf-8")
    assert [entry.username for entry in read_roster(bom).entries] == ["ada"]
    names_only = tmp_path / "names.csv"
    names_only.write_text("identifier,name\nada@uni.edu,Ada\n", encoding="utf-8")
    with pytest.raises(KataError, match="no github_username column .*identifier, name"):
        read_roster(names_only)


def test_kata_collect_clones_and_says_which_rows_it_skipped_and_why(tmp_path, remote, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text(CLASSROOM_ROSTER, encoding="utf-8")
    out = tmp_path / "class"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["collect", str(roster), "--out", str(out), "--base", f"file://{remote}",
                                       "--assignment", "hw1"])
    assert result.exit_code == 1, result.output              # some rows skipped: exit 1, never silent
    assert "skipped line 3 (kim@uni.edu): no GitHub account is linked" in result.output
    assert f"skipped line 5 (ghost@uni.edu): could not clone file://{remote}/hw1-ghost:" in result.output
    assert "'../etc' is not a GitHub username" in result.output and "ADA is listed already" in result.output
    assert "cloned 2 repositories" in result.output and "skipped 4" in result.output
    assert (out / "learners.txt").read_text().split() == ["ada", "bo"]
    assert [learner.id for learner in batch.collect_learners([out / "learners.txt"])] == ["ada", "bo"]
    assert (out / "ada" / "submissions" / "stable_softmax.py").read_text() == "# ada\n"
    assert not (out / "ghost").exists()
    again = CliRunner().invoke(main, ["collect", str(roster), "--out", str(out), "--base", f"file://{remote}",
                                      "--assignment", "hw1"])
    assert again.exit_code == 1 and (out / "learners.txt").read_text().split() == ["ada", "bo"]   # a rerun refreshes


def test_a_cloned_repository_keeps_links_as_links_and_fetches_no_submodule(tmp_path, remote):
    repo = remote / "hw1-ada"
    (repo / "submissions" / "linked.py").symlink_to("/etc/passwd")
    git("-c", "protocol.file.allow=always", "submodule", "add", "-q", f"file://{remote / 'hw1-bo'}", "vendored",
        cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "tricks", cwd=repo)
    listing = tmp_path / "list.txt"
    listing.write_text("ada\n")
    done = subprocess.run([str(KATA), "collect", str(listing), "--out", str(tmp_path / "class"),
                           "--base", f"file://{remote}", "--assignment", "hw1"],
                          capture_output=True, text=True, env={**GIT_ENV, "HOME": str(tmp_path)}, timeout=120)
    assert done.returncode == 0, done.stderr
    clone = tmp_path / "class" / "ada"
    assert (clone / "submissions" / "linked.py").is_symlink()          # the grader refuses it; it never reads /etc
    assert (clone / ".gitmodules").is_file() and not any((clone / "vendored").iterdir())


def test_clone_roster_script_is_kata_collect(tmp_path, remote):
    roster = tmp_path / "roster.csv"
    roster.write_text(CLASSROOM_ROSTER, encoding="utf-8")
    out = tmp_path / "class"
    done = subprocess.run(["bash", str(SCRIPT), str(roster), str(out), f"file://{remote}", "hw1"],
                          capture_output=True, text=True, env={**GIT_ENV, "KATA": str(KATA), "HOME": str(tmp_path)},
                          timeout=120)
    assert done.returncode == 1                          # rows were skipped, each named with its reason
    assert "could not clone" in done.stderr and "ghost" in done.stderr and "not a GitHub username" in done.stderr
    assert "no GitHub account is linked" in done.stderr
    assert (out / "learners.txt").read_text().split() == ["ada", "bo"]


# --- learner ids -------------------------------------------------------------------------------

def test_learner_ids_keep_letters_of_every_script():
    assert batch.learner_id("김민준") == "김민준"
    assert batch.learner_id(unicodedata.normalize("NFD", "김민준")) == "김민준"     # macOS names are NFD
    assert batch.learner_id("José Núñez") == "José_Núñez"
    assert batch.learner_id("..hidden") == "hidden" and batch.learner_id("???") == "_"
    assert batch.learner_id("") == "learner"
    assert len(batch.learner_id("가" * 300)) == batch.MAX_ID_CHARS


def test_colliding_ids_get_a_short_hash_of_the_path_and_a_note(tmp_path):
    folders = [tmp_path / "a" / "김민준", tmp_path / "b" / "김민준", tmp_path / "c" / "Ada", tmp_path / "d" / "ada",
               tmp_path / "e" / "reference", tmp_path / "f" / "bo"]
    for folder in folders:
        folder.mkdir(parents=True)
    notes = []
    learners = batch.collect_learners(folders, notes)
    ids = [learner.id for learner in learners]
    assert len(set(ids)) == len({i.casefold() for i in ids}) == 6          # unique, even on a case-blind disk
    assert "bo" in ids and not any(i == "reference" for i in ids)
    by_path = {learner.path: learner.id for learner in learners}
    assert by_path[folders[0]].startswith("김민준-") and len(by_path[folders[0]]) == len("김민준-") + 8
    assert by_path[folders[2]].startswith("Ada-") and by_path[folders[3]].startswith("ada-")
    assert len(notes) == 5 and not any(note.skipped for note in notes)
    assert any("kept for the reference" in note.text for note in notes)
    again = batch.collect_learners(list(reversed(folders)))           # stable whatever the order: resumable
    assert {learner.path: learner.id for learner in again} == by_path


@pytest.mark.slow
def test_kata_grade_grades_a_class_whose_ids_collide_and_names_them(tmp_path, course_copy):
    root = course_copy()
    folders = [tmp_path / "a" / "김민준", tmp_path / "b" / "김민준"]
    for folder in folders:
        (folder / "submissions").mkdir(parents=True)
    (folders[0] / "submissions" / "stable_softmax.py").write_text((root / "reference" / "stable_softmax.py").read_text())
    listing = tmp_path / "class.txt"
    listing.write_text("a/김민준\nb/김민준\ngone\n", encoding="utf-8")
    done = subprocess.run([str(KATA), "grade", "--course", str(root), str(listing), "--out", str(tmp_path / "grades")],
                          capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert done.returncode == 1                          # a listed folder is missing: named, the rest graded
    assert "'gone' is not a folder: skipped" in done.stderr and "is also the id of" in done.stderr
    results = {json.loads(p.read_text())["source"]: json.loads(p.read_text())
               for p in (tmp_path / "grades" / "learners").glob("*.json")}
    assert len(results) == 2
    assert results[str(folders[0])]["points"] == SOFTMAX_POINTS and results[str(folders[1])]["points"] == 0
    assert all(data["learner"].startswith("김민준-") for data in results.values())
