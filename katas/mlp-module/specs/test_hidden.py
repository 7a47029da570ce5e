"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=2)
def test_a_single_image(check_logits, images):
    check_logits(1, images(seed=1, n=1))


@pytest.mark.hidden(points=2)
def test_a_larger_batch_of_normalised_images(check_logits, images):
    # Normalised images (mean 0.5, std 0.5) take negative values too.
    check_logits(2, (images(seed=2, n=32) - 0.5) / 0.5)


@pytest.mark.hidden(points=1)
def test_float64_model_and_images(check_logits, images):
    check_logits(3, images(seed=3, n=3).double())


@pytest.mark.hidden(points=3)
def test_gradients_reach_every_parameter(check_gradients, images, labels):
    check_gradients(4, images(seed=4, n=8), labels(seed=4, n=8))

