"""Known-wrong: the element returned as a Python number with .item()."""
import torch


def pick(scores, i, j):
    return scores[i], scores[:, j], scores[i, j].item()


def sub_block(scores, row_start, row_stop, col_start, col_stop):
    return scores[row_start:row_stop, col_start:col_stop]


def passing_scores(scores, pass_mark):
    return scores[scores >= pass_mark]


def fill_missing(scores, value):
    filled = scores.clone()
    filled[torch.isnan(filled)] = value
    return filled


def replace_above(x, threshold, value):
    return torch.where(x > threshold, value, x)
