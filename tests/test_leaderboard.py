"""A fair leaderboard: points rank, equal points share a rank, pseudonyms are HMAC-SHA256 under the
instructor's secret, learner ids are inert in every format, and the speed column rewards no missing,
failing or crashing kata and gives byte-identical solutions the same rank in three runs out of three."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CHEATS, SOFTMAX, SOFTMAX_REFERENCE, make_course
from tests.hostile import HOSTILE_IDS
from tests.test_exporters import kata_result, make_class, t
from torchkata.batch import LearnerResult
from torchkata.exporters import leaderboard
from torchkata.speed import NOISE_BOUND, Speed

KATA = Path(sys.executable).parent / "kata"


def learner(name: str, points: float, maximum: float = 10) -> LearnerResult:
    return LearnerResult(name, f"/class/{name}", "", [kata_result("k", [t("a", "passed" if points else "failed",
                                                                         points, maximum)])])


def test_equal_points_share_a_rank_and_the_next_rank_counts_them():
    learners = [learner("a", 10), learner("b", 10), learner("c", 5), learner("d", 10), learner("e", 0)]
    _, rows = leaderboard.build(learners)
    assert [(row.learner, row.rank) for row in rows] == [("a", 1), ("b", 1), ("d", 1), ("c", 4), ("e", 5)]


def test_speed_orders_equal_points_but_never_changes_a_rank():
    learners = [learner("a", 10), learner("b", 10), learner("c", 5)]
    speeds = {"a": Speed(1.4, 0.01, 1), "b": Speed(0.7, 0.01, 1), "c": Speed(0.1, 0.01, 1)}
    _, rows = leaderboard.build(learners, speeds=speeds)
    assert [(row.learner, row.rank, row.speed.shown) for row in rows] == [("b", 1, "0.70x"), ("a", 1, "1.40x"),
                                                                          ("c", 3, "0.10x")]


def test_a_noisy_speed_is_shown_as_approximately_equal():
    assert Speed(0.5, NOISE_BOUND * 2, 3).shown == "≈" and not Speed(0.5, NOISE_BOUND * 2, 3).reported
    assert Speed(0.5, NOISE_BOUND / 2, 3).shown == "0.50x"
    assert Speed(None, None, 0).shown == ""


def test_pseudonyms_are_hmac_sha256_under_the_secret():
    learners, _ = make_class()
    board = json.loads(leaderboard.render(learners, "json", secret="s3cret"))
    names = [row["learner"] for row in board["rows"]]
    for row_name, source in zip(names, ["ada", "cy", "bo"]):
        assert row_name == "anon-" + hmac.new(b"s3cret", source.encode(), hashlib.sha256).hexdigest()[:16]
        assert len(row_name) - len("anon-") >= 16                  # at least 64 bits
    assert board == json.loads(leaderboard.render(learners, "json", secret="s3cret"))
    assert names != [row["learner"] for row in json.loads(leaderboard.render(learners, "json", secret="x"))["rows"]]
    assert not any(source in name for name in names for source in ("ada", "bo", "cy"))


class Table(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        if self.rows and self.lasttag in ("td", "th"):
            self.rows[-1].append(data)


def test_hostile_learner_ids_are_inert_in_every_format():
    learners = [learner(name, 10 - i) for i, name in enumerate(HOSTILE_IDS)]
    rows = list(csv.reader(io.StringIO(leaderboard.render(learners, "csv"))))[1:]
    assert all(not row[1].startswith(("=", "+", "-", "@")) for row in rows)
    page = Table()
    page.feed(leaderboard.render(learners, "html"))
    assert page.scripts == 1 and len(page.rows) == 1 + len(learners)
    assert [row[1] for row in page.rows[1:]][0] == "::error::learner"
    markdown = leaderboard.render(learners, "md")
    pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in markdown.splitlines()]
    assert len(set(pipes)) == 1, markdown                     # no id adds or removes a column
    assert "\x1b" not in markdown and "\ud800" not in markdown
    json.loads(leaderboard.render(learners, "json")).__str__().encode("utf-8")


# --- measured speed ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("speed")
    root = make_course(base / "course")
    submissions = {**{f"same{i}": SOFTMAX_REFERENCE for i in range(6)},
                   "stub": SOFTMAX / "stub.py", "wrong": SOFTMAX / "mutants" / "no_max_subtraction.py",
                   "crash": CHEATS / "exit_at_import.py", "missing": None}
    for name, source in submissions.items():
        (base / "class" / name / "submissions").mkdir(parents=True)
        if source is not None:
            shutil.copy(source, base / "class" / name / "submissions" / "stable_softmax.py")
    out = base / "grades"
    done = subprocess.run([str(KATA), "grade", "--course", str(root), *sorted((base / "class").iterdir()), "--out",
                           str(out), "-j", "2"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return root, out


@pytest.mark.slow
def test_identical_solutions_get_the_same_rank_and_speed_in_three_runs_of_three(graded_class):
    root, out = graded_class
    runs = []
    for _ in range(3):
        done = subprocess.run([str(KATA), "leaderboard", str(out), "--course", str(root), "--speed", "--rounds", "3",
                               "--format", "json"], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        runs.append({row["learner"]: row for row in json.loads(done.stdout)["rows"]})
    for rows in runs:
        same = [rows[f"same{i}"] for i in range(6)]
        assert {row["rank"] for row in same} == {1}
        assert len({json.dumps(row["time_vs_reference"], sort_keys=True) for row in same}) == 1
        assert same[0]["time_vs_reference"]["katas"] == 1
        for name in ("stub", "wrong", "crash", "missing"):
            assert rows[name]["time_vs_reference"] is None, name          # no speed for work that did not pass
            assert rows[name]["rank"] > 1
