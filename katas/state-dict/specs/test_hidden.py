"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=2)
def test_batch_norm_buffers_come_back(sub, checks):
    report = sub.harness.load_into_fresh("bn", 7)
    if report["error"]:
        checks.raised("load_model", report["error"])
    checks.loaded(report, report["expected_output"])


@pytest.mark.hidden(points=1)
def test_another_checkpoint_file(sub, checks):
    checks.file(sub.harness.inspect_save("bn", 4, 12, "model_v2.pth"), 12)


@pytest.mark.hidden(points=2)
def test_resume_with_sgd_momentum(sub, checks):
    report = sub.harness.resume_training("bn", 8, "sgd_momentum", 9, "resume.ckpt")
    if report["error"]:
        checks.raised("resume", report["error"])
    checks.resumed(report["epoch"], 9, report["losses"], report["expected_losses"], report["optimizer_state_loaded"])


@pytest.mark.hidden(points=2)
def test_your_save_and_your_load_fit_together(sub, checks):
    report = sub.harness.own_round_trip("bn", 11, 20)
    if report["error"]:
        checks.raised("save_checkpoint, load_model or resume", report["error"])
    for number, facts in enumerate(report["models"]):
        checks.loaded(facts, facts["expected_output"])
        checks.resumed(facts["epoch"], 20 + number, facts["losses"], facts["expected_losses"])


@pytest.mark.hidden(points=1)
def test_two_checkpoints_in_two_files(sub, checks):
    report = sub.harness.own_round_trip("mlp", 13, 1, ("run_a.pt", "run_b.pt"))
    if report["error"]:
        checks.raised("save_checkpoint, load_model or resume", report["error"])
    for number, facts in enumerate(report["models"]):
        checks.loaded(facts, facts["expected_output"])
        checks.resumed(facts["epoch"], 1 + number, facts["losses"], facts["expected_losses"])
