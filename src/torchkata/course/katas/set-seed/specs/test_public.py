"""Public specs: the learner sees these inputs and every detail of a failure.

set_seed runs only inside the worker (a fresh process per test): draws are compared between two
seeded runs there, and with values computed here from private generators.
"""
import pytest

from torchkata.spec import fail


@pytest.mark.public(points=2)
def test_python_random_repeats_after_set_seed(sub, seeding):
    first, second = sub.harness.pipeline_twice(7, with_loader=False)
    seeding.check_source("python", first, second, 7)


@pytest.mark.public(points=2)
def test_numpy_repeats_after_set_seed(sub, seeding):
    first, second = sub.harness.pipeline_twice(7, with_loader=False)
    seeding.check_source("numpy", first, second, 7)


@pytest.mark.public(points=2)
def test_torch_repeats_after_set_seed(sub, seeding):
    first, second = sub.harness.pipeline_twice(7, with_loader=False)
    seeding.check_source("torch", first, second, 7)
    seeding.check_cuda_seeded(first, 7)


@pytest.mark.public(points=2)
def test_deterministic_algorithms_and_cudnn_flags(sub):
    flags = sub.harness.flags_after_set_seed(3)
    if flags["deterministic_algorithms"] is not True:
        fail("deterministic algorithms are still off after set_seed: call torch.use_deterministic_algorithms(True), "
             "so that operations without a deterministic implementation raise instead of varying silently",
             "set_seed 뒤에도 결정적 알고리즘이 꺼져 있습니다. torch.use_deterministic_algorithms(True)를 "
             "호출하세요. 그래야 결정적 구현이 없는 연산이 조용히 다른 결과를 내지 않고 오류를 냅니다")
    if flags["cudnn_deterministic"] is not True:
        fail("torch.backends.cudnn.deterministic is still False after set_seed: set it to True",
             "set_seed 뒤에도 torch.backends.cudnn.deterministic이 False입니다. True로 설정하세요")
    if flags["cudnn_benchmark"] is not False:
        fail("torch.backends.cudnn.benchmark is still True after set_seed: set it to False. The benchmark picks "
             "the fastest cuDNN algorithm by timing, and the choice can change from one run to the next",
             "set_seed 뒤에도 torch.backends.cudnn.benchmark가 True입니다. False로 설정하세요. 벤치마크 모드는 "
             "실행 시간을 재서 가장 빠른 cuDNN 알고리즘을 고르기 때문에, 실행할 때마다 선택이 달라질 수 있습니다")


@pytest.mark.public(points=1)
def test_cublas_workspace_config(sub, seeding):
    value = sub.harness.flags_after_set_seed(3)["cublas_workspace_config"]
    if value is None:
        fail('the environment variable CUBLAS_WORKSPACE_CONFIG is not set after set_seed: set '
             'os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8". With deterministic algorithms on, cuBLAS needs it '
             "for matrix products on the GPU, or they raise an error",
             'set_seed 뒤에 환경 변수 CUBLAS_WORKSPACE_CONFIG가 설정되어 있지 않습니다. '
             'os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"로 설정하세요. 결정적 알고리즘을 켜면 GPU의 '
             "행렬 곱에 cuBLAS가 이 값을 요구하고, 없으면 오류가 납니다")
    if value not in seeding.allowed_cublas:
        fail(f'CUBLAS_WORKSPACE_CONFIG is {value!r}: cuBLAS accepts only ":4096:8" or ":16:8" for deterministic '
             "results",
             f'CUBLAS_WORKSPACE_CONFIG가 {value!r}입니다. 결정적인 결과를 얻으려면 cuBLAS에는 ":4096:8"이나 '
             '":16:8"만 쓸 수 있습니다')


@pytest.mark.public(points=2)
def test_loader_shuffles_reproducibly(sub, seeding):
    first = sub.harness.loader_epochs(20, 6, 5)
    second = sub.harness.loader_epochs(20, 6, 5)
    for epoch in first:
        seeding.check_epoch(epoch, 20, 6)
    seeding.check_same_order(first, second, "(two epochs each, built one after the other)",
                             "(각각 두 에포크씩, 차례로 만든 두 로더)")


@pytest.mark.public(points=2)
def test_loader_ignores_the_global_rng(sub, seeding):
    order_first, order_second, untouched = sub.harness.loaders_around_global_draws(20, 6, 5)
    seeding.check_epoch(order_first, 20, 6)
    seeding.check_same_order(order_first, order_second,
                             "(after torch.manual_seed(0) and torch.manual_seed(1), with torch.rand() drawn in between)",
                             "(torch.manual_seed(0)과 torch.manual_seed(1) 뒤에, 중간에 torch.rand()를 뽑은 상태)")
    if not untouched:
        fail("building or iterating seeded_loader changed the global torch RNG: use only your own torch.Generator "
             "(no torch.manual_seed inside seeded_loader), so that loading data leaves the rest of the run alone",
             "seeded_loader를 만들거나 돌리는 동안 torch의 전역 난수 생성기 상태가 바뀌었습니다. 직접 만든 "
             "torch.Generator만 쓰세요 (seeded_loader 안에서 torch.manual_seed 금지). 그래야 데이터 로딩이 "
             "나머지 학습 과정에 영향을 주지 않습니다")
