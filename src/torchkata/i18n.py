"""The grader's own words in English and Korean, and how the language is chosen.

Kata texts (prompts, hints, diagnoses) live with each kata; this table holds what
torchkata itself says: feedback, reports, errors, dialogues and units. Korean is written
in one polite register (합니다체), with the terms of the course notes (텐서, 그래디언트,
브로드캐스팅, 슬라이스...), each message a sentence of its own rather than a template
with particles such as 은(는) to fill in.
"""
from __future__ import annotations

import os
import unicodedata

LANGS = ("en", "ko")

MESSAGES: dict[str, dict[str, str]] = {
    # comparisons (torchkata.spec)
    "not_tensor": {"en": "{what} should be a torch.Tensor, got a {got}",
                   "ko": "{what}: torch.Tensor여야 하는데 {got} 타입이 나왔습니다"},
    "shape": {"en": "{what} has the wrong shape", "ko": "{what}: shape이 다릅니다"},
    "dtype": {"en": "{what} has the wrong dtype", "ko": "{what}: dtype이 다릅니다"},
    "device": {"en": "{what} is on the wrong device", "ko": "{what}: device가 다릅니다"},
    "requires_grad": {"en": "{what} has the wrong requires_grad", "ko": "{what}: requires_grad 값이 다릅니다"},
    "got_expected": {"en": "got {got}, expected {expected}", "ko": "결과는 {got}, 기대값은 {expected}입니다"},
    "got_value": {"en": "got {got}", "ko": "결과: {got}"},
    "nan": {"en": "{what} contains NaN where the expected values are finite",
            "ko": "{what}: 기대값은 모두 유한한 수인데 결과에 NaN이 있습니다"},
    "inf": {"en": "{what} contains inf where the expected values are finite",
            "ko": "{what}: 기대값은 모두 유한한 수인데 결과에 inf가 있습니다"},
    "values": {"en": "{what} has the wrong values", "ko": "{what}: 값이 기대값과 다릅니다"},
    "value_detail": {"en": "largest error {error:.3g} where {allowed:.3g} is allowed; {count} of {total} elements differ",
                     "ko": "가장 큰 오차는 {error:.3g}이고 허용 오차는 {allowed:.3g}입니다. "
                           "원소 {total}개 중 {count}개가 다릅니다"},
    "count_detail": {"en": "{count} of {total} elements differ", "ko": "원소 {total}개 중 {count}개가 다릅니다"},
    "first_index": {"en": "first difference at index {index}: got {got}, expected {expected}",
                    "ko": "처음으로 다른 위치는 인덱스 {index}입니다. 결과는 {got}, 기대값은 {expected}입니다"},
    "not_equal": {"en": "{what} is not what was expected", "ko": "{what}: 기대한 값과 다릅니다"},
    "result": {"en": "your result", "ko": "반환값"},
    "no_ops": {"en": "{what} dispatched no torch operations at all: compute the result with torch operations "
                     "on the tensors you were given",
               "ko": "{what}: torch 연산이 하나도 실행되지 않았습니다. 받은 텐서에 torch 연산을 적용해 "
                     "결과를 계산하세요"},
    "loops_torch": {"en": "{what} dispatched {ops_small} torch operations for a batch of {small} and {ops_large} "
                          "for a batch of {large}: the work grows with the batch, so it loops over the rows in "
                          "Python. Do it with one vectorised operation for the whole batch",
                    "ko": "{what}: 배치 크기 {small}에서는 torch 연산을 {ops_small}번, 배치 크기 {large}에서는 "
                          "{ops_large}번 실행했습니다. 배치가 커질수록 연산 수가 늘어나는 것은 파이썬 반복문으로 "
                          "행을 하나씩 처리한다는 뜻입니다. 배치 전체를 한 번에 처리하는 벡터화 연산으로 바꾸세요"},
    "loops_lines": {"en": "{what} ran {ops_small} lines of your code for a batch of {small} and {ops_large} for a "
                          "batch of {large}: it loops over the rows in Python. Do it with one vectorised operation "
                          "for the whole batch",
                    "ko": "{what}: 배치 크기 {small}에서는 코드가 {ops_small}줄, 배치 크기 {large}에서는 "
                          "{ops_large}줄 실행되었습니다. 파이썬 반복문으로 행을 하나씩 처리한다는 뜻입니다. 배치 전체를 "
                          "한 번에 처리하는 벡터화 연산으로 바꾸세요"},
    # what the learner's code did
    "raised": {"en": "your code raised {type}: {message}", "ko": "코드에서 {type} 예외가 발생했습니다: {message}"},
    "raised_bare": {"en": "your code raised {type}", "ko": "코드에서 {type} 예외가 발생했습니다"},
    "raised_hidden": {"en": "your code raised {type} (under a hidden test its message is not shown: it may hold "
                            "the hidden inputs)",
                      "ko": "코드에서 {type} 예외가 발생했습니다 (숨은 테스트에서는 입력값이 드러날 수 있어 "
                            "예외 메시지를 보여 주지 않습니다)"},
    "missing_function": {"en": "{file} does not define a function named {name}(): is the file empty, or was the "
                               "function renamed?",
                         "ko": "{file}에 {name}() 함수가 없습니다. 파일이 비어 있거나 함수 이름이 바뀌지 "
                               "않았는지 확인하세요"},
    "your_traceback": {"en": "in {file}", "ko": "{file}의 위치"},
    "frame": {"en": "line {line}, in {function}: {code}", "ko": "{line}번째 줄, {function}: {code}"},
    "syntax_error": {"en": "{file} does not parse: line {line}: {message}",
                     "ko": "{file}의 {line}번째 줄에 문법 오류가 있습니다: {message}"},
    "timeout": {"en": "stopped after the {seconds:g} s time limit: is there an endless loop, or a very slow one?",
                "ko": "제한 시간 {seconds:g}초를 넘겨 중단했습니다. 끝나지 않는 반복문이나 아주 느린 연산이 "
                      "없는지 확인하세요"},
    "crashed": {"en": "{detail}", "ko": "{detail}"},
    "spec_broken": {"en": "the grader could not check your result ({type}: {message})",
                    "ko": "채점기가 결과를 확인하지 못했습니다 ({type}: {message})"},
    "reference_failed": {"en": "this test could not run: {detail}. This is a problem with the kata, not with "
                               "your code: tell your instructor",
                         "ko": "이 테스트를 실행할 수 없었습니다: {detail}. 코드가 아니라 카타의 문제이니 "
                               "강사에게 알려 주세요"},
    "not_run_no_cuda": {"en": "not run: no CUDA", "ko": "실행 안 함: CUDA 없음"},
    "not_run_no_cuda_kata": {"en": "not run: no CUDA (this kata runs on the CPU only)",
                             "ko": "실행 안 함: CUDA 없음 (이 카타는 CPU에서만 실행합니다)"},
    "not_run_after_timeouts": {"en": "not run: your code already timed out {count} times",
                               "ko": "실행 안 함: 이미 제한 시간을 {count}번 넘겼습니다"},
    "no_result": {"en": "no result was reported for this test", "ko": "이 테스트의 결과가 보고되지 않았습니다"},
    "likely_mistake": {"en": "Likely mistake: {text}", "ko": "이런 실수로 보입니다: {text}"},
    "forbidden_rule": {"en": "uses no forbidden API", "ko": "금지된 API를 쓰지 않음"},
    "forbidden_found": {"en": "{name} is not allowed in this kata (line {line}); while it is used, the score is 0",
                        "ko": "이 카타에서는 {name}을 쓸 수 없습니다 ({line}번째 줄). 이 API를 쓰는 동안 "
                              "점수는 0점입니다"},
    "rule_not_checked": {"en": "not checked: the file does not parse", "ko": "확인 안 함: 파일에 문법 오류가 있습니다"},
    # terminal report
    "score": {"en": "Score", "ko": "점수"},
    "points_unit": {"en": "pts", "ko": "점"},
    "all_passed": {"en": "All tests passed.", "ko": "모든 테스트를 통과했습니다."},
    "some_failed": {"en": "{count} of {total} tests did not pass.",
                    "ko": "테스트 {total}개 중 {count}개를 통과하지 못했습니다."},
    "hidden_not_run": {"en": "Hidden specs were not run ({count} tests, {points:g} points): "
                             "this score covers the public specs only.",
                       "ko": "숨은 테스트({count}개, {points:g}점)는 실행하지 않았습니다. "
                             "이 점수는 공개 테스트만 반영합니다."},
    "hidden_by_instructor": {"en": "Hidden specs ({count} tests, {points:g} points) are run by your instructor: "
                                   "this score covers the public specs only.",
                             "ko": "숨은 테스트({count}개, {points:g}점)는 강사가 채점합니다. "
                                   "이 점수는 공개 테스트만 반영합니다."},
    "devices_not_run": {"en": "Specs for {devices} were not run: not available on this machine.",
                        "ko": "{devices} 테스트는 실행하지 않았습니다: 이 컴퓨터에서 쓸 수 없습니다."},
    "hidden_note": {"en": "Hidden tests show only their diagnosis, not their inputs.",
                    "ko": "숨은 테스트는 진단 내용만 보여 주고 입력값은 보여 주지 않습니다."},
    "output_withheld": {"en": "(what your code printed during hidden tests is not shown: it may hold their inputs)",
                        "ko": "(숨은 테스트 중에 코드가 출력한 내용은 입력값이 드러날 수 있어 보여 주지 않습니다)"},
    "withheld": {"en": "Score withheld: a rule failed ({rules}).",
                 "ko": "규칙을 지키지 않아 점수를 주지 않았습니다 ({rules})."},
    "isolation": {"en": "isolation", "ko": "격리 수준"},
    "isolation_missing": {"en": "not in force", "ko": "적용되지 않은 격리"},
    "output": {"en": "your code printed", "ko": "코드가 출력한 내용"},
    "rules_label": {"en": "rules", "ko": "규칙"},
    "status.passed": {"en": "passed", "ko": "통과"},
    "status.failed": {"en": "failed", "ko": "실패"},
    "status.error": {"en": "error", "ko": "오류"},
    "status.timeout": {"en": "timeout", "ko": "시간 초과"},
    "status.skipped": {"en": "not run", "ko": "실행 안 함"},
    "hidden": {"en": "hidden", "ko": "숨은 테스트"},
    "list.solved": {"en": "solved", "ko": "해결"},
    "list.not_started": {"en": "not started", "ko": "시작 전"},
    "list.broken": {"en": "broken", "ko": "오류"},
}


def t(key: str, lang: str, **values) -> str:
    """The message ``key`` in ``lang``, filled in with ``values``."""
    entry = MESSAGES[key]
    return entry.get(lang, entry["en"]).format(**values)


def detect_lang(explicit: str | None = None) -> str:
    """--lang wins; then $TORCHKATA_LANG; then a Korean locale in LC_ALL / LC_MESSAGES / LANG."""
    if explicit:
        return explicit
    if os.environ.get("TORCHKATA_LANG") in LANGS:
        return os.environ["TORCHKATA_LANG"]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def display_width(text: str) -> int:
    """Terminal columns: Hangul and other wide characters take two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (ljust counts characters, not columns)."""
    return text + " " * max(width - display_width(text), 0)
