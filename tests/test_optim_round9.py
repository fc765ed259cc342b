"""Optimizers, round 9: ``tg.optim.Muon`` against PyTorch 2.13's trajectories, and every optimizer,
schedule and SWA helper against PyTorch's signatures, implementation switches and value checks.

Fixtures: tests/fixtures/make_optim_round9.py (``optim_round9.npz``).
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.optim.muon import round_to_bfloat16, zeropower_via_newton_schulz

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from optim_round9_cases import SWA_CASES, SWALR_CASES, schedule_cases, swa_run, swalr_run, trajectory  # noqa: E402

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "optim_round9.npz")
MUON_CASES = {
    "defaults": ({"lr": 0.02}, None),
    "plain_momentum": (
        {"lr": 0.05, "nesterov": False, "adjust_lr_fn": "match_rms_adamw", "weight_decay": 0.01},
        None,
    ),
    "small_momentum": (
        {"lr": 0.03, "momentum": 0.3, "ns_steps": 3, "ns_coefficients": (2.0, -1.5, 0.5)},
        None,
    ),
    "groups": ({"lr": 0.02, "weight_decay": 0.0}, {"lr": 0.1, "adjust_lr_fn": "original", "momentum": 0.9}),
}
# PyTorch 2.13 names that we do not have: sparse gradients, and a context manager for swapping state
NOT_PROVIDED = {"torch.optim.SparseAdam", "torch.optim.swap_in_optimizer_params_and_state"}


def muon_problem(name: str, dtype: str) -> tuple[dict[str, np.ndarray], list[tg.Tensor], tg.optim.Muon]:
    prefix = f"muon_{name}_{dtype}"
    data = {key[len(prefix) + 1 :]: FIXTURES[key] for key in FIXTURES.files if key.startswith(prefix + "_")}
    weights = [
        tg.tensor(data["w1"].copy(), requires_grad=True),
        tg.tensor(data["w2"].copy(), requires_grad=True),
    ]
    options, second_group = MUON_CASES[name]
    if second_group is None:
        optimizer = tg.optim.Muon(weights, **options)
    else:
        optimizer = tg.optim.Muon(
            [{"params": [weights[0]]}, {"params": [weights[1]], **second_group}], **options
        )
    return data, weights, optimizer


def muon_train_step(
    data: dict[str, np.ndarray], weights: list[tg.Tensor], optimizer: tg.optim.Optimizer
) -> None:
    optimizer.zero_grad()
    prediction = tg.tensor(data["x"]).matmul(weights[0]).tanh().matmul(weights[1])
    ((prediction - tg.tensor(data["y"])) ** 2).mean().backward()
    optimizer.step()


# -------------------------------------------------------------------------------------------------
# Muon


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(MUON_CASES))
def test_muon_follows_pytorchs_trajectory(name: str, dtype: str) -> None:
    data, weights, optimizer = muon_problem(name, dtype)
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
    for step in range(len(data["w1_steps"])):
        muon_train_step(data, weights, optimizer)
        np.testing.assert_allclose(weights[0].numpy(), data["w1_steps"][step], **tolerance)
        np.testing.assert_allclose(weights[1].numpy(), data["w2_steps"][step], **tolerance)
    assert weights[0].dtype == np.dtype(dtype)
    np.testing.assert_allclose(
        optimizer.state[weights[0]]["momentum_buffer"].numpy(), data["buffer1"], **tolerance
    )
    np.testing.assert_allclose(
        optimizer.state[weights[1]]["momentum_buffer"].numpy(), data["buffer2"], **tolerance
    )


def test_muon_state_dict_resumes_exactly_and_has_pytorchs_keys() -> None:
    data, weights, optimizer = muon_problem("groups", "float32")
    for _ in range(2):
        muon_train_step(data, weights, optimizer)
    saved = optimizer.state_dict()
    assert set(saved["state"][0]) == {"momentum_buffer"}
    hyperparameters = "lr weight_decay momentum nesterov ns_coefficients eps ns_steps adjust_lr_fn params"
    assert set(saved["param_groups"][1]) == set(hyperparameters.split())
    assert saved["param_groups"][1]["lr"] == 0.1 and saved["param_groups"][0]["lr"] == 0.02
    resumed_weights = [tg.tensor(w.numpy(), requires_grad=True) for w in weights]
    resumed = tg.optim.Muon([{"params": [resumed_weights[0]]}, {"params": [resumed_weights[1]]}], lr=0.5)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[1]["momentum"] == 0.9
    for _ in range(3):
        muon_train_step(data, weights, optimizer)
        muon_train_step(data, resumed_weights, resumed)
    for ours, uninterrupted in zip(resumed_weights, weights):
        np.testing.assert_array_equal(ours.numpy(), uninterrupted.numpy())
    np.testing.assert_allclose(weights[0].numpy(), data["w1_steps"][-1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4), ()])
def test_muon_refuses_parameters_that_are_not_matrices_as_pytorch(shape: tuple[int, ...]) -> None:
    with pytest.raises(
        ValueError, match=r"Muon only supports 2D parameters .* size: \(" + ", ".join(map(str, shape))
    ):
        tg.optim.Muon([tg.zeros(3, 3, requires_grad=True), tg.zeros(*shape, requires_grad=True)])


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"lr": -1.0}, "learning rate"),
        ({"momentum": -0.5}, "momentum"),
        ({"weight_decay": -0.1}, "weight_decay"),
        ({"adjust_lr_fn": "rms"}, "Adjust learning rate function rms is not supported"),
        ({"lr": tg.tensor([0.1, 0.2])}, "lr"),
    ],
)
def test_muon_checks_its_hyperparameters_as_pytorch(options: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        tg.optim.Muon([tg.zeros(2, 2, requires_grad=True)], **options)


@pytest.mark.parametrize(
    ("options", "match"),
    [({"ns_steps": 100}, "less than 100"), ({"ns_coefficients": (1.0, 2.0)}, "exactly 3 values")],
)
def test_muon_refuses_bad_newton_schulz_settings_at_step_as_pytorch(
    options: dict[str, Any], match: str
) -> None:
    weight = tg.ones(2, 3, requires_grad=True)
    optimizer = tg.optim.Muon([weight], **options)  # PyTorch accepts them here and raises in step
    weight.grad = tg.ones(2, 3)
    with pytest.raises(ValueError, match=match):
        optimizer.step()


def test_muon_takes_a_tensor_learning_rate_and_no_implementation_switches() -> None:
    weight = tg.ones(2, 2, requires_grad=True)
    assert tg.optim.Muon([weight], lr=tg.tensor(0.5)).param_groups[0]["lr"] == 0.5
    for switch in ("foreach", "fused", "capturable", "differentiable"):
        with pytest.raises(TypeError, match=switch):
            tg.optim.Muon([weight], **{switch: False})


def test_muon_with_a_zero_gradient_only_decays_the_weights() -> None:
    weight = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    optimizer = tg.optim.Muon([weight], lr=0.1, weight_decay=0.5)
    weight.grad = tg.zeros(2, 3, dtype=tg.float64)
    optimizer.step()
    np.testing.assert_array_equal(weight.numpy(), np.arange(6.0).reshape(2, 3) * 0.95)


def test_newton_schulz_brings_singular_values_near_one() -> None:
    """The quintic's coefficients trade exactness for speed: singular values land in about (0.5, 1.5)."""
    rng = np.random.default_rng(0)
    matrix = tg.tensor(rng.standard_normal((8, 5)) * np.array([4.0, 2.0, 1.0, 0.5, 0.25]))
    ortho = zeropower_via_newton_schulz(matrix._backend, matrix._data, (3.4445, -4.775, 2.0315), 5, 1e-7)
    singular_values = np.linalg.svd(matrix._backend.to_numpy(ortho), compute_uv=False)
    assert ortho.shape == (8, 5)
    assert np.all((singular_values > 0.5) & (singular_values < 1.5)), singular_values


def test_bfloat16_rounding_keeps_eight_bits_rounding_ties_to_even() -> None:
    # the last three: PyTorch's float(torch.tensor(x).bfloat16()) of a subnormal, the largest, -0
    values = np.array(
        [1.0, 1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-7 + 2**-9, -3.14159, np.inf, 1e-40, 3.3895314e38, -0.0]
    )
    expected = [
        1.0,
        1.0,
        1 + 2**-6,
        1 + 2**-7,
        -3.140625,
        np.inf,
        9.183549615799121e-41,
        3.3895313892515355e38,
        -0.0,
    ]
    tensor = tg.tensor(values.astype(np.float32))
    rounded = tensor._backend.to_numpy(round_to_bfloat16(tensor._backend, tensor._data))
    np.testing.assert_array_equal(rounded, np.array(expected, np.float32))
    assert np.signbit(rounded[-1])
    assert np.isnan(tensor._backend.to_numpy(round_to_bfloat16(tensor._backend, tg.tensor([np.nan])._data)))[
        0
    ]


def test_muon_is_not_offered_by_the_cli_whose_models_have_biases() -> None:
    from tinygrad_adam.cli import optimizer_classes

    assert "muon" not in optimizer_classes() and "adamw" in optimizer_classes()


# -------------------------------------------------------------------------------------------------
# Learning-rate schedules on problems the earlier fixtures did not try


@pytest.mark.parametrize("name", list(schedule_cases(tg)))
def test_schedule_follows_pytorchs_learning_rates_and_momenta(name: str) -> None:
    params = [tg.zeros(2, requires_grad=True), tg.zeros(2, requires_grad=True)]
    np.testing.assert_allclose(trajectory(tg, params, name), FIXTURES[f"schedule_{name}"], rtol=1e-13, atol=0)


# -------------------------------------------------------------------------------------------------
# Weight averaging (swa_utils)


@pytest.mark.parametrize("case", SWA_CASES)
def test_averaged_model_and_update_bn_follow_pytorch(case: str) -> None:
    inputs = [tg.tensor(FIXTURES[f"swa_{name}"].astype(np.float32)) for name in ("weight", "bias", "inputs")]
    ours = swa_run(tg, case, *inputs)
    expected = {
        key[len(f"swa_{case}_") :]: FIXTURES[key] for key in FIXTURES.files if key.startswith(f"swa_{case}_")
    }
    assert set(ours) == set(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(ours[key].numpy(), value, rtol=1e-5, atol=1e-6, err_msg=key)
    assert ours["n_averaged"].item() == 4


@pytest.mark.parametrize("case", list(SWALR_CASES))
def test_swalr_follows_pytorchs_learning_rates(case: str) -> None:
    params = [tg.zeros(1, requires_grad=True), tg.zeros(1, requires_grad=True)]
    np.testing.assert_allclose(swalr_run(tg, params, case), FIXTURES[f"swalr_{case}"], rtol=1e-13, atol=0)


# -------------------------------------------------------------------------------------------------
# Signatures: names, order, kinds and defaults as PyTorch 2.13's


def same_default(ours: str, theirs: str) -> bool:
    """Defaults compare as values (our 0.0 is PyTorch's 0), else by their repr."""
    try:
        return ast.literal_eval(ours) == ast.literal_eval(theirs)
    except (ValueError, SyntaxError):
        return ours == theirs


TORCH_SIGNATURES = json.loads(str(FIXTURES["signatures"]))


@pytest.mark.parametrize("qualified", sorted(set(TORCH_SIGNATURES) - NOT_PROVIDED))
def test_signature_is_pytorchs(qualified: str) -> None:
    module_path, name = qualified.rsplit(".", 1)
    module = {"torch.optim": tg.optim, "torch.optim.lr_scheduler": tg.optim.lr_scheduler}.get(
        module_path, tg.optim.swa_utils
    )
    ours = [
        [p.name, p.kind.name, repr(p.default)]
        for p in inspect.signature(getattr(module, name)).parameters.values()
    ]
    theirs = TORCH_SIGNATURES[qualified]
    assert [p[:2] for p in ours] == [p[:2] for p in theirs]
    for (parameter, _, our_default), (_, _, their_default) in zip(ours, theirs):
        assert same_default(our_default, their_default), (parameter, our_default, their_default)


# -------------------------------------------------------------------------------------------------
# Implementation switches as PyTorch treats them on the CPU


def two_params() -> list[tg.Tensor]:
    return [tg.ones(2, 2, requires_grad=True), tg.ones(3, requires_grad=True)]


def with_gradients(params: list[tg.Tensor]) -> list[tg.Tensor]:
    for param in params:
        param.grad = tg.ones(*param.shape)
    return params


CAPTURABLE = ["Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adadelta", "RMSprop", "Rprop", "ASGD"]


@pytest.mark.parametrize("name", CAPTURABLE)
def test_capturable_is_accepted_and_step_refuses_parameters_off_the_gpu_as_pytorch(name: str) -> None:
    params = with_gradients(two_params())
    optimizer = getattr(tg.optim, name)(params, capturable=True)
    assert optimizer.param_groups[0]["capturable"] is True
    before = params[0].numpy().copy()
    with pytest.raises(AssertionError, match="capturable=True, params .* must be on supported devices"):
        optimizer.step()
    np.testing.assert_array_equal(params[0].numpy(), before)  # nothing moved
    optimizer.param_groups[0]["capturable"] = False  # a group's switch can be turned off, as in PyTorch
    optimizer.step()
    assert not np.array_equal(params[0].numpy(), before)


@pytest.mark.parametrize("name", [*CAPTURABLE, "SGD", "Adagrad"])
def test_differentiable_is_accepted_and_step_refuses_leaf_parameters_as_pytorch(name: str) -> None:
    optimizer = getattr(tg.optim, name)(with_gradients(two_params()), differentiable=True)
    assert optimizer.param_groups[0]["differentiable"] is True
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad .* in-place"):
        optimizer.step()


@pytest.mark.parametrize(
    ("name", "switch"),
    [("SGD", "capturable"), ("Adagrad", "capturable"), ("RMSprop", "fused"), ("Adafactor", "capturable"),
     ("Adafactor", "differentiable"), ("LBFGS", "foreach"), ("NAdam", "fused")],
)  # fmt: skip
def test_a_switch_pytorchs_class_lacks_is_a_type_error(name: str, switch: str) -> None:
    with pytest.raises(TypeError, match=switch):
        getattr(tg.optim, name)(two_params(), **{switch: False})


def test_adagrad_takes_fused_as_pytorch_and_steps_alike() -> None:
    plain_params, fused_params = with_gradients(two_params()), with_gradients(two_params())
    plain = tg.optim.Adagrad(plain_params, lr=0.1)
    fused = tg.optim.Adagrad(fused_params, lr=0.1, fused=True)
    assert fused.param_groups[0]["fused"] is True and plain.param_groups[0]["fused"] is None
    plain.step()
    fused.step()
    for ours, theirs in zip(fused_params, plain_params):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(RuntimeError, match="cannot be used together"):
        tg.optim.Adagrad(two_params(), fused=True, foreach=True)


def test_switches_pytorch_takes_positionally_can_be_given_so() -> None:
    # RMSprop(params, lr, alpha, eps, weight_decay, momentum, centered, capturable, foreach, maximize)
    params = with_gradients([tg.zeros(2, requires_grad=True)])
    optimizer = tg.optim.RMSprop(params, 0.1, 0.99, 1e-8, 0, 0, False, False, None, True)
    assert optimizer.param_groups[0]["maximize"] is True
    optimizer.step()
    assert params[0].numpy()[0] > 0  # maximize climbs the gradient
    asgd = tg.optim.ASGD(two_params(), 0.1, 1e-4, 0.75, 1e6, 0, None, True)
    assert asgd.param_groups[0]["maximize"] is True


# -------------------------------------------------------------------------------------------------
# Constructor value checks: PyTorch's ValueError and its words


@pytest.mark.parametrize(
    ("name", "options", "match"),
    [
        ("Adam", {"lr": -1}, "Invalid learning rate: -1"),
        ("AdamW", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
        ("NAdam", {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1: 1.5"),
        ("RAdam", {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
        ("Adamax", {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
        ("NAdam", {"momentum_decay": -0.1}, "Invalid momentum_decay value: -0.1"),
        ("Adagrad", {"lr_decay": -0.1}, "Invalid lr_decay value: -0.1"),
        ("Adagrad", {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value value: -1.0"),
        ("Adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
        ("RMSprop", {"alpha": -0.1}, "Invalid alpha value: -0.1"),
        ("RMSprop", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
        ("SGD", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
        ("Rprop", {"etas": (1.5, 1.2)}, "Invalid eta values: 1.5, 1.2"),
        ("Adafactor", {"beta2_decay": 0.5}, "beta2_decay"),
        ("Adafactor", {"d": 0.5}, "Clipping threshold d should be >= 1"),
    ],
)
def test_bad_hyperparameters_raise_pytorchs_value_error(
    name: str, options: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        getattr(tg.optim, name)(two_params(), **options)


def test_tensor_learning_rate_and_betas_are_taken_as_pytorch() -> None:
    optimizer = tg.optim.Adam(two_params(), lr=tg.tensor(0.01), betas=(tg.tensor(0.8), tg.tensor(0.9)))
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.01)
    assert optimizer.param_groups[0]["betas"] == pytest.approx((0.8, 0.9))
