"""Shared checks for the tensor-basics specs."""
import pytest
import torch

from torchkata.spec import expect, expect_tensor, fail


def _check_standard_normal(got, expected, what):
    """Random values: the shape, dtype and device of the reference's, and standard normal statistics.

    The values themselves are not compared: any correct way of drawing them passes. The harness
    seeds the generator, so these statistics are the same on every run.
    """
    expect_tensor(got, what)
    if got.shape != expected.shape:
        fail(f"{what['en']} has shape {tuple(got.shape)}, expected {tuple(expected.shape)}",
             f"{what['ko']}의 shape이 {tuple(got.shape)}인데, 기대한 값은 {tuple(expected.shape)}입니다")
    if got.dtype != expected.dtype:
        fail(f"{what['en']} has dtype {got.dtype}, expected {expected.dtype}",
             f"{what['ko']}의 dtype이 {got.dtype}인데, 기대한 값은 {expected.dtype}입니다")
    if got.device.type != expected.device.type:
        fail(f"{what['en']} is on the device {got.device}, expected {expected.device}",
             f"{what['ko']}가 {got.device}에 있는데, {expected.device}에 있어야 합니다")
    if got.numel() >= 1000:
        values = got.detach().double().cpu()
        mean, std = float(values.mean()), float(values.std())
        if float(values.min()) >= 0 and float(values.max()) <= 1:
            fail(f"{what['en']}: every value lies between 0 and 1 (mean {mean:.3f}, std {std:.3f}); values from "
                 "the standard normal distribution have mean 0 and std 1, and about half of them are negative",
                 f"{what['ko']}: 모든 값이 0과 1 사이에 있습니다 (평균 {mean:.3f}, 표준편차 {std:.3f}). 표준 정규 "
                 "분포에서 뽑은 값은 평균이 0, 표준편차가 1이고, 절반쯤은 음수입니다")
        expect(abs(mean) < 0.1 and 0.9 < std < 1.1,
               en=f"{what['en']}: mean {mean:.3f} and std {std:.3f} over {got.numel()} values; values from the "
                  "standard normal distribution have mean 0 and std 1",
               ko=f"{what['ko']}: 값 {got.numel()}개의 평균이 {mean:.3f}, 표준편차가 {std:.3f}입니다. 표준 정규 "
                  "분포에서 뽑은 값은 평균이 0, 표준편차가 1입니다")


@pytest.fixture
def check_standard_normal():
    """check_standard_normal(got, expected, what): shape, dtype, device and statistics of random values."""
    return _check_standard_normal


def _check_description(got, expected):
    what = {"en": "the description", "ko": "설명 딕셔너리"}
    if not isinstance(got, dict):
        fail(f"describe must return a dict with the keys 'shape', 'dtype', 'device', 'numel', got {type(got).__name__}",
             f"describe는 'shape', 'dtype', 'device', 'numel' 키를 가진 딕셔너리를 돌려줘야 하는데, "
             f"{type(got).__name__} 값이 나왔습니다")
    if set(got) != set(expected):
        fail(f"{what['en']} has the keys {sorted(map(str, got))}, expected {sorted(expected)}",
             f"{what['ko']}의 키가 {sorted(map(str, got))}인데, 기대한 키는 {sorted(expected)}입니다")
    shape = got["shape"]
    if not isinstance(shape, tuple):
        fail(f"'shape' must be a tuple of ints such as {expected['shape']}, got a {type(shape).__name__}: "
             "use tuple(x.shape)",
             f"'shape'은 {expected['shape']} 같은 정수 튜플이어야 하는데 {type(shape).__name__} 값이 나왔습니다. "
             "tuple(x.shape)를 쓰세요")
    if shape != expected["shape"]:
        fail(f"'shape' is {shape}, expected {expected['shape']}",
             f"'shape'이 {shape}인데, 기대한 값은 {expected['shape']}입니다")
    if not isinstance(got["dtype"], torch.dtype):
        fail(f"'dtype' must be the torch.dtype itself (x.dtype, e.g. {expected['dtype']}), "
             f"got a {type(got['dtype']).__name__}: {got['dtype']!r}",
             f"'dtype'은 torch.dtype 값 그대로(x.dtype, 예: {expected['dtype']})여야 하는데, "
             f"받은 값은 {type(got['dtype']).__name__} 타입의 {got['dtype']!r}입니다")
    if got["dtype"] != expected["dtype"]:
        fail(f"'dtype' is {got['dtype']}, expected {expected['dtype']}",
             f"'dtype'이 {got['dtype']}인데, 기대한 값은 {expected['dtype']}입니다")
    if not isinstance(got["device"], str):
        fail(f"'device' must be a string such as {expected['device']!r} (str(x.device)), "
             f"got a {type(got['device']).__name__}",
             f"'device'는 {expected['device']!r} 같은 문자열(str(x.device))이어야 하는데, "
             f"{type(got['device']).__name__} 값이 나왔습니다")
    if got["device"] != expected["device"]:
        fail(f"'device' is {got['device']!r}, expected {expected['device']!r} (str(x.device))",
             f"'device'가 {got['device']!r}인데, 기대한 값은 {expected['device']!r}(str(x.device))입니다")
    numel = got["numel"]
    if type(numel) is not int:
        fail(f"'numel' must be an int, got a {type(numel).__name__}: {numel!r}",
             f"'numel'은 정수(int)여야 하는데, 받은 값은 {type(numel).__name__} 타입의 {numel!r}입니다")
    if numel != expected["numel"]:
        fail(f"'numel' is {numel}, expected {expected['numel']}: the number of elements is the product of the "
             "sizes in the shape",
             f"'numel'이 {numel}인데, 기대한 값은 {expected['numel']}입니다. 원소의 개수는 shape에 있는 크기들을 "
             "모두 곱한 값입니다")


@pytest.fixture
def check_description():
    """check_description(got, expected): each attribute, with what differs."""
    return _check_description
