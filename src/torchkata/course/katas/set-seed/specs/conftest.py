"""Shared checks for the set-seed specs: each failure names the generator or setting that was missed.

The learner's set_seed only ever runs in the worker. The values a correctly seeded run must give are
computed here without touching any global state of the grader: private random.Random and
np.random.RandomState objects, a private torch.Generator, and the reference's seeded_loader (which
uses only its own generator) inside torch.random.fork_rng().
"""
import random
import types

import pytest
import torch

from torchkata.spec import fail

ALLOWED_CUBLAS = (":4096:8", ":16:8")


def expected_draws(seed):
    """What random.random() x3, np.random.rand(3) and torch.rand(3) give right after seeding with `seed`."""
    import numpy as np
    python = random.Random(seed)
    return {
        "python": [python.random() for _ in range(3)],
        "numpy": [float(v) for v in np.random.RandomState(seed).rand(3)],
        "torch": torch.rand(3, generator=torch.Generator().manual_seed(seed)),
    }


def expected_epochs(ref, n_items, batch_size, seed, epochs=1):
    """Epochs of the reference's seeded_loader, with the grader's RNG state saved and restored."""
    with torch.random.fork_rng(devices=[]):
        loader = ref.seeded_loader(torch.arange(n_items), batch_size, seed)
        return [[batch.tolist() for batch in loader] for _ in range(epochs)]


# --- set_seed: one source at a time ---------------------------------------------------------------

_SOURCES = {
    "python": {
        "call": "random.random()",
        "unseeded": ("Python's random module was not seeded", "파이썬 random 모듈에 시드를 설정하지 않았습니다"),
        "fix": ("call random.seed(seed)", "random.seed(seed)를 호출하세요"),
        "seeder": "random.seed",
    },
    "numpy": {
        "call": "np.random.rand()",
        "unseeded": ("NumPy's random generator was not seeded", "NumPy의 난수 생성기에 시드를 설정하지 않았습니다"),
        "fix": ("call np.random.seed(seed); np.random.default_rng(seed) only builds a new generator and "
                "leaves the global one, which np.random.rand() and most libraries use, unseeded",
                "np.random.seed(seed)를 호출하세요. np.random.default_rng(seed)는 새 생성기를 하나 만들 뿐, "
                "np.random.rand()와 대부분의 라이브러리가 쓰는 전역 생성기에는 시드를 설정하지 않습니다"),
        "seeder": "np.random.seed",
    },
    "torch": {
        "call": "torch.rand()",
        "unseeded": ("torch's random generator was not seeded", "torch의 난수 생성기에 시드를 설정하지 않았습니다"),
        "fix": ("call torch.manual_seed(seed), which seeds the CPU generator; torch.cuda.manual_seed_all "
                "alone seeds only the GPUs",
                "torch.manual_seed(seed)를 호출하세요. CPU 생성기는 이 함수로 시드를 설정합니다. "
                "torch.cuda.manual_seed_all만으로는 GPU에만 시드가 설정됩니다"),
        "seeder": "torch.manual_seed",
    },
}


def _as_list(values):
    return values.tolist() if isinstance(values, torch.Tensor) else values


def _detail(en, ko):
    """A detail line: shown for public tests only, so hidden inputs (seeds, sizes) stay hidden."""
    return [{"en": en, "ko": ko}]


def check_source(name, first, second, seed):
    """The draws from one source after set_seed(seed) must repeat, and be those of seeding with `seed`."""
    source = _SOURCES[name]
    a, b = _as_list(first.get(name)), _as_list(second.get(name))
    if a != b:
        fail(f"{source['unseeded'][0]}: two runs that both start with set_seed(seed) drew different numbers "
             f"from {source['call']}. In set_seed, {source['fix'][0]}",
             f"{source['unseeded'][1]}. 두 번의 실행 모두 set_seed(seed)로 시작했는데 {source['call']}의 "
             f"결과가 서로 달랐습니다. set_seed 안에서 {source['fix'][1]}",
             _detail(f"after set_seed({seed}): {a} in the first run, {b} in the second",
                     f"set_seed({seed}) 뒤: 첫 번째 실행 {a}, 두 번째 실행 {b}"))
    expected = _as_list(expected_draws(seed)[name])
    if a != expected:
        fail(f"{source['call']} repeats after set_seed, but not with the numbers {source['seeder']}(seed) gives: "
             "seed it with the `seed` argument, not a fixed number, and draw nothing from it inside set_seed",
             f"set_seed 뒤 {source['call']}의 결과는 매번 같지만, {source['seeder']}(seed)로 시드를 설정했을 때의 "
             "값과 다릅니다. 고정된 숫자가 아니라 `seed` 인자로 시드를 설정하고, set_seed 안에서는 난수를 뽑지 마세요",
             _detail(f"after set_seed({seed}): got {a}, expected {expected}",
                     f"set_seed({seed}) 뒤: 실제 {a}, 기대값 {expected}"))


def check_cuda_seeded(run, seed):
    if seed not in run.get("cuda_seeds", []):
        fail("the CUDA generators were not seeded with the seed: call torch.cuda.manual_seed_all(seed) in set_seed "
             "(torch.manual_seed(seed) also does it)",
             "CUDA 난수 생성기에 시드가 설정되지 않았습니다. set_seed 안에서 torch.cuda.manual_seed_all(seed)를 "
             "호출하세요 (torch.manual_seed(seed)도 이 일을 합니다)",
             _detail(f"set_seed({seed}) seeded CUDA with {run.get('cuda_seeds')}",
                     f"set_seed({seed})가 CUDA에 설정한 시드: {run.get('cuda_seeds')}"))


# --- seeded_loader ----------------------------------------------------------------------------------

def check_epoch(epoch, n_items, batch_size):
    """One pass over seeded_loader(torch.arange(n_items), ...): batch sizes, every item once, shuffled."""
    if not isinstance(epoch, list) or not all(isinstance(b, list) for b in epoch):
        fail("iterating the loader over a tensor did not give tensor batches: return a "
             "torch.utils.data.DataLoader built on the dataset you were given",
             "텐서를 담은 로더를 돌렸는데 텐서 배치가 나오지 않았습니다. 받은 데이터셋으로 만든 "
             "torch.utils.data.DataLoader를 반환하세요")
    sizes = [len(b) for b in epoch]
    want = [batch_size] * (n_items // batch_size) + ([n_items % batch_size] if n_items % batch_size else [])
    if sizes != want:
        fail("the batches do not have the sizes asked for: pass batch_size to the DataLoader and keep the last, "
             "smaller batch (no drop_last)",
             "배치 크기가 요청한 값과 다릅니다. DataLoader에 batch_size를 넘기고, 마지막의 작은 배치도 "
             "버리지 마세요 (drop_last 없이)",
             _detail(f"{n_items} items, batch_size={batch_size}: batch sizes {sizes}, expected {want}",
                     f"항목 {n_items}개, batch_size={batch_size}: 배치 크기 {sizes}, 기대값 {want}"))
    items = [i for b in epoch for i in b]
    if sorted(items) != list(range(n_items)):
        fail("one pass over the loader must give every item exactly once: use DataLoader with shuffle=True "
             "(sampling without replacement)",
             "로더를 한 번 돌면 모든 항목이 정확히 한 번씩 나와야 합니다. DataLoader에 shuffle=True를 쓰세요 "
             "(비복원 추출)")
    if items == list(range(n_items)):
        fail("the loader gives the items in their original order: it must shuffle, so pass shuffle=True",
             "로더가 항목을 원래 순서대로 내놓습니다. 섞어야 하니 shuffle=True를 넘기세요")


def check_same_order(first, second, en_when, ko_when):
    """Two loaders built with the same seed must give the same batches."""
    if first != second:
        fail(f"two loaders built with the same seed shuffled differently {en_when}: the order follows the global "
             "torch RNG. Create g = torch.Generator(), call g.manual_seed(seed) and pass generator=g to the DataLoader",
             f"같은 시드로 만든 두 로더가 서로 다르게 섞였습니다 {ko_when}. 순서가 torch의 전역 난수 생성기를 "
             "따르고 있습니다. g = torch.Generator()를 만들어 g.manual_seed(seed)를 호출하고 DataLoader에 "
             "generator=g로 넘기세요",
             _detail(f"first loader: {first}; second loader: {second}",
                     f"첫 번째 로더: {first} / 두 번째 로더: {second}"))


@pytest.fixture
def seeding():
    """The checks above, as one namespace for the spec files."""
    return types.SimpleNamespace(
        expected_draws=expected_draws, expected_epochs=expected_epochs, check_source=check_source,
        check_cuda_seeded=check_cuda_seeded, check_epoch=check_epoch, check_same_order=check_same_order,
        allowed_cublas=ALLOWED_CUBLAS)
