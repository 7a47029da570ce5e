"""Known-wrong: both_products converts its inputs to float32 first, so int64 and float64 matrices give float32 products."""
import torch


def both_products(a, b):
    return a.float() * b.float(), a.float() @ b.float()


def weighted_totals(scores, weights):
    return scores @ weights


def linear_forward(X, W, b):
    return X @ W + b


def linear_nn_layout(X, weight, bias):
    return X @ weight.T + bias


def batched_products(A, B):
    return A @ B
