"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


@pytest.mark.hidden(points=2)
def test_drop_last_drops_the_incomplete_batch(sub, ref, checks, sequences):
    seqs, labels = sequences([4, 2, 6, 1, 3, 5, 2], seed=1)
    args = (seqs, labels, 3, True, True, 5)
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=True, shuffle=True)


@pytest.mark.hidden(points=2)
def test_shuffle_ignores_the_global_rng(sub, ref, checks, sequences):
    seqs, labels = sequences([3, 1, 4, 1, 5, 2, 6, 5, 3], seed=2)
    checks.global_rng(sub.harness.loaders_around_global_draws(seqs, labels, 4, 17),
                      ref.harness.loaders_around_global_draws(seqs, labels, 4, 17))


@pytest.mark.hidden(points=1)
def test_two_epochs_of_one_loader(sub, ref, checks, sequences):
    seqs, labels = sequences([2, 5, 3, 3, 1, 4], seed=3)
    args = (seqs, labels, 4, True, False, 8, 2)
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=False, shuffle=True)


@pytest.mark.hidden(points=1)
def test_sequences_with_a_feature_dimension(sub, ref, checks, sequences):
    seqs, labels = sequences([3, 5, 2, 4, 1], seed=4, features=2)
    args = (seqs, labels, 2, False, False, 0)
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=False, shuffle=False)


@pytest.mark.hidden(points=1)
def test_float64_with_a_transform_that_shortens(sub, ref, checks, sequences):
    seqs, labels = sequences([5, 2, 4, 6], seed=5, dtype=torch.float64)
    args = (seqs, labels, 4, False, False, 0, 1, "first3")
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=False, shuffle=False)


@pytest.mark.hidden(points=1)
def test_length_of_a_larger_dataset(sub, ref, checks, sequences):
    seqs, labels = sequences([1, 2, 3, 4, 5, 6, 7, 8, 9], seed=6)
    checks.items(sub.harness.dataset_items(seqs, labels, "first3"),
                 ref.harness.dataset_items(seqs, labels, "first3"), 9)
    args = (seqs, labels, 4, False, False, 0)
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=False, shuffle=False)


@pytest.mark.hidden(points=1)
def test_token_ids_keep_their_integer_dtype(sub, ref, checks, sequences):
    seqs, labels = sequences([3, 6, 2, 5, 4], seed=7, dtype=torch.long)
    args = (seqs, labels, 3, False, False, 0)
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=False, shuffle=False)
