"""Rules: measured properties the prompt states (shown with the kata's rules; public)."""
import pytest
import torch
from torchkata.spec import expect_vectorised


NAN = float("nan")


def _scores(rows, cols, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 101, (rows, cols), generator=gen).to(dtype)


@pytest.mark.rule(points=2)
def test_no_python_loop_over_the_rows(sub):
    def with_gaps(n):
        scores = _scores(n, 4, seed=n)
        scores[::3, 1] = NAN
        return scores, 0.0

    expect_vectorised(sub.passing_scores, lambda n: (_scores(n, 4, seed=n), 50.0))
    expect_vectorised(sub.fill_missing, with_gaps)
    expect_vectorised(sub.replace_above, lambda n: (_scores(n, 4, seed=n), 50.0, 100.0))
