"""PyTorch parity, session 6 round 2: load_state_dict(assign=True), MultiLabelMarginLoss,
TripletMarginWithDistanceLoss, RuntimeError-compatible loss errors, top-level pixel_shuffle & co.

Reference numbers come from tests/fixtures/parity_round6b.npz (made by make_parity_round6b.py with
PyTorch); torch itself is never imported here.
"""

import subprocess
import sys

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F


# -- top-level rearrangements (torch.pixel_shuffle, torch.pixel_unshuffle, torch.channel_shuffle)
def test_top_level_rearrangements_are_the_functional_ones():
    assert tg.pixel_shuffle is F.pixel_shuffle
    assert tg.pixel_unshuffle is F.pixel_unshuffle
    assert tg.channel_shuffle is F.channel_shuffle
    x = tg.arange(32.0).reshape(1, 8, 2, 2)
    assert tg.pixel_shuffle(x, 2).shape == (1, 2, 4, 4)
    assert np.array_equal(tg.pixel_unshuffle(tg.pixel_shuffle(x, 2), 2).numpy(), x.numpy())
    assert tg.channel_shuffle(x, 2).shape == (1, 8, 2, 2)


def test_importing_the_package_does_not_load_nn_for_the_lazy_rearrangements():
    code = "import sys, tinygrad_adam; print('tinygrad_adam.nn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- loss errors that PyTorch raises as RuntimeError are RuntimeErrors here too (and keep their old type)
def test_cross_entropy_with_float_class_labels_is_a_type_error_and_a_runtime_error():
    logits = tg.randn(3, 4)
    for loss in (F.cross_entropy, F.nll_loss, tg.nn.MultiMarginLoss()):
        with pytest.raises(TypeError, match="integer"):
            loss(logits, tg.tensor([0.0, 1.0, 2.0]))
        with pytest.raises(RuntimeError, match="integer"):
            loss(logits, tg.tensor([0.0, 1.0, 2.0]))


def test_binary_cross_entropy_outside_the_unit_interval_is_a_value_error_and_a_runtime_error():
    probabilities = tg.tensor([0.5, 0.5])
    with pytest.raises(ValueError, match=r"input value must lie in \[0, 1\]"):
        F.binary_cross_entropy(tg.tensor([0.5, 1.5]), tg.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match=r"target value must lie in \[0, 1\]"):
        tg.nn.BCELoss()(probabilities, tg.tensor([0.0, 2.0]))


def test_class_weight_of_the_wrong_length_is_a_value_error_and_a_runtime_error():
    logits, labels = tg.randn(3, 4), tg.tensor([0, 1, 2])
    for loss in (
        tg.nn.CrossEntropyLoss(weight=tg.ones(3)),
        tg.nn.NLLLoss(weight=tg.ones(5)),
        tg.nn.MultiMarginLoss(weight=tg.ones(5)),
    ):
        with pytest.raises(ValueError, match="weight"):
            loss(logits, labels)
        with pytest.raises(RuntimeError, match="weight"):
            loss(logits, labels)


def test_class_weight_of_another_float_dtype_is_a_type_error_and_a_runtime_error():
    with pytest.raises(RuntimeError, match="float64"):
        F.cross_entropy(tg.randn(3, 4), tg.tensor([0, 1, 2]), weight=tg.ones(4, dtype=tg.float64))
    with pytest.raises(TypeError, match="float64"):
        F.cross_entropy(tg.randn(3, 4), tg.tensor([0, 1, 2]), weight=tg.ones(4, dtype=tg.float64))

