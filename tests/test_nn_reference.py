"""tg.nn.functional agrees with PyTorch on losses, GELU and gradient clipping (float64 fixtures).

The numbers come from tests/fixtures/make_nn_reference.py (run once with torch installed).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F

FIXTURE = np.load(Path(__file__).parent / "fixtures" / "nn_reference.npz")
CASES = json.loads(str(FIXTURE["__cases__"]))

# Where PyTorch itself is less exact, the comparison allows for PyTorch's error (ours is checked
# against exact closed forms in test_layers.py and test_losses.py):
# - GELU: PyTorch forms 1 + erf(x/√2) and 1 + tanh(...), which cancel for negative x, leaving an
#   absolute error of about |x| ulp(1); we use erfc and the sigmoid instead.
# - BCE at p = 0 or 1: PyTorch's gradient floor 1e-12 is rounded to float32 (9.9999999600e-13).
#   Its target gradient there is log(1 - p) - log p without the floors (infinite); ours is the
#   derivative of the floored loss that is actually computed, so that one is not compared.
TOLERANCES = {
    "gelu_exact": {"output": {"rtol": 1e-13, "atol": 3e-15}, "grad": {"rtol": 1e-12, "atol": 3e-15}},
    "gelu_tanh": {"output": {"rtol": 1e-13, "atol": 3e-15}, "grad": {"rtol": 1e-12, "atol": 3e-15}},
    "bce_edges": {"grad": {"rtol": 1e-8, "atol": 0}, "skip_grads": ["target"]},
}
DEFAULT_TOLERANCE = {"output": {"rtol": 1e-13, "atol": 1e-300}, "grad": {"rtol": 1e-12, "atol": 1e-15}}


def _weights(shape: tuple[int, ...]) -> np.ndarray:
    return (np.arange(int(np.prod(shape))).reshape(shape) % 7 + 1) / 7.0


@pytest.mark.parametrize("case", CASES["losses"], ids=[c["name"] for c in CASES["losses"]])
def test_functional_matches_pytorch_value_and_gradients(case: dict) -> None:
    name = case["name"]
    inputs = {
        k: tg.tensor(FIXTURE[f"{name}/input/{k}"], requires_grad=k in case["grads"]) for k in case["inputs"]
    }
    tolerance = {**DEFAULT_TOLERANCE, **TOLERANCES.get(name, {})}
    output = getattr(F, case["function"])(**inputs, **case["options"])
    expected = FIXTURE[f"{name}/output"]
    assert output.shape == expected.shape
    np.testing.assert_allclose(output.numpy(), expected, **tolerance["output"])
    (output * tg.tensor(_weights(output.shape))).sum().backward()
    for k in set(case["grads"]) - set(tolerance.get("skip_grads", [])):
        np.testing.assert_allclose(
            inputs[k].grad.numpy(), FIXTURE[f"{name}/grad/{k}"], **tolerance["grad"], err_msg=k
        )


@pytest.mark.parametrize("setting", CASES["clipping"], ids=[s["key"] for s in CASES["clipping"]])
def test_clip_grad_norm_matches_pytorch(setting: dict) -> None:
    params = []
    for i in range(2):
        grad = FIXTURE[f"clip/input{i}"]
        p = tg.nn.Parameter(tg.zeros(*grad.shape, dtype=tg.float64))
        p.grad = tg.tensor(grad)
        params.append(p)
    key = setting["key"]
    total = tg.nn.utils.clip_grad_norm_(params, setting["max_norm"], norm_type=float(setting["norm_type"]))
    np.testing.assert_allclose(total.numpy(), FIXTURE[f"{key}/total_norm"], rtol=1e-14)
    for i, p in enumerate(params):
        np.testing.assert_allclose(p.grad.numpy(), FIXTURE[f"{key}/grad{i}"], rtol=1e-14)
