"""Known-wrong: the std of the whole tensor instead of one per feature."""
import torch


def apply_feature_weights(batch, weights):
    return batch * weights


def standardize_features(data):
    return (data - data.mean(dim=0)) / data.std()


def center_each_student(scores):
    return scores - scores.mean(dim=1, keepdim=True)


def mse_loss(pred, target):
    return ((pred.squeeze(1) - target) ** 2).mean()


def score_gaps(totals):
    return totals[:, None] - totals[None, :]
