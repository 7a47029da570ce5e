"""torchkata.describe: the pattern of a difference, named only when it holds for every element.

Each pattern is checked on values that have it, and its headline is checked to hold no value (it is
shown under hidden tests); values without a pattern (noise, a rounding difference) get none.
"""
import pytest
import torch

from torchkata import describe as d
from torchkata.describe import Input
from torchkata.launcher import Call
from torchkata.spec import SpecFailure, expect_close, expect_equal, expect_unchanged

WHAT = {"en": "the result", "ko": "결과"}


def gen(seed):
    return torch.Generator().manual_seed(seed)


def randn(*shape, seed=0):
    return torch.randn(*shape, generator=gen(seed), dtype=torch.float64)


def describe(actual, expected, inputs=(), **kw):
    return d.describe(actual, expected, WHAT, inputs=list(inputs), **kw)


def key(actual, expected, inputs=(), **kw):
    found = describe(actual, expected, inputs, **kw)
    return found.key if found else None


def no_values_in_headline(found, *values):
    for lang in ("en", "ko"):
        for value in values:
            assert str(value) not in found.headline[lang], (value, found.headline[lang])


# --- constant ratios, named ------------------------------------------------------------------

def test_a_sum_for_a_mean_is_the_size_of_the_reduced_dim():
    x = randn(8, 5)
    found = describe(x.sum(dim=1), x.mean(dim=1), [Input(x, "row_means", "1")])
    assert found.key == "ratio" and "the size of dim 1 of an input" in found.headline["en"]
    assert "입력 텐서의 1번 차원 크기" in found.headline["ko"]
    no_values_in_headline(found, 5, 8)
    assert any("= 5" in detail["en"] and "(8, 5)" in detail["en"] for detail in found.details)


def test_a_loss_summed_over_the_batch_is_the_batch_size_times_the_mean():
    x = randn(16, 3)
    per_row = (x ** 2).sum(dim=1)
    found = describe(per_row.sum(), per_row.mean(), [Input(x, "loss", "1")])
    assert found.key == "ratio" and "the batch size" in found.headline["en"] and "배치 크기" in found.headline["ko"]
    no_values_in_headline(found, 16)


def test_a_mean_where_a_sum_was_expected_is_divided():
    x = randn(6, 4)
    found = describe(x.mean(dim=0), x.sum(dim=0), [Input(x, "f", "1")])
    assert found.key == "ratio_divided" and "÷ the batch size" in found.headline["en"]


def test_the_number_of_elements_and_an_integer_argument_are_named():
    x = randn(3, 7)
    assert "the number of elements" in describe(x.sum() * torch.ones(2, dtype=torch.float64),
                                                x.mean() * torch.ones(2, dtype=torch.float64),
                                                [Input(x, "f", "1")]).headline["en"]
    g = randn(5, 2)
    found = describe(g * 4, g, [Input(randn(3, seed=1), "accumulate", "1"), Input(4, "accumulate", "2")])
    assert "an integer argument" in found.headline["en"] and "정수 인자" in found.headline["ko"]


def test_dropout_scaling_is_named_with_p():
    x = randn(4, 6).abs() + 1
    keep = torch.rand(4, 6, generator=gen(1)) >= 0.3
    expected = x * keep / (1 - 0.3)
    assert "(1−p)" in describe(x * keep, expected, [Input(x, "dropout", "1"), Input(0.3, "dropout", "2")]).headline["en"]


def test_biased_and_unbiased_estimates_differ_by_n_over_n_minus_one():
    x = randn(10)
    found = describe(x.var(unbiased=True).reshape(1), x.var(unbiased=False).reshape(1), [Input(x, "var", "1")])
    assert found.key == "ratio" and "N/(N−1)" in found.headline["en"]
    found = describe(x.std(unbiased=True).reshape(1), x.std(unbiased=False).reshape(1), [Input(x, "std", "1")])
    assert "√(N/(N−1))" in found.headline["en"]


def test_an_unnamed_ratio_is_a_constant_and_only_where_values_vary():
    e = randn(5)
    found = describe(e * 1.37, e)
    assert found.key == "ratio" and "a constant" in found.headline["en"] and "1.37" not in found.headline["en"]
    assert any("1.37" in detail["en"] for detail in found.details)
    assert key(torch.tensor([6.0]), torch.tensor([3.0])) is None        # one number: any ratio is trivial


def test_sign_flip():
    e = randn(3, 3)
    assert key(-e, e) == "sign"


# --- offsets -----------------------------------------------------------------------------------

def test_constant_offset_everywhere_per_row_and_per_column():
    e = randn(4, 5)
    assert key(e + 0.25, e) == "offset"
    rows = torch.arange(4, dtype=torch.float64).unsqueeze(1)
    assert key(e + rows, e) == "offset_rows"
    columns = torch.arange(5, dtype=torch.float64)
    assert key(e + columns * 0.1 + 1, e) == "offset_columns"


def test_an_offset_equal_to_an_input_is_named_as_that_input():
    x, w, b = randn(4, 3), randn(3, 3, seed=2), randn(3, seed=1)
    found = describe(x @ w, x @ w + b, [Input(x, "linear", "1"), Input(w, "linear", "2"), Input(b, "linear", "3")])
    assert found.key == "offset_input" and "− input" in found.headline["en"]
    assert any("argument 3 of linear()" in detail["en"] for detail in found.details)


# --- unchanged, zero, constant -----------------------------------------------------------------

def test_the_input_handed_back():
    x = randn(3, 4)
    found = describe(x.clone(), x * 2, [Input(x, "double", "1")])
    assert found.key == "unchanged_input"
    assert "입력 텐서 하나와 똑같습니다" in found.headline["ko"]


def test_an_identity_expected_and_a_changed_result():
    x = randn(3, 4)
    assert key(x * 0.5, x, [Input(x, "evaluate", "1")]) == "expected_input"


def test_all_zeros_and_one_value_everywhere():
    e = randn(6)
    assert key(torch.zeros(6, dtype=torch.float64), e) == "zeros"
    assert key(torch.full((6,), e.mean().item(), dtype=torch.float64), e) == "constant"


def test_a_sequence_that_never_moves_from_its_start():
    e = torch.tensor([2.0, 1.5, 1.2, 1.0], dtype=torch.float64)
    assert key(torch.full((4,), 2.0, dtype=torch.float64), e) == "unchanged_start"
    weights = [torch.tensor([0.3, -0.1]), torch.tensor([0.25, 0.0]), torch.tensor([0.2, 0.05])]
    found = d.describe([weights[0]] * 3, weights, WHAT, inputs=[])
    assert found.key == "unchanged_start"


# --- rearrangements ----------------------------------------------------------------------------

def test_transposed_square_and_not_square():
    m = randn(4, 4)
    assert key(m.T, m) == "transposed"
    r = randn(2, 5)
    assert key(r.T, r) == "transposed"
    t3 = randn(2, 3, 4)
    found = describe(t3.permute(2, 0, 1), t3)
    assert found.key == "permuted_dims" and "permute(2, 0, 1)" in found.headline["en"]


def test_one_step_behind_and_ahead():
    e = torch.tensor([0.1, 0.09, 0.081, 0.0729, 0.06561], dtype=torch.float64)
    behind = torch.cat([torch.tensor([0.1], dtype=torch.float64), e[:-1]])
    assert key(behind, e) == "behind"
    ahead = torch.cat([e[1:], torch.tensor([0.059049], dtype=torch.float64)])
    assert key(ahead, e) == "ahead"
    lists = d.describe([float(v) for v in behind], [float(v) for v in e], WHAT, inputs=[])
    assert lists.key == "behind"


def test_flipped_rows_permuted_and_values_reordered():
    e = randn(5, 3)
    assert key(e.flip(0), e) == "flipped"
    found = describe(e[[2, 0, 1, 3, 4]], e)
    assert found.key == "rows_permuted" and any("[2, 0, 1, 3, 4]" in x["en"] for x in found.details)
    v = randn(6)
    assert key(v[[1, 0, 3, 2, 5, 4]], v) == "reordered"


def test_a_near_miss_in_the_same_order_is_no_pattern():
    """Off by a little more than the tolerance, within the slack patterns allow (an optimizer step with eps in
    another place): not "the expected values in another order", nor any other pattern."""
    e = randn(3, 4)
    wiggle = torch.tensor([1.0, -1.0, 0.5, -0.5] * 3, dtype=torch.float64).reshape(3, 4)
    near = e + 2.5 * (1e-6 + 1e-6 * e.abs()) * wiggle
    assert key(near, e, rtol=1e-6, atol=1e-6) is None
    rows = randn(5, 3)
    assert key(rows[[2, 0, 1, 3, 4]], rows, rtol=1e-6, atol=1e-6) == "rows_permuted"      # a real one still is
def test_a_small_error_in_place_is_not_another_order():
    # Off by a little more than the tolerance, element by element (eps in the wrong place): the sorted
    # values are as close as the values in place, and nothing was moved.
    e = randn(4, 5, seed=3)
    off = e + 2 * (1e-5 + 1.3e-6 * e.abs()) * torch.sign(randn(4, 5, seed=4))
    assert key(off, e) != "reordered"


def test_values_picked_from_other_positions_of_the_input():
    x = randn(4, 3)
    idx = torch.tensor([2, 0, 1, 1])
    found = describe(x[torch.arange(4), idx.flip(0)], x[torch.arange(4), idx], [Input(x, "pick", "1")])
    assert found.key == "picked_elsewhere"
    assert any("[0, 1]" in detail["en"] and "[0, 2]" in detail["en"] for detail in found.details)


# --- steps from an input (optimizers) ------------------------------------------------------------

def test_a_step_too_large_by_a_named_factor_and_a_step_the_wrong_way():
    w, g = randn(3, 4), randn(3, 4, seed=1)
    inputs = [Input(w, "sgd_step", "1"), Input(g, "sgd_step", "2"), Input(0.1, "sgd_step", "3")]
    found = describe(w - 0.1 * g * 3, w - 0.1 * g, inputs)
    assert found.key == "step_ratio" and "the batch size" in found.headline["en"]
    assert key(w + 0.1 * g, w - 0.1 * g, inputs) == "step_reversed"


# --- per column, per row, affine, partial --------------------------------------------------------

def test_statistics_over_other_elements_give_a_per_column_affine_map():
    x = randn(6, 3)
    expected = (x - x.mean(0)) / x.std(0)
    assert key((x - x.mean()) / x.std(), expected) == "affine_columns"
    assert key((x - x.mean(0)) / x.std(0, unbiased=False), expected) == "ratio"      # one factor: √(N/(N−1))
    scaled = expected * torch.tensor([0.5, 2.0, 3.0], dtype=torch.float64)
    assert key(scaled, expected) == "ratio_columns"


def test_a_sequence_right_at_first_then_wrong_and_wrong_columns_only():
    e = torch.tensor([1.0, 0.9, 0.8, 0.7, 0.6], dtype=torch.float64)
    wrong_late = e.clone()
    wrong_late[3:] = torch.tensor([0.5, 0.1], dtype=torch.float64)
    found = describe(wrong_late, e)
    assert found.key == "diverges" and "step 3" in found.details[0]["en"]
    m = torch.arange(12, dtype=torch.float64).reshape(4, 3)
    other = m.clone()
    other[:, 1] = torch.tensor([5.0, -1.0, 3.0, 8.0])
    found = describe(other, m)
    assert found.key == "confined_columns" and "[1]" in found.details[0]["en"]


# --- NaN and inf ---------------------------------------------------------------------------------

def test_nan_where_finite_values_are_expected_says_how_many_and_whether_the_rest_is_right():
    e = randn(3, 4)
    a = e.clone()
    a[1] = float("nan")
    found = describe(a, e)
    assert found.key == "nan"
    texts = [detail["en"] for detail in found.details]
    assert "NaN or inf in 4 of 12 elements" in texts and "the other elements are right" in texts
    assert any("rows [1]" in text for text in texts)


# --- shapes --------------------------------------------------------------------------------------

def test_shapes_extra_and_missing_size_one_dims_reshaped_broadcast_and_reduced_over_another_dim():
    x = randn(8, 5)
    assert key(x.mean(1, keepdim=True), x.mean(1)) == "extra_dim"
    assert key(x.mean(1), x.mean(1, keepdim=True)) == "missing_dim"
    assert key(x.reshape(5, 8), x) == "reshaped"
    v = randn(6)
    assert key(v.unsqueeze(1) - v, v - v) is None or key(v.unsqueeze(1) - v, v) == "broadcast_pairs"
    assert key(v.unsqueeze(1) - v, v) == "broadcast_pairs"
    found = describe(x.mean(0), x.mean(1), [Input(x, "f", "1")])
    assert found.key == "reduced_other_dim" and "dim 0" in found.headline["en"] and "dim 1" in found.headline["en"]


def test_sequences_of_another_length():
    found = d.describe([torch.ones(2)] * 3, [torch.ones(2)] * 4, WHAT, inputs=[])
    assert found.key == "length" and "3 entries, expected 4" in found.details[0]["en"]


# --- numbers -------------------------------------------------------------------------------------

def test_numbers_off_by_one_and_a_named_ratio():
    assert d.describe_number(4, 5, WHAT, inputs=[]).key == "off_by_one_less"
    assert d.describe_number(6, 5, WHAT, inputs=[]).key == "off_by_one_more"
    x = randn(16, 2)
    assert "the batch size" in d.describe_number(32.0, 2.0, WHAT, inputs=[Input(x, "f", "1")]).headline["en"]
    assert d.describe_number(3, 3, WHAT, inputs=[]) is None


# --- no pattern where there is none ----------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_unrelated_values_get_no_pattern(seed):
    e, a = randn(4, 6, seed=seed), randn(4, 6, seed=seed + 100)
    x = randn(4, 6, seed=seed + 200)
    assert describe(a, e, [Input(x, "f", "1"), Input(0.5, "f", "2"), Input(3, "f", "3")]) is None


def test_a_result_off_in_one_element_gets_no_global_pattern():
    e = randn(5, 4)
    a = e.clone()
    a[2, 3] += 0.5
    assert key(a, e) is None


# --- through the spec helpers ----------------------------------------------------------------------

class _Sequence:
    def __init__(self, *calls):
        self.calls = list(calls)


def test_expect_close_relates_a_result_to_the_current_tests_inputs_and_keeps_values_out_of_the_headline():
    x = randn(16, 3).float()
    d.follow(_Sequence(Call.make("mean_loss", (x,), {})))
    try:
        with pytest.raises(SpecFailure) as caught:
            expect_close(x.sum(dim=0), x.mean(dim=0), what={"en": "the loss", "ko": "손실"})
    finally:
        d.follow()
    failure = caught.value
    hidden = failure.render("en", with_details=False)
    assert hidden == "the loss: off by a constant factor (result = expected × the batch size)"
    assert "16" not in hidden and "\n" not in hidden
    assert "손실이 기댓값과 일정한 비율로 다릅니다 (결과 = 기댓값 × 배치 크기)" == failure.render("ko", False)
    public = failure.render("en")
    assert "the batch size = 16" in public and "largest error" in public and "first difference" in public


def test_expect_close_without_a_pattern_keeps_the_plain_message():
    e = randn(4).float()
    with pytest.raises(SpecFailure) as caught:
        expect_close(e + torch.tensor([0.1, -0.3, 0.0, 0.2]), e)
    assert caught.value.render("en", False) == "the values of your result are wrong"


def test_expect_close_names_patterns_of_shape_and_says_when_only_the_dtype_differs():
    x = randn(8, 5).float()
    with pytest.raises(SpecFailure) as caught:
        expect_close(x.mean(1, keepdim=True), x.mean(1))
    assert "extra dimension of size 1" in caught.value.render("en", False)
    with pytest.raises(SpecFailure) as caught:
        expect_close(x.double(), x)
    assert caught.value.render("en", False) == "the dtype of your result is wrong"
    assert "the values are right: only the dtype differs" in caught.value.render("en")


def test_expect_close_on_lists_reports_the_sequence_pattern_with_the_entry():
    steps = [torch.tensor([1.0, 2.0]), torch.tensor([0.9, 1.7]), torch.tensor([0.7, 1.3])]
    with pytest.raises(SpecFailure) as caught:
        expect_close([steps[0]] * 3, steps, what="w")
    lines = caught.value.render("en").splitlines()
    assert lines[0] == "w: never moves from its starting value (every step equals the first)"
    assert "the values of w, entry 1 are wrong" in lines
    expect_close(list(steps), steps)            # equal lists pass
    with pytest.raises(SpecFailure, match="wrong number of entries"):
        expect_close(steps[:2], steps)


def test_expect_equal_describes_numbers_and_keeps_working_for_plain_values():
    with pytest.raises(SpecFailure) as caught:
        expect_equal(4, 5, what="len(dataset)")
    assert caught.value.render("en", False) == "len(dataset): one less than expected"
    assert "got 4, expected 5" in caught.value.render("en")
    expect_equal([1, 2], [1, 2])
    expect_equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
    with pytest.raises(SpecFailure, match="another order"):
        expect_equal(torch.tensor([2, 1, 3]), torch.tensor([1, 2, 3]))
    with pytest.raises(SpecFailure, match="expected a different value for"):
        expect_equal("a", "b")


def test_expect_unchanged_says_the_input_was_changed_in_place_and_how():
    x = randn(3, 4).float()
    expect_unchanged(x.clone(), x)
    nan = torch.tensor([float("nan"), 1.0])
    expect_unchanged(nan.clone(), nan)                  # NaN where NaN was is unchanged
    with pytest.raises(SpecFailure) as caught:
        expect_unchanged(x.clamp(min=0), x, what="x after relu(x)")
    assert caught.value.render("en", False) == "x after relu(x): changed in place by the call; it must stay as it was"
    assert "제자리에서(in-place)" in caught.value.render("ko", False)
    with pytest.raises(SpecFailure) as caught:
        expect_unchanged(x * 2, x)
    assert "constant factor" in caught.value.render("en")


def test_a_factor_near_a_quantity_or_as_small_as_two_is_not_named_after_it():
    x = randn(3, 2)                                   # the batch size is 3, dim 1 has size 2
    e = randn(5, seed=1)
    assert "a constant" in describe(e * 2, e, [Input(x, "f", "1")]).headline["en"]
    assert "the batch size" in describe(e * 3, e, [Input(x, "f", "1")]).headline["en"]
    assert "a constant" in describe(e * 3 * (1 + 1e-4), e, [Input(x, "f", "1")]).headline["en"]


def test_a_changed_value_that_is_no_step_from_the_input_is_not_described_as_one():
    x = randn(6, 3)
    standardised = (x - x.mean(0)) / x.std(0)
    found = describe((x + x.mean(0)) / x.std(0), standardised, [Input(x, "standardize", "1")])
    assert found is None or not found.key.startswith("step")


def test_identical_values_take_the_shortcut_only_where_every_check_would_pass():
    from torchkata.numerics import values_match
    x = torch.tensor([1.0, float("nan"), float("inf")])
    assert values_match(x, x.clone())                       # NaN matches NaN (the full comparison's answer)
    assert not values_match(x, x.double())                  # identical values, another dtype
    expect_close(x[::2].clone(), x[::2])                     # identical: passes
    with pytest.raises(SpecFailure):
        expect_close(x.clone(), x)                           # NaN where NaN is expected still needs equal_nan
    expect_close(x.clone(), x, equal_nan=True)
    with pytest.raises(SpecFailure):
        expect_close(x[::2].float(), x[::2].double(), dtype=torch.float64)   # the wanted dtype still decides
    grad = torch.ones(3, requires_grad=True)
    expect_close(torch.ones(3), grad)                        # requires_grad is checked only when asked
    with pytest.raises(SpecFailure):
        expect_close(torch.ones(3), grad, check_requires_grad=True)
