"""Known-wrong: the weighted scores averaged over the assignments instead of summed."""
import torch


def both_products(a, b):
    return a * b, a @ b


def weighted_totals(scores, weights):
    return (scores * weights).mean(dim=1)


def linear_forward(X, W, b):
    return X @ W + b


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
