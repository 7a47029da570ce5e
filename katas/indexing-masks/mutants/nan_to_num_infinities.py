"""Known-wrong: torch.nan_to_num with nan= only: inf and -inf become the largest finite numbers."""
import torch


def pick(scores, i, j):
    return scores[i], scores[:, j], scores[i, j]


def sub_block(scores, row_start, row_stop, col_start, col_stop):
    return scores[row_start:row_stop, col_start:col_stop]


def passing_scores(scores, pass_mark):
    return scores[scores >= pass_mark]


def fill_missing(scores, value):
    return torch.nan_to_num(scores, nan=value)


def replace_above(x, threshold, value):
    return torch.where(x > threshold, value, x)
