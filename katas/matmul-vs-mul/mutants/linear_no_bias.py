"""Known-wrong: linear_forward leaves the bias out, X @ W."""
import torch


def both_products(a, b):
    return a * b, a @ b


def weighted_totals(scores, weights):
    return scores @ weights


def linear_forward(X, W, b):
    return X @ W


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
