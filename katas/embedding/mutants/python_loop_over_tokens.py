"""Known-wrong: right values, but a Python loop over the tokens."""
import torch


def embedding(ids, weight, padding_idx=None):
    rows = []
    for token in ids.reshape(-1).tolist():
        row = weight[token]
        if token == padding_idx:
            row = torch.zeros_like(row)
        rows.append(row)
    return torch.stack(rows).reshape(*ids.shape, weight.shape[1])
