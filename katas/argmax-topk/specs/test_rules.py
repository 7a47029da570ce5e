"""Rules: measured properties the prompt states (shown with the kata's rules; public)."""
import pytest
import torch
from torchkata.spec import expect_vectorised


def _batch(n):
    gen = torch.Generator().manual_seed(n)
    return torch.randn(n, 6, generator=gen), torch.randint(0, 6, (n,), generator=gen)


@pytest.mark.rule(points=3)
def test_no_python_loop_over_the_rows(sub):
    expect_vectorised(sub.predicted_class, lambda n: (_batch(n)[0],))
    expect_vectorised(sub.harness.top_k, lambda n: (_batch(n)[0], 3, 1),
                      what={"en": "top_k()", "ko": "top_k()"})
    expect_vectorised(sub.accuracy, _batch)
