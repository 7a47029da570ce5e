"""Rules: measured properties the prompt states (shown with the kata's rules; public)."""
import pytest
import torch
from torchkata.spec import expect_vectorised


@pytest.mark.rule(points=2)
def test_no_python_loop_over_rows(sub):
    def rows(n):
        gen = torch.Generator().manual_seed(n)
        return torch.randn(n, 3, generator=gen), torch.randint(0, 3, (n,), generator=gen)

    def sequences(n):   # n sequences of n steps: a loop over either grows with n
        gen = torch.Generator().manual_seed(n)
        return torch.randn(n, n, n + 1, generator=gen), torch.randint(0, 3, (n, n), generator=gen)

    for name, make_args in (("target_scores", rows), ("sequence_target_scores", sequences), ("mean_nll", rows)):
        # "구현" takes the particle 이 that the rule's Korean message puts after the name.
        expect_vectorised(getattr(sub, name), make_args, what={"en": f"{name}()", "ko": f"{name}() 구현"})
