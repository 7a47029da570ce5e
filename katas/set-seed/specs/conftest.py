"""Shared by the set-seed specs: the learner's set_seed and seeded_loader against the reference's.

Both run only in the confined worker (a fresh process per test), through harness.py, which returns
observations: the numbers each generator gives right after set_seed, the settings after it, the batches
the loaders produce, the global RNG's next numbers after a loader was built and iterated. Each is
compared here with the reference's, from the same driver in its own process. The settings are the
learner's process's own state, so their points also need the source to set them (source_mentions): a
process that only reports them earns nothing. Nothing here touches the grader's own global state.
"""
import pytest

from torchkata.spec import fail, source_mentions

SOURCES = {   # what set_seed must seed: how a run draws from it, and what seeds it
    "python": ("random.random()", "random.seed(seed)"),
    "numpy": ("np.random.rand()", "np.random.seed(seed)"),
    "torch": ("torch.rand()", "torch.manual_seed(seed)"),
}

FLAGS = {     # what set_seed must set, and what to do when it did not
    "deterministic_algorithms": ("deterministic algorithms are still off after set_seed: call "
                                 "torch.use_deterministic_algorithms(True)",
                                 "set_seed 뒤에도 결정적 알고리즘이 꺼져 있습니다. "
                                 "torch.use_deterministic_algorithms(True)를 호출하세요"),
    "cudnn_deterministic": ("torch.backends.cudnn.deterministic is still False after set_seed: set it to True",
                            "set_seed 뒤에도 torch.backends.cudnn.deterministic이 False입니다. True로 설정하세요"),
    "cudnn_benchmark": ("torch.backends.cudnn.benchmark is still True after set_seed: set it to False",
                        "set_seed 뒤에도 torch.backends.cudnn.benchmark가 True입니다. False로 설정하세요"),
    "cublas_workspace_config": ('after set_seed, CUBLAS_WORKSPACE_CONFIG is not ":4096:8" or ":16:8": set '
                                'os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8". With deterministic algorithms '
                                'on, cuBLAS needs it for matrix products on the GPU, or they raise an error',
                                'set_seed 뒤에 CUBLAS_WORKSPACE_CONFIG가 ":4096:8"이나 ":16:8"이 아닙니다. '
                                'os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"로 설정하세요. 결정적 알고리즘을 '
                                '켜면 GPU에서 행렬 곱을 할 때 cuBLAS에 이 설정이 필요하고, 없으면 오류가 납니다'),
}


SETTERS = {   # the names a set_seed that makes each setting must use (any one of them, for the first)
    "deterministic_algorithms": {"use_deterministic_algorithms", "set_deterministic_debug_mode"},
    "cudnn_deterministic": {"deterministic"},
    "cudnn_benchmark": {"benchmark"},
    "cublas_workspace_config": {"CUBLAS_WORKSPACE_CONFIG"},
}


def _draws_differ(got, expected):
    import torch
    if isinstance(expected, torch.Tensor) or isinstance(got, torch.Tensor):
        return not (isinstance(got, torch.Tensor) and isinstance(expected, torch.Tensor) and torch.equal(got, expected))
    return got != expected


def check_seeded(sub, got_runs, expected_runs, names=("python", "numpy", "torch", "cuda")):
    """Each run of harness.pipeline_twice: every generator in `names` gives, right after set_seed, exactly what
    it gives after the reference's set_seed (the draws decide; which calls were made never does). The GPUs'
    generators cannot be drawn from in the grader's processes (a forked child cannot start CUDA, and a
    release records the reference's answers on a machine that may have none): for them, the source must
    seed them, with torch.cuda.manual_seed_all(seed) or torch.manual_seed(seed), read on the trusted side."""
    for name in names:
        if name == "cuda":
            if not source_mentions(sub, {"manual_seed", "manual_seed_all"}, within="set_seed"):
                fail("set_seed did not seed the CUDA generators with `seed`: call torch.cuda.manual_seed_all(seed) "
                     "(torch.manual_seed(seed) also does it)",
                     "set_seed가 CUDA 난수 생성기에 `seed`로 시드를 설정하지 않았습니다. "
                     "torch.cuda.manual_seed_all(seed)를 호출하세요 (torch.manual_seed(seed)도 이 일을 합니다)")
            continue
        if any(_draws_differ(got[name], expected[name]) for got, expected in zip(got_runs, expected_runs)):
            call, seeder = SOURCES[name]
            drawn = _drawn_after_seeding(got_runs[0][name], expected_runs[0][name])
            if drawn:
                fail(f"set_seed seeds the generator of {call} with `seed`, then draws {drawn} number(s) from it: the "
                     f"caller's first {call} is the seeded sequence's number {drawn + 1}. Draw nothing inside set_seed "
                     "(not even to print a check)",
                     f"set_seed가 {call}의 생성기에 `seed`로 시드를 설정한 뒤 난수를 {drawn}개 뽑았습니다. 그래서 "
                     f"호출한 쪽의 첫 {call}이 시드를 설정한 수열의 {drawn + 1}번째 수가 됩니다. set_seed 안에서는 "
                     "확인용 출력이라도 난수를 뽑지 마세요")
            fail(f"after set_seed(seed), {call} does not give what {seeder} gives: in set_seed, seed it with the "
                 "`seed` argument, and draw nothing from it there",
                 f"set_seed(seed)를 호출한 뒤 {call}의 결과가 {seeder}를 호출했을 때와 다릅니다. set_seed 안에서 "
                 "`seed` 인자로 시드를 설정하고, 그 안에서는 난수를 뽑지 마세요")


def _drawn_after_seeding(got, expected):
    """How many numbers were drawn after seeding, when the learner's draws are the reference's shifted by that
    many (1 or 2; three draws are compared), else 0."""
    got, expected = [float(v) for v in got], [float(v) for v in expected]
    for shift in (1, 2):
        if len(got) == len(expected) > shift and got[:-shift] == expected[shift:]:
            return shift
    return 0


def check_seed_used(got_runs, other_runs, expected_runs, other_expected):
    """Two seeds that give the reference different draws must give the learner different draws too: the same
    draws for both come from a constant seed (or an unseeded generator in a known state)."""
    for name, (call, seeder) in SOURCES.items():
        if not _draws_differ(got_runs[0][name], other_runs[0][name]) \
                and _draws_differ(expected_runs[0][name], other_expected[0][name]):
            fail(f"set_seed gives the same {call} whatever the seed: seed the generator with the `seed` argument, "
                 f"{seeder}, not with a constant",
                 f"set_seed가 어떤 시드를 받든 {call}이 같은 값을 냅니다. 상수가 아니라 인자로 받은 `seed`로 시드를 "
                 f"설정하세요: {seeder}")


def check_flags(sub, got, expected, names):
    """The settings after set_seed, against the reference's; they are the learner's process's own state, so
    each must also be made in the source, by set_seed or a function of the file it calls (read on the
    trusted side)."""
    used = source_mentions(sub, set().union(*SETTERS.values()), within="set_seed")
    for name in names:
        if _setting(name, got[name]) != _setting(name, expected[name]) or not SETTERS[name] & used:
            fail(*FLAGS[name])


CUBLAS_DETERMINISTIC = (":4096:8", ":16:8")    # the values cuBLAS accepts for deterministic matrix products


def _setting(name, value):
    """A setting as it matters: for CUBLAS_WORKSPACE_CONFIG, whether it holds a value cuBLAS accepts."""
    return value in CUBLAS_DETERMINISTIC if name == "cublas_workspace_config" else value


def _items(batches):
    """The items of nested lists of batches, in order."""
    if isinstance(batches, list):
        return [item for batch in batches for item in _items(batch)]
    return [batches]


def _in_order(items):
    """Items of a loader over torch.arange read in their original order, epoch after epoch: 0, 1, 2, ..., 0, 1..."""
    return len(items) > 1 and all(isinstance(i, int) for i in items) and items[0] == 0 \
        and all(b in (a + 1, 0) for a, b in zip(items, items[1:]))


def check_batches(got, expected, en_when, ko_when):
    """The batches of the learner's loaders against the reference's (the details only in public tests)."""
    if got != expected and _in_order(_items(got)) and not _in_order(_items(expected)):
        fail("the loader gives the items in their original order, 0, 1, 2...: it does not shuffle. Pass "
             "shuffle=True together with generator=g",
             "로더가 항목을 원래 순서(0, 1, 2, ...)대로 내놓습니다. 섞지 않은 것입니다. generator=g와 함께 "
             "shuffle=True를 넘기세요")
    if got != expected:
        fail(f"the loader's batches {en_when} are not those of DataLoader(dataset, batch_size=batch_size, "
             "shuffle=True, generator=g) with g = torch.Generator() seeded by g.manual_seed(seed)",
             f"{ko_when} 로더가 내놓은 배치가, g = torch.Generator()에 g.manual_seed(seed)로 시드를 설정하고 "
             "DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=g)로 만든 로더의 배치와 다릅니다",
             [{"en": f"got {got}", "ko": f"결과: {got}"}, {"en": f"expected {expected}", "ko": f"기댓값: {expected}"}])


def check_order_follows_seed(got, expected):
    """Loaders built with different seeds: when the reference's orders all differ, the learner's must too."""
    if got[0] == got[1] == got[2] != expected[0] and len({repr(e) for e in expected}) == 3:
        if _in_order(_items(got[0])):
            check_batches(got, expected, "", "")         # names the original order as such
        fail("the loader gives the same order whatever the seed: seed its generator with the `seed` argument, "
             "g.manual_seed(seed), before passing it to the DataLoader",
             "어떤 시드를 넣어도 로더가 같은 순서를 내놓습니다. DataLoader에 넘기기 전에 인자로 받은 `seed`로 "
             "생성기의 시드를 설정하세요: g.manual_seed(seed)")


@pytest.fixture
def seeding():
    """The checks above, for the spec files."""
    import types
    return types.SimpleNamespace(check_seeded=check_seeded, check_flags=check_flags, check_batches=check_batches,
                                 check_seed_used=check_seed_used, check_order_follows_seed=check_order_follows_seed)
