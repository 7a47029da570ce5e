"""Shared checks for the dim-reductions specs: each failure names the likely mistake.

`scores` always has shape (students, assignments): dim=0 indexes the students, dim=1 the assignments.
"""
import pytest
import torch

from torchkata.spec import LearnerError as SubmissionRaised
from torchkata.spec import expect_close, expect_tensor, fail


def _same(a, b, rtol=1e-4, atol=1e-5):
    """Same shape and (NaN-free) values."""
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor) or a.shape != b.shape:
        return False
    a, b = a.detach().cpu().double(), b.detach().cpu().double()
    return bool(torch.isclose(a, b, rtol=rtol, atol=atol).all())


def _shape(t):
    return tuple(t.shape)


def _dropped_keepdim(got, expected, dim):
    """The result kept the reduced dimension (keepdim=True where none was asked for)."""
    return got.dim() == expected.dim() + 1 and _shape(got) == _shape(expected.unsqueeze(dim))


def _keepdim_not_wanted(got, expected):
    fail(f"the result has shape {_shape(got)} but should have shape {_shape(expected)}: here the reduced "
         "dimension should disappear, so leave out keepdim=True",
         f"결과의 shape이 {_shape(got)}인데, 올바른 shape은 {_shape(expected)}입니다. 여기서는 리덕션한 차원이 "
         "없어져야 하니 keepdim=True를 빼세요")


# --- per_student_totals / per_assignment_means ----------------------------------

def _check_totals(got, scores):
    expected, swapped = scores.sum(dim=1), scores.sum(dim=0)
    what = {"en": "the per-student totals", "ko": "학생별 총점"}
    expect_tensor(got, what)
    if got.dim() == 0:
        fail("you returned a single number, the sum of the whole tensor: sum along dim=1 "
             "to get one total per student",
             "숫자 하나만 반환했습니다. 텐서 전체의 합을 구한 것입니다. dim=1을 따라 더해서 "
             "학생마다 총점을 하나씩 구하세요")
    if (_shape(got) == _shape(swapped) != _shape(expected)) or (_same(got, swapped) and not _same(got, expected)):
        fail("you summed over the students (dim=0), which gives one total per assignment; a student's total "
             "adds up that student's assignments, along dim=1: dim=0 and dim=1 are swapped",
             "dim=0(학생 축)을 따라 더해서 과제마다 합계가 하나씩 나왔습니다. 학생별 총점은 그 학생의 "
             "과제 점수를 더한 값이므로 dim=1을 따라 더해야 합니다. dim=0과 dim=1이 뒤바뀌었습니다")
    if _dropped_keepdim(got, expected, 1):
        _keepdim_not_wanted(got, expected)
    expect_close(got, expected, rtol=1e-5, atol=1e-4, what=what)


def _check_means(got, scores):
    expected, swapped = scores.mean(dim=0), scores.mean(dim=1)
    what = {"en": "the per-assignment means", "ko": "과제별 평균"}
    expect_tensor(got, what)
    if got.dim() == 0:
        fail("you returned a single number: that is the mean over the whole tensor. Take the mean along "
             "dim=0 (over the students) to get one mean per assignment",
             "숫자 하나만 반환했습니다. 텐서 전체의 평균을 구한 것입니다. dim=0(학생 축)을 따라 평균을 "
             "내서 과제마다 평균을 하나씩 구하세요")
    if (_shape(got) == _shape(swapped) != _shape(expected)) or (_same(got, swapped) and not _same(got, expected)):
        fail("you averaged over the assignments (dim=1), which gives one mean per student; an assignment's "
             "mean averages the students' scores, along dim=0: dim=0 and dim=1 are swapped",
             "dim=1(과제 축)을 따라 평균을 내서 학생마다 평균이 하나씩 나왔습니다. 과제별 평균은 학생들의 "
             "점수를 평균한 값이므로 dim=0을 따라 구해야 합니다. dim=0과 dim=1이 뒤바뀌었습니다")
    if _dropped_keepdim(got, expected, 0):
        _keepdim_not_wanted(got, expected)
    if _same(got, scores.sum(dim=0)):
        fail("these are the per-assignment sums, not the means: divide by the number of students "
             "(or use mean instead of sum)",
             "과제별 평균이 아니라 합계입니다. 학생 수로 나누거나 sum 대신 mean을 쓰세요")
    expect_close(got, expected, rtol=1e-5, atol=1e-4, what=what)


# --- best_assignment ------------------------------------------------------------

def _check_best(got, scores):
    if not isinstance(got, tuple) or len(got) != 2:
        kind = type(got).__name__ if not isinstance(got, tuple) else f"a tuple of {len(got)} values"
        fail(f"best_assignment must return a pair (values, indices), got {kind}: scores.max(dim=...) "
             "gives both at once",
             f"best_assignment는 (values, indices) 두 값을 반환해야 하는데 {kind}이(가) 나왔습니다. "
             "scores.max(dim=...)를 쓰면 둘을 한 번에 얻을 수 있습니다")
    values, indices = got
    expected_values, expected_indices = scores.max(dim=1)
    swapped_values, _ = scores.max(dim=0)
    v_what = {"en": "the best scores (values)", "ko": "최고 점수(values)"}
    i_what = {"en": "the indices of the best assignments", "ko": "최고 점수 과제의 인덱스(indices)"}
    expect_tensor(values, v_what)
    expect_tensor(indices, i_what)
    if values.dim() == 0 or indices.dim() == 0:
        fail("a single number came back: without `dim`, max and argmax reduce the whole tensor (and argmax "
             "then counts positions in the flattened tensor). Pass dim=1 to get one answer per student",
             "값이 하나만 나왔습니다. `dim` 없이 max나 argmax를 부르면 텐서 전체를 리덕션합니다 "
             "(argmax는 평탄화한 텐서에서의 위치를 돌려줍니다). dim=1을 넘겨서 학생마다 답을 하나씩 구하세요")
    if (_shape(values) == _shape(swapped_values) != _shape(expected_values)) or \
            (_same(values, swapped_values) and not _same(values, expected_values)):
        fail("you took the maximum over the students (dim=0), which gives the best score of each assignment; "
             "a student's best score is the maximum over that student's assignments, along dim=1: "
             "dim=0 and dim=1 are swapped",
             "dim=0(학생 축)을 따라 최댓값을 구해서 과제마다 최고 점수가 나왔습니다. 학생별 최고 점수는 "
             "그 학생의 과제 점수 중 최댓값이므로 dim=1을 따라 구해야 합니다. dim=0과 dim=1이 뒤바뀌었습니다")
    if _dropped_keepdim(values, expected_values, 1) or _dropped_keepdim(indices, expected_indices, 1):
        _keepdim_not_wanted(values if values.dim() > 1 else indices, expected_values)
    expect_close(values, expected_values, what=v_what)
    if indices.is_floating_point():
        fail(f"the indices have dtype {indices.dtype}: they must be integers (int64), as argmax returns them",
             f"인덱스의 dtype이 {indices.dtype}입니다. 인덱스는 argmax가 돌려주는 그대로 정수(int64)여야 합니다")
    if _same(indices, scores.argmin(dim=1)):
        fail("these are the positions of the lowest scores: use argmax (or the indices from max), not argmin",
             "가장 낮은 점수의 위치입니다. argmin이 아니라 argmax(또는 max가 돌려주는 indices)를 쓰세요")
    expect_close(indices, expected_indices, what=i_what)


# --- masked_mean ----------------------------------------------------------------

def _check_masked_mean(got, scores, mask, dim, expected):
    what = {"en": f"the masked mean along dim={dim}", "ko": f"dim={dim} 방향의 마스크 평균"}
    expect_tensor(got, what)
    if got.dim() == 0 and expected.dim() > 0:
        fail(f"you returned a single number, the mean of the kept entries of the whole tensor: "
             f"average along dim={dim} to get one mean per slice",
             f"숫자 하나만 반환했습니다. 텐서 전체에서 남긴 값들의 평균입니다. dim={dim} 방향으로 평균을 "
             f"내서 조각마다 평균을 하나씩 구하세요")
    kept = torch.where(mask, scores, torch.zeros_like(scores))
    counts = mask.sum(dim=dim)
    if scores.dim() == 2:
        other = 1 - dim % 2
        other_kept = kept.sum(dim=other) / mask.sum(dim=other).clamp_min(1)
        if (_shape(got) == _shape(other_kept) != _shape(expected)) or \
                (_same(got, other_kept) and not _same(got, expected)):
            fail(f"you averaged along dim={other}, but `dim` is {dim}: reduce along the `dim` you are given "
                 f"(dim=0 and dim=1 are swapped)",
                 f"dim={other} 방향으로 평균을 냈지만 `dim`은 {dim}입니다. 인자로 받은 `dim` 방향으로 "
                 f"리덕션하세요 (dim=0과 dim=1이 뒤바뀌었습니다)")
    if _dropped_keepdim(got, expected, dim):
        _keepdim_not_wanted(got, expected)
    if got.shape == expected.shape and got.is_floating_point():
        nan = torch.isnan(got.detach().cpu()) & ~torch.isnan(expected.detach().cpu())
        if bool(nan.any()):
            if bool((nan & (counts.cpu() == 0)).any()):
                fail("a slice with no True entry gave NaN (0 / 0): such a slice must give 0, so divide by the "
                     "count clamped to at least 1, e.g. mask.sum(dim).clamp_min(1)",
                     "True인 원소가 하나도 없는 조각에서 NaN(0 / 0)이 나왔습니다. 이런 조각은 0이 되어야 "
                     "하니, 개수가 최소 1이 되도록 clamp_min(1)을 적용한 뒤 나누세요. 예: mask.sum(dim).clamp_min(1)")
            if bool(torch.isnan(scores[~mask]).any()):
                fail("the masked-out entries hold NaN, and NaN * 0 is still NaN: multiplying by the mask does "
                     "not remove them. Pick the kept entries with torch.where(mask, scores, 0) before summing",
                     "마스크로 가린 자리에 NaN이 들어 있는데, NaN * 0도 NaN입니다. 마스크를 곱하는 것으로는 "
                     "이 값을 없앨 수 없습니다. 더하기 전에 torch.where(mask, scores, 0)로 남길 값만 고르세요")
        if _same(got, kept.sum(dim=dim) / scores.shape[dim]) and not _same(got, expected):
            fail(f"you divided by the length of each slice ({scores.shape[dim]}); divide by the number of "
                 f"True entries in each slice instead, mask.sum(dim)",
                 f"각 조각의 길이로 나누었습니다 (길이 = {scores.shape[dim]}). 대신 각 조각에서 True인 원소의 개수, "
                 f"즉 mask.sum(dim)으로 나누세요")
        if not bool(torch.isnan(scores).any()) and _same(got, scores.mean(dim=dim)) and not _same(got, expected):
            fail("the mask was ignored: this is the plain mean along `dim`. Average only the entries where the "
                 "mask is True",
                 "마스크를 무시했습니다. `dim` 방향의 평범한 평균이 나왔습니다. 마스크가 True인 원소만 "
                 "평균을 내세요")
    expect_close(got, expected, rtol=1e-5, atol=1e-5, what=what)


# --- normalize_features ---------------------------------------------------------

def _keepdim_texts(dim):
    return (f"take the mean and std along dim={dim} with keepdim=True: without it the reduced dimension "
            "disappears and broadcasting lines the statistics up with the wrong axis",
            f"평균과 표준편차는 keepdim=True로 차원을 유지한 채 dim={dim} 방향으로 구하세요. keepdim이 "
            "없으면 리덕션한 차원이 사라져서, 브로드캐스팅이 통계값을 엉뚱한 축에 맞춰 버립니다")


def _normalize_call(sub, x, dim):
    """sub.normalize_features(x, dim), with a broadcasting error explained."""
    try:
        return sub.normalize_features(x, dim)
    except SubmissionRaised as exc:
        message = str(exc.info.get("message", ""))
        if "must match the size of tensor" in message:
            en, ko = _keepdim_texts(dim)
            fail(f"your code raised {exc.info.get('type', 'RuntimeError')} ({message}): " + en,
                 f"코드에서 {exc.info.get('type', 'RuntimeError')} 예외가 발생했습니다 ({message}). " + ko)
        raise


def _check_normalize(got, x, dim, expected):
    what = {"en": "the normalised tensor", "ko": "정규화한 텐서"}
    expect_tensor(got, what)
    if got.shape != x.shape:
        fail(f"the output has shape {_shape(got)} but the input has shape {_shape(x)}: normalising keeps "
             "the shape (subtract and divide, do not reduce the result)",
             f"입력의 shape은 {_shape(x)}인데 출력의 shape은 {_shape(got)}입니다. 정규화는 shape을 "
             "바꾸지 않습니다 (빼고 나누기만 하고, 결과를 리덕션하지 마세요)")
    if got.is_floating_point() and got.dtype == x.dtype:
        g = got.detach().cpu().double()
        xd = x.detach().cpu().double()
        n = x.shape[dim]
        means, stds = g.mean(dim=dim), g.std(dim=dim)
        if not (torch.allclose(means, torch.zeros_like(means), atol=1e-3)
                and torch.allclose(stds, torch.ones_like(stds), atol=1e-3)):
            if abs(float(g.mean())) < 1e-3 and abs(float(g.std()) - 1) < 1e-3:
                fail(f"the tensor as a whole has mean 0 and std 1, but the slices along dim={dim} do not: you "
                     f"took the mean over the whole tensor (and its std). Take both along dim={dim} with "
                     "keepdim=True",
                     f"텐서 전체로 보면 평균 0, 표준편차 1이지만 dim={dim} 방향의 조각들은 그렇지 않습니다. "
                     f"텐서 전체의 평균(과 표준편차)을 쓴 것입니다. 둘 다 keepdim=True로 dim={dim} 방향을 "
                     "따라 구하세요")
            stats = (f"means from {float(means.min()):.3g} to {float(means.max()):.3g}, "
                     f"stds from {float(stds.min()):.3g} to {float(stds.max()):.3g}")
            stats_ko = (f"평균 {float(means.min()):.3g}~{float(means.max()):.3g}, "
                        f"표준편차 {float(stds.min()):.3g}~{float(stds.max()):.3g}")
            try:
                no_keepdim = (xd - xd.mean(dim=dim)) / xd.std(dim=dim)
            except RuntimeError:
                no_keepdim = None
            if no_keepdim is not None and _same(g, no_keepdim):
                en, ko = _keepdim_texts(dim)
                fail(f"after normalising, every slice along dim={dim} should have mean 0 and std 1, but they "
                     f"do not ({stats}): " + en,
                     f"정규화한 뒤에는 dim={dim} 방향의 모든 조각이 평균 0, 표준편차 1이어야 하는데 그렇지 "
                     f"않습니다 ({stats_ko}). " + ko)
            if torch.allclose(means, torch.zeros_like(means), atol=1e-3) and n > 1 and \
                    torch.allclose(stds, torch.full_like(stds, (n / (n - 1)) ** 0.5), atol=1e-3):
                fail("almost right: the slices have mean 0, but their std is sqrt(n / (n - 1)), not 1: you used the "
                     "population std (correction=0 / unbiased=False); use torch's default std (correction=1)",
                     "거의 맞았습니다. 각 조각의 평균은 0이지만 표준편차가 1이 아니라 sqrt(n / (n - 1))입니다. "
                     "모표준편차(correction=0 / unbiased=False)를 썼네요. torch 기본값인 표준편차"
                     "(correction=1)를 쓰세요")
            if torch.allclose(means, torch.zeros_like(means), atol=1e-3):
                fail(f"the slices along dim={dim} have mean 0 but not std 1 ({stats}): divide by the std along "
                     f"dim={dim} (keepdim=True)",
                     f"dim={dim} 방향 조각들의 평균은 0이지만 표준편차가 1이 아닙니다 ({stats_ko}). "
                     f"dim={dim} 방향의 표준편차(keepdim=True)로 나누세요")
            fail(f"after normalising, every slice along dim={dim} should have mean 0 and std 1, but they do "
                 f"not ({stats}): subtract the mean along dim={dim} and divide by the std along dim={dim}",
                 f"정규화한 뒤에는 dim={dim} 방향의 모든 조각이 평균 0, 표준편차 1이어야 하는데 그렇지 "
                 f"않습니다 ({stats_ko}). dim={dim} 방향의 평균을 빼고 dim={dim} 방향의 표준편차로 나누세요")
    expect_close(got, expected, rtol=1e-4, atol=1e-5, what=what)


@pytest.fixture
def check_totals():
    """check_totals(got, scores): per-student totals, with the usual mistakes diagnosed."""
    return _check_totals


@pytest.fixture
def check_means():
    """check_means(got, scores): per-assignment means, with the usual mistakes diagnosed."""
    return _check_means


@pytest.fixture
def check_best():
    """check_best(got, scores): the (values, indices) pair from best_assignment."""
    return _check_best


@pytest.fixture
def check_masked_mean(ref):
    """check_masked_mean(got, scores, mask, dim): compares with the reference after diagnosing."""
    return lambda got, scores, mask, dim: _check_masked_mean(got, scores, mask, dim,
                                                             ref.masked_mean(scores, mask, dim))


@pytest.fixture
def normalize(sub):
    """normalize(x, dim): calls the learner's normalize_features, explaining a broadcasting error."""
    return lambda x, dim: _normalize_call(sub, x, dim)


@pytest.fixture
def check_normalize(ref):
    """check_normalize(got, x, dim): slice statistics first, then the values."""
    return lambda got, x, dim: _check_normalize(got, x, dim, ref.normalize_features(x, dim))
