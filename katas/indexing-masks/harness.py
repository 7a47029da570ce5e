"""Runs in the confined worker: calls a function on a copy of its input and returns the input too,
so the specs can check that it was not modified in place (a modification in the worker is
invisible to the grader otherwise)."""


def fill_missing(module, scores, value):
    """(module.fill_missing(copy, value), the copy afterwards)."""
    copy = scores.clone()
    return module.fill_missing(copy, value), copy


def replace_above(module, x, threshold, value):
    """(module.replace_above(copy, threshold, value), the copy afterwards)."""
    copy = x.clone()
    return module.replace_above(copy, threshold, value), copy
