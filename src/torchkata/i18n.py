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
    # rules decided from the source (torchkata.rules): one message per finding, naming the line
    "forbidden_withheld": {"en": "While any of these remains, the kata's score is 0.",
                           "ko": "이 중 하나라도 남아 있으면 이 카타의 점수는 0점입니다."},
    "rule.forbidden": {"en": "line {line}: `{code}` uses {name}, which this kata forbids: compute it yourself with "
                             "the operations the prompt allows",
                       "ko": "{line}번째 줄 `{code}`: 이 카타에서 금지한 {name} API를 씁니다. 문제에서 허용하는 "
                             "연산으로 직접 계산하세요"},
    "rule.private": {"en": "line {line}: `{code}` reaches {name}, a private part of the library (a name starting "
                           "with _): use its public API, such as torch.exp(x) or x.sum(dim=1)",
                     "ko": "{line}번째 줄 `{code}`: 라이브러리 내부용 이름(밑줄 _로 시작하는 이름)인 {name}에 "
                           "접근합니다. torch.exp(x)나 x.sum(dim=1) 같은 공개 API를 쓰세요"},
    "rule.dunder": {"en": "line {line}: `{code}` uses {name}, an attribute that can reach any API without naming "
                          "it, so it is not allowed here: call the functions you need by their names",
                    "ko": "{line}번째 줄 `{code}`: {name} 같은 내부 속성은 이름을 쓰지 않고도 아무 API에나 닿을 "
                          "수 있어 여기서는 쓸 수 없습니다. 필요한 함수를 이름으로 직접 호출하세요"},
    "rule.introspection": {"en": "line {line}: `{code}` uses {name}, which reaches the interpreter's frames and "
                                 "code, so it is not allowed here: call the functions you need by their names",
                           "ko": "{line}번째 줄 `{code}`: {name} 속성은 인터프리터의 프레임과 코드에 접근하므로 "
                                 "여기서는 쓸 수 없습니다. 필요한 함수를 이름으로 직접 호출하세요"},
    "rule.module": {"en": "line {line}: `{code}` uses the module {name}, which code in this kata may not use: "
                          "import only torch, numpy, math and the standard library's computing modules "
                          "(functools, itertools, typing...)",
                    "ko": "{line}번째 줄 `{code}`: 이 카타의 코드에서는 {name} 모듈을 쓸 수 없습니다. torch, "
                          "numpy, math와 functools, itertools, typing 같은 계산용 표준 모듈만 import하세요"},
    "rule.reflective": {"en": "line {line}: `{code}` uses {name}, which looks code up by a name given at run "
                              "time: call the function you need by its name instead",
                        "ko": "{line}번째 줄 `{code}`: 실행 중에 주어진 이름으로 코드를 찾아오는 {name} 기능은 "
                              "쓸 수 없습니다. 필요한 함수를 이름으로 직접 호출하세요"},
    "rule.unknown": {"en": "line {line}: `{code}`: {name} is not a public name of the library: check the "
                           "spelling, and use the public API",
                     "ko": "{line}번째 줄 `{code}`: {name} 이름은 라이브러리의 공개 API에 없습니다. 철자를 "
                           "확인하고 공개 API를 쓰세요"},
    "rule.library_change": {"en": "line {line}: `{code}` changes {name}, a part of the library: leave torch as "
                                  "it is and write a function of your own instead",
                            "ko": "{line}번째 줄 `{code}`: 라이브러리의 일부인 {name} 값을 바꿉니다. torch는 "
                                  "그대로 두고 필요한 함수를 직접 작성하세요"},
    "rule.private_attribute": {"en": "line {line}: `{code}` uses {name}, a private attribute your file does not "
                                     "define: use the public attributes and methods",
                               "ko": "{line}번째 줄 `{code}`: 파일에서 직접 정의하지 않은 내부 속성 {name}에 "
                                     "접근합니다. 공개 속성과 메서드를 쓰세요"},
    "rule.torch_hook": {"en": "line {line}: `{code}`: {name} intercepts every torch call, so it is not allowed "
                              "here: write the computation directly",
                        "ko": "{line}번째 줄 `{code}`: 모든 torch 호출을 가로채는 {name} 훅은 여기서 쓸 수 "
                              "없습니다. 계산을 직접 작성하세요"},
    "rule.module_value": {"en": "line {line}: `{code}` uses the module {name} as a value: a module may only be "
                                "named, as in F.relu(x) or F = torch.nn.functional; call its functions by name",
                          "ko": "{line}번째 줄 `{code}`: {name} 모듈을 값처럼 다룹니다. 모듈은 F.relu(x)나 "
                                "F = torch.nn.functional처럼 이름으로만 쓸 수 있으니 함수도 이름으로 호출하세요"},
    "rule.dynamic_attribute": {"en": "line {line}: `{code}`: {name}() is allowed only with a name written in "
                                     "quotes: write the attribute itself, as in torch.exp(x) or layer.weight",
                               "ko": "{line}번째 줄 `{code}`: {name}()에는 따옴표로 직접 쓴 이름만 넘길 수 "
                                     "있습니다. torch.exp(x)나 layer.weight처럼 속성 이름을 코드에 직접 쓰세요"},
    "rule.dynamic_code": {"en": "line {line}: `{code}`: {name} finds or runs code by name at run time, so it "
                                "is not allowed here: write the code itself",
                          "ko": "{line}번째 줄 `{code}`: {name} 기능은 실행 중에 이름으로 코드를 찾거나 "
                                "실행하므로 여기서는 쓸 수 없습니다. 코드를 직접 작성하세요"},
    "rule.builtin": {"en": "line {line}: `{code}`: the builtin {name}() is not available in this kata's code: "
                           "compute the result with torch",
                     "ko": "{line}번째 줄 `{code}`: 이 카타의 코드에서는 내장 함수 {name}() 사용이 허용되지 "
                           "않습니다. torch로 결과를 계산하세요"},
    "rule.computed_name": {"en": "line {line}: `{code}`: {name} is allowed only with names written in quotes: "
                                 "write the attribute itself",
                           "ko": "{line}번째 줄 `{code}`: {name} 함수에는 따옴표로 직접 쓴 이름만 넘길 수 "
                                 "있습니다. 속성 이름을 코드에 직접 쓰세요"},
    "loop_rule_failed": {"en": "{what} loops over the rows in Python: this rule asks for one vectorised "
                               "computation for the whole batch",
                         "ko": "{what}: 파이썬 반복문으로 행을 하나씩 처리합니다. 이 규칙은 배치 전체를 한 번에 "
                               "처리하는 벡터화 연산을 요구합니다"},
    "loop_rule_advice": {"en": "Work on the whole batch at once: broadcasting, indexing with a tensor "
                               "(x[idx], x.gather(...)), reductions along a dim (x.sum(dim=1)).",
                         "ko": "배치 전체를 한 번에 처리하세요. 브로드캐스팅, 텐서로 인덱싱(x[idx], "
                               "x.gather(...)), dim을 지정한 리덕션(x.sum(dim=1))을 쓰면 됩니다."},
    "loop_rule_routes": {"en": "{what} cannot be checked for loops: your file reaches code in ways the rule "
                               "cannot follow",
                         "ko": "{what}: 규칙이 따라갈 수 없는 방식으로 코드에 접근하므로 반복문 여부를 확인할 수 "
                               "없습니다"},
    "loop_rule_wrong": {"en": "{what} does not compute the right result for a batch of {size}: this rule gives "
                              "its points only to a correct result (the other tests show what differs)",
                        "ko": "{what}: 배치 크기 {size}에서 올바른 결과를 계산하지 못합니다. 이 규칙의 점수는 "
                              "결과가 올바를 때만 줍니다(무엇이 다른지는 다른 테스트에서 확인하세요)"},
    "rule.loop_for": {"en": "line {line}: a for loop over `{code}`: the number of turns grows with the batch",
                      "ko": "{line}번째 줄: `{code}`에 대한 for 반복문은 배치가 커질수록 반복 횟수도 늘어납니다"},
    "rule.loop_comprehension": {"en": "line {line}: a comprehension over `{code}`: the number of turns grows "
                                      "with the batch",
                                "ko": "{line}번째 줄: `{code}`에 대한 컴프리헨션은 배치가 커질수록 반복 횟수도 "
                                      "늘어납니다"},
    "rule.loop_while": {"en": "line {line}: a while loop on `{code}`: the number of turns depends on the "
                              "batch size",
                        "ko": "{line}번째 줄: 조건 `{code}`로 도는 while 반복문은 배치 크기에 따라 반복 횟수가 "
                              "달라집니다"},
    "rule.loop_builtin": {"en": "line {line}: `{code}` goes through the batch one element at a time in Python",
                          "ko": "{line}번째 줄: `{code}` 호출은 배치의 원소를 파이썬에서 하나씩 처리합니다"},
    "rule.loop_per_element": {"en": "line {line}: `{code}` calls a Python function once for every element",
                              "ko": "{line}번째 줄: `{code}` 호출은 원소마다 파이썬 함수를 한 번씩 부릅니다"},
    "rule.loop_recursion": {"en": "line {line}: `{code}` calls itself on a part of the batch: recursion over "
                                  "the batch is a loop too",
                            "ko": "{line}번째 줄: `{code}` 호출은 배치의 일부로 자기 자신을 다시 부릅니다. 배치에 "
                                  "대한 재귀도 반복문입니다"},
    "rule.loop_long": {"en": "line {line}: a loop over `{code}` takes as many turns as the largest batch checked "
                             "and works on the input in each: it is a loop over the batch",
                       "ko": "{line}번째 줄: `{code}`에 대한 반복문은 확인하는 가장 큰 배치 크기만큼 돌면서 매번 "
                             "입력을 처리합니다. 배치에 대한 반복문입니다"},
    "rule.loop_rows": {"en": "line {line}: a loop over `{code}` picks the rows of the batch one at a time with its "
                             "counter (x[i]): it is a loop over the batch",
                       "ko": "{line}번째 줄: `{code}`에 대한 반복문은 카운터로 배치의 행을 하나씩 꺼냅니다(x[i]). "
                             "배치에 대한 반복문입니다"},
    "rule.loop_cut": {"en": "line {line}: `{code}` makes the batch size decide when a loop stops or which of its "
                            "turns do work: it is a loop over the batch",
                      "ko": "{line}번째 줄: `{code}` 부분 때문에 배치 크기에 따라 반복을 멈추거나 일할 차례를 "
                            "고릅니다. 배치에 대한 반복문입니다"},
    "rule.too_complex": {"en": "line {line}: the file is too large or too tangled for the rule to read within its "
                               "limits: write the graded functions more simply",
                         "ko": "{line}번째 줄: 파일이 너무 크거나 복잡해서 규칙이 제한 안에 읽을 수 없습니다. 채점하는 "
                               "함수를 더 단순하게 작성하세요"},
    "rule.loop_unresolved": {"en": "line {line}: {name} is not defined in your file as a function "
                                   "(def {name}(...):), so the rule cannot check it",
                             "ko": "{line}번째 줄: 파일에 {name} 함수가 def {name}(...): 형태로 정의되어 있지 않아 "
                                   "규칙을 확인할 수 없습니다"},
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
