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


# --- English agreement and Korean phrasing (issue 17), over every message catalogue ----------

def catalogue_entries(course):
    """(where, language, text) for every text torchkata shows: the engine's and the CLI's messages and
    help, and every kata's title, prompt, hints and diagnoses."""
    from torchkata.cli.texts import COMMAND_HELP_KO, MESSAGES as CLI, OPTION_HELP
    from torchkata.i18n import MESSAGES
    entries = [(f"{name}:{key}", lang, text) for name, table in (("i18n", MESSAGES), ("cli", CLI), ("option", OPTION_HELP))
               for key, entry in table.items() for lang, text in entry.items()]
    entries += [(f"help:{key}", "ko", text) for key, text in COMMAND_HELP_KO.items()]
    for kata in course.katas:
        texts = [("title", kata.title), ("prompt", kata.prompt), *((f"hint {i}", h) for i, h in enumerate(kata.hints)),
                 *((f"mutant {m.name}", m.diagnosis) for m in kata.mutants)]
        entries += [(f"{kata.slug}:{where}", lang, text.get(lang)) for where, text in texts for lang in ("en", "ko")]
    return entries


# Placeholders that hold a count, and placeholders that hold a noun phrase that may be plural ("the logits").
COUNTS = {"count", "total", "ok", "graded", "skipped", "failed", "folders", "hints", "solved", "small", "large",
          "ops_small", "ops_large", "points", "seconds", "error", "allowed", "best", "max", "first", "last", "line"}
MAY_BE_PLURAL = ("what", "devices", "rules", "slugs", "paths", "names")
SINGULAR_NOUNS = {"bias", "loss", "class", "process", "alias", "axis", "status", "basis", "analysis", "this", "its",
                  "was", "has", "is", "does", "gives", "appears"}


def english_agreement_problems(text: str, template: bool = True) -> list[str]:
    """'1 tests', '{count} tests' with a count of 1, '{what} has', 'the logits has'. ``template``: a message
    with placeholders (the engine's and the CLI's), filled in with 1 for every count; else plain text."""
    import string
    from torchkata.i18n import fill
    problems, filled = [], text
    if template:
        problems += [m.group() for m in re.finditer(r"(?<!of )\{(" + "|".join(MAY_BE_PLURAL) + r")(:[^}]*)?\} "
                                                    r"(has|is|was|does|contains|dispatched|ran)\b", text)]
        values = {name: 1 if name in COUNTS or spec else "X"
                  for _, name, spec, _ in string.Formatter().parse(text) if name}
        filled = fill(text, **values)
    for m in re.finditer(r"(?<![\w./-])1 (?!of\b)([a-z]+s)\b", filled):
        if m.group(1) not in SINGULAR_NOUNS and len(m.group(1)) > 3:
            problems.append(m.group())
    for m in re.finditer(r"\b(?:the|these|those|your|their) ([a-z_]+s) (has|is|was|does|contains)\b", filled):
        if m.group(1) not in SINGULAR_NOUNS and not m.group(1).endswith(("ss", "us", "is")):
            problems.append(m.group())
    return problems


def test_english_agrees_with_its_numbers_and_subjects_in_every_catalogue(course):
    problems = [(where, english_agreement_problems(text, template=where.split(":")[0] in ("i18n", "cli", "option")))
                for where, lang, text in catalogue_entries(course) if lang == "en"]
    assert [(where, found) for where, found in problems if found] == []


@pytest.mark.parametrize("text, found", [
    ("{what} has the wrong values", ["{what} has"]),
    ("Released {count} katas to {out}", ["1 katas"]),
    ("merged {count:learner|learners} from {folders} folders", ["1 folders"]),
    ("the logits has the wrong shape", ["the logits has"]),
    ("the values of {what} are wrong", []),
    ("the bias was drawn first; {count:test|tests} of {total:test|tests}", []),
])
def test_the_agreement_check_catches_what_the_reviewers_saw(text, found):
    assert english_agreement_problems(text) == found


def test_plural_specs_and_particles_fill_in_agreeing_words():
    from torchkata.i18n import ends_in_consonant, fill, t
    assert fill("{n:test|tests}, {p:point|points}", n=1, p=1.0) == "1 test, 1 point"
    assert fill("{n:test|tests}, {p:point|points}", n=3, p=2.5) == "3 tests, 2.5 points"
    assert t("values", "ko", what="손실 값") == "손실 값이 기댓값과 다릅니다"
    assert t("values", "ko", what="출력") == "출력이 기댓값과 다릅니다"
    assert t("values", "ko", what="그래디언트 dL/dx") == "그래디언트 dL/dx가 기댓값과 다릅니다"
    assert t("values", "en", what="the logits") == "the values of the logits are wrong"
    with_consonant = ["손실 값", "반환값", "출력", "running_mean", "step", "input", "dataset[0]", "top_n"]
    without = ["그래디언트", "x.grad", "logits", "top_k()", "최고 점수(values)", "weight", "x", "CPU", "파라미터"]
    assert [w for w in with_consonant if not ends_in_consonant(w)] == []
    assert [w for w in without if ends_in_consonant(w)] == []


def test_korean_joins_what_it_names_into_one_sentence(course):
    """'손실 값: 값이 기대값과 다릅니다' came from '{what}: 값이 ...': what a message names is its subject."""
    from torchkata.i18n import MESSAGES, t
    for key, entry in MESSAGES.items():
        assert "{what}:" not in entry.get("ko", ""), key
        if "{what" in entry.get("ko", ""):
            import string
            names = {name for _, name, _, _ in string.Formatter().parse(entry["ko"]) if name and name != "what"}
            text = t(key, "ko", what="손실 값", **{n: 1 for n in names})
            assert "값: 값" not in text and "값이 값이" not in text and "손실 값:" not in text, text


def test_korean_uses_the_spellings_and_terms_the_reviewers_asked_for(course):
    korean = [(where, text) for where, lang, text in catalogue_entries(course) if lang == "ko"]
    specs = [(str(p), p.read_text(encoding="utf-8")) for p in course_python_files()]
    for where, text in korean + specs:
        assert "기대값" not in text, where                  # 기댓값 (사이시옷)
        assert "장치" not in text, where                    # one word for a device: 디바이스
        assert "러닝" not in text, where                    # 이동 평균(running) 통계
        assert "실행 안 함: CUDA 없음" not in text, where
    for where, text in korean:                              # "device" in Korean prose is 디바이스 too
        assert not re.search(r'(?<![A-Za-z0-9_.`(=\-"])device(?![A-Za-z0-9_`)=(".])', text), where
    from torchkata.i18n import t
    assert t("your_traceback", "ko", file="submissions/x.py") == "발생 위치: submissions/x.py"
    sentence = "이 컴퓨터에는 CUDA가 없어 CUDA 테스트를 실행하지 않았습니다"
    assert t("not_run_no_cuda", "ko") == sentence
    assert t("devices_not_run", "ko", count=1, points=1.0).startswith(sentence + " (1개, 1점)")
    from torchkata.cli.texts import say
    assert say("watch_seconds", "ko", seconds=3.84) == "채점 시간 3.84초"


def test_korean_first_mentions_of_a_device_say_which_word_it_stands_for(course):
    for kata in course.katas:
        prompt = kata.prompt.ko
        if "디바이스" in prompt:
            assert prompt[prompt.index("디바이스"):].startswith("디바이스(device)"), kata.slug
            assert prompt.count("디바이스(device)") == 1, kata.slug


def test_korean_titles_follow_one_pattern(course):
    by_hand = re.compile(r"by hand|from scratch|from their formulas|by formula", re.I)
    for kata in course.katas:
        title = kata.title.ko
        if by_hand.search(kata.title.en):
            assert "직접 구현하기" in title, (kata.slug, title)
        assert not re.search(r"직접 만들|손으로 구하는|공식으로 (직접 )?(만드는|구현하는)", title), (kata.slug, title)
    assert course.get("argmax-topk").title.ko == "행마다 가장 큰 값 찾기 (argmax, topk)"
    assert course.get("batch-norm").title.ko.endswith("이동 평균(running) 통계")
    assert "직접 구현하기" in course.get("stable-softmax").title.ko


def test_korean_isolation_level_version_help_and_command_summaries(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from torchkata.cli import main
    from torchkata.cli.texts import COMMAND_HELP_KO, korean_summary
    from torchkata.i18n import t
    from torchkata.render import summary_lines
    from torchkata.results import KataResult
    result = KataResult(kata="k", title="k", submission={}, devices=["cpu"], lang="ko", tests=[],
                        isolation={"level": "strong", "mechanisms": ["landlock-fs(abi 7)", "pid-namespace"], "missing": []})
    shown = "\n".join(summary_lines(result))
    assert f"격리 수준: {t('isolation.strong', 'ko')} (" in shown and "strong" not in shown
    monkeypatch.chdir(tmp_path)
    for var in ("TORCHKATA_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    help_text = CliRunner().invoke(main, ["--lang", "ko", "--help"]).output
    assert "Show the version" not in help_text and "버전을 보여 주고 끝냅니다" in help_text
    assert "새 카타의 뼈대를 만듭니다" in help_text and "뼈대(kata\n" not in help_text
    for name, text in COMMAND_HELP_KO.items():
        summary = korean_summary(text)
        assert summary.endswith("다"), (name, summary)                # a whole sentence, never cut mid-word
        assert summary.count("(") == summary.count(")"), (name, summary)
