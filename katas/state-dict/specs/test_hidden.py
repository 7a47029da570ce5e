"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=2)
def test_batch_norm_buffers_come_back(sub, ref, checks, data):
    checkpoint = checks.reference_file(ref, "bn", 7, 3)
    x, _ = data("bn", 7)
    checks.loaded(sub.harness.load_into_fresh("bn", 107, checkpoint, x),
                  ref.harness.load_into_fresh("bn", 107, checkpoint, x))


@pytest.mark.hidden(points=1)
def test_another_checkpoint_file(sub, ref, checks, data):
    x, y = data("bn", 4)
    checks.file(sub.harness.save_file("bn", 4, x, y, 12, "model_v2.pth"),
                ref.harness.save_file("bn", 4, x, y, 12, "model_v2.pth"), 12)


@pytest.mark.hidden(points=2)
def test_resume_with_sgd_momentum(sub, ref, checks, data):
    checkpoint = checks.reference_file(ref, "bn", 8, 9, "sgd_momentum")
    x, y = data("bn", 8)
    checks.resumed(sub.harness.resume_training("bn", 108, "sgd_momentum", checkpoint, x, y, 9),
                   ref.harness.resume_training("bn", 108, "sgd_momentum", checkpoint, x, y, 9), 9)


@pytest.mark.hidden(points=2)
def test_your_save_and_your_load_fit_together(sub, ref, checks, data):
    x, y = data("bn", 11)
    checks.round_trip(sub.harness.own_round_trip("bn", (11, 12), x, y, 20),
                      ref.harness.own_round_trip("bn", (11, 12), x, y, 20), "save_checkpoint, load_model or resume")


@pytest.mark.hidden(points=1)
def test_two_checkpoints_in_two_files(sub, ref, checks, data):
    x, y = data("mlp", 13)
    names = ("run_a.pt", "run_b.pt")
    checks.round_trip(sub.harness.own_round_trip("mlp", (13, 14), x, y, 1, names),
                      ref.harness.own_round_trip("mlp", (13, 14), x, y, 1, names),
                      "save_checkpoint, load_model or resume")
