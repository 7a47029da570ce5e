"""Learner text cleaned and capped (torchkata.text), and the result model cleaning whatever is set on it."""
import pytest

from torchkata.results import KataResult, TestResult
from torchkata.text import MAX_FRAMES, TRUNCATED, clean, clean_data, clean_info, escape, is_clean, one_line


@pytest.mark.parametrize("unsafe", ["\x1b", "\x07", "\x00", "\r", "\x7f", "\x9b", "\x85", "\ud800", "\udfff",
                                    "\ufffe", "\uffff", "\u202e", "\u2066", "\u200f", "\x0b", "\x0c"])
def test_every_unsafe_character_is_removed(unsafe):
    assert clean(f"a{unsafe}b") == "ab" and not is_clean(f"a{unsafe}b")


def test_text_people_write_is_kept():
    text = "값이 다릅니다: got 1.5\n\texpected 2 ✓ 🙂 — ‘quoted’ café"
    assert clean(text) == text and is_clean(text)


def test_line_breaks_of_every_kind_become_newlines():
    assert clean("a\r\nb\u2028c\u2029d") == "a\nb\nc\nd"


def test_a_terminal_attack_is_left_as_harmless_text():
    attack = "\x1b]0;title\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\rAll tests passed."
    assert clean(attack) == "]0;title]52;c;cm0gLXJmIH4K[2JAll tests passed."


def test_caps_are_marked():
    capped = clean("x" * 50_000, 100)
    assert len(capped) == 100 and capped.endswith(TRUNCATED)
    assert clean("x" * 100, 100) == "x" * 100


def test_names_are_one_line():
    assert one_line("a\nb\tc\x1b") == "a b c"


def test_escape_spells_out_what_it_cannot_show_and_keeps_names_apart():
    assert escape("conftest.py") == "conftest.py"
    assert escape("a\x1b[2J\nb") == "a\\x1b[2J\\x0ab"
    assert escape("x\udcff") == "x\\xff"                       # a byte that is not UTF-8, as os.listdir gives it
    assert escape("\u202etxt.py") == "\\u202etxt.py"
    assert escape("a\x1b") != escape("a")


def test_what_a_child_says_is_rebuilt_from_known_fields():
    info = {"type": "Bad\x1bName\n" * 100, "message": "m" * 10**6, "evil": "x",
            "traceback": [{"line": 3, "function": "f\x1b", "code": "c" * 1000, "extra": 1}] * 50 + ["junk"],
            "syntax": {"line": "7", "offset": 2, "text": "x\x07", "message": "bad"}}
    cleaned = clean_info(info)
    assert set(cleaned) == {"type", "message", "traceback", "syntax"}
    assert "\x1b" not in cleaned["type"] and "\n" not in cleaned["type"] and len(cleaned["type"]) <= 200
    assert len(cleaned["message"]) <= 4000 and len(cleaned["traceback"]) <= MAX_FRAMES
    assert cleaned["traceback"][0] == {"line": 3, "function": "f", "code": "c" * (200 - len(TRUNCATED)) + TRUNCATED}
    assert cleaned["syntax"] == {"line": 0, "offset": 2, "text": "x", "message": "bad"}
    assert clean_info({"detail": "killed\x1b"}) == {"detail": "killed"}
    assert clean_info("not a dict")["type"] == "Exception"


def test_documents_are_cleaned_to_their_depth():
    assert clean_data({"k\x1b": ["v\x07", 1, None, {"x": "\x00y"}]}) == {"k": ["v", 1, None, {"x": "y"}]}
    deep = []
    for _ in range(40):
        deep = [deep]
    with pytest.raises(ValueError, match="nested more than"):
        clean_data(deep)


def test_the_result_model_cleans_whatever_is_set_on_it():
    test = TestResult(name="t\x1b", visibility="public", status="failed", points=0, max_points=1,
                      message="m\x1b[2J", output="o\x00")
    assert (test.name, test.message, test.output) == ("t", "m[2J", "o")
    test.diagnosis = "d\x07"
    test.output = "x" * 100_000
    assert test.diagnosis == "d" and len(test.output) == 5000
    result = KataResult(kata="k", title="T\x1b", submission={"path": "p\x1b"}, devices=["cpu"],
                        isolation={"level": "strong", "mechanisms": ["m\x07"]}, lang="en", tests=[test],
                        errors=["e\x1b"])
    assert (result.title, result.submission, result.isolation["mechanisms"], result.errors) == \
        ("T", {"path": "p"}, ["m"], ["e"])
    again = KataResult.from_dict(result.to_dict())
    assert again.to_dict() == result.to_dict()
