"""Public specs: the learner sees these inputs and every detail of a failure.

Every observation of the learner's code is compared with the reference's in the same driver; the
checkpoints load_model and resume are given were written by the reference's save_checkpoint.
"""
import pytest


@pytest.mark.public(points=3)
def test_checkpoint_file_holds_the_state_dicts(sub, ref, checks, data):
    x, y = data("mlp", 0)
    checks.file(sub.harness.save_file("mlp", 0, x, y, 5), ref.harness.save_file("mlp", 0, x, y, 5), 5)


@pytest.mark.public(points=3)
def test_load_model_gives_back_the_saved_model(sub, ref, checks, data):
    checkpoint = checks.reference_file(ref, "mlp", 1, 3)
    x, _ = data("mlp", 1)
    checks.loaded(sub.harness.load_into_fresh("mlp", 101, checkpoint, x),
                  ref.harness.load_into_fresh("mlp", 101, checkpoint, x))


@pytest.mark.public(points=2)
def test_load_model_uses_weights_only(sub, ref, checks, data):
    checkpoint = checks.reference_file(ref, "mlp", 2, 3)
    x, _ = data("mlp", 2)
    checks.loaded(sub.harness.load_into_fresh("mlp", 102, checkpoint, x),
                  ref.harness.load_into_fresh("mlp", 102, checkpoint, x))
    # the same checkpoint with the run's arguments pickled in, on a PyTorch older than 2.6 (simulated)
    unsafe = ref.harness.with_training_arguments(checkpoint)
    checks.refuses_pickled_objects(sub, sub.harness.load_under_old_default("mlp", 102, unsafe, x),
                                   ref.harness.load_under_old_default("mlp", 102, unsafe, x), "load_model")


@pytest.mark.public(points=3)
def test_resume_continues_exactly(sub, ref, checks, data):
    checkpoint = checks.reference_file(ref, "mlp", 3, 4)
    x, y = data("mlp", 3)
    checks.resumed(sub.harness.resume_training("mlp", 103, "adam", checkpoint, x, y, 4),
                   ref.harness.resume_training("mlp", 103, "adam", checkpoint, x, y, 4), 4)
    unsafe = ref.harness.with_training_arguments(checkpoint)
    checks.refuses_pickled_objects(sub, sub.harness.resume_under_old_default("mlp", 103, "adam", unsafe),
                                   ref.harness.resume_under_old_default("mlp", 103, "adam", unsafe), "resume")
