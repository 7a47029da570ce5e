"""Reference solution for the indexing-masks kata."""
import torch


def pick(scores: torch.Tensor, i: int, j: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(row i, column j, the element at (i, j)) of a 2-D tensor."""
    return scores[i], scores[:, j], scores[i, j]


def sub_block(scores: torch.Tensor, row_start: int, row_stop: int, col_start: int, col_stop: int) -> torch.Tensor:
    """Rows row_start..row_stop-1 and columns col_start..col_stop-1, as a 2-D block."""
    return scores[row_start:row_stop, col_start:col_stop]


def passing_scores(scores: torch.Tensor, pass_mark: float) -> torch.Tensor:
    """Every score >= pass_mark, as a 1-D tensor in row-major order."""
    return scores[scores >= pass_mark]


def fill_missing(scores: torch.Tensor, value: float) -> torch.Tensor:
    """A copy of scores with every NaN (work not handed in) replaced by value."""
    filled = scores.clone()
    filled[torch.isnan(filled)] = value
    return filled


def replace_above(x: torch.Tensor, threshold, value) -> torch.Tensor:
    """A new tensor: value where x > threshold, x elsewhere."""
    return torch.where(x > threshold, value, x)
