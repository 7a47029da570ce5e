"""Known-wrong: the row means without keepdim: (S,) lines up with the columns, not the rows."""
import torch


def apply_feature_weights(batch, weights):
    return batch * weights


def standardize_features(data):
    return (data - data.mean(dim=0)) / data.std(dim=0)


def center_each_student(scores):
    return scores - scores.mean(dim=1)


def mse_loss(pred, target):
    return ((pred.squeeze(1) - target) ** 2).mean()


def score_gaps(totals):
    return totals[:, None] - totals[None, :]
