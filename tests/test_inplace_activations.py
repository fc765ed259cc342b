"""PyTorch's ``inplace`` switch on activations (``nn.ReLU(inplace=True)``, ``F.relu(x, inplace=True)``):
the result is written into the input where no graph is recorded through it; inside a graph the
input is left as it was and the result is a new tensor (same values and gradients)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

VALUES = [-4.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.0]

MODULES = {
    "ReLU": lambda inplace: nn.ReLU(inplace=inplace),
    "LeakyReLU": lambda inplace: nn.LeakyReLU(0.2, inplace=inplace),
    "ELU": lambda inplace: nn.ELU(inplace=inplace),
    "SELU": lambda inplace: nn.SELU(inplace=inplace),
    "CELU": lambda inplace: nn.CELU(0.5, inplace=inplace),
    "SiLU": lambda inplace: nn.SiLU(inplace=inplace),
    "Mish": lambda inplace: nn.Mish(inplace=inplace),
    "Hardtanh": lambda inplace: nn.Hardtanh(inplace=inplace),
    "ReLU6": lambda inplace: nn.ReLU6(inplace=inplace),
    "Hardsigmoid": lambda inplace: nn.Hardsigmoid(inplace=inplace),
    "Hardswish": lambda inplace: nn.Hardswish(inplace=inplace),
    "Threshold": lambda inplace: nn.Threshold(0.1, 20.0, inplace=inplace),
    "RReLU(eval)": lambda inplace: nn.RReLU(inplace=inplace).eval(),
}


@pytest.mark.parametrize("name", MODULES)
def test_inplace_writes_the_result_into_a_tensor_outside_any_graph(name):
    expected = MODULES[name](False)(tg.tensor(VALUES)).numpy()
    x = tg.tensor(VALUES)
    out = MODULES[name](True)(x)
    assert out is x
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("name", MODULES)
def test_inside_a_graph_inplace_gives_the_same_values_and_gradients(name):
    base = tg.tensor(VALUES, requires_grad=True)
    reference = tg.tensor(VALUES, requires_grad=True)
    (MODULES[name](True)(base * 1.0) * tg.tensor(VALUES)).sum().backward()
    (MODULES[name](False)(reference * 1.0) * tg.tensor(VALUES)).sum().backward()
    np.testing.assert_array_equal(base.grad.numpy(), reference.grad.numpy())


def test_inplace_under_no_grad_changes_a_parameter_like_tensor():
    x = tg.tensor([-1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        F.relu(x, inplace=True)
    assert x.tolist() == [0.0, 2.0]


def test_a_sequential_cnn_block_with_inplace_relu_trains():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(inplace=True), nn.Linear(8, 2))
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    x, y = tg.randn(16, 4), tg.tensor([0, 1] * 8)
    losses = []
    for _ in range(30):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_reprs_show_inplace_as_pytorch():
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)" and repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.LeakyReLU(0.2, inplace=True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.ReLU6(inplace=True)) == "ReLU6(inplace=True)"
