"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest


@pytest.mark.public(points=2)
def test_dataset_length_and_items(sub, ref, checks, example):
    seqs, labels = example
    checks.items(sub.harness.dataset_items(seqs, labels), ref.harness.dataset_items(seqs, labels), 5)


@pytest.mark.public(points=2)
def test_transform_runs_in_getitem(sub, ref, checks, example):
    seqs, labels = example
    # "augment" adds fresh random numbers each time it runs: a sample read twice comes back different
    checks.items(sub.harness.dataset_items(seqs, labels, "augment"),
                 ref.harness.dataset_items(seqs, labels, "augment"), 5)


@pytest.mark.public(points=3)
def test_pad_collate_pads_to_the_longest_of_the_batch(sub, ref, checks, example):
    seqs, labels = example
    batch = [(seqs[i], labels[i]) for i in (0, 2, 4)]     # lengths 3, 1, 2
    checks.batch(sub.pad_collate(batch), ref.pad_collate(batch), ("pad_collate(batch)", "pad_collate(batch)"))


@pytest.mark.public(points=3)
def test_loader_in_order(sub, ref, checks, example):
    seqs, labels = example
    args = (seqs, labels, 2, False, False, 0)     # batch_size=2, shuffle=False, drop_last=False, seed=0
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=False, shuffle=False)


@pytest.mark.public(points=2)
def test_shuffled_loader_follows_the_seed(sub, ref, checks, example):
    seqs, labels = example
    args = (seqs, labels, 2, True, False, 0)      # batch_size=2, shuffle=True, drop_last=False, seed=0
    checks.epochs(sub.harness.loader_epochs(*args), ref.harness.loader_epochs(*args), drop_last=False, shuffle=True)
