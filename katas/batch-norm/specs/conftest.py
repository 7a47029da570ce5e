"""Shared by the batch-norm specs: drive the learner's layer through steps and compare every step
with torch's own nn.BatchNorm1d, run here (in the grader, where it is not forbidden) in float64.

Tolerances: a float64 oracle, with condition = N * max|x| / min std. Batch statistics are sums over
the N rows, and normalising divides the rounding error of x - mean by the feature's std.
"""
import pytest
import torch

from torchkata.spec import expect, expect_close, fail


def torch_run(num_features, options, gamma, beta, steps):
    """The oracle: the same steps through torch.nn.BatchNorm1d in float64.

    On one thread: these batches are tiny, and waking a second intra-op thread for each call of the
    batch-norm kernel costs a tenth of a second on a busy machine. The setting is restored afterwards.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _torch_run(num_features, options, gamma, beta, steps)
    finally:
        torch.set_num_threads(threads)


def _torch_run(num_features, options, gamma, beta, steps):
    layer = torch.nn.BatchNorm1d(num_features, **options).double()
    with torch.no_grad():
        layer.weight.copy_(gamma)
        layer.bias.copy_(beta)
    records = []
    for mode, x, grad_out in steps:
        layer.train(mode == "train")
        x = x.double().requires_grad_(grad_out is not None)
        out = layer(x)
        record = {"out": out.detach(), "running_mean": layer.running_mean.clone(),
                  "running_var": layer.running_var.clone()}
        if grad_out is not None:
            layer.zero_grad()
            (out * grad_out.double()).sum().backward()
            record.update(x_grad=x.grad, weight_grad=layer.weight.grad.clone(), bias_grad=layer.bias.grad.clone())
        records.append(record)
    return records


def condition(steps) -> float:
    worst = 1.0
    for mode, x, _ in steps:
        if mode == "train":
            x = x.double()
            std = x.var(dim=0, correction=0).sqrt().min().clamp_min(1e-12)
            worst = max(worst, x.shape[0] * float(x.abs().max() / std))
    return worst


def _words(mode, i):
    return {"en": f"step {i} ({'training' if mode == 'train' else 'evaluation'} mode)",
            "ko": f"{i}번째 스텝({'학습' if mode == 'train' else '평가'} 모드)"}


def _what(name_en, name_ko, where):
    return {"en": f"{name_en} after {where['en']}", "ko": f"{where['ko']} 뒤의 {name_ko}"}


@pytest.fixture
def check_steps(sub):
    """Run the steps through the learner's layer (float32, or `dtype`) and compare each one with torch's."""
    def check(num_features, options, gamma, beta, steps, dtype=torch.float32):
        got = sub.harness.run(num_features, options, gamma, beta, steps, dtype)
        want = torch_run(num_features, options, gamma, beta, steps)
        cond = condition(steps)
        before = None
        for i, ((mode, _, grad_out), g, w) in enumerate(zip(steps, got, want), start=1):
            where = _words(mode, i)
            if g["stats_require_grad"]:
                fail("running_mean / running_var are part of the autograd graph: update them inside "
                     "torch.no_grad() (or from detached batch statistics); they are statistics, not something "
                     "to differentiate",
                     "running_mean / running_var가 계산 그래프에 들어갔습니다. torch.no_grad() 안에서 "
                     "(또는 detach한 배치 통계로) 갱신하세요. 이 값들은 통계일 뿐, 미분할 대상이 아닙니다")
            if mode == "eval" and before is not None and not (
                    torch.equal(g["running_mean"], before[0]) and torch.equal(g["running_var"], before[1])):
                fail("the running statistics changed in evaluation mode: update them only when self.training "
                     "is True; .eval() freezes them",
                     "평가 모드에서 이동 평균(running) 통계가 바뀌었습니다. self.training이 True일 때만 갱신하세요. "
                     ".eval() 다음에는 고정되어야 합니다", [where])
            before = (g["running_mean"], g["running_var"])
            expect_close(g["out"], w["out"], dtype=dtype, condition=cond,
                         what=_what("the output", "출력", where))
            expect_close(g["running_mean"], w["running_mean"], dtype=dtype, condition=cond,
                         what=_what("running_mean", "running_mean", where))
            expect_close(g["running_var"], w["running_var"], dtype=dtype, condition=cond,
                         what=_what("running_var", "running_var", where))
            if grad_out is not None:
                for name in ("x_grad", "weight_grad", "bias_grad"):
                    label = {"x_grad": "the gradient of x", "weight_grad": "weight.grad",
                             "bias_grad": "bias.grad"}[name]
                    label_ko = {"x_grad": "x의 그래디언트", "weight_grad": "weight.grad",
                                "bias_grad": "bias.grad"}[name]
                    expect(g[name] is not None,
                           en=f"{label} is None after backward: compute the output from x, weight and bias with "
                              "differentiable torch operations",
                           ko=f"backward 뒤에 {label_ko}가 None입니다. 출력은 미분 가능한 torch 연산으로 x, weight, "
                              "bias에서 계산하세요")
                    expect_close(g[name], w[name], dtype=dtype, condition=cond, what=_what(label, label_ko, where))
        return got
    return check


@pytest.fixture
def check_fresh(sub):
    """A new layer: parameters weight and bias, buffers running_mean and running_var, their starting values,
    and its first training step (against torch's own, run here)."""
    def check(num_features, options):
        x = 1.5 + 2.0 * torch.randn(6, num_features, generator=torch.Generator().manual_seed(num_features))
        f = sub.harness.fresh(num_features, options, x)
        expect(f["is_module"],
               en="BatchNorm1d must be an nn.Module: declare it as class BatchNorm1d(nn.Module) and call "
                  "super().__init__() first",
               ko="BatchNorm1d는 nn.Module이어야 합니다. class BatchNorm1d(nn.Module)로 선언하고 "
                  "super().__init__()을 먼저 호출하세요")
        params, buffers, c = f["parameters"], f["buffers"], [num_features]
        listed = {"en": f"parameters: {params}; buffers: {buffers}", "ko": f"파라미터: {params}, 버퍼: {buffers}"}
        if {"running_mean", "running_var"} & set(params):
            fail("running_mean and running_var are buffers, not parameters: create them with "
                 "self.register_buffer(name, tensor), so that they are saved in the state_dict and moved by .to(), "
                 "but never changed by an optimizer",
                 "running_mean과 running_var는 파라미터가 아니라 버퍼입니다. self.register_buffer(이름, 텐서)로 "
                 "만드세요. 그래야 state_dict에 저장되고 .to()로 함께 옮겨지지만, 옵티마이저는 건드리지 않습니다",
                 [listed])
        if params != {"weight": c, "bias": c}:
            fail("the layer's parameters must be exactly weight (gamma) and bias (beta), each of shape "
                 "(num_features,): create them as nn.Parameter attributes named weight and bias",
                 "레이어의 파라미터는 정확히 weight(감마)와 bias(베타)여야 하고, 각각 shape이 (num_features,)입니다. "
                 "weight와 bias라는 이름의 nn.Parameter 속성으로 만드세요", [listed])
        if buffers.get("running_mean") != c or buffers.get("running_var") != c:
            fail("the layer needs two buffers of shape (num_features,), running_mean and running_var: create "
                 "them with self.register_buffer (a plain attribute is not saved in the state_dict)",
                 "레이어에는 shape이 (num_features,)인 버퍼 두 개, running_mean과 running_var가 있어야 합니다. "
                 "self.register_buffer로 만드세요 (그냥 속성으로 두면 state_dict에 저장되지 않습니다)", [listed])
        saved = set(f["state_dict"])
        if not {"weight", "bias", "running_mean", "running_var"} <= saved:
            fail("the layer's state_dict must hold weight, bias, running_mean and running_var: register the running "
                 "statistics with self.register_buffer(name, tensor) (not persistent=False), so that they are saved "
                 "and loaded with the model",
                 "레이어의 state_dict에 weight, bias, running_mean, running_var가 모두 있어야 합니다. 이동 평균(running) "
                 "통계는 self.register_buffer(이름, 텐서)로 등록하세요 (persistent=False는 빼고). 그래야 모델과 함께 "
                 "저장되고 불러와집니다",
                 [{"en": f"state_dict keys: {sorted(saved)}", "ko": f"state_dict의 키: {sorted(saved)}"}])
        starts = {"weight": torch.ones(num_features), "bias": torch.zeros(num_features),
                  "running_mean": torch.zeros(num_features), "running_var": torch.ones(num_features)}
        for name, start in starts.items():
            value = f[name]
            if not (value.dtype == torch.float32 and torch.equal(value, start)):
                fill = "ones" if float(start[0]) == 1 else "zeros"
                fill_ko = "1" if fill == "ones" else "0"
                fail(f"a new layer starts with {name} = torch.{fill}(num_features) (float32), as nn.BatchNorm1d does",
                     f"새 레이어의 {name} 초깃값은 nn.BatchNorm1d처럼 torch.{fill}(num_features)(float32, 모든 원소가 "
                     f"{fill_ko})이어야 합니다",
                     [{"en": f"{name} is {value}", "ko": f"{name}: {value}"}])
        expect(f["training"],
               en="a new layer must start in training mode (self.training is True): do not call .eval() in __init__",
               ko="새로 만든 레이어는 학습 모드(self.training이 True)에서 시작해야 합니다. __init__에서 .eval()을 "
                  "호출하지 마세요")
        # What the layer holds is reported by the learner's process; what it computes decides the point.
        step = [("train", x, None)]
        want = torch_run(num_features, options, torch.ones(num_features), torch.zeros(num_features), step)[0]
        where = _words("train", 1)
        for name, label_ko in (("out", "출력"), ("running_mean", "running_mean"), ("running_var", "running_var")):
            expect_close(f["first_step"][name], want[name], dtype=torch.float32, condition=condition(step),
                         what=_what("the output" if name == "out" else name, label_ko, where))
    return check
