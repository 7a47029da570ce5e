"""Shared checks for the dataset-dataloader specs: each failure says what the dataset or the loader got wrong.

The learner's Dataset and DataLoader are built and iterated in the worker (harness.py); items and
batches come back as tuples of tensors and are compared with the reference's, built from the same
inputs and seed. Padding and indexing copy values, so lengths and labels must match exactly.
"""
import types

import pytest
import torch

from torchkata.spec import SpecFailure, expect_close, fail

EXAMPLE = [torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0]), torch.tensor([6.0]),
           torch.tensor([7.0, 8.0, 9.0, 10.0]), torch.tensor([11.0, 12.0])]
EXAMPLE_LABELS = torch.tensor([0, 1, 0, 1, 1])


def make_sequences(lengths, seed, features=None, dtype=torch.float32, classes=3):
    """Random sequences of the given lengths ((T,) or (T, features)) and random integer labels; an integer dtype
    gives token ids from 1 to 99 (0 is the padding)."""
    gen = torch.Generator().manual_seed(seed)
    shape = (lambda t: (t,)) if features is None else (lambda t: (t, features))
    if dtype.is_floating_point:
        sequences = [torch.randn(*shape(t), generator=gen, dtype=dtype) for t in lengths]
    else:
        sequences = [torch.randint(1, 100, shape(t), generator=gen, dtype=dtype) for t in lengths]
    labels = torch.randint(0, classes, (len(lengths),), generator=gen)
    return sequences, labels


def _raised(what, message):
    fail(f"{what} raised an exception", f"{what}에서 예외가 발생했습니다",
         [{"en": f"your code raised {message}", "ko": f"코드에서 예외가 발생했습니다: {message}"}])


def check_items(got, expected, n):
    """dataset_items: len, every (features, label), and a transform that runs in __getitem__ only."""
    if got["error"]:
        _raised("SequenceDataset", got["error"])
    if not got["is_dataset"]:
        fail("SequenceDataset must subclass torch.utils.data.Dataset: class SequenceDataset(Dataset)",
             "SequenceDataset은 torch.utils.data.Dataset을 상속해야 합니다: class SequenceDataset(Dataset)")
    if got["len"] != n:
        fail("len(dataset) is not the number of sequences: __len__ must return the number of samples, "
             "len(self.sequences)",
             "len(dataset)이 시퀀스 수와 다릅니다. __len__은 샘플 수, 즉 len(self.sequences)를 돌려줘야 합니다",
             [{"en": f"len(dataset) is {got['len']} for {n} sequences",
               "ko": f"시퀀스 {n}개에 len(dataset)은 {got['len']}"}])
    for items, want_items, when in ((got["items"], expected["items"], ("", "")),
                                    (got["items_again"], expected["items_again"], (", read again", ", 두 번째로 읽었을 때"))):
        if len(items) != len(want_items):
            fail("the dataset gave the wrong number of items", "데이터셋이 내놓은 샘플 수가 틀렸습니다")
        for i, ((features, label), (want_features, want_label)) in enumerate(zip(items, want_items)):
            try:
                expect_close(features, want_features, what={"en": f"the features of dataset[{i}]{when[0]}",
                                                            "ko": f"dataset[{i}]의 특징{when[1]}"})
            except SpecFailure:
                if items is got["items_again"] and _same(got["items_again"], got["items"]) \
                        and not _same(expected["items_again"], expected["items"]):
                    _transform_ran_once()
                raise
            expect_close(label, want_label, check_dtype=False, what={"en": f"the label of dataset[{i}]",
                                                                       "ko": f"dataset[{i}]의 레이블"})


def _transform_ran_once():
    fail("reading a sample again gave the same numbers, though the transform draws fresh ones each time it runs: "
         "the transform ran while the dataset was being built. Apply it in __getitem__, to the one sample being "
         "read. Transforms often draw random numbers (augmentation), and every epoch must get fresh ones",
         "샘플을 다시 읽었더니 같은 값이 나왔습니다. 이 transform은 실행될 때마다 새 난수를 뽑으니, 데이터셋을 "
         "만드는 동안 transform이 실행된 것입니다. transform은 __getitem__에서, 읽는 샘플 하나에 적용하세요. "
         "transform은 흔히 난수를 쓰기 때문에(데이터 증강) 에포크마다 새로 적용되어야 합니다")


def _check_loader_facts(got):
    if got["error"]:
        if got.get("collate") == "default" and "stack expects each tensor to be equal size" in got["error"]:
            fail("the DataLoader used its default collate_fn, which stacks the sequences and fails when their "
                 "lengths differ: pass collate_fn=pad_collate to the DataLoader",
                 "DataLoader가 기본 collate_fn을 썼습니다. 기본 collate_fn은 시퀀스들을 그대로 쌓기(stack) 때문에 길이가 "
                 "다르면 실패합니다. DataLoader에 collate_fn=pad_collate를 넘기세요",
                 [{"en": f"your code raised {got['error']}", "ko": f"코드에서 예외가 발생했습니다: {got['error']}"}])
        _raised("SequenceDataset or make_loader", got["error"])
    if not got["is_loader"]:
        fail("make_loader must return a torch.utils.data.DataLoader",
             "make_loader는 torch.utils.data.DataLoader를 돌려줘야 합니다")
    if got["num_workers"] != 0:
        fail(f"the loader has num_workers={got['num_workers']}: keep num_workers=0 here. Worker processes speed up "
             "loading on a real machine, but the grader's sandbox cannot start processes",
             f"로더의 num_workers가 {got['num_workers']}입니다. 여기서는 num_workers=0으로 두세요. 워커 프로세스는 "
             "실제 환경에서 데이터 로딩을 빠르게 해 주지만, 채점기의 샌드박스에서는 프로세스를 만들 수 없습니다")


def check_batch(got, expected, where):
    """One batch: (padded, lengths, labels), compared with the reference's."""
    en, ko = where
    if not isinstance(got, tuple) or len(got) != 3:
        fail(f"{en}: each batch must be a tuple (padded, lengths, labels), as pad_collate returns it",
             f"{ko}: 배치는 pad_collate가 돌려주는 대로 (padded, lengths, labels) 튜플이어야 합니다")
    padded, lengths, labels = got
    want_padded, want_lengths, want_labels = expected
    if isinstance(lengths, torch.Tensor) and isinstance(padded, torch.Tensor) and padded.dim() >= 2 \
            and lengths.shape == want_lengths.shape and bool((lengths == padded.shape[1]).all()) \
            and not torch.equal(lengths.cpu(), want_lengths):
        fail(f"{en}: every length equals the padded length: lengths must hold each sequence's own length before "
             "padding (f.shape[0] for each features tensor f)",
             f"{ko}: 모든 길이가 패딩된 길이와 같습니다. lengths에는 패딩하기 전 각 시퀀스의 원래 길이(각 "
             "features 텐서 f의 f.shape[0])가 들어가야 합니다",
             [{"en": f"lengths {lengths.tolist()}, expected {want_lengths.tolist()}",
               "ko": f"lengths: {lengths.tolist()}, 기댓값: {want_lengths.tolist()}"}])
    expect_close(lengths, want_lengths, what={"en": f"{en}: lengths", "ko": f"{ko}: lengths"})
    expect_close(labels, want_labels, what={"en": f"{en}: labels", "ko": f"{ko}: labels"})
    if isinstance(padded, torch.Tensor) and padded.dim() >= 2 and padded.shape[0] == want_padded.shape[0] \
            and padded.shape[1] > want_padded.shape[1]:
        fail(f"{en}: the batch is padded beyond its longest sequence: pad each batch to its own longest sequence, "
             "max(lengths), not to the longest of the whole dataset",
             f"{ko}: 배치를 그 배치의 가장 긴 시퀀스보다 길게 패딩했습니다. 데이터셋 전체가 아니라 배치마다 그 배치의 "
             "가장 긴 시퀀스(max(lengths))에 맞춰 패딩하세요",
             [{"en": f"padded to length {padded.shape[1]}; the longest sequence of the batch has "
                     f"{want_padded.shape[1]} steps",
               "ko": f"패딩한 길이 {padded.shape[1]}, 이 배치에서 가장 긴 시퀀스의 길이 {want_padded.shape[1]}"}])
    if isinstance(padded, torch.Tensor) and padded.dtype != want_padded.dtype and padded.shape == want_padded.shape:
        fail(f"{en}: padded does not have the dtype of the sequences: pad in their dtype (pad_sequence keeps it; "
             "when you pad by hand, torch.zeros(..., dtype=features[0].dtype))",
             f"{ko}: padded의 dtype이 시퀀스의 dtype과 다릅니다. 시퀀스와 같은 dtype으로 패딩하세요 (pad_sequence는 "
             "dtype을 그대로 둡니다. 직접 패딩한다면 torch.zeros(..., dtype=features[0].dtype))",
             [{"en": f"padded is {padded.dtype}, the sequences are {want_padded.dtype}",
               "ko": f"padded의 dtype은 {padded.dtype}, 시퀀스의 dtype은 {want_padded.dtype}입니다"}])
    expect_close(padded, want_padded, what={"en": f"{en}: padded", "ko": f"{ko}: padded"})


def check_epochs(got, expected, *, drop_last, shuffle):
    """loader_epochs: the loader's facts, then every batch of every epoch."""
    _check_loader_facts(got)
    for number, (epoch, want) in enumerate(zip(got["epochs"], expected["epochs"])):
        if len(epoch) != len(want):
            count = [{"en": f"{len(epoch)} batches, expected {len(want)}",
                      "ko": f"배치 {len(epoch)}개, 기댓값 {len(want)}개"}]
            if drop_last and len(epoch) == len(want) + 1:
                fail("the loader kept the last, incomplete batch: with drop_last=True it is dropped. Pass "
                     "drop_last=drop_last to the DataLoader",
                     "로더가 크기가 모자란 마지막 배치를 남겼습니다. drop_last=True이면 그 배치는 버려집니다. "
                     "DataLoader에 drop_last=drop_last를 넘기세요",
                     count)
            fail("the loader gave the wrong number of batches: pass batch_size and drop_last to the DataLoader, and "
                 "make len(dataset) the number of samples",
                 "로더가 내놓은 배치 수가 틀렸습니다. DataLoader에 batch_size와 drop_last를 넘기고, len(dataset)이 "
                 "샘플 수가 되게 하세요",
                 count)
        for index, (batch, want_batch) in enumerate(zip(epoch, want)):
            where = (f"epoch {number + 1}, batch {index + 1}", f"에포크 {number + 1}, 배치 {index + 1}")
            try:
                check_batch(batch, want_batch, where)
            except SpecFailure as exc:
                _explain_order(epoch, want, exc, shuffle)
                raise


def _samples(epoch):
    """The samples of each batch of an epoch, in order, as (length, label, values): None when a batch is
    malformed."""
    batches = []
    for batch in epoch:
        if not (isinstance(batch, tuple) and len(batch) == 3 and all(isinstance(t, torch.Tensor) for t in batch)):
            return None
        padded, lengths, labels = batch
        if lengths.dim() != 1 or labels.shape != lengths.shape or padded.dim() < 2 or padded.shape[0] != len(lengths):
            return None
        batches.append([(length, label, tuple(row[:length].reshape(-1).tolist()))
                        for row, length, label in zip(padded, lengths.tolist(), labels.tolist())])
    return batches


def _explain_order(epoch, want, exc, shuffle):
    """A batch differs: when only the order of the samples differs, say where (within the batches, or across)."""
    got_batches, want_batches = _samples(epoch), _samples(want)
    if got_batches is None or want_batches is None or got_batches == want_batches:
        return
    got_samples, want_samples = sum(got_batches, []), sum(want_batches, [])
    if sorted(got_samples) != sorted(want_samples):
        return
    if len(got_batches) == len(want_batches) and all(sorted(g) == sorted(w) for g, w in zip(got_batches, want_batches)):
        fail("each batch holds the right samples, but pad_collate put them in another order: keep the samples in the "
             "order the loader hands them over (padded row i, lengths[i] and labels[i] are batch[i]), without "
             "sorting them",
             "각 배치에 들어 있는 샘플은 맞지만, pad_collate가 그 순서를 바꿨습니다. 로더가 넘겨준 순서를 그대로 "
             "지키세요 (padded의 i번째 행, lengths[i], labels[i]는 batch[i]에서 옵니다). 정렬하지 마세요",
             exc.details)
    if not shuffle:
        fail("the loader gave the right samples in another order, though shuffle=False: pass shuffle=shuffle to the "
             "DataLoader, and return sequences[idx] and labels[idx] from __getitem__",
             "shuffle=False인데 로더가 샘플을 다른 순서로 내놓았습니다. DataLoader에 shuffle=shuffle을 넘기고, "
             "__getitem__에서는 sequences[idx]와 labels[idx]를 돌려주세요",
             exc.details)
    fail("the batches hold the right samples in another order: pass shuffle=shuffle to the DataLoader, and "
         "shuffle with your own generator: g = torch.Generator(); g.manual_seed(seed); "
         "DataLoader(..., shuffle=shuffle, generator=g)",
         "배치에 들어 있는 샘플은 맞지만 순서가 다릅니다. DataLoader에 shuffle=shuffle을 넘기고, 직접 만든 "
         "생성기로 섞으세요: g = torch.Generator(); g.manual_seed(seed); "
         "DataLoader(..., shuffle=shuffle, generator=g)",
         exc.details)


def check_global_rng(got, expected):
    _check_loader_facts(got)
    if not _same(got["first"], got["second"]):
        fail("two loaders built with the same seed shuffled differently: the order follows the global torch RNG. "
             "Create g = torch.Generator(), call g.manual_seed(seed) and pass generator=g to the DataLoader",
             "같은 시드로 만든 두 로더가 서로 다르게 섞였습니다. 순서가 torch의 전역 난수 생성기를 따르고 있습니다. "
             "g = torch.Generator()를 만들어 g.manual_seed(seed)를 호출하고 DataLoader에 generator=g로 넘기세요")
    if not _same(got["global_draws"], expected["global_draws"]):
        fail("building or iterating the loader changed the global torch RNG: shuffle with your own seeded "
             "torch.Generator only, so loading data leaves the rest of the run alone",
             "로더를 만들거나 돌리는 동안 torch의 전역 난수 생성기 상태가 바뀌었습니다. 시드를 설정한 torch.Generator만으로 "
             "섞으세요. 그래야 데이터 로딩이 나머지 학습 과정에 영향을 주지 않습니다")
    for index, (batch, want_batch) in enumerate(zip(got["first"], expected["first"])):
        check_batch(batch, want_batch, (f"batch {index + 1}", f"배치 {index + 1}"))


def _same(a, b):
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b))
    return a == b


@pytest.fixture
def checks():
    return types.SimpleNamespace(items=check_items, epochs=check_epochs, batch=check_batch,
                                 global_rng=check_global_rng, raised=_raised)


@pytest.fixture
def example():
    return [s.clone() for s in EXAMPLE], EXAMPLE_LABELS.clone()


@pytest.fixture
def sequences():
    """sequences(lengths, seed, features=None, dtype=torch.float32) -> (list of tensors, labels)."""
    return make_sequences
