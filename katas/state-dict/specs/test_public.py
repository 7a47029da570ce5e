"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest


@pytest.mark.public(points=3)
def test_checkpoint_file_holds_the_state_dicts(sub, checks):
    report = sub.harness.inspect_save("mlp", 0, 5)
    checks.file(report, 5)


@pytest.mark.public(points=3)
def test_load_model_gives_back_the_saved_model(sub, checks):
    report = sub.harness.load_into_fresh("mlp", 1)
    if report["error"]:
        checks.raised("load_model", report["error"])
    checks.loaded(report, report["expected_output"])


@pytest.mark.public(points=2)
def test_load_model_uses_weights_only(sub, checks):
    report = sub.harness.load_into_fresh("mlp", 2)
    if report["error"]:
        checks.raised("load_model", report["error"])
    checks.weights_only(report["loads"], "load_model")


@pytest.mark.public(points=3)
def test_resume_continues_exactly(sub, checks):
    report = sub.harness.resume_training("mlp", 3, "adam", 4)
    if report["error"]:
        checks.raised("resume", report["error"])
    checks.weights_only(report["loads"], "resume")
    checks.resumed(report["epoch"], 4, report["losses"], report["expected_losses"], report["optimizer_state_loaded"])
