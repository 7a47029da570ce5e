"""Known-wrong: collate_fn=pad_collate is not passed, so the default collate tries to stack sequences of different lengths."""
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset


class SequenceDataset(Dataset):
    """Variable-length sequences and their labels; `transform`, if given, is applied to each sequence on access."""

    def __init__(self, sequences, labels, transform=None):
        self.sequences = sequences
        self.labels = labels
        self.transform = transform

    def __len__(self):
        return len(self.sequences)

    def __getitem__(self, idx):
        features = self.sequences[idx]
        if self.transform is not None:
            features = self.transform(features)
        return features, self.labels[idx]


def pad_collate(batch):
    """[(features, label), ...] -> (padded, lengths, labels), padded with zeros to the longest sequence of the batch."""
    features, labels = zip(*batch)
    lengths = torch.tensor([f.shape[0] for f in features], dtype=torch.long)
    padded = pad_sequence(features, batch_first=True, padding_value=0.0)
    return padded, lengths, torch.stack(labels)


def make_loader(dataset, batch_size, shuffle, drop_last, seed):
    """A DataLoader over `dataset` that pads each batch with pad_collate; its shuffle order depends on `seed` only."""
    generator = torch.Generator()
    generator.manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                      generator=generator, num_workers=0)
