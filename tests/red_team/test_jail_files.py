"""Attack: read files outside the learner's view, and write outside its sandbox (a .pth file in
site-packages would run in every later Python process of the instructor)."""
import os
import site
import sys
from pathlib import Path

from tests.red_team.jail_support import all_text, attack, earns_nothing, grade, needs_namespaces_or_landlock, token

READ = """
import glob

stolen = []
for pattern in {patterns!r}:
    for path in glob.glob(pattern):
        try:
            with open(path) as f:
                stolen.append(f.read(200))
        except OSError as exc:
            print(path, exc)
print(stolen)
stolen = [text for text in stolen if "TORCHKATA_REDTEAM" in text]
"""

WRITE = """
import os

planted = []
for path in {paths!r}:
    try:
        with open(path, "w") as f:
            f.write("import os  # planted")
        planted.append(path)
    except OSError as exc:
        print(path, exc)
"""


def test_files_outside_the_view_stay_unreadable(course, worker, tmp_path):
    needs_namespaces_or_landlock(worker)
    secret = f"TORCHKATA_REDTEAM-{token()}"
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(tmp_path, 0o755)
    (folder / "secret.txt").write_text(secret)
    os.chmod(folder / "secret.txt", 0o644)
    tmp_secret = Path(f"/tmp/torchkata-redteam-{token()}.txt")
    tmp_secret.write_text(secret)
    try:
        patterns = [str(folder / "*.txt"), "/tmp/torchkata-redteam-*.txt", "/tmp/torchkata-home-*/probe-canary",
                    "/root/.bash_history", str(course.root / "reference" / "*.py")]
        result = grade(course, course.get("stable-softmax"), worker,
                       attack(tmp_path, READ.replace("{patterns!r}", repr(patterns)), "stolen"))
    finally:
        tmp_secret.unlink()
    earns_nothing(result)
    assert secret not in all_text(result)
    assert result.isolation["checks"]["host_files_hidden"], result.isolation


def test_nothing_outside_the_sandbox_can_be_written(course, worker, tmp_path):
    needs_namespaces_or_landlock(worker)
    name = f"torchkata_redteam_{token()}"
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(open_folder, 0o777)
    targets = [open_folder / f"{name}.txt", Path("/tmp") / f"{name}.txt",
               Path(site.getsitepackages()[0]) / f"{name}.pth", Path(sys.prefix) / f"{name}.txt",
               course.root / "katas" / "stable-softmax" / f"{name}.py"]
    try:
        result = grade(course, course.get("stable-softmax"), worker,
                       attack(tmp_path, WRITE.replace("{paths!r}", repr([str(t) for t in targets])), "planted"))
        earns_nothing(result)
        assert [t for t in targets if t.exists()] == []
        assert result.isolation["checks"]["host_unchanged"], result.isolation
    finally:
        for target in targets:
            target.unlink(missing_ok=True)
