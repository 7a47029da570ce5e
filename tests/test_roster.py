"""scripts/clone-roster.sh: the learners' repositories of a roster, ready for `kata grade`."""
import subprocess
from pathlib import Path

from torchkata.batch import collect_learners

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "clone-roster.sh"


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


def test_clone_a_roster_into_gradable_folders(tmp_path):
    remote = tmp_path / "remote"
    for name in ("ada", "bo"):
        repo = remote / f"hw1-{name}"
        (repo / "submissions").mkdir(parents=True)
        (repo / "submissions" / "stable_softmax.py").write_text(f"# {name}\n")
        git("init", "-q", cwd=repo)
        git("add", "-A", cwd=repo)
        git("commit", "-qm", "work", cwd=repo)
    roster = tmp_path / "roster.csv"
    roster.write_text('"github_username","name"\n"ada","Ada"\nbo,Bo\n# cy dropped\nghost,Ghost\n"../etc",x\n')
    out = tmp_path / "class"
    done = subprocess.run(["bash", str(SCRIPT), str(roster), str(out), f"file://{remote}", "hw1"],
                          capture_output=True, text=True)
    assert done.returncode == 1                         # ghost could not be cloned, ../etc is not a username
    assert "could not clone" in done.stderr and "ghost" in done.stderr and "not a GitHub username" in done.stderr
    assert (out / "learners.txt").read_text().split() == ["ada", "bo"]
    learners = collect_learners([out / "learners.txt"])
    assert [learner.id for learner in learners] == ["ada", "bo"]
    assert (out / "ada" / "submissions" / "stable_softmax.py").read_text() == "# ada\n"
