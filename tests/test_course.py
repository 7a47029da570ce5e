"""The built-in course as a whole: every kata well-formed, the curriculum complete, the Korean tidy."""
import ast
import re
from pathlib import Path

import pytest

from tests.conftest import COURSE, REPO, course_python_files

CURRICULUM = REPO / "docs" / "curriculum.md"


def test_the_course_has_at_least_28_katas_and_none_is_broken(course):
    assert not course.broken, course.broken
    assert len(course.katas) >= 28


def test_every_kata_is_in_the_curriculum_and_every_section_has_a_kata(course):
    text = CURRICULUM.read_text(encoding="utf-8")
    slugs = {kata.slug for kata in course.katas}
    named = set(re.findall(r"`([a-z0-9-]+)`", text))
    assert slugs <= named, slugs - named
    sections = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| #")
                and not line.startswith("| section") and not line.startswith("|---")]
    assert len(sections) > 100
    for row in sections:
        assert set(re.findall(r"`([a-z0-9-]+)`", row)) & slugs or "the whole course" in row, row


@pytest.mark.parametrize("path", course_python_files(), ids=lambda p: str(p.relative_to(COURSE)))
def test_course_python_parses_and_imports_only_the_public_spec_api(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("torchkata"):
            assert node.module == "torchkata.spec", f"{path}: import from {node.module}: use torchkata.spec"


def test_korean_texts_keep_one_polite_register(course):
    informal = re.compile(r"(했어요|해요|이에요|예요|네요|거야|한다\.|이다\.)")
    for kata in course.katas:
        texts = [kata.title.ko, kata.prompt.ko, *(h.ko for h in kata.hints), *(m.diagnosis.ko for m in kata.mutants)]
        for text in texts:
            assert not informal.search(text), f"{kata.slug}: {text[:80]}"
            assert "가능도" not in text and "조각" not in text, f"{kata.slug}: {text[:80]}"


def test_no_korean_calques_the_reviewers_named(course):
    from torchkata.cli.texts import MESSAGES as CLI
    from torchkata.i18n import MESSAGES
    engine_texts = [entry["ko"] for entry in [*MESSAGES.values(), *CLI.values()]]
    kata_texts = [text for kata in course.katas for text in
                  (kata.title.ko, kata.prompt.ko, *(h.ko for h in kata.hints), *(m.diagnosis.ko for m in kata.mutants))]
    spec_texts = [p.read_text(encoding="utf-8") for p in course_python_files()]
    calques = ("아주 작은 음수", "스텝을 밟", "음의 로그 가능도", "은(는)", "이(가)", "을(를)", "수고했어요", "썼네요")
    for text in engine_texts + kata_texts + spec_texts:
        for calque in calques:
            assert calque not in text, f"{calque!r} in: {text[:120]}"
    for text in engine_texts + kata_texts:            # Korean only: units are 점, written 21점
        assert "pts" not in text and not re.search(r"\d 점", text), text[:120]
    accumulation = course.get("grad-accumulation")
    assert "마이크로배치" in accumulation.prompt.ko and "미니배치" not in accumulation.prompt.ko
