"""`kata watch` end to end, in a pseudo-terminal, as a learner uses it."""
import json
import os
import sys
import time
from pathlib import Path

import pytest

from torchkata.i18n import display_width
from tests.conftest import REPO, SOFTMAX, SOFTMAX_POINTS, SOFTMAX_REFERENCE
from tests.ptydrive import PtySession, save, strip_ansi

KATA = Path(sys.executable).parent / "kata"
SCREEN_END = r"graded in [0-9.]+ s[\s\S]*?q quit"          # the status line, then the keys (always the last line)
KOREAN_END = r"채점 시간 [0-9.]+초[\s\S]*?q 종료"


def start(workspace, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("TORCHKATA_LANG", "TORCHKATA_COURSE")}
    environment.update({"LANG": "C.UTF-8", "COLUMNS": "120", "LINES": "40", **env})
    return PtySession([str(KATA), "watch", "stable-softmax", *args], cwd=workspace, env=environment)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["rename", "recreate", "in place"])
def test_watch_grades_each_save_shows_the_solution_and_quits_with_q(workspace, how):
    session = start(workspace)
    try:
        first = session.expect(rf"Score: 0/{SOFTMAX_POINTS}[\s\S]*?" + SCREEN_END)
        assert "NotImplementedError" in first and "keys: h hint" in first
        submission = workspace / "submissions" / "stable_softmax.py"
        save(submission, (SOFTMAX / "mutants" / "whole_tensor_normalisation.py").read_text(), how)
        wrong = session.expect(rf"Score: \d+/{SOFTMAX_POINTS}[\s\S]*?" + SCREEN_END)
        assert "Likely mistake: the whole tensor sums to 1" in wrong and f"Score: {SOFTMAX_POINTS}/{SOFTMAX_POINTS}" not in wrong
        save(submission, SOFTMAX_REFERENCE.read_text(), how)
        right = session.expect(rf"Score: {SOFTMAX_POINTS}/{SOFTMAX_POINTS}[\s\S]*?" + SCREEN_END)
        assert "The reference solution, for comparison" in right and "Press n for the next kata" in right
        assert (workspace / "solutions" / "stable_softmax.py").exists()
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()
    progress = json.loads((workspace / "submissions" / "progress.json").read_text())
    assert progress["katas"]["stable-softmax"]["solved"]


@pytest.mark.slow
def test_watch_survives_submissions_that_crash_hang_or_kill_their_process(workspace):
    session = start(workspace, TORCHKATA_WATCH_POLLING="1")            # the polling fallback, too
    try:
        session.expect(SCREEN_END)
        submission = workspace / "submissions" / "stable_softmax.py"
        save(submission, "import os\n\ndef stable_softmax(x, dim=-1):\n    os.kill(os.getpid(), 9)\n")
        killed = session.expect(rf"Score: 0/{SOFTMAX_POINTS}[\s\S]*?" + SCREEN_END)
        assert "SIGKILL" in killed
        save(submission, "import os\nos._exit(3)\n")
        assert "exited with code 3" in session.expect(rf"Score: 0/{SOFTMAX_POINTS}[\s\S]*?" + SCREEN_END)
        save(submission, SOFTMAX_REFERENCE.read_text())
        session.expect(rf"Score: {SOFTMAX_POINTS}/{SOFTMAX_POINTS}[\s\S]*?" + SCREEN_END)
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()


@pytest.mark.slow
def test_watch_keys_in_korean(workspace):
    session = start(workspace, "--lang", "ko")
    try:
        session.expect(rf"점수: 0/{SOFTMAX_POINTS}[\s\S]*?" + KOREAN_END)
        session.type("h")
        assert "힌트 1/3" in session.expect(r"힌트 1/3[\s\S]*?\n")
        session.type("r")
        session.expect("맞으면 y를 누르세요")
        session.type("y")
        session.expect(rf"점수: 0/{SOFTMAX_POINTS}[\s\S]*?" + KOREAN_END)
        session.type("n")
        session.expect(r"kata watch — (?!stable-softmax)")
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()


@pytest.mark.slow
@pytest.mark.parametrize("idle", [0, 1.5], ids=["at once", "while waiting for a save"])
def test_a_terminated_watch_stops_its_worker_and_leaves_no_temporary_folders(workspace, tmp_path, idle):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    session = start(workspace, TMPDIR=str(scratch))
    try:
        session.expect(SCREEN_END)
        assert any(scratch.iterdir())                   # the worker's home and the sandbox live here
        time.sleep(idle)          # waiting in watchfiles, which turns a signal's SystemExit into KeyboardInterrupt
        session.process.terminate()
        assert session.wait() == 128 + 15
    finally:
        session.kill()
    assert list(scratch.iterdir()) == []


def last_screen(session: PtySession) -> list[str]:
    """The lines of the screen now shown: what was written since the last clear, colours stripped."""
    raw = session.seen.decode("utf-8", errors="replace").rsplit("\x1b[2J", 1)[-1]
    return strip_ansi(raw.replace("\x1b[1;1H", "")).split("\n")


def assert_fits(screen: list[str], keys: str, columns: int = 80, rows: int = 24) -> None:
    assert len(screen) <= rows, "\n".join(screen)
    assert all(display_width(line) <= columns for line in screen), "\n".join(screen)
    assert screen[-1].startswith(keys), "\n".join(screen)        # the keys line never scrolls away


def joined(screen: list[str]) -> str:
    """The screen's text with its line breaks undone (wrapped lines rejoin where they were broken)."""
    return " ".join(line.strip() for line in screen)


@pytest.mark.slow
@pytest.mark.parametrize("lang, keys, end, mistake, hint", [
    ("en", "keys: h hint", SCREEN_END, "Likely mistake: ", "Hint 1/3"),
    ("ko", "키: h 힌트", KOREAN_END, "이런 실수로 보입니다: ", "힌트 1/3"),
])
def test_watch_fits_an_80x24_terminal_wraps_between_words_and_pages(workspace, course, lang, keys, end, mistake,
                                                                    hint):
    session = start(workspace, "--lang", lang, COLUMNS="80", LINES="24")
    try:
        session.expect(end)
        assert_fits(last_screen(session), keys)
        submission = workspace / "submissions" / "stable_softmax.py"
        save(submission, (REPO / "examples" / "stable_softmax_attempt.py").read_text())
        session.expect(mistake + r"[\s\S]*?" + end)
        screen = last_screen(session)
        assert_fits(screen, keys)
        diagnosis = next(m for m in course.get("stable-softmax").mutants if m.name == "sum_without_keepdim")
        assert mistake + diagnosis.diagnosis.get(lang) in joined(screen)     # broken only between words
        session.type(" ")                                                    # the next page
        session.expect(end)
        assert_fits(last_screen(session), keys)
        session.type("h")
        session.expect(hint + r"[\s\S]*?" + end)
        screen = last_screen(session)
        assert_fits(screen, keys)
        assert any(line.startswith(hint) for line in screen)                 # the hint is on the page shown
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()


@pytest.mark.slow
def test_watch_n_goes_where_kata_next_goes_and_r_says_where_the_backup_is(workspace, course):
    from torchkata.cli.learn import first_unsolved
    from torchkata.workspace import load_workspace

    progress = {"format": 1, "current": "stable-softmax", "katas": {
        "tensor-basics": {"hints_shown": 0, "best_points": 24.0, "max_points": 24.0, "solved": True}}}
    (workspace / "submissions" / "progress.json").write_text(json.dumps(progress))
    expected = first_unsolved(course, load_workspace(workspace).progress())
    assert expected.slug == "matmul-vs-mul"          # the first not solved: not the kata after this one
    session = start(workspace)
    try:
        session.expect(SCREEN_END)
        submission = workspace / "submissions" / "stable_softmax.py"
        save(submission, "# my attempt\n")
        session.expect(rf"Score: 0/{SOFTMAX_POINTS}[\s\S]*?" + SCREEN_END)
        session.type("r")
        session.expect("Press y to confirm")
        session.type("y")
        told = session.expect(r"saved as submissions/backups/stable_softmax-[0-9-]+\.py[\s\S]*?" + SCREEN_END)
        backup = told.split("saved as ", 1)[1].split(".py", 1)[0] + ".py"
        assert (workspace / backup).read_text() == "# my attempt\n"
        session.type("n")
        session.expect(rf"kata watch — {expected.slug}:[\s\S]*?" + SCREEN_END)
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()
