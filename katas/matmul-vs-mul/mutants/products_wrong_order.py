"""Known-wrong: the matrix product taken in the wrong order, b @ a."""
import torch


def both_products(a, b):
    return a * b, b @ a


def weighted_totals(scores, weights):
    return scores @ weights


def linear_forward(X, W, b):
    return X @ W + b


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
