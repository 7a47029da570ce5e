"""Known-wrong: W @ X + b: the textbook Wx + b, with the operands in the wrong order for a batch in rows."""
import torch


def both_products(a, b):
    return a * b, a @ b


def weighted_totals(scores, weights):
    return scores @ weights


def linear_forward(X, W, b):
    return W @ X + b


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
