"""The grader's own words in English and Korean, and how the language is chosen.

Kata texts (prompts, hints, diagnoses) live with each kata; this table holds what
torchkata itself says: feedback, reports, errors, dialogues and units. Korean is written
in one polite register (합니다체), with the terms of the course notes (텐서, 그래디언트,
브로드캐스팅, 슬라이스...), each message a sentence of its own rather than a template
with particles such as 은(는) to fill in.

Two format specs keep sentences grammatical whatever is filled in:

- ``{count:test|tests}`` writes the number and the noun that agrees with it ("1 test",
  "3 tests"), so no English message says "1 tests";
- ``{what:이}`` (also ``은``, ``을``, ``과``) writes a Korean noun phrase with the particle its
  last syllable takes ("손실 값이", "출력이", "로짓 그래디언트가"), so a message joins what it
  names into one sentence ("손실 값이 기댓값과 다릅니다"), never "손실 값: 값이 ...".
"""
from __future__ import annotations

import os
import re
import string
import unicodedata

LANGS = ("en", "ko")

MESSAGES: dict[str, dict[str, str]] = {
    # comparisons (torchkata.spec)
    "not_tensor": {"en": "expected a torch.Tensor for {what}, got a value of type {got}",
                   "ko": "{what:은} torch.Tensor여야 하는데 {got} 타입입니다"},
    "shape": {"en": "the shape of {what} is wrong", "ko": "{what}의 shape이 기댓값과 다릅니다"},
    "dtype": {"en": "the dtype of {what} is wrong", "ko": "{what}의 dtype이 기댓값과 다릅니다"},
    "device": {"en": "the device of {what} is wrong", "ko": "{what}의 디바이스(device)가 기댓값과 다릅니다"},
    "requires_grad": {"en": "the requires_grad of {what} is wrong", "ko": "{what}의 requires_grad가 기댓값과 다릅니다"},
    "got_expected": {"en": "got {got}, expected {expected}", "ko": "결과는 {got}, 기댓값은 {expected}입니다"},
    "got_value": {"en": "got {got}", "ko": "결과: {got}"},
    "nan": {"en": "there is NaN in {what} where the expected values are finite",
            "ko": "기댓값은 모두 유한한 수인데 {what}에 NaN이 있습니다"},
    "inf": {"en": "there is inf in {what} where the expected values are finite",
            "ko": "기댓값은 모두 유한한 수인데 {what}에 inf가 있습니다"},
    "values": {"en": "the values of {what} are wrong", "ko": "{what:이} 기댓값과 다릅니다"},
    "value_detail": {"en": "largest error {error:.3g} where {allowed:.3g} is allowed; elements that differ: {count} of {total}",
                     "ko": "가장 큰 오차는 {error:.3g}이고 허용 오차는 {allowed:.3g}입니다. "
                           "원소 {total}개 중 {count}개가 다릅니다"},
    "count_detail": {"en": "elements that differ: {count} of {total}", "ko": "원소 {total}개 중 {count}개가 다릅니다"},
    "first_index": {"en": "first difference at index {index}: got {got}, expected {expected}",
                    "ko": "처음으로 다른 위치는 인덱스 {index}입니다. 결과는 {got}, 기댓값은 {expected}입니다"},
    "not_equal": {"en": "expected a different value for {what}", "ko": "{what:이} 기댓값과 다릅니다"},
    "result": {"en": "your result", "ko": "반환값"},
    "no_ops": {"en": "no torch operation at all ran in {what}: compute the result with torch operations "
                     "on the tensors you were given",
               "ko": "{what}에서 torch 연산이 하나도 실행되지 않았습니다. 받은 텐서에 torch 연산을 적용해 "
                     "결과를 계산하세요"},
    "loops_torch": {"en": "{ops_small:torch operation|torch operations} ran in {what} for a batch of {small} and "
                          "{ops_large} for a batch of {large}: the work grows with the batch, so it loops over the rows in "
                          "Python. Do it with one vectorised operation for the whole batch",
                    "ko": "{what:은} 배치 크기 {small}에서는 torch 연산을 {ops_small}번, 배치 크기 {large}에서는 "
                          "{ops_large}번 실행했습니다. 배치가 커질수록 연산 수가 늘어나는 것은 파이썬 반복문으로 "
                          "행을 하나씩 처리한다는 뜻입니다. 배치 전체를 한 번에 처리하는 벡터화 연산으로 바꾸세요"},
    "loops_lines": {"en": "{ops_small:line|lines} of your code ran in {what} for a batch of {small} and {ops_large} "
                          "for a batch of {large}: it loops over the rows in Python. Do it with one vectorised operation "
                          "for the whole batch",
                    "ko": "{what:은} 배치 크기 {small}에서 코드를 {ops_small}줄, 배치 크기 {large}에서 "
                          "{ops_large}줄 실행했습니다. 파이썬 반복문으로 행을 하나씩 처리한다는 뜻입니다. 배치 전체를 "
                          "한 번에 처리하는 벡터화 연산으로 바꾸세요"},
    # what the learner's code did
    "raised": {"en": "your code raised {type}: {message}", "ko": "코드에서 {type} 예외가 발생했습니다: {message}"},
    "raised_bare": {"en": "your code raised {type}", "ko": "코드에서 {type} 예외가 발생했습니다"},
    "raised_hidden": {"en": "your code raised an exception (under a hidden test its type, message and place are "
                            "not shown: they could hold the hidden inputs)",
                      "ko": "코드에서 예외가 발생했습니다 (숨은 테스트에서는 입력값이 드러날 수 있어 예외의 종류, "
                            "메시지, 위치를 보여 주지 않습니다)"},
    "crashed_hidden": {"en": "the process running your code ended without returning a result (under a hidden test "
                             "how it ended is not shown)",
                       "ko": "코드를 실행하던 프로세스가 결과를 돌려주지 않고 끝났습니다 (숨은 테스트에서는 어떻게 "
                             "끝났는지 보여 주지 않습니다)"},
    "hidden_check_failed": {"en": "a check of this hidden test failed",
                            "ko": "이 숨은 테스트의 검사를 통과하지 못했습니다"},
    "spec_broken_hidden": {"en": "the grader could not check your result (under a hidden test the details are "
                                 "not shown)",
                           "ko": "채점기가 결과를 확인하지 못했습니다 (숨은 테스트에서는 자세한 내용을 보여 주지 "
                                 "않습니다)"},
    "hidden_detail_withheld": {"en": "the reference gave no answer (details of a hidden test are not shown)",
                               "ko": "참고 답안이 답을 내지 못했습니다 (숨은 테스트의 자세한 내용은 보여 주지 "
                                     "않습니다)"},
    "missing_function": {"en": "{file} does not define a function named {name}(): is the file empty, or was the "
                               "function renamed?",
                         "ko": "{file}에 {name}() 함수가 없습니다. 파일이 비어 있거나 함수 이름이 바뀌지 "
                               "않았는지 확인하세요"},
    "your_traceback": {"en": "in {file}", "ko": "발생 위치: {file}"},
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
    "not_run_no_cuda": {"en": "not run: no CUDA", "ko": "이 컴퓨터에는 CUDA가 없어 CUDA 테스트를 실행하지 않았습니다"},
    "not_run_no_cuda_kata": {"en": "not run: no CUDA (this kata runs on the CPU only)",
                             "ko": "이 카타는 CPU에서만 실행하므로 CUDA 테스트를 실행하지 않았습니다"},
    "not_run_after_timeouts": {"en": "not run: your code already timed out {count:time|times}",
                               "ko": "실행 안 함: 이미 제한 시간을 {count}번 넘겼습니다"},
    "no_result": {"en": "no result was reported for this test", "ko": "이 테스트의 결과가 보고되지 않았습니다"},
    "likely_mistake": {"en": "Likely mistake: {text}", "ko": "이런 실수로 보입니다: {text}"},
    "likely_one_of": {"en": "Likely mistake, one of these (your results fit each of them):",
                      "ko": "다음 실수 중 하나로 보입니다 (결과가 어느 쪽과도 맞아떨어집니다):"},
    # describing a difference (torchkata.describe): headlines name the pattern and hold no value
    "pattern.ratio": {"en": "{what}: off by a constant factor (result = expected × {factor})",
                      "ko": "{what:이} 기댓값과 일정한 비율로 다릅니다 (결과 = 기댓값 × {factor})"},
    "pattern.ratio_divided": {"en": "{what}: off by a constant factor (result = expected ÷ {factor})",
                              "ko": "{what:이} 기댓값과 일정한 비율로 다릅니다 (결과 = 기댓값 ÷ {factor})"},
    "factor.constant": {"en": "a constant", "ko": "상수"},
    "factor.batch": {"en": "the batch size", "ko": "배치 크기"},
    "factor.dim": {"en": "the size of dim {dim} of an input", "ko": "입력 텐서의 {dim}번 차원 크기"},
    "factor.numel": {"en": "the number of elements of an input", "ko": "입력 텐서의 원소 수"},
    "factor.integer": {"en": "an integer argument of the call", "ko": "호출에 넘긴 정수 인자"},
    "factor.keep": {"en": "1/(1−p)", "ko": "1/(1−p)"},
    "factor.one_minus_p": {"en": "(1−p)", "ko": "(1−p)"},
    "factor.unbiased": {"en": "N/(N−1)", "ko": "N/(N−1)"},
    "factor.sqrt_unbiased": {"en": "√(N/(N−1))", "ko": "√(N/(N−1))"},
    "factor.result_dim": {"en": "the size of dim {dim} of the result", "ko": "결과의 {dim}번 차원 크기"},
    "where.dim": {"en": "dim {dim} of {arg} of {call}(), of shape {shape}",
                  "ko": "{call}()의 {arg}(shape {shape})의 {dim}번 차원"},
    "where.numel": {"en": "{arg} of {call}(), of shape {shape}", "ko": "{call}()의 {arg}(shape {shape})"},
    "where.argument": {"en": "{arg} of {call}() = {value}", "ko": "{call}()의 {arg} = {value}"},
    "where.count": {"en": "N = {n}", "ko": "N = {n}"},
    "where.result": {"en": "dim {dim} of the expected shape {shape}", "ko": "기댓값 shape {shape}의 {dim}번 차원"},
    "arg.position": {"en": "argument {position}", "ko": "{position}번째 인자"},
    "arg.keyword": {"en": "argument {position}", "ko": "인자 {position}"},
    "ratio_detail": {"en": "result ÷ expected = {ratio} for every element",
                     "ko": "모든 원소에서 결과 ÷ 기댓값 = {ratio}입니다"},
    "quantity_detail": {"en": "{name} = {value} ({where})", "ko": "{name} = {value} ({where})"},
    "pattern.sign": {"en": "{what}: the opposite sign of the expected values (result = −expected)",
                     "ko": "{what}의 부호가 기댓값과 반대입니다 (결과 = −기댓값)"},
    "pattern.offset": {"en": "{what}: off by the same constant everywhere (result = expected + c)",
                       "ko": "{what}의 모든 원소가 기댓값과 같은 상수만큼 차이 납니다 (결과 = 기댓값 + c)"},
    "offset_detail": {"en": "c = {offset}", "ko": "c = {offset}"},
    "pattern.offset_rows": {"en": "{what}: off by one constant per row (result = expected + c, with c the same along each row)",
                            "ko": "{what:이} 행마다 다른 상수만큼 기댓값과 차이 납니다 (한 행 안에서는 같은 상수입니다)"},
    "pattern.offset_columns": {"en": "{what}: off by one constant per column (result = expected + c, with c the same down each column)",
                               "ko": "{what:이} 열마다 다른 상수만큼 기댓값과 차이 납니다 (한 열 안에서는 같은 상수입니다)"},
    "offsets_detail": {"en": "the constants: {offsets}", "ko": "상수: {offsets}"},
    "pattern.offset_input": {"en": "{what}: differs from the expected values by exactly one of the inputs (result = expected {sign} input)",
                             "ko": "{what:과} 기댓값의 차이가 입력 텐서 하나와 정확히 같습니다 (결과 = 기댓값 {sign} 입력)"},
    "input_detail": {"en": "the input: {arg} of {call}()", "ko": "해당 입력: {call}()의 {arg}"},
    "pattern.unchanged_input": {"en": "{what}: one of the inputs, handed back unchanged",
                                "ko": "{what:이} 입력 텐서 하나와 똑같습니다 (입력이 바뀌지 않고 그대로 나왔습니다)"},
    "pattern.expected_input": {"en": "{what}: should be one of the inputs unchanged, and it is not",
                               "ko": "{what:은} 입력 텐서 하나가 그대로 나와야 하는데, 그 입력과 다릅니다"},
    "pattern.zeros": {"en": "{what}: all zeros",
                      "ko": "{what}의 모든 원소가 0입니다"},
    "pattern.constant": {"en": "{what}: one value in every element, where the expected values vary",
                         "ko": "기댓값은 원소마다 다른데 {what:은} 모든 원소가 같은 값입니다"},
    "constant_detail": {"en": "every element is {value}", "ko": "모든 원소가 {value}입니다"},
    "pattern.unchanged_start": {"en": "{what}: never moves from its starting value (every step equals the first)",
                                "ko": "{what:이} 시작 값에서 전혀 바뀌지 않았습니다. 모든 스텝이 첫 스텝과 같습니다"},
    "steps_detail": {"en": "{steps} steps, all equal to the first", "ko": "스텝 {steps}개가 모두 첫 스텝과 같습니다"},
    "pattern.transposed": {"en": "{what}: the expected result transposed",
                           "ko": "{what:이} 기댓값을 전치(transpose)한 것과 같습니다"},
    "pattern.permuted_dims": {"en": "{what}: the expected values with the dimensions in another order (result = expected.permute{perm})",
                              "ko": "{what:이} 기댓값의 차원 순서를 바꾼 것과 같습니다 (결과 = 기댓값.permute{perm})"},
    "pattern.flipped": {"en": "{what}: the expected result reversed along dim {dim}",
                        "ko": "{what:이} 기댓값을 {dim}번 차원을 따라 뒤집은 것과 같습니다"},
    "pattern.behind": {"en": "{what}: one step behind (each entry is the expected value of the step before)",
                       "ko": "{what:이} 한 스텝 늦습니다. 각 항목이 기댓값의 바로 앞 스텝 값과 같습니다"},
    "pattern.ahead": {"en": "{what}: one step ahead (each entry is the expected value of the step after)",
                      "ko": "{what:이} 한 스텝 빠릅니다. 각 항목이 기댓값의 바로 다음 스텝 값과 같습니다"},
    "pattern.rows_permuted": {"en": "{what}: the expected rows in another order",
                              "ko": "{what}의 행은 기댓값의 행과 같지만 순서가 다릅니다"},
    "permutation_detail": {"en": "row i of the result is row order[i] of the expected values: order = {order}",
                           "ko": "결과의 i번째 행은 기댓값의 order[i]번째 행입니다: order = {order}"},
    "pattern.reordered": {"en": "{what}: the expected values in another order",
                          "ko": "{what}의 값은 기댓값과 같지만 순서가 다릅니다"},
    "pattern.length": {"en": "{what}: the wrong number of entries",
                       "ko": "{what}의 항목 수가 기댓값과 다릅니다"},
    "length_detail": {"en": "{got} entries, expected {expected}", "ko": "항목 {got}개, 기댓값은 {expected}개입니다"},
    "entry": {"en": "{what}, entry {index}", "ko": "{what}의 {index}번 항목"},
    "shape_detail": {"en": "shape {got}, expected {expected}", "ko": "결과 shape은 {got}, 기댓값 shape은 {expected}입니다"},
    "pattern.extra_dim": {"en": "{what}: an extra dimension of size 1; without it the values are right",
                          "ko": "{what}에 크기가 1인 차원이 하나 더 있습니다. 그 차원을 빼면 값은 맞습니다"},
    "pattern.missing_dim": {"en": "{what}: a dimension of size 1 is missing; the values are right",
                            "ko": "{what}에 크기가 1인 차원이 하나 빠졌습니다. 값은 맞습니다"},
    "pattern.reshaped": {"en": "{what}: the right values in the wrong shape",
                         "ko": "{what}의 값은 맞지만 shape이 다릅니다"},
    "pattern.broadcast_pairs": {"en": "{what}: shape (N, N) where (N,) was expected, the shape broadcasting gives when an (N, 1) and an (N,) tensor are combined",
                                "ko": "{what}의 shape은 (N, N)인데 기댓값은 (N,)입니다. (N, 1) 텐서와 (N,) 텐서를 함께 계산하면 브로드캐스팅으로 이런 shape이 나옵니다"},
    "pattern.reduced_other_dim": {"en": "{what}: the shape of an input reduced over dim {got}, where that input reduced over dim {want} was expected",
                                  "ko": "{what:은} 입력 텐서를 {got}번 차원으로 축약한 shape이고, 기댓값은 {want}번 차원으로 축약한 shape입니다"},
    "pattern.off_by_one_less": {"en": "{what}: one less than expected",
                                "ko": "{what:이} 기댓값보다 1 작습니다"},
    "pattern.off_by_one_more": {"en": "{what}: one more than expected",
                                "ko": "{what:이} 기댓값보다 1 큽니다"},
    "pattern.in_place": {"en": "{what}: changed in place by the call; it must stay as it was",
                         "ko": "호출하는 동안 {what:이} 제자리에서(in-place) 바뀌었습니다. 입력은 그대로 남아 있어야 합니다"},
    "pattern.step_ratio": {"en": "{what}: moved from the input by a multiple of the expected change (result − input = (expected − input) × {factor})",
                           "ko": "{what}의 변화량(결과 − 입력)이 기댓값의 변화량과 일정한 비율로 다릅니다 (결과 − 입력 = (기댓값 − 입력) × {factor})"},
    "pattern.step_ratio_divided": {"en": "{what}: moved from the input by a fraction of the expected change (result − input = (expected − input) ÷ {factor})",
                                   "ko": "{what}의 변화량(결과 − 입력)이 기댓값의 변화량과 일정한 비율로 다릅니다 (결과 − 입력 = (기댓값 − 입력) ÷ {factor})"},
    "pattern.step_reversed": {"en": "{what}: moved from the input by the expected amount, the other way (result − input = −(expected − input))",
                              "ko": "{what:은} 입력에서 기댓값만큼 움직였지만 방향이 반대입니다 (결과 − 입력 = −(기댓값 − 입력))"},
    "step_ratio_detail": {"en": "(result − input) ÷ (expected − input) = {ratio} for every element",
                          "ko": "모든 원소에서 (결과 − 입력) ÷ (기댓값 − 입력) = {ratio}입니다"},
    "pattern.picked_elsewhere": {"en": "{what}: elements of an input, taken from other positions than the expected ones",
                                 "ko": "{what}의 원소는 입력 텐서의 원소이지만, 기댓값과 다른 위치에서 가져왔습니다"},
    "picked_detail": {"en": "at index {index}: got the input's element {got}, expected its element {expected}",
                      "ko": "인덱스 {index}: 결과는 입력의 {got} 원소, 기댓값은 입력의 {expected} 원소입니다"},
    "pattern.ratio_columns": {"en": "{what}: off by one constant factor per column (each column is the expected one times its own constant)",
                              "ko": "{what:이} 열마다 다른 상수배만큼 기댓값과 다릅니다 (열마다 곱해진 상수가 다릅니다)"},
    "pattern.ratio_rows": {"en": "{what}: off by one constant factor per row (each row is the expected one times its own constant)",
                           "ko": "{what:이} 행마다 다른 상수배만큼 기댓값과 다릅니다 (행마다 곱해진 상수가 다릅니다)"},
    "factors_detail": {"en": "the factors: {factors}", "ko": "곱해진 상수: {factors}"},
    "pattern.affine_columns": {"en": "{what}: column by column, the expected values rescaled and shifted (result = expected × g + h, with g and h constant down each column)",
                               "ko": "{what:은} 열마다 기댓값에 상수를 곱하고 더한 값입니다 (결과 = 기댓값 × g + h, g와 h는 열마다 일정합니다)"},
    "pattern.affine_rows": {"en": "{what}: row by row, the expected values rescaled and shifted (result = expected × g + h, with g and h constant along each row)",
                            "ko": "{what:은} 행마다 기댓값에 상수를 곱하고 더한 값입니다 (결과 = 기댓값 × g + h, g와 h는 행마다 일정합니다)"},
    "pattern.affine": {"en": "{what}: the expected values rescaled and shifted (result = expected × g + h)",
                       "ko": "{what:은} 기댓값에 상수를 곱하고 더한 값입니다 (결과 = 기댓값 × g + h)"},
    "pattern.diverges": {"en": "{what}: right for the first steps, then different at every step after",
                         "ko": "{what:은} 처음 몇 스텝은 맞지만 그 뒤로는 모든 스텝이 다릅니다"},
    "diverges_detail": {"en": "the first difference is at step {step}", "ko": "처음 다른 스텝: {step}"},
    "pattern.confined_columns": {"en": "{what}: some whole columns differ; the other columns are right",
                                 "ko": "{what}의 일부 열 전체가 다르고, 나머지 열은 맞습니다"},
    "pattern.confined_rows": {"en": "{what}: some whole rows differ; the other rows are right",
                              "ko": "{what}의 일부 행 전체가 다르고, 나머지 행은 맞습니다"},
    "lines_detail": {"en": "the ones that differ: {lines}", "ko": "다른 것: {lines}번"},
    "nonfinite_detail": {"en": "NaN or inf in {count} of {total:element|elements}",
                         "ko": "원소 {total}개 중 {count}개가 NaN 또는 inf입니다"},
    "nonfinite_rest_right": {"en": "the other elements are right", "ko": "나머지 원소는 맞습니다"},
    "nonfinite_rest_wrong": {"en": "the other elements differ too", "ko": "나머지 원소도 기댓값과 다릅니다"},
    "nonfinite_rows": {"en": "the NaN and inf fill whole rows: rows {rows}",
                       "ko": "NaN과 inf가 행 전체를 채웁니다: {rows}번 행"},
    "values_right": {"en": "the values are right: only the dtype differs", "ko": "값은 맞고 dtype만 다릅니다"},
    "forbidden_rule": {"en": "uses no forbidden API", "ko": "금지된 API를 쓰지 않음"},
    "harness_rule": {"en": "leaves the grader's harness as it is", "ko": "함께 실행되는 채점 코드를 그대로 둠"},
    "forbidden_found": {"en": "{name} is not allowed in this kata (line {line}); while it is used, the score is 0",
                        "ko": "이 카타에서는 {name}을 쓸 수 없습니다 ({line}번째 줄). 이 API를 쓰는 동안 "
                              "점수는 0점입니다"},
    "rule_not_checked": {"en": "not checked: the file does not parse", "ko": "확인 안 함: 파일에 문법 오류가 있습니다"},
    # terminal report
    "score": {"en": "Score", "ko": "점수"},
    "points_unit": {"en": "pts", "ko": "점"},
    "all_passed": {"en": "All tests passed.", "ko": "모든 테스트를 통과했습니다."},
    "some_failed": {"en": "{count} of {total:test|tests} did not pass.",
                    "ko": "테스트 {total}개 중 {count}개를 통과하지 못했습니다."},
    "hidden_not_run": {"en": "Hidden specs were not run ({count:test|tests}, {points:point|points}): "
                             "this score covers the public specs only.",
                       "ko": "숨은 테스트({count}개, {points:g}점)는 실행하지 않았습니다. "
                             "이 점수는 공개 테스트만 반영합니다."},
    "hidden_by_instructor": {"en": "Hidden specs ({count:test|tests}, {points:point|points}) are run by your instructor: "
                                   "this score covers the public specs only.",
                             "ko": "숨은 테스트({count}개, {points:g}점)는 강사가 채점합니다. "
                                   "이 점수는 공개 테스트만 반영합니다."},
    "devices_not_run": {"en": "{count:CUDA test|CUDA tests} ({points:point|points}) not run: this machine has no CUDA. "
                              "Not a full pass: the score leaves out what did not run.",
                        "ko": "이 컴퓨터에는 CUDA가 없어 CUDA 테스트를 실행하지 않았습니다 ({count}개, {points:g}점). "
                              "점수에서 빠졌으니 모두 통과한 것은 아닙니다."},
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
    # an untouched stub: one line per function still to write
    "not_written": {"en": "Not written yet in {file} (each still raises NotImplementedError):",
                    "ko": "{file}에 아직 작성하지 않은 함수가 있습니다 (모두 아직 NotImplementedError를 발생시킵니다):"},
    "not_written_line": {"en": "line {line}, {count:test|tests}", "ko": "{line}번째 줄, 테스트 {count}개"},
    # a timeout: where the learner's code was when it was stopped (public tests only)
    "timeout_where": {"en": "your code was stopped at line {line}, in {function}: {code}",
                      "ko": "{line}번째 줄({function})에서 코드를 중단했습니다: {code}"},
    # tests asked for but not run (--device cuda|all without CUDA)
    "score_not_run": {"en": "({points:point|points} not run)", "ko": "(실행하지 않은 {points:g}점 제외)"},
    "devices_not_run_kata": {"en": "{count:CUDA test|CUDA tests} ({points:point|points}) not run: this kata runs on "
                                   "the CPU only. Not a full pass: the score leaves out what did not run.",
                             "ko": "이 카타는 CPU에서만 실행하므로 CUDA 테스트를 실행하지 않았습니다 ({count}개, "
                                   "{points:g}점). 점수에서 빠졌으니 모두 통과한 것은 아닙니다."},
    "devices_missing": {"en": "CUDA was asked for, but this machine has no CUDA.",
                        "ko": "CUDA를 요청했지만 이 컴퓨터에는 CUDA가 없습니다."},
    "passed_folded": {"en": "{count:test|tests} passed", "ko": "테스트 {count}개 통과"},
    "more_lines": {"en": "… ({count:more line|more lines})", "ko": "… ({count}줄 더 있음)"},
    # the confinement that was in force, by level (see engine.isolation_level)
    "isolation.strong": {"en": "strong", "ko": "강함"},
    "isolation.partial": {"en": "partial", "ko": "일부"},
    "isolation.basic": {"en": "basic", "ko": "기본"},
    "isolation.none": {"en": "none", "ko": "없음"},
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
    "rule.behaviour_change": {"en": "line {line}: `{code}` sets {name} on an object your file did not create: the "
                                    "grader's harness made it and watches how it behaves, so leave its methods and "
                                    "classes as they are (change only data, such as .grad, .data or .requires_grad)",
                              "ko": "{line}번째 줄 `{code}`: 파일에서 직접 만들지 않은 객체의 {name} 속성을 바꿉니다. "
                                    "이 객체는 채점기가 만들어 넘겨주고 동작을 지켜보므로 메서드와 클래스는 그대로 "
                                    "두세요 (.grad, .data, .requires_grad 같은 데이터만 바꿀 수 있습니다)"},
    "rule.type_escape": {"en": "line {line}: `{code}` takes the class of a value the grader gave you, which reaches "
                               "the grader's own code: to check what kind of value it is, use isinstance()",
                         "ko": "{line}번째 줄 `{code}`: 채점기가 넘겨준 값의 클래스를 꺼내면 채점기 자신의 코드에 "
                               "닿습니다. 값의 종류를 확인하려면 isinstance()를 쓰세요"},
    "rule.subclass_change": {"en": "line {line}: `{code}` changes what kind of tensor a value is without computing "
                                   "anything, and the grader's harness tells tensors apart by their kind: use "
                                   ".to(), .detach() or torch.tensor() instead",
                             "ko": "{line}번째 줄 `{code}`: 아무 계산 없이 텐서의 종류만 바꾸는데, 채점기는 "
                                   "텐서를 종류로 구분합니다. 대신 .to(), .detach(), torch.tensor()를 쓰세요"},
    "rule.computed_name": {"en": "line {line}: `{code}`: {name} is allowed only with names written in quotes: "
                                 "write the attribute itself",
                           "ko": "{line}번째 줄 `{code}`: {name} 함수에는 따옴표로 직접 쓴 이름만 넘길 수 "
                                 "있습니다. 속성 이름을 코드에 직접 쓰세요"},
    "loop_rule_failed": {"en": "{what} loops over the rows in Python: this rule asks for one vectorised "
                               "computation for the whole batch",
                         "ko": "{what:은} 파이썬 반복문으로 행을 하나씩 처리합니다. 이 규칙은 배치 전체를 한 번에 "
                               "처리하는 벡터화 연산을 요구합니다"},
    "loop_rule_advice": {"en": "Work on the whole batch at once: broadcasting, indexing with a tensor "
                               "(x[idx], x.gather(...)), reductions along a dim (x.sum(dim=1)).",
                         "ko": "배치 전체를 한 번에 처리하세요. 브로드캐스팅, 텐서로 인덱싱(x[idx], "
                               "x.gather(...)), dim을 지정한 리덕션(x.sum(dim=1))을 쓰면 됩니다."},
    "loop_rule_routes": {"en": "{what} cannot be checked for loops: your file reaches code in ways the rule cannot follow",
                         "ko": "파일이 규칙이 따라갈 수 없는 방식으로 코드에 접근해서 {what}에 반복문이 있는지 확인할 수 "
                               "없습니다"},
    "loop_rule_wrong": {"en": "the result of {what} for a batch of {size} is wrong: this rule gives its points only "
                              "to a correct result (the other tests show what differs)",
                        "ko": "배치 크기가 {size}일 때 {what}의 결과가 올바르지 않습니다. 이 규칙의 점수는 결과가 "
                              "올바를 때만 줍니다(무엇이 다른지는 다른 테스트에서 확인하세요)"},
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
    return fill(entry.get(lang, entry["en"]), **values)


def fill(template: str, **values) -> str:
    """``template.format(**values)``, with the plural and particle specs described above."""
    return _FORMATTER.format(template, **values)


class _Formatter(string.Formatter):
    def format_field(self, value, spec: str) -> str:
        if spec in PARTICLES:
            return f"{value}{particle(str(value), spec)}"
        if "|" in spec:
            one, other = spec.split("|", 1)
            number = f"{value:g}" if isinstance(value, float) else str(value)
            return f"{number} {one if value == 1 else other}"
        return super().format_field(value, spec)


_FORMATTER = _Formatter()

# A particle as written after a final consonant -> (after a consonant, after a vowel).
PARTICLES = {"이": ("이", "가"), "가": ("이", "가"), "은": ("은", "는"), "는": ("은", "는"),
             "을": ("을", "를"), "를": ("을", "를"), "과": ("과", "와"), "와": ("과", "와")}
_DIGITS_WITH_FINAL_CONSONANT = set("013678")        # 영 일 삼 육 칠 팔
_LETTERS_WITH_FINAL_CONSONANT = set("lmnr")         # 엘 엠 엔 알 (a letter read by its name)


def particle(phrase: str, which: str) -> str:
    """The form of the particle ``which`` that follows ``phrase`` as a Korean reader says it."""
    after_consonant, after_vowel = PARTICLES[which]
    return after_consonant if ends_in_consonant(phrase) else after_vowel


def ends_in_consonant(phrase: str) -> bool:
    """Whether ``phrase`` ends, read aloud in Korean, with a final consonant (받침).

    Hangul is exact; a trailing "(...)" or "[...]" is skipped, as a reader skips it; digits
    are read in Sino-Korean; English words by the sound Korean gives them (step 스텝,
    mean 민, module 모듈: a final consonant; grad 그래드, logits 로짓츠: none)."""
    text = phrase.strip()
    while True:
        shorter = re.sub(r"\s*(\([^()]*\)|\[[^\[\]]*\])$", "", text).rstrip(" '\"`.,:;!?")
        if shorter == text or not shorter:
            break
        text = shorter
    if not text:
        return False
    last = text[-1]
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28 != 0
    if last.isdigit():
        return last in _DIGITS_WITH_FINAL_CONSONANT
    word = re.search(r"[A-Za-z]+$", text)
    if word is None:
        return False
    return _english_ends_in_consonant(word.group())


def _english_ends_in_consonant(word: str) -> bool:
    if len(word) == 1 or (word.isupper() and len(word) <= 4):      # x, CPU, MSE: letter names
        return word[-1].lower() in _LETTERS_WITH_FINAL_CONSONANT
    word = word.lower()
    if word.endswith(("m", "n", "ng", "l", "le")):
        return True
    # A short vowel then k, p or t keeps the consonant (step 스텝, input 인풋, back 백);
    # after a long vowel or another consonant it gets a vowel of its own (weight 웨이트, mask 마스크).
    return bool(re.search(r"[^aeiou][aeiou](ck|k|p|t)$", word)) and not word.endswith(("ake", "ite"))


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
