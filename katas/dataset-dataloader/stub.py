"""Kata: a custom Dataset, a collate_fn that pads, and a DataLoader with the right parameters.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset


class SequenceDataset(Dataset):
    """Variable-length sequences and their labels; `transform`, if given, is applied to each sequence on access."""

    def __init__(self, sequences, labels, transform=None):
        # TODO: keep the sequences, the labels and the transform (do not transform anything here)
        raise NotImplementedError("SequenceDataset.__init__ is not written yet")

    def __len__(self):
        # TODO: the number of samples
        raise NotImplementedError("SequenceDataset.__len__ is not written yet")

    def __getitem__(self, idx):
        # TODO 1: the sequence at `idx`; apply the transform to it if there is one
        # TODO 2: return (features, label)
        raise NotImplementedError("SequenceDataset.__getitem__ is not written yet")


def pad_collate(batch):
    """[(features, label), ...] -> (padded, lengths, labels), padded with zeros to the longest sequence of the batch."""
    # TODO 1: split the batch into the feature tensors and the labels
    # TODO 2: lengths: a long tensor with the length (first dimension) of each feature tensor
    # TODO 3: padded: the feature tensors padded with 0 to the longest of this batch, batch dimension first
    # TODO 4: labels: one tensor of shape (B,)
    raise NotImplementedError("pad_collate is not written yet")


def make_loader(dataset, batch_size, shuffle, drop_last, seed):
    """A DataLoader over `dataset` that pads each batch with pad_collate; its shuffle order depends on `seed` only."""
    # TODO 1: a torch.Generator seeded with `seed`
    # TODO 2: a DataLoader with batch_size, shuffle, drop_last, collate_fn and generator (num_workers stays 0)
    raise NotImplementedError("make_loader is not written yet")
