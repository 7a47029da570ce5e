"""Courses, katas and workspaces: loading, finding, and naming every mistake in their files."""
import re
import shutil
from pathlib import Path

import pytest

from torchkata.catalogue import KataError, builtin_course_root, find_course, load_course, load_kata
from torchkata.workspace import find_workspace, init_workspace
from tests.conftest import COURSE


def test_builtin_course_loads_in_its_order(course):
    slugs = [k.slug for k in course.katas]
    assert slugs == [slug for slug in course.order if slug not in course.broken]
    kata = course.get("stable-softmax")
    assert kata.submission_file == "stable_softmax.py"
    assert kata.reference == COURSE / "reference" / "stable_softmax.py"
    assert kata.prompt.get("ko") != kata.prompt.get("en")
    assert len(kata.hints) >= 2 and len(kata.mutants) >= 3
    assert "torch.softmax" in kata.forbidden
    assert course.is_builtin and course.languages == ("en", "ko")


def test_unknown_slug_suggests_the_closest(course):
    with pytest.raises(KataError, match="no kata named 'stable-softmx'.*did you mean 'stable-softmax'"):
        course.get("stable-softmx")


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text()
    assert re.search(old, text, flags=re.M), old
    path.write_text(re.sub(old, new, text, count=1, flags=re.M))
    return path


@pytest.mark.parametrize("old, new, message", [
    (r"^format_version = 2", "format_version = 1", "field 'format_version': expected 2"),
    (r"^points = \d+", 'points = "many"', "field 'points': expected a positive integer, got 'many'"),
    (r"^points = \d+", "", "missing field 'points'"),
    (r"^points = \d+", "points = 0", "field 'points': expected a number from 1"),
    (r'^devices = .*', 'devices = ["tpu"]', "field 'devices': expected a list drawn from 'cpu' and 'cuda'"),
    (r'^slug = .*', 'slug = "Bad Slug"', "field 'slug': expected lower-case"),
    (r'^slug = .*', 'slug = "other-name"', "field 'slug': expected the folder name 'stable-softmax'"),
    (r'^submission = .*', 'submission = "my file.txt"', "field 'submission': expected a Python module file name"),
    (r'^ko = "수치적으로.*', 'ko = ""', "field 'title.ko': expected a non-empty text"),
    (r'^\[prompt\]\nen = """', '[prompt]\nfr = """', "unknown field 'prompt.fr'"),
    (r'^file = "mutants/no_max_subtraction.py"', 'file = "mutants/missing.py"', "field 'mutants[0].file'"),
    (r'^file = "mutants/no_max_subtraction.py"', 'file = "../../reference/stable_softmax.py"', "field 'mutants[0].file'"),
    (r'^timeout = \d+', "timeout = -1", "field 'timeout'"),
    (r'^forbidden = \[', 'forbidden = ["torch.soft max", ', "field 'forbidden'"),
    (r'^timeout = \d+', "timeout = 5\ntimout = 3", "unknown field 'timout'; did you mean 'timeout'?"),
    (r'^timeout = \d+', "timeout = 5\norder = 3", "unknown field 'order'"),
])
def test_malformed_kata_toml_names_file_field_and_expectation(course_copy, old, new, message):
    toml = edit(course_copy() / "katas" / "stable-softmax" / "kata.toml", old, new)
    with pytest.raises(KataError) as info:
        load_kata(toml)
    assert str(toml) in str(info.value) and message in str(info.value)


def test_invalid_toml_syntax_is_reported_with_the_file(course_copy):
    toml = course_copy() / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text("slug = [unclosed\n")
    with pytest.raises(KataError, match=r"kata\.toml: not valid TOML"):
        load_kata(toml)


def test_one_broken_kata_is_kept_aside_and_the_course_still_loads(course_copy):
    root = course_copy("stable-softmax", "gather")
    edit(root / "katas" / "gather" / "kata.toml", r"^points = \d+", 'points = "x"')
    course = load_course(root)
    assert [k.slug for k in course.katas] == ["stable-softmax"]
    assert "gather" in course.broken and "field 'points'" in str(course.broken["gather"])
    with pytest.raises(KataError, match="field 'points'"):
        course.get("gather")


def test_missing_reference_breaks_only_that_kata(course_copy):
    root = course_copy()
    (root / "reference" / "stable_softmax.py").unlink()
    course = load_course(root)
    assert "the reference solution is missing" in str(course.broken["stable-softmax"])


@pytest.mark.parametrize("old, new, message", [
    (r'^order = .*', 'order = ["stable-softmax", "stable-softmax"]', "field 'order[1]': expected each kata once"),
    (r'^order = .*', 'order = ["stable-softmax", 3]', "field 'order[1]': expected a kata slug"),
    (r'^name = .*', 'nmae = "x"', "unknown field 'nmae'; did you mean 'name'?"),
    (r'^languages = .*', 'languages = ["ko"]', "field 'languages'"),
    (r'^format_version = 1', 'format_version = 7', "field 'format_version': expected 1"),
])
def test_malformed_course_toml_is_named(course_copy, old, new, message):
    path = edit(course_copy() / "course.toml", old, new)
    with pytest.raises(KataError) as info:
        load_course(path.parent)
    assert str(path) in str(info.value) and message in str(info.value)


def test_order_and_folders_must_agree(course_copy):
    root = course_copy()
    edit(root / "course.toml", r'^order = .*', 'order = ["stable-softmax", "ghost"]')
    shutil.copytree(root / "katas" / "stable-softmax", root / "katas" / "stray")
    course = load_course(root)
    assert "no " in str(course.broken["ghost"]) and "ghost" in str(course.broken["ghost"])
    assert "not listed in" in str(course.broken["stray"])
    assert [k.slug for k in course.katas] == ["stable-softmax"]


def test_finding_the_course(tmp_path, monkeypatch, course_copy):
    monkeypatch.delenv("TORCHKATA_COURSE", raising=False)
    root = course_copy()
    deep = root / "katas" / "stable-softmax" / "specs"
    assert find_course(start=deep) == root.resolve()                 # course.toml found upward
    empty = tmp_path / "empty"
    empty.mkdir()
    assert find_course(start=empty) == builtin_course_root()           # default: the built-in course
    assert find_course(explicit=root, start=empty) == root.resolve()
    monkeypatch.setenv("TORCHKATA_COURSE", str(root))
    assert find_course(start=empty) == root.resolve()
    with pytest.raises(KataError, match="not a course"):
        find_course(explicit=empty)


def test_init_makes_a_workspace_that_records_its_course(tmp_path, course, course_copy):
    workspace = init_workspace(tmp_path / "ws", course)
    assert (workspace.submissions).is_dir() and (workspace.root / "README.md").exists()
    found = find_workspace(tmp_path / "ws" / "submissions")
    assert found.root == workspace.root and found.course is None
    other = load_course(course_copy())
    mine = init_workspace(tmp_path / "mine", other)
    assert find_workspace(mine.root).course == other.root
    with pytest.raises(KataError, match="already a torchkata workspace"):
        init_workspace(tmp_path / "ws", course)


def test_a_broken_workspace_file_is_named(tmp_path):
    (tmp_path / "torchkata.toml").write_text("course = 3\n")
    with pytest.raises(KataError, match=r"torchkata.toml: field 'course'"):
        find_workspace(tmp_path)
    (tmp_path / "torchkata.toml").write_text("corse = 'x'\n")
    with pytest.raises(KataError, match="unknown field 'corse'"):
        find_workspace(tmp_path)
