"""Known-wrong: `if padding_idx:` is False for padding_idx = 0, so id 0 (the usual padding id) is not padded."""
import torch


def embedding(ids: torch.Tensor, weight: torch.Tensor, padding_idx: int | None = None) -> torch.Tensor:
    """Look up the row of `weight` for every id: (*ids.shape) -> (*ids.shape, dim).

    Positions whose id is `padding_idx` get a vector of zeros (and so send no gradient to that row).
    """
    vectors = weight[ids]
    if padding_idx:
        vectors = vectors.masked_fill((ids == padding_idx).unsqueeze(-1), 0.0)
    return vectors
