"""Known-wrong: the weights made a column, (F, 1), which lines up with the samples instead of the features."""
import torch


def apply_feature_weights(batch, weights):
    return batch * weights[:, None]


def standardize_features(data):
    return (data - data.mean(dim=0)) / data.std(dim=0)


def center_each_student(scores):
    return scores - scores.mean(dim=1, keepdim=True)


def mse_loss(pred, target):
    return ((pred.squeeze(1) - target) ** 2).mean()


def score_gaps(totals):
    return totals[:, None] - totals[None, :]
