"""Kata: an embedding lookup by hand.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def embedding(ids: torch.Tensor, weight: torch.Tensor, padding_idx: int | None = None) -> torch.Tensor:
    """Look up the row of `weight` for every id: (*ids.shape) -> (*ids.shape, dim).

    Positions whose id is `padding_idx` get a vector of zeros (and so send no gradient to that row).
    """
    # TODO 1: pick the row of the table for every id at once, by indexing the table with the id tensor
    #         (no Python loop over the tokens)
    # TODO 2: if padding_idx is given, make the vectors at the positions where ids == padding_idx zero,
    #         without changing the table itself
    raise NotImplementedError("embedding is not written yet")
