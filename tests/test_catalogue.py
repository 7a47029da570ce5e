import re
from pathlib import Path

import pytest

from grader.catalogue import KataError, load_catalogue, load_kata, find_root
from tests.conftest import REPO


def test_real_catalogue_loads_in_order(catalogue):
    slugs = [k.slug for k in catalogue.katas]
    assert slugs[0] == "stable-softmax"
    orders = [k.order for k in catalogue.katas]
    assert orders == sorted(orders)
    kata = catalogue.get("stable-softmax")
    assert kata.submission_file == "stable_softmax.py"
    assert kata.reference == REPO / "reference" / "stable_softmax.py"
    assert kata.prompt.get("ko") != kata.prompt.get("en")
    assert len(kata.hints) >= 2 and len(kata.mutants) >= 3
    assert "torch.softmax" in kata.forbidden


def test_unknown_slug_names_the_known_ones(catalogue):
    with pytest.raises(KataError, match="no kata named 'nope'.*stable-softmax"):
        catalogue.get("nope")


def edit(folder: Path, old: str, new: str) -> Path:
    toml = folder / "kata.toml"
    text = toml.read_text()
    assert re.search(old, text, flags=re.M), old
    toml.write_text(re.sub(old, new, text, count=1, flags=re.M))
    return toml


@pytest.mark.parametrize("old, new, message", [
    (r"^format_version = 1", "format_version = 2", "field 'format_version': expected 1"),
    (r"^points = \d+", 'points = "many"', "field 'points': expected a positive integer, got 'many'"),
    (r"^points = \d+", "", "missing field 'points'"),
    (r'^devices = .*', 'devices = ["tpu"]', "field 'devices': expected a list drawn from 'cpu' and 'cuda'"),
    (r'^slug = .*', 'slug = "Bad Slug"', "field 'slug': expected lower-case"),
    (r'^slug = .*', 'slug = "other-name"', "field 'slug': expected the folder name 'stable-softmax'"),
    (r'^submission = .*', 'submission = "my file.txt"', "field 'submission': expected a Python module file name"),
    (r'^ko = "수치적으로.*', 'ko = ""', "field 'title.ko': expected a non-empty text"),
    (r'^\[prompt\]\nen = """', '[prompt]\nfr = """', "field 'prompt.en': expected a non-empty text"),
    (r'^file = "mutants/no_max_subtraction.py"', 'file = "mutants/missing.py"', "field 'mutants[0].file'"),
    (r'^timeout = \d+', "timeout = -1", "must be positive"),
    (r'^forbidden = \[', 'forbidden = ["torch.soft max", ', "field 'forbidden'"),
])
def test_malformed_kata_toml_names_file_field_and_expectation(kata_copy, old, new, message):
    folder = kata_copy()
    toml = edit(folder, old, new)
    with pytest.raises(KataError) as info:
        load_kata(toml)
    assert str(toml) in str(info.value)
    assert message in str(info.value)


def test_invalid_toml_syntax_is_reported_with_the_file(kata_copy):
    folder = kata_copy()
    (folder / "kata.toml").write_text("slug = [unclosed\n")
    with pytest.raises(KataError, match=r"kata\.toml: not valid TOML"):
        load_kata(folder / "kata.toml")


def test_missing_reference_is_reported(kata_copy):
    folder = kata_copy()
    (folder.parent.parent / "reference" / "stable_softmax.py").unlink()
    with pytest.raises(KataError, match="the reference solution is missing"):
        load_kata(folder / "kata.toml")


def test_find_root_walks_up_and_honours_the_environment(project, monkeypatch, tmp_path):
    deep = project / "submissions" / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.delenv("TORCHKATA_ROOT", raising=False)
    assert find_root(deep) == project.resolve()
    monkeypatch.setenv("TORCHKATA_ROOT", str(tmp_path / "nowhere"))
    with pytest.raises(KataError, match="has no katas/ folder"):
        find_root(deep)
