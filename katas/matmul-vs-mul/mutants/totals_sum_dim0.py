"""Known-wrong: the weighted scores summed along dim 0, over the students."""
import torch


def both_products(a, b):
    return a * b, a @ b


def weighted_totals(scores, weights):
    return (scores * weights).sum(dim=0)


def linear_forward(X, W, b):
    return X @ W + b


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
