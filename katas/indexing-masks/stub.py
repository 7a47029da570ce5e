"""Kata: indexing, slicing, boolean masks and torch.where.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def pick(scores: torch.Tensor, i: int, j: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(row i, column j, the element at (i, j)) of a 2-D tensor.

    The element is a 0-dim tensor (do not call .item()).
    """
    # TODO 1: a row, a column (":" keeps every row), and one element, each with one indexing expression
    raise NotImplementedError("pick is not written yet")


def sub_block(scores: torch.Tensor, row_start: int, row_stop: int, col_start: int, col_stop: int) -> torch.Tensor:
    """Rows row_start..row_stop-1 and columns col_start..col_stop-1, as a 2-D block."""
    # TODO 2: slice both dimensions inside one pair of brackets
    raise NotImplementedError("sub_block is not written yet")


def passing_scores(scores: torch.Tensor, pass_mark: float) -> torch.Tensor:
    """Every score >= pass_mark, as a 1-D tensor in row-major order."""
    # TODO 3: build a boolean mask with a comparison, then index with it
    raise NotImplementedError("passing_scores is not written yet")


def fill_missing(scores: torch.Tensor, value: float) -> torch.Tensor:
    """A copy of scores with every NaN (work not handed in) replaced by value.

    Leave `scores` itself unchanged.
    """
    # TODO 4: a mask of the NaN entries (careful: NaN == NaN is False)
    # TODO 5: set those entries of a copy, not of the input
    raise NotImplementedError("fill_missing is not written yet")


def replace_above(x: torch.Tensor, threshold, value) -> torch.Tensor:
    """A new tensor: value where x > threshold, x elsewhere. Leave `x` unchanged."""
    # TODO 6: torch.where(condition, value_if_true, value_if_false)
    raise NotImplementedError("replace_above is not written yet")
