"""Known-wrong: the row means subtracted in place, so the caller's gradebook is changed too."""
import torch


def apply_feature_weights(batch, weights):
    return batch * weights


def standardize_features(data):
    return (data - data.mean(dim=0)) / data.std(dim=0)


def center_each_student(scores):
    scores -= scores.mean(dim=1, keepdim=True)
    return scores


def mse_loss(pred, target):
    return ((pred.squeeze(1) - target) ** 2).mean()


def score_gaps(totals):
    return totals[:, None] - totals[None, :]
