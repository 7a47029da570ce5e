"""Runs in the confined worker: seeds torch's default generator before a random-tensor call,
so the reference and every mutant draw the same numbers and their results can be compared."""
import torch


def seeded_random_weights(module, seed, in_features, out_features):
    torch.manual_seed(seed)
    return module.random_weights(in_features, out_features)


def seeded_noise_like(module, seed, template):
    torch.manual_seed(seed)
    return module.noise_like(template)
