"""Known-wrong: the padding positions zeroed by multiplying with a 0/1 mask (0 * inf is NaN)."""
import torch


def embedding(ids: torch.Tensor, weight: torch.Tensor, padding_idx: int | None = None) -> torch.Tensor:
    """Look up the row of `weight` for every id: (*ids.shape) -> (*ids.shape, dim).

    Positions whose id is `padding_idx` get a vector of zeros (and so send no gradient to that row).
    """
    vectors = weight[ids]
    if padding_idx is not None:
        vectors = vectors * (ids != padding_idx).unsqueeze(-1).to(weight.dtype)
    return vectors
