"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_close


@pytest.mark.public(points=3)
def test_linear_layers_run_in_bfloat16(sub, ref, checks, batch):
    x, y = batch(0)
    report = sub.harness.forward(0, x, y)
    checks.precision(report, "mixed_forward")
    expect_close(report["logits"], ref.harness.forward(0, x, y)["logits"], what={"en": "the logits", "ko": "로짓"})


@pytest.mark.public(points=3)
def test_probs_and_loss_are_float32(sub, ref, checks, batch):
    x, y = batch(1)
    checks.forward(sub.harness.forward(1, x, y), ref.harness.forward(1, x, y))


@pytest.mark.public(points=2)
def test_weights_stay_float32(sub, ref, checks, batch):
    x, y = batch(2)
    report = sub.harness.forward(2, x, y)
    checks.weights(report, "mixed_forward")
    # The dtypes are the learner's process's report: the point also needs the loss that process computed
    # (to bfloat16's precision: this test is about the weights, not about where autocast is).
    want = ref.harness.forward(2, x, y)
    expect_close(report["loss"], want["loss"], dtype=torch.bfloat16, check_dtype=False,
                 condition=float(want["logits"].float().abs().max()), what={"en": "the loss", "ko": "손실"})


@pytest.mark.public(points=3)
def test_train_step_follows_the_reference(sub, ref, checks, batch):
    x, y = batch(3)
    checks.training(sub.harness.train(3, x, y, 0.5, 5), ref.harness.train(3, x, y, 0.5, 5), 5,
                    ref.harness.forward(3, x, y)["logits"])
