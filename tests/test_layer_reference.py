"""tg.nn's normalisation, embedding and activation layers agree with PyTorch 2.13 (float64 fixtures).

tests/fixtures/make_layer_reference.py ran each torch module over a few train/eval steps and stored
the inputs, outputs, gradients (input and parameters), and the state_dict after every step. Here
each module is built with tg, given torch's starting state, and replayed step by step.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

FIXTURE = np.load(Path(__file__).parent / "fixtures" / "layer_reference.npz")
CASES = json.loads(str(FIXTURE["__cases__"]))
# Every step is a handful of float64 operations: agreement to a few ulp is expected; the atol only
# covers values that cancel to about zero (a normalised row's mean, x − tanh x near 0).
RTOL, ATOL = 1e-12, 1e-14


def _weights(shape: tuple[int, ...]) -> np.ndarray:
    return (np.arange(int(np.prod(shape))).reshape(shape) % 7 + 1) / 7.0


def _build(case: dict) -> tg.nn.Module:
    args = [tuple(a) if isinstance(a, list) else a for a in case["args"]]
    return getattr(tg.nn, case["module"])(*args, **case["kwargs"]).to(tg.float64)


def _state(case: dict, prefix: str) -> dict[str, np.ndarray]:
    return {key: FIXTURE[f"{case['name']}/{prefix}/{key}"] for key in case["state_keys"]}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_layer_matches_pytorch_over_train_and_eval_steps(case: dict) -> None:
    name = case["name"]
    module = _build(case)
    module.load_state_dict(_state(case, "initial"))
    params = dict(module.named_parameters())
    assert list(params) == case["parameters"]
    for i, mode in enumerate(case["modes"]):
        module.train(mode == "train")
        module.zero_grad()
        data = FIXTURE[f"{name}/{i}/input"]
        x = tg.tensor(data, requires_grad=data.dtype.kind == "f")
        output = module(x)
        expected = FIXTURE[f"{name}/{i}/output"]
        assert output.shape == expected.shape
        np.testing.assert_allclose(output.numpy(), expected, rtol=RTOL, atol=ATOL, err_msg=f"step {i} output")
        (output * tg.tensor(_weights(output.shape))).sum().backward()
        if x.requires_grad:
            np.testing.assert_allclose(
                x.grad.numpy(),
                FIXTURE[f"{name}/{i}/grad/input"],
                rtol=RTOL,
                atol=ATOL,
                err_msg=f"step {i} dx",
            )
        for key, param in params.items():
            expected_grad = FIXTURE[f"{name}/{i}/grad/{key}"]
            np.testing.assert_allclose(
                param.grad.numpy(), expected_grad, rtol=RTOL, atol=ATOL, err_msg=f"step {i} d{key}"
            )
        state = module.state_dict()
        assert list(state) == case["state_keys"]
        for key, value in _state(case, f"{i}/state").items():
            assert state[key].dtype == value.dtype, key
            np.testing.assert_allclose(
                state[key].numpy(), value, rtol=RTOL, atol=ATOL, err_msg=f"step {i} {key}"
            )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_layer_starts_with_pytorchs_state_names_shapes_dtypes_and_defaults(case: dict) -> None:
    module = getattr(tg.nn, case["module"])(
        *[tuple(a) if isinstance(a, list) else a for a in case["args"]], **case["kwargs"]
    )
    state = module.state_dict()
    assert list(state) == case["state_keys"]
    for key, torch_value in _state(case, "default").items():
        ours = state[key]
        assert ours.shape == torch_value.shape, key
        # floats are floats (torch's were made in float64 there), num_batches_tracked is int64
        assert ours.dtype.kind == torch_value.dtype.kind, key
        assert (ours.dtype == np.int64) == (torch_value.dtype == np.int64), key
        if case["module"] != "Embedding":  # a random N(0, 1) table: its moments are checked elsewhere
            np.testing.assert_array_equal(ours.numpy(), torch_value.astype(ours.dtype), err_msg=key)
