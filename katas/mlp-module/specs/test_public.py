"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest


@pytest.mark.public(points=3)
def test_layers_are_flatten_then_linear_relu_stack(check_layers):
    check_layers(seed=0)


@pytest.mark.public(points=2)
def test_parameter_names_shapes_and_count(check_structure):
    # linear_relu_stack.0.weight (512, 784), .0.bias (512,), .2.weight (512, 512), .2.bias (512,),
    # .4.weight (10, 512), .4.bias (10,): 669,706 parameters in all.
    check_structure(seed=0)


@pytest.mark.public(points=3)
def test_logits_for_a_batch_of_four_images(check_logits, images):
    # Four 28x28 grey images; the weights come from harness.weights(0), loaded by parameter name.
    check_logits(0, images(seed=0, n=4))
