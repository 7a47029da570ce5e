"""Rules: measured properties the prompt states (shown with the kata's rules; public)."""
import pytest
import torch
from torchkata.spec import expect_vectorised


def _distinct_scores(students, assignments, seed):
    """No ties within a row, so the index of the maximum is unambiguous."""
    gen = torch.Generator().manual_seed(seed)
    return (torch.randperm(students * assignments, generator=gen).reshape(students, assignments) * 0.5).float()


@pytest.mark.rule(points=2)
def test_no_python_loop_over_rows(sub):
    def scores(n):
        return (_distinct_scores(n, 3, seed=n),)

    def masked(n):
        gen = torch.Generator().manual_seed(n)
        return torch.rand(n, 3, generator=gen) * 100, torch.rand(n, 3, generator=gen) < 0.5, 1

    def features(n):    # standardising each of n rows
        gen = torch.Generator().manual_seed(n)
        return torch.randn(n, 4, generator=gen), 1

    checks = (("per_student_totals", scores), ("per_assignment_means", scores), ("masked_mean", masked),
              ("normalize_features", features))
    for name, make_args in checks:
        # "구현" takes the particle 이 that the rule's Korean message puts after the name.
        expect_vectorised(getattr(sub, name), make_args, what={"en": f"{name}()", "ko": f"{name}() 구현"})
    expect_vectorised(sub.harness.best_assignment, scores,
                      what={"en": "best_assignment()", "ko": "best_assignment() 구현"})
