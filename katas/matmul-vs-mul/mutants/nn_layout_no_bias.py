"""Known-wrong: linear_nn_layout leaves the bias out, X @ weight.T."""
import torch


def both_products(a, b):
    return a * b, a @ b


def weighted_totals(scores, weights):
    return scores @ weights


def linear_forward(X, W, b):
    return X @ W + b


def linear_nn_layout(X, weight, bias):
    return X @ weight.T


def batched_products(A, B):
    return A @ B
