"""Known-wrong: soft_cross_entropy turns each target distribution into its most likely class."""
import torch


def log_softmax_rows(logits: torch.Tensor) -> torch.Tensor:
    """log softmax of each row, by the log-sum-exp trick: z - logsumexp(z), with logsumexp(z) = m + log(sum(exp(z - m)))."""
    m = logits.amax(dim=1, keepdim=True)
    logsumexp = m + torch.log(torch.exp(logits - m).sum(dim=1, keepdim=True))
    return logits - logsumexp


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of -log softmax(logits_i)[targets_i]: logits (N, C), targets (N,) int64 -> 0-dim."""
    log_probs = log_softmax_rows(logits)
    picked = log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)
    return -picked.mean()


def soft_cross_entropy(logits: torch.Tensor, target_probs: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of -sum_c p_ic * log softmax(logits_i)_c: logits and target_probs (N, C) -> 0-dim."""
    return cross_entropy(logits, target_probs.argmax(dim=1))
