"""Known-wrong: linear_forward converts its inputs to float32 first, so a float64 batch gives a float32 result."""
import torch


def both_products(a, b):
    return a * b, a @ b


def weighted_totals(scores, weights):
    return scores @ weights


def linear_forward(X, W, b):
    return X.float() @ W.float() + b.float()


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
