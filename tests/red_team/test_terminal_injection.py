"""Attack: write to the instructor's (or the learner's) terminal, or break an export, with learner text.

The learner's text carries a window title (OSC 0), a clipboard write (OSC 52), a screen clear,
a cursor move, a carriage return and a forged "All tests passed." line, a one-byte C1 CSI, a NUL,
a bell, a bidi override and a lone surrogate, in every field it can reach: an exception's type
name, its message, a frame's function name, stdout and stderr. Through the real `kata check`
(terminal and --json) none of it arrives; and a hand-edited result file carrying the same in
every free-text field is cleaned where it is read, so every export renders safely.
"""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from torchkata.text import is_clean
from tests.conftest import COURSE, SOFTMAX_POINTS, SOFTMAX_REFERENCE
from tests.red_team.released import kata

pytestmark = pytest.mark.slow

EVIL = ("\x1b]0;owned\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x1b[H\x1b[1A\r\nAll tests passed.\r"
        "Score: 21/21\x9b31m\x00\x07\u202eevil\u2066\x85")
EVIL_SOURCE = (SOFTMAX_REFERENCE.read_text().replace('import torch\n', 'import sys\nimport types\n\nimport torch\n', 1)
               + f"""

EVIL = {EVIL!r} + chr(0xD800)


def _raise():
    raise type(EVIL[:-1], (Exception,), {{}})(EVIL)      # a type's name cannot hold a surrogate


def stable_softmax(x, dim=-1):
    sys.stdout.flush()
    sys.stdout.buffer.write(EVIL.encode("utf-8", "surrogatepass") + b"\\xff\\xfe\\x1b]0;raw\\x07\\n")
    sys.stdout.buffer.flush()
    print(EVIL[:-1], file=sys.stderr)
    types.FunctionType(_raise.__code__.replace(co_name=EVIL), globals())()
""")


def unsafe(text: str) -> list[str]:
    """The characters no view may write (newline and tab are fine; CSV's own CRLF is allowed)."""
    return sorted({repr(c) for c in text.replace("\r\n", "\n") if not is_clean(c)})


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("workspace")
    (workspace / "submissions").mkdir()
    (workspace / "torchkata.toml").write_text('course = "builtin"\n')
    evil = workspace / "submissions" / "stable_softmax.py"
    evil.write_text(EVIL_SOURCE)
    terminal = kata("check", "stable-softmax", cwd=workspace)
    as_json = kata("check", "stable-softmax", "--json", cwd=workspace)
    return terminal, as_json


def test_the_terminal_report_holds_no_control_character(checked):
    terminal, _ = checked
    assert terminal.returncode == 1, terminal.stdout + terminal.stderr
    assert f"Score: 0/{SOFTMAX_POINTS}" in terminal.stdout and "owned" in terminal.stdout      # the learner's text is there...
    assert unsafe(terminal.stdout + terminal.stderr) == []                        # ...but nothing it controls


def test_learner_text_cannot_pose_as_the_reports_own_lines(checked):
    terminal, _ = checked
    lines = terminal.stdout.splitlines()
    assert not any(line.startswith(("All tests passed", "Score: 21")) for line in lines)
    assert [line for line in lines if line.startswith("Score:")] == [f"Score: 0/{SOFTMAX_POINTS}"]


def test_the_json_report_holds_only_clean_text(checked):
    _, as_json = checked
    document = json.loads(as_json.stdout)

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)
    found = list(strings(document))
    assert any("owned" in text for text in found)
    assert [text for text in found if not is_clean(text)] == []


# --- result files read back from disk -------------------------------------------------

def poison(data, depth: int = 0):
    """Every free-text string of a result document, with EVIL appended (enums and schema names kept)."""
    keep = {"schema", "status", "visibility", "kind", "lang", "level", "device", "version", "sha256", "kata",
            "started_at", "graded_at"}
    if isinstance(data, dict):
        return {key: value if key in keep else poison(value, depth + 1) for key, value in data.items()}
    if isinstance(data, list):
        return [poison(value, depth + 1) for value in data]
    if isinstance(data, str):
        return data + EVIL + chr(0xD800)
    return data


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    """A class graded for real, then every learner file hand-edited with EVIL in every free-text field."""
    folder = tmp_path_factory.mktemp("class")
    (folder / "ada" / "submissions").mkdir(parents=True)
    shutil.copy(SOFTMAX_REFERENCE, folder / "ada" / "submissions" / "stable_softmax.py")
    out = tmp_path_factory.mktemp("grades")
    done = kata("grade", str(folder / "ada"), "--course", str(COURSE), "--katas", "stable-softmax", "--out", str(out))
    assert done.returncode == 0, done.stderr
    path = out / "learners" / "ada.json"
    data = poison(json.loads(path.read_text()))
    data["integrity"] = {"status": "modified", "modified": ["conftest.py" + EVIL], "score_zeroed": False}
    path.write_text(json.dumps(data, ensure_ascii=True))
    return out


@pytest.mark.parametrize("fmt", ["gradescope", "classroom", "markdown", "junit", "csv", "jsonl"])
def test_every_export_of_a_poisoned_file_is_clean(poisoned, fmt):
    done = kata("export", str(poisoned), "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert unsafe(done.stdout + done.stderr) == []
    if fmt == "junit":
        ET.fromstring(done.stdout)             # XML 1.0: no illegal character survived
    if fmt in ("gradescope", "jsonl"):
        for line in ([done.stdout] if fmt == "gradescope" else done.stdout.splitlines()):
            json.loads(line)


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_every_leaderboard_of_a_poisoned_file_is_clean(poisoned, fmt):
    done = kata("leaderboard", str(poisoned), "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert unsafe(done.stdout + done.stderr) == []


def test_a_result_file_nested_too_deeply_is_a_clear_error(tmp_path: Path):
    (tmp_path / "learners").mkdir()
    (tmp_path / "learners" / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    done = kata("export", str(tmp_path), "--format", "csv")
    assert done.returncode == 2 and "nested too deeply" in done.stderr and "Traceback" not in done.stderr
