"""Known-wrong: the stops treated as included: one row and one column too many."""
import torch


def pick(scores, i, j):
    return scores[i], scores[:, j], scores[i, j]


def sub_block(scores, row_start, row_stop, col_start, col_stop):
    return scores[row_start:row_stop + 1, col_start:col_stop + 1]


def passing_scores(scores, pass_mark):
    return scores[scores >= pass_mark]


def fill_missing(scores, value):
    filled = scores.clone()
    filled[torch.isnan(filled)] = value
    return filled


def replace_above(x, threshold, value):
    return torch.where(x > threshold, value, x)
