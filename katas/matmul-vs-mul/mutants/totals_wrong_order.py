"""Known-wrong: weights @ scores: the operands in the wrong order."""
import torch


def both_products(a, b):
    return a * b, a @ b


def weighted_totals(scores, weights):
    return weights @ scores


def linear_forward(X, W, b):
    return X @ W + b


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
