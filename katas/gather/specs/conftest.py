"""Shared checks for the gather specs: each failure names the likely mistake."""
import pytest
import torch

from grader.spec import LearnerError as SubmissionRaised
from grader.spec import SpecFailure, expect_close, expect_tensor, fail


def _raised_detail(exc):
    kind, message = exc.info.get("type", "Exception"), str(exc.info.get("message", ""))
    return [{"en": f"your code raised {kind}: {message}", "ko": f"코드에서 {kind} 예외가 발생했습니다: {message}"}]


def _call(fn, *args, class_dim=1):
    """Run the learner's function; turn the typical gather errors into a diagnosis."""
    try:
        return fn(*args)
    except SubmissionRaised as exc:
        message = str(exc.info.get("message", ""))
        if "same number of dimensions" in message:
            how = "targets.unsqueeze(1)" if class_dim == 1 else "targets.unsqueeze(-1)"
            shape = "(N, 1)" if class_dim == 1 else "(N, T, 1)"
            fail(f"the index needs the same number of dimensions as the input: {how}. "
                 f"gather takes an index shaped like the input except along `dim`, here {shape}; "
                 f"squeeze that dimension away afterwards",
                 f"인덱스 텐서의 차원 수가 입력과 같아야 합니다: {how}. "
                 f"gather의 인덱스는 `dim`을 제외하면 입력과 모양이 같아야 하므로 여기서는 {shape}입니다. "
                 f"결과에서는 그 차원을 다시 squeeze로 없애세요",
                 _raised_detail(exc))
        if "out of bounds for dimension" in message and f"dimension {class_dim}" not in message:
            where = "dim=1" if class_dim == 1 else "the last dimension (dim=-1)"
            where_ko = "dim=1" if class_dim == 1 else "마지막 차원(dim=-1)"
            fail(f"a target was used to index the wrong dimension: the targets are class numbers, "
                 f"so gather along {where}, where the classes are",
                 f"타깃으로 엉뚱한 차원을 인덱싱했습니다. 타깃은 클래스 번호이므로 "
                 f"클래스가 놓인 {where_ko} 방향으로 gather 하세요",
                 _raised_detail(exc))
        raise


def _misplaced_gathers(logits, targets, class_dim):
    """What gathering along a dimension other than the classes' gives, for each way of unsqueezing.

    Computed on the CPU: there an out-of-range index raises, on CUDA it would break the device.
    """
    logits, targets = logits.detach().cpu(), targets.cpu()
    for wrong_dim in range(logits.dim()):
        if wrong_dim == class_dim:
            continue
        for axis in range(targets.dim() + 1):
            try:
                yield wrong_dim, logits.gather(wrong_dim, targets.unsqueeze(axis)).squeeze(axis)
            except RuntimeError:
                pass


def _check_scores(got, logits, targets, expected, class_dim=1):
    """Diagnose the usual mistakes of a per-row lookup, then compare with the reference."""
    expect_tensor(got)
    rows = "row" if class_dim == 1 else "position"
    rows_ko = "행" if class_dim == 1 else "위치"
    want, shape = tuple(expected.shape), tuple(got.shape)
    if shape != want:
        if len(shape) > len(want) and shape[:len(want)] == want and shape[len(want):] == tuple(targets.shape):
            matrix = "(N, N) matrix" if class_dim == 1 else "(N, T, N, T) tensor"
            matrix_ko = "(N, N) 행렬이" if class_dim == 1 else "(N, T, N, T) 텐서가"
            index = "logits[:, targets]" if class_dim == 1 else "logits[:, :, targets]"
            fail(f"one element per {rows}: got an {matrix} of shape {shape} instead of shape {want}. "
                 f"{index} picks every target for every {rows}; "
                 f"gather picks only the {rows}'s own target",
                 f"{rows_ko}마다 원소를 하나씩만 골라야 하는데 {matrix_ko} 나왔습니다 "
                 f"(결과 shape: {shape}, 기대한 shape: {want}). {index}는 모든 {rows_ko}에 대해 "
                 f"모든 타깃을 고릅니다. gather를 쓰면 각 {rows_ko}에서 자기 타깃 하나만 고를 수 있습니다")
        if shape == want + (1,):
            fail(f"the result still has the index's trailing dimension of size 1 {shape}: "
                 f"squeeze it away with .squeeze({class_dim})",
                 f"결과에 인덱스의 마지막 차원(크기 1)이 그대로 남아 있습니다 (결과 shape: {shape}). "
                 f".squeeze({class_dim})로 없애세요")
        if len(shape) < len(want) and got.numel() == expected.numel():
            fail(f"the result has shape {shape}, expected {want}: .squeeze() without an argument also removes "
                 f"the batch dimensions of size 1; use .squeeze({class_dim})",
                 f"결과 shape은 {shape}, 기대한 shape은 {want}입니다. 인자 없는 .squeeze()는 크기가 1인 "
                 f"배치 차원까지 없애 버립니다. .squeeze({class_dim})처럼 없앨 차원을 지정하세요")
        if class_dim == 1 and shape == (1, want[0]):
            fail(f"the result has shape {shape}, expected {want}: the index must have shape (N, 1), "
                 f"so use targets.unsqueeze(1), not targets.unsqueeze(0)",
                 f"결과 shape은 {shape}, 기대한 shape은 {want}입니다. 인덱스의 shape은 (N, 1)이어야 하므로 "
                 f"targets.unsqueeze(0) 대신 targets.unsqueeze(1)을 쓰세요")
        fail(f"the result has shape {shape}, expected {want}: one value per {rows}, "
             f"out[i] = logits[i, targets[i]]",
             f"결과 shape은 {shape}, 기대한 shape은 {want}입니다. {rows_ko}마다 값이 하나씩 있어야 합니다: "
             f"out[i] = logits[i, targets[i]]")
    if got.dtype == expected.dtype and got.device == expected.device and got.is_floating_point() and \
            not torch.allclose(got.detach().double(), expected.double(), rtol=1e-5, atol=1e-6):
        for wrong_dim, wrong in _misplaced_gathers(logits, targets, class_dim):
            if wrong.shape == got.shape and torch.allclose(got.detach().cpu().double(), wrong.double()):
                where = "dim=1" if class_dim == 1 else "the last dimension (dim=-1)"
                where_ko = "dim=1" if class_dim == 1 else "마지막 차원(dim=-1)"
                fail(f"you gathered along dim={wrong_dim}, which uses the targets as indices into that dimension; "
                     f"gather along {where}, where the classes are",
                     f"dim={wrong_dim} 방향으로 gather 해서 타깃이 그 차원의 인덱스로 쓰였습니다. "
                     f"클래스가 놓인 {where_ko} 방향으로 gather 하세요")
        try:
            expect_close(got, expected)
        except SpecFailure as exc:
            fail(f"wrong values: each {rows} must give its own target's score, "
                 f"out[i] = logits[i, targets[i]]",
                 f"값이 틀립니다. 각 {rows_ko}에서 자기 타깃의 점수를 골라야 합니다: out[i] = logits[i, targets[i]]",
                 exc.details)
    expect_close(got, expected)


def _check_nll(got, log_probs, targets, expected):
    expect_tensor(got)
    if tuple(got.shape) != ():
        if got.numel() == targets.numel() and got.numel() > 1:
            fail(f"the loss has shape {tuple(got.shape)}: average over the batch to get a single number "
                 f"(a 0-dim tensor, as .mean() returns)",
                 f"손실의 shape이 {tuple(got.shape)}입니다. 배치에 대해 평균을 내서 값 하나"
                 f"(.mean()이 돌려주는 0차원 텐서)로 만드세요")
        fail(f"the loss has shape {tuple(got.shape)}: return a 0-dim tensor (what .mean() returns)",
             f"손실의 shape이 {tuple(got.shape)}입니다. 0차원 텐서(.mean()이 돌려주는 모양)를 돌려주세요")
    if got.is_floating_point():
        value, exp, n = float(got.detach()), float(expected), targets.numel()
        log_probs, targets = log_probs.detach().cpu(), targets.cpu()

        def near(x):
            return abs(value - x) <= 1e-4 * max(1.0, abs(x))
        if not near(exp):
            if near(-exp):
                fail("the loss has the wrong sign: the log-probabilities are <= 0, so the negative "
                     "log-likelihood is minus their mean: -picked.mean()",
                     "손실의 부호가 반대입니다. 로그 확률은 0 이하이므로, 음의 로그 가능도(NLL)는 "
                     "고른 값의 평균에 마이너스를 붙인 값입니다: -picked.mean()")
            if near(exp * n) or near(-exp * n):
                fail("take the mean over the batch, not the sum (like F.nll_loss with its default "
                     "reduction='mean')",
                     "배치에 대해 합이 아니라 평균을 내세요 (기본값 reduction='mean'인 F.nll_loss와 같습니다)")
            for wrong_dim, wrong in _misplaced_gathers(log_probs, targets, 1):
                if wrong.numel() == n and near(-float(wrong.double().mean())):
                    fail(f"the loss averages the wrong entries: you gathered along dim={wrong_dim}; "
                         f"gather along dim=1, where the classes are",
                         f"손실이 엉뚱한 원소를 평균 냈습니다. dim={wrong_dim} 방향으로 gather 했는데, "
                         f"클래스가 놓인 dim=1 방향으로 gather 하세요")
            if n > 1 and near(-float(log_probs[:, targets].double().mean())):
                fail("the loss averages an (N, N) matrix: log_probs[:, targets] picks every target for every row; "
                     "pick one element per row with gather",
                     "손실이 (N, N) 행렬을 평균 냈습니다. log_probs[:, targets]는 모든 행에 대해 모든 타깃을 "
                     "고릅니다. gather로 행마다 원소를 하나씩만 고르세요")
            if n > 1 and near(-float(log_probs[0, targets].double().mean())):
                fail("the loss only reads row 0: the index must have shape (N, 1), "
                     "so use targets.unsqueeze(1), not targets.unsqueeze(0)",
                     "손실이 0번 행만 읽었습니다. 인덱스의 shape은 (N, 1)이어야 하므로 "
                     "targets.unsqueeze(0) 대신 targets.unsqueeze(1)을 쓰세요")
            if near(-float(log_probs.double().mean())):
                fail("you averaged every entry of log_probs: first pick each row's target entry with gather, "
                     "then average those N values",
                     "log_probs의 모든 원소를 평균 냈습니다. 먼저 gather로 각 행의 타깃 원소를 고른 뒤, "
                     "그 N개의 값을 평균 내세요")
    expect_close(got, expected, rtol=1e-5, atol=1e-6, what={"en": "the loss", "ko": "손실"})


@pytest.fixture
def call():
    """call(fn, *args, class_dim=1): runs the learner's function, diagnosing the usual gather errors."""
    return _call


@pytest.fixture
def check_scores():
    """check_scores(got, logits, targets, expected, class_dim=1)."""
    return _check_scores


@pytest.fixture
def check_nll():
    """check_nll(got, log_probs, targets, expected)."""
    return _check_nll
