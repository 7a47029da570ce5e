"""The grader's own words in English and Korean, and how the language is chosen.

Kata texts (prompts, hints, spec diagnoses) live with each kata; this table only
holds what the grader itself says.
"""
from __future__ import annotations

import os

LANGS = ("en", "ko")

MESSAGES: dict[str, dict[str, str]] = {
    # comparisons (grader.spec)
    "not_tensor": {"en": "{what} should be a torch.Tensor, got {got}",
                   "ko": "{what}은(는) torch.Tensor여야 하는데 {got}이(가) 나왔습니다"},
    "shape": {"en": "{what} has the wrong shape: got {got}, expected {expected}",
              "ko": "{what}의 모양(shape)이 다릅니다: 결과는 {got}, 기대값은 {expected}"},
    "dtype": {"en": "{what} has the wrong dtype: got {got}, expected {expected}",
              "ko": "{what}의 dtype이 다릅니다: 결과는 {got}, 기대값은 {expected}"},
    "device": {"en": "{what} is on the wrong device: got {got}, expected {expected}",
               "ko": "{what}이(가) 다른 장치에 있습니다: 결과는 {got}, 기대값은 {expected}"},
    "requires_grad": {"en": "{what} has requires_grad={got}, expected {expected}",
                      "ko": "{what}의 requires_grad가 {got}인데, {expected}여야 합니다"},
    "nan": {"en": "{what} contains NaN where the expected values are finite",
            "ko": "{what}에 NaN이 들어 있습니다 (기대값은 모두 유한한 수입니다)"},
    "inf": {"en": "{what} contains inf where the expected values are finite",
            "ko": "{what}에 inf가 들어 있습니다 (기대값은 모두 유한한 수입니다)"},
    "values": {"en": "{what} has the wrong values",
               "ko": "{what}의 값이 기대값과 다릅니다"},
    "value_detail": {"en": "max absolute error {abs_err:.3g}, max relative error {rel_err:.3g} "
                           "(tolerance: rtol={rtol:g}, atol={atol:g}); {count} of {total} elements differ",
                     "ko": "최대 절대 오차 {abs_err:.3g}, 최대 상대 오차 {rel_err:.3g} "
                           "(허용 오차: rtol={rtol:g}, atol={atol:g}); 전체 {total}개 중 {count}개가 다릅니다"},
    "first_index": {"en": "first difference at index {index}: got {got}, expected {expected}",
                    "ko": "처음 다른 위치는 {index}: 결과는 {got}, 기대값은 {expected}"},
    "not_equal": {"en": "{what} is {got!r}, expected {expected!r}",
                  "ko": "{what}이(가) {got!r}인데, {expected!r}이어야 합니다"},
    "result": {"en": "your result", "ko": "결과"},
    # failures of learner code
    "raised": {"en": "your code raised {type}: {message}", "ko": "코드에서 {type} 예외가 발생했습니다: {message}"},
    "timeout": {"en": "stopped after the {seconds:g} s time limit: {detail} (an endless loop?)",
                "ko": "제한 시간 {seconds:g}초를 넘겨 중단했습니다: {detail} (무한 루프가 아닌지 확인하세요)"},
    "crashed": {"en": "{detail}", "ko": "{detail}"},
    "spec_broken": {"en": "the grader could not check your result ({type}: {message})",
                    "ko": "채점기가 결과를 확인하지 못했습니다 ({type}: {message})"},
    "not_run_no_cuda": {"en": "not run: no CUDA", "ko": "실행 안 함: CUDA 없음"},
    "not_run_after_timeouts": {"en": "not run: your code already timed out {count} times",
                               "ko": "실행 안 함: 이미 {count}번 제한 시간을 넘겼습니다"},
    "no_result": {"en": "no result was reported for this test", "ko": "이 테스트의 결과가 보고되지 않았습니다"},
    "forbidden_rule": {"en": "uses no forbidden API", "ko": "금지된 API를 쓰지 않음"},
    "forbidden_found": {"en": "{name} is not allowed in this kata (line {line}); while it is used, the score is 0",
                        "ko": "이 카타에서는 {name}을(를) 쓸 수 없습니다 ({line}번째 줄). 이 API를 쓰는 동안 점수는 0점입니다"},
    # terminal report
    "score": {"en": "Score", "ko": "점수"},
    "all_passed": {"en": "All tests passed.", "ko": "모든 테스트를 통과했습니다."},
    "some_failed": {"en": "{count} of {total} tests did not pass.",
                    "ko": "테스트 {total}개 중 {count}개를 통과하지 못했습니다."},
    "hidden_not_run": {"en": "Hidden specs were not run ({count} tests, {points:g} points): "
                             "this score covers the public specs only.",
                       "ko": "숨은 테스트({count}개, {points:g}점)는 실행하지 않았습니다. "
                             "이 점수는 공개 테스트만 반영합니다."},
    "hidden_note": {"en": "Hidden tests show only their diagnosis, not their inputs.",
                    "ko": "숨은 테스트는 진단 내용만 보여 주고 입력값은 보여 주지 않습니다."},
    "withheld": {"en": "Score withheld: a rule failed ({rules}).",
                 "ko": "규칙을 어겨 점수를 주지 않았습니다 ({rules})."},
    "isolation": {"en": "isolation", "ko": "격리 수준"},
    "your_traceback": {"en": "in your code", "ko": "내 코드 위치"},
    "output": {"en": "your code printed", "ko": "코드가 출력한 내용"},
    "status.passed": {"en": "passed", "ko": "통과"},
    "status.failed": {"en": "failed", "ko": "실패"},
    "status.error": {"en": "error", "ko": "오류"},
    "status.timeout": {"en": "timeout", "ko": "시간 초과"},
    "status.skipped": {"en": "not run", "ko": "실행 안 함"},
    "hidden": {"en": "hidden", "ko": "숨은 테스트"},
    "list.solved": {"en": "solved", "ko": "해결"},
    "list.not_started": {"en": "not started", "ko": "시작 전"},
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
