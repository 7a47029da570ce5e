"""Known-wrong: zeroes the padding row of the given table in place, as nn.Embedding does at init."""
import torch


def embedding(ids, weight, padding_idx=None):
    if padding_idx is not None:
        with torch.no_grad():
            weight[padding_idx] = 0
    return weight[ids]
